"""The report's wording (wording.yaml): every label in Japanese and English, and each check's procedure."""

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from harness.yaml_model import FileKind, load_model

Language = Literal["ja", "en", "both"]
WORDING_FILE = Path(__file__).with_name("wording.yaml")


class Worded(BaseModel):
    """Every part of the wording file: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(Worded):
    """One piece of text in both languages."""

    ja: str
    en: str


class CheckWords(Worded):
    """What a check does and what it must see, as the report states it."""

    procedure: Words
    expected: Words


class Wording(Worded):
    """All the words a report uses besides the run record's own."""

    labels: dict[str, Words]
    standards: dict[str, Words]
    verdicts: dict[str, Words]
    claims: dict[str, Words]
    power_drivers: dict[str, Words]
    checks: dict[str, CheckWords]


@cache
def load_wording() -> Wording:
    return load_model(WORDING_FILE, Wording, FileKind(noun="wording", schema_hint="see harness/report/wording.py"))
