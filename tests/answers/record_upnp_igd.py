"""Record miniupnpd's SOAP answers into upnp-igd.txt: `python tests/answers/record_upnp_igd.py` (root).

Creates a network namespace of its own (tekigo-h14c-igd, no default route, nothing leaves it) with a LAN veth
(198.19.254.1/24) and a WAN veth, starts Debian's miniupnpd there with nftables, allowing mappings of ports
40000-40999 to the LAN and denying the rest (secure_mode), sends each SOAP action from inside the namespace
and keeps the HTTP status and the body. The namespace is deleted afterwards.
"""

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

NAMESPACE = "tekigo-h14c-igd"
LAN = "198.19.254.1"
PORT = 5555
ENVELOPE = ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
            '<u:{action} xmlns:u="{service}">{arguments}</u:{action}></s:Body></s:Envelope>')
NFT = """table inet tekigo_igd {
  chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }
  chain miniupnpd { }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
  chain prerouting_miniupnpd { }
  chain postrouting_miniupnpd { }
}
"""
CONFIG = f"""ext_ifname=wan0
listening_ip=lan0
http_port={PORT}
enable_natpmp=no
enable_upnp=yes
secure_mode=yes
system_uptime=yes
uuid=5f1c0a4e-2b7d-4c1e-9a53-0c6a1d3e7b21
upnp_table_name=tekigo_igd
upnp_nat_table_name=tekigo_igd
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
allow 40000-40999 198.19.254.0/24 40000-40999
deny 0-65535 0.0.0.0/0 0-65535
"""


def mapping(port: int, client: str = LAN, lease: int = 120, internal: int | None = None) -> dict[str, str]:
    return {"NewRemoteHost": "", "NewExternalPort": str(port), "NewProtocol": "TCP",
            "NewInternalPort": str(internal or port), "NewInternalClient": client, "NewEnabled": "1",
            "NewPortMappingDescription": "tekigo-rec", "NewLeaseDuration": str(lease)}


def key(port: int) -> dict[str, str]:
    return {"NewRemoteHost": "", "NewExternalPort": str(port), "NewProtocol": "TCP"}


CASES = [
    ("add-allowed", "AddPortMapping", mapping(40001)),
    ("get-present", "GetSpecificPortMappingEntry", key(40001)),
    ("add-same-port-other-internal-port", "AddPortMapping", mapping(40001, internal=40003)),
    ("add-denied-port", "AddPortMapping", mapping(50001)),
    ("add-other-client", "AddPortMapping", mapping(40002, client="198.19.254.9")),
    ("add-missing-arguments", "AddPortMapping", {"NewExternalPort": "40004", "NewProtocol": "TCP"}),
    ("delete-present", "DeletePortMapping", key(40001)),
    ("get-absent", "GetSpecificPortMappingEntry", key(40001)),
    ("unknown-action", "SetEverythingOpen", key(40001)),
]


def inside(out: Path) -> None:
    """The client half, run inside the namespace."""
    session = requests.Session()
    session.trust_env = False
    description = session.get(f"http://{LAN}:{PORT}/rootDesc.xml", timeout=5).text
    control = re.search(r"<serviceType>(urn:schemas-upnp-org:service:WANIPConnection:\d)</serviceType>.*?"
                        r"<controlURL>([^<]+)</controlURL>", description, re.S)
    assert control, "no WANIPConnection in the description"
    service, path = control.groups()
    version = subprocess.run(["miniupnpd", "--version"], capture_output=True, text=True).stdout.split()[1]
    lines = [f"# miniupnpd {version} (Debian 12, nftables) in a namespace of its own, recorded by "
             f"{Path(__file__).name};",
             "# rules: allow 40000-40999 198.19.254.0/24 40000-40999, deny the rest; secure_mode=yes",
             "# one JSON object a line: case, action, HTTP status, body"]
    for case, action, arguments in CASES:
        body = ENVELOPE.format(action=action, service=service, arguments="".join(
            f"<{name}>{value}</{name}>" for name, value in arguments.items()))
        reply = session.post(f"http://{LAN}:{PORT}{path}", data=body, timeout=5, headers={
            "Content-Type": 'text/xml; charset="utf-8"', "SOAPAction": f'"{service}#{action}"'})
        lines.append(json.dumps({"case": case, "service": service, "action": action, "status": reply.status_code,
                                 "body": reply.text[:2000]}))
    out.write_text("\n".join(lines) + "\n")


def main(out: Path) -> None:
    run = ["ip", "netns", "exec", NAMESPACE]
    subprocess.run(["ip", "netns", "add", NAMESPACE], check=True)
    daemon = None
    try:
        for command in (["ip", "link", "set", "lo", "up"],
                        ["ip", "link", "add", "lan0", "type", "veth", "peer", "name", "lan0-peer"],
                        ["ip", "addr", "add", f"{LAN}/24", "dev", "lan0"],
                        ["ip", "link", "add", "wan0", "type", "veth", "peer", "name", "wan0-peer"],
                        ["ip", "addr", "add", "203.0.114.1/24", "dev", "wan0"],
                        *(["ip", "link", "set", name, "up"] for name in ("lan0", "lan0-peer", "wan0", "wan0-peer"))):
            subprocess.run([*run, *command], check=True)
        subprocess.run([*run, "nft", "-f", "-"], input=NFT, text=True, check=True)
        with tempfile.TemporaryDirectory() as folder:
            conf = Path(folder) / "miniupnpd.conf"
            conf.write_text(CONFIG)
            daemon = subprocess.Popen([*run, "miniupnpd", "-d", "-f", str(conf), "-P", f"{folder}/pid"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            subprocess.run([*run, sys.executable, __file__, "--inside", str(out)], check=True, timeout=60)
    finally:
        if daemon is not None:
            daemon.kill()
            daemon.wait(timeout=10)
        subprocess.run(["ip", "netns", "del", NAMESPACE], check=False)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inside"]:
        inside(Path(sys.argv[2]))
    else:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("upnp-igd.txt"))
