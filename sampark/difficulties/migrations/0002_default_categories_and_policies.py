from django.db import migrations

CATEGORIES = [
    ("technical", "तकनीकी", "Technical"),
    ("training", "प्रशिक्षण", "Training"),
    ("organisational", "संगठनात्मक", "Organisational"),
    ("content", "सामग्री", "Content"),
    ("other", "अन्य", "Other"),
]

# Hours the handling level has to answer (booth → shakti kendra 24 h, ..., district 48 h).
HOURS = {"centre": 96, "state": 72, "district": 48, "assembly": 48, "mandal": 24, "shakti_kendra": 24, "booth": 24}


def add_defaults(apps, schema_editor):
    Category = apps.get_model("difficulties", "DifficultyCategory")
    Policy = apps.get_model("difficulties", "AnswerPolicy")
    Level = apps.get_model("org", "Level")
    for i, (code, hi, en) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name_hi": hi, "name_en": en, "position": i})
    if not Policy.objects.filter(level=None, category=None).exists():
        Policy.objects.create(level=None, category=None, hours=48)
    for level in Level.objects.filter(code__in=HOURS):
        Policy.objects.get_or_create(level=level, category=None, defaults={"hours": HOURS[level.code]})


class Migration(migrations.Migration):
    dependencies = [
        ("difficulties", "0001_initial"),
        ("org", "0002_default_levels"),
    ]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
