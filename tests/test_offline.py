"""Sampark as one installed app that works offline: the manifest and the one service worker at the
site root, the offline page and the outbox page; and the server side of the phone's outbox: a
retried acknowledgement, read or difficulty (same client id) never makes a second one and answers
success again."""

import io
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.test import Client
from PIL import Image

from sampark.difficulties.models import Difficulty
from sampark.directives import authoring
from sampark.directives.models import Receipt
from tests.personas import log_in

WEB_STATIC = Path(settings.BASE_DIR) / "sampark" / "web" / "static" / "web"


def test_the_manifest_at_the_root_installs_one_app_in_hindi(client):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200 and r["Content-Type"] == "application/manifest+json"
    m = json.loads(r.content)
    assert m["name"] == "संपर्क" and m["short_name"] == "Sampark"
    assert (m["start_url"], m["scope"], m["display"]) == ("/", "/", "standalone")
    assert m["theme_color"].startswith("#")
    pngs = {i["sizes"]: i for i in m["icons"] if i["type"] == "image/png"}
    for size in (192, 512):
        icon = pngs[f"{size}x{size}"]
        path = WEB_STATIC / Path(icon["src"]).name
        assert icon["src"].startswith(settings.STATIC_URL)
        with Image.open(path) as img:
            assert img.size == (size, size) and img.format == "PNG"
    assert any("maskable" in i["purpose"] for i in m["icons"])
    # The report form's old manifest now points to the app's.
    old = client.get("/reports/manifest.webmanifest")
    assert old.status_code == 301 and old["Location"] == "/manifest.webmanifest"


def test_one_service_worker_for_the_whole_site(client):
    r = client.get("/sw.js")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/" and r["Cache-Control"] == "no-cache"
    text = r.content.decode()
    assert "/offline/" in text and "/api/" in text  # the fallback page, and the API never kept
    # The report form's own worker of old removes itself.
    old = client.get("/reports/sw.js")
    assert old.status_code == 200 and "unregister()" in old.content.decode()


def test_pages_link_the_manifest_and_the_app_script(client, world):
    c = log_in(Client(), world.gaya_worker)
    html = c.get("/directives/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "/static/web/app.js" in html
    assert f'data-person="{world.gaya_worker.pk}"' in html and 'data-copy="live"' in html
    assert "सहेजी गई प्रति" in html  # the "saved copy" note, shown only by the worker's copy
    login = client.get("/login/").content.decode()
    assert 'data-person=""' in login  # a page for nobody: app.js forgets the kept pages


def test_offline_page_is_the_same_for_everyone_in_hindi_and_english(client, world):
    r = client.get("/offline/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "नेटवर्क नहीं है" in html and "No network" in html
    assert log_in(Client(), world.gaya_worker).get("/offline/").content == r.content


def test_outbox_page_needs_a_person(client, world):
    assert client.get("/outbox/").status_code == 302
    r = log_in(Client(), world.gaya_worker).get("/outbox/")
    assert r.status_code == 200
    texts = json.loads(r.content.decode().split('id="outbox-texts" type="application/json">')[1].split("</script>")[0])
    assert texts["ack"] == "स्वीकृति" and texts["rejected"] == "अस्वीकृत"


def _published(world):
    return authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="बूथ बैठक करें"))


def test_a_queued_acknowledgement_sent_twice_counts_once_with_its_reply(world):
    d = _published(world)
    phone = log_in(Client(enforce_csrf_checks=True), world.gaya_worker)
    phone.get("/outbox/")  # the page sets the CSRF cookie the outbox sends back
    headers = {"X-CSRFToken": phone.cookies["csrftoken"].value}
    answers = [phone.post(f"/api/v1/directives/{d.pk}/ack", {"reply": "कल होगी"}, content_type="application/json",
                          headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json()["new"] for a in answers] == [True, False] and all(a.json()["acked"] for a in answers)
    acks = Receipt.objects.filter(directive=d, person=world.gaya_worker, kind="ack")
    assert acks.count() == 1 and acks.get().reply == "कल होगी"
    reads = [phone.post(f"/api/v1/directives/{d.pk}/read", headers=headers) for _ in range(2)]
    assert [r.status_code for r in reads] == [200, 200]
    assert Receipt.objects.filter(directive=d, person=world.gaya_worker, kind="read").count() == 1
    # Without the CSRF header a session's POST is refused: the outbox must send it.
    assert phone.post(f"/api/v1/directives/{d.pk}/ack").status_code == 403


def test_a_queued_acknowledgement_outside_the_audience_is_refused_in_hindi(world):
    d = authoring.publish_directive(world.patna_coord, authoring.create_directive(
        world.patna_coord, target_unit=world.patna, title="केवल पटना"))
    phone = log_in(Client(), world.gaya_worker)
    r = phone.post(f"/api/v1/directives/{d.pk}/ack", {"reply": "x"}, content_type="application/json")
    assert r.status_code == 404 and r.json()["detail"]
    assert not Receipt.objects.filter(directive=d).exists()


def _jpeg(size=(1600, 1200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(out, "JPEG", quality=80)
    return out.getvalue()


def test_a_queued_difficulty_sent_twice_is_raised_once(world):
    phone = log_in(Client(), world.gaya_worker)
    key = str(uuid.uuid4())
    form = {"id": key, "unit": world.gaya_booth.pk, "category": "technical", "text": "बिजली नहीं है", "link": ""}
    outbox = {"X-Sampark-Outbox": "1"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    first = phone.post("/difficulties/new/", {**form, "photo": SimpleUploadedFile("photo.jpg", _jpeg(), "image/jpeg")},
                       headers=outbox)
    again = phone.post("/difficulties/new/", form, headers=outbox)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() == {"id": key, "url": f"/difficulties/{key}/"}
    d = Difficulty.objects.get()
    assert str(d.pk) == key and d.raised_by == world.gaya_worker and d.photo
    # The same id with another text is a conflict, told in Hindi; nothing new is made.
    other = phone.post("/difficulties/new/", {**form, "text": "कुछ और"}, headers=outbox)
    assert other.status_code == 409 and other.json()["detail"]
    assert Difficulty.objects.count() == 1
    # A unit where the person holds no post: refused with the reason.
    bad = phone.post("/difficulties/new/", {**form, "id": str(uuid.uuid4()), "unit": world.patna_booth.pk},
                     headers=outbox)
    assert bad.status_code == 400 and bad.json()["detail"]
    assert Difficulty.objects.count() == 1
