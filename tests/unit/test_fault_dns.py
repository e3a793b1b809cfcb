"""A unit named by a host name that no resolver could answer inside the lab: refused before anything is sent.

The harness never resolves a unit's name (a lab namespace has no resolver, and a name could point outside
the lab): the profile must give an address, so a DNS failure cannot turn into a check that silently passed.
"""

from pathlib import Path

import pytest

from harness import cli


def test_a_unit_named_by_an_unresolvable_host_is_a_usage_error(tmp_path: Path, reference_profile_text: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "named.yaml"
    profile.write_text(reference_profile_text.replace("address: 198.18.0.11", "address: x1.tekigo.invalid"))
    out = tmp_path / "run"
    assert cli.main(["run", "--profile", str(profile), "--out", str(out)]) == cli.EXIT_USAGE
    assert "unit.address" in capsys.readouterr().err
    assert not out.exists(), "a run folder was made for a unit that cannot be named"
