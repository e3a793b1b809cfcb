"""`--netns NAME`: the command runs again inside that network namespace (`ip netns exec`), without the option."""

import os
import sys
from pathlib import Path
from typing import NoReturn

from harness.exits import UsageError

NETNS_DIR = Path("/run/netns")  # where `ip netns add` names its namespaces
OPTION = "--netns"
LAB_HINT = "bring the reference lab up first (`sudo .venv/bin/tekigo lab up`: it makes tekigo-tester)"


def reexec_in_namespace(namespace: str, command_line: list[str]) -> NoReturn:
    """Run `tekigo COMMAND_LINE` (less --netns) in `namespace`; a usage error when it is missing or not root."""
    check_namespace(namespace)
    if os.geteuid() != 0:
        raise UsageError("--netns needs root (it enters a network namespace)")
    command = ["ip", "netns", "exec", namespace, sys.executable, "-m", "harness.cli", *without_netns(command_line)]
    os.execvp("ip", command)


def check_namespace(namespace: str) -> None:
    """A usage error naming the namespace when `ip netns` has none of that name."""
    if not namespace or "/" in namespace or namespace in (".", ".."):
        raise UsageError(f"--netns {namespace!r} is not a network namespace name")
    if not (NETNS_DIR / namespace).exists():
        raise UsageError(f"there is no network namespace {namespace!r} (see `ip netns list`); {LAB_HINT}")


def without_netns(command_line: list[str]) -> list[str]:
    """The command line less its --netns option, however argparse took it: `--netns X`, `--netns=X`, `--net X`."""
    kept: list[str] = []
    tokens = iter(command_line)
    for token in tokens:
        if token == "--":
            kept += [token, *tokens]
            break
        name, equals, _ = token.partition("=")
        if len(name) > 2 and OPTION.startswith(name):
            if not equals:
                next(tokens, None)
            continue
        kept.append(token)
    return kept
