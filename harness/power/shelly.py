"""A Shelly plug or relay switched over its local HTTP API, Gen1 or Gen2.

Gen1: https://shelly-api-docs.shelly.cloud/gen1/#shelly-plug-plugs-relay-0 — `GET /relay/0?turn=off`,
answer `{"ison": false, ...}`; HTTP basic authentication when a login is set.
Gen2: https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch#switchset — RPC over
`POST /rpc` with `{"id": 1, "method": "Switch.Set", "params": {"id": 0, "on": false}}`, read back with
`Switch.GetStatus` (`"output": false`); HTTP digest authentication (SHA-256, user `admin`) when a
password is set (https://shelly-api-docs.shelly.cloud/gen2/General/Authentication).
"""

from dataclasses import dataclass
from typing import Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from harness.power.protocol import PowerError


@dataclass(frozen=True)
class ShellySwitch:
    """Switches channel `channel` and checks the state the device reports back."""

    address: str
    generation: int = 2
    channel: int = 0
    username: str | None = None
    password: str | None = None
    timeout_s: float = 5.0

    def off(self) -> None:
        self._switch(False)

    def on(self) -> None:
        self._switch(True)

    def _auth(self) -> AuthBase | None:
        if self.password is None:
            return None
        username = self.username or "admin"
        if self.generation == 1:
            return HTTPBasicAuth(username, self.password)
        return HTTPDigestAuth(username, self.password)

    def _switch(self, on: bool) -> None:
        try:
            with requests.Session() as session:
                session.trust_env = False  # straight to the device, never through a proxy
                session.auth = self._auth()
                state = self._gen1(session, on) if self.generation == 1 else self._gen2(session, on)
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            raise PowerError(f"Shelly {self.address}: {type(error).__name__}: {str(error)[:200]}") from error
        if state is not on:
            raise PowerError(f"Shelly {self.address} channel {self.channel} reports on={state}, wanted on={on}")

    def _gen1(self, session: requests.Session, on: bool) -> Any:
        answer = session.get(f"http://{self.address}/relay/{self.channel}",
                             params={"turn": "on" if on else "off"}, timeout=self.timeout_s)
        answer.raise_for_status()
        return answer.json()["ison"]

    def _gen2(self, session: requests.Session, on: bool) -> Any:
        self._rpc(session, "Switch.Set", {"id": self.channel, "on": on})
        return self._rpc(session, "Switch.GetStatus", {"id": self.channel})["output"]

    def _rpc(self, session: requests.Session, method: str, params: dict[str, Any]) -> Any:
        answer = session.post(f"http://{self.address}/rpc", json={"id": 1, "method": method, "params": params},
                              timeout=self.timeout_s)
        answer.raise_for_status()
        reply = answer.json()
        if "error" in reply:
            raise ValueError(f"{method}: {reply['error']}")
        return reply["result"]
