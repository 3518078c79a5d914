# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-stress bench soak clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  # DEMO_USER=demo-manager signs in as the demo rep's manager
	REP_TUI_HOME=$${REP_TUI_HOME:-$(CURDIR)/.demo} $(BIN)/rep-tui demo $(if $(DEMO_USER),--as $(DEMO_USER))

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

# The web form's browser test drives the system's Chromium: installed here when
# missing and we are root; else (or when apt-get fails) that one test skips, saying why.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	  echo "No Chromium (not root, or apt-get failed): the web form's browser test will skip."

test-stress: $(STAMP)  # the suite three times in a row while hogs keep every core busy
	$(BIN)/python tests/under_load.py --runs 3

bench: $(STAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/interaction.py
	$(BIN)/python bench/keys.py
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/blobs.py
	$(BIN)/python bench/admin_bulk.py
	$(BIN)/python bench/customer_list.py

soak: $(STAMP)  # SOAK_ROUNDS (1000), SOAK_DB (both), SOAK_SEED to replay, SOAK_MINUTES to bound each database
	$(BIN)/python tests/soak.py --rounds $${SOAK_ROUNDS:-1000} --db $${SOAK_DB:-both} $(if $(SOAK_SEED),--seed $(SOAK_SEED)) $(if $(SOAK_MINUTES),--minutes $(SOAK_MINUTES))

clean:
	rm -rf $(VENV) .demo
