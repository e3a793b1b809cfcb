"""Progress of a running scan on the terminal: one line rewritten in place, or a line a second in a log."""

import sys
import time
from typing import TextIO

from harness.net.syn_sweep import SweepProgress

LOG_EVERY_S = 1.0


class ProgressLine:
    """Shows how far a sweep is; call `done` when it ends."""

    def __init__(self, label: str, stream: TextIO = sys.stderr) -> None:
        self.label, self.stream = label, stream
        self.interactive = stream.isatty()
        self.last_logged = time.monotonic()
        self.line = ""

    def __call__(self, progress: SweepProgress) -> None:
        share = 100 * progress.answered // max(progress.total, 1)
        self.line = (f"{self.label}: {progress.sent} probes sent, {progress.answered}/{progress.total} ports "
                     f"answered ({share}%), {progress.seconds:.1f} s")
        if self.interactive:
            self.stream.write("\r" + self.line)
            self.stream.flush()
        elif time.monotonic() - self.last_logged >= LOG_EVERY_S:
            self.last_logged = time.monotonic()
            self.stream.write(self.line + "\n")

    def note(self, text: str) -> None:
        """A line of its own between sweeps (what the scan does next, what it found)."""
        if self.interactive and self.line:
            self.stream.write("\n")
        self.stream.write(text + "\n")
        self.stream.flush()
        self.line = ""

    def done(self) -> None:
        """End the line (on a terminal) or write the final state (in a log)."""
        if self.line:
            self.stream.write("\n" if self.interactive else self.line + "\n")
        self.stream.flush()
