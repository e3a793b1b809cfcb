"""A run never deletes what it did not write: a non-empty --out is refused, --overwrite replaces only the run's
files, and the model name never becomes a path."""

import subprocess
import sys
from pathlib import Path

import pytest

from harness.exits import UsageError
from harness.run_folder import REPORTS, RUN_FILES, claim_run_dir, claim_units_dir, default_run_dir

from .conftest import loopback_profile

RUN_LEFTOVERS = ("results.json", "junit.xml", "manifest.json", "report.html", "evidence/0001_a/exchanges.txt",
                 "resume/journal.jsonl")
OWN_FILES = ("notes.txt", "photos/unit.jpg")  # the user's, not the run's


def tekigo(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *arguments], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def fill(folder: Path, names: tuple[str, ...]) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name, encoding="utf-8")


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("out", ["run", "."])
def test_a_non_empty_out_is_refused_with_exit_4_and_left_untouched(tmp_path: Path, out: str) -> None:
    profile = loopback_profile(tmp_path, 9)
    fill(tmp_path / out, RUN_LEFTOVERS + OWN_FILES)
    before = files(tmp_path)

    done = tekigo("run", "--profile", str(profile), "--out", out, cwd=tmp_path)

    assert done.returncode == 4
    assert f"--out {out} is not empty" in done.stderr and "--overwrite" in done.stderr
    assert files(tmp_path) == before


def test_overwrite_replaces_the_runs_files_and_keeps_every_other(tmp_path: Path) -> None:
    fill(tmp_path, RUN_LEFTOVERS + OWN_FILES)
    claim_run_dir(tmp_path, overwrite=True)
    assert files(tmp_path) == sorted(OWN_FILES)


def test_overwrite_of_a_run_of_several_units_keeps_other_files(tmp_path: Path) -> None:
    fill(tmp_path, ("summary.json", "r1/results.json", "r1/notes.txt", *OWN_FILES))
    with pytest.raises(UsageError, match="is not empty"):
        claim_units_dir(tmp_path, [tmp_path / "r1", tmp_path / "c1"], overwrite=False)
    claim_units_dir(tmp_path, [tmp_path / "r1", tmp_path / "c1"], overwrite=True)
    assert files(tmp_path) == sorted(["r1/notes.txt", *OWN_FILES])


def test_an_empty_or_new_out_is_taken_and_a_file_is_refused(tmp_path: Path) -> None:
    claim_run_dir(tmp_path / "new", overwrite=False)
    claim_run_dir(tmp_path, overwrite=False)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="is not a folder"):
        claim_run_dir(tmp_path / "file", overwrite=True)
    assert set(RUN_FILES) >= {"results.json", "evidence", "resume", "manifest.json", "manifest.sig"}


@pytest.mark.parametrize("model", ["../../x/y", "a/b", "/etc/passwd", "..", "", "カメラ\n-1"])
def test_the_model_name_never_leaves_reports(model: str) -> None:
    run_dir = default_run_dir(model)
    assert run_dir.parent == REPORTS and run_dir.name not in ("", ".", "..")
    assert "/" not in run_dir.name and "\n" not in run_dir.name and not run_dir.name.startswith(".")
