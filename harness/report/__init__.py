"""Report renderers: they read only the run record (results.json), never the live run."""
