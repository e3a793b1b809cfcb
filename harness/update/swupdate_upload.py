"""swupdate's web upload: the image POSTed as multipart/form-data to its Mongoose server's `/upload`.

The agent answers 200 once it has the bytes ("Ok, <name> - <n> bytes.") and installs afterwards, or
refuses to, on its own: whether the image was taken shows only in what the unit reports later.
"""

import requests

from harness.evidence import Transcript
from harness.scope import LabScope
from harness.transports.http import Answer
from harness.transports.outcome import Unreachable

DEFAULT_PORT = 8080
MAX_ANSWER = 4096


def upload_to_swupdate(address: str, port: int, path: str, name: str, image: bytes, scope: LabScope,
                       transcript: Transcript, timeout_s: float) -> Answer:
    """POST `image` (as file `name`) to the agent; its answer, body bounded."""
    scope.check(address)
    url = f"http://{address}:{port}{path}"
    transcript.sent(f"POST {url} multipart file {name!r} ({len(image)} bytes)")
    with requests.Session() as session:
        session.trust_env = False  # never through a proxy: the unit is on the lab LAN
        try:
            reply = session.post(url, files={"file": (name, image, "application/octet-stream")},
                                 timeout=timeout_s)
        except requests.RequestException as error:
            transcript.note(f"no answer: {error}")
            raise Unreachable(f"swupdate {address}:{port}: {error}") from error
    body = reply.content[:MAX_ANSWER].decode("utf-8", "replace")
    transcript.received(f"{reply.status_code} {body.strip()}")
    return Answer(reply.status_code, dict(reply.headers), body)
