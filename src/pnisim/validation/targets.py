"""The shipped targets and their roles (read by :mod:`pnisim.data.targets`; re-exported for the validation suite)."""

from ..data.targets import ROLES, Target, load_roles, load_targets

__all__ = ["Target", "load_targets", "load_roles", "ROLES"]
