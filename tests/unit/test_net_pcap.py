"""The scan's pcap evidence reads back, packet for packet, in time order."""

from pathlib import Path

from scapy.layers.inet import TCP
from scapy.utils import rdpcap

from harness.net.packets import SynTemplate
from harness.net.pcap import write_pcap


def test_pcap_holds_every_packet_in_time_order(tmp_path: Path) -> None:
    template = SynTemplate.build("198.18.0.2", "198.18.0.11", 40000, 7)
    packets = [(1700000000.5 + port / 1000, probe) for port, probe in zip((80, 22, 443), template.for_ports(
        [80, 22, 443]), strict=True)]
    assert write_pcap(tmp_path / "scan.pcap", reversed(packets)) == 3
    read = rdpcap(str(tmp_path / "scan.pcap"))
    assert [packet[TCP].dport for packet in read] == [22, 80, 443]
    assert [bytes(packet) for packet in read] == [packets[1][1], packets[0][1], packets[2][1]]
    assert abs(float(read[0].time) - packets[1][0]) < 1e-5
