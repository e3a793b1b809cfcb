"""The conformance suite, grouped by catalogue."""
