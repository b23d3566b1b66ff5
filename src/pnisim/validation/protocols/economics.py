"""Costs and utilities: the scenario library's prices and pnisim's utility mappings, checked against their published
values (no simulation)."""

from __future__ import annotations

import numpy as np

from ..record import Record
from ..studies import Studies
from ..targets import Target
from .common import compare
from .registry import protocol


def _exposure(spec: dict, duration: str = "53 week"):
    from ...scenario.loading import parse_scenario

    s = parse_scenario({"name": "cost", "model": "whole", "run": {"duration": duration, "burn_in": "0 d",
                                                                  "sampling": "1 d"}, "exposures": [spec]})
    return s.exposures[0]


@protocol("cbt_cost")
def cbt_cost(t: Target, st: Studies) -> list[Record]:
    from ...trial.cea import exposure_cost

    cost = exposure_cost(_exposure({"type": "cbt", "day": 0, "time": "10:00", "sessions": 10}), 53 * 168.0)
    return [compare(t, "library cost of a 10-session CBT course", cost, None, unit="USD",
                    design="scenario library price of the cbt exposure with 10 sessions")]


@protocol("biologic_cost")
def biologic_cost(t: Target, st: Studies) -> list[Record]:
    from ...trial.cea import exposure_cost

    out = []
    for drug in ("infliximab", "adalimumab"):
        cost = exposure_cost(_exposure({"type": drug, "day": 0, "time": "00:00"}), 365.25 * 24)
        out.append(compare(t, f"library cost of one year of {drug}", cost, None, part=drug, unit="USD/year",
                           design=f"scenario library price of the {drug} regimen over 365.25 days"))
    return out


KOLOVOS_STATES = {"remission": (2, 0.70), "mild": (7, 0.57), "moderate": (12, 0.52), "severe": (22, 0.39)}


@protocol("utility_depression")
def utility_depression(t: Target, st: Studies) -> list[Record]:
    from ...trial.cea import utility_from_phq9

    return [compare(t, f"EQ-5D utility at PHQ-9 {phq} ({state})", float(utility_from_phq9(np.array([phq]))[0]),
                    None, part=state, target=u, tolerance=(u - 0.005, u + 0.005), unit="1",
                    note="the published state utility to 2 decimals",
                    design="pnisim's PHQ-9 -> EQ-5D mapping at a PHQ-9 score inside the state's band")
            for state, (phq, u) in KOLOVOS_STATES.items()]


@protocol("utility_ra")
def utility_ra(t: Target, st: Studies) -> list[Record]:
    from ...trial.cea import utility_from_haq

    out = []
    for haq in (0.0, 1.0, 2.0, 3.0):
        u = 0.9527 - 0.2018 * haq
        out.append(compare(t, f"HUI-3 utility at HAQ-DI {haq:g}", float(utility_from_haq(np.array([haq]))[0]), None,
                           part=f"haq_{haq:g}", target=u, tolerance=(u - 1e-6, u + 1e-6), unit="1",
                           note="the published linear mapping", design="pnisim's HAQ-DI -> HUI-3 mapping"))
    return out
