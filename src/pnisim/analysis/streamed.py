"""What a streamed run leaves on disk: ``results.zarr``, ``summary.json`` and ``scenario.json``.

The store is written chunk by chunk while the run goes (:func:`pnisim.scenario.stream.stream_scenario`), so
unlike an in-memory run (:mod:`.outputs`) the directory cannot be staged and renamed into place:
:func:`check_stream_directory` readies it before the run, keeping a run to resume, and
:func:`write_stream_summary` adds the two JSON files once the store is complete.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..io.writers import jsonable, write_json
from ..scenario.stream import STORE_NAME, StreamResult, stream_summary

__all__ = ["check_stream_directory", "write_stream_summary"]


def check_stream_directory(out: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Ready ``out`` for a streamed run. A directory holding a streamed run is kept (the run resumes from its
    completed chunks); a file, or any other non-empty directory, raises ``FileExistsError`` — unless
    ``overwrite``, which removes a non-empty directory first."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"The output path {str(out)!r} exists and is not a directory.")
    if out.is_dir() and any(out.iterdir()):
        if overwrite:
            shutil.rmtree(out)
        elif not (out / STORE_NAME).is_dir():
            raise FileExistsError(f"The output directory {str(out)!r} exists, is not empty and holds no streamed "
                                  f"run to resume; use --overwrite to replace it.")
    return out


def write_stream_summary(res: StreamResult, scenario, out: str | os.PathLike) -> dict:
    """Write ``summary.json`` (:func:`pnisim.scenario.stream.stream_summary` of the finished run ``res``) and
    ``scenario.json`` (the canonical spec) into ``out``, beside the store; return the summary."""
    out = Path(out)
    summary = stream_summary(res)
    write_json(jsonable(summary), out / "summary.json")
    (out / "scenario.json").write_text(scenario.canonical_json() + "\n", encoding="utf-8")
    return summary
