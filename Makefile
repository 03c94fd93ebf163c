# Two commands do all the set-up on a fresh machine:
#   make demo   install, then crawl the bundled fixture archive (served locally) into articles.jsonl
#   make test   install with the test extra, then run the whole test suite
PYTHON ?= python3

.PHONY: install demo test golden lint typecheck check

# The project's bytecode, written once: where PYTHONDONTWRITEBYTECODE is set (as on the
# machines this project is developed on), every `scrapy crawl` process compiled the
# project's modules again at start (about 0.17 s of CPU each; the test suite starts
# about 190 Python processes).
install:
	$(PYTHON) -m pip install -q -e '.[test]'
	$(PYTHON) -m compileall -q crawler pipelines qa bench

demo: install
	$(PYTHON) -m crawler.mirror crawl fixtures/aawsat/site aawsat -O articles.jsonl

test: install
	$(PYTHON) -m pytest

# Rewrite golden files from the current code; review `git diff fixtures/` before committing.
golden:
	$(PYTHON) -m qa.regenerate_golden

lint:
	$(PYTHON) -m ruff check . && $(PYTHON) -m ruff format --check .

typecheck:
	$(PYTHON) -m mypy

# What CI checks besides the tests (.ci/run).
check: lint typecheck
