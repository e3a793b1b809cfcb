"""The SYN probes: patched port and checksum equal what scapy builds, and every probe checksums to valid."""

import pytest
from scapy.layers.inet import IP, TCP

from harness.net.packets import IP_ID, SynTemplate, checksum, pseudo_header, reply_filter

SOURCE, TARGET, SPORT, SEQUENCE = "198.18.0.2", "198.18.0.11", 40123, 0x1234ABCD


@pytest.mark.parametrize("port", [1, 22, 80, 443, 8080, 65534, 65535])
def test_patched_probe_is_byte_for_byte_what_scapy_builds(port: int) -> None:
    template = SynTemplate.build(SOURCE, TARGET, SPORT, SEQUENCE)
    reference = IP(src=SOURCE, dst=TARGET, id=IP_ID, flags="DF") / TCP(
        sport=SPORT, dport=port, flags="S", seq=SEQUENCE, window=1024, options=[("MSS", 1460)])
    assert template.for_port(port) == bytes(reference)


def test_every_probe_of_a_full_sweep_has_a_valid_tcp_checksum() -> None:
    template = SynTemplate.build(SOURCE, TARGET, SPORT, SEQUENCE)
    probes = template.for_ports(range(1, 65536))
    assert len(probes) == 65535
    for port in (1, 255, 256, 4096, 32768, 65535):
        segment = probes[port - 1][20:]
        assert int.from_bytes(segment[2:4], "big") == port
        assert checksum(pseudo_header(SOURCE, TARGET, len(segment)) + segment) == 0


def test_reply_filter_keeps_only_the_target_and_our_port() -> None:
    program = reply_filter(TARGET, SPORT)
    addresses = [k for code, _, _, k in program if code == 0x15]
    assert addresses == [0xC612000B, SPORT]  # 198.18.0.11, then the destination port
    assert program[-2][3] > 0 and program[-1][3] == 0  # keep, else drop
