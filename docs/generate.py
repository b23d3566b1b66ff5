"""Regenerate the two reference pages that are derived from code: ``docs/scenarios.md`` and ``docs/model.md``.

Each page starts with hand-written text; a marker line follows, and everything after it is generated:

* ``scenarios.md`` is built from the published JSON Schemas, ``src/pnisim/schemas/*.schema.json`` (every schema
  in that folder gets a section; scenario and trial files come first).
* ``model.md`` is built from the model description that ``pnisim model --json`` prints, for the composed core and
  for the whole model. Describing a model composes it symbolically; no kernel is compiled.

No network, no simulation. Usage (from the repository root)::

    python docs/generate.py          # rewrite both pages
    python docs/generate.py --check  # exit 1 and name the stale pages instead of writing

``tests/unit/test_docs.py`` calls :func:`render_all` and fails when a committed page differs from it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
SCHEMAS = ROOT / "src" / "pnisim" / "schemas"
FIRST = ("scenario", "trial")  # schema order on the page; any other schema follows alphabetically
CLOCK_PATTERN = r"^([01]?\d|2[0-3]):[0-5]\d$"


# ============================================================================================ shared helpers
def _cell(text: object) -> str:
    """Text made safe for one Markdown table cell: one line, escaped pipes, no accidental HTML tags."""
    s = " ".join(str(text).split())
    s = s.replace("|", "\\|")
    out = []
    for i, ch in enumerate(s):
        nxt = s[i + 1] if i + 1 < len(s) else ""
        out.append("&lt;" if ch == "<" and (nxt.isalpha() or nxt == "/") else ch)
    return "".join(out)


def _table(columns: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _num(x: object) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    if isinstance(x, int) or (float(x).is_integer() and abs(x) < 1e7):
        return f"{int(x):,}"
    return f"{x:.4g}"


# ============================================================================================ scenarios.md
def _schema_files() -> list[Path]:
    files = sorted(SCHEMAS.glob("*.schema.json"))
    stem = lambda p: p.name.removesuffix(".schema.json")  # noqa: E731
    return sorted(files, key=lambda p: (FIRST.index(stem(p)) if stem(p) in FIRST else len(FIRST), stem(p)))


def _toml_value(v: object) -> str:
    """A default value written as it would appear in a TOML file."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (int, float)):
        return _num(v) if isinstance(v, float) else str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        items = [f"{k} = {_toml_value(x)}" for k, x in v.items() if x is not None and x != {} and x != []]
        return "{" + ", ".join(items) + "}" if items else "{}"
    return str(v)


class _SchemaPage:
    """Renders every schema into one page; a definition shared by several schemas is described once."""

    def __init__(self) -> None:
        self.rendered: dict[str, tuple[str, dict]] = {}  # definition name -> (anchor, its schema)
        self.anchor_of: dict[str, str] = {}  # in the schema being rendered: definition name -> anchor
        self.exposures_anchor = "exposures"  # where the exposure types are listed
        self.label_of: dict[str, str] = {}  # definition name -> its table name in a file (`[person]`), if one

    # ------------------------------------------------------------------ types
    def _ref(self, ref: str) -> str:
        name = ref.rsplit("/", 1)[-1]
        if name == "Quantity":
            return "[quantity](#quantities)"
        return f"[{self.label_of.get(name) or name}](#{self.anchor_of.get(name, name.lower())})"

    def type_of(self, s: dict) -> str:
        if "$ref" in s:
            return self._ref(s["$ref"])
        if "discriminator" in s:
            return f"[exposure](#{self.exposures_anchor})"
        if "anyOf" in s:
            parts = [self.type_of(x) for x in s["anyOf"] if x.get("type") != "null"]
            return " or ".join(dict.fromkeys(parts))
        if "const" in s:
            return f'`"{s["const"]}"`'
        if "enum" in s:
            return "one of " + ", ".join(f"`{v}`" for v in s["enum"])
        t = s.get("type")
        if t == "array":
            if "prefixItems" in s:
                return "[" + ", ".join(self.type_of(x) for x in s["prefixItems"]) + "]"
            text = "list of " + self.type_of(s.get("items", {}))
            lo, hi = s.get("minItems"), s.get("maxItems")
            if lo is not None:
                text += f", at least {lo}"
            if hi is not None:
                text += f", at most {hi}"
            return text
        if t == "object":
            extra = s.get("additionalProperties")
            return f"table of name → {self.type_of(extra)}" if isinstance(extra, dict) else "table"
        if t == "string":
            if s.get("pattern") == CLOCK_PATTERN:
                return 'clock time "HH:MM"'
            return "text" + (f" matching `{s['pattern']}`" if "pattern" in s else "")
        if t in ("integer", "number"):
            bounds = []
            limits = (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<"))
            for key, op in limits:
                if key in s and abs(s[key]) < 1e12:  # an integer type's own limit says nothing to a reader
                    bounds.append(f"{op} {_num(s[key])}")
            return t + (" " + ", ".join(bounds) if bounds else "")
        if t == "boolean":
            return "true or false"
        return "any"

    def _rows(self, s: dict, skip: set[str] = frozenset()) -> list[list[str]]:
        required = set(s.get("required", []))
        rows = []
        for key, prop in s.get("properties", {}).items():
            if key in skip:
                continue
            default = "**required**" if key in required else (
                f"`{_toml_value(prop['default'])}`" if prop.get("default") is not None else "—")
            rows.append([f"`{key}`", self.type_of(prop), default, prop.get("description", "")])
        return rows

    def _fields(self, s: dict, skip: set[str] = frozenset()) -> str:
        rows = self._rows(s, skip)
        return _table(["key", "type", "default", "meaning"], rows) if rows else "No keys of its own."

    # ------------------------------------------------------------------ one schema
    def render(self, path: Path) -> str:
        doc = json.loads(path.read_text(encoding="utf-8"))
        stem = path.name.removesuffix(".schema.json")
        defs: dict[str, dict] = doc.get("$defs", {})
        exposures: dict[str, str] = {}  # definition name -> the value of its 'type'
        for node in _walk(doc):
            if isinstance(node, dict) and "discriminator" in node:
                for type_name, ref in node["discriminator"].get("mapping", {}).items():
                    exposures[ref.rsplit("/", 1)[-1]] = type_name
        where = _reference_order(doc, exposures)
        self.label_of = {n: w for n, w in where.items() if w.startswith("`[") and ", " not in w}
        objects = [n for n in where if n not in exposures and n != "Quantity"]

        # anchors: shared definitions point to where they were first described
        self.anchor_of = {}
        for name in defs:
            seen = self.rendered.get(name)
            self.anchor_of[name] = seen[0] if seen and seen[1] == defs[name] else f"{stem}-{name.lower()}"
        new_exposures = [n for n in sorted(exposures, key=exposures.get)
                         if self.rendered.get(n, ("", None))[1] != defs[n]]  # not described under an earlier schema
        if new_exposures:
            self.exposures_anchor = f"{stem}-exposures"

        out = [f"## {stem.capitalize()} files", "",
               f"Schema: [`src/pnisim/schemas/{path.name}`](../src/pnisim/schemas/{path.name}).", ""]
        if doc.get("description"):
            out += [doc["description"].strip(), ""]
        out += [f"### Top level of a {stem} file", "", self._fields(doc), ""]

        for name in objects:
            anchor = self.anchor_of[name]
            if not anchor.startswith(f"{stem}-"):
                continue  # described under an earlier schema
            s = defs[name]
            heading = f"{where[name]} ({name})" if where[name] else name
            out += [f'<a id="{anchor}"></a>', "", f"### {heading}", ""]
            if s.get("description"):
                out += [s["description"].strip(), ""]
            out += [self._fields(s), ""]
            self.rendered[name] = (anchor, s)

        if exposures:
            if not new_exposures:
                out += ["### Exposures", "", f"The exposure types and their keys are the same as in "
                        f"[{self.exposures_anchor.split('-')[0]} files](#{self.exposures_anchor}).", ""]
            else:
                out += self._exposures(stem, defs, exposures, new_exposures)
        return "\n".join(out)

    def _exposures(self, stem: str, defs: dict, exposures: dict[str, str], names: list[str]) -> list[str]:
        # keys that most exposure types share (same name and same schema) are described once
        counts: dict[str, int] = {}
        for n in names:
            for key, prop in defs[n].get("properties", {}).items():
                if key != "type":
                    sig = key + json.dumps(prop, sort_keys=True)
                    counts[sig] = counts.get(sig, 0) + 1
        common = {sig for sig, c in counts.items() if c * 2 >= len(names)}
        common_props: dict[str, dict] = {}
        always_required: dict[str, bool] = {}
        for n in names:
            for key, prop in defs[n].get("properties", {}).items():
                if key + json.dumps(prop, sort_keys=True) in common:
                    common_props.setdefault(key, prop)
                    always_required[key] = always_required.get(key, True) and key in defs[n].get("required", [])
        out = [f'<a id="{stem}-exposures"></a>', "", "### Exposures", "",
               "Each entry of `exposures` (and of an arm's `exposures`) is a table whose `type` selects one of the "
               f"{len(names)} kinds below. Keys shared by most kinds:", "",
               self._fields({"properties": common_props,
                             "required": [k for k, r in always_required.items() if r]}), "",
               _table(["type", "what it is"], [[f"[`{exposures[n]}`](#{stem}-{n.lower()})",
                                                 _first_sentence(defs[n].get("description", ""))] for n in names]), ""]
        for n in names:
            s = defs[n]
            anchor = f"{stem}-{n.lower()}"
            shared = [k for k, p in s.get("properties", {}).items() if k + json.dumps(p, sort_keys=True) in common]
            required = [k for k in s.get("required", []) if k != "type"]
            out += [f'<a id="{anchor}"></a>', "", f"#### `type = \"{exposures[n]}\"`", ""]
            if s.get("description"):
                out += [s["description"].strip(), ""]
            line = []
            if required:
                line.append("Required: " + ", ".join(f"`{k}`" for k in required) + ".")
            if shared:
                line.append("Shared keys it takes: " + ", ".join(f"`{k}`" for k in shared) + ".")
            if line:
                out += [" ".join(line), ""]
            own = set(shared) | {"type"}
            if any(k not in own for k in s.get("properties", {})):
                out += [self._fields(s, skip=own), ""]
            self.rendered[n] = (anchor, s)
        return out


def _walk(node: object):
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _reference_order(doc: dict, exposures: dict[str, str]) -> dict[str, str]:
    """Definition name -> where a reader meets it first (``[person]``, ``[[arms]]``, ``[population.demographics]``,
    ``schedule`` of a ``chronic_stress`` exposure), in that order: breadth first from the top-level keys."""
    defs = doc.get("$defs", {})
    where: dict[str, str] = {}
    # (TOML path of the parent table or None, the parent's label for keys it cannot path, its schema)
    queue: list[tuple[str | None, str, dict]] = [("", "", {k: v for k, v in doc.items() if k != "$defs"})]
    while queue:
        path, label, node = queue.pop(0)
        for key, prop in node.get("properties", {}).items():
            for sub in _walk(prop):
                if not (isinstance(sub, dict) and isinstance(sub.get("$ref"), str)):
                    continue
                name = sub["$ref"].rsplit("/", 1)[-1]
                if name in where and path and name not in exposures and key not in where[name]:
                    where[name] += f", `[{path}.{key}]`"  # one kind of table under several keys of one parent
                if name in where or name not in defs:
                    continue
                if name in exposures:
                    where[name] = ""
                    queue.append((None, f"a `{exposures[name]}` exposure", defs[name]))
                    continue
                many = prop.get("type") == "array"
                if path is None:
                    where[name] = f"`{key}` of {label}"
                    queue.append((None, where[name], defs[name]))
                else:
                    full = f"{path}.{key}" if path else key
                    where[name] = f"`[[{full}]]`" if many else f"`[{full}]`"
                    queue.append((None if many else full, where[name], defs[name]))
    for name in defs:
        where.setdefault(name, "")
    return where


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    for end in (". ", ".\n"):
        if end in text:
            return text.split(end, 1)[0] + "."
    return text


def scenarios_reference() -> str:
    """The generated part of scenarios.md: one section per schema, after a note on quantities and times."""
    files = _schema_files()
    page = _SchemaPage()
    sections = [page.render(p) for p in files]
    quantity = json.loads(files[0].read_text(encoding="utf-8"))["$defs"].get("Quantity", {}) if files else {}
    head = [
        "The reference has these sections: [quantities and times](#quantities), "
        + ", ".join(f"[{_stem(p)} files](#{_stem(p)}-files)" for p in files) + ".",
        "",
        '<a id="quantities"></a>',
        "",
        "## Quantities and times",
        "",
        _sentence(quantity.get("description", "")),
        "Units are parsed once, when the file is read (`\"15 min\"`, `\"14 d\"`, `\"26 week\"`, `\"2 ng/kg\"`, "
        "`\"5 mg/kg\"`). A parameter override under `[person.parameters]` may be a bare number in the parameter's "
        "own unit (units are listed in the [model reference](model.md)). Clock times are `\"HH:MM\"` (24-hour); "
        "`day` counts from 0, the first recorded day.",
        "",
    ]
    return "\n".join(head + sections)


def _stem(path: Path) -> str:
    return path.name.removesuffix(".schema.json")


# ============================================================================================ model.md
def _describe(name: str) -> dict:
    """The description `pnisim model --model NAME --json` prints (modules composed symbolically, no kernel)."""
    try:
        import pnisim  # noqa: F401
    except ImportError:  # run from a checkout without an installed package
        sys.path.insert(0, str(ROOT / "src"))
    from pnisim.model.describe import describe_model  # the function behind `pnisim model --json`
    from pnisim.model.library import get_model

    return describe_model(get_model(name))


def _model_section(info: dict, command: str) -> list[str]:
    out = [f'<a id="model-{info["name"]}"></a>', "", f"## `{info['name']}`: {info['title']}", "",
           f"`{command}` prints this model (add `--json` for machine-readable output). "
           f"{len(info['modules'])} modules, {len(info['states'])} states, {len(info['parameters'])} parameters, "
           f"{len(info['couplings'])} couplings, {len(info['inputs'])} inputs, {len(info['observables'])} observables. "
           f"Time unit: {info['time_unit']}." + (f" {info['notes']}" if info.get("notes") else ""), ""]
    out += ["### Modules", "", _table(
        ["module", "what it contains", "grade", "adapted from", "changes from the source"],
        [[f"`{m['name']}`", m["title"], m["grade"], m["citation"] + (f" doi:{m['doi']}" if m.get("doi") else ""),
          m.get("changes") or ""] for m in info["modules"]]), ""]
    out += ["### Couplings", "", _table(
        ["coupling", "what it does", "grade", "source"],
        [[f"`{c['name']}`", c["description"], c["grade"], c["citation"]] for c in info["couplings"]]), ""]
    out += ["### States", "", _table(
        ["state", "unit", "module", "initial", "meaning"],
        [[f"`{s['name']}`", s["unit"], s["module"], _num(s["initial"]), s["description"]] for s in info["states"]]), ""]
    out += ["### Parameters", "",
            "Value in the stated unit (the shipped calibration where one applies), plausible bounds, between-person "
            "coefficient of variation (`cv`, used when a population has variability), source and evidence grade.", "",
            _table(["parameter", "value", "unit", "bounds", "cv", "source", "grade", "meaning"],
                   [[f"`{p['name']}`", _num(p["value"]), p["unit"],
                     f"{_num(p['bounds'][0])} – {_num(p['bounds'][1])}", _num(p["cv"]), p["source"], p["grade"],
                     p["description"]] for p in info["parameters"]]), ""]
    out += ["### Inputs", "", "Set by scenario exposures, not by hand.", "", _table(
        ["input", "unit", "default", "used by", "meaning"],
        [[f"`{u['name']}`", u["unit"], _num(u["default"]), ", ".join(u["modules"]), u["description"]]
         for u in info["inputs"]]), ""]
    out += ["### Observables", "", "Names usable in a scenario's `[run] outputs` and as trial endpoints.", "", _table(
        ["observable", "unit", "meaning"],
        [[f"`{o['name']}`", o["unit"], o["description"]] for o in info["observables"]]), ""]
    return out


def model_reference() -> str:
    """The generated part of model.md: the core, then the whole model."""
    body = _model_section(_describe("core"), "pnisim model") + _model_section(_describe("whole"),
                                                                              "pnisim model --model whole")
    return "\n".join(body)


# ============================================================================================ entry point
PAGES = {
    "scenarios.md": (scenarios_reference, "the JSON Schemas in src/pnisim/schemas"),
    "model.md": (model_reference, "the model description (`pnisim model --json`, `pnisim model --model whole --json`)"),
}
MARKER = "<!-- Everything below this line is generated by docs/generate.py from {src}. Edit the source or the " \
         "generator and run `python docs/generate.py`, not the text below. -->"


def render(name: str) -> str:
    """The page as it should be committed: its hand-written part (up to the marker) and a fresh generated part."""
    make, src = PAGES[name]
    marker = MARKER.format(src=src)
    path = DOCS / name
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head = text.split(marker, 1)[0] if marker in text else text.split("<!-- Everything below this line", 1)[0]
    head = head.rstrip() + "\n\n" if head.strip() else ""
    return head + marker + "\n\n" + make().rstrip() + "\n"


def render_all() -> dict[str, str]:
    """Page name -> its text as it should be committed."""
    return {name: render(name) for name in PAGES}


def stale_pages() -> list[str]:
    """Names of the pages whose committed text differs from a fresh rendering."""
    out = []
    for name, text in render_all().items():
        path = DOCS / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="report stale pages (exit 1) instead of writing them")
    args = ap.parse_args(argv)
    if args.check:
        stale = stale_pages()
        for name in stale:
            print(f"docs/{name} is out of date: run python docs/generate.py", file=sys.stderr)
        return 1 if stale else 0
    for name, text in render_all().items():
        (DOCS / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/{name} ({len(text.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
