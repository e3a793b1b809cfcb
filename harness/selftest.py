"""Method validation: run the suite on every reference device and compare with its expected verdicts."""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.lab import tester_command
from harness.lab.topology import TESTER, Host
from harness.parallel import run_streamed
from harness.profile_loader import load_profile


@dataclass(frozen=True)
class SelftestOutcome:
    """One reference device: the verdicts it got against the ones its profile expects."""

    name: str
    got: dict[str, str]
    expected: dict[str, str]
    seconds: float
    exit_status: int

    @property
    def matches(self) -> bool:
        return bool(self.expected) and all(self.got.get(k) == v for k, v in self.expected.items())


def run_selftest(profiles: list[Path], out: Path, tester: Host = TESTER, workers: int | None = None,
                 ) -> list[SelftestOutcome]:
    """Run the profiles, `workers` at a time (all at once by default), each in its own process inside the
    tester namespace `tester` (the reference lab's, or the zoo's)."""
    print_lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=workers or len(profiles)) as pool:
        return list(pool.map(lambda p: _run_one(p, out / p.stem, print_lock, tester), profiles))


def _run_one(profile_path: Path, run_dir: Path, print_lock: threading.Lock, tester: Host) -> SelftestOutcome:
    profile = load_profile(profile_path)
    expected = {key: verdict.value for key, verdict in (profile.expected or {}).items()}
    command = tester_command([sys.executable, "-m", "harness.cli", "run",
                              "--profile", str(profile_path), "--out", str(run_dir), "--overwrite"], tester)
    status, got, seconds = run_streamed(command, run_dir, profile_path.stem, print_lock)
    return SelftestOutcome(profile_path.stem, got, expected, seconds, status)
