"""NOTICE-scale credential sweep over telnet and SSH: tekigo's sweep engine against hydra, same target, same run.

Run as root from the repository: .venv/bin/python benchmarks/credentials_vs_hydra.py [--pairs N]
Both tools get the same pairs (the NOTICE dictionary minus the pairs the unit accepts, so neither stops
early) and the same number of connections at once (the suite's LIMITS for that protocol), and run in
the lab's tester namespace: telnet against c1 (busybox telnetd), SSH against r1 (dropbear).
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
from harness.credentials.dictionary import load_dictionary
from harness.lab.devices import DEVICES

# The tekigo side: the suite's own sweep engine, clients and per-protocol limits, on the given pairs.
SWEEP = """
import ipaddress, json, sys
from harness.credentials.dictionary import Pair
from harness.credentials.sweep import sweep
from harness.evidence import Redactor, Transcript
from harness.profile import SshInterface, TelnetInterface
from harness.scope import LabScope, guard
from harness.transports.ssh import SshClient
from harness.transports.telnet import TelnetClient
from testcases.ter_34_10.test_3_credential_sweep import LIMITS
kind, address, pairs = sys.argv[1], sys.argv[2], [Pair(u, p, "bench") for u, p in json.loads(sys.argv[3])]
scope = LabScope([ipaddress.ip_network("198.18.0.0/24")])
transcript = Transcript("benchmark", Redactor({}))
if kind == "ssh":
    client = SshClient(address, SshInterface(kind="ssh", port=22), scope, transcript, 5.0)
    pairs = sorted(pairs, key=lambda pair: pair.username)
    attempt = lambda batch: client.logins(batch[0].username,
                                          [p.password for p in batch if p.username == batch[0].username])
else:
    client = TelnetClient(address, TelnetInterface(kind="telnet", port=23), scope, transcript, 5.0)
    attempt = lambda batch: client.logins([(p.username, p.password) for p in batch])
with guard(scope):
    outcome = sweep(pairs, attempt, LIMITS[kind])
print(json.dumps({"tried": outcome.tried, "accepted": len(outcome.accepted), "errors": len(outcome.errors),
                  "untried": outcome.untried, "seconds": outcome.seconds, "stopped_by": outcome.stopped_by,
                  "concurrency": LIMITS[kind].concurrency}))
"""
TARGETS = {"telnet": "c1", "ssh": "r1"}


def benchmark_pairs(kind: str, limit: int) -> list[tuple[str, str]]:
    """NOTICE pairs the target refuses (its own accounts removed), usable in hydra's -C format."""
    device = DEVICES[TARGETS[kind]]
    accepted = {(a.name, a.password) for a in device.accounts if a.password is not None}
    accepted.add((device.factory_username, device.factory_password))
    pairs = [(p.username, p.password) for p in load_dictionary("notice")
             if (p.username, p.password) not in accepted and ":" not in p.username and p.username]
    return pairs[:limit]


def run_tekigo(kind: str, pairs: list[tuple[str, str]]) -> dict[str, float]:
    address = DEVICES[TARGETS[kind]].host.address
    wall, done = timed_in_tester([sys.executable, "-c", SWEEP, kind, address, json.dumps(pairs)], 900)
    if done.returncode != 0:
        raise SystemExit(f"tekigo {kind} sweep failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.splitlines()[-1])
    return result | {"wall": wall}


def run_hydra(kind: str, pairs: list[tuple[str, str]], tasks: int) -> dict[str, float]:
    address = DEVICES[TARGETS[kind]].host.address
    with tempfile.TemporaryDirectory() as folder:
        combos = Path(folder) / "pairs.txt"
        combos.write_text("".join(f"{user}:{password}\n" for user, password in pairs), encoding="utf-8")
        argv = ["hydra", "-C", str(combos), "-t", str(tasks), "-f", "-I", "-w", "10", f"{kind}://{address}"]
        wall, done = timed_in_tester(argv, 900)
    found = re.search(r"(\d+) valid passwords? found", done.stdout)
    if found is None:
        raise SystemExit(f"hydra {kind} did not finish:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return {"wall": wall, "valid": int(found.group(1)), "command": " ".join([argv[0], "-C", "PAIRS", *argv[3:]])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000, help="at most this many pairs per protocol")
    parser.add_argument("--protocol", choices=sorted(TARGETS), action="append", help="default: both")
    arguments = parser.parse_args()
    rows = []
    with lab_with(sorted(set(TARGETS.values()))):
        for kind in arguments.protocol or ["telnet", "ssh"]:
            pairs = benchmark_pairs(kind, arguments.pairs)
            print(f"{kind} on {TARGETS[kind]}: {len(pairs)} pairs", flush=True)
            ours = run_tekigo(kind, pairs)
            print(f"  tekigo: {ours['tried']} tried in {ours['seconds']:.1f} s ({ours['concurrency']} connections), "
                  f"errors {ours['errors']}, untried {ours['untried']}, accepted {ours['accepted']}", flush=True)
            theirs = run_hydra(kind, pairs, int(ours["concurrency"]))
            print(f"  hydra:  {len(pairs)} pairs in {theirs['wall']:.1f} s ({theirs['command']}), "
                  f"{theirs['valid']} valid", flush=True)
            rows.append((kind, len(pairs), ours["tried"] / ours["wall"], len(pairs) / theirs["wall"]))
    print(f"\n{'protocol':<10}{'pairs':>6}{'tekigo pairs/s':>16}{'hydra pairs/s':>15}{'ratio':>8}  (goal >= 1.0x)")
    for kind, count, ours_rate, hydra_rate in rows:
        print(f"{kind:<10}{count:>6}{ours_rate:>16.1f}{hydra_rate:>15.1f}{ours_rate / hydra_rate:>7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
