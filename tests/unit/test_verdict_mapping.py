"""How the plugin turns pytest outcomes into verdicts: only a clean pass is PASS."""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import REFERENCE_PROFILES

SUITE = '''
import pytest
from harness.verdict import Inconclusive, NotApplicable

pytestmark = pytest.mark.requirement("TER-34-10-1")

def test_passes(evidence):
    evidence.transcript.note("saw the required behaviour")

def test_assertion_in_the_check_fails():
    assert 1 == 2, "the unit showed the forbidden behaviour"

def test_inconclusive():
    raise Inconclusive("unit unreachable")

def test_crash_is_inconclusive():
    raise RuntimeError("bug in the harness")

def test_not_applicable():
    raise NotApplicable("no such interface")

@pytest.fixture
def broken():
    raise OSError("setup broke")

def test_setup_error_is_inconclusive(broken):
    pass

@pytest.mark.timeout(0.5)
def test_timeout_is_inconclusive():
    import time
    time.sleep(5)

def test_assertion_inside_the_harness_is_not_a_fail():
    from helper_module import check
    check()

@pytest.mark.requirement("TER-34-10-3")
def test_skip_is_not_a_pass():
    pytest.skip("no reason from the profile")

@pytest.mark.requirement("TER-34-10-4")
def test_item_4_passes():
    pass

@pytest.mark.requirement("TER-34-10-4")
@pytest.mark.informational
def test_informational_fail_decides_nothing():
    assert False, "a finding, not a verdict"
'''


def run_suite(pytester: pytest.Pytester, tmp_path: Path, port: int) -> dict:
    """Run SUITE against a loopback 'unit' whose web admin is declared on `port`."""
    text = (REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8")
    text = text.replace("198.18.0.0/24", "127.0.0.0/8").replace("198.18.0.11", "127.0.0.1")
    text = text.replace("    port: 80\n", f"    port: {port}\n").replace("    port: 22\n", f"    port: {port}\n")
    profile = tmp_path / "unit.yaml"
    profile.write_text(text, encoding="utf-8")
    pytester.makepyfile(test_suite=SUITE, helper_module="def check():\n    assert False, 'harness bug'\n")
    out = tmp_path / "run"
    pytester.runpytest("--profile", str(profile), "--out", str(out), "-p", "no:cacheprovider")
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture
def run(pytester: pytest.Pytester, tmp_path: Path) -> Iterator[dict]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield run_suite(pytester, tmp_path, listener.getsockname()[1])


def verdicts(record: dict) -> dict[str, str]:
    return {t["nodeid"].split("::")[-1]: t["verdict"] for r in record["requirements"] for t in r["tests"]}


def test_each_outcome_maps_to_its_verdict(run: dict) -> None:
    assert verdicts(run) == {
        "test_passes": "PASS",
        "test_assertion_in_the_check_fails": "FAIL",
        "test_inconclusive": "INCONCLUSIVE",
        "test_crash_is_inconclusive": "INCONCLUSIVE",
        "test_not_applicable": "NOT_APPLICABLE",
        "test_setup_error_is_inconclusive": "INCONCLUSIVE",
        "test_timeout_is_inconclusive": "INCONCLUSIVE",
        "test_assertion_inside_the_harness_is_not_a_fail": "INCONCLUSIVE",
        "test_skip_is_not_a_pass": "INCONCLUSIVE",
        "test_item_4_passes": "PASS",
        "test_informational_fail_decides_nothing": "FAIL",
    }


def test_reasons_and_rules_reach_the_record(run: dict) -> None:
    tests = {t["nodeid"].split("::")[-1]: t for r in run["requirements"] for t in r["tests"]}
    assert tests["test_assertion_in_the_check_fails"]["reason"].startswith("the unit showed the forbidden")
    assert tests["test_inconclusive"]["reason"] == "unit unreachable"
    assert "timed out" in tests["test_timeout_is_inconclusive"]["reason"]
    assert tests["test_passes"]["evidence"] == ["evidence/test_suite.py_test_passes/exchanges.txt"]
    by_id = {r["id"]: r["verdict"] for r in run["requirements"]}
    assert by_id == {"TER-34-10-1": "FAIL", "TER-34-10-2": "INCONCLUSIVE",
                     "TER-34-10-3": "INCONCLUSIVE", "TER-34-10-4": "PASS"}
    assert run["verdict"] == "FAIL"
    assert run["schema"] == "tekigo/results/v1"


def test_a_unit_that_answers_nowhere_makes_every_check_inconclusive(pytester: pytest.Pytester,
                                                                     tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: connections are refused
        record = run_suite(pytester, tmp_path, port)
    tests = [t for r in record["requirements"] for t in r["tests"]]
    assert {t["verdict"] for t in tests} == {"INCONCLUSIVE"}
    assert all("did not answer on any declared port" in t["reason"] for t in tests)
    assert record["verdict"] == "INCONCLUSIVE"
