"""What a protocol answer showed (accepted, refused, unclassified), the errors that make a check INCONCLUSIVE,
and the guarded connect."""

import socket
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from harness.verdict import Inconclusive

if TYPE_CHECKING:
    from harness.evidence import Transcript
    from harness.scope import LabScope


class Unreachable(Inconclusive):
    """The unit did not answer (refused, timed out, reset): nothing can be concluded."""


class Unrecognised(Inconclusive):
    """The unit answered something the check cannot classify as accepted or refused."""


class Classification(Enum):
    """How a check reads one protocol answer; each transport decides it in one place."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Classified:
    """One answer, how it was read and why; `raw` is the answer as the unit sent it (for the evidence)."""

    classification: Classification
    reason: str
    raw: str

    @property
    def accepted(self) -> bool:
        return self.classification is Classification.ACCEPTED

    @property
    def refused(self) -> bool:
        return self.classification is Classification.REFUSED

    def decided(self) -> "Classified":
        """This answer when it is accepted or refused; Unrecognised (INCONCLUSIVE) with the raw answer otherwise."""
        if self.classification is Classification.UNCLASSIFIED:
            raise Unrecognised(f"{self.reason}; the unit answered {self.raw!r}")
        return self


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
