# The two commands of README.md: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1
# Debian packages the tests call: the browser for Playwright, poppler for PDF checks, gettext,
# pg_dump/pg_restore for the backup round trip, docker-compose to validate compose.yaml,
# LibreOffice to open every Word file as an office would (with Liberation Serif 2 for Times New
# Roman: the same metrics, every Vietnamese letter), cairo for the charts' pictures in Word, wrk
# for the load of `make bench` (and its test).
SYSTEM_PACKAGES := chromium chromium-driver poppler-utils gettext postgresql-client docker-compose \
	libreoffice-writer-nogui fonts-liberation2 libcairo2 wrk
SYSTEM_COMMANDS := chromium pdftotext pdffonts pdftoppm pdfimages msgfmt pg_dump pg_restore \
	docker-compose soffice wrk
# Packages that no command shows: the font LibreOffice prints Times New Roman with, cairo.
SYSTEM_LIBRARIES := fonts-liberation2 libcairo2

.PHONY: run test lint bench bench-deps smoke backup system-deps messages check-deploy

# What installs the environment talks on stderr: `make bench` prints its JSON alone on stdout,
# even on a first run or after requirements.txt changed.
$(VENV)/bin/activate:
	@echo "$(PYTHON) -m venv $(VENV)" >&2
	@$(PYTHON) -m venv $(VENV) >&2

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	@echo "Installing requirements.txt into $(VENV)" >&2
	@$(PY) -m pip install --quiet --upgrade pip >&2
	@$(PY) -m pip install --quiet -r requirements.txt >&2
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000/ – log in with a demo user above (see README.md)."
	@# A background worker beside the server (the zips and the overview's files), stopped with it.
	$(DEV_ENV) $(PY) manage.py db_worker --queue-name '*' -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

system-deps:
	@missing=""; for c in $(SYSTEM_COMMANDS); do command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	for p in $(SYSTEM_LIBRARIES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Missing for the tests:$$missing – installing $(SYSTEM_PACKAGES) with apt-get."; \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "Cannot install them: run 'sudo apt-get install -y $(SYSTEM_PACKAGES)' and try again." >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null || exit 1; \
	fi

test: $(VENV)/.installed-dev system-deps
	$(DEV_ENV) $(PY) -m pytest

# The benchmark (contract.md): one JSON document on stdout, progress on stderr. On the database
# of DATABASE_URL when set (the national dataset once `manage.py seed_scale` has run there),
# else on the demo in its own database.
BENCH_DB := $(CURDIR)/.bench.sqlite3
bench: $(VENV)/.installed bench-deps
	@if [ -n "$$DATABASE_URL" ]; then \
	  $(DEV_ENV) $(PY) manage.py migrate --noinput -v0 && \
	  $(DEV_ENV) $(PY) manage.py run_bench; \
	else \
	  export DATABASE_URL=sqlite:///$(BENCH_DB); \
	  $(DEV_ENV) $(PY) manage.py migrate --noinput -v0 && \
	  $(DEV_ENV) $(PY) manage.py seed_demo >&2 && \
	  $(DEV_ENV) $(PY) manage.py run_bench; \
	fi

# wrk, the load generator of `make bench`; without it (and no way to install it) the bench
# falls back to a small Python client and says so in its JSON ("floor": {"tool": …}).
bench-deps:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "wrk is missing and cannot be installed: the Python client measures the load." >&2; exit 0; fi; \
	  echo "Installing wrk with apt-get." >&2; \
	  $$SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >&2 \
	    || echo "Could not install wrk: the Python client measures the load." >&2; \
	fi

# The app as production runs it (DJANGO_DEBUG=0, the container's entrypoint, gunicorn) on a
# fresh database of its own, crawled as every demo user: see deploy/smoke.py.
smoke: $(VENV)/.installed
	$(PY) deploy/smoke.py

# The database and the uploads folder in one archive under backups/ (README.md, "Backup and
# restore"); with production settings when DJANGO_DEBUG=0 is set.
backup: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py backup_data

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

messages: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py makemessages -l vi --no-location --no-obsolete -i ".venv/*" -i "tests/*"
	$(DEV_ENV) $(PY) manage.py compilemessages -l vi -i .venv

check-deploy: $(VENV)/.installed
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(48)[:64])") \
	  DJANGO_ALLOWED_HOSTS=thidua.example.vn $(PY) manage.py check --deploy --fail-level WARNING
