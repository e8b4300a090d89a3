"""Small server-side SVG charts for the dashboard (no JavaScript, no network, readable on a phone)."""

from __future__ import annotations

from html import escape

PALETTE = ("#2e86c1", "#28b463", "#f39c12", "#c0392b")


def hbar_chart(title: str, rows: list[tuple[str, list[float | None]]], series: list[str], *, unit: str = "%",
               maximum: float | None = 100.0) -> str:
    """Horizontal grouped bars: one group per row label, one bar per series (None drawn as 'ไม่มีข้อมูล')."""
    label_w, bar_h, gap, width = 120, 18, 12, 460
    plot_w = width - label_w - 60
    top = 46
    height = top + len(rows) * (len(series) * bar_h + gap) + 10
    peak = maximum or max([v for _, vals in rows for v in vals if v is not None] + [1])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {max(height, 80)}" role="img" '
           f'class="chart" font-family="Sarabun, sans-serif"><title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="15" font-weight="600">{escape(title)}</text>']
    for i, name in enumerate(series):
        x = label_w + i * 130
        out.append(f'<rect x="{x}" y="26" width="12" height="12" fill="{PALETTE[i % 4]}"/>'
                   f'<text x="{x + 16}" y="36" font-size="13">{escape(name)}</text>')
    y = top
    for label, values in rows:
        out.append(f'<text x="{label_w - 6}" y="{y + len(series) * bar_h / 2 + 4}" font-size="14" '
                   f'text-anchor="end">{escape(label)}</text>')
        for i, v in enumerate(values):
            if v is None:
                out.append(f'<text x="{label_w + 4}" y="{y + bar_h - 3}" font-size="13" fill="#888">ไม่มีข้อมูล</text>')
            else:
                w = max(1.0, plot_w * min(v, peak) / peak)
                out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{PALETTE[i % 4]}">'
                           f'<title>{escape(label)} {escape(series[i])}: {v:.0f}{unit}</title></rect>'
                           f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="13">{v:.0f}{unit}</text>')
            y += bar_h
        y += gap
    out.append("</svg>")
    return "".join(out)


def column_chart(title: str, bars: list[tuple[str, int]], *, colour: str = "#c0392b") -> str:
    """Vertical bars with counts (the backlog by age)."""
    width, height, base, top = 460, 240, 200, 36
    n = max(1, len(bars))
    slot = (width - 40) / n
    peak = max([v for _, v in bars] + [1])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
           f'font-family="Sarabun, sans-serif"><title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="15" font-weight="600">{escape(title)}</text>',
           f'<line x1="20" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#999"/>']
    for i, (label, value) in enumerate(bars):
        h = (base - top - 14) * value / peak
        x = 20 + i * slot + slot * 0.2
        out.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" fill="{colour}">'
                   f'<title>{escape(label)}: {value}</title></rect>'
                   f'<text x="{x + slot * 0.3:.1f}" y="{base - h - 4:.1f}" font-size="13" text-anchor="middle">{value}</text>'
                   f'<text x="{x + slot * 0.3:.1f}" y="{base + 18}" font-size="13" text-anchor="middle">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)
