"""How long a report with many findings takes: 1000 generated check records, rendered to HTML and PDF.

Run from the repository: .venv/bin/python benchmarks/report_render.py [--records N] [--keep DIR]
Also a check whose reason is 30 kB without a line break (a unit's garbage answer), against the same record
with a one-line reason in the same run. Ends with RESULT lines: the 1000-check render (goal <= 10 s) and the
long reason's cost as a multiple of the short one's (goal <= 3x: the cut text adds a page of glyphs;
uncut it was about 40x, and 10 kB 5x).
"""

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.result import result_line
from harness import catalogue
from harness.checks import Finding
from harness.evidence import write_manifest
from harness.profile_loader import load_profile
from harness.report.junit import write_junit
from harness.report.render import ReportRequest, render_reports
from harness.run_record import CheckResult, build_record, now, write_record
from harness.verdict import Verdict

REPO = Path(__file__).resolve().parent.parent
LONG_REASON_CHARS = 30_000
CHECKS = ["test_protected_settings_refuse_unauthenticated_reads", "test_factory_default_refused_after_first_use",
          "test_dictionary_sweep_finds_no_login", "test_update_installs_the_declared_version"]
VERDICTS = [Verdict.PASS] * 6 + [Verdict.FAIL] * 2 + [Verdict.INCONCLUSIVE, Verdict.NOT_APPLICABLE]


def make_run(run_dir: Path, records: int, reason: str | None = None) -> None:
    """A run folder whose record holds `records` checks, each with a transcript of its own (and `reason`, if
    given, as every check's INCONCLUSIVE reason)."""
    chance = random.Random(34_10)
    profile = load_profile(REPO / "device_profiles" / "reference" / "c1-camera.yaml")
    requirements = list(catalogue.load())
    results = []
    for index in range(records):
        name, verdict = CHECKS[index % len(CHECKS)], chance.choice(VERDICTS)
        nodeid = f"testcases/ter_34_10/generated.py::{name}[http:{8000 + index}]"
        evidence = f"evidence/{index:04d}/exchanges.txt"
        (run_dir / evidence).parent.mkdir(parents=True)
        lines = [f"{n * 0.01:8.3f} > GET /cgi-bin/setting{n}.cgi HTTP/1.1" for n in range(chance.randint(5, 60))]
        (run_dir / evidence).write_text(f"# {nodeid}\n" + "\n".join(lines) + "\n", encoding="utf-8")
        told = "" if verdict is Verdict.PASS else f"port {8000 + index}: " + "served without a login; " * (index % 8)
        verdict, told = (verdict, told) if reason is None else (Verdict.INCONCLUSIVE, reason)
        findings = [Finding(f"banner of port {8000 + index} names the firmware build", "EN 303 645 5.6-2")]
        findings = findings if index % 3 == 0 else []
        results.append(CheckResult(nodeid, requirements[index % len(requirements)], f"http:{8000 + index}",
                                   verdict, told, [evidence], findings, 0.5))
    record = build_record(profile, catalogue.load(), results, now(), now())
    write_record(run_dir, record)
    write_junit(run_dir, record)
    write_manifest(run_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="leave the run folder here instead of a temporary one")
    arguments = parser.parse_args()
    run_dir = arguments.keep or Path(tempfile.mkdtemp(prefix="tekigo-bench-"))
    if arguments.keep:
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
    make_run(run_dir, arguments.records)
    started, started_cpu = time.monotonic(), time.process_time()
    rendered = render_reports(run_dir, ReportRequest())
    total, cpu = time.monotonic() - started, time.process_time() - started_cpu
    assert rendered.pdf is not None
    html_kib = (run_dir / "report.html").stat().st_size // 1024
    pdf_kib = rendered.pdf.path.stat().st_size // 1024
    print(f"{arguments.records} check records: HTML + PDF in {total:.1f} s, {cpu:.1f} CPU-s "
          f"(PDF pass {rendered.pdf.seconds:.1f} s), {rendered.pdf.pages} pages, "
          f"report.html {html_kib} KiB, report.pdf {pdf_kib} KiB")
    if not arguments.keep:
        shutil.rmtree(run_dir)
    long_s, short_s = (_one_check_render("B" * LONG_REASON_CHARS), _one_check_render("the unit did not answer"))
    print(f"one check, {LONG_REASON_CHARS} character reason without a line break: {long_s:.2f} s; "
          f"the same with a one-line reason: {short_s:.2f} s")
    print(result_line(f"report_{arguments.records}_checks_s", total, 10.0, "<=", digits=1))
    print(result_line("report_30kB_reason_vs_one_line", long_s / short_s, 3.0, "<="))
    return 0


def _one_check_render(reason: str) -> float:
    """Seconds for HTML + PDF of a run with one check whose reason is `reason`."""
    run_dir = Path(tempfile.mkdtemp(prefix="tekigo-bench-"))
    try:
        make_run(run_dir, 1, reason)
        started = time.monotonic()
        render_reports(run_dir, ReportRequest())
        return time.monotonic() - started
    finally:
        shutil.rmtree(run_dir)


if __name__ == "__main__":
    sys.exit(main())
