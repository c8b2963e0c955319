#!/usr/bin/env bash
# Regenerates chain-specs/{dev,local,testnet}.json (plain) and
# chain-specs/testnet-raw.json from the runtime's genesis presets. The test `committed_chain_specs_match_the_runtime_presets` fails
# when they are stale.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_workspace
for chain in dev local testnet; do
	"$GYM_NODE" export-chain-spec --chain "$chain" > "chain-specs/$chain.json"
	echo "wrote chain-specs/$chain.json"
done
"$GYM_NODE" export-chain-spec --chain testnet --raw > chain-specs/testnet-raw.json
echo "wrote chain-specs/testnet-raw.json"
