"""The zoo's units: third-party device software from Debian, each run in its upstream default configuration.

A unit's configuration is the file its Debian package ships, copied unchanged except for the edits listed
here, which only move a daemon from localhost to the lab LAN. Each edit must match the shipped file exactly
once: a package whose default changed stops the zoo instead of being judged against a stale expectation.
"""

from dataclasses import dataclass
from pathlib import Path

from harness.lab.topology import Host
from harness.lab.zoo.topology import ZOO_PREFIX


@dataclass(frozen=True)
class Edit:
    """One change to a shipped configuration file, and why it is needed."""

    old: str
    new: str
    why: str


@dataclass(frozen=True)
class ShippedConfig:
    """A configuration file as the package ships it (`source`), copied into the unit's folder as `name`."""

    source: Path
    name: str
    edits: tuple[Edit, ...] = ()
    owner: str = "root"  # who may read it: the daemon's own user, as the package sets it up
    mode: int = 0o640
    own_folder: bool = False  # the daemon rewrites the file (write and rename): its whole folder is the unit's

    @property
    def copy(self) -> str:
        """Where the copy lives in the unit's folder; with `own_folder`, inside a copy of the file's folder."""
        return f"{self.source.parent.name}/{self.name}" if self.own_folder else self.name

    @property
    def bound(self) -> tuple[str, Path]:
        """What of the unit's folder is bound over which path of the host's file system."""
        return (self.source.parent.name, self.source.parent) if self.own_folder else (self.name, self.source)


@dataclass(frozen=True)
class ZooUnit:
    """A zoo unit: its Debian package, where it sits, the ports that show it is up, and its configuration."""

    name: str
    address: str
    package: str
    ports: tuple[int, ...]
    configs: tuple[ShippedConfig, ...]
    data: Path | None = None  # the package's state folder: copied as shipped into the unit's flash, bound over it
    boot_deadline_s: float = 15.0

    @property
    def host(self) -> Host:
        """Its namespace and address; the name is short enough for the bridge's veth name (15 characters)."""
        return Host(self.name, self.address, prefix=ZOO_PREFIX)

    @property
    def template(self) -> str:
        return f"{self.name}.sh.j2"


MAX_NAME = 10  # "veth-" + name is an interface name: at most 15 characters

ZOO_UNITS: dict[str, ZooUnit] = {
    # Streaming server with a web admin (HTTP basic, admin/hackme preset in the shipped icecast.xml).
    # Binds every address by default (<bind-address> is commented out): no edit needed.
    "icecast": ZooUnit(
        name="icecast", address="198.18.14.11", package="icecast2", ports=(8000,),
        configs=(ShippedConfig(Path("/etc/icecast2/icecast.xml"), "icecast.xml", owner="icecast2"),),
    ),
    # BitTorrent daemon with a web UI and JSON RPC (HTTP basic, transmission/transmission preset by Debian).
    "tr-daemon": ZooUnit(
        name="tr-daemon", address="198.18.14.12", package="transmission-daemon", ports=(9091, 51413),
        data=Path("/var/lib/transmission-daemon"),
        configs=(ShippedConfig(
            Path("/etc/transmission-daemon/settings.json"), "settings.json", owner="debian-transmission", mode=0o600,
            own_folder=True,
            edits=(Edit('"rpc-whitelist": "127.0.0.1"', '"rpc-whitelist": "127.0.0.1,198.18.14.*"',
                        "the RPC answers only whitelisted clients (127.0.0.1 by default): add the lab LAN"),)),),
    ),
    # File synchroniser with a web GUI and REST API; no GUI user or password by default.
    "syncthing": ZooUnit(
        name="syncthing", address="198.18.14.13", package="syncthing", ports=(8384, 22000), configs=(),
        boot_deadline_s=30.0,
    ),
    # MQTT broker: Debian's mosquitto.conf has no listener, so it listens on localhost only.
    "mosquitto": ZooUnit(
        name="mosquitto", address="198.18.14.14", package="mosquitto", ports=(1883,),
        data=Path("/var/lib/mosquitto"),
        configs=(ShippedConfig(
            Path("/etc/mosquitto/mosquitto.conf"), "mosquitto.conf", owner="mosquitto",
            edits=(Edit("include_dir /etc/mosquitto/conf.d\n", "include_dir /etc/mosquitto/conf.d\nlistener 1883\n",
                        "without a listener line mosquitto 2.x listens on localhost only"),)),),
    ),
    # SNMP agent: Debian's snmpd.conf listens on localhost only, with a read-only 'public' community.
    "snmpd": ZooUnit(
        name="snmpd", address="198.18.14.15", package="snmpd", ports=(), data=Path("/var/lib/snmp"),
        configs=(ShippedConfig(
            Path("/etc/snmp/snmpd.conf"), "snmpd.conf", owner="Debian-snmp",
            edits=(Edit("agentaddress  127.0.0.1,[::1]", "agentaddress  udp:161",
                        "the agent listens on localhost only by default"),)),),
    ),
    # BitTorrent daemon (deluged) and its web UI (deluge-web): JSON-RPC login with the preset password "deluge"
    # (deluge/ui/web/server.py CONFIG_DEFAULTS). The web UI listens on 0.0.0.0:8112 by default, deluged's RPC
    # on localhost (allow_remote false): no edit; both create their configuration at the first start.
    "deluge": ZooUnit(
        name="deluge", address="198.18.14.16", package="deluge-web", ports=(8112,), configs=(),
        data=Path("/var/lib/deluged"),
    ),
}

assert all(len(name) <= MAX_NAME for name in ZOO_UNITS), "a zoo unit's name is too long for its veth"
