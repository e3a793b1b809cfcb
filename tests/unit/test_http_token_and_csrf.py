"""HttpClient with format-2 declarations: a token login by JSON path, request templates with {token} and {csrf},
and the CSRF cookie echoed in a header, against a loopback web admin that checks each of them."""

import ipaddress
import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import HttpInterface, RequestTemplate
from harness.scope import LabScope
from harness.transports.http import HttpClient
from harness.transports.outcome import Unrecognised

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
GOOD = ("admin", "Right-Password-1")
TOKEN = "tok-" + secrets.token_hex(8)


class ApiUnit(BaseHTTPRequestHandler):
    """POST /api/auth answers {"data": {"tokens": [{"id": TOKEN}]}}; PUT /api/settings wants the bearer token and
    the csrftoken cookie echoed in X-CSRFToken; GET / sets the cookie; /broken answers 200 without a token."""

    settings: ClassVar[dict[str, Any]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, body: object, cookie: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(data)

    def _cookies(self) -> dict[str, str]:
        return dict(part.strip().split("=", 1) for part in self.headers.get("Cookie", "").split(";") if "=" in part)

    def do_GET(self) -> None:
        self._json(200, dict(self.settings), cookie=f"csrftoken={secrets.token_hex(8)}; Path=/")

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        if self.path == "/broken":
            self._json(200, {"data": {}})
        elif self.path == "/json":  # deluge-web's JSON-RPC: {"result": true} and a session cookie, or false
            good = body.get("method") == "auth.login" and body.get("params") == [GOOD[1]]
            self._json(200, {"result": good, "id": body.get("id")}, cookie="_session_id=s1; Path=/" if good else None)
        elif (body.get("user"), body.get("password")) == GOOD and body.get("remember") is False:
            self._json(200, {"data": {"tokens": [{"id": TOKEN}]}})
        else:
            self._json(401, {"error": "bad credential"})

    def do_PUT(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        echo = self.headers.get("X-CSRFToken", "")
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._json(401, {"error": "login first"})
        elif not echo or echo != self._cookies().get("csrftoken"):
            self._json(403, {"error": "CSRF"})
        else:
            type(self).settings = body
            self._json(200, {"ok": True})


@pytest.fixture(scope="module")
def unit() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ApiUnit)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def client(port: int, login_path: str = "/api/auth", **interface: Any) -> HttpClient:
    login = {"method": "token", "request": {"path": login_path,
                                             "json": {"user": "{username}", "password": "{password}",
                                                      "remember": False}},
             "token": "data.tokens[0].id"}
    declared = HttpInterface.model_validate({"kind": "http", "port": port, "login": login, **interface})
    return HttpClient("127.0.0.1", declared, LOOPBACK, Transcript("api", Redactor({})), 5.0)


def test_token_login_finds_the_token_by_its_path_and_sends_it_in_the_declared_header(unit: int) -> None:
    web = client(unit)
    result, session = web.login(*GOOD)
    assert result.accepted and session is not None and session.token == TOKEN
    assert session.session.headers["Authorization"] == f"Bearer {TOKEN}"
    stored = web.transcript.redact(web.transcript.text())  # as the evidence store writes it
    assert TOKEN not in stored and "[token-0 redacted]" in stored, "the issued token is redacted from the evidence"
    refused, none = web.login("admin", "wrong")
    assert not refused.accepted and none is None and "401" in refused.detail


def test_a_login_answer_without_the_token_is_unrecognised_not_a_pass(unit: int) -> None:
    web = client(unit, login_path="/broken")
    with pytest.raises(Unrecognised, match=r"no 'data\.tokens"):
        web.login(*GOOD)


def test_a_template_echoes_the_csrf_cookie_where_it_says_and_carries_typed_json(unit: int) -> None:
    web = client(unit, csrf={"cookie": "csrftoken", "page": "/"})
    _, session = web.login(*GOOD)
    change = RequestTemplate.model_validate({"method": "PUT", "path": "/api/settings",
                                             "headers": {"X-CSRFToken": "{csrf}"},
                                             "json": {"ntp": {"server": "{probe}", "port": 123, "on": True}}})
    rendered, answer = web.send(change, {"probe": 'p"1'}, session)
    assert answer.status == 200 and rendered.method == "PUT"
    assert ApiUnit.settings == {"ntp": {"server": 'p"1', "port": 123, "on": True}}
    without = RequestTemplate.model_validate({"method": "PUT", "path": "/api/settings", "json": {"a": 1}})
    assert web.send(without, {}, session)[1].status == 403, "no echo where the template does not put it"


def test_an_echo_header_goes_on_every_request_that_is_not_a_get(unit: int) -> None:
    web = client(unit, csrf={"cookie": "csrftoken", "header": "X-CSRFToken", "page": "/"})
    _, session = web.login(*GOOD)
    plain = RequestTemplate.model_validate({"method": "PUT", "path": "/api/settings", "json": {"b": [1, 2]}})
    assert web.send(plain, {}, session)[1].status == 200 and ApiUnit.settings == {"b": [1, 2]}


def test_token_placeholder_without_a_token_session_is_unrecognised(unit: int) -> None:
    web = client(unit)
    uses_token = RequestTemplate.model_validate({"path": "/x", "headers": {"X-T": "{token}"}})
    with pytest.raises(Unrecognised, match="holds no token"):
        web.send(uses_token, {})


def test_a_json_rpc_login_whose_session_is_a_cookie(unit: int) -> None:
    login = {"method": "token", "session_cookie": "_session_id",
             "request": {"path": "/json", "json": {"method": "auth.login", "params": ["{password}"], "id": 1}}}
    declared = HttpInterface.model_validate({"kind": "http", "port": unit, "login": login})
    web = HttpClient("127.0.0.1", declared, LOOPBACK, Transcript("rpc", Redactor({})), 5.0)
    accepted, session = web.login("", GOOD[1])
    assert accepted.accepted and session is not None and "_session_id" in session.session.cookies
    refused, none = web.login("", "deluge")
    assert not refused.accepted and none is None and "no session cookie" in refused.detail
