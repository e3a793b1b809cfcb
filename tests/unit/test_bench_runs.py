"""`tekigo run --place` on two benches of a loopback labgrid lab (about 25 s): each unit holds its place and
switches its power through the place's plug; the bench whose exporter dies mid-run makes that unit INCONCLUSIVE
("bench lost"), the other unit finishes, and the summary says which place was lost."""

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.unit.conftest import loopback_profile
from tests.unit.labgrid_bench import LoopbackLab, loopback_lab

CHECK = '''
import time

import pytest

from harness.bench.place_run import active_bench

pytestmark = pytest.mark.requirement("TER-34-10-4")


def test_bench_hold(power):
    power.off()
    power.on()
    if active_bench().place == "bench1-unit":  # this unit's bench dies while the check runs
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.05)
'''


def kill_exporter_after_power_on(lab: LoopbackLab) -> None:
    deadline = time.monotonic() + 60
    while "POST /relay/0 turn=on" not in lab.plugs["bench1"].requests and time.monotonic() < deadline:
        time.sleep(0.05)
    lab.exporters["bench1"].kill()


def test_a_lost_bench_makes_its_unit_inconclusive_and_the_other_finishes(tmp_path: Path) -> None:
    check = tmp_path / "test_bench_check.py"
    check.write_text(CHECK, encoding="utf-8")
    profiles = []
    with socket.socket() as first, socket.socket() as second:
        for index, (listener, address) in enumerate(((first, "127.0.0.1"), (second, "127.0.0.2"))):
            listener.bind((address, 0))
            listener.listen(16)
            folder = tmp_path / f"unit{index + 1}"
            folder.mkdir()
            text = loopback_profile(folder, listener.getsockname()[1]).read_text(encoding="utf-8")
            profiles.append(folder / f"unit{index + 1}.yaml")
            profiles[-1].write_text(text.replace("127.0.0.1", address), encoding="utf-8")
        with loopback_lab(tmp_path / "labgrid") as lab:
            killer = threading.Thread(target=kill_exporter_after_power_on, args=(lab,), daemon=True)
            killer.start()
            done = subprocess.run(
                [sys.executable, "-m", "harness.cli", "run", "--profile", str(profiles[0]), "--place", "bench1-unit",
                 "--profile", str(profiles[1]), "--place", "bench2-unit", "-n", "2", "--coordinator",
                 lab.coordinator, "--out", str(tmp_path / "runs"), "--", "-k", "test_bench_hold", str(check)],
                capture_output=True, text=True, timeout=120,
                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TEKIGO_LAB_SETTINGS": str(tmp_path / "none.yaml")})
            killer.join(5)
            assert lab.plugs["bench2"].requests[::2] == ["POST /relay/0 turn=off", "POST /relay/0 turn=on"]
    summary = json.loads((tmp_path / "runs" / "summary.json").read_text(encoding="utf-8"))
    lost, other = summary["units"]
    assert lost["place"] == "bench1-unit" and "bench lost: exporter bench1 is gone" in lost["note"], done.stdout
    assert lost["overall"] == "INCONCLUSIVE" and lost["exit_status"] == 2
    [check_result] = [test for requirement in json.loads((tmp_path / "runs" / "unit1" / "results.json").read_text(
        encoding="utf-8"))["requirements"] for test in requirement["tests"]]
    assert check_result["verdict"] == "INCONCLUSIVE"
    assert check_result["reason"].startswith("bench lost: exporter bench1 is gone")
    assert other["place"] == "bench2-unit" and other["note"] == ""
    unit2 = json.loads((tmp_path / "runs" / "unit2" / "results.json").read_text(encoding="utf-8"))
    assert [t["verdict"] for r in unit2["requirements"] for t in r["tests"]] == ["PASS"]
    assert "[place bench1-unit]" in done.stdout and "bench lost" in done.stdout


def test_a_coordinator_outside_the_lab_networks_or_unpaired_places_are_usage_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from harness.cli import main

    profile = str(loopback_profile(tmp_path, 9))
    assert main(["run", "--profile", profile, "--place", "p", "--coordinator", "10.1.2.3:20408",
                 "--out", str(tmp_path / "run")]) == 4
    assert "refusing to reach the coordinator 10.1.2.3:20408" in capsys.readouterr().err
    assert main(["run", "--profile", profile, "--place", "a", "--place", "b", "--out", str(tmp_path / "run")]) == 4
    assert "2 --place for 1 --profile" in capsys.readouterr().err
    assert not (tmp_path / "run.place.json").exists()  # nothing was asked of any coordinator
