"""The scan's packets as evidence: a pcap (raw IPv4 link type) written by scapy."""

from collections.abc import Iterable
from pathlib import Path

from scapy.utils import RawPcapWriter

LINKTYPE_RAW = 101  # packets start at the IP header (tcpdump.org link types)


def write_pcap(path: Path, packets: Iterable[tuple[float, bytes]]) -> int:
    """Write `(time, IPv4 packet)` pairs in time order; the number written."""
    ordered = sorted(packets, key=lambda item: item[0])
    writer = RawPcapWriter(str(path), linktype=LINKTYPE_RAW, sync=False)
    try:
        writer.write_header(None)  # write_packet alone never writes the file header
        for stamp, packet in ordered:
            seconds = int(stamp)
            writer.write_packet(packet, sec=seconds, usec=int((stamp - seconds) * 1_000_000))
    finally:
        writer.close()
    return len(ordered)
