"""Loads the tekigo pytest plugin for runs from a source checkout."""

pytest_plugins = ["harness.pytest_plugin"]
