"""How the answer to an unauthenticated request for a protected page is read: served, or refused."""

from harness.transports.http import Answer
from harness.verdict import Inconclusive


def refusal(answer: Answer, path: str, marker: str | None) -> str | None:
    """Why `answer` is a refusal, or None when it served the protected content."""
    if answer.status in (401, 403):
        return f"{answer.status}"
    if 300 <= answer.status < 400 and answer.headers.get("Location", "").split("?")[0] != path:
        return f"{answer.status} to {answer.headers.get('Location')}"
    if 200 <= answer.status < 300:
        if marker is None:
            raise Inconclusive(f"{path} answered {answer.status}; declare a `marker` to tell a login page from it")
        return None if marker in answer.body else f"{answer.status} without the protected content"
    raise Inconclusive(f"{path} answered {answer.status}, neither served nor refused")
