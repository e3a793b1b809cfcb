"""Faults a unit can throw at the clients, on loopback: huge answers keep memory bounded, a unit dripping
one byte a second is cut at the exchange's deadline, and no thread is left behind."""

import contextlib
import ipaddress
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import HttpInterface, TelnetInterface
from harness.scope import LabScope, guard
from harness.transports import http
from harness.transports.http import MAX_BODY, HttpClient
from harness.transports.outcome import Unreachable, Unrecognised
from harness.transports.telnet import TelnetClient

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
HUGE = 64 * 1024 * 1024  # sent; the client must keep far less than this
PEAK_LIMIT = 8 * 1024 * 1024
CHUNK = b"A" * 65536

Talk = Callable[[socket.socket], None]


@pytest.fixture(autouse=True)
def _scope_guard() -> Iterator[None]:
    with guard(LOOPBACK):
        yield


@pytest.fixture
def serve() -> Iterator[Callable[[Talk], int]]:
    """A one-connection-at-a-time TCP server on 127.0.0.1 that runs `talk` per connection; returns its port."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start(talk: Talk) -> int:
        server = socket.create_server(("127.0.0.1", 0))
        server.settimeout(0.1)

        def loop() -> None:
            with server:
                while not stop.is_set():
                    try:
                        connection, _ = server.accept()
                    except TimeoutError:
                        continue
                    with connection, contextlib.suppress(OSError):  # the client hung up: that is its right
                        talk(connection)

        thread = threading.Thread(target=loop)
        thread.start()
        threads.append(thread)
        return int(server.getsockname()[1])

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=10)


def huge_http(connection: socket.socket) -> None:
    connection.recv(65536)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: <b>huge</b>\r\n\r\n")
    stop_at = time.monotonic() + 10
    for _ in range(HUGE // len(CHUNK)):
        if time.monotonic() > stop_at:
            return
        connection.sendall(CHUNK)


def dripping_http(connection: socket.socket) -> None:
    connection.recv(65536)
    for byte in b"HTTP/1.1 200 OK\r\nX-Drip: " + b"x" * 60:
        connection.sendall(bytes([byte]))
        time.sleep(0.2)


def huge_telnet(connection: socket.socket) -> None:
    stop_at = time.monotonic() + 10
    for _ in range(HUGE // len(CHUNK)):
        if time.monotonic() > stop_at:
            return
        connection.sendall(CHUNK)


def web(port: int, timeout: float = 2.0) -> HttpClient:
    interface = HttpInterface.model_validate({"kind": "http", "port": port,
                                              "login": {"method": "json", "path": "/api/login"}})
    return HttpClient("127.0.0.1", interface, LOOPBACK, Transcript("t", Redactor({})), timeout)


def peak_memory(action: Callable[[], object]) -> int:
    """Bytes the action allocated at its peak (Python allocations, which is where an unbounded read would go)."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_huge_http_body_is_read_to_its_bound_with_bounded_memory(serve) -> None:
    port = serve(huge_http)
    answers = []
    peak = peak_memory(lambda: answers.append(web(port).request("GET", "/")))
    assert len(answers[0].body) == MAX_BODY
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB for a bounded read"


def test_a_huge_raw_http_answer_keeps_memory_bounded(serve) -> None:
    port = serve(huge_http)
    answers = []
    peak = peak_memory(lambda: answers.append(web(port).raw("GET", "/")))
    assert answers[0].status == 200 and len(answers[0].body) <= MAX_BODY
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB for a bounded read"


def test_a_huge_telnet_banner_is_unrecognised_with_bounded_memory(serve) -> None:
    port = serve(huge_telnet)
    client = TelnetClient("127.0.0.1", TelnetInterface(kind="telnet", port=port), LOOPBACK,
                          Transcript("t", Redactor({})), 2.0)
    errors: list[Exception] = []

    def look() -> None:
        try:
            client.shell_without_login()
        except Unrecognised as error:
            errors.append(error)

    peak = peak_memory(look)
    assert errors, "a banner without any prompt was taken for an answer"
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB for a bounded read"


def exchange_threads() -> int:
    """Threads alive, but the process's one deadline watchdog (it stays, by design, once started)."""
    return sum(1 for thread in threading.enumerate() if thread.name != "tekigo-http-deadline")


def test_a_dripping_unit_is_cut_at_the_exchange_deadline(serve, monkeypatch) -> None:
    monkeypatch.setattr(http, "MIN_EXCHANGE_DEADLINE_S", 1.0)
    port = serve(dripping_http)
    threads_before = exchange_threads()
    started = time.monotonic()
    with pytest.raises(Unreachable, match="no complete answer within"):
        web(port, timeout=0.5).request("GET", "/")
    assert time.monotonic() - started < 3.0
    assert exchange_threads() == threads_before, "the exchange's watchdog outlived it"


def test_an_answer_within_the_deadline_leaves_no_thread(serve) -> None:
    def small(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    port = serve(small)
    threads_before = exchange_threads()
    assert web(port).request("GET", "/").body == "ok"
    assert exchange_threads() == threads_before


def option_flood(connection: socket.socket) -> None:
    stop_at = time.monotonic() + 10
    while time.monotonic() < stop_at:
        connection.sendall(bytes((255, 253, 24)) * 4096)  # IAC DO TERMINAL-TYPE, never reading the refusals


def test_a_telnet_option_flood_ends_unrecognised_within_the_timeout(serve) -> None:
    port = serve(option_flood)
    client = TelnetClient("127.0.0.1", TelnetInterface(kind="telnet", port=port), LOOPBACK,
                          Transcript("t", Redactor({})), 1.0)
    started = time.monotonic()
    with pytest.raises(Unrecognised):
        client.shell_without_login()
    assert time.monotonic() - started < 3.0
