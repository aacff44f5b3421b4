"""The member's side of the network (issue 16): a booth worker's handles page on the phone (this
month's count for each handle on one screen, the add form), the handle's page (history, edit,
hide, remove after a confirmation step), and the monthly reminder, sent once per person and month."""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from sampark.directives.models import Message
from sampark.network import jobs, reminders, services
from sampark.network.models import Handle, Snapshot

HINDI = range(0x0900, 0x0980)


def hindi(text: str) -> bool:
    return any(ord(ch) in HINDI for ch in text)


def test_a_worker_enters_two_counts_on_one_screen(client, world, login_as):
    w = world.patna_worker
    x, _ = services.register_handle(w, platform="x", url="https://x.com/vinod")
    fb, _ = services.register_handle(w, platform="facebook", url="https://facebook.com/vinod.page")
    login_as(w)
    page = client.get("/network/").content.decode()
    assert page.count('data-outbox="network"') == 2 and f'data-handle="{x.pk}"' in page
    assert client.post("/network/", {"handle_id": x.pk, "count": "1,200"}).status_code == 302
    assert client.post("/network/", {"handle_id": fb.pk, "count": "340"}).status_code == 302
    # A double tap: the same count on the same day again changes nothing.
    assert client.post("/network/", {"handle_id": fb.pk, "count": "340"}).status_code == 302
    assert {(s.handle_id, s.count) for s in Snapshot.objects.all()} == {(x.pk, 1200), (fb.pk, 340)}
    page = client.get("/network/").content.decode()
    assert "1,200 फ़ॉलोअर" in page and "340" in page


def test_bad_input_answers_400_in_hindi_and_writes_nothing(client, world, login_as):
    w = world.patna_worker
    x, _ = services.register_handle(w, platform="x", url="https://x.com/vinod")
    login_as(w)
    r = client.post("/network/", {"handle_id": x.pk, "count": "बहुत"})
    assert r.status_code == 400 and hindi(r.content.decode()) and "aria-invalid" in r.content.decode()
    r = client.post("/network/", {"platform": "youtube", "url": "https://evil.example/youtube.com", "count": "5",
                                  "client_uuid": str(uuid.uuid4())})
    assert r.status_code == 400 and 'class="error"' in r.content.decode()
    # A good link with a bad count: neither the handle nor the count is kept.
    r = client.post("/network/", {"platform": "youtube", "url": "https://youtube.com/@vinod", "count": "-4",
                                  "client_uuid": str(uuid.uuid4())})
    assert r.status_code == 400
    assert Handle.objects.count() == 1 and Snapshot.objects.count() == 0
    # Another member's handle: 404, nothing written.
    theirs, _ = services.register_handle(world.gaya_worker, platform="x", url="https://x.com/gaya_w")
    assert client.post("/network/", {"handle_id": theirs.pk, "count": "5"}).status_code == 404
    assert Snapshot.objects.count() == 0


def test_adding_twice_with_the_same_client_id_makes_one_handle(client, world, login_as):
    login_as(world.patna_worker)
    body = {"platform": "instagram", "handle": "@vinod.insta", "url": "instagram.com/vinod.insta", "count": "75",
            "client_uuid": str(uuid.uuid4())}
    assert client.post("/network/", body).status_code == 302
    assert client.post("/network/", body).status_code == 302
    h = Handle.objects.get()
    assert h.handle == "vinod.insta" and h.url == "https://instagram.com/vinod.insta" and h.latest_count == 75
    assert h.snapshots.count() == 1


def test_an_add_from_the_phones_outbox_answers_json_once(client, world, login_as):
    login_as(world.patna_worker)
    outbox = {"HTTP_X_SAMPARK_OUTBOX": "1", "HTTP_ACCEPT": "application/json"}
    yesterday = timezone.localdate() - timedelta(days=1)
    body = {"platform": "telegram", "url": "https://t.me/vinod_ch", "count": "90", "date": yesterday.isoformat(),
            "client_uuid": str(uuid.uuid4())}
    r = client.post("/network/", body, **outbox)
    assert r.status_code == 201, r.content
    hid = r.json()["id"]
    again = client.post("/network/", body, **outbox)
    assert again.status_code == 200 and again.json()["id"] == hid
    assert list(Snapshot.objects.values_list("handle_id", "date", "count")) == [(hid, yesterday, 90)]
    bad = client.post("/network/", body | {"platform": "x", "client_uuid": str(uuid.uuid4())}, **outbox)
    assert bad.status_code == 400 and hindi(bad.json()["errors"]["url"])
    assert Handle.objects.count() == 1


def test_the_unit_is_asked_only_of_a_member_with_posts_in_several_units(client, world, login_as):
    login_as(world.patna_worker)
    assert 'type="hidden" name="unit"' in client.get("/network/").content.decode()
    login_as(world.patna_coord)
    page = client.get("/network/").content.decode()
    assert '<select name="unit"' in page or 'type="hidden" name="unit"' in page


def test_the_handle_page_history_edit_hide_and_remove_after_confirming(client, world, login_as):
    w = world.patna_worker
    today = timezone.localdate()
    h, _ = services.register_handle(w, platform="youtube", url="https://youtube.com/@vinod")
    services.add_snapshot(w, h, date=today - timedelta(days=31), count=500)
    services.add_snapshot(w, h, date=today, count=90_000)  # a jump: waits for the coordinator
    login_as(w)
    page = client.get(f"/network/handles/{h.pk}/").content.decode()
    assert 'rel="noopener noreferrer nofollow"' in page and 'data-status="flagged"' in page
    assert "प्रतीक्षा" in page or hindi(page)
    assert "net-wait" in client.get("/network/").content.decode()  # the list says it awaits confirmation

    r = client.post(f"/network/handles/{h.pk}/", {"form": "edit", "handle": "vinod_new",
                                                  "url": "https://www.youtube.com/@vinod_new"})
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.handle == "vinod_new" and h.url == "https://www.youtube.com/@vinod_new"
    r = client.post(f"/network/handles/{h.pk}/", {"form": "edit", "handle": "x", "url": "https://x.com/vinod"})
    assert r.status_code == 400 and hindi(r.content.decode())
    h.refresh_from_db()
    assert h.url == "https://www.youtube.com/@vinod_new"

    client.post(f"/network/handles/{h.pk}/hide/")
    h.refresh_from_db()
    assert h.status == Handle.Status.HIDDEN
    assert client.get(f"/network/handles/{h.pk}/").status_code == 200  # its member still sees it
    login_as(world.patna_coord)
    assert client.get(f"/network/handles/{h.pk}/").status_code == 404
    login_as(w)
    client.post(f"/network/handles/{h.pk}/show/")
    h.refresh_from_db()
    assert h.status == Handle.Status.ACTIVE

    r = client.post(f"/network/handles/{h.pk}/remove/")
    assert r.status_code == 200 and 'name="confirm" value="yes"' in r.content.decode()
    assert Handle.objects.filter(pk=h.pk).exists()
    assert client.post(f"/network/handles/{h.pk}/remove/", {"confirm": "yes"}).status_code == 302
    assert not Handle.objects.filter(pk=h.pk).exists() and Snapshot.objects.count() == 0


def test_another_member_cannot_edit_or_remove(client, world, login_as):
    h, _ = services.register_handle(world.patna_worker, platform="x", url="https://x.com/vinod")
    login_as(world.patna_coord)  # sees it (the chain above), but it is not theirs
    assert client.post(f"/network/handles/{h.pk}/", {"form": "edit", "url": "https://x.com/other"}).status_code == 404
    client.post(f"/network/handles/{h.pk}/remove/", {"confirm": "yes"})
    h.refresh_from_db()
    assert h.url == "https://x.com/vinod"
    login_as(world.gaya_coord)
    assert client.post(f"/network/handles/{h.pk}/remove/", {"confirm": "yes"}).status_code == 404
    assert Handle.objects.filter(pk=h.pk).exists()


# --- the monthly reminder ----------------------------------------------------------------------------

def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def reminded(ref_month: date) -> list[tuple[int, str]]:
    return sorted(Message.objects.filter(ref=reminders.month_ref(ref_month))
                  .values_list("recipient_id", "channel"))


def test_the_reminder_goes_once_a_month_to_those_without_a_count(world):
    first = date(2026, 12, 1)
    worker, coord, gaya = world.patna_worker, world.patna_coord, world.gaya_worker
    services.register_handle(worker, platform="x", url="https://x.com/vinod")
    done, _ = services.register_handle(gaya, platform="x", url="https://x.com/gaya_w")
    services.add_snapshot(gaya, done, date=first, count=10, today=first)  # already counted this month
    hidden, _ = services.register_handle(coord, platform="x", url="https://x.com/coord")
    services.update_handle(coord, hidden, status="hidden")  # hidden only: no reminder

    assert jobs.tick(at(first - timedelta(days=1)))["reminded"] == 0  # not the day
    assert jobs.tick(at(first))["reminded"] == 1
    phone = settings.SAMPARK_DIRECTIVE_CHANNEL
    expected = sorted([(worker.pk, "app")] + ([(worker.pk, phone)] if phone != "none" else []))
    assert reminded(first) == expected
    m = Message.objects.get(ref=reminders.month_ref(first), channel="app")
    assert m.template == "network_reminder" and m.link == "/network/" and hindi(m.body) and m.params
    # The tick runs again the same day: nobody gets a second one.
    assert jobs.tick(at(first, 15))["reminded"] == 0
    assert reminded(first) == expected
    # Next month, again once.
    nxt = date(2027, 1, 1)
    assert jobs.tick(at(nxt))["reminded"] == 2  # the Gaya worker has no count in January
    assert len(reminded(nxt)) == 2 * len(expected)


def test_a_run_that_crashed_half_way_reminds_the_rest_once(world):
    first = date(2026, 12, 1)
    services.register_handle(world.patna_worker, platform="x", url="https://x.com/vinod")
    services.register_handle(world.gaya_worker, platform="x", url="https://x.com/gaya_w")
    # The first run had queued the Patna worker's phone message before it died.
    Message.objects.create(recipient=world.patna_worker, kind=Message.Kind.REMINDER,
                           channel=settings.SAMPARK_DIRECTIVE_CHANNEL, body="…", ref=reminders.month_ref(first),
                           created_at=at(first))
    reminders.send_reminders(at(first))
    reminders.send_reminders(at(first))
    rows = reminded(first)
    assert len(rows) == len(set(rows))
    assert (world.gaya_worker.pk, "app") in rows and (world.patna_worker.pk, "app") in rows


def test_the_reminder_day_is_a_policy(world):
    from sampark.core import policies

    services.register_handle(world.patna_worker, platform="x", url="https://x.com/vinod")
    policies.set_policy(None, "network.reminder_day", "5")
    assert reminders.send_reminders(at(date(2026, 12, 1))) == 0
    assert reminders.send_reminders(at(date(2026, 12, 5))) == 1
