"""The coordinator's duties on the network (issue 16): the review queue (counts that jumped, handles
to verify) in the units they lead; confirm makes a count count, reject keeps it out; retries change
nothing; 404 outside the chain, 403 for one who sees it but does not lead above it (or its member);
"what needs me now"; the activity on the member's page; the platforms' setup (administrators only,
errors in Hindi; changing hosts leaves existing handles alone)."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from sampark.core.activity import recent_activity
from sampark.core.attention import attention_for
from sampark.core.models import AuditEntry
from sampark.network import selectors, services
from sampark.network.models import ANY_PLATFORM, Handle, Platform, Snapshot
from tests.personas import log_in

HI = {"HTTP_ACCEPT_LANGUAGE": "hi"}


def hindi(text: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in text)


def error_of(page) -> str:
    """The page's error message (or its flash message)."""
    m = re.search(r'<p class="error"[^>]*>(.*?)</p>', page.content.decode(), re.S)
    return m.group(1) if m else ""


def post(client, url, headers, body=None):
    return client.post(url, body or {}, content_type="application/json", **headers)


def jumped(world, person=None, platform="youtube", url="https://youtube.com/@vinod"):
    """A handle with 500 a month ago and a flagged 50,000 today."""
    person = person or world.patna_worker
    today = timezone.localdate()
    h, _ = services.register_handle(person, platform=platform, url=url)
    services.add_snapshot(person, h, date=today - timedelta(days=30), count=500)
    snap, _ = services.add_snapshot(person, h, date=today, count=50_000)
    assert snap.status == Snapshot.Status.FLAGGED
    return h, snap


def reach(world) -> int:
    return selectors.raw_aggregates([world.patna], timezone.localdate())[world.patna.pk][ANY_PLATFORM].reach


def test_the_queue_lists_the_jump_and_confirm_makes_it_count_once(client, world, api_as):
    h, snap = jumped(world)
    coord = api_as(world.patna_coord)
    body = client.get("/api/v1/network/review", **coord).json()
    assert body["counts_total"] == 1 and body["handles_total"] == 1
    row = body["counts"][0]
    assert row["snapshot"]["id"] == str(snap.pk) and row["previous_count"] == 500 and row["factor"] == 100.0
    assert row["previous_date"] == (timezone.localdate() - timedelta(days=30)).isoformat()
    assert row["member"] == world.patna_worker.name and body["handles"][0]["handle"]["id"] == h.pk
    assert attention_for(world.patna_coord).counts["network_counts_to_confirm"] == 1
    assert reach(world) == 500
    r = post(client, f"/api/v1/snapshots/{snap.pk}/confirm", coord)
    assert r.status_code == 200 and r.json()["status"] == "counted", r.content
    assert reach(world) == 50_000
    assert Handle.objects.get(pk=h.pk).latest_count == 50_000
    audits = AuditEntry.objects.filter(action="network.snapshot.confirm").count()
    reviewed_at = Snapshot.objects.get(pk=snap.pk).reviewed_at
    again = post(client, f"/api/v1/snapshots/{snap.pk}/confirm", coord)
    assert again.status_code == 200 and again.json()["status"] == "counted"
    assert AuditEntry.objects.filter(action="network.snapshot.confirm").count() == audits == 1
    assert Snapshot.objects.get(pk=snap.pk).reviewed_at == reviewed_at
    # Decided: rejecting it now is a conflict, and it no longer waits for anyone.
    late = post(client, f"/api/v1/snapshots/{snap.pk}/reject", coord | HI)
    assert late.status_code == 409 and hindi(late.json()["detail"])
    assert client.get("/api/v1/network/review", **coord).json()["counts_total"] == 0
    assert attention_for(world.patna_coord).counts["network_counts_to_confirm"] == 0
    assert any("पुष्टि" in i.label or "confirmed" in i.label for i in recent_activity(world.patna_coord,
                                                                                       world.patna_worker))


def test_reject_keeps_the_count_out(client, world, api_as):
    _h, snap = jumped(world)
    coord = api_as(world.patna_coord)
    r = post(client, f"/api/v1/snapshots/{snap.pk}/reject", coord)
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert reach(world) == 500
    assert post(client, f"/api/v1/snapshots/{snap.pk}/reject", coord).status_code == 200
    assert AuditEntry.objects.filter(action="network.snapshot.reject").count() == 1
    assert post(client, f"/api/v1/snapshots/{snap.pk}/confirm", coord).status_code == 409
    assert reach(world) == 500
    # A count that never jumped is not waiting: 409.
    plain = Snapshot.objects.filter(status=Snapshot.Status.COUNTED).first()
    assert post(client, f"/api/v1/snapshots/{plain.pk}/confirm", coord).status_code == 409


def test_gaya_gets_404_and_the_member_or_a_worker_403_or_404(client, world, api_as):
    h, snap = jumped(world)
    gaya = api_as(world.gaya_coord)
    for url in (f"/api/v1/handles/{h.pk}/verify", f"/api/v1/handles/{h.pk}/unverify",
                f"/api/v1/snapshots/{snap.pk}/confirm", f"/api/v1/snapshots/{snap.pk}/reject",
                "/api/v1/snapshots/not-a-uuid/confirm"):
        assert post(client, url, gaya).status_code == 404, url
    body = client.get("/api/v1/network/review", **gaya).json()
    assert body["counts_total"] == 0 and body["handles_total"] == 0
    assert attention_for(world.gaya_coord).counts["network_counts_to_confirm"] == 0
    assert client.get(f"/api/v1/network/review?unit={world.patna.pk}", **gaya).status_code == 404
    # The member sees their own handle but may not verify it or confirm their own jump.
    me = api_as(world.patna_worker) | HI
    r = post(client, f"/api/v1/handles/{h.pk}/verify", me)
    assert r.status_code == 403 and hindi(r.json()["detail"])
    assert post(client, f"/api/v1/snapshots/{snap.pk}/confirm", me).status_code == 403
    assert client.get("/api/v1/network/review", **me).json()["counts_total"] == 0
    # A booth worker does not see the district coordinator's own handle: 404.
    coord_h, coord_snap = jumped(world, world.patna_coord, "x", "https://x.com/patna_coord")
    assert post(client, f"/api/v1/handles/{coord_h.pk}/verify", me).status_code == 404
    assert post(client, f"/api/v1/snapshots/{coord_snap.pk}/confirm", me).status_code == 404
    # Nor may the coordinator confirm their own: the state above does.
    coord = api_as(world.patna_coord)
    assert post(client, f"/api/v1/snapshots/{coord_snap.pk}/confirm", coord).status_code == 403
    assert post(client, f"/api/v1/snapshots/{coord_snap.pk}/confirm", api_as(world.state_admin)).status_code == 200
    assert Snapshot.objects.get(pk=snap.pk).status == Snapshot.Status.FLAGGED


def test_verify_is_idempotent_and_can_be_taken_back(client, world, api_as):
    h, _snap = jumped(world)
    coord = api_as(world.patna_coord)
    r = client.post(f"/api/v1/handles/{h.pk}/verify", **coord)  # no body at all
    assert r.status_code == 200 and r.json()["verified"] is True, r.content
    at = Handle.objects.get(pk=h.pk).verified_at
    assert post(client, f"/api/v1/handles/{h.pk}/verify", coord, {"verified": True}).status_code == 200
    assert Handle.objects.get(pk=h.pk).verified_at == at
    assert AuditEntry.objects.filter(action="network.handle.verify").count() == 1
    assert client.get("/api/v1/network/review", **coord).json()["handles_total"] == 0
    assert any(i.kind == "network" for i in recent_activity(world.patna_coord, world.patna_worker))
    assert not recent_activity(world.gaya_coord, world.patna_worker)
    r = post(client, f"/api/v1/handles/{h.pk}/verify", coord, {"verified": False})
    assert r.status_code == 200 and r.json()["verified"] is False
    assert post(client, f"/api/v1/handles/{h.pk}/verify", coord).json()["verified"] is True
    assert post(client, f"/api/v1/handles/{h.pk}/unverify", coord).json()["verified"] is False
    bad = post(client, f"/api/v1/handles/{h.pk}/verify", coord | HI, {"verified": "maybe"})
    assert bad.status_code == 422 and hindi(bad.json()["errors"]["verified"])


def test_the_review_page_for_a_coordinator_in_hindi(world, login_as, client):
    h, snap = jumped(world)
    login_as(world.patna_coord)
    page = client.get("/network/review/")
    text = page.content.decode()
    assert page.status_code == 200 and "50,000" in text and "×100" in text
    assert f'href="{h.url}" target="_blank" rel="noopener noreferrer nofollow"' in text
    assert client.get("/network/review/", {"platform": "youtube", "unit": world.patna_booth.pk}).status_code == 200
    assert "50,000" not in client.get("/network/review/", {"platform": "x"}).content.decode()
    assert client.get("/network/review/", {"unit": world.gaya.pk}).status_code == 404
    assert client.get("/network/review/", {"unit": "abc"}).status_code == 404
    bad = client.get("/network/review/", {"platform": "nope"})
    assert bad.status_code == 400 and hindi(error_of(bad))
    # Home: what needs me now links to the queue.
    home = client.get("/").content.decode()
    assert 'href="/network/review/"' in home
    r = client.post(f"/network/review/counts/{snap.pk}/confirm/", {"next": "/network/review/?platform=youtube"})
    assert r.status_code == 302 and r["Location"] == "/network/review/?platform=youtube"
    assert reach(world) == 50_000
    r = client.post(f"/network/review/counts/{snap.pk}/reject/", follow=True)
    flash = re.search(r'<ul class="messages">(.*?)</ul>', r.content.decode(), re.S).group(1)
    assert hindi(flash) and Snapshot.objects.get(pk=snap.pk).status == Snapshot.Status.COUNTED
    assert client.post(f"/network/review/handles/{h.pk}/verify/").status_code == 302
    assert Handle.objects.get(pk=h.pk).verified_by_id == world.patna_coord.pk
    # Gaya's coordinator: 404 for Patna's; a worker leads nothing: 403.
    gaya = log_in(Client(), world.gaya_coord)
    assert gaya.post(f"/network/review/counts/{snap.pk}/reject/").status_code == 404
    assert gaya.post(f"/network/review/handles/{h.pk}/verify/").status_code == 404
    worker = log_in(Client(), world.patna_worker)
    assert worker.get("/network/review/").status_code == 403


def test_the_queue_is_paged(world, login_as, client):
    from sampark.network import review

    jumped(world)
    jumped(world, world.patna_coord, "x", "https://x.com/patna_coord")
    old = review.PAGE
    review.PAGE = 1
    try:
        login_as(world.state_admin)
        first = client.get("/network/review/").content.decode()
        second = client.get("/network/review/", {"page": "2"}).content.decode()
    finally:
        review.PAGE = old
    assert "page=2" in first and "×100" in first and "×100" in second
    shown = [("· vinod</strong>" in page.split('id="handles"')[0], "· patna_coord</strong>" in page.split('id="handles"')[0])
             for page in (first, second)]
    assert sorted(shown) == [(False, True), (True, False)], shown


# --- platforms as data -----------------------------------------------------------------------------

def test_an_administrator_adds_a_platform_and_changes_its_hosts(world, login_as, client):
    login_as(world.centre_admin)
    assert client.get("/setup/network/").status_code == 200
    data = {"op": "add_platform", "code": "koo", "name_hi": "कू", "name_en": "Koo", "hosts": "www.koo.in, kooapp.com",
            "counts_hi": "फ़ॉलोअर", "counts_en": "followers"}
    assert client.post("/setup/network/", data).status_code == 302
    koo = Platform.objects.get(code="koo")
    assert koo.hosts == "koo.in kooapp.com" and koo.active
    h, _ = services.register_handle(world.patna_worker, platform="koo", url="https://www.koo.in/vinod")
    # Refused, in Hindi, nothing written.
    for bad in ({"code": "koo"}, {"code": "koo2", "hosts": "https://koo.in/x"}, {"code": "koo3", "hosts": "koo"},
                {"code": "koo4", "name_hi": ""}, {"code": "koo5", "hosts": ""}, {"code": "को"}):
        r = client.post("/setup/network/", data | bad)
        assert r.status_code == 400 and hindi(error_of(r)), (bad, error_of(r))
    assert Platform.objects.filter(code__startswith="koo").count() == 1
    # New hosts: later links must be on them; the handle already registered stays, counted.
    services.add_snapshot(world.patna_worker, h, date=timezone.localdate(), count=70)
    change = {"op": "update_platform", "platform": koo.pk, "name_hi": "कू", "name_en": "Koo", "hosts": "koo.social",
              "counts_hi": "फ़ॉलोअर", "counts_en": "followers", "active": "1"}
    assert client.post("/setup/network/", change).status_code == 302
    assert Platform.objects.get(pk=koo.pk).hosts == "koo.social"
    assert Handle.objects.get(pk=h.pk).url == "https://www.koo.in/vinod" and reach(world) == 70
    try:
        services.clean_url(Platform.objects.get(pk=koo.pk), "https://koo.in/other")
    except services.NetworkError:
        pass
    else:
        raise AssertionError("a link on the old host was accepted")
    # Deactivated: offered no more; its handles stay.
    assert client.post("/setup/network/", change | {"active": ""}).status_code == 302
    assert not Platform.objects.get(pk=koo.pk).active and Handle.objects.filter(pk=h.pk).exists()
    r = post(Client(), "/api/v1/handles", {}, {})
    assert r.status_code == 401
    # Only the Centre's leaders change it: a state's may look (403 on a change), others get 404.
    state = log_in(Client(), world.state_admin)
    assert state.get("/setup/network/").status_code == 200
    assert state.post("/setup/network/", data | {"code": "koo9"}).status_code == 403
    assert log_in(Client(), world.patna_coord).get("/setup/network/").status_code == 404
    assert log_in(Client(), world.patna_worker).post("/setup/network/", data | {"code": "koo9"}).status_code == 404
    assert not Platform.objects.filter(code="koo9").exists()
