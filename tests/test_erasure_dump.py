"""Issue 13's "done when" for erasure: a member with a distinctive name and phone, posts, a log-in, an
acknowledgement with a reply, a report with a text, a difficulty, asks for erasure; the timed work runs
past the grace period; then a full dump of the database (SQLite's iterdump, or PostgreSQL's pg_dump of
the test database) holds neither their name nor their phone in any form, and their report is still
counted. Committed data (a transactional test), so that pg_dump, another connection, sees it."""

import os
import re
import shutil
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sampark.core.channels import MemorySMS
from sampark.core.jobs import run_ticks
from sampark.core.text import gentle_key
from sampark.difficulties import services as difficulty_services
from sampark.directives import authoring
from sampark.directives.receipts import acknowledge
from sampark.people import services as people_services
from sampark.people.models import ErasureRequest, Person, Post
from sampark.people.notice import NOTICE_VERSION
from sampark.reports import services as report_services
from sampark.reports.models import Report, ReportDaily
from sampark.reports.rollups import fold_pending

pytestmark = pytest.mark.django_db(transaction=True)

NAME_HI, NAME_EN = "ज़ोरावर क्वात्रा", "Zorawar Kwatra"
PHONE_TYPED, PHONE = "98765 12340", "+919876512340"
# Every form the name and the phone could be kept in: each word, in either script and case, the
# search key made from them, the number with and without its country code, grouped as people write it.
FORBIDDEN = ["ज़ोरावर", "क्वात्रा", "ज़ोरावर", "Zorawar", "Kwatra", "zorawar", "kwatra", "ZORAWAR",
             gentle_key(NAME_EN), *gentle_key(NAME_HI).split(), PHONE, PHONE[1:], PHONE[3:], PHONE_TYPED,
             "98765-12340"]


def _sqlite_dump() -> str:
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump())


def _pg_dump() -> str:
    db = connection.settings_dict
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is missing: apt-get install postgresql-client")
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = ["pg_dump", "--no-owner", "-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432),
            "-U", db.get("USER") or "postgres", db["NAME"]]
    return subprocess.run(args, capture_output=True, check=True, env=env).stdout.decode()


def dump() -> str:
    """The whole database as text, audit rows included (they hold ids, never a name or a phone)."""
    return _pg_dump() if connection.vendor == "postgresql" else _sqlite_dump()


def found_in(text: str) -> list[str]:
    return [word for word in FORBIDDEN if word and word in text]


def _log_in(client, phone_typed: str, phone: str) -> None:
    assert client.post("/login/", {"phone": phone_typed}).status_code == 302
    code = re.search(r"\b(\d{6})\b", MemorySMS.last_to(phone)).group(1)
    assert client.post("/login/code/", {"code": code}).status_code == 302


def test_after_erasure_a_dump_holds_neither_name_nor_phone_and_the_report_still_counts(world, client):
    coord = world.patna_coord
    person = people_services.add_member(coord, unit=world.patna_booth, phone=PHONE_TYPED, name_hi=NAME_HI,
                                        name_en=NAME_EN, role="worker")
    people_services.add_post(coord, person=person, unit=world.patna_ac, role="co_coordinator")
    # The dump searched before erasing finds them: the check can fail.
    before = found_in(dump())
    assert {"ज़ोरावर", "Zorawar", PHONE} <= set(before), before

    _log_in(client, PHONE_TYPED, PHONE)
    assert client.get("/").url.startswith("/consent/")  # the notice first, then consent, as a member would
    assert client.post("/consent/", {"version": NOTICE_VERSION}).status_code == 302
    assert client.get("/").status_code == 200
    directive = authoring.publish_directive(coord, authoring.create_directive(
        coord, target_unit=world.patna, title="बूथ बैठक", body="सब बूथों पर बैठक करें"))
    acknowledge(person, directive, reply="ज़ोरावर पहुँचेगा, फ़ोन 98765 12340")
    report, _ = report_services.submit_report(
        person, id=uuid.uuid4(), unit=world.patna_booth, type="meeting", date=timezone.localdate(),
        values={"attendance": 12, "topic": "ज़ोरावर क्वात्रा की बूथ बैठक"})
    difficulty_services.raise_difficulty(person, id=uuid.uuid4(), unit=world.patna_booth, category="content",
                                         text="Zorawar Kwatra: पर्चे नहीं मिले", now=timezone.now())
    assert client.post("/account/data/erasure/", {"reason": "erasure", "confirm": "yes"}).status_code == 302
    req = ErasureRequest.objects.get(person=person)

    run_ticks(req.due_at - timedelta(hours=1))
    assert Person.objects.get(pk=person.pk).phone == PHONE  # not yet: the grace period runs
    run_ticks(req.due_at + timedelta(minutes=1))
    fold_pending()

    text = dump()
    assert found_in(text) == [], [line for line in text.splitlines() if found_in(line)]
    person.refresh_from_db()
    assert person.name_hi.startswith("सदस्य ") and not person.is_active
    report = Report.objects.get(pk=report.pk)
    assert report.author_id == person.pk and report.values["attendance"] == 12
    assert ReportDaily.objects.filter(unit_id=world.patna.pk).values_list("reports", flat=True).first() == 1
    assert Post.objects.filter(person=person).count() == 2 and not Post.objects.filter(person=person,
                                                                                       active=True).exists()
    # The phone is free again: the same number may join as a new member.
    again = people_services.add_member(coord, unit=world.patna_booth, phone=PHONE_TYPED, name_hi="नया सदस्य",
                                       role="worker")
    assert again.pk != person.pk
