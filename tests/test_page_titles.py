"""Every page's <title> is plain text: no markup or template text leaks into it (a directive's page
once had its <style> block inside the title block, and phones showed the CSS as the tab's name).

The main pages of each app are opened as the state in-charge (and the setup pages as the Centre's
in-charge), in Hindi and in English, then the links found on them, one step further."""

import re
import uuid
from html import unescape
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.utils import timezone

from sampark.difficulties import services as difficulty_services
from sampark.directives import authoring, jobs, receipts
from tests.personas import log_in

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/api/", "/static/", "/media/", "/logout", "/lang/")
FILES = ("export", "pdf", "photo", "/files/", ".js", ".svg", ".webmanifest", ".csv", ".xlsx")


def title_of(response) -> str | None:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    html = response.content.decode()
    found = TITLE.findall(html[:html.find("</head>")])  # the page's, not a chart's SVG <title>s
    assert len(found) == 1, "one <title> in the head"
    return found[0]


def assert_plain(url: str, title: str) -> None:
    assert "<" not in title and "{" not in title and "}" not in title, (url, title)
    assert unescape(title).strip(), url


def test_no_page_title_holds_markup_or_template_text(world):
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="बूथ बैठक", body="पहली\nदूसरी"))
    receipts.acknowledge(world.patna_worker, d, reply="ठीक है")
    jobs.tick(timezone.now())
    difficulty, _new = difficulty_services.raise_difficulty(world.patna_worker, id=uuid.uuid4(),
                                                            unit=world.patna_booth, category="other",
                                                            text="बिजली नहीं है")
    main = ["/", "/search/?q=patna", "/about/", "/consent/", "/account/sessions/", "/account/data/",
            "/directives/", "/directives/new/", f"/directives/{d.pk}/", f"/directives/{d.pk}/rollup/",
            f"/directives/{d.pk}/silent/", "/reports/", "/reports/new/", f"/reports/units/{world.bihar.pk}/",
            "/difficulties/", "/difficulties/new/", f"/difficulties/{difficulty.pk}/",
            f"/difficulties/review/{world.bihar.pk}/", f"/units/{world.bihar.pk}/", "/people/transfers/",
            "/people/new/", f"/people/{world.patna_worker.pk}/", "/org/import/", "/people/post-plan/"]
    main += [f"/network/unit/{world.bihar.pk}/", f"/network/unit/{world.bihar.pk}/?by=growth"]
    seen: set[str] = set()
    checked = 0
    for lang in ("hi", "en"):
        admin = log_in(Client(), world.state_admin, lang)
        queue, found = list(main), []
        for url in queue:
            r = admin.get(url)
            title = title_of(r)
            assert r.status_code in (200, 302, 403, 404) and (title is not None or url not in main
                                                              or r.status_code != 200), url
            if title is None:
                continue
            assert_plain(url, title)
            checked += 1
            if lang == "hi":
                for href in HREF.findall(r.content.decode()):
                    link = urljoin(url, unescape(href))
                    path = urlsplit(link).path
                    if link not in seen and not path.startswith(SKIP) and not any(f in path for f in FILES):
                        seen.add(link)
                        found.append(link)
        for url in found[:80] if lang == "hi" else []:
            title = title_of(admin.get(url))
            if title is not None:
                assert_plain(url, title)
                checked += 1
    centre = log_in(Client(), world.centre_admin)
    for url in ("/setup/", "/setup/levels/", "/setup/reports/"):
        title = title_of(centre.get(url))
        assert title is not None, url
        assert_plain(url, title)
    anonymous = Client()
    for url in ("/login/", "/about/"):
        assert_plain(url, title_of(anonymous.get(url)))
    assert checked > 50


def test_the_checker_sees_a_leak():
    assert_plain("/ok/", "बूथ बैठक · संपर्क")
    assert_plain("/ok/", "a &lt;b&gt; · संपर्क")  # a title's own "<" comes escaped: plain text
    for leaked in ("बूथ<style>.fname{overflow-wrap:anywhere}</style>", "{{ d.title }}", "{% block %}"):
        try:
            assert_plain("/x/", leaked)
        except AssertionError:
            continue
        raise AssertionError(f"not caught: {leaked}")
