"""Forked unit runs: each child's exit status, its output prefixed line by line, and the deadline kill."""

import os
import re
import signal
import time
from pathlib import Path

import pytest

import harness.cli
from harness.forked_runs import ForkedJob, run_forked

REPO = Path(__file__).resolve().parent.parent.parent
GOOD = REPO / "device_profiles" / "reference" / "r1-router.yaml"


def test_every_child_reports_its_own_status_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tekigo_profile: 1\nunit: {address: nowhere}\n", encoding="utf-8")
    (tmp_path / "r1-1.1.0.tkfw").write_bytes(b"image")  # validate reads the image's path: it must exist
    good = tmp_path / "good.yaml"
    good.write_text(GOOD.read_text(encoding="utf-8").replace("/var/lib/tekigo-lab/images/", ""), encoding="utf-8")
    outcomes = run_forked([ForkedJob("good", ["profile", "validate", str(good)]),
                           ForkedJob("bad", ["profile", "validate", str(bad)])], workers=2, deadline_s=60)
    assert [outcome.status for outcome in outcomes] == [0, 4]
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("[bad] ") and "bad.yaml" in line for line in lines)
    assert all(line.startswith(("[good] ", "[bad] ")) for line in lines)


def test_a_child_past_its_deadline_is_killed() -> None:
    [outcome] = run_forked([ForkedJob("slow", ["profile", "validate", str(GOOD)])], workers=1, deadline_s=0)
    assert outcome.status == -signal.SIGKILL


def test_each_child_is_a_session_of_its_own(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The scheduler shares the CPU between sessions: units sharing one got one job's share together."""

    def print_session(argv: list[str]) -> int:
        print(f"session {os.getsid(0)} pid {os.getpid()}")
        print(f"SIGTERM handler is the default: {signal.getsignal(signal.SIGTERM) == signal.SIG_DFL}")
        return 0

    monkeypatch.setattr(harness.cli, "main", print_session)
    run_forked([ForkedJob("a", []), ForkedJob("b", [])], workers=2, deadline_s=60)
    out = capsys.readouterr().out
    sessions = dict(re.findall(r"session (\d+) pid (\d+)", out))
    assert out.count("SIGTERM handler is the default: True") == 2, "a child kept the parent's SIGTERM handler"
    assert len(sessions) == 2
    assert all(session == pid for session, pid in sessions.items()), "a child does not lead its own session"
    assert str(os.getsid(0)) not in sessions


def test_a_ctrl_c_reaches_the_children_and_ends_the_batch(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Outside the terminal's process group, the children hear of a Ctrl-C from the parent."""

    def wait_for_ctrl_c(argv: list[str]) -> int:
        try:
            time.sleep(30)
        except KeyboardInterrupt:
            print("interrupted")
            return 130
        return 0

    monkeypatch.setattr(harness.cli, "main", wait_for_ctrl_c)
    # A shell starting this in the background may have set SIGINT to be ignored: then Python never
    # turns it into KeyboardInterrupt. Ctrl-C as at a terminal, for this test.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous_alarm = signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_forked([ForkedJob("a", []), ForkedJob("b", [])], workers=2, deadline_s=60)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_alarm)
        signal.signal(signal.SIGINT, previous_int)
    assert time.monotonic() - started < 10
    assert capsys.readouterr().out.count("interrupted") == 2
