"""Several units audited at once: one `tekigo run` process and one run folder per unit, one summary for all.

Each unit's run is its own (forked) process, so nothing is shared between runs but the read-only suite and
profiles: its own pytest session, scope guard, evidence store and report.
"""

import json
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from harness.exits import EXIT_BY_VERDICT
from harness.forked_runs import ForkedJob, run_forked
from harness.run_folder import SUMMARY
from harness.run_record import read_record
from harness.summary import JAPANESE, SHORT

RUN_DEADLINE_S = 900
ITEMS = [f"TER-34-10-{n}" for n in range(1, 5)]


@dataclass(frozen=True)
class UnitRun:
    """One unit's run: where its folder is, the verdicts it got, its exit status and how long it took."""

    profile: str
    run_dir: str
    verdicts: dict[str, str]
    exit_status: int
    seconds: float
    place: str | None = None  # the labgrid place the unit ran on
    note: str = ""  # why a unit on a place was not run or did not finish (held by someone else, bench lost)

    @property
    def overall(self) -> str:
        return self.verdicts.get("overall", "INCONCLUSIVE")


def run_folders(profiles: Sequence[Path], out: Path) -> list[Path]:
    """One folder per profile under `out`, named after the profile file (numbered when two share a name)."""
    names = [profile.stem for profile in profiles]
    return [out / (name if names.count(name) == 1 else f"{name}-{index + 1}") for index, name in enumerate(names)]


def run_units(profiles: Sequence[Path], out: Path, workers: int, pytest_args: Sequence[str] = (),
              places: Sequence[str | None] = (), coordinator: str = "") -> list[UnitRun]:
    """Run the suite on every profile, `workers` units at a time, each in a forked child of this process
    (harness/forked_runs.py); progress lines are prefixed by the unit. A unit with a labgrid place holds it
    in its child; a place a child left locked (it was killed) is released here afterwards."""
    folders = run_folders(profiles, out)
    places = list(places) or [None] * len(profiles)
    # --overwrite: `tekigo run` claimed `out` for all units before any started (harness/run_folder.py)
    jobs = [ForkedJob(run_dir.name, ["run", "--profile", str(profile), "--out", str(run_dir), "--overwrite",
                                     *(["--place", place, "--coordinator", coordinator] if place else []),
                                     *(["--", *pytest_args] if pytest_args else [])])
            for profile, run_dir, place in zip(profiles, folders, places, strict=True)]
    outcomes = run_forked(jobs, workers, RUN_DEADLINE_S)
    notes = [_place_note(run_dir) if place else "" for run_dir, place in zip(folders, places, strict=True)]
    if any(places):
        from harness.bench.leftovers import release_leftovers

        for problem in release_leftovers([place for place in places if place], coordinator):
            print(f"tekigo: {problem}")
    return [UnitRun(str(profile), str(run_dir), recorded_verdicts(run_dir), outcome.status, outcome.seconds,
                    place, note)
            for profile, run_dir, outcome, place, note in zip(profiles, folders, outcomes, places, notes, strict=True)]


def _place_note(run_dir: Path) -> str:
    """What a unit's place record says when the place was not held to the end of the run."""
    from harness.bench.place_run import read_place_record

    record = read_place_record(run_dir)
    if record is None:
        return "place not held (the run ended before it asked the coordinator)"
    return "" if record["outcome"] == "held" else str(record.get("reason") or record["outcome"])


def run_streamed(command: Sequence[str], run_dir: Path, label: str, print_lock: threading.Lock
                 ) -> tuple[int, dict[str, str], float]:
    """Run one `tekigo run` child, its output prefixed with `label` as it comes (bounded by a deadline).

    Returns its exit status, the verdict per requirement (and "overall") it recorded, and its seconds.
    """
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    timer = threading.Timer(RUN_DEADLINE_S, process.kill)
    timer.start()
    try:
        for line in process.stdout:
            if line.strip():
                with print_lock:
                    print(f"[{label}] {line.rstrip()}", flush=True)
        status = process.wait()
    finally:
        timer.cancel()
    return status, recorded_verdicts(run_dir), time.monotonic() - started


def recorded_verdicts(run_dir: Path) -> dict[str, str]:
    """The verdict per requirement (and "overall") a run folder records; none when it has no record."""
    if not (run_dir / "results.json").exists():
        return {}
    record = read_record(run_dir)
    return {r["id"]: r["verdict"] for r in record["requirements"]} | {"overall": record["verdict"]}


def combined_exit(runs: Sequence[UnitRun]) -> int:
    """1 when any unit is non-conformant, else 2 when any is inconclusive or unfinished, else 0 (3 when
    every unit is out of scope by a declared exemption: an exempt unit alone makes a batch neither)."""
    overall = [run.overall for run in runs]
    if "FAIL" in overall:
        verdict = "FAIL"
    elif any(verdict not in ("PASS", "NOT_APPLICABLE") for verdict in overall):
        verdict = "INCONCLUSIVE"
    else:
        verdict = "PASS" if "PASS" in overall else "NOT_APPLICABLE"
    return EXIT_BY_VERDICT[verdict]


def render_units(runs: Sequence[UnitRun], seconds: float) -> str:
    """Unit x item 1-4 x overall, with each unit's time and run folder."""
    items = "".join(f"{'item ' + i[-1]:<9}" for i in ITEMS)
    header = f"{'unit':<24}{items}{'overall':<9}{'time':>6}  run folder"
    lines = ["", header, "-" * len(header)]
    for run in runs:
        cells = "".join(f"{SHORT.get(run.verdicts.get(i, '-'), '-'):<9}" for i in ITEMS)
        lines.append(f"{Path(run.run_dir).name:<24}{cells}{SHORT.get(run.overall, '-'):<9}{run.seconds:>5.0f}s  "
                     f"{run.run_dir}" + (f"  [place {run.place}]" if run.place else ""))
        if run.note:
            lines.append(f"{'':<24}{run.note}")
    counts = {verdict: sum(run.overall == verdict for run in runs) for verdict in ("PASS", "FAIL", "INCONCLUSIVE")}
    lines.append(f"\n{len(runs)} units in {seconds:.0f} s: " + ", ".join(
        f"{count} {JAPANESE[verdict]}" for verdict, count in counts.items() if count))
    return "\n".join(lines)


def write_summary(out: Path, runs: Sequence[UnitRun], seconds: float) -> Path:
    """summary.json beside the run folders: every unit's verdicts and folder, and the combined exit status."""
    path = out / SUMMARY
    path.write_text(json.dumps({"seconds": round(seconds, 1), "exit_status": combined_exit(runs),
                                "units": [asdict(run) | {"overall": run.overall} for run in runs]},
                               indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
