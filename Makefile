# Resurs — `make run` sets up and serves the demo; `make test` sets up and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs in parallel: one worker per core (pytest-xdist).
TEST_WORKERS ?= auto
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: openapi install run serve migrate demo messages makemessages test lint format bench worker check-deploy clean screenshots

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

makemessages: install
	cd resurs && for app in */; do (cd $$app && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/django-admin makemessages -l ru -l en --no-obsolete --no-wrap -v0 2>/dev/null || true); done
	$(BIN)/python manage.py makemessages -l ru -l en --no-obsolete --no-wrap --ignore=.venv --ignore=node_modules --ignore=resurs -v0

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py demo --if-empty

run: messages demo
	@echo "Resurs is serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/python manage.py db_worker

test: messages
	@bash scripts/ensure-chromium
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# PNGs of about 30 key pages per demo persona at 1366 and 390 px in Russian and English, into var/screenshots/
# (SCREENSHOTS_ARGS="--personas ngo,expert --languages ru" narrows it).
screenshots: messages demo
	@bash scripts/ensure-chromium
	$(BIN)/python scripts/screenshots.py $(SCREENSHOTS_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	@for script in bench/*.py; do echo "== $$script" >&2; $(BIN)/python $$script --scale $${BENCH_SCALE:-full} || exit 1; done

check-deploy: install
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=resurs.example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules var/test*.sqlite3

openapi: install
	$(BIN)/python -c "import django, json; django.setup(); from config.api import api; \
	open('docs/openapi.json', 'w').write(json.dumps(api.get_openapi_schema(path_prefix='/api'), sort_keys=True, indent=1, ensure_ascii=False, default=str) + '\n')"
