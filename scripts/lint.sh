#!/usr/bin/env bash
# Checks formatting and lints every crate of the workspace, every target
# (libraries, binaries, tests), with warnings as errors. `.ci/run` runs it
# before the tests.
#
# Clippy uses the release profile, the one profile of scripts/test.sh, so
# build scripts and proc macros are compiled once for both. The runtime's
# wasm is not built for linting (SKIP_WASM_BUILD): the native runtime is the
# same code, and the wasm build must not run under clippy's compiler driver.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cargo fmt --all --check
SKIP_WASM_BUILD=1 cargo clippy --release --locked --workspace --all-targets "$@" -- -D warnings
# The benchmarks are pallet code too: lint them with the feature that
# compiles them (pallets only; the runtime's benchmark build is bench.sh's).
SKIP_WASM_BUILD=1 cargo clippy --release --locked --all-targets \
	-p pallet-gym-emission -p pallet-tiered-staking -p pallet-revenue-split \
	-p pallet-compute-mining -p pallet-gym-validators -p pallet-gym-governance \
	-p pallet-gym-liquidity -p pallet-gym-stability -p pallet-gym-products \
	--features runtime-benchmarks \
	"$@" -- -D warnings
