"""A Tasmota smart plug switched over its HTTP command API.

API: https://tasmota.github.io/docs/Commands/#with-web-requests — `GET /cm?cmnd=Power1%20Off`, with
`user` and `password` query parameters when a web password is set; the answer is JSON such as
`{"POWER1":"OFF"}` (`{"POWER":"OFF"}` on single-relay devices).
"""

from dataclasses import dataclass

import requests

from harness.power.protocol import PowerError


@dataclass(frozen=True)
class TasmotaPlug:
    """Switches relay `relay` of the plug at `address` and checks the state the plug reports back."""

    address: str
    relay: int = 1
    username: str | None = None
    password: str | None = None
    timeout_s: float = 5.0

    def off(self) -> None:
        self._command("Off")

    def on(self) -> None:
        self._command("On")

    def _command(self, state: str) -> None:
        params = {"cmnd": f"Power{self.relay} {state}"}
        if self.password is not None:
            params |= {"user": self.username or "admin", "password": self.password}
        try:
            with requests.Session() as session:
                session.trust_env = False  # straight to the plug, never through a proxy
                answer = session.get(f"http://{self.address}/cm", params=params, timeout=self.timeout_s)
            reported = answer.json() if answer.status_code == 200 else {}
        except (requests.RequestException, ValueError) as error:
            raise PowerError(f"Tasmota plug {self.address}: {type(error).__name__}") from error
        if not isinstance(reported, dict):
            raise PowerError(f"Tasmota plug {self.address}: unexpected answer")
        value = reported.get(f"POWER{self.relay}", reported.get("POWER") if self.relay == 1 else None)
        if value != state.upper():
            raise PowerError(f"Tasmota plug {self.address} answered {answer.status_code} "
                             f"{str(reported)[:200]}, not POWER{self.relay}={state.upper()}")
