"""`tekigo run --resume` refuses, with exit status 4 and nothing sent, what it cannot continue faithfully."""

import subprocess
import sys
from pathlib import Path

from harness.journal import JOURNAL, Invocation, profile_digest, write_invocation

from ..conftest import REPO


def tekigo(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", "run", *arguments], capture_output=True, text=True,
                          timeout=60, cwd=REPO)


def test_a_folder_that_is_not_a_run_is_refused(tmp_path: Path) -> None:
    done = tekigo("--resume", str(tmp_path))
    assert done.returncode == 4
    assert f"cannot resume: {tmp_path} is not a resumable run folder" in done.stderr


def test_a_profile_changed_since_the_run_started_is_refused(tmp_path: Path, reference_profile_text: str) -> None:
    profile, run_dir = tmp_path / "unit.yaml", tmp_path / "run"
    profile.write_text(reference_profile_text, encoding="utf-8")
    write_invocation(run_dir, Invocation(str(profile), profile_digest(profile), [], "2026-01-01T00:00:00+00:00"))
    profile.write_text(reference_profile_text + "# edited\n", encoding="utf-8")

    done = tekigo("--resume", str(run_dir))

    assert done.returncode == 4
    assert f"the run's profile {profile} changed since the run started" in done.stderr
    assert sorted(p.name for p in run_dir.rglob("*")) == ["resume", "run.json"]


def test_resume_takes_no_new_profile_or_selection(tmp_path: Path) -> None:
    done = tekigo("--resume", str(tmp_path), "-k", "not sweep")
    assert done.returncode == 4 and "give no --profile, --out, --overwrite, -k" in done.stderr


def test_a_run_without_profile_or_resume_is_a_usage_error() -> None:
    done = tekigo()
    assert done.returncode == 4 and "--profile PATH (or --resume RUN_DIR)" in done.stderr


def test_a_damaged_journal_exits_4_and_the_folder_is_unchanged(tmp_path: Path, reference_profile_text: str) -> None:
    profile, run_dir = tmp_path / "unit.yaml", tmp_path / "run"
    profile.write_text(reference_profile_text, encoding="utf-8")
    write_invocation(run_dir, Invocation(str(profile), profile_digest(profile), [], "2026-01-01T00:00:00+00:00"))
    (run_dir / "evidence" / "c").mkdir(parents=True)
    (run_dir / "evidence" / "c" / "exchanges.txt").write_text("the FAIL's evidence", encoding="utf-8")
    (run_dir / JOURNAL).write_text('{"nodeid": \n{"also": "damaged"}\n', encoding="utf-8")
    before = sorted((p, p.read_bytes()) for p in run_dir.rglob("*") if p.is_file())

    done = tekigo("--resume", str(run_dir))

    assert done.returncode == 4, done.stderr
    assert f"{run_dir / JOURNAL}:1: damaged journal line" in done.stderr and "Nothing was changed" in done.stderr
    assert sorted((p, p.read_bytes()) for p in run_dir.rglob("*") if p.is_file()) == before
