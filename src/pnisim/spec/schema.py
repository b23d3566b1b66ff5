"""The published JSON Schema of a kind of spec file, generated from its pydantic model."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["schema_document", "write_schema"]


def schema_document(schema: dict, *, kind: str, title: str, description: str) -> dict:
    """A draft 2020-12 JSON Schema document of spec files of ``kind`` from a pydantic model's ``schema``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://pnisim.org/schemas/{kind}.schema.json",
        **schema,
        "title": title,
        "description": description,
    }


def write_schema(document: dict, path: str | Path) -> Path:
    """Write a schema document as indented UTF-8 JSON (the form shipped in ``pnisim/schemas``)."""
    p = Path(path)
    p.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return p
