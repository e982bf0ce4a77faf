# Two commands matter: `make up` (the whole system and its demo) and `make test` (every test).
# `make test-real` and `make up-real` run the same on Apache Kafka and FerretDB (they need Java 17+, Maven, Go).
.DEFAULT_GOAL := help
UV_DIR := .mmp/uv
UV := $(UV_DIR)/bin/uv
PY := .venv/bin/python

help:
	@echo "make up       run the whole system on this machine, then its demo (Ctrl-C stops it)"
	@echo "make test     lint, type-check, boundaries, then every test (unit, component, contract, e2e)"
	@echo "make demo     run the demo on a fresh stack and exit"
	@echo "make bench    benchmark the create saga on a fresh stack"
	@echo "make schemas  export the JSON Schema of every message to contracts/schemas, and every AsyncAPI document"
	@echo "make test-real  the e2e tests on Apache Kafka and FerretDB (first run: Maven resolves Kafka, Go builds FerretDB)"
	@echo "make up-real    make up on Apache Kafka and FerretDB"
	@echo "make chaos      the fault campaign: 10,000 customers on the default sandbox (CHAOS_ARGS adds options)"
	@echo "make chaos-ci   the CI-sized campaign: 200 customers on the default sandbox, then on Apache Kafka"

$(UV):
	python3 -m venv $(UV_DIR)
	$(UV_DIR)/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"

.venv/.synced: $(UV) pyproject.toml uv.lock */pyproject.toml services/*/pyproject.toml
	$(UV) sync --frozen --quiet
	touch $@

install: .venv/.synced

up: install
	.venv/bin/mmp up --demo

demo: install
	.venv/bin/mmp demo

bench: install
	.venv/bin/mmp bench

schemas: install
	$(PY) -m mmp_contracts.schema_files
	.venv/bin/mmp asyncapi

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy -p mmp_contracts -p mmp_servicekit -p customer_svc -p platform_svc -p micollab_svc -p notify_svc -p mmp_simulators -p mmp_devstack
	.venv/bin/lint-imports

test: lint
	$(PY) -m pytest

# The real-parts tier: Kafka's jars go to .mmp/kafka/<version>, the FerretDB binary to .mmp/bin; later runs
# reuse both. MMP_MONGO_URL makes the e2e tests use that MongoDB instead of FerretDB, and adds it to the store
# contract tests. Beside Java, Maven and Go it needs Node.js with npm (the AsyncAPI parser, the real kustomize and
# compose loader, CRD schemas), kcat and jq (the BSS examples) and promtool (Debian's prometheus package).
test-real: install
	.venv/bin/mmp prepare --broker kafka --store ferretdb
	MMP_E2E_BROKER=kafka MMP_E2E_STORE=ferretdb MMP_E2E_EXAMPLES=1 MMP_E2E_SASL_SSL=1 $(PY) -m pytest tests/e2e
	.venv/bin/mmp with-ferretdb -- $(PY) -m pytest servicekit/tests/store_contract
	MMP_DEPLOY_REAL_TOOLS=1 $(PY) -m pytest tests/deploy
	MMP_OBSERVABILITY_TOOLS=1 $(PY) -m pytest tests/observability
	MMP_ASYNCAPI_PARSER=1 $(PY) -m pytest tests/contract/asyncapi_parser

up-real: install
	.venv/bin/mmp up --demo --broker kafka --store ferretdb

# The fault campaign checks its own results and exits 1 naming each invariant that failed.
chaos: install
	.venv/bin/mmp chaos --customers 10000 $(CHAOS_ARGS)

chaos-ci: install
	.venv/bin/mmp chaos --customers 200 --port-offset 22000
	.venv/bin/mmp chaos --customers 200 --port-offset 22000 --broker kafka

.PHONY: help install up demo bench schemas lint test test-real up-real chaos chaos-ci
