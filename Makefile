# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-stress bench soak clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  # DEMO_USER=demo-manager signs in as the demo rep's manager
	REP_TUI_HOME=$${REP_TUI_HOME:-$(CURDIR)/.demo} $(BIN)/rep-tui demo $(if $(DEMO_USER),--as $(DEMO_USER))

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

test-stress: $(STAMP)  # the suite three times in a row while hogs keep every core busy
	$(BIN)/python tests/under_load.py --runs 3

bench: $(STAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/interaction.py
	$(BIN)/python bench/keys.py
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/blobs.py
	$(BIN)/python bench/admin_bulk.py

soak: $(STAMP)  # SOAK_ROUNDS (1000), SOAK_DB (both), SOAK_SEED to replay, SOAK_MINUTES to bound each database
	$(BIN)/python tests/soak.py --rounds $${SOAK_ROUNDS:-1000} --db $${SOAK_DB:-both} $(if $(SOAK_SEED),--seed $(SOAK_SEED)) $(if $(SOAK_MINUTES),--minutes $(SOAK_MINUTES))

clean:
	rm -rf $(VENV) .demo
