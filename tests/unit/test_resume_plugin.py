"""The plugin's side of resuming: a run killed (SIGKILL) or interrupted (Ctrl-C) keeps its finished checks,
a resumed run runs only the others with the unit's state restored, and a full disk never reads as a pass.

Runs a small suite in a child pytest against a loopback "unit" (it only has to accept connections).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.integrity import check_run
from harness.journal import JOURNAL, UNIT_STATE, Invocation, profile_digest, write_invocation

from .conftest import loopback_profile

SECRET = "Tkg-r1-Lab-7f3a"  # r1-router's new_password

SUITE = '''
import os
import signal

import pytest

pytestmark = pytest.mark.requirement("TER-34-10-1")


def stop_here(name):
    if os.environ.get("STOP_AT") == name + ":kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("STOP_AT") == name + ":ctrl-c":
        raise KeyboardInterrupt


def test_a_changes_the_password(device, evidence):
    evidence.attach("note", "a")
    device.state.password, device.state.password_changed = device.new_password, True
    device.state_changed(device.state)


def test_b_is_killed_in_the_middle(evidence):
    evidence.attach("before-the-kill", "b" * int(os.environ.get("B_BYTES", "1")))
    stop_here("b")


def test_c_sees_the_changed_password(device, evidence):
    stop_here("c")
    evidence.attach("note", "c")
    assert device.state.password == device.new_password and device.state.password_changed


def test_d_last(evidence):
    evidence.attach("note", "d")
'''
NODEIDS = [f"test_suite.py::test_{name}" for name in
           ("a_changes_the_password", "b_is_killed_in_the_middle", "c_sees_the_changed_password", "d_last")]


class Suite:
    """The suite, its loopback profile and its run folder; `run` starts a child pytest on them."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.profile, self.out = folder, loopback_profile(folder, port), folder / "run"
        (folder / "test_suite.py").write_text(SUITE, encoding="utf-8")

    def run(self, *options: str, stop_at: str = "", prefix: tuple[str, ...] = (), **env: str
            ) -> subprocess.CompletedProcess[str]:
        # By default a lab settings file that does not exist: no report is rendered (seconds of PDF work saved).
        environment = os.environ | {"TEKIGO_LAB_SETTINGS": str(self.folder / "none.yaml"), "STOP_AT": stop_at, **env}
        command = [*prefix, sys.executable, "-m", "pytest", "test_suite.py", "--profile", str(self.profile),
                   "--out", str(self.out), "-p", "no:cacheprovider", "-v", "--tb=short", *options]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder,
                              env=environment)

    def started(self) -> None:
        """What `tekigo run` writes before the suite starts: the invocation a resume needs."""
        self.out.mkdir(parents=True, exist_ok=True)
        write_invocation(self.out, Invocation(str(self.profile), profile_digest(self.profile), [], "T0"))

    def tests(self) -> list[dict[str, object]]:
        record = json.loads((self.out / "results.json").read_text(encoding="utf-8"))
        return [test for requirement in record["requirements"] for test in requirement["tests"]]


@pytest.fixture
def suite(tmp_path: Path, unit_port: int) -> Suite:
    return Suite(tmp_path, unit_port)


def test_a_killed_run_resumes_with_its_finished_checks_and_the_units_state(suite: Suite) -> None:
    suite.started()
    killed = suite.run(stop_at="b:kill")
    assert killed.returncode == -9, killed.stdout[-3000:]
    assert not (suite.out / "results.json").exists()
    assert (suite.out / "evidence/test_suite.py_test_b_is_killed_in_the_middle/before-the-kill.txt").exists()
    state = (suite.out / UNIT_STATE).read_text(encoding="utf-8")
    assert '"credential": "new_password"' in state and SECRET not in state

    resumed = suite.run("--resume")

    assert resumed.returncode == 0, resumed.stdout[-3000:]
    assert "1 deselected" in resumed.stdout
    tests = suite.tests()
    assert [t["nodeid"] for t in tests] == NODEIDS
    assert [t["verdict"] for t in tests] == ["PASS"] * 4
    assert tests[0]["evidence"] == ["evidence/test_suite.py_test_a_changes_the_password/note.txt"]
    assert tests[1]["evidence"] == ["evidence/test_suite.py_test_b_is_killed_in_the_middle/before-the-kill.txt"]
    assert check_run(suite.out).problems == []
    assert len((suite.out / JOURNAL).read_text(encoding="utf-8").splitlines()) == 4


def test_ctrl_c_writes_the_unfinished_checks_inconclusive_then_the_run_resumes(suite: Suite) -> None:
    suite.started()
    interrupted = suite.run(stop_at="c:ctrl-c")

    assert interrupted.returncode == 130, interrupted.stdout[-3000:]
    assert "interrupted: 2 of 4 checks finished" in interrupted.stdout
    tests = suite.tests()
    assert [t["nodeid"] for t in tests] == NODEIDS
    assert [(t["verdict"], t["reason"][:11]) for t in tests[2:]] == [("INCONCLUSIVE", "interrupted")] * 2
    assert json.loads((suite.out / "results.json").read_text(encoding="utf-8"))["verdict"] == "INCONCLUSIVE"
    assert check_run(suite.out).problems == []

    resumed = suite.run("--resume")

    assert resumed.returncode == 0, resumed.stdout[-3000:]
    assert [t["verdict"] for t in suite.tests()] == ["PASS"] * 4
    assert check_run(suite.out).problems == []


def on_tmpfs(suite: Suite, size: str, kept: Path) -> tuple[str, ...]:
    """A command prefix: the run folder on a tmpfs of `size` in a private mount namespace (gone when the
    child exits); what the folder holds then is copied to `kept` first."""
    suite.out.mkdir()
    return ("unshare", "--mount", "--propagation", "private", "sh", "-c",
            f'out="$1" kept="$2"; shift 2; mount -t tmpfs -o size={size} tmpfs "$out" && "$@"; status=$?; '
            'cp -a "$out" "$kept"; exit $status', "sh", str(suite.out), str(kept))


needs_mounts = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root (mount)")


@needs_mounts
def test_a_full_disk_stops_the_run_inconclusive_says_so_and_keeps_what_it_could(suite: Suite) -> None:
    """The second check's evidence does not fit on the run folder's 64 KiB disk."""
    kept = suite.folder / "kept"
    done = suite.run(prefix=on_tmpfs(suite, "64k", kept), B_BYTES=str(200_000))
    output = done.stdout + done.stderr

    assert done.returncode == 74, output[-3000:]
    assert "could not be written (its disk is full): No space left on device" in output
    assert "the run stopped: 1 of 4 checks finished and are kept" in output
    assert "Traceback" not in output and "INTERNALERROR" not in output
    finished = (kept / JOURNAL).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["nodeid"] for line in finished] == NODEIDS[:1]
    assert (kept / "evidence/test_suite.py_test_a_changes_the_password/note.txt").read_text(encoding="utf-8") == "a"
    if (kept / "results.json").exists():
        assert json.loads((kept / "results.json").read_text(encoding="utf-8"))["verdict"] != "PASS"

    write_invocation(kept, Invocation(str(suite.profile), profile_digest(suite.profile), [], "T0"))
    resumed = suite.run("--resume", "--out", str(kept))  # on a disk with room: the rest of the run
    assert resumed.returncode == 0, resumed.stdout[-3000:]
    record = json.loads((kept / "results.json").read_text(encoding="utf-8"))
    assert [t["verdict"] for t in record["requirements"][0]["tests"]] == ["PASS"] * 4
    assert check_run(kept).problems == []


@needs_mounts
def test_a_report_the_disk_cannot_take_is_left_out_and_the_record_stays_sealed(suite: Suite) -> None:
    """The record fits on the 256 KiB disk, the PDF report (about 500 KB) does not."""
    kept = suite.folder / "kept"
    done = suite.run(prefix=on_tmpfs(suite, "256k", kept), TEKIGO_LAB_SETTINGS="")
    output = done.stdout + done.stderr

    assert done.returncode == 74, output[-3000:]
    assert "reports not rendered: the run folder" in output and "(its disk is full)" in output
    assert "Traceback" not in output and "INTERNALERROR" not in output
    assert not (kept / "report.pdf").exists() and not (kept / "report.html").exists()
    record = json.loads((kept / "results.json").read_text(encoding="utf-8"))
    assert [t["verdict"] for t in record["requirements"][0]["tests"]] == ["PASS"] * 4
    assert check_run(kept).problems == []


def test_a_plain_pytest_run_into_a_folder_with_an_earlier_run_is_refused_and_changes_nothing(suite: Suite) -> None:
    earlier = suite.out / "evidence" / "test_old" / "exchanges.txt"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("an earlier run's evidence", encoding="utf-8")

    done = suite.run()

    assert done.returncode == 4 and "holds an earlier run (evidence)" in done.stderr, done.stdout[-2000:]
    assert sorted(p.relative_to(suite.out).as_posix() for p in suite.out.rglob("*")) == [
        "evidence", "evidence/test_old", "evidence/test_old/exchanges.txt"]
