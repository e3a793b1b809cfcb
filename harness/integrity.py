"""Checking a run folder against its manifest: every changed, missing or added file, by name."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from harness.evidence import DERIVED, MANIFEST, MANIFEST_SCHEMA, listed_files, manifest_text, sealed_bytes, sha256_of

RECORD = ("results.json", "junit.xml")  # every run writes them: a manifest without them seals no run


@dataclass(frozen=True)
class Problem:
    """One way a run folder differs from what was recorded."""

    kind: str  # changed | missing | added | manifest | signature | key (signed, but not with the given key)
    path: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}" + (f" — {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Manifest:
    """The recorded SHA-256 of every artefact of a run."""

    files: dict[str, str]

    @property
    def sealed(self) -> dict[str, str]:
        """The entries the sealed digest covers: everything but the report renderings."""
        return {path: digest for path, digest in self.files.items() if path not in DERIVED}

    @property
    def sealed_bytes(self) -> bytes:
        return sealed_bytes(self.files)

    @property
    def sealed_sha256(self) -> str:
        return hashlib.sha256(self.sealed_bytes).hexdigest()


@dataclass(frozen=True)
class RunCheck:
    """The outcome of checking a run folder; `manifest` is None when it could not be read."""

    manifest: Manifest | None
    problems: list[Problem] = field(default_factory=list)

    def sealed_problems(self) -> list[Problem]:
        """The problems that touch the sealed record (a report rendering's own changes left out)."""
        return [problem for problem in self.problems if problem.path not in DERIVED]


def read_manifest(run_dir: Path) -> tuple[Manifest | None, list[Problem]]:
    """The manifest of `run_dir`, and what is wrong with the manifest file itself."""
    path = run_dir / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except FileNotFoundError:
        return None, [Problem("missing", MANIFEST, "the run folder has no manifest")]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [Problem("manifest", MANIFEST, f"unreadable ({error})")]
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return None, [Problem("manifest", MANIFEST, "no table of files and their SHA-256")]
    if data.get("schema") != MANIFEST_SCHEMA:
        return None, [Problem("manifest", MANIFEST, f"not a {MANIFEST_SCHEMA} manifest")]
    manifest = Manifest(files)
    if text != manifest_text(files):
        # Any edit shows here: a changed entry no longer matches the sealed digest written beside it.
        return manifest, [Problem("manifest", MANIFEST, "edited after it was written (its sealed digest or "
                                                        "layout does not match its entries)")]
    return manifest, []


def check_run(run_dir: Path) -> RunCheck:
    """Compare every file of `run_dir` with its manifest entry."""
    manifest, problems = read_manifest(run_dir)
    if manifest is None:
        return RunCheck(None, problems)
    actual = {p.relative_to(run_dir).as_posix(): p for p in listed_files(run_dir)}
    problems += [Problem("missing", name, "a run folder holds its record: the manifest does not list it")
                 for name in RECORD if name not in manifest.files]
    for path, digest in sorted(manifest.files.items()):
        if path not in actual:
            problems.append(Problem("missing", path))
        elif sha256_of(actual[path]) != digest:
            problems.append(Problem("changed", path))
    problems += [Problem("added", path) for path in sorted(set(actual) - set(manifest.files))]
    return RunCheck(manifest, problems)
