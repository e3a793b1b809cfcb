"""What a check records besides its verdict: informational findings with cross-references."""

from dataclasses import dataclass, field

from harness.evidence import EvidenceStore, Transcript


@dataclass(frozen=True)
class Finding:
    """An observation reported beside the verdict (it does not decide it)."""

    text: str
    cross_reference: str | None = None


@dataclass
class CheckEvidence:
    """The evidence of one check: its exchange transcript, attachments and findings."""

    check: str
    store: EvidenceStore
    transcript: Transcript
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def attach(self, name: str, text: str) -> str:
        path = self.store.write(self.check, name, text)
        self.files.append(path)
        return path

    def finding(self, text: str, cross_reference: str | None = None) -> None:
        self.findings.append(Finding(text, cross_reference))
        self.transcript.note(f"finding: {text}" + (f" [{cross_reference}]" if cross_reference else ""))

    def close(self) -> None:
        if self.transcript.lines:
            self.files.insert(0, self.store.write(self.check, "exchanges", self.transcript.text()))
