"""Data shipped with pnisim (human data, evidence targets, calibrations), with provenance in each README."""

from __future__ import annotations

from importlib import resources

import numpy as np

__all__ = ["load_csv", "load_lps_bolus_mean", "load_lps_bolus_individual"]


def load_csv(relative: str) -> dict[str, np.ndarray]:
    """A numeric CSV from ``pnisim/data`` as {column: array}."""
    path = resources.files("pnisim") / "data" / relative
    with path.open() as fh:
        header = fh.readline().strip().split(",")
        arr = np.loadtxt(fh, delimiter=",", ndmin=2)
    return {name: arr[:, i] for i, name in enumerate(header)}


def load_lps_bolus_mean() -> dict[str, np.ndarray]:
    """Windoloski 2024: mean and SD of TNF, IL-6, IL-8, IL-10 after 2 ng/kg LPS (n = 20, outliers removed)."""
    return load_csv("human/lps_bolus_2ngkg_mean.csv")


def load_lps_bolus_individual() -> dict[str, np.ndarray]:
    """Windoloski 2024: the 20 subjects' cytokine curves after 2 ng/kg LPS."""
    return load_csv("human/lps_bolus_2ngkg_individual.csv")
