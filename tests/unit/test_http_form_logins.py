"""HttpClient.logins: a form's CSRF token is fetched once and reused while the unit accepts it, never trusted blindly.

The loopback web admin below has r1's form login (double-submit cookie, "Login failed" page); with
`rotate` it issues a new token on every POST and refuses a reused one with 403, as some units do.
"""

import ipaddress
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qsl

import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import HttpInterface
from harness.scope import LabScope
from harness.transports.http import HttpClient

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
GOOD = ("admin", "Right-Password-1")
USED: set[str] = set()  # tokens a rotating unit has taken


class FormUnit(BaseHTTPRequestHandler):
    rotate: ClassVar[bool] = False
    seen: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append("GET")
        self._page(200, "<form>login</form>", secrets.token_urlsafe(16))

    def do_POST(self) -> None:
        self.seen.append("POST")
        fields = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        cookie = dict(part.strip().split("=", 1) for part in self.headers.get("Cookie", "").split(";") if "=" in part)
        if not cookie.get("csrf") or cookie.get("csrf") != fields.get("csrf_token") or cookie["csrf"] in USED:
            self._page(403, "CSRF token refused", None)
            return
        if self.rotate:
            USED.add(cookie["csrf"])
        if (fields.get("username"), fields.get("password")) == GOOD:
            self.send_response(303)
            self.send_header("Set-Cookie", "session=s3cret; Path=/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._page(200, "<p>Login failed</p>", secrets.token_urlsafe(16) if self.rotate else None)

    def _page(self, status: int, text: str, new_token: str | None) -> None:
        body = text.encode()
        self.send_response(status)
        if new_token:
            self.send_header("Set-Cookie", f"csrf={new_token}; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def form_unit(rotate: bool) -> Iterator[tuple[HttpClient, list[str]]]:
    seen: list[str] = []
    handler = type("Unit", (FormUnit,), {"rotate": rotate, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    interface = HttpInterface.model_validate({"kind": "http", "port": server.server_address[1], "login": {
        "method": "form", "path": "/login", "session_cookie": "session", "failure_text": "Login failed",
        "csrf": {"cookie": "csrf", "field": "csrf_token"}}})
    try:
        yield HttpClient("127.0.0.1", interface, LOOPBACK, Transcript("http", Redactor({})), 2.0), seen
    finally:
        server.shutdown()
        server.server_close()


WRONG = [("admin", f"wrong-{n}") for n in range(5)]


def test_a_double_submit_token_is_fetched_once_for_the_whole_batch() -> None:
    with form_unit(rotate=False) as (client, seen):
        results = client.logins([*WRONG, GOOD, ("admin", "never-tried")])
    assert [r.accepted for r in results] == [False] * 5 + [True]
    assert seen == ["GET"] + ["POST"] * 6


@pytest.mark.parametrize("batch", [WRONG, [*WRONG, GOOD]])
def test_a_refused_reused_token_is_never_counted_as_a_refused_login(batch: list[tuple[str, str]]) -> None:
    with form_unit(rotate=True) as (client, seen):
        results = client.logins(batch)
    assert [r.accepted for r in results] == [(u, p) == GOOD for u, p in batch]
    # The second POST's 403 is the token's: that pair and every later one get a fresh token each.
    assert seen == ["GET", "POST", "POST"] + ["GET", "POST"] * (len(batch) - 1)
