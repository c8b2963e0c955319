#!/usr/bin/env bash
# Builds gym-node and starts a single-validator GYM development chain
# (Alice authors and finalizes; state is temporary). Extra arguments are
# passed to gym-node, e.g. `scripts/dev.sh --rpc-external`.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_workspace
exec "$GYM_NODE" --dev "$@"
