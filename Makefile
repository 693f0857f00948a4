# The two commands: `make run` starts the whole platform, `make test` runs
# every module's tests against a real Postgres and an in-process NATS.
SHELL := /bin/bash
GO ?= go
# Every module of go.work (go test ./... does not cross module borders).
PACKAGES := ./pkg/... \
	./services/intake/... ./services/creation-support/... ./services/takeover-matching/... \
	./services/difficulty-alert/... ./services/advisor-desk/... \
	./deploy/devstack/...
# Test binaries run two at a time: each starts its own NATS and databases.
TEST_FLAGS ?= -count=1 -p 2 -timeout 10m

.PHONY: run test bench vet fmt tidy

run:
	./deploy/devstack/ensure-deps.sh run
	$(GO) run ./deploy/devstack

test:
	./deploy/devstack/ensure-deps.sh test
	$(GO) vet $(PACKAGES)
	$(GO) test $(TEST_FLAGS) $(PACKAGES)

bench:
	./deploy/bench/run.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

tidy:
	for m in pkg services/* deploy/devstack; do (cd $$m && GOWORK=off $(GO) mod tidy) || exit 1; done
