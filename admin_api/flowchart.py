"""The process flowchart (indicator level 1) drawn as inline SVG from ``registry.lifecycle.TRANSITIONS``.

Nothing here knows the states by name: layers come from the longest path in the transition graph
(back edges found by a depth-first walk are drawn as curves), so a new state or action in the table
appears in the picture without editing this file.
"""

from __future__ import annotations

from html import escape

from registry.lifecycle import ACTION_TH, STATE_TH, TRANSITIONS
from registry.permissions import ROLE_TH

START = "__start__"
NODE_W, NODE_H, LAYER_H, WIDTH, MARGIN = 190, 52, 140, 900, 70


def _graph():
    edges = [(START, "register", TRANSITIONS[0].source, ())] + [(t.source, t.action, t.target, t.who) for t in TRANSITIONS]
    nodes = [START] + list(dict.fromkeys([TRANSITIONS[0].source] + [e[2] for e in edges] + [e[0] for e in edges[1:]]))
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for s, _a, t, _w in edges:
        if s != t:
            succ[s].append(t)
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}

    def dfs(n: str) -> None:
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1:
                back.add((n, m))
            elif m not in state:
                dfs(m)
        state[n] = 2

    dfs(START)
    depth = dict.fromkeys(nodes, 0)
    for _ in nodes:
        for s, _a, t, _w in edges:
            if s != t and (s, t) not in back:
                depth[t] = max(depth[t], depth[s] + 1)
    return nodes, edges, back, depth


def flowchart_svg() -> str:
    """The graph, top to bottom: adjacent layers joined by straight arrows, longer hops and back
    edges drawn as curves beside the nodes, repeats of an action on the same state as loops.
    Who may act is in the table under the picture (kept out of the drawing so labels stay legible)."""
    nodes, edges, back, depth = _graph()
    layers: dict[int, list[str]] = {}
    for n in nodes:
        layers.setdefault(depth[n], []).append(n)
    pos: dict[str, tuple[float, float]] = {}
    for d, members in layers.items():
        gap = (WIDTH - 2 * MARGIN) / (len(members) + 1)
        for i, n in enumerate(members, start=1):
            pos[n] = (MARGIN + gap * i, 40 + d * LAYER_H)
    height = 40 + max(layers) * LAYER_H + NODE_H + 40
    centre = WIDTH / 2
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'aria-labelledby="flow-title" class="flowchart" font-family="Sarabun, sans-serif">',
           '<title id="flow-title">แผนผังขั้นตอนการรับและส่งต่อหนังสือราชการ</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#34495e"/></marker>'
           '<marker id="arrow-back" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>']
    lanes = {-1: 0, 1: 0}
    labels: list[str] = []
    for s, action, t, _who in edges:
        (x1, y1), (x2, y2) = pos[s], pos[t]
        label = escape(ACTION_TH.get(action, action))
        if s == t:
            x = x1 - NODE_W / 2  # loops on the left: back edges come in on the right
            out.append(f'<path d="M{x},{y1 + 14} C{x - 55},{y1 - 8} {x - 55},{y1 + NODE_H + 8} {x},{y1 + NODE_H - 14}" '
                       f'fill="none" stroke="#7f8c8d" stroke-dasharray="4 3" marker-end="url(#arrow)"/>')
            labels.append(f'<text x="{x - 48}" y="{y1 + NODE_H / 2 + 5}" font-size="13" fill="#555" '
                          f'text-anchor="end">{label}</text>')
            continue
        if (s, t) in back:
            side = 1
            sx, sy = x1 + side * NODE_W / 2, y1 + NODE_H / 2
            tx, ty = x2 + side * NODE_W / 2, y2 + NODE_H / 2
            cx = max(sx, tx) + 60 if side > 0 else min(sx, tx) - 60
            out.append(f'<path d="M{sx},{sy} C{cx},{sy} {cx},{ty} {tx},{ty}" fill="none" stroke="#c0392b" '
                       f'stroke-width="1.6" marker-end="url(#arrow-back)"/>')
            labels.append(f'<text x="{cx - 22}" y="{(sy + ty) / 2 + 5}" font-size="13" fill="#c0392b" '
                          f'text-anchor="end">{label} (ใหม่)</text>')
            continue
        if depth[t] - depth[s] > 1:  # a long hop: a curve in a lane beside the nodes
            side = -1 if x2 < centre or (x2 == centre and x1 <= centre) else 1
            lanes[side] += 1
            lane = centre + side * (WIDTH / 2 - MARGIN + 10 - 45 * (lanes[side] - 1))
            sx, sy = x1 + side * (NODE_W / 2 - 20), y1 + NODE_H
            tx, ty = x2 + side * 20, y2
            c1, c2 = (lane, sy + 40), (lane, ty - 60)
            out.append(f'<path d="M{sx},{sy} C{c1[0]},{c1[1]} {c2[0]},{c2[1]} {tx},{ty}" fill="none" stroke="#34495e" '
                       f'stroke-width="1.4" marker-end="url(#arrow)"/>')
            lx = 0.125 * sx + 0.375 * c1[0] + 0.375 * c2[0] + 0.125 * tx  # the curve's midpoint
            ly = 0.125 * sy + 0.375 * c1[1] + 0.375 * c2[1] + 0.125 * ty
            labels.append(f'<text x="{lx}" y="{ly + 5}" font-size="13" font-weight="600" '
                          f'fill="#1f3a5f" text-anchor="middle">{label}</text>')
            continue
        sy, ty = y1 + NODE_H, y2
        out.append(f'<line x1="{x1}" y1="{sy}" x2="{x2}" y2="{ty}" stroke="#34495e" stroke-width="1.6" '
                   f'marker-end="url(#arrow)"/>')
        mx, my = x1 + (x2 - x1) * 0.45, sy + (ty - sy) * 0.45
        anchor = "start" if x2 >= x1 else "end"
        labels.append(f'<text x="{mx + (6 if x2 >= x1 else -6)}" y="{my}" font-size="13" font-weight="600" '
                      f'fill="#1f3a5f" text-anchor="{anchor}">{label}</text>')
    for n in nodes:
        x, y = pos[n]
        text = "รับหนังสือเข้า" if n == START else STATE_TH.get(n, n)
        fill = "#fdf2e9" if n == START else ("#eafaf1" if n == "closed" else "#eaf2fb")
        rx = 27 if n == START else 10
        out.append(f'<g class="state" data-state="{escape(n)}"><rect x="{x - NODE_W / 2}" y="{y}" width="{NODE_W}" '
                   f'height="{NODE_H}" rx="{rx}" fill="{fill}" stroke="#2c3e50" stroke-width="1.4"/>'
                   f'<text x="{x}" y="{y + NODE_H / 2 + 6}" text-anchor="middle" font-size="16" fill="#1b2631">'
                   f'{escape(text)}</text></g>')
    # labels last, on a white halo, so no line runs through them
    out += [lbl.replace("<text ", '<text paint-order="stroke" stroke="#fff" stroke-width="4" ', 1) for lbl in labels]
    out.append("</svg>")
    return "\n".join(out)


def transition_rows() -> list[dict[str, str]]:
    return [{"source": STATE_TH.get(t.source, t.source), "action": ACTION_TH.get(t.action, t.action),
             "target": STATE_TH.get(t.target, t.target), "who": ", ".join(ROLE_TH.get(r, r) for r in t.who),
             "note": t.note_th} for t in TRANSITIONS]
