"""pnisim — an open, evidence-graded simulator of the psychoneuroimmune system.

Research use only, not medical advice.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
