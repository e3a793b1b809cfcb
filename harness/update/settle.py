"""Waiting for a unit whose update agent installs after it has answered the upload."""

import time
from collections.abc import Callable

from harness.transports.http import Answer
from harness.update.ssh_command import CommandAnswer
from harness.update.swupdate_upload import SwupdateAnswer

POLL_S = 0.5


def settled_version(read: Callable[[], str], done: Callable[[str], bool], within_s: float) -> str:
    """Read the version until `done` says so or `within_s` has passed; the last version read."""
    deadline = time.monotonic() + within_s
    while True:
        version = read()
        if done(version) or time.monotonic() >= deadline:
            return version
        time.sleep(POLL_S)


def settle_time(answer: Answer | CommandAnswer, declared_s: float) -> float:
    """How long to watch the version after the unit took an image: not at all once its agent reported that the
    install failed (it is done with the image; the version is read once), else the declared settle time."""
    return 0.0 if isinstance(answer, SwupdateAnswer) and answer.agent_status == "FAILURE" else declared_s
