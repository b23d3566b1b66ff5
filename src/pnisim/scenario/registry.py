"""Every exposure type in one place: the tagged union scenario files use, the classes by type, and what each
type needs from the model it runs on."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from ..model.modules import pharmacology
from . import catalogue
from .exposures import (
    AcuteStressor,
    ChronicStress,
    Dexamethasone,
    FlareTrigger,
    Infection,
    LpsBolus,
    LpsInfusion,
    SleepRestriction,
    SocialSupportChange,
    TraumaticEvent,
)
from .interventions import CATALOGUE_CLASSES, CognitiveBehaviouralTherapy, Mindfulness, TraumaFocusedTherapy

__all__ = ["Exposure", "EXPOSURE_CLASSES", "EXPOSURE_TYPES", "NEEDS"]

Exposure = Annotated[
    Union[(AcuteStressor, LpsBolus, LpsInfusion, Dexamethasone, ChronicStress, TraumaticEvent, SocialSupportChange,
           CognitiveBehaviouralTherapy, TraumaFocusedTherapy, Infection, Mindfulness, SleepRestriction,
           FlareTrigger, *CATALOGUE_CLASSES.values())],
    Field(discriminator="type"),
]
EXPOSURE_CLASSES = {c.model_fields["type"].default: c for c in (
    AcuteStressor, LpsBolus, LpsInfusion, Dexamethasone, ChronicStress, TraumaticEvent, SocialSupportChange,
    CognitiveBehaviouralTherapy, TraumaFocusedTherapy, Infection, Mindfulness, SleepRestriction,
    FlareTrigger, *CATALOGUE_CLASSES.values())}
EXPOSURE_TYPES = tuple(EXPOSURE_CLASSES)

# Model names each exposure needs (checked against the scenario's model).
NEEDS: dict[str, tuple[str, str]] = {
    "acute_stressor": ("input", "acute_stress"),
    "chronic_stress": ("input", "stress"),
    "lps_bolus": ("state", "E"),
    "lps_infusion": ("input", "lps_infusion"),
    "dexamethasone": ("state", "Dex1"),
    "traumatic_event": ("state", "TRA"),
    "social_support": ("input", "social_support"),
    "cbt": ("input", "cognitive_therapy"),
    "trauma_therapy": ("input", "trauma_therapy"),
    "infection": ("state", "pathogen"),
    "mindfulness": ("input", "cognitive_therapy"),
    "sleep_restriction": ("input", "time_in_bed"),
    "flare_trigger": ("input", "flare_trigger"),
    **{name: ("state", pharmacology.REGIMENS[info.drug][0]) if info.drug else ("input", info.actions[0][0])
       for name, info in catalogue.CATALOGUE.items()},
}
