"""Benches shared through labgrid: places reserved and locked at a coordinator, their resources as power switches."""
