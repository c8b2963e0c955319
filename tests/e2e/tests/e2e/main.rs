//! GYM chain's end-to-end tests: real `gym-node` processes on loopback
//! ports, driven as a wallet, a miner or an operator would.
//!
//! One test binary, one module per area: the release profile links one
//! binary instead of eight, and libtest runs the scenarios side by side
//! (they spend most of their time waiting for 6-second blocks; each starts
//! its own nodes on free ports). `scripts/test.sh` sets `RUST_TEST_THREADS`.
//! Run one area with `cargo test --release --workspace --test e2e mining_rpc`.

mod cli;
mod dev_loop;
mod dev_node;
mod emission_rpc;
mod governance;
mod language_model;
mod mining_rpc;
mod mining_worker;
mod npos;
mod revenue_rpc;
mod staking_rpc;
mod testnet;
