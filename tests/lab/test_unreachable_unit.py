"""A unit that is not there: every check is INCONCLUSIVE with the reason, and the exit status is 2."""

import json
import subprocess
import sys
from pathlib import Path

from harness import lab

from ..conftest import REFERENCE_PROFILES, REPO


def test_unreachable_unit_is_inconclusive_with_exit_2(lab_up, tmp_path: Path) -> None:
    text = (REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "absent.yaml"
    profile.write_text(text.replace("198.18.0.11", "198.18.0.99").replace("boot_timeout_s: 20",
                                                                          "boot_timeout_s: 20\n  connect_timeout_s: 1"))
    out = tmp_path / "run"
    done = subprocess.run(lab.tester_command([sys.executable, "-m", "harness.cli", "run", "--profile", str(profile),
                                              "--out", str(out)]),
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 2, done.stdout[-3000:] + done.stderr[-2000:]
    record = json.loads((out / "results.json").read_text(encoding="utf-8"))
    tests = [t for r in record["requirements"] for t in r["tests"]]
    assert {t["verdict"] for t in tests} == {"INCONCLUSIVE"}
    assert all("did not answer on any declared port" in t["reason"] for t in tests)
    assert "198.18.0.99" in done.stdout
