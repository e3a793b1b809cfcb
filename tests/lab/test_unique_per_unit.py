"""Item 2 path (b), unique per unit, on real units: labels that differ and open only their own unit PASS; a
shared label or one from the sweep dictionary FAILs. And path (a) on r1 and n1: the factory default opens
nothing but the password change, on any interface."""

import json
import sys
from pathlib import Path

import pytest
import yaml

from harness import lab
from harness.lab.devices import LABELS, UNIQUE_UNITS
from harness.lab.topology import device_dir

from .conftest import run_in_tester

pytestmark = [pytest.mark.lab, pytest.mark.timeout(240)]

REPO = Path(__file__).resolve().parent.parent.parent
CHECK = "test_unique_per_unit_claim"


CASES = {  # profile name: (unit tested, units its claim lists)
    "unique": ("pu1", ["pu1", "pu2"]),
    "shared-label": ("pu3", ["pu1", "pu3"]),
    "label-in-dictionary": ("pu2", ["pu2", "pu4"]),
}
FORCED_CHANGE = ["r1-router", "n1-recorder"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One parallel `tekigo run` of the two checks over every case, on a lab of r1, n1 and the labelled units."""
    folder = tmp_path_factory.mktemp("unique")
    profiles = [unit_profile(folder, name, *case) for name, case in CASES.items()]
    profiles += [REPO / "device_profiles/reference" / f"{name}.yaml" for name in FORCED_CHANGE]
    arguments = [a for profile in profiles for a in ("--profile", str(profile))]
    with lab.exclusive_lab():
        lab.up(["r1", "n1", *UNIQUE_UNITS])
        try:
            done = run_in_tester([sys.executable, "-m", "harness.cli", "run", *arguments, "-n", "3", "--out",
                                  str(folder / "runs"), "-k", f"{CHECK} or only_opens"], timeout=180)
        finally:
            lab.down()
    assert (folder / "runs" / "summary.json").is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    return folder / "runs"


def unit_profile(folder: Path, name: str, tested: str, labelled: list[str]) -> Path:
    """r1's profile pointed at the unit `tested`, claiming unique labels for the units `labelled`."""
    profile = yaml.safe_load((REPO / "device_profiles/reference/r1-router.yaml").read_text(encoding="utf-8"))
    unit = UNIQUE_UNITS[tested]
    profile["equipment"] |= {"model": unit.model, "serial": f"P1-{tested}"}
    profile["unit"]["address"] = unit.host.address
    profile["interfaces"] = [i for i in profile["interfaces"] if i["kind"] == "http"]
    profile["factory_default"] = {"username": "admin", "password": LABELS[tested]}
    profile["first_use"] = {"claim": "unique_per_unit", "units": [
        {"serial": f"P1-{unit}", "address": UNIQUE_UNITS[unit].host.address,
         "label": {"username": "admin", "password": LABELS[unit]}} for unit in labelled]}
    profile["power"] |= {"namespace": unit.host.namespace, "boot": str(device_dir(tested) / "boot"),
                         "console_log": str(device_dir(tested) / "console.log")}
    profile.pop("expected")
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    return path


def check_of(run_dir: Path, keyword: str) -> tuple[dict, str]:
    """The result of the check matching `keyword` in `run_dir`, and its exchanges."""
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    result = next(t for r in record["requirements"] for t in r["tests"] if keyword in t["nodeid"])
    return result, "".join((run_dir / path).read_text(encoding="utf-8") for path in result["evidence"])


@pytest.mark.parametrize(("name", "verdict", "reasons"), [
    ("unique", "PASS", []),
    ("shared-label", "FAIL", ["units P1-pu1 and P1-pu3 have the same label password",
                              "the label credential of P1-pu3 opens unit P1-pu1"]),
    ("label-in-dictionary", "FAIL", ["the label password of P1-pu4 is in the notice sweep dictionary"]),
])
def test_unique_per_unit_claim_verdicts(runs: Path, name: str, verdict: str, reasons: list[str]) -> None:
    result, exchanges = check_of(runs / name, CHECK)
    assert result["verdict"] == verdict, result["reason"]
    assert all(reason in result["reason"] for reason in reasons), result["reason"]
    assert "198.18.0.4" in exchanges  # the labels were tried on the units themselves
    assert not any(LABELS[unit] in exchanges for unit in CASES[name][1] if unit != "pu4")  # redacted


@pytest.mark.parametrize("device", FORCED_CHANGE)
def test_factory_default_opens_only_the_password_change(runs: Path, device: str) -> None:
    result, exchanges = check_of(runs / device, "only_opens")
    assert result["verdict"] == "PASS", result["reason"]
    assert "POST" in exchanges and "tekigo-" in exchanges  # a setting change was tried with the factory session
