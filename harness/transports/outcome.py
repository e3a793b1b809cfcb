"""What a login attempt showed, the errors that make a check INCONCLUSIVE, and the guarded connect."""

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.verdict import Inconclusive

if TYPE_CHECKING:
    from harness.evidence import Transcript
    from harness.scope import LabScope


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


def open_tcp(protocol: str, address: str, port: int, scope: "LabScope", transcript: "Transcript",
             timeout: float) -> socket.socket:
    """A scope-checked TCP connection, recorded in the transcript; Unreachable when the unit does not answer."""
    scope.check(address)
    transcript.sent(f"connect {address}:{port}")
    try:
        return socket.create_connection((address, port), timeout=timeout)
    except OSError as error:
        transcript.note(f"no answer: {error}")
        raise Unreachable(f"{protocol} {address}:{port}: {error.strerror or error}") from error
