//! The node-side compute-mining worker: `gym-node --miner` trains and submits deltas,
//! `gym-node --orchestrator` judges them on the committees it is drawn for, disputes judgements
//! its own measurement contradicts, votes in disputes, verifies hardware and votes on rounds.
//! One task, spawned by the service, follows the best block; for each new best block it reads
//! the block's events once, then runs the orchestrator's step and the miner's step.
//!
//! - [`chain`]: reading state (runtime APIs, storage, events) and submitting signed
//!   extrinsics with the keystore's `gymm` / `gymo` keys.
//! - [`store`]: the content-addressed store of deltas and checkpoints, shared with the RPC
//!   (`gym_getDelta`, `gym_attestation`).
//! - [`rounds`]: what the worker learned from events about each job's rounds, and how a
//!   round's checkpoint is obtained (stored, initial, or aggregated from its accepted deltas).
//! - `miner` and `orchestrator`: the two roles.
//! - [`serve`]: the inference provider (`--serve-models`): `gym_infer` and the settlement of its
//!   customers' receipts.
//!
//! Errors never stop the node: each is logged as one line. A retryable one
//! ([`error::WorkerError::is_retryable`]) has its step tried again on a later block; a fatal one
//! gives the step up.

pub mod chain;
pub mod error;
mod local;
mod metrics;
mod miner;
mod orchestrator;
pub mod rounds;
pub mod serve;
pub mod store;

use chain::Chain;
use futures::StreamExt;
use gym_trainer::hardware::AttestationReport;
use metrics::Metrics;
use sc_client_api::BlockchainEvents;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};
use store::Store;

/// Command-line options of the worker (flattened into `gym-node`'s own options).
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerParams {
	/// Run the miner: register as a compute worker, send heartbeats, train the assigned job's
	/// rounds, serve and submit the deltas and claim rewards, with the `gymm` sr25519 key of the
	/// keystore (`gym-node key insert --key-type gymm --scheme sr25519 ...`). The account must
	/// have staked Bronze (1,000 GYM) first.
	#[arg(long)]
	pub miner: bool,

	/// Run the orchestrator: join the orchestrator set, judge the deltas of the committees it
	/// is drawn for (commit to a report, then reveal it), dispute judgements its own
	/// measurement contradicts, vote in disputes, finalise judged deltas, verify new workers'
	/// hardware and vote on rounds' checkpoints, with the `gymo` sr25519 key of the keystore.
	/// The account must have staked Gold (50,000 GYM) first.
	#[arg(long)]
	pub orchestrator: bool,

	/// The URL other nodes fetch this miner's deltas and attestation from (its JSON-RPC
	/// endpoint, registered on chain). Default: `http://127.0.0.1:<rpc port>`.
	#[arg(long, value_name = "URL")]
	pub miner_endpoint: Option<String>,

	/// The GPU's power draw in watts, for the mining economics the miner logs at start
	/// (electricity cost per epoch at the oracle's kWh price; see `gym_minerEconomics`).
	#[arg(long, value_name = "WATTS", default_value_t = 300)]
	pub miner_watts: u32,

	/// Blocks an orchestrator waits, after a round's first delta, for the other assigned
	/// workers' deltas to be final (judged, and past their 10-block dispute window) before it
	/// aggregates the accepted ones.
	#[arg(long, value_name = "BLOCKS", default_value_t = 30)]
	pub round_timeout: u32,

	/// The share of judged deltas, in percent, whose committee this orchestrator was not on
	/// that it measures itself to check the chain's verdict (disputing it if its measurement
	/// says otherwise). Deltas it judged on a committee are always checked.
	#[arg(long, value_name = "PERCENT", default_value_t = 100,
		value_parser = clap::value_parser!(u8).range(0..=100))]
	pub orchestrator_audit: u8,

	/// Serve registered models: answer `gym_infer` with the models this node can load (those of
	/// jobs it followed, and the development chains' genesis model), against receipts signed
	/// by customers with an open channel to this node's provider account (the `gymp` sr25519
	/// key of the keystore; `//Dave` on the development chains when there is none). The node
	/// registers as a provider and settles the receipts on chain.
	#[arg(long)]
	pub serve_models: bool,

	/// The price of one `gym_infer` call, in planck (default 0.01 GYM): each receipt must owe
	/// this much more than the last.
	#[arg(long, value_name = "PLANCK", default_value_t = 10_000_000_000_000_000)]
	pub inference_price: u128,

	/// Blocks between two settlements of the receipts this node accepted (a channel whose
	/// customer asked for its deposit back is settled at once).
	#[arg(long, value_name = "BLOCKS", default_value_t = 5)]
	pub settle_every: u32,

	/// Test only: serve bytes that do not match the submitted delta hash.
	#[arg(long, hide = true)]
	pub miner_corrupt_deltas: bool,

	/// Test only: the orchestrator's reports claim the opposite of what it measured (a valid
	/// delta is reported corrupt, a corrupt one as the best possible improvement), on
	/// committees, in disputes and in votes.
	#[arg(long, hide = true)]
	pub orchestrator_lie: bool,
}

impl WorkerParams {
	/// Whether any worker role is enabled.
	pub fn enabled(&self) -> bool {
		self.miner || self.orchestrator || self.serve_models
	}
}

/// A miner's attestation report with its sr25519 signature, as `gym_attestation` serves it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedAttestation {
	/// The report: hardware facts, class, benchmark and the block-hash nonce.
	pub report: AttestationReport,
	/// The exact bytes signed, 0x-hex: [`AttestationReport::signing_payload`]. Verifiers check
	/// the signature and the registered hash against these bytes, not against a re-encoding of
	/// `report` (a float need not survive a JSON round trip bit for bit).
	pub payload: String,
	/// The signing key (the worker account), 0x-hex of the 32-byte sr25519 public key.
	pub signer: String,
	/// sr25519 signature of [`AttestationReport::signing_payload`], 0x-hex.
	pub signature: String,
}

/// What the worker shares with the RPC: its store and its attestation report.
#[derive(Debug)]
pub struct Shared {
	/// Deltas and checkpoints by hash.
	pub store: Store,
	/// The miner's signed attestation report, once made (or loaded from the store).
	pub attestation: RwLock<Option<SignedAttestation>>,
	/// Hashes of this miner's sealed deltas, not served (`gym_getDelta`) until their round's
	/// submission window is over: nobody can seal a copy in time.
	embargoed: RwLock<std::collections::HashSet<[u8; 32]>>,
}

impl Shared {
	/// The shared state of a store in `dir`, with the attestation saved there, if any.
	pub fn open(dir: std::path::PathBuf) -> Self {
		let store = Store::new(dir);
		let attestation = RwLock::new(store.load_attestation());
		Shared { store, attestation, embargoed: Default::default() }
	}

	/// Whether `hash` is a sealed delta of this miner whose bytes are not served yet.
	pub fn is_embargoed(&self, hash: &[u8; 32]) -> bool {
		self.embargoed.read().is_ok_and(|e| e.contains(hash))
	}

	/// Serves `hash` only once [`Shared::release`]d (before the delta's bytes are stored).
	pub(crate) fn embargo(&self, hash: [u8; 32]) {
		if let Ok(mut e) = self.embargoed.write() {
			e.insert(hash);
		}
	}

	/// Serves `hash` from now on: its round's submission window is over.
	pub(crate) fn release(&self, hash: &[u8; 32]) {
		if let Ok(mut e) = self.embargoed.write() {
			e.remove(hash);
		}
	}

	/// The current attestation report.
	pub fn attestation(&self) -> Option<SignedAttestation> {
		self.attestation.read().ok().and_then(|a| a.clone())
	}

	fn set_attestation(&self, attestation: SignedAttestation) {
		if let Ok(mut slot) = self.attestation.write() {
			*slot = Some(attestation);
		}
	}
}

/// Everything the worker task needs from the service.
pub struct WorkerDeps {
	/// The client.
	pub client: Arc<crate::service::FullClient>,
	/// The transaction pool.
	pub pool: Arc<chain::Pool>,
	/// The node keystore.
	pub keystore: sp_keystore::KeystorePtr,
	/// Store and attestation shared with the RPC.
	pub shared: Arc<Shared>,
	/// The node's Prometheus registry, if it has one.
	pub registry: Option<substrate_prometheus_endpoint::Registry>,
	/// Where this node's JSON-RPC listens (for the default miner endpoint).
	pub rpc_port: u16,
	/// The inference provider, with `--serve-models`.
	pub server: Option<Arc<serve::ModelServer>>,
}

/// What both roles use.
pub(crate) struct Context {
	pub chain: Chain,
	pub shared: Arc<Shared>,
	pub metrics: Option<Metrics>,
	pub params: WorkerParams,
}

/// Spawns the worker as a named, non-essential task: when it fails it logs and stops, the node
/// goes on.
pub fn spawn(params: WorkerParams, deps: WorkerDeps, spawner: &sc_service::SpawnTaskHandle) {
	let metrics = deps.registry.as_ref().and_then(|r| match Metrics::register(r) {
		Ok(m) => Some(m),
		Err(e) => {
			log::warn!(target: LOG, "worker metrics not registered: {e}");
			None
		}
	});
	let endpoint = params
		.miner_endpoint
		.clone()
		.unwrap_or_else(|| format!("http://127.0.0.1:{}", deps.rpc_port));
	let client = deps.client.clone();
	let server = deps.server.clone();
	let ctx = Context {
		chain: Chain::new(deps.client, deps.pool, deps.keystore),
		shared: deps.shared,
		metrics,
		params,
	};
	spawner.spawn("gym-worker", Some("gym-worker"), async move {
		run(ctx, client, endpoint, server).await;
	});
}

/// On the `dev-mining` chain: for each enabled role whose key the keystore lacks, the key of
/// the account that chain's genesis staked for it (`//Charlie` mines, `//Bob` orchestrates),
/// so that `scripts/dev.sh --miner --orchestrator` runs the whole loop with nobody's help.
pub fn insert_dev_keys(params: &WorkerParams, keystore: &sp_keystore::KeystorePtr) {
	use gym_runtime::genesis_config_presets::{DEV_MINER, DEV_ORCHESTRATOR};
	use sp_keystore::Keystore;
	for (enabled, key_type, account) in [
		(params.miner, chain::MINER_KEY, DEV_MINER),
		(params.orchestrator, chain::ORCHESTRATOR_KEY, DEV_ORCHESTRATOR),
	] {
		if !enabled || !keystore.sr25519_public_keys(key_type).is_empty() {
			continue;
		}
		let seed = account.to_seed();
		match keystore.sr25519_generate_new(key_type, Some(&seed)) {
			Ok(_) => log::info!(
				target: LOG,
				"dev-mining chain: no {} key in the keystore, signing as {seed} (staked at genesis)",
				String::from_utf8_lossy(&key_type.0)
			),
			Err(e) => log::warn!(target: LOG, "dev-mining chain: {seed}'s key not inserted: {e}"),
		}
	}
}

/// The development chains' inference provider when the keystore has no `gymp` key: `//Dave`.
pub const DEV_PROVIDER: sp_keyring::Sr25519Keyring = sp_keyring::Sr25519Keyring::Dave;

/// On a development chain with `--serve-models`: the `gymp` key of [`DEV_PROVIDER`] if the
/// keystore has none, so that `gym-node --dev --serve-models` serves the genesis model at once.
pub fn insert_dev_provider_key(keystore: &sp_keystore::KeystorePtr) {
	use sp_keystore::Keystore;
	if !keystore.sr25519_public_keys(chain::PROVIDER_KEY).is_empty() {
		return;
	}
	let seed = DEV_PROVIDER.to_seed();
	match keystore.sr25519_generate_new(chain::PROVIDER_KEY, Some(&seed)) {
		Ok(_) => log::info!(target: LOG, "development chain: no gymp key, serving as {seed}"),
		Err(e) => log::warn!(target: LOG, "development chain: {seed}'s key not inserted: {e}"),
	}
}

/// The log target of the worker.
pub(crate) const LOG: &str = "gym-worker";

async fn run(
	ctx: Context,
	client: Arc<crate::service::FullClient>,
	endpoint: String,
	server: Option<Arc<serve::ModelServer>>,
) {
	let mut miner = ctx.params.miner.then(|| miner::Miner::new(endpoint.clone()));
	let mut orchestrator = ctx.params.orchestrator.then(orchestrator::Orchestrator::new);
	let mut rounds = rounds::Rounds::default();
	log::info!(
		target: LOG,
		"worker started (miner: {}, orchestrator: {}, serving models: {}, store: {})",
		ctx.params.miner,
		ctx.params.orchestrator,
		ctx.params.serve_models,
		ctx.shared.store.dir().display()
	);
	let mut blocks = client.import_notification_stream();
	while let Some(block) = blocks.next().await {
		if !block.is_new_best {
			continue;
		}
		let (hash, number) = (block.hash, block.header.number);
		let events = match ctx.chain.events(hash) {
			Ok(events) => events,
			Err(e) => {
				log::warn!(target: LOG, "events of #{number}: {e}");
				Vec::new()
			}
		};
		rounds.note_block(&ctx.chain, hash, number, &events);
		if let Some(o) = orchestrator.as_mut() {
			o.on_block(&ctx, &mut rounds, hash, number, &events).await;
		}
		if let Some(m) = miner.as_mut() {
			m.on_block(&ctx, &mut rounds, hash, number, &events).await;
		}
		if let Some(s) = server.as_ref() {
			if let Err(e) = s.on_block(&ctx.chain, hash, number, &endpoint).await {
				log::warn!(target: LOG, "inference provider at #{number}: {e}");
			}
		}
	}
}

/// `0x` followed by lower-case hex.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// The bytes of an optionally `0x`-prefixed hex string.
pub(crate) fn from_hex(s: &str) -> Result<Vec<u8>, hex::FromHexError> {
	hex::decode(s.trim_start_matches("0x"))
}

/// The hardware identity a miner registers (the chain allows one worker per identity):
/// blake2-256 of the GPU's NVML UUID when there is a GPU. A machine without a GPU has no
/// identity a report could prove (two machines may have the same CPU model), so its identity is
/// the CPU facts and the worker account: CPU workers are class `Other` (1.0x) and gain nothing
/// from registering twice.
pub(crate) fn hardware_hash(
	facts: &gym_trainer::hardware::HardwareFacts,
	account: &gym_runtime::AccountId,
) -> [u8; 32] {
	let mut preimage = b"gym-hardware-v1\n".to_vec();
	match &facts.gpu {
		Some(gpu) => {
			preimage.extend_from_slice(b"gpu:");
			preimage.extend_from_slice(gpu.uuid.as_bytes());
		}
		None => {
			preimage.extend_from_slice(b"cpu:");
			preimage.extend_from_slice(facts.cpu_model.as_bytes());
			preimage.extend_from_slice(&facts.logical_cores.to_le_bytes());
			preimage.extend_from_slice(AsRef::<[u8]>::as_ref(account));
		}
	}
	gym_trainer::blake2_256(&preimage)
}

#[cfg(test)]
mod tests {
	use super::*;
	use gym_trainer::hardware::{GpuFacts, HardwareFacts};

	fn cpu() -> HardwareFacts {
		HardwareFacts { cpu_model: "Some CPU".into(), logical_cores: 8, gpu: None }
	}

	#[test]
	fn a_gpu_backs_one_worker_whoever_registers_it() {
		let mut facts = cpu();
		facts.gpu = Some(GpuFacts {
			name: "NVIDIA H100 80GB HBM3".into(),
			uuid: "GPU-1234".into(),
			memory_bytes: 80 << 30,
			driver_version: "550.54.15".into(),
		});
		let (a, b) = (gym_runtime::AccountId::new([1; 32]), gym_runtime::AccountId::new([2; 32]));
		assert_eq!(hardware_hash(&facts, &a), hardware_hash(&facts, &b));
		let mut other = facts.clone();
		if let Some(gpu) = other.gpu.as_mut() {
			gpu.uuid = "GPU-5678".into();
		}
		assert_ne!(hardware_hash(&facts, &a), hardware_hash(&other, &a));
	}

	#[test]
	fn cpu_workers_are_told_apart_by_account() {
		let (a, b) = (gym_runtime::AccountId::new([1; 32]), gym_runtime::AccountId::new([2; 32]));
		assert_ne!(hardware_hash(&cpu(), &a), hardware_hash(&cpu(), &b));
	}
}
