"""Requirement and finding catalogues as data: ids, bilingual titles and cross-references."""

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from harness.yaml_model import SAFE_LOADER


@dataclass(frozen=True)
class Requirement:
    """One requirement of a catalogue, as a certification report names it."""

    id: str
    clause: str
    title_ja: str
    title_en: str
    cross_references: tuple[str, ...]


@dataclass(frozen=True)
class FindingKind:
    """A kind of finding (throttling, weak password...): what it is called and what it cross-references."""

    id: str
    requirement: str
    title_ja: str
    title_en: str
    cross_references: tuple[str, ...]
    beyond_legal_minimum: bool


def _data(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=SAFE_LOADER)
    return data


@cache
def load(name: str = "ter_34_10") -> dict[str, Requirement]:
    """The catalogue `name` (a YAML file beside this module), keyed by requirement id."""
    return {
        entry["id"]: Requirement(
            id=entry["id"],
            clause=entry["clause"],
            title_ja=entry["title"]["ja"],
            title_en=entry["title"]["en"],
            cross_references=tuple(entry.get("cross_references", ())),
        )
        for entry in _data(name)["requirements"]
    }


@cache
def load_findings(name: str = "findings") -> dict[str, FindingKind]:
    """The finding catalogue `name`, keyed by finding id."""
    return {
        entry["id"]: FindingKind(
            id=entry["id"],
            requirement=entry["requirement"],
            title_ja=entry["title"]["ja"],
            title_en=entry["title"]["en"],
            cross_references=tuple(entry["cross_references"]),
            beyond_legal_minimum=bool(entry["beyond_legal_minimum"]),
        )
        for entry in _data(name)["findings"]
    }


def references_in(reference: str | None) -> list[str]:
    """The cross-references a check's reference text names ("EN 303 645 5.1-5; JC-STAR S1.1-04" is two)."""
    return [" ".join(part.split()) for part in (reference or "").split(";") if part.strip()]


def finding_kind(reference: str | None) -> FindingKind | None:
    """The catalogue entry a check's reference names: a finding id or one of its cross-references."""
    kinds = load_findings()
    for wanted in references_in(reference):
        if wanted in kinds:
            return kinds[wanted]
        found = next((kind for kind in kinds.values()
                      if any(wanted.casefold() == cross.casefold() for cross in kind.cross_references)), None)
        if found is not None:
            return found
    return None
