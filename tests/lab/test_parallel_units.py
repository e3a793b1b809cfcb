"""Several units at once: copies of r1 audited by one `tekigo run`, one run folder each, one summary."""

import json
import sys
from pathlib import Path

import pytest

from harness import lab
from harness.lab.clones import clone_profile
from harness.lab.devices import CLONES

from .conftest import run_in_tester

pytestmark = [pytest.mark.lab, pytest.mark.timeout(180)]

REPO = Path(__file__).resolve().parent.parent.parent
UNITS = list(CLONES)[:2]


@pytest.fixture(scope="module")
def clones_up() -> lab.LabStatus:
    with lab.exclusive_lab():
        status = lab.up(UNITS)
        yield status
        lab.down()


def test_clones_come_up_at_their_own_addresses(clones_up: lab.LabStatus) -> None:
    assert [(d.name, d.address, d.listening) for d in clones_up.devices if d.present] == [
        ("r1x1", "198.18.0.21", (22, 80)), ("r1x2", "198.18.0.22", (22, 80))]
    assert not clones_up.device("r1").present


def test_two_units_in_parallel_get_a_run_folder_each_and_a_summary(clones_up: lab.LabStatus, tmp_path: Path) -> None:
    profiles = [clone_profile(name, REPO / "device_profiles" / "reference" / "r1-router.yaml", tmp_path / "profiles")
                for name in UNITS]
    out = tmp_path / "units"
    arguments = [a for profile in profiles for a in ("--profile", str(profile))]
    done = run_in_tester([sys.executable, "-m", "harness.cli", "run", *arguments, "-n", "2", "--out", str(out),
                          "-k", "access_control"], timeout=150)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [Path(u["run_dir"]).name for u in summary["units"]] == ["r1x1-router", "r1x2-router"]
    for unit, serial in zip(summary["units"], ("R1-000021", "R1-000022"), strict=True):
        record = json.loads((Path(unit["run_dir"]) / "results.json").read_text(encoding="utf-8"))
        assert record["equipment"]["serial"] == serial
        assert unit["verdicts"]["TER-34-10-1"] == "PASS"
    # Only item 1 ran: the others are not decided, so the combined verdict is inconclusive (exit 2).
    assert done.returncode == summary["exit_status"] == 2
    assert "[r1x1-router]" in done.stdout and "[r1x2-router]" in done.stdout
    assert "2 units in" in done.stdout
    assert "warnings summary" not in done.stdout, done.stdout[-3000:]
