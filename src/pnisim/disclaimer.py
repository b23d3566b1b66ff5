"""The one disclaimer every result, report and command carries."""

__all__ = ["DISCLAIMER"]

DISCLAIMER = "Research use only, not medical advice."
