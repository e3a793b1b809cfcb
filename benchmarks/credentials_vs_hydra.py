"""NOTICE-scale credential sweep over telnet and SSH: tekigo's sweep engine against hydra, same target, same run.

Run as root from the repository: .venv/bin/python benchmarks/credentials_vs_hydra.py [--pairs N] [--throttled]
Both tools get the same pairs (the NOTICE dictionary minus the pairs the unit accepts, so neither stops
early) and the same number of connections at once, and run in the lab's tester namespace one after the
other against the same service: telnet on c1, SSH on r1. By default that service is the unit's
unthrottled twin (benchmarks/support/unthrottled.py: OpenSSH, and shadow's login behind busybox telnetd,
with the unit's own accounts and no failure delay), so the tools are measured, not the unit's throttle;
--throttled sweeps the unit's own dropbear and busybox login with the suite's LIMITS instead.
Goal: tekigo >= 1.0x hydra in pairs per second.
"""

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.lab_session import lab_with, timed_in_tester
from benchmarks.support.unthrottled import PORTS, unthrottled_twin
from harness.credentials.dictionary import load_dictionary
from harness.credentials.sweep import SweepLimits
from harness.lab.devices import DEVICES
from testcases.ter_34_10.test_3_credential_sweep import LIMITS

# The tekigo side: the suite's own sweep engine, clients and per-protocol limits, on the given pairs.
SWEEP = """
import faulthandler, ipaddress, json, sys
from harness.credentials.dictionary import Pair
from harness.credentials.sweep import sweep
from harness.evidence import Redactor, Transcript
from harness.profile import SshInterface, TelnetInterface
from harness.credentials.sweep import SweepLimits
from harness.scope import LabScope, guard
from harness.transports.ssh import SshClient
from harness.transports.telnet import TelnetClient
kind, address, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
pairs = [Pair(u, p, "bench") for u, p in json.loads(sys.argv[4])]
limits = SweepLimits(**json.loads(sys.argv[5]))
faulthandler.dump_traceback_later(limits.deadline_s + 60, exit=True)  # a hung client shows where, and ends
scope = LabScope([ipaddress.ip_network("198.18.0.0/24")])
transcript = Transcript("benchmark", Redactor({}))
if kind == "ssh":
    client = SshClient(address, SshInterface(kind="ssh", port=port), scope, transcript, 5.0)
    pairs = sorted(pairs, key=lambda pair: pair.username)
    attempt = lambda batch: client.logins(batch[0].username,
                                          [p.password for p in batch if p.username == batch[0].username])
else:
    client = TelnetClient(address, TelnetInterface(kind="telnet", port=port), scope, transcript, 5.0)
    attempt = lambda batch: client.logins([(p.username, p.password) for p in batch])
with guard(scope):
    outcome = sweep(pairs, attempt, limits)
print(json.dumps({"tried": outcome.tried, "accepted": len(outcome.accepted), "errors": len(outcome.errors),
                  "untried": outcome.untried, "seconds": outcome.seconds, "stopped_by": outcome.stopped_by,
                  "first_errors": outcome.errors[:3]}))
"""
TARGETS = {"telnet": "c1", "ssh": "r1"}
# Against the twins: as many tries a connection as the service allows (OpenSSH MaxAuthTries 10; shadow's
# login up to 5), and connections enough to keep 2 cores busy.
UNTHROTTLED_LIMITS = {
    "ssh": SweepLimits(concurrency=8, batch=9, rate=1000.0, deadline_s=240.0),
    "telnet": SweepLimits(concurrency=16, batch=5, rate=1000.0, deadline_s=240.0),
}


def benchmark_pairs(kind: str, limit: int) -> list[tuple[str, str]]:
    """NOTICE pairs the target refuses (its own accounts removed), usable in hydra's -C format."""
    device = DEVICES[TARGETS[kind]]
    accepted = {(a.name, a.password) for a in device.accounts if a.password is not None}
    accepted.add((device.factory_username, device.factory_password))
    pairs = [(p.username, p.password) for p in load_dictionary("notice")
             if (p.username, p.password) not in accepted and ":" not in p.username and p.username]
    return pairs[:limit]


def run_tekigo(kind: str, port: int, pairs: list[tuple[str, str]], limits: SweepLimits) -> dict[str, float]:
    address = DEVICES[TARGETS[kind]].host.address
    argv = [sys.executable, "-c", SWEEP, kind, address, str(port), json.dumps(pairs), json.dumps(limits.__dict__)]
    wall, done = timed_in_tester(argv, 900)
    if done.returncode != 0:
        raise SystemExit(f"tekigo {kind} sweep failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.splitlines()[-1])
    return result | {"wall": wall}


def run_hydra(kind: str, port: int, pairs: list[tuple[str, str]], tasks: int) -> dict[str, float]:
    address = DEVICES[TARGETS[kind]].host.address
    with tempfile.TemporaryDirectory() as folder:
        combos = Path(folder) / "pairs.txt"
        combos.write_text("".join(f"{user}:{password}\n" for user, password in pairs), encoding="utf-8")
        argv = ["hydra", "-C", str(combos), "-t", str(tasks), "-f", "-I", "-w", "10", f"{kind}://{address}:{port}"]
        wall, done = timed_in_tester(argv, 900)
    found = re.search(r"(\d+) valid passwords? found", done.stdout)
    if found is None:
        raise SystemExit(f"hydra {kind} did not finish:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    claimed = [line.strip() for line in (done.stdout + done.stderr).splitlines() if "host:" in line]
    return {"wall": wall, "valid": int(found.group(1)), "claimed": claimed,
            "command": " ".join([argv[0], "-C", "PAIRS", *argv[3:]])}


def compare(kind: str, port: int, limits: SweepLimits, count: int) -> tuple[str, int, float, float]:
    """Both tools on the same pairs against the same service; (kind, pairs, tekigo pairs/s, hydra pairs/s)."""
    pairs = benchmark_pairs(kind, count)
    print(f"{kind} on {TARGETS[kind]}:{port}: {len(pairs)} pairs", flush=True)
    ours = run_tekigo(kind, port, pairs, limits)
    print(f"  tekigo: {ours['tried']} tried in {ours['wall']:.1f} s ({limits.concurrency} connections, "
          f"{limits.batch} tries each), errors {ours['errors']}, untried {ours['untried']}, "
          f"accepted {ours['accepted']}" + "".join(f"\n    error: {e}" for e in ours["first_errors"]), flush=True)
    theirs = run_hydra(kind, port, pairs, limits.concurrency)
    print(f"  hydra:  {len(pairs)} pairs in {theirs['wall']:.1f} s ({theirs['command']}), "
          f"{theirs['valid']} valid" + "".join(f"\n    hydra claims: {c}" for c in theirs["claimed"]), flush=True)
    return kind, len(pairs), ours["tried"] / ours["wall"], len(pairs) / theirs["wall"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000, help="at most this many pairs per protocol")
    parser.add_argument("--protocol", choices=sorted(TARGETS), action="append", help="default: both")
    parser.add_argument("--throttled", action="store_true", help="the unit's own daemons, with the suite's LIMITS")
    arguments = parser.parse_args()
    rows = []
    with lab_with(sorted(set(TARGETS.values()))):
        for kind in arguments.protocol or ["telnet", "ssh"]:
            if arguments.throttled:
                port = {"ssh": 22, "telnet": 23}[kind]
                rows.append(compare(kind, port, LIMITS[kind], arguments.pairs))
                continue
            with unthrottled_twin(kind, DEVICES[TARGETS[kind]]) as port:
                rows.append(compare(kind, port, UNTHROTTLED_LIMITS[kind], arguments.pairs))
    target = "the units' own daemons" if arguments.throttled else f"unthrottled twins (ports {PORTS})"
    print(f"\n{target}\n{'protocol':<10}{'pairs':>6}{'tekigo pairs/s':>16}{'hydra pairs/s':>15}{'ratio':>8}"
          "  (goal >= 1.0x)")
    for kind, count, ours_rate, hydra_rate in rows:
        print(f"{kind:<10}{count:>6}{ours_rate:>16.1f}{hydra_rate:>15.1f}{ours_rate / hydra_rate:>7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
