"""A suite module pytest cannot collect: no check runs, every check says which module failed and why, the run is
INCONCLUSIVE and the terminal says so; going on without that module is refused."""

import json
import re
from pathlib import Path

import pytest

from .conftest import loopback_profile

GOOD = '''
import pytest

pytestmark = pytest.mark.requirement("TER-34-10-1")


def test_passes():
    pass
'''
BROKEN = '''
import tekigo_no_such_module
'''


def run_suite(pytester: pytest.Pytester, tmp_path: Path, port: int, *options: str) -> tuple[pytest.RunResult, str]:
    pytester.makepyfile(test_a_good=GOOD, test_b_broken=BROKEN)
    result = pytester.runpytest("--profile", str(loopback_profile(tmp_path, port)), "--out", str(tmp_path / "run"),
                                "-p", "no:cacheprovider", "--tb=no", "-rN", *options)
    return result, "\n".join(result.outlines + result.errlines)


@pytest.fixture(autouse=True)
def no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lab settings that do not exist: the record is written, no report rendered (seconds of PDF work saved)."""
    monkeypatch.setenv("TEKIGO_LAB_SETTINGS", str(tmp_path / "none.yaml"))


def test_every_check_names_the_module_that_could_not_be_collected(
        pytester: pytest.Pytester, tmp_path: Path, unit_port: int) -> None:
    _, log = run_suite(pytester, tmp_path, unit_port)
    record = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    tests = [test for requirement in record["requirements"] for test in requirement["tests"]]
    assert [(test["nodeid"].rpartition("/")[2], test["verdict"]) for test in tests] == [
        ("test_a_good.py::test_passes", "INCONCLUSIVE")]
    assert re.fullmatch(r"not run: the suite could not be collected \((\S+/)?test_b_broken\.py: "
                        r"ModuleNotFoundError: No module named 'tekigo_no_such_module'\)", tests[0]["reason"])
    assert record["verdict"] == "INCONCLUSIVE"
    assert "no check ran: the suite could not be collected:" in log and "tekigo_no_such_module" in log


def test_going_on_without_an_uncollectable_module_is_refused(
        pytester: pytest.Pytester, tmp_path: Path, unit_port: int) -> None:
    result, log = run_suite(pytester, tmp_path, unit_port, "--continue-on-collection-errors")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--continue-on-collection-errors would leave the checks of a module" in log
    assert not (tmp_path / "run" / "results.json").exists()


def test_the_short_summary_names_the_module_that_could_not_be_collected(
        pytester: pytest.Pytester, tmp_path: Path, unit_port: int) -> None:
    _, output = run_suite(pytester, tmp_path, unit_port, "-rE")  # a collection error's report has no properties
    assert "INTERNALERROR" not in output, output[-2000:]
    assert re.search(r"^ERROR test_b_broken\.py", output, re.MULTILINE), output[-2000:]
