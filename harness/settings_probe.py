"""Writing a unique probe value to a declared setting, to read it back: the settings checks' one move."""

import secrets

from harness.profile import ProtectedPath
from harness.transports.http import Answer, HttpClient, HttpSession


def new_probe() -> str:
    """A value no unit holds by chance."""
    return f"tekigo-{secrets.token_hex(4)}"


def write_probe(client: HttpClient, protected: ProtectedPath, probe: str,
                session: HttpSession | None = None) -> Answer:
    """Send the declared change of `protected` with {probe} set to `probe` (logged in when `session` is given)."""
    if protected.change is None:
        raise ValueError(f"{protected.path} declares no change")
    return client.send(protected.change, {"probe": probe}, session, default_path=protected.path)[1]
