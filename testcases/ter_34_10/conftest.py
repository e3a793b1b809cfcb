"""Checks of an item the profile declares met by an ISO/IEC 15408 certificate, or of a unit declared
exempt, do not run: they are NOT_APPLICABLE with the declaration as the reason, and nothing is sent."""

import pytest

from harness.declarations import untested_reason
from harness.pytest_plugin import RUN_KEY
from harness.verdict import NotApplicable


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("requirement")
    if marker is None or RUN_KEY not in item.config.stash:
        return
    reason = untested_reason(item.config.stash[RUN_KEY].profile, marker.args[0])
    if reason is not None:
        raise NotApplicable(reason)
