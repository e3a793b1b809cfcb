"""What the lab benchmarks share: the lab held and up for the block, and commands timed in the tester namespace."""

import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from harness import lab


@contextmanager
def lab_with(devices: Sequence[str]) -> Iterator[None]:
    """The machine's lab, held exclusively, up with `devices`, and down afterwards."""
    with lab.exclusive_lab():
        try:
            lab.up(list(devices))
            yield
        finally:
            lab.down()


def timed_in_tester(argv: Sequence[str], timeout_s: float) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `argv` in the tester namespace (no proxy settings); its wall time and outcome."""
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    started = time.monotonic()
    done = subprocess.run(lab.tester_command(argv), capture_output=True, text=True, timeout=timeout_s,
                          check=False, env=environment)
    return time.monotonic() - started, done


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
