# Everything runs from a project-local virtualenv that these targets create and fill.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# litellm fetches a model cost map from the network at import unless told not to.
export LITELLM_LOCAL_MODEL_COST_MAP ?= True
# Test processes: most tests wait on simulated clusters and subprocesses, so two workers
# halve the suite's time on two cores. Test files stay whole on one worker.
TEST_JOBS ?= 2

.PHONY: demo test lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	$(BIN)/kubernaut demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP)
	$(BIN)/python bench/sim_api.py
	$(BIN)/python bench/graph_overhead.py
	$(BIN)/python bench/gateway.py
	$(BIN)/python bench/remediations.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
