"""The catalogues as data: requirements and findings, and the cross-references a finding carries."""

from harness import catalogue
from harness.checks import Finding
from harness.profile_loader import load_profile
from harness.run_record import CheckResult, build_record
from harness.verdict import Verdict

from ..conftest import REFERENCE_PROFILES


def test_the_literal_cross_references_checks_write_resolve_to_a_finding_kind() -> None:
    expected = {"EN 303 645 5.1-5": "throttling", "EN 303 645 5.3-10": "image_integrity",
                "EN 303 645 5.6-1": "undeclared_interface", "EN 303 645 5.1-1": "weak_password"}
    for reference, kind in expected.items():
        found = catalogue.finding_kind(reference)
        assert found is not None and found.id == kind, reference
    assert catalogue.finding_kind("EN 303 645  5.1-5") == catalogue.finding_kind("throttling")
    assert catalogue.finding_kind("EN 303 645 5.1-5; JC-STAR S1.1-04") == catalogue.finding_kind("throttling")
    assert catalogue.finding_kind("EN 303 645 9.9-9") is None and catalogue.finding_kind(None) is None


def test_every_cross_reference_names_one_finding_kind_of_a_known_requirement() -> None:
    kinds = catalogue.load_findings().values()
    references = [reference for kind in kinds for reference in kind.cross_references]
    assert len(references) == len(set(references))
    assert {kind.requirement for kind in kinds} <= set(catalogue.load())
    assert all(kind.title_ja and kind.title_en for kind in kinds)


def test_results_carry_each_findings_cross_references_from_the_catalogue() -> None:
    profile = load_profile(REFERENCE_PROFILES / "r1-router.yaml")
    findings = [Finding("no lockout after 100 failures", "EN 303 645 5.1-5; JC-STAR S1.1-04"),
                Finding("odd", "vendor note 7"), Finding("plain")]
    check = CheckResult("t.py::test_sweep", "TER-34-10-2", None, Verdict.PASS, "", [], findings, informational=True)
    record = build_record(profile, catalogue.load(), [check], "2025-01-01T00:00:00+00:00", "2025-01-01T00:01:00+00:00")
    item_2 = next(r for r in record["requirements"] if r["id"] == "TER-34-10-2")
    throttling, unknown, plain = item_2["tests"][0]["findings"]
    assert throttling["cross_reference"] == "EN 303 645 5.1-5; JC-STAR S1.1-04"  # as the check wrote it
    assert throttling["kind"] == "throttling" and throttling["beyond_legal_minimum"] is True
    assert throttling["cross_references"] == ["EN 303 645 5.1-5", "JC-STAR S1.1-04"]
    assert unknown["kind"] is None and unknown["cross_references"] == ["vendor note 7"]
    assert plain["cross_references"] == [] and plain["beyond_legal_minimum"] is None
