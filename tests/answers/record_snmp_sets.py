"""Record net-snmp's answers to SNMP SETs (v1 and v2c) into snmp-sets.txt: `python tests/answers/record_snmp_sets.py`.

Starts Debian's snmpd on loopback configured like the agent of issue 14 (a read-only 'public', a read-write
'private', sysLocation and sysContact fixed in snmpd.conf, sysName writable), sends each SET from one UDP
socket and keeps the raw answer datagram (hex) or '-' when none came within a second.
"""

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyasn1.codec.ber import encoder
from pysnmp.proto import api
from pysnmp.proto.rfc1902 import OctetString

OBJECTS = {"sysContact": "1.3.6.1.2.1.1.4.0", "sysName": "1.3.6.1.2.1.1.5.0", "sysLocation": "1.3.6.1.2.1.1.6.0"}
CASES = [("rw-writable", "private", "sysName"), ("rw-fixed", "private", "sysLocation"),
         ("ro", "public", "sysName"), ("unknown-community", "wrong", "sysName")]
VERSIONS = {"v1": api.SNMP_VERSION_1, "v2c": api.SNMP_VERSION_2C}
CONFIG = ("rocommunity public\nrwcommunity private\nsysLocation Server room (fixed in snmpd.conf)\n"
          "sysContact admin@example.invalid\n")


def set_request(version: int, community: str, oid: str, value: str) -> bytes:
    module = api.PROTOCOL_MODULES[version]
    pdu = module.SetRequestPDU()
    module.apiPDU.set_defaults(pdu)
    module.apiPDU.set_varbinds(pdu, [(oid, OctetString(value))])
    message = module.Message()
    module.apiMessage.set_defaults(message)
    module.apiMessage.set_community(message, community)
    module.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = free_udp_port()
        conf = Path(folder) / "snmpd.conf"
        conf.write_text(f"agentaddress udp:127.0.0.1:{port}\n{CONFIG}")
        daemon = subprocess.Popen(["snmpd", "-f", "-C", "-I", "-smux", "-c", str(conf), "-Lf", "/dev/null"],
                                  env={"SNMP_PERSISTENT_DIR": folder, "PATH": "/usr/sbin:/usr/bin"})
        version_text = subprocess.run(["snmpd", "-v"], capture_output=True, text=True).stdout.split()[2]
        time.sleep(1)
        sock.settimeout(1.0)
        lines = [f"# net-snmp {version_text} snmpd (Debian 12) on 127.0.0.1, recorded by {Path(__file__).name};",
                 "# snmpd.conf: " + CONFIG.strip().replace("\n", " | "),
                 "# case version community object answer-datagram-hex ('-': no answer within 1 s)"]
        try:
            for name, version in VERSIONS.items():
                for case, community, obj in CASES:
                    sock.sendto(set_request(version, community, OBJECTS[obj], "tekigo-rec"), ("127.0.0.1", port))
                    try:
                        answer = sock.recv(4096).hex()
                    except TimeoutError:
                        answer = "-"
                    lines.append(f"{case} {name} {community} {obj} {answer}")
        finally:
            daemon.kill()
            daemon.wait(timeout=10)
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("snmp-sets.txt"))
