"""A networked power switch operated through labgrid: its NetworkPowerPort resource and NetworkPowerDriver.

labgrid's power backends (`labgrid/driver/power/<model>.py`: shelly_gen1, shelly_gen2, gude, netio, raritan, …)
take `host` (most of them a URL), `index` and a value, and set no socket timeout; each call therefore runs in a
worker thread the caller waits for at most `timeout_s`. After every switch the state is read back through the
driver (`NetworkPowerDriver.get`): a switch that reports the other state is a PowerError, not taken on trust.
"""

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from harness.power.protocol import PowerError

T = TypeVar("T")


@dataclass
class LabgridPowerPort:
    """Outlet `index` of the `model` switch at `host`, switched by labgrid's NetworkPowerDriver."""

    model: str
    host: str
    index: int
    extra: dict[str, Any] = field(default_factory=dict)  # what an exporter publishes beside the port (proxy)
    timeout_s: float = 10.0
    label: str = ""  # how errors name the switch (never the host URL: it may carry a password)

    def __post_init__(self) -> None:
        from labgrid import Target
        from labgrid.driver import NetworkPowerDriver
        from labgrid.exceptions import InvalidConfigError
        from labgrid.factory import target_factory

        self.label = self.label or f"{self.model} outlet {self.index}"
        try:
            target = Target(f"tekigo-power-{self.model}-{self.index}")
            port = target_factory.make_resource(target, "NetworkPowerPort", "power",
                                                {"model": self.model, "host": self.host, "index": str(self.index)})
            port.extra = dict(self.extra)
            self._driver = NetworkPowerDriver(target, "power", delay=1.0)
            target.activate(self._driver)
        except (InvalidConfigError, ModuleNotFoundError, ValueError, TypeError) as error:
            raise PowerError(f"{self.label}: labgrid cannot drive it: {error}") from error

    def off(self) -> None:
        self._switch(False)

    def on(self) -> None:
        self._switch(True)

    def state(self) -> bool:
        """What the switch reports now (True: on)."""
        return bool(self._bounded("read the state", self._driver.get))

    def _switch(self, on: bool) -> None:
        self._bounded(f"switch {'on' if on else 'off'}", self._driver.on if on else self._driver.off)
        reported = self.state()
        if reported is not on:
            raise PowerError(f"{self.label} reports {'on' if reported else 'off'} after it was switched "
                             f"{'on' if on else 'off'}")

    def _bounded(self, action: str, call: Callable[[], T]) -> T:
        """`call()` in a worker thread, waited for at most `timeout_s`; any error it raises is a PowerError."""
        outcome: list[Any] = []

        def work() -> None:
            try:
                outcome.append(("done", call()))
            except Exception as error:  # a backend raises what its HTTP, SNMP or socket library raises
                outcome.append(("error", error))

        worker = threading.Thread(target=work, name=f"power {self.label}", daemon=True)
        worker.start()
        worker.join(self.timeout_s)
        if not outcome:
            raise PowerError(f"{self.label}: no answer to {action} within {self.timeout_s:.0f} s")
        kind, value = outcome[0]
        if kind == "error":
            raise PowerError(f"{self.label}: could not {action}: {type(value).__name__}: "
                             f"{_without_userinfo(str(value))[:200]}") from value
        return value  # type: ignore[no-any-return]


def _without_userinfo(text: str) -> str:
    """An error text with any `user:password@` of a URL cut out."""
    return re.sub(r"//[^/@\s]+@", "//", text)
