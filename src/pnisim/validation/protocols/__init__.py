"""How each shipped target is simulated and compared: one protocol per target id (or group of ids).

Pass rules, in order: a stated tolerance (for targets without a CI, said in the record's ``rule``); else the
simulated point estimate must lie within the published 95 % CI (effect sizes, hazard ratios) or the published
range (levels, costs). The simulated CI comes from the mirrored design's own sampling (N as in the source where
it is one study, or a typical trial size where the source pools many), so a pass means "a study like the
source's would have found this", not "fitted".

The protocols are grouped by the kind of study that mirrors their source:

* :mod:`.timecourses` -- the cortisol day, a laboratory stressor (TSST), an LPS bolus, clearance half-lives;
* :mod:`.observational` -- case-control and cohort designs;
* :mod:`.population_norms` -- between-person spread and week-to-week repeatability in the general population;
* :mod:`.natural_history` -- remission of untreated depression and the change on a waiting list;
* :mod:`.rheumatology` -- rheumatoid arthritis at trial entry and under an anti-TNF antibody (DAS28, ACR, EULAR);
* :mod:`.trials` -- randomised trials, most standing for a pooled (meta-analytic) estimate;
* :mod:`.economics` -- library costs and utility mappings (no simulation).

:mod:`.registry` holds the registry (``PROTOCOLS``) and the stated reasons for targets that cannot be simulated
or fail today; :mod:`.common` the comparison and CI helpers every protocol uses. Importing this package
registers every protocol.
"""

# importing the modules registers their protocols (in this order: the order of PROTOCOLS)
from . import timecourses, observational, population_norms, natural_history, rheumatology, trials, economics  # noqa: F401, I001
from .registry import KNOWN_GAPS, NOT_SIMULATABLE, PROTOCOLS

__all__ = ["PROTOCOLS", "NOT_SIMULATABLE", "KNOWN_GAPS"]
