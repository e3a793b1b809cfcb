"""The unit's own operating-system accounts, as the passwd, group and shadow files bound over its /etc."""

import subprocess
from collections.abc import Sequence

from harness.lab.devices import LOGIN_SHELL, Account
from harness.lab.errors import LabError

HOME = "/"
LAST_CHANGE_DAYS = 19000  # shadow's "last changed" day of the factory accounts


def sha512_crypt(password: str) -> str:
    """A `$6$` hash as crypt(3), busybox login and dropbear read it."""
    done = subprocess.run(
        ["openssl", "passwd", "-6", "-stdin"], input=password + "\n",
        capture_output=True, text=True, timeout=10, check=False,
    )
    if done.returncode != 0:
        raise LabError(f"openssl passwd failed: {done.stderr.strip()}")
    return done.stdout.strip()


def passwd_file(accounts: Sequence[Account]) -> str:
    return "".join(f"{a.name}:x:{a.uid}:{a.uid}:{a.name}:{HOME}:{a.shell}\n" for a in accounts)


def group_file(accounts: Sequence[Account]) -> str:
    return "".join(f"{a.name}:x:{a.uid}:\n" for a in accounts)


def shadow_file(accounts: Sequence[Account]) -> str:
    """Hashed passwords; an account without a password is locked with `!`, an empty one leaves the field empty."""
    return "".join(f"{a.name}:{password_field(a.password)}:{LAST_CHANGE_DAYS}:0:99999:7:::\n" for a in accounts)


def password_field(password: str | None) -> str:
    """shadow's second field: `!` (locked), empty (no password: dropbear -B lets it in) or a `$6$` hash."""
    if password is None:
        return "!"
    return sha512_crypt(password) if password else ""


def shells_file(accounts: Sequence[Account] = ()) -> str:
    """dropbear refuses a login whose shell is not listed here."""
    return "".join(f"{shell}\n" for shell in dict.fromkeys([LOGIN_SHELL, *(a.shell for a in accounts)]))
