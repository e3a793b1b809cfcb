"""A lab test's timeout counts its call only: a fixture waiting for the lab lock is not cut short, a slow call is."""

import pytest

from ..conftest import REPO

SLOW_FIXTURE = '''
import time
import pytest


@pytest.fixture(scope="module")
def lab_lock():
    time.sleep(1.0)  # as long as another run keeps the lab: longer than the test's own bound
'''
LAB_SUITE = SLOW_FIXTURE + '''
pytestmark = [pytest.mark.lab, pytest.mark.timeout(0.5)]


def test_waits_for_the_lock_longer_than_its_timeout(lab_lock):
    pass


def test_call_slower_than_its_timeout():
    time.sleep(2)
'''
PLAIN_SUITE = SLOW_FIXTURE + '''
@pytest.mark.timeout(0.5)
def test_not_a_lab_test_counts_its_setup(lab_lock):
    pass
'''


def test_lab_timeouts_bound_the_call_and_not_the_wait_for_the_lab(pytester: pytest.Pytester,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makeconftest("from tests.lab.conftest import pytest_collection_modifyitems  # noqa: F401\n")
    pytester.makepyfile(test_lab_suite=LAB_SUITE, test_plain_suite=PLAIN_SUITE)
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", "-o", "markers=lab: a lab test")
    result.stdout.fnmatch_lines_random([
        "*test_lab_suite.py::test_waits_for_the_lock_longer_than_its_timeout PASSED*",
        "*test_lab_suite.py::test_call_slower_than_its_timeout FAILED*",
        "*test_plain_suite.py::test_not_a_lab_test_counts_its_setup ERROR*",
    ])
    result.stdout.fnmatch_lines(["*Timeout (>0.5s) from pytest-timeout*"])
