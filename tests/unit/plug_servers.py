"""Loopback stand-ins for smart plugs, each following the vendor's published local HTTP API exactly.

No Debian or PyPI package provides these devices' firmware, so they are the one kind of mock here.
Tasmota: https://tasmota.github.io/docs/Commands/#with-web-requests
Shelly Gen1: https://shelly-api-docs.shelly.cloud/gen1/#shelly-plug-plugs-relay-0
Shelly Gen2: https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch and
https://shelly-api-docs.shelly.cloud/gen2/General/Authentication (digest, SHA-256, user admin)
"""

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Plug:
    """The relays' state and the requests seen, shared by a server's handler threads."""

    def __init__(self, password: str | None = None) -> None:
        self.password = password
        self.relays: dict[int, bool] = {}
        self.requests: list[str] = []
        self.nonces: set[str] = set()


class PlugHandler(BaseHTTPRequestHandler):
    plug: Plug

    def log_message(self, *args: object) -> None:
        pass

    def reply(self, status: int, value: object, headers: tuple[tuple[str, str], ...] = ()) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, header in headers:
            self.send_header(name, header)
        self.end_headers()
        self.wfile.write(body)


class TasmotaHandler(PlugHandler):
    """`GET /cm?cmnd=Power<n> <On|Off>`; with a web password, `user` and `password` parameters."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.plug.requests.append(self.path)
        if url.path != "/cm":
            self.reply(404, {})
            return
        if self.plug.password is not None and (query.get("user") != "admin"
                                               or query.get("password") != self.plug.password):
            self.reply(200, {"WARNING": "Need user=<username>&password=<password>"})
            return
        command, _, argument = query.get("cmnd", "").partition(" ")
        if not command.startswith("Power"):
            self.reply(200, {"Command": "Unknown"})
            return
        relay = int(command[5:] or 1)
        self.plug.relays[relay] = {"on": True, "off": False}[argument.lower()]
        self.reply(200, {f"POWER{relay}": "ON" if self.plug.relays[relay] else "OFF"})


class ShellyGen1Handler(PlugHandler):
    """`GET /relay/<n>?turn=on|off`, or the same parameters as a form-encoded POST body (the Gen1 API takes
    either); HTTP basic authentication when a login is set."""

    def do_GET(self) -> None:
        self.relay(urlsplit(self.path).query)

    def do_POST(self) -> None:
        self.relay(self.rfile.read(min(int(self.headers.get("Content-Length", 0)), 4096)).decode())

    def relay(self, parameters: str) -> None:
        url = urlsplit(self.path)
        self.plug.requests.append(f"{self.command} {self.path} {parameters}".rstrip())
        expected = base64.b64encode(f"admin:{self.plug.password}".encode()).decode()
        if self.plug.password is not None and self.headers.get("Authorization") != f"Basic {expected}":
            self.reply(401, {}, (("WWW-Authenticate", 'Basic realm="shelly"'),))
            return
        channel = int(url.path.rsplit("/", 1)[1])
        turn = parse_qs(parameters).get("turn", [""])[0]
        if turn in ("on", "off"):
            self.plug.relays[channel] = turn == "on"
        self.reply(200, {"ison": self.plug.relays.get(channel, True), "has_timer": False, "timer_started": 0,
                         "timer_duration": 0, "timer_remaining": 0, "overpower": False, "source": "http"})


class ShellyGen2Handler(PlugHandler):
    """`POST /rpc` with Switch.Set / Switch.GetStatus; digest authentication (SHA-256) with a password."""

    realm = "shellyplusplugs-a8032ab12345"

    def authorised(self) -> bool:
        if self.plug.password is None:
            return True
        header = self.headers.get("Authorization", "")
        if not header.startswith("Digest "):
            return False
        fields = dict(part.strip().split("=", 1) for part in header[7:].split(","))
        fields = {k: v.strip('"') for k, v in fields.items()}
        sha = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731
        ha1 = sha(f"admin:{self.realm}:{self.plug.password}")
        ha2 = sha(f"POST:{fields.get('uri')}")
        wanted = sha(f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("nonce") in self.plug.nonces and fields.get("response") == wanted

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.plug.requests.append(request["method"])
        if not self.authorised():
            nonce = secrets.token_hex(8)
            self.plug.nonces.add(nonce)
            challenge = f'Digest qop="auth", realm="{self.realm}", nonce="{nonce}", algorithm=SHA-256'
            self.reply(401, {}, (("WWW-Authenticate", challenge),))
            return
        channel = request["params"]["id"]
        was_on = self.plug.relays.get(channel, True)
        if request["method"] == "Switch.Set":
            self.plug.relays[channel] = bool(request["params"]["on"])
            result: dict[str, object] = {"was_on": was_on}
        elif request["method"] == "Switch.GetStatus":
            result = {"id": channel, "source": "HTTP_in", "output": was_on, "apower": 0.0, "voltage": 100.1}
        else:
            self.reply(200, {"id": request["id"], "error": {"code": 404, "message": "No handler"}})
            return
        self.reply(200, {"id": request["id"], "src": self.realm, "result": result})


@contextmanager
def serving(handler: type[PlugHandler], plug: Plug) -> Iterator[str]:
    """The plug listening on a free loopback port; yields its `host:port`."""
    bound = type("BoundHandler", (handler,), {"plug": plug})
    server = ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
