"""What a unit shows before any login (Server header, page title, auth realm, SSH and telnet banners)."""

import html
import re
import time
from dataclasses import dataclass
from typing import Literal

from harness.profile.logins import login_page
from harness.transports.http import HttpClient
from harness.transports.outcome import Unrecognised, open_tcp
from harness.transports.ssh import SshClient
from harness.transports.telnet import LOGIN_PROMPT, PASSWORD_PROMPT, SHELL_PROMPT, TelnetClient, TelnetConnection

BannerKind = Literal["http_server", "http_title", "http_realm", "ssh_banner", "telnet_banner"]
MAX_BANNER = 512
# RFC 4253 4.2: the server may send other lines before its "SSH-" identification line.
MAX_SSH_PREAMBLE = 4096
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
REALM = re.compile(r'realm\s*=\s*"([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True)
class Banner:
    """One thing the unit showed on one interface ("http:80") before any login."""

    where: str
    kind: BannerKind
    text: str


def http_banners(client: HttpClient) -> list[Banner]:
    """Server header, page title and realm of the front page and of the declared login path."""
    login = client.interface.login
    where = f"http:{client.interface.port}"
    banners: list[Banner] = []
    for path in dict.fromkeys(["/", login_page(login)]):
        answer = client.request("GET", path)
        headers = {name.lower(): value for name, value in answer.headers.items()}
        title = TITLE.search(answer.body)
        realm = REALM.search(headers.get("www-authenticate", ""))
        shown: list[tuple[BannerKind, str | None]] = [
            ("http_server", headers.get("server")),
            ("http_realm", realm.group(1) if realm else None),
            ("http_title", html.unescape(" ".join(title.group(1).split())) if title else None),
        ]
        banners += [Banner(where, kind, text[:MAX_BANNER]) for kind, text in shown if text]
    return list(dict.fromkeys(banners))


def ssh_banner(client: SshClient) -> list[Banner]:
    """The server's SSH identification line ("SSH-2.0-dropbear_2022.83"), read without a key exchange."""
    sock = open_tcp("ssh", client.address, client.interface.port, client.scope, client.transcript, client.timeout)
    data = b""
    deadline = time.monotonic() + client.timeout
    with sock:
        while len(data) < MAX_SSH_PREAMBLE and time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(1024)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            line = next((ln for ln in data.split(b"\n")[:-1] if ln.startswith(b"SSH-")), None)
            if line is not None:
                text = line.rstrip(b"\r").decode("utf-8", "replace")[:MAX_BANNER]
                client.transcript.received(text)
                return [Banner(f"ssh:{client.interface.port}", "ssh_banner", text)]
    raise Unrecognised(f"ssh:{client.interface.port} sent no SSH identification line")


def telnet_banner(client: TelnetClient) -> list[Banner]:
    """The text a telnet service sends before its first prompt (issue file, host name, product name)."""
    sock = open_tcp("telnet", client.address, client.interface.port, client.scope, client.transcript, client.timeout)
    connection = TelnetConnection(sock, client.transcript, client.timeout)
    with sock:
        _, text = connection.read_until(LOGIN_PROMPT, PASSWORD_PROMPT, SHELL_PROMPT, within=client.timeout)
    shown = " ".join(text.decode("utf-8", "replace").split())[:MAX_BANNER]
    return [Banner(f"telnet:{client.interface.port}", "telnet_banner", shown)] if shown else []
