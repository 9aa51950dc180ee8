# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := catalog cart payments invoicing tickets scanning
DOMAINS := ticketing:ticketing $(foreach p,$(PLUGINS),ticketing_$(p):plugins/$(p)/ticketing_$(p))
STAMP := $(VENV)/.installed

.PHONY: setup run demo test test-sqlite i18n i18n-compile bench fuzz soak audit worker clean

setup: $(STAMP) i18n-compile

$(STAMP): setup.cfg constraints.txt $(wildcard plugins/*/setup.cfg) scripts/system-deps.sh
	scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt --upgrade pip 'setuptools<82' wheel
	$(BIN)/pip install -q -c constraints.txt -e '.[test,prod]' $(foreach p,$(PLUGINS),-e plugins/$(p))
	touch $@

# Compile every gettext catalog (.po -> .mo); .mo files are build output, not committed.
i18n-compile: $(STAMP)
	@for entry in $(DOMAINS); do domain=$${entry%%:*}; dir=$${entry#*:}/locale; \
	  if ls $$dir/*/LC_MESSAGES/$$domain.po >/dev/null 2>&1; then $(BIN)/pybabel -q compile -f -D $$domain -d $$dir || exit 1; fi; done

# Extract messages and update the catalogs after changing translatable strings.
i18n: $(STAMP)
	@for entry in $(DOMAINS); do domain=$${entry%%:*}; pkg=$${entry#*:}; \
	  $(BIN)/pybabel -q extract -F babel.cfg -k _ -o $$pkg/locale/$$domain.pot $$pkg; \
	  for lang in de fr; do \
	    if [ -f $$pkg/locale/$$lang/LC_MESSAGES/$$domain.po ]; then \
	      $(BIN)/pybabel -q update -D $$domain -i $$pkg/locale/$$domain.pot -d $$pkg/locale -l $$lang; \
	    else \
	      $(BIN)/pybabel -q init -D $$domain -i $$pkg/locale/$$domain.pot -d $$pkg/locale -l $$lang; \
	    fi; done; done

run: setup
	$(BIN)/python -m scripts.devserver development.ini

demo: setup
	$(BIN)/python -m scripts.demo http://127.0.0.1:6543

test: setup
	$(BIN)/python -m pytest

# The contract fuzzer, longer than in `make test` (FUZZ_EXAMPLES per operation and mode).
FUZZ_EXAMPLES ?= 200
fuzz: setup
	TICKETING_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/security/test_fuzz.py

# Mixed load against gunicorn + PostgreSQL + a worker: SOAK_MINUTES (default 10).
SOAK_MINUTES ?= 10
soak: setup
	$(BIN)/python scripts/soak.py --minutes $(SOAK_MINUTES)

# Known vulnerabilities in the installed dependencies (pip-audit; needs PyPI's JSON API).
audit: setup
	$(BIN)/python scripts/audit.py

test-sqlite: setup
	TICKETING_TEST_DB=sqlite $(BIN)/python -m pytest

# Seed ticketing_bench, serve the app and the floor with gunicorn, load them with wrk
# and print the table (bench/README.md); the JSON lands in bench/results/.
bench: setup
	scripts/services.sh
	$(BIN)/python bench/run.py

worker: setup
	TICKETING_INI=development.ini $(BIN)/celery -A ticketing.worker worker -B --loglevel=INFO

clean:
	rm -rf $(VENV) var
