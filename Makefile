# The project's command index: `make help`. `make run` and `make test` set up what is missing.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
KNOWLEDGE := knowledge/knowledge.json
WIDGET := web/node_modules/.installed
PY_CODE := medinfo actions connectors serving operations scripts web bench tests
export TF_CPP_MIN_LOG_LEVEL := 3
# Rasa's command line through the project's entry point: it filters the warnings Rasa and its
# libraries print at every start by module (serving/known_warnings.py), and shows the rest.
RASA := $(BIN)/python -m serving
# What a model is trained from; the model file is named by their hash (see `train`).
MODEL_INPUTS := config.yml domain.yml requirements.lock serving/crf_extractor.py serving/sentence_features.py serving/question_part.py serving/message_step.py medinfo/story.py $(shell find data -type f 2>/dev/null | sort)

.DEFAULT_GOAL := help
.PHONY: help setup knowledge train run shell check test lint format lock clean browser accessibility

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The venv is rebuilt only when requirements.lock changes.
$(READY): requirements.lock scripts/find_python.sh medinfo/language.py
	@python=$$(scripts/find_python.sh) || exit 1; \
	  [ -x $(BIN)/python ] || $$python -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==24.0
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m medinfo.language  # installs the offline spaCy pipeline into the venv
	@touch $@

setup: $(READY) $(WIDGET) ## Create .venv (Python 3.10) with the locked versions and the spaCy pipeline

# From npm for the demo page: socket.io-client for the widget, axe-core for its browser test;
# reinstalled only when the lock file changes.
$(WIDGET): web/package-lock.json
	@scripts/system_package.sh npm npm
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

browser: ## Make sure headless Chromium (Debian's) is there for the browser test
	@scripts/system_package.sh chromium chromium

accessibility: train $(WIDGET) browser ## Check the web widget in headless Chromium: axe-core, keyboard, screen readers, phone, zoom
	$(BIN)/python -m pytest tests/test_widget_browser.py tests/test_web_server.py

# The knowledge file also carries the words of the training examples (medinfo/lexicon.py).
NLU_WORDS := $(filter-out data/nlu/condition_synonyms.yml,$(wildcard data/nlu/*.yml))
$(KNOWLEDGE): knowledge/sources/* knowledge/article_rules.yml knowledge/*.schema.json medinfo/*.py $(NLU_WORDS) | $(READY)
	$(BIN)/python -m medinfo.builder

knowledge: $(KNOWLEDGE) ## Rebuild knowledge/knowledge.json from the articles in knowledge/sources/

# Rasa's training cache (.rasa/cache) already retrains only what changed; naming the model by its
# inputs' hash also avoids packaging the same model again on every `make run` (and picks the
# right one back when a checkout returns to inputs it was trained on).
train: $(KNOWLEDGE) ## Train the model (skipped when it is trained on these exact inputs)
	@model=models/$$(cat $(MODEL_INPUTS) | sha256sum | cut -c1-16).tar.gz; \
	  if [ -f $$model ]; then touch $$model; echo "Model up to date: $$model"; \
	  else $(RASA) train --quiet --fixed-model-name $$(basename $$model .tar.gz); fi

run: train $(WIDGET) ## Serve the bot: Rasa on :5005, actions on :5055, the demo page on :8080
	scripts/serve.sh

shell: train ## Talk to the bot in the terminal (rasa shell with the action server)
	scripts/shell.sh

check: $(READY) $(WIDGET) ## Lint and the fast tests (no model, server, browser or database): under a minute
	$(BIN)/ruff check $(PY_CODE)
	$(BIN)/python -m pytest -m "not slow" -q

test: train $(WIDGET) browser ## Lint, then every test: unit, data validation, NLU, stories, end to end, channels
	$(BIN)/ruff check $(PY_CODE)
	$(BIN)/python -m pytest

# BENCH_PORT_BASE (default 15000) + 305/355: the bench's Rasa and action server ports.
.PHONY: report prune forget
# The current profile's store (BOT_PROFILE=production: PostgreSQL), as `make run` uses it.
report: $(READY) ## What people asked, Not Found questions, feedback: var/report.html (SINCE=7d REDACT=1)
	$(BIN)/python -m operations report $(if $(SINCE),--since $(SINCE)) $(if $(REDACT),--redact)

prune: $(READY) ## Remove conversations idle for over RETENTION_DAYS (default 30)
	$(BIN)/python -m operations prune

forget: $(READY) ## Remove every stored event of one sender: make forget SENDER=<id>
	@[ -n "$(SENDER)" ] || { echo "Usage: make forget SENDER=<sender id>" >&2; exit 2; }
	$(BIN)/python -m operations forget '$(subst ','\'',$(SENDER))'

.PHONY: bench
bench: train ## Measure NLU quality, answers, speed and memory; writes docs/benchmarks.md
	$(BIN)/python -m bench

lint: $(READY) ## Check style (ruff) and the Rasa training data
	$(BIN)/ruff check $(PY_CODE)
	$(RASA) data validate --fail-on-warnings

format: $(READY) ## Format the Python code (ruff)
	$(BIN)/ruff format $(PY_CODE)

lock: ## Re-resolve requirements.in into requirements.lock (in a scratch venv)
	@python=$$(scripts/find_python.sh) || exit 1; scratch=$$(mktemp -d); \
	  trap 'rm -rf "$$scratch" requirements.lock.new' EXIT; \
	  $$python -m venv $$scratch && $$scratch/bin/pip install --quiet -r requirements.in && \
	  (echo "# Generated by \`make lock\` from requirements.in; do not edit."; \
	   $$scratch/bin/pip freeze --exclude-editable) > requirements.lock.new && \
	  mv requirements.lock.new requirements.lock

clean: ## Remove the venv, trained models and test results
	rm -rf $(VENV) models results .pytest_cache .hypothesis .ruff_cache .rasa
	rm -rf web/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
