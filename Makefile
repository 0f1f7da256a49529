# PEELtrack: `make run` sets up and serves the demo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
GOVUK := static/govuk
GOVUK_STAMP := $(GOVUK)/.built
HOST ?= 127.0.0.1:8000

.PHONY: run test install frontend demo lint format check clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# GOV.UK Frontend from npm, copied into static/. The GDS Transport font and the
# crown are for GOV.UK services only, so the CSS falls back to Arial.
$(GOVUK_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(GOVUK) && mkdir -p $(GOVUK)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(GOVUK)/
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(GOVUK)/assets
	sed -e 's#url(/assets/#url(/static/govuk/assets/#g' -e 's/"GDS Transport",//g' -e 's/GDS Transport,//g' \
		node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(GOVUK)/govuk-frontend.min.css
	touch $(GOVUK_STAMP)

frontend: $(GOVUK_STAMP)

demo: install frontend
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo

# The reminders run once (idempotent) and the task worker sends their emails in the
# background; the console email backend writes them to var/worker.log. The worker
# stops with the server.
run: demo
	$(PY) manage.py send_reminders
	@mkdir -p var
	@$(PY) manage.py db_worker --no-reload > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py demo_logins --url http://$(HOST)/; \
	echo "Reminder emails the demo sends are written to var/worker.log"; \
	echo "Two-factor is off for the demo (REQUIRE_2FA=false); production refuses that."; \
	REQUIRE_2FA=false $(PY) manage.py runserver $(HOST)

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint test
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules $(GOVUK) staticfiles
