"""Drawings of a unit's network, on the server as inline SVG (no JS library): a light line chart of
reach over the last months, and the map of the unit's children (a state's districts, a district's
assembly constituencies, matched to their shapes by code as the reports map is) coloured by coverage
(share of booths with a handle) or by growth over 30 days. Every text is escaped; numbers are
written with sampark.reports.svg.fmt (Indian grouping in Hindi)."""

from datetime import date

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sampark.network.selectors import Agg
from sampark.reports import svg

# Coverage: the share of booths with a handle, in fixed steps of a fifth.
COVERAGE_STEPS = [(0.1, 20), (20, 40), (40, 60), (60, 80), (80, 100)]
# Growth over 30 days, in %: a fall is blue, no change (or nothing to compare) grey, a rise orange.
FALL = "#6baed6"
GROWTH_STEPS = [(0.1, 5), (5, 10), (10, 25), (25, 50), (50, None)]


# --- line chart -----------------------------------------------------------------------------------

def line_chart(points: list[tuple[date, int]], lang: str, title: str, width: int = svg.DRAW_WIDTH,
               height: int = 150) -> str:
    """A line through [(day, value)] with a dot and a tooltip per point; the largest value and the
    first and last dates are labelled. Drawn as wide as a phone, so its 12-unit labels read at
    about 12 px there."""
    pad_l, pad_r, pad_b, pad_t = 8, 8, 22, 20
    top = max((v for _d, v in points), default=0)
    scale_top = top or 1
    cw, ch = width - pad_l - pad_r, height - pad_b - pad_t
    step = cw / (len(points) - 1) if len(points) > 1 else 0
    xy = [(pad_l + i * step if len(points) > 1 else pad_l + cw / 2, pad_t + ch - ch * v / scale_top)
          for i, (_d, v) in enumerate(points)]
    parts = [f'<svg class="chart line-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{pad_l}" y1="{pad_t + ch}" x2="{width - pad_r}" y2="{pad_t + ch}" stroke="#999"/>']
    if len(xy) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#c2410c" stroke-width="2" '
                     'stroke-linejoin="round"/>')
    for (x, y), (day, v) in zip(xy, points, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#c2410c"><title>'
                     f'{escape(day.isoformat())}: {escape(svg.fmt(v, lang))}</title></circle>')
    parts.append(f'<text x="{pad_l}" y="13" font-size="12" fill="#444">{escape(svg.fmt(top, lang))}</text>')
    if points:
        parts.append(f'<text x="{pad_l}" y="{height - 6}" font-size="12" fill="#444">'
                     f'{escape(points[0][0].isoformat())}</text>')
        parts.append(f'<text x="{width - pad_r}" y="{height - 6}" font-size="12" fill="#444" text-anchor="end">'
                     f'{escape(points[-1][0].isoformat())}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped or a number


# --- map ------------------------------------------------------------------------------------------

def _pct_text(v: float) -> str:
    return f"{v:g}%"


def coverage_colour(share: float | None) -> str:
    if not share:
        return svg.ZERO
    for i, (_lo, hi) in enumerate(COVERAGE_STEPS):
        if share <= hi:
            return svg.PALETTE[i]
    return svg.PALETTE[-1]


def growth_colour(pct: float | None) -> str:
    if pct is None or pct == 0:
        return svg.ZERO
    if pct < 0:
        return FALL
    for i, (_lo, hi) in enumerate(GROWTH_STEPS):
        if hi is None or pct <= hi:
            return svg.PALETTE[i]
    return svg.PALETTE[-1]


def legend(by: str) -> list[tuple[str, str]]:
    """[(colour, what it means)] for the map's key."""
    if by == "growth":
        rows = [(FALL, _("Fell")), (svg.ZERO, _("No change or no count 30 days ago"))]
        for i, (lo, hi) in enumerate(GROWTH_STEPS):
            rows.append((svg.PALETTE[i], f"{lo:g}% – {hi:g}%" if hi else f"> {lo:g}%"))
        return rows
    rows = [(svg.ZERO, _("No booth with a handle"))]
    rows += [(svg.PALETTE[i], f"{lo:g}% – {hi:g}%") for i, (lo, hi) in enumerate(COVERAGE_STEPS)]
    return rows


def child_value(row: dict, by: str) -> float | None:
    """What colours a child: its coverage % (booths with a handle), or its growth % over 30 days."""
    return (row["agg"] or Agg()).growth_30_pct if by == "growth" else row["share"]


def network_map(unit, children_rows: list[dict], by: str, link, lang: str, title: str) -> str:
    """The children's map as inline SVG, or "" when this unit's children have no shapes."""
    filename, by_code = svg.map_source(unit, [r["unit"] for r in children_rows])
    if not by_code:
        return ""
    rows = {r["unit"].pk: r for r in children_rows}
    codes = tuple(sorted(by_code)) if filename == svg.CONSTITUENCIES_FILE else None
    drawn, height = svg.shapes(filename, codes)
    if not drawn:
        return ""
    colour = growth_colour if by == "growth" else coverage_colour
    parts = [f'<svg class="map" viewBox="0 0 {svg.DRAW_WIDTH} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
             '<g stroke="#fff" stroke-width=".6">']
    named = []
    for s in drawn:
        u = by_code.get(s.code)
        if u is None:
            name = s.name_hi if lang.startswith("hi") and s.name_hi else (s.name_en or s.name_hi)
            parts.append(f'<path d="{s.d}" fill="{svg.NO_UNIT}"><title>{escape(name)}</title></path>')
            continue
        v = child_value(rows[u.pk], by)
        shown = _pct_text(v) if v is not None else "–"
        parts.append(f'<a href="{escape(link(u))}"><path d="{s.d}" fill="{colour(v)}" data-unit="{u.pk}" '
                     f'data-value="{"" if v is None else v}"><title>{escape(u.name)}: {escape(shown)}</title>'
                     '</path></a>')
        named.append((s, u.name))
    parts.append("</g>")
    placed = svg.place_labels(named)
    if placed:
        parts.append(f'<g class="labels" font-size="{svg.LABEL_SIZE}" text-anchor="middle" '
                     'dominant-baseline="central" fill="#1c1917" stroke="#fff" stroke-width="3" '
                     'stroke-opacity=".8" paint-order="stroke" pointer-events="none">')
        for s, lines in placed:
            x = f"{s.cx:.0f}"
            if len(lines) == 1:
                parts.append(f'<text x="{x}" y="{s.cy:.0f}">{escape(lines[0])}</text>')
            else:
                parts.append(f'<text x="{x}" y="{s.cy - svg.LABEL_SIZE * 0.6:.0f}">{escape(lines[0])}'
                             f'<tspan x="{x}" dy="1.2em">{escape(lines[1])}</tspan></text>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names escaped, numbers formatted
