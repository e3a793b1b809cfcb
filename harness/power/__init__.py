"""Power drivers: each cuts and restores a unit's supply."""
