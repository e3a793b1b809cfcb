"""Unit runs as forked children of one process that has imported the suite's libraries once.

Each unit still gets its own process (its own pytest session, scope guard, evidence store and run folder),
but the interpreter start and the imports (pytest, scapy, WeasyPrint, pysnmp, paramiko: about 3 CPU-s) are
paid once per batch instead of once per unit. The imported objects are frozen out of the garbage
collector before the first fork: a child's collections then neither walk them nor copy their memory pages.
Each child is a session of its own: Linux's scheduler (autogroup) shares the CPU between sessions, so one
session for all units gave the whole batch the share of one job next to the lab's device daemons. Not being
in the terminal's process group, the children get the Ctrl-C (and a SIGTERM) from the parent, and a
SIGTERM when the parent dies. The parent starts no thread, so forking is safe; it reads every child's
output through one selector and prints it line by line, prefixed by the unit.
"""

import ctypes
import gc
import importlib
import io
import os
import selectors
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from types import FrameType
from typing import NoReturn

# What every unit's run imports; loaded in the parent so that the children inherit it.
PRELOAD = ("pytest", "harness.cli", "harness.pytest_plugin", "harness.net.scan", "harness.net.management",
           "harness.report.render", "harness.report.pdf", "harness.transports.ssh", "harness.transports.snmp",
           "harness.transports.mqtt", "harness.transports.upnp", "harness.credentials.sweep")
READ_BYTES = 64 * 1024
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


@dataclass(frozen=True)
class ForkedJob:
    """One child: the label its output lines carry and the `tekigo` arguments it runs."""

    label: str
    argv: list[str]


@dataclass(frozen=True)
class ForkedOutcome:
    """How a child ended: its exit status (negative: killed by that signal) and how long it ran."""

    status: int
    seconds: float


@dataclass
class _Child:
    index: int
    label: str
    pid: int
    output: int
    started: float
    pending: bytes = b""


def run_forked(jobs: Sequence[ForkedJob], workers: int, deadline_s: float) -> list[ForkedOutcome]:
    """Run `tekigo ARGV` of every job in a forked child, `workers` at a time, each killed after `deadline_s`."""
    for module in PRELOAD:
        importlib.import_module(module)
    gc.collect()
    gc.freeze()
    waiting = list(enumerate(jobs))
    outcomes: list[ForkedOutcome | None] = [None] * len(jobs)
    running: dict[int, _Child] = {}
    interrupted = False
    previous_term = signal.signal(signal.SIGTERM, _terminate_children(running))
    try:
        with selectors.DefaultSelector() as selector:
            while waiting or running:
                try:
                    while waiting and len(running) < max(1, workers):
                        index, job = waiting.pop(0)
                        child = _start(index, job, [c.output for c in running.values()])
                        running[child.output] = child
                        selector.register(child.output, selectors.EVENT_READ, child)
                    _serve(selector, running, outcomes, deadline_s)
                except KeyboardInterrupt:
                    interrupted, waiting = True, []
                    _signal_children(running, signal.SIGINT)  # they end their way, keeping what they have
    finally:
        signal.signal(signal.SIGTERM, previous_term)
    if interrupted:
        raise KeyboardInterrupt
    return [outcome or ForkedOutcome(1, 0.0) for outcome in outcomes]


def _signal_children(running: dict[int, "_Child"], signum: int) -> None:
    for child in running.values():
        with suppress(ProcessLookupError):  # ended, not yet reaped
            os.kill(child.pid, signum)


def _terminate_children(running: dict[int, "_Child"]) -> Callable[[int, FrameType | None], None]:
    """A SIGTERM handler for the parent: the children (own sessions) get it too, then the parent ends."""

    def terminate(signum: int, _frame: FrameType | None) -> None:
        _signal_children(running, signum)
        raise SystemExit(128 + signum)

    return terminate


def _serve(selector: selectors.BaseSelector, running: dict[int, "_Child"], outcomes: list[ForkedOutcome | None],
           deadline_s: float) -> None:
    """Print what the children wrote until one ends or the first deadline comes; reap the ended ones."""
    now = time.monotonic()
    for child in [c for c in running.values() if now - c.started > deadline_s]:
        os.kill(child.pid, signal.SIGKILL)
        _finish(child, selector, running, outcomes)
    if not running:
        return
    timeout = max(0.0, min(c.started for c in running.values()) + deadline_s - now)
    for key, _ in selector.select(timeout):
        child = key.data
        chunk = os.read(child.output, READ_BYTES)
        if chunk:
            *lines, child.pending = (child.pending + chunk).split(b"\n")
            _print(child.label, lines)
        else:
            _finish(child, selector, running, outcomes)


def _finish(child: "_Child", selector: selectors.BaseSelector, running: dict[int, "_Child"],
            outcomes: list[ForkedOutcome | None]) -> None:
    selector.unregister(child.output)
    os.close(child.output)
    del running[child.output]
    _print(child.label, [child.pending])
    _, status = os.waitpid(child.pid, 0)
    outcomes[child.index] = ForkedOutcome(os.waitstatus_to_exitcode(status), time.monotonic() - child.started)


def _print(label: str, lines: list[bytes]) -> None:
    for line in lines:
        text = line.decode("utf-8", errors="replace").rstrip()
        if text.strip():
            print(f"[{label}] {text}", flush=True)


def _start(index: int, job: ForkedJob, inherited: list[int]) -> "_Child":
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        _child(job.argv, [read_end, *inherited], write_end, parent)
    os.close(write_end)
    return _Child(index, job.label, pid, read_end, time.monotonic())


def _child(argv: list[str], unused: list[int], output: int, parent: int) -> NoReturn:
    """In the forked child: its own session, stdout and stderr into the pipe, then `tekigo ARGV`; never returns."""
    status = 1
    try:
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, which signals the children
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent ended before the line above could take effect
            return
        for fd in unused:
            os.close(fd)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", line_buffering=True)
        from harness.cli import main

        status = main(argv)
    except SystemExit as error:
        status = error.code if isinstance(error.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
