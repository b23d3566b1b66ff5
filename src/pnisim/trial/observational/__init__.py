"""Observational study designs on virtual populations: case–control comparisons and cohort incidence.

Research use only, not medical advice.

**Case–control** (:func:`case_control`). Cases and controls are drawn from phenotype mixtures the way
:func:`pnisim.trial.run.run_trial` screens candidates (a seeded phenotype draw, then log-normal between-person
parameters, :func:`pnisim.population.draw_mixture`), settled for ``burn_in_days`` from midnight of day 0
(model time: hours since midnight, clock hour = t mod 24) and measured once at a morning blood draw
(``draw_time``, default 08:00 on the day after the settling period) with the assay and questionnaire error of
:func:`pnisim.analysis.measurement.measure`. Per observable the report gives group means and SDs and Hedges' g
with its large-sample CI (Borenstein M, Hedges LV, Higgins JPT, Rothstein HR. Introduction to Meta-Analysis.
Wiley 2009, eq. 4.18–4.24; :func:`pnisim.trial.stats.hedges_g`), on the raw and, for positive observables, on
the log scale (meta-analyses of CRP and cytokines often pool log values). The design mirrors the meta-analysed
case–control studies it is compared with: Osimo EF et al. Brain Behav Immun 2020;87:901–909,
doi:10.1016/j.bbi.2020.02.010 (depression vs controls: CRP g 0.71, IL-6 0.61, TNF 0.54) and Irwin MR, Olmstead
R, Carroll JE. Biol Psychiatry 2016;80:40–52, doi:10.1016/j.biopsych.2015.05.014 (sleep disturbance: CRP 0.12,
IL-6 0.20).

**Cohort** (:func:`cohort`). Exposed and unexposed groups are drawn the same way and followed for ``years``
(daily samples at the draw time, simulated in one-year windows and chunks of participants so only the event
observable and the current state are kept). Each person's event time is the first daily sample at which the
event definition holds; people are censored at the end of follow-up or, with the time they were last known to
be well, when the solver fails. People in whom the event condition already holds at entry are prevalent cases
and leave the risk set (Song 2018 excluded people with a prior autoimmune diagnosis). Reported: events, person-
years and incidence per 1000 person-years per group (exact Poisson CI: Garwood F. Biometrika 1936;28:437–442),
the incidence rate ratio with its Wald CI on the log scale (Rothman KJ, Greenland S, Lash TL. Modern
Epidemiology, 3rd ed. 2008, ch. 14), and the Cox proportional-hazards ratio (Cox DR. J R Stat Soc B
1972;34:187–220) from lifelines via :func:`pnisim.trial.stats.hazard_ratio`. The motivating target is the
sibling-and-population cohort of Song H, Fang F, Tomasson G, et al. Association of stress-related disorders
with subsequent autoimmune disease. JAMA 2018;319:2388–2400, doi:10.1001/jama.2018.7028 (any autoimmune disease
after a stress-related disorder: HR 1.36, 95 % CI 1.33–1.40; 9.1 vs 6.0 per 1000 person-years). Nothing here is
tuned to reproduce it: the functions report what the model produces.

Event definitions are data, never evaluated: ``"autoimmune_onset"``, ``"disease_flare"``, ``"depressive_episode"``
or ``"<observable><op><number>"`` with op one of >=, <=, >, < (e.g. ``"crp>3"``, or ``"flare>0.5"`` for high
activity of an established disease). ``"disease_flare"`` is the first flare (relapse) of an established disease,
drawn from the flare hazard (the disease's published flare rate times the relative drive) exactly as onsets are;
``"depressive_episode"`` is the first new depressive episode (onset, or recurrence after recovery), drawn from the
episode hazard of :mod:`pnisim.model.modules.psyche` (cohort incidence times the odds raised by precipitants).

``"autoimmune_onset"`` is the onset of a new autoimmune disease as a graded hazard
(:mod:`pnisim.model.modules.autoimmune`): each person's hazard is the registry incidence (``autoimmune.onset_rate``,
per 100,000 person-years; by disease and sex in ``autoimmune.INCIDENCE``) times their pro-inflammatory drive
relative to a healthy person at rest, so perceived stress, the Th17/Treg imbalance and a weaker glucocorticoid
brake raise it in proportion; nobody is forced to be susceptible. A person's onset is the first daily sample at
which their cumulative hazard since entry exceeds their own Exp(1) variate (Bender R, Augustin T, Blettner M.
Generating survival times to simulate Cox proportional hazards models. Stat Med 2005;24:1713-1723,
doi:10.1002/sim.2059). Beside the drawn events, the report gives each group's expected incidence from the model's
own hazard (cumulative hazard accrued over person-time) and their ratio, with CIs from resampling people: the
rates of the simulated people without the Poisson noise of a few drawn events.

``susceptibility`` gives a population a log-normal spread of chosen parameters (e.g. ``{"autoimmune.alpha2":
(10, 0.2)}`` puts people inside Baker's bistable flare window), for studies of flares of an established disease;
``infections_per_year`` adds Poisson-timed infections (the scenario library's ``infection`` exposure, a pathogen
bolus of Reynolds 2006 units) as transient triggers. ``exposure_at_entry`` (default) lets the exposed group's
phenotype begin at cohort entry — the burn-in runs under the healthy preset with the same person's between-
person draws — as a stress-related disorder begins at its diagnosis in a registry cohort.
"""

from .case_control import CaseControlResult as CaseControlResult
from .case_control import case_control as case_control
from .cohort import CohortResult as CohortResult
from .cohort import analyse_cohort as analyse_cohort
from .cohort import cohort as cohort
from .design import AUTOIMMUNE_ONSET as AUTOIMMUNE_ONSET
from .design import DISEASE_FLARE as DISEASE_FLARE
from .design import HOURS_PER_YEAR as HOURS_PER_YEAR
from .design import MAX_YEARS as MAX_YEARS
from .design import EventDefinition as EventDefinition
from .design import parse_event as parse_event

__all__ = ["CaseControlResult", "CohortResult", "EventDefinition", "case_control", "cohort", "analyse_cohort",
           "parse_event", "MAX_YEARS", "HOURS_PER_YEAR", "AUTOIMMUNE_ONSET", "DISEASE_FLARE"]
