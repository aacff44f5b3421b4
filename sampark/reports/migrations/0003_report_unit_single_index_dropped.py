"""Two indexes fewer to update on every report (ingestion runs at thousands a second):

- reports_report.unit_id alone: the (unit, date) index serves lookups by unit;
- on PostgreSQL, the varchar_pattern_ops copy of the unit_path index that Django adds for LIKE:
  paths are compared with the "C" collation, so the plain index already serves prefixes and ranges.

Dropped with DROP INDEX rather than AlterField, which on SQLite would copy the whole table (ten
million rows in the India benchmark)."""

import django.db.models.deletion
from django.db import migrations, models

UNIT_INDEX = "reports_report_unit_id_711212ce"
LIKE_INDEX = "reports_report_unit_path_3c2bacb5_like"


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {UNIT_INDEX}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIKE_INDEX}")


def create(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {UNIT_INDEX} ON reports_report (unit_id)")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {LIKE_INDEX} ON reports_report "
                              f"(unit_path varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0002_default_levels"),
        ("reports", "0002_demo_report_types"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="report",
                    name="unit",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="reports", to="org.unit"),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
