"""tekigo: conformance test harness for IP terminal equipment (TER Art. 34-10)."""

__version__ = "0.1.0"
