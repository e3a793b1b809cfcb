"""Banner grabbing: connect to each open TCP port, listen, then ask in the protocols we know.

Every connection is bounded (connect, read and total deadlines) and every read has a size bound.
"""

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from harness.net.services import Service, classify, printable
from harness.scope import LabScope

MAX_READ = 4096
QUIET_S = 0.3  # once bytes came, this long without more ends the read


@dataclass(frozen=True)
class BannerLimits:
    """How long each probe and the whole grab may take, and how many connections run at once."""

    connect_s: float = 2.0
    listen_s: float = 0.8  # a greeting (SSH, telnet, FTP) comes at once; HTTP waits for us
    reply_s: float = 2.0
    deadline_s: float = 30.0
    concurrency: int = 32


def _http_request(address: str) -> bytes:
    return f"GET / HTTP/1.0\r\nHost: {address}\r\nUser-Agent: tekigo-scan\r\n\r\n".encode()


def _rtsp_request(address: str) -> bytes:
    return f"OPTIONS rtsp://{address}/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: tekigo-scan\r\n\r\n".encode()


# MQTT 3.1.1 CONNECT, clean session, client id "tekigo-scan" (OASIS MQTT 3.1.1, 3.1).
MQTT_CONNECT = bytes([0x10, 23, 0, 4]) + b"MQTT" + bytes([4, 2, 0, 30, 0, 11]) + b"tekigo-scan"

Probe = Callable[[str, int, BannerLimits], Awaitable[tuple[str, str, bytes] | None]]


async def _exchange(address: str, port: int, limits: BannerLimits, request: bytes | None,
                    tls: bool = False) -> bytes:
    """Connect, send `request` (or nothing), and read what comes within the listen/reply time."""
    context = None
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # classify only; no trust implied
    reader, writer = await asyncio.wait_for(asyncio.open_connection(address, port, ssl=context), limits.connect_s)
    try:
        if request:
            writer.write(request)
            await writer.drain()
        return await _read_some(reader, limits.reply_s if request else limits.listen_s)
    finally:
        writer.close()


async def _read_some(reader: asyncio.StreamReader, within: float) -> bytes:
    """Bytes until the peer is quiet for a moment, closes, MAX_READ is reached or `within` passes."""
    data, deadline = b"", time.monotonic() + within
    while len(data) < MAX_READ:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            quiet = min(remaining, QUIET_S) if data else remaining
            chunk = await asyncio.wait_for(reader.read(MAX_READ - len(data)), quiet)
        except (TimeoutError, ConnectionError, ssl.SSLError):
            break
        if not chunk:
            break
        data += chunk
    return data


async def _plain(address: str, port: int, limits: BannerLimits, request: bytes | None
                 ) -> tuple[str, str, bytes] | None:
    try:
        data = await _exchange(address, port, limits, request)
    except (OSError, TimeoutError):
        return None
    found = classify(data)
    return (*found, data) if found else ("unknown", "", data) if data else None


async def _greeting(address: str, port: int, limits: BannerLimits) -> tuple[str, str, bytes] | None:
    return await _plain(address, port, limits, None)


async def _http(address: str, port: int, limits: BannerLimits) -> tuple[str, str, bytes] | None:
    return await _plain(address, port, limits, _http_request(address))


async def _rtsp(address: str, port: int, limits: BannerLimits) -> tuple[str, str, bytes] | None:
    return await _plain(address, port, limits, _rtsp_request(address))


async def _mqtt(address: str, port: int, limits: BannerLimits) -> tuple[str, str, bytes] | None:
    return await _plain(address, port, limits, MQTT_CONNECT)


async def _https(address: str, port: int, limits: BannerLimits) -> tuple[str, str, bytes] | None:
    try:
        data = await _exchange(address, port, limits, _http_request(address), tls=True)
    except (OSError, TimeoutError, ssl.SSLError):
        return None
    found = classify(data)
    return ("https", found[1] if found else "", data)


# Probes after the greeting, in order; a well-known port tries its own protocol first.
PROBES: dict[str, Probe] = {"http": _http, "https": _https, "rtsp": _rtsp, "mqtt": _mqtt}
PORT_HINTS = {443: "https", 8443: "https", 554: "rtsp", 8554: "rtsp", 1883: "mqtt"}


async def grab(address: str, port: int, limits: BannerLimits) -> Service:
    """What answers on one open TCP port."""
    greeting = await _greeting(address, port, limits)
    if greeting and greeting[0] != "unknown":
        return _service(port, greeting)
    order = sorted(PROBES, key=lambda name: name != PORT_HINTS.get(port))
    for name in order:
        found = await PROBES[name](address, port, limits)
        if found and found[0] != "unknown":
            return _service(port, found)
    return _service(port, greeting) if greeting else Service(port, "tcp", "unknown")


def _service(port: int, found: tuple[str, str, bytes]) -> Service:
    name, detail, data = found
    return Service(port, "tcp", name, printable(detail.encode("latin-1", "replace")), printable(data))


def grab_all(address: str, ports: Sequence[int], scope: LabScope, limits: BannerLimits = BannerLimits()
             ) -> list[Service]:
    """Banners of every port in `ports` on `address` (checked against `scope`), at most `concurrency` at once."""
    target = str(scope.check(address))

    async def everything() -> list[Service]:
        gate = asyncio.Semaphore(limits.concurrency)

        async def one(port: int) -> Service:
            async with gate:
                return await grab(target, port, limits)

        tasks = [asyncio.ensure_future(one(port)) for port in ports]
        done, late = await asyncio.wait(tasks, timeout=limits.deadline_s) if tasks else (set(), set())
        for task in late:
            task.cancel()
        by_port = {task.result().port: task.result() for task in done}
        return [by_port.get(port, Service(port, "tcp", "unknown", "no answer within the deadline")) for port in ports]

    return asyncio.run(everything())
