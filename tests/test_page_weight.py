"""Every main page stays under 30 KB compressed on a first visit (its HTML and the style sheet and
scripts it loads, each gzipped as the server sends them; photos excepted), for the state coordinator
of a demo-sized organisation: all of Bihar's 38 districts and 243 constituencies with booths below."""

import gzip
import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from sampark.demo import loader, logins
from sampark.difficulties import services as difficulty_services
from sampark.directives import authoring
from sampark.org.models import Unit
from sampark.reports import services as report_services
from tests.personas import log_in

LIMIT = 30 * 1024
ASSET = re.compile(r'<(?:link rel="stylesheet" href|script[^>]* src)="(/static/[^"?]+)')


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def first_load(client, url: str) -> tuple[int, int]:
    """(HTML bytes, compressed bytes of the HTML and every style sheet and script it names)."""
    r = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert r.status_code == 200, url
    sent = r.content if r.get("Content-Encoding") == "gzip" else gzip.compress(r.content)
    html = gzip.decompress(sent)
    total = len(sent)
    for asset in sorted(set(ASSET.findall(html.decode()))):
        path = finders.find(asset.removeprefix("/static/"))
        assert path, asset
        with open(path, "rb") as f:
            total += compressed(f.read())
    return len(html), total


def _person(phone):
    return next(p for d, p, _posts in logins.demo_login_rows() if d.phone == phone)


@pytest.fixture
def demo(db):
    loader.load("small")
    state, worker = _person("+919900000001"), _person("+919900000004")
    bihar = Unit.objects.get(level__code="state", name_en="Bihar")
    d = authoring.publish_directive(state, authoring.create_directive(
        state, target_unit=bihar, title="बूथ बैठक", body="हर बूथ पर रविवार को बैठक करें।\nफ़ोटो भेजें।"))
    booth = worker.posts.get(active=True).unit
    report_services.submit_report(worker, id=uuid.uuid4(), unit=booth, type="meeting", date=timezone.localdate(),
                                  values={"attendance": 25})
    difficulty_services.raise_difficulty(worker, id=uuid.uuid4(), unit=booth, category="content",
                                         text="पोस्टर नहीं पहुँचे")
    return state, worker, bihar, d


@pytest.mark.django_db
def test_main_pages_weigh_under_30_kb_compressed(client, demo):
    state, worker, bihar, d = demo
    patna = Unit.objects.get(level__code="district", name_en="Patna")
    pages = {
        "home": "/", "inbox": "/directives/", "directive": f"/directives/{d.pk}/",
        "roll-up": f"/directives/{d.pk}/rollup/", "dashboard": f"/reports/units/{bihar.pk}/",
        "map (Bihar)": f"/reports/units/{bihar.pk}/map/", "map (Patna)": f"/reports/units/{patna.pk}/map/",
        "difficulties": "/difficulties/", "review": f"/difficulties/review/{bihar.pk}/",
        "person": f"/people/{worker.pk}/", "import": "/org/import/",
        "network (Bihar)": f"/network/unit/{bihar.pk}/", "network (Patna)": f"/network/unit/{patna.pk}/",
    }
    log_in(client, state, "hi")
    sizes = {name: first_load(client, url) for name, url in pages.items()}
    print("\n" + "\n".join(f"{name:14} {html / 1024:6.1f} KB html  {total / 1024:5.1f} KB gzip"
                           for name, (html, total) in sizes.items()))
    heavy = {name: total for name, (_html, total) in sizes.items() if total >= LIMIT}
    assert heavy == {}
