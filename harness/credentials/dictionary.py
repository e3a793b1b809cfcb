"""Credential dictionaries: data files of ID/password pairs, grouped by where they come from."""

from dataclasses import dataclass
from importlib import resources

EMPTY = "<empty>"


@dataclass(frozen=True)
class Pair:
    """One ID/password pair and the dictionary group it came from."""

    username: str
    password: str
    group: str


def load_dictionary(name: str = "short") -> list[Pair]:
    """The pairs of dictionaries/NAME.txt, duplicates removed, in file order."""
    text = resources.files(__package__).joinpath("dictionaries", f"{name}.txt").read_text(encoding="utf-8")
    pairs: dict[tuple[str, str], Pair] = {}
    group = "ungrouped"
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## group:"):
            group = line.removeprefix("## group:").split("|")[0].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise ValueError(f"dictionary {name}.txt line {number}: expected USERNAME<TAB>PASSWORD")
        username, password = line.split("\t", 1)
        password = "" if password == EMPTY else password
        pairs.setdefault((username, password), Pair(username, password, group))
    return list(pairs.values())
