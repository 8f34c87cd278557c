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
# Live Code's thebe, served by the site too. sphinx-thebe names 0.8.2 on a CDN, which the npm
# registry no longer serves; 0.9.3 reads the same page configuration (booktools/header.py).
THEBE := .cache/site-extra/thebe/index.js
THEBE_VERSION := 0.9.3
SITE_EXTRA := $(MATHJAX) $(THEBE)

# The PDFs are built first, so that the site serves them; then the site builds beside
# the PDF tests.
# (test-browser beside test-scripts was tried: both slowed down, 234 s against 215 s.)
TEST_STEPS := check test-tools test-site+pdf test-browser test-scripts test-notebooks

# Each program is executed once: `make notebooks` runs the English notebooks with this
# machine's defaults and gives each Chinese notebook its twin's outputs (`make check` proves
# they match). `make test` re-executes them as another CPU would: oneDNN capped at AVX2 (the
# common server CPU without AVX-512) and one intra-op thread per kernel, two kernels at a
# time. Outputs that pass there hold beyond the machine that made them (cells compare exactly
# unless their listing names a policy in code/compare-policies.toml). AVX2 rather than SSE4.1,
# which makes convolutions 1.7 times slower. The tolerances were measured on this setting only:
# with SSE4.1 and two threads one CNN cell moved beyond them (the settings matrix is issue 20).
EXECUTED := en
FOREIGN_CPU := ONEDNN_MAX_CPU_ISA=AVX2 TF_NUM_INTRAOP_THREADS=1
WORKERS := 2

.PHONY: help html pdf test check notebooks relink data figures clean \
        test-tools test-site test-browser test-pdf check-pdf test-site+pdf test-scripts \
        test-notebooks bench spread

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(READY): requirements.txt
	@echo "==> Creating the virtual environment $(VENV) from requirements.txt (a few minutes the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@# rfc3987-syntax, an optional extra of jsonschema that jupyter-events pulls in, compiles a
	@# grammar for 3 s in every process that imports nbformat; the book validates no IRIs.
	@$(BIN)/pip uninstall --quiet --yes rfc3987-syntax
	@$(BOOK) system --why "make test, and plot_model in the notebooks" util-linux iproute2 graphviz
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

$(THEBE):
	@echo "==> Fetching thebe $(THEBE_VERSION) from npm (Live Code), so that the site serves it itself"
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install npm (or install Node.js)"; exit 2; }
	@rm -rf .cache/npm/thebe && mkdir -p .cache/npm/thebe .cache/site-extra
	@npm pack --silent --pack-destination .cache/npm/thebe thebe@$(THEBE_VERSION) >/dev/null
	@tar -xzf .cache/npm/thebe/thebe-$(THEBE_VERSION).tgz -C .cache/npm/thebe
	@rm -rf .cache/site-extra/thebe && mkdir -p .cache/site-extra/thebe
	@# the bundle and the chunks it loads from beside itself, its style sheet and licences
	@cp .cache/npm/thebe/package/lib/*.js .cache/npm/thebe/package/lib/*.txt \
	    .cache/npm/thebe/package/lib/thebe.css .cache/site-extra/thebe/

data: $(READY)  ## Fetch the datasets (Fashion-MNIST and fortunes-zh from Debian) and link them under $KERAS_HOME/datasets
	@$(BOOK) data

html: $(READY) $(SITE_EXTRA)  ## Build the site into _build/html from the stored notebooks
	@echo "==> Building the site (jupyter-book, warnings are errors)"
	@$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "==> Open _build/html/index.html"

pdf: $(READY)  ## Build _build/pdf/book-zh.pdf and book-en.pdf with xelatex (installs TeX as root)
	@$(BOOK) pdf

notebooks: $(READY) data $(KERNEL_CONFIG)  ## Rebuild and execute the notebooks whose chapter or code changed (FORCE=1: all; PAGES=...: only these pages)
	@$(BOOK) system --why "make notebooks (figures with Chinese labels)" fonts-noto-cjk
	@$(OFFLINE) $(BOOK) notebooks $(if $(FORCE),--force) $(PAGES)

figures: $(READY)  ## Draw the diagrams in figures/ (figures/draw.py)
	@$(BOOK) system --why "make figures (Chinese labels)" fonts-noto-cjk
	@$(BIN)/python figures/draw.py

relink: $(READY)  ## Re-anchor :lines: ranges after code edits; names what it cannot find (PAGES=...: only these)
	@$(BOOK) relink $(PAGES)

check: $(READY)  ## Fast static checks: listing ranges, zh/en parity, notebook freshness
	@$(BOOK) check

test-tools: $(READY)  ## Tests of the tooling itself (pytest, sample books under tests/)
	@$(BOOK) system --why "make test-tools (figures with Chinese labels)" fonts-noto-cjk
	@$(OFFLINE) $(BIN)/pytest -q tests --ignore=tests/site --ignore=tests/pdf -n $(WORKERS)

test-site: $(READY) $(SITE_EXTRA)  ## Build the site with warnings as errors, offline
	@$(OFFLINE) $(BIN)/jupyter-book build . --all --warningiserror --keep-going --quiet

test-site+pdf: $(READY) $(SITE_EXTRA)  ## The PDFs, then the site (which serves them) beside the PDF tests
	@$(MAKE) --no-print-directory pdf
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-site check-pdf

test-scripts: $(READY) data  ## Run every program under code/ once (its English script), offline
	@$(OFFLINE) env $(FOREIGN_CPU) $(BOOK) scripts --jobs $(WORKERS)

test-browser: $(READY)  ## Load every page of the built site in headless Chromium, offline
	@$(BOOK) system --why "make test-browser" chromium fonts-noto-cjk
	@test -f _build/html/index.html || $(MAKE) --no-print-directory html
	@rm -rf _build/screenshots
	@# A test that waits longer than 5 minutes has hung: it fails with every thread's stack.
	@$(OFFLINE) $(BIN)/pytest -q tests/site -n $(WORKERS) --timeout 300

test-pdf: pdf  ## Check the PDFs: titles and Chinese text present, pages render
	@$(MAKE) --no-print-directory check-pdf

check-pdf:  # the PDF tests on the PDFs already built
	@$(OFFLINE) $(BIN)/pytest -q tests/pdf

test-notebooks: $(READY) data $(KERNEL_CONFIG)  ## Re-execute the notebooks with nbval on a foreign CPU setting, offline
	@$(OFFLINE) env $(FOREIGN_CPU) $(BIN)/python -m pytest -q -p booktools.nbval_plugin \
	    --book-nbval --book-warm-kernel notebooks/$(EXECUTED) -n $(WORKERS) --dist loadfile --no-loadscope-reorder \
	    --nbval-cell-timeout=1800 --nbval-sanitize-with booktools/nbval_sanitize.cfg

bench: $(READY) data $(KERNEL_CONFIG)  ## Time each notebook, and the book's training loops next to fit
	@$(OFFLINE) $(BOOK) bench

spread: $(READY) data $(KERNEL_CONFIG)  ## How far printed numbers move over five CPU settings (sets the tolerances; SETTINGS=... or NOTEBOOKS=...: only these)
	@$(OFFLINE) $(BOOK) spread $(addprefix --notebook ,$(NOTEBOOKS)) $(SETTINGS)

test: $(READY) data $(KERNEL_CONFIG) $(SITE_EXTRA)  ## Every check; ends with a table of the steps and one summary line
	@failed=""; passed=0; table=""; began=$$(date +%s); \
	for step in $(TEST_STEPS); do \
	    echo "==> make $$step"; start=$$(date +%s); \
	    if $(MAKE) --no-print-directory $$step; then passed=$$((passed + 1)); result=passed; \
	    else failed="$$failed $$step"; result=FAILED; fi; \
	    table="$$table$$(printf '%-16s %6s s  %s' $$step $$(( $$(date +%s) - start )) $$result)\n"; \
	done; \
	printf '\n%-16s %8s  %s\n' step "wall" result; printf "$$table"; \
	printf '%-16s %6s s\n\n' total $$(( $$(date +%s) - began )); \
	count=$$(echo $$failed | wc -w); \
	if [ -n "$$failed" ]; then echo "make test: failed:$$failed"; fi; \
	echo "make test: $$passed passed, $$count failed"; \
	test -z "$$failed"

clean:  ## Remove the build output and caches (keeps .venv; `rm -rf .venv` for a full reset)
	rm -rf _build .cache .pytest_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
