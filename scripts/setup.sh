#!/usr/bin/env bash
# Prepares this machine to build gym-node (native node + wasm runtime).
#
# Two cases, detected automatically:
#  1. rustup already has the `wasm32v1-none` target: nothing to do.
#  2. It does not (e.g. a fresh Debian 12 box whose rustup cannot download
#     targets): install Debian's rustc-web 1.96 toolchain from bookworm-security,
#     build `core`, `alloc` and `compiler_builtins` for wasm32v1-none once,
#     install them into Debian's sysroot and link that toolchain into rustup
#     under the name `gym-wasm`. The runtime's wasm is then built with it.
#
# Source this script (`. scripts/setup.sh`) or read its last line of output:
# it exports WASM_BUILD_TOOLCHAIN / WASM_BUILD_RUSTFLAGS when case 2 applies.
# Every step is idempotent and returns quickly when already done.
set -euo pipefail

GYM_WASM_TOOLCHAIN="${GYM_WASM_TOOLCHAIN:-gym-wasm}"
WASM_TARGET=wasm32v1-none
DEBIAN_SYSROOT=/usr
RLIB_DIR="$DEBIAN_SYSROOT/lib/rustlib/$WASM_TARGET/lib"

say() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: $2"; }

need cargo "install Rust with rustup (https://rustup.rs)"
need rustup "install Rust with rustup (https://rustup.rs)"

# The native toolchain is the one rust-toolchain.toml pins (rustup reads the
# file in this directory). It must be installed with clippy and rustfmt;
# rustup installs it when it can reach its servers, otherwise say what to do.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PINNED=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
[ -n "$PINNED" ] || die "rust-toolchain.toml names no channel"
components=$(rustup component list --installed --toolchain "$PINNED" 2>/dev/null || true)
if ! rustup run "$PINNED" rustc --version >/dev/null 2>&1 \
	|| ! grep -q '^clippy' <<<"$components" || ! grep -q '^rustfmt' <<<"$components"; then
	say "installing Rust $PINNED with clippy and rustfmt (rust-toolchain.toml)"
	rustup toolchain install "$PINNED" --profile minimal --component clippy --component rustfmt >&2 \
		|| die "Rust $PINNED (rust-toolchain.toml) is not installed and rustup could not install it: run 'rustup toolchain install $PINNED --component clippy --component rustfmt' where rustup can download"
fi

# protoc is needed by the networking crates' build scripts; clang by none of
# ours (ParityDB only, no RocksDB).
apt_install() {
	need apt-get "this fallback needs Debian 12 (apt-get); install $* yourself"
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	say "installing $* with apt-get"
	$sudo apt-get update -qq >&2 || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2 \
		|| die "apt-get install $* failed (Debian 12 'bookworm-security' must be in the apt sources)"
}

if ! command -v protoc >/dev/null 2>&1; then
	apt_install protobuf-compiler
fi

if rustup target list --installed --toolchain "$PINNED" 2>/dev/null | grep -qx "$WASM_TARGET"; then
	say "Rust $PINNED has $WASM_TARGET: it builds the runtime too"
	exit 0
fi

say "Rust $PINNED has no $WASM_TARGET target: Debian's rustc-web toolchain builds the runtime's wasm"

have_debian_toolchain() {
	[ -x /usr/bin/rustc ] && /usr/bin/rustc --version 2>/dev/null | grep -q '^rustc 1\.\(9[0-9]\|[1-9][0-9][0-9]\)' \
		&& [ -d "$DEBIAN_SYSROOT/lib/rustlib/src/rust/library/core" ] && [ -x /usr/bin/cargo ] \
		&& command -v wasm-ld-22 >/dev/null 2>&1
}
if ! have_debian_toolchain; then
	apt_install -t bookworm-security rustc-web cargo-web rust-web-src lld-22
	have_debian_toolchain || die "Debian's rustc-web/cargo-web/rust-web-src/lld-22 did not install a usable toolchain"
fi

if ! ls "$RLIB_DIR"/libcore-*.rlib >/dev/null 2>&1 || ! ls "$RLIB_DIR"/liballoc-*.rlib >/dev/null 2>&1; then
	say "building core/alloc for $WASM_TARGET (once, about a minute)"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/src"
	cat > "$work/Cargo.toml" <<'TOML'
[package]
name = "gym-wasm-sysroot"
version = "0.0.0"
edition = "2021"
[lib]
path = "src/lib.rs"
[profile.release]
panic = "abort"
TOML
	echo '#![no_std]' > "$work/src/lib.rs"
	( cd "$work" && RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTFLAGS="-Cembed-bitcode=yes" \
		/usr/bin/cargo build --quiet --release --target "$WASM_TARGET" -Zbuild-std=core,alloc \
		--target-dir "$work/target" >&2 ) || die "building core/alloc for $WASM_TARGET failed"
	deps="$work/target/$WASM_TARGET/release/deps"
	mkdir -p "$RLIB_DIR" 2>/dev/null || sudo mkdir -p "$RLIB_DIR"
	for lib in core alloc compiler_builtins; do
		ls "$deps"/lib${lib}-*.rlib >/dev/null 2>&1 || die "lib$lib for $WASM_TARGET was not built"
	done
	cp "$deps"/libcore-*.rlib "$deps"/liballoc-*.rlib "$deps"/libcompiler_builtins-*.rlib "$RLIB_DIR"/ 2>/dev/null \
		|| sudo cp "$deps"/libcore-*.rlib "$deps"/liballoc-*.rlib "$deps"/libcompiler_builtins-*.rlib "$RLIB_DIR"/
	# rustc_std_workspace_core is a dependency of compiler_builtins.
	cp "$deps"/librustc_std_workspace_core-*.rlib "$RLIB_DIR"/ 2>/dev/null || true
fi

if ! rustup toolchain list | grep -q "^$GYM_WASM_TOOLCHAIN"; then
	say "linking Debian's toolchain into rustup as '$GYM_WASM_TOOLCHAIN'"
	rustup toolchain link "$GYM_WASM_TOOLCHAIN" "$DEBIAN_SYSROOT" >&2
fi

# Print the environment the build needs; callers `eval` it.
echo "export WASM_BUILD_TOOLCHAIN=$GYM_WASM_TOOLCHAIN"
echo "export WASM_BUILD_RUSTFLAGS='-C link-arg=--allow-undefined'"
