#!/usr/bin/env bash
# Runs the runtime benchmarks of GYM's pallets and regenerates their
# weights.rs from the measurements, and those of the FRAME parts whose weights
# the runtime measures itself (the transaction extensions every signed
# transaction pays for) into runtime/src/weights/:
#
#   scripts/bench.sh                      # all of them
#   scripts/bench.sh pallet_gym_emission  # one
#
# Run it on an otherwise idle machine: the weights are the measured times.
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
	[pallet_gym_validators]=pallets/gym-validators
	[pallet_gym_governance]=pallets/gym-governance
	[pallet_gym_liquidity]=pallets/gym-liquidity
	[pallet_gym_stability]=pallets/gym-stability
	[pallet_gym_products]=pallets/gym-products
)
# FRAME benchmarks whose weights belong to this runtime (default template of
# frame-benchmarking-cli, `T::DbWeight` = ParityDB) -> output file
declare -A RUNTIME_WEIGHTS=(
	[frame_system_extensions]=runtime/src/weights/frame_system_extensions.rs
	[pallet_transaction_payment]=runtime/src/weights/pallet_transaction_payment.rs
)
STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"

# frame-benchmarking-cli carries a test runtime for `benchmark storage`, which
# gym-node does not offer; its wasm build cannot resolve itself from this
# workspace, so it is skipped.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
cargo build --release --locked -p gym-node --features runtime-benchmarks
WASM="${CARGO_TARGET_DIR:-target}/release/wbuild/gym-runtime/gym_runtime.compact.compressed.wasm"

# Benchmarks pallet $1 and writes its weights to $2 (further arguments go to
# the CLI).
bench() {
	local pallet="$1" output="$2"
	shift 2
	"$GYM_NODE" benchmark pallet \
		--runtime "$WASM" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--pallet "$pallet" \
		--extrinsic '*' \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--heap-pages 4096 \
		--output "$output" "$@"
	echo "wrote $output"
}

selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${!PALLETS[@]}" "${!RUNTIME_WEIGHTS[@]}")
for pallet in "${selected[@]}"; do
	if [ -n "${PALLETS[$pallet]:-}" ]; then
		bench "$pallet" "${PALLETS[$pallet]}/src/weights.rs" \
			--template .maintain/frame-weight-template.hbs
	elif [ -n "${RUNTIME_WEIGHTS[$pallet]:-}" ]; then
		bench "$pallet" "${RUNTIME_WEIGHTS[$pallet]}"
	else
		echo "unknown pallet $pallet (known: ${!PALLETS[*]} ${!RUNTIME_WEIGHTS[*]})" >&2
		exit 1
	fi
done
