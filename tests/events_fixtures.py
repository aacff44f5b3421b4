"""The workshop of the cell's press note (a one-day social-media and IT workshop at the state office; its
facts are listed in tests/test_events_report.py) as an event of the test world:
its programme, the district-by-district review, and its attendance (five named district office
bearers and hundreds of workers from five districts, plus walk-ins). Used by the report's tests and
reusable by the demo and by other tests: ``press_note_workshop(world)`` returns the event.

The event and the units and people are made through the services; the programme, review, check-ins
and photos are made directly (their services are separate parts of the events app)."""

import io
import uuid
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from sampark.difficulties.models import ActionItem, ReviewNote
from sampark.events import services as event_services
from sampark.events.models import Checkin, EventPhoto, ProgrammeItem, ProgrammeRole, ReviewEntry
from sampark.org.models import Level
from sampark.org.services import create_unit
from sampark.people.models import Person, Post, Role, Team
from sampark.people.services import add_post, create_person

WORKSHOP_DAY = date(2023, 8, 19)
TITLE = "सोशल मीडिया व आईटी कार्यशाला"
VENUE = "भाजपा प्रदेश कार्यालय"

TAWDE = ("विनोद तावड़े", "भाजपा के राष्ट्रीय महासचिव व बिहार प्रभारी")
DALSANIA = ("भीखूभाई दलसानिया", "संगठन महामंत्री")
THANKS = "शुभम राज सिंह"

# Vinod Tawde's address, paragraph by paragraph, as the organisers would note it down.
TAWDE_SAID = "\n".join([
    "सोशल मीडिया आज हर राजनीतिक दल की जरूरत बन चुकी है और 2024 के चुनाव में इसकी काफी अहम भूमिका होगी। "
    "भारतीय राजनीति में सोशल मीडिया क्रांति का सूत्रपात करने वाला यदि कोई दल है तो वह भाजपा है। "
    "आप जैसे सोशल मीडिया में दक्ष और निस्वार्थ भाव से पार्टी की सेवा करने वाले युवाओं के सहयोग से ही आज "
    "पार्टी इस मुकाम तक पहुंची है।",
    "प्रधानमंत्री मोदी जी भी कह चुके हैं कि आगामी चुनावों में सोशल मीडिया की भूमिका सबसे अहम होने वाली है, "
    "यानी आप लोगों का दायित्व और बढ़ने वाला है। सोशल मीडिया पर हमें अपने नेटवर्क को और बढ़ाना होगा, "
    "हमारे संचार तंत्र को और सशक्त करना होगा। सूचनाओं का प्रवाह ऊपर से नीचे और नीचे से ऊपर, यानी केंद्र, "
    "प्रदेश के काम और निर्देश बूथ तक और बूथ पर हो रही गतिविधियों की जानकारी प्रदेश और केंद्र तक निर्बाध और "
    "तेज गति से चलती रहे, इसे सुनिश्चित करना होगा।",
    "हमारे कंधों पर सोशल मीडिया पर चल रहे विपक्षी नैरेटिव को ध्वस्त करने की भी जिम्मेदारी है।",
])
DALSANIA_SAID = "ने ज़िला संयोजकों को अपने-अपने ज़िलों में संगठन को मजबूत करने के निर्देश दिए"
VERMA_SAID = "ने सोशल मीडिया के महत्व पर कार्यकर्ताओं का मार्गदर्शन किया"
MANAN_SAID = "ने सभी को सोशल मीडिया के समुचित उपयोग व नैरेटिव निर्माण की जानकारी दी"

# The five named in the note, each a district's social-media office bearer here.
NAMED = [("रविशंकर सिंह", "Ravishankar Singh", "patna", Role.COORDINATOR),
         ("अमल अवस्थी", "Amal Awasthi", "gaya", Role.CO_COORDINATOR),
         ("नवीन कुमार", "Naveen Kumar", "muzaffarpur", Role.COORDINATOR),
         ("आशुतोष मिश्र", "Ashutosh Mishra", "bhagalpur", Role.COORDINATOR),
         ("विकास मेहता", "Vikas Mehta", "darbhanga", Role.COORDINATOR)]
# Workers who came, by district (the named office bearers come on top), and those who walked in.
WORKERS = {"patna": 95, "gaya": 71, "muzaffarpur": 57, "bhagalpur": 43, "darbhanga": 29}
WALK_INS = 25

# What each district reported, the difficulties raised and the instructions given (owner: the named
# office bearer of the district; due: days after the workshop).
REVIEW = {
    "patna": {"activity": ["हर मंडल में सोशल मीडिया टोली बन चुकी है", "हर दिन पार्टी की तीन पोस्ट बूथ तक पहुँच रही हैं"],
              "difficulty": ["बूथ स्तर पर स्मार्टफोन वाले कार्यकर्ता कम हैं"],
              "instruction": [("हर बूथ पर स्मार्टफोन वाला कम से कम एक कार्यकर्ता जोड़ें", 15)]},
    "gaya": {"activity": ["सभी बूथों पर व्हाट्सएप समूह सक्रिय हैं"],
             "difficulty": ["ग्रामीण इलाकों में इंटरनेट कमजोर है", "समूहों में गलत सूचनाएँ फैलती हैं"],
             "instruction": [("कमजोर नेटवर्क वाले बूथों की सूची प्रदेश कार्यालय को भेजें", 7),
                             ("गलत सूचना का खंडन उसी दिन समूह में करें", 3)]},
    "muzaffarpur": {"activity": ["विपक्षी नैरेटिव का जवाब रोज़ दिया जा रहा है"],
                    "instruction": [("जवाबी पोस्ट की साप्ताहिक रिपोर्ट प्रदेश को भेजें", 7)]},
    "bhagalpur": {"difficulty": ["नए कार्यकर्ताओं को प्रशिक्षण नहीं मिला है"],
                  "instruction": [("हर विधानसभा में सोशल मीडिया प्रशिक्षण शिविर लगाएँ", 30)]},
}
DISTRICTS = {"muzaffarpur": ("मुज़फ़्फ़रपुर", "Muzaffarpur"), "bhagalpur": ("भागलपुर", "Bhagalpur"),
             "darbhanga": ("दरभंगा", "Darbhanga")}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


def _jpeg(colour) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def districts(world) -> dict:
    """Bihar's districts: Patna and Gaya of the world, and three more (made once)."""
    from sampark.org.models import Unit

    out = {"patna": world.patna, "gaya": world.gaya}
    level = Level.objects.get(code="district")
    for key, (hi, en) in DISTRICTS.items():
        out[key] = (Unit.objects.filter(parent=world.bihar, name_en=en).first()
                    or create_unit(None, parent=world.bihar, level=level, name_hi=hi, name_en=en))
    return out


def programme(event, *rows) -> None:
    """Programme items in order: (role code, person or None, guest name, guest title, text)."""
    roles = {r.code: r for r in ProgrammeRole.objects.all()}
    for n, (role, person, name, title, text) in enumerate(rows, start=1):
        ProgrammeItem.objects.create(event=event, position=n, role=roles[role], person=person, guest_name=name,
                                     guest_title=title, text=text, created_at=event.ends_at)


def review(event, author, unit, kind: str, text: str, owner=None, due: date | None = None, at=None) -> ReviewEntry:
    """One entry of the review, with its review note or action item (the district review's records)."""
    at = at or event.ends_at
    note = item = None
    if kind == ReviewEntry.Kind.INSTRUCTION:
        item = ActionItem.objects.create(unit=unit, unit_path=unit.path, created_by=author, owner=owner, text=text,
                                         due_on=due, created_at=at)
    else:
        note = ReviewNote.objects.create(unit=unit, unit_path=unit.path, author=author, text=text, created_at=at)
    return ReviewEntry.objects.create(event=event, unit=unit, unit_path=unit.path, kind=kind, text=text, note=note,
                                      action_item=item, author=author, created_at=at)


def check_in(event, volunteer, people, at) -> None:
    """Check people in (each at the unit of their first post), one second apart from ``at``."""
    posts = {}
    for p in Post.objects.filter(person__in=people, active=True).order_by("pk"):
        posts.setdefault(p.person_id, p.unit_path)
    Checkin.objects.bulk_create([
        Checkin(id=uuid.uuid4(), event=event, person=p, unit_path=posts.get(p.pk, ""), method=Checkin.Method.CODE,
                checked_in_by=volunteer, at=at + timedelta(seconds=n)) for n, p in enumerate(people)])


def press_note_workshop(world, *, photos: int = 2):
    """The workshop of the press note, held at the state office on WORKSHOP_DAY; returns the event."""
    units = districts(world)
    event, _created = event_services.create_event(
        world.state_admin, unit=world.bihar, title=TITLE, kind="workshop", starts_at=_at(WORKSHOP_DAY, 10),
        ends_at=_at(WORKSHOP_DAY, 17), venue=VENUE, audience_unit=world.bihar, teams=["social_media", "it"],
        is_review=True, publish=True, now=_at(WORKSHOP_DAY, 10) - timedelta(days=5))  # invited 5 days before
    named = {}
    for n, (hi, en, key, role) in enumerate(NAMED):
        p = create_person(None, phone=f"+9181000000{n:02d}", name_hi=hi, name_en=en)
        add_post(None, person=p, unit=units[key], role=role, team=Team.SOCIAL_MEDIA)
        named[key] = p
    programme(event,
              ("presiding", None, *TAWDE, ""),
              ("address", None, *TAWDE, TAWDE_SAID),
              ("address", None, *DALSANIA, DALSANIA_SAID),
              ("address", world.state_admin, "", "", VERMA_SAID),
              ("address", world.patna_coord, "", "प्रदेश प्रमुख", MANAN_SAID),
              ("stage", world.gaya_coord, "", "", ""),
              ("thanks", None, THANKS, "", ""))
    at = _at(WORKSHOP_DAY, 14)
    for key, kinds in REVIEW.items():
        for kind, texts in kinds.items():
            for entry in texts:
                if kind == "instruction":
                    text, days = entry
                    review(event, world.state_admin, units[key], kind, text, owner=named[key],
                           due=WORKSHOP_DAY + timedelta(days=days), at=at)
                else:
                    review(event, world.state_admin, units[key], kind, entry, at=at)
                at += timedelta(minutes=1)
    # Attendance: the named first (in the note's order), the programme's members, then the workers.
    start = _at(WORKSHOP_DAY, 9, 30)
    check_in(event, world.state_admin, [named[k] for _hi, _en, k, _r in NAMED], start)
    check_in(event, world.state_admin, [world.state_admin, world.patna_coord, world.gaya_coord],
             start + timedelta(minutes=5))
    workers = []
    for key, count in WORKERS.items():
        for i in range(count):
            workers.append(Person(phone=f"+9182{len(workers):08d}", name_hi=f"कार्यकर्ता {key} {i}",
                                  name_en=f"Worker {key} {i}", inactive_since=None))
    Person.objects.bulk_create(workers)
    workers = list(Person.objects.filter(phone__startswith="+9182").order_by("phone"))
    n = 0
    for key, count in WORKERS.items():
        Post.objects.bulk_create([Post(person=p, unit=units[key], unit_path=units[key].path, role=Role.WORKER,
                                       team=Team.SOCIAL_MEDIA) for p in workers[n:n + count]])
        n += count
    check_in(event, world.state_admin, workers, start + timedelta(minutes=10))
    Checkin.objects.create(id=uuid.uuid4(), event=event, walk_ins=WALK_INS, method=Checkin.Method.WALK_IN,
                           checked_in_by=world.state_admin, at=_at(WORKSHOP_DAY, 11))
    for i, (caption, colour) in enumerate([("प्रदेश कार्यालय में कार्यशाला", (200, 120, 40)),
                                           ("ज़िलेवार संवाद", (40, 120, 200))][:photos]):
        EventPhoto.objects.create(event=event, file=ContentFile(_jpeg(colour), name=f"workshop-{i}.jpg"),
                                  caption=caption, uploaded_by=world.state_admin, created_at=_at(WORKSHOP_DAY, 16, i))
    return event
