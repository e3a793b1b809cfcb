"""A labgrid coordinator session (gRPC) on an event loop of its own thread, so the run's thread never waits on it.

The session keeps labgrid's live view of places and resources (the coordinator streams every change); the run
submits coroutines to its loop and waits for each at most a deadline.
"""

import asyncio
import contextlib
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

T = TypeVar("T")
DEFAULT_COORDINATOR = "127.0.0.1:20408"  # labgrid's default, as LG_COORDINATOR would name it
CONNECT_TIMEOUT_S = 10.0


class CoordinatorError(Exception):
    """The coordinator could not be reached or refused a request; the message says which and why."""


class CoordinatorSession:
    """Connected on creation; `close()` ends the stream and the thread."""

    def __init__(self, address: str, connect_timeout_s: float = CONNECT_TIMEOUT_S) -> None:
        self.address = address
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._error: BaseException | None = None
        self.session: Any = None
        self._thread = threading.Thread(target=self._serve, name=f"labgrid {address}", daemon=True)
        self._thread.start()
        if not self._started.wait(connect_timeout_s):
            self._loop.call_soon_threadsafe(self._loop.stop)
            raise CoordinatorError(f"labgrid coordinator {address}: no session within {connect_timeout_s:.0f} s")
        if self._error is not None:
            raise CoordinatorError(f"labgrid coordinator {address}: {self._error}") from self._error

    def _serve(self) -> None:
        from labgrid.remote.client import start_session

        asyncio.set_event_loop(self._loop)
        try:
            self.session = start_session(self.address, loop=self._loop)
        except Exception as error:  # labgrid raises its own ServerError, ConnectionRefusedError or a gRPC error
            self._error = error
            self._started.set()
            return
        self._started.set()
        self._loop.run_forever()

    def call(self, coroutine: Coroutine[Any, Any, T], timeout_s: float = 10.0) -> T:
        """Run `coroutine` on the session's loop; its result, or CoordinatorError after `timeout_s`."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout_s)
        except FutureTimeout as error:
            future.cancel()
            raise CoordinatorError(f"labgrid coordinator {self.address}: no answer within {timeout_s:.0f} s") from error

    @property
    def connected(self) -> bool:
        """The coordinator's update stream still runs."""
        return self.session is not None and not self.session.stopping.is_set()

    def close(self) -> None:
        if self.session is not None and self._loop.is_running():
            with contextlib.suppress(CoordinatorError):  # the loop is stopped below either way
                self.call(self._stop(), timeout_s=5.0)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5.0)

    async def _stop(self) -> None:
        await self.session.stop()
        await self.session.close()


_shared: dict[str, tuple[CoordinatorSession, int]] = {}
_shared_lock = threading.Lock()


@contextlib.contextmanager
def coordinator_session(address: str) -> Iterator[CoordinatorSession]:
    """The process's one session with the coordinator at `address`, opened on first use, closed after the last.

    One, because gRPC shares a connection between channels to the same address and labgrid's coordinator
    knows a client by its connection: a second session from the same process would be refused.
    """
    with _shared_lock:
        session, users = _shared.get(address) or (None, 0)
        if session is None or not session.connected:
            session = CoordinatorSession(address)
        _shared[address] = (session, users + 1)
    try:
        yield session
    finally:
        with _shared_lock:
            session, users = _shared[address]
            if users > 1:
                _shared[address] = (session, users - 1)
            else:
                del _shared[address]
                session.close()
