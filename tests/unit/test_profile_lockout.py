"""A declared lockout on a web admin: bounded where it enters, and turned into the sweep's wait and budget."""

from pathlib import Path

import pytest

from harness.profile import HttpInterface
from harness.profile_loader import ProfileError, load_profile
from testcases.ter_34_10.test_3_credential_sweep import LIMITS, _limits_for

HTTP_DECLARED = "  - kind: http\n    port: 80\n"


def with_lockout(text: str, lockout: str) -> str:
    assert HTTP_DECLARED in text
    return text.replace(HTTP_DECLARED, f"{HTTP_DECLARED}    lockout: {lockout}\n", 1)


def web_admin(tmp_path: Path, text: str) -> HttpInterface:
    path = tmp_path / "unit.yaml"
    path.write_text(text, encoding="utf-8")
    return load_profile(path).http_interfaces()[0]


def test_a_declared_lockout_sets_the_sweeps_wait_and_budget(tmp_path: Path, reference_profile_text: str) -> None:
    web = web_admin(tmp_path, with_lockout(reference_profile_text, "{reset_after_s: 60, sweep_budget_s: 1800}"))
    limits = _limits_for(web)
    assert (limits.lockout_reset_s, limits.deadline_s) == (60, 1800)
    assert limits.batch == LIMITS["http"].batch


def test_without_a_budget_the_suites_deadline_stays(tmp_path: Path, reference_profile_text: str) -> None:
    web = web_admin(tmp_path, with_lockout(reference_profile_text, "{reset_after_s: 30}"))
    assert _limits_for(web).deadline_s == LIMITS["http"].deadline_s
    undeclared = _limits_for(web_admin(tmp_path, reference_profile_text))
    assert undeclared == LIMITS["http"] and undeclared.lockout_reset_s is None


@pytest.mark.parametrize("lockout", ["{reset_after_s: 601}", "{reset_after_s: 0}",
                                     "{reset_after_s: 60, sweep_budget_s: 3601}"])
def test_lockout_declarations_are_bounded(tmp_path: Path, reference_profile_text: str, lockout: str) -> None:
    with pytest.raises(ProfileError) as caught:
        web_admin(tmp_path, with_lockout(reference_profile_text, lockout))
    assert any("lockout" in str(problem) for problem in caught.value.problems)
