#!/usr/bin/python3 -I
"""`fw_update IMAGE`, the unit's update command: hands IMAGE to its update agent and prints the answer.

Exit status 0 when the agent installed the image, 1 when it refused it, 2 when it could not be asked.
`fw_update --version` prints the installed firmware's version ("firmware 1.0.0").
Runs as the unit's admin account with the system's Python (stdlib only): the lab's virtualenv is root's.
"""

import socket
import sys
from pathlib import Path

AGENT_SOCKET = "/run/fw_update.sock"
TIMEOUT_S = 60.0
MAX_ANSWER = 4096
MAX_IMAGE = 1 << 20  # the agent refuses anything larger; one byte more shows it the excess
VERSION_REQUEST = b"VERSION\n"  # what the agent answers with "firmware <version>" (no image starts so)


def ask_agent(image: bytes) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as agent:
        agent.settimeout(TIMEOUT_S)
        agent.connect(AGENT_SOCKET)
        agent.sendall(image)
        agent.shutdown(socket.SHUT_WR)
        reply = b""
        while len(reply) < MAX_ANSWER and (chunk := agent.recv(MAX_ANSWER)):
            reply += chunk
    return reply[:MAX_ANSWER].decode("utf-8", "replace").strip()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: fw_update IMAGE | fw_update --version", file=sys.stderr)
        return 2
    try:
        if argv[1] == "--version":
            request = VERSION_REQUEST
        else:
            with Path(argv[1]).open("rb") as file:
                request = file.read(MAX_IMAGE + 1)
        reply = ask_agent(request)
    except OSError as error:
        print(f"fw_update: {error}", file=sys.stderr)
        return 2
    print(reply)
    return 0 if reply.startswith(("installed ", "firmware ")) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
