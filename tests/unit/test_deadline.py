"""cut_after: one watchdog thread per process keeps every exchange's deadline, and a forked child gets its own."""

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from harness.transports import deadline
from harness.transports.deadline import cut_after

WATCHDOG = "tekigo-http-deadline"


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A connected pair: the first end plays the harness's connection, the second the unit that never answers."""
    ours, unit = socket.socketpair()
    ours.settimeout(5.0)
    with ours, unit:
        yield ours, unit


def watchdogs() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == WATCHDOG]


def test_a_block_past_its_deadline_is_cut_at_once(pair) -> None:
    ours, _ = pair
    started = time.monotonic()
    with cut_after(0.2) as watch:
        watch.add(ours.dup())
        assert ours.recv(1) == b"", "the read was not ended by the cut"
    assert watch.expired
    assert 0.15 < time.monotonic() - started < 2.0


def test_a_block_that_ends_first_is_never_cut(pair) -> None:
    ours, unit = pair
    with cut_after(0.05) as watch:
        watch.add(ours.dup())
    time.sleep(0.2)
    unit.sendall(b"x")
    assert not watch.expired
    assert ours.recv(1) == b"x"


def test_a_short_deadline_behind_a_long_one_is_kept(pair) -> None:
    ours, _ = pair
    started = time.monotonic()
    with cut_after(30.0), cut_after(0.2) as inner:
        inner.add(ours.dup())
        ours.recv(1)
    assert inner.expired
    assert time.monotonic() - started < 2.0


def test_concurrent_blocks_are_each_cut_at_their_own_deadline() -> None:
    deadlines = [0.8, 0.1, 0.6, 0.2, 0.4]  # the later ones first: each new one must wake the watchdog early
    took: dict[float, float] = {}

    def exchange(seconds: float) -> None:
        ours, unit = socket.socketpair()
        ours.settimeout(5.0)
        started = time.monotonic()
        with ours, unit, cut_after(seconds) as watch:
            watch.add(ours.dup())
            ours.recv(1)
            took[seconds] = time.monotonic() - started

    threads = [threading.Thread(target=exchange, args=(seconds,)) for seconds in deadlines]
    for thread in threads:
        thread.start()
        time.sleep(0.01)
    for thread in threads:
        thread.join(5)
    assert sorted(took) == sorted(deadlines)
    off = {seconds: round(took[seconds] - seconds, 3) for seconds in deadlines}
    assert all(0 <= late < 0.4 for late in off.values()), f"seconds from each deadline to its cut: {off}"


def test_many_exchanges_share_one_watchdog_thread(pair) -> None:
    ours, _ = pair
    with cut_after(5.0):
        pass
    before = set(threading.enumerate())
    for _ in range(500):
        with cut_after(5.0) as watch:
            watch.add(ours.dup())
    assert not watch.expired
    assert set(threading.enumerate()) == before
    assert len(watchdogs()) == 1
    assert not deadline._watchdog._due, "ended watches were left waiting for their deadline"


def test_a_forked_child_keeps_deadlines_with_its_own_watchdog(pair) -> None:
    ours, _ = pair
    with cut_after(5.0):
        pass
    parents = watchdogs()
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status, never return into pytest
        status = 1
        try:
            with cut_after(0.2) as watch:
                watch.add(ours.dup())
                ours.recv(1)
            status = 0 if watch.expired and watchdogs() and watchdogs() != parents else 2
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child's deadline was not kept by a watchdog of its own"
    assert watchdogs() == parents
