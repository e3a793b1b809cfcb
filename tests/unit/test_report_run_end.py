"""At the end of a run the plugin writes the record, seals it and renders both reports, with no secret in clear."""

import json
from pathlib import Path

import pytest

from ..conftest import REPO
from .conftest import loopback_profile
from .run_folders import pdf_text

SECRET = "Tkg-r1-Lab-7f3a"  # r1-router's new_password

SUITE = '''
import pytest

pytestmark = pytest.mark.requirement("TER-34-10-1")

def test_unit_echoes_the_password(profile, evidence):
    secret = profile.new_password.get_secret_value()
    evidence.transcript.received(f"Server: <script>alert(1)</script> password={secret}")
    evidence.finding(f"the unit echoed {secret} in its banner")
    assert False, f"the unit echoed the new password {secret}"
'''


def run_suite(pytester: pytest.Pytester, tmp_path: Path, port: int) -> tuple[Path, str]:
    profile = loopback_profile(tmp_path, port)
    pytester.makepyfile(test_suite=SUITE)
    out = tmp_path / "run"
    result = pytester.runpytest("--profile", str(profile), "--out", str(out), "-p", "no:cacheprovider",
                                "-v", "--tb=no", "-rN")
    return out, "\n".join(result.outlines + result.errlines)


def test_a_run_leaves_both_reports_sealed_and_no_secret_in_any_file_or_log(
        pytester: pytest.Pytester, tmp_path: Path, unit_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEKIGO_LAB_SETTINGS", str(REPO / "device_profiles" / "lab-settings.example.yaml"))
    out, log = run_suite(pytester, tmp_path, unit_port)
    files = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
    assert {"results.json", "junit.xml", "report.html", "report.pdf", "manifest.json"} <= set(files)
    texts = {name: path.read_text(encoding="utf-8", errors="replace") for name, path in files.items()}
    texts["report.pdf (text)"] = pdf_text(files["report.pdf"])
    assert [name for name, text in texts.items() if SECRET in text] == []
    assert SECRET not in log
    assert "[new_password redacted]" in texts["report.pdf (text)"].replace("\n", " ")
    assert "PDF pages in" in log
    record = json.loads(texts["results.json"])
    assert record["lab_settings"]["test_engineer"]["name"].startswith("山田 太郎")
    assert "山田 太郎" in texts["report.pdf (text)"]


def test_invalid_lab_settings_keep_the_record_and_say_how_to_render(
        pytester: pytest.Pytester, tmp_path: Path, unit_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = tmp_path / "lab.yaml"
    settings.write_text("tekigo_lab_settings: 1\nlaboratory: {name: L}\napprover: {nmae: X}\n", encoding="utf-8")
    monkeypatch.setenv("TEKIGO_LAB_SETTINGS", str(settings))
    out, log = run_suite(pytester, tmp_path, unit_port)
    assert (out / "results.json").is_file() and (out / "manifest.json").is_file()
    assert not (out / "report.pdf").exists()
    assert f"{settings}:3: approver.nmae: unknown field" in log and f"tekigo report {out}" in log
