"""A deadline for a whole HTTP exchange: per-read timeouts alone let a unit dripping bytes hold a check forever.

Sessions from `cuttable_session()` keep a duplicate handle on every connection they open; `cut_after`
shuts the connections used inside its block down once its deadline passes, which ends any read at once.
One watchdog thread per process keeps every block's deadline: a timer thread per exchange was a quarter
of an HTTP credential sweep's CPU.
"""

import heapq
import itertools
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Watch:
    """The connections one exchange used, and whether its deadline cut them."""

    def __init__(self) -> None:
        self.handles: list[socket.socket] = []
        self.expired = False
        self.ended = False  # the block is over: its connections are no longer the watch's to cut
        self._lock = threading.Lock()

    def add(self, handle: socket.socket | None) -> None:
        with self._lock:
            if handle is not None:
                self.handles.append(handle)
                if self.expired:
                    _shut(handle)

    def cut(self) -> None:
        with self._lock:
            if self.ended:
                return
            self.expired = True
            for handle in self.handles:
                _shut(handle)

    def end(self) -> None:
        """The block is over: from now on `cut` leaves its connections alone."""
        with self._lock:
            self.ended = True


class _Watchdog:
    """The process's one thread that cuts each watch whose deadline passes; started on first use."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Watch]] = []  # a heap by deadline; the counter breaks ties
        self._order = itertools.count()
        self._changed = threading.Condition(threading.Lock())
        self._wakes_at = math.inf  # when the thread looks at the heap next, unless woken earlier
        self._thread: threading.Thread | None = None

    def keep(self, watch: Watch, seconds: float) -> None:
        """Cut `watch` `seconds` from now unless it has ended by then."""
        entry = (time.monotonic() + seconds, next(self._order), watch)
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tekigo-http-deadline", daemon=True)
                self._thread.start()
            heapq.heappush(self._due, entry)
            # Waking the thread costs a switch per exchange: only a deadline before its next look needs it.
            if entry[0] < self._wakes_at:
                self._wakes_at = entry[0]
                self._changed.notify()

    def drop(self, watch: Watch) -> None:
        """End `watch`; ended watches leave the heap as they reach its top."""
        watch.end()
        with self._changed:
            while self._due and self._due[0][2].ended:
                heapq.heappop(self._due)

    def _run(self) -> None:
        while True:
            with self._changed:
                while self._due and self._due[0][2].ended:
                    heapq.heappop(self._due)
                now = time.monotonic()
                if not self._due or self._due[0][0] > now:
                    self._wakes_at = self._due[0][0] if self._due else math.inf
                    self._changed.wait(self._wakes_at - now if self._due else None)
                    continue
                watch = heapq.heappop(self._due)[2]
            watch.cut()


_watchdog = _Watchdog()


def _forget_parents_watches() -> None:
    """In a forked child: a new watchdog. The parent's thread is not there, and its watches' sockets are
    shared with the parent, which alone may cut them."""
    global _watchdog
    _watchdog = _Watchdog()


os.register_at_fork(after_in_child=_forget_parents_watches)


_CURRENT: ContextVar[Watch | None] = ContextVar("tekigo_http_watch", default=None)


def _shut(handle: socket.socket) -> None:
    with suppress(OSError):
        handle.shutdown(socket.SHUT_RDWR)


class _Cuttable:
    """Mixed into urllib3's connections: a dup of the socket (it survives TLS wrapping) for the watchdog."""

    _cut_handle: socket.socket | None = None

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        self._cut_handle = sock.dup()
        _register(self._cut_handle)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self._cut_handle)  # a kept-alive connection reused by a later exchange
        super().request(*args, **kwargs)  # type: ignore[misc]

    def close(self) -> None:
        super().close()  # type: ignore[misc]
        if self._cut_handle is not None:
            self._cut_handle.close()
            self._cut_handle = None


def _register(handle: socket.socket | None) -> None:
    watch = _CURRENT.get()
    if watch is not None:
        watch.add(handle)


class _CuttableHTTPConnection(_Cuttable, HTTPConnection):
    pass


class _CuttableHTTPSConnection(_Cuttable, HTTPSConnection):
    pass


class _CuttableHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CuttableHTTPConnection


class _CuttableHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CuttableHTTPSConnection


class _CuttableAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CuttableHTTPPool, "https": _CuttableHTTPSPool}


def cuttable_session() -> requests.Session:
    """A session whose exchanges `cut_after` can end; it ignores proxy and netrc settings of the environment."""
    session = requests.Session()
    session.trust_env = False
    for prefix in ("http://", "https://"):
        session.mount(prefix, _CuttableAdapter())
    return session


@contextmanager
def cut_after(seconds: float) -> Iterator[Watch]:
    """Shut down the connections the block uses once `seconds` have passed; `expired` tells it happened."""
    watch = Watch()
    token = _CURRENT.set(watch)
    _watchdog.keep(watch, seconds)
    try:
        yield watch
    finally:
        _watchdog.drop(watch)
        _CURRENT.reset(token)
