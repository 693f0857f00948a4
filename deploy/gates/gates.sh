#!/usr/bin/env bash
# The repository's gates, each failing on any finding:
#
#   gates.sh fmt        gofmt: no Go file would change
#   gates.sh tidy       go mod tidy -diff: every module's go.mod/go.sum as tidy would write them
#   gates.sh generate   `make generate` leaves the tree as it was (no stale generated file)
#   gates.sh lint       golangci-lint (pinned in deploy/tools) over every module of go.work
#   gates.sh all        the four, in that order
#
# It runs from the repository root or from ROOT, so that its tests can point it
# at a small repository of their own.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${ROOT:-$REPO}
GO=${GO:-go}
# The pinned linter, built from this repository's tools module.
LINT_BIN=${LINT_BIN:-$REPO/.bin/golangci-lint}
cd "$ROOT"

say() { printf 'gates: %s\n' "$*"; }
fail() { printf 'gates: %s\n' "$*" >&2; exit 1; }

# modules lists the directories of go.work's modules (the tools module stays out
# of the workspace on purpose, but its go.mod is checked too).
modules() {
  "$GO" work edit -json | sed -n 's/.*"DiskPath": "\(.*\)".*/\1/p'
  [ -f deploy/tools/go.mod ] && echo ./deploy/tools
  return 0
}

gate_fmt() {
  local files bad
  files=$(git ls-files '*.go')
  [ -n "$files" ] || { say "fmt: no Go file"; return 0; }
  # shellcheck disable=SC2086
  bad=$(gofmt -l $files)
  [ -z "$bad" ] || fail "fmt: gofmt would change these files (run make fmt):"$'\n'"$bad"
  say "fmt: ok"
}

gate_tidy() {
  local m out bad=0
  for m in $(modules); do
    if ! out=$(cd "$m" && GOWORK=off GOFLAGS=-mod=mod "$GO" mod tidy -diff 2>&1); then
      printf 'gates: tidy: %s is not tidy (run make tidy):\n%s\n' "$m" "$out" >&2
      bad=1
    fi
  done
  [ "$bad" = 0 ] || exit 1
  say "tidy: ok"
}

# state prints what git sees of the tree: tracked changes and untracked files.
# Comparing it before and after `make generate` catches a stale generated file
# even on a working tree with unrelated edits.
state() { { git status --porcelain=v1 --untracked-files=all; git diff; } | sha256sum; }

gate_generate() {
  local before after
  before=$(state)
  make --no-print-directory -s generate >/dev/null
  after=$(state)
  if [ "$before" != "$after" ]; then
    git status --short >&2
    fail "generate: make generate changed the tree: a generated file was stale (the regenerated files are left in place; review and commit them)"
  fi
  say "generate: ok"
}

gate_lint() {
  local pkgs=() m
  if [ ! -x "$LINT_BIN" ] || [ "$REPO/deploy/tools/go.mod" -nt "$LINT_BIN" ]; then
    say "lint: building golangci-lint (pinned in deploy/tools/go.mod)"
    (cd "$REPO/deploy/tools" && GOWORK=off "$GO" build -o "$LINT_BIN" github.com/golangci/golangci-lint/v2/cmd/golangci-lint)
  fi
  for m in $("$GO" work edit -json | sed -n 's/.*"DiskPath": "\(.*\)".*/\1/p'); do pkgs+=("$m/..."); done
  "$LINT_BIN" run --allow-parallel-runners "${pkgs[@]}" || fail "lint: golangci-lint found the problems above"
  say "lint: ok"
}

case "${1:-all}" in
  fmt) gate_fmt ;;
  tidy) gate_tidy ;;
  generate) gate_generate ;;
  lint) gate_lint ;;
  all) gate_fmt; gate_tidy; gate_generate; gate_lint ;;
  *) fail "usage: gates.sh fmt|tidy|generate|lint|all" ;;
esac
