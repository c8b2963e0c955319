#!/usr/bin/env bash
# Runs the @polkadot/api tests in tests/js against the built gym-node
# (scripts/test.sh calls this after the cargo tests). Installs the locked npm
# dependencies on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
command -v npm >/dev/null 2>&1 \
	|| { echo "js-test: error: npm not found: install Node.js 18 or newer" >&2; exit 1; }
export GYM_NODE_BIN="${GYM_NODE_BIN:-$(cd "$ROOT" && realpath -m "${CARGO_TARGET_DIR:-target}/release/gym-node")}"
cd tests/js
[ -d node_modules/@polkadot/api ] || npm ci --no-audit --no-fund
npm test
