"""The hostile unit's firmware: a web admin (HTTP, HTTPS) and a telnet login that misbehave on purpose.

Standalone (standard library only): its boot script runs `python unit.py FLASH_DIR`. The misbehaviour
is the words in FLASH_DIR/mode (one misbehaviour per service may be combined), read at every boot,
so a test writes them and power-cycles the unit; FLASH_DIR/lockout_s, if there, sets the lockout's length.
Credentials, version and settings live in FLASH_DIR/state.json and survive power cuts, like flash.
"""

import asyncio
import json
import os
import secrets
import socket
import ssl
import struct
import sys
import time
from pathlib import Path

MODES = (
    "polite",          # behaves: a login everywhere, state in flash
    "huge-banner",     # 8 MiB telnet banner; 16 KiB Server header and 8 MiB pages on the web
    "binary-banner",   # binary junk on telnet, then a root shell without any login
    "script-title",    # HTML and script in titles, headers and banners; settings served without login
    "telnet-flood",    # telnet option negotiation without end
    "drip",            # every service sends one byte a second, forever
    "redirect-loop",   # every web page redirects to itself
    "tls-invalid",     # settings served without login, over HTTPS with an expired self-signed certificate
    "reset-login",     # connections reset (RST) in the middle of a login
    "link-drop",       # the unit's own link goes down once a telnet password is typed (unreachable mid-test)
    "exit-mid-test",   # the daemon exits when the first telnet connection ends
    "never-back",      # after its first power cut it never serves again
    "reboot-loop",     # after its first power cut it restarts every second, forever
    "lockout",         # after 3 failed web logins every login is refused with 429 for a minute; a
                       # dictionary credential (SERVICE_ACCOUNT) opens the unit whenever it is not locked
)
REBOOT_EXIT = 75  # the boot script starts the firmware again when it exits with this status
HUGE = 8 * 1024 * 1024
HOSTILE_TEXT = '<script>alert("x1")</script><b onmouseover=alert(1)>TKG-X1</b>'
FACTORY = {"password": "admin", "firmware_version": "1.0.0", "ntp_server": "ntp.tekigo.invalid"}
LOCKOUT_AFTER, LOCKOUT_S = 3, 60.0
SERVICE_ACCOUNT = ("xd", "xd")  # the last pair of the notice dictionary: a sweep that stops early never tries it
MAX_REQUEST = 2 * 1024 * 1024
IAC, DO, WILL = 255, 253, 251


class Unit:
    """The firmware's state: misbehaviours, flash, issued tokens, failed logins."""

    def __init__(self, flash: Path) -> None:
        self.flash = flash
        self.modes = set((flash / "mode").read_text().split()) if (flash / "mode").exists() else {"polite"}
        state = flash / "state.json"
        self.state = json.loads(state.read_text()) if state.exists() else dict(FACTORY)
        self.tokens: set[str] = set()
        self.failures = 0
        self.locked_until = 0.0
        lockout_s = flash / "lockout_s"
        self.lockout_s = float(lockout_s.read_text()) if lockout_s.exists() else LOCKOUT_S
        self.telnet_connections = 0

    def save(self) -> None:
        path = self.flash / "state.json.new"
        path.write_text(json.dumps(self.state))
        os.replace(path, self.flash / "state.json")

    def server_tag(self) -> str:
        if "huge-banner" in self.modes:
            return "TKG-X1 " + "A" * 16 * 1024
        return HOSTILE_TEXT if "script-title" in self.modes else "TKG-X1 httpd"


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST instead of FIN, as a crashing stack does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def drip(writer: asyncio.StreamWriter, data: bytes) -> None:
    """One byte a second of `data`, then of X forever."""
    index = 0
    while True:
        writer.write(data[index:index + 1] if index < len(data) else b"X")
        await writer.drain()
        index += 1
        await asyncio.sleep(1.0)


async def read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target = [*lines[0].split(" "), "", ""][:2]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = min(int(headers.get("content-length", "0") or 0), MAX_REQUEST)
    body = await reader.readexactly(length) if length else b""
    return method, target, headers, body


def response(unit: Unit, status: int, body: bytes | str, content_type: str = "application/json",
             extra: dict[str, str] | None = None) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    reason = {200: "OK", 302: "Found", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
              429: "Too Many Requests"}.get(status, "Status")
    headers = {"Server": unit.server_tag(), "Content-Type": content_type, "Content-Length": str(len(data)),
               "Connection": "close", **(extra or {})}
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("latin-1", "replace") + data


def page(unit: Unit) -> str:
    title = HOSTILE_TEXT if "script-title" in unit.modes else "TKG-X1"
    filler = "x" * HUGE if "huge-banner" in unit.modes else ""
    return f"<html><head><title>{title}</title></head><body>{title}{filler}</body></html>"


def answer(unit: Unit, method: str, target: str, headers: dict[str, str], body: bytes) -> bytes:
    """The web admin's answer to one request (the misbehaving modes are handled before this)."""
    path = target.split("?")[0]
    authorised = headers.get("authorization", "").removeprefix("Bearer ") in unit.tokens
    if path == "/api/login" and method == "POST":
        return login(unit, body)
    if path == "/api/settings" and (authorised or unit.modes & {"script-title", "tls-invalid"}):
        if method == "POST" and authorised:
            unit.state["ntp_server"] = str(json.loads(body or b"{}").get("ntp_server", ""))[:200]
            unit.save()
        note = HOSTILE_TEXT if "script-title" in unit.modes else ""
        settings = {"ntp_server": unit.state["ntp_server"], "note": note}
        return response(unit, 200, json.dumps(settings))
    if path == "/api/status" and authorised:
        return response(unit, 200, json.dumps({"firmware_version": unit.state["firmware_version"], "model": "TKG-X1"}))
    if path == "/api/password" and method == "POST" and authorised:
        fields = json.loads(body or b"{}")
        if fields.get("current_password") != unit.state["password"] or len(fields.get("new_password", "")) < 8:
            return response(unit, 403, '{"error": "refused"}')
        unit.state["password"] = fields["new_password"]
        unit.save()
        return response(unit, 200, '{"ok": true}')
    if path == "/api/update" and method == "POST" and authorised:
        unit.state["firmware_version"] = "1.1.0"
        unit.save()
        return response(unit, 200, '{"ok": true}')
    if path.startswith("/api/"):
        return response(unit, 401, '{"error": "login required"}')
    return response(unit, 200, page(unit), "text/html")


def login(unit: Unit, body: bytes) -> bytes:
    if "lockout" in unit.modes and time.monotonic() < unit.locked_until:
        return response(unit, 429, '{"error": "locked"}')
    try:
        fields = json.loads(body)
    except ValueError:
        return response(unit, 401, '{"error": "bad request"}')
    service = "lockout" in unit.modes and (fields.get("username"), fields.get("password")) == SERVICE_ACCOUNT
    if service or (fields.get("username") == "admin" and fields.get("password") == unit.state["password"]):
        unit.failures = 0
        token = secrets.token_hex(16)
        unit.tokens.add(token)
        return response(unit, 200, json.dumps({"token": token}))
    unit.failures += 1
    if "lockout" in unit.modes and unit.failures >= LOCKOUT_AFTER:
        unit.locked_until, unit.failures = time.monotonic() + unit.lockout_s, 0
    return response(unit, 401, '{"error": "refused"}')


async def serve_http(unit: Unit, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        if "drip" in unit.modes:
            await drip(writer, b"HTTP/1.1 200 OK\r\nX-Drip: ")
        request = await read_request(reader)
        if request is None:
            return
        method, target, headers, body = request
        if "reset-login" in unit.modes and target.startswith("/api/login"):
            reset(writer)
            return
        if "redirect-loop" in unit.modes:
            data = response(unit, 302, "", "text/html", {"Location": target})
        else:
            data = answer(unit, method, target, headers, body)
        writer.write(data if method != "HEAD" else data.split(b"\r\n\r\n")[0] + b"\r\n\r\n")
        await writer.drain()
    except (ConnectionError, ssl.SSLError):
        return
    finally:
        writer.close()


async def read_line(reader: asyncio.StreamReader) -> str | None:
    """One line the tester typed, telnet commands dropped; None when it hung up."""
    try:
        raw = await asyncio.wait_for(reader.readuntil(b"\n"), 30)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, TimeoutError):
        return None
    text, index = bytearray(), 0
    while index < len(raw):
        if raw[index] == IAC:
            index += 3
            continue
        text.append(raw[index])
        index += 1
    return text.decode("utf-8", "replace").strip()


async def shell(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A root prompt that answers the one arithmetic echo a tester uses to prove a shell."""
    writer.write(b"# ")
    while (line := await read_line(reader)) is not None:
        reply = "tekigo42" if line == "echo tekigo$((6*7))" else f"sh: {line[:60]}: not found"
        writer.write(f"{reply}\r\n# ".encode())
        await writer.drain()


async def drop_link() -> None:
    """Take the unit's own interface down: from now on nothing it sends or is sent arrives."""
    process = await asyncio.create_subprocess_exec("ip", "link", "set", "eth0", "down")
    await process.wait()
    await asyncio.sleep(60)


async def telnet_login(unit: Unit, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    greeting = HOSTILE_TEXT if "script-title" in unit.modes else "TKG-X1"
    for _ in range(3):
        writer.write(f"\r\n{greeting}\r\nx1 login: ".encode())
        await writer.drain()
        username = await read_line(reader)
        if username is None:
            return
        writer.write(b"Password: ")
        await writer.drain()
        password = await read_line(reader)
        if "link-drop" in unit.modes:
            await drop_link()
            return
        if "reset-login" in unit.modes or password is None:
            reset(writer)
            return
        await asyncio.sleep(1.0)
        if username == "admin" and password == unit.state["password"]:
            await shell(reader, writer)
            return
        writer.write(b"\r\nLogin incorrect\r\n")


async def serve_telnet(unit: Unit, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    unit.telnet_connections += 1
    try:
        if "drip" in unit.modes:
            await drip(writer, b"x1 login: ")
        elif "telnet-flood" in unit.modes:
            option = 0
            while True:
                writer.write(bytes((IAC, DO if option % 2 else WILL, option % 256)) * 512)
                await writer.drain()
                option += 1
        elif "huge-banner" in unit.modes:
            for _ in range(HUGE // 65536):
                writer.write(b"BANNER " * 9362 + b"\r\n")
                await writer.drain()
            await telnet_login(unit, reader, writer)
        elif "binary-banner" in unit.modes:
            writer.write(bytes(range(256)) * 64 + secrets.token_bytes(4096) + b"\r\n")
            await shell(reader, writer)
        else:
            await telnet_login(unit, reader, writer)
    except (ConnectionError, OSError):
        return
    finally:
        writer.close()
        if "exit-mid-test" in unit.modes:
            os._exit(0)


def tls_context(flash: Path) -> ssl.SSLContext | None:
    cert, key = flash / "tls.crt", flash / "tls.key"
    if not cert.exists():
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


async def main(flash: Path) -> None:
    unit = Unit(flash)
    booted_before = (flash / "booted").exists()
    (flash / "booted").touch()
    print(f"x1 boot: modes {sorted(unit.modes)}, booted before: {booted_before}", flush=True)
    if booted_before and "never-back" in unit.modes:
        await asyncio.Event().wait()  # stuck before its services start, like a unit hung in its boot loader
    servers = [
        await asyncio.start_server(lambda r, w: serve_http(unit, r, w), port=80, limit=MAX_REQUEST),
        await asyncio.start_server(lambda r, w: serve_telnet(unit, r, w), port=23),
    ]
    context = tls_context(flash)
    if context is not None:
        servers.append(await asyncio.start_server(lambda r, w: serve_http(unit, r, w), port=443, ssl=context,
                                                  limit=MAX_REQUEST))
    if booted_before and "reboot-loop" in unit.modes:
        await asyncio.sleep(0.8)
        os._exit(REBOOT_EXIT)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
