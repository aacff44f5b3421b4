"""Network (issue 16): a member registers their own handles and enters counts; the link must be on the
platform's host; retries change nothing; a jump waits for a coordinator; per-unit figures; 404
outside the chain of the member's units."""

import uuid
from datetime import timedelta

from django.utils import timezone

from sampark.network import rollups, selectors, services
from sampark.network.models import ANY_PLATFORM, Handle, Snapshot


def post(client, url, headers, body):
    return client.post(url, body, content_type="application/json", **headers)


def test_a_worker_registers_a_handle_and_enters_counts(client, world, api_as):
    h = api_as(world.patna_worker)
    body = {"platform": "x", "handle": "@vinod_bjp", "url": "https://x.com/vinod_bjp",
            "client_uuid": str(uuid.uuid4())}
    r = post(client, "/api/v1/handles", h, body)
    assert r.status_code == 201, r.content
    hid = r.json()["id"]
    assert r.json()["handle"] == "vinod_bjp" and r.json()["unit"] == world.patna_booth.pk
    again = post(client, "/api/v1/handles", h, body)
    assert again.status_code == 200 and again.json()["id"] == hid
    assert Handle.objects.count() == 1
    today = timezone.localdate()
    r = post(client, f"/api/v1/handles/{hid}/snapshots", h, {"date": today.isoformat(), "count": 1200})
    assert r.status_code == 201, r.content
    r = post(client, f"/api/v1/handles/{hid}/snapshots", h, {"date": today.isoformat(), "count": 1200})
    assert r.status_code == 200
    assert Snapshot.objects.count() == 1
    # Seen by the district coordinator above; not by Gaya's.
    assert client.get(f"/api/v1/handles/{hid}", **api_as(world.patna_coord)).status_code == 200
    assert client.get(f"/api/v1/handles/{hid}", **api_as(world.gaya_coord)).status_code == 404


def test_the_link_must_be_on_the_platform_host_and_errors_are_in_hindi(client, world, api_as):
    h = api_as(world.patna_worker) | {"HTTP_ACCEPT_LANGUAGE": "hi"}
    r = post(client, "/api/v1/handles", h, {"platform": "youtube", "url": "https://evil.example/youtube.com"})
    assert r.status_code == 422
    assert "url" in r.json()["errors"]
    assert any("\u0900" <= ch <= "\u097f" for ch in r.json()["errors"]["url"]), r.json()
    r = post(client, "/api/v1/handles", h, {"platform": "nope", "url": "https://x.com/a"})
    assert r.status_code == 422 and "platform" in r.json()["errors"]
    assert Handle.objects.count() == 0


def test_a_jump_waits_for_the_coordinator(world):
    today = timezone.localdate()
    h, _ = services.register_handle(world.patna_worker, platform="youtube", url="https://youtube.com/@vinod")
    services.add_snapshot(world.patna_worker, h, date=today - timedelta(days=30), count=500)
    snap, _ = services.add_snapshot(world.patna_worker, h, date=today, count=50_000)
    assert snap.status == Snapshot.Status.FLAGGED
    agg = selectors.raw_aggregates([world.patna], today)[world.patna.pk][ANY_PLATFORM]
    assert agg.reach == 500
    services.review_snapshot(world.patna_coord, snap, accept=True)
    agg = selectors.raw_aggregates([world.patna], today)[world.patna.pk][ANY_PLATFORM]
    assert agg.reach == 50_000 and agg.reach_30 == 500 and agg.growth_30 == 49_500


def test_unit_figures_and_404_for_another_district(client, world, api_as):
    today = timezone.localdate()
    h, _ = services.register_handle(world.patna_worker, platform="facebook", url="https://facebook.com/vinod",
                                    now=timezone.now() - timedelta(days=100))
    services.add_snapshot(world.patna_worker, h, date=today - timedelta(days=95), count=100)
    services.add_snapshot(world.patna_worker, h, date=today, count=150)
    rollups.fold_all()  # the district's figures come from the roll-ups
    r = client.get(f"/api/v1/units/{world.patna.pk}/network", **api_as(world.patna_coord))
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["reach"] == 150 and data["growth_90d"] == 50 and data["growth_90d_pct"] == 50.0
    assert data["coverage"]["facebook"]["booths_covered"] == 1
    assert data["coverage"]["all"]["booths_total"] == 1
    assert client.get(f"/api/v1/units/{world.patna.pk}/network", **api_as(world.gaya_coord)).status_code == 404
