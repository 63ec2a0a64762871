# Paktwerk: the README's commands. Needs only Python 3.11+ (and, for browser
# tests, Debian's chromium; `make test` skips those with a message when absent).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test venv run worker scheduler lint format check-migrations check-deploy bench vendor messages screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

.env:
	cp .env.example .env

venv: $(STAMP) .env

demo: venv ## set up, load demo data, run web server and task worker
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Paktwerk runs on http://$(HOST):$(PORT)/  (Ctrl+C stops server and worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py worker --queue-name '*' & \
	  $(PY) manage.py scheduler & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

run: venv
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(PY) manage.py worker --queue-name '*'

scheduler: venv ## the scheduled jobs (retention, pruning, cleanup) in one process
	$(PY) manage.py scheduler

test: venv ## the whole suite (browser tests skip with a message if chromium is absent)
	$(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider $(PYTEST_ARGS); \
	  status=$$?; if [ $$status -eq 5 ]; then echo "no tests were collected"; exit 1; fi; exit $$status

screenshots: venv ## refresh the user guide's screenshots (docs/guide/img) from the browser tests
	PAKTWERK_SCREENSHOTS=1 $(PY) -m pytest tests/e2e -p no:cacheprovider -q

lint: venv ## ruff (lint incl. complexity, format) and the import-linter layer contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: venv
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: venv
	DEBUG=0 EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=paktwerk.example.org $(PY) manage.py check --deploy --fail-level WARNING

bench: venv
	$(PY) bench/run_all.py

vendor: ## refresh KERN and htmx under static/vendor from the npm registry
	bash scripts/vendor_assets.sh

messages: venv ## extract, merge locale/de_*.json, compile (needs gettext)
	bash scripts/i18n.sh

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles media .pytest_cache .ruff_cache
