# The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: install demo test lint clean

install:
	@scripts/install.sh

demo: install
	$(VENV)/tekigo selftest --out reports/demo

test: install
	$(VENV)/ruff check .
	$(VENV)/python -m pytest tests

lint: install
	$(VENV)/ruff check .

clean:
	rm -rf reports/demo
