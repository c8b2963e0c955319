//! The orchestrator (`--orchestrator`, key type `gymo`). On every new best block:
//!
//! 1. a Gold account outside the orchestrator set joins it (`join_orchestrators`); the steps
//!    below wait for the membership;
//! 2. every delta whose committee holds this orchestrator (`CommitteeDrawn`, in the block after
//!    its `DeltaSubmitted`) is measured: the delta is fetched from the worker's endpoint
//!    (`gym_getDelta`) and measured with `gym_trainer::evaluate_delta` (on a blocking thread)
//!    against the round's base checkpoint. The orchestrator commits to its report with a fresh
//!    secret salt (`commit_report`), and reveals report and salt (`reveal_report`) once the
//!    whole committee has committed or the commit deadline passed.
//!
//!    Fetches run in the background, all of a block's at once but at most
//!    [`rounds::MAX_CONCURRENT_FETCHES`] at a time, each one request of at most
//!    [`rounds::FETCH_TIMEOUT`]. A block's step waits for them [`FETCH_WAIT`] at most, then
//!    measures, in the order the deltas were drawn, those whose fetch ended; a fetch still
//!    running is left running and collected at a later block, and counts as a failed attempt
//!    only once it fails. So slow or silent endpoints (tarpits) delay a block's other duties by
//!    [`FETCH_WAIT`] at most, however many there are. A fetch ends in one of three ways:
//!    - the bytes, which hash to the delta's hash: measured (a delta that does not decode, has
//!      the wrong shapes or non-finite values is reported `Undecodable` or `WrongShape`);
//!    - *corrupt* ([`WorkerError::BadPeerData`]: an answer too large, not JSON-RPC, not hex,
//!      or bytes of another hash): reported `HashMismatch` at once;
//!    - *unavailable* ([`WorkerError::Unreachable`], [`WorkerError::NotServed`]: refused, timed
//!      out, an HTTP or JSON-RPC error, the delta not served): fetched again at the next
//!      block, and reported `HashMismatch` (its worker must serve it) after [`FETCH_ATTEMPTS`]
//!      failed attempts, or after one when the commit window closes within
//!      [`COMMIT_MARGIN`] blocks;
//! 3. a delta still pending after its reveal deadline (or after its commit deadline with no
//!    commitment) is closed with `close_delta` (free): at once by a member who revealed, 10
//!    blocks later by anyone else, so that not every orchestrator sends the one close that
//!    can succeed;
//! 4. every `WorkerRegistered` of another account, and every check of a worker's class another
//!    orchestrator opens (`HardwareCheckOpened`), has the worker's hardware checked: the signed
//!    attestation report is fetched (`gym_attestation`), its signature, hash, class, hardware
//!    hash, nonce and benchmark checked, and the class it proves (`Other` for a report that
//!    proves nothing) voted with `verify_hardware`: it opens the set's check of a worker not
//!    verified yet, or votes in the open one this orchestrator is a voter of. A report that
//!    cannot be fetched is retried, then left unvoted. A check still open after its deadline is
//!    closed with `close_hardware_check` (free): at once by its opener, 10 blocks later by
//!    anyone else;
//! 5. a round whose committee (`RoundCommittees`) holds this orchestrator is voted on when its
//!    assigned workers' deltas are all final (accepted or rejected), when its first delta is
//!    `--round-timeout` blocks old, or at once when another member voted (the round is
//!    closing): the deltas accepted in the round (as many as the job counts, in the order of
//!    acceptance) are aggregated by coordinate-wise median onto the base, the checkpoint
//!    stored (and served) and voted with `complete_round`;
//!    A round whose committee's deadline passed without completing is expired with
//!    `expire_round` (free): by its committee's members at once, by anyone 10 blocks later;
//! 6. a judged delta (`DeltaJudged`: the verdict takes effect only when the delta is
//!    finalised) has its verdict checked against this orchestrator's own report: the one it
//!    revealed on the committee or, for a delta whose committee it was not on, its own
//!    measurement (`--orchestrator-audit` percent of them). A report whose verdict
//!    (`pallet_compute_mining::verdict_of`) does not agree with the chain's, within the
//!    chain's quality tolerance, disputes it (`dispute_delta`) within the dispute window;
//! 7. a dispute (`DeltaDisputed`) in which this orchestrator is a voter (`Disputes`) has its
//!    report (the revealed one, or a measurement) voted with `vote_dispute` before the
//!    dispute's deadline;
//! 8. a judged delta still not final after its dispute window (or its dispute's deadline) is
//!    finalised with `finalise_delta` (free): its miner sends it first; committee members
//!    follow one block apart in committee order, anyone else 10 blocks later;
//! 9. a rejection whose extrinsic (the `finalise_delta` or the resolving `vote_dispute`) this
//!    orchestrator signed has its worker's 5% slash charged with `settle_slash` (free; one
//!    orchestrator sends it, so no two race). A rejection finalised by someone outside the
//!    orchestrator set (its miner) is charged by the first of its committee still in the set.
//!
//! With the hidden test flag `--orchestrator-lie` every report states the opposite of what was
//! measured (a valid delta is reported `HashMismatch`, a corrupt one as the best improvement),
//! and the orchestrator disputes and votes with those reports as an honest one would.

use super::{
	chain::{account_of, EventRecord, ORCHESTRATOR_KEY},
	error::WorkerError,
	from_hex,
	rounds::{self, RoundId},
	Context, SignedAttestation, LOG,
};
use gym_primitives::{
	mining::{DeltaVerdict, GpuClass, ValidationReport, MICRO},
	staking::Tier,
};
use gym_runtime::{AccountId, Balance, BlockNumber, Runtime, RuntimeCall, RuntimeEvent};
use gym_trainer::{aggregate, evaluate_delta, hardware, sketch_of_delta, DeltaError};
use pallet_compute_mining::{Call as MiningCall, DeltaStatus, Event as MiningEvent};
use pallet_compute_mining_runtime_api::{JobId, WorkerInfo};
use sp_blockchain::HeaderBackend;
use sp_core::{sr25519, Pair, H256};
use std::{
	collections::{HashMap, HashSet},
	io::IsTerminal,
	sync::Arc,
	time::Duration,
};
use tokio::{sync::Semaphore, time::Instant};

/// Failed fetches of an unavailable delta before it is reported `HashMismatch`.
const FETCH_ATTEMPTS: u32 = 3;
/// Blocks before its commit deadline from which a delta whose fetch failed once is reported
/// `HashMismatch` without waiting for more attempts, so that the report still lands in the
/// commit window.
const COMMIT_MARGIN: BlockNumber = 2;
/// How long a block's step waits for the deltas being fetched (a block is 6 seconds); a fetch
/// not done by then is collected at a later block.
const FETCH_WAIT: Duration = Duration::from_secs(3);
/// Blocks a worker's hardware is checked again while its attestation cannot be voted on (not
/// served, or its nonce not finalized yet): a check's voting lasts 10 blocks.
const HARDWARE_ATTEMPTS: u32 = 10;
/// Blocks in a row a `settle_slash` or `commit_report` the pool refuses is sent again.
const SUBMIT_ATTEMPTS: u32 = 3;
/// Blocks a delta whose base checkpoint this node cannot load is retried before it is left to
/// other orchestrators.
const BASE_ATTEMPTS: u32 = 20;
/// Blocks before a `join_orchestrators`, `complete_round` or `close_delta` that did not take
/// effect is sent again.
const RETRY_BLOCKS: BlockNumber = 10;
/// Blocks before a `reveal_report`, `dispute_delta` or `vote_dispute` that did not take effect
/// is sent again (their windows are 10 blocks).
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
	/// The fetch of its bytes, while one runs.
	fetch: Option<Fetch>,
	fetch_failures: u32,
	base_failures: u32,
	report_failures: u32,
}

/// A delta to measure: `worker`'s delta `hash` for `job`'s `round`.
#[derive(Clone, Copy)]
struct DeltaRef<'a> {
	job: JobId,
	worker: &'a AccountId,
	round: u32,
	hash: H256,
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

/// An open check of a worker's GPU class, to close after its deadline.
struct HardwareWatch {
	worker: AccountId,
	/// The last block of its voting.
	deadline: BlockNumber,
	/// Whether this orchestrator opened it (it closes it first).
	opened_by_me: bool,
	/// The block `close_hardware_check` was last sent at.
	close_sent: Option<BlockNumber>,
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

/// A judged delta followed until it is final: its verdict checked against this orchestrator's
/// report (and disputed), its dispute voted in, and the delta finalised once overdue.
struct Judged {
	job: JobId,
	worker: AccountId,
	round: u32,
	hash: H256,
	/// This orchestrator's report on the delta: the one it revealed on the committee, or its
	/// own measurement (an audit or a vote); `None` until known.
	report: Option<ValidationReport>,
	/// Whether the verdict is checked even though this orchestrator was not on the committee
	/// (`--orchestrator-audit`).
	audit: bool,
	/// Whether the chain's verdict was found to agree with the report.
	agreed: bool,
	/// Whether measuring the delta was given up (it cannot be fetched or its base loaded).
	unmeasurable: bool,
	/// The fetch of its bytes, while one runs.
	fetch: Option<Fetch>,
	fetch_failures: u32,
	base_failures: u32,
	/// The blocks `dispute_delta`, `vote_dispute` and `finalise_delta` were last sent at.
	dispute_sent: Option<BlockNumber>,
	vote_sent: Option<BlockNumber>,
	finalise_sent: Option<BlockNumber>,
}

/// What became of measuring a delta.
// One per delta being measured, moved a few times: the report's sketch makes it large.
#[allow(clippy::large_enum_variant)]
enum Attempt {
	/// The report to commit to.
	Measured(ValidationReport),
	/// No longer needed (the job's model is unknown to this node).
	Skip,
	/// The delta's fetch still runs.
	Fetching,
	/// The delta is unavailable: its fetch failed, or its worker's endpoint is unknown.
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
	/// Judged deltas not yet final.
	judged: Vec<Judged>,
	/// Workers whose hardware is to be verified, with failed fetches so far.
	hardware: Vec<(AccountId, u32)>,
	/// Open hardware checks to close after their deadline.
	hardware_checks: Vec<HardwareWatch>,
	/// Rounds this orchestrator sent `complete_round` for, and when.
	completing: HashMap<RoundId, BlockNumber>,
	/// Workers whose slash this orchestrator is to charge, with refused attempts so far.
	settling: Vec<(AccountId, u32)>,
	/// Bounds the deltas fetched at once ([`rounds::MAX_CONCURRENT_FETCHES`]).
	fetch_permits: Arc<Semaphore>,
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
			judged: Vec::new(),
			hardware: Vec::new(),
			hardware_checks: Vec::new(),
			completing: HashMap::new(),
			settling: Vec::new(),
			fetch_permits: Arc::new(Semaphore::new(rounds::MAX_CONCURRENT_FETCHES)),
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
		self.follow_judged(ctx, rounds, &public, &me, hash, number).await;
		self.verify_workers(ctx, &public, &me).await;
		self.close_hardware_checks(ctx, &public, hash, number).await;
		self.complete_rounds(ctx, rounds, &public, &me, hash, number).await;
	}

	/// Queues the work the `events` of block `at` bring: deltas to watch, deltas to measure
	/// (those whose committee holds `me`), judged and disputed deltas to follow, workers whose
	/// hardware to verify.
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
						fetch: None,
						fetch_failures: 0,
						base_failures: 0,
						report_failures: 0,
					})
				}
				MiningEvent::DeltaJudged { job, worker, .. }
				| MiningEvent::DeltaDisputed { job, worker, .. }
					if worker != me =>
				{
					self.follow(ctx, at, *job, worker, me)
				}
				MiningEvent::WorkerRegistered { worker, .. } if worker != me => {
					self.check_hardware(worker)
				}
				MiningEvent::HardwareCheckOpened { worker, opener, deadline, .. } => {
					if worker != me && opener != me {
						self.check_hardware(worker);
					}
					self.hardware_checks.retain(|c| c.worker != *worker);
					self.hardware_checks.push(HardwareWatch {
						worker: worker.clone(),
						deadline: *deadline,
						opened_by_me: opener == me,
						close_sent: None,
					});
				}
				_ => {}
			}
		}
	}

	/// Follows `worker`'s judged delta for `job` (see [`Judged`]), unless it already does.
	fn follow(&mut self, ctx: &Context, at: H256, job: JobId, worker: &AccountId, me: &AccountId) {
		if self.judged.iter().any(|j| (j.job, &j.worker) == (job, worker)) {
			return;
		}
		let record = match ctx.chain.delta_record(at, job, worker) {
			Ok(Some(record)) if matches!(record.status, DeltaStatus::Judged(_)) => record,
			Ok(_) => return,
			Err(e) => return log::warn!(target: LOG, "orchestrator: delta record: {e}"),
		};
		let audit = !record.is_member(me)
			&& audited(ctx.params.orchestrator_audit, job, worker, record.round, me);
		self.judged.push(Judged {
			job,
			worker: worker.clone(),
			round: record.round,
			hash: record.hash,
			report: None,
			audit,
			agreed: false,
			unmeasurable: false,
			fetch: None,
			fetch_failures: 0,
			base_failures: 0,
			dispute_sent: None,
			vote_sent: None,
			finalise_sent: None,
		});
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
			match slashes_to_settle(ctx, hash, events, me) {
				Ok(workers) => self.settling.extend(workers.into_iter().map(|w| (w, 0))),
				Err(e) => log::warn!(target: LOG, "orchestrator: rejections of {hash:?}: {e}"),
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

	/// Measures the pending deltas and commits to the reports: starts the fetches of all, waits
	/// for them [`FETCH_WAIT`] at most, then measures those fetched in the order of `pending`
	/// (see the module docs, step 2).
	async fn commit_reports(
		&mut self,
		ctx: &Context,
		rounds: &rounds::Rounds,
		public: &sr25519::Public,
		me: &AccountId,
	) {
		// Start every fetch first, so that they all run while this step waits.
		let mut due = Vec::new();
		for mut delta in std::mem::take(&mut self.pending) {
			let last_chance = match awaits_commitment(ctx, me, &delta) {
				Ok(Some(last_chance)) => last_chance,
				Ok(None) => continue,
				Err(e) => {
					delta.base_failures += 1;
					if e.is_retryable() && delta.base_failures < BASE_ATTEMPTS {
						self.pending.push(delta);
					}
					continue;
				}
			};
			let started = match delta.report {
				Some(_) => Ok(()),
				None => {
					let target = DeltaRef {
						job: delta.job,
						worker: &delta.worker,
						round: delta.round,
						hash: delta.hash,
					};
					start_fetch(ctx, rounds, &self.fetch_permits, &mut delta.fetch, target)
				}
			};
			due.push((delta, last_chance, started));
		}
		let deadline = Instant::now() + FETCH_WAIT;
		for (mut delta, last_chance, started) in due {
			let report = match delta.report.take() {
				Some(report) => report,
				None => {
					let attempt = match started {
						Err(attempt) => attempt,
						Ok(()) => {
							let target = DeltaRef {
								job: delta.job,
								worker: &delta.worker,
								round: delta.round,
								hash: delta.hash,
							};
							measured(ctx, rounds, &mut delta.fetch, target, deadline).await
						}
					};
					let measured = match attempt {
						Attempt::Measured(report) => report,
						Attempt::Skip => continue,
						Attempt::Fetching if !(last_chance && delta.fetch_failures > 0) => {
							self.pending.push(delta);
							continue;
						}
						Attempt::Fetching => {
							delta.fetch = None;
							log::warn!(
								target: LOG,
								"orchestrator: {}'s delta {:?} is still unavailable as its commit \
								 window closes: reporting HashMismatch",
								delta.worker,
								delta.hash
							);
							corrupt_report(DeltaVerdict::HashMismatch)
						}
						Attempt::FetchFailed(e) => {
							delta.fetch_failures += 1;
							let failures = delta.fetch_failures;
							if e.is_retryable() && failures < FETCH_ATTEMPTS && !last_chance {
								log::info!(
									target: LOG,
									"orchestrator: {}'s delta {:?} is unavailable (attempt \
									 {failures} of {FETCH_ATTEMPTS}), will retry: {e}",
									delta.worker,
									delta.hash
								);
								self.pending.push(delta);
								continue;
							}
							log::warn!(
								target: LOG,
								"orchestrator: {}'s delta {:?} is unavailable after {failures} \
								 attempts ({e}): reporting HashMismatch",
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
					};
					stated(ctx, measured)
				}
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

	/// Follows every judged delta until it is final: checks its verdict against this
	/// orchestrator's report and disputes it if they disagree, votes in its dispute, and
	/// finalises it once overdue.
	async fn follow_judged(
		&mut self,
		ctx: &Context,
		rounds: &rounds::Rounds,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		number: BlockNumber,
	) {
		if self.judged.is_empty() {
			return;
		}
		let params = match ctx.chain.mining_parameters(hash) {
			Ok(params) => params,
			Err(e) => return log::warn!(target: LOG, "orchestrator: mining parameters: {e}"),
		};
		let suspended = match ctx.chain.is_suspended(hash, me) {
			Ok(suspended) => suspended,
			Err(e) => return log::warn!(target: LOG, "orchestrator: suspension: {e}"),
		};
		// A transaction sent now lands in the next block at the earliest.
		let next = number.saturating_add(1);
		for mut j in std::mem::take(&mut self.judged) {
			let JudgedState { record, dispute, job } = match judged_state(ctx, hash, &j) {
				Ok(Some(state)) => state,
				Ok(None) => continue,
				Err(e) => {
					log::warn!(target: LOG, "orchestrator: judged delta of {}: {e}", j.worker);
					self.judged.push(j);
					continue;
				}
			};
			let DeltaStatus::Judged(verdict) = record.status else { continue };
			let unvoted = dispute.as_ref().is_some_and(|d| {
				next <= d.deadline && d.voters.iter().any(|(m, _, v)| m == me && v.is_none())
			});
			let revealed = record.reports.iter().find(|(m, _)| m == me).map(|(_, r)| *r);
			let may_dispute = dispute.is_none()
				&& !j.agreed && !suspended
				&& next <= record.dispute_deadline
				&& (revealed.is_some() || j.audit);
			if j.report.is_none() && (unvoted || may_dispute) {
				j.report = match revealed {
					Some(report) => Some(report),
					None if j.unmeasurable => None,
					None => measure_judged(ctx, rounds, &self.fetch_permits, &mut j)
						.await
						.map(|r| stated(ctx, r)),
				};
			}
			if let Some(report) = j.report.filter(|_| may_dispute) {
				let mine = pallet_compute_mining::verdict_of(
					&[report],
					record.claimed,
					job.spec.variance_threshold,
					params.max_quality,
					params.quality_tolerance,
				);
				// A report disputes the verdict, or the sketch the committee recorded (with a
				// sketch of its own: bytes it could not read say nothing about the sketch).
				let other_sketch = !report.sketch.is_none() && report.sketch != record.sketch;
				let disagrees = |mine: &pallet_compute_mining::Verdict| {
					!mine.agrees(&verdict, params.quality_tolerance) || other_sketch
				};
				match mine {
					Some(mine) if disagrees(&mine) => {
						let due = j
							.dispute_sent
							.is_none_or(|at| number.saturating_sub(at) >= REVEAL_RETRY_BLOCKS);
						if due {
							j.dispute_sent = Some(number);
							log::info!(
								target: LOG,
								"orchestrator: disputing the judgement of {}'s delta for job {} \
								 round {}: the chain says {verdict:?}, my report says {mine:?}",
								j.worker,
								j.job,
								j.round
							);
							let call = MiningCall::<Runtime>::dispute_delta {
								job_id: j.job,
								worker: j.worker.clone(),
								report,
							};
							self.send(ctx, public, call, "dispute_delta").await;
						}
					}
					_ => j.agreed = true,
				}
			}
			if let Some(report) = j.report.filter(|_| unvoted) {
				let due =
					j.vote_sent.is_none_or(|at| number.saturating_sub(at) >= REVEAL_RETRY_BLOCKS);
				if due {
					j.vote_sent = Some(number);
					log::info!(
						target: LOG,
						"orchestrator: voting in the dispute of {}'s delta for job {} round {}: {:?}",
						j.worker,
						j.job,
						j.round,
						report.verdict
					);
					let call = MiningCall::<Runtime>::vote_dispute {
						job_id: j.job,
						worker: j.worker.clone(),
						report,
					};
					self.send(ctx, public, call, "vote_dispute").await;
				}
			}
			let deadline = dispute.as_ref().map_or(record.dispute_deadline, |d| d.deadline);
			let wait = finalise_wait(&record.committee, me);
			let due = j.finalise_sent.is_none_or(|at| number.saturating_sub(at) >= RETRY_BLOCKS);
			if next.saturating_sub(wait) > deadline && due {
				j.finalise_sent = Some(number);
				log::info!(
					target: LOG,
					"orchestrator: finalising {}'s delta for job {} round {}: {verdict:?}",
					j.worker,
					j.job,
					j.round
				);
				let call = MiningCall::<Runtime>::finalise_delta {
					job_id: j.job,
					worker: j.worker.clone(),
				};
				self.send(ctx, public, call, "finalise_delta").await;
			}
			self.judged.push(j);
		}
	}

	/// Submits `call` with the orchestrator key; a refusal is logged (the caller sends it again
	/// later while it has not taken effect).
	async fn send(
		&self,
		ctx: &Context,
		public: &sr25519::Public,
		call: MiningCall<Runtime>,
		what: &str,
	) {
		if let Err(e) =
			ctx.chain.submit(ORCHESTRATOR_KEY, public, RuntimeCall::ComputeMining(call)).await
		{
			log::warn!(target: LOG, "orchestrator: {what}: {e}");
		}
	}

	/// Queues `worker`'s hardware to be checked (once).
	fn check_hardware(&mut self, worker: &AccountId) {
		if !self.hardware.iter().any(|(w, _)| w == worker) {
			self.hardware.push((worker.clone(), 0));
		}
	}

	/// Checks the hardware of the queued workers and votes the class their reports prove.
	async fn verify_workers(&mut self, ctx: &Context, public: &sr25519::Public, me: &AccountId) {
		for (worker, failures) in std::mem::take(&mut self.hardware) {
			match verify_hardware(ctx, public, me, &worker).await {
				Ok(()) => {}
				Err(e) if e.is_retryable() && failures + 1 < HARDWARE_ATTEMPTS => {
					log::info!(target: LOG, "orchestrator: hardware of {worker}, will retry: {e}");
					self.hardware.push((worker, failures + 1));
				}
				Err(e) => {
					log::warn!(target: LOG, "orchestrator: hardware of {worker} not verified: {e}")
				}
			}
		}
	}

	/// Closes the hardware checks still open after their deadline: its opener at once, anyone
	/// else [`RETRY_BLOCKS`] later, so that not every orchestrator sends the one close that can
	/// succeed.
	async fn close_hardware_checks(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		hash: H256,
		number: BlockNumber,
	) {
		let mut keep = Vec::new();
		for mut watch in std::mem::take(&mut self.hardware_checks) {
			let due =
				watch.deadline.saturating_add(if watch.opened_by_me { 1 } else { RETRY_BLOCKS });
			let resent =
				watch.close_sent.is_some_and(|at| number.saturating_sub(at) < RETRY_BLOCKS);
			if number < due || resent {
				keep.push(watch);
				continue;
			}
			match ctx.chain.hardware_check(hash, &watch.worker) {
				// Ended (or another check opened since, which its own event brings).
				Ok(check) if check.as_ref().is_none_or(|c| c.vote.deadline != watch.deadline) => {
					continue
				}
				Ok(_) => {}
				Err(e) => {
					log::warn!(target: LOG, "orchestrator: hardware check: {e}");
					keep.push(watch);
					continue;
				}
			}
			let call = MiningCall::<Runtime>::close_hardware_check { worker: watch.worker.clone() };
			self.send(ctx, public, call, "close_hardware_check").await;
			watch.close_sent = Some(number);
			keep.push(watch);
		}
		self.hardware_checks = keep;
	}

	/// Votes the checkpoint of every ready round whose committee holds `me`, and expires the
	/// rounds past their deadline.
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
			// Past its deadline the round can only expire: its members send that at once,
			// anyone else RETRY_BLOCKS later.
			let overdue = number.saturating_sub(committee.deadline);
			if overdue > 0 && (committee.members.contains(me) || overdue > RETRY_BLOCKS) {
				self.completing.insert(id, number);
				log::info!(target: LOG, "orchestrator: job {job_id} round {round} is overdue: expiring it");
				let call = MiningCall::<Runtime>::expire_round { job_id, round };
				self.send(ctx, public, call, "expire_round").await;
				continue;
			}
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

/// Measures a judged delta this orchestrator has no report on (an audit or a vote); `None`
/// while it cannot (tried again at a later block until it is given up). Its fetch is not
/// waited for: one still running is collected at a later block (a judged delta has its
/// dispute window).
async fn measure_judged(
	ctx: &Context,
	rounds: &rounds::Rounds,
	permits: &Arc<Semaphore>,
	j: &mut Judged,
) -> Option<ValidationReport> {
	let target = DeltaRef { job: j.job, worker: &j.worker, round: j.round, hash: j.hash };
	let attempt = match start_fetch(ctx, rounds, permits, &mut j.fetch, target) {
		Ok(()) => measured(ctx, rounds, &mut j.fetch, target, Instant::now()).await,
		Err(attempt) => attempt,
	};
	match attempt {
		Attempt::Measured(report) => Some(report),
		Attempt::Fetching => None,
		Attempt::Skip => {
			j.unmeasurable = true;
			None
		}
		Attempt::FetchFailed(e) => {
			j.fetch_failures += 1;
			if e.is_retryable() && j.fetch_failures < FETCH_ATTEMPTS {
				log::info!(
					target: LOG,
					"orchestrator: {}'s judged delta {:?} is unavailable (attempt {} of \
					 {FETCH_ATTEMPTS}), will retry: {e}",
					j.worker,
					j.hash,
					j.fetch_failures
				);
				return None;
			}
			log::warn!(
				target: LOG,
				"orchestrator: {}'s judged delta {:?} is unavailable ({e}): HashMismatch",
				j.worker,
				j.hash
			);
			Some(corrupt_report(DeltaVerdict::HashMismatch))
		}
		Attempt::BaseUnavailable(e) => {
			j.base_failures += 1;
			if !e.is_retryable() || j.base_failures >= BASE_ATTEMPTS {
				log::warn!(target: LOG, "orchestrator: cannot measure a judged delta: {e}");
				j.unmeasurable = true;
			}
			None
		}
	}
}

/// A judged delta as the chain holds it: its record, its open dispute and its job.
struct JudgedState {
	record: super::chain::DeltaRecordOf,
	dispute: Option<super::chain::DisputeOf>,
	job: pallet_compute_mining_runtime_api::JobInfo<AccountId>,
}

/// The state of judged delta `j` at block `at`; `None` once it is no longer that judged delta
/// (final, removed or replaced).
fn judged_state(ctx: &Context, at: H256, j: &Judged) -> Result<Option<JudgedState>, WorkerError> {
	let Some(record) = ctx.chain.delta_record(at, j.job, &j.worker)? else { return Ok(None) };
	if record.round != j.round
		|| record.hash != j.hash
		|| !matches!(record.status, DeltaStatus::Judged(_))
	{
		return Ok(None);
	}
	let Some(job) = ctx.chain.job(at, j.job)? else { return Ok(None) };
	let dispute = ctx.chain.dispute(at, j.job, &j.worker)?;
	Ok(Some(JudgedState { record, dispute, job }))
}

/// Blocks after a judged delta's deadline `me` waits before it finalises it: its miner
/// finalises at once, committee members one block after another in committee order (a
/// transaction sent at a block lands in the next one, so each sees whether the one before
/// succeeded), anyone else [`RETRY_BLOCKS`].
fn finalise_wait(committee: &[AccountId], me: &AccountId) -> BlockNumber {
	committee
		.iter()
		.position(|m| m == me)
		.and_then(|i| BlockNumber::try_from(i).ok())
		.map_or(RETRY_BLOCKS, |i| i.saturating_add(1))
}

/// Whether `me` audits `worker`'s delta for `job`'s `round` when it was not on its committee:
/// `percent` of all deltas, drawn from a hash of the delta and the orchestrator (so that
/// auditors spread over deltas, and each decides alone).
fn audited(percent: u8, job: JobId, worker: &AccountId, round: u32, me: &AccountId) -> bool {
	let mut preimage = b"gym-audit".to_vec();
	preimage.extend_from_slice(&job.to_le_bytes());
	preimage.extend_from_slice(AsRef::<[u8]>::as_ref(worker));
	preimage.extend_from_slice(&round.to_le_bytes());
	preimage.extend_from_slice(AsRef::<[u8]>::as_ref(me));
	let draw = gym_trainer::blake2_256(&preimage);
	u32::from(u16::from_le_bytes([draw[0], draw[1]])) % 100 < u32::from(percent)
}

/// What this orchestrator states about a delta it measured: the measurement, or with
/// `--orchestrator-lie` its opposite ([`lie`]).
fn stated(ctx: &Context, measured: ValidationReport) -> ValidationReport {
	if !ctx.params.orchestrator_lie {
		return measured;
	}
	let stated = lie(measured);
	log::info!(
		target: LOG,
		"orchestrator: --orchestrator-lie: stating {:?} for a delta measured {:?}",
		stated.verdict,
		measured.verdict
	);
	stated
}

/// The opposite of a report: a valid delta reported corrupt (`HashMismatch`), a corrupt one
/// reported valid with the losses of the best improvement (quality capped at the maximum).
fn lie(measured: ValidationReport) -> ValidationReport {
	if measured.verdict.is_corrupt() {
		ValidationReport {
			verdict: DeltaVerdict::Valid,
			loss_before: MICRO,
			loss_after: 0,
			val_loss_before: MICRO,
			val_loss_after: 0,
			grad_variance: 0,
			sketch: measured.sketch,
		}
	} else {
		corrupt_report(DeltaVerdict::HashMismatch)
	}
}

/// Whether `record` is the delta announced for `round` with `hash`, not yet judged.
fn is_announced(record: &super::chain::DeltaRecordOf, round: u32, hash: H256) -> bool {
	record.round == round && record.hash == hash && record.status == DeltaStatus::Pending
}

/// Whether `delta` still awaits `me`'s commitment at the best block (not judged, not committed
/// to by `me`, and its commit phase still open at the next block): `None` if not, else whether
/// its commit phase closes within [`COMMIT_MARGIN`] blocks.
fn awaits_commitment(
	ctx: &Context,
	me: &AccountId,
	delta: &PendingDelta,
) -> Result<Option<bool>, WorkerError> {
	let (best, number) = ctx.chain.best();
	let Some(record) = ctx.chain.delta_record(best, delta.job, &delta.worker)? else {
		return Ok(None);
	};
	if !is_announced(&record, delta.round, delta.hash)
		|| record.commits.iter().any(|(member, _)| member == me)
	{
		return Ok(None);
	}
	if number.saturating_add(1) > record.commit_deadline {
		log::warn!(
			target: LOG,
			"orchestrator: the commit window of {}'s delta for job {} round {} passed",
			delta.worker,
			delta.job,
			delta.round
		);
		return Ok(None);
	}
	Ok(Some(number.saturating_add(1 + COMMIT_MARGIN) > record.commit_deadline))
}

/// A delta's bytes being fetched in the background ([`Fetch::start`]). The task is aborted when
/// this is dropped, so that a delta given up stops its fetch.
struct Fetch(tokio::task::JoinHandle<Result<Vec<u8>, WorkerError>>);

impl Fetch {
	/// Starts fetching delta `hash`: from the store if it holds it, else from `endpoint` once one
	/// of `permits` is free, in one request of at most `timeout`, the bytes checked against the
	/// hash ([`WorkerError::BadPeerData`] if they do not match) and stored.
	fn start(
		shared: Arc<super::Shared>,
		permits: Arc<Semaphore>,
		endpoint: String,
		hash: H256,
		timeout: Duration,
	) -> Self {
		Fetch(tokio::spawn(fetch_delta(shared, permits, endpoint, hash, timeout)))
	}

	/// The fetch's outcome, waiting for it until `deadline` at most (a deadline passed only
	/// looks); `None` while it runs. Once it returned an outcome the fetch is done with.
	async fn outcome_by(&mut self, deadline: Instant) -> Option<Result<Vec<u8>, WorkerError>> {
		let joined = tokio::time::timeout_at(deadline, &mut self.0).await.ok()?;
		Some(joined.unwrap_or_else(|e| Err(WorkerError::task("delta fetch")(e))))
	}
}

impl Drop for Fetch {
	fn drop(&mut self) {
		self.0.abort();
	}
}

/// The task of [`Fetch::start`].
async fn fetch_delta(
	shared: Arc<super::Shared>,
	permits: Arc<Semaphore>,
	endpoint: String,
	hash: H256,
	timeout: Duration,
) -> Result<Vec<u8>, WorkerError> {
	match shared.store.get(&hash.0) {
		Ok(Some(bytes)) if gym_trainer::blake2_256(&bytes) == hash.0 => return Ok(bytes),
		Ok(_) => {}
		Err(e) => log::warn!(target: LOG, "orchestrator: reading a delta: {e}"),
	}
	// The semaphore is never closed; were it, the fetch would go ahead unbounded.
	let permit = permits.acquire_owned().await.ok();
	let bytes = rounds::fetch_checked_delta(&endpoint, hash, timeout).await?;
	drop(permit);
	if let Err(e) = shared.store.put(&bytes) {
		log::warn!(target: LOG, "orchestrator: storing a delta: {e}");
	}
	Ok(bytes)
}

/// The job of `delta` and the hash of its round's base checkpoint; the attempt instead when the
/// job is unknown (`Skip`) or its base unknown to this node (`BaseUnavailable`).
fn job_and_base(
	ctx: &Context,
	rounds: &rounds::Rounds,
	delta: DeltaRef<'_>,
) -> Result<(pallet_compute_mining_runtime_api::JobInfo<AccountId>, H256), Attempt> {
	let (best, _) = ctx.chain.best();
	let job = match ctx.chain.job(best, delta.job) {
		Ok(Some(job)) => job,
		Ok(None) => return Err(Attempt::Skip),
		Err(e) => return Err(Attempt::BaseUnavailable(e)),
	};
	let Some(base) = rounds::base_of(rounds, delta.job, &job, delta.round) else {
		return Err(Attempt::BaseUnavailable(WorkerError::CheckpointUnavailable(format!(
			"the base of job {} round {} is unknown to this node",
			delta.job, delta.round
		))));
	};
	Ok((job, base))
}

/// Starts fetching `delta`'s bytes into `fetch` ([`Fetch::start`], with
/// [`rounds::FETCH_TIMEOUT`]) unless a fetch runs there; the attempt instead when the delta
/// cannot be measured now (see [`job_and_base`]) or its worker's endpoint cannot be read.
fn start_fetch(
	ctx: &Context,
	rounds: &rounds::Rounds,
	permits: &Arc<Semaphore>,
	fetch: &mut Option<Fetch>,
	delta: DeltaRef<'_>,
) -> Result<(), Attempt> {
	if fetch.is_some() {
		return Ok(());
	}
	job_and_base(ctx, rounds, delta)?;
	let endpoint = rounds::endpoint_of(ctx, delta.worker).map_err(Attempt::FetchFailed)?;
	let (shared, permits) = (ctx.shared.clone(), permits.clone());
	*fetch = Some(Fetch::start(shared, permits, endpoint, delta.hash, rounds::FETCH_TIMEOUT));
	Ok(())
}

/// Waits for `delta`'s `fetch` until `deadline` at most and measures the bytes: `Fetching`
/// while it runs (or when none was started), a `HashMismatch` report when the endpoint served
/// corrupt data, `FetchFailed` when it is unavailable.
async fn measured(
	ctx: &Context,
	rounds: &rounds::Rounds,
	fetch: &mut Option<Fetch>,
	delta: DeltaRef<'_>,
	deadline: Instant,
) -> Attempt {
	let Some(running) = fetch.as_mut() else { return Attempt::Fetching };
	let Some(outcome) = running.outcome_by(deadline).await else { return Attempt::Fetching };
	*fetch = None;
	match outcome {
		Ok(bytes) => evaluate(ctx, rounds, delta, bytes).await,
		Err(e) if e.is_corrupt_peer_data() => {
			log::info!(
				target: LOG,
				"orchestrator: {}'s delta {:?} for job {} round {} is corrupt ({e}): reporting \
				 HashMismatch",
				delta.worker,
				delta.hash,
				delta.job,
				delta.round
			);
			Attempt::Measured(corrupt_report(DeltaVerdict::HashMismatch))
		}
		// The task failed (a bug of this node's), not the worker.
		Err(e @ WorkerError::Task { .. }) => Attempt::BaseUnavailable(e),
		Err(e) => Attempt::FetchFailed(e),
	}
}

/// Measures `delta`'s `bytes` (fetched, and checked against its hash) against its round's base
/// checkpoint, on a blocking thread.
async fn evaluate(
	ctx: &Context,
	rounds: &rounds::Rounds,
	delta: DeltaRef<'_>,
	bytes: Vec<u8>,
) -> Attempt {
	let DeltaRef { job: job_id, worker, round, hash: delta_hash } = delta;
	let (job, base_hash) = match job_and_base(ctx, rounds, delta) {
		Ok(known) => known,
		Err(attempt) => return attempt,
	};
	let base = match rounds::checkpoint(ctx, rounds, job_id, &job, base_hash).await {
		Ok(base) => base,
		Err(e) => return Attempt::BaseUnavailable(e),
	};
	// The round's sketch seed, fixed when its committee was drawn: a record that moved on (or
	// went) makes the report moot.
	let (at, _) = ctx.chain.best();
	let sketch_seed = match ctx.chain.delta_record(at, job_id, worker) {
		Ok(Some(record)) if record.round == round && record.hash == delta_hash => {
			record.sketch_seed
		}
		Ok(_) => return Attempt::Skip,
		Err(e) => return Attempt::BaseUnavailable(e),
	};
	let (model, seed, hash) = (job.spec.model, job.spec.params.seed, delta_hash.0);
	let what = format!("{worker}'s delta for job {job_id} round {round}");
	let evaluated = tokio::task::spawn_blocking(move || {
		// A spinner on a terminal; the outcome is logged below either way.
		let spinner = std::io::stdout().is_terminal().then(|| {
			let spinner = indicatif::ProgressBar::new_spinner();
			spinner.set_message(format!("evaluating {what}"));
			spinner.enable_steady_tick(std::time::Duration::from_millis(100));
			spinner
		});
		let result = evaluate_delta(model, seed, &base, &bytes, hash).and_then(|measured| {
			let sketch = sketch_of_delta(&base, &bytes, sketch_seed)?;
			Ok(ValidationReport { sketch, ..measured.to_validation_report() })
		});
		if let Some(spinner) = spinner {
			spinner.finish_and_clear();
		}
		result
	})
	.await;
	let result = match evaluated {
		Ok(result) => result,
		Err(e) => return Attempt::BaseUnavailable(WorkerError::task("evaluation")(e)),
	};
	match result {
		Ok(report) => Attempt::Measured(report),
		Err(DeltaError::UnknownModel(_) | DeltaError::ModelMismatch { .. }) => {
			log::warn!(target: LOG, "orchestrator: job {job_id} names an unknown model");
			Attempt::Skip
		}
		Err(e) => {
			log::info!(
				target: LOG,
				"orchestrator: {worker}'s delta for job {job_id} round {round} is corrupt: {e}"
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
	let mut accepted = Vec::with_capacity(seen.accepted.len());
	for worker in &seen.accepted {
		let hash = seen.submitted.get(worker).ok_or_else(|| {
			WorkerError::CheckpointUnavailable(format!("no delta seen from {worker}"))
		})?;
		accepted.push((worker.clone(), *hash));
	}
	let deltas = rounds::deltas_bytes(ctx, &accepted).await?;
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
		sketch: Default::default(),
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
	/// The nonce is not a finalized block of this chain (as this node sees it).
	#[error("the report's nonce is not a finalized block of this chain")]
	UnknownNonce,
	/// The nonce's block is after the registration or too long before it.
	#[error("the report's nonce is block #{nonce_block}, registration was at #{registered_at}")]
	StaleNonce { nonce_block: BlockNumber, registered_at: BlockNumber },
	/// The benchmark figure is not plausible for the class.
	#[error("{gflops:.1} GFLOP/s is not plausible for {class:?}")]
	ImplausibleBenchmark { gflops: f64, class: GpuClass },
}

impl AttestationRefused {
	/// Whether the refusal follows from the registered report's own bytes, so that every honest
	/// orchestrator comes to it: the report proves nothing, and is voted `Other`. The other
	/// refusals are about what the worker served this node (another payload, a bad signature)
	/// or about this node's view of the chain (a nonce block it has not finalized): a worker
	/// could serve each orchestrator differently to split their votes and have the minority
	/// slashed, so those are not voted on (the check is retried, then left to the others).
	fn proves_nothing(&self) -> bool {
		use AttestationRefused as R;
		match self {
			R::NotHex(_)
			| R::ForeignSigner
			| R::BadSignatureEncoding
			| R::BadSignature
			| R::NotRegistered
			| R::UnknownNonce => false,
			R::NotAnAttestation
			| R::Unparsable(_)
			| R::ClassNotFromFacts
			| R::ClassMismatch { .. }
			| R::HardwareMismatch
			| R::StaleNonce { .. }
			| R::ImplausibleBenchmark { .. } => true,
		}
	}
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
	// Only a finalized block of the canonical chain is one every honest node agrees on.
	let client = ctx.chain.client();
	let nonce_block = client.number(H256(report.nonce)).ok().flatten().ok_or(R::UnknownNonce)?;
	if nonce_block > client.info().finalized_number
		|| client.hash(nonce_block).ok().flatten() != Some(H256(report.nonce))
	{
		return Err(R::UnknownNonce);
	}
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

/// Checks `worker`'s hardware and votes the class it proves with `verify_hardware`, when there
/// is a vote for `me` to cast: in the open check if `me` is one of its voters and has not voted,
/// or, with no check open, when the proved class is not the worker's verified class (which opens
/// a check). A registered report that does not prove its class is voted `Other` (1.0x): honest
/// orchestrators check the same registered bytes and agree. Served bytes that are not the
/// registered report, or a nonce this node has not finalized, are not voted on
/// ([`AttestationRefused::proves_nothing`]).
async fn verify_hardware(
	ctx: &Context,
	public: &sr25519::Public,
	me: &AccountId,
	worker: &AccountId,
) -> Result<(), WorkerError> {
	let (best, number) = ctx.chain.best();
	let Some(info) = ctx.chain.worker_info(best, worker)? else { return Ok(()) };
	let open = ctx.chain.hardware_check(best, worker)?;
	if let Some(check) = &open {
		let to_vote = check.attestation == info.attestation
			&& number <= check.vote.deadline
			&& check.vote.voters.iter().any(|(m, _, vote)| m == me && vote.is_none());
		if !to_vote {
			return Ok(());
		}
	}
	let endpoint = rounds::endpoint_string(worker, info.endpoint.clone().into_inner())?;
	let signed = rounds::fetch_attestation(&endpoint).await?;
	let class = match check_attestation(ctx, &signed, worker, &info) {
		Ok(class) => {
			log::info!(
				target: LOG,
				"orchestrator: {worker}'s attestation proves {class:?} ({:.1} GFLOP/s)",
				signed.report.benchmark_gflops
			);
			class
		}
		Err(e) if e.proves_nothing() => {
			log::warn!(target: LOG, "orchestrator: {worker}'s attestation refused, voting Other: {e}");
			GpuClass::Other
		}
		Err(e) => {
			return Err(WorkerError::Unreachable {
				endpoint,
				reason: format!("the attestation served is not one to vote on: {e}"),
			})
		}
	};
	if open.is_none() && info.verified_class == Some(class.min(info.claimed_class)) {
		return Ok(());
	}
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

/// The workers whose slashed rejection in block `at` (`events`) `me` is to charge: see
/// [`settler_of`].
fn slashes_to_settle(
	ctx: &Context,
	at: H256,
	events: &[EventRecord],
	me: &AccountId,
) -> Result<Vec<AccountId>, WorkerError> {
	let signers = ctx.chain.extrinsic_signers(at)?;
	let set = ctx.chain.orchestrators(at)?;
	let mut mine = Vec::new();
	for (job, worker, signer) in slashed_rejections(events, &signers) {
		let in_set = signer.as_ref().is_some_and(|s| set.iter().any(|(m, _)| m == s));
		let committee = if in_set {
			Vec::new()
		} else {
			ctx.chain
				.delta_record(at, job, &worker)?
				.map(|r| r.committee.into_inner())
				.unwrap_or_default()
		};
		if settler_of(signer.as_ref(), &set, &committee).as_ref() == Some(me) {
			mine.push(worker);
		}
	}
	Ok(mine)
}

/// The rejections with a slash in `events`, each with its job, its worker and the signer of
/// the extrinsic that produced it (`signers`: the signer of each of the block's extrinsics, by
/// index; `None` for an unsigned one, or a rejection outside an extrinsic).
fn slashed_rejections(
	events: &[EventRecord],
	signers: &[Option<AccountId>],
) -> Vec<(JobId, AccountId, Option<AccountId>)> {
	events
		.iter()
		.filter(|r| is_slashed_rejection(r))
		.filter_map(|r| match &r.event {
			RuntimeEvent::ComputeMining(MiningEvent::DeltaRejected { job, worker, .. }) => {
				let signer = match r.phase {
					frame_system::Phase::ApplyExtrinsic(index) => {
						usize::try_from(index).ok().and_then(|i| signers.get(i)).cloned().flatten()
					}
					_ => None,
				};
				Some((*job, worker.clone(), signer))
			}
			_ => None,
		})
		.collect()
}

/// Who charges a rejection's slash (`settle_slash`), so that one orchestrator sends it: the
/// member of the orchestrator set (`set`) whose extrinsic finalised the delta (the
/// `finalise_delta` or the `vote_dispute` that resolved its dispute); when that was someone
/// outside the set (its miner, a wallet), the first member of the delta's `committee` still
/// in the set.
fn settler_of(
	signer: Option<&AccountId>,
	set: &[(AccountId, Balance)],
	committee: &[AccountId],
) -> Option<AccountId> {
	let in_set = |who: &AccountId| set.iter().any(|(m, _)| m == who);
	match signer {
		Some(signer) if in_set(signer) => Some(signer.clone()),
		_ => committee.iter().find(|m| in_set(m)).cloned(),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_system::Phase;
	use pallet_compute_mining::{types::Rejection, Verdict};

	#[test]
	fn one_orchestrator_settles_a_rejection() {
		let (me, other, miner, worker) = (
			AccountId::from([1; 32]),
			AccountId::from([2; 32]),
			AccountId::from([4; 32]),
			AccountId::from([3; 32]),
		);
		let record = |phase, event| EventRecord {
			phase,
			event: RuntimeEvent::ComputeMining(event),
			topics: vec![],
		};
		let voted = |by: &AccountId| MiningEvent::DisputeVoted {
			job: 0,
			worker: worker.clone(),
			voter: by.clone(),
			verdict: Verdict::Reject(Rejection::Corrupt),
		};
		let rejected = |slash| MiningEvent::DeltaRejected {
			job: 0,
			worker: worker.clone(),
			round: 0,
			why: Rejection::Corrupt,
			slash,
		};
		// Extrinsic 0 is unsigned (the timestamp), 1 my vote, 2 the other's: the last vote
		// resolved the dispute and finalised the delta.
		let signers = vec![None, Some(me.clone()), Some(other.clone()), Some(miner.clone())];
		let events = vec![
			record(Phase::ApplyExtrinsic(1), voted(&me)),
			record(Phase::ApplyExtrinsic(2), voted(&other)),
			record(Phase::ApplyExtrinsic(2), rejected(5)),
		];
		let rejections = slashed_rejections(&events, &signers);
		assert_eq!(rejections, vec![(0, worker.clone(), Some(other.clone()))]);
		let set = vec![(me.clone(), 50), (other.clone(), 50)];
		let committee = vec![other.clone(), me.clone()];
		assert_eq!(settler_of(Some(&other), &set, &committee), Some(other.clone()));
		// The miner finalised its own rejection (extrinsic 3): the first of the committee
		// still in the set charges it.
		let events = vec![record(Phase::ApplyExtrinsic(3), rejected(5))];
		let rejections = slashed_rejections(&events, &signers);
		assert_eq!(rejections, vec![(0, worker.clone(), Some(miner.clone()))]);
		assert_eq!(settler_of(Some(&miner), &set, &committee), Some(other.clone()));
		let set_without_other = vec![(me.clone(), 50)];
		assert_eq!(settler_of(Some(&miner), &set_without_other, &committee), Some(me.clone()));
		assert_eq!(settler_of(None, &[], &committee), None);
		// No slash (the worker had no stake): nothing to settle.
		let events = vec![record(Phase::ApplyExtrinsic(1), rejected(0))];
		assert!(slashed_rejections(&events, &signers).is_empty());
		// An extrinsic index past the body (a body not read) or a hook: no signer.
		let events = vec![
			record(Phase::ApplyExtrinsic(7), rejected(5)),
			record(Phase::Initialization, rejected(5)),
		];
		let rejections = slashed_rejections(&events, &signers);
		assert_eq!(rejections, vec![(0, worker.clone(), None), (0, worker.clone(), None)]);
	}

	#[test]
	fn a_liar_states_the_opposite_and_disagrees_with_the_truth() {
		let (tolerance, max) = (50_000, 2_000_000);
		let valid = ValidationReport {
			verdict: DeltaVerdict::Valid,
			loss_before: 2_000_000,
			loss_after: 1_970_000,
			val_loss_before: 2_000_000,
			val_loss_after: 1_990_000,
			grad_variance: 10,
			sketch: Default::default(),
		};
		let verdict = |report: ValidationReport, claimed| {
			pallet_compute_mining::verdict_of(&[report], claimed, 1_000_000, max, tolerance)
				.unwrap()
		};
		// 10 × 0.03 + 0.05 + 0.15 = 0.5.
		let truth = verdict(valid, 400_000);
		assert_eq!(truth, Verdict::Accept(500_000));
		let lied = lie(valid);
		assert_eq!(lied.verdict, DeltaVerdict::HashMismatch);
		assert_eq!(verdict(lied, 400_000), Verdict::Reject(Rejection::Corrupt));
		assert!(!verdict(lied, 400_000).agrees(&truth, tolerance));
		// A corrupt delta is stated as the best improvement there is: the cap.
		let corrupt = corrupt_report(DeltaVerdict::HashMismatch);
		assert_eq!(verdict(lie(corrupt), 400_000), Verdict::Accept(max));
		assert!(!verdict(lie(corrupt), 400_000).agrees(&verdict(corrupt, 400_000), tolerance));
	}

	#[test]
	fn audits_draw_the_requested_share() {
		let me = AccountId::from([9; 32]);
		let workers: Vec<AccountId> = (0..=255u8).map(|i| AccountId::from([i; 32])).collect();
		let share = |percent| workers.iter().filter(|w| audited(percent, 1, w, 0, &me)).count();
		assert_eq!(share(0), 0);
		assert_eq!(share(100), workers.len());
		// About half of 256, give or take.
		assert!((96..=160).contains(&share(50)), "{}", share(50));
	}

	#[test]
	fn committee_members_finalise_one_block_apart_others_later() {
		let (a, b, c) =
			(AccountId::from([1; 32]), AccountId::from([2; 32]), AccountId::from([3; 32]));
		let committee = vec![a.clone(), b.clone()];
		assert_eq!(finalise_wait(&committee, &a), 1);
		assert_eq!(finalise_wait(&committee, &b), 2);
		assert_eq!(finalise_wait(&committee, &c), RETRY_BLOCKS);
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

	/// Shared state whose store is an empty folder (nothing is written to it by these tests).
	fn shared() -> Arc<crate::worker::Shared> {
		let dir = std::env::temp_dir().join(format!("gym-fetch-test-{}", std::process::id()));
		Arc::new(crate::worker::Shared::open(dir))
	}

	/// Starts fetching `count` deltas from tarpits with `timeout`, `MAX_CONCURRENT_FETCHES` at
	/// a time; the time until all have failed, and their errors.
	async fn fetch_from_tarpits(count: u8, timeout: Duration) -> (Duration, Vec<WorkerError>) {
		let permits = Arc::new(Semaphore::new(rounds::MAX_CONCURRENT_FETCHES));
		let started = Instant::now();
		let mut fetches = Vec::new();
		for i in 0..count {
			let endpoint = rounds::test_peers::tarpit().await;
			let hash = H256([i; 32]);
			fetches.push(Fetch::start(shared(), permits.clone(), endpoint, hash, timeout));
		}
		// Collected one after another, as a block's step does: they run meanwhile.
		let deadline = started + Duration::from_secs(8);
		let mut errors = Vec::new();
		for mut fetch in fetches {
			match fetch.outcome_by(deadline).await {
				Some(Err(e)) => errors.push(e),
				other => panic!("a tarpit's fetch ended with {other:?}"),
			}
		}
		(started.elapsed(), errors)
	}

	#[tokio::test]
	async fn tarpits_cost_one_timeout_together_not_one_each() {
		let timeout = Duration::from_millis(400);
		let count = u8::try_from(rounds::MAX_CONCURRENT_FETCHES).unwrap();
		let (took, errors) = fetch_from_tarpits(count, timeout).await;
		// One after another they would take 8 × 400 ms = 3.2 s.
		assert!(took >= timeout && took < 2 * timeout, "{took:?}");
		// A silent endpoint is unavailable (retried), not corrupt.
		assert_eq!(errors.len(), usize::from(count));
		assert!(errors.iter().all(|e| !e.is_corrupt_peer_data() && e.is_retryable()));
	}

	#[tokio::test]
	async fn no_more_than_the_bound_are_fetched_at_once() {
		let timeout = Duration::from_millis(300);
		let count = u8::try_from(2 * rounds::MAX_CONCURRENT_FETCHES + 1).unwrap();
		let (took, errors) = fetch_from_tarpits(count, timeout).await;
		// 17 fetches, 8 at a time: three rounds of timeouts.
		assert!(took >= 3 * timeout && took < 5 * timeout, "{took:?}");
		assert_eq!(errors.len(), usize::from(count));
	}

	#[tokio::test]
	async fn a_step_waits_for_a_fetch_no_longer_than_its_deadline() {
		let permits = Arc::new(Semaphore::new(1));
		let endpoint = rounds::test_peers::tarpit().await;
		let hash = H256([1; 32]);
		let mut fetch =
			Fetch::start(shared(), permits.clone(), endpoint, hash, Duration::from_secs(60));
		let started = Instant::now();
		assert!(fetch.outcome_by(started).await.is_none());
		assert!(fetch.outcome_by(started + Duration::from_millis(200)).await.is_none());
		let waited = started.elapsed();
		assert!(waited >= Duration::from_millis(200) && waited < Duration::from_secs(1));
		// Still running, holding the one permit; dropping it (the delta given up) stops it.
		assert_eq!(permits.available_permits(), 0);
		drop(fetch);
		tokio::time::sleep(Duration::from_millis(50)).await;
		assert_eq!(permits.available_permits(), 1);
	}

	#[test]
	fn non_finite_deltas_are_undecodable() {
		let (model, seed) = (0, 11);
		let base = gym_trainer::initial_checkpoint(model, seed).unwrap();
		for value in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
			// The compressed delta ends with the last tensor (l3.weight, 64 × 3 values, every
			// one kept, so no indices): its scale and 192 values.
			let mut delta = base.to_delta_bytes().unwrap();
			let at = delta.len() - 192 - 4;
			delta[at..at + 4].copy_from_slice(&value.to_le_bytes());
			let hash = gym_trainer::blake2_256(&delta);
			let refused = evaluate_delta(model, seed, &base, &delta, hash).unwrap_err();
			assert!(matches!(refused, DeltaError::NonFinite { .. }), "{refused:?}");
			assert_eq!(verdict_of(&refused), DeltaVerdict::Undecodable);
		}
	}

	#[test]
	fn a_cpu_cannot_pass_for_a_gpu() {
		assert!(50.0 >= min_gflops(GpuClass::Other));
		assert!(50.0 < min_gflops(GpuClass::H100));
		assert!(50.0 < min_gflops(GpuClass::Rtx4070));
	}
}
