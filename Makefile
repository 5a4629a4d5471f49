# Provenance. `make run` on a bare machine with Python 3.11; `make test` with PostgreSQL and Redis.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export DEBUG ?= 1

# Test services: a PostgreSQL server and Redis (see .ci/run, which starts them if needed).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
TEST_BROKER_URL   ?= redis://127.0.0.1:6379/15
# The fault suite's own database and Redis db on those servers; it starts private servers for
# the faults that stop them (tests/faults/README.md).
FAULTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/faults
FAULTS_BROKER_URL   ?= redis://127.0.0.1:6379/13
PAIRS_DATABASE_URL  ?= postgres://postgres@127.0.0.1:5432/pairs_eval

.PHONY: install run worker beat test lint migrate eval eval-locked eval-pairs bench-extract bench-ingest bench-api bench-match bench-export test-faults load clean

install: $(STAMP)

# The runtime lock (the app, worker, gunicorn; all the image installs) and the development lock
# (tests, lint, benchmarks, and the embedded PostgreSQL that `make run` needs), in one pip run so
# hash checking sees every pin.
$(STAMP): requirements.lock requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install python3.11 (or run make PYTHON=/path/to/python3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --no-input

# The embedded default: no DATABASE_URL -> an embedded PostgreSQL under var/; no broker ->
# tasks run in-process after commit. `make run PORT=8001 HOST=0.0.0.0` serves elsewhere (set on
# the command line: HOST is often in the environment, holding the machine's name).
# --noreload: one server process, so SIGTERM/SIGHUP/Ctrl-C reach the process that stops the
# embedded PostgreSQL (the autoreloader's parent kills its child mid-exit).
HOST := 127.0.0.1
PORT := 8000
# The demo lets anyone submit, as the README's walkthrough does with curl
# (ALLOW_ANONYMOUS_SUBMISSIONS=0 closes it; it is off everywhere else).
run: export ALLOW_ANONYMOUS_SUBMISSIONS ?= 1
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --demo-users
	$(PY) manage.py reconcile
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

worker: install
	$(VENV)/bin/celery -A provenance worker --loglevel=INFO --concurrency=2

beat: install
	$(VENV)/bin/celery -A provenance beat --loglevel=INFO --schedule var/celerybeat-schedule

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run

# The fault suite (marker `faults`, about 15 minutes) runs in `make test-faults`, not here.
test: install lint
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(VENV)/bin/pytest -m "not faults" $(PYTEST_ARGS)

test-faults: install
	DATABASE_URL=$(FAULTS_DATABASE_URL) CELERY_BROKER_URL=$(FAULTS_BROKER_URL) \
		$(VENV)/bin/pytest -m faults -s tests/faults $(PYTEST_ARGS)

# Mixed reads and submissions against gunicorn on a private stack; see bench/load.py.
load: install
	$(PY) bench/load.py --seconds 60 --clients 16 --out bench/results/load.json $(BENCH_ARGS)

eval: install
	$(PY) bench/eval.py
	$(PY) bench/eval.py --articles bench/heldout/articles --gold bench/heldout/gold \
		--out bench/results/heldout_pred --json bench/results/heldout.json
	$(PY) bench/eval.py --articles bench/corpus/tuning/articles --gold bench/corpus/tuning/gold \
		--out bench/results/tuning_pred --json bench/results/tuning.json --by-kind

# The corpus's locked part (bench/corpus/README.md): scored only when a round of work is done.
eval-locked: install
	$(PY) bench/eval.py --articles bench/corpus/locked/articles --gold bench/corpus/locked/gold \
		--out bench/results/locked_pred --json bench/results/locked.json --by-kind

# Matching scored on the labelled claim pairs (bench/pairs/README.md), before and after ANALYZE,
# on a fresh database `pairs_eval` of the test server (left as it was).
eval-pairs: install
	$(PY) bench/eval_pairs.py --database-url $(PAIRS_DATABASE_URL) $(BENCH_ARGS)

bench-extract: install
	$(PY) bench/bench_extract.py

# Against the PostgreSQL and Redis of the tests (databases bench*, Redis db 11); see bench/README.md.
bench-ingest: install
	$(PY) bench/bench_ingest.py $(BENCH_ARGS)

bench-api: install
	$(PY) bench/bench_api.py --scaling $(BENCH_ARGS)

# Matching per new article at 100k and 1M stored claims of news-like text (databases
# matchbench_<size>, generated on the first run: about 10 minutes for 1M); see bench/README.md.
bench-match: install
	$(PY) bench/bench_match.py $(BENCH_ARGS)

# Peak memory and first byte of the streaming CSV export at 100k claims (databases exportbench_*
# on the test server); BENCH_ARGS="--sizes 100000 1000000" for the issue's 1M. bench/README.md.
bench-export: install
	$(PY) bench/bench_export.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
