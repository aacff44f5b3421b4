"""The demo organisation's report types. They are data: an organisation edits or adds its own."""

from django.db import migrations

PLATFORMS = [
    {"value": "facebook", "hi": "फ़ेसबुक", "en": "Facebook"},
    {"value": "x", "hi": "एक्स (ट्विटर)", "en": "X (Twitter)"},
    {"value": "whatsapp", "hi": "व्हाट्सऐप", "en": "WhatsApp"},
    {"value": "instagram", "hi": "इंस्टाग्राम", "en": "Instagram"},
    {"value": "youtube", "hi": "यूट्यूब", "en": "YouTube"},
]

# (code, name_hi, name_en, level codes or [], fields)
# field: (code, label_hi, label_en, kind, required, extra)
TYPES = [
    ("meeting", "बैठक", "Meeting held", [], [
        ("attendance", "उपस्थिति", "Attendance", "number", True, {"min_value": 0, "max_value": 100000, "slot": 1}),
        ("topic", "विषय", "Topic", "text", False, {}),
        ("photo", "फ़ोटो", "Photo", "photo", False, {}),
    ]),
    ("social_post", "सोशल मीडिया पोस्ट", "Social media posts", [], [
        ("posts", "पोस्ट की संख्या", "Posts made", "number", True, {"min_value": 0, "max_value": 10000, "slot": 1}),
        ("reach", "पहुँच", "Reach", "number", False, {"min_value": 0, "max_value": 1000000000, "slot": 2}),
        ("platform", "प्लेटफ़ॉर्म", "Platform", "choice", False, {"choices": PLATFORMS}),
        ("link", "लिंक", "Link", "link", False, {}),
    ]),
    ("new_members", "नए सदस्य", "New members", [], [
        ("members", "नए सदस्य", "New members", "number", True, {"min_value": 0, "max_value": 100000, "slot": 1}),
    ]),
    ("booth_committee", "बूथ समिति गठन", "Booth committee formed", ["booth"], [
        ("members", "समिति सदस्य", "Committee members", "number", True, {"min_value": 1, "max_value": 100, "slot": 1}),
        ("formed_on", "गठन की तारीख", "Formed on", "date", False, {}),
        ("photo", "फ़ोटो", "Photo", "photo", False, {}),
    ]),
    ("programme", "कार्यक्रम", "Programme held", [], [
        ("title", "कार्यक्रम का नाम", "Programme", "text", True, {}),
        ("attendance", "उपस्थिति", "Attendance", "number", False, {"min_value": 0, "max_value": 1000000, "slot": 1}),
        ("photo", "फ़ोटो", "Photo", "photo", False, {}),
    ]),
]


def create_types(apps, schema_editor):
    ReportType = apps.get_model("reports", "ReportType")
    ReportField = apps.get_model("reports", "ReportField")
    Level = apps.get_model("org", "Level")
    for order, (code, hi, en, levels, fields) in enumerate(TYPES):
        rtype, created = ReportType.objects.get_or_create(
            code=code, defaults={"name_hi": hi, "name_en": en, "order": order})
        if not created:
            continue
        rtype.levels.set(Level.objects.filter(code__in=levels))
        for forder, (fcode, fhi, fen, kind, required, extra) in enumerate(fields):
            ReportField.objects.create(type=rtype, code=fcode, label_hi=fhi, label_en=fen, kind=kind,
                                       required=required, order=forder, **extra)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("org", "0002_default_levels")]
    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
