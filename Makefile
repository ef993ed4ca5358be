# Bilim ERP: the two commands of the README.
#   make demo  installs what is needed and starts Bilim ERP on SQLite with the
#              demo organisation, the sao web client on http://localhost:8000
#   make test  installs what is needed and runs the whole test suite
#              (SQLite by default; PostgreSQL when TRYTOND_DATABASE__URI says so)

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DB ?= bilim
export TRYTOND_CONFIG := $(CURDIR)/trytond.conf
export TRYTOND_DATABASE__PATH ?= $(CURDIR)/build/db
export TRYTOND_WEB__ROOT ?= $(CURDIR)/build/sao

.PHONY: demo test install install-test demo-db reset-demo serve

install:
	./scripts/setup.sh --sao

install-test:
	./scripts/setup.sh --sao
	./scripts/setup-browser.sh

demo: install demo-db serve

demo-db:
	$(PY) scripts/create_db.py $(DB) --demo

reset-demo: install
	rm -f $(TRYTOND_DATABASE__PATH)/$(DB).sqlite
	$(PY) scripts/create_db.py $(DB) --demo

serve:
	@$(PY) scripts/create_db.py $(DB) --banner
	$(VENV)/bin/trytond -c $(TRYTOND_CONFIG) -d $(DB)

test: install-test
	./scripts/run-tests.sh
