"""No page scrolls sideways on a 360 px phone in Hindi: the state coordinator and a booth worker
open every page of every app that renders HTML for them (the routes of tests/test_all_routes.py,
aimed at objects they may see) and each page's content fits in 360 px."""

from types import SimpleNamespace

import pytest
from django.test import Client

from tests.personas import log_in, log_in_browser
from tests.test_all_routes import ALLOWED, PAGES, Obj, _url, all_routes, gaya  # noqa: F401 - gaya is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Pages that change something on a GET or only redirect: not pages to look at.
NOT_PAGES = {"logout/", "lang/", "account/sessions/end/", "login/", "login/code/", "login/resend/"}


# What sticks out: the innermost elements whose right edge passes the screen's, to name in a failure.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 361 && ![...e.children].some(c => c.getBoundingClientRect().right > 361))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + e.textContent.trim().slice(0, 40))"""


def _targets(g, me) -> list[tuple[str, str, dict, dict]]:
    """(route key, URL name, kwargs, query) of every GET page the tables know, aimed at g's objects
    and, where a route has one, at the persona's own top unit."""
    from django.urls import get_resolver

    out = []
    for route in all_routes(get_resolver().url_patterns):
        if not route.name or route.key in NOT_PAGES or route.key.startswith(("^", "api/")):
            continue
        entry = PAGES.get(route.key)
        if isinstance(entry, Obj):
            if "GET" not in entry.methods:
                continue
            query = entry.query(g) if entry.query else {}
            for variant in entry.variants:
                out.append((route.key, route.name, {**entry.kwargs(g), **variant}, query))
                if entry.own is not None and entry.kwargs(g):
                    out.append((route.key, route.name, {**entry.own(g, me), **variant}, {}))
        elif entry is not None or (route.key in ALLOWED and "<" not in route.key):
            out.append((route.key, route.name, {}, {}))
    return out


def _html_pages(person, targets) -> list[str]:
    """The URLs among the targets that answer this person 200 with an HTML page."""
    client = log_in(Client(), person, "hi")
    urls = []
    for key, name, kwargs, query in targets:
        url = _url(SimpleNamespace(key=key, name=name), kwargs)
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        r = client.get(url)
        if r.status_code == 200 and r["Content-Type"].startswith("text/html") and url not in urls:
            urls.append(url)
    return urls


@pytest.mark.parametrize("who", ["state_admin", "gaya_worker"])
def test_no_page_is_wider_than_a_360_px_phone(who, world, gaya, live_server, new_phone):  # noqa: F811
    person = getattr(world, who)
    me = SimpleNamespace(person=person, top=world.bihar if who == "state_admin" else world.gaya_booth)
    urls = _html_pages(person, _targets(gaya, me))
    assert len(urls) >= (20 if who == "state_admin" else 10), urls
    page = new_phone()
    log_in_browser(page.context, live_server.url, person, "hi")
    wide = {}
    for url in urls:
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.lang") == "hi", (url, page.url, page.content()[:300])
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[url] = (width, page.evaluate(WIDEST))
    print(f"\n{who}: {len(urls)} pages, wider than 360 px: {wide}")
    assert wide == {}


def test_the_demo_organisations_main_pages_fit_too(live_server, new_phone):
    """The same with real Bihar names (long district names make tables wider than the personas')."""
    from django.db import transaction

    from sampark.demo import loader, logins
    from sampark.org.models import Unit

    with transaction.atomic():  # the loader then leaves SQLite's journal mode alone (the live server is connected)
        loader.load("small")
    rows = {d.phone: p for d, p, _posts in logins.demo_login_rows()}
    state, worker = rows["+919900000001"], rows["+919900000004"]
    bihar = Unit.objects.get(level__code="state", name_en="Bihar")
    patna = Unit.objects.get(level__code="district", name_en="Patna")
    pages = [f"/units/{bihar.pk}/", f"/units/{patna.pk}/", f"/reports/units/{bihar.pk}/",
             f"/reports/units/{bihar.pk}/map/", f"/reports/units/{patna.pk}/map/", f"/difficulties/review/{bihar.pk}/",
             f"/difficulties/review/{patna.pk}/", f"/people/{worker.pk}/", "/org/import/", "/", "/directives/"]
    page = new_phone()
    log_in_browser(page.context, live_server.url, state, "hi")
    wide = {}
    for url in pages:
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[url] = (width, page.evaluate(WIDEST))
    assert wide == {}
    # The map's labels: at least 12 px as drawn on this phone.
    page.goto(f"{live_server.url}/reports/units/{bihar.pk}/map/")
    label_px = page.evaluate("""() => { const s = document.querySelector('svg.map');
        const t = s.querySelector('.labels text');
        return parseFloat(getComputedStyle(t).fontSize) * s.getBoundingClientRect().width / s.viewBox.baseVal.width; }""")
    assert label_px >= 12
