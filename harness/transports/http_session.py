"""What a successful web login leaves for later requests, and the answers that mean the unit is locking out."""

from dataclasses import dataclass, field
from typing import Any

import requests

LOCKOUT_STATUSES = (423, 429)


@dataclass
class HttpSession:
    """What a successful login gives: cookies, a token header or auth for later requests."""

    session: requests.Session
    csrf_field: str | None = None
    csrf_token: str | None = None
    token: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
