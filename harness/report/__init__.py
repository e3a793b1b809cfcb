"""Report renderers: they read only the run folder (results.json, evidence/, manifest), never the live run."""
