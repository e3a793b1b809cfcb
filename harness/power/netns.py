"""Power for a reference device living in a network namespace: SIGKILL everything, then boot again."""

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from harness.power.protocol import PowerError


def namespace_pids(namespace: str) -> list[int]:
    """Every process whose network namespace is `namespace`."""
    done = subprocess.run(
        ["ip", "netns", "pids", namespace], capture_output=True, text=True, timeout=10, check=False
    )
    if done.returncode != 0:
        raise PowerError(f"namespace {namespace!r} is not there: {done.stderr.strip()}")
    return [int(pid) for pid in done.stdout.split()]


@dataclass(frozen=True)
class NetnsPower:
    """Off kills every process in the namespace with SIGKILL (no shutdown); on runs the boot script."""

    namespace: str
    boot: Path
    log: Path | None = None
    off_deadline_s: float = 5.0

    def off(self) -> None:
        deadline = time.monotonic() + self.off_deadline_s
        while pids := namespace_pids(self.namespace):
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                raise PowerError(f"processes {pids} in {self.namespace} survived SIGKILL")
            time.sleep(0.02)

    def on(self) -> None:
        if namespace_pids(self.namespace):
            raise PowerError(f"{self.namespace} is already powered (processes are running)")
        if not os.access(self.boot, os.X_OK):
            raise PowerError(f"boot script {self.boot} is missing or not executable")
        with open(self.log or os.devnull, "ab") as log:
            subprocess.Popen(
                ["ip", "netns", "exec", self.namespace, str(self.boot)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            )
