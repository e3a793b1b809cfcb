#!/usr/bin/env python3
"""Web admin firmware of the reference devices: one long-lived SCGI server behind lighttpd, for every path.

Standalone on purpose (stdlib plus `cryptography`, nothing from `harness`): it is the unit's firmware.
Its behaviour comes from the JSON file named by TEKIGO_WEBADMIN_CONFIG (see `Config`). lighttpd's
mod_scgi starts it with the listening socket as its standard input (as it does for FastCGI); a process
per request (CGI) cost a Python start per request, which a product's web server does not pay.
SCGI (python.ca/scgi/protocol.txt): a netstring of NUL-separated CGI variables, then the body.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal
from urllib.parse import parse_qsl

CONFIG_ENV = "TEKIGO_WEBADMIN_CONFIG"
ITERATIONS_ENV = "TEKIGO_WEBADMIN_PBKDF2_ITERATIONS"  # a slow CPU's product hashes with fewer
MAX_BODY = 1 << 20  # update images are small; lighttpd caps the request size as well
MAX_SCGI_HEADERS = 16384
SCGI_WORKERS = 8  # requests handled at once (PBKDF2 runs outside the GIL, so threads use every core)
SCGI_TIMEOUT_S = 30.0
MAX_FIELD = 256
MAX_PASSWORD = 128
PBKDF2_ITERATIONS = int(os.environ.get(ITERATIONS_ENV, "100000"))
SESSION_LIFETIME_S = 3600.0
OPENSSL = "/usr/bin/openssl"  # lighttpd gives a CGI no PATH
IMAGE_MAGIC = b"TKFW1\n"
IMAGE_HEADER_MAX = 4096
SIGNATURE_LENGTH = 64
SETTINGS_KEYS = ("ntp_server", "dns_server", "remote_admin")
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,128}")
VERSION_RE = re.compile(r"[0-9A-Za-z._-]{1,32}")
HOST_RE = re.compile(r"[0-9A-Za-z.:-]{1,253}")
BOUNDARY_RE = re.compile(r'boundary="?([^";]{1,70})"?')
FIELD_NAME_RE = re.compile(rb'\bname="([^"]{1,64})"')
TRUE_WORDS = ("1", "true", "on", "yes")
FALSE_WORDS = ("0", "false", "off", "no")
REASONS = {
    200: "OK", 303: "See Other", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
    500: "Internal Server Error",
}


class HttpError(Exception):
    """Ends the request with `status` and a short message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Config:
    """The unit's identity and behaviour switches, written by the lab at factory state."""

    model: str
    login: Literal["form", "basic", "json"]
    forced_change: bool
    password_policy: bool
    settings_protected: bool
    credential_store: Literal["flash", "ram"]
    signature_required: bool
    factory_username: str
    factory_password_hash: str
    factory_firmware_version: str
    factory_settings: dict[str, Any]
    flash_dir: str
    ram_dir: str
    vendor_public_key: str
    shadow_file: str
    ssh_account: str | None
    basic_userfile: str | None
    # The UPnP device description's fields (UPnP Device Architecture 1.1, 2.3) when the unit announces
    # itself over SSDP: deviceType, friendlyName, manufacturer, modelName, UDN.
    upnp: dict[str, str] | None = None
    # False: an update upload is answered as installed, but nothing is flashed (the version never changes).
    applies_updates: bool = True
    # True: no preset credential; until the first user creates the administrator through /api/setup, no
    # login succeeds (first-run wizard, JSON API). The created account is in flash like a changed password.
    first_run_setup: bool = False

    @classmethod
    def load(cls, path: Path) -> Config:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


@dataclass
class Response:
    """What goes back to lighttpd: a status, headers and a bounded body."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def encode(self) -> bytes:
        lines = [f"Status: {self.status} {REASONS.get(self.status, 'Status')}",
                 f"Content-Type: {self.content_type}", "Cache-Control: no-store"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


def json_response(value: Any, status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, json.dumps(value).encode() + b"\n", headers=list(headers))


def html_response(title: str, body: str, headers: list[tuple[str, str]] | None = None) -> Response:
    page = (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head><body>\n<h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n")
    return Response(200, page.encode(), "text/html; charset=utf-8", headers or [])


def redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(303, b"", "text/plain", [("Location", location), *(headers or [])])


def hash_password(password: str) -> str:
    """PBKDF2-SHA256 with a random salt, as `pbkdf2_sha256$iterations$salt$digest`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ITERATIONS)
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    scheme, iterations, salt, digest = stored.split("$")
    if scheme != "pbkdf2_sha256":
        raise ValueError(f"unknown password hash scheme {scheme!r}")
    computed = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(computed.hex(), digest)


def write_atomically(path: Path, text: str) -> None:
    """Replace a state file whole, so a power cut leaves the old or the new version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        file.write(text)
    os.replace(temporary, path)


def rewrite_in_place(path: Path, text: str) -> None:
    """Truncate and write: the file is bind-mounted (e.g. over /etc/shadow), a rename would break it."""
    with path.open("r+", encoding="utf-8") as file:
        file.seek(0)
        file.write(text)
        file.truncate()


def sha512_crypt(password: str) -> str:
    done = subprocess.run([OPENSSL, "passwd", "-6", "-stdin"], input=password + "\n",
                          capture_output=True, text=True, timeout=10, check=True)
    return done.stdout.strip()


def set_shadow_password(shadow: Path, account: str, password: str) -> None:
    lines = shadow.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        fields = line.split(":")
        if fields[0] == account and len(fields) >= 3:
            fields[1] = sha512_crypt(password)
            fields[2] = str(int(time.time() // 86400))
            lines[index] = ":".join(fields)
            rewrite_in_place(shadow, "\n".join(lines) + "\n")
            return
    raise HttpError(500, f"account {account!r} missing from {shadow}")


class Request:
    """One CGI request: method, path, headers from the environment, a bounded body from stdin."""

    def __init__(self, environ: dict[str, str], stdin: BinaryIO) -> None:
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET")
        self.path = environ.get("PATH_INFO") or "/"
        self._stdin = stdin
        self._body: bytes | None = None

    def body(self) -> bytes:
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError as error:
                raise HttpError(400, "bad Content-Length") from error
            if length > MAX_BODY:
                raise HttpError(413, f"request body over {MAX_BODY} bytes")
            self._body = self._stdin.read(length) if length > 0 else b""
        return self._body

    @property
    def content_type(self) -> str:
        return self.environ.get("CONTENT_TYPE", "")

    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for pair in self.environ.get("HTTP_COOKIE", "")[:4096].split(";"):
            name, _, value = pair.strip().partition("=")
            if name:
                jar[name] = value
        return jar

    def bearer_token(self) -> str | None:
        scheme, _, token = self.environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None

    def multipart(self) -> dict[str, bytes]:
        """Fields of a multipart/form-data body, by name (the last wins)."""
        match = BOUNDARY_RE.search(self.content_type)
        if not self.content_type.startswith("multipart/form-data") or not match:
            raise HttpError(400, "expected multipart/form-data")
        fields: dict[str, bytes] = {}
        for part in self.body().split(b"--" + match.group(1).encode())[1:]:
            if part.startswith(b"--"):
                break
            head, separator, value = part.partition(b"\r\n\r\n")
            name = FIELD_NAME_RE.search(head)
            if not separator or not name or not value.endswith(b"\r\n"):
                raise HttpError(400, "malformed multipart body")
            fields[name.group(1).decode()] = value[:-2]
        return fields

    def form(self) -> dict[str, str]:
        """Text fields of an urlencoded or multipart form."""
        if self.content_type.startswith("multipart/form-data"):
            raw = {name: value for name, value in self.multipart().items() if len(value) <= MAX_FIELD}
            try:
                return {name: value.decode() for name, value in raw.items()}
            except UnicodeDecodeError as error:
                raise HttpError(400, "form fields must be UTF-8") from error
        if not self.content_type.startswith("application/x-www-form-urlencoded"):
            raise HttpError(400, "expected a form (application/x-www-form-urlencoded)")
        try:
            pairs = parse_qsl(self.body().decode(), keep_blank_values=True, max_num_fields=16)
        except (UnicodeDecodeError, ValueError) as error:
            raise HttpError(400, "malformed form") from error
        return dict(pairs)

    def json(self) -> dict[str, Any]:
        if not self.content_type.startswith("application/json"):
            raise HttpError(400, "expected application/json")
        try:
            value = json.loads(self.body())
        except (UnicodeDecodeError, ValueError) as error:
            raise HttpError(400, "malformed JSON") from error
        if not isinstance(value, dict):
            raise HttpError(400, "expected a JSON object")
        return value


def text_field(values: dict[str, Any], name: str, limit: int = MAX_FIELD) -> str:
    value = values.get(name)
    if not isinstance(value, str) or len(value) > limit:
        raise HttpError(400, f"field {name!r} missing or too long")
    return value


class Unit:
    """The unit's state: credential, settings and firmware in flash or RAM, sessions in RAM."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.flash = Path(config.flash_dir)
        self.ram = Path(config.ram_dir)
        store = self.flash if config.credential_store == "flash" else self.ram
        self.credential_file = store / "credential.json"

    def password_pending(self) -> bool:
        return self.config.forced_change and not self.credential_file.exists()

    def claimed(self) -> bool:
        """A first-run unit whose administrator account has been created (always true for the others)."""
        return not self.config.first_run_setup or self.credential_file.exists()

    def login_ok(self, username: str, password: str) -> bool:
        if not self.claimed():
            return False
        if self.config.basic_userfile is not None:
            lines = Path(self.config.basic_userfile).read_text(encoding="utf-8").splitlines()
            return f"{username}:{password}" in lines
        if self.credential_file.exists():
            stored = json.loads(self.credential_file.read_text(encoding="utf-8"))
        else:
            stored = {"username": self.config.factory_username, "hash": self.config.factory_password_hash}
        return username == stored["username"] and password_matches(password, stored["hash"])

    def password_refusal(self, username: str, new: str) -> str | None:
        if not 1 <= len(new) <= MAX_PASSWORD or not new.isprintable() or ":" in new:
            return f"password must be 1 to {MAX_PASSWORD} printable characters without ':'"
        if not self.config.password_policy:
            return None
        if len(new) < 8:
            return "password must have at least 8 characters"
        if new == username or new.lower() == "password":
            return "password is too easy to guess"
        if password_matches(new, self.config.factory_password_hash):
            return "password must differ from the factory default"
        return None

    def change_password(self, username: str, current: str, new: str) -> None:
        if not self.login_ok(username, current):
            raise HttpError(403, "current password is wrong")
        refusal = self.password_refusal(username, new)
        if refusal:
            raise HttpError(400, refusal)
        if self.config.ssh_account:
            set_shadow_password(Path(self.config.shadow_file), self.config.ssh_account, new)
        if self.config.basic_userfile is not None:
            write_atomically(Path(self.config.basic_userfile), f"{username}:{new}\n")
        write_atomically(self.credential_file,
                         json.dumps({"username": username, "hash": hash_password(new)}) + "\n")

    def create_admin(self, username: str, password: str) -> None:
        """The first-run wizard's claim: atomic, so of two users racing for the unit one gets it."""
        refusal = self.password_refusal(username, password)
        if refusal:
            raise HttpError(400, refusal)
        record = json.dumps({"username": username, "hash": hash_password(password)}) + "\n"
        claim = self.credential_file.with_name(f".claim.{os.getpid()}.{threading.get_ident()}")
        write_atomically(claim, record)
        try:
            os.link(claim, self.credential_file)  # fails if someone else created the account meanwhile
        except FileExistsError as error:
            raise HttpError(409, "the unit is already set up") from error
        finally:
            claim.unlink()

    def settings(self) -> dict[str, Any]:
        path = self.flash / "settings.json"
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return {**self.config.factory_settings, **saved}

    def save_settings(self, changes: dict[str, Any]) -> dict[str, Any]:
        settings = {**self.settings(), **changes}
        write_atomically(self.flash / "settings.json", json.dumps(settings) + "\n")
        return settings

    def firmware_version(self) -> str:
        path = self.flash / "firmware.json"
        if not path.exists():
            return self.config.factory_firmware_version
        return str(json.loads(path.read_text(encoding="utf-8"))["version"])

    def install(self, image: bytes) -> str:
        header, body = parse_image(image)
        if self.config.signature_required:
            verify_image(image, header, body, self.config)
        if not self.config.applies_updates:
            return str(header["version"])
        record = {"version": header["version"], "model": header["model"],
                  "image_sha256": hashlib.sha256(image).hexdigest()}
        write_atomically(self.flash / "firmware.json", json.dumps(record) + "\n")
        return str(header["version"])

    def _session_file(self, token: str) -> Path:
        return self.ram / "sessions" / hashlib.sha256(token.encode()).hexdigest()

    def open_session(self, username: str) -> str:
        token = secrets.token_urlsafe(32)
        write_atomically(self._session_file(token), json.dumps({"user": username, "since": time.time()}))
        return token

    def session_user(self, token: str | None) -> str | None:
        if not token or not TOKEN_RE.fullmatch(token):
            return None
        path = self._session_file(token)
        if not path.exists():
            return None
        session = json.loads(path.read_text(encoding="utf-8"))
        if time.time() - session["since"] > SESSION_LIFETIME_S:
            path.unlink(missing_ok=True)
            return None
        return str(session["user"])

    def close_session(self, token: str | None) -> None:
        if token and TOKEN_RE.fullmatch(token):
            self._session_file(token).unlink(missing_ok=True)


def parse_image(image: bytes) -> tuple[dict[str, str], bytes]:
    """The header of a TKFW1 image and everything after the header line."""
    if not image.startswith(IMAGE_MAGIC):
        raise HttpError(400, "not a TKFW1 image")
    end = image.find(b"\n", len(IMAGE_MAGIC), len(IMAGE_MAGIC) + IMAGE_HEADER_MAX)
    if end < 0:
        raise HttpError(400, "image header line missing or too long")
    try:
        header = json.loads(image[len(IMAGE_MAGIC):end])
    except (UnicodeDecodeError, ValueError) as error:
        raise HttpError(400, "image header is not JSON") from error
    if not isinstance(header, dict) or not all(
        isinstance(header.get(key), str) for key in ("model", "version", "payload_sha256")
    ) or not VERSION_RE.fullmatch(header["version"]):
        raise HttpError(400, "image header needs model, version and payload_sha256")
    return header, image[end + 1:]


def verify_image(image: bytes, header: dict[str, str], body: bytes, config: Config) -> None:
    """Refuse an image not signed by the vendor, whose payload hash differs, or made for another model."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if len(body) < SIGNATURE_LENGTH:
        raise HttpError(400, "image is not signed")
    payload, signature = body[:-SIGNATURE_LENGTH], body[-SIGNATURE_LENGTH:]
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(config.vendor_public_key))
    try:
        key.verify(signature, image[:-SIGNATURE_LENGTH])
    except InvalidSignature as error:
        raise HttpError(400, "image signature is not valid") from error
    if hashlib.sha256(payload).hexdigest() != header["payload_sha256"]:
        raise HttpError(400, "image payload does not match its hash")
    if header["model"] != config.model:
        raise HttpError(400, f"image is for {header['model']}, this unit is {config.model}")


def parse_settings(values: dict[str, Any]) -> dict[str, Any]:
    """Validated settings changes from a form (strings) or a JSON body."""
    changes = {key: value for key, value in values.items() if key != "csrf_token"}
    unknown = sorted(set(changes) - set(SETTINGS_KEYS))
    if unknown or not changes:
        raise HttpError(400, f"settings are {', '.join(SETTINGS_KEYS)}; got {unknown or 'none'}")
    for key in ("ntp_server", "dns_server"):
        if key in changes and not (isinstance(changes[key], str) and HOST_RE.fullmatch(changes[key])):
            raise HttpError(400, f"{key} must be a host name or address")
    flag = changes.get("remote_admin")
    if isinstance(flag, str) and flag.lower() in TRUE_WORDS + FALSE_WORDS:
        changes["remote_admin"] = flag.lower() in TRUE_WORDS
    elif "remote_admin" in changes and not isinstance(flag, bool):
        raise HttpError(400, "remote_admin must be true or false")
    return changes


@dataclass
class Context:
    """What a handler gets: the configuration, the unit's state, the request and who is logged in."""

    config: Config
    unit: Unit
    request: Request
    user: str | None = None

    def values(self) -> dict[str, Any]:
        """The request's fields: a JSON body for the JSON API, a form otherwise."""
        return self.request.json() if self.config.login == "json" else self.request.form()


# Handlers shared by every login method.

def status(ctx: Context) -> Response:
    return json_response({"model": ctx.config.model, "firmware_version": ctx.unit.firmware_version()})


def settings_get(ctx: Context) -> Response:
    return json_response(ctx.unit.settings())


def settings_post(ctx: Context) -> Response:
    return json_response(ctx.unit.save_settings(parse_settings(ctx.values())))


def update(ctx: Context) -> Response:
    image = ctx.request.multipart().get("image")
    if image is None:
        raise HttpError(400, "multipart field 'image' missing")
    return json_response({"installed": ctx.unit.install(image)})


def password_change(ctx: Context) -> Response:
    values = ctx.values()
    if ctx.user is None:
        raise HttpError(401, "authentication required")
    ctx.unit.change_password(ctx.user, text_field(values, "current_password", MAX_PASSWORD),
                             text_field(values, "new_password", MAX_PASSWORD))
    if ctx.config.login == "form":
        return html_response("Password changed", '<p>Password changed. <a href="/">Continue</a></p>')
    return json_response({"status": "password changed"})


# Form login (r1): session cookie, double-submit CSRF token.

def csrf_token(ctx: Context) -> tuple[str, list[tuple[str, str]]]:
    """The client's CSRF token, or a new one with the cookie that sets it."""
    token = ctx.request.cookies().get("csrf", "")
    if TOKEN_RE.fullmatch(token):
        return token, []
    token = secrets.token_urlsafe(24)
    return token, [("Set-Cookie", f"csrf={token}; Path=/; SameSite=Strict")]


def require_csrf(request: Request, values: dict[str, str]) -> None:
    cookie = request.cookies().get("csrf", "")
    field_value = values.get("csrf_token", "")
    if not cookie or not hmac.compare_digest(cookie.encode(), field_value.encode()):
        raise HttpError(403, "CSRF token missing or wrong")


def form_page(ctx: Context, title: str, action: str, fields: list[tuple[str, str, str]], note: str = ""
              ) -> Response:
    token, headers = csrf_token(ctx)
    inputs = "".join(f'<label>{label} <input name="{name}" type="{kind}"></label><br>\n'
                     for name, kind, label in fields)
    body = (f"{note}<form method=\"post\" action=\"{action}\">\n{inputs}"
            f"<input type=\"hidden\" name=\"csrf_token\" value=\"{html.escape(token)}\">\n"
            "<button type=\"submit\">OK</button>\n</form>")
    return html_response(f"{ctx.config.model} {title}", body, headers=headers)


LOGIN_FIELDS = [("username", "text", "User"), ("password", "password", "Password")]


def login_page(ctx: Context) -> Response:
    return form_page(ctx, "login", "/login", LOGIN_FIELDS)


def login_submit(ctx: Context) -> Response:
    values = ctx.request.form()
    require_csrf(ctx.request, values)
    username, password = text_field(values, "username"), text_field(values, "password", MAX_PASSWORD)
    if not ctx.unit.login_ok(username, password):
        return form_page(ctx, "login", "/login", LOGIN_FIELDS, "<p>Login failed</p>\n")
    token = ctx.unit.open_session(username)
    cookie = ("Set-Cookie", f"session={token}; HttpOnly; Path=/; SameSite=Strict")
    return redirect("/password" if ctx.unit.password_pending() else "/", [cookie])


def logout(ctx: Context) -> Response:
    ctx.unit.close_session(ctx.request.cookies().get("session"))
    return redirect("/login", [("Set-Cookie", "session=; HttpOnly; Path=/; Max-Age=0")])


def home(ctx: Context) -> Response:
    body = (f"<p>Firmware {html.escape(ctx.unit.firmware_version())}</p>\n"
            '<p><a href="/settings">Settings</a> <a href="/password">Password</a> '
            '<a href="/logout">Log out</a></p>')
    return html_response(f"{ctx.config.model} administration", body)


def password_page(ctx: Context) -> Response:
    fields = [("current_password", "password", "Current password"), ("new_password", "password", "New")]
    return form_page(ctx, "password", "/password", fields)


def form_password_submit(ctx: Context) -> Response:
    require_csrf(ctx.request, ctx.request.form())
    return password_change(ctx)


def form_settings_post(ctx: Context) -> Response:
    require_csrf(ctx.request, ctx.request.form())
    return settings_post(ctx)


def form_update(ctx: Context) -> Response:
    fields = ctx.request.multipart()
    require_csrf(ctx.request, {"csrf_token": fields.get("csrf_token", b"").decode(errors="replace")})
    return update(ctx)


# UPnP: the device description that SSDP's LOCATION points to.

UPNP_FIELDS = ("deviceType", "friendlyName", "manufacturer", "modelName", "UDN")


def upnp_description(ctx: Context) -> Response:
    described = ctx.config.upnp or {}
    fields = "".join(f"    <{name}>{html.escape(described[name])}</{name}>\n" for name in UPNP_FIELDS)
    document = ('<?xml version="1.0" encoding="utf-8"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
                "  <specVersion><major>1</major><minor>1</minor></specVersion>\n"
                f"  <device>\n{fields}    <presentationURL>/</presentationURL>\n  </device>\n</root>\n")
    return Response(200, document.encode(), 'text/xml; charset="utf-8"')


# Basic login (c1): lighttpd's mod_auth checks the password; this program sees REMOTE_USER.

def camera_index(ctx: Context) -> Response:
    return html_response(f"{ctx.config.model} IP camera", '<p><a href="/admin/status">Administration</a></p>')


# JSON login (n1): bearer tokens.

def api_login(ctx: Context) -> Response:
    values = ctx.request.json()
    username, password = text_field(values, "username"), text_field(values, "password", MAX_PASSWORD)
    if not ctx.unit.login_ok(username, password):
        return json_response({"error": "login failed"}, 401)
    return json_response({"token": ctx.unit.open_session(username),
                          "must_change": ctx.unit.password_pending()})


# First-run wizard (w1): no preset credential; the setup API takes a double-submit CSRF token, the cookie
# `csrftoken` echoed in the header X-CSRFToken (as Django's and many hubs' single-page apps do).

SETUP_COOKIE = "csrftoken"
SETUP_HEADER = "HTTP_X_CSRFTOKEN"
USERNAME_RE = re.compile(r"[a-z_][a-z0-9_-]{0,31}")


def setup_cookie(ctx: Context) -> list[tuple[str, str]]:
    """The Set-Cookie of a new CSRF token when the client has none."""
    if TOKEN_RE.fullmatch(ctx.request.cookies().get(SETUP_COOKIE, "")):
        return []
    return [("Set-Cookie", f"{SETUP_COOKIE}={secrets.token_urlsafe(24)}; Path=/; SameSite=Strict")]


def wizard_home(ctx: Context) -> Response:
    if ctx.unit.claimed():
        body = "<p>Log in through the app (POST /api/login).</p>"
    else:
        body = ("<p>Welcome. Create the administrator account to start: POST /api/setup with "
                "<code>{\"username\", \"password\"}</code> and the header X-CSRFToken.</p>")
    return html_response(f"{ctx.config.model} setup", body, headers=setup_cookie(ctx))


def setup_status(ctx: Context) -> Response:
    return json_response({"open": not ctx.unit.claimed()}, headers=tuple(setup_cookie(ctx)))


def setup_submit(ctx: Context) -> Response:
    cookie = ctx.request.cookies().get(SETUP_COOKIE, "")
    header = ctx.request.environ.get(SETUP_HEADER, "")
    if not TOKEN_RE.fullmatch(cookie) or not hmac.compare_digest(cookie.encode(), header.encode()):
        raise HttpError(403, "CSRF token missing or wrong (send the csrftoken cookie back in X-CSRFToken)")
    if ctx.unit.claimed():
        raise HttpError(409, "the unit is already set up")
    values = ctx.request.json()
    username, password = text_field(values, "username", 32), text_field(values, "password", MAX_PASSWORD)
    if not USERNAME_RE.fullmatch(username):
        raise HttpError(400, "username: lower-case letters, digits, _ and -, at most 32")
    ctx.unit.create_admin(username, password)
    return json_response({"status": "administrator created", "username": username})


Handler = Callable[[Context], Response]
PUBLIC, USER, PENDING_OK = "public", "user", "pending_ok"  # who may call a route


def routes(config: Config) -> dict[tuple[str, str], tuple[Handler, str]]:
    """(method, path) -> (handler, access) for the configured login method, and UPnP's description."""
    description = {("GET", "/upnp/device.xml"): (upnp_description, PUBLIC)} if config.upnp else {}
    wizard = {("GET", "/"): (wizard_home, PUBLIC), ("GET", "/api/setup"): (setup_status, PUBLIC),
              ("POST", "/api/setup"): (setup_submit, PUBLIC)} if config.first_run_setup else {}
    return login_routes(config) | description | wizard


def login_routes(config: Config) -> dict[tuple[str, str], tuple[Handler, str]]:
    """(method, path) -> (handler, access) for the configured login method."""
    settings_access = USER if config.settings_protected else PUBLIC
    if config.login == "form":
        return {
            ("GET", "/login"): (login_page, PUBLIC), ("POST", "/login"): (login_submit, PUBLIC),
            ("GET", "/logout"): (logout, PENDING_OK), ("GET", "/"): (home, USER),
            ("GET", "/password"): (password_page, PENDING_OK),
            ("POST", "/password"): (form_password_submit, PENDING_OK),
            ("GET", "/settings"): (settings_get, settings_access),
            ("POST", "/settings"): (form_settings_post, settings_access),
            ("GET", "/api/status"): (status, USER), ("POST", "/update"): (form_update, USER),
        }
    if config.login == "basic":
        return {
            ("GET", "/"): (camera_index, PUBLIC), ("GET", "/admin/status"): (status, USER),
            ("POST", "/admin/password"): (password_change, PENDING_OK),
            ("POST", "/admin/update"): (update, USER),
            ("GET", "/settings"): (settings_get, settings_access),
            ("POST", "/settings"): (settings_post, settings_access),
        }
    return {
        ("POST", "/api/login"): (api_login, PUBLIC), ("POST", "/api/password"): (password_change, PENDING_OK),
        ("GET", "/api/settings"): (settings_get, settings_access),
        ("POST", "/api/settings"): (settings_post, settings_access),
        ("GET", "/api/status"): (status, USER), ("POST", "/api/update"): (update, USER),
    }


def authenticated_user(ctx: Context) -> str | None:
    if ctx.config.login == "basic":
        return ctx.request.environ.get("REMOTE_USER") or None
    if ctx.config.login == "form":
        return ctx.unit.session_user(ctx.request.cookies().get("session"))
    return ctx.unit.session_user(ctx.request.bearer_token())


def not_authenticated(ctx: Context) -> Response:
    if ctx.config.login == "form" and not ctx.request.path.startswith("/api/"):
        return redirect("/login")
    headers = (("WWW-Authenticate", f'Basic realm="{ctx.config.model}"'),) if ctx.config.login == "basic" else ()
    return json_response({"error": "authentication required"}, 401, headers)


def handle(config: Config, request: Request) -> Response:
    table = routes(config)
    route = table.get((request.method, request.path))
    if route is None:
        allowed = sorted(method for method, path in table if path == request.path)
        if allowed:
            return json_response({"error": "method not allowed"}, 405, (("Allow", ", ".join(allowed)),))
        return json_response({"error": "not found"}, 404)
    handler, access = route
    ctx = Context(config, Unit(config), request)
    if access != PUBLIC:
        ctx.user = authenticated_user(ctx)
        if ctx.user is None:
            return not_authenticated(ctx)
        if access == USER and ctx.unit.password_pending():
            return json_response({"error": "password change required"}, 403)
    return handler(ctx)


def respond(config: Config, environ: dict[str, str], body: BinaryIO) -> bytes:
    """The CGI-style answer (Status line, headers, body) to one request."""
    try:
        response = handle(config, Request(environ, body))
    except HttpError as error:
        response = json_response({"error": error.message}, error.status)
    except Exception:  # the unit answers 500 and logs the trace to lighttpd's error log (console.log)
        traceback.print_exc(file=sys.stderr)
        response = json_response({"error": "internal error"}, 500)
    return response.encode()


def read_scgi_headers(stream: BinaryIO) -> dict[str, str]:
    """The CGI variables of one SCGI request; the body follows in `stream`."""
    length = b""
    while (char := stream.read(1)) != b":":
        if not char.isdigit() or len(length) > 6:
            raise ValueError("bad SCGI netstring length")
        length += char
    if int(length) > MAX_SCGI_HEADERS:
        raise ValueError("SCGI headers too long")
    raw = stream.read(int(length))
    if len(raw) != int(length) or stream.read(1) != b",":
        raise ValueError("bad SCGI netstring end")
    items = raw.split(b"\0")[:-1]
    return {items[i].decode("latin-1"): items[i + 1].decode("latin-1") for i in range(0, len(items) - 1, 2)}


def serve_connection(config: Config, connection: socket.socket, slots: threading.BoundedSemaphore) -> None:
    try:
        with connection, connection.makefile("rb") as stream:
            connection.settimeout(SCGI_TIMEOUT_S)
            environ = read_scgi_headers(stream)
            connection.sendall(respond(config, environ, stream))
    except (OSError, ValueError) as error:
        print(f"webadmin: dropped a request: {error}", file=sys.stderr)
    finally:
        slots.release()


def main() -> int:
    config = Config.load(Path(os.environ[CONFIG_ENV]))
    listener = socket.socket(fileno=0)  # mod_scgi's listening socket
    slots = threading.BoundedSemaphore(SCGI_WORKERS)
    while True:
        slots.acquire()
        connection, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(config, connection, slots), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
