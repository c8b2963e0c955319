//! `gym-node`: the GYM chain node. Runs a validator (BABE + GRANDPA) with
//! JSON-RPC for polkadot.js and other clients, and, with `--miner` and
//! `--orchestrator`, the compute-mining worker (see `worker`).

#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod emission_report;
mod rpc;
mod service;
mod worker;

fn main() {
	if let Err(e) = command::run() {
		// One clear line for the user, no backtrace.
		eprintln!("Error: {e}");
		std::process::exit(1);
	}
}
