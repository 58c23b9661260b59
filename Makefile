# Beacon: `make run` sets up and serves; `make test` runs the checks.  See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck pytest browser-deps spark-deps migrate seed bench vendor clean messages

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/beacon migrate --no-input
	$(BIN)/beacon createcachetable

seed: migrate
	$(BIN)/beacon seed

run: seed
	$(BIN)/beacon retention schedule
	@echo "Beacon is serving on http://$(HOST):$(PORT)/  (staff sign-in: http://$(HOST):$(PORT)/accounts/login/)"
	$(BIN)/beacon serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy src/beacon
	$(BIN)/mypy --strict src/beacon/adscan

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "WARNING: chromium could not be installed; browser tests will be skipped"; \
	  else echo "WARNING: /usr/bin/chromium is missing and cannot be installed here; browser tests will be skipped"; fi; \
	fi

# Java 17 for the Spark engine's tests ('beacon ads scan --engine spark'; pyspark comes from requirements.lock).
spark-deps:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's openjdk-17-jre-headless for the Spark engine"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
	      || echo "WARNING: Java 17 could not be installed; Spark tests will be skipped"; \
	  else echo "WARNING: java is missing and cannot be installed here; Spark tests will be skipped"; fi; \
	fi

pytest: install browser-deps spark-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	$(BIN)/python bench/run_all.py

messages: install
	cd src/beacon && ../../$(BIN)/django-admin compilemessages --ignore=.venv

vendor:
	./scripts/vendor.sh

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
