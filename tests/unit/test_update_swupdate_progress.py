"""The real swupdate daemon on loopback reports each install's end over its websocket: the upload then
needs no fixed settle wait, and the next upload finds the agent idle again."""

import ipaddress
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.evidence import Redactor, Transcript
from harness.scope import LabScope
from harness.update.cms import new_signer
from harness.update.settle import settle_time
from harness.update.swu import SwuFile, build_swu
from harness.update.swupdate_upload import SwupdateAnswer, upload_to_swupdate
from harness.update.tamper import flipped, unsigned
from tests.unit.loopback_daemon import free_tcp_port, serving

pytestmark = pytest.mark.skipif(shutil.which("swupdate") is None, reason="swupdate is not installed")

HARDWARE = ("TKG-T1", "1.0")
SIGNER = new_signer("tekigo unit test")
SCOPE = LabScope([ipaddress.ip_network("127.0.0.0/8")])
SETTLE_S = 10.0


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """swupdate with its web server on a free loopback port; (port, where its images write the record)."""
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "index.html").write_text("update\n")
    (tmp_path / "vendor.crt").write_bytes(SIGNER.certificate_pem())
    port = free_tcp_port()
    command = ["env", f"TMPDIR={tmp_path}", "swupdate", "-H", ":".join(HARDWARE), "-k", str(tmp_path / "vendor.crt"),
               "--cert-purpose", "codeSigning", "-N", "1.0.0", "-w", f"-r {tmp_path / 'www'} -p {port}"]
    with serving(command, port):
        yield port, tmp_path / "firmware.json"


def image(version: str, record: Path) -> bytes:
    content = json.dumps({"version": version}).encode()
    return build_swu(version, [HARDWARE[1]], [SwuFile("firmware.json", str(record), content)], SIGNER)


def upload(port: int, name: str, data: bytes) -> tuple[SwupdateAnswer, float, Transcript]:
    transcript = Transcript(name, Redactor({}))
    started = time.monotonic()
    answer = upload_to_swupdate("127.0.0.1", port, "/upload", name, data, SCOPE, transcript, 10.0, SETTLE_S)
    return answer, time.monotonic() - started, transcript


def test_refused_images_end_in_failure_at_once_and_a_genuine_one_installs_right_after(agent) -> None:
    port, record = agent
    genuine = image("1.1.0", record)
    for name, data in (("flipped", flipped(genuine, "1.1.0")), ("unsigned", unsigned(genuine, "1.1.0")),
                       ("older", image("0.9.0", record))):
        answer, seconds, transcript = upload(port, name, data)
        assert (answer.status, answer.agent_status) == (200, "FAILURE"), "\n".join(transcript.lines)
        assert seconds < SETTLE_S / 2  # the end was reported, not waited out
        assert settle_time(answer, SETTLE_S) == 0.0
        assert not record.exists()
    answer, _, transcript = upload(port, "genuine", genuine)  # right after a refusal: the agent is idle again
    assert (answer.status, answer.agent_status) == (200, "SUCCESS"), "\n".join(transcript.lines)
    assert json.loads(record.read_text())["version"] == "1.1.0"
    assert settle_time(answer, SETTLE_S) == SETTLE_S  # a success still has the version watched


def test_an_agent_without_a_websocket_leaves_the_declared_settle_time(tmp_path: Path) -> None:
    """A plain HTTP server that takes the upload but speaks no websocket: no agent status, the full settle time."""
    port = free_tcp_port()
    with serving(["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(tmp_path), str(port)],
                 port):
        answer, _, transcript = upload(port, "image", b"not an image")
    assert answer.agent_status is None
    assert any("no websocket" in line for line in transcript.lines)
    assert settle_time(answer, SETTLE_S) == SETTLE_S
