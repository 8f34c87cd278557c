# The book's build. `make html` builds the site; `make test` runs every check.
# Both create the virtual environment and fetch the data on first use.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
BOOK := $(BIN)/python -m booktools
OFFLINE := $(BOOK) offline --

# One environment for every target: Keras finds the datasets that `make data` linked,
# the notebook kernels read the book's kernel settings, TensorFlow logs less.
export KERAS_HOME := $(CURDIR)/.cache/keras
export IPYTHONDIR := $(CURDIR)/.cache/ipython
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
export PYTHONDONTWRITEBYTECODE := 1
KERNEL_CONFIG := $(IPYTHONDIR)/profile_default/ipython_kernel_config.py
MATHJAX := .cache/site-extra/mathjax/tex-chtml.js
MATHJAX_VERSION := 3.2.2

TEST_STEPS := check test-tools test-site test-browser test-pdf test-scripts test-notebooks

.PHONY: help html pdf test check notebooks relink data figures clean \
        test-tools test-site test-browser test-pdf test-scripts test-notebooks

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(READY): requirements.txt
	@echo "==> Creating the virtual environment $(VENV) from requirements.txt (a few minutes the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(BOOK) system --why "make test" util-linux iproute2
	@touch $@

$(KERNEL_CONFIG): booktools/kernel_config.py
	@mkdir -p $(dir $@)
	@cp $< $@

$(MATHJAX):
	@echo "==> Fetching MathJax $(MATHJAX_VERSION) from npm, so that the site serves it itself"
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install npm (or install Node.js)"; exit 2; }
	@mkdir -p .cache/npm .cache/site-extra
	@npm install --prefix .cache/npm --silent --no-audit --no-fund mathjax@$(MATHJAX_VERSION)
	@rm -rf .cache/site-extra/mathjax
	@cp -r .cache/npm/node_modules/mathjax/es5 .cache/site-extra/mathjax
	@rm -rf .cache/site-extra/mathjax/sre .cache/site-extra/mathjax/*-full*.js

data: $(READY)  ## Fetch the datasets (Fashion-MNIST from Debian) and link them for Keras
	@$(BOOK) data

html: $(READY) $(MATHJAX)  ## Build the site into _build/html from the stored notebooks
	@echo "==> Building the site (jupyter-book, warnings are errors)"
	@$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "==> Open _build/html/index.html"

pdf: $(READY)  ## Build _build/pdf/book-zh.pdf and book-en.pdf with xelatex (installs TeX as root)
	@$(BOOK) pdf

notebooks: $(READY) data $(KERNEL_CONFIG)  ## Rebuild and execute the notebooks whose chapter or code changed (FORCE=1: all)
	@$(OFFLINE) $(BOOK) notebooks $(if $(FORCE),--force)

figures: $(READY)  ## Draw the diagrams in figures/ (figures/draw.py)
	@$(BIN)/python figures/draw.py

relink: $(READY)  ## Re-anchor :lines: ranges after code edits; names what it cannot find
	@$(BOOK) relink

check: $(READY)  ## Fast static checks: listing ranges, zh/en parity, notebook freshness
	@$(BOOK) check

test-tools: $(READY)  ## Tests of the tooling itself (pytest, sample books under tests/)
	@$(OFFLINE) $(BIN)/pytest -q tests --ignore=tests/site --ignore=tests/pdf

test-site: $(READY) $(MATHJAX)  ## Build the site with warnings as errors, offline
	@$(OFFLINE) $(BIN)/jupyter-book build . --all --warningiserror --keep-going --quiet

test-scripts: $(READY) data  ## Run every script under code/, offline
	@$(OFFLINE) $(BOOK) scripts

test-browser: $(READY)  ## Load every page of the built site in headless Chromium, offline
	@$(BOOK) system --why "make test-browser" chromium fonts-noto-cjk
	@test -f _build/html/index.html || $(MAKE) --no-print-directory html
	@$(OFFLINE) $(BIN)/pytest -q tests/site

test-pdf: pdf  ## Check the PDFs: titles and Chinese text present, pages render
	@$(OFFLINE) $(BIN)/pytest -q tests/pdf

test-notebooks: $(READY) data $(KERNEL_CONFIG)  ## Re-execute every notebook with nbval, offline
	@$(OFFLINE) $(BIN)/pytest -q --nbval notebooks --nbval-current-env \
	    --nbval-cell-timeout=1800 --nbval-sanitize-with booktools/nbval_sanitize.cfg

test: $(READY) data $(KERNEL_CONFIG) $(MATHJAX)  ## Every check; prints one summary line
	@failed=""; passed=0; \
	for step in $(TEST_STEPS); do \
	    echo "==> make $$step"; start=$$(date +%s); \
	    if $(MAKE) --no-print-directory $$step; then passed=$$((passed + 1)); \
	    else failed="$$failed $$step"; fi; \
	    echo "    $$step took $$(( $$(date +%s) - start )) s"; \
	done; \
	count=$$(echo $$failed | wc -w); \
	if [ -n "$$failed" ]; then echo "make test: failed:$$failed"; fi; \
	echo "make test: $$passed passed, $$count failed"; \
	test -z "$$failed"

clean:  ## Remove the build output and caches (keeps .venv; `rm -rf .venv` for a full reset)
	rm -rf _build .cache .pytest_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
