#!/usr/bin/env bash
# Spawns a zombienet network with the gym-node this checkout built:
#
#   zombienet/spawn.sh                       # zombienet/local-4.toml
#   zombienet/spawn.sh zombienet/other.toml
#
# Installs the pinned zombienet CLI (npm, zombienet/package.json) on first
# use, and puts $CARGO_TARGET_DIR/release (or target/release) first in PATH so
# `default_command = "gym-node"` is this build.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null 2>&1 \
	|| { echo "zombienet: error: npm not found: install Node.js 18 or newer" >&2; exit 1; }
BIN_DIR="$(realpath -m "${CARGO_TARGET_DIR:-target}/release")"
[ -x "$BIN_DIR/gym-node" ] \
	|| { echo "zombienet: error: $BIN_DIR/gym-node not built: run scripts/test.sh or cargo build --release" >&2; exit 1; }
[ -x zombienet/node_modules/.bin/zombienet ] || npm ci --prefix zombienet --no-audit --no-fund
export PATH="$BIN_DIR:$PATH"
exec zombienet/node_modules/.bin/zombienet spawn --provider native "${1:-zombienet/local-4.toml}"
