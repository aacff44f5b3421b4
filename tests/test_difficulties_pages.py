"""Pages: the list, the raise form, a difficulty with its history and actions, and the district review."""

import uuid
from datetime import date, timedelta

from django.utils import timezone

from sampark.difficulties.jobs import tick
from sampark.difficulties.models import ActionItem, Difficulty, ReviewNote
from sampark.difficulties.services import raise_difficulty
from sampark.org.models import Level
from sampark.org.services import create_unit


def gaya_difficulty(world, text="पोस्टर समय पर नहीं मिले", category="content"):
    d, _ = raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, category=category,
                            text=text, now=timezone.now())
    return d


def test_worker_raises_from_the_form_and_sees_the_steps(client, world, login_as):
    c = login_as(world.gaya_worker)
    page = c.get("/difficulties/new/")
    assert page.status_code == 200 and "शक्ति केंद्र" not in page.content.decode()  # only my own units
    key = page.context["key"]
    form = {"id": str(key), "unit": world.gaya_booth.pk, "category": "technical", "text": "ऐप नहीं खुल रहा"}
    r = c.post("/difficulties/new/", form)
    assert r.status_code == 302
    d = Difficulty.objects.get()
    assert r["Location"] == f"/difficulties/{d.pk}/"
    assert c.post("/difficulties/new/", form).status_code == 302 and Difficulty.objects.count() == 1  # a resend
    bad = c.post("/difficulties/new/", {"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk, "category": "technical",
                                        "text": "   "})
    assert bad.status_code == 400 and bad.context["error"]
    tick(timezone.now() + timedelta(hours=25))
    html = c.get(f"/difficulties/{d.pk}/").content.decode()
    assert "ऐप नहीं खुल रहा" in html and "मंडल 2" in html
    assert "Send the instruction" not in html  # the worker cannot answer
    index = c.get("/difficulties/").content.decode()
    assert f"/difficulties/{d.pk}/" in index


def test_coordinator_answers_and_worker_confirms_on_the_pages(client, world, login_as):
    d = gaya_difficulty(world)
    c = login_as(world.gaya_coord)
    assert c.post(f"/difficulties/{d.pk}/answer/", {"text": "कल तक पहुँचेंगे"}).status_code == 302
    d.refresh_from_db()
    assert d.status == "answered"
    c = login_as(world.gaya_worker)
    assert "कल तक पहुँचेंगे" in c.get(f"/difficulties/{d.pk}/").content.decode()
    c.post(f"/difficulties/{d.pk}/reopen/", {"rating": "2", "text": "नहीं आए"})
    d.refresh_from_db()
    assert d.status == "reopened"
    login_as(world.gaya_coord).post(f"/difficulties/{d.pk}/answer/", {"text": "आज भेज दिए"})
    login_as(world.gaya_worker).post(f"/difficulties/{d.pk}/confirm/", {"rating": "5"})
    d.refresh_from_db()
    assert d.status == "solved"


def test_patna_gets_404_for_gayas_pages(client, world, login_as):
    d = gaya_difficulty(world)
    c = login_as(world.patna_coord)
    assert c.get(f"/difficulties/{d.pk}/").status_code == 404
    assert c.post(f"/difficulties/{d.pk}/answer/", {"text": "x"}).status_code == 404
    assert c.get(f"/difficulties/review/{world.gaya.pk}/").status_code == 404
    assert c.get(f"/difficulties/review/{world.bihar.pk}/").status_code == 404
    assert c.get(f"/difficulties/review/{world.gaya.pk}/pdf/").status_code == 404
    assert c.post(f"/difficulties/review/{world.gaya.pk}/note/", {"unit": world.gaya_ac.pk, "text": "x"}).status_code == 404
    # A worker sees their booth but leads nothing: no review.
    assert login_as(world.gaya_worker).get(f"/difficulties/review/{world.gaya.pk}/").status_code == 404
    assert not ReviewNote.objects.exists()


def add_districts(world, n):
    district = Level.objects.get(code="district")
    for i in range(n):
        create_unit(None, parent=world.bihar, level=district, name_hi=f"ज़िला {i + 3}", name_en=f"District {i + 3}",
                    code=f"D{i + 3:02d}")


def test_bihar_review_steps_through_all_38_districts(client, world, login_as, django_assert_max_num_queries):
    add_districts(world, 36)
    gaya_difficulty(world)
    tick(timezone.now() + timedelta(hours=25))
    c = login_as(world.state_admin)
    url = f"/difficulties/review/{world.bihar.pk}/"
    seen, at = [], ""
    while True:
        r = c.get(url + at)
        assert r.status_code == 200
        ctx = r.context
        seen.append(ctx["current"].pk)
        assert ctx["index"] == len(seen) and ctx["count"] == 38
        if ctx["current"] == world.gaya:
            # The reports and directives apps are installed: their figures are read (none yet here).
            assert isinstance(ctx["rollup"], list) and ctx["ack_rate"]["pct"] is None
            assert ctx["stats"]["open"] == 1 and ctx["stats"]["overdue"] == 1
            assert [d.text for d in ctx["open"]] == ["पोस्टर समय पर नहीं मिले"]
        if ctx["next"] is None:
            break
        at = f"?at={ctx['next'].pk}"
    assert len(seen) == 38 and len(set(seen)) == 38
    rows = {u.pk: s for u, s in r.context["rows"]}
    assert rows[world.gaya.pk]["overdue"] == 1 and rows[world.patna.pk]["open"] == 0
    html = c.get(url + f"?at={world.gaya.pk}").content.decode()
    assert "गया" in html and "@media print" in html
    # The page's query count does not grow with the number of districts.
    with django_assert_max_num_queries(30):
        c.get(url + f"?at={world.gaya.pk}")


def test_review_notes_and_action_items_reach_their_owner(client, world, login_as):
    c = login_as(world.state_admin)
    url = f"/difficulties/review/{world.bihar.pk}/"
    r = c.post(url + "note/", {"unit": world.gaya.pk, "text": "गया में प्रशिक्षण की माँग ज़्यादा"})
    assert r.status_code == 302 and r["Location"] == url + f"?at={world.gaya.pk}"
    due = date.today() + timedelta(days=3)
    c.post(url + "item/", {"unit": world.gaya.pk, "owner": world.gaya_coord.pk, "text": "हर मंडल में कार्यशाला",
                           "due_on": due.isoformat()})
    item = ActionItem.objects.get()
    assert item.owner == world.gaya_coord and item.unit == world.gaya and item.due_on == due
    page = c.get(url + f"?at={world.gaya.pk}").content.decode()
    assert "गया में प्रशिक्षण की माँग ज़्यादा" in page and "हर मंडल में कार्यशाला" in page
    # The owner finds it on their difficulties page and marks it done.
    owner = login_as(world.gaya_coord)
    assert "हर मंडल में कार्यशाला" in owner.get("/difficulties/").content.decode()
    assert owner.post(f"/difficulties/items/{item.pk}/done/", {"next": "/difficulties/"}).status_code == 302
    item.refresh_from_db()
    assert item.done
    # Patna's coordinator cannot see or close it.
    assert login_as(world.patna_coord).post(f"/difficulties/items/{item.pk}/done/").status_code == 404


def test_review_pdf_in_hindi(client, world, login_as):
    gaya_difficulty(world)
    c = login_as(world.state_admin)
    c.post(f"/difficulties/review/{world.bihar.pk}/note/", {"unit": world.gaya.pk, "text": "ज़िला प्रशिक्षण शिविर"})
    r = c.get(f"/difficulties/review/{world.bihar.pk}/pdf/")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert len(r.content) > 5000


def test_open_action_items_show_on_the_owners_home_page(world, login_as):
    from datetime import date, timedelta

    from sampark.difficulties.services import add_action_item

    add_action_item(world.state_admin, world.gaya, owner=world.gaya_coord, text="बूथ समितियाँ पूरी करें",
                    due_on=date.today() + timedelta(days=3))
    assert "बूथ समितियाँ पूरी करें" in login_as(world.gaya_coord).get("/").content.decode()
    assert "बूथ समितियाँ पूरी करें" not in login_as(world.patna_coord).get("/").content.decode()
