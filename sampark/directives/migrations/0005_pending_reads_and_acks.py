# A pending row carries both counts of a unit (one row per unit, not one per unit and kind).

from django.db import migrations, models


def carry_counts(apps, schema_editor):
    """Rows still queued keep their counts: n goes to reads or acks by kind."""
    table = apps.get_model("directives", "PendingCount")._meta.db_table
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET reads = CASE WHEN kind = 'read' THEN n ELSE 0 END, "
                    f"acks = CASE WHEN kind = 'ack' THEN n ELSE 0 END")


class Migration(migrations.Migration):

    dependencies = [
        ('directives', '0004_pending_queue_light'),
    ]

    operations = [
        migrations.AddField(
            model_name='pendingcount',
            name='acks',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='pendingcount',
            name='reads',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(carry_counts, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='pendingcount',
            name='kind',
        ),
        migrations.RemoveField(
            model_name='pendingcount',
            name='n',
        ),
    ]
