"""`tekigo report` checks results.json against its schema before rendering: a damaged record is a usage error
(exit 4) naming file, line and field, never a traceback from the templates."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.evidence import write_manifest

from .run_folders import make_run_folder, typical_checks

Record = dict[str, Any]


def first_check(record: Record) -> Record:
    return record["requirements"][0]["tests"][0]  # type: ignore[no-any-return]


def drop(key: str) -> Callable[[Record], None]:
    return lambda record: record.pop(key)


# (what is done to the record, the field the message must name): the ten damaged records
DAMAGE: list[tuple[str, Callable[[Record], None], str]] = [
    ("equipment missing", drop("equipment"), "equipment: required field is missing"),
    ("requirements missing", drop("requirements"), "requirements: required field is missing"),
    ("equipment.name null", lambda r: r["equipment"].update(name=None),
     "equipment.name: Input should be a valid string"),
    ("evidence a string", lambda r: first_check(r).update(evidence="evidence/x.txt"),
     "requirements[0].tests[0].evidence: Input should be a valid list"),
    ("unknown verdict", lambda r: r.update(verdict="MAYBE"), "verdict: Input should be 'PASS'"),
    ("unknown check verdict", lambda r: first_check(r).update(verdict="pass"), "requirements[0].tests[0].verdict"),
    ("requirements an object", lambda r: r.update(requirements={"TER-34-10-1": {}}),
     "requirements: Input should be a valid list"),
    ("findings a list of text", lambda r: first_check(r).update(findings=["weak password"]),
     "requirements[0].tests[0].findings[0]: Input should be a valid dictionary"),
    ("seconds as text", lambda r: first_check(r).update(seconds="1.5"), "requirements[0].tests[0].seconds"),
    ("started not a time", lambda r: r.update(started="yesterday"), "started: Invalid isoformat string"),
]


@pytest.fixture(scope="module")
def sound_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run_folder(tmp_path_factory.mktemp("sound") / "run", typical_checks())


def damaged_copy(sound_run: Path, folder: Path, damage: Callable[[Any], None] | None, text: str | None = None) -> Path:
    """A copy of the run with its record damaged and its manifest rebuilt to match (as an editor would)."""
    run_dir = Path(shutil.copytree(sound_run, folder / "run"))
    if damage is not None:
        record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
        damage(record)
        text = json.dumps(record, indent=2)
    (run_dir / "results.json").write_text(text or "", encoding="utf-8")
    write_manifest(run_dir)
    return run_dir


@pytest.mark.parametrize(("damage", "field"), [(d, f) for _, d, f in DAMAGE], ids=[name for name, _, _ in DAMAGE])
def test_a_damaged_record_exits_4_naming_the_field(sound_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   damage: Callable[[Record], None], field: str) -> None:
    run_dir = damaged_copy(sound_run, tmp_path, damage)
    assert main(["report", str(run_dir), "--format", "html"]) == 4
    error = capsys.readouterr().err
    assert f"{run_dir / 'results.json'}:" in error and field in error, error
    assert not (run_dir / "report.html").exists()


@pytest.mark.parametrize("text", ["[]", "{", '"text"', "null", '{"schema": "tekigo/results/v1"}'])
def test_a_record_that_is_not_an_object_exits_4(sound_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                text: str) -> None:
    run_dir = damaged_copy(sound_run, tmp_path, None, text)
    assert main(["report", str(run_dir), "--format", "html"]) == 4
    assert "results.json" in capsys.readouterr().err
