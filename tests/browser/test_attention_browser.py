"""On a 360 px phone, in Hindi: Patna's coordinator has the home page and the inbox open; the state
in-charge publishes a directive in the background; within one poll (10 s) both pages show it without
reloading and the navigation's badge counts it. An unchanged poll is a bodiless 304."""

import socket
import time
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from sampark.directives import authoring
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "कल सुबह दस बजे ज़िला बैठक"


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def raw_get(base: str, path: str, cookie: str, etag: str) -> bytes:
    """The whole answer as it comes over the wire (status line, headers, body)."""
    u = urlparse(base)
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall((f"GET {path} HTTP/1.1\r\nHost: {u.netloc}\r\nCookie: {cookie}\r\nIf-None-Match: {etag}\r\n"
                   f"Accept-Encoding: gzip\r\nConnection: close\r\n\r\n").encode())
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_home_and_inbox_follow_a_new_directive_without_reloading(live_server, world, new_phone, shot, capsys):
    base = live_server.url
    home = new_phone()
    log_in_browser(home.context, base, world.patna_coord)
    home.goto(base + "/")
    assert home.locator("html").get_attribute("lang") == "hi"
    assert "अभी मेरे लिए ज़रूरी" in home.locator("#attention").inner_text()
    assert home.locator('[data-badge="directives"]').is_hidden()
    inbox = home.context.new_page()
    inbox.goto(base + "/directives/")
    for page in (home, inbox):
        page.evaluate("window.notReloaded = true")
        fits_the_phone(page)

    # An unchanged poll: a 304 with no body.
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in home.context.cookies())
    first = home.evaluate("fetch('/api/v1/me/pulse', {cache: 'no-store'}).then(r => r.headers.get('ETag'))")
    unchanged = raw_get(base, "/api/v1/me/pulse", cookie, first)
    assert unchanged.startswith(b"HTTP/1.1 304") and unchanged.endswith(b"\r\n\r\n")
    assert len(unchanged) < 500  # headers only (the status line, date, ETag, the security headers)

    # The state in-charge publishes, from another phone (here: the service itself).
    authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title=TITLE, priority="urgent",
        due_at=timezone.now() + timedelta(hours=20)))
    t0 = time.monotonic()
    inbox.wait_for_selector(f'[data-live="inbox"] >> text={TITLE}', timeout=25_000)
    seen_in_inbox = time.monotonic() - t0
    home.wait_for_selector(f'#attention >> text={TITLE}', timeout=25_000)
    for page in (home, inbox):
        assert page.evaluate("window.notReloaded") is True  # swapped in, not reloaded
        assert page.locator('[data-badge="directives"]').inner_text() == "1"
        fits_the_phone(page)
    assert "पढ़ने या स्वीकार करने को निर्देश" in home.locator("#attention").inner_text()
    assert_devanagari_glyphs(home)
    shot(home, "attention-01-home-live")
    shot(inbox, "attention-02-inbox-live")

    with capsys.disabled():
        print(f"\nunchanged poll: {len(unchanged)} bytes on the wire (headers only); a new directive "
              f"appeared in the open inbox after {seen_in_inbox:.1f} s (poll every "
              f"{getattr(django_settings, 'SAMPARK_POLL_SECONDS', 10)} s)")
