"""`tekigo discover` (the units on a lab LAN) and `tekigo scan` (one unit's attack surface).

Exit statuses: harness/exits.py (each command's help lists its own).
"""

import argparse
import ipaddress
import json
import re
import sys
from pathlib import Path

from harness.exits import EXIT_INCOMPLETE, UsageError, exit_help
from harness.netns_exec import reexec_in_namespace
from harness.scope import LabScope, OutOfScope, guard

PORT_RANGE = re.compile(r"(?P<first>\d+)(?:-(?P<last>\d+))?", re.ASCII)


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    discover = commands.add_parser("discover", help="list the units on a lab network (ARP, mDNS/DNS-SD, SSDP)",
                                   epilog=exit_help("0 done"))
    discover.add_argument("--network", required=True, metavar="CIDR", help="the lab network (directly connected)")
    discover.add_argument("--wait", type=float, default=1.5, metavar="S", help="how long to listen (default 1.5)")
    discover.add_argument("--json", action="store_true", help="print JSON instead of a table")
    discover.add_argument("--write-profile", type=Path, metavar="DIR", help="draft a profile per unit into DIR")
    discover.add_argument("--netns", help="run inside this network namespace (e.g. tekigo-tester; needs root)")
    discover.set_defaults(handler=_discover)

    scan = commands.add_parser("scan", help="sweep one unit's TCP ports, grab banners, probe UDP services",
                               epilog=exit_help("0 every port answered", f"{EXIT_INCOMPLETE} incomplete (some ports "
                                                "never answered, or a limit stopped the sweep)"))
    scan.add_argument("address", metavar="ADDRESS", help="the unit's IP address (inside --network)")
    scan.add_argument("--network", required=True, metavar="CIDR", help="the lab network the scan may send to")
    scan.add_argument("--ports", default="1-65535", type=_ports, help="e.g. 1-1024,8080 (default 1-65535)")
    scan.add_argument("--rate", type=float, default=200_000.0, metavar="PPS", help="most SYNs per second")
    scan.add_argument("--deadline", type=float, default=60.0, metavar="S", help="most seconds for the sweep")
    scan.add_argument("--settle", type=float, default=2.0, metavar="S",
                      help="look again this long after each look at what did not answer, until nothing new "
                           "turns up (services a unit starts late; 0: look once; default 2)")
    scan.add_argument("--no-udp", action="store_true", help="skip the UDP probes (SNMP, SSDP, mDNS)")
    scan.add_argument("--out", type=Path, metavar="DIR", help="write scan.pcap, open-ports.txt and scan.json")
    scan.add_argument("--json", action="store_true", help="print JSON instead of a table")
    scan.add_argument("--netns", help="run inside this network namespace (e.g. tekigo-tester; needs root)")
    scan.set_defaults(handler=_scan)


def _ports(text: str) -> list[int]:
    """`1-1024,8080` as a list of ports; every range is checked before it is expanded (65535 ports at most)."""
    ports: list[int] = []
    for part in text.split(","):
        matched = PORT_RANGE.fullmatch(part.strip())
        if matched is None:
            raise argparse.ArgumentTypeError(f"expected ports like 1-1024,8080, got {text!r}")
        low = _port_number(matched["first"])
        high = _port_number(matched["last"]) if matched["last"] else low
        if not (0 < low < 65536 and 0 < high < 65536):
            raise argparse.ArgumentTypeError(f"ports must be between 1 and 65535, got {part.strip()}")
        if low > high:
            raise argparse.ArgumentTypeError(f"the range {part.strip()} runs backwards: write {high}-{low}")
        ports.extend(range(low, high + 1))
    return list(dict.fromkeys(ports))


def _port_number(digits: str) -> int:
    """The number `digits` spell; past six digits it is out of range anyway (and never a 4000-digit int)."""
    return int(digits) if len(digits) <= 6 else 1_000_000


def _enter_namespace(arguments: argparse.Namespace) -> None:
    if arguments.netns:
        reexec_in_namespace(arguments.netns, arguments.command_line)


def _discover(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness.net.discovery import discover, units_table
    from harness.net.lan import DiscoveryError, lab_lan
    from harness.net.profile_draft import draft_name, draft_profile

    _enter_namespace(arguments)
    if not 0 < arguments.wait <= 30:
        raise UsageError("--wait must be between 0 and 30 seconds")
    try:
        lan = lab_lan(arguments.network)
    except DiscoveryError as error:
        raise UsageError(str(error)) from error
    print(f"discover: {lan.network} on {lan.interface} ({lan.address}), listening {arguments.wait:g} s",
          file=sys.stderr, flush=True)
    units = discover(lan, arguments.wait)
    print(json.dumps([unit.to_json() for unit in units], indent=2) if arguments.json else units_table(units))
    if arguments.write_profile:
        arguments.write_profile.mkdir(parents=True, exist_ok=True)
        for unit in units:
            path = arguments.write_profile / draft_name(unit)
            path.write_text(draft_profile(unit, lan.network), encoding="utf-8")
            print(f"draft profile: {path}", file=sys.stderr)
    return 0


def _scan(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness.net.progress import ProgressLine
    from harness.net.scan import SettleLimits, scan, write_evidence
    from harness.net.syn_sweep import SweepError, SweepLimits

    _enter_namespace(arguments)
    try:
        network = ipaddress.ip_network(arguments.network, strict=False)
    except ValueError as error:
        raise UsageError(f"{arguments.network!r} is not a network") from error
    if not (0 < arguments.rate <= 1_000_000 and 0 < arguments.deadline <= 3600 and 0 <= arguments.settle <= 60):
        raise UsageError("--rate must be in (0, 1000000], --deadline in (0, 3600] and --settle in [0, 60]")
    scope = LabScope([network])
    limits = SweepLimits(rate_pps=arguments.rate, deadline_s=arguments.deadline)
    progress = ProgressLine(f"scan {arguments.address}")
    try:
        with guard(scope):
            surface, sweep = scan(arguments.address, scope, arguments.ports, limits, progress, udp=not arguments.no_udp,
                                  settle=SettleLimits(settle_s=arguments.settle), note=progress.note)
    except (OutOfScope, SweepError) as error:
        raise UsageError(f"refusing to scan {arguments.address}: {error}") from error
    finally:
        progress.done()
    print(json.dumps(surface.to_json(), indent=2) if arguments.json else surface.table())
    if arguments.out:
        for path in write_evidence(arguments.out, surface, sweep):
            print(f"evidence: {path}", file=sys.stderr)
    return 0 if surface.complete else EXIT_INCOMPLETE
