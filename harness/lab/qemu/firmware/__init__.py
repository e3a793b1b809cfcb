"""Firmware files of the QEMU units that run inside the guest (standalone: stdlib and the web admin)."""
