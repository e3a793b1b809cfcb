"""Reading a YAML file into a pydantic model, naming file, line and field of every problem."""

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Location = tuple[str | int, ...]
# libyaml's loader when PyYAML was built with it (PyPI's wheels are): the same YAML, read ~7x faster.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Model = TypeVar("Model", bound=BaseModel)
# Past this many problems the list stops: the first ones are the ones to fix, the rest often follow from them.
MAX_PROBLEMS = 50


class FieldError(ValueError):
    """A cross-field problem that belongs to one field: raised by a validator, reported at that field's line.

    `location` is relative to the model whose validator raises it (e.g. ("unit", "address")).
    """

    def __init__(self, location: tuple[str | int, ...], message: str) -> None:
        self.location = location
        super().__init__(message)


# A check run on the validated model: (location in the file, message) for each problem it finds.
ModelCheck = Callable[[Model], list[tuple[Location, str]]]


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
    placeholder: str | None = None  # a value a drafted file leaves to be filled in (a problem wherever it is left)


def load_model(path: Path, model: type[Model], kind: FileKind, check: "ModelCheck[Model] | None" = None) -> Model:
    """Parse and validate `path`; raise `kind.error` naming file, line and field of each problem.

    Relative paths in the file are resolved against the file's folder (validation context `base`).
    YAML aliases and duplicate keys are refused before anything is built from the file; `check`, when
    given, runs on the validated model and its findings are problems too.
    """
    return validate_document(read_document(path, kind), model, kind, check)


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its data and the line of every key and item."""

    path: Path
    data: dict[str, Any]
    lines: dict[Location, int]


def read_document(path: Path, kind: FileKind) -> Document:
    """Parse `path` into a mapping; raise `kind.error` for an unreadable file, bad YAML, aliases or duplicate keys."""
    path = Path(path)
    text = _read_text(path, kind)
    _refuse_aliases(path, text, kind)
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
    lines, duplicates = _line_numbers(node)
    if duplicates:
        raise kind.error(_capped([FileProblem(path, line, _field_name(location),
                                              f"duplicate key (first at line {first}; the second would "
                                              "silently replace the first)")
                                  for location, line, first in duplicates]))
    return Document(path, data, lines)


def validate_document(document: Document, model: type[Model], kind: FileKind,
                      check: "ModelCheck[Model] | None" = None) -> Model:
    """`document`'s data validated into `model` (then `check`ed); raise `kind.error` naming file, line and
    field of each problem."""
    path, data, lines = document.path, document.data, document.lines
    unfilled = [FileProblem(path, _line_of(lines, location), _field_name(location),
                            f"still {kind.placeholder}: the draft left this to be declared")
                for location in _placeholders(data, kind.placeholder)] if kind.placeholder else []
    try:
        loaded = model.model_validate(data, context={"base": path.parent.resolve()})
    except ValidationError as error:
        found = [_problem(path, data, lines, detail, kind) for detail in error.errors(include_url=False)]
        raise kind.error(_capped(_with_unfilled(found, unfilled))) from error
    if unfilled:
        raise kind.error(_capped(unfilled))
    found = check(loaded) if check else []
    if found:
        raise kind.error(_capped([FileProblem(path, _line_of(lines, location), _field_name(location), message)
                                  for location, message in found]))
    return loaded


def _placeholders(data: Any, placeholder: str, location: Location = ()) -> list[Location]:
    """Where a value is exactly `placeholder`, in document order."""
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in _placeholders(value, placeholder, (*location, key))]
    if isinstance(data, list):
        return [found for index, value in enumerate(data) for found in _placeholders(value, placeholder,
                                                                                     (*location, index))]
    return [location] if data == placeholder else []


def _with_unfilled(found: list[FileProblem], unfilled: list[FileProblem]) -> list[FileProblem]:
    """Validation problems and placeholders left, by line; a field left as a placeholder is named once."""
    if not unfilled:
        return found
    left = {problem.field for problem in unfilled}
    kept = [problem for problem in found
            if not any(problem.field == field or problem.field.startswith((f"{field}.", f"{field}["))
                       for field in left)]
    return sorted([*unfilled, *kept], key=lambda problem: problem.line)


def _read_text(path: Path, kind: FileKind) -> str:
    """The file as UTF-8 text; a file that is not UTF-8 is a problem at the line of its first bad byte."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise kind.error([FileProblem(path, 0, "", f"cannot read the file: {error.strerror}")]) from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise kind.error([FileProblem(
            path, line, "", f"not UTF-8 text: byte 0x{raw[error.start]:02x} at column {column} "
                            f"(save the {kind.noun} as UTF-8)")]) from error


def _refuse_aliases(path: Path, text: str, kind: FileKind) -> None:
    """Refuse YAML aliases (`*name`, `<<: *name`) from the event stream, before any of them is expanded.

    An alias repeats a value without writing it out: a few hundred bytes of nested aliases expand to
    gigabytes. No field of a profile needs one. Each is named at the field it stands for.
    """
    problems: list[FileProblem] = []
    frames: list[_Frame] = []  # the mappings and sequences the parser is inside, outermost first
    try:
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            if isinstance(event, yaml.AliasEvent):
                where = tuple(frame.part for frame in frames)
                problems.append(FileProblem(path, event.start_mark.line + 1, _field_name(where),
                                            f"YAML alias *{event.anchor} is not accepted: write the value out"))
            if isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                if frames and frames[-1].expects_key:
                    frames[-1].part = str(event.value) if isinstance(event, yaml.ScalarEvent) else "?"
                    frames[-1].expects_key = False
                elif frames:
                    frames[-1].next_node()
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                frames.append(_Frame.opened(isinstance(event, yaml.MappingStartEvent)))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                frames.pop()
                if frames:
                    frames[-1].next_node()
    except yaml.YAMLError:
        return  # reported with its line by the full parse that follows
    if problems:
        raise kind.error(_capped(problems))


@dataclass
class _Frame:
    """Where the YAML event parser is in one mapping (its current key) or sequence (its current index)."""

    mapping: bool
    part: str | int
    expects_key: bool

    @classmethod
    def opened(cls, mapping: bool) -> "_Frame":
        return cls(mapping, "" if mapping else 0, mapping)

    def next_node(self) -> None:
        """A value (or item) is complete: a mapping waits for its next key, a sequence moves on."""
        if self.mapping:
            self.expects_key = True
        else:
            self.part = int(self.part) + 1


def _capped(problems: list[FileProblem]) -> list[FileProblem]:
    """At most MAX_PROBLEMS problems, then one line saying how many more there are and where they start."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = problems[MAX_PROBLEMS]
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS],
            FileProblem(rest.file, rest.line, rest.field,
                        f"... and {more} more problem{'s' * (more > 1)} from here on (fix the first ones first)")]


def _problem(path: Path, data: Any, lines: dict[Location, int], detail: Any, kind: FileKind) -> FileProblem:
    location = _data_location(data, (*detail["loc"], *_field_error_location(detail)),
                              missing=detail["type"] == "missing" or bool(_field_error_location(detail)))
    line = _line_of(lines, location)
    field = _field_name(location)
    message = detail["msg"].removeprefix("Value error, ")
    if detail["type"] == "extra_forbidden":
        message = f"unknown field (check the spelling; {kind.schema_hint})"
    elif detail["type"] == "missing":
        message = "required field is missing"
    elif ("input" in detail and detail["type"] != "union_tag_invalid" and not _field_error_location(detail)
          and not _is_secret(location, kind)
          and not _holds_secret(detail["input"], kind)):
        message += f" (got {json.dumps(detail['input'], default=str)[:60]})"
    return FileProblem(path, line, field, message)


def _field_error_location(detail: Any) -> Location:
    """Where a FieldError raised by a validator points, below the model that raised it; for a wrong union
    tag, the tag's own key (`method`, `kind`...), whose line is the one to fix."""
    ctx = detail.get("ctx") or {}
    if detail["type"] == "union_tag_invalid" and isinstance(ctx.get("discriminator"), str):
        return (ctx["discriminator"].strip("'"),)
    error = ctx.get("error")
    return error.location if isinstance(error, FieldError) else ()


def _line_of(lines: dict[Location, int], location: Location) -> int:
    """The line of `location`, or of its nearest ancestor written in the file."""
    return next((lines[location[:n]] for n in range(len(location), -1, -1) if location[:n] in lines), 1)


def _field_name(location: Location) -> str:
    return ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in location).replace(".[", "[")


def _is_secret(location: Location, kind: FileKind) -> bool:
    return any(part in kind.secret_keys for part in location)


def _holds_secret(value: Any, kind: FileKind) -> bool:
    """A mapping (at any depth) with a secret key: echoing it in an error would print the secret."""
    if isinstance(value, dict):
        return any(key in kind.secret_keys or _holds_secret(item, kind) for key, item in value.items())
    return isinstance(value, list) and any(_holds_secret(item, kind) for item in value)


def _data_location(data: Any, location: Location, missing: bool = False) -> Location:
    """The longest run of `location`'s parts that are keys of the data, dropping the parts pydantic adds (union
    tags, validator names); a union tag may also be spelled like a key (a login `method: token` has a `token`).
    A `missing` field's last part is kept: it is reported at its parent's line."""
    if not location:
        return ()
    head, rest = location[0], location[1:]
    skipped = _data_location(data, rest, missing)
    if _has(data, head):
        taken = (head, *_data_location(data[head], rest, missing))
        if len(taken) > len(skipped):
            return taken
    elif missing and not rest and isinstance(data, dict):
        return (head,)
    return skipped


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


Duplicate = tuple[Location, int, int]  # the repeated key's location, its line, the line of the first


def _line_numbers(node: yaml.Node | None) -> tuple[dict[Location, int], list[Duplicate]]:
    """Line (1-based) of every mapping key and sequence item in the composed YAML tree, and every key
    written twice in one mapping."""
    lines: dict[Location, int] = {}
    duplicates: list[Duplicate] = []
    if node is not None:
        _walk(node, (), lines, duplicates)
    return lines, duplicates


def _walk(node: yaml.Node, location: Location, lines: dict[Location, int], duplicates: list[Duplicate]) -> None:
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, int] = {}
        for key, value in node.value:
            child = (*location, key.value)
            line = key.start_mark.line + 1
            if isinstance(key.value, str):
                if key.value in first_seen:
                    duplicates.append((child, line, first_seen[key.value]))
                    continue
                first_seen[key.value] = line
            _walk(value, child, lines, duplicates)
            lines[child] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*location, index), lines, duplicates)
