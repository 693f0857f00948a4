# The two commands: `make run` starts the whole platform, `make test` runs the
# gates and every module's tests (race detector on) against a real Postgres and
# an in-process NATS. CONTRIBUTING.md says how to run one piece of it.
SHELL := /bin/bash
GO ?= go
# Every module of go.work (go test ./... does not cross module borders).
PACKAGES := ./pkg/... \
	./services/intake/... ./services/creation-support/... ./services/takeover-matching/... \
	./services/difficulty-alert/... ./services/advisor-desk/... \
	./deploy/devstack/... ./deploy/platformctl/...
# Test binaries run two at a time: each starts its own NATS and databases.
TEST_FLAGS ?= -race -count=1 -p 2 -timeout 15m
GATES := deploy/gates/gates.sh

.PHONY: run test gates lint bench soak vet fmt tidy generate

run:
	./deploy/devstack/ensure-deps.sh run
	$(GO) run ./deploy/devstack

# What the tests need first (Postgres, Chromium), then the gates (format, tidy,
# generate, lint), which fail sooner than the tests would.
test:
	./deploy/devstack/ensure-deps.sh test
	$(GATES) all
	$(GO) vet $(PACKAGES)
	$(GO) test $(TEST_FLAGS) $(PACKAGES)

gates:
	$(GATES) all

lint:
	$(GATES) lint

vet:
	$(GO) vet $(PACKAGES)

bench:
	./deploy/bench/run.sh

# The fault-injection soak (minutes; not part of make test): load at a fixed
# rate while services, NATS and Postgres are restarted and a database role
# is cut, then every accepted request is checked. It restarts the Postgres
# cluster of SOAK_DATABASE_URL: point it at a cluster nobody else uses then.
# SOAK_FLAGS, e.g. SOAK_FLAGS='-duration 2m -rate 50 -cut 15s'; -h lists them.
SOAK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
SOAK_FLAGS ?=
soak:
	./deploy/devstack/ensure-deps.sh test
	$(GO) run ./deploy/devstack/soak -db '$(SOAK_DATABASE_URL)' $(SOAK_FLAGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

tidy:
	for m in pkg services/* deploy/devstack deploy/platformctl deploy/tools; do (cd $$m && GOWORK=off $(GO) mod tidy) || exit 1; done

# Every generated file, from its source: the reference data (from ../shared/data,
# when it is beside the repository), the events' JSON Schemas and AsyncAPI
# document, and the deployment files that repeat the code's users and roles.
generate:
	@if [ -d ../shared/data ]; then (cd pkg/refdata && $(GO) generate ./...); \
	else echo "generate: ../shared/data is not beside the repository: pkg/refdata/data kept as committed"; fi
	$(GO) test -count=1 -run 'TestGeneratedFilesUpToDate' ./pkg/events -args -update >/dev/null
	$(GO) test -count=1 -run Deploy ./deploy/devstack -args -update-deploy >/dev/null
