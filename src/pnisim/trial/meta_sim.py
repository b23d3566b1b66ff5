"""A simulated meta-analysis: k in-silico trials of given sizes, pooled by random effects and set beside the
published pooled result.

Each trial is the same protocol (a trial spec) with its own N per arm and seed — the in-silico counterpart of the
k trials a meta-analysis pools; the between-trial spread is then sampling error only (plus the population's
between-person variability), so the simulated I² is a floor for the real one, where protocols, populations and
assays differ. Effects are taken from each trial's analysis (:func:`pnisim.trial.run.analyse`) and pooled with
:func:`pnisim.trial.meta.random_effects` (PyMARE REML or DL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..disclaimer import DISCLAIMER
from ..errors import SpecError
from .meta import MetaResult, Study, compare_with_published, comparison_table, forest_with_published, \
    random_effects
from .run import run_trial
from .spec import TrialSpec, parse_trial

__all__ = ["SimulatedMeta", "simulate_meta", "published_from_target", "MAX_TRIALS"]

MAX_TRIALS = 200


@dataclass
class SimulatedMeta:
    studies: list[Study]
    pooled: MetaResult
    endpoint: str
    statistic: str
    published: dict | None = None

    def comparison(self) -> dict | None:
        return None if self.published is None else compare_with_published(self.pooled, self.published)

    def table(self) -> str:
        return comparison_table(self.studies, self.pooled, self.published)

    def figure(self):
        return forest_with_published(self.studies, self.pooled, self.published,
                                     xlabel=f"{self.statistic}, {self.endpoint} (95 % CI)")

    def as_dict(self) -> dict:
        return {"endpoint": self.endpoint, "statistic": self.statistic,
                "studies": [s._asdict() for s in self.studies], "pooled": self.pooled.as_dict(),
                "published": self.published, "comparison": self.comparison(),
                "disclaimer": DISCLAIMER}


def published_from_target(target_id: str) -> dict:
    """A shipped target (targets.csv) as the published pooled result to compare with."""
    from ..spec import did_you_mean
    from ..data.targets import load_targets

    targets = {t.id: t for t in load_targets()}
    t = targets.get(target_id)
    if t is None:
        raise SpecError(f"The published target must be a shipped target id.{did_you_mean(target_id, list(targets))}"
                        f" Got {target_id!r} instead.")
    if t.estimate is None or t.ci is None:
        raise SpecError(f"The published target {target_id!r} must have a numeric estimate with a 95 % CI to be "
                        f"compared. Got estimate {t.estimate_text!r} and CI {t.ci} instead.")
    return {"estimate": t.estimate, "ci_low": t.ci_low, "ci_high": t.ci_high, "k": t.k, "n": t.n,
            "source": t.source, "metric": t.metric}


def simulate_meta(spec: TrialSpec | dict, sizes: Sequence[int], *, endpoint: str, statistic: str,
                  arm: str | None = None, sign: float = 1.0, method: str = "REML", published: dict | None = None,
                  progress: Callable[[float, str], None] | None = None) -> SimulatedMeta:
    """Run one trial per entry of ``sizes`` (N per arm; seeds spec seed + i), take ``statistic`` of ``endpoint``
    (its label or observable) for ``arm`` (default: the first active arm), multiply by ``sign`` (e.g. -1 when the
    published scale counts a fall as positive) and pool."""
    base = spec if isinstance(spec, TrialSpec) else parse_trial(spec)
    sizes = list(sizes)
    if not (2 <= len(sizes) <= MAX_TRIALS) or any(isinstance(n, bool) or not isinstance(n, int) or n < 2
                                                   for n in sizes):
        raise SpecError(f"The 'sizes' of a simulated meta-analysis must be 2 to {MAX_TRIALS} integers >= 2 (N per "
                        f"arm of each trial). Got {sizes!r} instead.")
    if sign not in (1, -1, 1.0, -1.0):
        raise SpecError(f"The 'sign' of a simulated meta-analysis must be 1 or -1. Got {sign!r} instead.")
    arm = arm or base.arms[1].name
    if arm not in [a.name for a in base.arms[1:]]:
        raise SpecError(f"The 'arm' of a simulated meta-analysis must be an active arm of the trial "
                        f"({', '.join(a.name for a in base.arms[1:])}). Got {arm!r} instead.")
    report = progress or (lambda f, m: None)
    studies = []
    for i, n in enumerate(sizes):
        report(i / len(sizes), f"trial {i + 1} of {len(sizes)} ({n} per arm)")
        data = base.model_dump(mode="json", exclude_none=True)
        data["population"] = {**data["population"], "per_arm": n, "seed": base.population.seed + i}
        res = run_trial(parse_trial(data))
        rows = [e for e in res.estimates if e["arm"] == arm and e["name"] == statistic
                and endpoint in (e["endpoint"], e["observable"])]
        if not rows or rows[0].get("variance") is None:
            names = sorted({(e["endpoint"], e["name"]) for e in res.estimates if e.get("variance") is not None})
            raise SpecError(f"The endpoint and statistic of a simulated meta-analysis must be one the trial reports "
                            f"with a variance ({'; '.join(f'{a}: {b}' for a, b in names)}). Got {endpoint!r}: "
                            f"{statistic!r} instead.")
        e = rows[0]
        studies.append(Study(f"trial {i + 1} ({n} per arm)", sign * e["estimate"], e["variance"]))
    report(1.0, "pooling")
    pooled = random_effects([s.estimate for s in studies], [s.variance for s in studies], method=method)
    return SimulatedMeta(studies, pooled, endpoint, statistic, published)
