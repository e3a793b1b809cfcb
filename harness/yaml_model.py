"""Reading a YAML file into a pydantic model, naming file, line and field of every problem."""

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Location = tuple[str | int, ...]
# libyaml's loader when PyYAML was built with it (PyPI's wheels are): the same YAML, read ~7x faster.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a file, where it is and what was expected."""

    file: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field or '(top level)'}: {self.message}"


class InvalidFile(Exception):
    """A file that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class FileKind:
    """What a kind of file is called in messages, and which of its keys hold secrets."""

    noun: str
    schema_hint: str
    secret_keys: Collection[str] = ()
    error: type[InvalidFile] = InvalidFile


def load_model(path: Path, model: type[Model], kind: FileKind) -> Model:
    """Parse and validate `path`; raise `kind.error` naming file, line and field of each problem.

    Relative paths in the file are resolved against the file's folder (validation context `base`).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise kind.error([FileProblem(path, 0, "", f"cannot read the file: {error.strerror}")]) from error
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        reason = getattr(error, "problem", None) or str(error)
        raise kind.error([FileProblem(path, line, "", f"not valid YAML: {reason}")]) from error
    if not isinstance(data, dict):
        raise kind.error([FileProblem(path, 1, "", f"expected a mapping of {kind.noun} fields")])
    lines = _line_numbers(node)
    try:
        return model.model_validate(data, context={"base": path.parent.resolve()})
    except ValidationError as error:
        raise kind.error(
            [_problem(path, data, lines, detail, kind) for detail in error.errors(include_url=False)]
        ) from error


def _problem(path: Path, data: Any, lines: dict[Location, int], detail: Any, kind: FileKind) -> FileProblem:
    location = _data_location(data, tuple(detail["loc"]))
    line = next((lines[location[:n]] for n in range(len(location), -1, -1) if location[:n] in lines), 1)
    field = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in location)
    field = field.replace(".[", "[")
    message = detail["msg"].removeprefix("Value error, ")
    if detail["type"] == "extra_forbidden":
        message = f"unknown field (check the spelling; {kind.schema_hint})"
    elif detail["type"] == "missing":
        message = "required field is missing"
    elif ("input" in detail and detail["type"] != "union_tag_invalid" and not _is_secret(location, kind)
          and not _holds_secret(detail["input"], kind)):
        message += f" (got {json.dumps(detail['input'], default=str)[:60]})"
    return FileProblem(path, line, field, message)


def _is_secret(location: Location, kind: FileKind) -> bool:
    return any(part in kind.secret_keys for part in location)


def _holds_secret(value: Any, kind: FileKind) -> bool:
    """A mapping (at any depth) with a secret key: echoing it in an error would print the secret."""
    if isinstance(value, dict):
        return any(key in kind.secret_keys or _holds_secret(item, kind) for key, item in value.items())
    return isinstance(value, list) and any(_holds_secret(item, kind) for item in value)


def _data_location(data: Any, location: Location) -> Location:
    """Drop the parts pydantic adds (union tags, validator names) that are not keys of the data."""
    kept: list[str | int] = []
    node = data
    for index, part in enumerate(location):
        if _has(node, part):
            node = node[part]
            kept.append(part)
        elif index == len(location) - 1 and isinstance(node, dict):
            kept.append(part)  # a missing field: reported at its parent's line
    return tuple(kept)


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _line_numbers(node: yaml.Node | None, location: Location = ()) -> dict[Location, int]:
    """Line (1-based) of every mapping key and sequence item in the composed YAML tree."""
    lines: dict[Location, int] = {}
    if node is None:
        return lines
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*location, key.value)
            lines.update(_line_numbers(value, child))
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_numbers(item, (*location, index)))
    return lines
