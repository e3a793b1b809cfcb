"""Debian's lighttpd on loopback as a small web admin: guarded settings, a login page, redirects, Basic auth.

/admin/'s guard names the methods a browser uses (GET and POST); lighttpd answers HEAD from the same file,
without a body, so HEAD gets past it with 200 (issue 14's false FAIL). /exact/'s guard matches one URL exactly;
lighttpd serves the file to a trailing slash or %2f (path-info), a real bypass. /small/ takes at most 1 KiB
of request body (413 beyond). Started in about 0.1 s.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.unit.loopback_daemon import free_tcp_port, serving

MARKER = "wifi_psk=Unit-Secret-Marker"
PAGES = {"admin/settings.html": f"<html>{MARKER}</html>", "open/settings.html": f"<html>{MARKER}</html>",
         "exact/settings.html": f"<html>{MARKER}</html>",
         "login.html": "<html><form action=/login>login</form></html>", "basic/settings.html": f"{MARKER}"}
CONFIG = """server.document-root = "{root}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{folder}/error.log"
server.modules = ("mod_access", "mod_redirect", "mod_auth", "mod_authn_file")
mimetype.assign = (".html" => "text/html")
$HTTP["request-method"] =~ "^(GET|POST)$" {{
  $HTTP["url"] =~ "^/admin/" {{ url.access-deny = ("") }}
}}
$HTTP["url"] == "/exact/settings.html" {{ url.access-deny = ("") }}
$HTTP["url"] =~ "^/small/" {{ server.max-request-size = 1 }}
url.redirect = ("^/redirected/" => "/login.html", "^/looping/(.*)$" => "/looping/$1")
auth.backend = "plain"
auth.backend.plain.userfile = "{folder}/users"
auth.require = ("/basic/" => ("method" => "basic", "realm" => "unit", "require" => "valid-user"))
"""


@contextmanager
def lighttpd(folder: Path) -> Iterator[int]:
    """lighttpd serving PAGES from `folder` on 127.0.0.1: its port."""
    root = folder / "www"
    for name, text in PAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (folder / "users").write_text("admin:Unit-0wn-pass\n")
    port = free_tcp_port()
    (folder / "lighttpd.conf").write_text(CONFIG.format(root=root, port=port, folder=folder))
    with serving(["lighttpd", "-D", "-f", str(folder / "lighttpd.conf")], port):
        yield port
