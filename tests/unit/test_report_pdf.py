"""The PDF report, read back with poppler: Japanese as glyphs, every page numbered, nothing off the page."""

import gc
import re
import subprocess
from pathlib import Path

import pytest

from harness.integrity import check_run
from harness.report.contents import TEXT_SHOWN_CHARS
from harness.report.lab_settings import load_lab_settings
from harness.report.pdf import write_pdf
from harness.report.render import RenderedReports, ReportRequest, render_reports
from harness.verdict import Verdict

from ..conftest import REPO
from .run_folders import LONG_TOKEN, Check, make_run_folder, pdf_text, typical_checks

A4_WIDTH_PT = 595.28
SIDE_MARGIN_PT = 16 / 25.4 * 72


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderedReports:
    """One PDF of a failing camera whose unit sends markup, script and unbreakable lines (shared: slow)."""
    run_dir = make_run_folder(tmp_path_factory.mktemp("run"), typical_checks())
    settings = load_lab_settings(REPO / "device_profiles" / "lab-settings.example.yaml")
    return render_reports(run_dir, ReportRequest(settings=settings))


@pytest.fixture(scope="module")
def pages(rendered: RenderedReports) -> list[str]:
    assert rendered.pdf is not None
    return pdf_text(rendered.pdf.path).split("\f")[: rendered.pdf.pages]


def test_japanese_verdict_and_clause_titles_are_text_in_the_pdf(pages: list[str]) -> None:
    text = "".join(pages)
    assert "試験成績書" in text and "不適合" in text and "適合" in text
    assert "端末設備等規則 第34条の10" in text and "アクセス制御機能" in text


def test_japanese_is_drawn_with_the_embedded_cjk_font(rendered: RenderedReports) -> None:
    assert rendered.pdf is not None
    fonts = subprocess.run(["pdffonts", str(rendered.pdf.path)], capture_output=True, text=True, check=True).stdout
    listed = fonts.splitlines()[2:]
    assert any("Noto-Sans-CJK-JP" in line for line in listed), fonts
    assert all(re.search(r" yes yes yes ", line) for line in listed), fonts  # embedded subsets: no empty boxes


def test_every_page_renders_to_png(rendered: RenderedReports, tmp_path: Path) -> None:
    assert rendered.pdf is not None
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(rendered.pdf.path), str(tmp_path / "page")],
                   check=True, timeout=120)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == rendered.pdf.pages >= 4
    assert all(image.stat().st_size > 2000 for image in images)  # something is drawn on each


def test_every_page_carries_the_report_number_and_page_n_of_n(rendered: RenderedReports, pages: list[str]) -> None:
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Report No. {rendered.report_number}" in page, number
        assert f"page {number} / {total}" in page, number


def test_hostile_strings_show_as_literal_text(pages: list[str]) -> None:
    text = "".join(pages)
    assert '<script>alert("x")</script>' in text.replace("\n", "")


def test_long_unbreakable_strings_wrap_inside_the_page(rendered: RenderedReports) -> None:
    assert rendered.pdf is not None
    boxes = pdf_text(rendered.pdf.path, "-bbox")
    right_edges = [float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes)]
    assert right_edges and max(right_edges) <= A4_WIDTH_PT - SIDE_MARGIN_PT + 1
    assert LONG_TOKEN not in boxes  # it was broken over lines


def test_the_pdf_carries_the_evidence_seal(rendered: RenderedReports, pages: list[str]) -> None:
    manifest = check_run(rendered.paths[0].parent).manifest
    assert manifest is not None
    assert manifest.sealed_sha256 in "".join(pages).replace("\n", "")
    assert "report.pdf" in manifest.files and "report.pdf" not in manifest.sealed


def test_the_garbage_collector_is_back_on_after_a_render_even_a_failed_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_pdf(tmp_path / "no-such-run", "<p>試験</p>")  # laid out, then the PDF cannot be written
    assert gc.isenabled()


def test_a_render_leaves_a_disabled_garbage_collector_disabled(tmp_path: Path) -> None:
    gc.disable()
    try:
        assert write_pdf(tmp_path, "<p>試験</p>").pages == 1
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_megabyte_reason_is_cut_in_the_pdf_with_what_results_json_still_holds(tmp_path: Path) -> None:
    reason = "B" * 1_000_000  # one line, no break opportunity, as a unit's garbage answer may be
    run_dir = make_run_folder(tmp_path, [Check("test_update_installs_the_declared_version", "TER-34-10-3",
                                               Verdict.INCONCLUSIVE, reason)])
    rendered = render_reports(run_dir, ReportRequest(formats=("pdf",), language="en"))
    assert rendered.pdf is not None
    text = pdf_text(rendered.pdf.path).replace("\n", "")
    assert "B" * TEXT_SHOWN_CHARS in text and "B" * (TEXT_SHOWN_CHARS + 1) not in text
    assert f"… ({1_000_000 - TEXT_SHOWN_CHARS:,} more characters in results.json)" in text
