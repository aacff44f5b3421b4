"""The district review: the action-item owner is found by name among the people of the unit's
subtree, shown with post and unit; the PDF carries the page's activity and acknowledgement figures."""

import re
import shutil
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from sampark.difficulties.models import ActionItem
from sampark.directives import authoring, receipts
from sampark.directives import jobs as directive_jobs
from sampark.people.models import Role
from sampark.people.services import add_post, create_person
from sampark.reports import rollups
from sampark.reports import services as report_services


@pytest.fixture
def amits(world):
    """Three people called अमित कुमार: two in Gaya (a mandal coordinator, a booth worker), one in Patna."""
    mandal = world.gaya_booth.parent.parent

    def amit(phone, unit, role):
        p = create_person(None, phone=phone, name_hi="अमित कुमार", name_en="Amit Kumar")
        add_post(None, person=p, unit=unit, role=role)
        return p

    return {"mandal": amit("+919100000001", mandal, Role.COORDINATOR),
            "booth": amit("+919100000002", world.gaya_booth, Role.WORKER),
            "patna": amit("+919100000003", world.patna_booth, Role.WORKER)}


def owners_of(response):
    return {o.person.pk: o for o in response.context["owners"]}


def test_owner_search_tells_same_names_apart_by_post_and_unit(world, amits, login_as):
    c = login_as(world.state_admin)
    url = f"/difficulties/review/{world.bihar.pk}/"
    for q in ("amit kumar", "अमित", "Ameet"):
        r = c.get(url, {"at": world.gaya.pk, "owner_q": q})
        found = owners_of(r)
        assert amits["mandal"].pk in found and amits["booth"].pk in found, q
        assert amits["patna"].pk not in found, q
    html = r.content.decode()
    # Each Amit with his post and his unit.
    assert re.search(r"अमित कुमार</strong><br>\s*<span class=\"muted\">[^<]*मंडल 2", html)
    assert re.search(r"अमित कुमार</strong><br>\s*<span class=\"muted\">[^<]*बूथ 2", html)
    mandal_posts = found[amits["mandal"].pk].posts
    assert [(p.role, p.unit.name) for p in mandal_posts] == [(Role.COORDINATOR, "मंडल 2")]
    # The reviewer is always a choice; without a query, the leaders at the unit itself.
    plain = owners_of(c.get(url, {"at": world.gaya.pk}))
    assert list(plain) == [world.state_admin.pk, world.gaya_coord.pk]
    # Patna's Amit is not found for Patna either when reviewing Gaya, and Gaya's are not for Patna.
    patna = owners_of(c.get(url, {"at": world.patna.pk, "owner_q": "amit"}))
    assert set(patna) == {world.state_admin.pk, amits["patna"].pk}


def test_the_server_refuses_an_owner_outside_the_subtree(world, amits, login_as):
    c = login_as(world.state_admin)
    url = f"/difficulties/review/{world.bihar.pk}/item/"
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    r = c.post(url, {"unit": world.gaya.pk, "owner": amits["patna"].pk, "text": "बूथ समिति", "due_on": due})
    assert r.status_code == 404 and not ActionItem.objects.exists()
    r = c.post(url, {"unit": world.gaya.pk, "owner": "9" * 40, "text": "बूथ समिति", "due_on": due})
    assert r.status_code == 302 and not ActionItem.objects.exists()
    r = c.post(url, {"unit": world.gaya.pk, "owner": amits["booth"].pk, "text": "बूथ समिति", "due_on": due})
    assert r.status_code == 302
    assert ActionItem.objects.get().owner == amits["booth"]
    # The reviewer may own one too.
    c.post(url, {"unit": world.gaya.pk, "owner": world.state_admin.pk, "text": "समीक्षा", "due_on": due})
    assert ActionItem.objects.filter(owner=world.state_admin).exists()


def pdf_text(content: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext (Debian poppler-utils) reads the PDFs"
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", out)


def test_the_pdf_has_the_activity_and_acknowledgement_figures_of_the_page(world, login_as):
    today = timezone.localdate()
    for n in (7, 5):
        report_services.submit_report(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, type="meeting",
                                      date=today, values={"attendance": n, "topic": "बैठक"})
    rollups.fold_all()
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="बूथ बैठक करें", requires_ack=True))
    receipts.acknowledge(world.gaya_worker, d)
    directive_jobs.tick(timezone.now())
    c = login_as(world.state_admin)
    page = c.get(f"/difficulties/review/{world.bihar.pk}/", {"at": world.gaya.pk}).context
    rollup, ack = page["rollup"], page["ack_rate"]
    assert dict(rollup)["रिपोर्ट"] == 2
    assert (ack["acks"], ack["expected"]) == (1, 2) and ack["pct"] == 50
    r = c.get(f"/difficulties/review/{world.bihar.pk}/pdf/")
    assert r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    # pdftotext puts some Devanagari vowel signs out of place (the PDF itself shows them right: look
    # with pdftoppm), so the Hindi is checked by words it reads cleanly, and the figures as numbers:
    # the figures block the page shows for Gaya, rendered from the page's own context, has the same
    # numbers in the same order as Gaya's section of the PDF.
    assert "बिहार" in text and "खुली" in text
    assert text.count("पिछले 30 दिन") == 2 * 3  # activity and acknowledgements: Bihar, Gaya, Patna
    with translation.override("hi"):
        block = render_to_string("difficulties/_figures.html", {"rollup": rollup, "ack_rate": ack})
    html = c.get(f"/difficulties/review/{world.bihar.pk}/", {"at": world.gaya.pk}).content.decode()
    assert block.strip() in html  # the page shows exactly this block
    assert f"/difficulties/area/?unit={world.gaya.pk}&amp;status=open" in html  # all of Gaya's, in the area list
    figures = " ".join(re.findall(r"\d+%?", re.sub(r"<[^>]+>", " ", block)))
    assert figures == "30 2 30 50% 2 1 1"  # रिपोर्ट: 2 · 50% ने पावती दी · 2 में से 1, 1 निर्देश
    assert figures in " ".join(re.findall(r"\d+%?", text))
    assert len(r.content) < 60_000
