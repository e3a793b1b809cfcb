"""A deadline for a whole HTTP exchange: per-read timeouts alone let a unit dripping bytes hold a check forever.

Sessions from `cuttable_session()` keep a duplicate handle on every connection they open; `cut_after`
shuts the connections used inside its block down once its deadline passes, which ends any read at once.
"""

import socket
import threading
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
        self._lock = threading.Lock()

    def add(self, handle: socket.socket | None) -> None:
        with self._lock:
            if handle is not None:
                self.handles.append(handle)
                if self.expired:
                    _shut(handle)

    def cut(self) -> None:
        with self._lock:
            self.expired = True
            for handle in self.handles:
                _shut(handle)


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
    timer = threading.Timer(seconds, watch.cut)
    timer.daemon = True
    timer.start()
    try:
        yield watch
    finally:
        timer.cancel()
        timer.join()
        _CURRENT.reset(token)
