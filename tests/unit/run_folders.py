"""Run folders for report and integrity tests, made without a lab: a record, evidence, junit, manifest."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import catalogue
from harness.checks import Finding
from harness.evidence import write_manifest
from harness.profile_loader import load_profile
from harness.report.junit import write_junit
from harness.run_record import CheckResult, build_record, write_record
from harness.verdict import Verdict

from ..conftest import REFERENCE_PROFILES

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LONG_TOKEN = "A" * 400  # no break opportunity: must wrap inside its cell, not run off the page
STARTED, FINISHED = "2025-06-02T01:02:03+00:00", "2025-06-02T01:09:30+00:00"


@dataclass(frozen=True)
class Check:
    """One check of a made-up run, with the evidence text it leaves."""

    name: str
    requirement: str
    verdict: Verdict
    reason: str = ""
    evidence: str = "  0.000 > connect 198.18.0.11:80\n  0.010 < HTTP/1.1 401 Unauthorized\n"
    finding: str | None = None
    interface: str | None = "http:80"


def typical_checks() -> list[Check]:
    """A failing camera: every verdict, a finding, and a unit that sends markup and script."""
    return [
        Check("test_protected_settings_refuse_unauthenticated_reads", "TER-34-10-1", Verdict.FAIL,
              f"protected settings served without authentication: GET /settings (200) {HOSTILE}",
              evidence=f"  0.001 > GET /settings\n  0.002 < Server: {HOSTILE}\n  0.003 < {LONG_TOKEN}\n"),
        Check("test_ssh_refuses_none_and_empty_password", "TER-34-10-1", Verdict.NOT_APPLICABLE,
              "the profile declares no ssh interface", interface="no-ssh"),
        Check("test_dictionary_sweep_finds_no_login", "TER-34-10-2", Verdict.PASS,
              finding=f"the unit locked out after 5 failed logins {HOSTILE}", interface="telnet:23"),
        Check("test_update_installs_the_declared_version", "TER-34-10-3", Verdict.PASS, interface=None),
        Check("test_password_settings_and_update_survive_a_power_cut", "TER-34-10-4", Verdict.INCONCLUSIVE,
              f"timed out: {LONG_TOKEN}", interface=None),
    ]


def make_run_folder(run_dir: Path, checks: list[Check], equipment_name: str = f"camera {HOSTILE}",
                    lab_settings: dict | None = None) -> Path:
    """Write results.json, junit.xml, the evidence of `checks` and the manifest into `run_dir`."""
    profile = load_profile(REFERENCE_PROFILES / "c1-camera.yaml")
    equipment = profile.equipment.model_copy(update={"name": equipment_name})
    profile = profile.model_copy(update={"equipment": equipment})
    results = []
    for index, check in enumerate(checks):
        nodeid = f"testcases/ter_34_10/t.py::{check.name}" + (f"[{check.interface}]" if check.interface else "")
        path = f"evidence/{index:04d}_{check.name}/exchanges.txt"
        (run_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / path).write_text(f"# {nodeid}\n{check.evidence}", encoding="utf-8")
        findings = [Finding(check.finding, "EN 303 645 5.1-5")] if check.finding else []
        results.append(CheckResult(nodeid, check.requirement, check.interface, check.verdict, check.reason,
                                   [path], findings, 1.25))
    record = build_record(profile, catalogue.load(), results, STARTED, FINISHED, lab_settings)
    write_record(run_dir, record)
    write_junit(run_dir, record)
    write_manifest(run_dir)
    return run_dir


def pdf_text(path: Path, *options: str) -> str:
    """The text of a PDF as poppler's pdftotext reads it (pages separated by form feeds)."""
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
