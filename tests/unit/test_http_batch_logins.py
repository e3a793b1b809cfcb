"""HttpClient.logins: a batch goes out on one kept-alive connection, and no attempt inherits another's state.

The loopback web admin below refuses every pair but GOOD, and sets a tracking cookie on each refusal: a
cookie or an Authorization header carried from one attempt to the next would show in what it records.
"""

import base64
import ipaddress
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import HttpInterface
from harness.scope import LabScope
from harness.transports.http import HttpClient

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
GOOD = ("admin", "Right-Password-1")
WRONG = [("admin", f"wrong-{n}") for n in range(5)]
LOGINS: dict[str, dict[str, Any]] = {
    "basic": {"method": "basic", "check_path": "/admin"},
    "json": {"method": "json", "path": "/api/login"},
    # The token comes from the page, not a cookie: every pair fetches the form anew.
    "form": {"method": "form", "path": "/login", "session_cookie": "session",
             "csrf": {"page": "/login", "field": "csrf_token", "pattern": 'value="([^"]+)"'}},
}


@dataclass
class Seen:
    """What the unit saw: each request's line, Cookie and credential, and the client ports it came from."""

    requests: list[tuple[str, str | None, tuple[str, str] | None]] = field(default_factory=list)
    ports: set[int] = field(default_factory=set)


class TrackingAdmin(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[Seen]

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        credential = None
        if self.headers.get("Authorization", "").startswith("Basic "):
            user, _, password = base64.b64decode(self.headers["Authorization"][6:]).decode().partition(":")
            credential = (user, password)
        self._record("GET " + self.path, credential)
        if self.path == "/login":
            self._answer(200, b'<form><input name="csrf_token" value="t0ken"></form>')
        else:
            self._answer(200 if credential == GOOD else 401, b"", grant=credential == GOOD)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        fields = json.loads(body) if self.path == "/api/login" else dict(parse_qsl(body))
        credential = (fields.get("username", ""), fields.get("password", ""))
        self._record("POST " + self.path, credential)
        if credential == GOOD:
            self._answer(200, b'{"token": "t"}' if self.path == "/api/login" else b"", grant=True)
        else:
            self._answer(401, b"refused")

    def _record(self, line: str, credential: tuple[str, str] | None) -> None:
        self.seen.requests.append((line, self.headers.get("Cookie"), credential))
        self.seen.ports.add(self.client_address[1])

    def _answer(self, status: int, body: bytes, grant: bool = False) -> None:
        self.send_response(status)
        self.send_header("Set-Cookie", "session=s3cret; Path=/" if grant else f"tracker={len(self.seen.requests)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def tracking_unit(login: dict[str, Any]) -> Iterator[tuple[HttpClient, Seen]]:
    seen = Seen()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Unit", (TrackingAdmin,), {"seen": seen}))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    interface = HttpInterface.model_validate({"kind": "http", "port": server.server_address[1], "login": login})
    try:
        yield HttpClient("127.0.0.1", interface, LOOPBACK, Transcript("http", Redactor({})), 2.0), seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("kind", sorted(LOGINS))
def test_a_batch_uses_one_connection_and_no_attempt_sees_the_last_ones_state(kind: str) -> None:
    with tracking_unit(LOGINS[kind]) as (client, seen):
        results = client.logins([*WRONG, GOOD, ("admin", "never-tried")])
    assert [r.accepted for r in results] == [False] * len(WRONG) + [True]
    assert len(seen.ports) == 1, "the batch opened a connection per attempt"
    # An attempt starts without cookies (a form's POST then carries the one its own GET was given).
    starts = [cookie for line, cookie, _ in seen.requests if kind != "form" or line.startswith("GET")]
    assert starts == [None] * len(starts), "an attempt started with the last attempt's cookie"
    given = [(cookie, f"tracker={n}") for n, (_, cookie, _) in enumerate(seen.requests) if cookie is not None]
    assert all(cookie == last for cookie, last in given), f"a cookie older than the last answer's: {given}"
    credentials = [credential for _, _, credential in seen.requests if credential is not None]
    assert credentials == [*WRONG, GOOD]


def test_a_single_login_still_hands_over_its_own_session() -> None:
    with tracking_unit(LOGINS["basic"]) as (client, seen):
        client.logins(WRONG[:2])
        result, state = client.login(*GOOD)
        assert result.accepted and state is not None
        assert client.request("GET", "/admin", session=state).status == 200
    assert len(seen.ports) == 2, "a login outside a batch shared the batch's connection"
