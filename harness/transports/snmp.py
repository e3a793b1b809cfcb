"""SNMP write probe (pysnmp): which communities let an unauthenticated client change a setting.

Every community is tried at once on several harmless MIB-II text objects (the declared one first, then
sysName, sysContact and sysLocation, RFC 3418), each SET with its own probe value; every answer is read as
accepted, refused or unclassified by `classify_set`, written objects are read back and restored. The SETs
go out as soon as one community has read the original values, so the silent ones' timeouts are waited out once.
SNMPv2c first; an agent silent in v2c is probed again in SNMPv1.
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
from harness.transports.outcome import Classification, Classified

SYSTEM_TEXT_OBJECTS = {"sysName": "1.3.6.1.2.1.1.5.0", "sysContact": "1.3.6.1.2.1.1.4.0",
                       "sysLocation": "1.3.6.1.2.1.1.6.0"}  # tried in this order after the declared one
MAX_COMMUNITIES = 16
MAX_VALUE = 255  # DisplayString (SNMPv2-TC)
NO_ANSWER = "no answer"
SNMP_V1, SNMP_V2C = 0, 1  # the message version field (and pysnmp's mpModel)
VERSION_NAMES = {SNMP_V1: "SNMPv1", SNMP_V2C: "SNMPv2c"}

# error-status numbers (RFC 3416 §3; 0-5 are also RFC 1157's).
ERROR_STATUS = {0: "noError", 1: "tooBig", 2: "noSuchName", 3: "badValue", 4: "readOnly", 5: "genErr",
                6: "noAccess", 7: "wrongType", 8: "wrongLength", 9: "wrongEncoding", 10: "wrongValue",
                11: "noCreation", 12: "inconsistentValue", 13: "resourceUnavailable", 14: "commitFailed",
                15: "undoFailed", 16: "authorizationError", 17: "notWritable", 18: "inconsistentName"}
# RFC 3416 §4.2.5: an agent answers noAccess (or authorizationError, §4.2) when the community's view refuses the
# SET; every later step (notWritable, wrongType ... inconsistentName, resourceUnavailable, commitFailed,
# undoFailed) runs only after that check passed, so the community reached the MIB. net-snmp 5.9 answers a
# read-only community noAccess, and a write community notWritable on an object snmpd.conf fixes
# (tests/answers/snmp-sets.txt).
V2C_REFUSED = {6, 16}
V2C_PAST_ACCESS_CHECK = {7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18}
# RFC 3584 §4.4 maps noAccess, notWritable, noCreation, inconsistentName and authorizationError all to v1's
# noSuchName, and net-snmp answers noSuchName to both a read-only community and a write community on a fixed
# object: a v1 noSuchName (or readOnly, which RFC 1157 agents send for either) does not tell them apart.
# badValue comes after RFC 1157 §4.1.5's view check, so the community was accepted.
V1_PAST_ACCESS_CHECK = {3}


def classify_set(version: int, error_status: int | None, agent_answers: bool) -> Classified:
    """Whether the agent accepted the community of one SET, from its error-status (None: no answer).

    An agent discards a message with an unknown community without answering (RFC 1157 §4.1, RFC 3584 §5.2.1;
    net-snmp does, sending only an authenticationFailure trap), so silence is a refusal only from an agent that
    is shown to be answering; otherwise it is unclassified (the agent may be down).
    """
    if error_status is None:
        if agent_answers:
            return Classified(Classification.REFUSED, "no answer: the agent discards an unknown community", NO_ANSWER)
        return Classified(Classification.UNCLASSIFIED, "no answer, and the agent answered nothing else", NO_ANSWER)
    name = ERROR_STATUS.get(error_status, "unknown")
    raw = f"error-status {name} ({error_status})"
    if error_status == 0:
        return Classified(Classification.ACCEPTED, "the SET was performed (noError)", raw)
    if version == SNMP_V2C and error_status in V2C_REFUSED:
        return Classified(Classification.REFUSED, f"{name}: the community may not write", raw)
    if error_status in (V2C_PAST_ACCESS_CHECK if version == SNMP_V2C else V1_PAST_ACCESS_CHECK):
        return Classified(Classification.ACCEPTED, f"{name}: the community passed the access check and the "
                          "object refused the value", raw)
    return Classified(Classification.UNCLASSIFIED, f"{name} does not tell a refused community from an object "
                      "that cannot be written", raw)


def write_communities() -> list[str]:
    """The common write communities (data file), bounded to MAX_COMMUNITIES."""
    text = resources.files("harness.credentials").joinpath("dictionaries/snmp-write-communities.txt").read_text()
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(dict.fromkeys(names))[:MAX_COMMUNITIES]


@dataclass(frozen=True)
class Answer:
    """One SNMP exchange: the value read or written, or why there was none (`status`: the error-status)."""

    value: str | None
    error: str = ""
    status: int | None = None


@dataclass(frozen=True)
class WriteAttempt:
    """What one community's SET of one object did, and how its answer was classified."""

    community: str
    object: str
    probe: str
    status: int | None  # the error-status; None: no answer
    answer: Classified

    @property
    def performed(self) -> bool:
        """The agent answered noError: it says it wrote the probe."""
        return self.status == 0


@dataclass(frozen=True)
class WriteProbe:
    """Every SET tried, the objects' original and read-back values, and whether each written one was restored."""

    attempts: list[WriteAttempt]
    originals: dict[str, str | None]
    read_back: dict[str, str | None]
    restored: dict[str, bool]  # the objects a SET was performed on
    version: int = SNMP_V2C

    @property
    def written(self) -> list[WriteAttempt]:
        """SETs whose probe value the agent now shows (the change took effect)."""
        return [a for a in self.attempts if a.performed and self.read_back.get(a.object) == a.probe]

    @property
    def accepted(self) -> list[WriteAttempt]:
        """SETs whose community the agent accepted (performed, or past its access check)."""
        return [a for a in self.attempts if a.answer.accepted]

    @property
    def unclassified(self) -> list[WriteAttempt]:
        return [a for a in self.attempts if a.answer.classification is Classification.UNCLASSIFIED]

    @property
    def answered(self) -> bool:
        """The agent answered something (a silent agent may be down, not refusing)."""
        return any(a.answer.raw != NO_ANSWER for a in self.attempts) or any(
            v is not None for v in self.originals.values())


async def _first_values(gets: "list[asyncio.Future[dict[str, Answer]]]") -> dict[str, Answer] | None:
    """The first GET answer that carries values, as soon as it comes; None once every GET has failed.

    The SETs wait only for this: a wrong community's GET goes unanswered until its timeout, and waiting
    that out before the SETs (which wait out their own) doubled the check's time.
    """
    for answer in asyncio.as_completed(gets):
        values = await answer
        if any(read.value is not None for read in values.values()):
            return values
    return None


class SnmpClient:
    """An SNMP v2c client for one declared agent; every exchange goes into the transcript."""

    def __init__(self, address: str, interface: SnmpInterface, scope: LabScope, transcript: Transcript,
                 timeout_s: float = 1.0, retries: int = 1) -> None:
        self.address = str(scope.check(address))
        self.interface = interface
        self.transcript = transcript
        self.timeout_s, self.retries = timeout_s, retries
        self.objects = list(dict.fromkeys([interface.writable_object, *SYSTEM_TEXT_OBJECTS]))

    def answers(self, community: str) -> bool:
        """Whether the agent answers a GET of the probe objects with `community`."""
        return asyncio.run(self._answers(community))

    async def _answers(self, community: str) -> bool:
        engine = SnmpEngine()
        try:
            target = await self._target()
            return any(a.value is not None for a in (await self._get(engine, target, community)).values())
        finally:
            engine.close_dispatcher()

    def read(self, oid: str, community: str) -> Answer:
        """GET the object `oid` with `community`: its value, or why there was none."""
        return asyncio.run(self._read(oid, community))

    async def _read(self, oid: str, community: str) -> Answer:
        engine = SnmpEngine()
        try:
            target = await self._target()
            self.transcript.sent(f"SNMPv2c GET {oid} community {community!r}")
            result = await get_cmd(engine, CommunityData(community, mpModel=SNMP_V2C), target, ContextData(),
                                   ObjectType(ObjectIdentity(oid)))
            bindings = result[3]
            if bindings and isinstance(bindings[0][1], NoSuchObject | NoSuchInstance | EndOfMibView):
                self.transcript.received(f"community {community!r}: no such object")
                return Answer(None, f"the agent has no object {oid}")
            return self._answer(community, result)
        finally:
            engine.close_dispatcher()

    def probe_writes(self, communities: Sequence[str], known_community: str | None = None) -> WriteProbe:
        """SET a unique probe with each community on each object, read the objects back, restore them.

        `known_community`, the unit's own read community, shows the agent is up when every guess goes unanswered.
        An agent that answers nothing in SNMPv2c is probed again in SNMPv1 (an agent may speak only v1).
        """
        probe = asyncio.run(self._probe_writes(list(communities), known_community, SNMP_V2C))
        if probe.answered:
            return probe
        return asyncio.run(self._probe_writes(list(communities), known_community, SNMP_V1))

    async def _probe_writes(self, communities: list[str], known_community: str | None, version: int) -> WriteProbe:
        engine = SnmpEngine()
        try:
            target = await self._target()
            readers = list(dict.fromkeys([*communities, *([known_community] if known_community else [])]))
            gets = [asyncio.ensure_future(self._get(engine, target, c, version)) for c in readers]
            first = await _first_values(gets)
            tried = await asyncio.gather(*(self._try_objects(engine, target, c, version) for c in communities))
            reads = dict(zip(readers, await asyncio.gather(*gets), strict=True))
            originals = {o: first[o].value if first else None for o in self.objects}
            agent_answers = first is not None or any(status is not None for sets in tried for *_, status in sets)
            attempts = [WriteAttempt(c, o, probe, status, classify_set(version, status, agent_answers))
                        for c, sets in zip(communities, tried, strict=True) for o, probe, status in sets]
            for attempt in attempts:
                self.transcript.note(f"community {attempt.community!r} SET {attempt.object}: "
                                     f"{attempt.answer.classification.value} ({attempt.answer.reason})")
            read_back, restored = await self._read_back_and_restore(engine, target, attempts, originals, [
                c for c, values in reads.items() if any(v.value is not None for v in values.values())], version)
            return WriteProbe(attempts, originals, read_back, restored, version)
        finally:
            engine.close_dispatcher()

    async def _try_objects(self, engine: SnmpEngine, target: UdpTransportTarget, community: str, version: int
                           ) -> list[tuple[str, str, int | None]]:
        """SET each object in turn with `community`: (object, probe, error-status) until one is performed.

        A community the agent does not answer is not tried on the next object: the silence is the community's.
        """
        sets: list[tuple[str, str, int | None]] = []
        for name in self.objects:
            probe = f"tekigo-{secrets.token_hex(4)}"
            status = (await self._set(engine, target, community, name, probe, version)).status
            sets.append((name, probe, status))
            if status is None or status == 0:
                break
        return sets

    async def _read_back_and_restore(self, engine: SnmpEngine, target: UdpTransportTarget,
                                     attempts: list[WriteAttempt], originals: dict[str, str | None],
                                     readers: list[str], version: int
                                     ) -> tuple[dict[str, str | None], dict[str, bool]]:
        """Each object a SET was performed on: its value now, and whether its original value was put back."""
        read_back: dict[str, str | None] = {}
        restored: dict[str, bool] = {}
        for name in dict.fromkeys(a.object for a in attempts if a.performed):
            writer = next(a.community for a in attempts if a.performed and a.object == name)
            read_back[name] = (await self._get(engine, target, (readers or [writer])[0], version))[name].value
            original = originals[name]
            restored[name] = original is not None and (
                await self._set(engine, target, writer, name, original, version)).status == 0
        return read_back, restored

    async def _target(self) -> UdpTransportTarget:
        return await UdpTransportTarget.create((self.address, self.interface.port), timeout=self.timeout_s,
                                               retries=self.retries)

    async def _get(self, engine: SnmpEngine, target: UdpTransportTarget, community: str,
                   version: int = SNMP_V2C) -> dict[str, Answer]:
        """GET every probe object in one request."""
        self.transcript.sent(f"{VERSION_NAMES[version]} GET {', '.join(self.objects)} community {community!r}")
        result = await get_cmd(engine, CommunityData(community, mpModel=version), target, ContextData(),
                               *(ObjectType(ObjectIdentity(SYSTEM_TEXT_OBJECTS[o])) for o in self.objects))
        indication, status, _, bindings = result
        if indication or status:
            answer = self._answer(community, result)
            return dict.fromkeys(self.objects, answer)
        values = {o: Answer(None, "no such object") if isinstance(value, NoSuchObject | NoSuchInstance | EndOfMibView)
                  else Answer(str(value)[:MAX_VALUE]) for o, (_, value) in zip(self.objects, bindings, strict=True)}
        self.transcript.received(f"community {community!r}: " + ", ".join(
            f"{o}={v.value!r}" for o, v in values.items()))
        return values

    async def _set(self, engine: SnmpEngine, target: UdpTransportTarget, community: str, name: str,
                   value: str, version: int) -> Answer:
        self.transcript.sent(f"{VERSION_NAMES[version]} SET {name} = {value!r} community {community!r}")
        result = await set_cmd(engine, CommunityData(community, mpModel=version), target, ContextData(),
                               ObjectType(ObjectIdentity(SYSTEM_TEXT_OBJECTS[name]), OctetString(value[:MAX_VALUE])))
        return self._answer(community, result)

    def _answer(self, community: str, result: tuple[object, object, object, object]) -> Answer:
        indication, status, _, bindings = result
        if indication:
            answer = Answer(None, f"{NO_ANSWER} ({indication})")
        elif status:
            code = int(status)  # type: ignore[call-overload]
            answer = Answer(None, f"error-status {ERROR_STATUS.get(code, 'unknown')} ({code})", code)
        else:
            answer = Answer(str(bindings[0][1])[:MAX_VALUE], status=0)  # type: ignore[index]
        self.transcript.received(f"community {community!r}: {answer.error or repr(answer.value)}")
        return answer
