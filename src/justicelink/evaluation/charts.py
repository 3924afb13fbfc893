"""The evaluation report's two charts as inline SVG: balance, and time to first reoffence.

Drawn by hand for the reason :mod:`justicelink.report.svg` gives (one offline file, no
script); the shapes are a dot plot and two step lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from justicelink.evaluation.balance import SMD_LIMIT, Row
from justicelink.report.svg import PALETTE

_CHAR = 6.8


def love_plot(rows: Sequence[Row], *, title: str, width: int = 640) -> str:
    """Standardised mean differences before (hollow) and after matching (filled), per feature.

    The band of +-0.1 is shaded; a feature whose filled dot lies outside it is out of balance.
    """
    if not rows:
        return f'<p class="empty">No features for “{escape(title)}”.</p>'
    finite = [abs(v) for r in rows for v in (r.smd_before, r.smd_after) if abs(v) != float("inf")]
    top = max(0.25, min(2.0, max(finite, default=0.25) * 1.1))
    label_w = min(300.0, 12 + _CHAR * max(len(r.label) for r in rows))
    step, head = 16, 26
    height = head + step * len(rows) + 30
    plot_w = width - label_w - 20

    def x(v: float) -> float:
        v = max(-top, min(top, v))
        return label_w + (v + top) / (2 * top) * plot_w

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{x(-SMD_LIMIT):.1f}" y="{head - 6}" width="{x(SMD_LIMIT) - x(-SMD_LIMIT):.1f}" '
        f'height="{step * len(rows) + 6}" fill="#eef3e8"/>',
        f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{head - 6}" y2="{head + step * len(rows)}" '
        'stroke="#999"/>',
        f'<circle cx="{label_w + 6}" cy="10" r="4" fill="none" stroke="{PALETTE[1]}"/>'
        f'<text x="{label_w + 14}" y="14" class="legend">before matching</text>'
        f'<circle cx="{label_w + 140}" cy="10" r="4" fill="{PALETTE[0]}"/>'
        f'<text x="{label_w + 148}" y="14" class="legend">after matching</text>',
    ]
    room = int((label_w - 12) / _CHAR)
    for i, r in enumerate(rows):
        y = head + i * step + 5
        short = r.label if len(r.label) <= room else r.label[: room - 1] + "…"
        out.append(
            f'<text x="{label_w - 8:.1f}" y="{y + 4}" text-anchor="end" class="axis">'
            f"{escape(short)}<title>{escape(r.label)}</title></text>"
            f'<circle cx="{x(r.smd_before):.1f}" cy="{y}" r="4" fill="none" '
            f'stroke="{PALETTE[1]}"><title>before: {r.smd_before:+.3f}</title></circle>'
        )
        colour = PALETTE[0] if abs(r.smd_after) <= SMD_LIMIT else "#c00000"
        out.append(
            f'<circle cx="{x(r.smd_after):.1f}" cy="{y}" r="4" fill="{colour}">'
            f"<title>after: {r.smd_after:+.3f}</title></circle>"
        )
    base = head + step * len(rows) + 16
    for tick in (-top, -top / 2, 0.0, top / 2, top):
        out.append(
            f'<text x="{x(tick):.1f}" y="{base}" text-anchor="middle" class="axis">'
            f"{tick:+.2f}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def survival_chart(
    curves: Mapping[str, Sequence[tuple[int, float]]],
    *,
    title: str,
    horizon: int,
    width: int = 560,
    height: int = 240,
) -> str:
    """Share who have reoffended by each day (1 minus the Kaplan-Meier curve), one step line
    per group."""
    if not curves:
        return f'<p class="empty">No data for “{escape(title)}”.</p>'
    worst = max((1 - s for points in curves.values() for _, s in points), default=0.0)
    # A top at a multiple of 4 points puts the quarter gridlines on whole percentages.
    top = max(0.04, min(1.0, (int(worst * 25) + 1) / 25))
    left, right, upper, lower = 46, 16, 12, 34
    plot_w, plot_h = width - left - right, height - upper - lower

    def x(day: float) -> float:
        return left + day / horizon * plot_w

    def y(share: float) -> float:
        return upper + plot_h - share / top * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 22}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        share = top * k / 4
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(share):.1f}" y2="{y(share):.1f}" '
            f'stroke="#e3e3e3"/><text x="{left - 6}" y="{y(share) + 4:.1f}" text-anchor="end" '
            f'class="axis">{share * 100:.0f}%</text>'
        )
    for day in range(0, horizon + 1, 90):
        out.append(
            f'<text x="{x(day):.1f}" y="{upper + plot_h + 16}" text-anchor="middle" '
            f'class="axis">{day}</text>'
        )
    out.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{upper + plot_h + 30}" text-anchor="middle" '
        'class="axis">days since the index date</text>'
    )
    for n, (name, points) in enumerate(curves.items()):
        colour = PALETTE[n % len(PALETTE)]
        path: list[str] = []
        previous = 0.0
        for day, share in points:
            reoffended = 1 - share
            path.append(f"{x(day):.1f},{y(previous):.1f} {x(day):.1f},{y(reoffended):.1f}")
            previous = reoffended
        out.append(
            f'<polyline points="{" ".join(path)}" fill="none" stroke="{colour}" '
            f'stroke-width="2.2"><title>{escape(name)}</title></polyline>'
        )
        lx = left + 10 + n * 170
        out.append(
            f'<rect x="{lx}" y="{height + 6}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{lx + 17}" y="{height + 16}" class="legend">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
