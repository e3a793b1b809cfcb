"""The SYN probe of the sweep: one packet built by scapy, then only its port and checksum change.

Building every probe with scapy would cost tens of microseconds each; patching the destination port
and adjusting the checksum incrementally (RFC 1624) costs a few hundred nanoseconds.
"""

import ctypes
import socket
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from scapy.layers.inet import IP, TCP

IP_HEADER = 20
DPORT_OFFSET = IP_HEADER + 2
CHECKSUM_OFFSET = IP_HEADER + 16
IP_ID = 0x5443  # fixed, so the kernel leaves the header as built and every probe's IP header is the same
SYN_WINDOW = 1024
MSS = 1460

# Classic BPF (linux/filter.h) opcodes used by `reply_filter`.
_LD_W_ABS, _LDX_B_MSH, _LD_H_IND, _JEQ_K, _RET_K = 0x20, 0xB1, 0x48, 0x15, 0x06
SO_ATTACH_FILTER = 26


@dataclass(frozen=True)
class SynTemplate:
    """An IPv4 SYN from `source`:`sport` to `target`, checksummed for destination port 0."""

    packet: bytes
    sequence: int

    @classmethod
    def build(cls, source: str, target: str, sport: int, sequence: int) -> "SynTemplate":
        probe = IP(src=source, dst=target, id=IP_ID, flags="DF") / TCP(
            sport=sport, dport=0, flags="S", seq=sequence, window=SYN_WINDOW, options=[("MSS", MSS)])
        return cls(bytes(probe), sequence)

    def for_port(self, port: int) -> bytes:
        """The packet for `port`: destination port set, TCP checksum adjusted (ones' complement sum)."""
        return self.for_ports([port])[0]

    def for_ports(self, ports: Sequence[int]) -> list[bytes]:
        """`for_port` of every port, with the parts that never change cut out once."""
        packet, pack = self.packet, _PORT.pack
        base = ~_PORT.unpack_from(packet, CHECKSUM_OFFSET)[0] & 0xFFFF
        head, middle = packet[:DPORT_OFFSET], packet[DPORT_OFFSET + 2 : CHECKSUM_OFFSET]
        tail = packet[CHECKSUM_OFFSET + 2 :]
        folded = [((base + port) & 0xFFFF) + ((base + port) >> 16) for port in ports]
        return [head + pack(port) + middle + pack(~total & 0xFFFF) + tail
                for port, total in zip(ports, folded, strict=True)]


_PORT = struct.Struct("!H")


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of `data`, for checking what `for_port` produces."""
    if len(data) % 2:
        data += b"\0"
    total = sum(int(word) for word in struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pseudo_header(source: str, target: str, length: int) -> bytes:
    """The IPv4 pseudo-header the TCP checksum covers."""
    return socket.inet_aton(source) + socket.inet_aton(target) + struct.pack("!BBH", 0, socket.IPPROTO_TCP, length)


def reply_filter(target: str, sport: int) -> list[tuple[int, int, int, int]]:
    """A socket filter passing only TCP packets from `target` to our source port (raw IPv4 socket)."""
    address = struct.unpack("!I", socket.inet_aton(target))[0]
    return [
        (_LD_W_ABS, 0, 0, 12),        # A = source address
        (_JEQ_K, 0, 4, address),      # not the target: drop
        (_LDX_B_MSH, 0, 0, 0),        # X = IP header length
        (_LD_H_IND, 0, 0, 2),         # A = TCP destination port
        (_JEQ_K, 0, 1, sport),        # not our port: drop
        (_RET_K, 0, 0, 0xFFFF),       # keep the packet
        (_RET_K, 0, 0, 0),
    ]


def attach_filter(sock: socket.socket, program: list[tuple[int, int, int, int]]) -> None:
    """Attach a classic BPF program (SO_ATTACH_FILTER) so the kernel drops what we would ignore."""
    code = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(code, len(code))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack("HL", len(program), ctypes.addressof(buffer)))
