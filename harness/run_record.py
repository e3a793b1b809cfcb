"""The run record: results.json, the single source every report renderer reads.

Schema tekigo/results/v1. Fields added since its first version (readers must accept their absence):
`lab_settings` (the lab settings the run was made with, or null); per requirement, `equivalence`
({kind, basis, certificate, documents, declared}: the clause is met by a declared equivalence, never
by a bench test); `verdict_basis` ("tested", "equivalence" or "exemption") and `exemption`
({basis, basis_text, reason, declared} or null); per finding, `kind`, `cross_references` and
`beyond_legal_minimum` from the finding catalogue (harness/catalogue/findings.yaml).
"""

import json
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import __version__
from harness.catalogue import Requirement, finding_kind, references_in
from harness.checks import Finding
from harness.declarations import equivalence_entry, exemption_entry, untested_reason
from harness.profile import DeviceProfile
from harness.verdict import Verdict, combine, equipment_verdict

SCHEMA = "tekigo/results/v1"


@dataclass
class CheckResult:
    """One test's outcome on one interface."""

    nodeid: str
    requirement: str
    interface: str | None
    verdict: Verdict
    reason: str
    evidence: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    informational: bool = False  # reported beside the requirement, never deciding its verdict


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build_record(
    profile: DeviceProfile,
    catalogue: dict[str, Requirement],
    checks: list[CheckResult],
    started: str,
    finished: str,
    lab_settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Group the checks by requirement and apply the verdict rules (DESIGN.md)."""
    requirements = []
    for requirement in catalogue.values():
        tests = [check for check in checks if check.requirement == requirement.id]
        decided = [check.verdict for check in tests if not check.informational]
        if untested_reason(profile, requirement.id):
            decided.append(Verdict.NOT_APPLICABLE)  # declared, not tested: N/A even when no check ran
        entry: dict[str, Any] = {
            "id": requirement.id,
            "clause": requirement.clause,
            "title": {"ja": requirement.title_ja, "en": requirement.title_en},
            "cross_references": list(requirement.cross_references),
            "verdict": combine(decided).value,
            "tests": [_test_entry(check) for check in tests],
        }
        equivalence = equivalence_entry(profile, requirement.id)
        if equivalence is not None:
            entry["equivalence"] = equivalence
        requirements.append(entry)
    verdicts = [Verdict(str(r["verdict"])) for r in requirements]
    by_equivalence = any("equivalence" in r and r["verdict"] == Verdict.NOT_APPLICABLE for r in requirements)
    if profile.exemption is not None:
        verdict, basis = combine(verdicts), "exemption"
    else:
        verdict = equipment_verdict(verdicts, met_by_equivalence=by_equivalence)
        basis = "equivalence" if verdict is Verdict.PASS and any("equivalence" in r for r in requirements) else "tested"
    equipment = profile.equipment
    return {
        "schema": SCHEMA,
        "tool": {"name": "tekigo", "version": __version__},
        "environment": {"python": platform.python_version(), "platform": platform.platform()},
        "equipment": {
            "name": equipment.name,
            "model": equipment.model,
            "manufacturer": equipment.manufacturer,
            "serial": equipment.serial,
            "firmware_version": equipment.firmware_version,
            "kind": equipment.kind,
        },
        "unit": {"address": str(profile.unit.address), "power_driver": profile.power.driver},
        "lab": {"networks": [str(network) for network in profile.lab.networks]},
        "first_use_claim": profile.onboarding.model if profile.onboarding else "none",
        "started": started,
        "finished": finished,
        "verdict": verdict.value,
        "verdict_basis": basis,
        "exemption": exemption_entry(profile),
        "requirements": requirements,
        "lab_settings": lab_settings,
    }


def redacted(checks: list[CheckResult], redact: Callable[[str], str]) -> list[CheckResult]:
    """The checks with reasons and findings passed through `redact`: a message may quote a secret."""
    return [
        replace(check, reason=redact(check.reason),
                findings=[replace(finding, text=redact(finding.text)) for finding in check.findings])
        for check in checks
    ]


def _test_entry(check: CheckResult) -> dict[str, Any]:
    return {
        "nodeid": check.nodeid,
        "interface": check.interface,
        "verdict": check.verdict.value,
        "reason": check.reason,
        "evidence": check.evidence,
        "findings": [_finding_entry(finding) for finding in check.findings],
        "seconds": round(check.seconds, 3),
        "informational": check.informational,
    }


def _finding_entry(finding: Finding) -> dict[str, Any]:
    """The finding with its catalogue entry: every cross-reference of its kind, and whether it is beyond
    the legal minimum (None when the catalogue does not know the reference)."""
    kind = finding_kind(finding.cross_reference)
    own = [reference for reference in references_in(finding.cross_reference) if kind is None or reference != kind.id]
    return asdict(finding) | {
        "kind": kind.id if kind else None,
        "cross_references": list(dict.fromkeys([*own, *kind.cross_references])) if kind else own,
        "beyond_legal_minimum": kind.beyond_legal_minimum if kind else None,
    }


def write_record(run_dir: Path, record: dict[str, Any]) -> Path:
    path = run_dir / "results.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_record(run_dir: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    if record.get("schema") != SCHEMA:
        raise ValueError(f"{run_dir}/results.json is not a {SCHEMA} record")
    return record
