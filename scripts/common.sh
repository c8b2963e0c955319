# Sourced by scripts/{dev,test,gen-chain-specs}.sh: prepares the toolchain and
# defines the one build every script shares.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
eval "$(scripts/setup.sh)"
# The runtime's wasm build must find this workspace's Cargo.lock even when
# CARGO_TARGET_DIR is outside the clone.
export WASM_BUILD_WORKSPACE_HINT="$PWD"

# The gym-node binary the build produces.
GYM_NODE="${CARGO_TARGET_DIR:-target}/release/gym-node"

# Builds every crate of the workspace in the release profile (the one profile
# for running and testing).
build_workspace() {
	cargo build --release --locked --workspace
}
