"""What a login attempt showed, and the errors that make a check INCONCLUSIVE."""

from dataclasses import dataclass

from harness.verdict import Inconclusive


class Unreachable(Inconclusive):
    """The unit did not answer (refused, timed out, reset): nothing can be concluded."""


class Unrecognised(Inconclusive):
    """The unit answered something the check cannot classify as accepted or refused."""


@dataclass(frozen=True)
class LoginResult:
    """A login the unit clearly accepted or clearly refused; anything else raises instead."""

    accepted: bool
    detail: str
    lockout: bool = False
