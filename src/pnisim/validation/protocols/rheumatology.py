"""Rheumatoid arthritis as trials see it: the disease activity of the people they enrol, the change under an anti-TNF
antibody, and the ACR and EULAR responses.

One simulated trial serves every target: adults with RA (the ``ra`` preset, between-patient variability in severity
and in the share of disease production that depends on TNF-alpha), settled for eight weeks on their background
treatment, enrolled at high disease activity (DAS28 > 5.1 at screening, the EULAR high-activity cut-off; RAPID 2
and ARMADA enrolled by tender and swollen joint counts, which select about that), then placebo or adalimumab 40 mg
every other week for 24 weeks.

Responses are read from the DAS28 pair:

* EULAR (van Gestel AM et al. Arthritis Rheum 1996;39:34-40, doi:10.1002/art.1780390105): no response is a fall of
  at most 0.6, or of at most 1.2 with a final DAS28 above 5.1;
* ACR20/50/70 through the SDAI response criteria that agree best with them, a relative fall of the SDAI of at least
  50, 70 and 85 % (Aletaha D, Martinez-Avila J, Kvien TK, Smolen JS. Ann Rheum Dis 2012;71:1190-1196,
  doi:10.1136/annrheumdis-2012-201491). The SDAI is read from the DAS28-ESR by the published conversion
  SDAI = 1.168 DAS28^2 - 2.432 DAS28 + 2.649 (robust regression in 933 outpatients; Clin Rheumatol 2022,
  doi:10.1007/s10067-022-06259-z). The ACR criteria count joints and global assessments the model does not have;
  this reading is a chain of two published equivalences, not the ACR definition.

Visits see DAS28 through its measurement error and its fluctuation over months in patients on stable treatment
(:mod:`pnisim.analysis.measurement`), so patients enrolled at a high reading drift back in the placebo arm.
"""

from __future__ import annotations

import numpy as np

from ..record import Record
from ..studies import Studies
from ..targets import Target
from .common import bootstrap_ci, compare, mean_ci
from .registry import protocol

PER_ARM = 200
HIGH_ACTIVITY = 5.1  # DAS28 (Prevoo 1995; EULAR)
ACR = {"acr20": 0.50, "acr50": 0.70, "acr70": 0.85}  # SDAI relative fall equivalent to each ACR level
DESIGN = (f"{2 * PER_ARM} adults with RA (ra preset with between-patient variability), DAS28 > {HIGH_ACTIVITY} at "
          "screening after 8 weeks on background treatment, placebo or adalimumab 40 mg every other week for 24 weeks, "
          "DAS28 with measurement error and fluctuation at entry and week 24")


def _trial(st: Studies):
    spec = {"model": "whole", "duration": "24 week", "burn_in": "56 d", "visits": ["0 week", "24 week"],
            "population": {"per_arm": PER_ARM, "seed": 60, "screen_factor": 4.0, "mixture": {"ra": 1.0}},
            "inclusion": [{"observable": "disease_score", "op": ">", "value": HIGH_ACTIVITY}],
            "arms": [{"name": "placebo"}, {"name": "adalimumab", "exposures": [
                {"type": "adalimumab", "day": 0, "time": "08:00"}]}],
            "endpoints": [{"observable": "disease_score"}]}
    res = st.trial("ra_antitnf", spec)
    y = res.data["disease_score"].values
    ok = (res.data["status"].values == 0) & np.isfinite(y).all(axis=1)
    arm = res.data["arm"].values
    return {name: y[ok & (arm == name)] for name in ("placebo", "adalimumab")}


def eular_none(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """No EULAR response (van Gestel 1996): a fall <= 0.6, or <= 1.2 with the final DAS28 above 5.1."""
    fall = before - after
    return (fall <= 0.6) | ((fall <= 1.2) & (after > HIGH_ACTIVITY))


def sdai_from_das28(das28: np.ndarray) -> np.ndarray:
    """SDAI from DAS28-ESR (Clin Rheumatol 2022, doi:10.1007/s10067-022-06259-z); the quadratic's minimum lies at
    DAS28 1.04, below any observed DAS28."""
    das28 = np.asarray(das28, dtype=float)
    return 1.168 * das28**2 - 2.432 * das28 + 2.649


def sdai_response(before: np.ndarray, after: np.ndarray, level: float) -> np.ndarray:
    """A relative fall of the SDAI of at least ``level`` (the SDAI criteria for ACR20/50/70, Aletaha 2012)."""
    s0, s1 = sdai_from_das28(before), sdai_from_das28(after)
    return (s0 - s1) >= level * s0


def _share(t: Target, st: Studies, flags: np.ndarray, metric: str, seed: int) -> list[Record]:
    est = float(flags.mean())
    ci = bootstrap_ci(lambda i: float(flags[i].mean()), flags.size, seed=st.seed + seed)
    return [compare(t, metric, est, ci, unit="1", design=DESIGN)]


def _mean_or_sd(t: Target, st: Studies, x: np.ndarray, what: str, seed: int) -> list[Record]:
    """The mean of ``x`` with its CI, or (targets ending ``_sd``) its SD with a resampling CI."""
    if t.id.endswith("_sd"):
        ci = bootstrap_ci(lambda i: float(x[i].std(ddof=1)), x.size, seed=st.seed + seed)
        return [compare(t, f"SD of {what}", float(x.std(ddof=1)), ci, unit="DAS28", design=DESIGN)]
    m, ci = mean_ci(x)
    return [compare(t, f"mean {what}", m, ci, unit="DAS28", design=DESIGN)]


@protocol("ra_baseline_das28", "ra_baseline_das28_sd")
def baseline(t: Target, st: Studies) -> list[Record]:
    y = np.concatenate([v[:, 0] for v in _trial(st).values()])
    return _mean_or_sd(t, st, y, "DAS28 at entry", 61)


@protocol("ra_antitnf_das28_change", "ra_antitnf_das28_change_sd")
def antitnf_change(t: Target, st: Studies) -> list[Record]:
    y = _trial(st)["adalimumab"]
    return _mean_or_sd(t, st, y[:, 1] - y[:, 0], "the DAS28 change at week 24 on adalimumab", 62)


@protocol("ra_antitnf_acr20", "ra_antitnf_acr50", "ra_antitnf_acr70", "ra_placebo_acr20")
def acr_response(t: Target, st: Studies) -> list[Record]:
    arm, level = t.id.split("_")[1], t.id.split("_")[2]
    y = _trial(st)["adalimumab" if arm == "antitnf" else "placebo"]
    flags = sdai_response(y[:, 0], y[:, 1], ACR[level])
    return _share(t, st, flags, f"{level.upper()}-equivalent response at week 24 ({'adalimumab' if arm == 'antitnf' else 'placebo'}; "
                  f"SDAI fall >= {100 * ACR[level]:.0f} %)", 63)


@protocol("ra_antitnf_eular_none")
def eular(t: Target, st: Studies) -> list[Record]:
    y = _trial(st)["adalimumab"]
    return _share(t, st, eular_none(y[:, 0], y[:, 1]), "no EULAR response at week 24 on adalimumab", 64)
