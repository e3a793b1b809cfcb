"""Runs against a unit that is not there: every check is INCONCLUSIVE with the reason, and the exit status is 2;
a pytest plugin installed beside tekigo stays out of the run."""

import json
import os
import subprocess
import sys
from pathlib import Path

from harness import lab

from ..conftest import REFERENCE_PROFILES, REPO

STRAY_PLUGIN = """
from pathlib import Path
Path(__file__).with_name("loaded").touch()
"""


def absent_unit_profile(tmp_path: Path) -> Path:
    text = (REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "absent.yaml"
    profile.write_text(text.replace("198.18.0.11", "198.18.0.99").replace("boot_timeout_s: 20",
                                                                          "boot_timeout_s: 20\n  connect_timeout_s: 1"))
    return profile


def run_tekigo(profile: Path, out: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(lab.tester_command([sys.executable, "-m", "harness.cli", "run", "--profile", str(profile),
                                              "--out", str(out)]),
                          capture_output=True, text=True, timeout=300, cwd=REPO, env=env)


def test_unreachable_unit_is_inconclusive_with_exit_2(lab_up, tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = run_tekigo(absent_unit_profile(tmp_path), out)
    assert done.returncode == 2, done.stdout[-3000:] + done.stderr[-2000:]
    record = json.loads((out / "results.json").read_text(encoding="utf-8"))
    tests = [t for r in record["requirements"] for t in r["tests"]]
    assert {t["verdict"] for t in tests} == {"INCONCLUSIVE"}
    assert all("did not answer on any declared port" in t["reason"] for t in tests)
    assert "198.18.0.99" in done.stdout


def test_a_pytest_plugin_installed_beside_tekigo_stays_out_of_the_run(lab_up, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "stray-1.0.dist-info").mkdir(parents=True)
    (site / "stray-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: stray\nVersion: 1.0\n")
    (site / "stray-1.0.dist-info" / "entry_points.txt").write_text("[pytest11]\nstray = stray_plugin\n")
    (site / "stray_plugin.py").write_text(STRAY_PLUGIN)
    probe = subprocess.run([sys.executable, "-c", "import stray_plugin"], env={**os.environ, "PYTHONPATH": str(site)})
    assert probe.returncode == 0 and (site / "loaded").exists(), "the stray plugin does not load at all"
    (site / "loaded").unlink()

    done = run_tekigo(absent_unit_profile(tmp_path), tmp_path / "run", env={**os.environ, "PYTHONPATH": str(site)})
    assert done.returncode == 2, done.stdout[-3000:] + done.stderr[-2000:]
    assert not (site / "loaded").exists(), "the run loaded a pytest plugin it was not given"
    assert "warnings summary" not in done.stdout, done.stdout[-3000:]
