# Two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
VPY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/sampark
export PYTHONDONTWRITEBYTECODE := 1

# A Python >= 3.12 (Django 6 needs it): python3.13, python3.12, python3, then pyenv's.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r); do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$c; break; fi; done)

.PHONY: layers static help run test test-sqlite test-pg bench lint messages setup system-run system-test pg-up demo clean

help:
	@echo "make run    set up everything and serve the demo at http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run the whole suite on SQLite and PostgreSQL"
	@echo "make bench  benchmarks (figures into bench/results/)"
	@echo "make lint   ruff and the import layers (import-linter)"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Sampark needs Python 3.12 or newer. Install it (e.g. 'apt-get install python3.12' or 'pyenv install 3.12') and run make again."; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	@[ -x $(VPY) ] || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(VPY) -m pip install -q -e ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
	$(VPY) -c "import django, playwright, rapidfuzz, psycopg"
	@touch $@

setup: $(VENV)/.installed

# Debian packages: gettext (msgfmt) to compile the Hindi catalogue; for tests also Chromium and a
# Devanagari font (without it Hindi shows as boxes), poppler for looking at PDFs, pg_dump (the erasure test).
define apt_need
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi
endef

system-run:
	$(call apt_need,gettext)

system-test:
	$(call apt_need,gettext chromium fonts-lohit-deva poppler-utils postgresql-client)

# Building the catalogue and the static files reads the settings, which need keys: the demo's
# local ones unless the environment says otherwise.
messages static bench: export SAMPARK_DEMO ?= 1

messages: setup system-run
	$(VPY) manage.py compilemessages -v0 --ignore=.venv

static: setup
	$(VPY) manage.py collectstatic --noinput -v0

# The demo: its keys are made on first use in .sampark-demo-secret (ignored by git, read only in
# the demo). `sampark serve` restarts the web server or the timed-work worker if either dies.
run: export SAMPARK_DEMO := 1
run: setup messages static
	$(VPY) manage.py migrate -v0
	$(VPY) manage.py demo --scale small --if-empty
	PORT=$(PORT) $(VPY) manage.py demo_logins
	@echo "Serving at http://127.0.0.1:$(PORT)  (Ctrl-C to stop; the timed-work worker runs beside it)"
	@$(VPY) manage.py serve --port $(PORT) --interval 2

pg-up:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start && sleep 2; }
	@pg_isready -h 127.0.0.1 -p 5432

test: setup messages static system-test pg-up
	$(MAKE) --no-print-directory layers
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-pg

test-sqlite:
	@echo "=== tests on SQLite ==="
	env -u DATABASE_URL $(VPY) -m pytest $(PYTEST_ARGS)

test-pg:
	@echo "=== tests on PostgreSQL ==="
	DATABASE_URL=$(PG_URL) $(VPY) -m pytest $(PYTEST_ARGS)

bench: setup pg-up
	$(VPY) -m bench.run $(BENCH_ARGS)

lint: setup layers
	$(VPY) -m ruff check .

# The layer contract in pyproject.toml: core <- org <- people <- flows <- api, web, demo.
layers: setup
	$(VENV)/bin/lint-imports --no-logo --no-cache

clean:
	rm -rf $(VENV) staticfiles sampark.sqlite3* locale/*/LC_MESSAGES/*.mo .sampark-demo-secret
