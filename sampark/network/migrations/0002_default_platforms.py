from django.db import migrations

# code, Hindi, English, hosts, what is counted (hi, en)
PLATFORMS = [
    ("x", "एक्स (ट्विटर)", "X (Twitter)", "x.com twitter.com", "फ़ॉलोअर", "followers"),
    ("facebook", "फ़ेसबुक", "Facebook", "facebook.com fb.com fb.me", "फ़ॉलोअर", "followers"),
    ("instagram", "इंस्टाग्राम", "Instagram", "instagram.com", "फ़ॉलोअर", "followers"),
    ("youtube", "यूट्यूब", "YouTube", "youtube.com youtu.be", "सब्सक्राइबर", "subscribers"),
    ("whatsapp_channel", "व्हाट्सऐप चैनल", "WhatsApp channel", "whatsapp.com", "फ़ॉलोअर", "followers"),
    ("telegram", "टेलीग्राम", "Telegram", "t.me telegram.me", "सदस्य", "members"),
    ("sharechat", "शेयरचैट", "ShareChat", "sharechat.com", "फ़ॉलोअर", "followers"),
    ("threads", "थ्रेड्स", "Threads", "threads.net threads.com", "फ़ॉलोअर", "followers"),
]


def add_defaults(apps, schema_editor):
    Platform = apps.get_model("network", "Platform")
    for i, (code, hi, en, hosts, counts_hi, counts_en) in enumerate(PLATFORMS):
        Platform.objects.get_or_create(code=code, defaults={
            "name_hi": hi, "name_en": en, "hosts": hosts, "counts_hi": counts_hi, "counts_en": counts_en,
            "position": i})


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
