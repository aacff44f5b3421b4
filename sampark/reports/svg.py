"""Inline SVG drawn on the server: the dashboard's bar chart and the shaded map. No JS library, no
map tiles: the map's shapes come from the GeoJSON shipped in sampark/data, projected simply
(longitude scaled by the cosine of the middle latitude), simplified to what a phone can show, and
their path strings are cached. Labels are drawn only where they fit, at a size readable on a phone."""

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from sampark.core.datafiles import DataFileError, read_json
from sampark.core.names import pick
from sampark.core.text import indian_grouping

DISTRICTS_FILE = "bihar_districts.geojson"
CONSTITUENCIES_FILE = "bihar_assembly_constituencies.geojson"
# Light to dark, for "few" to "many".
PALETTE = ["#fee6ce", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"]
ZERO = "#f5f5f4"
NO_UNIT = "#d6d3d1"


def fmt(n, lang: str) -> str:
    n = int(n)
    return indian_grouping(n) if lang.startswith("hi") else f"{n:,}"


# --- chart ----------------------------------------------------------------------------------------

def bar_chart(points: list[tuple], lang: str, title: str, width: int = 600, height: int = 170) -> str:
    """Bars for [(bucket date, value)], with the largest value and the first and last dates labelled."""
    pad_l, pad_b, pad_t = 8, 22, 18
    n = max(1, len(points))
    top = max((v for _d, v in points), default=0) or 1
    bw = (width - pad_l * 2) / n
    ch = height - pad_b - pad_t
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{pad_l}" y1="{pad_t + ch}" x2="{width - pad_l}" y2="{pad_t + ch}" stroke="#999"/>']
    for i, (day, v) in enumerate(points):
        h = ch * v / top
        x = pad_l + i * bw
        parts.append(f'<rect x="{x + bw * 0.1:.1f}" y="{pad_t + ch - h:.1f}" width="{max(bw * 0.8, 1):.1f}" '
                     f'height="{h:.1f}" fill="#c2410c"><title>{day.isoformat()}: {fmt(v, lang)}</title></rect>')
    parts.append(f'<text x="{pad_l}" y="12" font-size="12" fill="#444">{escape(fmt(top if any(v for _d, v in points) else 0, lang))}</text>')
    if points:
        parts.append(f'<text x="{pad_l}" y="{height - 6}" font-size="12" fill="#444">{points[0][0].isoformat()}</text>')
        parts.append(f'<text x="{width - pad_l}" y="{height - 6}" font-size="12" fill="#444" '
                     f'text-anchor="end">{points[-1][0].isoformat()}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped or a number


# --- map ------------------------------------------------------------------------------------------

# The map is drawn in a frame as wide as a phone's screen, so a font size here is very nearly the
# size on a 360 px phone: main's padding leaves the map 336 px of the 360, and 13 * 336 / 360 is
# just over 12 px. On a wider screen the whole drawing, labels included, scales up.
DRAW_WIDTH = 360
LABEL_SIZE = 13
# Points closer than this (in the frame's units, about a pixel on a phone) to the line through
# their neighbours are dropped (Douglas-Peucker), and coordinates are written to 0.1 as steps from
# the previous point: the Bihar map's shapes weigh a quarter of what they did.
SIMPLIFY = 0.5


@dataclass(frozen=True)
class Shape:
    code: str
    name_hi: str
    name_en: str
    d: str  # SVG path in the projected frame
    cx: float  # where a label goes: the centroid of the largest ring
    cy: float
    w: float  # the largest ring's bounding box, to know whether a label fits
    h: float
    area: float


def _norm(code) -> str:
    s = str(code).strip()
    return s.lstrip("0") or s


@lru_cache(maxsize=4)
def _features(filename: str) -> tuple:
    data = read_json(filename)
    out = []
    try:
        for f in data["features"]:
            p = f["properties"]
            code = p.get("census2011_district_code", p.get("ac_no"))
            geom = f["geometry"]
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            out.append((_norm(code), p.get("name_hi") or "", p.get("name_en") or "", polys))
    except (KeyError, TypeError) as exc:
        raise DataFileError(f"Data file {filename} is not the GeoJSON of polygons the maps expect ({exc!r}).") from exc
    return tuple(out)



def map_source(unit, children) -> tuple[str, dict]:
    """Which GeoJSON draws this unit's children (units), and {shape code: child unit}: a state's
    districts by census code, a district's constituencies by number."""
    by_code = {_norm(c.code): c for c in children if c.code}
    if not by_code:
        return "", {}
    for filename in (DISTRICTS_FILE, CONSTITUENCIES_FILE):
        known = {f[0] for f in _features(filename)}
        matched = {c: u for c, u in by_code.items() if c in known}
        if matched and (unit.level.code == "state") == (filename == DISTRICTS_FILE):
            return filename, matched
    return "", {}

def simplify(pts: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: keep the ends, then, between two kept points, the point farthest from the
    line joining them while it is farther than ``tolerance``."""
    if len(pts) < 4:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        far, far_i = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            dist = abs(dy * (px - ax) - dx * (py - ay)) / length if length else math.hypot(px - ax, py - ay)
            if dist > far:
                far, far_i = dist, i
        if far > tolerance:
            keep[far_i] = True
            stack += [(a, far_i), (far_i, b)]
    return [p for p, k in zip(pts, keep, strict=True) if k]


def _num(tenths: int) -> str:
    """A coordinate in tenths, written short: 12, 1.5, .5, -.5."""
    sign, tenths = ("-" if tenths < 0 else ""), abs(tenths)
    whole, frac = divmod(tenths, 10)
    text = (str(whole) if whole else "") + (f".{frac}" if frac else "")
    return sign + (text or "0")


def path_data(pts: list[tuple[float, float]]) -> str:
    """A closed ring as an SVG path: the first point, then relative steps, to a tenth of a unit."""
    q = [(round(x * 10), round(y * 10)) for x, y in pts]
    out = [f"M{_num(q[0][0])} {_num(q[0][1])}l"]
    px, py = q[0]
    first = True
    for x, y in q[1:]:
        if (x, y) == (px, py):
            continue
        a, b = _num(x - px), _num(y - py)
        out.append(("" if first or a.startswith("-") else " ") + a + ("" if b.startswith("-") else " ") + b)
        px, py, first = x, y, False
    return "".join(out) + "z"


def _ring_stats(pts) -> tuple[float, float, float]:
    """(area, centroid x, centroid y) of a ring (the shoelace formula)."""
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(a) < 1e-9:
        return 0.0, sum(x for x, _y in pts) / len(pts), sum(y for _x, y in pts) / len(pts)
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


@lru_cache(maxsize=64)
def shapes(filename: str, codes: tuple[str, ...] | None = None,
           width: int = DRAW_WIDTH) -> tuple[tuple[Shape, ...], int]:
    """Projected, simplified shapes of a file (all, or only those with the given codes) and the
    drawing height."""
    feats = [f for f in _features(filename) if codes is None or f[0] in codes]
    if not feats:
        return (), 0
    lons = [x for f in feats for poly in f[3] for ring in poly for x, _y in ring]
    lats = [y for f in feats for poly in f[3] for ring in poly for _x, y in ring]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    x0, x1, y0, y1 = min(lons) * k, max(lons) * k, min(lats), max(lats)
    pad = 4
    scale = (width - 2 * pad) / ((x1 - x0) or 1)
    height = int((y1 - y0) * scale + 2 * pad)
    out = []
    for code, hi, en, polys in feats:
        d, best, best_area, total = [], None, -1.0, 0.0
        for poly in polys:
            for ring in poly:
                pts = simplify([((lon * k - x0) * scale + pad, (y1 - lat) * scale + pad) for lon, lat in ring],
                               SIMPLIFY)
                if len(pts) < 3:
                    continue
                d.append(path_data(pts))
                area, cx, cy = _ring_stats(pts)
                total += area
                if area > best_area:
                    best, best_area = (pts, cx, cy), area
        if best is None:
            continue
        pts, cx, cy = best
        xs, ys = [x for x, _y in pts], [y for _x, y in pts]
        out.append(Shape(code, hi, en, "".join(d), cx, cy, max(xs) - min(xs), max(ys) - min(ys), total))
    return tuple(out), height


def label_width(text: str, size: float) -> float:
    """About how wide a label is drawn: letters and vowel signs that take room, not those above
    or below the line (combining marks), at a little over half the font size each."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 0.6 for ch in text) * size


def _layouts(name: str) -> list[list[str]]:
    """A label on one line, or, for a name of several words, on two lines split near the middle."""
    words = name.split()
    if len(words) < 2:
        return [[name]]
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return [[name], [" ".join(words[:cut]), " ".join(words[cut:])]]


def place_labels(items: list[tuple[Shape, str]], size: float = LABEL_SIZE) -> list[tuple[Shape, list[str]]]:
    """The labels that fit, as their lines: largest shapes first, each inside its own shape's box
    and clear of the labels already placed. The others are named by their shape's title."""
    placed, boxes = [], []
    for shape, name in sorted(items, key=lambda it: -it[0].area):
        for lines in _layouts(name):
            w, h = max(label_width(line, size) for line in lines), size * 1.2 * len(lines)
            if w > shape.w * 1.1 or h > shape.h:
                continue
            box = (shape.cx - w / 2 - 1, shape.cy - h / 2 - 1, shape.cx + w / 2 + 1, shape.cy + h / 2 + 1)
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
                continue
            boxes.append(box)
            placed.append((shape, lines))
            break
    return placed


def _label(shape: Shape, lines: list[str]) -> str:
    if len(lines) == 1:
        return f'<text x="{shape.cx:.0f}" y="{shape.cy:.0f}">{escape(lines[0])}</text>'
    x = f"{shape.cx:.0f}"
    return (f'<text x="{x}" y="{shape.cy - LABEL_SIZE * 0.6:.0f}">{escape(lines[0])}'
            f'<tspan x="{x}" dy="1.2em">{escape(lines[1])}</tspan></text>')


def classes(values: list[int]) -> list[tuple[int, int]]:
    """Five equal ranges from 1 to the largest value, as (low, high) pairs."""
    top = max(values, default=0)
    if top <= 0:
        return []
    step = max(1, math.ceil(top / len(PALETTE)))
    return [(1 + i * step, min(top, (i + 1) * step)) for i in range(len(PALETTE)) if 1 + i * step <= top]


def colour(v: int, ranges: list[tuple[int, int]]) -> str:
    if not v:
        return ZERO
    for i, (_lo, hi) in enumerate(ranges):
        if v <= hi:
            return PALETTE[i]
    return PALETTE[-1]


def choropleth(filename: str, units_by_code: dict, values: dict, link, lang: str, title: str,
               only_matched: bool = False, labels: bool = True) -> tuple[str, list]:
    """The map as inline SVG and its legend [(colour, low, high)]. `units_by_code` maps a shape's code
    to the unit drawn there; `values` maps unit id to the measure; `link(unit)` gives its URL."""
    codes = tuple(sorted(units_by_code)) if only_matched else None
    drawn, height = shapes(filename, codes)
    if not drawn:
        return "", []
    ranges = classes([values.get(u.pk, 0) for u in units_by_code.values()])
    parts = [f'<svg class="map" viewBox="0 0 {DRAW_WIDTH} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
             '<g stroke="#fff" stroke-width=".6">']
    named = []
    for s in drawn:
        unit = units_by_code.get(s.code)
        name = unit.name if unit else pick(s.name_hi, s.name_en, lang)
        if unit is None:
            parts.append(f'<path d="{s.d}" fill="{NO_UNIT}"><title>{escape(name)}</title></path>')
            continue
        v = values.get(unit.pk, 0)
        parts.append(f'<a href="{escape(link(unit))}"><path d="{s.d}" fill="{colour(v, ranges)}" '
                     f'data-unit="{unit.pk}" data-value="{v}"><title>{escape(name)}: '
                     f'{escape(fmt(v, lang))}</title></path></a>')
        named.append((s, name))
    parts.append("</g>")
    if labels and named:
        parts.append(f'<g class="labels" font-size="{LABEL_SIZE}" text-anchor="middle" dominant-baseline="central" '
                     'fill="#1c1917" stroke="#fff" stroke-width="3" stroke-opacity=".8" paint-order="stroke" '
                     'pointer-events="none">')
        parts.extend(_label(s, lines) for s, lines in place_labels(named))
        parts.append("</g>")
    parts.append("</svg>")
    legend = [(ZERO, 0, 0)] + [(PALETTE[i], lo, hi) for i, (lo, hi) in enumerate(ranges)]
    return mark_safe("".join(parts)), legend  # noqa: S308 - names escaped, numbers formatted
