"""The audit log becomes a hash chain (core/audit.py). The rows already written are first cleared
of the personal values and free texts the earlier code put in them (names, phones, texts: the
texts become their lengths; an address becomes its network), then chained in the order they were
written, and the chain head is set to the last of them."""

from django.db import migrations, models
from django.utils import timezone

DROPPED = {"name_hi", "name_en", "phone", "values"}
TEXTS = {"text", "title", "body", "label"}
CHUNK = 5000


def scrub(payload):
    if not isinstance(payload, dict):
        return payload
    out = {}
    for key, value in payload.items():
        if key in DROPPED:
            continue
        if key in TEXTS:
            out[f"{key}_len"] = len(value) if isinstance(value, str) else 0
        else:
            out[key] = value
    return out


def chain(apps, schema_editor):
    from sampark.core import audit

    Entry = apps.get_model("core", "AuditEntry")
    Head = apps.get_model("core", "AuditHead")
    db = schema_editor.connection.alias
    conn = schema_editor.connection
    table = conn.ops.quote_name(Entry._meta.db_table)
    json_field, ip_field = Entry._meta.get_field("after"), Entry._meta.get_field("ip")
    seq, prev, last = 0, audit.GENESIS, 0
    while True:
        rows = list(Entry.objects.using(db).filter(pk__gt=last).order_by("pk").values_list(
            "pk", "at", "actor_id", "action", "object_type", "object_id", "before", "after", "ip")[:CHUNK])
        if not rows:
            break
        updates = []
        for pk, at, actor_id, action, object_type, object_id, before, after, ip in rows:
            seq += 1
            before, after, ip = audit.normal(scrub(before)), audit.normal(scrub(after)), audit.network(ip)
            if object_type == "org.import":  # the file's name, a free text
                object_id = action.removeprefix("org.import_")
                after = {k: v for k, v in after.items() if k != "file"} if isinstance(after, dict) else after
            h = audit.row_hash(seq, at, actor_id, action, object_type, object_id, before, after, ip, prev)
            updates.append((seq, prev, h, object_id,
                            json_field.get_db_prep_save(before, conn), json_field.get_db_prep_save(after, conn),
                            ip_field.get_db_prep_save(ip, conn), pk))
            prev = h
        with conn.cursor() as cur:
            cur.executemany(f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s, object_id = %s, "
                            f"before = %s, after = %s, ip = %s WHERE id = %s", updates)
        last = rows[-1][0]
    Head.objects.using(db).create(pk=audit.HEAD, seq=seq, hash=prev)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_policy'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(default=0)),
                ('hash', models.CharField(max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=timezone.now, editable=False),
        ),
        migrations.RunPython(chain, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(unique=True),
        ),
    ]
