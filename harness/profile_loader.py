"""Reading a profile file: YAML with line numbers, then validation into a DeviceProfile."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from harness.profile import DeviceProfile

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class ProfileProblem:
    """One thing wrong with a profile, where it is and what was expected."""

    file: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field or '(top level)'}: {self.message}"


class ProfileError(Exception):
    """A profile that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[ProfileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def load_profile(path: Path) -> DeviceProfile:
    """Parse and validate `path`; raise ProfileError naming file, line and field of each problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        problem = ProfileProblem(path, 0, "", f"cannot read the file: {error.strerror}")
        raise ProfileError([problem]) from error
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        reason = getattr(error, "problem", None) or str(error)
        raise ProfileError([ProfileProblem(path, line, "", f"not valid YAML: {reason}")]) from error
    if not isinstance(data, dict):
        raise ProfileError([ProfileProblem(path, 1, "", "expected a mapping of profile fields")])
    lines = _line_numbers(node)
    try:
        return DeviceProfile.model_validate(data, context={"base": path.parent.resolve()})
    except ValidationError as error:
        raise ProfileError(
            [_problem(path, data, lines, detail) for detail in error.errors(include_url=False)]
        ) from error


def _problem(path: Path, data: Any, lines: dict[Location, int], detail: Any) -> ProfileProblem:
    location = _data_location(data, tuple(detail["loc"]))
    line = next((lines[location[:n]] for n in range(len(location), -1, -1) if location[:n] in lines), 1)
    field = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in location)
    field = field.replace(".[", "[")
    message = detail["msg"].removeprefix("Value error, ")
    if detail["type"] == "extra_forbidden":
        message = "unknown field (check the spelling; `tekigo profile schema` lists the fields)"
    elif detail["type"] == "missing":
        message = "required field is missing"
    elif "input" in detail and detail["type"] != "union_tag_invalid" and not _is_secret(location):
        message += f" (got {json.dumps(detail['input'], default=str)[:60]})"
    return ProfileProblem(path, line, field, message)


def _is_secret(location: Location) -> bool:
    return any(part in ("password", "new_password") for part in location)


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


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of profile format v1."""
    schema = DeviceProfile.model_json_schema(mode="validation")
    schema["title"] = "tekigo device profile v1"
    return schema
