"""swupdate's own account of an install: the status messages its web server pushes to websocket clients.

The agent answers an upload once it has the bytes and installs afterwards. Its Mongoose server
broadcasts every status change of the install (START, RUN, then SUCCESS or FAILURE) to each websocket
client; it keeps none for a client that connects later, so the listener opens before the upload.
Knowing that the agent is done with an image replaces waiting out the declared settle time.
"""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import websocket

from harness.evidence import Transcript
from harness.scope import LabScope
from harness.transports.outcome import Unreachable, open_tcp

FINAL = ("SUCCESS", "FAILURE")
BEGUN = ("DOWNLOAD", "START", "RUN")
# What the agent says once it waits for the next request (its notify(IDLE, ...) in core/stream_interface.c).
IDLE_TEXT = "Waiting for requests..."
MAX_MESSAGE = 8192


class ProgressListener:
    """An open websocket on the agent's web server, reading its status messages."""

    def __init__(self, connection: websocket.WebSocket, transcript: Transcript) -> None:
        self.connection = connection
        self.transcript = transcript

    def final_status(self, within_s: float) -> str | None:
        """SUCCESS or FAILURE once the agent has reported the end of an install and is waiting for the next
        request (it refuses an upload until then); None if it did not report an end within `within_s`."""
        deadline = time.monotonic() + within_s
        begun = False  # an install that began after the listener opened: what came before is an older one's
        final, idle = None, False
        while (left := deadline - time.monotonic()) > 0:
            self.connection.settimeout(left)
            try:
                frame = self.connection.recv()
            except (websocket.WebSocketException, OSError) as error:
                self.transcript.note(f"swupdate progress: no further message ({error!r})")
                return final
            text = (frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame)[:MAX_MESSAGE]
            self.transcript.received(f"swupdate progress: {' '.join(text.split())}")
            message = _message(text)
            status = message.get("status") if message.get("type") == "status" else None
            if begun:
                final = status if status in FINAL else final
                idle = idle or (message.get("type") == "message" and message.get("text") == IDLE_TEXT)
            begun = begun or status in BEGUN
            if final is not None and idle:
                return final
        self.transcript.note(f"swupdate progress: {f'{final}, but not idle again' if final else 'no end'} "
                             f"within {within_s:g} s")
        return final


def _message(text: str) -> dict[str, object]:
    """One of the agent's JSON messages (`{"type": "status", "status": ...}`, ...); empty if it is not one."""
    try:
        message = json.loads(text)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}


@contextmanager
def progress_listener(address: str, port: int, scope: LabScope, transcript: Transcript,
                      timeout_s: float) -> Iterator[ProgressListener | None]:
    """A listener on the agent's websocket for the block; None when the agent's server offers none."""
    try:
        sock = open_tcp("swupdate progress", address, port, scope, transcript, timeout_s)
    except Unreachable:
        yield None
        return
    connection = websocket.WebSocket()
    try:
        connection.connect(f"ws://{address}:{port}/ws", socket=sock, timeout=timeout_s,
                           suppress_origin=True)
    except (websocket.WebSocketException, OSError) as error:
        transcript.note(f"swupdate progress: no websocket ({error!r}); the declared settle time is waited out")
        sock.close()
        yield None
        return
    transcript.received("swupdate progress: websocket open")
    try:
        yield ProgressListener(connection, transcript)
    finally:
        connection.shutdown()
