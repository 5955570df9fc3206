# Two commands do all set-up on a fresh machine:
#   make run   -> venv + install + start the web app on embedded SQLite
#   make test  -> venv + dev extras + Debian packages the tests need + ruff, mypy, pytest
#                 (browser tests in Debian's Chromium, store/API tests on SQLite and PostgreSQL)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium postgresql poppler-utils tmux libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core

.PHONY: run test lint typecheck pytest system-deps venv bench clean

venv: $(STAMP)

# Debian ships venv's pip bootstrap (ensurepip) in a package of its own, python3-venv.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || test -x $(BIN)/python || { \
	  echo "installing Debian package: python3-venv"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv >/dev/null; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

run: venv
	$(BIN)/hipcheck serve

lint: venv
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: venv
	$(BIN)/mypy

pytest: venv system-deps
	scripts/with-postgres.sh $(BIN)/python -m pytest

test: lint typecheck pytest

bench: venv
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
