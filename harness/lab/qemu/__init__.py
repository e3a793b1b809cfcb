"""The QEMU reference units: a firmware image built from Debian packages, booted on the lab bridge."""
