"""Offline beyond the report form, in Chromium at 360 px in Hindi (issue 14's Done-when): a booth
worker opens the inbox and a directive while online; with no network both open again from the
phone, the acknowledgement with its reply waits in the outbox, and when the network returns it
arrives once and the roll-up counts it once. A difficulty raised offline, with a photo shrunk on
the phone, arrives once. And Sampark is one installed app: the manifest, one worker for "/"."""

import io
import json
import os
import time

import pytest
from django.utils import timezone
from PIL import Image

from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIGURES = "test-artifacts/offline-figures.json"



def controlled(page):
    """Wait until the site's worker controls this page and has kept it and the outbox page (the
    first visit is kept at the page's request, app.js): a network lost while a page is being
    kept makes the worker miss the kept copies for a moment."""
    page.wait_for_function("navigator.serviceWorker.controller && "
                           "navigator.serviceWorker.controller.scriptURL.endsWith('/sw.js')")
    page.wait_for_function("caches.open('sampark-pages').then(c => Promise.all([c.match(location.pathname), "
                           "c.match('/outbox/')])).then(hits => hits.every(Boolean))", polling=200)


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def record(**figures):
    os.makedirs("test-artifacts", exist_ok=True)
    old = json.load(open(FIGURES)) if os.path.exists(FIGURES) else {}
    json.dump({**old, **figures}, open(FIGURES, "w"), ensure_ascii=False, indent=1)


def test_offline_directive_acknowledged_arrives_once_with_its_reply(live_server, world, offline_phone):
    from sampark.directives import authoring, jobs
    from sampark.directives.models import Receipt

    ctx, page = offline_phone
    base = live_server.url
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="मतदाता सूची की जाँच करें", body="पहली पंक्ति\nदूसरी पंक्ति"))
    log_in_browser(ctx, base, world.patna_worker)

    # Online: the inbox and the directive are opened once (and so kept on the phone).
    page.goto(base + "/directives/")
    controlled(page)
    page.click(f"#inbox >> text={d.title}")
    page.wait_for_url(f"**/directives/{d.pk}/")
    controlled(page)
    assert not page.locator(".saved-copy").is_visible()

    ctx.set_offline(True)
    page.goto(base + "/directives/")  # from the phone, not the browser's "no internet" page
    assert page.locator(".saved-copy").is_visible()
    assert "सहेजी गई प्रति" in page.locator(".saved-copy").inner_text()
    page.click(f"#inbox >> text={d.title}")
    page.wait_for_url(f"**/directives/{d.pk}/")
    assert page.locator(".saved-copy").is_visible() and d.title in page.locator("h1").inner_text()
    fits(page)
    page.fill("#id_reply", "शनिवार तक हो जाएगा")
    page.click(f'form[action="/directives/{d.pk}/ack/"] button')
    page.wait_for_selector("#ack-queued", state="visible")
    assert page.locator(f'form[action="/directives/{d.pk}/ack/"]').is_hidden()
    assert not Receipt.objects.filter(directive=d, kind="ack").exists()

    # The outbox says what waits: an acknowledgement, of which directive, to which unit, when.
    page.goto(base + "/outbox/")
    item = page.wait_for_selector("#outbox li[data-type=ack][data-status=waiting]")
    text = item.inner_text()
    assert "स्वीकृति" in text and d.title in text and "बिहार" in text and "भेजने की प्रतीक्षा में" in text
    assert page.locator("#outbox-badge").inner_text().endswith("1")
    fits(page)
    page.screenshot(path="test-artifacts/offline-outbox-waiting.png", full_page=True)

    went_online = time.monotonic()
    ctx.set_offline(False)
    page.wait_for_selector("#outbox li[data-type=ack][data-status=sent]", timeout=30_000)
    delivered_s = round(time.monotonic() - went_online, 2)
    acks = Receipt.objects.filter(directive=d, person=world.patna_worker, kind="ack")
    assert acks.count() == 1 and acks.get().reply == "शनिवार तक हो जाएगा"
    assert page.locator("#outbox-badge").is_hidden()

    # Again and again: nothing more is sent.
    page.reload()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(700)
    assert Receipt.objects.filter(directive=d, kind="ack").count() == 1
    page.goto(f"{base}/directives/{d.pk}/")
    assert "आपने इसे स्वीकार कर लिया है" in page.content() or page.locator("#id_reply").count() == 0

    # The state's roll-up counts Patna's acknowledgement once.
    jobs.tick(timezone.now())
    log_in_browser(ctx, base, world.state_admin)
    page.goto(f"{base}/directives/{d.pk}/rollup/")
    rows = {r.locator("td").first.inner_text().strip(): [c.inner_text() for c in r.locator("td").all()]
            for r in page.locator("table.table tbody tr").all()}
    assert rows["पटना"][3].split()[0] == "1" and rows["गया"][3].split()[0] == "0"
    fits(page)
    record(ack_delivered_after_online_s=delivered_s)


def photo_1600() -> bytes:
    """A camera-like 1600 x 1200 JPEG: noise over a gradient (a flat colour would shrink to nothing)."""
    noise = Image.effect_noise((1600, 1200), 40).convert("L")
    grad = Image.linear_gradient("L").resize((1600, 1200))
    img = Image.merge("RGB", (noise, grad, Image.blend(noise, grad, 0.5)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92)
    return out.getvalue()


def test_difficulty_raised_offline_arrives_once_with_a_shrunk_photo(live_server, world, offline_phone):
    from sampark.core import files
    from sampark.difficulties.models import Difficulty

    ctx, page = offline_phone
    base = live_server.url
    log_in_browser(ctx, base, world.gaya_worker)
    page.goto(base + "/difficulties/new/")
    controlled(page)

    ctx.set_offline(True)
    page.reload()
    assert page.locator(".saved-copy").is_visible()
    page.wait_for_selector("[data-offline-note]", state="visible")
    original = photo_1600()
    page.select_option("select[name=category]", "technical")
    page.fill("textarea[name=text]", "बूथ पर बिजली नहीं है, शाम की बैठक अँधेरे में होगी")
    page.set_input_files("input[name=photo]", files=[{"name": "booth.jpg", "mimeType": "image/jpeg",
                                                      "buffer": original}])
    page.click("form[data-outbox=difficulty] button")
    item = page.wait_for_selector("#outbox li[data-type=difficulty][data-status=waiting]")
    assert "कठिनाई" in item.inner_text() and "बूथ पर बिजली नहीं है" in item.inner_text()
    assert page.locator("#difficulty-queued").is_visible()
    fits(page)
    kept = page.evaluate("""() => new Promise(done => {
      const req = indexedDB.open('sampark-reports', 1);
      req.onsuccess = () => req.result.transaction('outbox').objectStore('outbox').getAll().onsuccess = e => {
        const photo = e.target.result.find(i => i.type === 'difficulty').photo;
        createImageBitmap(photo).then(b => done({bytes: photo.size, type: photo.type, w: b.width, h: b.height}));
      };
    })""")
    assert (kept["w"], kept["h"], kept["type"]) == (1280, 960, "image/jpeg")
    assert kept["bytes"] < len(original) / 2
    assert Difficulty.objects.count() == 0

    ctx.set_offline(False)
    page.wait_for_selector("#outbox li[data-type=difficulty][data-status=sent]", timeout=30_000)
    d = Difficulty.objects.get()
    assert d.raised_by == world.gaya_worker and d.unit == world.gaya_booth and d.text.startswith("बूथ पर बिजली")
    with Image.open(files.stored_path(d.photo.name)) as img:
        assert max(img.size) <= 1280
    page.reload()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(700)
    assert Difficulty.objects.count() == 1
    assert page.locator("#outbox li[data-type=difficulty] a").get_attribute("href") == f"/difficulties/{d.pk}/"
    page.screenshot(path="test-artifacts/offline-difficulty-sent.png", full_page=True)
    record(photo_before_bytes=len(original), photo_after_bytes=kept["bytes"])


def test_sampark_installs_as_one_app(live_server, world, offline_phone):
    ctx, page = offline_phone
    base = live_server.url
    log_in_browser(ctx, base, world.patna_worker)
    page.goto(base + "/")
    controlled(page)
    manifest = page.evaluate("""async () => {
      const link = document.querySelector('link[rel=manifest]');
      const m = await (await fetch(link.href)).json();
      const icons = await Promise.all(m.icons.map(async i => {
        const r = await fetch(new URL(i.src, link.href)); return [i.sizes, r.status, r.headers.get('content-type')];
      }));
      const reg = await navigator.serviceWorker.getRegistration('/');
      const all = await navigator.serviceWorker.getRegistrations();
      return {m, icons, scope: reg.scope, count: all.length};
    }""")
    m = manifest["m"]
    assert m["name"] == "संपर्क" and m["start_url"] == "/" and m["display"] == "standalone"
    assert {"192x192", "512x512"} <= {s for s, status, _t in manifest["icons"] if status == 200}
    assert manifest["scope"] == base + "/" and manifest["count"] == 1

    # The report form too is under the one worker now, and a page never opened shows the offline page.
    page.goto(base + "/reports/new/")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    ctx.set_offline(True)
    page.goto(base + "/reports/")
    assert page.locator("#offline-page").is_visible() and "नेटवर्क नहीं है" in page.content()
    fits(page)
    page.goto(base + "/")
    assert page.locator(".saved-copy").is_visible()
    ctx.set_offline(False)

    # Logging out forgets the kept pages: the next person on this phone finds none.
    page.goto(base + "/")
    page.click("footer button.link")
    page.wait_for_url("**/login/**")
    assert page.evaluate("caches.has('sampark-pages')") is False
    ctx.set_offline(True)
    page.goto(base + "/directives/")
    assert page.locator("#offline-page").is_visible()
    ctx.set_offline(False)
