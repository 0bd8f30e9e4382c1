# Developer and CI entry points for the pycall.asterisk collection.
# CI runs `make test` (through .ci/run). The scripts behind every target live in tests/ci/.
#
# Knobs (make VAR=value or environment):
#   CONTROLLERS=a|b|"a b"   controllers for sanity/units/integration (a: py3.11 + ansible-core
#                           2.19, b: py3.13 + ansible-core 2.21)
#   UNITS_PYTHONS_A / UNITS_PYTHONS_B   Pythons for `make units` per controller
#   LAB_HOSTS=N             hosts `tests/lab/lab up` starts for the integration tests
#   INTEGRATION_TARGETS="a b"  only these integration targets (developers; CI runs all)
#   INTEGRATION_TIMEOUT=s   limit for one ansible-test integration run
#   CI_STEPS="sanity-a units-a"  `make test` runs only these steps (default: all)
#   PYCALL_CI_CACHE=dir     where the pinned venvs and the ansible_collections copy live
#                           (default /var/tmp/pycall-ci)

SHELL := /bin/bash
CI := tests/ci

.PHONY: help test setup sanity units integration build lint docs pycall demo clean

help:
	@echo "make test         everything CI runs: setup, sanity, units, build, lint, docs, integration + summary"
	@echo "make setup        build/reuse the pinned controller venvs"
	@echo "make sanity       ansible-test sanity on controllers a and b"
	@echo "make units        ansible-test units on several Pythons"
	@echo "make integration  lab up, ansible-test integration, lab down"
	@echo "make build        build the collection tarball, check it, install it"
	@echo "make lint         ansible-lint (production), galaxy-importer as Galaxy runs it, ansible-builder"
	@echo "make pycall       pycall 2.3.2's own test suite and pycall 1.x examples against the library (root)"
	@echo "make docs         antsibull-docs/antsibull-changelog lint, then the docs site in build/docs/html"
	@echo "make demo         lab up, then examples/seed_call.yml against it"
	@echo "make clean        remove local test output and this checkout's staged copy"

test:
	@bash $(CI)/test.sh

setup:
	@bash $(CI)/setup.sh $(CONTROLLERS)

sanity:
	@bash $(CI)/sanity.sh $(CONTROLLERS)

units:
	@bash $(CI)/units.sh $(CONTROLLERS)

integration:
	@bash $(CI)/integration.sh $(CONTROLLERS)

build:
	@bash $(CI)/build.sh

lint:
	@bash $(CI)/lint.sh

docs:
	@bash $(CI)/docs.sh

pycall:
	@bash $(CI)/pycall.sh

demo:
	@bash $(CI)/demo.sh

clean:
	@bash $(CI)/clean.sh
