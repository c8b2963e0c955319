#!/usr/bin/env bash
# Runs every test of GYM chain: unit, runtime, and end-to-end tests that start
# real gym-node processes on loopback ports. One profile (release) builds the
# node that runs and the tests, so nothing is compiled twice.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_workspace
cargo test --release --locked --workspace --no-fail-fast "$@"
