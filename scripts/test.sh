#!/usr/bin/env bash
# Runs every test of GYM chain: unit, runtime, and end-to-end tests that start
# real gym-node processes on loopback ports. One profile (release) builds the
# node that runs and the tests, so nothing is compiled twice.
set -euo pipefail
source "$(dirname "$0")/common.sh"
# The end-to-end upgrade test needs the runtime it upgrades to (runtime/build.rs).
export GYM_BUILD_UPGRADE_RUNTIME=1
build_workspace
status=0
# The end-to-end tests (one binary, tests/e2e/tests/e2e/) mostly wait for
# blocks: run them side by side rather than two at a time (libtest's default
# on 2 cores).
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-8}"
cargo test --release --locked --workspace --no-fail-fast "$@" || status=$?
# The pallets' benchmarks, run as tests against their mocks.
cargo test --release --locked --no-fail-fast "$@" \
	-p pallet-gym-emission --features pallet-gym-emission/runtime-benchmarks \
	-p pallet-tiered-staking --features pallet-tiered-staking/runtime-benchmarks \
	-p pallet-revenue-split --features pallet-revenue-split/runtime-benchmarks \
	-p pallet-compute-mining --features pallet-compute-mining/runtime-benchmarks \
	-p pallet-gym-validators --features pallet-gym-validators/runtime-benchmarks \
	-p pallet-gym-governance --features pallet-gym-governance/runtime-benchmarks \
	-p pallet-gym-liquidity --features pallet-gym-liquidity/runtime-benchmarks \
	-p pallet-gym-stability --features pallet-gym-stability/runtime-benchmarks \
	-p pallet-gym-products --features pallet-gym-products/runtime-benchmarks || status=$?
# The tiered-staking storage migration with its try-runtime checks
# (pre_upgrade, post_upgrade, try_state).
cargo test --release --locked --no-fail-fast "$@" \
	-p pallet-tiered-staking \
	--features pallet-tiered-staking/runtime-benchmarks,pallet-tiered-staking/try-runtime \
	|| status=$?
# The @polkadot/api client tests (npm).
scripts/js-test.sh || status=$?
exit $status
