"""Evidence: secrets never reach a file in clear; the manifest lists every artefact's SHA-256."""

import hashlib
import json
from pathlib import Path

from harness.evidence import EvidenceStore, Redactor, Transcript, write_manifest


def test_transcript_redacts_secrets_and_authorization_headers(tmp_path: Path) -> None:
    redactor = Redactor({"new_password": "S3cret-pass"})
    transcript = Transcript("check", redactor)
    transcript.sent("POST /password new_password=S3cret-pass")
    transcript.sent("Authorization: Basic YWRtaW46UzNjcmV0LXBhc3M=")
    text = transcript.text()
    assert "S3cret-pass" not in text and "YWRtaW46" not in text
    assert "[new_password redacted]" in text


def test_tokens_learnt_later_are_redacted_when_written(tmp_path: Path) -> None:
    redactor = Redactor({})
    transcript = Transcript("check", redactor)
    transcript.received('{"token": "abc123token"}')
    transcript.redact_also("abc123token")
    path = EvidenceStore(tmp_path, redactor).write("check", "exchanges", transcript.text())
    assert "abc123token" not in (tmp_path / path).read_text(encoding="utf-8")


def test_long_lines_from_a_unit_are_cut(tmp_path: Path) -> None:
    transcript = Transcript("check", Redactor({}))
    transcript.received("A" * 100_000)
    assert len(transcript.text()) < 3000


def test_manifest_lists_every_file_with_its_sha256(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path, Redactor({}))
    path = store.write("tests/x.py::test_y[http:80]", "exchanges", "hello")
    (tmp_path / "results.json").write_text("{}", encoding="utf-8")
    manifest = json.loads(write_manifest(tmp_path).read_text(encoding="utf-8"))
    assert manifest["files"][path] == hashlib.sha256(b"hello").hexdigest()
    assert set(manifest["files"]) == {path, "results.json"}
