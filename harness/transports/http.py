"""HTTP(S) client for a unit's web admin: the declared login method, protected paths, uploads."""

import json
import re
import socket
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from harness.evidence import Transcript
from harness.profile import BasicLogin, FormLogin, HttpInterface, JsonLogin, RequestTemplate, TokenLogin
from harness.scope import LabScope
from harness.transports.deadline import cut_after, cuttable_session
from harness.transports.http_session import LOCKOUT_STATUSES, HttpSession
from harness.transports.http_token_login import token_login
from harness.transports.outcome import LoginResult, Unreachable, Unrecognised, open_tcp
from harness.transports.templates import RenderedRequest, TemplateError, render

MAX_BODY = 256 * 1024
# A whole exchange (connect, headers, body) ends by this deadline, whatever the unit sends and how slowly.
EXCHANGE_DEADLINE_FACTOR = 5.0  # times the per-read timeout
MIN_EXCHANGE_DEADLINE_S = 10.0


@dataclass(frozen=True)
class Answer:
    """A unit's HTTP answer, body bounded."""

    status: int
    headers: Mapping[str, str]
    body: str

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise Unrecognised(f"expected JSON, got {self.body[:80]!r}") from error

    @property
    def accepted(self) -> bool:
        """The unit took the request (a 2xx answer)."""
        return 200 <= self.status < 300

    @property
    def summary(self) -> str:
        """The answer as a report line names it."""
        return f"HTTP {self.status}"


class HttpClient:
    """Talks to one declared (or discovered) HTTP interface of the unit."""

    def __init__(
        self, address: str, interface: HttpInterface, scope: LabScope, transcript: Transcript, timeout: float
    ) -> None:
        self.interface = interface
        self.scope = scope
        self.transcript = transcript
        self.timeout = timeout
        scheme = "https" if interface.tls else "http"
        host = f"[{address}]" if ":" in address else address
        self.base = f"{scheme}://{host}:{interface.port}"
        self.address = address

    def request(
        self,
        method: str,
        path: str,
        *,
        session: HttpSession | None = None,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> Answer:
        """One request, redirects not followed; raises Unreachable when the unit does not answer."""
        self.scope.check(self.address)
        client = session.session if session else _direct_session()
        form = dict(data) if data is not None else None
        headers = dict(headers or {})
        echo = self.interface.csrf
        if echo is not None and (echo.header or echo.field) and method not in ("GET", "HEAD"):
            value = self.csrf_cookie(HttpSession(client))
            if echo.header:
                headers.setdefault(echo.header, value)
            elif form is not None or files is not None:
                form = {echo.field or "": value, **(form or {})}
        if session and session.csrf_field and session.csrf_token and form is not None:
            form.setdefault(session.csrf_field, session.csrf_token)
        if session and session.csrf_field and session.csrf_token and files is not None:
            form = {session.csrf_field: session.csrf_token, **(form or {})}
        self.transcript.sent(
            f"{method} {self.base}{path}"
            + (f" form={form}" if form else "")
            + (f" json={json_body}" if json_body is not None else "")
            + (f" body={body[:200]!r}" if body is not None else "")
            + (f" files={[(k, v[0], len(v[1])) for k, v in files.items()]}" if files else "")
        )
        deadline_s = max(MIN_EXCHANGE_DEADLINE_S, EXCHANGE_DEADLINE_FACTOR * self.timeout)
        with cut_after(deadline_s) as watch:
            try:
                response = client.request(
                    method, self.base + path, data=form if body is None else body, json=json_body, files=files,
                    headers=headers,
                    timeout=self.timeout, allow_redirects=False, stream=True, verify=False,
                )
                raw = response.raw.read(MAX_BODY + 1, decode_content=True) or b""
                response.close()
                failure: Exception | None = None
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
                failure = error
        if watch.expired:
            self.transcript.note(f"no complete answer within {deadline_s:.0f} s; connection cut")
            raise Unreachable(f"{method} {path} on {self.base}: no complete answer within {deadline_s:.0f} s "
                              "(the unit answers too slowly)") from failure
        if failure is not None:
            self.transcript.note(f"no answer: {failure}")
            raise Unreachable(f"{method} {path} on {self.base}: {_reason(failure)}") from failure
        body = raw[:MAX_BODY].decode("utf-8", "replace")
        answer = Answer(response.status_code, dict(response.headers), body)
        self.transcript.received(
            f"{answer.status} {response.reason} "
            + " ".join(f"{k}: {v}" for k, v in answer.headers.items() if k.lower() in _SHOWN_HEADERS)
        )
        if body:
            self.transcript.received(body[:1500] + ("…" if len(body) > 1500 else ""))
        return answer

    def raw(self, method: str, target: str, headers: Mapping[str, str] | None = None) -> Answer:
        """One request with `target` sent byte for byte (HTTP clients normalise `..` and `//` away)."""
        sock = open_tcp("http", self.address, self.interface.port, self.scope, self.transcript, self.timeout)
        if self.interface.tls:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            sock = context.wrap_socket(sock)
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.address}", "Connection: close", "Content-Length: 0",
                 *(f"{name}: {value}" for name, value in (headers or {}).items())]
        self.transcript.sent(" | ".join(lines[:1] + lines[4:]))
        try:
            with sock:
                sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
                data = _read_bounded(sock, MAX_BODY, deadline=time.monotonic() + 3 * self.timeout)
        except OSError as error:
            raise Unreachable(f"{method} {target} on {self.base}: {error}") from error
        answer = _parse_raw(data, method)
        self.transcript.received(f"{answer.status} " + " ".join(
            f"{k}: {v}" for k, v in answer.headers.items() if k.lower() in _SHOWN_HEADERS))
        return answer

    def new_session(self) -> HttpSession:
        """A session without any state, for a run of requests that share cookies (a wizard's steps)."""
        return HttpSession(_direct_session())

    def send(self, template: RequestTemplate, values: dict[str, str], session: HttpSession | None = None,
             default_path: str | None = None, default_method: str | None = None) -> tuple[RenderedRequest, Answer]:
        """A declared request template, rendered with `values` (and the session's {token} and {csrf})."""
        state = session or HttpSession(_direct_session())
        filled = {**values, **self.session_values(state, template)}
        try:
            rendered = render(template, filled, default_path, default_method)
        except TemplateError as error:
            raise Unrecognised(f"cannot send the declared request: {error}") from error
        answer = self.request(rendered.method, rendered.path, session=state, data=rendered.form,
                              json_body=rendered.json_body, headers=rendered.headers, body=rendered.body)
        return rendered, answer

    def session_values(self, session: HttpSession, template: RequestTemplate) -> dict[str, str]:
        """{token} and {csrf} as the session holds them, for the templates that use them."""
        used = template.placeholders()
        values = {}
        if "token" in used:
            if session.token is None:
                raise Unrecognised("the request uses {token}, but the session holds no token (a token login?)")
            values["token"] = session.token
        if "csrf" in used:
            values["csrf"] = session.csrf_token or self.csrf_cookie(session)
        return values

    def csrf_cookie(self, session: HttpSession) -> str:
        """The value of the declared CSRF cookie, fetching its page first when the unit has not set it yet."""
        echo = self.interface.csrf
        if echo is None:
            raise Unrecognised("the request uses {csrf}, but the interface declares no `csrf` and no form token")
        if echo.cookie not in session.session.cookies:
            self.request("GET", echo.page, session=session)
        value = session.session.cookies.get(echo.cookie)
        if not value:
            raise Unrecognised(f"the unit set no {echo.cookie!r} cookie (CSRF) on {echo.page}")
        return str(value)

    def login(self, username: str, password: str) -> tuple[LoginResult, HttpSession | None]:
        """Try one credential by the declared login method (an interface open by design needs none)."""
        if self.interface.login is None:
            return LoginResult(True, "open by design (auth: none): no login"), HttpSession(_direct_session())
        return self._login_on(_direct_session(), username, password)

    def logins(self, pairs: Sequence[tuple[str, str]]) -> list[LoginResult]:
        """Try pairs in turn on one kept-alive connection, stopping at an accepted one or a lockout answer.

        Each pair starts from a session as new (no cookie, auth or header of the last one); only the
        connection is kept. A form login whose CSRF token is a double-submit cookie fetches the token once
        and reuses it; an answer to a reused token that is not the declared failure text is not trusted as
        a refusal: that pair is tried again with a fresh token, and so are the rest.
        """
        method = self.interface.login
        reusable = isinstance(method, FormLogin) and bool(method.csrf and method.csrf.cookie and method.failure_text)
        carrier = _direct_session()
        state: HttpSession | None = None
        results: list[LoginResult] = []
        try:
            for username, password in pairs:
                result: LoginResult | None = None
                if reusable and isinstance(method, FormLogin):
                    state = state or self._form_token(method, HttpSession(carrier))
                    answer = self._form_post(method, state, username, password)
                    if _plain_failure(method, state, answer):
                        result = LoginResult(False, f"{answer.status}, {method.failure_text!r} (CSRF token reused)")
                    else:
                        result = _form_result(method, state, answer) if _decided(method, state, answer) else None
                    reusable = result is not None
                result = result or self._login_on(_as_new(carrier), username, password)[0]
                results.append(result)
                if result.accepted or result.lockout:
                    break
        finally:
            carrier.close()
        return results

    def _login_on(self, client: requests.Session, username: str, password: str
                  ) -> tuple[LoginResult, HttpSession | None]:
        """Try one credential by the declared login method, sending on `client` (a session without state)."""
        method = self.interface.login
        if isinstance(method, FormLogin):
            return self._form_login(method, client, username, password)
        if isinstance(method, JsonLogin):
            return self._json_login(method, client, username, password)
        if isinstance(method, TokenLogin):
            return token_login(self, method, client, username, password)
        if method is None:
            raise Unrecognised("the interface is declared open (auth: none): there is no login to try")
        return self._basic_login(method, client, username, password)

    def _form_token(self, method: FormLogin, state: HttpSession) -> HttpSession:
        """`state` with the unit's CSRF token for the login form (fetched from the declared page)."""
        if method.csrf:
            page = self.request("GET", method.csrf.page or method.path, session=state)
            token = _csrf_token(method, state, page)
            state.csrf_field, state.csrf_token = method.csrf.field, token
        return state

    def _form_post(self, method: FormLogin, state: HttpSession, username: str, password: str) -> Answer:
        fields = {method.username_field: username, method.password_field: password}
        return self.request("POST", method.path, session=state, data=fields)

    def _form_login(
        self, method: FormLogin, client: requests.Session, username: str, password: str
    ) -> tuple[LoginResult, HttpSession | None]:
        state = self._form_token(method, HttpSession(client))
        result = _form_result(method, state, self._form_post(method, state, username, password))
        return result, (state if result.accepted else None)

    def _json_login(
        self, method: JsonLogin, client: requests.Session, username: str, password: str
    ) -> tuple[LoginResult, HttpSession | None]:
        body = {method.username_field: username, method.password_field: password}
        answer = self.request("POST", method.path, session=HttpSession(client), json_body=body)
        if answer.status == 200:
            reply = answer.json()
            token = reply.get(method.token_field) if isinstance(reply, dict) else None
            if not token:
                raise Unrecognised(f"login answered 200 without a {method.token_field!r} field")
            state = HttpSession(_direct_session())
            state.session.headers[method.token_header] = f"{method.token_prefix}{token}"
            self.transcript.redact_also(str(token))
            return LoginResult(True, "200, token issued"), state
        if answer.status in LOCKOUT_STATUSES:
            return LoginResult(False, f"{answer.status}: the unit is refusing logins", lockout=True), None
        if answer.status in (400, 401, 403):
            return LoginResult(False, f"{answer.status}, no token"), None
        raise Unrecognised(f"login answered {answer.status}")

    def _basic_login(
        self, method: BasicLogin, client: requests.Session, username: str, password: str
    ) -> tuple[LoginResult, HttpSession | None]:
        state = HttpSession(client)
        auth: AuthBase = (
            HTTPDigestAuth(username, password) if method.method == "digest" else HTTPBasicAuth(username, password)
        )
        state.session.auth = auth
        answer = self.request("GET", method.check_path, session=state)
        if answer.status == 200:
            return LoginResult(True, f"200 on {method.check_path}"), state
        if answer.status in LOCKOUT_STATUSES:
            return LoginResult(False, f"{answer.status}: the unit is refusing logins", lockout=True), None
        if answer.status in (401, 403):
            return LoginResult(False, f"{answer.status} on {method.check_path}"), None
        raise Unrecognised(f"{method.check_path} answered {answer.status}")

    def upload(self, path: str, field_name: str, image: Path, session: HttpSession) -> Answer:
        """POST `image` as multipart/form-data."""
        return self.request("POST", path, session=session, files={field_name: (image.name, image.read_bytes())})


def _form_result(method: FormLogin, state: HttpSession, answer: Answer) -> LoginResult:
    """What a form login's answer says: a session cookie, a lockout, or a refusal."""
    if method.session_cookie in state.session.cookies:
        return LoginResult(True, f"{answer.status}, session cookie {method.session_cookie} set")
    if answer.status in LOCKOUT_STATUSES:
        return LoginResult(False, f"{answer.status}: the unit is refusing logins", lockout=True)
    if method.failure_text and method.failure_text not in answer.body and answer.status == 200:
        raise Unrecognised(f"login answered 200 without a session and without {method.failure_text!r}")
    if answer.status in (200, 401, 403) or 300 <= answer.status < 400:
        return LoginResult(False, f"{answer.status}, no session cookie")
    raise Unrecognised(f"login answered {answer.status}")


def _plain_failure(method: FormLogin, state: HttpSession, answer: Answer) -> bool:
    """The declared failure page, without a session: a refusal whatever token was sent."""
    return (answer.status == 200 and method.session_cookie not in state.session.cookies
            and bool(method.failure_text) and method.failure_text in answer.body)


def _decided(method: FormLogin, state: HttpSession, answer: Answer) -> bool:
    """A session or a lockout answer: the login's outcome, whatever token was sent."""
    return method.session_cookie in state.session.cookies or answer.status in LOCKOUT_STATUSES


def _read_bounded(sock: socket.socket, limit: int, deadline: float) -> bytes:
    """Read until the peer closes, `limit` bytes or `deadline`, whichever comes first."""
    data = b""
    while len(data) <= limit and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _parse_raw(data: bytes, method: str) -> Answer:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise Unrecognised(f"not an HTTP answer: {data[:60]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().title()] = value.strip()
    return Answer(int(parts[1]), headers, "" if method == "HEAD" else body[:MAX_BODY].decode("utf-8", "replace"))


def _direct_session() -> requests.Session:
    """A session that ignores proxy and netrc settings of the environment: lab traffic goes straight to the unit.

    Its exchanges can be cut at their deadline (see `request`).
    """
    return cuttable_session()


def _as_new(session: requests.Session) -> requests.Session:
    """`session` without what a login left in it (cookies, auth, headers): as a new one, its connection kept."""
    session.cookies.clear()
    session.auth = None
    session.headers = requests.utils.default_headers()
    return session


_SHOWN_HEADERS = ("server", "location", "content-type", "www-authenticate", "set-cookie", "content-length")


def _csrf_token(method: FormLogin, state: HttpSession, page: Answer) -> str:
    if method.csrf is None:
        raise Unrecognised("no CSRF source declared")
    if method.csrf.cookie:
        token = state.session.cookies.get(method.csrf.cookie)
        if not token:
            raise Unrecognised(f"the login page set no {method.csrf.cookie!r} cookie (CSRF token)")
        return str(token)
    match = re.search(method.csrf.pattern or "", page.body)
    if not match:
        raise Unrecognised(f"no CSRF token matching {method.csrf.pattern!r} on {method.csrf.page}")
    return match.group(1)


def _reason(error: Exception) -> str:
    text = str(error)
    for known in ("Connection refused", "timed out", "Network is unreachable", "No route to host", "reset"):
        if known.lower() in text.lower():
            return known.lower()
    return text[:200]
