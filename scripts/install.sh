#!/usr/bin/env bash
# Installs what tekigo needs: Debian packages and a virtualenv. Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
    iproute2 procps openssl    # namespaces, process control, password hashes
    dropbear-bin               # reference devices: SSH daemon
    busybox-static             # reference devices: telnetd and login
    lighttpd                   # reference devices: web server for the web admin
    libpango-1.0-0 libpangoft2-1.0-0 fontconfig  # reports: WeasyPrint's text layout and font lookup
    fonts-noto-cjk             # reports: the Japanese font WeasyPrint embeds in the PDF
    libharfbuzz-subset0        # reports: WeasyPrint subsets that font in C (fontTools took ~7 s per PDF)
    poppler-utils              # tests: pdftotext and pdftoppm read the PDF reports back
    qemu-system-x86            # QEMU reference units: the emulator (TCG; KVM where a boot probe shows it works)
    cpio e2fsprogs             # QEMU reference units: the initramfs archive and the ext4 flash image
    socat                      # tests: pty pairs for the serial relay driver
    ser2net                    # benches: labgrid's exporter serves a bench's serial consoles through it (RFC 2217)
    snmpd snmp                 # tests: a real net-snmp agent for the SNMP PDU driver, and its CLI tools
    avahi-daemon               # reference devices: announce their services over mDNS/DNS-SD
    nmap                       # benchmarks: the port-scan peer (nmap -sS -T4 -p-)
    hydra                      # benchmarks: the credential-sweep peer (telnet and SSH)
    openssh-server             # benchmarks: the credential sweep's unthrottled SSH target
    mosquitto                  # reference devices: a real MQTT broker (item 1: anonymous access)
    miniupnpd                  # reference devices: a real UPnP IGD (item 1: unauthenticated AddPortMapping)
    nftables                   # reference devices: nft creates the tables miniupnpd adds its mappings to
    swupdate                   # reference devices: the real update agent (web upload, CMS-signed images)
    openssh-sftp-server        # reference devices: dropbear's SFTP subsystem (updates by SSH command)
    python3-minimal            # reference devices: runs their fw_update command as the unit's admin
    icecast2 transmission-daemon syncthing deluged deluge-web  # the zoo (`make zoo`): third-party units in their factory configuration
)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "install: Debian packages missing (${missing[*]}); run as root to install them" >&2
        exit 1
    fi
    echo "install: Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    echo "install: creating .venv"
    "$PYTHON" -m venv .venv
fi

# Reinstall the project only when its declared dependencies changed.
stamp=.venv/.tekigo-installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
    echo "install: Python packages"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[dev]'
    echo "$wanted" >"$stamp"
fi
echo "install: up to date"
