# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

export PYTHAINLP_OFFLINE := 1
export PYTHAINLP_READ_ONLY := 1

.PHONY: run test install test-sqlite test-postgres bench clean fuzz

$(STAMP): pyproject.toml package.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@bash scripts/ensure-system-deps.sh chromium poppler-utils caddy dovecot-imapd
	@# axe-core (npm) for the accessibility checks of the browser tests
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent; else echo "npm not found: the axe checks of the browser tests are skipped"; fi
	@touch $(STAMP)

install: $(STAMP)

# Demo mode: the demo organisation, a known admin token for the web pages, no chat credentials needed.
run: install
	SARABAN_DEMO=1 $(VENV)/bin/saraban init --demo
	@echo "เปิด http://127.0.0.1:8000/chat (แชตทดลอง) หรือ http://127.0.0.1:8000/admin (โทเคนผู้ดูแล: $${SARABAN_ADMIN_TOKEN:-demo-admin-token})"
	SARABAN_DEMO=1 SARABAN_ADMIN_TOKEN=$${SARABAN_ADMIN_TOKEN:-demo-admin-token} $(VENV)/bin/saraban serve --host 127.0.0.1 --port 8000

# The whole suite on SQLite, then again on PostgreSQL when one answers (CI always has one).
test: install
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$SARABAN_TEST_DATABASE_URL" ] || $(PY) scripts/pg_ready.py "$(PG_TEST_URL)"; then \
		SARABAN_TEST_DATABASE_URL=$${SARABAN_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL is not reachable at $(PG_TEST_URL): the PostgreSQL pass was skipped"; fi

test-sqlite: install
	env -u SARABAN_TEST_DATABASE_URL $(PY) -m pytest -n $(PYTEST_WORKERS) -q

test-postgres: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

bench: install
	$(VENV)/bin/saraban bench registry
	$(VENV)/bin/saraban bench parse
	$(VENV)/bin/saraban bench webhook
	$(VENV)/bin/saraban bench handlers
	$(VENV)/bin/saraban bench audit

clean:
	rm -rf $(VENV) saraban.db saraban.db-* attachments test-artifacts

# The API contract with many more examples than the suite's run (tests/admin_api/test_schemathesis.py):
# schemathesis with every check, stateful phase included, against a demo server on 127.0.0.1.
FUZZ_EXAMPLES ?= 100
FUZZ_SEED ?= 20261206
FUZZ_PORT ?= 8765
fuzz: install
	@rm -rf test-artifacts/fuzz && mkdir -p test-artifacts/fuzz
	SARABAN_DATABASE_URL=sqlite:///test-artifacts/fuzz/saraban.db SARABAN_DEMO=1 $(VENV)/bin/saraban init --demo
	@SARABAN_DATABASE_URL=sqlite:///test-artifacts/fuzz/saraban.db SARABAN_DEMO=1 SARABAN_ADMIN_TOKEN=fuzz-admin-token-0123456789abcdef \
		SARABAN_ATTACHMENTS_DIR=test-artifacts/fuzz/att SARABAN_PIN_CPU=0 \
		$(VENV)/bin/saraban serve --host 127.0.0.1 --port $(FUZZ_PORT) > test-artifacts/fuzz/server.log 2>&1 & echo $$! > test-artifacts/fuzz/server.pid
	$(VENV)/bin/schemathesis run http://127.0.0.1:$(FUZZ_PORT)/openapi.json --wait-for-schema 60 --checks all \
		--phases examples,coverage,fuzzing,stateful -H "Authorization: Bearer fuzz-admin-token-0123456789abcdef" \
		--include-path-regex '^/(api/v1/|healthz|metrics|chat/api/)' --seed $(FUZZ_SEED) --max-examples $(FUZZ_EXAMPLES) \
		--workers 1 --continue-on-failure --request-timeout 60; status=$$?; kill $$(cat test-artifacts/fuzz/server.pid); exit $$status
