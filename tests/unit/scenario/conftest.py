"""Make ``src/`` importable when pnisim is not installed (e.g. a fresh checkout run with plain pytest)."""

import sys
from pathlib import Path

try:
    import pnisim  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "src"))
