"""The report written afterwards (issue 15), in the style of the press note: generated from the event's
record alone (kind, title, place, date, organising unit, programme, review, check-ins, photos) by
templates and rules, in Hindi or English; no network, no model. Sections without data are left out and
no empty name is ever printed.

The sentences avoid guessing anyone's gender: agents take the ergative ने with the verb agreeing with its
object ("ने संबोधित किया", "की अध्यक्षता … ने की", "कठिनाइयाँ बताईं"), presence is "की उपस्थिति रही",
and people are named with their title on first mention and by name afterwards.

A summary of an address is reported speech: "X ने कहा कि …", each further paragraph "उन्होंने कहा कि …".
A summary that itself starts with "ने " is a predicate and follows the name as it is ("X ने … मार्गदर्शन
किया"). In English the summary is quoted.

Around the text (the same module, as the event's other parts keep theirs): the saved draft per language,
editing, regenerating, publishing (a directive without acknowledgement to the event's audience), and what
the event page shows."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.names import pick
from sampark.core.text import clean, clean_multiline, indian_grouping
from sampark.directives import authoring
from sampark.events.models import Checkin, Event, EventReport
from sampark.events.services import EventError, can_manage
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Post
from sampark.people.teams import team_choices

LANGS = ("hi", "en")
TEXT_MAX = authoring.BODY_MAX
NAMED_ATTENDEES = 5
SHORT = timedelta(hours=4)

# Hindi forms of a level's word: oblique singular ("पटना ज़िले के"), oblique plural ("4 ज़िलों"), "-wise".
LEVEL_HI = {
    "state": ("प्रदेश", "प्रदेशों", "प्रदेशवार"),
    "district": ("ज़िले", "ज़िलों", "ज़िलेवार"),
    "assembly": ("विधानसभा", "विधानसभाओं", "विधानसभावार"),
    "mandal": ("मंडल", "मंडलों", "मंडलवार"),
    "shakti_kendra": ("शक्ति केंद्र", "शक्ति केंद्रों", "शक्ति केंद्रवार"),
    "booth": ("बूथ", "बूथों", "बूथवार"),
}
UNIT_HI = ("इकाई", "इकाइयों", "इकाईवार")
LEVEL_EN_PLURAL = {"assembly": "assembly constituencies", "shakti_kendra": "shakti kendras", "centre": "centres"}
DAYS_HI = {1: "एक", 2: "दो", 3: "तीन", 4: "चार", 5: "पाँच", 6: "छह", 7: "सात", 8: "आठ"}
DAYS_EN = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
SPEECH_ROLES = ("presiding", "chief_guest", "address")
ENDS = ("।", ".", "!", "?", "॥")


# --- the record, read once ------------------------------------------------------------------------

@dataclass
class Who:
    key: str
    name: str
    title: str = ""


@dataclass
class Item:
    role: str
    role_name: str
    who: Who
    text: str


@dataclass
class UnitReview:
    unit: Unit
    activities: list[str] = field(default_factory=list)
    difficulties: list[str] = field(default_factory=list)
    instructions: list[tuple[str, str, object]] = field(default_factory=list)  # text, owner, due_on


@dataclass
class Record:
    event: Event
    lang: str
    items: list[Item]
    review: list[UnitReview]
    by_unit: list[tuple[Unit, int]]
    walk_ins: int
    members: int
    named: list[str]
    leaders_came: bool
    teams: list[str]
    photos: list[str]  # captions ("" for a photo without one)


def _level_code(unit: Unit) -> str:
    return unit.level.code if unit.level_id else ""


def _unit_phrase(unit: Unit, lang: str) -> str:
    """'बिहार प्रदेश', 'पटना ज़िला', 'Patna District': the name and its level, unless the name has it."""
    name = pick(unit.name_hi, unit.name_en, lang)
    level = pick(unit.level.name_hi, unit.level.name_en, lang) if unit.level_id else ""
    return name if not level or level.lower() in name.lower() else f"{name} {level}"


def _post_title(post: Post, lang: str) -> str:
    with translation.override(lang):
        role = post.get_role_display()
        team = dict(team_choices()).get(post.team, "") if post.team != "organisation" else ""
    place = _unit_phrase(post.unit, lang)
    if lang == "hi":
        return " ".join(p for p in (place, team, role) if p)
    return f"{team} {role.lower()}, {place}" if team else f"{role}, {place}"


def _who(item, lang: str, posts: dict) -> Who:
    if item.person_id:
        p = item.person
        title = clean(item.guest_title) or (_post_title(posts[p.pk], lang) if p.pk in posts else "")
        return Who(f"p{p.pk}", pick(p.name_hi, p.name_en, lang), title)
    return Who("g" + clean(item.guest_name).lower(), clean(item.guest_name), clean(item.guest_title))


def _top_posts(person_ids) -> dict:
    """Each person's highest active post (a leading one first), to title them."""
    out: dict = {}
    rows = Post.objects.filter(person_id__in=person_ids, active=True).select_related("unit__level")
    for post in sorted(rows, key=lambda p: (p.role not in LEADING_ROLES, len(p.unit_path), p.pk)):
        out.setdefault(post.person_id, post)
    return out


def _attendance(event: Event, mentioned: set[int]):
    counts = (Checkin.objects.filter(event=event).values("unit_path")
              .annotate(people=Count("person"), walk=Sum("walk_ins")))
    base = event.audience_path
    depth = len(base) + paths.SEGMENT
    per: dict[str, int] = {}
    members = walk_ins = 0
    for row in counts:
        members += row["people"]
        walk_ins += row["walk"] or 0
        p = row["unit_path"] or ""
        if row["people"] and p.startswith(base) and len(p) >= depth:
            per[p[:depth]] = per.get(p[:depth], 0) + row["people"]
    units = Unit.objects.select_related("level").in_bulk([paths.decode(p[-paths.SEGMENT:]) for p in per])
    by_unit = sorted(((units[paths.decode(p[-paths.SEGMENT:])], n) for p, n in per.items()
                      if paths.decode(p[-paths.SEGMENT:]) in units), key=lambda un: (-un[1], un[0].name_hi))
    # Name a few: those holding a leading post (the higher the post, the earlier), all of them when few
    # came. Only the leaders are read when many came (a convention has thousands).
    came = Checkin.objects.filter(event=event, person__isnull=False).exclude(person_id__in=mentioned)
    leaders = Post.objects.filter(person_id__in=came.values("person_id"), active=True, role__in=LEADING_ROLES)
    leaders_came = leaders.exists() or Post.objects.filter(person_id__in=mentioned, active=True,
                                                           role__in=LEADING_ROLES,
                                                           person__event_checkins__event=event).exists()
    if members - len(mentioned) > NAMED_ATTENDEES:
        came = came.filter(person_id__in=leaders.values("person_id"))
    came = list(came.select_related("person").order_by("at", "pk"))
    posts = _top_posts([c.person_id for c in came])
    others = came
    if len(others) > NAMED_ATTENDEES:
        others = [c for c in came if c.person_id in posts and posts[c.person_id].role in LEADING_ROLES]
        others.sort(key=lambda c: len(posts[c.person_id].unit_path))
    return by_unit, walk_ins, members, others[:NAMED_ATTENDEES], leaders_came


def record(event: Event, lang: str) -> Record:
    event = Event.objects.select_related("kind", "unit__level", "audience_unit__level").get(pk=event.pk)
    rows = list(event.programme.select_related("role", "person"))
    posts = _top_posts([r.person_id for r in rows if r.person_id])
    items = [Item(r.role.code, pick(r.role.name_hi, r.role.name_en, lang), _who(r, lang, posts),
                  clean_multiline(r.text)) for r in rows]
    items = [i for i in items if i.who.name]
    review: dict[int, UnitReview] = {}
    for e in event.review.select_related("unit__level", "action_item__owner"):
        ur = review.setdefault(e.unit_id, UnitReview(e.unit))
        text = _bare(e.text)
        if not text:
            continue
        if e.kind == "activity":
            ur.activities.append(text)
        elif e.kind == "difficulty":
            ur.difficulties.append(text)
        else:
            a = e.action_item
            owner = pick(a.owner.name_hi, a.owner.name_en, lang) if a is not None else ""
            ur.instructions.append((text, owner, a.due_on if a is not None else None))
    mentioned = {r.person_id for r in rows if r.person_id}
    by_unit, walk_ins, members, named, leaders_came = _attendance(event, mentioned)
    with translation.override(lang):
        team_names = dict(team_choices())
    chosen = set(event.teams.split(","))
    teams = [name for code, name in team_names.items() if code in chosen]  # in the teams' own order
    return Record(event, lang, items, [r for r in review.values() if r.activities or r.difficulties or
                                       r.instructions], by_unit, walk_ins, members,
                  [pick(c.person.name_hi, c.person.name_en, lang) for c in named if
                   pick(c.person.name_hi, c.person.name_en, lang)],
                  leaders_came, teams, [clean(p.caption) for p in event.photos.all()])


# --- small pieces of language ----------------------------------------------------------------------

def _bare(text: str) -> str:
    """An entry without its closing mark, to be joined with others."""
    text = clean(text or "")
    while text and text[-1] in ENDS:
        text = text[:-1].rstrip()
    return text


def _sentence(text: str, lang: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(ENDS) else text + ("।" if lang == "hi" else ".")


def join(names: list[str], lang: str) -> str:
    names = [n for n in names if n]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + (" और " if lang == "hi" else " and ") + names[-1]


def _num(n: int) -> str:
    return indian_grouping(n)


def _date(value: datetime, lang: str) -> str:
    with translation.override(lang):
        return formats.date_format(timezone.localtime(value).date(), "DATE_FORMAT")


def _days(event: Event) -> int:
    """Calendar days the event spans; 0 for a short one (under 4 hours in a day), which is not "one-day"."""
    days = (timezone.localtime(event.ends_at).date() - timezone.localtime(event.starts_at).date()).days + 1
    return 0 if days == 1 and event.ends_at - event.starts_at < SHORT else days


class Mentions:
    """First mention with the title ("संगठन महामंत्री भीखूभाई दलसानिया", "Rajesh Verma (Social media
    in-charge, Bihar)"), later ones by name only."""

    def __init__(self, lang: str):
        self.lang, self.seen = lang, set()

    def __call__(self, who: Who) -> str:
        first = who.key not in self.seen
        self.seen.add(who.key)
        if not (first and who.title):
            return who.name
        return f"{who.title} {who.name}" if self.lang == "hi" else f"{who.name} ({who.title})"

    def all(self, people: list[Who]) -> str:
        return join([self(w) for w in people], self.lang)


def _unique(items: list[Item]) -> list[Who]:
    out, keys = [], set()
    for i in items:
        if i.who.key not in keys:
            keys.add(i.who.key)
            out.append(i.who)
    return out


def _role(rec: Record, code: str) -> list[Item]:
    return [i for i in rec.items if i.role == code]


# --- Hindi -----------------------------------------------------------------------------------------

def _kind_hi(event: Event) -> str:
    return event.kind.name_hi.split()[-1] if event.kind.name_hi else "कार्यक्रम"


def _what_hi(event: Event) -> str:
    days = _days(event)
    span = f"{DAYS_HI[days]} दिवसीय " if days in DAYS_HI else ""
    if "दिवसीय" in event.title:  # the title says it already ("एक दिवसीय … कार्यशाला")
        span = ""
    kind = _kind_hi(event)
    if kind in event.title:
        return f"{span}{event.title}"
    return f"“{event.title}” विषय पर {span}{event.kind.name_hi}"


def _level_hi(unit: Unit) -> tuple[str, str, str]:
    return LEVEL_HI.get(_level_code(unit), UNIT_HI)


def _unit_obl_hi(unit: Unit) -> str:
    word = _level_hi(unit)[0]
    return unit.name_hi if word in unit.name_hi else f"{unit.name_hi} {word}"


def _lead_hi(rec: Record, m: Mentions) -> str:
    e, out = rec.event, []
    start, end = _date(e.starts_at, "hi"), _date(e.ends_at, "hi")
    when = f"{start} को" if start == end else f"{start} से {end} तक"
    where = f" {e.venue} में" if e.venue else ""
    out.append(f"{when}{where} {_unit_phrase(e.unit, 'hi')} द्वारा {_what_hi(e)} का आयोजन किया गया।")
    ref = _kind_hi(e)
    presiders, guests = _unique(_role(rec, "presiding")), _unique(_role(rec, "chief_guest"))
    speakers = _unique(_role(rec, "address"))
    if presiders:
        out.append(f"{ref} की अध्यक्षता {m.all(presiders)} ने की।")
    if guests:
        out.append(f"मुख्य अतिथि के रूप में {m.all(guests)} की उपस्थिति रही।")
    if speakers:
        first, rest = speakers[0], speakers[1:]
        lead = "अध्यक्षता करते हुए " if presiders and first.key == presiders[0].key else ""
        out.append(f"{lead}{m(first)} ने {ref} को संबोधित किया।")
        if rest:
            out.append(f"{m.all(rest)} ने भी {ref} को संबोधित किया।")
    return " ".join(out)


def _reviewer(rec: Record) -> Who | None:
    for code in ("presiding", "address"):  # who led the review: the chair, else the first speaker
        people = _unique(_role(rec, code))
        if people:
            return people[0]
    return None


def _review_hi(rec: Record, m: Mentions) -> list[str]:
    units = [r.unit for r in rec.review]
    codes = {_level_code(u) for u in units}
    plural = LEVEL_HI.get(codes.pop(), UNIT_HI)[1] if len(codes) == 1 else UNIT_HI[1]
    if len(units) == 1:
        whom = f"{_unit_obl_hi(units[0])} के कार्यकर्ताओं से"
    else:
        whom = f"{_num(len(units))} {plural} ({join([u.name_hi for u in units], 'hi')}) के कार्यकर्ताओं से एक-एक कर"
    acts = any(r.activities for r in rec.review)
    diffs = any(r.difficulties for r in rec.review)
    instr = any(r.instructions for r in rec.review)
    who = _reviewer(rec)
    if who is not None:
        s = f"इस अवसर पर {m(who)} ने {whom} संवाद किया"
        s += " तथा उनके यहाँ चल रही गतिविधियों के बारे में जानकारी ली।" if acts else "।"
        if diffs:
            s += " उन्होंने कार्यकर्ताओं के समक्ष आ रही कठिनाइयों के बारे में भी पूछा"
            s += " तथा उनके समाधान के लिए आवश्यक निर्देश दिए।" if instr else "।"
        elif instr:
            s += " उन्होंने आवश्यक निर्देश भी दिए।"
    else:
        s = f"इस अवसर पर {whom} संवाद किया गया"
        s += " तथा उनके यहाँ चल रही गतिविधियों की जानकारी ली गई।" if acts else "।"
        if diffs:
            s += " कार्यकर्ताओं के समक्ष आ रही कठिनाइयाँ सुनी गईं"
            s += " तथा उनके समाधान के लिए आवश्यक निर्देश दिए गए।" if instr else "।"
        elif instr:
            s += " आवश्यक निर्देश भी दिए गए।"
    out = [s]
    for r in rec.review:
        subject, parts = f"{_unit_obl_hi(r.unit)} के कार्यकर्ताओं", []
        if r.activities:
            parts.append(f"{subject} ने अपनी गतिविधियों की जानकारी दी: {'; '.join(r.activities)}।")
        if r.difficulties:
            who_said = "उन्होंने" if r.activities else f"{subject} ने"
            noun = "ये कठिनाइयाँ बताईं" if len(r.difficulties) > 1 else "यह कठिनाई बताई"
            parts.append(f"{who_said} {noun}: {'; '.join(r.difficulties)}।")
        if r.instructions:
            lines = []
            for text, owner, due in r.instructions:
                tail = [f"जिम्मेदारी: {owner}"] if owner else []
                if due:
                    with translation.override("hi"):
                        tail.append(f"{formats.date_format(due, 'DATE_FORMAT')} तक")
                lines.append(f"{text} ({'; '.join(tail)})" if tail else text)
            where = "इस पर" if r.difficulties else f"{_unit_obl_hi(r.unit)} के लिए"
            noun = "ये निर्देश दिए गए" if len(lines) > 1 else "यह निर्देश दिया गया"
            parts.append(f"{where} {noun}: {'; '.join(lines)}।")
        out.append(" ".join(parts))
    return out


def _speech_hi(item: Item, m: Mentions) -> str:
    out = []
    for p in (p.strip() for p in item.text.split("\n") if p.strip()):
        who = f"{m(item.who)} ने" if not out else "उन्होंने"
        # "ने …" is the predicate itself ("ने … मार्गदर्शन किया"); anything else is what was said.
        out.append(_sentence(f"{who} {p[3:]}" if p.startswith("ने ") else f"{who} कहा कि {p}", "hi"))
    return "\n".join(out)


def _rest_hi(rec: Record, m: Mentions) -> list[str]:
    out = []
    sessions = [i for i in rec.items if i.role == "session"]
    if sessions:
        out.append(" ".join(
            f"{m(i.who)} ने “{_bare(i.text)}” विषय पर प्रशिक्षण सत्र लिया।" if _bare(i.text)
            else f"{m(i.who)} ने प्रशिक्षण सत्र लिया।" for i in sessions))
    others = [i for i in rec.items if i.role not in (*SPEECH_ROLES, "session", "stage", "thanks")]
    if others:
        out.append(" ".join(_sentence(f"{i.role_name}: {m(i.who)}" + (f" — {_bare(i.text)}" if _bare(i.text) else ""),
                                      "hi") for i in others))
    stage, thanks = _unique(_role(rec, "stage")), _unique(_role(rec, "thanks"))
    if stage and thanks:
        out.append(f"कार्यक्रम का मंच संचालन {m.all(stage)} ने तथा धन्यवाद ज्ञापन {m.all(thanks)} ने किया।")
    elif stage:
        out.append(f"कार्यक्रम का मंच संचालन {m.all(stage)} ने किया।")
    elif thanks:
        out.append(f"धन्यवाद ज्ञापन {m.all(thanks)} ने किया।")
    return out


def _attendance_hi(rec: Record) -> str:
    total = rec.members + rec.walk_ins
    if not total:
        return ""
    team = f"{' व '.join(rec.teams)} के " if rec.teams else ""
    who = "पदाधिकारी व कार्यकर्ता" if rec.leaders_came else "कार्यकर्ता"
    if total >= 200:
        many = f"{team}सैकड़ों {who}"
    elif total >= 100:
        many = f"{team}सौ से अधिक {who}"
    else:
        many = f"{team}{_num(total)} {who}" if total > 1 else ""
    out = []
    if rec.named and (len(rec.named) < rec.members or rec.walk_ins):
        out.append(f"इस अवसर पर {join(rec.named, 'hi')} समेत {many or 'अन्य लोग'} उपस्थित रहे।")
    elif rec.named:
        out.append(f"इस अवसर पर {join(rec.named, 'hi')} उपस्थित रहे।")
    elif total > 1:
        out.append(f"इस अवसर पर {many} उपस्थित रहे।")
    if rec.by_unit:
        label = _level_hi(rec.by_unit[0][0])[2] if len({_level_code(u) for u, _n in rec.by_unit}) == 1 else UNIT_HI[2]
        s = f"{label} उपस्थिति: " + ", ".join(f"{u.name_hi} {_num(n)}" for u, n in rec.by_unit)
        out.append(s + "।")
    if rec.walk_ins:
        out.append(f"{_num(rec.walk_ins)} लोग बिना पंजीकरण के पहुँचे।" if rec.walk_ins > 1
                   else "एक व्यक्ति बिना पंजीकरण के पहुँचा।")
    out.append(f"कुल उपस्थिति {_num(total)} रही।")
    return " ".join(out)


def _photos_hi(rec: Record) -> str:
    if not rec.photos:
        return ""
    n = len(rec.photos)
    s = "कार्यक्रम की एक तस्वीर संलग्न है" if n == 1 else f"कार्यक्रम की {_num(n)} तस्वीरें संलग्न हैं"
    captions = [_bare(c) for c in rec.photos if _bare(c)]
    return s + (": " + "; ".join(captions) if captions else "") + "।"


def _hindi(rec: Record) -> str:
    m = Mentions("hi")
    paras = [_lead_hi(rec, m)]
    if rec.review:
        paras += _review_hi(rec, m)
    paras += [_speech_hi(i, m) for i in rec.items if i.role in SPEECH_ROLES and i.text]
    paras += _rest_hi(rec, m)
    paras += [_attendance_hi(rec), _photos_hi(rec)]
    return "\n\n".join(p for p in paras if p)


# --- English ---------------------------------------------------------------------------------------

def _kind_en(event: Event) -> str:
    return (event.kind.name_en.split()[-1] if event.kind.name_en else "event").lower()


def _what_en(event: Event) -> str:
    days = _days(event)
    span = f"{DAYS_EN[days]}-day " if days in DAYS_EN and "-day" not in event.title.lower() else ""
    article = "an" if not span and event.kind.name_en.lower()[:1] in "aeiou" else "a"
    return f"{article} {span}{(event.kind.name_en or 'event').lower()}, “{event.title}”,"


def _unit_en(unit: Unit) -> str:
    name = unit.name_en or unit.name_hi
    level = unit.level.name_en.lower() if unit.level_id else ""
    return name if not level or level in name.lower() else f"{name} {level}"


def _lead_en(rec: Record, m: Mentions) -> str:
    e, out = rec.event, []
    start, end = _date(e.starts_at, "en"), _date(e.ends_at, "en")
    when = f"On {start}" if start == end else f"From {start} to {end}"
    where = f" at {e.venue}" if e.venue else ""
    out.append(f"{when}, {_unit_phrase(e.unit, 'en')} held {_what_en(e)}{where}.".replace(",,", ",")
               .replace(",.", "."))
    ref = "the " + _kind_en(e)
    presiders, guests = _unique(_role(rec, "presiding")), _unique(_role(rec, "chief_guest"))
    speakers = _unique(_role(rec, "address"))
    both = bool(presiders and speakers and speakers[0].key == presiders[0].key)
    if presiders:
        out.append(f"{m.all(presiders)} presided over {ref}" + (" and addressed it." if both else "."))
    if guests:
        out.append(f"{m.all(guests)} {'was the chief guest' if len(guests) == 1 else 'were the chief guests'}.")
    rest = speakers[1:] if both else speakers
    if rest:
        out.append(f"{m.all(rest)} {'also ' if both else ''}addressed {ref}.")
    return " ".join(out)


def _review_en(rec: Record, m: Mentions) -> list[str]:
    units = [r.unit for r in rec.review]
    codes = {_level_code(u) for u in units}
    code = codes.pop() if len(codes) == 1 else ""
    level = units[0].level.name_en.lower() if code and units[0].level_id else "unit"
    plural = LEVEL_EN_PLURAL.get(code, level + "s")
    if len(units) == 1:
        whom = f"the workers of {_unit_en(units[0])}"
    else:
        whom = f"the workers of {len(units)} {plural} ({join([u.name_en or u.name_hi for u in units], 'en')}) one by one"
    acts = any(r.activities for r in rec.review)
    diffs = any(r.difficulties for r in rec.review)
    instr = any(r.instructions for r in rec.review)
    who = _reviewer(rec)
    subject = m(who) if who is not None else "The organisers"
    s = f"{subject} reviewed the work with {whom}"
    s += " and heard about the activities going on there." if acts else "."
    if diffs:
        s += " The difficulties the workers face were raised"
        s += " and instructions were given to solve them." if instr else "."
    elif instr:
        s += " Instructions were given."
    out = [s]
    for r in rec.review:
        name, parts = _unit_en(r.unit), []
        if r.activities:
            parts.append(f"{name} reported: {'; '.join(r.activities)}.")
        if r.difficulties:
            noun = "Difficulties raised" if len(r.difficulties) > 1 else "Difficulty raised"
            parts.append(f"{noun}{'' if r.activities else ' in ' + name}: {'; '.join(r.difficulties)}.")
        if r.instructions:
            lines = []
            for text, owner, due in r.instructions:
                tail = [f"owner: {owner}"] if owner else []
                if due:
                    with translation.override("en"):
                        tail.append(f"by {formats.date_format(due, 'DATE_FORMAT')}")
                lines.append(f"{text} ({', '.join(tail)})" if tail else text)
            noun = "Instructions" if len(lines) > 1 else "Instruction"
            where = "" if r.activities or r.difficulties else f" for {name}"
            parts.append(f"{noun}{where}: {'; '.join(lines)}.")
        out.append(" ".join(parts))
    return out


def _speech_en(item: Item, m: Mentions) -> str:
    """Quoted; a summary starting in lower case is the predicate itself ("guided the workers on …"),
    and a Hindi predicate ("ने …") follows the name after a dash."""
    out = []
    for p in (p.strip() for p in item.text.split("\n") if p.strip()):
        who = m(item.who) if not out else ""
        if p.startswith("ने "):
            out.append(_sentence(f"{who or 'Also'} — {p[3:]}", "hi"))
        elif p[:1].islower():
            out.append(_sentence(f"{who or 'They'} {p}", "en"))
        else:
            out.append(f"{who} said: “{p}”" if who else f"“{p}”")
    return "\n".join(out)


def _rest_en(rec: Record, m: Mentions) -> list[str]:
    out = []
    sessions = [i for i in rec.items if i.role == "session"]
    if sessions:
        out.append(" ".join(f"{m(i.who)} took a session on “{_bare(i.text)}”." if _bare(i.text)
                            else f"{m(i.who)} took a session." for i in sessions))
    others = [i for i in rec.items if i.role not in (*SPEECH_ROLES, "session", "stage", "thanks")]
    if others:
        out.append(" ".join(_sentence(f"{i.role_name}: {m(i.who)}" + (f" — {_bare(i.text)}" if _bare(i.text) else ""),
                                      "en") for i in others))
    stage, thanks = _unique(_role(rec, "stage")), _unique(_role(rec, "thanks"))
    if stage:
        out.append(f"The stage was conducted by {m.all(stage)}" + (
            f", and {m.all(thanks)} gave the vote of thanks." if thanks else "."))
    elif thanks:
        out.append(f"{m.all(thanks)} gave the vote of thanks.")
    return out


def _attendance_en(rec: Record) -> str:
    total = rec.members + rec.walk_ins
    if not total:
        return ""
    team = f"{' and '.join(rec.teams)} " if rec.teams else ""
    who = "office bearers and workers" if rec.leaders_came else "workers"
    many = (f"hundreds of {team}{who}" if total >= 200 else f"more than a hundred {team}{who}" if total >= 100
            else f"{_num(total)} {team}{who}" if total > 1 else "")
    out = []
    if rec.named and (len(rec.named) < rec.members or rec.walk_ins):
        out.append(f"{many[:1].upper() + many[1:] if many else 'Others'}, among them {join(rec.named, 'en')}, "
                   "attended.")
    elif rec.named:
        out.append(f"{join(rec.named, 'en')} attended.")
    elif total > 1:
        out.append(f"{many[:1].upper() + many[1:]} attended.")
    if rec.by_unit:
        codes = {_level_code(u) for u, _n in rec.by_unit}
        level = rec.by_unit[0][0].level.name_en.lower() if len(codes) == 1 and rec.by_unit[0][0].level_id else "unit"
        out.append(f"By {level}: " + ", ".join(f"{u.name_en or u.name_hi} {_num(n)}" for u, n in rec.by_unit) + ".")
    if rec.walk_ins:
        out.append(f"{_num(rec.walk_ins)} came without registering." if rec.walk_ins > 1
                   else "One person came without registering.")
    out.append(f"In all, {_num(total)} attended.")
    return " ".join(out)


def _photos_en(rec: Record) -> str:
    if not rec.photos:
        return ""
    n = len(rec.photos)
    s = "One photo is attached" if n == 1 else f"{_num(n)} photos are attached"
    captions = [_bare(c) for c in rec.photos if _bare(c)]
    return s + (": " + "; ".join(captions) if captions else "") + "."


def _english(rec: Record) -> str:
    m = Mentions("en")
    paras = [_lead_en(rec, m)]
    if rec.review:
        paras += _review_en(rec, m)
    paras += [_speech_en(i, m) for i in rec.items if i.role in SPEECH_ROLES and i.text]
    paras += _rest_en(rec, m)
    paras += [_attendance_en(rec), _photos_en(rec)]
    return "\n\n".join(p for p in paras if p)


def generate(event: Event, lang: str) -> str:
    """The report of an event in Hindi ("hi") or English ("en"), from its record alone."""
    lang = "en" if lang == "en" else "hi"
    with translation.override(lang):
        rec = record(event, lang)
        return (_english if lang == "en" else _hindi)(rec)


def headline(event: Event, lang: str) -> str:
    """The report's title: the event's title and date ("सोशल मीडिया व आईटी कार्यशाला, 19 अगस्त 2023")."""
    return f"{event.title}, {_date(event.starts_at, lang)}"


def whatsapp(event: Event, lang: str, text: str) -> str:
    """Plain text to paste into WhatsApp: the title in *bold* (WhatsApp's own marking), then the text."""
    title = headline(event, lang).replace("*", "")
    return f"*{title}*\n\n{text.strip()}\n"


# --- the saved report: draft, edit, regenerate, publish ----------------------------------------------

def saved(event: Event) -> dict[str, EventReport]:
    return {r.lang: r for r in EventReport.objects.filter(event=event)}


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise EventError(_("Language must be hi or en."), field="lang")
    return lang


def readable(person, event: Event, lang: str) -> tuple[str, str, EventReport | None]:
    """(text, state, saved row) of the report a person may read: the organisers (services.can_manage)
    read the saved draft or published text, else one generated on the fly (state "generated", nothing
    saved); everyone else who sees the event reads only a published report (404 before)."""
    from django.http import Http404

    lang = _lang(lang)
    row = EventReport.objects.filter(event=event, lang=lang).first()
    if can_manage(person, event):
        if row is not None:
            return row.text, row.status, row
        return generate(event, lang), "generated", None
    if row is None or row.status != EventReport.Status.PUBLISHED:
        raise Http404
    return row.text, row.status, row


def _check_text(text: str) -> str:
    text = clean_multiline(text or "")
    if not text:
        raise EventError(_("The report cannot be empty."), field="text")
    if len(text) > TEXT_MAX:
        raise EventError(_("The report is too long (at most {n} characters).").format(n=TEXT_MAX), field="text")
    return text


def _managed(actor, event: Event) -> Event:
    if not can_manage(actor, event):
        raise EventError(_("Only the organisers can write the event's report."), status=403)
    return event


def _row(actor, event: Event, lang: str, now: datetime) -> tuple[EventReport, bool]:
    row = EventReport.objects.select_for_update().filter(event=event, lang=lang).first()
    if row is not None:
        return row, False
    row, created = EventReport.objects.get_or_create(
        event=event, lang=lang, defaults={"text": generate(event, lang), "updated_by": actor, "updated_at": now})
    return row, created


def _directive_title(event: Event, lang: str) -> str:
    with translation.override(lang):
        return _("Report: {title}").format(title=headline(event, lang))[:authoring.TITLE_MAX]


@transaction.atomic
def save_report(actor, event: Event, lang: str, text: str | None = None, *, now: datetime | None = None) -> EventReport:
    """Save the organisers' text (``text``) or, with ``text=None``, a freshly generated one (which replaces
    any edits). Saving the same text again changes nothing. Once published, the change reaches the
    audience as a visible revision of the report's directive."""
    now = now or timezone.now()
    lang, event = _lang(lang), _managed(actor, event)
    new = generate(event, lang) if text is None else _check_text(text)
    row, created = _row(actor, event, lang, now)
    before = {"status": row.status, "edited": row.edited, "text_len": audit.length(row.text)}
    if not created and row.text == new and row.edited == (text is not None):
        return row
    row.text, row.edited, row.updated_by, row.updated_at = new, text is not None, actor, now
    row.save()
    if row.directive_id:
        d = row.directive
        try:
            authoring.edit_directive(d.author, d, title=_directive_title(event, lang), body=row.text, now=now)
        except authoring.DirectiveError as exc:
            raise EventError(str(exc), status=exc.status) from None
    audit.record(actor, "event.report.save", row, before=before,
                 after={"status": row.status, "edited": row.edited, "text_len": audit.length(row.text)})
    return row


@transaction.atomic
def publish_report(actor, event: Event, lang: str, *, now: datetime | None = None) -> EventReport:
    """Send the report down the tree: a directive without acknowledgement to the event's audience
    (the invitation's audience), its body the report's text. Publishing again is a no-op."""
    now = now or timezone.now()
    lang, event = _lang(lang), _managed(actor, event)
    e = Event.objects.select_related("audience_unit").get(pk=event.pk)
    if e.status == Event.Status.CANCELLED:
        raise EventError(_("A cancelled event has no report to publish."), status=409)
    if e.starts_at > now:
        raise EventError(_("The report can be published once the event has taken place."), status=409)
    row, _created = _row(actor, e, lang, now)
    if row.status == EventReport.Status.PUBLISHED:
        return row
    try:
        d = authoring.create_directive(actor, target_unit=e.audience_unit, title=_directive_title(e, lang),
                                       body=row.text, requires_ack=False,
                                       levels=[c for c in e.levels.split(",") if c],
                                       roles=[c for c in e.roles.split(",") if c],
                                       teams=[c for c in e.teams.split(",") if c], now=now)
        authoring.publish_directive(actor, d, now=now)
    except authoring.DirectiveError as exc:
        raise EventError(str(exc), status=exc.status) from None
    row.status, row.directive, row.published_at, row.updated_by, row.updated_at = (
        EventReport.Status.PUBLISHED, d, now, actor, now)
    row.save()
    audit.record(actor, "event.report.publish", row, after={"lang": lang, "directive": d.pk})
    return row


def detail_context(event, person, now) -> dict:
    """What the event page shows of this part (events/_report.html): for the organisers, each
    language's state and the way to the report; for the others, the published reports only."""
    rows = saved(event)
    manage = can_manage(person, event)
    langs = [{"code": code, "label": label, "row": rows.get(code)} for code, label in EventReport._meta.get_field(
        "lang").choices if manage or (rows.get(code) and rows[code].status == EventReport.Status.PUBLISHED)]
    return {"report_langs": langs, "report_manage": manage}
