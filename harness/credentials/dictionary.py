"""Credential dictionaries: data files of ID/password pairs, grouped by where they come from."""

from dataclasses import dataclass
from importlib import resources

EMPTY = "<empty>"
GROUP = "## group:"


@dataclass(frozen=True)
class Pair:
    """One ID/password pair and the dictionary group it came from."""

    username: str
    password: str
    group: str


def _text(name: str) -> str:
    return resources.files(__package__).joinpath("dictionaries", f"{name}.txt").read_text(encoding="utf-8")


def load_dictionary(name: str = "short") -> list[Pair]:
    """The pairs of dictionaries/NAME.txt, duplicates removed, in file order."""
    pairs: dict[tuple[str, str], Pair] = {}
    group = "ungrouped"
    for number, line in enumerate(_text(name).splitlines(), start=1):
        if line.startswith(GROUP):
            group = line.removeprefix(GROUP).split("|")[0].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise ValueError(f"dictionary {name}.txt line {number}: expected USERNAME<TAB>PASSWORD")
        username, password = line.split("\t", 1)
        password = "" if password == EMPTY else password
        pairs.setdefault((username, password), Pair(username, password, group))
    return list(pairs.values())


def group_sources(name: str) -> dict[str, str]:
    """Each group of dictionaries/NAME.txt and the source its header names ("" when it names none)."""
    sources = {}
    for line in _text(name).splitlines():
        if line.startswith(GROUP):
            group, _, source = line.removeprefix(GROUP).partition("| source:")
            sources[group.strip()] = source.strip()
    return sources
