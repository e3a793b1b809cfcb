"""One-screen summaries for the terminal: a run's verdicts, and the selftest table."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.selftest import SelftestOutcome

SHORT = {"PASS": "PASS", "FAIL": "FAIL", "INCONCLUSIVE": "INCONCL", "NOT_APPLICABLE": "N/A"}
JAPANESE = {"PASS": "適合", "FAIL": "不適合", "INCONCLUSIVE": "判定不能", "NOT_APPLICABLE": "該当なし"}


def render_run(record: dict[str, Any], run_dir: Path) -> str:
    """The verdict per requirement, the reasons of everything that did not pass, where the files are."""
    equipment = record["equipment"]
    lines = [f"\n{equipment['name']} ({equipment['model']}, serial {equipment['serial']})"]
    for requirement in record["requirements"]:
        verdict = requirement["verdict"]
        lines.append(f"  {requirement['id']:<12} {SHORT[verdict]:<8} {requirement['title']['en']}")
        if requirement.get("equivalence"):
            lines.append(f"      {_equivalence_line(requirement['equivalence'])}")
        for test in requirement["tests"]:
            where = f" [{test['interface']}]" if test["interface"] else ""
            if test.get("informational"):
                lines.extend(f"      info: {finding['text']}{where}" for finding in test["findings"])
            elif test["verdict"] in ("FAIL", "INCONCLUSIVE"):
                lines.append(f"      {SHORT[test['verdict']]}: {test['reason']}{where}")
    verdict = record["verdict"]
    lines.append(f"  {'overall':<12} {SHORT[verdict]:<8} {JAPANESE[verdict]}{_basis_note(record)}")
    reports = [run_dir / name for name in ("report.html", "report.pdf") if (run_dir / name).exists()]
    lines.append("  report: " + (", ".join(str(path) for path in reports) or f"none rendered in {run_dir}"))
    return "\n".join(lines)


def _equivalence_line(equivalence: dict[str, Any]) -> str:
    basis = equivalence["basis"]
    if equivalence.get("certificate"):
        return f"met by equivalence (declared, not tested): {basis} certificate {equivalence['certificate']}"
    documents = ", ".join(f"{d['path']} sha256 {d['sha256'][:12]}…" for d in equivalence.get("documents", []))
    return f"equivalent measure (declared, not tested): {basis}" + (f" [{documents}]" if documents else "")


def _basis_note(record: dict[str, Any]) -> str:
    """How the overall verdict was reached when it was not by testing alone."""
    basis = record.get("verdict_basis", "tested")
    if basis == "equivalence":
        return " — met by equivalence (declared, not tested)"
    if basis == "exemption":
        exemption = record["exemption"]
        return f" — out of scope (declared, not tested): {exemption['basis_text']}: {exemption['reason']}"
    return ""


def render_selftest(outcomes: "list[SelftestOutcome]", units: str = "reference devices") -> str:
    """Device × item 1-4 × overall, each cell the verdict got (and the expected one when they differ)."""
    ids = [f"TER-34-10-{n}" for n in range(1, 5)]
    header = f"{'device':<22}" + "".join(f"{'item ' + i[-1]:<10}" for i in ids) + f"{'overall':<10}{'time':>7}  match"
    lines = ["", header, "-" * len(header)]
    for outcome in outcomes:
        cells = []
        for key in [*ids, "overall"]:
            got, expected = outcome.got.get(key, "-"), outcome.expected.get(key)
            cell = SHORT.get(got, got) if expected in (None, got) else f"{SHORT.get(got, got)}≠{SHORT[expected]}"
            cells.append(f"{cell:<9} ")  # a mismatch (INCONCL≠PASS) overflows, still spaced
        mark = "yes" if outcome.matches else "NO"
        lines.append(f"{outcome.name:<22}" + "".join(cells) + f"{outcome.seconds:>6.0f}s  {mark}")
    matched = sum(outcome.matches for outcome in outcomes)
    lines.append(f"\n{matched}/{len(outcomes)} {units} got their expected verdicts")
    return "\n".join(lines)
