"""Declared, not tested: an ISO/IEC 15408 equivalence, an exemption, an item-2 equivalent measure, and the
unique-per-unit units, from the profile through results.json to the summary and the report."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness import catalogue
from harness.profile_loader import ProfileError, load_profile
from harness.report.render import ReportRequest, render_reports
from harness.run_record import CheckResult, build_record
from harness.summary import render_run
from harness.verdict import Verdict

STARTED, FINISHED = "2025-06-02T01:02:03+00:00", "2025-06-02T01:09:30+00:00"
CERTIFICATE = "\nequivalence: {certificate: JISEC-C0999, assurance_level: EAL2}\n"
EXEMPTION = "\nexemption: {basis: user_installable_software, reason: a PC whose OS the user reinstalls}\n"


def profile_from(tmp_path: Path, text: str, name: str = "unit.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def record_of(tmp_path: Path, text: str, checks: list[CheckResult] = ()) -> dict:  # type: ignore[assignment]
    profile = load_profile(profile_from(tmp_path, text))
    return build_record(profile, catalogue.load(), list(checks), STARTED, FINISHED)


def passed(requirement: str) -> CheckResult:
    return CheckResult(f"t.py::test_{requirement[-1]}", requirement, None, Verdict.PASS, "")


def test_a_certificate_makes_every_item_not_applicable_by_equivalence(tmp_path: Path,
                                                                       reference_profile_text: str) -> None:
    record = record_of(tmp_path, reference_profile_text + CERTIFICATE)
    assert record["verdict"] == "PASS" and record["verdict_basis"] == "equivalence"
    for requirement in record["requirements"]:
        assert requirement["verdict"] == "NOT_APPLICABLE"
        assert requirement["equivalence"] == {"kind": "certificate", "basis": "ISO/IEC 15408 EAL2",
                                              "certificate": "JISEC-C0999", "documents": [], "declared": True}
    summary = render_run(record, tmp_path)
    assert "met by equivalence (declared, not tested): ISO/IEC 15408 EAL2 certificate JISEC-C0999" in summary
    assert "overall      PASS     適合 — met by equivalence (declared, not tested)" in summary


def test_a_certificate_for_some_items_leaves_the_others_to_the_bench(tmp_path: Path,
                                                                     reference_profile_text: str) -> None:
    text = reference_profile_text + "\nequivalence: {certificate: JISEC-C0999, items: [TER-34-10-1]}\n"
    record = record_of(tmp_path, text, [passed("TER-34-10-2"), passed("TER-34-10-3")])
    verdicts = {r["id"]: r["verdict"] for r in record["requirements"]}
    assert verdicts == {"TER-34-10-1": "NOT_APPLICABLE", "TER-34-10-2": "PASS", "TER-34-10-3": "PASS",
                        "TER-34-10-4": "INCONCLUSIVE"}  # item 4 never ran: a certificate for item 1 hides nothing
    assert record["verdict"] == "INCONCLUSIVE" and record["verdict_basis"] == "tested"


def test_an_exemption_takes_the_unit_out_of_scope_with_its_reason(tmp_path: Path,
                                                                  reference_profile_text: str) -> None:
    record = record_of(tmp_path, reference_profile_text + EXEMPTION)
    assert record["verdict"] == "NOT_APPLICABLE" and record["verdict_basis"] == "exemption"
    assert record["exemption"]["reason"] == "a PC whose OS the user reinstalls" and record["exemption"]["declared"]
    assert {r["verdict"] for r in record["requirements"]} == {"NOT_APPLICABLE"}
    assert "out of scope (declared, not tested)" in render_run(record, tmp_path)


def test_an_equivalent_measure_names_its_documents_and_is_never_the_tested_result(
        tmp_path: Path, reference_profile_text: str) -> None:
    document = tmp_path / "manual.pdf"
    document.write_bytes(b"%PDF-1.4 setup wizard forces a password")
    digest = hashlib.sha256(document.read_bytes()).hexdigest()
    text = reference_profile_text.replace("first_use: {claim: forced_change}", (
        "first_use:\n  claim: equivalent_measure\n  documents:\n"
        f"    - {{path: manual.pdf, sha256: {digest}, description: 'setup wizard, manual p. 12'}}"))
    record = record_of(tmp_path, text, [passed("TER-34-10-2")])
    item_2 = next(r for r in record["requirements"] if r["id"] == "TER-34-10-2")
    assert item_2["equivalence"]["kind"] == "equivalent_measure"
    assert item_2["equivalence"]["documents"] == [
        {"path": str(document), "sha256": digest, "description": "setup wizard, manual p. 12"}]
    assert "equivalent measure (declared, not tested)" in render_run(record, tmp_path)


@pytest.mark.parametrize(("declaration", "expected"), [
    ("first_use:\n  claim: equivalent_measure\n  documents:\n    - {path: m.pdf, sha256: abc, description: d}",
     "first_use.documents[0].sha256: String should match pattern"),
    ("first_use:\n  claim: unique_per_unit\n  units:\n    - {serial: A1, address: 198.18.0.41, "
     "label: {username: admin, password: x}}", "two or more `units`"),
    ("first_use:\n  claim: unique_per_unit\n  units:\n    - {serial: A1, address: 10.0.0.1, "
     "label: {username: admin, password: x}}\n    - {serial: A2, address: 198.18.0.42, "
     "label: {username: admin, password: y}}", "10.0.0.1 is outside lab.networks"),
])
def test_bad_declarations_are_errors_naming_file_and_line(tmp_path: Path, reference_profile_text: str,
                                                           declaration: str, expected: str) -> None:
    text = reference_profile_text.replace("first_use: {claim: forced_change}", declaration)
    path = profile_from(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert f"{path}:" in str(caught.value) and expected in str(caught.value)


def test_bad_exemption_basis_names_its_line(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text + EXEMPTION.replace("user_installable_software", "too_expensive")
    path = profile_from(tmp_path, text)
    line = text.splitlines().index(EXEMPTION.strip().replace("user_installable_software", "too_expensive")) + 1
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert f"{path}:{line}: exemption.basis" in str(caught.value)


def test_label_passwords_are_secrets_to_redact(tmp_path: Path, reference_profile_text: str) -> None:
    (tmp_path / "label-a2").write_text("Lbl-a2-secret\n", encoding="utf-8")
    text = reference_profile_text.replace("first_use: {claim: forced_change}", (
        "first_use:\n  claim: unique_per_unit\n  units:\n"
        "    - {serial: A1, address: 198.18.0.41, label: {username: admin, password: Lbl-a1-secret}}\n"
        "    - {serial: A2, address: 198.18.0.42, label: {username: admin, password: {file: label-a2}}}"))
    secrets = load_profile(profile_from(tmp_path, text)).secrets()
    assert secrets["label_A1"] == "Lbl-a1-secret" and secrets["label_A2"] == "Lbl-a2-secret"


def test_the_report_shows_declarations_as_declared_not_tested(tmp_path: Path, reference_profile_text: str) -> None:
    run_dir = tmp_path / "run"
    done = run_suite(tmp_path, reference_profile_text + EXEMPTION, run_dir)
    assert done.returncode == 3, done.stdout + done.stderr
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "a PC whose OS the user reinstalls" in html and "申告によるもので、試験はしていない" in html
    assert "declared, not tested" in html and 'class="badge EXEMPT"' in html
    assert 'class="badge PASS"' not in html
    render_reports(run_dir, ReportRequest(formats=("html",), language="en"))
    assert "Out of scope (exempt)" in (run_dir / "report.html").read_text(encoding="utf-8")


def run_suite(tmp_path: Path, text: str, run_dir: Path) -> subprocess.CompletedProcess[str]:
    """`tekigo run` on a unit at 127.0.0.2 where nothing listens: only declarations can decide anything."""
    text = text.replace("address: 198.18.0.11", "address: 127.0.0.2").replace("[198.18.0.0/24]", "[127.0.0.0/24]")
    profile = profile_from(tmp_path, text)
    return subprocess.run([sys.executable, "-m", "harness.cli", "run", "--profile", str(profile), "--out",
                           str(run_dir)], capture_output=True, text=True, timeout=180, cwd=tmp_path)


def test_a_certified_unit_runs_no_check_and_sends_nothing(tmp_path: Path, reference_profile_text: str) -> None:
    run_dir = tmp_path / "run"
    done = run_suite(tmp_path, reference_profile_text + CERTIFICATE, run_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    tests = [test for requirement in record["requirements"] for test in requirement["tests"]]
    assert tests and {test["verdict"] for test in tests} == {"NOT_APPLICABLE"}
    assert all("met by equivalence, declared, not tested" in test["reason"] for test in tests)
    assert not [path for test in tests for path in test["evidence"]]  # no check exchanged anything
    assert "met by equivalence (declared, not tested)" in done.stdout
