# Set-up is a dependency of every target: `make run` needs python3 and make; `make test`
# also needs Node 20 with npm and apt (Debian) for Chromium.
# `make run` installs only what running needs (RUN_STAMP); every other target installs the
# test, lint and benchmark tools too (STAMP, the `dev` extra), into the same .venv/.
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
RUN_STAMP := $(VENV)/.run-stamp
DATA_DIR := $(or $(COPPER_DATA_DIR),var)
# `make run API_PORT=9000 WEB_PORT=9001 STUDIO_PORT=9002 VERBOSE=1`
API_PORT    ?= 8000
WEB_PORT    ?= 8001
STUDIO_PORT ?= 8002

.PHONY: setup run-setup browser run reset lint format docs test test-fast rehearse bench bench-process bench-search bench-flow bench-web bench-convergence bench-worstcase bench-coldstart clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP) $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e . --config-settings editable_mode=compat
	touch $(RUN_STAMP)

setup: $(STAMP) ## create .venv/ and install the project with the test tools (.venv/bin/copper)

run-setup: $(RUN_STAMP) ## create .venv/ and install only what running the gallery needs

# Ctrl-C stops everything; `make reset` then removes the local data.
run: run-setup ## the whole gallery on the embedded backend, seeded with demo works (data in ./var/)
	$(VENV)/bin/copper dev --seed --port $(API_PORT) --web-port $(WEB_PORT) --studio-port $(STUDIO_PORT)$(if $(VERBOSE), --verbose)

# Only the data directory's contents go (benchmark files in its bench/ stay); nothing is asked.
# A directory that does not look like copper's (no content.db or queue.db) is refused.
reset: ## remove the local data (./var/, or COPPER_DATA_DIR); stop `copper dev` first
	@dir="$(DATA_DIR)"; \
	if [ ! -d "$$dir" ]; then echo "make reset: no $$dir/; nothing to remove"; exit 0; fi; \
	entries=$$(find "$$dir" -mindepth 1 -maxdepth 1 ! -name bench); \
	if [ -z "$$entries" ]; then echo "make reset: $$dir/ holds no gallery data"; exit 0; fi; \
	if [ ! -e "$$dir/content.db" ] && [ ! -e "$$dir/queue.db" ]; then \
		echo "make reset: $$dir/ does not look like copper's data (no content.db); not touching it" >&2; \
		exit 1; fi; \
	find "$$dir" -mindepth 1 -maxdepth 1 ! -name bench \
		-exec sh -c 'rm -rf "$$1" && echo "make reset: removed $$1"' sh {} \; ; \
	if [ -n "$$(find "$$dir" -mindepth 1 -maxdepth 1 ! -name bench)" ]; then \
		echo "make reset: could not remove everything in $$dir/" >&2; exit 1; fi; \
	echo "make reset: $$dir/ holds no gallery data now; the next \`make run\` seeds afresh"

browser: ## Debian's Chromium for the browser tests (apt, as root or with sudo)
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

lint: setup ## ruff lint and format check, then mypy (strict for kernel, pipeline and content)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: setup ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

docs: setup ## regenerate docs/configuration.md from the settings declarations
	$(PYTHON) -m service.config > docs/configuration.md.tmp
	mv docs/configuration.md.tmp docs/configuration.md

test: lint browser deploy-check ## lint, the deployment checks, then every test tier (browser tests included)
	$(VENV)/bin/pytest

# The quick loop: no browser, no Node, no deployment checks (tests/e2e and tests/deploy are left out).
test-fast: lint ## lint, then the unit and integration tiers
	$(VENV)/bin/pytest tests/unit tests/integration

# The AWS deployment, checked offline (no AWS account): the Lambda artefact, the CloudFormation
# template from `osls package` (dummy credentials: packaging calls no AWS API), cfn-lint on it
# (errors fail; W3005 is osls' own redundant DependsOn), and the workflows against GitHub's
# schema. tests/deploy/ then holds the template and the artefact to their invariants.
DEPLOY_ENV := AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline AWS_REGION=eu-west-1 \
	SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off

artifact: setup ## the Lambda artefact (build/lambda/copper-lambda.tar.gz) from Linux wheels
	$(PYTHON) -m deploy.build_artifact

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

deploy-check: setup artifact node_modules/.package-lock.json ## osls package + cfn-lint + workflow schema
	# prod first: osls empties .serverless/ whatever --package says
	$(DEPLOY_ENV) npx osls package --stage prod --package build/serverless-prod
	$(DEPLOY_ENV) npx osls package --stage dev
	$(VENV)/bin/cfn-lint --non-zero-exit-code error --ignore-checks=W3005 -- \
		.serverless/cloudformation-template-update-stack.json \
		build/serverless-prod/cloudformation-template-update-stack.json
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

# The AWS path on one machine, no account: the dev template from `osls package` provisioned on
# moto's server, the functions run from the artefact under awslambdaric, the HTTP API, the event
# source mappings and osmem-server on loopback; one PASS/FAIL/SKIP line per step (docs/deploy.md).
rehearse: setup artifact node_modules/.package-lock.json ## rehearse a first deploy on emulated AWS
	$(DEPLOY_ENV) npx osls package --stage dev
	$(PYTHON) -m rehearsal

bench: setup ## pipeline benchmark against bare pyvips and Pillow, then bench-process (ratios)
	$(PYTHON) -m bench.pipeline
	$(PYTHON) -m bench.process

# The peers (sharp, thumbor) are installed on first use under var/bench/peers/, outside .venv;
# one that cannot be installed is reported as not available and the rest still runs.
bench-worstcase: setup ## copper process on the largest originals the limits allow (sizes the processor's timeout)
	$(PYTHON) -m bench.worstcase

bench-process: setup ## `copper process` as a whole process on one core vs pyvips, sharp, thumbor
	$(PYTHON) -m bench.process

bench-search: setup ## search index and listing benchmark on 100,000 generated works
	$(PYTHON) -m bench.search

bench-flow: setup ## event flow on the local stack (2 workers) against the pipeline alone
	$(PYTHON) -m bench.flow

bench-convergence: setup ## change-to-searchable latency (p50/p95), steady and after an index outage
	$(PYTHON) -m bench.convergence

# Fresh `python -m awslambdaric` processes from the unpacked artefact, on the embedded backend.
bench-coldstart: setup artifact ## each Lambda function's cold start (import + first request) vs target
	$(PYTHON) -m bench.coldstart

bench-web: setup browser ## visitor gallery: page server time, first-view image bytes, zoom viewer first tile
	$(PYTHON) -m bench.web

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache var/bench build/lambda .serverless node_modules
