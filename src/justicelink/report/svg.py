"""Small charts as inline SVG.

Drawn here rather than with a plotting library: the report must be one file that opens
offline, with no script and no fonts to fetch, and these two chart shapes (lines over years,
horizontal bars) need only a few dozen lines of geometry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5")


def _nice_max(value: float) -> float:
    """A round number at or above ``value`` for the top of an axis."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 2.5, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%" if value * 100 >= 10 else f"{value * 100:.1f}%"
    return f"{value:,.0f}" if value >= 100 else f"{value:.2g}" if value < 1 else f"{value:.1f}"


def line_chart(
    series: Mapping[str, Mapping[str, float]],
    *,
    title: str,
    percent: bool = False,
    width: int = 560,
    height: int = 260,
    legend_columns: int = 3,
) -> str:
    """Lines over periods (x: the union of the periods, in order).

    Args:
        series: Series name -> period -> value.
        title: Read out by screen readers and shown as a tooltip.
        percent: Values are shares; label the axis in percent.
    """
    periods = sorted({p for values in series.values() for p in values})
    if not periods:
        return f'<p class="empty">No data for “{escape(title)}”.</p>'
    cols = legend_columns
    left, right, top, bottom = 52, 16, 14, 46 + 18 * ((len(series) + cols - 1) // cols)
    height += 18 * ((len(series) + cols - 1) // cols)
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for s in series.values() for v in s.values()), default=0))
    step = plot_w / max(len(periods) - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if len(periods) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - v / top_value * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        value = top_value * k / 4
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#e3e3e3"/><text x="{left - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end" class="axis">{_fmt(value, percent)}</text>'
        )
    every = max(1, len(periods) // 8)
    for i, period in enumerate(periods):
        last = i == len(periods) - 1 and (len(periods) - 1) % every > every // 2
        if i % every == 0 or last:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'class="axis">{escape(period)}</text>'
            )
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [(x(i), y(values[p]), p, values[p]) for i, p in enumerate(periods) if p in values]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.2"/>')
        for px, py, period, value in points:
            out.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.2" fill="{colour}"><title>'
                f"{escape(name)}, {escape(period)}: {_fmt(value, percent)}</title></circle>"
            )
        lx = left + (n % cols) * (plot_w / cols)
        ly = top + plot_h + 34 + 18 * (n // cols)
        room = int(plot_w / cols / 6.5)  # characters that fit in a legend column
        shown = name if len(name) <= room else name[: room - 1] + "…"
        out.append(
            f'<rect x="{lx:.1f}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{lx + 17:.1f}" y="{ly + 1}" class="legend">{escape(shown)}'
            f"<title>{escape(name)}</title></text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    percent: bool = False,
    width: int = 560,
) -> str:
    """Horizontal bars, one per label, in the order given."""
    if not bars:
        return f'<p class="empty">No data for “{escape(title)}”.</p>'
    label_w, bar_h, gap = 210, 18, 7
    height = len(bars) * (bar_h + gap) + 10
    top_value = _nice_max(max(v for _, v in bars))
    scale = (width - label_w - 70) / top_value
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(bars):
        yy = 5 + i * (bar_h + gap)
        short = label if len(label) <= 34 else label[:33] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{yy + 13}" text-anchor="end" class="axis">'
            f"{escape(short)}<title>{escape(label)}</title></text>"
            f'<rect x="{label_w}" y="{yy}" width="{max(value * scale, 1):.1f}" '
            f'height="{bar_h}" fill="{PALETTE[0]}"><title>{escape(label)}: '
            f"{_fmt(value, percent)}</title></rect>"
            f'<text x="{label_w + value * scale + 6:.1f}" y="{yy + 13}" class="value">'
            f"{_fmt(value, percent)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)
