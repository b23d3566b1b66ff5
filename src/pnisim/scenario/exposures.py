"""Exposures: what happens to a person, as data — acute stressors, endotoxin, dexamethasone, chronic stress,
trauma, social support, infection, autoimmune flare triggers and sleep restriction.

Each exposure is timed (``day``, ``time``), checks its own values against the recorded run
(:meth:`TimedExposure.check`) and says what it does as schedule primitives (:meth:`TimedExposure.effects`);
``METADATA`` carries its mechanism, evidence grade, assumptions and references. Courses of therapy and the
catalogue's interventions and drugs are in :mod:`pnisim.scenario.interventions`.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from ..errors import SpecError
from ..spec import SpecModel
from . import units as U
from .clock import Bolus, ClockTime, Effect, Level, Pulse, RunWindow, clock_hours, format_when
from .quantity import Number, Quantity, in_range, quantity

__all__ = ["TimedExposure", "AcuteStressor", "LpsBolus", "LpsInfusion", "Dexamethasone", "StressStep",
           "ChronicStress", "TraumaticEvent", "SocialSupportChange", "Infection", "FlareTrigger", "SleepRestriction"]


class TimedExposure(SpecModel):
    """An exposure at ``day`` and ``time`` of the run."""

    type: str  # narrowed to a Literal by each exposure; declared here so it comes first in dumps
    label: str | None = Field(None, description="free text; defaults to the type in messages and events")
    day: Annotated[int, Field(strict=True, ge=0, le=100_000)] = Field(description="day of the run (0 = first)")
    time: ClockTime = Field(description="clock time HH:MM")

    METADATA: ClassVar[dict[str, Any]] = {}

    @property
    def start_h(self) -> float:
        return self.day * 24 + clock_hours(self.time)

    def name(self) -> str:
        return self.label or self.type  # type: ignore[attr-defined]

    def _check_inside(self, who: str, win: RunWindow, end_h: float | None = None) -> None:
        t = self.start_h
        if not win.t0 <= t <= win.t_end:
            raise SpecError(
                f"The 'day' and 'time' of {who} must lie inside the run, {win.text()}. "
                f"Got day {self.day} {self.time} instead."
            )
        if end_h is not None and end_h > win.t_end + 1e-9:
            raise SpecError(
                f"The end of {who} must lie inside the run, {win.text()}. Got day {self.day} {self.time} + "
                f"its duration = {format_when(end_h)} instead."
            )

    def check(self, who: str, win: RunWindow) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def effects(self, win: RunWindow) -> list[Effect]:  # pragma: no cover
        raise NotImplementedError


class AcuteStressor(TimedExposure):
    """A Trier-type psychosocial stressor: the acute-stress input rises by ``intensity`` for ``duration``.

    Mechanism: the core's ``acute_stress`` coupling boosts pituitary ACTH secretion, ×(1 + gain·intensity)
    (grade C; chronic stress instead raises the slow CRH drive of Somvanshi 2020). ``intensity = 1`` is pnisim's
    nominal Trier Social Stress Test (Kirschbaum C et al. 1993 Neuropsychobiology 28:76); its size in cortisol
    is calibrated, the step shape is an assumption. Overlapping stressors add.

    Scale (0-3): 1 is the Trier test, the strongest laboratory stressor (uncontrollable and socially evaluative:
    Dickerson SS, Kemeny ME 2004 Psychol Bull 130:355), salivary cortisol peaking near 15-20 nmol/L; 3 is the
    most intense stressor with published cortisol, military survival-training captivity, where evening salivary
    cortisol reached 27.7 ± 10.9 nmol/L, about 8x baseline and 2-3x a strong Trier peak (Taylor MK et al. 2007
    Aviat Space Environ Med 78:1143, doi:10.3357/asem.2151.2007). A stressor lasts at most 2 h: the fitted
    adrenal drive of a 15-minute Trier test does not habituate, so a longer one would drive the adrenal towards
    its ceiling; sustained adversity is ``chronic_stress``.
    """

    type: Literal["acute_stressor"] = "acute_stressor"
    duration: Quantity = Field(description="length (> 0, <= 2 h); longer adversity is chronic stress")
    intensity: Number = Field(1.0, ge=0, le=3, description="added to the acute_stress input while active: 1 = a "
                                                           "Trier Social Stress Test, 3 = survival-training "
                                                           "captivity, the most intense studied")

    MAX_HOURS: ClassVar[float] = 2.0
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "acute_stress input += intensity for the duration (ACTH secretion x (1 + gain*acute_stress))",
        "evidence_grade": "C",
        "assumptions": ["a rectangular stress pulse; intensity 1 = a Trier Social Stress Test"],
        "references": ["Kirschbaum C, Pirke KM, Hellhammer DH. Neuropsychobiology 1993;28:76-81"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        d = in_range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, self.MAX_HOURS,
                     above_hi="an acute stressor lasts minutes to an hour or two; use chronic_stress for longer")
        self._check_inside(who, win, self.start_h + d)

    def effects(self, win: RunWindow) -> list[Effect]:
        d = self.duration.to(U.TIME, "duration")
        return [Pulse("acute_stress", self.start_h, self.start_h + d, self.intensity, self.name())]


class LpsBolus(TimedExposure):
    """An intravenous endotoxin (LPS) bolus: ``dose`` ng/kg is added to circulating endotoxin ``E``.

    Human experimental endotoxemia uses 0.4–4 ng/kg; the innate block is fitted to 2 ng/kg (Windoloski KA et
    al. 2024). 4 ng/kg, the highest bolus given to volunteers (TNF-α peak 5,665 ± 1,910 pg/mL; Eur J Intern Med
    2000;11:89, PMID 10745152), is the maximum; larger doses are refused.
    """

    type: Literal["lps_bolus"] = "lps_bolus"
    dose: Quantity = Field(description="dose per body mass (> 0, <= 4 ng/kg)")

    TARGET: ClassVar[str] = "E"
    MAX_NG_KG: ClassVar[float] = 4.0
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "E += dose (ng/kg) at the given time",
        "evidence_grade": "B",
        "assumptions": ["instantaneous IV bolus"],
        "references": ["Windoloski KA et al. 2024 (human LPS challenge, 2 ng/kg)"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        in_range(self.dose, U.DOSE_PER_KG, f"The 'dose' of {who}", 0.0, self.MAX_NG_KG,
               above_hi="it exceeds the human endotoxin challenge range")
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Bolus(self.TARGET, self.start_h, self.dose.to(U.DOSE_PER_KG, "dose"), self.name())]


class LpsInfusion(TimedExposure):
    """A continuous endotoxin infusion: input ``lps_infusion`` = ``rate`` ng/kg/h for ``duration``.

    Graded C: the model's LPS response is fitted to bolus data; infusion responses are extrapolated. The most
    intense prolonged protocol given to volunteers is 1 ng/kg/h for 3 h after a 1 ng/kg bolus (Kiers D et al.
    2017 Sci Rep 7:40149, doi:10.1038/srep40149): rates up to 1 ng/kg/h for up to 6 h are allowed.
    """

    type: Literal["lps_infusion"] = "lps_infusion"
    rate: Quantity = Field(description="infusion rate (> 0, <= 1 ng/kg/h)")
    duration: Quantity = Field(description="length (> 0, <= 6 h)")

    TARGET: ClassVar[str] = "lps_infusion"
    MAX_RATE: ClassVar[float] = 1.0
    MAX_HOURS: ClassVar[float] = 6.0
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "lps_infusion input = rate (ng/kg/h) for the duration; infusions add",
        "evidence_grade": "C",
        "assumptions": ["response to a continuous infusion extrapolated from bolus-fitted kinetics"],
        "references": ["Windoloski KA et al. 2024 (endotoxin kinetics)"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        in_range(self.rate, U.RATE_PER_KG, f"The 'rate' of {who}", 0.0, self.MAX_RATE,
               above_hi="it exceeds the human endotoxin challenge range")
        d = in_range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, self.MAX_HOURS)
        self._check_inside(who, win, self.start_h + d)

    def effects(self, win: RunWindow) -> list[Effect]:
        d = self.duration.to(U.TIME, "duration")
        rate = self.rate.to(U.RATE_PER_KG, "rate")
        return [Pulse(self.TARGET, self.start_h, self.start_h + d, rate, self.name())]


class Dexamethasone(TimedExposure):
    """An oral dexamethasone dose (as in the overnight dexamethasone suppression test).

    Assumption (evidence grade C): Somvanshi 2020 gave dexamethasone as an input of 10·dx a.u./h for 0.25 h,
    i.e. 2.5·dx a.u. into the absorption compartment ``Dex1``. pnisim maps X mg to dx = X (1 mg ↔ dx = 1) and
    gives it as an instantaneous bolus of 2.5·X a.u. into ``Dex1``. The mg ↔ a.u. scale is not calibrated.
    """

    type: Literal["dexamethasone"] = "dexamethasone"
    dose: Quantity = Field(description="oral dose (> 0, <= 20 mg)")

    TARGET: ClassVar[str] = "Dex1"
    AU_PER_MG: ClassVar[float] = 2.5
    MAX_MG: ClassVar[float] = 20.0
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "Dex1 += 2.5 * dose_mg (a.u.) at the given time",
        "evidence_grade": "C",
        "assumptions": [
            "1 mg oral dexamethasone = Somvanshi 2020's dx = 1 (input 10*dx a.u./h for 0.25 h = 2.5 a.u.), "
            "given as an instantaneous bolus into Dex1; the mg <-> a.u. scale is not calibrated",
        ],
        "references": ["Somvanshi PR et al. Am J Physiol Endocrinol Metab 2020;319:E48-E66"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        in_range(self.dose, U.MASS, f"The 'dose' of {who}", 0.0, self.MAX_MG)
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        mg = self.dose.to(U.MASS, "dose")
        return [Bolus(self.TARGET, self.start_h, self.AU_PER_MG * mg, self.name())]


class StressStep(SpecModel):
    """From ``from_day`` on, the chronic stress level is ``level``."""

    from_day: Number = Field(ge=0, le=100_000, description="day (may be fractional) the level starts")
    level: Number = Field(ge=0, le=1, description="chronic stressor load, 0-1: 0.5 = family caregiving of a person "
                                                   "with dementia, 1 = war and displacement (see ChronicStress)")


class ChronicStress(SpecModel):
    """Chronic stress (caregiving, work): the stress input follows a piecewise-constant schedule.

    ``from_day`` counts days since midnight of day 0, like every other time; ``from_day = 0`` always means the
    start of the run. The level is 0 before the first step. Acute stressors act on top of it through their own
    input (``acute_stress``).

    Scale (0-1), anchored on studied populations: 0.5 is the load of a family caregiver of a person with dementia
    (depression g = 0.58 and perceived stress g = 0.55 against non-caregivers: Pinquart M, Sörensen S 2003 Psychol
    Aging 18:250, doi:10.1037/0882-7974.18.2.250; IL-6 rising four times faster over six years: Kiecolt-Glaser JK
    et al. 2003 PNAS 100:9090, doi:10.1073/pnas.1531903100); 1 is the most severe chronic adversity with
    published mental-health data, war and displacement (depression and PTSD each about 31 %: Steel Z et al. 2009
    JAMA 302:537, doi:10.1001/jama.2009.1132). Ongoing stressors raise cortisol only modestly (hair cortisol
    d = 0.21: Khoury JE et al. 2019 Psychoneuroendocrinology 103:104, doi:10.1016/j.psyneuen.2019.01.009).
    """

    type: Literal["chronic_stress"] = "chronic_stress"
    label: str | None = Field(None, description="free text")
    schedule: list[StressStep] = Field(min_length=1, description="steps with strictly increasing from_day")

    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "stress input (CRH drive K*(1 + stress)) = level from each from_day",
        "evidence_grade": "C",
        "assumptions": ["chronic stress as a constant raise of the CRH drive between change points"],
        "references": ["Karin O et al. Mol Syst Biol 2020;16:e9510 (gland masses under chronic drive)"],
    }

    def name(self) -> str:
        return self.label or self.type

    def check(self, who: str, win: RunWindow) -> None:
        prev: float | None = None
        for j, step in enumerate(self.schedule):
            where = f"The 'from_day' of step {j} of the schedule of {who}"
            if prev is not None and not step.from_day > prev:
                raise SpecError(
                    f"{where} must be > {U.format_number(prev)} (from_day must be strictly increasing). "
                    f"Got {U.format_number(step.from_day)} instead."
                )
            t = step.from_day * 24
            if step.from_day != 0 and not (win.t0 <= t < win.t_end):
                raise SpecError(
                    f"{where} must lie inside the run, {win.text()} (or be 0 for the start of the run). "
                    f"Got {U.format_number(step.from_day)} ({format_when(t)}) instead."
                )
            prev = step.from_day

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Level("stress", max(win.t0, s.from_day * 24), s.level, self.name()) for s in self.schedule]


# ------------------------------------------------------------------------- psychosocial exposures (model "whole")
class TraumaticEvent(TimedExposure):
    """A traumatic event: trauma memory load (PTSD symptoms, PCL-5) rises by 0.6 x ``severity``.

    Severity 1 adds 48 PCL-5 points (above the probable-PTSD cut-off of 31-33; Blevins CA et al. 2015 J Trauma
    Stress 28:489); the mapping is pnisim's design (grade C).
    """

    type: Literal["traumatic_event"] = "traumatic_event"
    severity: Number = Field(ge=0, le=1, description="0 (none) to 1 (most severe)")

    TARGET: ClassVar[str] = "TRA"
    PER_SEVERITY: ClassVar[float] = 0.6
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "TRA += 0.6 x severity (PCL-5 = 80 x TRA)",
        "evidence_grade": "C",
        "cost": None,
        "assumptions": ["an instantaneous rise in trauma memory load that declines over months"],
        "references": ["Blevins CA et al. J Trauma Stress 2015;28:489-498 (PCL-5)"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Bolus(self.TARGET, self.start_h, self.PER_SEVERITY * self.severity, self.name())]


class SocialSupportChange(TimedExposure):
    """Social support rises (support group, community) or falls (loneliness, bereavement) by ``change`` for
    ``duration`` (to the end of the run when omitted). Perceived support buffers appraisal (Cohen & Wills 1985).
    """

    type: Literal["social_support"] = "social_support"
    change: Number = Field(ge=-0.5, le=0.5, description="change of perceived support on its 0-1 scale")
    duration: Quantity | None = Field(None, description="length (> 0); omitted = to the end of the run")

    TARGET: ClassVar[str] = "social_support"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "social_support input += change (appraisal x (1 - 0.4 x support))",
        "evidence_grade": "B",
        "cost": None,
        "assumptions": ["support acts only by buffering appraisal; size to be calibrated"],
        "references": ["Cohen S, Wills TA. Psychol Bull 1985;98:310-357",
                       "Uchino BN et al. Psychol Bull 1996;119:488-531"],
    }

    def _end(self, win: RunWindow) -> float:
        return win.t_end if self.duration is None else self.start_h + self.duration.to(U.TIME, "duration")

    def check(self, who: str, win: RunWindow) -> None:
        if self.duration is not None:
            in_range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
        self._check_inside(who, win, self._end(win))

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Pulse(self.TARGET, self.start_h, self._end(win), self.change, self.name())]


class Infection(TimedExposure):
    """An infection: an initial pathogen load P0 (Reynolds 2006 units) at the given time.

    Reynolds et al. 2006 (J Theor Biol 242:220): P0 = 0.5 is cleared with little damage, P0 = 1.0 recovers
    after large transient damage, P0 = 1.5 leaves persistent inflammation. The pathogen's molecular patterns
    activate monocytes like endotoxin in the whole model (size grade D).
    """

    type: Literal["infection"] = "infection"
    load: Number = Field(gt=0, le=3, description="initial pathogen load P0 (> 0, <= 3)")

    TARGET: ClassVar[str] = "pathogen"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "pathogen += load (Reynolds 2006); host defence weakened by perceived stress",
        "evidence_grade": "B",
        "cost": None,
        "assumptions": ["one local infection; pathogen units of the Reynolds model"],
        "references": ["Reynolds A et al. J Theor Biol 2006;242:220-236",
                       "Cohen S, Tyrrell DA, Smith AP. N Engl J Med 1991;325:606-612"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Bolus(self.TARGET, self.start_h, self.load, self.name())]


class FlareTrigger(TimedExposure):
    """A transient trigger of autoimmune disease activity (an infection, a stressful life event, stopping a drug):
    the Baker 2013 ``flare_trigger`` input rises by ``intensity`` for ``duration``.

    In a person with a bistable disease setting (the RA, SLE, MS and IBD presets) a large enough trigger moves the
    disease switch into its active (flare) state, where it stays until treated; in a healthy person it passes.
    Trials use it during the settling period to enrol people with active disease.
    """

    type: Literal["flare_trigger"] = "flare_trigger"
    duration: Quantity = Field(quantity("2 d"), description="length (> 0, <= 30 d)")
    intensity: Number = Field(0.1, gt=0, le=1, description="added to the flare_trigger input (Baker 2013 units of "
                                                           "pro-inflammatory production; 0.1 starts an RA flare)")

    TARGET: ClassVar[str] = "flare_trigger"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "flare_trigger input += intensity for the duration (pro-inflammatory production of the "
                     "Baker 2013 disease switch)",
        "evidence_grade": "C",
        "cost": None,
        "assumptions": ["a rectangular trigger; its size in Baker 2013 units is a pnisim choice"],
        "references": ["Baker M et al. Proc Natl Acad Sci USA 2013;110:E3413 (bistable autoimmune switch)"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        d = in_range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, 30 * 24.0)
        self._check_inside(who, win, self.start_h + d)

    def effects(self, win: RunWindow) -> list[Effect]:
        d = self.duration.to(U.TIME, "duration")
        return [Pulse(self.TARGET, self.start_h, self.start_h + d, self.intensity, self.name())]


class SleepRestriction(TimedExposure):
    """Sleep restriction: time in bed is cut to ``hours_in_bed`` a night for ``duration``.

    Acts on the sleep module's time-in-bed cap; a week of 6-h nights raises IL-6 (Vgontzas AN et al. 2004 J Clin
    Endocrinol Metab 89:2119) and experimental restriction lowers NK activity (Irwin 1994).
    """

    type: Literal["sleep_restriction"] = "sleep_restriction"
    hours_in_bed: Quantity = Field(description="time in bed per night (>= 2 h, <= 12 h)")
    duration: Quantity = Field(description="how long (> 0)")

    TARGET: ClassVar[str] = "time_in_bed"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "time_in_bed input = hours_in_bed for the duration (nightly sleep capped)",
        "evidence_grade": "A",
        "cost": None,
        "assumptions": ["the cap acts on nightly sleep duration; timing within the night is not modelled"],
        "references": ["Vgontzas AN et al. J Clin Endocrinol Metab 2004;89:2119-2126",
                       "Irwin MR, Olmstead R, Carroll JE. Biol Psychiatry 2016;80:40-52"],
    }

    def _end(self) -> float:
        return self.start_h + self.duration.to(U.TIME, "duration")

    def check(self, who: str, win: RunWindow) -> None:
        in_range(self.hours_in_bed, U.TIME, f"The 'hours_in_bed' of {who}", 2.0, 12.0, lo_open=False)
        d = in_range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
        self._check_inside(who, win, self.start_h + d)

    def effects(self, win: RunWindow) -> list[Effect]:
        # the input's baseline is 24 h (unrestricted); the pulse brings it down to hours_in_bed
        return [Pulse(self.TARGET, self.start_h, self._end(), self.hours_in_bed.to(U.TIME, "hours_in_bed") - 24.0,
                      self.name())]
