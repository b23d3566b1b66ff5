"""Data shipped with pnisim (human data, evidence targets, calibrations), with provenance in each README."""

from __future__ import annotations

from importlib import resources

import numpy as np

__all__ = ["load_csv", "load_lps_bolus_mean", "load_lps_bolus_individual", "load_tsst_mean"]


def load_csv(relative: str) -> dict[str, np.ndarray]:
    """A CSV from ``pnisim/data`` as {column: array}; numeric columns as float, others as str."""
    path = resources.files("pnisim") / "data" / relative
    with path.open() as fh:
        header = fh.readline().strip().split(",")
        rows = [line.strip().split(",") for line in fh if line.strip()]
    out: dict[str, np.ndarray] = {}
    for i, name in enumerate(header):
        col = [r[i] for r in rows]
        try:
            out[name] = np.array([float(v) for v in col])
        except ValueError:
            out[name] = np.array(col)
    return out


def load_tsst_mean(kind: str = "cortisol") -> dict[str, np.ndarray]:
    """Nelson TSST data (15 healthy controls, stressor at 30 min): mean over subjects at each time.

    ``kind`` "cortisol" (µg/dL) or "acth" (pg/mL). Returns {"time_min", "mean", "n"}.
    """
    col = {"cortisol": "cortisol_ug_dL", "acth": "acth_pg_mL"}[kind]
    d = load_csv(f"human/nelson_tsst_healthy_{kind}.csv")
    times = np.unique(d["time_min"])
    return {
        "time_min": times,
        "mean": np.array([d[col][d["time_min"] == t].mean() for t in times]),
        "n": np.array([(d["time_min"] == t).sum() for t in times]),
    }


def load_lps_bolus_mean() -> dict[str, np.ndarray]:
    """Windoloski 2024: mean and SD of TNF, IL-6, IL-8, IL-10 after 2 ng/kg LPS (n = 20, outliers removed)."""
    return load_csv("human/lps_bolus_2ngkg_mean.csv")


def load_lps_bolus_individual() -> dict[str, np.ndarray]:
    """Windoloski 2024: the 20 subjects' cytokine curves after 2 ng/kg LPS."""
    return load_csv("human/lps_bolus_2ngkg_individual.csv")
