#!/usr/bin/env bash
# Runs the @polkadot/api tests in tests/js against the built gym-node
# (scripts/test.sh calls this after the cargo tests). Installs the locked npm
# dependencies on first use and again whenever package-lock.json changes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
command -v npm >/dev/null 2>&1 \
	|| { echo "js-test: error: npm not found: install Node.js 18 or newer" >&2; exit 1; }
export GYM_NODE_BIN="${GYM_NODE_BIN:-$(cd "$ROOT" && realpath -m "${CARGO_TARGET_DIR:-target}/release/gym-node")}"
cd tests/js
# node_modules/.installed-lock is the package-lock.json that node_modules was
# installed from: a checkout whose lock changed (a dependency pinned anew)
# gets a fresh `npm ci`, not the old tree.
if ! cmp -s package-lock.json node_modules/.installed-lock; then
	npm ci --no-audit --no-fund
	cp package-lock.json node_modules/.installed-lock
fi
npm test
