"""The evidence store: transcripts of every exchange, redacted of secrets, listed with SHA-256."""

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "tekigo/manifest/v1"
SIGNATURE = "manifest.sig"
UNLISTED = frozenset({MANIFEST, SIGNATURE})
DERIVED = frozenset({"report.html", "report.pdf"})  # renderings of the sealed record, see write_manifest
MAX_LINE = 2000  # a unit's answer is untrusted: long lines are cut in the transcript


@dataclass
class Redactor:
    """Replaces each secret value with a named placeholder, and every Authorization header's value."""

    secrets: dict[str, str]

    def add(self, name: str, value: str) -> None:
        """Also redact `value` (a token the unit issued during the run)."""
        self.secrets.setdefault(f"{name}-{len(self.secrets)}", value)

    def __call__(self, text: str) -> str:
        for name, value in sorted(self.secrets.items(), key=lambda item: -len(item[1])):
            if value:
                text = text.replace(value, f"[{name} redacted]")
        return re.sub(r"(?i)(authorization:\s*\w+)\s+\S+", r"\1 [redacted]", text)


@dataclass
class Transcript:
    """What one check sent and received, line by line, timestamped from its start."""

    title: str
    redact: Redactor
    lines: list[str] = field(default_factory=list)
    _start: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, text: str) -> None:
        self._add("  ", text)

    def sent(self, text: str) -> None:
        self._add("> ", text)

    def received(self, text: str) -> None:
        self._add("< ", text)

    def _add(self, prefix: str, text: str) -> None:
        stamp = f"{time.monotonic() - self._start:8.3f}"
        with self._lock:
            for line in self.redact(text).splitlines() or [""]:
                if len(line) > MAX_LINE:
                    line = line[:MAX_LINE] + f"… [{len(line) - MAX_LINE} more characters]"
                self.lines.append(f"{stamp} {prefix}{line}")

    def redact_also(self, value: str) -> None:
        self.redact.add("token", value)

    def merge(self, other: "Transcript") -> None:
        """Append `other`'s lines (work done for this check in another thread), in their order."""
        self.note(f"{other.title}: its lines follow, stamped from its own start, "
                  f"{other._start - self._start:+.3f} s from this transcript's")
        with other._lock:
            lines = list(other.lines)
        with self._lock:
            self.lines.extend(lines)

    def text(self) -> str:
        with self._lock:
            return f"# {self.title}\n" + "\n".join(self.lines) + "\n"


class EvidenceStore:
    """Writes evidence files under RUN_DIR/evidence/ and keeps their paths relative to RUN_DIR."""

    def __init__(self, run_dir: Path, redact: Redactor) -> None:
        self.run_dir = run_dir
        self.redact = redact
        (run_dir / "evidence").mkdir(parents=True, exist_ok=True)

    def write(self, check: str, name: str, text: str) -> str:
        """Store `text` (redacted) as evidence of `check`; return its path relative to the run folder."""
        folder = self.run_dir / "evidence" / _slug(check)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{_slug(name)}.txt"
        path.write_text(self.redact(text), encoding="utf-8")
        return path.relative_to(self.run_dir).as_posix()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:120] or "evidence"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def listed_files(run_dir: Path) -> list[Path]:
    """Every file of the run folder the manifest lists: all but the manifest and its signature."""
    files = (p for p in run_dir.rglob("*") if p.is_file())
    return sorted(p for p in files if p.relative_to(run_dir).as_posix() not in UNLISTED)


def sealed_bytes(files: dict[str, str]) -> bytes:
    """The canonical form of the sealed entries: what reports print the hash of and signatures cover."""
    sealed = {path: digest for path, digest in sorted(files.items()) if path not in DERIVED}
    document = {"schema": MANIFEST_SCHEMA, "files": sealed}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def manifest_text(files: dict[str, str]) -> str:
    """manifest.json exactly as tekigo writes it (verification compares byte for byte)."""
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "sealed_sha256": hashlib.sha256(sealed_bytes(files)).hexdigest(),
        "files": dict(sorted(files.items())),
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def write_manifest(run_dir: Path) -> Path:
    """List every artefact of the run with its SHA-256, so a changed byte can be found later.

    The renderings in DERIVED are listed too, but left out of the sealed digest: each report prints
    that digest, so it cannot cover the report itself, and re-rendering never breaks a signature.
    """
    files = {p.relative_to(run_dir).as_posix(): sha256_of(p) for p in listed_files(run_dir)}
    path = run_dir / MANIFEST
    path.write_text(manifest_text(files), encoding="utf-8")
    return path
