"""The demo organisation at small scale: real Bihar geography, generated units flagged synthetic,
counters equal to a recount, fixed demo log-ins, search tokens; on SQLite and PostgreSQL."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from sampark.core.models import AuditEntry
from sampark.demo import loader, logins
from sampark.demo.data import Names
from sampark.org.models import Level, Unit, UnitToken
from sampark.org.services import create_unit, recount
from sampark.people.models import Person, PersonToken, Post, Role, Team
from sampark.people.search import search_people
from sampark.people.services import add_post, create_person


@pytest.fixture
def small(db):
    """A small load inside the test's transaction (rolled back with it, audit row included)."""
    return loader.load("small")


def units_at(level: str):
    return Unit.objects.filter(level__code=level)


@pytest.mark.django_db
def test_bihar_has_its_38_districts_and_243_constituencies(small):
    bihar = Unit.objects.get(level__code="state")
    assert (bihar.name_hi, bihar.name_en, bihar.code) == ("बिहार", "Bihar", "S04")
    assert bihar.parent.level.code == "centre" and bihar.parent.name_hi == "राष्ट्रीय"
    districts = units_at("district")
    assert districts.count() == 38 and all(d.parent_id == bihar.pk for d in districts)
    patna = districts.get(code="230")
    assert (patna.name_hi, patna.name_en) == ("पटना", "Patna")
    assert units_at("assembly").count() == 243
    assert sorted(int(c) for c in units_at("assembly").values_list("code", flat=True)) == list(range(1, 244))
    by_name = {u.name_en: u for u in units_at("assembly").select_related("parent")}
    assert by_name["Bankipur"].parent.name_en == "Patna"
    assert by_name["Patna Sahib"].parent.name_en == "Patna"
    assert by_name["Bodh Gaya"].parent.name_en == "Gaya"
    assert by_name["Kurtha"].parent.name_en == "Arwal"  # one of the data's district corrections
    assert patna.child_count == 14
    assert by_name["Bankipur"].name_hi == "बाँकीपुर" and not units_at("assembly").filter(name_hi="").exists()


@pytest.mark.django_db
def test_generated_units_are_flagged_and_named_synthetic(small):
    assert not Unit.objects.filter(level__code__in=["centre", "state", "district", "assembly"], synthetic=True).exists()
    for level, hi, en in [("mandal", "मंडल ", "Mandal "), ("shakti_kendra", "शक्ति केंद्र ", "Shakti Kendra "),
                          ("booth", "बूथ ", "Booth ")]:
        units = units_at(level)
        assert units.exists()
        assert not units.filter(synthetic=False).exists()
        assert not units.exclude(name_hi__startswith=hi).exists()
        assert not units.exclude(name_en__startswith=en).exists()
    # A few booths per constituency, under the right parents all the way down.
    assert units_at("booth").count() == 243 * 8
    booth = units_at("booth").select_related("parent__parent__parent").first()
    assert booth.parent.level.code == "shakti_kendra" and booth.parent.parent.parent.level.code == "assembly"
    assert booth.path.startswith(booth.parent.path)


@pytest.mark.django_db
def test_counters_equal_a_recount(small):
    before = {u.pk: (u.child_count, u.member_count) for u in Unit.objects.all()}
    with transaction.atomic():
        recount()
        after = {u.pk: (u.child_count, u.member_count) for u in Unit.objects.all()}
        transaction.set_rollback(True)
    assert before == after
    centre = Unit.objects.get(level__code="centre")
    assert centre.member_count == Post.objects.filter(active=True).count() == small.posts
    patna = Unit.objects.get(level__code="district", code="230")
    assert patna.member_count == Post.objects.in_subtree(patna.path).filter(active=True).count()
    # Paths copied onto posts match their units.
    assert not Post.objects.exclude(unit_path=F("unit__path")).exists()


@pytest.mark.django_db
def test_people_have_hindi_names_unique_phones_and_posts_at_every_level(small):
    assert small.people == Person.objects.count() > 243 * 8 * 3
    assert Person.objects.values("phone").distinct().count() == small.people
    for level in ["centre", "state", "district", "assembly", "mandal", "shakti_kendra", "booth"]:
        assert Post.objects.filter(unit__level__code=level).exists(), level
    assert Post.objects.filter(unit__level__code="state", role=Role.COORDINATOR, team=Team.SOCIAL_MEDIA).exists()
    assert Post.objects.filter(unit__level__code="booth", role=Role.WORKER).exists()
    assert set(Post.objects.values_list("team", flat=True).distinct()) == set(Team.values)
    person = Person.objects.exclude(phone__startswith="+9199").first()
    assert len(person.name_hi.split()) == 2 and all("\u0900" <= ch <= "\u097f" for ch in person.name_hi.replace(" ", ""))
    assert len(person.name_en.split()) == 2 and person.name_en.isascii()
    # Devi and Kumari are women's second names, Kumar men's: never mixed up on one person.
    names = Names()
    women_given = {g[1] for g, _s in names.women}
    men_given = {g[1] for g, _s in names.men}
    for name in Person.objects.filter(name_en__regex=r" (Devi|Kumari)$").values_list("name_en", flat=True)[:500]:
        assert name.split()[0] in women_given, name
    for name in Person.objects.filter(name_en__endswith=" Kumar").values_list("name_en", flat=True)[:500]:
        assert name.split()[0] in men_given, name


@pytest.mark.django_db
def test_demo_logins_exist_with_posts_at_the_right_units(small):
    rows = {d.phone: (p, posts) for d, p, posts in logins.demo_login_rows()}
    assert set(rows) == {d.phone for d in logins.DEMO_LOGINS}

    def only_post(phone):
        person, posts = rows[phone]
        assert person is not None and len(posts) == 1
        return posts[0]

    assert only_post("+919900000000").unit.level.code == "centre"
    state = only_post("+919900000001")
    assert (state.unit.name_en, state.role, state.team) == ("Bihar", Role.COORDINATOR, Team.SOCIAL_MEDIA)
    assert only_post("+919900000002").unit.name_en == "Patna"
    assert only_post("+919900000003").unit.name_en == "Gaya"
    for phone, district, ac in [("+919900000004", "Patna", "Bankipur"), ("+919900000005", "Gaya", "Gaya Town")]:
        post = only_post(phone)
        assert post.unit.level.code == "booth" and post.role == Role.WORKER
        ancestors = Unit.objects.in_bulk(post.unit.ancestor_ids)
        assert {u.name_en for u in ancestors.values()} >= {district, ac, "Bihar"}
    # Visibility follows: the Patna coordinator sees Patna's constituencies, not Gaya's.
    patna_coord = rows["+919900000002"][0]
    visible = Unit.objects.visible_to(patna_coord)
    assert visible.filter(level__code="assembly", name_en="Bankipur").exists()
    assert not visible.filter(name_en="Bodh Gaya").exists()


@pytest.mark.django_db
def test_generated_people_are_found_by_roman_spelling(small):
    admin = Person.objects.get(phone="+919900000000")
    target = Post.objects.filter(unit__level__code="booth").exclude(person__phone__startswith="+9199") \
        .select_related("person").last().person
    assert PersonToken.objects.filter(person=target).exists()
    assert target in search_people(admin, target.name_en.lower(), limit=200)
    assert UnitToken.objects.filter(unit__name_en="Bankipur").exists()
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


@pytest.mark.django_db
def test_if_empty_is_a_no_op_and_a_plain_load_refuses_to_double(small):
    counts = (Unit.objects.count(), Person.objects.count())
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert (Unit.objects.count(), Person.objects.count()) == counts
    assert AuditEntry.objects.filter(action="demo.load").count() == 1
    with pytest.raises(Exception, match="already has units"):
        call_command("demo")


@pytest.mark.django_db
def test_reset_reloads_the_same_organisation_and_later_creates_do_not_collide(small):
    out = io.StringIO()
    call_command("demo", "--reset", stdout=out)
    assert "Loaded the small demo organisation" in out.getvalue()
    assert units_at("assembly").count() == 243
    assert Person.objects.filter(phone="+919900000002").count() == 1
    assert Person.objects.count() == small.people
    # Sequences were moved past the loaded ids: services can create right after a load.
    bihar = Unit.objects.get(level__code="state")
    unit = create_unit(None, parent=bihar, level=Level.objects.get(code="district"), name_hi="नया", name_en="New")
    person = create_person(None, phone="+919812345678", name_hi="नया व्यक्ति", name_en="Naya Vyakti")
    post = add_post(None, person=person, unit=unit, role=Role.COORDINATOR)
    assert unit.pk > Unit.objects.exclude(pk=unit.pk).order_by("-pk").first().pk
    assert post.pk and Unit.objects.get(pk=bihar.pk).member_count == bihar.member_count + 1


@pytest.mark.django_db
def test_demo_logins_command_prints_phones_and_is_demo_only(small, settings):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in logins.DEMO_LOGINS:
        assert login.phone in text
    assert "Patna" in text and "http://127.0.0.1:8000" in text
    settings.SAMPARK_DEMO = False
    with pytest.raises(Exception, match="disabled"):
        call_command("demo_logins", stdout=io.StringIO())


@pytest.mark.django_db
def test_token_rows_built_in_the_database_equal_the_services_tokens(small):
    """People's token rows are made by a join in the database, not per person in Python: they must
    be exactly what sampark.people.services.person_tokens gives, for every person (demo log-ins too)."""
    from sampark.people.services import person_tokens

    got: dict[int, set] = {}
    for pid, token in PersonToken.objects.values_list("person_id", "token"):
        got.setdefault(pid, set()).add(token)
    people = list(Person.objects.values_list("pk", "name_hi", "name_en"))
    assert len(people) == small.people
    for pid, hi, en in people:
        assert got.get(pid, set()) == person_tokens(hi, en), (pid, hi, en)
    assert PersonToken.objects.count() == sum(len(person_tokens(hi, en)) for _pk, hi, en in people)
    # Token ids were moved past the loaded ones too: a later person's tokens do not collide.
    person = create_person(None, phone="+919812345670", name_hi="राजेश वर्मा", name_en="Rajesh Verma")
    assert set(PersonToken.objects.filter(person=person).values_list("token", flat=True)) == \
        person_tokens("राजेश वर्मा", "Rajesh Verma")


@pytest.mark.django_db
def test_the_demo_has_meetings_with_attendance_a_workshop_and_an_upcoming_training(small):
    from datetime import timedelta

    from sampark.events.meetings import attendance_of
    from sampark.events.models import Checkin, Event, ProgrammeItem
    from sampark.reports.models import Report

    meetings = Event.objects.filter(kind__code="meeting")
    districts = Unit.objects.filter(level__code="district", parent__code="S04")
    assert meetings.filter(unit__in=districts).count() == districts.count() == 38
    # Each meeting is also its unit's meeting report, under the same id, with the same attendance.
    for event in meetings.select_related("unit"):
        report = Report.objects.get(pk=event.client_uuid)
        assert (report.unit_id, report.type.code) == (event.unit_id, "meeting")
        assert report.values["attendance"] == attendance_of(event) > 0
    workshop = Event.objects.get(kind__code="workshop")
    assert workshop.unit.code == "S04" and workshop.is_review and workshop.ends_at < workshop.published_at + timedelta(days=8)
    roles = list(ProgrammeItem.objects.filter(event=workshop).values_list("role__code", flat=True))
    assert roles == ["presiding", "chief_guest", "address", "session", "stage", "thanks"]
    came = Checkin.objects.filter(event=workshop, person__isnull=False)
    assert {p[:len(districts[0].path)] for p in came.values_list("unit_path", flat=True)} == set(
        districts.values_list("path", flat=True))
    training = Event.objects.get(kind__code="training")
    assert training.is_published and training.invitation_id and training.unit.name_en == "Patna"


@pytest.mark.django_db
def test_the_demo_has_a_network_of_handles_with_a_year_of_counts(small):
    from datetime import timedelta

    from django.db.models import Count, Max, Min, Sum
    from django.utils import timezone

    from sampark.network import rollups
    from sampark.network.models import Handle, NetworkDaily, NetworkPending, Snapshot

    handles = Handle.objects.all()
    assert handles.count() > 500
    assert handles.values("platform").distinct().count() >= 5
    worker = Person.objects.get(phone="+919900000004")
    assert sorted(handles.filter(person=worker).values_list("platform__code", flat=True)) == ["facebook", "x"]
    # Twelve monthly counts for most handles, growing; a few jumps wait for a coordinator.
    per = handles.annotate(n=Count("snapshots"), lo=Min("snapshots__count"), hi=Max("snapshots__count"))
    assert per.filter(n=12).count() > handles.count() // 2
    assert per.filter(n=12, hi__gt=F("lo")).count() > handles.count() // 2
    assert Snapshot.objects.filter(status=Snapshot.Status.FLAGGED).exists()
    assert handles.filter(verified_at__isnull=True).exists()
    today = timezone.localdate()
    assert handles.filter(latest_date__lt=today - timedelta(days=60)).exists()  # stale
    # The roll-up queue holds exactly what the handles contribute (as the services would queue it).
    reach = sum(v[rollups.REACH] for h in handles.filter(person=worker) for v in rollups.contributions(h).values())
    assert reach == sum(h.latest_count for h in handles.filter(person=worker)) > 0
    # Before the fold is written (rollups.fold_pending), everything waits in the queue.
    if not NetworkDaily.objects.exists():
        assert NetworkPending.objects.aggregate(r=Sum("reach"))["r"] == handles.aggregate(r=Sum("latest_count"))["r"]
