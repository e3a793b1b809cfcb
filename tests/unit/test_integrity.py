"""`tekigo verify`, `sign` and `keygen`: any changed byte of any artefact is found and named."""

import json
import shutil
import stat
from pathlib import Path

import pytest

from harness.cli import main
from harness.evidence import MANIFEST, SIGNATURE, write_manifest
from harness.report.render import ReportRequest, render_reports

from .run_folders import make_run_folder, typical_checks


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    assert main(["keygen", str(folder / "lab")]) == 0
    return folder / "lab"


@pytest.fixture(scope="module")
def signed_run(tmp_path_factory: pytest.TempPathFactory, keys: Path) -> Path:
    """A signed run folder with both reports (made once; each test works on a copy)."""
    run_dir = make_run_folder(tmp_path_factory.mktemp("signed") / "run", typical_checks())
    render_reports(run_dir, ReportRequest())
    assert main(["sign", str(run_dir), "--key", str(keys)]) == 0
    return run_dir


@pytest.fixture
def run_dir(signed_run: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(signed_run, tmp_path / "run"))


def verify(run_dir: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["verify", str(run_dir), *options])
    return status, capsys.readouterr().out


def artefacts(run_dir: Path) -> list[str]:
    return sorted(p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*") if p.is_file())


def test_a_fresh_signed_run_is_intact(run_dir: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = verify(run_dir, capsys, "--pubkey", f"{keys}.pub")
    assert status == 0, out
    assert "intact:" in out and "signature: good" in out and "the given public key" in out


def test_the_manifest_lists_every_artefact_and_seals_all_but_the_reports(run_dir: Path) -> None:
    manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == set(artefacts(run_dir)) - {MANIFEST, SIGNATURE}
    assert {"results.json", "junit.xml", "report.html", "report.pdf"} <= set(manifest["files"])
    assert manifest["sealed_sha256"] in (run_dir / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("where", [0.0, 0.5, 1.0], ids=["first", "middle", "last"])
def test_one_changed_byte_in_any_artefact_fails_naming_the_file(
        run_dir: Path, keys: Path, where: float, capsys: pytest.CaptureFixture[str]) -> None:
    for path in artefacts(run_dir):
        data = bytearray((run_dir / path).read_bytes())
        index = min(int(len(data) * where), len(data) - 1)
        original = data[index]
        data[index] = original ^ 0x01
        (run_dir / path).write_bytes(bytes(data))
        status, out = verify(run_dir, capsys, "--pubkey", f"{keys}.pub")
        assert status == 1 and f": {path}" in out and "NOT INTACT" in out, (path, out)
        data[index] = original
        (run_dir / path).write_bytes(bytes(data))
    assert verify(run_dir, capsys, "--pubkey", f"{keys}.pub")[0] == 0


def test_missing_and_added_files_are_named(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    transcript = next(p for p in artefacts(run_dir) if p.startswith("evidence/"))
    (run_dir / transcript).unlink()
    (run_dir / "evidence" / "planted.txt").write_text("not from the run", encoding="utf-8")
    status, out = verify(run_dir, capsys)
    assert status == 1
    assert f"missing: {transcript}" in out and "added: evidence/planted.txt" in out


def test_a_wrong_public_key_fails(run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen", str(tmp_path / "other")]) == 0
    status, out = verify(run_dir, capsys, "--pubkey", str(tmp_path / "other.pub"))
    assert status == 1 and "the key does not match: signed with key" in out and "not with the given key" in out
    assert "WRONG KEY" in out and "bad signature" not in out and "NOT INTACT" not in out  # no talk of tampering


def test_a_run_folder_emptied_of_its_record_with_a_rebuilt_manifest_is_not_intact(
        run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in [p for p in run_dir.rglob("*") if p.is_file()]:
        path.unlink()
    write_manifest(run_dir)
    status, out = verify(run_dir, capsys)
    assert status == 1 and "NOT INTACT" in out and "intact:" not in out
    assert "missing: results.json" in out and "missing: junit.xml" in out


def test_a_removed_signature_fails_when_a_key_is_expected(
        run_dir: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (run_dir / SIGNATURE).unlink()
    status, out = verify(run_dir, capsys, "--pubkey", f"{keys}.pub")
    assert status == 1 and f"signature: {SIGNATURE} — missing" in out
    assert verify(run_dir, capsys)[0] == 0  # without a key, an unsigned intact run is intact


def test_a_manifest_rewritten_to_match_altered_evidence_breaks_the_signature(
        run_dir: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from harness.evidence import write_manifest

    (run_dir / "results.json").write_text('{"verdict": "PASS"}', encoding="utf-8")
    write_manifest(run_dir)
    status, out = verify(run_dir, capsys, "--pubkey", f"{keys}.pub")
    assert status == 1 and "bad signature" in out


def test_re_rendering_the_reports_keeps_the_run_verified(
        run_dir: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (run_dir / "report.html").read_bytes()
    assert main(["report", str(run_dir), "--format", "html", "--lang", "en"]) == 0
    assert (run_dir / "report.html").read_bytes() != before
    status, out = verify(run_dir, capsys, "--pubkey", f"{keys}.pub")
    assert status == 0, out


def test_report_and_sign_refuse_an_altered_run(run_dir: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (run_dir / "results.json").open("a", encoding="utf-8") as handle:
        handle.write(" ")
    before = (run_dir / "report.html").read_bytes()
    assert main(["report", str(run_dir), "--format", "html"]) == 1
    assert (run_dir / "report.html").read_bytes() == before
    assert main(["sign", str(run_dir), "--key", str(keys)]) == 1
    assert "changed: results.json" in capsys.readouterr().out


def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites(tmp_path: Path) -> None:
    assert main(["keygen", str(tmp_path / "k")]) == 0
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    key = (tmp_path / "k").read_bytes()
    assert main(["keygen", str(tmp_path / "k")]) == 4
    assert (tmp_path / "k").read_bytes() == key


@pytest.mark.parametrize("name", ["", ".", "/"])
def test_keygen_without_a_file_name_exits_4(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen", name]) == 4
    assert "the key needs a file name" in capsys.readouterr().err


def test_a_private_key_is_refused_where_a_public_key_is_expected(
        run_dir: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(run_dir), "--pubkey", str(keys)]) == 4
