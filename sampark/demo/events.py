"""The demo's events: each district's (and a few constituencies') last meeting, recorded as
events.meetings records one (an event of kind बैठक with its attendance, and the unit's meeting
report under the same id); a state workshop like the press note's, with its programme and check-ins from every
district; and an upcoming training in Patna with its invitations sent. A few hundred rows, written
in bulk (the reports through their batch service, the training through the events service)."""

import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from sampark.events import meetings, report
from sampark.events import services as event_services
from sampark.events.models import Checkin, Event, EventKind, ProgrammeItem, ProgrammeRole
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Person, Post, Role, Team
from sampark.reports.services import Submission, submit_reports

NS = uuid.UUID("5a3b2c1d-0e0f-4a4b-8c8d-202611280001")  # the demo's client ids are fixed: a reload makes the same
STATE_COORDINATOR = "+919900000001"
PATNA_COORDINATOR = "+919900000002"
TOPICS = ["सोशल मीडिया पर संगठन का विस्तार", "बूथ स्तर तक सूचना का प्रवाह", "नए सदस्यों का जुड़ाव",
          "विपक्ष के नैरेटिव का जवाब", "मासिक कार्य समीक्षा"]


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _leaders_at(unit_ids) -> dict[int, list[int]]:
    """Person ids holding a leading post at each unit, the social-media coordinator first."""
    out: dict[int, list[tuple]] = {}
    rows = (Post.objects.filter(unit_id__in=unit_ids, active=True, role__in=LEADING_ROLES)
            .order_by("unit_id", "pk").values_list("unit_id", "person_id", "team"))
    for unit_id, person_id, team in rows:
        out.setdefault(unit_id, []).append((team != Team.SOCIAL_MEDIA, person_id))
    return {unit_id: [pk for _first, pk in sorted(people)] for unit_id, people in out.items()}


def _meetings(state: Unit, today, now) -> int:
    """Each district's last meeting (and three constituencies' in Patna and Gaya), as the state
    office enters them: events of kind meeting at the units, their leaders named as attendees and
    the rest as walk-ins, and the units' meeting reports under the same ids (one batch through the
    reports service, so the roll-ups count them). Written in bulk: events.meetings.record_meeting
    takes one meeting at a time, about thirty queries each."""
    recorder = Person.objects.get(phone=STATE_COORDINATOR)
    districts = list(Unit.objects.filter(level__code="district", parent=state).order_by("pk"))
    demo_districts = [d for d in districts if d.code in ("230", "236")]  # Patna, Gaya: the demo log-ins' districts
    assemblies = [a for d in demo_districts for a in Unit.objects.filter(parent=d).order_by("pk")[:3]]
    units = districts + assemblies
    leaders = _leaders_at([u.pk for u in units])
    kind = EventKind.objects.get(code=meetings.KIND)
    events, submissions, attendance = [], [], {}
    for i, unit in enumerate(units):
        starts = _at(today - timedelta(days=1 + i % 6), 11 + i % 5)
        cid = uuid.uuid5(NS, f"meeting:{unit.pk}")
        topic = TOPICS[i % len(TOPICS)]
        attendance[cid] = (unit, starts, leaders.get(unit.pk, []), 12 + (i * 7) % 30)
        events.append(Event(unit=unit, unit_path=unit.path, kind=kind, title=topic, venue=f"{unit.name_hi} कार्यालय",
                            starts_at=starts, ends_at=starts + meetings.DEFAULT_LENGTH, audience_unit=unit,
                            audience_path=unit.path, status=Event.Status.PUBLISHED, created_by=recorder,
                            client_uuid=cid, created_at=now, published_at=now))
        submissions.append(Submission(id=str(cid), unit=unit.pk, type=meetings.REPORT_TYPE,
                                      date=timezone.localtime(starts).date().isoformat(),
                                      values={"attendance": attendance[cid][3], "topic": topic}))
    made = Event.objects.bulk_create(events)
    rows = []
    for event in made:
        unit, starts, named, total = attendance[event.client_uuid]
        rows += [Checkin(id=uuid.uuid5(event.client_uuid, f"person:{pk}"), event=event, person_id=pk,
                         unit_path=unit.path, method=Checkin.Method.NAME, checked_in_by=recorder, at=starts)
                 for pk in named]
        rows.append(Checkin(id=uuid.uuid5(event.client_uuid, "walk-ins"), event=event, unit_path=unit.path,
                            walk_ins=total - len(named), method=Checkin.Method.WALK_IN, checked_in_by=recorder,
                            at=starts))
    Checkin.objects.bulk_create(rows)
    problems = [o.error for o in submit_reports(recorder, submissions) if o.error]
    if problems:
        raise ValueError(f"demo meeting reports refused: {problems[0]}")
    return len(made)


def _workshop(state: Unit, today, now) -> Event:
    """The press note's kind of day: a one-day social-media and IT workshop at the state office."""
    organiser = Person.objects.get(phone=STATE_COORDINATOR)
    chief = Person.objects.get(phone="+919900000000")
    starts = _at(today - timedelta(days=2), 11)
    event = Event.objects.create(
        unit=state, unit_path=state.path, kind=EventKind.objects.get(code="workshop"),
        title="एक दिवसीय सोशल मीडिया एवं आईटी कार्यशाला", venue="प्रदेश कार्यालय, पटना",
        description="प्रदेश भर के सोशल मीडिया एवं आईटी कार्यकर्ताओं की कार्यशाला; जिलेवार समीक्षा।",
        starts_at=starts, ends_at=starts + timedelta(hours=6), audience_unit=state, audience_path=state.path,
        teams=",social_media,it,", is_review=True, status=Event.Status.PUBLISHED, created_by=organiser,
        client_uuid=uuid.uuid5(NS, "workshop"), created_at=starts - timedelta(days=7),
        published_at=starts - timedelta(days=7))
    state_people = list(Post.objects.filter(unit=state, active=True).exclude(person=organiser)
                        .order_by("pk").values_list("person_id", flat=True))
    roles = {r.code: r for r in ProgrammeRole.objects.all()}
    items = [
        ("presiding", state_people[0] if state_people else organiser.pk, "", "", ""),
        ("chief_guest", chief.pk, "", "",
         "जिलेवार सोशल मीडिया कार्यकर्ताओं से एक-एक कर बात की, गतिविधियों और कठिनाइयों की जानकारी ली और "
         "समाधान के निर्देश दिए। कहा कि केंद्र और प्रदेश के निर्देश बूथ तक और बूथ की गतिविधियों की जानकारी "
         "प्रदेश और केंद्र तक निर्बाध और तेज़ी से पहुँचनी चाहिए।"),
        ("address", organiser.pk, "", "", "जिला संयोजकों को अपने जिलों में संगठन को मज़बूत करने का निर्देश दिया।"),
        ("session", None, "डॉ. रमेश प्रसाद", "वरिष्ठ पत्रकार",
         "सोशल मीडिया के सही उपयोग और नैरेटिव निर्माण पर सत्र।"),
        ("stage", state_people[1] if len(state_people) > 1 else organiser.pk, "", "", ""),
        ("thanks", state_people[2] if len(state_people) > 2 else organiser.pk, "", "", ""),
    ]
    ProgrammeItem.objects.bulk_create([
        ProgrammeItem(event=event, position=i + 1, role=roles[code], person_id=person, guest_name=name,
                      guest_title=title, text=text, created_at=now)
        for i, (code, person, name, title, text) in enumerate(items)])
    # From every district, those who hold its posts, checked in by typed code; and the walk-ins.
    posts = (Post.objects.filter(unit__parent=state, unit__level__code="district", active=True)
             .order_by("unit_path", "pk").values_list("person_id", "unit_path"))
    seen: set[int] = set()
    rows = []
    for i, (person_id, path) in enumerate(posts):
        if person_id in seen:
            continue
        seen.add(person_id)
        rows.append(Checkin(id=uuid.uuid5(NS, f"workshop:{person_id}"), event=event, person_id=person_id,
                            unit_path=path, method=Checkin.Method.CODE, checked_in_by=organiser,
                            at=starts - timedelta(minutes=30) + timedelta(seconds=20 * i)))
    rows.append(Checkin(id=uuid.uuid5(NS, "workshop:walk-ins"), event=event, unit_path=state.path, walk_ins=180,
                        method=Checkin.Method.WALK_IN, checked_in_by=organiser, at=starts + timedelta(hours=1)))
    Checkin.objects.bulk_create(rows)
    return event


REVIEW = [  # (district code, kind, text): what three districts told the workshop, and what they were told
    ("230", "activity", "हर बूथ पर व्हाट्सऐप समूह बन गए हैं; 70 प्रतिशत बूथों से साप्ताहिक रिपोर्ट आ रही है।"),
    ("230", "difficulty", "ग्रामीण बूथों पर नेटवर्क कमज़ोर है, वीडियो समय पर नहीं पहुँचते।"),
    ("230", "instruction", "हर मंडल में दो कार्यकर्ताओं को ऑफ़लाइन रिपोर्ट भेजने का प्रशिक्षण दें।"),
    ("236", "activity", "नए सोशल मीडिया कार्यकर्ताओं की सूची बनाई गई है।"),
    ("236", "difficulty", "कई बूथों पर अभी कोई सोशल मीडिया कार्यकर्ता नहीं है।"),
    ("236", "instruction", "खाली बूथों पर पंद्रह दिन में कार्यकर्ता नियुक्त करें।"),
]


def _review(workshop: Event, today, now) -> None:
    """The district-by-district dialogue of the press note: through the review service, so the notes and
    action items are the districts' own (the district review shows them)."""
    from sampark.events import review

    for code, kind, text in REVIEW:
        unit = Unit.objects.filter(level__code="district", code=code).first()
        if unit is None:
            continue
        owner = (Post.objects.filter(unit=unit, active=True, role__in=LEADING_ROLES).order_by("pk")
                 .values_list("person_id", flat=True).first()) if kind == "instruction" else None
        review.add_entry(workshop.created_by, workshop, unit=unit, kind=kind, text=text, owner=owner,
                         due=today + timedelta(days=15) if kind == "instruction" else None, now=now)


def _training(today, now) -> Event | None:
    """An upcoming training in Patna, its invitations sent (a directive to the district's workers)."""
    coord = Person.objects.filter(phone=PATNA_COORDINATOR).first()
    patna = Unit.objects.filter(level__code="district", code="230").first()
    if coord is None or patna is None:
        return None
    starts = _at(today + timedelta(days=5), 10)
    event, _created = event_services.create_event(
        coord, client_uuid=uuid.uuid5(NS, "training"), unit=patna, kind="training",
        title="बूथ सोशल मीडिया कार्यकर्ता प्रशिक्षण", venue="जिला कार्यालय, पटना", starts_at=starts,
        ends_at=starts + timedelta(hours=4), capacity=200, roles=[Role.WORKER], now=now)
    return event


def add_events(now: datetime | None = None) -> dict[str, int]:
    """The demo's events, after its people are in. Returns how many of each were made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    state = Unit.objects.filter(level__code="state", code="S04").first()
    if state is None:
        return {}
    workshop = _workshop(state, today, now)
    _review(workshop, today, now)
    made = {"meetings": _meetings(state, today, now), "workshops": 1}
    # Its report, written from the record: the Hindi one published down the tree, the English one a draft.
    report.save_report(workshop.created_by, workshop, "en", now=now)
    report.save_report(workshop.created_by, workshop, "hi", now=now)
    report.publish_report(workshop.created_by, workshop, "hi", now=now)
    made["trainings"] = 1 if _training(today, now) else 0
    return made
