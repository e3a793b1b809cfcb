"""The fast path of the port scan: SYNs from one raw socket, answers read from a filtered raw socket.

A SYN/ACK means open, a RST closed; the kernel resets the half-open connection for us because no
socket of ours owns the source port's connection. Unanswered ports are asked again (`retries`), and
what still stays silent is reported as unanswered, never as closed.
"""

import errno
import random
import socket
import struct
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field

from harness.net.packets import SynTemplate, attach_filter, reply_filter
from harness.scope import LabScope

SYN_ACK, RST = 0x12, 0x04
REPLY_BYTES = 128  # the IP and TCP headers are all we read of an answer
BATCH = 256  # probes sent between two reads of the answers
RECEIVE_BUFFER = 64 * 1024 * 1024
SO_RCVBUFFORCE = 33  # linux/asm-generic/socket.h; root may exceed net.core.rmem_max
PROGRESS_EVERY_S = 0.2


class SweepError(Exception):
    """The sweep could not run (no raw sockets, no route); nothing was concluded."""


SLOWEST_SETTLE_S = 1.5  # a retry round waits at most this long for answers after its last probe


@dataclass(frozen=True)
class SweepLimits:
    """Every sweep is bounded: at most `rate_pps` probes a second and `deadline_s` in all."""

    rate_pps: float = 200_000.0
    deadline_s: float = 60.0
    settle_s: float = 0.3  # how long the last probes of a round may take to be answered
    retries: int = 4
    # Each retry round goes this many times slower (and waits as much longer for the last answers): a unit
    # that drops probes at full rate, like an emulated one under TCG, is still swept exactly.
    retry_slowdown: float = 8.0
    slowest_rate_pps: float = 2_000.0


@dataclass(frozen=True)
class SweepProgress:
    """Where a running sweep is."""

    sent: int
    answered: int
    total: int
    seconds: float


@dataclass
class SweepResult:
    """The answer to every probed port, the packets as sent and received, and how long it took."""

    target: str
    source: str
    open: list[int] = field(default_factory=list)
    closed: int = 0
    unanswered: list[int] = field(default_factory=list)
    probes: int = 0
    seconds: float = 0.0
    stopped_by: str = ""
    sent: list[tuple[float, bytes]] = field(default_factory=list)
    received: list[tuple[float, bytes]] = field(default_factory=list)


Progress = Callable[[SweepProgress], None]


def source_address(target: str) -> str:
    """The address the kernel would send from towards `target` (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((target, 9))
        except OSError as error:
            raise SweepError(f"no route to {target}: {error.strerror or error}") from error
        return str(probe.getsockname()[0])


def syn_sweep(target: str, ports: Sequence[int], scope: LabScope, limits: SweepLimits = SweepLimits(),
              progress: Progress | None = None) -> SweepResult:
    """Probe every port of `ports` on `target` (checked against `scope` first) with one SYN each."""
    address = str(scope.check(target))
    if any(not 0 < port < 65536 for port in ports):
        raise SweepError("ports must be between 1 and 65535")
    result = SweepResult(address, source_address(address))
    with ExitStack() as stack:
        sender, receiver, sport = _open_sockets(stack, result.source, address)
        _Sweep(result, SynTemplate.build(result.source, address, sport, random.getrandbits(32)),
               sender, receiver, limits, progress).run(list(dict.fromkeys(ports)))
    return result


def _open_sockets(stack: ExitStack, source: str, target: str) -> tuple[socket.socket, socket.socket, int]:
    try:
        sender = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW))
        receiver = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP))
    except PermissionError as error:
        raise SweepError("the SYN sweep needs raw sockets: run as root (e.g. in the lab's tester namespace)") from error
    # Holding the source port keeps the kernel from giving it to a connection of its own meanwhile.
    holder = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    holder.bind((source, 0))
    sport = int(holder.getsockname()[1])
    attach_filter(receiver, reply_filter(target, sport))
    # Connected once (the scope guard's audit hook sees this connect): every probe goes to `target` only.
    sender.connect((target, 0))
    receiver.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER)
    receiver.setblocking(False)
    return sender, receiver, sport


class _Sweep:
    """One sweep's state: rounds of probes, with the answers read between batches."""

    def __init__(self, result: SweepResult, template: SynTemplate, sender: socket.socket,
                 receiver: socket.socket, limits: SweepLimits, progress: Progress | None) -> None:
        self.result, self.template, self.limits, self.progress = result, template, limits, progress
        self.sender, self.receiver = sender, receiver
        self.expected_ack = (template.sequence + 1) & 0xFFFFFFFF
        self.answers: dict[int, bool] = {}
        self.started = time.monotonic()
        self.deadline = self.started + limits.deadline_s
        self.last_progress = 0.0
        self.total = 0

    def run(self, ports: list[int]) -> None:
        pending, self.total = ports, len(ports)
        rate, settle = self.limits.rate_pps, self.limits.settle_s
        for _ in range(1 + self.limits.retries):
            if not pending or self.result.stopped_by:
                break
            self._send_round(pending, rate)
            self._await_answers(pending, settle)
            pending = [port for port in pending if port not in self.answers]
            slower = max(rate / self.limits.retry_slowdown, min(rate, self.limits.slowest_rate_pps))
            settle, rate = min(settle * rate / slower, SLOWEST_SETTLE_S), slower
        result = self.result
        result.open = sorted(port for port, is_open in self.answers.items() if is_open)
        result.closed = sum(1 for is_open in self.answers.values() if not is_open)
        result.unanswered = sorted(pending)
        result.seconds = time.monotonic() - self.started
        self._report(force=True)

    def _send_round(self, ports: list[int], rate_pps: float) -> None:
        packets = self.template.for_ports(ports)
        send, sent = self.sender.send, self.result.sent
        round_started, interval = time.monotonic(), 1.0 / rate_pps
        for first in range(0, len(packets), BATCH):
            now = time.monotonic()
            if now > self.deadline:
                self.result.stopped_by = f"the {self.limits.deadline_s:g} s deadline"
                return
            ahead = round_started + first * interval - now
            if ahead > 0:
                time.sleep(ahead)
            stamp = time.time()
            for packet in packets[first : first + BATCH]:
                send(packet)
                sent.append((stamp, packet))
            self.result.probes += len(packets[first : first + BATCH])
            self._drain()
            self._report()

    def _await_answers(self, ports: list[int], settle_s: float) -> None:
        """Read answers until every port has one, or none came for `settle_s`."""
        quiet_until = time.monotonic() + settle_s
        while any(port not in self.answers for port in ports):
            now = time.monotonic()
            if now > quiet_until or now > self.deadline:
                return
            self.receiver.settimeout(min(quiet_until, self.deadline) - now)
            try:
                packet = self.receiver.recv(REPLY_BYTES)
            except TimeoutError:
                return
            finally:
                self.receiver.setblocking(False)
            if self._take(packet):
                quiet_until = time.monotonic() + settle_s
            self._drain()
            self._report()

    def _drain(self) -> None:
        while True:
            try:
                packet = self.receiver.recv(REPLY_BYTES)
            except BlockingIOError:
                return
            except OSError as error:
                if error.errno == errno.EINTR:
                    continue
                raise
            self._take(packet)

    def _take(self, packet: bytes) -> bool:
        """Record an answer to one of our probes; False for anything else the filter let through."""
        header = (packet[0] & 0x0F) * 4
        if len(packet) < header + 14:
            return False
        port, ack = struct.unpack_from("!H6xI", packet, header)
        flags = packet[header + 13]
        if ack != self.expected_ack or port in self.answers:
            return False
        if flags & SYN_ACK == SYN_ACK:
            self.answers[port] = True
        elif flags & RST:
            self.answers[port] = False
        else:
            return False
        self.result.received.append((time.time(), packet))
        return True

    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.progress is None or (not force and now - self.last_progress < PROGRESS_EVERY_S):
            return
        self.last_progress = now
        self.progress(SweepProgress(self.result.probes, len(self.answers), self.total, now - self.started))
