"""The interactive `passwd` dialogue, and a password command, in a login shell (over SSH or telnet)."""

import re
import shlex
import time
from dataclasses import dataclass

from harness.profile import ShellPasswordChange
from harness.transports.conversation import Conversation
from harness.transports.outcome import Unrecognised
from harness.transports.templates import fill

CURRENT = re.compile(rb"(current|old)[^:\n]*password[^:\n]*:\s*$", re.IGNORECASE)
RETYPE = re.compile(rb"(retype|again|confirm|re-?enter|repeat|verify)[^:\n]*:\s*$", re.IGNORECASE)
NEW = re.compile(rb"(new|enter)[^:\n]*password[^:\n]*:\s*$", re.IGNORECASE)
MAX_PROMPTS = 8  # current, new, retype, and a unit that asks again after a refusal: never an endless dialogue


@dataclass(frozen=True)
class ShellAnswer:
    """How a password change in a shell ended: its exit status and what the unit showed (bounded)."""

    exit_status: int | None
    output: str
    accepted: bool

    @property
    def summary(self) -> str:
        """The answer as a report line names it."""
        return f"exit status {self.exit_status}" if self.exit_status is not None else "no exit status"


def answer_passwd(conversation: Conversation, current: str, new: str, done: re.Pattern[bytes],
                  timeout_s: float, newline: bytes = b"\n") -> bytes:
    """Answer passwd's prompts (current, new, retype) until `done` shows; the text seen, for the verdict."""
    deadline = time.monotonic() + timeout_s
    seen = b""
    for _ in range(MAX_PROMPTS):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        index, text = conversation.read_until(RETYPE, CURRENT, NEW, done, within=remaining)
        seen += text
        if index not in (0, 1, 2):  # done, closed or out of time: the caller reads the exit status
            return seen
        if index == 0:
            conversation.send(new.encode() + newline, shown="(the new password again)")
        elif index == 1:
            conversation.send(current.encode() + newline, shown="(the current password)")
        else:
            conversation.send(new.encode() + newline, shown="(the new password)")
    raise Unrecognised(f"the passwd dialogue did not end within {timeout_s:.0f} s: {seen[-120:]!r}")


def password_command(change: ShellPasswordChange, username: str, current: str, new: str) -> str:
    """The declared password command with its values shell-quoted."""
    values = {"username": shlex.quote(username), "current_password": shlex.quote(current),
              "new_password": shlex.quote(new)}
    return fill(change.command or "", values)


def succeeded(change: ShellPasswordChange, exit_status: int, output: str) -> bool:
    """Exit status 0, and the declared success text when there is one."""
    return exit_status == 0 and (change.success is None or re.search(change.success, output) is not None)
