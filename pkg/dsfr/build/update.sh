#!/usr/bin/env bash
# Rebuilds ../dist from the DSFR version pinned in package.json and
# package-lock.json: installs it in a temporary directory (no node_modules
# in the tree) and runs build.mjs. Change the version with
#   npm install --package-lock-only --ignore-scripts @gouvfr/dsfr@X.Y.Z
# here, then run this script and the web package's tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$tmp/"
(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --silent)
node "$here/build.mjs" "$tmp/node_modules/@gouvfr/dsfr" "$here/../dist"
du -sh "$here/../dist"
