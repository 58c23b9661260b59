"""Server-side SVG: a choropleth map of Missouri's counties and simple trend charts.

No tile server, no script: the map is drawn from the simplified county boundaries shipped in
``beacon.core`` with the shared projection of ``beacon.core.svgmap``.  Every county is a ``<path>`` with a
``<title>`` (hover text), and pages show the same figures in a table beside the map.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from beacon.core.svgmap import Projection, county_paths, path_data

# ColorBrewer "YlOrRd" (5 classes) and a grey for "no data".
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NO_DATA = "#d9d9d9"
MAP_WIDTH = 720


@dataclass(frozen=True)
class Feature:
    fips: str
    name: str
    geometry: dict[str, Any] | None = None  # None: the county's shared outline (``core.svgmap.county_paths``)


def breaks(values: Sequence[float], classes: int = len(PALETTE)) -> list[float]:
    """Quantile class breaks (upper bounds of all but the last class), distinct and ascending."""
    data = sorted(values)
    if not data:
        return []
    cuts = []
    for k in range(1, classes):
        idx = min(len(data) - 1, max(0, math.ceil(k * len(data) / classes) - 1))
        cuts.append(data[idx])
    return sorted(set(cuts))


def colour(value: float | None, cuts: Sequence[float]) -> str:
    if value is None:
        return NO_DATA
    for k, cut in enumerate(cuts):
        if value <= cut:
            return PALETTE[k]
    return PALETTE[min(len(cuts), len(PALETTE) - 1)]


def choropleth(
    features: Sequence[Feature],
    values: dict[str, float | None],
    *,
    title: str,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    highlight: set[str] | None = None,
    width: int = MAP_WIDTH,
) -> SafeString:
    projection = Projection.fit(width)
    height = projection.height
    outlines = {c.fips: c.d for c in county_paths(projection)}
    present = [v for v in values.values() if v is not None]
    cuts = breaks(present)
    legend_h = 22 * (len(cuts) + 2) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="outreach-map" role="img" viewBox="0 0 {width + 190} '
        f'{max(height, legend_h):.0f}" aria-labelledby="map-title"><title id="map-title">{escape(title)}</title>',
        '<g class="counties" stroke="#555" stroke-width="0.6">',
    ]
    for f in features:
        value = values.get(f.fips)
        text = f"{f.name}: {fmt(value) if value is not None else 'no data'}"
        extra = ' stroke="#000" stroke-width="2.2"' if highlight and f.fips in highlight else ""
        out.append(
            f'<path d="{path_data(f.geometry, projection) if f.geometry else outlines.get(f.fips, "")}" fill="{colour(value, cuts)}" data-fips="{f.fips}"{extra}>'
            f"<title>{escape(text)}</title></path>"
        )
    out.append("</g>")
    # Legend
    x0 = width + 15
    out.append(f'<g class="legend" font-size="12" font-family="sans-serif"><text x="{x0}" y="16" font-weight="bold">'
               f"{escape(title[:28])}</text>")
    lows = [min(present)] + list(cuts) if present else []
    labels = []
    for k in range(len(cuts) + 1 if present else 0):
        lo = lows[k]
        hi = cuts[k] if k < len(cuts) else max(present)
        labels.append((PALETTE[min(k, len(PALETTE) - 1)], f"{'>' if k else ''}{fmt(lo)} – {fmt(hi)}"))
    labels.append((NO_DATA, "no data"))
    for k, (fill, label) in enumerate(labels):
        y = 30 + 22 * k
        out.append(f'<rect x="{x0}" y="{y}" width="16" height="16" fill="{fill}" stroke="#555"/>'
                   f'<text x="{x0 + 22}" y="{y + 13}">{escape(label)}</text>')
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


LINE_COLOURS = ("#005ea2", "#d83933", "#00a91c", "#936f38", "#8168b3")


def line_chart(
    months: Sequence[str],
    series: dict[str, Sequence[int | None]],
    *,
    title: str,
    width: int = 720,
    height: int = 260,
    point_label: Callable[[str, int | None], str] | None = None,
    font_size: int = 11,
    legend: bool = True,
    tick_label: Callable[[str], str] | None = None,
    tick_step: int | None = None,
) -> SafeString:
    """Monthly series as lines; a ``None`` point (unknown or suppressed) breaks the line.

    For a chart read on a phone, give a narrow ``width`` and a large ``font_size``: the SVG
    scales to the screen, so text renders at about ``font_size * screen width / width`` pixels.
    """
    left, right, top, bottom = 50, 150, 25, 40
    if font_size != 11 or not legend:
        left, bottom = int(font_size * 3.5), int(font_size * 2.4)
        right = 150 if legend else font_size * 2
        top = max(top, font_size + 4)
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([v for vs in series.values() for v in vs if v is not None] or [1])
    top_value = max(1, top_value)
    n = max(1, len(months) - 1)

    def xy(k: int, v: int) -> tuple[float, float]:
        return left + plot_w * k / n, top + plot_h * (1 - v / top_value)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="outreach-chart" role="img" viewBox="0 0 {width} {height}" '
           f'font-family="sans-serif" font-size="{font_size}"><title>{escape(title)}</title>',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
           f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{top_value}</text>',
           f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>']
    step = tick_step or max(1, len(months) // 12)
    tick = tick_label or (lambda m: m)
    for k, m in enumerate(months):
        if k % step == 0:
            x, _ = xy(k, 0)
            out.append(f'<text x="{x:.1f}" y="{top + plot_h + font_size + 5}" text-anchor="middle">{escape(tick(m))}</text>')
    label = point_label or (lambda m, v: f"{m}: {v if v is not None else 'not shown'}")
    for s, (name, values) in enumerate(series.items()):
        col = LINE_COLOURS[s % len(LINE_COLOURS)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for k, v in enumerate(values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x, y = xy(k, v)
            segment.append(f"{x:.1f},{y:.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            out.append(f'<polyline fill="none" stroke="{col}" stroke-width="2" points="{" ".join(seg)}"/>')
        for k, v in enumerate(values):
            if v is not None:
                x, y = xy(k, v)
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{col}"><title>'
                           f"{escape(name)}, {escape(label(months[k], v))}</title></circle>")
        if not legend:
            continue
        ly = top + 16 * s
        out.append(f'<rect x="{width - right + 12}" y="{ly}" width="12" height="12" fill="{col}"/>'
                   f'<text x="{width - right + 28}" y="{ly + 10}">{escape(name)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above
