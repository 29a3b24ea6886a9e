# Two commands on a fresh machine: `make run` (the bot) and `make test` (everything CI runs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest unit telegram e2e quality bench check eval cv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## Telegram bot with TELEGRAM_BOT_TOKEN set, console chat without
	$(BIN)/faqbot

test: lint typecheck pytest  ## what CI runs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)  ## every test layer
	$(BIN)/python -m pytest

unit: $(STAMP)  ## the plain-Python layer: seconds
	$(BIN)/python -m pytest tests/unit

telegram: $(STAMP)  ## handlers through Application.process_update, in process
	$(BIN)/python -m pytest tests/telegram

e2e: $(STAMP)  ## real processes and HTTP against the local Bot API server
	$(BIN)/python -m pytest tests/e2e

quality: $(STAMP)  ## answer quality on the labelled sets
	$(BIN)/python -m pytest tests/quality

bench: $(STAMP)  ## the speed benchmark (docs/benchmarks.md), on a quiet machine
	$(BIN)/python -m bench

check: $(STAMP)  ## validate faq.yaml and list confusable phrasings
	$(BIN)/faqbot check

# Real wording (what people typed) is the first measure; the annotators' sets, written
# from the article, are the second. real-final2.yaml and real-final3.yaml (round
# 12) are the frozen real splits; real-final.yaml, frozen until round 4, is a
# tuning set now.
REAL_SETS := tests/data/real-questions.yaml tests/data/real-final.yaml $(sort $(wildcard tests/data/real-dev*.yaml))
REAL_FINAL := $(wildcard tests/data/real-final2.yaml tests/data/real-final3.yaml)

eval: $(STAMP)  ## answer quality on the frozen splits: real wording, then the annotators' final split
	$(foreach f,$(REAL_FINAL),$(BIN)/faqbot eval $(f);)
	$(BIN)/faqbot eval tests/data/eval-final-a.yaml tests/data/eval-final-b.yaml

cv: $(STAMP)  ## cross-validated answer quality (after a content change): real wording by folds, annotator sets by set
	$(BIN)/faqbot cv --folds 10 $(REAL_SETS)
	$(BIN)/faqbot cv tests/data/eval-tune.yaml tests/data/eval-dev*.yaml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
