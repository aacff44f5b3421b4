"""The privacy notice (the DPDP Act 2023, section 5, and its 2025 Rules): what Sampark keeps about a person,
why, for how long, who sees it, how to withdraw consent and whom to complain to, in Hindi and English.

It is data in code, versioned: a person consents to one ``NOTICE_VERSION`` (people.Consent), and a new
version asks everyone again. The text is pinned to its version (tests/test_notice.py keeps a fingerprint
of each); the durations are read from the settings and policies each time it is shown, so the notice
always states what the timed work really does.

Each item names the model fields it covers (``"app.Model.field"``): tests/test_notice.py fails when a
model gains a personal field that no item lists and no reason excuses."""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings

from sampark.people import policies

NOTICE_VERSION = "2026-11-28.4"

# Where a person sees and downloads their data, and withdraws consent (web.account.my_data).
MY_DATA_URL = "/account/data/"


@dataclass(frozen=True)
class Text:
    hi: str
    en: str

    def get(self, lang: str) -> str:
        return self.hi if lang == "hi" else self.en


@dataclass(frozen=True)
class Item:
    """One kind of personal data: what it is, how long it is kept, and the fields that hold it."""

    key: str
    what: Text
    kept: Text  # may name {inactive}, {code_hours}, {outbox_days}, {session_idle}, {session_max}
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A part of the notice that is not one kind of data: why, who sees, how to withdraw, whom to tell."""

    key: str
    title: Text
    text: Text  # may name {grace}, {inactive}, {my_data}, {contact}


AS_MEMBER = Text(
    "जब तक आप संगठन में हैं। {inactive} तक न कोई पद रहे, न आप लॉग इन करें, तो यह मिटा दिया जाता है।",
    "While you are a member. If you hold no post and do not log in for {inactive}, it is erased.")
AS_RECORD = Text(
    "संगठन के काम के रिकॉर्ड के रूप में रहता है। आपका डेटा मिटने पर इसमें से आपका नाम और नंबर हटाकर एक "
    "बदला हुआ नाम लगा दिया जाता है (गिनती वैसी ही रहती है)।",
    "Kept as the record of the organisation's work. When your data is erased, your name and number are "
    "replaced in it by a made-up name (the counts stay as they are).")

INTRO = Text(
    "संपर्क संगठन के भीतर बातचीत और काम का ऐप है। इसे चलाने के लिए यह आपके बारे में नीचे लिखी जानकारी रखता है। "
    "ध्यान से पढ़ें; सहमत हों तो नीचे का बटन दबाएँ।",
    "Sampark is the app for the organisation's communication. To run it, it keeps the information about "
    "you listed below. Please read it; if you agree, press the button at the end.")

ITEMS: tuple[Item, ...] = (
    Item("name",
         Text("आपका नाम, हिन्दी में और रोमन (अंग्रेज़ी) अक्षरों में, और खोज के लिए उससे बनी छोटी कुंजियाँ "
              "(ताकि किसी भी वर्तनी से आप मिल जाएँ)।",
              "Your name, in Hindi and in Roman (English) letters, and short search keys made from it (so "
              "that any spelling finds you)."),
         AS_MEMBER,
         ("people.Person.name_hi", "people.Person.name_en", "people.Person.search_name", "people.PersonToken.token")),
    Item("phone",
         Text("आपका मोबाइल नंबर: इसी से आप लॉग इन करते हैं और संदेश पाते हैं।",
              "Your mobile number: you log in with it and receive messages on it."),
         AS_MEMBER,
         ("people.Person.phone",)),
    Item("language",
         Text("आपकी भाषा (हिन्दी या अंग्रेज़ी), और नए निर्देश आपके फ़ोन पर कब आएँ (तुरंत, दिन में एक बार, "
              "या केवल ऐप में)।",
              "Your language (Hindi or English), and when new directives reach your phone (at once, once a "
              "day, or only in the app)."),
         AS_MEMBER,
         ("people.Person.lang", "people.Person.notify")),
    Item("posts",
         Text("आपके पद और इकाइयाँ (जैसे बूथ कार्यकर्ता, बूथ 12), कब से, पुराने पद, और आपको दूसरी जगह "
              "भेजने के अनुरोध।",
              "Your posts and units (such as booth worker, booth 12), since when, earlier posts, and requests "
              "to move you to another place."),
         AS_MEMBER,
         ("people.Post.unit_path", "people.Post.role", "people.Post.team",
          "people.TransferRequest.role", "people.TransferRequest.team")),
    Item("login_codes",
         Text("लॉग इन कोड: आपके नंबर पर भेजा गया कोड (बदले हुए रूप में रखा जाता है, पढ़ा नहीं जा सकता) और "
              "जिस नेटवर्क पते से वह माँगा गया।",
              "Log-in codes: the code sent to your number (kept scrambled, it cannot be read back) and the "
              "network address it was asked from."),
         Text("{code_hours} बाद मिटा दिए जाते हैं।", "Deleted after {code_hours}."),
         ("people.LoginCode.phone", "people.LoginCode.ip")),
    Item("sms",
         Text("आपको भेजे गए हर SMS की एक प्रति (उसमें कोड छिपा रहता है)।",
              "A copy of each SMS sent to you (with any code in it masked)."),
         Text("{outbox_days} बाद मिटा दी जाती है।", "Deleted after {outbox_days}."),
         ("core.OutboxMessage.to", "core.OutboxMessage.body")),
    Item("sessions",
         Text("लॉग इन सत्र: आपका फ़ोन या ब्राउज़र किस तरह का है, मोटे तौर पर कौन सा नेटवर्क (पूरा पता नहीं), "
              "कब लॉग इन किया और आखिरी बार कब इस्तेमाल किया।",
              "Log-in sessions: what kind of phone or browser, roughly which network (not the full address), "
              "when you logged in and when you last used it."),
         Text("{session_idle} तक इस्तेमाल न हो, या लॉग इन को {session_max} हो जाएँ, तो सत्र खत्म होकर मिट "
              "जाता है।",
              "A session ends and is deleted after {session_idle} unused, or {session_max} after the log-in."),
         ("people.PersonSession.user_agent", "people.PersonSession.ip_prefix", "people.PersonSession.session_data")),
    Item("security",
         Text("सुरक्षा: आपका दूसरा सत्यापन (ऑथेंटिकेटर ऐप, पासकी और उन्हें आपके दिए नाम) और API टोकन के नाम।",
              "Security: your second factor (authenticator app, passkeys and the names you gave them) and "
              "the names of your API tokens."),
         Text("जब तक आप या आपके नेता इन्हें हटा न दें।", "Until you or your leader remove them."),
         ("people.Passkey.label", "people.ApiToken.label")),
    Item("acknowledgements",
         Text("निर्देशों पर आपका काम: कौन सा निर्देश आपने पढ़ा या माना, कब, और आपका जवाब; ऐप में आपको भेजे "
              "गए संदेश।",
              "What you did with directives: which directive you read or acknowledged, when, and your reply; "
              "the messages sent to you in the app."),
         AS_RECORD,
         ("directives.Receipt.reply", "directives.Message.body", "directives.Message.template",
          "directives.Message.params")),
    Item("directives",
         Text("आपके लिखे निर्देश: शीर्षक, पाठ, माँगा गया काम, लगाई गई फ़ाइलें, और उनके पुराने रूप।",
              "Directives you write: title, text, the action asked for, attached files, and their earlier "
              "versions."),
         AS_RECORD,
         ("directives.Directive.title", "directives.Directive.body", "directives.Directive.required_action",
          "directives.Revision.title", "directives.Revision.body", "directives.Attachment.name",
          "directives.Attachment.file")),
    Item("reports",
         Text("आपकी भेजी रिपोर्ट (जैसे बैठक में कितने लोग आए), उनमें किए सुधार और उनका कारण, और रिपोर्ट "
              "के फ़ोटो।",
              "Reports you send (such as how many came to a meeting), corrections to them with the reason, "
              "and the reports' photos."),
         AS_RECORD,
         ("reports.Report.values", "reports.ReportRevision.values", "reports.ReportRevision.reason",
          "reports.ReportPhoto.file")),
    Item("difficulties",
         Text("आपकी बताई कठिनाइयाँ: आपका लिखा, लिंक, फ़ोटो, मिला जवाब और आगे की बातचीत।",
              "Difficulties you raise: what you wrote, a link, a photo, the answer and what followed."),
         AS_RECORD,
         ("difficulties.Difficulty.text", "difficulties.Difficulty.link", "difficulties.Difficulty.photo",
          "difficulties.Difficulty.answer", "difficulties.DifficultyEvent.text")),
    Item("reviews",
         Text("समीक्षा में आपकी लिखी टिप्पणियाँ, और वे काम जो आपको दिए गए या आपने दिए।",
              "Notes you write in reviews, and tasks given to you or by you."),
         AS_RECORD,
         ("difficulties.ReviewNote.text", "difficulties.ActionItem.text")),
    Item("events",
         Text("कार्यक्रमों और बैठकों में आपकी भागीदारी: निमंत्रण पर आपका जवाब (आएँगे, शायद, नहीं), किस "
              "कार्यक्रम में आपकी उपस्थिति कब और किस तरह दर्ज हुई, कार्यक्रम में आपकी भूमिका (जैसे अध्यक्षता, "
              "संबोधन और आपने जो कहा उसका छोटा सार), और आपके बनाए कार्यक्रम, समीक्षा में लिखी बातें, फ़ोटो और "
              "रिपोर्ट। अतिथि जो सदस्य नहीं हैं, उनका केवल नाम और सार्वजनिक पद रखा जाता है।",
              "Your part in events and meetings: your answers to invitations (coming, maybe, not coming), at "
              "which events you were checked in, when and how, your roles in programmes (such as presiding, or "
              "an address with a short summary of what you said), and the events you created, the review "
              "entries, photos and reports you wrote. Of guests who are not members only the name and public "
              "title are kept."),
         AS_RECORD,
         ("events.Rsvp.answer", "events.Checkin.method", "events.ProgrammeItem.text",
          "events.ProgrammeItem.guest_name", "events.ProgrammeItem.guest_title", "events.Event.title",
          "events.Event.description", "events.Event.venue", "events.ReviewEntry.text", "events.EventPhoto.caption",
          "events.EventPhoto.file", "events.EventReport.text")),
    Item("network",
         Text("सोशल मीडिया पर आपके अपने हैंडल, जो आप खुद दर्ज करते हैं (या आपके नेता फ़ाइल से): मंच (जैसे X, "
              "फ़ेसबुक), हैंडल और लिंक, किस इकाई में गिना जाए, और तारीख के साथ आपके फ़ॉलोअर या सदस्यों की "
              "गिनती। संपर्क किसी मंच से कुछ नहीं पढ़ता, न पोस्ट करता है, न किसी को फ़ॉलो करता है।",
              "Your own social media handles, which you enter yourself (or your leaders import from a file): "
              "the platform (such as X, Facebook), the handle and link, the unit it counts under, and dated "
              "counts of your followers or members. Sampark reads nothing from a platform, posts nothing and "
              "follows no one."),
         Text("जब तक आप इन्हें हटा न दें। आपका डेटा मिटने पर हैंडल और उनकी गिनती भी मिट जाती है, और कुल "
              "संख्याओं से घट जाती है।",
              "Until you remove them. When your data is erased, the handles and their counts are deleted too "
              "and leave the totals."),
         ("network.Handle.handle", "network.Handle.url")),
    Item("log",
         Text("बदलावों और लॉग इन का लेखा: किसने (नाम नहीं, एक संख्या) क्या और कब किया, और लॉग इन का "
              "नेटवर्क पता।",
              "A log of changes and log-ins: who (by a number, not a name) did what and when, and the network "
              "address of log-ins."),
         AS_RECORD,
         ("core.AuditEntry.ip",)),
    Item("phone_reveals",
         Text("फ़ोन नंबर दिखाने का लेखा: आपने किसका पूरा नंबर कब देखा, और आपका नंबर कब दिखाया गया।",
              "A log of phone numbers shown: whose full number you revealed and when, and when yours was "
              "revealed."),
         AS_RECORD,
         ("people.PhoneReveal.kind",)),
    Item("erasure",
         Text("आपके डेटा मिटाने या सहमति वापस लेने के अनुरोध, वे कब लागू होंगे, और आपके नाम की जगह लगने "
              "वाला बदला हुआ नाम।",
              "Your requests to erase your data or to withdraw consent, when they take effect, and the "
              "made-up name that replaces yours."),
         Text("संगठन के रिकॉर्ड के साथ (उसमें केवल बदला हुआ नाम रहता है)।",
              "With the organisation's record (it holds only the made-up name)."),
         ("people.ErasureRequest.reason", "people.ErasureRequest.pseudonym")),
    Item("consent",
         Text("इस सूचना पर आपकी सहमति: कौन सा संस्करण और कब।",
              "Your consent to this notice: which version, and when."),
         Text("जब तक आपका डेटा रखा जाता है।", "As long as your data is kept."),
         ("people.Consent.notice_version",)),
)

SECTIONS: tuple[Section, ...] = (
    Section("why",
            Text("यह क्यों रखा जाता है", "Why it is kept"),
            Text("केवल संगठन का आपसी संपर्क चलाने के लिए: आपको निर्देश और संदेश भेजना, आपकी रिपोर्ट और "
                 "कठिनाइयाँ ऊपर तक पहुँचाना, और यह जानना कि किस इकाई में कौन काम करता है। यह बेचा नहीं "
                 "जाता। संदेश पहुँचाने वाली SMS या WhatsApp सेवा को केवल आपका नंबर और संदेश मिलता है।",
                 "Only to run the organisation's communication: to send you directives and messages, to "
                 "carry your reports and difficulties up, and to know who works in which unit. It is not "
                 "sold. The SMS or WhatsApp service that delivers messages gets only your number and the "
                 "message.")),
    Section("who",
            Text("इसे कौन देखता है", "Who sees it"),
            Text("आपकी इकाइयों के ऊपर की कड़ी के नेता (जैसे आपके शक्ति केंद्र, मंडल, विधानसभा, ज़िले और "
                 "प्रदेश के) और आपकी अपनी इकाई के साथी आपका नाम, पद और काम देखते हैं। आपका पूरा मोबाइल नंबर "
                 "केवल ऊपर के नेता देखते हैं; बाकी जगह वह छिपा दिखता है (जैसे +91 98XXX XX123)। दूसरी "
                 "इकाइयों और ज़िलों के लोग आपको नहीं देखते।",
                 "The leaders above you in the chain of your units (such as those of your shakti kendra, "
                 "mandal, assembly, district and state) and the people of your own unit see your name, posts "
                 "and work. Only those leaders see your full mobile number; elsewhere it shows masked (like "
                 "+91 98XXX XX123). People of other units and districts do not see you.")),
    Section("withdraw",
            Text("अपना डेटा देखना, ठीक कराना, सहमति वापस लेना", "See your data, correct it, withdraw consent"),
            Text("“मेरा डेटा” पन्ने ({my_data}) पर आप अपना सारा डेटा देख और डाउनलोड कर सकते हैं, और सहमति "
                 "वापस लेकर अपना डेटा मिटवा सकते हैं। मिटाना {grace} बाद लागू होता है (आपके संयोजक पुष्टि कर "
                 "दें तो पहले)। सहमति वापस लेने के बाद आप संपर्क का इस्तेमाल नहीं कर पाएँगे। कोई गलती हो "
                 "तो अपने संयोजक से ठीक कराएँ; अपना नाम और भाषा आप खुद भी बदल सकते हैं।",
                 "On the “My data” page ({my_data}) you can see and download all your data, and withdraw "
                 "your consent to have your data erased. Erasure takes effect after {grace} (sooner if your "
                 "coordinator confirms it). After withdrawing consent you cannot use Sampark. If something is "
                 "wrong, ask your coordinator to correct it; you can change your own name and language "
                 "yourself.")),
    Section("complain",
            Text("शिकायत किससे करें", "Whom to complain to"),
            Text("{contact} वहाँ से संतोषजनक जवाब न मिले तो आप भारत के डेटा संरक्षण बोर्ड (Data Protection "
                 "Board of India) से शिकायत कर सकते हैं।",
                 "{contact} If you are not satisfied with the answer, you can complain to the Data Protection "
                 "Board of India.")),
)

# Shown when SAMPARK_GRIEVANCE_CONTACT is not set.
DEFAULT_CONTACT = Text(
    "अपने ज़िला संयोजक से कहें; वे इसे संगठन के शिकायत अधिकारी तक पहुँचाएँगे।",
    "Tell your district coordinator; they pass it to the organisation's grievance officer.")


def covered_fields() -> set[str]:
    return {f for item in ITEMS for f in item.fields}


def fingerprint() -> str:
    """A hash of the notice's text and coverage: a change to either needs a new NOTICE_VERSION."""
    data = [INTRO.hi, INTRO.en, DEFAULT_CONTACT.hi, DEFAULT_CONTACT.en,
            [(i.key, i.what.hi, i.what.en, i.kept.hi, i.kept.en, list(i.fields)) for i in ITEMS],
            [(s.key, s.title.hi, s.title.en, s.text.hi, s.text.en) for s in SECTIONS]]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


# --- durations, in words ----------------------------------------------------------------------------

_UNITS = {  # (one, many) per language
    "day": {"hi": ("दिन", "दिन"), "en": ("day", "days")},
    "hour": {"hi": ("घंटा", "घंटे"), "en": ("hour", "hours")},
    "minute": {"hi": ("मिनट", "मिनट"), "en": ("minute", "minutes")},
}


def _count(n: int, unit: str, lang: str) -> str:
    one, many = _UNITS[unit]["hi" if lang == "hi" else "en"]
    return f"{n:,} {one if n == 1 else many}"


def duration(minutes: int, lang: str) -> str:
    """7 days, 24 hours, 90 minutes: the largest whole unit (but 24 hours rather than 1 day)."""
    if minutes % (24 * 60) == 0 and minutes > 24 * 60:
        return _count(minutes // (24 * 60), "day", lang)
    if minutes % 60 == 0:
        return _count(minutes // 60, "hour", lang)
    return _count(minutes, "minute", lang)


def durations(lang: str) -> dict[str, str]:
    """The retention periods as they are now (settings and policies), in words."""
    return {
        "code_hours": duration(settings.SAMPARK_RETAIN_LOGIN_CODES_HOURS * 60, lang),
        "outbox_days": duration(settings.SAMPARK_RETAIN_OUTBOX_DAYS * 24 * 60, lang),
        "session_idle": duration(settings.SAMPARK_SESSION_IDLE_MINUTES, lang),
        "session_max": duration(settings.SAMPARK_SESSION_MAX_DAYS * 24 * 60, lang),
        "grace": duration(policies.erasure_grace_days() * 24 * 60, lang),
        "inactive": duration(policies.inactive_erase_days() * 24 * 60, lang),
    }


def grievance_contact(lang: str) -> str:
    return settings.SAMPARK_GRIEVANCE_CONTACT or DEFAULT_CONTACT.get(lang)


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def rendered(lang: str) -> dict:
    """The notice in one language, durations and contact filled in: what the page and the API show."""
    values = {**durations(lang), "my_data": MY_DATA_URL, "contact": grievance_contact(lang)}
    items = [{"key": i.key, "what": i.what.get(lang), "kept": _fill(i.kept.get(lang), values)} for i in ITEMS]
    groups: dict[str, list[dict]] = {}  # the items kept alike, so the page says each duration once
    for item in items:
        groups.setdefault(item["kept"], []).append(item)
    return {
        "version": NOTICE_VERSION,
        "lang": "hi" if lang == "hi" else "en",
        "intro": INTRO.get(lang),
        "items": items,
        "groups": [{"kept": kept, "items": members} for kept, members in groups.items()],
        "sections": [{"key": s.key, "title": s.title.get(lang), "text": _fill(s.text.get(lang), values)}
                     for s in SECTIONS],
    }
