#!/usr/bin/env python3
"""The unit's update agent: installs the images its admin hands over a Unix socket, by the web admin's update logic.

Privilege separation as swupdate's IPC does it: the agent runs as root, its socket is open to the admin
group only (0660), so the admin account installs an image, verified exactly as an upload to the web admin
is, without a root shell, a setuid program or a sudo rule. One image per connection: the client sends it
and shuts its side; the agent answers one line, "installed <version>" or "refused: <reason>".
Standalone like webadmin.py, beside which it runs: `update_agent.py CONFIG SOCKET GID`.
"""

from __future__ import annotations

import os
import socket
import sys
import traceback
from pathlib import Path

from webadmin import MAX_BODY, Config, HttpError, Unit

CONNECTION_TIMEOUT_S = 30.0
VERSION_REQUEST = b"VERSION\n"  # `fw_update --version`: the answer is "firmware <version>"


def read_image(connection: socket.socket) -> bytes | None:
    """Everything the client sent; None when it is more than an image may be."""
    chunks, size = [], 0
    while chunk := connection.recv(65536):
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def answer(config: Config, connection: socket.socket) -> str:
    image = read_image(connection)
    if image is None:
        return f"refused: image larger than {MAX_BODY} bytes"
    if image == VERSION_REQUEST:
        return f"firmware {Unit(config).firmware_version()}"
    try:
        return f"installed {Unit(config).install(image)}"
    except HttpError as error:
        return f"refused: {error.message}"
    except Exception:  # as the web admin: the client gets a refusal, the console log the trace
        traceback.print_exc(file=sys.stderr)
        return "refused: internal error"


def serve(config: Config, listener: socket.socket) -> None:
    while True:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(CONNECTION_TIMEOUT_S)
            try:
                connection.sendall((answer(config, connection) + "\n").encode())
            except OSError as error:
                print(f"update agent: dropped a connection: {error}", file=sys.stderr)


def main() -> int:
    config_file, socket_path, group = sys.argv[1], sys.argv[2], int(sys.argv[3])
    config = Config.load(Path(config_file))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        previous = os.umask(0o177)  # the socket is born 0600; it is opened to the admin group below
        listener.bind(socket_path)
        os.umask(previous)
        os.chown(socket_path, 0, group)
        os.chmod(socket_path, 0o660)
        listener.listen(4)
        serve(config, listener)
    return 0


if __name__ == "__main__":
    sys.exit(main())
