"""Requirement catalogues as data: ids, bilingual titles and cross-references."""

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Requirement:
    """One requirement of a catalogue, as a certification report names it."""

    id: str
    clause: str
    title_ja: str
    title_en: str
    cross_references: tuple[str, ...]


@cache
def load(name: str = "ter_34_10") -> dict[str, Requirement]:
    """The catalogue `name` (a YAML file beside this module), keyed by requirement id."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)["requirements"]
    return {
        entry["id"]: Requirement(
            id=entry["id"],
            clause=entry["clause"],
            title_ja=entry["title"]["ja"],
            title_en=entry["title"]["en"],
            cross_references=tuple(entry.get("cross_references", ())),
        )
        for entry in entries
    }
