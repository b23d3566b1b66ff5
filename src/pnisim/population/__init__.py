"""Virtual people and the one loop that simulates them.

``people.py`` draws who is simulated (a person's parameter values, phenotype presets, log-normal between-person
variability with optional correlations); ``selection.py`` keeps plausible candidates and selects them to a target
baseline distribution; ``runner.py`` takes people and a design (burn-in, output times, kept outputs, chunking)
and returns their labelled results. Every population in pnisim — a scenario run, a streamed run, a trial, an
observational study, a sensitivity analysis, the studies of validation and calibration — is simulated through
:func:`run_population` (or, for a loop that must reduce each chunk as it goes, :func:`run_batch`).
"""

from .people import People as People
from .people import draw_correlated as draw_correlated
from .people import draw_mixture as draw_mixture
from .people import draw_parameters as draw_parameters
from .people import person_values as person_values
from .runner import Design as Design
from .runner import run_batch as run_batch
from .runner import run_population as run_population
from .runner import settle as settle
from .selection import Target as Target
from .selection import plausible as plausible
from .selection import select_to_target as select_to_target

__all__ = ["People", "Design", "run_population", "run_batch", "settle", "draw_parameters", "draw_correlated",
           "draw_mixture", "person_values", "Target", "plausible", "select_to_target"]
