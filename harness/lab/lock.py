"""One lab per machine: whoever brings it up for a session of work holds this lock until it is down."""

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.lab.errors import LabError

LOCK_FILE = Path("/run/lock/tekigo-lab.lock")


@contextmanager
def exclusive_lab(wait_s: float = 900.0) -> Iterator[None]:
    """Hold the machine's lab for the block; wait (bounded) while another run holds it."""
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    with LOCK_FILE.open("a") as handle:
        deadline = time.monotonic() + wait_s
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LabError(f"another run has held the lab for over {wait_s:.0f} s ({LOCK_FILE})") from None
                if not announced:
                    print(f"lab: waiting for another run to finish with the lab ({LOCK_FILE})", flush=True)
                    announced = True
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
