# Developer tasks. `make run` and `make test` work on a fresh Debian machine with no variables set.
# Variables: PYTHON (interpreter for the virtualenv, 3.12 or newer), PORT (default 8000),
# PYTEST_ARGS (appended to pytest), CHROMIUM (default /usr/bin/chromium).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-lock
# Development commands run with DEBUG on, so they need no SECRET_KEY.
MANAGE := DJANGO_DEBUG=1 $(PY) manage.py
# .ci: .ci/run's test runs keep their data folders under .ci/runs, writing them meanwhile.
SKIP_DIRS := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=media --ignore=data \
	--ignore=.ci
NPM_STAMP := node_modules/.package-lock.json

# $(call need,COMMAND,DEBIAN_PACKAGES): install the packages with apt-get when COMMAND is missing.
need = command -v $(1) >/dev/null 2>&1 || { \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "--> installing $(2) (provides $(1))"; \
	  apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	else \
	  echo "error: '$(1)' is missing; install the Debian package(s) $(2)" >&2; exit 1; \
	fi; }

# The lock files are resolved with Python 3.12, the oldest supported version, so that packages
# needed only on older Pythons are pinned too. pip-compile resolves against PyPI alone (no
# machine-local pip configuration) and pins hashes.
LOCK_VENV := .venv-lock
PIP_COMPILE := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: help run serve init test lint audit stress bench format messages compilemessages lock clean

help:
	@echo "make run       site with demo content at http://127.0.0.1:$(PORT) (admin at /admin/)"
	@echo "make serve     production server (gunicorn) on \$$LISTEN_ADDRESS:\$$PORT, default 127.0.0.1:$(PORT);"
	@echo "               needs SECRET_KEY and ALLOWED_HOSTS (docs/self-hosting.md)"
	@echo "make init      first start of a production installation on SQLite: create its database"
	@echo "make test      whole test suite, browser tests included (PYTEST_ARGS=... to narrow)"
	@echo "make lint      ruff check, ruff format --check, makemigrations --check, hadolint"
	@echo "make audit     pip-audit over requirements*.txt (known vulnerabilities)"
	@echo "make stress    load test of the production server on SQLite and PostgreSQL (bench/)"
	@echo "make bench     reader pages side by side with a static file, ~15 min (BENCH_ARGS=--quick)"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make messages  update locale/*/LC_MESSAGES/django.po"
	@echo "make lock      re-pin requirements*.txt from pyproject.toml (LOCK_ARGS=--upgrade)"
	@echo "make clean     remove the virtualenv, node_modules and generated files (keeps data/)"

# The virtualenv is rebuilt only when a lock file changes.
$(STAMP): requirements-dev.txt requirements.txt
	@set -e; \
	if [ ! -x $(PY) ]; then \
	  py=; \
	  for c in $${PYTHON:-python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 \
	           /root/.pyenv/versions/3.12*/bin/python3 python3}; do \
	    "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { py=$$c; break; }; \
	  done; \
	  if [ -z "$$py" ]; then \
	    echo "error: no Python 3.12 or newer found; set PYTHON=/path/to/python3.12" >&2; \
	    exit 1; \
	  fi; \
	  echo "--> creating $(VENV) with $$py ($$("$$py" --version))"; \
	  "$$py" -m venv $(VENV); \
	fi; \
	echo "--> installing requirements-dev.txt into $(VENV)"; \
	$(PY) -m pip install -qq --disable-pip-version-check -r requirements-dev.txt; \
	touch $@

$(NPM_STAMP): package.json package-lock.json
	@$(call need,npm,nodejs npm)
	@echo "--> npm ci (axe-core, vnu-jar)"
	@# --ignore-scripts: vnu-jar's postinstall would download a JDK; the tests use the system java.
	@npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

compilemessages: $(STAMP)
	@$(call need,msgfmt,gettext)
	@if [ -d locale ]; then \
	  $(MANAGE) compilemessages $(SKIP_DIRS) --verbosity 0; \
	else \
	  echo "--> no locale/ folder yet: no messages to compile (make messages creates it)"; \
	fi

run: $(STAMP) compilemessages
	@mkdir -p data
	$(MANAGE) migrate --noinput
	$(MANAGE) import_content guides/demo
	$(MANAGE) ensure_admin
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Collected again only when a file in static/ or the installed packages changed, so that a
# test's `make serve` never rewrites staticfiles/ while a second test run reads it (.ci/run).
# The static files storage is the same with DEBUG on or off.
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(STAMP) $(shell find static -type f)
	@$(MANAGE) collectstatic --noinput --verbosity 0

# The production start outside a container: the same entrypoint as the Docker image, after the
# steps that the image's build does (static files, message catalogues).
PRODUCTION := env DJANGO_DEBUG=0 PATH="$(CURDIR)/$(VENV)/bin:$$PATH" PORT=$(PORT) \
	LISTEN_ADDRESS=$${LISTEN_ADDRESS:-127.0.0.1}

serve: $(STAMP) compilemessages $(STATIC_MANIFEST)
	$(PRODUCTION) config/docker-entrypoint.sh

init: $(STAMP)
	$(PRODUCTION) config/docker-entrypoint.sh init

test: $(STAMP) compilemessages $(NPM_STAMP) $(STATIC_MANIFEST)
	@$(call need,java,default-jre-headless)
	@set -e; set --; \
	if [ ! -x "$(CHROMIUM)" ] && [ "$(CHROMIUM)" = /usr/bin/chromium ] \
	   && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "--> installing chromium for the browser tests"; \
	  apt-get update -qq >/dev/null; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi; \
	if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "*** $(CHROMIUM) not found and not installable here (needs root and apt-get):"; \
	  echo "*** browser tests are DESELECTED. Install Debian's chromium or set CHROMIUM=/path."; \
	  set -- -m "not browser"; \
	fi; \
	echo "--> $(PY) -m pytest $$* $(PYTEST_ARGS)"; \
	$(PY) -m pytest "$$@" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/hadolint Dockerfile

# Fails on a known vulnerability, and when PyPI's advisory data cannot be reached at all
# (AUDIT_OFFLINE_OK=1: only warns then); warns about pins it could not audit.
audit: $(STAMP)
	$(PY) .ci/audit.py

# Not part of `make test`: about STRESS_SECONDS (default 60) per database, on ports 8400-8499.
stress: $(STAMP) compilemessages
	@$(call need,wrk,wrk)
	@$(MANAGE) collectstatic --noinput --verbosity 0
	$(PY) bench/stress.py

# Not part of `make test`: figures in docs/performance.md; ports BENCH_PORT/BENCH_STATIC_PORT.
bench: $(STAMP) compilemessages
	@$(call need,wrk,wrk)
	@$(MANAGE) collectstatic --noinput --verbosity 0
	$(PY) bench/bench.py $(BENCH_ARGS)

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(STAMP)
	@$(call need,msgfmt,gettext)
	@# The languages come from settings.LANGUAGES, so adding one there is enough.
	$(MANAGE) makemessages --no-obsolete $(SKIP_DIRS) $$($(MANAGE) shell --no-imports -c \
	  'from django.conf import settings; print(" ".join("-l " + c for c, _ in settings.LANGUAGES))')

$(LOCK_VENV)/bin/pip-compile:
	@set -e; py=; \
	for c in python3.12 /root/.pyenv/versions/3.12*/bin/python3; do \
	  "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null && { py=$$c; break; }; \
	done; \
	[ -n "$$py" ] || { echo "error: make lock needs Python 3.12 (python3.12 on PATH)" >&2; exit 1; }; \
	rm -rf $(LOCK_VENV); "$$py" -m venv $(LOCK_VENV); \
	$(LOCK_VENV)/bin/pip install -qq "$$(grep -o '^pip-tools==[^ ]*' requirements-dev.txt)"

lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file=requirements.txt pyproject.toml
	$(PIP_COMPILE) $(LOCK_ARGS) --extra=dev --output-file=requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) $(LOCK_VENV) node_modules staticfiles test-artifacts .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name '*.mo' -path '*/LC_MESSAGES/*' -not -path './.venv/*' -delete
