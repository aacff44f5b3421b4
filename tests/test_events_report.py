"""The report written afterwards from the event's record (issue 15, "Done when"): the press note's
workshop produces a Hindi report carrying every fact of the note; a different event (a two-day district
training with a chief guest, no review, few attendees) produces its own correct report with nothing of
the note; the organisers edit and publish it (one directive without acknowledgement reaching the
audience), export it as a PDF with Hindi text and photos and as WhatsApp text; Gaya sees none of
Patna's; a worker cannot edit."""

import re
import shutil
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.directives import selectors as directive_selectors
from sampark.directives.models import Directive
from sampark.events import report
from sampark.events import services as event_services
from sampark.events.models import EventReport
from sampark.people.models import Role, Team
from sampark.people.services import add_post, create_person
from tests import events_fixtures as fx

# Every fact of the press note, as the generated Hindi report must carry it.
PRESS_NOTE_FACTS = [
    # what, where, when, by whom
    "एक दिवसीय सोशल मीडिया व आईटी कार्यशाला",
    "भाजपा प्रदेश कार्यालय में",
    "19 अगस्त 2023 को",
    "बिहार प्रदेश द्वारा",
    # who presided and addressed, each with their title (the first mention) and all "also addressed"
    "कार्यशाला की अध्यक्षता भाजपा के राष्ट्रीय महासचिव व बिहार प्रभारी विनोद तावड़े ने की।",
    "विनोद तावड़े ने कार्यशाला को संबोधित किया।",
    "संगठन महामंत्री भीखूभाई दलसानिया, बिहार प्रदेश सोशल मीडिया प्रभारी राजेश वर्मा और प्रदेश प्रमुख मनन कृष्ण "
    "ने भी कार्यशाला को संबोधित किया।",
    # the district-by-district dialogue: activities, difficulties, instructions
    "4 ज़िलों (पटना, गया, मुज़फ़्फ़रपुर और भागलपुर) के कार्यकर्ताओं से एक-एक कर संवाद किया",
    "गतिविधियों के बारे में जानकारी ली",
    "कार्यकर्ताओं के समक्ष आ रही कठिनाइयों के बारे में भी पूछा तथा उनके समाधान के लिए आवश्यक निर्देश दिए।",
    "पटना ज़िले के कार्यकर्ताओं ने अपनी गतिविधियों की जानकारी दी: हर मंडल में सोशल मीडिया टोली बन चुकी है; "
    "हर दिन पार्टी की तीन पोस्ट बूथ तक पहुँच रही हैं।",
    "उन्होंने यह कठिनाई बताई: बूथ स्तर पर स्मार्टफोन वाले कार्यकर्ता कम हैं।",
    "इस पर यह निर्देश दिया गया: हर बूथ पर स्मार्टफोन वाला कम से कम एक कार्यकर्ता जोड़ें "
    "(जिम्मेदारी: रविशंकर सिंह; 3 सितंबर 2023 तक)।",
    "उन्होंने ये कठिनाइयाँ बताईं: ग्रामीण इलाकों में इंटरनेट कमजोर है; समूहों में गलत सूचनाएँ फैलती हैं।",
    "इस पर ये निर्देश दिए गए: कमजोर नेटवर्क वाले बूथों की सूची प्रदेश कार्यालय को भेजें "
    "(जिम्मेदारी: अमल अवस्थी; 26 अगस्त 2023 तक); गलत सूचना का खंडन उसी दिन समूह में करें "
    "(जिम्मेदारी: अमल अवस्थी; 22 अगस्त 2023 तक)।",
    "मुज़फ़्फ़रपुर ज़िले के लिए यह निर्देश दिया गया: जवाबी पोस्ट की साप्ताहिक रिपोर्ट प्रदेश को भेजें "
    "(जिम्मेदारी: नवीन कुमार; 26 अगस्त 2023 तक)।",
    "भागलपुर ज़िले के कार्यकर्ताओं ने यह कठिनाई बताई: नए कार्यकर्ताओं को प्रशिक्षण नहीं मिला है।",
    "(जिम्मेदारी: आशुतोष मिश्र; 18 सितंबर 2023 तक)",
    # the key sentences of the addresses
    "विनोद तावड़े ने कहा कि सोशल मीडिया आज हर राजनीतिक दल की जरूरत बन चुकी है और 2024 के चुनाव में इसकी "
    "काफी अहम भूमिका होगी।",
    "भारतीय राजनीति में सोशल मीडिया क्रांति का सूत्रपात करने वाला यदि कोई दल है तो वह भाजपा है।",
    "निस्वार्थ भाव से पार्टी की सेवा करने वाले युवाओं के सहयोग से ही आज पार्टी इस मुकाम तक पहुंची है।",
    "उन्होंने कहा कि प्रधानमंत्री मोदी जी भी कह चुके हैं कि आगामी चुनावों में सोशल मीडिया की भूमिका सबसे अहम",
    "सोशल मीडिया पर हमें अपने नेटवर्क को और बढ़ाना होगा, हमारे संचार तंत्र को और सशक्त करना होगा।",
    "सूचनाओं का प्रवाह ऊपर से नीचे और नीचे से ऊपर",
    "उन्होंने कहा कि हमारे कंधों पर सोशल मीडिया पर चल रहे विपक्षी नैरेटिव को ध्वस्त करने की भी जिम्मेदारी है।",
    "भीखूभाई दलसानिया ने ज़िला संयोजकों को अपने-अपने ज़िलों में संगठन को मजबूत करने के निर्देश दिए।",
    "राजेश वर्मा ने सोशल मीडिया के महत्व पर कार्यकर्ताओं का मार्गदर्शन किया।",
    "मनन कृष्ण ने सभी को सोशल मीडिया के समुचित उपयोग व नैरेटिव निर्माण की जानकारी दी।",
    # stage and thanks
    "कार्यक्रम का मंच संचालन गया ज़िला सोशल मीडिया संयोजक रितेश रंजन ने तथा धन्यवाद ज्ञापन शुभम राज सिंह ने किया।",
    # the named attendees and the hundreds, with the numbers by district
    "इस अवसर पर रविशंकर सिंह, अमल अवस्थी, नवीन कुमार, आशुतोष मिश्र और विकास मेहता समेत सोशल मीडिया व आईटी के "
    "सैकड़ों पदाधिकारी व कार्यकर्ता उपस्थित रहे।",
    "ज़िलेवार उपस्थिति: पटना 97, गया 73, मुज़फ़्फ़रपुर 58, भागलपुर 44, दरभंगा 30।",
    "25 लोग बिना पंजीकरण के पहुँचे।",
    "कुल उपस्थिति 328 रही।",
    # photos
    "कार्यक्रम की 2 तस्वीरें संलग्न हैं: प्रदेश कार्यालय में कार्यशाला; ज़िलेवार संवाद।",
]


def tidy(text: str) -> list[str]:
    """What a generated text must never hold: empty names, stray marks, untranslated words."""
    bad = ["None", "()", "( ", " )", "  ", " ,", " ।", ",,", "..", "।।", ": ;", "“”"]
    return [b for b in bad if b in text] + re.findall(r"(?<!\S)ने ने(?!\S)", text)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def workshop(world, media):
    return fx.press_note_workshop(world)


def test_the_press_note_workshop_carries_every_fact_of_the_note(workshop):
    text = report.generate(workshop, "hi")
    missing = [f for f in PRESS_NOTE_FACTS if f not in text]
    assert not missing, "\n".join(missing) + "\n\n" + text
    assert not tidy(text), tidy(text)
    # Titles on first mention only; every paragraph ends a sentence; nothing in English leaks in.
    assert text.count("संगठन महामंत्री") == 1 and text.count("भाजपा के राष्ट्रीय महासचिव") == 1
    assert all(p.rstrip().endswith("।") for p in text.split("\n") if p.strip())
    assert not re.search(r"[A-Za-z]", text.replace("IT", "")), text
    # The hundreds of workers are counted, never listed.
    assert "कार्यकर्ता patna" not in text


def test_a_title_that_says_one_day_is_not_said_twice(workshop):
    workshop.title = "एक दिवसीय सोशल मीडिया एवं आईटी कार्यशाला"
    workshop.save(update_fields=["title"])
    text = report.generate(workshop, "hi")
    assert "एक दिवसीय सोशल मीडिया एवं आईटी कार्यशाला" in text and "एक दिवसीय एक दिवसीय" not in text, text


def test_the_english_report_of_the_workshop(workshop):
    text = report.generate(workshop, "en")
    for fact in ["On 19 Aug 2023, Bihar State held a one-day workshop, “सोशल मीडिया व आईटी कार्यशाला”, "
                 "at भाजपा प्रदेश कार्यालय.",
                 "विनोद तावड़े (भाजपा के राष्ट्रीय महासचिव व बिहार प्रभारी) presided over the workshop and addressed it.",
                 "Rajesh Verma (Social media in-charge, Bihar State) and Manan Krishna (प्रदेश प्रमुख) also addressed",
                 "the workers of 4 districts (Patna, Gaya, Muzaffarpur and Bhagalpur) one by one",
                 "(owner: Ravishankar Singh, by 3 Sep 2023)",
                 "The stage was conducted by Ritesh Ranjan (Social media coordinator, Gaya District), and "
                 "शुभम राज सिंह gave the vote of thanks.",
                 "Hundreds of Social media and IT office bearers and workers, among them Ravishankar Singh, "
                 "Amal Awasthi, Naveen Kumar, Ashutosh Mishra and Vikas Mehta, attended.",
                 "By district: Patna 97, Gaya 73, Muzaffarpur 58, Bhagalpur 44, Darbhanga 30.",
                 "In all, 328 attended.", "2 photos are attached"]:
        assert fact in text, fact + "\n\n" + text
    assert not tidy(text), tidy(text)


def district_training(world, *, attendees: int = 3):
    """A different event: a two-day training in Patna, a chief guest and a session, no review, no
    stage, no photos, a few workers."""
    tz = timezone.get_current_timezone()
    start = timezone.datetime(2026, 3, 7, 10, 0, tzinfo=tz)
    event, _ = event_services.create_event(
        world.patna_coord, unit=world.patna, title="Booth Digital Training", kind="training", starts_at=start,
        ends_at=start + timedelta(days=1, hours=6), venue="Town Hall, Bankipur", publish=False,
        now=start - timedelta(days=3))
    trainer = create_person(None, phone="+918300000001", name_hi="सीमा देवी", name_en="Seema Devi")
    add_post(None, person=trainer, unit=world.patna_ac, role=Role.HEAD, team=Team.IT)
    fx.programme(event,
                 ("chief_guest", None, "Dr. Anil Sharma", "Vice-chancellor, Patna University", ""),
                 ("session", trainer, "", "", "Using the Sampark app to report from the booth"),
                 ("thanks", world.patna_coord, "", "", ""))
    people = []
    for n, (hi, en) in enumerate([("राहुल", "Rahul"), ("प्रिया", "Priya"), ("अजय", "Ajay")][:attendees]):
        p = create_person(None, phone=f"+91830000010{n}", name_hi=hi, name_en=en)
        add_post(None, person=p, unit=world.patna_booth, role=Role.WORKER, team=Team.SOCIAL_MEDIA)
        people.append(p)
    fx.check_in(event, world.patna_coord, people, start)
    return event


NOTE_WORDS = ["Tawde", "तावड़े", "Dalsania", "दलसानिया", "कार्यशाला", "workshop", "Hundreds", "सैकड़ों", "review",
              "संवाद", "stage", "मंच", "photo", "तस्वीर", "प्रदेश कार्यालय", "2024", "नैरेटिव", "समेत", "among them",
              "without registering", "पंजीकरण", "ज़िलेवार", "By district"]


def test_a_different_event_makes_its_own_report(world):
    event = district_training(world)
    en = report.generate(event, "en")
    for fact in ["two-day training, “Booth Digital Training”", "Dr. Anil Sharma (Vice-chancellor, Patna University) "
                 "was the chief guest.", "Seema Devi", "took a session on “Using the Sampark app",
                 "gave the vote of thanks", "Rahul, Priya and Ajay attended.", "In all, 3 attended."]:
        assert fact in en, fact + "\n\n" + en
    hi = report.generate(event, "hi")
    for fact in ["7 मार्च 2026 से 8 मार्च 2026 तक Town Hall, Bankipur में पटना ज़िला द्वारा “Booth Digital Training” "
                 "विषय पर दो दिवसीय प्रशिक्षण का आयोजन किया गया।",
                 "मुख्य अतिथि के रूप में Vice-chancellor, Patna University Dr. Anil Sharma की उपस्थिति रही।",
                 "ने “Using the Sampark app to report from the booth” विषय पर प्रशिक्षण सत्र लिया।",
                 "धन्यवाद ज्ञापन पटना ज़िला सोशल मीडिया संयोजक मनन कृष्ण ने किया।",
                 "इस अवसर पर राहुल, प्रिया और अजय उपस्थित रहे।", "कुल उपस्थिति 3 रही।"]:
        assert fact in hi, fact + "\n\n" + hi
    for text in (en, hi):
        assert not tidy(text), tidy(text)
        leaked = [w for w in NOTE_WORDS if w in text]
        assert not leaked, leaked
    # Nothing recorded but the event itself: the report is its one sentence.
    bare, _ = event_services.create_event(world.patna_coord, unit=world.patna, title="बूथ बैठक", kind="meeting",
                                          starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1),
                                          publish=False, now=event.starts_at)
    assert report.generate(bare, "hi") == "7 मार्च 2026 को पटना ज़िला द्वारा बूथ बैठक का आयोजन किया गया।"
    assert report.generate(bare, "en") == "On 7 Mar 2026, Patna District held a meeting, “बूथ बैठक”."


def test_one_attendee_and_one_walk_in_read_right(world):
    from sampark.events.models import Checkin

    event = district_training(world, attendees=1)
    Checkin.objects.create(id=uuid.uuid4(), event=event, walk_ins=1, method=Checkin.Method.WALK_IN,
                           checked_in_by=world.patna_coord, at=event.starts_at)
    hi = report.generate(event, "hi")
    assert "इस अवसर पर राहुल समेत अन्य लोग उपस्थित रहे। " not in hi
    assert "इस अवसर पर राहुल समेत 2 कार्यकर्ता उपस्थित रहे।" in hi, hi
    assert "एक व्यक्ति बिना पंजीकरण के पहुँचा।" in hi and "कुल उपस्थिति 2 रही।" in hi
    en = report.generate(event, "en")
    assert "2 workers, among them Rahul, attended." in en and "One person came without registering." in en


def test_organisers_edit_then_publish_once_to_the_audience(client, world, workshop, login_as, api_as):
    url = f"/events/{workshop.pk}/report/"
    # Before publishing, the audience has nothing to read.
    assert client.get(f"/api/v1/events/{workshop.pk}/report", **api_as(world.patna_worker)).status_code == 404
    c = login_as(world.state_admin)
    page = c.get(url)
    assert page.status_code == 200 and "विनोद तावड़े" in page.content.decode()
    assert not EventReport.objects.exists()  # looking saves nothing
    detail = c.get(f"/events/{workshop.pk}/").content.decode()
    assert f"/events/{workshop.pk}/report/?lang=en" in detail and "रिकॉर्ड से बनती है" in detail
    edited = report.generate(workshop, "hi") + "\n\nइस प्रेस विज्ञप्ति को सभी ज़िले साझा करें।"
    r = c.post(url, {"lang": "hi", "op": "save", "text": edited})
    assert r.status_code == 302
    row = EventReport.objects.get()
    assert row.edited and row.status == "draft" and row.text.endswith("साझा करें।")
    # An empty text is refused in Hindi, and what was typed stays.
    r = c.post(url, {"lang": "hi", "op": "save", "text": "   "})
    assert r.status_code == 400 and "रिपोर्ट खाली नहीं हो सकती" in r.content.decode()
    assert EventReport.objects.get().text == row.text
    before = Directive.objects.count()
    for _ in range(2):  # a second press is a no-op
        assert c.post(url, {"lang": "hi", "op": "publish"}).status_code == 302
    assert Directive.objects.count() == before + 1
    row.refresh_from_db()
    d = row.directive
    assert row.status == "published" and not d.requires_ack and d.status == "published"
    assert d.body == row.text and "सोशल मीडिया व आईटी कार्यशाला" in d.title
    # It reaches the audience (Bihar's social-media and IT people), not another state.
    assert d.pk in [x.pk for x in directive_selectors.inbox(world.patna_worker)]
    assert d.pk in [x.pk for x in directive_selectors.inbox(world.gaya_worker)]
    assert d.pk not in [x.pk for x in directive_selectors.inbox(world.up_coord)]
    got = client.get(f"/api/v1/events/{workshop.pk}/report?lang=hi", **api_as(world.patna_worker))
    assert got.status_code == 200 and got.json()["text"] == row.text and got.json()["state"] == "published"
    # The English one is not published: the audience does not see it; the organisers see it generated.
    assert client.get(f"/api/v1/events/{workshop.pk}/report?lang=en", **api_as(world.patna_worker)).status_code == 404
    en = client.get(f"/api/v1/events/{workshop.pk}/report?lang=en", **api_as(world.state_admin)).json()
    assert en["state"] == "generated" and "presided over the workshop" in en["text"]
    # A correction after publishing reaches the audience as a new revision of the same directive.
    r = client.put(f"/api/v1/events/{workshop.pk}/report?lang=hi", {"text": row.text + " धन्यवाद।"},
                   content_type="application/json", **api_as(world.state_admin))
    assert r.status_code == 200 and r.json()["text"].endswith("धन्यवाद।")
    d.refresh_from_db()
    assert d.body.endswith("धन्यवाद।") and d.revision == 2 and Directive.objects.count() == before + 1
    # The event page shows the published report to the audience.
    w = login_as(world.patna_worker)
    assert f"/events/{workshop.pk}/report/?lang=hi" in w.get(f"/events/{workshop.pk}/").content.decode()
    shown = w.get(url + "?lang=hi").content.decode()
    assert "धन्यवाद।" in shown and 'name="text"' not in shown and "op" not in re.findall(r'name="(\w+)"', shown)


def test_a_worker_cannot_edit_or_publish(client, world, workshop, login_as, api_as):
    h = api_as(world.patna_worker) | {"HTTP_ACCEPT_LANGUAGE": "hi"}
    r = client.put(f"/api/v1/events/{workshop.pk}/report", {"text": "x"}, content_type="application/json", **h)
    assert r.status_code == 403 and "आयोजक" in r.json()["detail"]
    assert client.post(f"/api/v1/events/{workshop.pk}/report/publish", **h).status_code == 403
    w = login_as(world.patna_worker)
    assert w.post(f"/events/{workshop.pk}/report/", {"op": "publish", "lang": "hi"}).status_code == 403
    assert w.post(f"/events/{workshop.pk}/report/", {"op": "save", "text": "x"}).status_code == 403
    assert not EventReport.objects.exists()
    r = client.get(f"/api/v1/events/{workshop.pk}/report?lang=fr", **api_as(world.state_admin))
    assert r.status_code == 422 and "lang" in r.json()["errors"]


def test_regenerate_replaces_the_edits(client, world, workshop, api_as):
    h = api_as(world.state_admin)
    client.put(f"/api/v1/events/{workshop.pk}/report?lang=en", {"text": "Hand-written."},
               content_type="application/json", **h)
    assert EventReport.objects.get(lang="en").edited
    r = client.post(f"/api/v1/events/{workshop.pk}/report/regenerate?lang=en", **h)
    assert r.status_code == 200 and r.json()["text"] == report.generate(workshop, "en") and not r.json()["edited"]


def pdf_text(content: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext (Debian poppler-utils) reads the PDFs"
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", out)


def test_pdf_has_the_hindi_text_and_the_photos(world, workshop, login_as, tmp_path):
    c = login_as(world.state_admin)
    r = c.get(f"/events/{workshop.pk}/report.pdf?lang=hi")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    # pdftotext misplaces some vowel signs (the PDF shows them right), so words it reads cleanly:
    for word in ("पटना", "बिहार", "2024", "328", "97"):
        assert word in text, word
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(r.content)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert len([line for line in images.splitlines()[2:] if line.strip()]) == 2


def test_whatsapp_text_is_plain_with_a_bold_title(world, workshop, login_as):
    c = login_as(world.state_admin)
    r = c.get(f"/events/{workshop.pk}/report.txt?lang=hi")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    body = r.content.decode()
    assert body.startswith("*सोशल मीडिया व आईटी कार्यशाला, 19 अगस्त 2023*\n\n")
    assert "<" not in body and "&" not in body and "विनोद तावड़े ने कहा कि" in body
    d = c.get(f"/events/{workshop.pk}/report.txt?lang=en&download=1")
    assert d["Content-Disposition"].startswith("attachment") and d.content.decode().startswith("*")


def test_gaya_sees_nothing_of_patnas_report(client, world, login_as, api_as):
    event = district_training(world)
    report.publish_report(world.patna_coord, event, "hi")
    for person in (world.gaya_coord, world.gaya_worker):
        assert client.get(f"/api/v1/events/{event.pk}/report", **api_as(person)).status_code == 404
        c = login_as(person)
        for suffix in ("report/", "report.pdf", "report.txt"):
            assert c.get(f"/events/{event.pk}/{suffix}").status_code == 404
        assert c.post(f"/events/{event.pk}/report/", {"op": "publish"}).status_code == 404
    # Patna's worker is in the audience and reads it.
    assert client.get(f"/api/v1/events/{event.pk}/report", **api_as(world.patna_worker)).status_code == 200


def test_a_cancelled_or_future_event_publishes_no_report(world):
    start = timezone.now() + timedelta(days=2)
    event, _ = event_services.create_event(world.patna_coord, unit=world.patna, title="बूथ बैठक", kind="meeting",
                                           starts_at=start, ends_at=start + timedelta(hours=1))
    with pytest.raises(event_services.EventError) as exc:
        report.publish_report(world.patna_coord, event, "hi")
    assert exc.value.status == 409
    event_services.cancel_event(world.patna_coord, event)
    with pytest.raises(event_services.EventError):
        report.publish_report(world.patna_coord, event, "hi")
    assert not EventReport.objects.filter(status="published").exists()



def test_a_reader_gets_the_language_that_is_published(world, login_as):
    event = district_training(world)
    report.publish_report(world.patna_coord, event, "en")
    w = login_as(world.patna_worker)  # reads in Hindi; only the English report is published
    page = w.get(f"/events/{event.pk}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rahul, Priya and Ajay attended." in html and "*Booth Digital Training, 7 Mar 2026*" in html
    assert w.get(f"/events/{event.pk}/report/?lang=hi").status_code == 404


def test_the_report_reads_a_fixed_number_of_queries(workshop, django_assert_max_num_queries):
    """Hundreds of attendees, four districts, seven programme items: the same few queries."""
    with django_assert_max_num_queries(10):
        report.generate(workshop, "hi")


def test_a_review_without_a_chair_is_told_in_the_passive(world):
    event = district_training(world)
    fx.review(event, world.patna_coord, world.patna_ac, "difficulty", "बूथ समितियाँ अधूरी हैं।")
    hi = report.generate(event, "hi")
    assert ("इस अवसर पर बाँकीपुर विधानसभा के कार्यकर्ताओं से संवाद किया गया। कार्यकर्ताओं के समक्ष आ रही "
            "कठिनाइयाँ सुनी गईं।") in hi, hi
    assert "बाँकीपुर विधानसभा के कार्यकर्ताओं ने यह कठिनाई बताई: बूथ समितियाँ अधूरी हैं।" in hi
    assert "Anil Sharma reviewed" not in report.generate(event, "en")
    assert not tidy(hi)
