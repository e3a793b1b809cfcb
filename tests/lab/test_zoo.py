"""The zoo: third-party units (Debian packages) in factory configuration get the verdicts their upstream
documentation justifies, in a lab of their own that the reference lab's clearing never touches.

Cost: the zoo boots in about 2 s; each unit's run takes 13-16 s, the six 3 at a time about 32 s (deluge
added ~14 s of unit time, one more slot of 3), plus the wait for the lab lock when another module holds it.
"""

import json
import subprocess
import sys
from pathlib import Path

from harness.lab.namespaces import lab_namespaces
from harness.lab.zoo.profiles import zoo_profiles
from harness.lab.zoo.topology import ZOO_PREFIX
from harness.profile_loader import load_profile

from ..conftest import REPO

ZOO_PROFILES = REPO / "device_profiles" / "zoo"


def test_every_zoo_unit_gets_the_verdicts_its_documentation_justifies(tmp_path: Path) -> None:
    out = tmp_path / "zoo"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "zoo", "run", "--out", str(out), "-n", "3"],
                          capture_output=True, text=True, timeout=1500, cwd=REPO)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    for profile_path in zoo_profiles(ZOO_PROFILES):
        expected = {key: verdict.value for key, verdict in (load_profile(profile_path).expected or {}).items()}
        record = json.loads((out / profile_path.stem / "results.json").read_text(encoding="utf-8"))
        got = {requirement["id"]: requirement["verdict"] for requirement in record["requirements"]}
        got["overall"] = record["verdict"]
        assert expected and {key: got[key] for key in expected} == expected, profile_path.name
    assert f"{len(zoo_profiles(ZOO_PROFILES))}/{len(zoo_profiles(ZOO_PROFILES))} zoo units" in done.stdout
    assert lab_namespaces(ZOO_PREFIX) == [], "the zoo left namespaces behind"


def test_the_zoo_and_the_reference_lab_never_clear_each_others_namespaces() -> None:
    """The zoo's clearing leaves a tekigo-* namespace alone; the lab's selection (`lab down`) skips tkzoo-*."""
    from harness import lab
    from harness.lab.namespaces import run
    from harness.lab.zoo import lifecycle

    ours, theirs = ZOO_PREFIX + "probe", "tekigo-zooprobe"
    with lab.exclusive_lab():
        for namespace in (ours, theirs):
            run(["ip", "netns", "add", namespace])
        try:
            lifecycle.clear()
            assert theirs in lab_namespaces() and ours not in lab_namespaces(ZOO_PREFIX)
            run(["ip", "netns", "add", ours])
            assert ours not in lab_namespaces(), "`tekigo lab down` would clear a zoo namespace"
        finally:
            for namespace in (ours, theirs):
                if namespace in lab_namespaces(""):
                    run(["ip", "netns", "delete", namespace])
