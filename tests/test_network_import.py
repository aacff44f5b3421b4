"""Network (issue 16): bulk import of counts (all rows or none, each bad row named, batched with the
services' rules), "my data" and erasure of a member's handles, with the roll-ups corrected."""

import io
import json
from collections import defaultdict
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone, translation
from openpyxl import Workbook

from sampark.core.audit import AuditEntry
from sampark.network import rollups, services
from sampark.network.imports import import_counts
from sampark.network.models import Handle, NetworkPending, Platform, Snapshot
from sampark.people import erasure
from sampark.people.models import Person

PLATFORMS = ("x", "facebook", "instagram", "youtube", "whatsapp_channel", "telegram", "sharechat", "threads")


def _bulk_handles(unit, people: int, *, when=None) -> list[Handle]:
    """`people` members of `unit` with a handle on each of the eight platforms (made in bulk: the import
    is under test, not registration)."""
    when = when or timezone.now() - timedelta(days=400)
    base = Person.objects.count()
    persons = Person.objects.bulk_create([Person(phone=f"+9198{base + i:08d}", name_en=f"Member {i}")
                                          for i in range(people)])
    platforms = {p.code: p for p in Platform.objects.filter(code__in=PLATFORMS)}
    handles = []
    for i, person in enumerate(persons):
        for code in PLATFORMS:
            name = f"m{unit.pk}_{i}_{code}"
            handles.append(Handle(person=person, platform=platforms[code], handle=name,
                                  url=f"https://{platforms[code].host_list()[0]}/{name}", unit=unit,
                                  unit_path=unit.path, created_at=when))
    return Handle.objects.bulk_create(handles)


def _csv(rows, header="platform,handle,date,count") -> bytes:
    return ("\n".join([header] + [",".join(str(c) for c in r) for r in rows]) + "\n").encode()


def _rows(handles, months: int):
    today = timezone.localdate()
    out = []
    for h in handles:
        for k in range(months, 0, -1):
            out.append([h.platform.code, "@" + h.handle, (today - timedelta(days=30 * k)).isoformat(),
                        1000 + 50 * (months - k)])
    return out


def _pending_sums(path: str) -> dict:
    return NetworkPending.objects.filter(unit_path=path).aggregate(
        reach=Sum("reach"), handles=Sum("handles"), seen=Sum("seen"))


def test_ten_thousand_rows_with_one_bad_row_import_nothing_then_all_then_nothing_again(world):
    handles = _bulk_handles(world.patna_booth, 125)  # 1,000 handles
    rows = _rows(handles, 10)  # 10,000 rows
    assert len(rows) == 10_000
    bad = [list(r) for r in rows]
    bad[5000][3] = "बारह सौ"
    with translation.override("hi"):
        result = import_counts(world.patna_coord, "counts.csv", _csv(bad))
    assert [(e.line, e.column) for e in result.errors] == [(5002, "count")]
    assert any("\u0900" <= ch <= "\u097f" for ch in result.errors[0].message), result.errors[0].message
    assert Snapshot.objects.count() == 0 and NetworkPending.objects.count() == 0

    audit_before = AuditEntry.objects.count()
    result = import_counts(world.patna_coord, "counts.csv", _csv(rows))
    assert result.ok and result.created == 10_000 and result.flagged == 0 and result.handles == 1_000
    assert Snapshot.objects.count() == 10_000
    assert set(Snapshot.objects.values_list("source", flat=True)) == {Snapshot.Source.IMPORT}
    assert AuditEntry.objects.count() == audit_before + 10_001  # one per count and one for the import
    h = Handle.objects.get(pk=handles[0].pk)
    assert h.latest_count == 1450 and h.latest_date == timezone.localdate() - timedelta(days=30)
    # The queued roll-up change is the difference the counts made (the handles were made in bulk, so
    # their registration was never queued): the reach, and "last seen" moved from registration to the count.
    assert _pending_sums(world.patna_booth.path) == {"reach": 1_000 * 1450, "handles": 0, "seen": 0}
    assert NetworkPending.objects.filter(unit_path=world.patna_booth.path, seen__gt=0).exists()

    pending = NetworkPending.objects.count()
    again = import_counts(world.patna_coord, "counts.csv", _csv(rows))
    assert again.ok and again.created == 0 and again.unchanged == 10_000
    assert Snapshot.objects.count() == 10_000 and NetworkPending.objects.count() == pending


def test_a_gaya_handle_in_patnas_file_is_named_and_nothing_is_written(world, client, login_as):
    patna = _bulk_handles(world.patna_booth, 1)
    gaya = _bulk_handles(world.gaya_booth, 1)
    today = timezone.localdate().isoformat()
    body = _csv([["x", patna[0].handle, today, 10], ["x", gaya[0].handle, today, 20],
                 ["facebook", patna[1].url, today, 30]])
    result = import_counts(world.patna_coord, "c.csv", body)
    assert [(e.line, e.column) for e in result.errors] == [(3, "handle")]
    assert Snapshot.objects.count() == 0
    # Gaya's coordinator imports Gaya's row; Patna's rows read as not found to them.
    result = import_counts(world.gaya_coord, "c.csv", body)
    assert [(e.line, e.column) for e in result.errors] == [(2, "handle"), (4, "handle")]
    # The page names the row in Hindi, answers 400, writes nothing.
    login_as(world.patna_coord)
    r = client.post("/network/import/", {"file": SimpleUploadedFile("c.csv", body, content_type="text/csv")})
    assert r.status_code == 400
    errors = r.content.decode().split('id="import-errors"')[1].split("</table>")[0]
    assert '<td class="n">3</td>' in errors and errors.count('<td class="n">') == 1
    assert "आपके नेतृत्व की इकाइयों में" in errors
    assert Snapshot.objects.count() == 0


def test_each_bad_row_is_named_with_its_reason(world):
    [h] = _bulk_handles(world.patna_booth, 1)[:1]
    today = timezone.localdate()
    rows = [
        ["x", h.handle, today.isoformat(), 100],                             # 2 fine
        ["myspace", h.handle, today.isoformat(), 100],                       # 3 unknown platform
        ["x", "nobody_here", today.isoformat(), 100],                        # 4 not found
        ["x", h.handle, "28/11/2026", 100],                                  # 5 bad date
        ["x", h.handle, (today + timedelta(days=1)).isoformat(), 100],      # 6 future
        ["x", h.handle, (today - timedelta(days=1)).isoformat(), -5],       # 7 bad count
        ["x", "@" + h.handle.upper(), today.isoformat(), 120],              # 8 the same handle and day as row 2
    ]
    result = import_counts(world.patna_coord, "c.csv", _csv(rows))
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "platform"), (4, "handle"), (5, "date"), (6, "date"), (7, "count"), (8, "date")]
    assert "2" in result.errors[-1].message
    assert Snapshot.objects.count() == 0


def test_a_jump_is_stored_flagged_and_not_counted_and_a_correction_replaces_the_count(world):
    h, _ = services.register_handle(world.patna_worker, platform="youtube", url="https://youtube.com/@vinod",
                                    now=timezone.now() - timedelta(days=200))
    today = timezone.localdate()
    a, b = (today - timedelta(days=60)).isoformat(), (today - timedelta(days=30)).isoformat()
    result = import_counts(world.patna_coord, "c.csv", _csv([["youtube", "vinod", a, 500],
                                                             ["YouTube", "https://youtube.com/@vinod", b, 50_000]]))
    assert result.ok and result.created == 2 and result.flagged == 1
    snaps = {s.date.isoformat(): s for s in Snapshot.objects.filter(handle=h)}
    assert snaps[a].status == Snapshot.Status.COUNTED and snaps[b].status == Snapshot.Status.FLAGGED
    h.refresh_from_db()
    assert h.latest_count == 500
    # The queue holds what the handle now contributes (registration included).
    assert _pending_sums(h.unit_path)["reach"] == 500
    # A coordinator confirms it as for a member's count.
    services.review_snapshot(world.patna_coord, snaps[b], accept=True)
    assert _pending_sums(h.unit_path)["reach"] == 50_000
    # Another count for a day already there corrects it (and the retry of the same changes nothing).
    result = import_counts(world.patna_coord, "c.csv", _csv([["youtube", "vinod", a, 600]]))
    assert result.updated == 1 and Snapshot.objects.get(handle=h, date=a).count == 600
    contrib = rollups.contributions(Handle.objects.get(pk=h.pk))
    assert sum(v[0] for v in contrib.values()) == _pending_sums(h.unit_path)["reach"] == 50_000


def test_hindi_headers_and_excel_through_the_page_preview_then_confirm(world, client, login_as):
    h, _ = services.register_handle(world.patna_worker, platform="x", url="https://x.com/vinod_bjp")
    book = Workbook()
    sheet = book.active
    sheet.append(["मंच", "हैंडल", "तारीख", "गिनती"])
    sheet.append(["X", "@vinod_bjp", timezone.localdate() - timedelta(days=2), 1234])
    buf = io.BytesIO()
    book.save(buf)
    login_as(world.patna_coord)
    assert client.get("/network/import/").status_code == 200
    r = client.post("/network/import/", {"file": SimpleUploadedFile("c.xlsx", buf.getvalue())})
    assert r.status_code == 200, r.content.decode()[-2000:]
    page = r.content.decode()
    assert 'id="import-preview"' in page and "vinod_bjp" in page and Snapshot.objects.count() == 0
    token = page.split('name="token" value="')[1].split('"')[0]
    # Another person cannot confirm the file.
    login_as(world.gaya_coord)
    r = client.post("/network/import/", {"confirm": "1", "token": token, "ext": "xlsx"})
    assert r.status_code == 400 and Snapshot.objects.count() == 0
    login_as(world.patna_coord)
    r = client.post("/network/import/", {"confirm": "1", "token": token, "ext": "xlsx"})
    assert r.status_code == 200 and Snapshot.objects.get(handle=h).count == 1234
    assert Snapshot.objects.get(handle=h).entered_by == world.patna_coord
    # The file is gone once confirmed: a second confirm imports nothing.
    r = client.post("/network/import/", {"confirm": "1", "token": token, "ext": "xlsx"})
    assert r.status_code == 400 and Snapshot.objects.count() == 1


def test_a_worker_who_leads_nothing_cannot_import(world, client, login_as):
    login_as(world.patna_worker)
    assert client.get("/network/import/").status_code == 403
    result = import_counts(world.patna_worker, "c.csv", _csv([["x", "a", "2026-01-01", 1]]))
    assert result.errors and Snapshot.objects.count() == 0


def test_my_data_lists_my_handles_and_counts_and_not_others(world, client, login_as):
    today = timezone.localdate()
    mine, _ = services.register_handle(world.patna_worker, platform="x", url="https://x.com/vinod_bjp")
    services.add_snapshot(world.patna_worker, mine, date=today, count=777)
    theirs, _ = services.register_handle(world.gaya_worker, platform="x", url="https://x.com/amal_gaya")
    services.add_snapshot(world.gaya_worker, theirs, date=today, count=888)
    login_as(world.patna_worker)
    data = json.loads(client.get("/api/v1/me/data").content)
    items = data["network_handles"]
    assert {i["kind"] for i in items} == {"handle", "count"}
    assert any(i.get("handle") == "vinod_bjp" for i in items) and any(i.get("count") == 777 for i in items)
    assert "amal_gaya" not in json.dumps(data) and 888 not in [i.get("count") for i in items]


def test_erasure_removes_handles_corrects_roll_ups_and_clears_keys(world):
    today = timezone.localdate()
    h, _ = services.register_handle(world.patna_worker, platform="x", url="https://x.com/vinod_bjp",
                                    now=timezone.now() - timedelta(days=40))
    services.add_snapshot(world.patna_worker, h, date=today - timedelta(days=30), count=500)
    jumped, _ = services.add_snapshot(world.patna_worker, h, date=today, count=5_000)
    services.register_handle(world.patna_coord, platform="x", url="https://x.com/manan")
    import_counts(world.patna_coord, "c.csv", _csv([["x", "manan", today.isoformat(), 10]]))
    services.review_snapshot(world.patna_coord, jumped, accept=True)
    services.verify_handle(world.patna_coord, h)
    assert _pending_sums(h.unit_path)["reach"] == 5_000

    req, _ = erasure.request_erasure(world.patna_coord, "erasure")
    erasure.erase(None, req)
    # The coordinator's own handle is gone (and its count left the figures); their acts on others stay,
    # without the key to them.
    assert not Handle.objects.filter(person=world.patna_coord).exists()
    assert _pending_sums(world.patna.path) == {"reach": 0, "handles": 0, "seen": 0}
    assert Snapshot.objects.get(pk=jumped.pk).reviewed_by is None
    h.refresh_from_db()
    assert h.verified_by is None and h.verified_at is not None

    req, _ = erasure.request_erasure(world.patna_worker, "erasure")
    erasure.erase(None, req)
    assert not Handle.objects.exists() and not Snapshot.objects.exists()
    totals = defaultdict(int)
    for row in NetworkPending.objects.values("reach", "handles", "seen", "verified"):
        for k, v in row.items():
            totals[k] += v
    assert dict(totals) == {"reach": 0, "handles": 0, "seen": 0, "verified": 0}


def test_the_api_checks_then_imports_and_names_bad_rows(world, client, api_as):
    h, _ = services.register_handle(world.patna_worker, platform="x", url="https://x.com/vinod_bjp")
    today = timezone.localdate().isoformat()
    good = _csv([["x", "vinod_bjp", today, 321]])
    headers = api_as(world.patna_coord) | {"HTTP_ACCEPT_LANGUAGE": "hi"}
    r = client.post("/api/v1/network/imports", {"file": SimpleUploadedFile("c.csv", good), "check_only": "true"},
                    **headers)
    assert r.status_code == 200, r.content
    assert r.json()["dry_run"] and r.json()["created"] == 1 and not Snapshot.objects.exists()
    r = client.post("/api/v1/network/imports", {"file": SimpleUploadedFile("c.csv", good)}, **headers)
    assert r.status_code == 200 and r.json()["created"] == 1 and Snapshot.objects.get(handle=h).count == 321
    bad = _csv([["x", "vinod_bjp", today, 400], ["x", "nobody", today, 1]])
    r = client.post("/api/v1/network/imports", {"file": SimpleUploadedFile("c.csv", bad)}, **headers)
    assert r.status_code == 422 and list(r.json()["errors"]) == ["3:handle"]
    assert any("\u0900" <= ch <= "\u097f" for ch in r.json()["errors"]["3:handle"] + r.json()["detail"])
    assert Snapshot.objects.get(handle=h).count == 321
    r = client.post("/api/v1/network/imports", {"file": SimpleUploadedFile("c.csv", good)},
                    **api_as(world.patna_worker))
    assert r.status_code == 403
