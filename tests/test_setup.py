"""Setup in the app (issue 13): the Centre's leaders change levels' names, report types and their
fields, difficulty categories and answer times, policies and teams on /setup/; a state's leaders
may look; everyone else gets 404. Every change audited (codes and ids only), a refused one changes
nothing."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.core.audit import AuditEntry
from sampark.core.models import Policy
from sampark.difficulties import services as difficulty_services
from sampark.difficulties.models import AnswerPolicy, BusinessHours, DifficultyCategory, Holiday
from sampark.org.models import Level
from sampark.org.setup import SetupError
from sampark.people import services as people_services
from sampark.people import teams
from sampark.people.models import Person, Post, TeamName
from sampark.people.visibility import SETUP_EDIT, SETUP_VIEW, setup_access
from sampark.reports import services as report_services
from sampark.reports import setup as report_setup
from sampark.reports.models import ReportField, ReportType

pytestmark = pytest.mark.django_db

PAGES = ["/setup/", "/setup/levels/", "/setup/reports/", "/setup/difficulties/", "/setup/policies/", "/setup/teams/"]


def audit_text() -> str:
    return " ".join(f"{e.action} {e.before} {e.after}" for e in AuditEntry.objects.all())


# --- who --------------------------------------------------------------------------------------------

def test_only_the_centres_leaders_edit_and_a_states_leaders_look(world):
    assert setup_access(world.centre_admin) == SETUP_EDIT
    assert setup_access(world.state_admin) == SETUP_VIEW
    for person in (world.patna_coord, world.patna_worker, world.gaya_coord, world.up_coord):
        assert setup_access(person) is None
    assert setup_access(Person(phone="+919111111111")) is None  # unsaved: nobody
    # A worker at the Centre does not lead: no setup.
    worker = people_services.create_person(None, phone="+919000000099", name_hi="क")
    people_services.add_post(None, person=worker, unit=world.centre, role="worker")
    assert setup_access(worker) is None
    # The same answer from posts a page already has.
    posts = list(Post.objects.filter(person=world.centre_admin, active=True))
    assert setup_access(world.centre_admin, posts) == SETUP_EDIT


def test_every_setup_page_is_404_for_a_district_coordinator(world, login_as, client):
    rtype = ReportType.objects.get(code="meeting")
    login_as(world.patna_coord)
    for url in [*PAGES, f"/setup/reports/{rtype.pk}/"]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"op": "add_team", "code": "x", "name_hi": "क", "name_en": "X"}).status_code == 404
    assert not TeamName.objects.filter(code="x").exists()


def test_a_state_leader_sees_the_pages_but_cannot_change_them(world, login_as, client):
    login_as(world.state_admin)
    for url in PAGES:
        r = client.get(url)
        assert r.status_code == 200 and "केवल राष्ट्रीय स्तर के पदाधिकारी" in r.content.decode(), url
    r = client.post("/setup/teams/", {"op": "add_team", "code": "x", "name_hi": "क", "name_en": "X"})
    assert r.status_code == 403 and not TeamName.objects.filter(code="x").exists()


def test_the_home_page_links_the_setup_for_those_who_may_see_it(world, login_as, client):
    assert "/setup/" in login_as(world.centre_admin).get("/").content.decode()
    assert "/setup/" not in login_as(world.patna_coord).get("/").content.decode()


# --- levels -----------------------------------------------------------------------------------------

def test_the_centre_renames_a_level_and_unit_pages_show_it(world, login_as, client):
    login_as(world.centre_admin)
    district = Level.objects.get(code="district")
    r = client.post("/setup/levels/", {"op": "rename", "level": district.pk, "name_hi": "जनपद", "name_en": "Janpad"})
    assert r.status_code == 302
    district.refresh_from_db()
    assert (district.code, district.rank, district.name_hi) == ("district", 20, "जनपद")
    assert "जनपद" in login_as(world.patna_coord).get(f"/units/{world.patna.pk}/").content.decode()
    assert AuditEntry.objects.filter(action="level.rename", object_id=str(district.pk)).count() == 1


def test_a_level_without_a_name_is_refused_and_nothing_changes(world, login_as, client):
    login_as(world.centre_admin)
    district = Level.objects.get(code="district")
    r = client.post("/setup/levels/", {"op": "rename", "level": district.pk, "name_hi": "  ", "name_en": "X"})
    assert r.status_code == 400 and "नाम हिन्दी और अंग्रेज़ी दोनों में दें" in r.content.decode()
    district.refresh_from_db()
    assert district.name_en == "District" and not AuditEntry.objects.filter(action="level.rename").exists()


# --- report types -------------------------------------------------------------------------------------

def test_the_centre_adds_a_report_type_with_a_number_field_and_the_form_offers_it(world, login_as, client):
    login_as(world.centre_admin)
    r = client.post("/setup/reports/", {"op": "add_type", "code": "wall_writing", "name_hi": "दीवार लेखन",
                                        "name_en": "Wall writing"})
    assert r.status_code == 302
    rtype = ReportType.objects.get(code="wall_writing")
    r = client.post(f"/setup/reports/{rtype.pk}/", {"op": "add_field", "code": "walls", "label_hi": "दीवारें लिखीं",
                                                     "label_en": "Walls written", "kind": "number",
                                                     "min_value": "0", "max_value": "५००", "required": "1"})
    assert r.status_code == 302
    field = ReportField.objects.get(type=rtype, code="walls")
    assert (field.slot, field.min_value, field.max_value, field.required) == (1, 0, 500, True)
    offered = login_as(world.patna_worker).get("/reports/new/").context["form_json"]["types"]
    wall = next(t for t in offered if t["code"] == "wall_writing")
    assert wall["name"] == "दीवार लेखन" and [(f["code"], f["label"]) for f in wall["fields"]] == [
        ("walls", "दीवारें लिखीं")]
    # A report of it is summed in slot 1.
    rep, _ = report_services.submit_report(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth,
                                           type="wall_writing", date=timezone.localdate(), values={"walls": 7})
    assert report_services.slot_values(ReportType.objects.get(pk=rtype.pk), rep.values) == [7, 0, 0, 0]
    assert "दीवार" not in audit_text()  # codes and ids, no names


def test_a_fifth_number_field_is_refused_clearly(world):
    rtype = report_setup.add_report_type(world.centre_admin, code="many", name_hi="क", name_en="K")
    for i in range(4):
        report_setup.add_report_field(world.centre_admin, rtype, code=f"n{i}", label_hi="क", label_en="K",
                                      kind="number")
    assert sorted(rtype.fields.values_list("slot", flat=True)) == [1, 2, 3, 4]
    with pytest.raises(SetupError, match="अधिकतम 4 संख्या"):
        report_setup.add_report_field(world.centre_admin, rtype, code="n5", label_hi="क", label_en="K", kind="number")
    assert rtype.fields.count() == 4
    # Text fields take no slot.
    report_setup.add_report_field(world.centre_admin, rtype, code="note", label_hi="क", label_en="K", kind="text")
    # A freed slot (no reports yet) is taken again.
    report_setup.remove_report_field(world.centre_admin, rtype.fields.get(code="n1"))
    f = report_setup.add_report_field(world.centre_admin, rtype, code="n6", label_hi="क", label_en="K", kind="number")
    assert f.slot == 2


def test_a_type_with_reports_keeps_its_fields_and_is_set_inactive_not_deleted(world, login_as, client):
    rtype = ReportType.objects.get(code="meeting")
    assert not report_setup.has_reports(rtype)
    report_services.submit_report(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth, type="meeting",
                                  date=timezone.localdate(), values={"attendance": 3})
    assert report_setup.has_reports(rtype)
    login_as(world.centre_admin)
    attendance = rtype.fields.get(code="attendance")
    r = client.post(f"/setup/reports/{rtype.pk}/", {"op": "remove_field", "field": attendance.pk})
    assert r.status_code == 400 and "निष्क्रिय" in r.content.decode()
    r = client.post(f"/setup/reports/{rtype.pk}/", {"op": "remove_type"})
    assert r.status_code == 400
    assert ReportType.objects.filter(pk=rtype.pk).exists() and rtype.fields.filter(code="attendance").exists()
    # Once folded, the daily rows still tell that reports exist.
    from sampark.reports.rollups import fold_all

    fold_all()
    assert report_setup.has_reports(rtype)
    r = client.post(f"/setup/reports/{rtype.pk}/", {"op": "update_type", "name_hi": "बैठक", "name_en": "Meeting",
                                                     "order": "0"})
    assert r.status_code == 302 and not ReportType.objects.get(pk=rtype.pk).active
    from sampark.reports.selectors import report_types

    assert "meeting" not in [t.code for t in report_types()]  # no longer offered in the form
    # Labels and limits may still change, and fields may be added.
    report_setup.update_report_field(world.centre_admin, attendance, label_hi="हाज़िरी", label_en="Present",
                                     min_value="0", max_value="50")
    assert ReportField.objects.get(pk=attendance.pk).max_value == 50


def test_a_type_without_reports_is_deleted(world):
    rtype = report_setup.add_report_type(world.centre_admin, code="gone", name_hi="क", name_en="K")
    report_setup.add_report_field(world.centre_admin, rtype, code="n", label_hi="क", label_en="K", kind="number")
    report_setup.remove_report_type(world.centre_admin, rtype)
    assert not ReportType.objects.filter(code="gone").exists()
    assert AuditEntry.objects.filter(action="report_type.remove", object_id=str(rtype.pk)).exists()


def test_bad_report_setup_input_is_refused_with_a_message(world):
    admin = world.centre_admin
    with pytest.raises(SetupError, match="कोड"):
        report_setup.add_report_type(admin, code="बैठक", name_hi="क", name_en="K")
    with pytest.raises(SetupError, match="पहले से"):
        report_setup.add_report_type(admin, code="meeting", name_hi="क", name_en="K")
    rtype = ReportType.objects.get(code="social_post")
    with pytest.raises(SetupError, match="विकल्प"):
        report_setup.add_report_field(admin, rtype, code="c", label_hi="क", label_en="K", kind="choice", choices="")
    with pytest.raises(SetupError, match="सबसे छोटा"):
        report_setup.add_report_field(admin, rtype, code="n", label_hi="क", label_en="K", kind="number",
                                      min_value="9", max_value="1")
    assert not rtype.fields.filter(code__in=["c", "n"]).exists()
    f = report_setup.add_report_field(admin, rtype, code="c", label_hi="क", label_en="K", kind="choice",
                                      choices="yes | हाँ | Yes\nno | नहीं | No")
    assert [c["value"] for c in f.choices] == ["yes", "no"] and f.slot is None


# --- difficulties -----------------------------------------------------------------------------------

def test_the_centre_adds_a_category_with_hours_to_answer(world, login_as, client):
    login_as(world.centre_admin)
    r = client.post("/setup/difficulties/", {"op": "add_category", "code": "legal", "name_hi": "कानूनी",
                                             "name_en": "Legal", "hours": "12"})
    assert r.status_code == 302
    legal = DifficultyCategory.objects.get(code="legal")
    district = Level.objects.get(code="district")
    # Its hours at every level (a row per level: they beat the levels' general times).
    assert difficulty_services.hours_for(district, legal) == 12
    assert difficulty_services.hours_for(Level.objects.get(code="booth"), legal) == 12
    r = client.post("/setup/difficulties/", {"op": "set_hours", "level": district.pk, "category": legal.pk,
                                             "hours": "6"})
    assert r.status_code == 302 and difficulty_services.hours_for(district, legal) == 6
    assert "कानूनी" in login_as(world.patna_worker).get("/difficulties/new/").content.decode()
    d, _ = difficulty_services.raise_difficulty(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth,
                                                category="legal", text="कागज़ चाहिए", now=timezone.now())
    assert d.category_id == legal.pk


def test_answer_hours_refuse_bad_input_and_keep_the_general_row(world, login_as, client):
    login_as(world.centre_admin)
    before = list(AnswerPolicy.objects.values_list("level_id", "category_id", "hours"))
    for hours in ("abc", "0", "-3"):
        r = client.post("/setup/difficulties/", {"op": "set_hours", "level": "", "category": "", "hours": hours})
        assert r.status_code == 400
    r = client.post("/setup/difficulties/", {"op": "set_hours", "level": "", "category": "", "hours": ""})
    assert r.status_code == 400 and "सामान्य समय हटाया नहीं जा सकता" in r.content.decode()
    assert list(AnswerPolicy.objects.values_list("level_id", "category_id", "hours")) == before
    mandal = Level.objects.get(code="mandal")
    r = client.post("/setup/difficulties/", {"op": "set_hours", "level": mandal.pk, "category": "", "hours": ""})
    assert r.status_code == 302 and not AnswerPolicy.objects.filter(level=mandal, category=None).exists()


def test_working_hours_and_holidays(world, login_as, client):
    login_as(world.centre_admin)
    r = client.post("/setup/difficulties/", {"op": "set_business_hours", "start": "18:00", "end": "10:00",
                                             "weekdays": ["0"]})
    assert r.status_code == 400 and not BusinessHours.objects.exists()
    r = client.post("/setup/difficulties/", {"op": "set_business_hours", "start": "10:00", "end": "18:00",
                                             "weekdays": ["0", "1", "2", "3", "4", "5"]})
    assert r.status_code == 302 and BusinessHours.objects.get().weekdays == "012345"
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    assert client.post("/setup/difficulties/", {"op": "add_holiday", "date": day, "name_hi": "होली",
                                                "name_en": "Holi"}).status_code == 302
    assert client.post("/setup/difficulties/", {"op": "add_holiday", "date": day, "name_hi": "होली",
                                                "name_en": "Holi"}).status_code == 400
    holiday = Holiday.objects.get()
    assert client.post("/setup/difficulties/", {"op": "remove_holiday", "holiday": holiday.pk}).status_code == 302
    assert client.post("/setup/difficulties/", {"op": "clear_business_hours"}).status_code == 302
    assert not Holiday.objects.exists() and not BusinessHours.objects.exists()


# --- policies ---------------------------------------------------------------------------------------

def test_a_bad_policy_value_shows_the_message_and_changes_nothing_then_a_good_one_does(world, login_as, client):
    from sampark.directives.policies import escalation_interval

    login_as(world.centre_admin)
    page = client.get("/setup/policies/").content.decode()
    assert "directives.escalation_minutes" in page and "directives.remind_before_minutes" in page
    r = client.post("/setup/policies/", {"op": "set", "key": "directives.escalation_minutes", "value": "0"})
    assert r.status_code == 400 and "कम से कम 1" in r.content.decode()
    assert not Policy.objects.filter(key="directives.escalation_minutes").exclude(value="60").exists()
    assert not AuditEntry.objects.filter(action="policy.set").exists()
    r = client.post("/setup/policies/", {"op": "set", "key": "directives.escalation_minutes", "value": "30"})
    assert r.status_code == 302
    assert escalation_interval() == timedelta(minutes=30)
    assert AuditEntry.objects.filter(action="policy.set", actor_id=world.centre_admin.pk).count() == 1
    assert client.post("/setup/policies/", {"op": "set", "key": "no.such", "value": "1"}).status_code == 404


# --- teams ------------------------------------------------------------------------------------------

def test_the_centre_adds_a_team_and_the_post_forms_offer_it(world, login_as, client):
    login_as(world.centre_admin)
    r = client.post("/setup/teams/", {"op": "add_team", "code": "media_cell", "name_hi": "मीडिया प्रकोष्ठ",
                                      "name_en": "Media cell"})
    assert r.status_code == 302
    page = login_as(world.patna_coord).get(f"/people/new/?unit={world.patna_booth.pk}").content.decode()
    assert 'value="media_cell"' in page and "मीडिया प्रकोष्ठ" in page
    person = people_services.add_member(world.patna_coord, unit=world.patna_booth, phone="9876500001",
                                        name_hi="नया सदस्य", role="worker", team="media_cell")
    post = Post.objects.get(person=person)
    assert post.team == "media_cell" and post.get_team_display() == "मीडिया प्रकोष्ठ"
    # Renamed: shown under the new name; set inactive: kept on its posts, offered for no new one.
    team = TeamName.objects.get(code="media_cell")
    teams.update_team(world.centre_admin, team, name_hi="मीडिया", name_en="Media", active=False)
    assert Post.objects.get(pk=post.pk).get_team_display() == "मीडिया"
    page = login_as(world.patna_coord).get(f"/people/new/?unit={world.patna_booth.pk}").content.decode()
    assert 'value="media_cell"' not in page
    with pytest.raises(people_services.PeopleError):
        people_services.add_post(world.patna_coord, person=person, unit=world.patna_booth, role="head",
                                 team="media_cell")
    assert [a for a in AuditEntry.objects.filter(object_type="people.teamname").values_list("action", flat=True)] \
        == ["team.add", "team.update"]


def test_a_team_added_in_another_process_is_known_before_it_is_refused(world):
    TeamName.objects.create(code="legal_cell", name_hi="विधि प्रकोष्ठ", name_en="Legal cell")  # as another process
    assert teams.is_team("legal_cell")  # read afresh instead of refused
    assert not teams.is_team("nothing")


def test_bad_team_input_is_refused(world):
    with pytest.raises(SetupError, match="पहले से"):
        teams.add_team(world.centre_admin, code="it", name_hi="क", name_en="K")
    with pytest.raises(SetupError, match="कोड"):
        teams.add_team(world.centre_admin, code="Media Cell!", name_hi="क", name_en="K")
    with pytest.raises(SetupError):
        teams.add_team(world.centre_admin, code="ok", name_hi="", name_en="K")
    assert TeamName.objects.count() == 3


def test_the_seeded_teams_are_the_codes_in_the_code(db):
    from sampark.people.models import Team

    assert sorted(TeamName.objects.values_list("code", flat=True)) == sorted(Team.values)
    teams.forget()
    assert sorted(c for c, _n in teams.team_choices()) == sorted(Team.values)


def test_setup_pages_cost_a_few_queries_however_many_rows(world, login_as, client, django_assert_max_num_queries):
    for i in range(6):
        rtype = report_setup.add_report_type(world.centre_admin, code=f"t{i}", name_hi="क", name_en="K")
        report_setup.add_report_field(world.centre_admin, rtype, code="n", label_hi="क", label_en="K", kind="number")
        teams.add_team(world.centre_admin, code=f"team{i}", name_hi="क", name_en="K")
    login_as(world.centre_admin)
    budgets = {"/setup/": 2, "/setup/levels/": 3, "/setup/reports/": 6, f"/setup/reports/{rtype.pk}/": 8,
               "/setup/difficulties/": 7, "/setup/policies/": 3, "/setup/teams/": 3}
    for url, budget in budgets.items():
        client.get(url)  # the session and the person, read once
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
