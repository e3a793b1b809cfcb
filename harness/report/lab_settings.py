"""Lab settings: who tests, where and with what — the operator's part of a report, kept out of the code."""

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from harness.yaml_model import FileKind, InvalidFile, load_model

ENVIRONMENT_VARIABLE = "TEKIGO_LAB_SETTINGS"
DEFAULT_REPORT_NUMBER_PREFIX = "TEKIGO"


class LabSettingsError(InvalidFile):
    """A lab settings file that cannot be used; names file, line and field of every problem."""


class Setting(BaseModel):
    """Every part of the settings: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Laboratory(Setting):
    """The testing laboratory and the place the tests were made."""

    name: str
    place: str | None = None
    network: str | None = Field(None, description="the lab network the unit sat on, as the report describes it")


class Party(Setting):
    """An applicant: the organisation the report is made for."""

    name: str
    address: str | None = None


class Person(Setting):
    """A test engineer or approver; the report leaves a field for their signature."""

    name: str
    title: str | None = None


class Instrument(Setting):
    """A tool or instrument used in the test, with its calibration state."""

    name: str
    model: str | None = None
    serial: str | None = None
    calibration: str | None = Field(None, description="e.g. 'calibrated 2025-04-01, due 2026-03-31'")


class LabSettings(Setting):
    """What a report needs from the lab besides the run record."""

    tekigo_lab_settings: Literal[1] = Field(description="lab settings format version")
    report_number_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,15}$")] = (
        DEFAULT_REPORT_NUMBER_PREFIX
    )
    laboratory: Laboratory
    applicant: Party | None = None
    test_engineer: Person | None = None
    approver: Person | None = None
    power_switch: Instrument | None = Field(None, description="the power switch the power driver operates")
    instruments: list[Instrument] = []


LAB_SETTINGS = FileKind(
    noun="lab settings",
    schema_hint="see device_profiles/lab-settings.example.yaml",
    error=LabSettingsError,
)


def load_lab_settings(path: Path) -> LabSettings:
    """Parse and validate `path`; raise LabSettingsError naming file, line and field of each problem."""
    return load_model(path, LabSettings, LAB_SETTINGS)


def lab_settings_from_environment() -> LabSettings | None:
    """The settings TEKIGO_LAB_SETTINGS points at, or None when it is not set."""
    path = os.environ.get(ENVIRONMENT_VARIABLE)
    return load_lab_settings(Path(path)) if path else None
