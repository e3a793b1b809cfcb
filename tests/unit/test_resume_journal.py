"""The run journal keeps finished checks across a kill, and what a resumed run must refuse or restore."""

import json
from pathlib import Path

import pytest

from harness.checks import Finding
from harness.device import UNDECLARED, UnitState
from harness.journal import (
    JOURNAL,
    Invocation,
    NotResumable,
    append_result,
    check_same_profile,
    finished_results,
    prepare_resume,
    profile_digest,
    read_invocation,
    write_invocation,
)
from harness.profile_loader import load_profile
from harness.run_record import CheckResult
from harness.verdict import Verdict

from ..conftest import REFERENCE_PROFILES


def result(name: str, evidence: list[str] | None = None, verdict: Verdict = Verdict.PASS) -> CheckResult:
    return CheckResult(f"testcases/t.py::{name}", "TER-34-10-1", "http:80", verdict, "", evidence or [],
                       [Finding("the unit says <b>hi</b>", "EN 303 645 5.1-1")], 1.5, informational=False)


def test_a_journaled_check_comes_back_as_it_was(tmp_path: Path) -> None:
    first, second = result("test_a", ["evidence/test_a/exchanges.txt"]), result("test_b", verdict=Verdict.FAIL)
    append_result(tmp_path, first)
    append_result(tmp_path, second)
    assert finished_results(tmp_path) == {first.nodeid: first, second.nodeid: second}


def test_a_line_cut_short_by_a_kill_is_not_a_finished_check_and_is_dropped_on_resume(tmp_path: Path) -> None:
    append_result(tmp_path, result("test_a"))
    journal = tmp_path / JOURNAL
    whole = journal.read_text(encoding="utf-8")
    journal.write_text(whole + whole[: len(whole) // 2], encoding="utf-8")
    assert list(finished_results(tmp_path)) == ["testcases/t.py::test_a"]

    prepare_resume(tmp_path)
    append_result(tmp_path, result("test_b"))

    assert list(finished_results(tmp_path)) == ["testcases/t.py::test_a", "testcases/t.py::test_b"]


def test_resume_deletes_evidence_no_finished_check_lists(tmp_path: Path) -> None:
    kept = "evidence/test_a/exchanges.txt"
    for path in (kept, "evidence/test_b/exchanges.txt", "evidence/test_b/power-cycle.txt"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(path, encoding="utf-8")
    (tmp_path / "resume" / "unit-state.json.partial").parent.mkdir(exist_ok=True)
    (tmp_path / "resume" / "unit-state.json.partial").write_text("{", encoding="utf-8")
    append_result(tmp_path, result("test_a", [kept]))

    finished = prepare_resume(tmp_path)

    assert list(finished) == ["testcases/t.py::test_a"]
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert left == ["evidence", "evidence/test_a", kept, "resume", JOURNAL]


def interrupted_run(run_dir: Path) -> list[str]:
    """A run folder with three journaled checks (the last a FAIL) and their evidence; its files."""
    for name, verdict in (("test_a", Verdict.PASS), ("test_b", Verdict.PASS), ("test_c", Verdict.FAIL)):
        path = f"evidence/{name}/exchanges.txt"
        (run_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / path).write_text(name, encoding="utf-8")
        append_result(run_dir, result(name, [path], verdict))
    return folder_bytes(run_dir)


def folder_bytes(run_dir: Path) -> list[str]:
    return sorted(f"{p.relative_to(run_dir)}:{p.read_bytes()!r}" for p in run_dir.rglob("*") if p.is_file())


@pytest.mark.parametrize("damage", ["{not json\n", "[1, 2]\n", '{"nodeid": "x"}\n', "\n"])
def test_a_damaged_journal_line_stops_the_resume_naming_it_and_deletes_nothing(tmp_path: Path, damage: str) -> None:
    interrupted_run(tmp_path)
    journal = tmp_path / JOURNAL
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    journal.write_text(lines[0] + damage + "".join(lines[1:]), encoding="utf-8")
    before = folder_bytes(tmp_path)

    with pytest.raises(NotResumable, match=f"{JOURNAL}:2: damaged journal line .* 2 finished check"):
        prepare_resume(tmp_path)

    assert folder_bytes(tmp_path) == before


@pytest.mark.parametrize("state", ["{", "[]", '{"credential": "new_password"}',
                                   '{"credential": 1, "password_changed": true, "updated_to": null, '
                                   '"settings_written": {}}'])
def test_a_corrupt_unit_state_is_refused_before_any_evidence_is_deleted(tmp_path: Path, state: str) -> None:
    interrupted_run(tmp_path)
    (tmp_path / "evidence" / "test_d").mkdir()
    (tmp_path / "evidence" / "test_d" / "exchanges.txt").write_text("cut short by the kill", encoding="utf-8")
    (tmp_path / "resume" / "unit-state.json").write_text(state, encoding="utf-8")
    before = folder_bytes(tmp_path)

    with pytest.raises(NotResumable, match=r"unit-state\.json is (unreadable|not a unit state)"):
        prepare_resume(tmp_path)

    assert folder_bytes(tmp_path) == before


def test_resume_refuses_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(NotResumable, match="not a resumable run folder"):
        read_invocation(tmp_path)
    (tmp_path / "resume").mkdir()
    (tmp_path / "resume" / "run.json").write_text('{"schema": "something/else"}', encoding="utf-8")
    with pytest.raises(NotResumable, match="is not a tekigo/resume/v1 record"):
        read_invocation(tmp_path)


def test_resume_refuses_a_profile_changed_since_the_run_started(tmp_path: Path, reference_profile_text: str) -> None:
    profile = tmp_path / "unit.yaml"
    profile.write_text(reference_profile_text, encoding="utf-8")
    write_invocation(tmp_path, Invocation(str(profile), profile_digest(profile), ["-k", "not sweep"], "T0"))
    invocation = read_invocation(tmp_path)
    assert invocation.pytest_args == ["-k", "not sweep"] and check_same_profile(invocation) == profile

    profile.write_text(reference_profile_text.replace("boot_timeout_s: 20", "boot_timeout_s: 30"), encoding="utf-8")
    with pytest.raises(NotResumable, match="changed since the run started"):
        check_same_profile(invocation)
    profile.unlink()
    with pytest.raises(NotResumable, match="cannot be read"):
        check_same_profile(invocation)


def test_unit_state_is_recorded_by_credential_name_and_restored_from_the_profile() -> None:
    profile = load_profile(REFERENCE_PROFILES / "r1-router.yaml")
    secret = profile.new_password.get_secret_value()
    state = UnitState(password=secret, password_changed=True, updated_to="1.1.0")

    declared = state.declared(profile)

    assert secret not in json.dumps(declared)
    assert declared["credential"] == "new_password"
    assert UnitState.restored(declared, profile) == state
    assert UnitState(password="password", password_changed=True).declared(profile)["credential"] == UNDECLARED
