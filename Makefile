# PEELtrack: `make run` sets up and serves the demo; `make test` runs the suite;
# `make serve` runs the production stack locally (gunicorn, PostgreSQL, Azurite, DEBUG off).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
GOVUK := static/govuk
GOVUK_STAMP := $(GOVUK)/.built
HOST ?= 127.0.0.1:8000
# Links in the emails the demo sends point where it serves (unless SITE_URL is set).
SITE_URL ?= http://$(HOST)

.PHONY: run test install frontend demo lint format check clean serve static azurite

# DEBUG is off unless set (peeltrack/settings.py): the development targets turn it on.
run demo check: export DEBUG := 1

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	# -qq: errors only; setuptools' notes about editable installs are not for the user.
	$(PY) -m pip install --quiet --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# GOV.UK Frontend from npm, copied into static/. The GDS Transport font and the
# crown are for GOV.UK services only, so the CSS falls back to Arial.
$(GOVUK_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(GOVUK) && mkdir -p $(GOVUK)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(GOVUK)/
	# The CSS names its source map: collectstatic's manifest storage needs the file.
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css.map \
		node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map $(GOVUK)/
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(GOVUK)/assets
	sed -e 's#url(/assets/#url(/static/govuk/assets/#g' -e 's/"GDS Transport",//g' -e 's/GDS Transport,//g' \
		node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(GOVUK)/govuk-frontend.min.css
	touch $(GOVUK_STAMP)

frontend: $(GOVUK_STAMP)

demo: install frontend
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo

# The reminders run once (idempotent) and the task worker sends their emails in the
# background; the console email backend writes them to var/worker.log. The worker
# stops with the server.
run: demo
	SITE_URL=$(SITE_URL) $(PY) manage.py send_reminders
	SITE_URL=$(SITE_URL) $(PY) manage.py send_digests
	@mkdir -p var
	@SITE_URL=$(SITE_URL) $(PY) manage.py db_worker --no-reload > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py demo_logins --url http://$(HOST)/; \
	echo "Reminder emails the demo sends are written to var/worker.log"; \
	echo "Two-factor is off for the demo (REQUIRE_2FA=false); production refuses that."; \
	SITE_URL=$(SITE_URL) REQUIRE_2FA=false $(PY) manage.py runserver $(HOST)

test: install static
	$(PY) -m pytest -q

# Only the browser tests (tests/browser): Playwright drives Debian's Chromium
# (/usr/bin/chromium; `apt-get install chromium`) through each role's journey, with axe-core
# on every page. Without Chromium, `make test` skips them and says so.
.PHONY: test-browser
test-browser: install frontend
	$(PY) -m pytest -q -m browser tests/browser

# The production stack on this machine: PostgreSQL (DATABASE_URL, by default the local
# server's peeltrack_serve database), Azurite for the files, gunicorn and a task worker,
# DEBUG off. Serves on http://$(HOST)/ until Ctrl+C. See docs/deploy.md.
serve: install frontend
	HOST=$(HOST) bash scripts/serve

# Static files as production serves them: hashed names and a manifest, compressed.
static: install frontend
	DEBUG=0 bash scripts/collectstatic

# Azurite (the Azure Storage emulator) in the background, its data under var/azurite.
azurite: frontend
	bash scripts/azurite start var/azurite

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
