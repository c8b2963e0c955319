#!/usr/bin/env bash
# Runs the runtime benchmarks of GYM's pallets and regenerates their
# weights.rs from the measurements:
#
#   scripts/bench.sh                      # every GYM pallet
#   scripts/bench.sh pallet_gym_emission  # one pallet
#
# Builds gym-node with `--features runtime-benchmarks` (a separate build of
# the node and runtime: ~20 min cold here), then runs
# `gym-node benchmark pallet` against the wasm runtime and its `development` preset.
set -euo pipefail
source "$(dirname "$0")/common.sh"

# pallet name in the runtime's define_benchmarks! -> crate directory
declare -A PALLETS=(
	[pallet_gym_emission]=pallets/gym-emission
	[pallet_tiered_staking]=pallets/tiered-staking
	[pallet_revenue_split]=pallets/revenue-split
	[pallet_compute_mining]=pallets/compute-mining
)
STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"

# frame-benchmarking-cli carries a test runtime for `benchmark storage`, which
# gym-node does not offer; its wasm build cannot resolve itself from this
# workspace, so it is skipped.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
cargo build --release --locked -p gym-node --features runtime-benchmarks
WASM="${CARGO_TARGET_DIR:-target}/release/wbuild/gym-runtime/gym_runtime.compact.compressed.wasm"

selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${!PALLETS[@]}")
for pallet in "${selected[@]}"; do
	dir="${PALLETS[$pallet]:?unknown pallet $pallet (known: ${!PALLETS[*]})}"
	"$GYM_NODE" benchmark pallet \
		--runtime "$WASM" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--pallet "$pallet" \
		--extrinsic '*' \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--heap-pages 4096 \
		--template .maintain/frame-weight-template.hbs \
		--output "$dir/src/weights.rs"
	echo "wrote $dir/src/weights.rs"
done
