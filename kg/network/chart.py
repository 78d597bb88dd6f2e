"""A small line chart as standalone SVG text: no plotting library, nothing fetched, every piece
of text escaped (labels can come from articles)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 60, 70, 44, 84  # room for slanted dates and the legend


def _x(i: int, n: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner / 2 if n == 1 else inner * i / (n - 1))


def _y(value: float, y_max: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / y_max)


COLOURS = ("#b2182b", "#777777", "#2166ac", "#1b7837")


def line_chart_svg(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    y_label: str,
    notes: Sequence[str] | None = None,
    y_max: float = 1.0,
) -> str:
    """An SVG line chart of one or more ``series`` (name -> values; None leaves a gap) over the
    x ``labels``; the first series is drawn solid with points, the others dashed, with a legend.

    ``notes`` (one per x label) become the first series' point tooltips. Returns the SVG text.

    Examples
    --------
    >>> svg = line_chart_svg(["2019-01", "2019-02"], {"P": [0.2, None]}, title="A <b>test</b>", y_label="P")
    >>> svg.startswith("<svg") and "A &lt;b&gt;test&lt;/b&gt;" in svg and "<b>" not in svg
    True
    """
    n = len(labels)
    notes = list(notes) if notes is not None else [""] * n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>',
        f'<text transform="translate(16 {(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>',
    ]
    for k in range(5):  # horizontal grid lines at 0, 1/4, ..., y_max
        v = y_max * k / 4
        y = _y(v, y_max)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    step = max(1, -(-n // 12))  # at most about 12 x labels, so they do not overlap
    for i, label in enumerate(labels):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text transform="translate({_x(i, n):.1f} {HEIGHT - BOTTOM + 14}) rotate(35)" '
                f'font-size="11">{escape(str(label))}</text>'
            )
    for rank, (name, values) in enumerate(series.items()):
        colour = COLOURS[rank % len(COLOURS)]
        parts += _polylines(values, n, y_max, colour, dashed=rank > 0)
        dash = ' stroke-dasharray="5 4"' if rank else ""
        parts.append(
            f'<line x1="{LEFT + 10 + 190 * rank}" x2="{LEFT + 34 + 190 * rank}" y1="{HEIGHT - 12}" '
            f'y2="{HEIGHT - 12}" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        parts.append(f'<text x="{LEFT + 40 + 190 * rank}" y="{HEIGHT - 8}">{escape(name)}</text>')
        if rank == 0:
            for i, value in enumerate(values):
                if value is not None:
                    tip = escape(f"{labels[i]}: {value:.3f}" + (f" — {notes[i]}" if notes[i] else ""))
                    parts.append(
                        f'<circle cx="{_x(i, n):.1f}" cy="{_y(min(max(value, 0.0), y_max), y_max):.1f}" '
                        f'r="3.5" fill="{colour}"><title>{tip}</title></circle>'
                    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _polylines(values: Sequence[float | None], n: int, y_max: float, colour: str, *, dashed: bool) -> list[str]:
    """One polyline per run of values without a gap."""
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    lines: list[str] = []
    segment: list[str] = []
    for i, v in enumerate(list(values) + [None]):  # the sentinel closes the last run
        if v is None:
            if len(segment) > 1:
                lines.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{" ".join(segment)}"/>'
                )
            segment = []
            continue
        segment.append(f"{_x(i, n):.1f},{_y(min(max(v, 0.0), y_max), y_max):.1f}")
    return lines
