"""Places a batch's unit runs left locked (a run killed at its deadline cannot release what it holds)."""

from collections.abc import Sequence

from harness.bench.session import CoordinatorError, CoordinatorSession, coordinator_session


def release_leftovers(places: Sequence[str], coordinator: str) -> list[str]:
    """Release those of `places` still acquired by this host and user; what was released or could not be."""
    try:
        with coordinator_session(coordinator) as session:
            return session.call(_release(session, places), timeout_s=30.0)
    except CoordinatorError as error:
        return [f"could not check that places {', '.join(places)} were released: {error}"]


async def _release(session: CoordinatorSession, places: Sequence[str]) -> list[str]:
    import grpc
    from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

    client = session.session
    await client.sync_with_coordinator()
    ours = f"{client.gethostname()}/{client.getuser()}"
    done = []
    for name in places:
        place = client.places.get(name)
        if place is None or place.acquired != ours:
            continue
        try:
            await client.stub.ReleasePlace(pb.ReleasePlaceRequest(placename=name))
            done.append(f"released place {name}, which its unit's run had left locked")
        except grpc.aio.AioRpcError as error:
            done.append(f"could not release place {name}: {error.details()}")
    return done
