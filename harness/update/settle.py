"""Waiting for a unit whose update agent installs after it has answered the upload."""

import time
from collections.abc import Callable

POLL_S = 0.5


def settled_version(read: Callable[[], str], done: Callable[[str], bool], within_s: float) -> str:
    """Read the version until `done` says so or `within_s` has passed; the last version read."""
    deadline = time.monotonic() + within_s
    while True:
        version = read()
        if done(version) or time.monotonic() >= deadline:
            return version
        time.sleep(POLL_S)
