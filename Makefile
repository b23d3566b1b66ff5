# Two commands from a fresh machine (Python >= 3.11 with venv):
#   make demo   -> creates .venv, installs pnisim, runs the embedded default scenario into ./pnisim-out
#   make test   -> creates .venv, installs pnisim with test extras, runs the whole test suite
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

.PHONY: demo test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/pnisim run --out pnisim-out --overwrite

test: $(VENV)/.installed
	$(PY) -m pytest -q -n 2 --dist loadfile

bench: $(VENV)/.installed
	$(PY) benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) pnisim-out .pytest_cache
