#!/usr/bin/env bash
# Regenerates chain-specs/{dev,local}.json (plain) from the runtime's genesis
# presets. The test `committed_chain_specs_match_the_runtime_presets` fails
# when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/setup.sh)"
# The runtime's wasm build must find this workspace's Cargo.lock even when
# CARGO_TARGET_DIR is outside the clone.
export WASM_BUILD_WORKSPACE_HINT="$PWD"
cargo build --release --locked --workspace
node="${CARGO_TARGET_DIR:-target}/release/gym-node"
for chain in dev local; do
	"$node" export-chain-spec --chain "$chain" > "chain-specs/$chain.json"
	echo "wrote chain-specs/$chain.json"
done
