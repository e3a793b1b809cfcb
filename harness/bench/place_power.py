"""A place's power port together with its serial console, recorded while the run holds the place.

labgrid's exporter serves a bench's serial port through ser2net (RFC 2217) once the place is acquired; pyserial
reads it (`rfc2217://host:port`). The power-cut check attaches the console of the boot before the cut, the cut
and the boot after, as it does for a QEMU unit's console.
"""

from dataclasses import dataclass, field

from harness.console import SerialConsole
from harness.power.labgrid_port import LabgridPowerPort

MAX_CONSOLE_EVIDENCE = 256 * 1024


@dataclass
class PlacePower:
    """Switches the place's power port; marks where in the console each power-on began."""

    port: LabgridPowerPort
    console: SerialConsole
    _boots: list[int] = field(default_factory=lambda: [0])

    @property
    def label(self) -> str:
        return f"{self.port.label} with its console"

    def off(self) -> None:
        self.port.off()

    def on(self) -> None:
        self._boots.append(len(self.console.text()))
        self.port.on()

    def console_of_last_boots(self, boots: int = 2) -> str:
        """The console from the start of the last `boots` power-ons (or since the place was held) to now."""
        text = self.console.text()
        start = self._boots[-boots] if boots <= len(self._boots) else 0
        return text[max(start, len(text) - MAX_CONSOLE_EVIDENCE):]
