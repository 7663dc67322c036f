# The two commands: `make demo` and `make test`. Each builds .venv from scratch when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# every distribution in the repo, installed editable with its test extras
INSTALL_TARGETS := -e ".[test]" $(foreach d,$(wildcard integrations/*/pyproject.toml),-e "$(dir $(d))[testing]")

.PHONY: demo test lint install clean postgresql chromium

$(STAMP): pyproject.toml setup.py $(wildcard integrations/*/pyproject.toml)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -U pip
	$(PY) -m pip install -q --disable-pip-version-check $(INSTALL_TARGETS)
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) examples/demo.py

# the store tests start a throwaway PostgreSQL server; Debian's package provides it
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

# the UI tests drive Debian's Chromium through Playwright (which cannot download browsers)
chromium:
	@test -x /usr/bin/chromium || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

test: $(STAMP) postgresql chromium
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --dist loadgroup -q tests integrations

lint: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV)
