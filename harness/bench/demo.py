"""`make demo-labgrid`: three reference units on labgrid places spread over two bench PCs, one command, one table.

The reference lab comes up (r1, c1, n1); beside it three namespaces on the lab bridge stand for a lab's
machines: the coordinator (198.18.0.240) and two bench PCs (198.18.0.241, .242), none with a default route. Each
bench PC runs a labgrid exporter and a Shelly-API plug (harness/lab/bench_plug.py) whose relays are its units'
supplies: bench1 powers r1 and c1, bench2 powers n1. The exporters publish each plug relay as a NetworkPowerPort;
a place per unit matches its bench's port. Then `tekigo run --place … -n 3` runs in the tester namespace, and the
table compares each unit's verdicts with those its profile expects. Exit 0 only if all match. Everything the
demo started is stopped, and the lab taken down; a previous demo's leftovers go with `lab up`, which clears
every tekigo-* namespace first.
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from harness import lab
from harness.bench.daemons import Daemon, create_place, start_coordinator, start_daemon, start_exporter
from harness.lab.namespaces import attach, listening_ports, tester_command
from harness.lab.topology import Host
from harness.selftest import SelftestOutcome
from harness.summary import render_selftest

REPO = Path(__file__).resolve().parent.parent.parent
PROFILES = REPO / "device_profiles" / "reference"
COORDINATOR = Host("lgc", "198.18.0.240")
BENCHES = {"bench1": Host("bench1", "198.18.0.241"), "bench2": Host("bench2", "198.18.0.242")}
# unit profile, bench PC, lab device on the bench plug's relay (in relay order per bench)
UNITS = [("r1-router", "bench1", "r1"), ("c1-camera", "bench1", "c1"), ("n1-recorder", "bench2", "n1")]
PORT = 20408
PLUG_PORT = 80
WORKDIR = Path("/run/tekigo-labgrid-demo")
READY_S = 10.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "demo-labgrid")
    parser.add_argument("-n", dest="workers", type=int, default=len(UNITS), help="units at once (default all)")
    parser.add_argument("-k", dest="keyword", help="only the checks matching this pytest -k expression")
    arguments = parser.parse_args(argv)
    lab.require_root()
    with lab.exclusive_lab():
        try:
            lab.up([device for _, _, device in UNITS])
            with ExitStack() as daemons:
                coordinator = start_benches(daemons)
                started = time.monotonic()
                status = run_units(coordinator, arguments.out, arguments.workers, arguments.keyword)
                print(f"\ntekigo run on {len(UNITS)} places over {len(BENCHES)} bench PCs: "
                      f"{time.monotonic() - started:.0f} s wall (exit status {status})")
        finally:
            lab.down()
            shutil.rmtree(WORKDIR, ignore_errors=True)
    outcomes = compare(arguments.out)
    print(render_selftest(outcomes))
    return 0 if outcomes and all(outcome.matches for outcome in outcomes) else 1


def start_benches(daemons: ExitStack) -> str:
    """The coordinator, and per bench PC its plug and exporter, and a place per unit; the coordinator's address."""
    shutil.rmtree(WORKDIR, ignore_errors=True)
    for host in (COORDINATOR, *BENCHES.values()):
        attach(host)
    address = f"{COORDINATOR.address}:{PORT}"
    daemons.callback(start_coordinator(address, WORKDIR / "coordinator", COORDINATOR.namespace).stop)
    for bench, host in BENCHES.items():
        devices = [device for _, on, device in UNITS if on == bench]
        plug = start_daemon(f"{bench}-plug", ["ip", "netns", "exec", host.namespace, sys.executable, "-m",
                                              "harness.lab.bench_plug", f"{host.address}:{PLUG_PORT}", *devices],
                            WORKDIR / bench)
        daemons.callback(plug.stop)
        wait_listening(plug, host.namespace, PLUG_PORT)
        resources = {device: {"NetworkPowerPort": {"model": "shelly_gen1", "host": f"http://{host.address}",
                                                   "index": relay}}
                     for relay, device in enumerate(devices)}
        exporter = start_exporter(bench, address, resources, host.address, WORKDIR / bench, host.namespace)
        daemons.callback(exporter.stop)
        print(f"bench PC {bench} ({host.address}): exporter and plug up, powering {', '.join(devices)}")
    for _, bench, device in UNITS:
        create_place(address, place_name(bench, device), [f"{bench}/{device}/*"], COORDINATOR.namespace)
    print(f"coordinator {address}: places {', '.join(place_name(b, d) for _, b, d in UNITS)}")
    return address


def place_name(bench: str, device: str) -> str:
    return f"{bench}-{device}"


def wait_listening(daemon: Daemon, namespace: str, port: int) -> None:
    deadline = time.monotonic() + READY_S
    while port not in listening_ports(namespace):
        if daemon.process.poll() is not None or time.monotonic() > deadline:
            raise lab.LabError(f"{daemon.name} did not listen on {port}: {daemon.log.read_text()[-2000:]}")
        time.sleep(0.1)


def run_units(coordinator: str, out: Path, workers: int, keyword: str | None) -> int:
    """`tekigo run` with every unit on its place, from the tester namespace; its exit status."""
    arguments = []
    for profile, bench, device in UNITS:
        arguments += ["--profile", str(PROFILES / f"{profile}.yaml"), "--place", place_name(bench, device)]
    command = tester_command([sys.executable, "-m", "harness.cli", "run", *arguments, "-n", str(workers),
                              "--coordinator", coordinator, "--out", str(out), "--overwrite",
                              *(["-k", keyword] if keyword else [])])
    return subprocess.run(command, check=False, timeout=1800).returncode


def compare(out: Path) -> list[SelftestOutcome]:
    """Each unit's verdicts (summary.json) against those its profile expects."""
    from harness.profile_loader import load_profile

    summary = out / "summary.json"
    if not summary.exists():
        print(f"demo-labgrid: no {summary}: the run did not finish")
        return []
    units = {Path(unit["run_dir"]).name: unit for unit in json.loads(summary.read_text(encoding="utf-8"))["units"]}
    outcomes = []
    for profile, _, _ in UNITS:
        unit = units.get(profile, {})
        expected = load_profile(PROFILES / f"{profile}.yaml").expected or {}
        outcomes.append(SelftestOutcome(profile, unit.get("verdicts", {}),
                                        {key: verdict.value for key, verdict in expected.items()},
                                        float(unit.get("seconds", 0.0)), int(unit.get("exit_status", 2))))
    return outcomes


if __name__ == "__main__":
    sys.exit(main())
