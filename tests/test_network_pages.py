"""A unit's network pages (issue 16): the figures a coordinator reads on a phone equal the selector's,
children rank by growth % (a small district can lead), the map colours the districts, the chart is
drawn, the exports hold what the viewer may see, and Gaya's unit is 404 for Patna's coordinator."""

import csv
import io
import re
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from sampark.core.text import indian_grouping
from sampark.network import charts, rollups, selectors, services
from sampark.network.models import Handle
from sampark.org.models import Unit
from tests.personas import log_in

LONG_AGO = timedelta(days=100)


def handle(person, platform, url, counts, unit=None):
    """A handle registered 100 days ago, with counts {days ago: count} entered in order."""
    h, _ = services.register_handle(person, platform=platform, url=url, unit=unit,
                                    now=timezone.now() - LONG_AGO)
    today = timezone.localdate()
    for ago, count in sorted(counts.items(), reverse=True):
        services.add_snapshot(person, h, date=today - timedelta(days=ago), count=count)
    return h


def network_world(world):
    """Patna grows by half (100 -> 150), Gaya is larger but grows by a tenth (20,00,000 -> 22,00,000);
    the districts carry their census codes so the map can draw them."""
    Unit.objects.filter(pk=world.patna.pk).update(code="230")
    Unit.objects.filter(pk=world.gaya.pk).update(code="236")
    Unit.objects.filter(pk=world.patna_ac.pk).update(code="182")
    handle(world.patna_worker, "x", "https://x.com/vinod", {40: 100, 0: 150})
    handle(world.gaya_worker, "facebook", "https://facebook.com/amal", {95: 1_800_000, 40: 2_000_000, 0: 2_200_000})
    hidden = handle(world.gaya_worker, "youtube", "https://youtube.com/@amal_hidden", {0: 77})
    services.update_handle(world.gaya_worker, hidden, status="hidden")
    rollups.fold_all()  # the pages read the roll-ups, as the worker keeps them


def section(html: str, ident: str) -> str:
    m = re.search(rf'<section[^>]*id="{ident}".*?</section>', html, re.S)
    assert m, ident
    return m.group(0)


def test_state_page_shows_the_selectors_figures_in_hindi(client, world):
    network_world(world)
    net = selectors.unit_network(Unit.objects.get(pk=world.bihar.pk), timezone.localdate())
    t = net.total
    assert t.reach == 2_200_150 and t.handles == 2 and t.growth_30 == 200_050
    log_in(client, world.state_admin, "hi")
    r = client.get(f"/network/unit/{world.bihar.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    head = section(html, "network-headline")
    assert "पहुँच" in head or "पहुंच" in head  # the Hindi label for reach
    assert indian_grouping(t.reach) == "22,00,150" and "22,00,150" in head
    assert f"+{indian_grouping(t.growth_30)}" in head and f"({t.growth_30_pct}%)" in head
    assert f"{t.booths} / {net.booths_total}" in head
    platforms = section(html, "network-platforms")
    assert "एक्स" in platforms or "X" in platforms
    assert indian_grouping(net.by_platform[net.platforms[0].pk].reach) in platforms
    assert "यहाँ अभी इन पर कोई हैंडल नहीं" in platforms and "टेलीग्राम" in platforms  # no handle on Telegram


def test_children_rank_by_growth_percent_not_size(client, world):
    network_world(world)
    net = selectors.unit_network(Unit.objects.get(pk=world.bihar.pk), timezone.localdate())
    assert [r["unit"].pk for r in net.children] == [world.patna.pk, world.gaya.pk]
    assert net.children[0]["agg"].reach < net.children[1]["agg"].reach
    log_in(client, world.state_admin, "hi")
    kids = section(client.get(f"/network/unit/{world.bihar.pk}/").content.decode(), "network-children")
    assert kids.index("पटना") < kids.index("गया")
    assert "50.0%" in kids and "10.0%" in kids
    assert f'href="/network/unit/{world.patna.pk}/"' in kids


def test_the_map_colours_the_districts_by_coverage_or_growth(client, world):
    network_world(world)
    log_in(client, world.state_admin, "hi")
    html = client.get(f"/network/unit/{world.bihar.pk}/").content.decode()
    drawn = section(html, "network-map")
    # Both districts have their one booth covered: the darkest colour of the coverage scale.
    for u in (world.patna, world.gaya):
        m = re.search(rf'<path d="[^"]+" fill="(#[0-9a-f]+)" data-unit="{u.pk}"', drawn)
        assert m and m.group(1) == charts.coverage_colour(100.0), u
    assert drawn.count("<path") > 30  # the other districts of Bihar, in grey
    grown = section(client.get(f"/network/unit/{world.bihar.pk}/?by=growth").content.decode(), "network-map")
    patna = re.search(rf'fill="(#[0-9a-f]+)" data-unit="{world.patna.pk}"', grown).group(1)
    gaya = re.search(rf'fill="(#[0-9a-f]+)" data-unit="{world.gaya.pk}"', grown).group(1)
    assert patna == charts.growth_colour(50.0) and gaya == charts.growth_colour(10.0) and patna != gaya
    # A district's page draws its constituencies.
    district = client.get(f"/network/unit/{world.patna.pk}/").content.decode()
    assert f'data-unit="{world.patna_ac.pk}"' in section(district, "network-map")


def test_the_reach_chart_is_drawn(client, world):
    network_world(world)
    log_in(client, world.state_admin, "hi")
    chart = section(client.get(f"/network/unit/{world.patna.pk}/").content.decode(), "network-chart")
    net = selectors.unit_network(Unit.objects.get(pk=world.patna.pk), timezone.localdate())
    assert chart.count("<circle") == len(net.series) == 13
    assert "<polyline" in chart and f"<title>{timezone.localdate().isoformat()}: 150</title>" in chart
    assert net.series[0][0].isoformat() in chart


def test_line_chart_escapes_its_title():
    from datetime import date

    drawn = charts.line_chart([(date(2026, 1, 31), 5), (date(2026, 2, 28), 1_050_000)], "hi", '<b>"x"</b>')
    assert "<b>" not in drawn and "10,50,000" in drawn


def test_exports_hold_what_the_viewer_may_see(client, world):
    network_world(world)
    log_in(client, world.state_admin, "hi")
    r = client.get(f"/network/unit/{world.bihar.pk}/export/handles.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3  # header, Patna's X and Gaya's Facebook: the hidden YouTube handle never
    body = "\n".join(",".join(row) for row in rows)
    assert "https://x.com/vinod" in body and "https://facebook.com/amal" in body and "amal_hidden" not in body
    assert "विनोद तावड़े" in body and "9000000004" not in body and "+91" not in body
    assert "पटना › बाँकीपुर" in body
    r = client.get(f"/network/unit/{world.bihar.pk}/export/children.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [row[0] for row in table[1:]] == ["पटना", "गया"]
    assert table[1][6] == 150 and table[2][6] == 2_200_000
    # Patna's coordinator: only Patna's handle, and Gaya is 404.
    log_in(client, world.patna_coord, "hi")
    r = client.get(f"/network/unit/{world.patna.pk}/export/handles.csv")
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert "vinod" in body and "amal" not in body
    for url in (f"/network/unit/{world.gaya.pk}/", f"/network/unit/{world.gaya.pk}/export/handles.csv",
                f"/network/unit/{world.gaya.pk}/export/children.xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/network/unit/{world.patna.pk}/export/other.csv").status_code == 404


def test_a_member_of_the_booth_sees_no_hidden_handle_of_others(client, world):
    network_world(world)
    assert Handle.objects.visible_to(world.gaya_coord).filter(status=Handle.Status.HIDDEN).count() == 0


def test_api_unit_network_and_404(client, world, api_as):
    network_world(world)
    r = client.get(f"/api/v1/units/{world.bihar.pk}/network", **api_as(world.state_admin))
    assert r.status_code == 200
    data = r.json()
    assert data["reach"] == 2_200_150 and data["growth_30d"] == 200_050
    assert [c["name"] for c in data["children"]][:1] and data["children"][0]["id"] == world.patna.pk
    assert data["coverage"]["all"]["coverage_pct"] == 100.0 and data["coverage"]["x"]["booths_covered"] == 1
    assert data["coverage"]["x"]["children_covered"] == 1 and data["coverage"]["all"]["children_total"] == 2
    assert (data["booths_covered"], data["booths_total"], data["coverage_pct"]) == (2, 2, 100.0)
    assert [(c["code"], c["growth_30d_pct"]) for c in data["children"]] == [("230", 50.0), ("236", 10.0)]
    assert client.get(f"/api/v1/units/{world.gaya.pk}/network", **api_as(world.patna_coord)).status_code == 404


def test_dashboard_panel_and_unit_page_link(client, world):
    network_world(world)
    log_in(client, world.state_admin, "hi")
    dash = client.get(f"/reports/units/{world.bihar.pk}/").content.decode()
    panel = section(dash, "network-summary")
    assert "22,00,150" in panel and f'href="/network/unit/{world.bihar.pk}/"' in panel
    page = client.get(f"/units/{world.patna.pk}/").content.decode()
    assert f'href="/network/unit/{world.patna.pk}/"' in page
    # No handle in Lucknow: no panel.
    log_in(client, world.up_coord, "hi")
    assert 'id="network-summary"' not in client.get(f"/reports/units/{world.lucknow.pk}/").content.decode()
