"""The harness's CPU per HTTP exchange: HttpClient's login paths against a loopback web admin in another process.

Run from the repository: .venv/bin/python benchmarks/http_exchange_cpu.py [-n PAIRS] [--repeat R]
The web admin is a forked http.server (keep-alive, HTTP/1.1) refusing every login the way the reference
units do (r1: form with a double-submit CSRF cookie; c1: basic auth; n1: JSON), 8 pairs a batch as the HTTP
sweep sends them. The client's process CPU (time.process_time) divided by its exchanges is what is printed; the
server's CPU is in its own process and not counted. The peer, in the same run: the same wrong logins sent with
a plain `requests` session (one per batch, like the sweep's connections). Ends with one RESULT line per login
method: tekigo's CPU per exchange as a multiple of requests' (goal <= 1.0).
"""

import argparse
import ipaddress
import multiprocessing
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.result import result_line
from harness.evidence import Redactor, Transcript
from harness.profile import HttpInterface
from harness.scope import LabScope, guard
from harness.transports.http import HttpClient

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
SWEEP_BATCH = 8  # pairs a connection carries in the HTTP sweep (testcases/ter_34_10/test_3_credential_sweep.py)
LOGINS: dict[str, dict[str, Any]] = {
    "form": {"method": "form", "path": "/login", "session_cookie": "session", "failure_text": "Login failed",
             "csrf": {"cookie": "csrf", "field": "csrf_token"}},
    "basic": {"method": "basic", "check_path": "/admin"},
    "json": {"method": "json", "path": "/api/login"},
}
# The peer's request for one wrong pair, per login method (a form login first fetches the page for its CSRF cookie).
PEER_LOGINS: dict[str, Callable[[requests.Session, str, str], requests.Response]] = {
    "form": lambda session, base, password: session.post(base + "/login", allow_redirects=False, timeout=3, data={
        "username": "admin", "password": password, "csrf_token": session.cookies.get("csrf", "")}),
    "basic": lambda session, base, password: session.get(base + "/admin", auth=("admin", password), timeout=3),
    "json": lambda session, base, password: session.post(base + "/api/login", timeout=3,
                                                         json={"username": "admin", "password": password}),
}


class RefusingAdmin(BaseHTTPRequestHandler):
    """Answers like a reference unit to a wrong password, on a kept-alive connection."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stalls

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/admin":
            self._answer(401, b"", {"WWW-Authenticate": 'Basic realm="admin"'})
        else:
            self._answer(200, b"<form>login</form>", {"Set-Cookie": "csrf=0123456789abcdef; Path=/"})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/api/login":
            self._answer(401, b'{"error": "wrong credentials"}', {"Content-Type": "application/json"})
        else:
            self._answer(200, b"<p>Login failed</p>", {"Content-Type": "text/html"})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def exchanges_cpu_ms(client: HttpClient, transcript: Transcript, pairs: int, batch: int) -> float:
    """CPU-ms of this process per exchange (a line sent) while `pairs` wrong logins go out in batches."""
    wrong = [("admin", f"wrong-{n}") for n in range(pairs)]
    lines_before = _sent(transcript)
    started = time.process_time()
    for first in range(0, pairs, batch):
        results = client.logins(wrong[first:first + batch])
        assert not any(result.accepted for result in results)
    spent = time.process_time() - started
    exchanges = _sent(transcript) - lines_before
    return 1000 * spent / exchanges


def requests_cpu_ms(port: int, name: str, pairs: int, batch: int) -> float:
    """The peer: CPU-ms of this process per request when `requests` sends the same wrong logins."""
    base, exchanges = f"http://127.0.0.1:{port}", 0
    started = time.process_time()
    for first in range(0, pairs, batch):
        with requests.Session() as session:
            session.trust_env = False  # no proxy: straight to the loopback unit
            if name == "form":
                session.get(base + "/login", timeout=3)
                exchanges += 1
            for number in range(first, min(first + batch, pairs)):
                answer = PEER_LOGINS[name](session, base, f"wrong-{number}")
                assert answer.status_code in (200, 401)
                exchanges += 1
    return 1000 * (time.process_time() - started) / exchanges


def _sent(transcript: Transcript) -> int:
    """Requests the transcript shows sent (its lines read 'stamp > request')."""
    return sum(1 for line in transcript.lines if line.lstrip().partition(" ")[2].startswith("> "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", dest="pairs", type=int, default=504, help="wrong pairs per login method")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method; the best is printed")
    arguments = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingAdmin)
    unit = multiprocessing.get_context("fork").Process(target=server.serve_forever, daemon=True)
    unit.start()
    server.socket.close()
    port = server.server_address[1]
    results = []
    try:
        with guard(LOOPBACK):
            for name, login in LOGINS.items():
                measure = _measurer(port, login, arguments.pairs, name)
                best = min(measure() for _ in range(arguments.repeat))
                peer = min(requests_cpu_ms(port, name, arguments.pairs, SWEEP_BATCH) for _ in range(arguments.repeat))
                print(f"{name:5} login: {best:.2f} CPU-ms per exchange, requests {peer:.2f} (best of "
                      f"{arguments.repeat}, {arguments.pairs} pairs)")
                results.append(result_line(f"http_{name}_login_cpu_vs_requests", best / peer, 1.0, "<="))
    finally:
        unit.terminate()
        unit.join(5)
    print("\n".join(results))
    return 0


def _measurer(port: int, login: dict[str, Any], pairs: int, name: str) -> Callable[[], float]:
    interface = HttpInterface.model_validate({"kind": "http", "port": port, "login": login})

    def measure() -> float:
        transcript = Transcript(name, Redactor({}))
        return exchanges_cpu_ms(HttpClient("127.0.0.1", interface, LOOPBACK, transcript, 3.0), transcript,
                                pairs, SWEEP_BATCH)
    return measure


if __name__ == "__main__":
    sys.exit(main())
