#!/usr/bin/env bash
# Runs every test of GYM chain: unit, runtime, and end-to-end tests that start
# real gym-node processes on loopback ports. One profile (release) builds the
# node that runs and the tests, so nothing is compiled twice.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/setup.sh)"
# The runtime's wasm build must find this workspace's Cargo.lock even when
# CARGO_TARGET_DIR is outside the clone.
export WASM_BUILD_WORKSPACE_HINT="$PWD"
cargo build --release --locked --workspace
cargo test --release --locked --workspace --no-fail-fast "$@"
