"""`tekigo run` refuses bad input with exit status 4 before anything is sent."""

import ipaddress
import subprocess
import sys
from pathlib import Path

import pytest

from harness.scope import route_gateway

from ..conftest import REFERENCE_PROFILES


def tekigo(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *arguments], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_malformed_profile_exits_4_naming_file_line_and_field(tmp_path: Path, reference_profile_text: str) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text(reference_profile_text.replace("  boot_timeout_s: 20", "  boot_timeout_s: soon"))
    done = tekigo("run", "--profile", str(profile), "--out", str(tmp_path / "run"), cwd=tmp_path)
    assert done.returncode == 4
    line = reference_profile_text.splitlines().index("  boot_timeout_s: 20") + 1
    assert f"{profile}:{line}: unit.boot_timeout_s: Input should be a valid number" in done.stderr
    assert not (tmp_path / "run").exists()


def test_address_outside_the_lab_networks_exits_4(tmp_path: Path, reference_profile_text: str) -> None:
    profile = tmp_path / "outside.yaml"
    profile.write_text(reference_profile_text.replace("address: 198.18.0.11", "address: 127.0.0.2"))
    done = tekigo("run", "--profile", str(profile), "--out", str(tmp_path / "run"), cwd=tmp_path)
    assert done.returncode == 4 and "outside lab.networks" in done.stderr


def test_lab_address_reached_through_a_gateway_exits_4(tmp_path: Path) -> None:
    if route_gateway(ipaddress.ip_address("198.18.0.11")) is None:
        pytest.skip("this namespace does not route the lab range through a gateway")
    done = tekigo("run", "--profile", str(REFERENCE_PROFILES / "r1-router.yaml"), "--out", str(tmp_path / "run"),
                  cwd=tmp_path)
    assert done.returncode == 4
    assert "through gateway" in done.stderr and "tekigo-tester" in done.stderr
    assert not (tmp_path / "run").exists()
