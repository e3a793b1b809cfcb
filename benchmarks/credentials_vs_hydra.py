"""NOTICE-scale credential sweep over telnet, SSH and HTTP: tekigo's sweep engine against hydra, same target, same run.

Run as root from the repository: .venv/bin/python benchmarks/credentials_vs_hydra.py [--pairs N] [--throttled]
    [--protocol telnet|ssh|http-basic|http-form ...] [--rounds N]
Both tools get the same pairs (the NOTICE dictionary minus the pairs the unit accepts, so neither stops
early) and the same number of connections at once, and run in the lab's tester namespace one after the
other against the same service: telnet on c1, SSH on r1, HTTP basic auth on c1's web admin, the form
login (double-submit CSRF cookie) on r1's. For telnet and SSH that service is by default the unit's
unthrottled twin (benchmarks/support/unthrottled.py: OpenSSH, and shadow's login behind busybox telnetd,
with the unit's own accounts and no failure delay), so the tools are measured, not the unit's throttle;
--throttled sweeps the unit's own dropbear and busybox login with the suite's LIMITS instead. HTTP is
always the unit's own web admin with the suite's LIMITS (it hashes every try with PBKDF2: both tools pay it).
Goal: tekigo >= 1.0x hydra in pairs per second, on every protocol; one RESULT line each (median of rounds).
"""

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.lab_session import lab_with, median, timed_in_tester
from benchmarks.support.result import result_line
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
from harness.profile_loader import load_profile
from harness.credentials.sweep import SweepLimits
from harness.scope import LabScope, guard
from harness.transports.http import HttpClient
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
elif kind.startswith("http"):
    interface = load_profile(sys.argv[6]).http_interfaces()[0]
    client = HttpClient(address, interface, scope, transcript, 10.0)
    attempt = lambda batch: client.logins([(p.username, p.password) for p in batch])
else:
    client = TelnetClient(address, TelnetInterface(kind="telnet", port=port), scope, transcript, 5.0)
    attempt = lambda batch: client.logins([(p.username, p.password) for p in batch])
with guard(scope):
    outcome = sweep(pairs, attempt, limits)
print(json.dumps({"tried": outcome.tried, "accepted": len(outcome.accepted), "errors": len(outcome.errors),
                  "untried": outcome.untried, "seconds": outcome.seconds, "stopped_by": outcome.stopped_by,
                  "first_errors": outcome.errors[:3]}))
"""
TARGETS = {"telnet": "c1", "ssh": "r1", "http-basic": "c1", "http-form": "r1"}
REPO = Path(__file__).resolve().parent.parent
PROFILES = {"c1": REPO / "device_profiles/reference/c1-camera.yaml",
            "r1": REPO / "device_profiles/reference/r1-router.yaml"}
PORTS_OF_UNITS = {"ssh": 22, "telnet": 23, "http-basic": 80, "http-form": 80}
CSRF_TOKEN = "tekigo-benchmark-csrf-token-0001"  # hydra's form posts carry it as cookie and field (double submit)
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
    argv = [sys.executable, "-c", SWEEP, kind, address, str(port), json.dumps(pairs), json.dumps(limits.__dict__),
            str(PROFILES[TARGETS[kind]])]
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
        argv = ["hydra", "-C", str(combos), "-t", str(tasks), "-f", "-I", "-w", "10",
                *hydra_target(kind, address, port)]
        wall, done = timed_in_tester(argv, 900)
    found = re.search(r"(\d+) valid passwords? found", done.stdout)
    if found is None:
        raise SystemExit(f"hydra {kind} did not finish:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    claimed = [line.strip() for line in (done.stdout + done.stderr).splitlines() if "host:" in line]
    return {"wall": wall, "valid": int(found.group(1)), "claimed": claimed,
            "command": " ".join([argv[0], "-C", "PAIRS", *argv[3:]])}


def hydra_target(kind: str, address: str, port: int) -> list[str]:
    """hydra's service URL (and module options) for `kind` on the unit."""
    if kind == "http-basic":  # c1's web admin asks for basic auth on its status page
        return [f"http-get://{address}:{port}/admin/status"]
    if kind == "http-form":  # r1's form: the CSRF token is a double-submit cookie, so a fixed one passes
        form = (f"/login:username=^USER^&password=^PASS^&csrf_token={CSRF_TOKEN}:H=Cookie\\: csrf={CSRF_TOKEN}"
                ":F=Login failed")  # hydra 9.4 takes the header only before the condition
        return [f"http-post-form://{address}:{port}{form}"]
    return [f"{kind}://{address}:{port}"]


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
    parser.add_argument("--protocol", choices=sorted(TARGETS), action="append", help="default: all")
    parser.add_argument("--throttled", action="store_true", help="the unit's own daemons, with the suite's LIMITS")
    parser.add_argument("--rounds", type=int, default=1, help="both tools this many times on each protocol")
    arguments = parser.parse_args()
    kinds = arguments.protocol or ["telnet", "ssh", "http-basic", "http-form"]
    rows: dict[str, list[tuple[int, float, float]]] = {kind: [] for kind in kinds}
    with lab_with(sorted(set(TARGETS.values()))):
        for _ in range(arguments.rounds):
            for kind in kinds:
                if kind.startswith("http"):
                    rows[kind].append(compare(kind, PORTS_OF_UNITS[kind], LIMITS["http"], arguments.pairs)[1:])
                elif arguments.throttled:
                    rows[kind].append(compare(kind, PORTS_OF_UNITS[kind], LIMITS[kind], arguments.pairs)[1:])
                else:
                    with unthrottled_twin(kind, DEVICES[TARGETS[kind]]) as port:
                        rows[kind].append(compare(kind, port, UNTHROTTLED_LIMITS[kind], arguments.pairs)[1:])
    target = "the units' own daemons" if arguments.throttled else f"telnet/SSH: unthrottled twins (ports {PORTS})"
    print(f"\n{target}; HTTP: the units' web admins; load average now {os.getloadavg()[0]:.2f}\n"
          f"{'protocol':<12}{'pairs':>6}{'tekigo pairs/s':>16}{'hydra pairs/s':>15}{'ratio':>8}  (goal >= 1.0x)")
    for kind, measured in rows.items():
        for count, ours_rate, hydra_rate in measured:
            print(f"{kind:<12}{count:>6}{ours_rate:>16.1f}{hydra_rate:>15.1f}{ours_rate / hydra_rate:>7.2f}x")
    for kind, measured in rows.items():
        ratios = [ours / theirs for _, ours, theirs in measured]
        ratio = median(ratios)
        spread = f" (rounds {min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
        name = f"sweep_vs_hydra_{kind.replace('-', '_')}{'_throttled' if arguments.throttled else ''}"
        print(result_line(name, ratio, 1.0, ">=") + spread)
    return 0


if __name__ == "__main__":
    sys.exit(main())
