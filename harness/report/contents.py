"""What a report shows, gathered from a run folder: the record, its manifest and the lab's details."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.integrity import Manifest
from harness.report.lab_settings import DEFAULT_REPORT_NUMBER_PREFIX, LabSettings, Party
from harness.report.wording import CheckWords, Words, load_wording

EXCERPT_LINES = 12
EXCERPT_LINE_CHARS = 240
EXCERPT_READ_BYTES = 64 * 1024  # only the end of a transcript is read, however long it is
# A reason or finding longer than this is cut in the report, with how much more results.json holds: a unit's
# megabyte of text would take minutes to lay out (line breaking is quadratic in WeasyPrint) for no reader.
TEXT_SHOWN_CHARS = 2000


@dataclass(frozen=True)
class EvidenceReference:
    """An evidence file a check names, with its SHA-256 from the manifest (None if not listed)."""

    path: str
    sha256: str | None


@dataclass(frozen=True)
class CheckSection:
    """One check on one interface, as the report states it."""

    name: str
    interface: str | None
    verdict: str
    reason: str
    reason_omitted: int  # characters of the reason not shown (results.json has them)
    findings: list[dict[str, Any]]  # each as recorded, its text cut, with `omitted` characters
    seconds: float
    words: CheckWords | None
    evidence: list[EvidenceReference]
    excerpt: list[str]


@dataclass(frozen=True)
class ClauseSection:
    """One requirement: its verdict (EQUIVALENCE when met by a declared equivalence, EXEMPT when the unit is
    declared out of scope) and checks."""

    id: str
    clause: str
    title: Words
    cross_references: list[str]
    verdict: str
    equivalence: dict[str, Any] | None
    checks: list[CheckSection]


@dataclass(frozen=True)
class ReportContents:
    """Everything the template shows; the unit's strings are still raw here (the template escapes)."""

    record: dict[str, Any]
    settings: LabSettings | None
    applicant: Party | None
    report_number: str
    sealed_sha256: str
    standard: Words
    test_period: str
    overall: str
    clauses: list[ClauseSection]
    sealed_files: list[tuple[str, str]]


def gather(run_dir: Path, record: dict[str, Any], manifest: Manifest, settings: LabSettings | None,
           applicant: Party | None = None, report_number: str | None = None) -> ReportContents:
    """The contents of the report of `run_dir` (whose files were checked against `manifest`)."""
    started = datetime.fromisoformat(record["started"])
    prefix = settings.report_number_prefix if settings else DEFAULT_REPORT_NUMBER_PREFIX
    exempt = record.get("exemption") is not None
    clauses = [_clause(run_dir, requirement, manifest, exempt) for requirement in record["requirements"]]
    return ReportContents(
        record=record,
        settings=settings,
        applicant=applicant or (settings.applicant if settings else None),
        report_number=report_number or f"{prefix}-{started:%Y%m%d}-{manifest.sealed_sha256[:8].upper()}",
        sealed_sha256=manifest.sealed_sha256,
        standard=_standard(record),
        test_period=_period(started, datetime.fromisoformat(record["finished"])),
        overall=_overall(record, clauses),
        clauses=clauses,
        sealed_files=sorted(manifest.sealed.items()),
    )


def _standard(record: dict[str, Any]) -> Words:
    standards = load_wording().standards
    prefixes = {requirement["id"].rsplit("-", 1)[0] for requirement in record["requirements"]}
    if len(prefixes) != 1 or not prefixes <= set(standards):
        raise ValueError(f"wording.yaml names no single standard for the catalogue(s) {sorted(prefixes)}")
    return standards[prefixes.pop()]


def _period(started: datetime, finished: datetime) -> str:
    zone = started.tzname() or ""
    end = f"{finished:%H:%M:%S}" if finished.date() == started.date() else f"{finished:%Y-%m-%d %H:%M:%S}"
    return f"{started:%Y-%m-%d %H:%M:%S} – {end} {zone}".strip()


def _overall(record: dict[str, Any], clauses: list[ClauseSection]) -> str:
    """The equipment verdict's badge: declared bases are never shown as a plain (tested) result."""
    if record.get("exemption") is not None and record["verdict"] == "NOT_APPLICABLE":
        return "EXEMPT"
    if record["verdict"] == "PASS" and any(clause.verdict == "EQUIVALENCE" for clause in clauses):
        return "EQUIVALENCE"
    return str(record["verdict"])


def _clause(run_dir: Path, requirement: dict[str, Any], manifest: Manifest, exempt: bool) -> ClauseSection:
    equivalence = requirement.get("equivalence")
    verdict = requirement["verdict"]
    if equivalence and verdict in ("PASS", "NOT_APPLICABLE"):
        verdict = "EQUIVALENCE"  # a tested FAIL or INCONCLUSIVE beside a declaration still shows as such
    elif exempt and verdict == "NOT_APPLICABLE":
        verdict = "EXEMPT"
    return ClauseSection(
        id=requirement["id"],
        clause=requirement["clause"],
        title=Words(**requirement["title"]),
        cross_references=list(requirement["cross_references"]),
        verdict=verdict,
        equivalence=equivalence,
        checks=[_check(run_dir, test, manifest) for test in requirement["tests"]],
    )


def _check(run_dir: Path, test: dict[str, Any], manifest: Manifest) -> CheckSection:
    name = test["nodeid"].split("::")[-1]
    evidence = [EvidenceReference(path, manifest.files.get(path)) for path in test["evidence"]]
    listed = [reference.path for reference in evidence if reference.sha256]
    reason, reason_omitted = _shown(test["reason"])
    return CheckSection(
        name=name,
        interface=test["interface"],
        verdict=test["verdict"],
        reason=reason,
        reason_omitted=reason_omitted,
        findings=[_finding(finding) for finding in test["findings"]],
        seconds=test["seconds"],
        words=load_wording().checks.get(name.split("[")[0]),
        evidence=evidence,
        excerpt=_excerpt(run_dir / listed[0]) if test["verdict"] == "FAIL" and listed else [],
    )


def _shown(text: str) -> tuple[str, int]:
    """`text` as the report shows it, and how many characters it leaves out."""
    if len(text) <= TEXT_SHOWN_CHARS:
        return text, 0
    return text[:TEXT_SHOWN_CHARS], len(text) - TEXT_SHOWN_CHARS


def _finding(finding: dict[str, Any]) -> dict[str, Any]:
    text, omitted = _shown(finding["text"])
    return {**finding, "text": text, "omitted": omitted}


def _excerpt(path: Path) -> list[str]:
    """The last lines of a text transcript, each cut short: what the unit did last before the verdict."""
    if path.suffix != ".txt":
        return []
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - EXCERPT_READ_BYTES))
        tail = handle.read(EXCERPT_READ_BYTES).decode("utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()][-EXCERPT_LINES:]
    return [_cut(line) for line in lines]


def _cut(line: str) -> str:
    return line if len(line) <= EXCERPT_LINE_CHARS else line[:EXCERPT_LINE_CHARS] + " …"
