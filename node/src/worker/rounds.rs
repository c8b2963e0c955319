//! What the worker learns about jobs' rounds from `ComputeMining` events, and how it obtains a
//! round's base checkpoint.
//!
//! A job's first round trains from `initial_checkpoint(model, seed)`, whose hash the job names.
//! Every later round trains from the coordinate-wise median aggregate of the previous round's
//! accepted deltas, whose hash the round's committee voted with `complete_round`. The aggregate
//! takes the deltas accepted before the round's first vote (`RoundVoted`), which closes the
//! round to further deltas. Anyone who saw that round's `DeltaSubmitted`, `DeltaAccepted` and
//! `RoundVoted` events can rebuild it: fetch each accepted delta from its worker's endpoint
//! (`gym_getDelta`), check its hash, aggregate onto the round's base, and check the result
//! against the recorded hash. A node that starts in the middle of a job, after events it needs,
//! cannot rebuild the job's later checkpoints (it logs so).

use super::{chain::Chain, error::WorkerError, Context, LOG};
use gym_runtime::{AccountId, BlockNumber, RuntimeEvent};
use gym_trainer::{aggregate, initial_checkpoint, Checkpoint, MAX_DELTA_BYTES};
use pallet_compute_mining::Event as MiningEvent;
use pallet_compute_mining_runtime_api::{JobId, JobInfo};
use sp_core::H256;
use std::{
	collections::{BTreeMap, BTreeSet, HashMap},
	time::Duration,
};

/// A job's round: (job, round).
pub type RoundId = (JobId, u32);

/// How long an HTTP request to a worker's endpoint may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(20);

/// One round as the events told it.
#[derive(Debug, Default, Clone)]
pub struct RoundLog {
	/// The delta hash each worker submitted.
	pub submitted: BTreeMap<AccountId, H256>,
	/// Workers whose delta was accepted into the round's aggregate, in the order of acceptance.
	pub accepted: Vec<AccountId>,
	/// Workers whose delta was rejected.
	pub rejected: BTreeSet<AccountId>,
	/// The block of the round's first `DeltaSubmitted`.
	pub first_submission: Option<BlockNumber>,
	/// Round committee members who voted a checkpoint (`RoundVoted`); the first vote closes the
	/// round's aggregate.
	pub voted: BTreeSet<AccountId>,
	/// The checkpoint recorded by `RoundCompleted`, and the block that recorded it.
	pub completed: Option<(H256, H256)>,
}

impl RoundLog {
	/// Deltas judged (accepted or rejected).
	pub fn judged(&self) -> usize {
		self.accepted.len() + self.rejected.len()
	}
}

/// Rounds seen, and how each completed round's checkpoint can be rebuilt.
#[derive(Debug, Default)]
pub struct Rounds {
	/// Rounds by id.
	pub rounds: HashMap<RoundId, RoundLog>,
	/// Checkpoint hash → the round it completed.
	pub checkpoints: HashMap<H256, RoundId>,
}

impl Rounds {
	/// Records the `ComputeMining` events of block `hash` (#`number`).
	pub fn note_block(
		&mut self,
		_chain: &Chain,
		hash: H256,
		number: BlockNumber,
		events: &[super::chain::EventRecord],
	) {
		for record in events {
			let RuntimeEvent::ComputeMining(event) = &record.event else { continue };
			match event {
				MiningEvent::DeltaSubmitted { job, worker, round, hash: delta, .. } => {
					let seen = self.rounds.entry((*job, *round)).or_default();
					seen.submitted.insert(worker.clone(), *delta);
					seen.first_submission.get_or_insert(number);
				}
				MiningEvent::DeltaAccepted { job, worker, round, .. } => {
					let seen = self.rounds.entry((*job, *round)).or_default();
					// Once the round closes no delta joins its aggregate.
					if seen.voted.is_empty() && !seen.accepted.contains(worker) {
						seen.accepted.push(worker.clone());
					}
				}
				MiningEvent::DeltaRejected { job, worker, round, .. } => {
					self.rounds.entry((*job, *round)).or_default().rejected.insert(worker.clone());
				}
				MiningEvent::RoundVoted { job, round, orchestrator, .. } => {
					self.rounds
						.entry((*job, *round))
						.or_default()
						.voted
						.insert(orchestrator.clone());
				}
				MiningEvent::RoundCompleted { job, round, checkpoint } => {
					self.rounds.entry((*job, *round)).or_default().completed =
						Some((*checkpoint, hash));
					self.checkpoints.insert(*checkpoint, (*job, *round));
				}
				_ => {}
			}
		}
	}
}

/// The checkpoint `job`'s `round` trains from, as far as `rounds` knows: the job's checkpoint
/// while the round is open, the job's base checkpoint for its first round, else the aggregate
/// that completed the round before.
pub(crate) fn base_of(
	rounds: &Rounds,
	job_id: JobId,
	job: &JobInfo<AccountId>,
	round: u32,
) -> Option<H256> {
	if round == job.round {
		return Some(job.checkpoint);
	}
	if round == job.spec.round {
		return Some(job.spec.base_checkpoint);
	}
	let previous = rounds.rounds.get(&(job_id, round.checked_sub(1)?))?;
	previous.completed.map(|(checkpoint, _)| checkpoint)
}

/// Loads checkpoint `hash` of `job`: from the store, as the job's initial checkpoint, or by
/// rebuilding it from the round that recorded it (see the module docs). A rebuilt or initial
/// checkpoint is stored.
pub(crate) async fn checkpoint(
	ctx: &Context,
	rounds: &Rounds,
	job_id: JobId,
	job: &JobInfo<AccountId>,
	hash: H256,
) -> Result<Checkpoint, WorkerError> {
	let model = job.spec.model;
	if let Some(found) = stored_checkpoint(ctx, model, hash)? {
		return Ok(found);
	}
	let initial = initial_checkpoint(model, job.spec.params.seed)?;
	if initial.hash() == hash.0 {
		ctx.shared.store.put(&initial.to_bytes())?;
		return Ok(initial);
	}
	let unavailable = WorkerError::CheckpointUnavailable;
	let Some(&(round_job, round)) = rounds.checkpoints.get(&hash) else {
		return Err(unavailable(format!(
			"checkpoint {hash:?} of job {job_id} is neither stored, initial nor the aggregate of a \
			 round this node saw"
		)));
	};
	let seen = rounds.rounds.get(&(round_job, round)).cloned().unwrap_or_default();
	let Some((_, completed_in)) = seen.completed else {
		return Err(unavailable(format!("round {round} of job {round_job} has no completion")));
	};
	// The round's base: the job's checkpoint just before the block that completed it.
	let parent = ctx.chain.parent(completed_in)?;
	let before = ctx.chain.job(parent, round_job)?.ok_or_else(|| {
		unavailable(format!("job {round_job} unknown before round {round} completed"))
	})?;
	let base = stored_checkpoint(ctx, model, before.checkpoint)?
		.or_else(|| (initial.hash() == before.checkpoint.0).then(|| initial.clone()))
		.ok_or_else(|| {
			unavailable(format!(
				"base {:?} of round {round} of job {round_job} is not stored",
				before.checkpoint
			))
		})?;
	let mut deltas = Vec::with_capacity(seen.accepted.len());
	for worker in &seen.accepted {
		let delta_hash = seen.submitted.get(worker).ok_or_else(|| {
			unavailable(format!("no submission seen for accepted worker {worker}"))
		})?;
		deltas.push(delta_bytes(ctx, worker, *delta_hash).await?);
	}
	let rebuilt = tokio::task::spawn_blocking(move || aggregate(&base, &deltas))
		.await
		.map_err(WorkerError::task("aggregation"))??;
	if rebuilt.hash() != hash.0 {
		return Err(WorkerError::AggregateMismatch {
			job: round_job,
			round,
			actual: H256(rebuilt.hash()),
			recorded: hash,
		});
	}
	ctx.shared.store.put(&rebuilt.to_bytes())?;
	log::info!(target: LOG, "rebuilt checkpoint {hash:?} of job {round_job} round {round}");
	Ok(rebuilt)
}

fn stored_checkpoint(
	ctx: &Context,
	model: u32,
	hash: H256,
) -> Result<Option<Checkpoint>, WorkerError> {
	let Some(bytes) = ctx.shared.store.get(&hash.0)? else {
		return Ok(None);
	};
	let checkpoint = Checkpoint::from_bytes(model, &bytes)
		.map_err(|e| WorkerError::CorruptStore(format!("checkpoint {hash:?}: {e}")))?;
	Ok((checkpoint.hash() == hash.0).then_some(checkpoint))
}

/// The bytes of `worker`'s delta `hash`: from the store, or fetched from the worker's endpoint
/// and checked against the hash (then stored).
pub(crate) async fn delta_bytes(
	ctx: &Context,
	worker: &AccountId,
	hash: H256,
) -> Result<Vec<u8>, WorkerError> {
	if let Some(bytes) = ctx.shared.store.get(&hash.0)? {
		if gym_trainer::blake2_256(&bytes) == hash.0 {
			return Ok(bytes);
		}
	}
	let endpoint = endpoint_of(ctx, worker)?;
	let bytes = fetch_delta(&endpoint, hash).await?;
	if gym_trainer::blake2_256(&bytes) != hash.0 {
		return Err(WorkerError::BadPeerData {
			endpoint,
			reason: format!("the bytes do not hash to {hash:?}"),
		});
	}
	ctx.shared.store.put(&bytes)?;
	Ok(bytes)
}

/// `worker`'s registered endpoint at the best block.
pub(crate) fn endpoint_of(ctx: &Context, worker: &AccountId) -> Result<String, WorkerError> {
	let (best, _) = ctx.chain.best();
	let info = ctx
		.chain
		.worker_info(best, worker)?
		.ok_or_else(|| WorkerError::NotAWorker(worker.clone()))?;
	endpoint_string(worker, info.endpoint.into_inner())
}

/// A registered endpoint as a string.
pub(crate) fn endpoint_string(worker: &AccountId, bytes: Vec<u8>) -> Result<String, WorkerError> {
	String::from_utf8(bytes).map_err(|_| WorkerError::BadEndpoint(worker.clone()))
}

/// `endpoint` failing with `reason`.
fn unreachable(endpoint: &str, reason: impl std::fmt::Display) -> WorkerError {
	WorkerError::Unreachable { endpoint: endpoint.into(), reason: reason.to_string() }
}

fn http_client(endpoint: &str) -> Result<jsonrpsee::http_client::HttpClient, WorkerError> {
	// Hex doubles the bytes; leave room for the JSON around them.
	let max_response = u32::try_from(2 * MAX_DELTA_BYTES + 64 * 1024).unwrap_or(u32::MAX);
	jsonrpsee::http_client::HttpClientBuilder::default()
		.request_timeout(FETCH_TIMEOUT)
		.max_response_size(max_response)
		.build(endpoint)
		.map_err(|e| unreachable(endpoint, e))
}

/// Fetches delta (or checkpoint) `hash` from `endpoint` with `gym_getDelta`. The bytes are not
/// checked against the hash here.
pub(crate) async fn fetch_delta(endpoint: &str, hash: H256) -> Result<Vec<u8>, WorkerError> {
	use jsonrpsee::core::client::ClientT;
	let client = http_client(endpoint)?;
	let answer: Option<String> = client
		.request("gym_getDelta", jsonrpsee::rpc_params![hash])
		.await
		.map_err(|e| unreachable(endpoint, format!("gym_getDelta: {e}")))?;
	let hex = answer.ok_or_else(|| WorkerError::NotServed {
		endpoint: endpoint.into(),
		what: format!("{hash:?}"),
	})?;
	let bad = |reason: String| WorkerError::BadPeerData { endpoint: endpoint.into(), reason };
	if hex.len() > 2 * MAX_DELTA_BYTES + 2 {
		return Err(bad(format!("more than {MAX_DELTA_BYTES} bytes")));
	}
	super::from_hex(&hex).map_err(|e| bad(format!("not hex: {e}")))
}

/// Fetches the signed attestation report served at `endpoint` (`gym_attestation`).
pub(crate) async fn fetch_attestation(
	endpoint: &str,
) -> Result<super::SignedAttestation, WorkerError> {
	use jsonrpsee::core::client::ClientT;
	let client = http_client(endpoint)?;
	let answer: Option<super::SignedAttestation> = client
		.request("gym_attestation", jsonrpsee::rpc_params![])
		.await
		.map_err(|e| unreachable(endpoint, format!("gym_attestation: {e}")))?;
	answer.ok_or_else(|| WorkerError::NotServed {
		endpoint: endpoint.into(),
		what: "an attestation report".into(),
	})
}
