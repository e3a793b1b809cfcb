"""Item 3 beyond the legal minimum on the namespace devices: r1 (signed images) refuses tampered and
unsigned images, c1 installs anything; neither claims rollback protection. Pinned per check."""

import json
import sys
from collections.abc import Iterator

import pytest

from harness import lab
from tests.lab.conftest import run_in_tester

from ..conftest import REFERENCE_PROFILES

pytestmark = [pytest.mark.lab, pytest.mark.timeout(300)]

CHECKS = "test_4_update or test_4b_update_integrity"
EXPECTED = {
    "r1-router": {"test_image_with_one_byte_flipped_is_refused": "PASS", "test_unsigned_image_is_refused": "PASS",
                  "test_older_image_is_refused_when_rollback_protection_is_claimed": "NOT_APPLICABLE"},
    "c1-camera": {"test_image_with_one_byte_flipped_is_refused": "FAIL", "test_unsigned_image_is_refused": "FAIL",
                  "test_older_image_is_refused_when_rollback_protection_is_claimed": "NOT_APPLICABLE"},
}


@pytest.fixture(scope="module")
def integrity_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict]]:
    """The update checks run once on r1 and on c1 in a fresh lab: their results.json by profile."""
    out = tmp_path_factory.mktemp("integrity")
    with lab.exclusive_lab():
        lab.up(["r1", "c1"])
        try:
            for name in EXPECTED:
                run_in_tester([sys.executable, "-m", "harness.cli", "run", "--profile",
                               str(REFERENCE_PROFILES / f"{name}.yaml"), "--out", str(out / name), "-k", CHECKS],
                              timeout=240)
        finally:
            lab.down()
    yield {name: json.loads((out / name / "results.json").read_text()) for name in EXPECTED}


def informational_checks(record: dict) -> dict[str, dict]:
    return {test["nodeid"].rsplit("::", 1)[-1]: test for requirement in record["requirements"]
            for test in requirement["tests"] if test.get("informational")}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_unit_gets_its_pinned_integrity_verdicts(integrity_runs: dict[str, dict], name: str) -> None:
    checks = informational_checks(integrity_runs[name])
    got = {check: checks[check]["verdict"] for check in EXPECTED[name] if check in checks}
    assert got == EXPECTED[name], json.dumps(checks, indent=1)[-3000:]
    update = next(t for r in integrity_runs[name]["requirements"] for t in r["tests"]
                  if t["nodeid"].endswith("test_update_installs_the_declared_version"))
    assert update["verdict"] == "PASS"


def test_an_installed_tampered_image_is_a_cross_referenced_finding(integrity_runs: dict[str, dict]) -> None:
    flipped = informational_checks(integrity_runs["c1-camera"])["test_image_with_one_byte_flipped_is_refused"]
    assert [finding["cross_reference"] for finding in flipped["findings"]] == ["EN 303 645 5.3-10"]
    assert "1.1.9" in flipped["findings"][0]["text"]


def test_the_declared_update_is_in_place_again_after_c1_took_a_tampered_one(integrity_runs: dict[str, dict]) -> None:
    """A check that saw a tampered image installed reinstalls the genuine one for the checks after it."""
    unsigned = informational_checks(integrity_runs["c1-camera"])["test_unsigned_image_is_refused"]
    assert "version 1.1.0 -> 1.1.9" in unsigned["reason"]  # it started from the genuine 1.1.0 again
