# Getihu platform — the two commands of the README, and their helpers.
SHELL := /bin/bash
PY := .venv/bin/python
PG_PORT ?= 55432
TEST_DATABASE_URL ?= postgresql+psycopg://getihu:getihu@127.0.0.1:$(PG_PORT)/

.PHONY: up down status test bench bootstrap kafka-up kafka-down pg-up pg-down clean

bootstrap:
	@bash deploy/bootstrap.sh

kafka-up: bootstrap
	@bash deploy/kafka/start.sh

kafka-down:
	@bash deploy/kafka/stop.sh

pg-up:
	@bash deploy/postgres/start.sh

pg-down:
	@bash deploy/postgres/stop.sh

## make up: the broker and every service with the gateway on :8000 (SQLite files by default,
## PostgreSQL per service when DATABASE_URL is set)
up: kafka-up
	@$(PY) deploy/local/stack.py up

down:
	@$(PY) deploy/local/stack.py down || true
	@bash deploy/kafka/stop.sh

status:
	@$(PY) deploy/local/stack.py status; bash deploy/kafka/status.sh || true

## make test: real Kafka and real PostgreSQL (the server at DATABASE_URL, or a local one it starts)
test: kafka-up
	@if [ -z "$$DATABASE_URL" ]; then bash deploy/postgres/start.sh >/dev/null; fi
	@export DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}"; \
	  $(PY) -m pytest $(PYTEST_ARGS)

bench: kafka-up
	@if [ -z "$$DATABASE_URL" ]; then bash deploy/postgres/start.sh >/dev/null; fi
	@export DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}"; \
	  $(PY) bench/run.py $(BENCH)

clean: down
	rm -rf var
