"""Bihar's 243 assembly constituencies carry Hindi names: in the data file, in the demo's tree and
pages, and (through `fill_hindi_names`) in a database loaded before the names were in the data."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command

from sampark.core.datafiles import read_csv
from sampark.core.models import AuditEntry
from sampark.demo import loader, logins
from sampark.org.models import Unit
from sampark.org.setup import fill_constituency_hindi_names
from tests.personas import log_in

DEVANAGARI_NAME = re.compile(r"^[\u0900-\u097F]+( [\u0900-\u097F]+)*$")


def test_every_constituency_has_a_devanagari_name_unique_in_its_district():
    rows = read_csv("bihar_assembly_constituencies.csv")
    assert len(rows) == 243
    not_hindi = [(r["ac_no"], r["name_hi"]) for r in rows if not DEVANAGARI_NAME.match(r["name_hi"])]
    assert not_hindi == []
    repeated = [k for k, n in Counter((r["district"], r["name_hi"]) for r in rows).items() if n > 1]
    assert repeated == []
    by_no = {int(r["ac_no"]): r["name_hi"] for r in rows}
    assert (by_no[1], by_no[182], by_no[230]) == ("वाल्मीकि नगर", "बाँकीपुर", "गया टाउन")


@pytest.fixture
def small(db):
    return loader.load("small")


def _coordinator():
    return next(p for d, p, _posts in logins.demo_login_rows() if d.phone == "+919900000001")


@pytest.mark.django_db
def test_the_hindi_pages_show_constituencies_in_devanagari(small, client):
    patna = Unit.objects.get(level__code="district", name_en="Patna")
    west = Unit.objects.get(level__code="district", name_en="West Champaran")
    log_in(client, _coordinator(), "hi")
    assert "बाँकीपुर" in client.get(f"/units/{patna.pk}/").content.decode()
    assert "वाल्मीकि नगर" in client.get(f"/units/{west.pk}/").content.decode()
    log_in(client, _coordinator(), "en")
    assert "Bankipur" in client.get(f"/units/{patna.pk}/").content.decode()


@pytest.mark.django_db
def test_an_older_database_gets_the_names_filled_once_and_typed_names_kept(small):
    acs = Unit.objects.filter(level__code="assembly")
    acs.update(name_hi="")  # as loaded before the data had Hindi names
    Unit.objects.filter(level__code="assembly", code="182").update(name_hi="बांकीपुर (हमारा)")
    own = Unit.objects.get(level__code="assembly", code="1")
    Unit.objects.filter(pk=own.pk).update(name_en="Our own unit no. 1")  # a number the data has, another unit
    out = io.StringIO()
    call_command("fill_hindi_names", stdout=out)
    assert "241 " in out.getvalue()
    assert acs.get(code="230").name_hi == "गया टाउन"
    assert acs.get(code="182").name_hi == "बांकीपुर (हमारा)"
    assert acs.get(code="1").name_hi == ""
    assert AuditEntry.objects.filter(action="unit.rename").count() == 241
    assert fill_constituency_hindi_names(None) == 0  # a second run changes nothing
