//! Command-line interface of `gym-node`.

/// Subcommands of `gym-node`; without one, the node runs.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management utilities (generate, inspect, insert keys into the keystore).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export the chain specification of `--chain` as JSON (plain or `--raw`).
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Print the GYM emission schedule as a monthly table; optionally write
	/// it as CSV and plot it as SVG.
	EmissionSchedule(crate::emission_report::EmissionScheduleCmd),

	/// Runtime benchmarks (`benchmark pallet --runtime <wasm> ...`): measure
	/// the pallets' calls and write their `weights.rs`. Only in a node built
	/// with `--features runtime-benchmarks` (see `scripts/bench.sh`).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

/// The `gym-node` command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A subcommand; without one the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of the running node (`--dev`, `--chain`, `--validator`, RPC, ...).
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// Compute-mining worker options (`--miner`, `--orchestrator`, ...).
	#[clap(flatten)]
	pub worker: crate::worker::WorkerParams,
}
