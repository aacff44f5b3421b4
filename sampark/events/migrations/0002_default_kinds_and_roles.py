from django.db import migrations

KINDS = [
    ("workshop", "कार्यशाला", "Workshop"),
    ("meeting", "बैठक", "Meeting"),
    ("training", "प्रशिक्षण", "Training"),
    ("convention", "सम्मेलन", "Convention"),
    ("online", "ऑनलाइन बैठक", "Online meeting"),
]

ROLES = [
    ("presiding", "अध्यक्षता", "Presiding"),
    ("chief_guest", "मुख्य अतिथि", "Chief guest"),
    ("address", "संबोधन", "Address"),
    ("session", "प्रशिक्षण सत्र", "Training session"),
    ("stage", "मंच संचालन", "Stage conduct"),
    ("thanks", "धन्यवाद ज्ञापन", "Vote of thanks"),
    ("other", "अन्य", "Other"),
]


def add_defaults(apps, schema_editor):
    for model, rows in (("EventKind", KINDS), ("ProgrammeRole", ROLES)):
        Model = apps.get_model("events", model)
        for i, (code, hi, en) in enumerate(rows):
            Model.objects.get_or_create(code=code, defaults={"name_hi": hi, "name_en": en, "position": i})


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
