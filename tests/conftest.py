"""Shared fixtures for the harness's own tests."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parent.parent
REFERENCE_PROFILES = REPO / "device_profiles" / "reference"


@pytest.fixture
def reference_profile_text() -> str:
    """A valid profile (the conforming router's) to derive variants from."""
    return (REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8")
