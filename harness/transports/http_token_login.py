"""The `token` login of a web admin: a declared login request whose answer gives a token (found by a JSON path,
then carried in the declared headers) or sets a session cookie (a JSON-RPC login)."""

from typing import TYPE_CHECKING

import requests

from harness.profile import RequestTemplate, TokenLogin
from harness.transports.http_session import LOCKOUT_STATUSES, HttpSession
from harness.transports.outcome import LoginResult, Unrecognised
from harness.transports.templates import TemplateError, render
from harness.transports.token import token_at

if TYPE_CHECKING:
    from harness.transports.http import HttpClient


def token_login(web: "HttpClient", method: TokenLogin, client: requests.Session, username: str, password: str
                ) -> tuple[LoginResult, HttpSession | None]:
    """Send the declared login request; its answer's token (by JSON path) or session cookie is the session."""
    rendered, answer = web.send(method.request, {"username": username, "password": password},
                                 HttpSession(client))
    if answer.status in LOCKOUT_STATUSES:
        return LoginResult(False, f"{answer.status}: the unit is refusing logins", lockout=True), None
    if answer.status in method.refused:
        return LoginResult(False, f"{answer.status}, no token"), None
    if method.session_cookie is not None:  # a JSON-RPC login: the session is the cookie it sets, or none
        if method.session_cookie in client.cookies:
            return LoginResult(True, f"{answer.status}, session cookie {method.session_cookie} set"), \
                HttpSession(client)
        if rendered.accepted(answer.status):
            return LoginResult(False, f"{answer.status}, no session cookie"), None
        raise Unrecognised(f"login answered {answer.status}")
    if not rendered.accepted(answer.status):
        raise Unrecognised(f"login answered {answer.status}")
    token = token_at(answer.json(), method.token or "")
    web.transcript.redact_also(token)
    state = HttpSession(client, token=token)
    for name, value in method.headers.items():
        try:
            state.session.headers[name] = render(RequestTemplate(path="/", headers={name: value}),
                                                 {"token": token}).headers[name]
        except TemplateError as error:
            raise Unrecognised(f"the token cannot go in header {name}: {error}") from error
    return LoginResult(True, f"{answer.status}, token issued"), state
