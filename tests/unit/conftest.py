"""A loopback "unit" and its profile, for running small suites with tekigo's plugin in a child pytest."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import REFERENCE_PROFILES


@pytest.fixture
def unit_port() -> Iterator[int]:
    """A loopback 'unit' that accepts connections, so a run gets past its reachability check."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def loopback_profile(folder: Path, port: int) -> Path:
    """r1-router's profile with the unit moved to 127.0.0.1:`port` (every interface): `folder`/unit.yaml."""
    text = (REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8")
    text = text.replace("198.18.0.0/24", "127.0.0.0/8").replace("198.18.0.11", "127.0.0.1")
    text = text.replace("    port: 80\n", f"    port: {port}\n").replace("    port: 22\n", f"    port: {port}\n")
    profile = folder / "unit.yaml"
    profile.write_text(text, encoding="utf-8")
    return profile
