"""`tekigo scan`, `discover` and `run` with several profiles: bad input exits 4 and sends nothing; the summary."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.parallel import UnitRun, combined_exit, render_units, run_folders, write_summary

from ..conftest import REFERENCE_PROFILES


def tekigo(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *arguments], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_scan_outside_the_declared_network_exits_4(tmp_path: Path) -> None:
    done = tekigo("scan", "127.0.0.2", "--network", "198.18.0.0/24", "--out", str(tmp_path / "scan"), cwd=tmp_path)
    assert done.returncode == 4
    assert "refusing to scan 127.0.0.2: 127.0.0.2 is outside the declared lab networks (198.18.0.0/24)" in done.stderr
    assert not (tmp_path / "scan").exists()


@pytest.mark.parametrize(("arguments", "message"), [
    (["--ports", "0-10"], "ports must be between 1 and 65535"),
    (["--ports", "http"], "expected ports like 1-1024,8080"),
    (["--rate", "0"], "--rate must be in"),
    (["--ports", "1-300000000"], "ports must be between 1 and 65535, got 1-300000000"),  # checked, not expanded
    (["--ports", "5-1"], "the range 5-1 runs backwards: write 1-5"),
    (["--ports", "80,"], "expected ports like 1-1024,8080"),
])
def test_scan_limits_are_checked_before_anything_is_sent(tmp_path: Path, arguments: list[str], message: str) -> None:
    done = tekigo("scan", "198.18.0.11", "--network", "198.18.0.0/24", *arguments, cwd=tmp_path)
    assert done.returncode == 4 and message in done.stderr


def test_discover_on_a_network_not_directly_connected_exits_4(tmp_path: Path) -> None:
    done = tekigo("discover", "--network", "198.18.0.0/16", cwd=tmp_path)
    assert done.returncode == 4 and "discovery sweeps at most 4096" in done.stderr


def test_several_profiles_with_one_invalid_exit_4_before_any_run(tmp_path: Path, reference_profile_text: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(reference_profile_text.replace("  boot_timeout_s: 20", "  boot_timeout_s: soon"))
    done = tekigo("run", "--profile", str(REFERENCE_PROFILES / "r1-router.yaml"), "--profile", str(bad),
                  "-n", "2", "--out", str(tmp_path / "units"), cwd=tmp_path)
    assert done.returncode == 4 and "unit.boot_timeout_s" in done.stderr
    assert not (tmp_path / "units").exists()


def test_two_profiles_for_one_unit_exit_4(tmp_path: Path, reference_profile_text: str) -> None:
    twin = tmp_path / "twin.yaml"
    twin.write_text(reference_profile_text.replace("address: 198.18.0.11", "address: 127.0.0.1").replace(
        "networks: [198.18.0.0/24]", "networks: [127.0.0.0/8]"))
    done = tekigo("run", "--profile", str(twin), "--profile", str(twin), "--out", str(tmp_path / "units"),
                  cwd=tmp_path)
    assert done.returncode == 4 and "name the same unit 127.0.0.1; one run per unit" in done.stderr


def unit_run(name: str, overall: str | None) -> UnitRun:
    verdicts = {} if overall is None else {f"TER-34-10-{n}": "PASS" for n in range(1, 5)} | {"overall": overall}
    return UnitRun(f"{name}.yaml", f"out/{name}", verdicts, 0, 12.0)


@pytest.mark.parametrize(("overalls", "expected"), [
    (["PASS", "PASS"], 0), (["PASS", "FAIL", "INCONCLUSIVE"], 1), (["PASS", "INCONCLUSIVE"], 2), (["PASS", None], 2),
    (["PASS", "NOT_APPLICABLE"], 0), (["NOT_APPLICABLE", "NOT_APPLICABLE"], 3), (["NOT_APPLICABLE", "INCONCLUSIVE"], 2),
])
def test_combined_exit_is_the_worst_unit(overalls: list[str | None], expected: int) -> None:
    assert combined_exit([unit_run(f"u{i}", overall) for i, overall in enumerate(overalls)]) == expected


def test_run_folders_are_one_per_profile_and_never_shared(tmp_path: Path) -> None:
    profiles = [Path("a/r1.yaml"), Path("b/r1.yaml"), Path("c1.yaml")]
    assert run_folders(profiles, tmp_path) == [tmp_path / "r1-1", tmp_path / "r1-2", tmp_path / "c1"]


def test_summary_table_and_json_name_every_unit(tmp_path: Path) -> None:
    runs = [unit_run("r1x1", "PASS"), unit_run("c1", "FAIL"), unit_run("dead", None)]
    table = render_units(runs, 30.0)
    assert "r1x1                    PASS     PASS     PASS     PASS     PASS        12s  out/r1x1" in table
    assert "dead                    -        -        -        -        INCONCL" in table
    assert table.endswith("3 units in 30 s: 1 適合, 1 不適合, 1 判定不能")
    summary = json.loads(write_summary(tmp_path, runs, 30.0).read_text(encoding="utf-8"))
    assert summary["exit_status"] == 1 and [u["overall"] for u in summary["units"]] == ["PASS", "FAIL", "INCONCLUSIVE"]
