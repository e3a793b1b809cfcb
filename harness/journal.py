"""The run journal: what a killed run leaves behind so that `tekigo run --resume` can continue it.

RUN_DIR/resume/ holds the run's invocation (profile path and SHA-256, check selection, start time),
one JSON line per finished check (appended and fsynced as it finishes) and the unit's credential
state by name. Results are journaled redacted; no secret value is ever written here.
"""

import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from harness.checks import Finding
from harness.run_record import CheckResult
from harness.verdict import Verdict

RESUME_DIR = "resume"
INVOCATION = f"{RESUME_DIR}/run.json"
JOURNAL = f"{RESUME_DIR}/journal.jsonl"
UNIT_STATE = f"{RESUME_DIR}/unit-state.json"
SCHEMA = "tekigo/resume/v1"


class NotResumable(Exception):
    """The folder is not a run that `--resume` can continue (or its profile changed since)."""


@dataclass(frozen=True)
class Invocation:
    """How the run was started: a resumed run must use the same profile and the same selection."""

    profile: str
    profile_sha256: str
    pytest_args: list[str]
    started: str


def profile_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_invocation(run_dir: Path, invocation: Invocation) -> None:
    _write_atomically(run_dir / INVOCATION, json.dumps({"schema": SCHEMA, **asdict(invocation)}, indent=2) + "\n")


def read_invocation(run_dir: Path) -> Invocation:
    """The invocation of a resumable run; NotResumable says why the folder is not one."""
    path = run_dir / INVOCATION
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotResumable(f"{run_dir} is not a resumable run folder (it has no {INVOCATION})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotResumable(f"{path} is unreadable ({error})") from error
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise NotResumable(f"{path} is not a {SCHEMA} record")
    try:
        return Invocation(str(data["profile"]), str(data["profile_sha256"]),
                          [str(arg) for arg in data["pytest_args"]], str(data["started"]))
    except (KeyError, TypeError) as error:
        raise NotResumable(f"{path} lacks {error}") from error


def check_same_profile(invocation: Invocation) -> Path:
    """The run's profile, refused when it is gone or changed since the run started."""
    path = Path(invocation.profile)
    try:
        digest = profile_digest(path)
    except OSError as error:
        raise NotResumable(f"the run's profile {path} cannot be read ({error.strerror or error})") from error
    if digest != invocation.profile_sha256:
        raise NotResumable(f"the run's profile {path} changed since the run started (sha256 {digest[:12]}…, "
                           f"the run used {invocation.profile_sha256[:12]}…); start a new run instead")
    return path


def start_journal(run_dir: Path) -> None:
    """A fresh run: no finished check, no recorded unit state."""
    for name in (JOURNAL, UNIT_STATE):
        (run_dir / name).unlink(missing_ok=True)


def append_result(run_dir: Path, result: CheckResult) -> None:
    """Journal one finished (already redacted) check: one line, on disk before this returns."""
    path = run_dir / JOURNAL
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(_result_json(result), ensure_ascii=False) + "\n"
    with path.open("a", encoding="utf-8") as journal:
        journal.write(line)
        journal.flush()
        os.fsync(journal.fileno())


def finished_results(run_dir: Path) -> dict[str, CheckResult]:
    """The journaled checks by nodeid; a last line cut short by a kill is not a finished check, and a damaged
    line before it makes the journal unusable (NotResumable names it)."""
    return {result.nodeid: result for result in map(_result_from_json, map(json.loads, _whole_lines(run_dir)))}


def _whole_lines(run_dir: Path) -> list[str]:
    """The journal's lines but a last one a kill or a full disk cut short; NotResumable for any other bad line:
    the checks after it finished, and resuming would run them again and delete their evidence."""
    path = run_dir / JOURNAL
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise NotResumable(f"{path} is unreadable ({error}); nothing was changed") from error
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        problem = _line_problem(line)
        if problem is None:
            continue
        if number == len(lines) and not line.endswith("\n"):
            return lines[:-1]  # the line being appended when the run was killed
        raise NotResumable(f"{path}:{number}: damaged journal line ({problem}); {len(lines) - number} finished "
                           f"check(s) follow it. Nothing was changed: repair or remove that line, or start a new run")
    return lines


def _line_problem(line: str) -> str | None:
    """Why a journal line is not a finished check, or None when it is one."""
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            return "not a JSON object"
        _result_from_json(data)
    except json.JSONDecodeError as error:
        return f"not JSON: {error.msg} at column {error.colno}"
    except KeyError as error:
        return f"lacks {error}"
    except (TypeError, ValueError) as error:
        return str(error)
    return None


def check_resumable(run_dir: Path) -> None:
    """The journal and the unit state read whole: NotResumable (naming the damage) before anything in the
    folder is changed."""
    finished_results(run_dir)
    load_unit_state(run_dir)


def prepare_resume(run_dir: Path) -> dict[str, CheckResult]:
    """The finished checks; evidence none of them lists (left by a check a kill cut short) is deleted, and
    a journal line cut short, so that the lines this run appends follow whole ones. The journal and the unit
    state are read whole first: a damaged one stops the resume before anything is deleted."""
    check_resumable(run_dir)
    journal, lines = run_dir / JOURNAL, _whole_lines(run_dir)
    if journal.exists() and "".join(lines) != journal.read_text(encoding="utf-8"):
        _write_atomically(journal, "".join(lines))
    finished = finished_results(run_dir)
    kept = {path for result in finished.values() for path in result.evidence}
    for partial in (run_dir / RESUME_DIR).glob("*.partial"):
        partial.unlink()
    evidence = run_dir / "evidence"
    if evidence.is_dir():
        for path in [p for p in evidence.rglob("*") if p.is_file()]:
            if path.relative_to(run_dir).as_posix() not in kept:
                path.unlink()
        for folder in sorted((p for p in evidence.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    return finished


def save_unit_state(run_dir: Path, state: dict[str, Any]) -> None:
    _write_atomically(run_dir / UNIT_STATE, json.dumps(state, indent=2, ensure_ascii=False) + "\n")


def load_unit_state(run_dir: Path) -> dict[str, Any] | None:
    """The unit state the run last recorded, or None when it recorded none (the unit is in factory state)."""
    try:
        data = json.loads((run_dir / UNIT_STATE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotResumable(f"{run_dir / UNIT_STATE} is unreadable ({error})") from error
    problem = _unit_state_problem(data)
    if problem:
        raise NotResumable(f"{run_dir / UNIT_STATE} is not a unit state ({problem}); nothing was changed")
    return data


UNIT_STATE_FIELDS = {"credential": (str,), "password_changed": (bool,), "updated_to": (str, type(None)),
                     "settings_written": (dict,)}


def _unit_state_problem(data: Any) -> str | None:
    """What is wrong with a recorded unit state (harness/device.py UnitState.declared), or None."""
    if not isinstance(data, dict):
        return "not a JSON object"
    for name, types in UNIT_STATE_FIELDS.items():
        if name not in data:
            return f"{name} missing"
        if not isinstance(data[name], types):
            return f"{name} is {type(data[name]).__name__}"
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in data["settings_written"].items()):
        return "settings_written must map names to text"
    return None


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` whole: a kill leaves the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _result_json(result: CheckResult) -> dict[str, Any]:
    return asdict(result) | {"verdict": result.verdict.value}


def _result_from_json(data: dict[str, Any]) -> CheckResult:
    """The journaled check back; fields the journal predates keep their defaults."""
    values = {f.name: data[f.name] for f in fields(CheckResult) if f.name in data}
    values["verdict"] = Verdict(data["verdict"])
    values["findings"] = [Finding(str(f["text"]), f.get("cross_reference")) for f in data["findings"]]
    return CheckResult(**values)
