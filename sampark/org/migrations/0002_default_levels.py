from django.db import migrations

LADDER = [
    ("centre", "राष्ट्रीय", "Centre"),
    ("state", "प्रदेश", "State"),
    ("district", "ज़िला", "District"),
    ("assembly", "विधानसभा", "Assembly constituency"),
    ("mandal", "मंडल", "Mandal"),
    ("shakti_kendra", "शक्ति केंद्र", "Shakti Kendra"),
    ("booth", "बूथ", "Booth"),
]


def add_levels(apps, schema_editor):
    Level = apps.get_model("org", "Level")
    for rank, (code, hi, en) in enumerate(LADDER):
        Level.objects.get_or_create(code=code, defaults={"rank": rank * 10, "name_hi": hi, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(add_levels, migrations.RunPython.noop)]
