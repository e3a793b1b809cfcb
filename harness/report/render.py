"""Rendering a run folder's reports: check the folder against its manifest, render, list the renderings."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.evidence import write_manifest
from harness.integrity import Problem, check_run
from harness.record_schema import check_record
from harness.report.contents import gather
from harness.report.html import render_html, write_html
from harness.report.lab_settings import LabSettings, Party
from harness.report.pdf import RenderedPdf, write_pdf
from harness.report.wording import Language
from harness.run_record import read_record

Format = Literal["html", "pdf"]


class RunAltered(Exception):
    """The run record no longer matches its manifest: no report may be rendered from it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class ReportRequest:
    """Which renderings, in which language, and the lab's details.

    Lab settings: `settings` when given, else those the run recorded, else `default_settings`.
    """

    formats: tuple[Format, ...] = ("html", "pdf")
    language: Language = "both"
    settings: LabSettings | None = None
    default_settings: LabSettings | None = None
    applicant: Party | None = None
    report_number: str | None = None


@dataclass(frozen=True)
class RenderedReports:
    """The files written, and the PDF's page count and render time when one was made."""

    paths: list[Path]
    report_number: str
    pdf: RenderedPdf | None


def render_reports(run_dir: Path, request: ReportRequest) -> RenderedReports:
    """Render the reports of `run_dir` from its record, evidence and manifest alone.

    The sealed record must match the manifest and its schema (RecordError names each problem); the manifest
    is then rewritten to list the new
    renderings, which leaves its sealed digest (and so any signature) unchanged.
    """
    check = check_run(run_dir)
    if check.manifest is None or check.sealed_problems():
        raise RunAltered(check.sealed_problems())
    check_record(run_dir / "results.json")
    record = read_record(run_dir)
    settings = request.settings or _recorded_settings(record) or request.default_settings
    contents = gather(run_dir, record, check.manifest, settings, request.applicant, request.report_number)
    html = render_html(contents, request.language)
    paths, pdf = [], None
    try:
        if "html" in request.formats:
            paths.append(write_html(run_dir, html))
        if "pdf" in request.formats:
            pdf = write_pdf(run_dir, html)
            paths.append(pdf.path)
    finally:
        write_manifest(run_dir)
    return RenderedReports(paths, contents.report_number, pdf)


def _recorded_settings(record: dict[str, Any]) -> LabSettings | None:
    """The lab settings the run was made with (results.json `lab_settings`), if any."""
    recorded = record.get("lab_settings")
    return LabSettings.model_validate(recorded) if recorded else None
