"""Keeping a unit's side-by-side sweeps abreast: none dispatches far ahead of the slowest one.

The unit's audit waits for its slowest sweep (SSH against dropbear: one user name a connection and a
delay after every failure) anyway. A faster sweep racing ahead (HTTP against a web admin hashing with
PBKDF2) only loads the unit and the tester while the slow one still runs; kept abreast, it spreads the
same attempts over the time the audit takes in any case. Measured on 8 copies of r1 audited at once on 2
cores: the batch took 112-132 s (six runs) instead of 135 s, one unit alone the same 85-88 s.
"""

import threading

LEAD = 0.05  # how far (share of its pairs) a sweep may dispatch ahead of the slowest one


class Pacer:
    """The progress of every sweep of one unit that runs side by side with the others."""

    def __init__(self, lead: float = LEAD) -> None:
        self.lead = lead
        self._progress: dict[str, float] = {}
        self._changed = threading.Condition()

    def join(self, name: str) -> "Pace":
        """Register the sweep `name` (at 0 % until it reports) and return its handle."""
        with self._changed:
            self._progress[name] = 0.0
        return Pace(self, name)

    def report(self, name: str, progress: float) -> bool:
        """Record `name`'s progress; whether it is more than `lead` ahead of the slowest other sweep."""
        with self._changed:
            if self._progress.get(name) != progress:
                self._progress[name] = progress
                self._changed.notify_all()
            others = [value for key, value in self._progress.items() if key != name]
        return bool(others) and progress > min(others) + self.lead

    def wait(self, timeout_s: float) -> None:
        """Until some sweep reports progress or leaves, at most `timeout_s`."""
        with self._changed:
            self._changed.wait(timeout_s)

    def leave(self, name: str) -> None:
        """`name` is over: it holds no other back any more."""
        with self._changed:
            self._progress.pop(name, None)
            self._changed.notify_all()


class Pace:
    """One sweep's handle on its unit's Pacer."""

    def __init__(self, pacer: Pacer, name: str) -> None:
        self.pacer = pacer
        self.name = name

    def ahead(self, progress: float) -> bool:
        """Report `progress` (share of pairs dispatched); True while the sweep should hold back."""
        return self.pacer.report(self.name, progress)

    def wait(self, timeout_s: float) -> None:
        """Wait for another sweep's progress, at most `timeout_s`."""
        self.pacer.wait(timeout_s)

    def leave(self) -> None:
        """The sweep is over: it holds no other back any more."""
        self.pacer.leave(self.name)
