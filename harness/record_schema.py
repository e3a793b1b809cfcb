"""The shape of results.json (tekigo/results/v1), checked before a report is rendered from it.

A record edited by hand (and its manifest rebuilt) or written by another tool must not reach the templates
half-formed: a missing field, a wrong type or an unknown verdict is an error naming the file, line and field.
Fields the schema gained since v1 (see harness/run_record.py) may be absent; unknown fields are ignored.
"""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from harness.report.lab_settings import LabSettings
from harness.yaml_model import FileKind, InvalidFile, load_model

Verdict = Literal["PASS", "FAIL", "INCONCLUSIVE", "NOT_APPLICABLE"]


class RecordError(InvalidFile):
    """A results.json that is not a tekigo/results/v1 record; names file, line and field of every problem."""


def _timestamp(text: str) -> str:
    datetime.fromisoformat(text)  # ValueError: "Invalid isoformat string"
    return text


Timestamp = Annotated[str, AfterValidator(_timestamp)]


class Part(BaseModel):
    """Every part of the record: exact types (a number is no text), unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Tool(Part):
    name: str
    version: str


class Environment(Part):
    python: str
    platform: str


class Equipment(Part):
    name: str
    model: str
    manufacturer: str
    serial: str
    firmware_version: str
    kind: str = "other"


class Unit(Part):
    address: str
    power_driver: str


class Lab(Part):
    networks: list[str]


class Finding(Part):
    text: str
    cross_reference: str | None = None
    kind: str | None = None
    cross_references: list[str] = []
    beyond_legal_minimum: bool | None = None


class Test(Part):
    nodeid: str
    interface: str | None
    verdict: Verdict
    reason: str
    evidence: list[str]
    findings: list[Finding]
    seconds: float
    informational: bool = False


class Title(Part):
    ja: str
    en: str


class Document(Part):
    path: str
    sha256: str
    description: str


class Equivalence(Part):
    kind: str | None = None
    basis: str
    certificate: str | None = None
    documents: list[Document] = []
    declared: bool = True


class Exemption(Part):
    basis: str
    basis_text: str
    reason: str
    declared: bool = True


class Requirement(Part):
    id: str
    clause: str
    title: Title
    cross_references: list[str]
    verdict: Verdict
    tests: list[Test]
    equivalence: Equivalence | None = None


class RunRecord(Part):
    """results.json as every reader expects it."""

    schema_: Literal["tekigo/results/v1"] = Field(alias="schema")  # harness/run_record.py SCHEMA
    tool: Tool
    environment: Environment
    equipment: Equipment
    unit: Unit
    lab: Lab
    first_use_claim: str
    started: Timestamp
    finished: Timestamp
    verdict: Verdict
    verdict_basis: Literal["tested", "equivalence", "exemption"] = "tested"
    exemption: Exemption | None = None
    requirements: list[Requirement]
    lab_settings: LabSettings | None = None


RECORD = FileKind(noun="results", schema_hint="see harness/record_schema.py", error=RecordError)


def check_record(path: Path) -> None:
    """RecordError naming every problem of the results.json at `path`; nothing when it is a sound record."""
    load_model(path, RunRecord, RECORD)
