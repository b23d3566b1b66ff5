# Two commands from a fresh machine (Python >= 3.11 with venv):
#   make demo   -> creates .venv, installs pnisim, runs the embedded default scenario into ./pnisim-out
#   make test   -> creates .venv, installs pnisim with test extras, runs the default test suite
#   make test-slow -> the slow published-reference and cross-check tests (CI runs both)
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

.PHONY: demo test test-slow bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/pnisim run --out pnisim-out --overwrite

test: $(VENV)/.installed
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow"

test-slow: $(VENV)/.installed
	$(PY) -m pytest -q -n 2 --dist loadfile -m slow

bench: $(VENV)/.installed
	$(PY) benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) pnisim-out .pytest_cache
