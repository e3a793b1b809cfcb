# The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv/bin
ZOO_UNITS_AT_ONCE ?= 4

.PHONY: install demo demo-labgrid zoo test lint bench clean

install:
	@scripts/install.sh

demo: install
	TEKIGO_LAB_SETTINGS=device_profiles/lab-settings.example.yaml $(VENV)/tekigo selftest --out reports/demo

# Third-party units (Debian packages) in factory configuration, against the verdicts their documentation justifies.
zoo: install
	TEKIGO_LAB_SETTINGS=device_profiles/lab-settings.example.yaml $(VENV)/tekigo zoo run --out reports/zoo -n $(ZOO_UNITS_AT_ONCE)

# Three reference units on labgrid places over two bench PCs (namespaces), one coordinator (harness/bench/demo.py).
demo-labgrid: install
	TEKIGO_LAB_SETTINGS=device_profiles/lab-settings.example.yaml $(VENV)/python -m harness.bench.demo --out reports/demo-labgrid

test: install
	$(VENV)/ruff check .
	$(VENV)/python -m pytest tests

bench: install
	@for benchmark in benchmarks/*.py; do echo "== $$benchmark"; $(VENV)/python $$benchmark || exit 1; done

lint: install
	$(VENV)/ruff check .

clean:
	rm -rf reports/demo reports/zoo reports/demo-labgrid
