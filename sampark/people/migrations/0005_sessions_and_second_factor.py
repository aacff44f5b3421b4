# Joins the two people migrations made side by side (server-side sessions; the second factor).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_person_session'),
        ('people', '0004_second_factor'),
    ]

    operations = [
    ]
