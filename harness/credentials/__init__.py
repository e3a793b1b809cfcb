"""Credential dictionaries (data files) and the bounded attempt engine."""
