"""Forked unit runs: each child's exit status, its output prefixed line by line, and the deadline kill."""

import signal
from pathlib import Path

import pytest

from harness.forked_runs import ForkedJob, run_forked

REPO = Path(__file__).resolve().parent.parent.parent
GOOD = REPO / "device_profiles" / "reference" / "r1-router.yaml"


def test_every_child_reports_its_own_status_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tekigo_profile: 1\nunit: {address: nowhere}\n", encoding="utf-8")
    outcomes = run_forked([ForkedJob("good", ["profile", "validate", str(GOOD)]),
                           ForkedJob("bad", ["profile", "validate", str(bad)])], workers=2, deadline_s=60)
    assert [outcome.status for outcome in outcomes] == [0, 4]
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("[bad] ") and "bad.yaml" in line for line in lines)
    assert all(line.startswith(("[good] ", "[bad] ")) for line in lines)


def test_a_child_past_its_deadline_is_killed() -> None:
    [outcome] = run_forked([ForkedJob("slow", ["profile", "validate", str(GOOD)])], workers=1, deadline_s=0)
    assert outcome.status == -signal.SIGKILL
