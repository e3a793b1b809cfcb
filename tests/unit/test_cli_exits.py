"""Exit statuses a script can trust: usage errors exit 4 (never argparse's 2, which reads as INCONCLUSIVE), a
crash of tekigo itself 70 with one line naming its log, --netns however it is spelled; the help says them."""

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import __version__, cli
from harness.exits import EXIT_CRASH, EXIT_USAGE
from harness.netns_exec import without_netns

from .conftest import loopback_profile


def tekigo(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *arguments], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("arguments", [["run", "--profle", "x.yaml"], ["run", "--bogus"], ["nonsense"], [],
                                       ["report"], ["scan", "198.18.0.11"], ["lab", "sideways"],
                                       ["report", "RUN", "--format", "docx"]])
def test_usage_errors_exit_4_not_argparses_2(tmp_path: Path, arguments: list[str]) -> None:
    done = tekigo(*arguments, cwd=tmp_path)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert "usage: tekigo" in done.stderr and "Traceback" not in done.stderr


def test_version_is_printed(tmp_path: Path) -> None:
    done = tekigo("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"tekigo {__version__}"


def test_a_crash_exits_70_with_one_line_and_the_traceback_in_its_log(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> dict[str, object]:
        raise RuntimeError("schema exploded")

    monkeypatch.setattr(cli, "profile_schema", broken)
    assert cli.main(["profile", "schema"]) == EXIT_CRASH
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("tekigo: internal error (RuntimeError: schema exploded); please report it")
    log = Path(line.rsplit(" in ", 1)[1])
    try:
        assert "Traceback" in log.read_text(encoding="utf-8") and "schema exploded" in log.read_text(encoding="utf-8")
    finally:
        log.unlink()


@pytest.mark.parametrize(("command_line", "kept"), [
    (["run", "--netns", "ns", "--profile", "p"], ["run", "--profile", "p"]),
    (["run", "--netns=ns", "--profile", "p"], ["run", "--profile", "p"]),
    (["run", "--net", "ns", "-n", "2"], ["run", "-n", "2"]),
    (["run", "--n=ns", "--out", "o", "--", "--netns", "x"], ["run", "--out", "o", "--", "--netns", "x"]),
    (["scan", "a", "--network", "198.18.0.0/24", "--netns", "ns"], ["scan", "a", "--network", "198.18.0.0/24"]),
])
def test_netns_is_taken_off_the_command_line_however_it_was_spelled(command_line: list[str], kept: list[str]) -> None:
    assert without_netns(command_line) == kept


@pytest.mark.parametrize("spelling", [["--netns", "tekigo-nosuch"], ["--netns=tekigo-nosuch"],
                                      ["--net", "tekigo-nosuch"]])
def test_a_missing_namespace_exits_4_with_the_lab_hint(tmp_path: Path, spelling: list[str]) -> None:
    profile = loopback_profile(tmp_path, 9)
    done = tekigo("run", "--profile", str(profile), "--out", "run", *spelling, cwd=tmp_path)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert "there is no network namespace 'tekigo-nosuch'" in done.stderr and "tekigo lab up" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "run").exists()


def commands(parser: argparse.ArgumentParser, prefix: str = "tekigo") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command (and action of a command) with its parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                yield from commands(command, f"{prefix} {name}")
    yield prefix, parser


def test_every_command_says_its_exit_statuses_and_describes_its_arguments() -> None:
    found = dict(commands(cli._parser()))
    assert {"tekigo run", "tekigo profile validate", "tekigo report", "tekigo verify", "tekigo scan"} <= set(found)
    for name, parser in found.items():
        if name != "tekigo":
            assert "Exit status: 0 " in (parser.epilog or "") and "70 tekigo itself failed" in parser.epilog, name
        positionals = [a for a in parser._actions
                       if not a.option_strings and not isinstance(a, argparse._SubParsersAction)]
        assert all(action.help for action in positionals), name
    assert "several" in found["tekigo"].description and "--profile B.yaml" in found["tekigo"].description
    assert all(action.help for action in found["tekigo selftest"]._actions), "selftest --profiles"
