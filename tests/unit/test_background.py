"""Work run ahead in a thread hands over its result, its exception, its progress; its transcript merges in order."""

import threading

import pytest

from harness.background import Background
from harness.evidence import Redactor, Transcript
from harness.verdict import Inconclusive


def test_the_result_and_the_progress_lines_reach_the_waiter() -> None:
    def work(tell) -> int:
        tell("half way")
        return 42

    shown: list[str] = []
    assert Background("adding", work).wait(5.0, shown.append) == 42
    assert shown == ["half way"]


def test_an_exception_in_the_thread_is_raised_by_the_waiter_as_it_was() -> None:
    def work(tell) -> None:
        raise Inconclusive("the unit locked up")

    with pytest.raises(Inconclusive, match="the unit locked up"):
        Background("failing", work).wait(5.0)


def test_work_outlasting_its_wait_is_inconclusive_and_its_thread_a_daemon() -> None:
    release = threading.Event()
    slow = Background("the sweep of ssh:22", lambda tell: release.wait(10.0))
    try:
        with pytest.raises(Inconclusive, match="the sweep of ssh:22 did not end within 0 s"):
            slow.wait(0.2)
        assert slow._thread.daemon
    finally:
        release.set()


def test_a_merged_transcript_follows_the_check_s_own_lines_in_its_order() -> None:
    redact = Redactor({"password": "s3cret"})
    check, thread = Transcript("check", redact), Transcript("sweep ssh:22", redact)
    check.sent("before")
    thread.sent("first s3cret")
    thread.received("second")
    check.merge(thread)
    lines = check.text().splitlines()
    assert "sweep ssh:22: its lines follow" in lines[2]
    assert lines[3].endswith("> first [password redacted]") and lines[4].endswith("< second")
