"""The lab builds namespaces and mounts, so it needs root; say so before anything half-happens."""

import os

from harness.lab.errors import LabError


def require_root() -> None:
    if os.geteuid() != 0:
        raise LabError(
            "tekigo lab needs root: it creates network namespaces, a bridge and mounts "
            "(run it as root, e.g. `sudo .venv/bin/tekigo lab up`, or in a CI job that runs as root)"
        )
