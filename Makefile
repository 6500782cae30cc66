# Two commands (see README): `make run` installs everything and starts the chat on ./corpus;
# `make test` installs the same way and runs the whole test suite (CI runs exactly this).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run chat test install bench eval

run: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python app.py

chat: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/qa chat

test: $(STAMP)
	./scripts/ensure-chromium
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

install: $(STAMP)

# The evaluation report: the committed datasets -> eval/REPORT.md and eval/plots/ (see eval/README.md).
eval: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/qa eval --all

# torch first and pinned: 2.13.0 is the CPU build; an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)
