"""Fuzz: random profiles to `tekigo profile validate` and random results.json to `tekigo report` end in exit 0
or 4 with a message, never in a traceback (exit 70). Each input is a sound file with one to three places
replaced by random values or removed, or random text."""

import contextlib
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cli import main
from harness.evidence import write_manifest

from ..conftest import REFERENCE_PROFILES
from .run_folders import make_run_folder, typical_checks

Json = Any
Path_ = tuple[str | int, ...]
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                                          max_size=3), max_leaves=6)
# Bounded by count (hypothesis has no wall-clock budget): about 2 CPU-s each; a failure prints its example.
PROFILE_FUZZ = settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
RECORD_FUZZ = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def tekigo(*arguments: str) -> tuple[int, str]:
    """`tekigo ARGUMENTS` in this process: its exit status and what it printed."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        status = main(list(arguments))
    return status, output.getvalue()


def paths(value: Json, prefix: Path_ = ()) -> list[Path_]:
    """Every place in a JSON document, the document itself first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@st.composite
def damaged(draw: st.DrawFn, document: Json) -> Json:
    """`document` with one to three places replaced by a random value or removed."""
    document = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(paths(document)))
        if not place:
            return draw(VALUES)
        parent: Any = document
        for step in place[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            parent[place[-1]] = draw(VALUES)
        else:
            del parent[place[-1]]
    return document


def assert_handled(status: int, output: str) -> None:
    assert status in (0, 4), output
    assert "Traceback" not in output and "internal error" not in output, output
    if status == 4:
        assert output.startswith("tekigo: ") or "error:" in output, output


PROFILE = yaml.safe_load((REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8"))


@PROFILE_FUZZ
@given(text=st.one_of(damaged(PROFILE).map(lambda d: yaml.safe_dump(d, allow_unicode=True)), st.text(max_size=200)))
def test_random_profiles_are_valid_or_exit_4_with_a_message(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "unit.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        assert_handled(*tekigo("profile", "validate", str(path)))


@pytest.fixture(scope="module")
def sound_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run_folder(tmp_path_factory.mktemp("sound") / "run", typical_checks())


def test_random_records_render_or_exit_4_with_a_message(sound_run: Path) -> None:
    record = json.loads((sound_run / "results.json").read_text(encoding="utf-8"))

    @RECORD_FUZZ
    @given(text=st.one_of(damaged(record).map(json.dumps), st.text(max_size=200)))
    def render(text: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            run_dir = Path(shutil.copytree(sound_run, Path(folder) / "run"))
            (run_dir / "results.json").write_text(text, encoding="utf-8", errors="surrogatepass")
            write_manifest(run_dir)  # as if edited and sealed again: the schema, not the seal, must catch it
            assert_handled(*tekigo("report", str(run_dir), "--format", "html"))

    render()
