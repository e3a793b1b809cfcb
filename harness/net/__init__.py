"""Discovery (ARP, mDNS/DNS-SD, SSDP) and attack-surface scanning (SYN sweep, banners, UDP probes)."""
