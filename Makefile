# The two commands of the README's quick start.
.PHONY: build test setup lint bench

setup:
	@scripts/setup

build: setup
	.venv/bin/dossier build

test: setup
	.venv/bin/python -m pytest -n 2

lint: setup
	.venv/bin/ruff check dossier tests bench
	.venv/bin/ruff format --check dossier tests bench
	.venv/bin/mypy
	.venv/bin/lint-imports

bench: setup
	.venv/bin/python bench/run.py
