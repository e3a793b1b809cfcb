"""The HTML report and JUnit XML: rendered from the run folder alone, the unit's strings shown as text."""

import ast
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jinja2.exceptions import UndefinedError

from harness.evidence import write_manifest
from harness.integrity import check_run
from harness.report.contents import TEXT_SHOWN_CHARS, gather
from harness.report.html import render_html
from harness.report.lab_settings import LabSettings, LabSettingsError, Party, load_lab_settings
from harness.report.render import ReportRequest, render_reports
from harness.report.wording import load_wording
from harness.run_record import read_record
from harness.verdict import Verdict

from ..conftest import REPO
from .run_folders import Check, make_run_folder, typical_checks

EXAMPLE_SETTINGS = REPO / "device_profiles" / "lab-settings.example.yaml"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return make_run_folder(tmp_path / "run", typical_checks())


def html_of(run_dir: Path, language: str = "both", **request: object) -> str:
    render_reports(run_dir, ReportRequest(formats=("html",), language=language, **request))  # type: ignore[arg-type]
    return (run_dir / "report.html").read_text(encoding="utf-8")


def test_hostile_strings_from_the_unit_are_escaped_everywhere(run_dir: Path) -> None:
    html = html_of(run_dir)
    assert "<script" not in html and "<img" not in html
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert html.count(escaped) >= 4  # equipment name, reason, finding, evidence excerpt


def test_control_characters_from_the_unit_do_not_reach_the_report(tmp_path: Path) -> None:
    check = Check("test_update_installs_the_declared_version", "TER-34-10-3", Verdict.FAIL,
                  "banner \x1b[31mred\x1b[0m \x00", evidence="  0.1 < \x1b]0;title\x07\n")
    html = html_of(make_run_folder(tmp_path, [check]))
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html)
    assert "\N{REPLACEMENT CHARACTER}[31mred" in html


def test_html_is_one_self_contained_file(run_dir: Path) -> None:
    html = html_of(run_dir)
    tags = re.findall(r"<[a-z][^>]*>", html)
    assert not [tag for tag in tags if re.match(r"<(script|link|img|iframe|object|embed)\b", tag) or "src=" in tag]
    assert not [tag for tag in tags if re.search(r'href="(?!evidence/)', tag)]
    assert "@import" not in html and "url(" not in html and "<style>" in html


def test_report_carries_every_part_a_certification_body_files(run_dir: Path) -> None:
    html = html_of(run_dir, settings=load_lab_settings(EXAMPLE_SETTINGS))
    manifest = check_run(run_dir).manifest
    assert manifest is not None
    for text in ("試験成績書", "Test Report", "端末設備等規則 第34条の10", "Example Corp.", "TKG-C1", "C1-000001",
                 "1.0.0", "2025-06-02 01:02:03 – 01:09:30 UTC", "山田 太郎", "佐藤 花子", "署名",
                 "Example PowerPlug PP-1", "LAB-PC-01", "Python", "198.18.0.0/24", "不適合", "判定不能", "該当なし",
                 "試験手順", "期待される結果", "観測結果", manifest.sealed_sha256):
        assert text in html, text
    for path, digest in manifest.sealed.items():
        assert path in html and digest in html
    assert "report.html" not in manifest.sealed


def test_report_number_is_prefix_test_date_and_seal(run_dir: Path) -> None:
    manifest = check_run(run_dir).manifest
    assert manifest is not None
    settings = load_lab_settings(EXAMPLE_SETTINGS)
    contents = gather(run_dir, read_record(run_dir), manifest, settings)
    assert contents.report_number == f"TKG-LAB-20250602-{manifest.sealed_sha256[:8].upper()}"
    assert "JATE-0042" in html_of(run_dir, report_number="JATE-0042")


def test_each_language_speaks_only_its_own_labels(run_dir: Path) -> None:
    japanese, english = html_of(run_dir, "ja"), html_of(run_dir, "en")
    assert "試験成績書" in japanese and "Test Report" not in japanese
    assert "Test Report" in english and "試験成績書" not in english and "Does not conform" in english
    assert '<html lang="en">' in english


def test_lab_settings_come_from_the_run_record_unless_given(tmp_path: Path) -> None:
    recorded = load_lab_settings(EXAMPLE_SETTINGS)
    run_dir = make_run_folder(tmp_path, typical_checks(), lab_settings=recorded.model_dump(mode="json"))
    assert "山田 太郎" in html_of(run_dir)
    other = LabSettings.model_validate({"tekigo_lab_settings": 1, "laboratory": {"name": "Other lab"},
                                        "test_engineer": {"name": "Ichiro Suzuki"}})
    assert "Ichiro Suzuki" in html_of(run_dir, settings=other)
    assert "山田 太郎" in html_of(run_dir, default_settings=other)
    assert "Override Inc." in html_of(run_dir, applicant=Party(name="Override Inc."))


def test_unknown_lab_setting_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    text = EXAMPLE_SETTINGS.read_text(encoding="utf-8").replace("  place:", "  plaec:")
    path = tmp_path / "lab.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("  plaec:"))) + 1
    with pytest.raises(LabSettingsError) as caught:
        load_lab_settings(path)
    assert f"{path}:{line}: laboratory.plaec: unknown field" in str(caught.value)


def test_a_clause_met_by_equivalence_says_so_and_is_never_shown_as_tested(tmp_path: Path) -> None:
    checks = [Check("test_update_installs_the_declared_version", f"TER-34-10-{n}", Verdict.PASS) for n in (1, 2, 3, 4)]
    run_dir = make_run_folder(tmp_path, checks)
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    record["requirements"][0]["equivalence"] = {"basis": "ISO/IEC 15408 EAL2", "certificate": "JISEC-C0999"}
    (run_dir / "results.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    write_manifest(run_dir)
    html = html_of(run_dir, "ja")
    assert "JISEC-C0999" in html and "適合（同等以上の措置）" in html


def test_evidence_a_record_names_but_the_manifest_lacks_is_flagged(tmp_path: Path) -> None:
    run_dir = make_run_folder(tmp_path, typical_checks()[:1])
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    record["requirements"][0]["tests"][0]["evidence"].append("javascript:alert(1)")
    (run_dir / "results.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    write_manifest(run_dir)
    html = html_of(run_dir, "en")
    assert 'href="javascript' not in html and "not in the manifest" in html


def test_every_check_of_the_suite_has_its_procedure_in_the_wording() -> None:
    names = {
        node.name
        for module in (REPO / "testcases").rglob("test_*.py")
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }
    assert names and names <= set(load_wording().checks)


def test_a_missing_label_stops_the_rendering(run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wording = load_wording()
    labels = {key: words for key, words in wording.labels.items() if key != "procedure"}
    monkeypatch.setattr("harness.report.html.load_wording", lambda: wording.model_copy(update={"labels": labels}))
    manifest = check_run(run_dir).manifest
    assert manifest is not None
    with pytest.raises(UndefinedError, match="procedure"):
        render_html(gather(run_dir, read_record(run_dir), manifest, None))


def test_junit_marks_fail_as_failure_with_requirement_properties(run_dir: Path) -> None:
    root = ET.parse(run_dir / "junit.xml").getroot()
    case = root.find("testcase")
    assert case is not None and case.find("failure") is not None
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties["requirement"] == "TER-34-10-1" and properties["verdict"] == "FAIL"
    assert root.get("failures") == "1" and root.get("errors") == "1" and root.get("skipped") == "1"


def test_a_long_reason_and_finding_are_cut_with_how_much_more_results_json_holds(tmp_path: Path) -> None:
    check = Check("test_update_installs_the_declared_version", "TER-34-10-3", Verdict.FAIL, "x" * 30_000,
                  finding="y" * 2_500)
    html = html_of(make_run_folder(tmp_path, [check]))
    assert "x" * TEXT_SHOWN_CHARS in html and "x" * (TEXT_SHOWN_CHARS + 1) not in html
    assert "… (28,000 more characters in results.json)" in html and "ほか 28,000 文字は results.json に記録" in html
    assert "y" * TEXT_SHOWN_CHARS in html and "… (500 more characters in results.json)" in html
    assert json.loads((tmp_path / "results.json").read_text())["requirements"][2]["tests"][0]["reason"] == "x" * 30_000
