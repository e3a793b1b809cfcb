"""Record mosquitto's CONNACKs into mqtt-connacks.txt: `python tests/answers/record_mqtt_connacks.py`.

Starts Debian's mosquitto on loopback with anonymous clients refused and one account in a password file,
sends each MQTT CONNECT from a raw socket and keeps the raw answer (hex), or '-' when the broker hung up
or said nothing within a second.
"""

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACCOUNT = ("observer", "Obs-0wn-pass")
# case: (protocol name, protocol level, connect flags, client id, user name, password)
CASES = {
    "anonymous": ("MQTT", 4, 0x02, "tekigo-rec", None, None),
    "wrong-password": ("MQTT", 4, 0xC2, "tekigo-rec", ACCOUNT[0], "wrong"),
    "unknown-user": ("MQTT", 4, 0xC2, "tekigo-rec", "nobody", "wrong"),
    "right-password": ("MQTT", 4, 0xC2, "tekigo-rec", *ACCOUNT),
    "unknown-protocol-level": ("MQTT", 7, 0xC2, "tekigo-rec", *ACCOUNT),
    "empty-id-kept-session": ("MQTT", 4, 0xC0, "", *ACCOUNT),
}


def utf8(text: str) -> bytes:
    data = text.encode()
    return len(data).to_bytes(2, "big") + data


def connect_packet(name: str, level: int, flags: int, client_id: str, user: str | None, password: str | None) -> bytes:
    """An MQTT 3.1.1 CONNECT (OASIS MQTT 3.1.1 §3.1), keep-alive 30 s."""
    body = utf8(name) + bytes((level, flags)) + (30).to_bytes(2, "big") + utf8(client_id)
    body += (utf8(user) if user is not None else b"") + (utf8(password) if password is not None else b"")
    return bytes((0x10, len(body))) + body


def free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_tcp_port()
        passwords = Path(folder) / "passwords"
        subprocess.run(["mosquitto_passwd", "-c", "-b", str(passwords), *ACCOUNT], check=True)
        conf = Path(folder) / "mosquitto.conf"
        # mosquitto started as root runs as the user 'mosquitto', which must read the folder
        Path(folder).chmod(0o755)
        passwords.chmod(0o644)
        conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwords}\n")
        daemon = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL)
        version = subprocess.run(["mosquitto", "-h"], capture_output=True, text=True).stdout.split()[2]
        deadline = time.monotonic() + 5
        while subprocess.run(["ss", "-Htln", f"sport = :{port}"], capture_output=True, text=True).stdout == "":
            assert daemon.poll() is None and time.monotonic() < deadline, "mosquitto did not start"
            time.sleep(0.05)
        lines = [f"# mosquitto {version} (Debian 12) on 127.0.0.1, recorded by {Path(__file__).name};",
                 "# mosquitto.conf: allow_anonymous false, password_file with one account",
                 "# case CONNACK-hex ('-': no CONNACK within 1 s)"]
        try:
            for case, fields in CASES.items():
                with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
                    sock.sendall(connect_packet(*fields))
                    try:
                        answer = sock.recv(4).hex() or "-"
                    except (TimeoutError, ConnectionResetError):
                        answer = "-"
                lines.append(f"{case} {answer}")
        finally:
            daemon.kill()
            daemon.wait(timeout=10)
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("mqtt-connacks.txt"))
