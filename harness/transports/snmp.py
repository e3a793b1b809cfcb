"""SNMP v2c write probe (pysnmp): which communities let an unauthenticated client change a setting.

Every community is tried at once with its own probe value on one harmless MIB-II text object
(sysContact or sysLocation, RFC 3418); the object is read back and restored afterwards. The SETs go out as
soon as one community has read the original value, so the silent ones' timeouts are waited out once.
"""

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
    set_cmd,
)
from pysnmp.proto.rfc1902 import OctetString
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from harness.evidence import Transcript
from harness.profile import SnmpInterface
from harness.scope import LabScope

SYSTEM_TEXT_OBJECTS = {"sysContact": "1.3.6.1.2.1.1.4.0", "sysLocation": "1.3.6.1.2.1.1.6.0"}
MAX_COMMUNITIES = 16
MAX_VALUE = 255  # DisplayString (SNMPv2-TC)
NO_ANSWER = "no answer"


def write_communities() -> list[str]:
    """The common write communities (data file), bounded to MAX_COMMUNITIES."""
    text = resources.files("harness.credentials").joinpath("dictionaries/snmp-write-communities.txt").read_text()
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(dict.fromkeys(names))[:MAX_COMMUNITIES]


@dataclass(frozen=True)
class Answer:
    """One SNMP exchange: the value read or written, or why there was none."""

    value: str | None
    error: str = ""


@dataclass(frozen=True)
class WriteAttempt:
    """What one community's SET did: refused (with the reason) or accepted by the agent."""

    community: str
    probe: str
    accepted: bool
    detail: str


@dataclass(frozen=True)
class WriteProbe:
    """The result of trying every community: the attempts, the value read back, and whether it was restored."""

    attempts: list[WriteAttempt]
    original: str | None
    read_back: str | None
    restored: bool | None  # None: nothing to restore

    @property
    def written(self) -> list[WriteAttempt]:
        """Communities whose probe value the agent now shows (the change took effect)."""
        return [a for a in self.attempts if self.read_back is not None and a.probe == self.read_back]

    @property
    def accepted(self) -> list[WriteAttempt]:
        return [a for a in self.attempts if a.accepted]

    @property
    def answered(self) -> bool:
        """The agent answered at least one attempt (a silent agent may be down, not refusing)."""
        return any(not a.detail.startswith(NO_ANSWER) for a in self.attempts) or self.original is not None


async def _first_value(gets: list["asyncio.Future[Answer]"]) -> Answer | None:
    """The first GET answer that carries a value, as soon as it comes; None once every GET has failed.

    The SETs wait only for this: a wrong community's GET goes unanswered until its timeout, and waiting
    that out before the SETs (which wait out their own) doubled the check's time.
    """
    for answer in asyncio.as_completed(gets):
        if (read := await answer).value is not None:
            return read
    return None


class SnmpClient:
    """An SNMP v2c client for one declared agent; every exchange goes into the transcript."""

    def __init__(self, address: str, interface: SnmpInterface, scope: LabScope, transcript: Transcript,
                 timeout_s: float = 1.0, retries: int = 1) -> None:
        self.address = str(scope.check(address))
        self.interface = interface
        self.transcript = transcript
        self.timeout_s, self.retries = timeout_s, retries
        self.oid = SYSTEM_TEXT_OBJECTS[interface.writable_object]

    def answers(self, community: str) -> bool:
        """Whether the agent answers a GET of the probe object with `community`."""
        return asyncio.run(self._answers(community))

    async def _answers(self, community: str) -> bool:
        engine = SnmpEngine()
        try:
            target = await UdpTransportTarget.create((self.address, self.interface.port), timeout=self.timeout_s,
                                                     retries=self.retries)
            return (await self._get(engine, target, community)).value is not None
        finally:
            engine.close_dispatcher()

    def read(self, oid: str, community: str) -> Answer:
        """GET the object `oid` with `community`: its value, or why there was none."""
        return asyncio.run(self._read(oid, community))

    async def _read(self, oid: str, community: str) -> Answer:
        engine = SnmpEngine()
        try:
            target = await UdpTransportTarget.create((self.address, self.interface.port), timeout=self.timeout_s,
                                                     retries=self.retries)
            self.transcript.sent(f"SNMPv2c GET {oid} community {community!r}")
            result = await get_cmd(engine, CommunityData(community, mpModel=1), target, ContextData(),
                                   ObjectType(ObjectIdentity(oid)))
            bindings = result[3]
            if bindings and isinstance(bindings[0][1], NoSuchObject | NoSuchInstance | EndOfMibView):
                self.transcript.received(f"community {community!r}: no such object")
                return Answer(None, f"the agent has no object {oid}")
            return self._answer(community, result)
        finally:
            engine.close_dispatcher()

    def probe_writes(self, communities: Sequence[str]) -> WriteProbe:
        """SET a unique probe with each community, read the object back, restore it."""
        return asyncio.run(self._probe_writes(list(communities)))

    async def _probe_writes(self, communities: list[str]) -> WriteProbe:
        engine = SnmpEngine()
        try:
            target = await UdpTransportTarget.create((self.address, self.interface.port), timeout=self.timeout_s,
                                                     retries=self.retries)
            gets = [asyncio.ensure_future(self._get(engine, target, c)) for c in communities]
            first = await _first_value(gets)
            probes = {c: f"tekigo-{secrets.token_hex(4)}-{n}" for n, c in enumerate(communities)}
            sets = await asyncio.gather(*(self._set(engine, target, c, probes[c]) for c in communities))
            reads = await asyncio.gather(*gets)
            readers = [c for c, answer in zip(communities, reads, strict=True) if answer.value is not None]
            original = first.value if first else None
            attempts = [WriteAttempt(c, probes[c], answer.value is not None, answer.error or "set accepted")
                        for c, answer in zip(communities, sets, strict=True)]
            accepted = [a.community for a in attempts if a.accepted]
            read_back, restored = None, None
            if accepted:
                read_back = (await self._get(engine, target, (readers or accepted)[0])).value
                if original is not None:
                    restored = (await self._set(engine, target, accepted[0], original)).value is not None
            return WriteProbe(attempts, original, read_back, restored)
        finally:
            engine.close_dispatcher()

    async def _get(self, engine: SnmpEngine, target: UdpTransportTarget, community: str) -> Answer:
        self.transcript.sent(f"SNMPv2c GET {self.interface.writable_object} ({self.oid}) community {community!r}")
        result = await get_cmd(engine, CommunityData(community, mpModel=1), target, ContextData(),
                               ObjectType(ObjectIdentity(self.oid)))
        return self._answer(community, result)

    async def _set(self, engine: SnmpEngine, target: UdpTransportTarget, community: str, value: str) -> Answer:
        self.transcript.sent(f"SNMPv2c SET {self.interface.writable_object} = {value!r} community {community!r}")
        result = await set_cmd(engine, CommunityData(community, mpModel=1), target, ContextData(),
                               ObjectType(ObjectIdentity(self.oid), OctetString(value[:MAX_VALUE])))
        return self._answer(community, result)

    def _answer(self, community: str, result: tuple[object, object, object, object]) -> Answer:
        indication, status, _, bindings = result
        if indication:
            answer = Answer(None, f"{NO_ANSWER} ({indication})")
        elif status:
            answer = Answer(None, f"refused: {status.prettyPrint()}")  # type: ignore[attr-defined]
        else:
            answer = Answer(str(bindings[0][1])[:MAX_VALUE])  # type: ignore[index]
        self.transcript.received(f"community {community!r}: {answer.error or repr(answer.value)}")
        return answer
