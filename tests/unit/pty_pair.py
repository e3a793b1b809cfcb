"""A pty pair made by socat: what is written to one end comes out of the other, like a serial cable."""

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def pty_pair(folder: Path) -> Iterator[tuple[str, str]]:
    """Two linked pty paths (raw, no echo); socat is stopped afterwards."""
    near, far = folder / "near", folder / "far"
    process = subprocess.Popen(["socat", f"pty,raw,echo=0,link={near}", f"pty,raw,echo=0,link={far}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 5
        while not (near.exists() and far.exists()):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"socat made no pty pair: {process.stderr.read(2000) if process.stderr else ''}")
            time.sleep(0.01)
        yield str(near), str(far)
    finally:
        process.kill()
        process.wait(timeout=5)
