"""swupdate's web upload: the image POSTed as multipart/form-data to its Mongoose server's `/upload`.

The agent answers 200 once it has the bytes ("Ok, <name> - <n> bytes.") and installs afterwards, or
refuses to, on its own. Its websocket tells when it is done and how (harness.update.swupdate_progress);
an agent without one shows whether the image was taken only in what the unit reports later.
"""

from dataclasses import dataclass

import requests

from harness.evidence import Transcript
from harness.scope import LabScope
from harness.transports.http import Answer
from harness.transports.outcome import Unreachable
from harness.update.swupdate_progress import progress_listener

DEFAULT_PORT = 8080
MAX_ANSWER = 4096


@dataclass(frozen=True)
class SwupdateAnswer(Answer):
    """The upload's HTTP answer and, when the agent reported it, how the install ended (SUCCESS or FAILURE)."""

    agent_status: str | None = None


def upload_to_swupdate(address: str, port: int, path: str, name: str, image: bytes, scope: LabScope,
                       transcript: Transcript, timeout_s: float, settle_s: float) -> SwupdateAnswer:
    """POST `image` (as file `name`) to the agent, then wait up to `settle_s` for its report of the install."""
    scope.check(address)
    url = f"http://{address}:{port}{path}"
    with progress_listener(address, port, scope, transcript, timeout_s) as progress:
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
        accepted = 200 <= reply.status_code < 300
        status = progress.final_status(settle_s) if progress is not None and accepted else None
    return SwupdateAnswer(reply.status_code, dict(reply.headers), body, status)
