"""A bench's smart plug for the reference lab: Shelly's Gen1 relay API, each relay wired to a lab unit's supply.

Runs inside a bench PC's namespace (`python -m harness.lab.bench_plug ADDRESS:PORT DEVICE...`): relay n powers
the n-th DEVICE, and switching it off is the unit's real power cut (harness/lab/power.py: SIGKILL of its whole
namespace), on boots it again. It follows https://shelly-api-docs.shelly.cloud/gen1/#shelly-plug-plugs-relay-0:
`GET /relay/<n>` reads, `?turn=on|off` (or the same as a form POST body) switches; the answer is the relay's
JSON state. No Debian or PyPI package provides a Shelly's firmware, so this is the one stand-in of the bench.
"""

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from harness.lab.power import device_power
from harness.power.protocol import PowerError

BODY_LIMIT = 4096


class Relays:
    """The units wired to the plug's relays and whether each is on; one switch at a time."""

    def __init__(self, devices: list[str]) -> None:
        self.devices = devices
        self.on = [True] * len(devices)
        self.lock = threading.Lock()

    def switch(self, relay: int, on: bool) -> None:
        with self.lock:
            power = device_power(self.devices[relay])
            if on and not self.on[relay]:
                power.on()
            elif not on and self.on[relay]:
                power.off()
            self.on[relay] = on


class RelayHandler(BaseHTTPRequestHandler):
    relays: Relays

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._relay(urlsplit(self.path).query)

    def do_POST(self) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), BODY_LIMIT)
        self._relay(self.rfile.read(length).decode("ascii", errors="replace"))

    def _relay(self, parameters: str) -> None:
        path = urlsplit(self.path).path.rstrip("/").split("/")
        if len(path) != 3 or path[1] != "relay" or not path[2].isdigit() or int(path[2]) >= len(self.relays.on):
            self._reply(404, {"error": "no such relay"})
            return
        relay = int(path[2])
        turn = parse_qs(parameters).get("turn", [""])[0]
        if turn not in ("", "on", "off"):
            self._reply(400, {"error": f"turn={turn!r}"})
            return
        try:
            if turn:
                self.relays.switch(relay, turn == "on")
        except PowerError as error:
            self._reply(500, {"error": str(error)})
            return
        self._reply(200, {"ison": self.relays.on[relay], "has_timer": False, "timer_started": 0, "timer_duration": 0,
                          "timer_remaining": 0, "overpower": False, "source": "http"})

    def _reply(self, status: int, value: object) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("listen", help="ADDRESS:PORT")
    parser.add_argument("devices", nargs="+", help="the lab units on relays 0, 1, …")
    arguments = parser.parse_args()
    host, _, port = arguments.listen.rpartition(":")
    handler = type("BoundRelayHandler", (RelayHandler,), {"relays": Relays(arguments.devices)})
    handler.timeout = 10  # a client that stops sending is dropped
    ThreadingHTTPServer((host, int(port)), handler).serve_forever()


if __name__ == "__main__":
    main()
