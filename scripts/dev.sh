#!/usr/bin/env bash
# Builds gym-node and starts a single-validator GYM development chain
# (Alice authors and finalizes; state is temporary). Extra arguments are
# passed to gym-node, e.g. `scripts/dev.sh --rpc-external`.
#
# With `--miner` and/or `--orchestrator` it starts the `dev-mining` chain
# instead: its genesis stakes //Bob (Gold, the orchestrator) and //Charlie
# (Bronze, the miner) and holds a governance job, and the node signs as them,
# so a delta is trained, judged and paid within two minutes with nobody's
# help (`gym_pendingRewards` of Charlie shows it).
set -euo pipefail
source "$(dirname "$0")/common.sh"
chain=()
for arg in "$@"; do
	case "$arg" in
	--miner | --orchestrator) chain=(--chain dev-mining) ;;
	esac
done
build_workspace
exec "$GYM_NODE" --dev ${chain[@]+"${chain[@]}"} "$@"
