"""One piece of a check's work run ahead in a daemon thread: its result, or its exception, handed over later."""

import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from harness.verdict import Inconclusive

Result = TypeVar("Result")
POLL_S = 1.0  # how often a waiting check looks for news (and lets a Ctrl-C through)


class Background(Generic[Result]):
    """Runs `work(tell)` in a daemon thread; `tell(text)` queues a progress line for whoever waits."""

    def __init__(self, name: str, work: Callable[[Callable[[str], None]], Result]) -> None:
        self.news: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._work = work
        self._done = threading.Event()
        self._result: Result | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._work(self.news.put)
        except BaseException as error:  # handed over to the waiting check, raised there as if inline
            self._error = error
        finally:
            self._done.set()

    def wait(self, timeout_s: float, show: Callable[[str], None] | None = None) -> Result:
        """The work's result, or its exception raised here; INCONCLUSIVE if it outlasts `timeout_s`."""
        ends = time.monotonic() + timeout_s
        while not self._done.wait(min(POLL_S, max(0.0, ends - time.monotonic()))):
            self._show(show)
            if time.monotonic() >= ends:
                raise Inconclusive(f"{self._thread.name} did not end within {timeout_s:.0f} s")
        self._show(show)
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]  # set whenever no error was

    def _show(self, show: Callable[[str], None] | None) -> None:
        while not self.news.empty():
            text = self.news.get()
            if show is not None:
                show(text)
