"""A Shelly Gen2 device switched over its RPC API.

Shelly Gen1 devices go through labgrid's `shelly_gen1` power backend (harness/power/drivers.py). labgrid's
`shelly_gen2` backend is not used: it sends the channel as a JSON string (`"id": "0"`, NetworkPowerPort keeps
its index as a string) where Shelly's API documents a number, and it sends no credentials (Gen2 devices with
a password take digest authentication).
Gen2: https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch#switchset — RPC over
`POST /rpc` with `{"id": 1, "method": "Switch.Set", "params": {"id": 0, "on": false}}`, read back with
`Switch.GetStatus` (`"output": false`); HTTP digest authentication (SHA-256, user `admin`)
(https://shelly-api-docs.shelly.cloud/gen2/General/Authentication).
"""

from dataclasses import dataclass
from typing import Any

import requests
from requests.auth import HTTPDigestAuth

from harness.power.protocol import PowerError


@dataclass(frozen=True)
class ShellyGen2Switch:
    """Switches channel `channel` (with digest authentication when a password is set) and checks the state the
    device reports back."""

    address: str
    password: str | None = None
    channel: int = 0
    username: str = "admin"
    timeout_s: float = 5.0

    def off(self) -> None:
        self._switch(False)

    def on(self) -> None:
        self._switch(True)

    def _switch(self, on: bool) -> None:
        try:
            with requests.Session() as session:
                session.trust_env = False  # straight to the device, never through a proxy
                if self.password is not None:
                    session.auth = HTTPDigestAuth(self.username, self.password)
                self._rpc(session, "Switch.Set", {"id": self.channel, "on": on})
                state = self._rpc(session, "Switch.GetStatus", {"id": self.channel})["output"]
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            raise PowerError(f"Shelly {self.address}: {type(error).__name__}: {str(error)[:200]}") from error
        if state is not on:
            raise PowerError(f"Shelly {self.address} channel {self.channel} reports on={state}, wanted on={on}")

    def _rpc(self, session: requests.Session, method: str, params: dict[str, Any]) -> Any:
        answer = session.post(f"http://{self.address}/rpc", json={"id": 1, "method": method, "params": params},
                              timeout=self.timeout_s)
        answer.raise_for_status()
        reply = answer.json()
        if "error" in reply:
            raise ValueError(f"{method}: {reply['error']}")
        return reply["result"]
