"""A labgrid place held for one run: reserved, then locked (acquired) at the coordinator, released at the end.

A place that someone else holds (acquired, or reserved for another user) is reported and never taken: tekigo
does not kick. While the place is held, `lost()` says whether the bench behind it is gone: the exporter that
published one of its resources disconnected (the coordinator deletes its resources) or marked it unavailable,
or the coordinator itself went away.
"""

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from harness.bench.session import CoordinatorError, CoordinatorSession

RESERVE_WAIT_S = 10.0  # a free place is allocated at once; a reservation still waiting after this is someone else's
POLL_S = 0.5
SERVICE_START_S = 5.0


class PlaceHeld(Exception):
    """The place is held (acquired or reserved) by someone else: the unit is not run, nothing is taken."""


class PlaceError(Exception):
    """The place does not exist or the coordinator refused it for another reason."""


@dataclass(frozen=True)
class BenchResource:
    """One resource of the place, as its exporter published it."""

    exporter: str
    group: str
    cls: str
    name: str
    args: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


class PlaceLease:
    """Reserve and lock `place` through `coordinator`; `release()` gives back whatever was taken."""

    def __init__(self, coordinator: CoordinatorSession, place: str, reserve_wait_s: float = RESERVE_WAIT_S) -> None:
        self.coordinator = coordinator
        self.place = place
        self.reserve_wait_s = reserve_wait_s
        self.token: str | None = None
        self.locked = False
        self.resources: list[BenchResource] = []

    def acquire(self) -> list[BenchResource]:
        """Reserve, then lock the place; its resources. PlaceHeld when someone else has it."""
        self.coordinator.call(self._check_free())
        self.token = self.coordinator.call(self._reserve(), timeout_s=self.reserve_wait_s + 10)
        self.coordinator.call(self._lock())
        self.locked = True
        self.resources = self.coordinator.call(self._resources())
        return self.resources

    def release(self) -> list[str]:
        """Unlock the place and cancel the reservation; the problems met (none when all went back)."""
        problems = []
        for what, step in (("unlock", self._unlock), ("cancel the reservation of", self._cancel)):
            try:
                self.coordinator.call(step())
            except (CoordinatorError, PlaceError) as error:
                problems.append(f"could not {what} place {self.place}: {error}")
        return problems

    def lost(self) -> str | None:
        """Why the bench behind the place is gone, or None while all its resources are there."""
        if not self.coordinator.connected:
            return f"the coordinator {self.coordinator.address} is gone"
        return self.coordinator.call(self._missing())

    @property
    def _client(self) -> Any:
        return self.coordinator.session

    async def _check_free(self) -> None:
        await self._client.sync_with_coordinator()
        place = self._client.places.get(self.place)
        if place is None:
            known = ", ".join(sorted(self._client.places)) or "none"
            raise PlaceError(f"no place {self.place!r} at the coordinator {self.coordinator.address} (places: {known})")
        if place.acquired:
            since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(place.changed))
            raise PlaceHeld(f"place {self.place} is held by {place.acquired} (since {since}); not taken")
        if place.reservation:
            raise PlaceHeld(f"place {self.place} is reserved (reservation {place.reservation}); not taken")

    async def _reserve(self) -> str:
        from labgrid.remote.common import Reservation, ReservationState
        from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

        request = pb.CreateReservationRequest(filters={"main": pb.Reservation.Filter(filter={"name": self.place})},
                                              prio=0.0)
        response = await self._rpc(self._client.stub.CreateReservation(request))
        token = response.reservation.token
        deadline = time.monotonic() + self.reserve_wait_s
        while True:
            polled = await self._rpc(self._client.stub.PollReservation(pb.PollReservationRequest(token=token)))
            reservation = Reservation.from_pb2(polled.reservation)
            if reservation.state is not ReservationState.waiting:
                break
            if time.monotonic() > deadline:
                await self._rpc(self._client.stub.CancelReservation(pb.CancelReservationRequest(token=token)))
                raise PlaceHeld(f"place {self.place} was not allocated within {self.reserve_wait_s:.0f} s: "
                                "another reservation holds it; not taken")
            await asyncio.sleep(POLL_S)
        if reservation.allocations.get("main") != [self.place]:
            raise PlaceError(f"reservation {token} for place {self.place} is {reservation.state.name} "
                             f"with {reservation.allocations}")
        return str(token)

    async def _lock(self) -> None:
        import grpc
        from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

        try:
            await self._client.stub.AcquirePlace(pb.AcquirePlaceRequest(placename=self.place))
        except grpc.aio.AioRpcError as error:
            if "already acquired" in (error.details() or ""):
                raise PlaceHeld(f"place {self.place}: {error.details()}; not taken") from error
            raise PlaceError(f"place {self.place}: the coordinator refused the lock: {error.details()}") from error
        await self._client.sync_with_coordinator()

    async def _resources(self) -> list[BenchResource]:
        place = self._client.places[self.place]
        found = []
        for exporter, group, cls, name in place.acquired_resources:
            entry = self._client.resources.get(exporter, {}).get(group, {}).get(name)
            deadline = time.monotonic() + SERVICE_START_S
            # an exporter starts a served resource (ser2net for a serial port) once the place is acquired
            while entry is not None and entry.data and entry.data.get("params", {}).get("port", 0) is None \
                    and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            if entry is None or not entry.data or not entry.avail:
                raise PlaceError(f"place {self.place}: resource {exporter}/{group}/{cls}/{name} is not available")
            found.append(BenchResource(exporter, group, cls, name, dict(entry.args), dict(entry.extra)))
        if not found:
            raise PlaceError(f"place {self.place} has no resources: no exporter publishes what its matches name")
        return found

    async def _missing(self) -> str | None:
        for resource in self.resources:
            entry = self._client.resources.get(resource.exporter, {}).get(resource.group, {}).get(resource.name)
            if entry is None or not entry.data:
                return f"exporter {resource.exporter} is gone (its {resource.cls} {resource.group}/{resource.name})"
            if not entry.avail:
                return f"exporter {resource.exporter} reports {resource.group}/{resource.name} unavailable"
        return None

    async def _unlock(self) -> None:
        from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

        if self.locked:
            await self._rpc(self._client.stub.ReleasePlace(pb.ReleasePlaceRequest(placename=self.place)))
            self.locked = False

    async def _cancel(self) -> None:
        from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

        if self.token is not None:
            await self._rpc(self._client.stub.CancelReservation(pb.CancelReservationRequest(token=self.token)))
            self.token = None

    @staticmethod
    async def _rpc(call: Any) -> Any:
        import grpc

        try:
            return await call
        except grpc.aio.AioRpcError as error:
            raise PlaceError(f"the coordinator refused: {error.details()}") from error
