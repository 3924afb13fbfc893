# The two set-up commands of README.md: `make demo` and `make test`. Both create .venv when
# it is missing and install what they need into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo
PEOPLE ?= 5000
# The browser test drives Debian's Chromium; the store tests need PostgreSQL. `make test`
# requires both (they run, never skip); empty values let pytest skip them with a reason.
CHROMIUM ?= /usr/bin/chromium
TEST_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: demo test lint typecheck check bench clean java

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/justicelink demo --out $(DEMO_DIR) --people $(PEOPLE)

test: $(STAMP) lint typecheck $(CHROMIUM) java
	JUSTICELINK_TEST_POSTGRES=$(TEST_POSTGRES) JUSTICELINK_TEST_BROWSER=$(CHROMIUM) \
		JUSTICELINK_TEST_SPARK=1 $(BIN)/python -m pytest -q

# Spark (the second engine, tested by `make test`) needs Java 17 or newer: Debian's JRE where
# the machine has none.
java:
	@java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])' || \
		apt-get install -y --no-install-recommends openjdk-17-jre-headless || \
		(apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless)

# Debian's chromium package (Playwright drives it by path; it downloads no browser).
/usr/bin/chromium:
	apt-get install -y --no-install-recommends chromium || \
		(apt-get update && apt-get install -y --no-install-recommends chromium)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/linkage.py
	$(BIN)/python benchmarks/demo.py
	$(BIN)/python benchmarks/web.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
