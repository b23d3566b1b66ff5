"""The documentation stays true: generated reference pages match the code, the README stays short, every
relative link resolves, and product text names no issue numbers.

The generated pages come from ``docs/generate.py`` (JSON Schemas and the model description; no kernel is
compiled, so this module runs in a few seconds)."""

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_LIMIT = 8000  # bytes
PAGES = [README, *sorted(DOCS.glob("*.md")), ROOT / "benchmarks" / "README.md"]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
ISSUE = re.compile(r"\bissues?\s*#?\s*\d+", re.IGNORECASE)


def _generator():
    spec = importlib.util.spec_from_file_location("pnisim_docs_generate", DOCS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_current():
    gen = _generator()
    for name, text in gen.render_all().items():
        path = DOCS / name
        assert path.exists(), f"docs/{name} is missing: run python docs/generate.py"
        assert path.read_text(encoding="utf-8") == text, f"docs/{name} is out of date: run python docs/generate.py"


def test_generated_pages_cover_every_schema_and_both_models():
    scenarios = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    for schema in sorted((ROOT / "src" / "pnisim" / "schemas").glob("*.schema.json")):
        assert f"src/pnisim/schemas/{schema.name}" in scenarios, schema.name
    model = (DOCS / "model.md").read_text(encoding="utf-8")
    assert '<a id="model-core"></a>' in model and '<a id="model-whole"></a>' in model


def test_readme_is_short():
    size = len(README.read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes; the limit is {README_LIMIT}: move detail to docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_issue_numbers_in_product_text(page):
    found = ISSUE.findall(page.read_text(encoding="utf-8"))
    assert not found, f"{page.relative_to(ROOT)} mentions {found}"


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors of a Markdown page, plus explicit ``<a id="...">`` anchors."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # headings inside code blocks are not headings
    out = set(re.findall(r'<a id="([^"]+)"></a>', text))
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.MULTILINE):
        slug = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_").replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue  # an external address
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page
        if not dest.exists():
            broken.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)}: links that do not resolve: {broken}"


def test_readme_links_only_to_docs_that_exist():
    targets = [t.partition("#")[0] for t in LINK.findall(README.read_text(encoding="utf-8"))]
    docs = [t for t in targets if t.startswith("docs/")]
    assert docs, "README.md links to no docs page"
    assert all((ROOT / t).is_file() for t in docs)


def test_readme_scenario_example_is_the_shipped_file_and_validates():
    from pnisim.scenario import loads_scenario

    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, "README.md shows no scenario"
    for block in blocks:
        data = tomllib.loads(block)
        shipped = ROOT / "examples" / f"{data['name']}.toml"
        assert shipped.exists(), f"the README's scenario {data['name']!r} is not a file in examples/"
        assert data == tomllib.loads(shipped.read_text(encoding="utf-8")), f"README differs from {shipped.name}"
        loads_scenario(block, "toml")
