#!/usr/bin/env python3
"""The web admin (webadmin.py, unchanged) served over SCGI from one long-lived process.

Why not CGI as on the namespace devices: under QEMU's TCG a Python start costs about 0.6 s per
request. lighttpd's mod_scgi hands each request here with the same CGI variables; requests are
handled one at a time. The embedded build hashes passwords with fewer PBKDF2 iterations (a slow
CPU), as a product for such a CPU would.
Protocol: SCGI (python.ca/scgi/protocol.txt): netstring of NUL-separated headers, then the body.
"""

import io
import os
import socket
import sys
import traceback
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webadmin  # the unit's firmware, beside this file in the guest

SOCKET = "/run/webadmin.sock"
MAX_HEADERS = 16384
TIMEOUT_S = 30.0
EMBEDDED_PBKDF2_ITERATIONS = 10_000


def read_request(connection: socket.socket) -> tuple[dict[str, str], bytes]:
    stream = connection.makefile("rb")
    length = b""
    while (char := stream.read(1)) != b":":
        if not char.isdigit() or len(length) > 6:
            raise ValueError("bad SCGI netstring length")
        length += char
    if int(length) > MAX_HEADERS:
        raise ValueError("SCGI headers too long")
    raw = stream.read(int(length))
    if stream.read(1) != b",":
        raise ValueError("bad SCGI netstring end")
    items = raw.split(b"\0")[:-1]
    environ = {items[i].decode("latin-1"): items[i + 1].decode("latin-1") for i in range(0, len(items) - 1, 2)}
    length_field = environ.get("CONTENT_LENGTH") or "0"
    size = int(length_field) if length_field.isdigit() else 0
    return environ, stream.read(min(size, webadmin.MAX_BODY + 1))


def respond(config: "webadmin.Config", environ: dict[str, str], body: bytes) -> bytes:
    """What webadmin.main() writes for a CGI request, for this one."""
    try:
        response = webadmin.handle(config, webadmin.Request(environ, io.BytesIO(body)))
    except webadmin.HttpError as error:
        response = webadmin.json_response({"error": error.message}, error.status)
    except Exception:  # the unit answers 500 and logs the trace on its console
        traceback.print_exc(file=sys.stderr)
        response = webadmin.json_response({"error": "internal error"}, 500)
    return response.encode()


def serve() -> None:
    webadmin.PBKDF2_ITERATIONS = EMBEDDED_PBKDF2_ITERATIONS
    config = webadmin.Config.load(Path(os.environ[webadmin.CONFIG_ENV]))
    if os.path.exists(SOCKET):
        os.unlink(SOCKET)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(SOCKET)
    server.listen(32)
    while True:
        connection, _ = server.accept()
        with connection:
            connection.settimeout(TIMEOUT_S)
            try:
                environ, body = read_request(connection)
                connection.sendall(respond(config, environ, body))
            except (OSError, ValueError) as error:
                print(f"scgi: dropped a request: {error}", file=sys.stderr)


if __name__ == "__main__":
    serve()
