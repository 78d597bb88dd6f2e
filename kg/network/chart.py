"""A small line chart as standalone SVG text: no plotting library, nothing fetched, every piece
of text escaped (labels can come from articles)."""
from __future__ import annotations

from html import escape
from typing import Sequence

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 44, 70


def _x(i: int, n: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner / 2 if n == 1 else inner * i / (n - 1))


def _y(value: float, y_max: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / y_max)


def line_chart_svg(labels: Sequence[str], values: Sequence[float | None], *, title: str,
                   y_label: str, notes: Sequence[str] | None = None, y_max: float = 1.0) -> str:
    """An SVG line chart of ``values`` (None leaves a gap) over the x ``labels``.

    ``notes`` (one per point) become the points' tooltips. Returns the SVG document as text.

    Examples
    --------
    >>> svg = line_chart_svg(["2019-01", "2019-02"], [0.2, None], title="A <b>test</b>", y_label="P")
    >>> svg.startswith("<svg") and "A &lt;b&gt;test&lt;/b&gt;" in svg and "<b>" not in svg
    True
    """
    n = len(labels)
    notes = list(notes) if notes is not None else [""] * n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
             f'<title>{escape(title)}</title>',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
             f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>',
             f'<text transform="translate(16 {(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)" '
             f'text-anchor="middle">{escape(y_label)}</text>']
    for k in range(5):  # horizontal grid lines at 0, 1/4, ..., y_max
        v = y_max * k / 4
        y = _y(v, y_max)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    step = max(1, -(-n // 12))  # at most about 12 x labels, so they do not overlap
    for i, label in enumerate(labels):
        if i % step == 0 or i == n - 1:
            x = _x(i, n)
            parts.append(f'<text transform="translate({x:.1f} {HEIGHT - BOTTOM + 14}) rotate(35)" '
                         f'font-size="11">{escape(str(label))}</text>')
    segment: list[str] = []
    for i, v in enumerate(list(values) + [None]):  # the sentinel closes the last segment
        if v is None:
            if len(segment) > 1:
                parts.append(f'<polyline fill="none" stroke="#b2182b" stroke-width="2" points="{" ".join(segment)}"/>')
            segment = []
            continue
        segment.append(f"{_x(i, n):.1f},{_y(min(max(v, 0.0), y_max), y_max):.1f}")
    for i, v in enumerate(values):
        if v is not None:
            tip = escape(f"{labels[i]}: {v:.3f}" + (f" — {notes[i]}" if notes[i] else ""))
            parts.append(f'<circle cx="{_x(i, n):.1f}" cy="{_y(min(max(v, 0.0), y_max), y_max):.1f}" r="3.5" '
                         f'fill="#b2182b"><title>{tip}</title></circle>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
