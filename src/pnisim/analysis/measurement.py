"""Measurement models: what an assay or a questionnaire would report for a simulated true value.

A simulated trajectory is the *true* value. A study sees it through an instrument:

* laboratory assays (cortisol, ACTH, hs-CRP, cytokines, NK activity) add multiplicative log-normal error with the
  assay's coefficient of variation ``cv``; the error is mean-preserving (``log y = log x + σz - σ²/2`` with
  ``σ² = ln(1 + cv²)``), so the reported values scatter around the truth with exactly that CV;
* optionally (``biological=True``) a within-person day-to-day variation ``biological_cv`` that the model does
  not simulate, combined with the assay error on the log scale (only where a source documents it);
* values below the lower limit of detection ``lod`` are either reported as ``lod / 2`` (``"substitute"``) or
  censored to NaN (``"censor"``); either way ``<name>_below_lod`` flags them;
* questionnaires and clinical scores add normal test-retest error ``retest_sd`` (scale points; the standard error
  of measurement ``SD sqrt(1 - r)`` from a test-retest correlation ``r``) and, with ``biological=True``, a normal
  within-person fluctuation ``biological_sd`` over weeks to months that the model does not simulate (only where a
  source documents it), then round to integers and clip to the scale range.

Sources and grades (A-D as in ``pnisim.model.core.GRADES``) are on each entry. Assay CVs and detection limits are
typical manufacturer values; they differ between kits and laboratories and should be replaced by the study's own
when known. Randomness comes only from the ``numpy.random.Generator`` (or seed) passed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np
import xarray as xr

from ..errors import SpecError, UnitError
from ..model.compose import did_you_mean
from ..model.core import GRADES

__all__ = ["Measurement", "MEASUREMENTS", "LOD_RULES", "measure", "sem_from_retest"]

LOD_RULES = ("substitute", "censor")


def sem_from_retest(sd: float, r: float) -> float:
    """Standard error of measurement (test-retest SD) from a between-person SD and a test-retest correlation."""
    return sd * math.sqrt(1.0 - r)


@dataclass(frozen=True)
class Measurement:
    """How one observable is measured. ``cv``, ``biological_cv`` are fractions; ``lod``, ``lower``, ``upper``,
    ``retest_sd``, ``biological_sd`` are in ``unit``."""

    name: str
    unit: str
    cv: float
    lod: float
    lod_rule: str
    integer: bool
    lower: float
    upper: float
    source: str
    grade: str
    retest_sd: float = 0.0
    biological_cv: float = 0.0
    description: str = ""
    biological_sd: float = 0.0

    def __post_init__(self) -> None:
        for field in ("cv", "lod", "retest_sd", "biological_cv", "biological_sd"):
            value = getattr(self, field)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise SpecError(
                    f"The '{field}' of measurement '{self.name}' must be a finite number >= 0. Got {value!r} instead."
                )
        if self.lod_rule not in LOD_RULES:
            raise SpecError(
                f"The 'lod_rule' of measurement '{self.name}' must be one of {list(LOD_RULES)}. "
                f"Got {self.lod_rule!r} instead."
            )
        if not self.lower < self.upper:
            raise SpecError(
                f"The 'lower' bound of measurement '{self.name}' must be below its 'upper' bound. "
                f"Got lower={self.lower}, upper={self.upper} instead."
            )
        if self.grade not in GRADES:
            raise SpecError(
                f"The 'grade' of measurement '{self.name}' must be one of A, B, C, D. Got {self.grade!r} instead."
            )


INF = math.inf
DAS28_SEM = 1.32 / (1.96 * math.sqrt(2.0))
DAS28_FLUCTUATION = math.sqrt((1.8 / (1.645 * math.sqrt(2.0))) ** 2 - DAS28_SEM**2)
KIT = "typical manufacturer package-insert value; replace with the study laboratory's own"


def _assay(name, unit, cv, lod, source, grade, *, biological_cv=0.0, upper=INF, description=""):
    return Measurement(name, unit, cv, lod, "substitute", False, 0.0, upper, source, grade,
                       biological_cv=biological_cv, description=description)


def _scale(name, unit, upper, retest_sd, source, grade, *, integer=True, biological_sd=0.0, description=""):
    return Measurement(name, unit, 0.0, 0.0, "substitute", integer, 0.0, upper, source, grade,
                       retest_sd=retest_sd, biological_sd=biological_sd, description=description)


_ENTRIES = (
    _assay("cortisol_serum", "nmol/L", 0.06, 1.5,
           f"electrochemiluminescence immunoassay (e.g. Roche Elecsys Cortisol II: CV 2-6 %, LoD ~1.5 nmol/L); {KIT}",
           "C", description="serum cortisol immunoassay"),
    _assay("cortisol_saliva", "nmol/L", 0.08, 0.19,
           f"salivary cortisol EIA (e.g. Salimetrics: sensitivity 0.007 µg/dL = 0.19 nmol/L, inter-assay CV "
           f"4-11 %); {KIT}. Within-person day-to-day CV 34 % at a fixed clock time (8 samples over 25 days: "
           "Clin Biochem 2011;44:665-668, doi:10.1016/j.clinbiochem.2011.02.003)", "C", biological_cv=0.34,
           description="salivary cortisol enzyme immunoassay"),
    _assay("acth", "pg/mL", 0.06, 1.0,
           f"ACTH immunoassay (e.g. Roche Elecsys ACTH: LoD ~1 pg/mL, CV ~5 %); {KIT}", "C"),
    _assay("crp", "mg/L", 0.05, 0.15,
           f"hs-CRP immunoturbidimetry (inter-assay CV 5-10 %, LoD ~0.15 mg/L); {KIT}. Within-person day-to-day "
           "CV 42 %: Macy EM, Hayes TE, Tracy RP. Clin Chem 1997;43:52-58, doi:10.1093/clinchem/43.1.52",
           "B", biological_cv=0.42, description="high-sensitivity C-reactive protein"),
    _assay("il6", "pg/mL", 0.12, 0.1,
           f"high-sensitivity IL-6 ELISA (inter-assay CV 5-15 %, sensitivity ~0.1 pg/mL); {KIT}. Within-person "
           "CV over a month 27 % (26-31 % at 6 and 12 months; Knudsen LS et al. Biomarkers 2008;13:59-78, "
           "doi:10.1080/13547500701615017)", "C", biological_cv=0.27),
    _assay("tnf", "pg/mL", 0.12, 0.2,
           f"high-sensitivity TNF-α ELISA (inter-assay CV 5-15 %, sensitivity ~0.2 pg/mL); {KIT}. Within-person "
           "CV 11-20 %, here 15 % (Aziz N et al. BMC Immunol 2019;20:33, doi:10.1186/s12865-019-0313-0)", "C",
           biological_cv=0.15),
    _assay("il10", "pg/mL", 0.12, 0.2,
           f"high-sensitivity IL-10 ELISA (inter-assay CV 5-15 %, sensitivity ~0.2 pg/mL); {KIT}", "C"),
    _assay("nk_activity", "1", 0.15, 0.02,
           "NK cytotoxicity relative to rest (51Cr or flow-cytometric release at a fixed E:T ratio): assay CV ~15 % "
           "and a floor of 2 % of resting lysis are pnisim assumptions, not yet calibrated", "D", upper=5.0),
    _assay("rmssd", "ms", 0.10, 0.0,
           "short-term HRV recording and artefact correction: 10 % error is a pnisim assumption, not yet "
           "calibrated. Within-person day-to-day CV 25 %: above the 21 % of two recordings 20-30 min apart (J Hum "
           "Kinet 2016, doi:10.1515/hukin-2015-0146), consistent with ICCs of 0.5-0.6 over months (Uhlig S et al. "
           "Biol Psychol 2020;154:107905)", "D", biological_cv=0.25,
           description="root mean square of successive R-R differences"),
    _scale("phq9", "score 0-27", 27.0, sem_from_retest(3.52, 0.84),
           "test-retest r = 0.84 (Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16:606-613, "
           "doi:10.1046/j.1525-1497.2001.016009606.x) with general-population SD 3.52 (Kocalevent RD et al. Gen "
           "Hosp Psychiatry 2013;35:551-555, doi:10.1016/j.genhosppsych.2013.04.006)", "B"),
    _scale("gad7", "score 0-21", 21.0, sem_from_retest(3.41, 0.83),
           "test-retest ICC 0.83 (Spitzer RL et al. Arch Intern Med 2006;166:1092-1097, "
           "doi:10.1001/archinte.166.10.1092) with general-population SD 3.41 (Löwe B et al. Med Care "
           "2008;46:266-274, doi:10.1097/MLR.0b013e318160d093)", "B"),
    _scale("pss10", "score 0-40", 40.0, sem_from_retest(6.35, 0.85),
           "test-retest r = 0.85 over 2 days (PSS-14: Cohen S, Kamarck T, Mermelstein R. J Health Soc Behav "
           "1983;24:385-396, doi:10.2307/2136404) with SD 6.35 (Cohen & Williamson 1988 US sample)", "C"),
    _scale("pcl5", "score 0-80", 80.0, sem_from_retest(15.0, 0.82),
           "test-retest r = 0.82 (Blevins CA et al. J Trauma Stress 2015;28:489-498, doi:10.1002/jts.22059); "
           "between-person SD 15 is a pnisim assumption", "C"),
    _scale("psqi", "score 0-21", 21.0, sem_from_retest(3.0, 0.85),
           "Pittsburgh Sleep Quality Index global score (higher = worse): test-retest r = 0.85 (Buysse DJ et al. "
           "Psychiatry Res 1989;28:193-213, doi:10.1016/0165-1781(89)90047-4); between-person SD 3 is a pnisim "
           "assumption", "C"),
    _scale("disease_score", "score", 10.0, DAS28_SEM,
           "DAS28 in the RA preset: smallest detectable difference 1.32 over one week in stable RA, so SEM = "
           "1.32 / (1.96 sqrt 2) (Uhlig T, Kvien TK, Pincus T. Ann Rheum Dis 2009;68:972-975, "
           "doi:10.1136/ard.2008.097345). Within-patient fluctuation over months beyond that error: in 415 patients "
           "on stable treatment, changes between visits 6 months apart stayed below 1.8 (one-sided 95 %; Behrens F "
           "et al. Arthritis Care Res 2013;65:1626-1633, doi:10.1002/acr.22037), so each visit's total SD is "
           "1.8 / (1.645 sqrt 2) and the fluctuation SD sqrt(total^2 - SEM^2). The same error is assumed for the "
           "other presets' scales (grade C)", "B", integer=False, biological_sd=DAS28_FLUCTUATION,
           description="disease activity score of the preset (DAS28 for RA; continuous)"),
)

#: Measurement models keyed by pnisim observable name.
MEASUREMENTS: dict[str, Measurement] = {m.name: m for m in _ENTRIES}


def _generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise SpecError(f"The 'rng' of measure() must be a numpy.random.Generator or an integer seed. Got {rng!r} instead.")


def _apply(x: np.ndarray, m: Measurement, rng: np.random.Generator, biological: bool, lod_rule: str):
    """Measured values and below-LOD flags for true values ``x`` (NaN stays NaN, unflagged)."""
    y = np.array(x, dtype=float, copy=True)
    finite = np.isfinite(y)
    sigma2 = math.log1p(m.cv**2) + (math.log1p(m.biological_cv**2) if biological else 0.0)
    if sigma2 > 0:
        z = rng.standard_normal(y.shape)
        y = y * np.exp(math.sqrt(sigma2) * z - sigma2 / 2.0)  # mean-preserving log-normal error
    sd = math.hypot(m.retest_sd, m.biological_sd if biological else 0.0)
    if sd > 0:
        y = y + sd * rng.standard_normal(y.shape)
    if m.integer:
        y = np.rint(y)
    y = np.clip(y, m.lower, m.upper)
    below = finite & (y < m.lod) if m.lod > 0 else np.zeros(y.shape, dtype=bool)
    y[below] = m.lod / 2.0 if lod_rule == "substitute" else np.nan
    return y, below


def measure(
    ds: xr.Dataset,
    rng: np.random.Generator | int,
    names: Iterable[str] | None = None,
    *,
    biological: bool = False,
    lod_rule: str | None = None,
    models: Mapping[str, Measurement] | None = None,
) -> xr.Dataset:
    """A copy of ``ds`` in which each named observable is replaced by what its instrument would report.

    ``names`` defaults to every variable of ``ds`` that has a measurement model. ``biological`` adds the documented
    within-person day-to-day variation. ``lod_rule`` overrides each model's rule ("substitute" or "censor").
    ``models`` replaces or adds measurement models by name. Each measured variable keeps its dims and its
    ``units`` and gains the measurement model in its attrs, plus a ``<name>_below_lod`` flag variable (1 = below
    the detection limit). Draws are made in the order of ``names``, so a seed reproduces the result exactly.
    """
    registry = {**MEASUREMENTS, **dict(models or {})}
    gen = _generator(rng)
    if lod_rule is not None and lod_rule not in LOD_RULES:
        raise SpecError(f"The 'lod_rule' of measure() must be one of {list(LOD_RULES)}. Got {lod_rule!r} instead.")
    chosen = [n for n in ds.data_vars if n in registry] if names is None else list(names)
    for n in chosen:
        if n not in registry:
            raise SpecError(
                f"The observable '{n}' has no measurement model. Known: {', '.join(sorted(registry))}."
                + did_you_mean(n, registry)
            )
        if n not in ds.data_vars:
            raise SpecError(f"The observable '{n}' is not in the dataset. Present: {', '.join(map(str, ds.data_vars))}."
                            + did_you_mean(n, [str(v) for v in ds.data_vars]))
        have = ds[n].attrs.get("units")
        if have is not None and have != registry[n].unit:
            raise UnitError(
                f"The 'units' of observable '{n}' must be {registry[n].unit!r} for its measurement model. "
                f"Got {have!r} instead."
            )
    out = ds.copy()
    for n in chosen:
        m = registry[n]
        rule = lod_rule or m.lod_rule
        values, below = _apply(ds[n].values, m, gen, biological, rule)
        attrs = {**ds[n].attrs, "units": m.unit, "measured": 1, "measurement_cv": m.cv, "measurement_lod": m.lod,
                 "lod_rule": rule, "retest_sd": m.retest_sd, "integer": int(m.integer),
                 "biological_cv": m.biological_cv if biological else 0.0,
                 "measurement_source": m.source, "measurement_grade": m.grade}
        out[n] = (ds[n].dims, values, attrs)
        out[f"{n}_below_lod"] = (ds[n].dims, below.astype(np.int8),
                                 {"units": "1", "long_name": f"{n} below the detection limit {m.lod} {m.unit}",
                                  "flag_values": "0 1", "flag_meanings": "detected below_lod"})
    out.attrs["measurement"] = (
        f"pnisim.analysis.measurement on {', '.join(chosen)}; biological={bool(biological)}"
    )
    out.attrs["measurement_models"] = repr({n: asdict(registry[n]) for n in chosen})
    return out
