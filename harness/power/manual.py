"""Manual power: the operator switches the supply when asked on the terminal."""

import sys
from dataclasses import dataclass

from harness.power.protocol import PowerError


@dataclass(frozen=True)
class ManualPower:
    """Asks the operator; without a terminal to ask on, fails at once instead of hanging."""

    def off(self) -> None:
        self._ask("Cut the unit's power now (pull the plug), then press Enter: ")

    def on(self) -> None:
        self._ask("Restore the unit's power now, then press Enter: ")

    def _ask(self, prompt: str) -> None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise PowerError("manual power needs an operator at a terminal; this run has none")
        try:
            with open("/dev/tty", "r+", encoding="utf-8") as tty:
                tty.write(prompt)
                tty.flush()
                tty.readline()
        except OSError as error:
            raise PowerError(f"cannot ask the operator: {error}") from error
