"""Inline SVG drawn on the server: the dashboard's bar chart and the shaded map. No JS library, no
map tiles: the map's shapes come from the GeoJSON shipped in sampark/data, projected simply
(longitude scaled by the cosine of the middle latitude), and their path strings are cached."""

import math
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

@dataclass(frozen=True)
class Shape:
    code: str
    name_hi: str
    name_en: str
    d: str  # SVG path in the projected frame
    cx: float
    cy: float


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


@lru_cache(maxsize=64)
def shapes(filename: str, codes: tuple[str, ...] | None = None, width: int = 600) -> tuple[tuple[Shape, ...], int]:
    """Projected shapes of a file (all, or only those with the given codes) and the drawing height."""
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
        d, best, best_len = [], None, -1
        for poly in polys:
            for ring in poly:
                pts = [((lon * k - x0) * scale + pad, (y1 - lat) * scale + pad) for lon, lat in ring]
                d.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z")
                if len(pts) > best_len:
                    best, best_len = pts, len(pts)
        cx = sum(x for x, _y in best) / len(best)
        cy = sum(y for _x, y in best) / len(best)
        out.append(Shape(code, hi, en, "".join(d), cx, cy))
    return tuple(out), height


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
    parts = [f'<svg class="map" viewBox="0 0 600 {height}" width="100%" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    label_parts = []
    for s in drawn:
        unit = units_by_code.get(s.code)
        name = unit.name if unit else pick(s.name_hi, s.name_en, lang)
        if unit is None:
            parts.append(f'<path d="{s.d}" fill="{NO_UNIT}" stroke="#fff" stroke-width="0.7">'
                         f'<title>{escape(name)}</title></path>')
            continue
        v = values.get(unit.pk, 0)
        parts.append(f'<a href="{escape(link(unit))}"><path d="{s.d}" fill="{colour(v, ranges)}" stroke="#fff" '
                     f'stroke-width="0.7" data-unit="{unit.pk}" data-value="{v}"><title>{escape(name)}: '
                     f'{escape(fmt(v, lang))}</title></path></a>')
        if labels:
            label_parts.append(f'<text x="{s.cx:.1f}" y="{s.cy:.1f}" font-size="9" text-anchor="middle" '
                               f'fill="#1c1917" pointer-events="none">{escape(name)}</text>')
    parts.extend(label_parts)
    parts.append("</svg>")
    legend = [(ZERO, 0, 0)] + [(PALETTE[i], lo, hi) for i, (lo, hi) in enumerate(ranges)]
    return mark_safe("".join(parts)), legend  # noqa: S308 - names escaped, numbers formatted
