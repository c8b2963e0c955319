#!/usr/bin/env bash
# Builds gym-node and starts a single-validator GYM development chain
# (Alice authors and finalizes; state is temporary). Extra arguments are
# passed to gym-node, e.g. `scripts/dev.sh --rpc-external`.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/setup.sh)"
# The runtime's wasm build must find this workspace's Cargo.lock even when
# CARGO_TARGET_DIR is outside the clone.
export WASM_BUILD_WORKSPACE_HINT="$PWD"
cargo build --release --locked --workspace
target="${CARGO_TARGET_DIR:-target}"
exec "$target/release/gym-node" --dev "$@"
