"""How the harness logs in to a web admin: basic, digest, form, JSON or token login, and CSRF tokens."""

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from harness.profile.declared import Declared
from harness.profile.requests import JSON_PATH, RequestTemplate, check_placeholders
from harness.yaml_model import FieldError


class CsrfToken(Declared):
    """Where the unit's CSRF token comes from and which form field carries it back."""

    field: str
    cookie: str | None = None
    page: str | None = None
    pattern: str | None = Field(None, description="regex with one group, applied to `page`")

    @model_validator(mode="after")
    def _one_source(self) -> "CsrfToken":
        if (self.cookie is None) == (self.page is None or self.pattern is None):
            raise ValueError("give either `cookie`, or both `page` and `pattern`")
        return self


class CsrfEcho(Declared):
    """CSRF double submit: the value of a cookie the unit sets, sent back as {csrf} where a request template puts
    it, and on every request that is not a GET in `header` or form `field` when one is given."""

    cookie: str = Field(description="the cookie the unit sets")
    header: str | None = Field(None, description="the header every non-GET request echoes the value in")
    field: str | None = Field(None, description="or the form field every non-GET form echoes it in")
    page: str = Field("/", description="fetched first when the cookie is not set yet")

    @model_validator(mode="after")
    def _one_carrier(self) -> "CsrfEcho":
        if self.header is not None and self.field is not None:
            raise ValueError("a CSRF echo goes in a `header` or in a form `field`, not both")
        return self


class BasicLogin(Declared):
    """HTTP basic or digest authentication, checked against a path that needs it."""

    method: Literal["basic", "digest"]
    check_path: str = Field(description="a path that answers 200 only when authenticated")


class FormLogin(Declared):
    """An HTML form login; success is the session cookie being set."""

    method: Literal["form"]
    path: str = "/login"
    username_field: str = "username"
    password_field: str = "password"
    session_cookie: str
    failure_text: str | None = Field(None, description="text shown on a refused login")
    csrf: CsrfToken | None = None


class JsonLogin(Declared):
    """A JSON login API returning a token that later requests carry in a header."""

    method: Literal["json"]
    path: str
    username_field: str = "username"
    password_field: str = "password"
    token_field: str = "token"
    token_header: str = "Authorization"
    token_prefix: str = "Bearer "


class TokenLogin(Declared):
    """A login request whose answer holds a token (found by a JSON path) that later requests carry in headers,
    or that sets a session cookie (a JSON-RPC login)."""

    method: Literal["token"]
    request: RequestTemplate = Field(description="the login request; {username} and {password} are the credential")
    token: str | None = Field(None, description="JSON path of the token in the answer: keys joined by dots, [n] "
                                                "for list items")
    session_cookie: str | None = Field(None, description="or: the cookie a successful login sets (no token)")
    headers: Annotated[dict[str, str], Field(min_length=1)] = Field(
        {"Authorization": "Bearer {token}"}, description="headers every later request carries; {token} is the token")
    refused: list[int] = Field([400, 401, 403], description="statuses that mean the credential was refused")

    @field_validator("token")
    @classmethod
    def _json_path(cls, token: str | None) -> str | None:
        if token is not None and not JSON_PATH.match(token):
            raise ValueError("a JSON path is keys joined by dots with [n] for list items, e.g. data.tokens[0].id")
        return token

    @field_validator("request")
    @classmethod
    def _login_request(cls, request: RequestTemplate) -> RequestTemplate:
        if request.path is None:
            raise ValueError("the login request needs its `path`")
        check_placeholders(request, {"username", "password", "csrf"}, "the login request")
        return request

    @field_validator("headers")
    @classmethod
    def _headers_carry_the_token(cls, headers: dict[str, str]) -> dict[str, str]:
        if not all("{token}" in value for value in headers.values()):
            raise ValueError("each of `headers` carries the token: put {token} in its value")
        return headers

    @model_validator(mode="after")
    def _token_or_cookie(self) -> "TokenLogin":
        if (self.token is None) == (self.session_cookie is None):
            raise FieldError(("token",), "a token login finds its `token` (a JSON path) or its `session_cookie` "
                                         "(one of them)")
        return self


HttpLoginV1 = Annotated[BasicLogin | FormLogin | JsonLogin, Field(discriminator="method")]
HttpLogin = Annotated[BasicLogin | FormLogin | JsonLogin | TokenLogin, Field(discriminator="method")]


def login_page(login: BasicLogin | FormLogin | JsonLogin | TokenLogin | None) -> str:
    """The path a login goes to (the front page for an interface without one)."""
    if login is None:
        return "/"
    if isinstance(login, BasicLogin):
        return login.check_path
    if isinstance(login, TokenLogin):
        return login.request.path or "/"
    return login.path
