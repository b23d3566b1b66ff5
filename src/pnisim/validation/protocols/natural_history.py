"""Natural history of depression: remission of untreated episodes, the symptom change on a waiting list and on a
pill placebo.

The first two read one simulated study: adults with depression (the depression case mixture, PHQ-9 >= 10 at
screening eight weeks into an episode, when symptoms have reached their plateau) followed untreated for a year,
PHQ-9 seen through its questionnaire error at entry, at 8 weeks and at 3, 6 and 12 months. Remission is PHQ-9 < 10
(no longer above the screening cut-off; Whiteford 2013 counts rescinded diagnoses or below-threshold scores); the
waiting-list change is the pre-post standardised mean change over 8 weeks (Rutherford 2012 pools wait-list arms
of 4-16 weeks). A second study gives a pill placebo for 8 weeks (antidepressant trials last 6-8 weeks; Rief 2009)
to the same kind of people and reads the self-rated change.
"""

from __future__ import annotations

import numpy as np

from ..record import Record
from ..studies import Studies
from ..targets import Target
from .common import DEPRESSION, bootstrap_ci, compare
from .registry import protocol

PER_ARM = 300
VISITS = {"0 week": 0, "8 week": 1, "13 week": 2, "26 week": 3, "52 week": 4}
MONTHS = {3: "13 week", 6: "26 week", 12: "52 week"}
DESIGN = ("600 adults with depression (75 % mdd, 25 % mdd_inflamed presets, PHQ-9 >= 10 at screening eight weeks into "
          "an episode), untreated for a year, PHQ-9 with questionnaire error at entry, 8 weeks and 3, 6 and 12 months")


def _untreated(st: Studies) -> np.ndarray:
    spec = {"model": "whole", "duration": "52 week", "burn_in": "56 d", "visits": list(VISITS),
            "population": {"per_arm": PER_ARM, "seed": 50, "screen_factor": 3.0, "mixture": DEPRESSION},
            "inclusion": [{"observable": "phq9", "op": ">=", "value": 10}],
            "arms": [{"name": "waitlist"}, {"name": "no_contact"}], "endpoints": [{"observable": "phq9"}]}
    res = st.trial("untreated_depression", spec)
    y = res.data["phq9"].values
    return y[(res.data["status"].values == 0) & np.isfinite(y).all(axis=1)]


def _standardised_change(pre: np.ndarray, post: np.ndarray, *, seed: int):
    """Pre-post improvement over the baseline SD (+ = better), with a CI by resampling people."""
    def d(i):
        return float((pre[i] - post[i]).mean() / pre[i].std(ddof=1))
    return d(np.arange(pre.size)), bootstrap_ci(d, pre.size, seed=seed)


@protocol("mdd_remission_3mo", "mdd_remission_6mo", "mdd_remission_12mo")
def untreated_remission(t: Target, st: Studies) -> list[Record]:
    y = _untreated(st)
    k = VISITS[MONTHS[int(t.id.rsplit("_", 1)[1].removesuffix("mo"))]]
    remitted = y[:, k] < 10
    est = float(remitted.mean())
    ci = bootstrap_ci(lambda i: float(remitted[i].mean()), remitted.size, seed=st.seed + 51)
    return [compare(t, "proportion remitted (PHQ-9 < 10), untreated", est, ci, unit="1", design=DESIGN)]


@protocol("waitlist_change_depression")
def waitlist_change(t: Target, st: Studies) -> list[Record]:
    y = _untreated(st)
    d, ci = _standardised_change(y[:, 0], y[:, VISITS["8 week"]], seed=st.seed + 52)
    return [compare(t, "pre-post standardised mean change on a waiting list, 8 weeks (+ = improvement)", d, ci,
                    unit="1", design=DESIGN + "; change from entry to 8 weeks over the baseline SD")]


@protocol("placebo_change_depression")
def placebo_change(t: Target, st: Studies) -> list[Record]:
    spec = {"model": "whole", "duration": "8 week", "burn_in": "56 d", "visits": ["0 week", "8 week"],
            "population": {"per_arm": PER_ARM, "seed": 53, "screen_factor": 3.0, "mixture": DEPRESSION},
            "inclusion": [{"observable": "phq9", "op": ">=", "value": 10}],
            "arms": [{"name": "waitlist"}, {"name": "placebo", "exposures": [
                {"type": "pill_placebo", "day": 0, "time": "08:00"}]}],
            "endpoints": [{"observable": "phq9"}]}
    res = st.trial("placebo_depression", spec)
    y = res.data["phq9"].values
    keep = (res.data["status"].values == 0) & np.isfinite(y).all(axis=1) & (res.data["arm"].values == "placebo")
    d, ci = _standardised_change(y[keep, 0], y[keep, 1], seed=st.seed + 54)
    return [compare(t, "pre-post standardised mean change on a pill placebo, 8 weeks (+ = improvement)", d, ci,
                    unit="1", design="300 adults with depression (as above) given a daily pill placebo for 8 weeks; "
                                     "self-rated PHQ-9 with questionnaire error; change over the baseline SD")]
