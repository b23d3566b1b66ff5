"""Calibration problems for the shipped human time courses, each with an explicit measurement-error model.

Adapted from the data and designs of:

* Windoloski KA, Bangsgaard EO, Dobreva A, Ottesen JT, Olufsen MS. Characterization of differences in immune
  responses during bolus and continuous infusion endotoxin challenges using mathematical modeling. Exp Physiol
  2024, doi:10.1113/EP091552 — mean and SD of TNF-α, IL-6, IL-8, IL-10 of 20 healthy adults after 2 ng/kg
  E. coli LPS (``data/human/lps_bolus_2ngkg_*.csv``);
* Carroll BJ, Cassidy F, Naftolowitz D et al. Pathophysiology of hypercortisolism in depression. Acta Psychiatr
  Scand Suppl 2007;433:90-103, doi:10.1111/j.1600-0447.2007.00967.x — 24-h mean serum cortisol of healthy
  controls every 10 min (digitised; ``data/human/carroll2007_control_cortisol.csv``);
* the "Nelson" Trier Social Stress Test data of 15 healthy controls (stressor at 30 min), in Parker C et al.
  Entropy 2022;24:1747, doi:10.3390/e24121747 (``data/human/nelson_tsst_healthy_*.csv``).

Each problem satisfies :class:`pnisim.calibrate.problem.Problem`: ``residuals(theta)`` are standardised
(simulated - observed) / sigma, so ``log_likelihood = -0.5 * sum(r**2)`` up to a constant.

**Error models.** Cytokines and hormones are right-skewed and their errors grow with the level, so every problem
here uses a log-normal (proportional) error model: the residual is (ln sim - ln obs) / sigma with sigma the SD on
the natural-log scale. For a group mean with coefficient of variation CV over n people the log-scale SD of the
mean is about sqrt(ln(1 + CV^2) / n) (delta method on a log-normal population); a floor (``cv_floor``, default
0.10, the order of an immunoassay's inter-assay CV) is added in quadrature so that near-constant points (the LPS
baseline, SD 2 % of the mean) do not dominate the fit. ``error_model="linear"`` gives instead the classical
sigma = SD / sqrt(n) on the natural scale (the SE of the mean), as the issue allows.

**Settling.** The model is simulated as the typical individual on a settled day. The state is settled once, for
the nominal parameters, from the model's initial state over ``settle_days`` (default 10, as in
``tests/reference/test_whole.py``) and stored. Every residual evaluation then starts from that stored state at
midnight, ``run_in_days`` whole days before the experiment day, with the trial parameters. This run-in is the
"short re-settling": the HPA and innate states relax within hours (ACTH half-life 20 min, cortisol about 1 h,
cytokines under 1 h), so after a run-in of 8-24 h they have forgotten the nominal parameters, while the
slow states (adrenal and pituitary masses, weeks; Karin et al. 2020) keep their nominal values, which is how
the core clock was fitted (gland masses frozen, ``core_clock.py``). At the nominal parameters the run equals
one continuous settled run exactly. Starting at a midnight keeps the clock phase (the model clock is ``t mod
24``), and makes the same set-up exportable to PEtab (:mod:`pnisim.calibrate.petab_export`): simulated time 0 =
that midnight, initial values = the stored settled state, the bolus or stressor = time-triggered SBML events.

Layout: :mod:`.data` (the data table and its checks), :mod:`.base` (settling and the shared problem: time axis,
parameters, batched simulation, standardised residuals, synthetic data), and one module per data set:
:mod:`.lps`, :mod:`.cortisol_day`, :mod:`.tsst`.

Research use only, not medical advice.
"""

from .base import DEFAULT_SOLVER, TimecourseProblem, settled_state
from .cortisol_day import CortisolDayProblem
from .data import DISCLAIMER, UG_DL_TO_NMOL_L, TimecourseData
from .lps import LpsProblem
from .tsst import TsstProblem

__all__ = [
    "DEFAULT_SOLVER",
    "DISCLAIMER",
    "UG_DL_TO_NMOL_L",
    "CortisolDayProblem",
    "LpsProblem",
    "TimecourseData",
    "TimecourseProblem",
    "TsstProblem",
    "settled_state",
]
