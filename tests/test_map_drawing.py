"""The maps are light and readable on a phone: shapes simplified by our own Douglas-Peucker and
written as short relative steps; labels only where they fit, at least 12 px on a 360 px screen."""

import re

from sampark.reports import svg

PHONE_MAP_PX = 360 - 2 * 12  # a 360 px screen less main's padding


def test_simplify_drops_points_on_a_line_and_keeps_corners():
    line = [(0, 0), (1, 0.1), (2, -0.1), (3, 0), (3, 3), (0, 3)]
    assert svg.simplify(line, 0.5) == [(0, 0), (3, 0), (3, 3), (0, 3)]
    assert svg.simplify(line, 0.05) == line


def test_a_path_reads_back_to_its_points_within_a_tenth():
    pts = [(10.04, 20.0), (12.5, 19.96), (11.0, 25.31), (9.55, 22.0)]
    d = svg.path_data(pts)
    assert d.startswith("M10 20l") and d.endswith("z")
    numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", d)]
    x, y = numbers[0], numbers[1]
    back = [(x, y)]
    for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
        x, y = x + dx, y + dy
        back.append((x, y))
    assert all(abs(a - c) <= 0.06 and abs(b - e) <= 0.06 for (a, b), (c, e) in zip(back, pts, strict=True))


class _Unit:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


def _bihar_map():
    drawn, _h = svg.shapes(svg.DISTRICTS_FILE)
    units = {s.code: _Unit(i, s.name_hi) for i, s in enumerate(drawn)}
    return svg.choropleth(svg.DISTRICTS_FILE, units, {u.pk: u.pk for u in units.values()}, lambda u: f"/u/{u.pk}/",
                          "hi", "नक्शा")[0]


def test_labels_are_at_least_12_px_on_a_phone_and_the_rest_have_titles():
    html = _bihar_map()
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', html).group(1))
    size = float(re.search(r'class="labels" font-size="([\d.]+)"', html).group(1))
    assert size * PHONE_MAP_PX / view_width >= 12
    labels = re.findall(r"<text[^>]*>([^<]+)", html)
    assert 15 <= len(labels) < 38  # crowded small districts are left to their titles
    assert len(re.findall(r"<title>", html)) == 38


def test_no_two_labels_overlap():
    drawn, _h = svg.shapes(svg.DISTRICTS_FILE)
    placed = svg.place_labels([(s, s.name_hi) for s in drawn])
    boxes = []
    for s, lines in placed:
        w = max(svg.label_width(line, svg.LABEL_SIZE) for line in lines)
        h = svg.LABEL_SIZE * 1.2 * len(lines)
        boxes.append((s.cx - w / 2, s.cy - h / 2, s.cx + w / 2, s.cy + h / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_the_bihar_map_drawing_is_light():
    import gzip

    assert len(gzip.compress(_bihar_map().encode())) < 12 * 1024  # was about 30 KB
