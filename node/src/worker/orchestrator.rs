//! The orchestrator (`--orchestrator`, key type `gymo`). On every new best block:
//!
//! 1. a Gold account outside the orchestrator set joins it (`join_orchestrators`); the steps
//!    below wait for the membership;
//! 2. every delta whose committee holds this orchestrator (`CommitteeDrawn`, in the block after
//!    its `DeltaSubmitted`) is measured: the delta is fetched from the worker's endpoint
//!    (`gym_getDelta`) and measured with `gym_trainer::evaluate_delta` against the round's base
//!    checkpoint (a delta that cannot be fetched after a few blocks is reported
//!    `HashMismatch`). The orchestrator commits to its report with a fresh secret salt
//!    (`commit_report`), and reveals report and salt (`reveal_report`) once the whole committee
//!    has committed or the commit deadline passed;
//! 3. a delta still pending after its reveal deadline (or after its commit deadline with no
//!    commitment) is closed with `close_delta` (free): at once by a member who revealed, 10
//!    blocks later by anyone else, so that not every orchestrator sends the one close that
//!    can succeed;
//! 4. every `WorkerRegistered` of another account has its hardware checked: the signed
//!    attestation report is fetched (`gym_attestation`), its signature, hash, class, hardware
//!    hash, nonce and benchmark checked, then `verify_hardware`;
//! 5. a round whose committee (`RoundCommittees`) holds this orchestrator is voted on when its
//!    assigned workers' deltas are all judged, when its first delta is `--round-timeout` blocks
//!    old, or at once when another member voted (the round is closing): the deltas accepted in
//!    the round (as many as the job counts, in the order of acceptance) are aggregated by
//!    coordinate-wise median onto the base, the checkpoint stored (and served) and voted with
//!    `complete_round`;
//! 6. a rejection that this orchestrator's own extrinsic produced (the `reveal_report` or
//!    `close_delta` that judged the delta) has its worker's 5% slash charged with
//!    `settle_slash` (free; the judge alone sends it, so no two orchestrators race).

use super::{
	chain::{account_of, EventRecord, ORCHESTRATOR_KEY},
	error::WorkerError,
	from_hex,
	rounds::{self, RoundId},
	Context, SignedAttestation, LOG,
};
use gym_primitives::{
	mining::{DeltaVerdict, GpuClass, ValidationReport},
	staking::Tier,
};
use gym_runtime::{AccountId, BlockNumber, Runtime, RuntimeCall, RuntimeEvent};
use gym_trainer::{aggregate, evaluate_delta, hardware, DeltaError};
use pallet_compute_mining::{Call as MiningCall, DeltaStatus, Event as MiningEvent};
use pallet_compute_mining_runtime_api::{JobId, WorkerInfo};
use sp_blockchain::HeaderBackend;
use sp_core::{sr25519, Pair, H256};
use std::{
	collections::{HashMap, HashSet},
	io::IsTerminal,
};

/// Blocks a delta that cannot be fetched is retried before it is reported `HashMismatch`.
const FETCH_ATTEMPTS: u32 = 3;
/// Blocks in a row a `settle_slash` or `commit_report` the pool refuses is sent again.
const SUBMIT_ATTEMPTS: u32 = 3;
/// Blocks a delta whose base checkpoint this node cannot load is retried before it is left to
/// other orchestrators.
const BASE_ATTEMPTS: u32 = 20;
/// Blocks before a `join_orchestrators`, `complete_round` or `close_delta` that did not take
/// effect is sent again.
const RETRY_BLOCKS: BlockNumber = 10;
/// Blocks before a `reveal_report` that did not take effect is sent again (the reveal window
/// is longer).
const REVEAL_RETRY_BLOCKS: BlockNumber = 3;
/// How many blocks before its registration a report's nonce (a block hash) may be.
const NONCE_MAX_AGE: BlockNumber = 100;

/// A delta waiting for this orchestrator's commitment.
struct PendingDelta {
	job: JobId,
	worker: AccountId,
	round: u32,
	hash: H256,
	/// The report, once measured (kept when its commitment is refused).
	report: Option<ValidationReport>,
	fetch_failures: u32,
	base_failures: u32,
	report_failures: u32,
}

/// A report this orchestrator committed to, to reveal.
struct Commitment {
	job: JobId,
	worker: AccountId,
	round: u32,
	hash: H256,
	report: ValidationReport,
	salt: H256,
	/// The block the reveal was last sent at.
	revealed_at: Option<BlockNumber>,
}

/// A delta submitted on chain, watched until it is judged, to close it if its committee does
/// not.
struct Watched {
	job: JobId,
	worker: AccountId,
	round: u32,
	hash: H256,
	/// The block `close_delta` was last sent at.
	close_sent: Option<BlockNumber>,
}

/// What became of measuring a delta.
enum Attempt {
	/// The report to commit to.
	Measured(ValidationReport),
	/// No longer needed (the job's model is unknown to this node).
	Skip,
	/// The delta could not be fetched.
	FetchFailed(WorkerError),
	/// This node could not load the round's base or the job.
	BaseUnavailable(WorkerError),
}

/// The orchestrator's memory between blocks.
pub(crate) struct Orchestrator {
	warned: HashSet<&'static str>,
	/// The block `join_orchestrators` was last sent at.
	join_sent: Option<BlockNumber>,
	/// Deltas to measure and commit to.
	pending: Vec<PendingDelta>,
	/// Reports committed to and not yet seen revealed.
	commitments: Vec<Commitment>,
	/// Deltas not yet judged, to close after their deadline.
	watched: Vec<Watched>,
	/// Workers whose hardware is to be verified, with failed fetches so far.
	hardware: Vec<(AccountId, u32)>,
	/// Rounds this orchestrator sent `complete_round` for, and when.
	completing: HashMap<RoundId, BlockNumber>,
	/// Workers whose slash this orchestrator is to charge, with refused attempts so far.
	settling: Vec<(AccountId, u32)>,
}

impl Orchestrator {
	/// An orchestrator with nothing to do yet.
	pub fn new() -> Self {
		Orchestrator {
			warned: HashSet::new(),
			join_sent: None,
			pending: Vec::new(),
			commitments: Vec::new(),
			watched: Vec::new(),
			hardware: Vec::new(),
			completing: HashMap::new(),
			settling: Vec::new(),
		}
	}

	/// One step at the new best block `hash` (#`number`) with its `events`.
	pub async fn on_block(
		&mut self,
		ctx: &Context,
		rounds: &mut rounds::Rounds,
		hash: H256,
		number: BlockNumber,
		events: &[EventRecord],
	) {
		let Some(public) = ctx.chain.key(ORCHESTRATOR_KEY) else {
			if self.warned.insert("key") {
				log::warn!(
					target: LOG,
					"orchestrator: no gymo key in the keystore; insert one with `gym-node key \
					 insert --key-type gymo --scheme sr25519 --suri <secret>`"
				);
			}
			return;
		};
		let me = account_of(&public);
		// Below Gold the chain refuses an orchestrator's calls: keep what arrives queued.
		let is_gold = matches!(
			ctx.chain.stake_info(hash, &me).map(|s| s.tier),
			Ok(Some(Tier::Gold | Tier::Platinum | Tier::Diamond))
		);
		if !is_gold && self.warned.insert("stake") {
			log::warn!(
				target: LOG,
				"orchestrator: {me} has not staked Gold (50,000 GYM): waiting for the stake"
			);
		}
		self.note_events(ctx, hash, events, &me);
		self.settle_slashes(ctx, &public, &me, hash, events).await;
		if !is_gold || !self.join_set(ctx, &public, &me, hash, number).await {
			return;
		}
		self.commit_reports(ctx, rounds, &public, &me).await;
		self.reveal_reports(ctx, &public, &me, hash, number).await;
		self.close_overdue(ctx, &public, &me, hash, number).await;
		self.verify_workers(ctx, &public).await;
		self.complete_rounds(ctx, rounds, &public, &me, hash, number).await;
	}

	/// Queues the work the `events` of block `at` bring: deltas to watch, deltas to measure
	/// (those whose committee holds `me`), workers whose hardware to verify.
	fn note_events(&mut self, ctx: &Context, at: H256, events: &[EventRecord], me: &AccountId) {
		for record in events {
			let RuntimeEvent::ComputeMining(event) = &record.event else { continue };
			match event {
				MiningEvent::DeltaSubmitted { job, worker, round, hash, .. } => {
					self.watched.retain(|w| (w.job, &w.worker) != (*job, worker));
					self.watched.push(Watched {
						job: *job,
						worker: worker.clone(),
						round: *round,
						hash: *hash,
						close_sent: None,
					});
				}
				// Drawn in the block after the submission.
				MiningEvent::CommitteeDrawn { job, worker, round, committee }
					if worker != me && committee.contains(me) =>
				{
					let watched = self
						.watched
						.iter()
						.find(|w| (w.job, &w.worker, w.round) == (*job, worker, *round))
						.map(|w| w.hash);
					// A node started after the submission reads the hash from the record.
					let hash = match watched {
						Some(hash) => hash,
						None => match ctx.chain.delta_record(at, *job, worker) {
							Ok(Some(record)) => record.hash,
							Ok(None) => continue,
							Err(e) => {
								log::warn!(target: LOG, "orchestrator: delta record: {e}");
								continue;
							}
						},
					};
					self.pending.push(PendingDelta {
						job: *job,
						worker: worker.clone(),
						round: *round,
						hash,
						report: None,
						fetch_failures: 0,
						base_failures: 0,
						report_failures: 0,
					})
				}
				MiningEvent::WorkerRegistered { worker, .. } if worker != me => {
					self.hardware.push((worker.clone(), 0))
				}
				_ => {}
			}
		}
	}

	/// Charges the slashes of the rejections `me`'s extrinsics in block `hash` produced.
	async fn settle_slashes(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		events: &[EventRecord],
	) {
		if events.iter().any(is_slashed_rejection) {
			match ctx.chain.extrinsic_signers(hash) {
				Ok(signers) => self
					.settling
					.extend(slashes_judged_by(events, &signers, me).into_iter().map(|w| (w, 0))),
				Err(e) => log::warn!(target: LOG, "orchestrator: extrinsics of {hash:?}: {e}"),
			}
		}
		for (worker, refused) in std::mem::take(&mut self.settling) {
			log::info!(target: LOG, "orchestrator: charging {worker}'s slash for a rejected delta");
			let call = MiningCall::<Runtime>::settle_slash { worker: worker.clone() };
			if let Err(e) =
				ctx.chain.submit(ORCHESTRATOR_KEY, public, RuntimeCall::ComputeMining(call)).await
			{
				log::warn!(target: LOG, "orchestrator: settle_slash: {e}");
				if e.is_retryable() && refused + 1 < SUBMIT_ATTEMPTS {
					self.settling.push((worker, refused + 1));
				}
			}
		}
	}

	/// Whether `me` is in the orchestrator set at block `hash`; if not, sends
	/// `join_orchestrators` (again every [`RETRY_BLOCKS`] while it does not take effect).
	async fn join_set(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		number: BlockNumber,
	) -> bool {
		match ctx.chain.orchestrators(hash) {
			Ok(set) if set.iter().any(|(member, _)| member == me) => {
				if self.join_sent.take().is_some() {
					log::info!(target: LOG, "orchestrator: {me} joined the orchestrator set");
				}
				return true;
			}
			Ok(_) => {}
			Err(e) => {
				log::warn!(target: LOG, "orchestrator: the orchestrator set: {e}");
				return false;
			}
		}
		if self.join_sent.is_some_and(|at| number.saturating_sub(at) < RETRY_BLOCKS) {
			return false;
		}
		self.join_sent = Some(number);
		log::info!(target: LOG, "orchestrator: {me} joins the orchestrator set");
		let call = MiningCall::<Runtime>::join_orchestrators {};
		if let Err(e) =
			ctx.chain.submit(ORCHESTRATOR_KEY, public, RuntimeCall::ComputeMining(call)).await
		{
			log::warn!(target: LOG, "orchestrator: join_orchestrators: {e}");
		}
		false
	}

	/// Measures every pending delta and commits to the report.
	async fn commit_reports(
		&mut self,
		ctx: &Context,
		rounds: &rounds::Rounds,
		public: &sr25519::Public,
		me: &AccountId,
	) {
		for mut delta in std::mem::take(&mut self.pending) {
			match awaits_commitment(ctx, me, &delta) {
				Ok(true) => {}
				Ok(false) => continue,
				Err(e) => {
					delta.base_failures += 1;
					if e.is_retryable() && delta.base_failures < BASE_ATTEMPTS {
						self.pending.push(delta);
					}
					continue;
				}
			}
			let report = match delta.report.take() {
				Some(report) => report,
				None => match measure(ctx, rounds, &delta).await {
					Attempt::Measured(report) => report,
					Attempt::Skip => continue,
					Attempt::FetchFailed(e) => {
						delta.fetch_failures += 1;
						if e.is_retryable() && delta.fetch_failures < FETCH_ATTEMPTS {
							log::info!(target: LOG, "orchestrator: fetch failed, will retry: {e}");
							self.pending.push(delta);
							continue;
						}
						log::warn!(
							target: LOG,
							"orchestrator: {}'s delta {:?} could not be fetched ({e}): reporting \
							 HashMismatch",
							delta.worker,
							delta.hash
						);
						corrupt_report(DeltaVerdict::HashMismatch)
					}
					Attempt::BaseUnavailable(e) => {
						delta.base_failures += 1;
						if e.is_retryable() && delta.base_failures < BASE_ATTEMPTS {
							self.pending.push(delta);
						} else {
							log::warn!(target: LOG, "orchestrator: giving up on a delta: {e}");
						}
						continue;
					}
				},
			};
			if let Err(e) = self.commit(ctx, public, &delta, report).await {
				delta.report_failures += 1;
				if e.is_retryable() && delta.report_failures < SUBMIT_ATTEMPTS {
					delta.report = Some(report);
					self.pending.push(delta);
				}
			}
		}
	}

	/// Commits to `report` on `delta` with a fresh secret salt (`commit_report`) and remembers
	/// both, to reveal them later.
	async fn commit(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		delta: &PendingDelta,
		report: ValidationReport,
	) -> Result<(), WorkerError> {
		log::info!(
			target: LOG,
			"orchestrator: committing to a report on {}'s delta for job {} round {}: {:?}, loss \
			 {} → {}, validation {} → {}, variance {} (millionths)",
			delta.worker,
			delta.job,
			delta.round,
			report.verdict,
			report.loss_before,
			report.loss_after,
			report.val_loss_before,
			report.val_loss_after,
			report.grad_variance
		);
		// 32 bytes of the operating system's randomness (sp-core draws a key seed from it).
		let salt = H256(sr25519::Pair::generate().1);
		let commitment =
			pallet_compute_mining::report_commitment(&report, &salt, &account_of(public));
		let call = MiningCall::<Runtime>::commit_report {
			job_id: delta.job,
			worker: delta.worker.clone(),
			commitment,
		};
		ctx.chain
			.submit(ORCHESTRATOR_KEY, public, RuntimeCall::ComputeMining(call))
			.await
			.inspect_err(|e| log::warn!(target: LOG, "orchestrator: commit_report: {e}"))?;
		self.commitments.push(Commitment {
			job: delta.job,
			worker: delta.worker.clone(),
			round: delta.round,
			hash: delta.hash,
			report,
			salt,
			revealed_at: None,
		});
		Ok(())
	}

	/// Reveals every committed report whose reveal phase is open at the next block, until the
	/// chain shows it revealed or the delta judged.
	async fn reveal_reports(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		number: BlockNumber,
	) {
		// A transaction sent now lands in the next block at the earliest.
		let next = number.saturating_add(1);
		for mut c in std::mem::take(&mut self.commitments) {
			let record = match ctx.chain.delta_record(hash, c.job, &c.worker) {
				Ok(Some(record)) if is_announced(&record, c.round, c.hash) => record,
				Ok(_) => continue,
				Err(e) => {
					log::warn!(target: LOG, "orchestrator: delta record: {e}");
					self.commitments.push(c);
					continue;
				}
			};
			if record.reports.iter().any(|(member, _)| member == me) {
				continue;
			}
			if !record.commits.iter().any(|(member, _)| member == me) {
				if next > record.commit_deadline {
					log::warn!(
						target: LOG,
						"orchestrator: the commitment on {}'s delta for job {} never landed",
						c.worker,
						c.job
					);
				} else {
					self.commitments.push(c);
				}
				continue;
			}
			if next > record.reveal_deadline {
				log::warn!(
					target: LOG,
					"orchestrator: the reveal window of {}'s delta for job {} passed",
					c.worker,
					c.job
				);
				continue;
			}
			let due =
				c.revealed_at.is_none_or(|at| number.saturating_sub(at) >= REVEAL_RETRY_BLOCKS);
			if record.reveals_open(next) && due {
				c.revealed_at = Some(number);
				log::info!(
					target: LOG,
					"orchestrator: revealing the report on {}'s delta for job {} round {}",
					c.worker,
					c.job,
					c.round
				);
				let call = MiningCall::<Runtime>::reveal_report {
					job_id: c.job,
					worker: c.worker.clone(),
					report: c.report,
					salt: c.salt,
				};
				match ctx
					.chain
					.submit(ORCHESTRATOR_KEY, public, RuntimeCall::ComputeMining(call))
					.await
				{
					Ok(()) => {
						if let Some(m) = &ctx.metrics {
							m.deltas_validated.inc();
						}
					}
					Err(e) => {
						log::warn!(target: LOG, "orchestrator: reveal_report: {e}");
						if e.is_retryable() {
							c.revealed_at = None;
						}
					}
				}
			}
			self.commitments.push(c);
		}
	}

	/// Closes every watched delta still pending after its deadline (`close_delta`, free).
	async fn close_overdue(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		number: BlockNumber,
	) {
		for mut w in std::mem::take(&mut self.watched) {
			let record = match ctx.chain.delta_record(hash, w.job, &w.worker) {
				Ok(Some(record)) if is_announced(&record, w.round, w.hash) => record,
				Ok(_) => continue,
				Err(e) => {
					log::warn!(target: LOG, "orchestrator: delta record: {e}");
					self.watched.push(w);
					continue;
				}
			};
			let due = w.close_sent.is_none_or(|at| number.saturating_sub(at) >= RETRY_BLOCKS);
			// A member who revealed closes at once; anyone else waits RETRY_BLOCKS more, so
			// that orchestrators do not all send the one `close_delta` that can succeed (a
			// failing one pays its fee).
			let revealed = record.reports.iter().any(|(by, _)| by == me);
			let wait = if revealed { 0 } else { RETRY_BLOCKS };
			if record.closable(number.saturating_add(1).saturating_sub(wait)) && due {
				w.close_sent = Some(number);
				log::info!(
					target: LOG,
					"orchestrator: closing {}'s delta for job {} round {}: {} of {} reports \
					 revealed by the deadline",
					w.worker,
					w.job,
					w.round,
					record.reports.len(),
					record.committee.len()
				);
				let call =
					MiningCall::<Runtime>::close_delta { job_id: w.job, worker: w.worker.clone() };
				if let Err(e) = ctx
					.chain
					.submit(ORCHESTRATOR_KEY, public, RuntimeCall::ComputeMining(call))
					.await
				{
					log::warn!(target: LOG, "orchestrator: close_delta: {e}");
				}
			}
			self.watched.push(w);
		}
	}

	/// Verifies the hardware of every newly registered worker.
	async fn verify_workers(&mut self, ctx: &Context, public: &sr25519::Public) {
		for (worker, failures) in std::mem::take(&mut self.hardware) {
			match verify_hardware(ctx, public, &worker).await {
				Ok(()) => {}
				Err(e) if e.is_retryable() && failures + 1 < FETCH_ATTEMPTS => {
					log::info!(target: LOG, "orchestrator: hardware of {worker}, will retry: {e}");
					self.hardware.push((worker, failures + 1));
				}
				Err(e) => {
					log::warn!(target: LOG, "orchestrator: hardware of {worker} not verified: {e}")
				}
			}
		}
	}

	/// Votes the checkpoint of every ready round whose committee holds `me`.
	async fn complete_rounds(
		&mut self,
		ctx: &Context,
		rounds: &rounds::Rounds,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		number: BlockNumber,
	) {
		let open: Vec<(RoundId, rounds::RoundLog)> = rounds
			.rounds
			.iter()
			.filter(|(_, seen)| seen.completed.is_none() && !seen.submitted.is_empty())
			.map(|(id, seen)| (*id, seen.clone()))
			.collect();
		for (id, seen) in open {
			let (job_id, round) = id;
			if self.completing.get(&id).is_some_and(|at| number.saturating_sub(*at) < RETRY_BLOCKS)
			{
				continue;
			}
			// The job and its committee as of the block whose events `rounds` has seen last.
			let job = match ctx.chain.job(hash, job_id) {
				Ok(Some(job)) if job.round == round => job,
				Ok(_) => continue,
				Err(e) => {
					log::warn!(target: LOG, "orchestrator: job {job_id}: {e}");
					continue;
				}
			};
			if job.accepted == 0 {
				continue;
			}
			let committee = match ctx.chain.round_committee(hash, job_id) {
				Ok(Some(committee)) if committee.round == round => committee,
				Ok(_) => continue,
				Err(e) => {
					log::warn!(target: LOG, "orchestrator: round committee of job {job_id}: {e}");
					continue;
				}
			};
			if !committee.members.contains(me) || committee.votes.iter().any(|(m, _)| m == me) {
				continue;
			}
			// Once a member voted the round is closing: every member votes at once.
			let closing = job.closing || !committee.votes.is_empty() || !seen.voted.is_empty();
			let waited = seen.first_submission.map_or(0, |at| number.saturating_sub(at));
			let timed_out = waited >= ctx.params.round_timeout;
			let all_judged = seen.judged() >= job.workers as usize;
			let validating = self.pending.iter().any(|p| (p.job, p.round) == id)
				|| self.commitments.iter().any(|c| (c.job, c.round) == id);
			if !(closing || timed_out || (all_judged && !validating)) {
				continue;
			}
			if seen.accepted.len() != job.accepted as usize {
				if self.warned.insert("accepted") {
					log::warn!(
						target: LOG,
						"orchestrator: job {job_id} round {round} has {} accepted deltas on chain, \
						 this node saw {}: not voting on it",
						job.accepted,
						seen.accepted.len()
					);
				}
				continue;
			}
			self.completing.insert(id, number);
			match aggregate_round(ctx, rounds, job_id, &job, &seen).await {
				Ok(checkpoint) => {
					log::info!(
						target: LOG,
						"orchestrator: voting job {job_id} round {round}: {} accepted deltas, \
						 checkpoint {checkpoint:?}",
						job.accepted
					);
					let call = MiningCall::<Runtime>::complete_round {
						job_id,
						round,
						accepted: job.accepted,
						checkpoint,
					};
					match ctx
						.chain
						.submit(ORCHESTRATOR_KEY, public, RuntimeCall::ComputeMining(call))
						.await
					{
						Ok(()) => {
							if let Some(m) = &ctx.metrics {
								m.rounds_completed.inc();
							}
						}
						Err(e) => log::warn!(target: LOG, "orchestrator: complete_round: {e}"),
					}
				}
				Err(e) => log::warn!(
					target: LOG,
					"orchestrator: aggregating job {job_id} round {round}: {e}"
				),
			}
		}
	}
}

/// Whether `record` is the delta announced for `round` with `hash`, not yet judged.
fn is_announced(record: &super::chain::DeltaRecordOf, round: u32, hash: H256) -> bool {
	record.round == round && record.hash == hash && record.status == DeltaStatus::Pending
}

/// Whether `delta` still awaits `me`'s commitment at the best block: not judged, not committed
/// to by `me`, and its commit phase still open at the next block.
fn awaits_commitment(
	ctx: &Context,
	me: &AccountId,
	delta: &PendingDelta,
) -> Result<bool, WorkerError> {
	let (best, number) = ctx.chain.best();
	let Some(record) = ctx.chain.delta_record(best, delta.job, &delta.worker)? else {
		return Ok(false);
	};
	if !is_announced(&record, delta.round, delta.hash)
		|| record.commits.iter().any(|(member, _)| member == me)
	{
		return Ok(false);
	}
	if number.saturating_add(1) > record.commit_deadline {
		log::warn!(
			target: LOG,
			"orchestrator: the commit window of {}'s delta for job {} round {} passed",
			delta.worker,
			delta.job,
			delta.round
		);
		return Ok(false);
	}
	Ok(true)
}

/// Fetches `delta` and measures it against its round's base checkpoint.
async fn measure(ctx: &Context, rounds: &rounds::Rounds, delta: &PendingDelta) -> Attempt {
	let (best, _) = ctx.chain.best();
	let job = match ctx.chain.job(best, delta.job) {
		Ok(Some(job)) => job,
		Ok(None) => return Attempt::Skip,
		Err(e) => return Attempt::BaseUnavailable(e),
	};
	let Some(base_hash) = rounds::base_of(rounds, delta.job, &job, delta.round) else {
		return Attempt::BaseUnavailable(WorkerError::CheckpointUnavailable(format!(
			"the base of job {} round {} is unknown to this node",
			delta.job, delta.round
		)));
	};
	let base = match rounds::checkpoint(ctx, rounds, delta.job, &job, base_hash).await {
		Ok(base) => base,
		Err(e) => return Attempt::BaseUnavailable(e),
	};
	let bytes = match rounds::endpoint_of(ctx, &delta.worker) {
		Ok(endpoint) => match rounds::fetch_delta(&endpoint, delta.hash).await {
			Ok(bytes) => bytes,
			Err(e) => return Attempt::FetchFailed(e),
		},
		Err(e) => return Attempt::FetchFailed(e),
	};
	let (model, seed, hash) = (job.spec.model, job.spec.params.seed, delta.hash.0);
	let what = format!("{}'s delta for job {} round {}", delta.worker, delta.job, delta.round);
	let evaluated = tokio::task::spawn_blocking(move || {
		// A spinner on a terminal; the outcome is logged below either way.
		let spinner = std::io::stdout().is_terminal().then(|| {
			let spinner = indicatif::ProgressBar::new_spinner();
			spinner.set_message(format!("evaluating {what}"));
			spinner.enable_steady_tick(std::time::Duration::from_millis(100));
			spinner
		});
		let result = evaluate_delta(model, seed, &base, &bytes, hash);
		if let Some(spinner) = spinner {
			spinner.finish_and_clear();
		}
		(result, bytes)
	})
	.await;
	let (result, bytes) = match evaluated {
		Ok(done) => done,
		Err(e) => return Attempt::BaseUnavailable(WorkerError::task("evaluation")(e)),
	};
	match result {
		Ok(measured) => {
			if let Err(e) = ctx.shared.store.put(&bytes) {
				log::warn!(target: LOG, "orchestrator: storing a delta: {e}");
			}
			Attempt::Measured(measured.to_validation_report())
		}
		Err(DeltaError::UnknownModel(_) | DeltaError::ModelMismatch { .. }) => {
			log::warn!(target: LOG, "orchestrator: job {} names an unknown model", delta.job);
			Attempt::Skip
		}
		Err(e) => {
			log::info!(
				target: LOG,
				"orchestrator: {}'s delta for job {} round {} is corrupt: {e}",
				delta.worker,
				delta.job,
				delta.round
			);
			Attempt::Measured(corrupt_report(verdict_of(&e)))
		}
	}
}

/// The median aggregate of the round's accepted deltas onto its base, stored; its hash.
async fn aggregate_round(
	ctx: &Context,
	rounds: &rounds::Rounds,
	job_id: JobId,
	job: &pallet_compute_mining_runtime_api::JobInfo<AccountId>,
	seen: &rounds::RoundLog,
) -> Result<H256, WorkerError> {
	let base = rounds::checkpoint(ctx, rounds, job_id, job, job.checkpoint).await?;
	let mut deltas = Vec::with_capacity(seen.accepted.len());
	for worker in &seen.accepted {
		let hash = seen.submitted.get(worker).ok_or_else(|| {
			WorkerError::CheckpointUnavailable(format!("no delta seen from {worker}"))
		})?;
		deltas.push(rounds::delta_bytes(ctx, worker, *hash).await?);
	}
	let next = tokio::task::spawn_blocking(move || aggregate(&base, &deltas))
		.await
		.map_err(WorkerError::task("aggregation"))??;
	Ok(H256(ctx.shared.store.put(&next.to_bytes())?))
}

/// A report for a corrupt delta: the verdict and no measurement.
fn corrupt_report(verdict: DeltaVerdict) -> ValidationReport {
	ValidationReport {
		verdict,
		loss_before: 0,
		loss_after: 0,
		val_loss_before: 0,
		val_loss_after: 0,
		grad_variance: 0,
	}
}

/// The chain's verdict for a delta the evaluation refused.
fn verdict_of(error: &DeltaError) -> DeltaVerdict {
	match error {
		DeltaError::HashMismatch { .. } => DeltaVerdict::HashMismatch,
		DeltaError::WrongShape { .. } => DeltaVerdict::WrongShape,
		DeltaError::Undecodable(_)
		| DeltaError::NonFinite { .. }
		| DeltaError::TooLarge { .. }
		| DeltaError::UnknownModel(_)
		| DeltaError::ModelMismatch { .. } => DeltaVerdict::Undecodable,
	}
}

/// The least GFLOP/s a card of `class` reaches on the attestation's f32 matmul benchmark (about
/// a third of its f32 peak, leaving room for a busy or throttled card). `Other` needs only a
/// finite positive figure.
fn min_gflops(class: GpuClass) -> f64 {
	match class {
		GpuClass::Other => 0.0,
		GpuClass::Rtx4070 => 9_000.0,
		GpuClass::A6000 => 12_000.0,
		GpuClass::Rtx4080 => 15_000.0,
		GpuClass::A100 => 6_000.0,
		GpuClass::Rtx4090 => 25_000.0,
		GpuClass::H100 => 20_000.0,
	}
}

/// More than any card in the chain's classes does in f32 (an H100's TF32 tensor-core peak is
/// ~990 TFLOP/s); a larger figure is made up.
const MAX_GFLOPS: f64 = 1_000_000.0;

/// Why an attestation report does not prove a worker's hardware.
#[derive(Debug, thiserror::Error)]
enum AttestationRefused {
	/// A field is not hex.
	#[error("the {0} is not hex")]
	NotHex(&'static str),
	/// The signer is not the worker's key.
	#[error("the report is signed by another key than the worker's")]
	ForeignSigner,
	/// The signature is not 64 bytes.
	#[error("bad signature encoding")]
	BadSignatureEncoding,
	/// The signature does not verify.
	#[error("the signature does not verify")]
	BadSignature,
	/// The signed bytes are not the ones whose hash was registered.
	#[error("the served report is not the one whose hash was registered")]
	NotRegistered,
	/// The signed bytes do not start with the attestation domain.
	#[error("the signed bytes are not an attestation report")]
	NotAnAttestation,
	/// The signed JSON does not parse.
	#[error("the signed report does not parse: {0}")]
	Unparsable(serde_json::Error),
	/// The class is not the one the facts give.
	#[error("the claimed class does not follow from the hardware facts")]
	ClassNotFromFacts,
	/// The report proves another class than the registration claimed.
	#[error("the report proves {proved:?}, the worker claimed {claimed:?}")]
	ClassMismatch { proved: GpuClass, claimed: GpuClass },
	/// The registered hardware hash is not the report's.
	#[error("the registered hardware hash is not the report's hardware")]
	HardwareMismatch,
	/// The nonce is not a block hash of this chain.
	#[error("the report's nonce is not a block of this chain")]
	UnknownNonce,
	/// The nonce's block is after the registration or too long before it.
	#[error("the report's nonce is block #{nonce_block}, registration was at #{registered_at}")]
	StaleNonce { nonce_block: BlockNumber, registered_at: BlockNumber },
	/// The benchmark figure is not plausible for the class.
	#[error("{gflops:.1} GFLOP/s is not plausible for {class:?}")]
	ImplausibleBenchmark { gflops: f64, class: GpuClass },
}

/// Checks a worker's signed attestation report against its registration and returns the class
/// it proves.
fn check_attestation(
	ctx: &Context,
	signed: &SignedAttestation,
	worker: &AccountId,
	info: &WorkerInfo,
) -> Result<GpuClass, AttestationRefused> {
	use AttestationRefused as R;
	let hex = |field, value: &str| from_hex(value).map_err(|_| R::NotHex(field));
	let signer = hex("signer", &signed.signer)?;
	if signer.as_slice() != AsRef::<[u8]>::as_ref(worker) {
		return Err(R::ForeignSigner);
	}
	let public = sr25519::Public::try_from(signer.as_slice()).map_err(|_| R::ForeignSigner)?;
	let signature = sr25519::Signature::try_from(hex("signature", &signed.signature)?.as_slice())
		.map_err(|_| R::BadSignatureEncoding)?;
	// Everything is checked against the exact bytes that were signed and registered.
	let payload = hex("payload", &signed.payload)?;
	if !sr25519::Pair::verify(&signature, &payload, &public) {
		return Err(R::BadSignature);
	}
	if H256(gym_trainer::blake2_256(&payload)) != info.attestation {
		return Err(R::NotRegistered);
	}
	let json = payload.strip_prefix(hardware::ATTESTATION_DOMAIN).ok_or(R::NotAnAttestation)?;
	let report: hardware::AttestationReport =
		serde_json::from_slice(json).map_err(R::Unparsable)?;
	if report.class != hardware::gpu_class(&report.facts) {
		return Err(R::ClassNotFromFacts);
	}
	let class = report.class;
	if class != info.claimed_class {
		return Err(R::ClassMismatch { proved: class, claimed: info.claimed_class });
	}
	if H256(super::hardware_hash(&report.facts, worker)) != info.hardware_hash {
		return Err(R::HardwareMismatch);
	}
	let nonce_block =
		ctx.chain.client().number(H256(report.nonce)).ok().flatten().ok_or(R::UnknownNonce)?;
	let registered_at = info.registered_at;
	if nonce_block > registered_at || registered_at - nonce_block > NONCE_MAX_AGE {
		return Err(R::StaleNonce { nonce_block, registered_at });
	}
	let gflops = report.benchmark_gflops;
	if !gflops.is_finite() || gflops <= 0.0 || gflops < min_gflops(class) || gflops > MAX_GFLOPS {
		return Err(R::ImplausibleBenchmark { gflops, class });
	}
	Ok(class)
}

/// Fetches, checks and records `worker`'s hardware class with `verify_hardware`. A report that
/// does not prove the class is logged and not retried.
async fn verify_hardware(
	ctx: &Context,
	public: &sr25519::Public,
	worker: &AccountId,
) -> Result<(), WorkerError> {
	let (best, _) = ctx.chain.best();
	let Some(info) = ctx.chain.worker_info(best, worker)? else { return Ok(()) };
	if info.verified_class.is_some() {
		return Ok(());
	}
	let endpoint = rounds::endpoint_string(worker, info.endpoint.clone().into_inner())?;
	let signed = rounds::fetch_attestation(&endpoint).await?;
	let class = match check_attestation(ctx, &signed, worker, &info) {
		Ok(class) => class,
		Err(e) => {
			log::warn!(target: LOG, "orchestrator: {worker}'s attestation refused: {e}");
			return Ok(());
		}
	};
	log::info!(
		target: LOG,
		"orchestrator: verified {worker} as {class:?} ({:.1} GFLOP/s)",
		signed.report.benchmark_gflops
	);
	let call = MiningCall::<Runtime>::verify_hardware { worker: worker.clone(), gpu_class: class };
	ctx.chain.submit(ORCHESTRATOR_KEY, public, RuntimeCall::ComputeMining(call)).await
}

/// Whether `record` is a rejection that came with a slash.
fn is_slashed_rejection(record: &EventRecord) -> bool {
	matches!(
		&record.event,
		RuntimeEvent::ComputeMining(MiningEvent::DeltaRejected { slash, .. }) if *slash > 0
	)
}

/// The workers whose rejection in `events` came with a slash and was produced by an extrinsic
/// `me` signed (`signers`: the signer of each of the block's extrinsics, by index). A delta is
/// judged inside the `reveal_report` that completes its reports or inside a `close_delta`; the
/// account that sent that extrinsic charges the slash.
fn slashes_judged_by(
	events: &[EventRecord],
	signers: &[Option<AccountId>],
	me: &AccountId,
) -> Vec<AccountId> {
	events
		.iter()
		.filter(|r| is_slashed_rejection(r))
		.filter_map(|r| match (&r.phase, &r.event) {
			(
				frame_system::Phase::ApplyExtrinsic(index),
				RuntimeEvent::ComputeMining(MiningEvent::DeltaRejected { worker, .. }),
			) => {
				let signer = usize::try_from(*index).ok().and_then(|i| signers.get(i))?;
				(signer.as_ref() == Some(me)).then(|| worker.clone())
			}
			_ => None,
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_system::Phase;
	use pallet_compute_mining::types::Rejection;

	#[test]
	fn only_the_judge_settles_a_rejection() {
		let (me, other, worker) =
			(AccountId::from([1; 32]), AccountId::from([2; 32]), AccountId::from([3; 32]));
		let record = |i, event| EventRecord {
			phase: Phase::ApplyExtrinsic(i),
			event: RuntimeEvent::ComputeMining(event),
			topics: vec![],
		};
		let revealed = |by: &AccountId| MiningEvent::DeltaValidated {
			job: 0,
			worker: worker.clone(),
			orchestrator: by.clone(),
			report: corrupt_report(DeltaVerdict::HashMismatch),
		};
		let rejected = |slash| MiningEvent::DeltaRejected {
			job: 0,
			worker: worker.clone(),
			round: 0,
			why: Rejection::Corrupt,
			slash,
		};
		// Extrinsic 0 is unsigned (the timestamp), 1 my reveal, 2 the other's: the last reveal
		// judged the delta.
		let signers = vec![None, Some(me.clone()), Some(other.clone())];
		let events =
			vec![record(1, revealed(&me)), record(2, revealed(&other)), record(2, rejected(5))];
		assert!(slashes_judged_by(&events, &signers, &me).is_empty());
		assert_eq!(slashes_judged_by(&events, &signers, &other), vec![worker.clone()]);
		// A `close_delta` (extrinsic 1, mine) judged on the reports revealed: no report of mine
		// in it, and still mine to settle.
		let events = vec![record(1, rejected(5))];
		assert_eq!(slashes_judged_by(&events, &signers, &me), vec![worker.clone()]);
		assert!(slashes_judged_by(&events, &signers, &other).is_empty());
		// No slash (the worker had no stake): nothing to settle.
		let events = vec![record(1, revealed(&me)), record(1, rejected(0))];
		assert!(slashes_judged_by(&events, &signers, &me).is_empty());
		// An extrinsic index past the body (a body not read): nobody's.
		let events = vec![record(7, rejected(5))];
		assert!(slashes_judged_by(&events, &signers, &me).is_empty());
	}

	#[test]
	fn refused_deltas_map_to_the_chain_verdicts() {
		let mismatch = DeltaError::HashMismatch { expected: [0; 32], actual: [1; 32] };
		assert_eq!(verdict_of(&mismatch), DeltaVerdict::HashMismatch);
		let shape = DeltaError::WrongShape { tensor: "l1.weight".into(), reason: "x".into() };
		assert_eq!(verdict_of(&shape), DeltaVerdict::WrongShape);
		assert_eq!(verdict_of(&DeltaError::Undecodable("x".into())), DeltaVerdict::Undecodable);
		let non_finite = DeltaError::NonFinite { tensor: "l1.bias".into() };
		assert_eq!(verdict_of(&non_finite), DeltaVerdict::Undecodable);
		let large = DeltaError::TooLarge { len: 5, max: 4 };
		assert_eq!(verdict_of(&large), DeltaVerdict::Undecodable);
	}

	#[test]
	fn a_cpu_cannot_pass_for_a_gpu() {
		assert!(50.0 >= min_gflops(GpuClass::Other));
		assert!(50.0 < min_gflops(GpuClass::H100));
		assert!(50.0 < min_gflops(GpuClass::Rtx4070));
	}
}
