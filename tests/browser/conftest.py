"""Browser tests: Playwright for Python driving Debian's Chromium (never `playwright install`)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 360, "height": 740}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(autouse=True)
def _allow_sync_django_beside_playwright(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; Django's ORM would refuse to run
    # (SynchronousOnlyOperation), notably at database teardown. docs/STACK.md trap 5.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does it)")
    if not shutil.which("fc-list") or not subprocess.run(["fc-list", ":lang=hi"], capture_output=True,
                                                         text=True).stdout.strip():
        pytest.fail("no Devanagari font: apt-get install fonts-lohit-deva (make test does it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def offline_phone(browser, settings, tmp_path):
    """A phone-sized page in Hindi with service workers, and its context, to switch the network off
    and on (context.set_offline); photos go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="hi-IN",
                              service_workers="allow")
    ctx.set_default_timeout(15_000)
    yield ctx, ctx.new_page()
    ctx.close()


@pytest.fixture
def new_phone(browser):
    """A function opening a fresh phone-sized page (its own cookies, like another handset)."""
    contexts = []

    def _open():
        ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="en-US")  # what most phones here send; pages must still be Hindi
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield _open
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


def latest_code(phone_e164: str) -> str:
    """The code as the phone received it: the in-memory channel the tests run with keeps what it
    delivered (the live server's threads share this process); the outbox keeps it masked."""
    from sampark.core.channels import MemorySMS

    body = MemorySMS.last_to(phone_e164)
    assert body, f"no SMS delivered to {phone_e164}"
    return re.search(r"\b(\d{6})\b", body).group(1)
