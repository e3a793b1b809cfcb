"""`tekigo run --resume`: a run stopped at several points and resumed each time ends as an uninterrupted
run does; Ctrl-C stops a run cleanly, never as a pass, and says how to continue it.

r1 (the conforming router) without the credential sweeps keeps each run to seconds. Both runs start
from a factory-fresh r1; a resumed run continues on the unit as the stopped run left it.
"""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import lab
from harness.journal import JOURNAL

from ..conftest import REFERENCE_PROFILES, REPO

R1 = REFERENCE_PROFILES / "r1-router.yaml"
SELECTION = "not sweep"
RUN_DEADLINE_S = 240.0
# Where the interrupted run is stopped: after the check whose name ends so (then `extra_s` later).
FIRST_CHECK = "test_factory_default_only_opens_the_password_change"
CTRL_C_AFTER = "test_protected_settings_refuse_unauthenticated_reads[http:80]"
# The attack-surface scan that follows takes seconds and only reads: killed in its middle.
KILLED_IN_THE_SCAN_AFTER = "test_protected_settings_resist_path_and_method_tricks[http:80]"


class Run:
    """`tekigo run` in the tester namespace, its output in a file (the pid stays through `ip netns exec`)."""

    def __init__(self, log: Path, *arguments: str) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        self.log = log
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "harness.cli", "run", "--netns", "tekigo-tester", *arguments],
                stdout=output, stderr=subprocess.STDOUT, text=True, cwd=REPO, env=environment,
                # A test runner started in the background inherits SIGINT ignored; a user's terminal does not.
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            )

    def finish(self) -> tuple[int, str]:
        status = self.process.wait(timeout=RUN_DEADLINE_S)
        return status, self.log.read_text(encoding="utf-8", errors="replace")


def new_run(run_dir: Path) -> Run:
    return Run(run_dir.with_suffix(".log"), "--profile", str(R1), "-k", SELECTION, "--out", str(run_dir))


def resumed(run_dir: Path, step: str) -> Run:
    return Run(run_dir.with_name(f"resumed-{step}.log"), "--resume", str(run_dir))


def finished_checks(run_dir: Path) -> list[dict[str, Any]]:
    try:
        lines = (run_dir / JOURNAL).read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.endswith("\n")]


def stop_after(run: Run, run_dir: Path, check: str, sig: signal.Signals, extra_s: float = 0.0) -> None:
    """Send `sig` to the run `extra_s` after the check named `check` finished."""
    deadline = time.monotonic() + RUN_DEADLINE_S
    while not any(c["nodeid"].endswith(check) for c in finished_checks(run_dir)):
        assert run.process.poll() is None, f"the run ended before {check} finished:\n{run.finish()[1][-3000:]}"
        assert time.monotonic() < deadline, f"{check} did not finish in {RUN_DEADLINE_S:.0f} s"
        time.sleep(0.02)
    time.sleep(extra_s)
    run.process.send_signal(sig)


def kill_after(run: Run, run_dir: Path, check: str, extra_s: float = 0.0) -> dict[str, bytes]:
    """SIGKILL the run after `check` (and `extra_s`); the evidence of every finished check, by path."""
    stop_after(run, run_dir, check, signal.SIGKILL, extra_s)
    assert run.process.wait(timeout=10) == -signal.SIGKILL
    return {path: (run_dir / path).read_bytes() for c in finished_checks(run_dir) for path in c["evidence"]}


def verdicts(run_dir: Path) -> dict[str, str]:
    """Per check in the suite's order, per requirement, and the equipment verdict."""
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    checks = {t["nodeid"]: t["verdict"] for r in record["requirements"] for t in r["tests"]}
    return checks | {r["id"]: r["verdict"] for r in record["requirements"]} | {"overall": record["verdict"]}


def check_order(run_dir: Path) -> list[str]:
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    return [t["nodeid"] for r in record["requirements"] for t in r["tests"]]


def verify(run_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", "verify", str(run_dir)], capture_output=True,
                          text=True, timeout=60, cwd=REPO)


@dataclass(frozen=True)
class Finished:
    """A run's folder and exit status once it has ended."""

    run_dir: Path
    status: int
    output: str


@dataclass(frozen=True)
class Interrupted:
    """The interrupted run once resumed to the end, and what it showed when Ctrl-C stopped it."""

    end: Finished
    ctrl_c: Finished
    ctrl_c_record: dict[str, Any]
    ctrl_c_verify: subprocess.CompletedProcess[str]
    kept_evidence: dict[str, bytes]  # of the checks finished before the last kill, as they were then


@pytest.fixture(scope="module")
def uninterrupted(lab_up: lab.LabStatus, tmp_path_factory: pytest.TempPathFactory) -> Finished:
    """A run from start to end on the r1 that `lab_up` just brought up in factory state."""
    run_dir = tmp_path_factory.mktemp("resume") / "uninterrupted"
    status, output = new_run(run_dir).finish()
    assert status in (0, 1, 2) and (run_dir / "results.json").is_file(), output[-4000:]
    return Finished(run_dir, status, output)


@pytest.fixture(scope="module")
def interrupted(uninterrupted: Finished, tmp_path_factory: pytest.TempPathFactory) -> Interrupted:
    """On a factory-fresh r1: killed after the first check, resumed; Ctrl-C a few checks later, resumed;
    killed in the middle of the attack-surface scan, resumed to the end."""
    run_dir = tmp_path_factory.mktemp("resume") / "interrupted"
    lab.up(["r1"])  # factory state again (the lab lock is still held by `lab_up`)
    run = new_run(run_dir)
    kill_after(run, run_dir, FIRST_CHECK)

    run = resumed(run_dir, "after-the-first-kill")
    stop_after(run, run_dir, CTRL_C_AFTER, signal.SIGINT)
    status, output = run.finish()
    ctrl_c = Finished(run_dir, status, output)
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    ctrl_c_verify = verify(run_dir)

    run = resumed(run_dir, "after-ctrl-c")
    kept = kill_after(run, run_dir, KILLED_IN_THE_SCAN_AFTER, extra_s=1.0)

    status, output = resumed(run_dir, "after-the-last-kill").finish()
    return Interrupted(Finished(run_dir, status, output), ctrl_c, record, ctrl_c_verify, kept)


def test_a_run_killed_and_interrupted_then_resumed_ends_as_an_uninterrupted_run(
        uninterrupted: Finished, interrupted: Interrupted) -> None:
    end = interrupted.end
    assert end.status == uninterrupted.status, end.output[-4000:]
    assert verdicts(end.run_dir) == verdicts(uninterrupted.run_dir)
    assert check_order(end.run_dir) == check_order(uninterrupted.run_dir)
    kept = interrupted.kept_evidence
    assert kept and {path: (end.run_dir / path).read_bytes() for path in kept} == kept, "finished evidence changed"
    done = verify(end.run_dir)
    assert done.returncode == 0, done.stdout


def test_ctrl_c_stops_cleanly_never_as_a_pass_and_says_how_to_resume(interrupted: Interrupted) -> None:
    ctrl_c = interrupted.ctrl_c
    assert ctrl_c.status == 130, ctrl_c.output[-4000:]
    assert f"tekigo run --resume {ctrl_c.run_dir}" in ctrl_c.output and "Traceback" not in ctrl_c.output
    tests = [t for r in interrupted.ctrl_c_record["requirements"] for t in r["tests"]]
    unfinished = [t for t in tests if t["reason"].startswith("interrupted")]
    assert unfinished and all(t["verdict"] == "INCONCLUSIVE" for t in unfinished)
    assert tests.index(unfinished[0]) > 0, "the checks finished before Ctrl-C kept their verdicts"
    assert interrupted.ctrl_c_record["verdict"] != "PASS"
    assert interrupted.ctrl_c_verify.returncode == 0, interrupted.ctrl_c_verify.stdout


def test_a_full_disk_stops_the_run_inconclusive_and_says_what_it_kept(lab_up: lab.LabStatus, tmp_path: Path) -> None:
    """The run folder on a 1 MiB tmpfs in a private mount namespace: the attack-surface capture (megabytes)
    does not fit. What the folder holds is copied out before the namespace, and its tmpfs, are gone.
    r1's state does not matter here (the run only has to write evidence), so it needs no factory reset."""
    out, kept = tmp_path / "run", tmp_path / "kept"
    out.mkdir()
    in_tmpfs = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                'out="$1" kept="$2"; shift 2; mount -t tmpfs -o size=1m tmpfs "$out" && "$@"; status=$?; '
                'cp -a "$out" "$kept"; exit $status', "sh", str(out), str(kept)]
    run = [sys.executable, "-m", "harness.cli", "run", "--netns", "tekigo-tester", "--profile", str(R1),
           "-k", SELECTION, "--out", str(out)]
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    done = subprocess.run([*in_tmpfs, *run], capture_output=True, text=True, timeout=RUN_DEADLINE_S, cwd=REPO,
                          env=environment)
    output = done.stdout + done.stderr

    assert done.returncode == 2, output[-4000:]
    assert "(its disk is full): No space left on device" in output
    assert f"the run is INCONCLUSIVE: its folder {out} could not be written" in output
    assert "Traceback" not in output and "INTERNALERROR" not in output
    assert finished_checks(kept), "the checks finished before the disk filled up are kept"
    if (kept / "results.json").exists():
        assert json.loads((kept / "results.json").read_text(encoding="utf-8"))["verdict"] != "PASS"
