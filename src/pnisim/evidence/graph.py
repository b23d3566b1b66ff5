"""The graded evidence behind a model, as a table and as a causal graph (GraphML and a self-contained HTML page).

Nodes are the model's modules; an edge A -> B is a coupling that binds a port of B to an expression of A's
states. Every module, coupling and scenario element (exposure or intervention) is listed with its source and
evidence grade (A meta-analysis of RCTs or many cohorts; B single RCT, large cohort or published model fitted to
human data; C mechanistic, animal or small human studies; D speculative), so users see at once which parts of a
result stand on solid ground.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from ..disclaimer import DISCLAIMER
from ..model.compose import Model
from ..model.core import GRADES

__all__ = ["EvidenceItem", "evidence_items", "causal_graph", "write_graphml", "evidence_html", "Pathway", "pathways"]

GRADE_COLOURS = {"A": "#1b7837", "B": "#5aae61", "C": "#f1a340", "D": "#d73027"}


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # module, coupling, exposure
    name: str
    description: str
    source: str
    grade: str


def _module_of_symbols(model: Model) -> dict[str, str]:
    return {s.symbol.name: s.module for s in model.states}


def evidence_items(model: Model, exposures: dict | None = None) -> list[EvidenceItem]:
    """Every module and coupling of ``model`` and every scenario element type, with source and grade."""
    items = [EvidenceItem("module", m.name, m.title, m.citation, m.grade) for m in model.modules]
    items += [EvidenceItem("coupling", c.name, c.description, c.citation, c.grade) for c in model.couplings]
    for name, cls in (exposures or {}).items():
        meta = cls.METADATA
        cost = meta.get("cost")
        per = next((k for k in (cost or {}) if k.startswith("usd_per_")), None)
        extra = f" Cost: {cost[per]:g} USD per {per.removeprefix('usd_per_')} ({cost['source']})." if per else ""
        items.append(EvidenceItem("exposure", name, meta["mechanism"] + extra, "; ".join(meta.get("references", [])),
                                  meta["evidence_grade"]))
    return items


def causal_graph(model: Model) -> nx.MultiDiGraph:
    """Modules as nodes; one edge per (coupling, source module, target module) with the coupling's grade."""
    g = nx.MultiDiGraph(name=model.name)
    for m in model.modules:
        g.add_node(m.name, title=m.title, grade=m.grade, citation=m.citation, kind="module")
    owner = _module_of_symbols(model)
    grades = {c.name: (c.grade, c.citation, c.description) for c in model.couplings}
    seen = set()
    for b in model.bindings:
        target = b.port.split(".", 1)[0]
        sources = {owner[s.name] for s in b.expr.free_symbols if s.name in owner} - {target}
        grade, citation, description = grades[b.coupling]
        for src in sorted(sources):
            key = (src, target, b.coupling)
            if key in seen:
                continue
            seen.add(key)
            g.add_edge(src, target, key=b.coupling, coupling=b.coupling, grade=grade, citation=citation,
                       description=description)
    return g


def write_graphml(model: Model, path: str | Path) -> Path:
    path = Path(path)
    nx.write_graphml(causal_graph(model), path)
    return path


def _svg(g: nx.MultiDiGraph, size: int = 640) -> str:
    nodes = list(g.nodes)
    r = size * 0.38
    c = size / 2
    pos = {n: (c + r * math.cos(2 * math.pi * k / len(nodes) - math.pi / 2),
               c + r * math.sin(2 * math.pi * k / len(nodes) - math.pi / 2)) for k, n in enumerate(nodes)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    for u, v, data in g.edges(data=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        dx, dy = x2 - x1, y2 - y1
        d = math.hypot(dx, dy) or 1.0
        x1, y1, x2, y2 = x1 + 28 * dx / d, y1 + 28 * dy / d, x2 - 30 * dx / d, y2 - 30 * dy / d
        colour = GRADE_COLOURS.get(data["grade"], "#777")
        tip = html.escape(f"{data['coupling']} (grade {data['grade']}): {data['description']}")
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                     f'stroke-width="2.5" marker-end="url(#arrow)"><title>{tip}</title></line>')
    for n, data in g.nodes(data=True):
        x, y = pos[n]
        colour = GRADE_COLOURS.get(data["grade"], "#777")
        tip = html.escape(f"{data['title']} — {data['citation']} (grade {data['grade']})")
        parts.append(f'<g><title>{tip}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="26" fill="white" '
                     f'stroke="{colour}" stroke-width="3"/><text x="{x:.1f}" y="{y + 4:.1f}" font-size="11" '
                     f'text-anchor="middle">{html.escape(n)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def evidence_html(model: Model, exposures: dict | None = None) -> str:
    """One self-contained page: the causal graph (hover for sources) and the graded table with a grade filter."""
    items = evidence_items(model, exposures)
    rows = "".join(
        f'<tr data-grade="{i.grade}"><td>{html.escape(i.kind)}</td><td>{html.escape(i.name)}</td>'
        f"<td>{html.escape(i.description)}</td><td>{html.escape(i.source)}</td>"
        f'<td style="color:{GRADE_COLOURS.get(i.grade, "#777")};font-weight:bold">{i.grade}</td></tr>'
        for i in items
    )
    legend = " ".join(f'<span style="color:{GRADE_COLOURS[g]}">■ {g}: {html.escape(t)}</span><br>'
                      for g, t in GRADES.items())
    boxes = "".join(f'<label><input type="checkbox" checked value="{g}" onchange="filt()"> {g}</label> '
                    for g in GRADES)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>pnisim evidence — {html.escape(model.name)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:4px;font-size:13px;vertical-align:top}}.note{{background:#fff4e5;border:1px solid
#f0a030;padding:8px}}</style></head><body>
<h1>Evidence behind model '{html.escape(model.name)}'</h1>
<p class="note">{html.escape(DISCLAIMER)} Grades C and D mark mechanisms and sizes that are
uncertain; results that depend on them are hypotheses.</p>
<h2>Causal graph</h2><p>Modules (circles) and the couplings between them (arrows), coloured by evidence grade; hover
for the source.</p>{_svg(causal_graph(model))}<p>{legend}</p>
<h2>Every mechanism and scenario element</h2><p>Show grades: {boxes}</p>
<table id="ev"><tr><th>kind</th><th>name</th><th>what</th><th>source</th><th>grade</th></tr>{rows}</table>
<script>function filt(){{const on=[...document.querySelectorAll('input[type=checkbox]:checked')].map(b=>b.value);
document.querySelectorAll('#ev tr[data-grade]').forEach(r=>{{r.style.display=on.includes(r.dataset.grade)?'':'none'}})}}</script>
</body></html>"""


# ---------------------------------------------------------------------------------------------------------
# Which mechanisms carry an exposure to a readout
# ---------------------------------------------------------------------------------------------------------
_ORDER = {g: i for i, g in enumerate("ABCD")}


@dataclass(frozen=True)
class Pathway:
    """How an exposure reaches a readout: the modules passed and the graded coupling used at each step."""

    exposure: str
    readout: str
    steps: tuple[tuple[str, str, str, str], ...]  # (from module, coupling, grade, to module)
    weakest: str  # the lowest evidence grade along the way (couplings and modules)

    def text(self) -> str:
        if not self.steps:
            return "acts within the readout's own module"
        parts = [self.steps[0][0]]
        for _, coupling, grade, to in self.steps:
            parts.append(f"—{coupling} ({grade})→ {to}")
        return " ".join(parts)


def _target_modules(model: Model, kind: str, name: str) -> set[str]:
    if kind == "input":  # the modules whose (bound) equations read the input: a port bound elsewhere drops it
        symbols = {e.symbol for e in model.inputs if e.name == name}
        return {eq.module for eq in model.equations if symbols & eq.expr.free_symbols}
    return {e.module for e in model.states if e.state.name == name}


def _readout_modules(model: Model, readout: str) -> set[str]:
    owner = _module_of_symbols(model)
    for o in model.observables:
        if o.name == readout:
            return {owner[s.name] for s in o.expr.free_symbols if s.name in owner}
    return set()


def pathways(model: Model, exposures: dict[str, list[tuple[str, str]]], readouts: list[str]) -> list[Pathway]:
    """For each exposure (label -> its targets as (kind, name) with kind "input" or "state") and each readout
    (observable name), the shortest chain of couplings from a module the exposure acts on to a module the
    readout reads, with the weakest grade along it. Exposures that cannot reach a readout are left out."""
    g = causal_graph(model)
    simple = nx.DiGraph()
    simple.add_nodes_from(g.nodes(data=True))
    for a, b, data in g.edges(data=True):  # keep the best-graded coupling between two modules
        if not simple.has_edge(a, b) or _ORDER[data["grade"]] < _ORDER[simple[a][b]["grade"]]:
            simple.add_edge(a, b, coupling=data["coupling"], grade=data["grade"])
    module_grade = {m.name: m.grade for m in model.modules}
    out = []
    for label, targets in exposures.items():
        sources = set().union(*[_target_modules(model, k, n) for k, n in targets]) if targets else set()
        for readout in readouts:
            best = None
            for src in sources:
                for dst in _readout_modules(model, readout):
                    try:
                        path = nx.shortest_path(simple, src, dst)
                    except nx.NetworkXNoPath:
                        continue
                    if best is None or len(path) < len(best):
                        best = path
            if best is None:
                continue
            steps = tuple((a, simple[a][b]["coupling"], simple[a][b]["grade"], b) for a, b in zip(best, best[1:]))
            grades = [s[2] for s in steps] + [module_grade[m] for m in best]
            out.append(Pathway(label, readout, steps, max(grades, key=_ORDER.__getitem__)))
    return out
