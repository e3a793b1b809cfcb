"""Full TCP sweep of one reference device: tekigo's SYN sweep against `nmap -sS -T4 -p-`, same target, same run.

Run as root from the repository: .venv/bin/python benchmarks/scan_vs_nmap.py [--device r1] [--rounds 5]
Both run in the lab's tester namespace, one after the other, each round; both must find exactly the
ports the device's namespace listens on (`ss -ltnH` inside it). Goal: tekigo <= 1.0x nmap.
Also, like for like: the whole `tekigo scan --no-udp --settle 0` command (one look: sweep, then a banner and a
service name for every open port) against `nmap -sS -sV -p-` (the same, with nmap's service probes), both as
processes. Ends with one RESULT line per ratio (goal <= 1.0x the nmap command in the same round).
"""

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.lab_session import lab_with, median, timed_in_tester
from benchmarks.support.result import result_line
from harness.lab.devices import DEVICES
from harness.lab.namespaces import listening_ports

# The tekigo side: the sweep alone (what nmap -sS does), timed inside the process.
SWEEP = """
import ipaddress, json, sys, time
from harness.net.syn_sweep import syn_sweep
from harness.scope import LabScope, guard
scope = LabScope([ipaddress.ip_network("198.18.0.0/24")])
with guard(scope):
    result = syn_sweep(sys.argv[1], range(1, 65536), scope)
print(json.dumps({"open": result.open, "unanswered": len(result.unanswered), "seconds": result.seconds}))
"""
NMAP = ["nmap", "-n", "-Pn", "-sS", "-T4", "-p-"]
NMAP_SERVICES = ["nmap", "-n", "-Pn", "-sS", "-sV", "-T4", "-p-"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="r1", choices=sorted(DEVICES))
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    device = DEVICES[arguments.device]
    address = device.host.address
    sweeps, commands, nmaps, nmap_services = [], [], [], []
    with lab_with([device.name]):
        truth = list(listening_ports(device.host.namespace))
        print(f"{device.name} at {address}: ss -ltnH in its namespace lists {truth}", flush=True)
        for round_number in range(1, arguments.rounds + 1):
            _, done = timed_in_tester([sys.executable, "-c", SWEEP, address], 120)
            found = json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else None
            if found is None or found["open"] != truth or found["unanswered"]:
                print(f"tekigo sweep wrong or failed: {found} {done.stderr[-500:]}")
                return 1
            scan_wall, scan = timed_in_tester([sys.executable, "-m", "harness.cli", "scan", address, "--network",
                                               "198.18.0.0/24", "--no-udp", "--settle", "0", "--json"], 120)
            nmap_wall, nmap = timed_in_tester([*NMAP, address], 120)
            services_wall, services = timed_in_tester([*NMAP_SERVICES, address], 300)
            named = re.findall(r"^(\d+)/tcp\s+open\s+(\S+)", services.stdout, re.MULTILINE)
            if sorted(int(port) for port, _ in named) != truth:
                print(f"nmap -sV found {named}, ss lists {truth}:\n{services.stdout}{services.stderr}")
                return 1
            nmap_open = sorted(int(port) for port in re.findall(r"^(\d+)/tcp\s+open", nmap.stdout, re.MULTILINE))
            if nmap_open != truth:
                print(f"nmap found {nmap_open}, ss lists {truth}:\n{nmap.stdout}{nmap.stderr}")
                return 1
            sweeps.append(found["seconds"])
            commands.append(scan_wall)
            nmaps.append(nmap_wall)
            nmap_services.append(services_wall)
            print(f"round {round_number}: tekigo sweep {found['seconds']:.3f} s, `tekigo scan --no-udp` "
                  f"{scan_wall:.2f} s (exit {scan.returncode}), nmap {nmap_wall:.3f} s, nmap -sV {services_wall:.2f} s "
                  f"(exit {services.returncode})", flush=True)
    sweep, command, nmap_time = median(sweeps), median(commands), median(nmaps)
    services_time = median(nmap_services)
    print(f"\nfull TCP sweep of {device.name} (65535 ports, open {truth}), median of {arguments.rounds} rounds:")
    print(f"  tekigo SYN sweep (harness.net.syn_sweep)   {sweep:.3f} s")
    print(f"  nmap {' '.join(NMAP[1:])} (process)  {nmap_time:.3f} s")
    print(f"  ratio tekigo/nmap: {sweep / nmap_time:.2f}x (goal <= 1.0x)")
    print(f"  whole `tekigo scan --no-udp --settle 0` command (interpreter start, imports, banners): {command:.2f} s "
          f"= {command / nmap_time:.1f}x nmap -sS")
    print(f"  like for like, with service names: `tekigo scan --no-udp --settle 0` {command:.2f} s, "
          f"nmap {' '.join(NMAP_SERVICES[1:])} {services_time:.2f} s: {command / services_time:.2f}x")
    print(result_line(f"syn_sweep_{device.name}_vs_nmap_sS", sweep / nmap_time, 1.0, "<="))
    print(result_line(f"scan_command_{device.name}_vs_nmap_sV", command / services_time, 1.0, "<="))
    return 0


if __name__ == "__main__":
    sys.exit(main())
