"""Where pnisim keeps what it builds once and reuses across processes (compiled kernels, pint's parsed units)."""

from __future__ import annotations

import os
import pathlib

__all__ = ["default_cache_dir"]


def default_cache_dir() -> pathlib.Path:
    """``$PNISIM_CACHE_DIR`` if set, else ``~/.cache/pnisim/kernels``."""
    env = os.environ.get("PNISIM_CACHE_DIR")
    if env:
        return pathlib.Path(env).expanduser()
    return pathlib.Path.home() / ".cache" / "pnisim" / "kernels"
