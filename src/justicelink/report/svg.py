"""Small charts as inline SVG.

Drawn here rather than with a plotting library: the report must be one file that opens
offline, with no script and no fonts to fetch, and these two chart shapes (lines over years,
horizontal bars) need only a few dozen lines of geometry. A hidden (suppressed) value is never
drawn as zero: a line skips it and a bar says "suppressed".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#6b6b6b")
# Average width of a character of the 11-12 px labels, for laying text out without a font.
_CHAR = 6.8


def _nice_max(value: float) -> float:
    """A round number at or above ``value`` for the top of an axis."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step > value:
        step /= 10
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 2.5, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def fmt(value: float, percent: bool) -> str:
    """A value as a chart shows it."""
    if percent:
        if value == 0:
            return "0%"
        return f"{value * 100:.0f}%" if value * 100 >= 10 else f"{value * 100:.1f}%"
    if value >= 100 or float(value).is_integer():  # a count of 40 reads "40", not "40.0"
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 1 or value == 0 else f"{value:.2g}"


def _legend(names: Sequence[str], left: float, width: float, top: float) -> tuple[list[str], float]:
    """Legend entries laid out in rows that fit ``width``; returns the SVG and its height."""
    out, x, y = [], left, top
    for n, name in enumerate(names):
        room = 17 + len(name) * _CHAR + 18
        if x > left and x + room > left + width:
            x, y = left, y + 18
        colour = PALETTE[n % len(PALETTE)]
        out.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 17:.1f}" y="{y + 1:.1f}" class="legend">{escape(name)}</text>'
        )
        x += room
    return out, y - top + 18


def line_chart(
    series: Mapping[str, Mapping[str, float | None]],
    *,
    title: str,
    percent: bool = False,
    width: int = 560,
    height: int = 240,
    integer: bool = False,
) -> str:
    """Lines over periods (x: the union of the periods, in order).

    Args:
        series: Series name -> period -> value; None is a hidden value (a gap in the line,
            marked with a × on the axis and a "suppressed" tooltip).
        title: Read out by screen readers and shown as a tooltip.
        percent: Values are shares; label the axis in percent.
        integer: Values are counts; the axis is ticked at whole numbers.
    """
    periods = sorted({p for values in series.values() for p in values})
    shown = [v for s in series.values() for v in s.values() if v is not None]
    if not periods:
        return f'<p class="empty">No published data for “{escape(title)}”.</p>'
    if not shown:
        return f'<p class="empty">Every value of “{escape(title)}” shown here is suppressed.</p>'
    top_value = _nice_max(max(shown))
    parts = 4
    if integer:  # a count axis ticked 12.5, 25, 37.5 would read as fractions of a person
        top_value = max(1.0, float(int(-(-top_value // 1))))
        parts = next(k for k in (4, 5, 3, 2, 1) if top_value % k == 0)
    ticks = [top_value * k / parts for k in range(parts + 1)]
    left = 14 + _CHAR * max(len(fmt(t, percent)) for t in ticks)
    right, top = 18, 14
    legend, legend_h = _legend(list(series), left, width - left - right, 0)
    plot_w, plot_h = width - left - right, height - top - 30
    total_h = height + legend_h + 8
    step = plot_w / max(len(periods) - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if len(periods) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - v / top_value * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_h:.0f}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e3e3e3"/><text x="{left - 6:.1f}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end" class="axis">{fmt(tick, percent)}</text>'
        )
    label = max(len(p) for p in periods) * _CHAR + 8
    every = max(1, int(len(periods) * label // plot_w) + 1)
    for i, period in enumerate(periods):
        if i % every == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 17}" text-anchor="middle" '
                f'class="axis">{escape(period)}</text>'
            )
    hidden = False
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        run: list[str] = []
        for i, p in enumerate([*periods, None]):
            value: float | None = values.get(p) if p is not None else None
            if value is None:
                if p is not None and p in values:  # hidden, not absent: marked, not zero
                    hidden = True
                    shift = (n - (len(series) - 1) / 2) * 9  # series side by side
                    out.append(
                        f'<text x="{x(i) + shift:.1f}" y="{top + plot_h - 4:.1f}" '
                        f'text-anchor="middle" class="hidden" fill="{colour}">×<title>'
                        f"{escape(name)}, {escape(str(p))}: suppressed</title></text>"
                    )
                if len(run) > 1:
                    out.append(
                        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                        'stroke-width="2.2"/>'
                    )
                run = []
                continue
            run.append(f"{x(i):.1f},{y(value):.1f}")
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3.2" fill="{colour}"><title>'
                f"{escape(name)}, {escape(str(p))}: {fmt(value, percent)}</title></circle>"
            )
    out.append(f'<g transform="translate(0 {height + 4})">')
    out += legend
    out.append("</g>")
    if hidden:
        out.append(
            f'<text x="{width - right}" y="{top - 2}" text-anchor="end" class="legend">'
            "× on the axis: suppressed (not zero)</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def bar_chart(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str,
    percent: bool = False,
    width: int = 560,
) -> str:
    """Horizontal bars, one per label, in the order given; None is a hidden value."""
    values = [v for _, v in bars if v is not None]
    if not bars:
        return f'<p class="empty">No published data for “{escape(title)}”.</p>'
    label_w = min(260.0, 12 + _CHAR * max(len(label) for label, _ in bars))
    bar_h, gap = 18, 7
    height = len(bars) * (bar_h + gap) + 10
    top_value = _nice_max(max(values, default=1.0))
    scale = (width - label_w - 80) / top_value
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    room = int((label_w - 12) / _CHAR)
    for i, (label, value) in enumerate(bars):
        yy = 5 + i * (bar_h + gap)
        short = label if len(label) <= room else label[: room - 1] + "…"
        out.append(
            f'<text x="{label_w - 8:.1f}" y="{yy + 13}" text-anchor="end" class="axis">'
            f"{escape(short)}<title>{escape(label)}</title></text>"
        )
        if value is None:
            out.append(
                f'<text x="{label_w + 4:.1f}" y="{yy + 13}" class="hidden">suppressed</text>'
            )
            continue
        out.append(
            f'<rect x="{label_w:.1f}" y="{yy}" width="{max(value * scale, 1):.1f}" '
            f'height="{bar_h}" fill="{PALETTE[0]}"><title>{escape(label)}: '
            f"{fmt(value, percent)}</title></rect>"
            f'<text x="{label_w + value * scale + 6:.1f}" y="{yy + 13}" class="value">'
            f"{fmt(value, percent)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)
