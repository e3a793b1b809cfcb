"""Running a unit's first-run setup as its first user would: the declared wizard requests, in order."""

from dataclasses import dataclass

from harness.profile import FirstRunSetup
from harness.transports.http import HttpClient
from harness.transports.outcome import Unrecognised
from harness.transports.token import value_at


@dataclass(frozen=True)
class SetupRun:
    """How the wizard went: each step's request and answer, and whether the unit took all of them."""

    accepted: bool
    steps: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The steps as a report line names them."""
        return "; ".join(self.steps)


def run_setup(client: HttpClient, setup: FirstRunSetup, username: str, password: str) -> SetupRun:
    """Send the wizard's requests on one session (cookies and CSRF carry over); stop at the first refused."""
    session = client.new_session()
    steps: list[str] = []
    for template in setup.setup:
        rendered, answer = client.send(template, {"username": username, "new_password": password}, session)
        steps.append(f"{rendered.method} {rendered.path}: {answer.status}")
        if not rendered.accepted(answer.status):
            return SetupRun(False, tuple(steps))
    return SetupRun(True, tuple(steps))


def setup_open(client: HttpClient, setup: FirstRunSetup) -> bool | None:
    """Whether the declared probe shows the wizard open (a 2xx answer, or true at `open_json`); None when no
    probe is declared."""
    if setup.open_probe is None:
        return None
    rendered, answer = client.send(setup.open_probe, {}, client.new_session(), default_method="GET")
    if setup.open_json is None:
        return rendered.accepted(answer.status)
    if not rendered.accepted(answer.status):
        raise Unrecognised(f"the setup probe answered {answer.status}, not its JSON")
    return value_at(answer.json(), setup.open_json) is True

