"""Firmware of the reference devices: the web admin CGI program and the update image format."""
