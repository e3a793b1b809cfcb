"""Where a run writes: its folder's default name, and what a new run may replace in a folder given to it."""

import re
import shutil
from datetime import datetime
from pathlib import Path

from harness.evidence import DERIVED, MANIFEST, SIGNATURE
from harness.exits import UsageError
from harness.journal import RESUME_DIR

REPORTS = Path("reports")
SUMMARY = "summary.json"  # beside the unit folders of a run of several units
RUN_FILES = ("results.json", "junit.xml", MANIFEST, SIGNATURE, *sorted(DERIVED), "evidence", RESUME_DIR)
UNSAFE = re.compile(r"[^\w.+-]+")  # a model name is the vendor's text: no separator, no `..`, no control character


def default_run_dir(model: str) -> Path:
    """reports/<model>-<time>, the model made a single safe file name: it never leaves reports/."""
    name = UNSAFE.sub("_", model).strip("._") or "unit"
    return REPORTS / f"{name[:80]}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def claim_run_dir(out: Path, overwrite: bool) -> None:
    """Make `out` ready for a new run: refused when it holds anything unless `overwrite`, and then only the
    files a run writes are removed (everything else in it is kept)."""
    _refuse_unless_empty(out, overwrite, RUN_FILES)
    for name in RUN_FILES:
        _remove(out / name)


def earlier_run_files(run_dir: Path) -> list[str]:
    """The files of an earlier run in `run_dir` (its resume journal aside: `tekigo run` writes the new run's
    invocation there first); a new run must not seal them as its own."""
    return [name for name in RUN_FILES if name != RESUME_DIR and _holds_something(run_dir / name)]


def _holds_something(path: Path) -> bool:
    return path.is_file() or path.is_symlink() or (path.is_dir() and any(path.iterdir()))


def claim_units_dir(out: Path, unit_dirs: list[Path], overwrite: bool) -> None:
    """`claim_run_dir` for a run of several units: their folders and the summary are the run's files."""
    _refuse_unless_empty(out, overwrite, (*(unit_dir.name for unit_dir in unit_dirs), SUMMARY))
    for unit_dir in unit_dirs:
        if unit_dir.exists():
            claim_run_dir(unit_dir, overwrite=True)
    _remove(out / SUMMARY)


def _refuse_unless_empty(out: Path, overwrite: bool, own: tuple[str, ...]) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is not a folder")
    present = sorted(entry.name for entry in out.iterdir()) if out.is_dir() else []
    if present and not overwrite:
        shown = ", ".join(present[:5]) + (f" and {len(present) - 5} more" if len(present) > 5 else "")
        raise UsageError(f"--out {out} is not empty ({shown}); give a new folder, or --overwrite to replace the "
                         f"files a run writes there ({', '.join(own)}) and keep the others")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
