"""Interventions: courses of therapy (CBT, mindfulness, trauma-focused therapy) and one exposure class per entry
of the intervention and drug library (:data:`pnisim.scenario.catalogue.CATALOGUE`), generated from its data.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from ..errors import SpecError
from ..model.modules import pharmacology
from . import catalogue
from . import units as U
from .clock import Bolus, Effect, Level, Pulse, RunWindow
from .exposures import TimedExposure
from .quantity import Number, Quantity, in_range, quantity

__all__ = ["CognitiveBehaviouralTherapy", "Mindfulness", "TraumaFocusedTherapy", "CatalogueExposure",
           "CATALOGUE_CLASSES"]


class _Course(TimedExposure):
    """A course of weekly sessions whose effect builds session by session and lasts ``durability`` after."""

    sessions: Annotated[int, Field(strict=True, ge=1, le=52)] = Field(description="number of weekly sessions")
    durability: Quantity = Field(quantity("26 week"), description="how long the full effect lasts after the "
                                                                  "last session (>= 0)")

    TARGET: ClassVar[str] = ""
    INTERVAL_H: ClassVar[float] = 24 * 7

    def _last(self) -> float:
        return self.start_h + (self.sessions - 1) * self.INTERVAL_H

    def check(self, who: str, win: RunWindow) -> None:
        in_range(self.durability, U.TIME, f"The 'durability' of {who}", 0.0, None, lo_open=False)
        self._check_inside(who, win, self._last())

    def effects(self, win: RunWindow) -> list[Effect]:
        # after session k of n the active level is k/n; it stays at 1 for `durability`, then ends
        end = min(win.t_end, self._last() + self.durability.to(U.TIME, "durability"))
        levels = [Level(self.TARGET, self.start_h + k * self.INTERVAL_H, (k + 1) / self.sessions, self.name())
                  for k in range(self.sessions)]
        if end < win.t_end:
            levels.append(Level(self.TARGET, end, 0.0, self.name()))
        return levels


class CognitiveBehaviouralTherapy(_Course):
    """CBT (about 10 weekly sessions): lowers the rumination drive of perceived stress and of mood.

    Evidence: psychosocial interventions improve immune function, most reliably CBT (Shields GS, Spahr CM,
    Slavich GM 2020 JAMA Psychiatry 77:1031: pretest-posttest-control g = 0.30); durability is contested
    (O'Toole 2018). Cost: ≈ $1,500 per 10-session course (targets.csv cbt_cost) = $150 per session.
    """

    type: Literal["cbt"] = "cbt"
    sessions: Annotated[int, Field(strict=True, ge=1, le=52)] = Field(10, description="number of weekly sessions")

    TARGET: ClassVar[str] = "cognitive_therapy"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "cognitive_therapy input = sessions done / sessions (rumination drive x (1 - 0.5 x input))",
        "evidence_grade": "A",
        "cost": {"usd_per_session": 150.0, "source": "targets.csv cbt_cost ($1,500 per ~10-session course)"},
        "assumptions": ["effect size is a placeholder until calibration to Shields 2020"],
        "references": ["Shields GS, Spahr CM, Slavich GM. JAMA Psychiatry 2020;77:1031-1043"],
    }


class Mindfulness(_Course):
    """Mindfulness-based stress reduction (8 weekly sessions): lowers the rumination drive like cognitive therapy
    and raises the vagal set point (slower breathing, higher HRV) while practised.

    Evidence: mindfulness-based interventions lower low-grade inflammation in psychiatric patients (Sanada K et
    al. 2020 Int J Mol Sci 21:2484: Hedges g = -0.21, targets.csv mindfulness_inflammation); Black DS, Slavich GM
    2016 Ann N Y Acad Sci 1373:13 (NF-kB, CRP). Sizes are placeholders until calibration; no cost in the evidence
    table yet.
    """

    type: Literal["mindfulness"] = "mindfulness"
    sessions: Annotated[int, Field(strict=True, ge=1, le=52)] = Field(8, description="number of weekly sessions")

    TARGET: ClassVar[str] = "cognitive_therapy"
    VAGAL_SHIFT: ClassVar[float] = 0.2
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "cognitive_therapy input = sessions done / sessions; vagal_set += 0.2 x the same fraction",
        "evidence_grade": "A",
        "cost": {"usd_per_session": 75.0, "source": "pnisim assumption: an 8-session MBSR course at about $600 (grade D)"},
        "assumptions": ["shares CBT's rumination mechanism; the vagal shift (+20 % tone) is a placeholder"],
        "references": ["Sanada K et al. Int J Mol Sci 2020;21:2484",
                       "Black DS, Slavich GM. Ann N Y Acad Sci 2016;1373:13-24"],
    }

    def effects(self, win: RunWindow) -> list[Effect]:
        levels = super().effects(win)
        return levels + [Level("vagal_set", lv.time, self.VAGAL_SHIFT * lv.level, self.name()) for lv in levels]


class TraumaFocusedTherapy(_Course):
    """Trauma-focused therapy (TF-CBT, EMDR; about 12 weekly sessions): faster decline of trauma load."""

    type: Literal["trauma_therapy"] = "trauma_therapy"
    sessions: Annotated[int, Field(strict=True, ge=1, le=52)] = Field(12, description="number of weekly sessions")
    durability: Quantity = Field(quantity("0 week"), description="how long the effect lasts after the last session")

    TARGET: ClassVar[str] = "trauma_therapy"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "trauma_therapy input = sessions done / sessions (extra decline of trauma load)",
        "evidence_grade": "B",
        "cost": {"usd_per_session": 150.0, "source": "priced like a CBT session (targets.csv cbt_cost)"},
        "assumptions": ["immune effects of trauma-focused therapy are thin (grade C); the symptom effect is a "
                        "placeholder until calibration"],
        "references": ["Cusack K et al. Clin Psychol Rev 2016;43:128-141 (psychological treatments for PTSD)"],
    }


# ------------------------------------------------------------------ the intervention and exposure library (data)
class CatalogueExposure(TimedExposure):
    """An entry of :data:`pnisim.scenario.catalogue.CATALOGUE`; one class per entry is generated below."""

    adherence: Number = Field(1.0, ge=0, le=1, description="fraction of the effect delivered (courses, continuous) "
                                                           "or of doses taken (drugs), 0-1")
    dropout_after: Quantity | None = Field(None, description="time after the start at which the person stops "
                                                             "(omitted = completes)")
    opt_in: bool = Field(False, description="must be true to use a grade-D (speculative) mechanism")

    INFO: ClassVar[catalogue.Info]

    def _stop(self, end: float) -> float:
        if self.dropout_after is None:
            return end
        return min(end, self.start_h + self.dropout_after.to(U.TIME, "dropout_after"))

    def _check_common(self, who: str) -> None:
        if self.INFO.grade == "D" and not self.opt_in:
            raise SpecError(
                f"The 'opt_in' of {who} must be true: {self.type!r} rests on a grade-D (speculative) mechanism "
                f"({self.INFO.mechanism}). Got false instead."
            )
        if self.dropout_after is not None:
            in_range(self.dropout_after, U.TIME, f"The 'dropout_after' of {who}", 0.0, None, lo_open=False)

    def active_interval(self, win: RunWindow) -> tuple[float, float]:
        """[start, end) in model hours over which this exposure acts (for overlap checks)."""
        return self.start_h, self._end(win)

    def _end(self, win: RunWindow) -> float:  # pragma: no cover - every kind overrides
        raise NotImplementedError


class _CatalogueCourse(CatalogueExposure):
    sessions: Annotated[int, Field(strict=True, ge=1, le=200)] | None = Field(
        None, description="number of sessions (omitted = the library's standard course)")
    durability: Quantity | None = Field(None, description="how long the full effect holds after the last session "
                                                          "(omitted = the library's value)")

    def _n(self) -> int:
        return self.sessions if self.sessions is not None else self.INFO.sessions

    def _last(self) -> float:
        return self.start_h + (self._n() - 1) * self.INFO.interval_h

    def _hold(self) -> float:
        return self.INFO.durability_h if self.durability is None else self.durability.to(U.TIME, "durability")

    def _end(self, win: RunWindow) -> float:
        return min(win.t_end, self._stop(self._last()) + self._hold())

    def check(self, who: str, win: RunWindow) -> None:
        self._check_common(who)
        if self.durability is not None:
            in_range(self.durability, U.TIME, f"The 'durability' of {who}", 0.0, None, lo_open=False)
        self._check_inside(who, win, self._last())

    def effects(self, win: RunWindow) -> list[Effect]:
        n, out = self._n(), []
        attended = [k for k in range(n) if self.start_h + k * self.INFO.interval_h <= self._stop(self._last()) + 1e-9]
        end = self._end(win)
        for target, amount in self.INFO.actions:
            for k in attended:
                out.append(Level(target, self.start_h + k * self.INFO.interval_h,
                                 amount * self.adherence * (k + 1) / n, self.name()))
            if end < win.t_end:
                out.append(Level(target, end, 0.0, self.name()))
        return out


class _CatalogueSession(CatalogueExposure):
    duration: Quantity | None = Field(None, description="session length (omitted = the library's value)")

    def _length(self) -> float:
        return self.INFO.session_h if self.duration is None else self.duration.to(U.TIME, "duration")

    def _end(self, win: RunWindow) -> float:
        return self.start_h + self._length()

    def check(self, who: str, win: RunWindow) -> None:
        self._check_common(who)
        if self.duration is not None:
            in_range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, 24.0)
        self._check_inside(who, win, self._end(win))

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Pulse(t, self.start_h, self._end(win), a * self.adherence, self.name()) for t, a in self.INFO.actions]


class _CatalogueContinuous(CatalogueExposure):
    duration: Quantity | None = Field(None, description="how long (omitted = the library's value, or to the end "
                                                        "of the run)")

    def _end(self, win: RunWindow) -> float:
        if self.duration is not None:
            end = self.start_h + self.duration.to(U.TIME, "duration")
        elif self.INFO.duration_h is not None:
            end = self.start_h + self.INFO.duration_h
        else:
            end = win.t_end
        return self._stop(min(end, win.t_end))

    def check(self, who: str, win: RunWindow) -> None:
        self._check_common(who)
        if self.duration is not None:
            d = in_range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
            self._check_inside(who, win, self.start_h + d)
        else:
            self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Pulse(t, self.start_h, self._end(win), a * self.adherence, self.name()) for t, a in self.INFO.actions]


class _CatalogueDrug(CatalogueExposure):
    dose: Quantity | None = Field(None, description="dose per administration (omitted = the standard dose)")
    body_weight: Quantity = Field(quantity("70 kg"), description="body weight for mg/kg doses (30-250 kg)")
    duration: Quantity | None = Field(None, description="how long the regimen runs (omitted = to the end of the run)")

    def _per_dose(self) -> float:
        """The dose per administration in the drug's dose unit."""
        if self.dose is None:
            return pharmacology.REGIMENS[self.INFO.drug][1]
        dim = U.MASS_PER_KG if self.INFO.dose_unit == "mg/kg" else U.MASS
        return self.dose.to(dim, "dose")

    def _mg(self) -> float:
        per = self._per_dose()
        return per * self.body_weight.to(U.BODY_MASS, "body_weight") if self.INFO.dose_unit == "mg/kg" else per

    def _end(self, win: RunWindow) -> float:
        end = win.t_end if self.duration is None else min(win.t_end, self.start_h + self.duration.to(U.TIME, "duration"))
        return self._stop(end)

    def check(self, who: str, win: RunWindow) -> None:
        self._check_common(who)
        lo, hi = self.INFO.dose_range
        dim = U.MASS_PER_KG if self.INFO.dose_unit == "mg/kg" else U.MASS
        if self.dose is not None:
            in_range(self.dose, dim, f"The 'dose' of {who}", 0.0, None)
            x = self.dose.to(dim, "dose")
            if not lo <= x <= hi:
                raise SpecError(
                    f"The 'dose' of {who} must lie in the safe range {U.format_number(lo)}-{U.format_number(hi)} "
                    f"{dim.unit} per administration for {self.type}. Got {str(self.dose)!r} instead."
                )
        in_range(self.body_weight, U.BODY_MASS, f"The 'body_weight' of {who}", 30.0, 250.0, lo_open=False)
        if self.INFO.max_mg is not None and self._mg() > self.INFO.max_mg + 1e-9:
            raise SpecError(
                f"The 'dose' of {who} must not exceed {U.format_number(self.INFO.max_mg)} mg per administration for "
                f"{self.type}. Got {U.format_number(round(self._mg(), 3))} mg ({self.dose or 'standard dose'} x "
                f"{self.body_weight}) instead."
            )
        if self.duration is not None:
            in_range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        doses = pharmacology.regimen(self.INFO.drug, self._end(win), dose=self._mg(), body_weight=1.0,
                                     start_h=self.start_h)
        taken = []  # (dose already in mg: regimen() is given a 1-kg body weight so it does not rescale)
        for k, (t, state, mg) in enumerate(doses):
            # adherence drops doses evenly: dose k is taken when the running count of due doses crosses an integer
            if math.floor((k + 1) * self.adherence + 1e-9) > math.floor(k * self.adherence + 1e-9):
                taken.append(Bolus(state, t, mg, self.name()))
        return taken


_KIND_BASE = {"course": _CatalogueCourse, "session": _CatalogueSession, "continuous": _CatalogueContinuous,
              "drug": _CatalogueDrug}


def _catalogue_class(name: str, info: catalogue.Info) -> type:
    doc = f"{info.title} ({info.kind}). Mechanism: {info.mechanism}. Evidence grade {info.grade}."
    metadata = {
        "mechanism": info.mechanism,
        "evidence_grade": info.grade,
        "category": info.category,
        "cost": None if info.cost is None else {f"usd_per_{info.cost.per}": info.cost.usd, "source": info.cost.source},
        "assumptions": list(info.assumptions) + (["size is a placeholder until it is calibrated"]
                                                 if info.kind != "drug" else []),
        "references": list(info.references),
    }
    ns = {"__annotations__": {"type": Literal[name]}, "type": name, "INFO": info, "METADATA": metadata,
          "__doc__": doc, "__module__": __name__}
    return type("Exposure_" + name, (_KIND_BASE[info.kind],), ns)


CATALOGUE_CLASSES = {name: _catalogue_class(name, info) for name, info in catalogue.CATALOGUE.items()}
