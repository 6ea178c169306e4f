# The contract: `make run` shows the worker at work, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KAFKA_PORT ?= 9092
export KAFKA_PORT
# Unless a broker is configured, `make run` uses the local one that `make kafka-up` starts.
RUN_BOOTSTRAP := $(or $(KAFKA_BOOTSTRAP_SERVERS),127.0.0.1:$(KAFKA_PORT))

.PHONY: install run test kafka-up kafka-down bench bench-quality clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

kafka-up: install
	kafka/broker.sh up

kafka-down:
	kafka/broker.sh down

run: install
	@if [ -z "$(KAFKA_BOOTSTRAP_SERVERS)" ]; then kafka/broker.sh up; fi
	$(PY) -m worker topics --bootstrap-servers $(RUN_BOOTSTRAP)
	$(PY) -m worker produce --bootstrap-servers $(RUN_BOOTSTRAP) samples/pages.jsonl
	$(PY) -m worker watch --bootstrap-servers $(RUN_BOOTSTRAP) & watcher=$$!; \
	trap 'kill $$watcher 2>/dev/null' EXIT; \
	$(PY) -m worker run --bootstrap-servers $(RUN_BOOTSTRAP)

# The suite starts its own broker on a free port unless KAFKA_BOOTSTRAP_SERVERS is set.
test: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: install
	$(PY) bench/throughput.py

# The bench extra (rs-trafilatura, the comparison extractor) is for the bench only, not the worker's image.
bench-quality: install
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/quality.py

clean:
	rm -rf $(VENV) .kafka kafka/target
