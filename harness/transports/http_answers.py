"""How a web admin's answers are read as accepted, refused or unclassified: protected pages, tricks, uploads.

The protected content is recognised by the profile's `marker` only: a status code alone discloses nothing
(a HEAD answered 200 has no body, and web servers answer HEAD on their own from a handler that refuses GET).
"""

from harness.transports.http import Answer
from harness.transports.outcome import Classification, Classified


def _raw(answer: Answer) -> str:
    """The answer as evidence names it: status, where it points, and how much body came."""
    location = answer.headers.get("Location")
    return f"HTTP {answer.status}" + (f" to {location}" if location else "") + f", {len(answer.body)} bytes of body"


def classify_protected_read(answer: Answer, path: str, marker: str | None) -> Classified:
    """The plain unauthenticated GET of a protected page: did the unit serve the page or refuse it?"""
    raw = _raw(answer)
    if marker is not None and marker in answer.body:
        return Classified(Classification.ACCEPTED, f"served the protected content ({marker!r})", raw)
    if answer.status in (401, 403):
        return Classified(Classification.REFUSED, f"{answer.status}", raw)
    if 300 <= answer.status < 400 and answer.headers.get("Location", "").split("?")[0] != path:
        return Classified(Classification.REFUSED, f"{answer.status} to {answer.headers.get('Location')}", raw)
    if 200 <= answer.status < 300 and marker is not None:
        return Classified(Classification.REFUSED, f"{answer.status} without the protected content", raw)
    if 200 <= answer.status < 300:
        return Classified(Classification.UNCLASSIFIED, f"{path} answered {answer.status}; declare a `marker` "
                          "to tell a login page from it", raw)
    return Classified(Classification.UNCLASSIFIED, f"{path} answered {answer.status}, neither served nor refused",
                      raw)


def classify_trick(answer: Answer, marker: str) -> Classified:
    """A path or method trick on a page whose plain GET was refused: did its answer disclose the page?

    Only the marker discloses: any other answer, a 2xx without it included, is not a bypass (the check notes
    a 2xx as a finding).
    """
    if marker in answer.body:
        return Classified(Classification.ACCEPTED, f"disclosed the protected content ({marker!r})", _raw(answer))
    why = "answered without the protected content" if answer.accepted else "did not serve the page"
    return Classified(Classification.REFUSED, why, _raw(answer))


# RFC 9110 §15.5: the request's content was judged and turned down (bad, conflicting, too large, wrong type,
# unprocessable). 401/403/3xx judge our session and 404/405 the declared path: neither says anything of the image.
UPLOAD_REFUSED = (400, 409, 412, 413, 415, 422)


def classify_upload(answer: Answer) -> Classified:
    """An update image POSTed to the unit: did it take the image or turn it down?"""
    raw = _raw(answer) + (f": {answer.body[:200]!r}" if answer.body else "")
    if answer.accepted:
        return Classified(Classification.ACCEPTED, f"{answer.status}: the unit took the image", raw)
    if answer.status in UPLOAD_REFUSED:
        return Classified(Classification.REFUSED, f"{answer.status}: the unit turned the image down", raw)
    return Classified(Classification.UNCLASSIFIED, f"{answer.status} does not judge the image (the session, the "
                      "declared path or the unit's own failure)", raw)
