//! The miner (`--miner`, key type `gymm`). On every new best block:
//!
//! 1. not registered: when the account has staked Bronze, probe the hardware, run a short matmul
//!    benchmark, sign an attestation report (nonce: the best block's hash) and
//!    `register_worker(hardware_hash, class, report_hash, endpoint)`;
//! 2. registered: one `heartbeat` per heartbeat slot;
//! 3. assigned to a job: train it without pause on the training thread ([`super::local`]): a
//!    [`gym_trainer::Session`] that starts from the job's checkpoint and is rebased onto each new
//!    round's checkpoint as soon as this node has it, keeping what it learnt since its last
//!    delta. The round's delta is *cut* once the session has run the job's `steps` on the
//!    round's checkpoint, or when the round's submission window is about to close
//!    ([`CUT_MARGIN`]), whichever comes first, provided the chain would take a delta from this
//!    miner (none of the round yet, the previous one final; see [`cut_due`]). The cut's
//!    evaluation pauses the thread; training goes on while the delta is sealed, judged and
//!    aggregated: those overlap the next round's training.
//!    The block loop does not wait for the cut: each block looks whether it is done (steps 2, 4
//!    and 5 go on meanwhile), and once it is, stores the delta by hash, embargoed
//!    (`gym_getDelta` refuses it), and seals it:
//!    `submit_delta(job, delta_seal(hash, account, job, round), claimed_quality)`, unless the
//!    job's round moved on or the miner is no longer assigned to the job, which drops the
//!    delta (its progress stays in the session for the next one). It is sent again while the
//!    chain holds no delta of the round from this miner (no committee could be drawn, or its
//!    committee reached no quorum: `DeltaNoQuorum`). Once the round's submission window is
//!    over, the miner serves the bytes and sends `reveal_delta(job, hash)`;
//! 4. its delta judged (`DeltaJudged`): once the dispute window (or the dispute's voting) is
//!    over and the delta is still only judged, `finalise_delta`, which makes the verdict take
//!    effect (anyone may send it; whoever lands first finalises, the others fail `NotJudged`);
//! 5. rewards claimable: `claim_rewards`.

use super::{
	chain::{account_of, EventRecord, MINER_KEY},
	error::WorkerError,
	local::{CutResult, LocalTrainer},
	rounds, to_hex, Context, SignedAttestation, LOG,
};
use gym_primitives::mining::{Micro, Quality};
use gym_runtime::{AccountId, BlockNumber, Runtime, RuntimeCall, RuntimeEvent};
use gym_trainer::{claimed_quality, hardware, TrainConfig};
use pallet_compute_mining::{Call as MiningCall, DeltaStatus, Event as MiningEvent};
use pallet_compute_mining_runtime_api::{JobId, JobInfo};
use sp_core::{sr25519, H256};
use std::{
	collections::{HashMap, HashSet},
	time::{Duration, Instant},
};
use tokio::sync::oneshot;

/// Blocks before a registration, claim or delta that did not take effect is sent again.
const RETRY_BLOCKS: BlockNumber = 10;
/// Blocks before a `reveal_delta` that did not take effect is sent again (the reveal window is
/// the dispute window's length: 3 to 10 blocks).
const REVEAL_RETRY_BLOCKS: BlockNumber = 2;
/// Blocks before a `finalise_delta` that did not take effect is sent again.
const FINALISE_RETRY_BLOCKS: BlockNumber = 3;
/// Blocks in a row a `submit_delta` the pool refuses is sent again.
const SUBMIT_ATTEMPTS: u32 = 3;
/// A round's delta is cut at the latest at the block this many blocks before the end of its
/// submission window, so that its `submit_delta` lands in the window: the cut's evaluation and
/// the transaction's way to a block author take about one block.
pub(crate) const CUT_MARGIN: BlockNumber = 2;
/// Size and repetitions of the attestation's matmul benchmark (2·1024³·5 ≈ 10.7 GFLOP).
const BENCHMARK_SIZE: usize = 1024;
const BENCHMARK_ITERS: u32 = 5;

/// The miner's memory between blocks.
pub(crate) struct Miner {
	endpoint: String,
	/// Warnings already logged once (missing key, no stake).
	warned: HashSet<&'static str>,
	/// Whether the mining economics were logged (once, at start).
	economics_logged: bool,
	registration_sent: Option<BlockNumber>,
	heartbeat_slot_sent: Option<u32>,
	claim_sent: Option<BlockNumber>,
	/// Rounds this miner cut a delta of (job, round), so a round gets one delta.
	trained: HashSet<(JobId, u32)>,
	/// The last round whose base checkpoint could not be loaded, not to log it every block.
	unavailable: Option<((JobId, u32), String)>,
	/// A checkpoint that can never be loaded (not retryable), not to try it every block.
	broken: Option<H256>,
	/// The training thread of the job this miner is assigned to.
	local: Option<LocalTrainer>,
	/// The delta being cut on the training thread, if any (one at a time).
	training: Option<Training>,
	/// The last trained round's `submit_delta`, until the chain holds the delta.
	submission: Option<Submission>,
	/// The hash of each sealed delta by round (job, round), and the block its `reveal_delta`
	/// was last sent at.
	sealed: HashMap<(JobId, u32), ([u8; 32], Option<BlockNumber>)>,
	/// Jobs whose delta from this miner may be judged and not final yet (its `DeltaJudged`
	/// jobs, and its assignment), with the block `finalise_delta` was last sent at.
	judged: HashMap<JobId, Option<BlockNumber>>,
	/// Wall time assigned to a job, and the share of it spent in optimizer steps.
	utilisation: Utilisation,
}

/// How busy a miner keeps its hardware: wall time while assigned to a job, and the time of the
/// optimizer steps its training thread ran. Their ratio is the `gym_miner_utilisation` metric.
#[derive(Debug, Default)]
pub(crate) struct Utilisation {
	/// Wall time assigned to a job.
	assigned: Duration,
	/// Time spent in optimizer steps.
	training: Duration,
	/// When the miner was last seen assigned (the block loop's last look), if it was.
	since: Option<Instant>,
}

impl Utilisation {
	/// A look at `now`: the time since the last look counts as assigned if the miner was
	/// assigned then; `assigned` says whether it is now.
	pub(crate) fn observe(&mut self, assigned: bool, now: Instant) {
		if let Some(since) = self.since.take() {
			self.assigned += now.saturating_duration_since(since);
		}
		if assigned {
			self.since = Some(now);
		}
	}

	/// Optimizer steps took `time`.
	pub(crate) fn trained(&mut self, time: Duration) {
		self.training += time;
	}

	/// Training seconds ÷ assigned wall seconds (0 before any assigned time).
	pub(crate) fn ratio(&self) -> f64 {
		let assigned = self.assigned.as_secs_f64();
		if assigned > 0.0 {
			self.training.as_secs_f64() / assigned
		} else {
			0.0
		}
	}
}

/// A delta being cut on the training thread, with what its `submit_delta` needs once it is
/// done. The block loop never waits for it: each block takes it only when its answer is there
/// ([`finished`]).
struct Training<T = CutResult> {
	/// The round (job, round).
	round: (JobId, u32),
	/// The job's gradient-variance threshold, for the claimed quality.
	variance_threshold: Micro,
	/// The chain's `MaxQuality`, which caps the claimed quality.
	max_quality: Quality,
	/// The block it was asked at.
	started_at: BlockNumber,
	/// The training thread's answer.
	task: oneshot::Receiver<T>,
}

/// Takes the cut out of `slot` once its answer is there, or once the training thread stopped
/// without one (`None`). A cut still running stays in `slot`: this never waits for one.
fn finished<T>(slot: &mut Option<Training<T>>) -> Option<(Training<T>, Option<T>)> {
	let training = slot.as_mut()?;
	let result = match training.task.try_recv() {
		Ok(value) => Some(value),
		Err(oneshot::error::TryRecvError::Empty) => return None,
		Err(oneshot::error::TryRecvError::Closed) => None,
	};
	slot.take().map(|training| (training, result))
}

/// Whether a round's delta is to be cut at block `number`, for a submission window that ends
/// at `submit_until`, after `on_base` optimizer steps on the round's checkpoint of the job's
/// `steps`. A cut asked at block `b` is collected at `b + 1` and its seal lands at `b + 2`, so
/// within the window a delta is cut once it has its steps while `b + CUT_MARGIN` is still in
/// the window, and at `submit_until − CUT_MARGIN`, the last chance, whatever it has (with the
/// progress carried from the last round, even right after a rebase). After the window a seal
/// lands only if it opens a new one (`reopenable`: the chain does so for a round with nothing
/// accepted and no delta open), so the delta is cut then by steps alone.
fn cut_due(
	number: BlockNumber,
	submit_until: BlockNumber,
	on_base: u32,
	steps: u32,
	reopenable: bool,
) -> bool {
	let lands_by = number.saturating_add(CUT_MARGIN);
	if lands_by <= submit_until {
		on_base >= steps || lands_by == submit_until
	} else {
		number >= submit_until && reopenable && on_base >= steps
	}
}

/// Whether an honest miner seals a delta so measured: only if the chain would pay it, i.e. it
/// lowers the round's checkpoint's training loss by at least
/// `gym_primitives::mining::min_gain`, as the chain rounds it (a delta of quality 0 is
/// rejected as `NoGain`: unpaid, and kept out of the aggregate).
fn worth_sealing(report: &gym_trainer::EvalReport) -> bool {
	claimed_quality(report, 0, u32::MAX) > 0
}

/// The seed of `worker`'s mini-batches in a round of a job with dataset seed `seed`, so that
/// each worker and round draws its own (and, for a language model, its own shard).
fn batch_seed(seed: u64, round: u32, worker: &AccountId) -> u64 {
	let mut input = seed.to_le_bytes().to_vec();
	input.extend_from_slice(&round.to_le_bytes());
	input.extend_from_slice(AsRef::<[u8]>::as_ref(worker));
	let hash = gym_trainer::blake2_256(&input);
	u64::from_le_bytes(hash[..8].try_into().unwrap_or_default())
}

/// Whether a finished training of `round` is still wanted: the miner is still assigned to its
/// job (`assignment`) and the job's open round (`open`, `None` when the job is gone) is still
/// the round trained.
fn still_wanted(round: (JobId, u32), assignment: Option<JobId>, open: Option<u32>) -> bool {
	assignment == Some(round.0) && open == Some(round.1)
}

/// A trained round's `submit_delta`.
struct Submission {
	/// The round (job, round).
	round: (JobId, u32),
	/// The call.
	call: MiningCall<Runtime>,
	/// The block it was last sent at; `None` to send it at the next block.
	sent_at: Option<BlockNumber>,
	/// Refusals of the pool so far.
	refused: u32,
}

impl Miner {
	/// A miner that registers `endpoint`.
	pub fn new(endpoint: String) -> Self {
		Miner {
			endpoint,
			warned: HashSet::new(),
			economics_logged: false,
			registration_sent: None,
			heartbeat_slot_sent: None,
			claim_sent: None,
			trained: HashSet::new(),
			unavailable: None,
			broken: None,
			local: None,
			training: None,
			submission: None,
			sealed: HashMap::new(),
			judged: HashMap::new(),
			utilisation: Utilisation::default(),
		}
	}

	fn warn_once(&mut self, key: &'static str, message: impl FnOnce() -> String) {
		if self.warned.insert(key) {
			log::warn!(target: LOG, "miner: {}", message());
		}
	}

	/// One step of the miner at the new best block `hash` (#`number`).
	pub async fn on_block(
		&mut self,
		ctx: &Context,
		rounds: &mut rounds::Rounds,
		hash: H256,
		number: BlockNumber,
		events: &[EventRecord],
	) {
		let Some(public) = ctx.chain.key(MINER_KEY) else {
			self.warn_once("key", || {
				"no gymm key in the keystore; insert one with `gym-node key insert --key-type gymm \
				 --scheme sr25519 --suri <secret>`"
					.into()
			});
			return;
		};
		let me = account_of(&public);
		if !self.economics_logged {
			self.economics_logged = true;
			log_economics(ctx, hash, &me);
		}
		for record in events {
			let RuntimeEvent::ComputeMining(event) = &record.event else { continue };
			match event {
				MiningEvent::DeltaJudged { worker, job, round, verdict, dispute_deadline }
					if *worker == me =>
				{
					log::info!(
						target: LOG,
						"miner: delta for job {job} round {round} judged {verdict:?}; final after \
						 #{dispute_deadline} unless disputed"
					);
					self.judged.insert(*job, None);
				}
				MiningEvent::DeltaDisputed { worker, job, disputer, verdict, deadline }
					if *worker == me =>
				{
					log::warn!(
						target: LOG,
						"miner: {disputer} disputes the judgement of the delta for job {job} \
						 (says {verdict:?}); the orchestrators vote until #{deadline}"
					);
				}
				MiningEvent::DisputeResolved { worker, job, overturned, verdict, .. }
					if *worker == me =>
				{
					log::info!(
						target: LOG,
						"miner: the dispute of the delta for job {job} is resolved: {verdict:?} \
						 (overturned: {overturned})"
					);
				}
				MiningEvent::DeltaAccepted { worker, job, round, quality } if *worker == me => {
					self.judged.remove(job);
					log::info!(
						target: LOG,
						"miner: delta for job {job} round {round} accepted, quality {quality}"
					);
					if let Some(m) = &ctx.metrics {
						m.deltas_accepted.inc();
					}
				}
				MiningEvent::DeltaRejected { worker, job, round, why, slash } if *worker == me => {
					self.judged.remove(job);
					log::warn!(
						target: LOG,
						"miner: delta for job {job} round {round} rejected ({why:?}): {slash} planck \
						 of stake to be slashed (`settle_slash`)"
					)
				}
				MiningEvent::DeltaNoQuorum { worker, job, round, revealed } if *worker == me => {
					log::warn!(
						target: LOG,
						"miner: delta for job {job} round {round} dropped without a quorum ({revealed} \
						 reports revealed): submitting it again"
					);
					if let Some(s) = self.submission.as_mut().filter(|s| s.round == (*job, *round))
					{
						s.sent_at = None;
					}
				}
				MiningEvent::WorkerSlashed { worker, reason, amount, .. } if *worker == me => {
					log::warn!(target: LOG, "miner: slashed {amount} planck of stake ({reason:?})")
				}
				_ => {}
			}
		}
		let info = match ctx.chain.worker_info(hash, &me) {
			Ok(info) => info,
			Err(e) => return log::warn!(target: LOG, "miner: worker_info: {e}"),
		};
		let Some(info) = info else {
			return self.register(ctx, &public, hash, number).await;
		};
		self.registration_sent = None;
		if ctx.shared.attestation().is_none() {
			self.warn_once("attestation", || {
				"registered, but this node has no attestation report to serve (its store was \
				 removed?): orchestrators cannot verify the hardware"
					.into()
			});
		}

		// One heartbeat per slot, for the slot of the next block.
		let slot_len = match ctx.chain.mining_parameters(hash) {
			Ok(params) => params.heartbeat_slot,
			Err(e) => return log::warn!(target: LOG, "miner: mining parameters: {e}"),
		};
		let slot = gym_primitives::mining::slot_of(number.saturating_add(1), slot_len);
		if info.last_heartbeat < slot && self.heartbeat_slot_sent != Some(slot) {
			self.heartbeat_slot_sent = Some(slot);
			let sent = self.send(ctx, &public, MiningCall::heartbeat {}, "heartbeat").await;
			if sent.is_err_and(|e| e.is_retryable()) {
				// Sent again at the next block of the slot.
				self.heartbeat_slot_sent = None;
			}
		}

		if let Some(job) = info.assignment {
			self.judged.entry(job).or_default();
		}
		self.utilisation.observe(info.assignment.is_some(), Instant::now());
		self.finalise_judged(ctx, &public, &me, hash, number).await;
		// Sealed deltas are revealed once their window is over, seated or not.
		self.reveal_sealed(ctx, &public, &me, hash, number).await;
		// A cut delta is submitted at this block; the next cut is looked at from the next block
		// on (a `submit_delta` the pool refuses is sent again then, not now).
		let collected =
			self.finish_training(ctx, &public, &me, info.assignment, hash, number).await;
		match info.assignment {
			Some(job) if !collected => {
				self.train(ctx, rounds, &public, &me, hash, number, job).await
			}
			Some(_) => {}
			// The training thread stops with the assignment.
			None => self.stop_training(ctx),
		}
		self.count_training(ctx);

		match ctx.chain.pending_rewards(hash, &me) {
			Ok(pending) => {
				if let Some(m) = &ctx.metrics {
					m.gym_earned.set(pending.earned_total as f64 / gym_primitives::GYM as f64);
				}
				let due =
					self.claim_sent.is_none_or(|at| number.saturating_sub(at) >= RETRY_BLOCKS);
				if pending.claimable > 0 && due {
					self.claim_sent = Some(number);
					log::info!(
						target: LOG,
						"miner: claiming {} planck of rewards ({} epochs)",
						pending.claimable,
						pending.epochs
					);
					// Sent again after RETRY_BLOCKS if it does not take effect.
					let _ = self
						.send(ctx, &public, MiningCall::claim_rewards {}, "claim_rewards")
						.await;
				}
			}
			Err(e) => log::warn!(target: LOG, "miner: pending_rewards: {e}"),
		}
	}

	/// Finalises this miner's judged deltas whose dispute window (or dispute) is over at the
	/// next block (`finalise_delta`, free when it succeeds). Another node may finalise first:
	/// the record then shows the delta final and nothing more is sent.
	async fn finalise_judged(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		number: BlockNumber,
	) {
		let next = number.saturating_add(1);
		for (job_id, sent) in std::mem::take(&mut self.judged) {
			let record = match ctx.chain.delta_record(hash, job_id, me) {
				Ok(Some(record)) => record,
				Ok(None) => continue,
				Err(e) => {
					log::warn!(target: LOG, "miner: delta record: {e}");
					self.judged.insert(job_id, sent);
					continue;
				}
			};
			// Pending (the assignment's entry, made again each block) or final.
			if !matches!(record.status, DeltaStatus::Judged(_)) {
				continue;
			}
			let deadline = match ctx.chain.dispute(hash, job_id, me) {
				Ok(Some(dispute)) => dispute.deadline,
				Ok(None) => record.dispute_deadline,
				Err(e) => {
					log::warn!(target: LOG, "miner: dispute: {e}");
					self.judged.insert(job_id, sent);
					continue;
				}
			};
			let due = sent.is_none_or(|at| number.saturating_sub(at) >= FINALISE_RETRY_BLOCKS);
			if next > deadline && due {
				log::info!(
					target: LOG,
					"miner: finalising the delta for job {job_id} round {}",
					record.round
				);
				let call = MiningCall::finalise_delta { job_id, worker: me.clone() };
				let sent_now = self.send(ctx, public, call, "finalise_delta").await;
				let at = if sent_now.is_ok() { Some(number) } else { sent };
				self.judged.insert(job_id, at);
			} else {
				self.judged.insert(job_id, sent);
			}
		}
	}

	async fn send(
		&self,
		ctx: &Context,
		public: &sr25519::Public,
		call: MiningCall<Runtime>,
		what: &str,
	) -> Result<(), WorkerError> {
		let sent = ctx.chain.submit(MINER_KEY, public, RuntimeCall::ComputeMining(call)).await;
		match &sent {
			Ok(()) => log::debug!(target: LOG, "miner: sent {what}"),
			Err(e) => log::warn!(target: LOG, "miner: {what}: {e}"),
		}
		sent
	}

	async fn register(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		hash: H256,
		number: BlockNumber,
	) {
		if self.registration_sent.is_some_and(|at| number.saturating_sub(at) < RETRY_BLOCKS) {
			return;
		}
		let me = account_of(public);
		match ctx.chain.stake_info(hash, &me) {
			Ok(stake) if stake.tier.is_some() => {}
			Ok(_) => {
				return self.warn_once("stake", || {
					format!(
						"{me} has not staked Bronze (1,000 GYM): stake with \
						 TieredStaking.stake, then the miner registers"
					)
				})
			}
			Err(e) => return log::warn!(target: LOG, "miner: stake_info: {e}"),
		}
		self.registration_sent = Some(number);
		let signed = match attest(ctx, public, hash).await {
			Ok(signed) => signed,
			Err(e) => return log::warn!(target: LOG, "miner: attestation: {e}"),
		};
		let report = &signed.report;
		let hardware_hash = super::hardware_hash(&report.facts, &me);
		log::info!(
			target: LOG,
			"miner: registering {me}: class {:?}, {:.1} GFLOP/s, hardware {}, endpoint {}",
			report.class,
			report.benchmark_gflops,
			to_hex(&hardware_hash),
			self.endpoint
		);
		let call = MiningCall::register_worker {
			hardware_hash: H256(hardware_hash),
			gpu_class: report.class,
			attestation_report_hash: H256(report.hash()),
			endpoint: self.endpoint.clone().into_bytes(),
		};
		if let Err(e) = ctx.shared.store.save_attestation(&signed) {
			log::warn!(target: LOG, "miner: saving the attestation report: {e}");
		}
		ctx.shared.set_attestation(signed);
		// Sent again after RETRY_BLOCKS if it does not take effect.
		let _ = self.send(ctx, public, call, "register_worker").await;
	}

	#[allow(clippy::too_many_arguments)]
	async fn train(
		&mut self,
		ctx: &Context,
		rounds: &rounds::Rounds,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		number: BlockNumber,
		job_id: JobId,
	) {
		let job = match ctx.chain.job(hash, job_id) {
			Ok(Some(job)) => job,
			Ok(None) => return self.stop_training(ctx),
			Err(e) => return log::warn!(target: LOG, "miner: job {job_id}: {e}"),
		};
		let round = (job_id, job.round);
		if !self.follow(ctx, rounds, me, hash, job_id, &job).await {
			return;
		}
		match ctx.chain.delta_record(hash, job_id, me) {
			// Sealed and not expired: revealed by `reveal_sealed`. A seal never revealed in
			// time is dropped by the chain at the next seal.
			Ok(Some(record))
				if record.status == DeltaStatus::Sealed
					&& number.saturating_add(1) <= record.reveal_deadline =>
			{
				if record.round == job.round {
					self.trained.insert(round);
				}
				return;
			}
			Ok(Some(record))
				if record.status == DeltaStatus::Sealed && record.round != job.round => {}
			Ok(Some(record)) if record.round == job.round => {
				self.trained.insert(round);
				return;
			}
			// The chain takes no delta while the previous one is not final.
			Ok(Some(record)) if !record.status.is_final() => return,
			Ok(_) => {}
			Err(e) => return log::warn!(target: LOG, "miner: delta record: {e}"),
		}
		if let Some(submission) = self.submission.take().filter(|s| s.round == round) {
			let due = submission.sent_at.is_none_or(|at| number.saturating_sub(at) >= RETRY_BLOCKS);
			if !due {
				self.submission = Some(submission);
			} else {
				if submission.sent_at.is_some() {
					log::info!(
						target: LOG,
						"miner: no delta of job {job_id} round {} on chain: submitting it again",
						job.round
					);
				}
				self.submit_delta(ctx, public, submission, number).await;
			}
			return;
		}
		if !self.may_train(round) {
			return;
		}
		let Some(local) = self.local.as_mut() else { return };
		// A closing job takes no delta; after the window only a seal that opens a new one lands.
		let reopenable = job.accepted == 0 && job.open == 0;
		let steps = job.spec.params.steps;
		if job.closing
			|| !cut_due(number, job.submit_until, local.steps_on_base(), steps, reopenable)
		{
			return;
		}
		// The claim is capped by the chain's `MaxQuality`, as the judgement will be.
		let max_quality = match ctx.chain.mining_parameters(hash) {
			Ok(params) => params.max_quality,
			Err(e) => return log::warn!(target: LOG, "miner: mining parameters: {e}"),
		};
		self.trained.insert(round);
		self.training = Some(Training {
			round,
			variance_threshold: job.spec.variance_threshold,
			max_quality,
			started_at: number,
			task: local.cut(job.round),
		});
	}

	/// Keeps the training thread on `job`'s current checkpoint: starts it on the job's first
	/// look, and rebases it when a round opened (a delta cut and never taken by the chain is
	/// forgotten first, so its progress goes into the next). Returns whether the thread trains
	/// on the job's checkpoint now; a checkpoint this node cannot load yet is logged once per
	/// round and looked for again at the next block.
	async fn follow(
		&mut self,
		ctx: &Context,
		rounds: &rounds::Rounds,
		me: &AccountId,
		hash: H256,
		job_id: JobId,
		job: &JobInfo<AccountId>,
	) -> bool {
		// An expired round leaves the checkpoint as it was: the round counts too.
		let on_base = |local: &Option<LocalTrainer>| {
			local.as_ref().is_some_and(|l| {
				l.job == job_id && l.round == job.round && l.base == job.checkpoint
			})
		};
		// A cut in flight is of the thread's base: the thread moves once it is collected.
		if self.training.is_some() {
			return on_base(&self.local);
		}
		if let Some(local) = &self.local {
			if let Some(why) = local.failure() {
				// Started again from the next checkpoint, not this one, which failed.
				log::warn!(
					target: LOG,
					"miner: training job {} stopped: {why}; waiting for the job's next checkpoint",
					local.job
				);
				self.broken = Some(job.checkpoint);
				self.stop_training(ctx);
			} else if local.job != job_id {
				self.stop_training(ctx);
			}
		}
		if on_base(&self.local) {
			return true;
		}
		if self.broken == Some(job.checkpoint) {
			return false;
		}
		let round = (job_id, job.round);
		let base = match rounds::checkpoint(ctx, rounds, job_id, job, job.checkpoint).await {
			Ok(base) => base,
			Err(e) if e.is_retryable() => {
				let e = e.to_string();
				if self.unavailable.as_ref().is_none_or(|(r, old)| *r != round || *old != e) {
					log::warn!(target: LOG, "miner: job {job_id} round {}: {e}", job.round);
					self.unavailable = Some((round, e));
				}
				return false;
			}
			Err(e) => {
				log::warn!(target: LOG, "miner: job {job_id} round {}: {e}; skipping it", job.round);
				self.broken = Some(job.checkpoint);
				return false;
			}
		};
		let params = job.spec.params;
		let cfg = TrainConfig {
			steps: params.steps,
			batch_size: params.batch_size,
			learning_rate_micro: params.learning_rate,
			weight_decay_micro: params.weight_decay,
			seed: batch_seed(params.seed, job.round, me),
		};
		match self.local.as_mut() {
			Some(local) => {
				// The chain never took the last cut (its round moved on first): keep its
				// progress for the next delta.
				if let Some(cut) = local.cut_round {
					match ctx.chain.delta_record(hash, job_id, me) {
						Ok(record) if record.as_ref().is_some_and(|r| r.round == cut) => {}
						Ok(_) => local.uncut(),
						// Not known: the next block looks again (an uncut of a delta the
						// chain took would count its progress twice).
						Err(e) => {
							log::warn!(target: LOG, "miner: delta record: {e}");
							return false;
						}
					}
				}
				log::info!(
					target: LOG,
					"miner: job {job_id} round {} opened: training on from its checkpoint",
					job.round
				);
				local.rebase(job.round, job.checkpoint, base, cfg.seed);
			}
			None => {
				let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
				match LocalTrainer::start(
					job_id,
					job.round,
					job.checkpoint,
					job.spec.model,
					params.seed,
					base,
					cfg,
					threads,
				) {
					Ok(local) => {
						log::info!(
							target: LOG,
							"miner: training job {job_id} from round {} (model {}, batches of {}): \
							 a delta after {} steps on a round's checkpoint, or at the end of \
							 its submission window",
							job.round,
							job.spec.model,
							cfg.batch_size,
							params.steps
						);
						self.local = Some(local);
					}
					Err(e) => {
						log::warn!(target: LOG, "miner: starting the training thread: {e}");
						return false;
					}
				}
			}
		}
		true
	}

	/// Stops the training thread (after counting its last steps).
	fn stop_training(&mut self, ctx: &Context) {
		self.count_training(ctx);
		if let Some(local) = self.local.take() {
			log::info!(target: LOG, "miner: stopped training job {}", local.job);
		}
		self.training = None;
	}

	/// Counts the training thread's steps since the last look into the utilisation and the
	/// metrics.
	fn count_training(&mut self, ctx: &Context) {
		let Some(local) = self.local.as_mut() else { return };
		let (steps, time, loss) = local.take_new();
		self.utilisation.trained(time);
		if let Some(m) = &ctx.metrics {
			m.steps.inc_by(steps);
			if steps > 0 {
				m.loss.set(f64::from(loss));
			}
			m.assigned_seconds.set(self.utilisation.assigned.as_secs_f64());
			m.training_seconds.set(self.utilisation.training.as_secs_f64());
			m.utilisation.set(self.utilisation.ratio());
		}
	}

	/// Forgets the last cut on the training thread: its delta is not sent, its progress goes
	/// into the next.
	fn uncut(&mut self) {
		if let Some(local) = self.local.as_mut() {
			local.uncut();
		}
	}

	/// Whether `round`'s delta may be cut: none was cut (nor asked for) before, and no other
	/// cut is in flight.
	fn may_train(&self, round: (JobId, u32)) -> bool {
		!self.trained.contains(&round) && self.training.is_none()
	}

	/// Takes the cut delta once the training thread answered (a cut still running is left to
	/// run), and returns whether it took one. A delta still wanted ([`still_wanted`]) is stored
	/// by hash and its `submit_delta` sent; one whose job's round moved on, or whose job this
	/// miner is no longer assigned to, is dropped, and the session forgets the cut.
	async fn finish_training(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		me: &AccountId,
		assignment: Option<JobId>,
		hash: H256,
		number: BlockNumber,
	) -> bool {
		let Some((training, outcome)) = finished(&mut self.training) else {
			return false;
		};
		let round = training.round;
		let (job_id, job_round) = round;
		let outcome = match outcome {
			Some(Ok(outcome)) => outcome,
			Some(Err(e)) => {
				log::warn!(target: LOG, "miner: cutting the delta of job {job_id} failed: {e}");
				self.uncut();
				return true;
			}
			None => {
				// The round may still be cut by the thread started again.
				log::warn!(target: LOG, "miner: the training thread stopped during a cut");
				self.trained.remove(&round);
				return true;
			}
		};
		// `None` when the chain could not be read: the submission then waits for the next
		// block, where the training step checks the round again before sending it.
		let wanted = match ctx.chain.job(hash, job_id) {
			Ok(job) => Some(still_wanted(round, assignment, job.map(|job| job.round))),
			Err(e) => {
				log::warn!(target: LOG, "miner: job {job_id}: {e}");
				None
			}
		};
		if wanted == Some(false) {
			log::info!(
				target: LOG,
				"miner: cut the delta of job {job_id} round {job_round} (#{} → #{number}), but \
				 the round moved on or the job is no longer assigned to this miner: dropping it",
				training.started_at
			);
			self.uncut();
			return true;
		}
		let claimed =
			claimed_quality(&outcome.report, training.variance_threshold, training.max_quality);
		// A delta that does not lower the checkpoint's loss is not sealed: it would pull the
		// round's aggregate (and cost a fee for at most the low-variance bonus). It was trained
		// from weights the round left too far behind: the session starts again from the base.
		if !worth_sealing(&outcome.report) {
			let report = &outcome.report;
			log::info!(
				target: LOG,
				"miner: the delta of job {job_id} round {job_round} does not lower the round's \
				 loss ({:.4} → {:.4}): not sealed; training again from the round's checkpoint",
				report.loss_before,
				report.loss_after,
			);
			if let Some(local) = self.local.as_mut() {
				local.restart();
			}
			return true;
		}
		// Not served before the round's submission window is over.
		ctx.shared.embargo(outcome.delta_hash);
		let stored = if ctx.params.miner_corrupt_deltas {
			let mut corrupt = outcome.delta.clone();
			if let Some(byte) = corrupt.last_mut() {
				*byte ^= 0xff;
			}
			ctx.shared.store.put_as(outcome.delta_hash, &corrupt)
		} else {
			ctx.shared.store.put(&outcome.delta).map(|_| ())
		};
		if let Err(e) = stored {
			// Cut again at a later block of the round, if it has one.
			log::warn!(target: LOG, "miner: storing the delta: {e}");
			self.uncut();
			self.trained.remove(&round);
			return true;
		}
		log::info!(
			target: LOG,
			"miner: cut the delta of job {job_id} round {job_round}: {} steps in {:.2} s of \
			 training ({:.0} samples/s; {:.2} s since the last cut, asked at #{}, done at \
			 #{number}): loss {:.4} → {:.4}, validation {:.4} → {:.4}, delta {} bytes {}, \
			 claiming quality {claimed}; utilisation {:.1}% while assigned",
			outcome.steps,
			outcome.training_time.as_secs_f64(),
			outcome.samples as f64 / outcome.training_time.as_secs_f64().max(1e-9),
			outcome.wall_time.as_secs_f64(),
			training.started_at,
			outcome.report.loss_before,
			outcome.report.loss_after,
			outcome.report.val_loss_before,
			outcome.report.val_loss_after,
			outcome.delta.len(),
			to_hex(&outcome.delta_hash),
			100.0 * self.utilisation.ratio()
		);
		let seal =
			pallet_compute_mining::delta_seal(&H256(outcome.delta_hash), me, job_id, job_round);
		// One sealed delta per job at a time: an older round's is revealed or gone.
		self.sealed.retain(|(job, _), _| *job != job_id);
		self.sealed.insert(round, (outcome.delta_hash, None));
		let call = MiningCall::submit_delta { job_id, seal, claimed_quality: claimed };
		let submission = Submission { round, call, sent_at: None, refused: 0 };
		if wanted.is_some() {
			self.submit_delta(ctx, public, submission, number).await;
		} else {
			self.submission = Some(submission);
		}
		true
	}

	/// Reveals each of this miner's sealed deltas once the next block is past its round's
	/// submission window (`commit_deadline` while sealed): serves its bytes from then on and
	/// sends `reveal_delta`, again every [`REVEAL_RETRY_BLOCKS`] while it stays sealed (the
	/// reveal window is short). Forgets those no longer sealed.
	async fn reveal_sealed(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		me: &AccountId,
		hash: H256,
		number: BlockNumber,
	) {
		let next = number.saturating_add(1);
		for ((job_id, round), (delta_hash, sent)) in self.sealed.clone() {
			let record = match ctx.chain.delta_record(hash, job_id, me) {
				Ok(record) => record,
				Err(e) => {
					log::warn!(target: LOG, "miner: delta record: {e}");
					continue;
				}
			};
			let record = match record {
				Some(record) if record.round == round => record,
				// Replaced by a later round's delta.
				Some(record) if record.round > round => {
					self.sealed.remove(&(job_id, round));
					continue;
				}
				// Not on chain yet (the seal may still be in the pool), or dropped: kept until
				// this job's next seal replaces it.
				_ => continue,
			};
			if record.status != DeltaStatus::Sealed {
				// Revealed: its bytes are served.
				ctx.shared.release(&delta_hash);
				self.sealed.remove(&(job_id, round));
				continue;
			}
			if next > record.reveal_deadline {
				// Too late: the chain drops it at the next seal.
				self.sealed.remove(&(job_id, round));
				continue;
			}
			if next <= record.commit_deadline {
				continue;
			}
			if sent.is_some_and(|at| number.saturating_sub(at) < REVEAL_RETRY_BLOCKS) {
				continue;
			}
			ctx.shared.release(&delta_hash);
			log::info!(
				target: LOG,
				"miner: revealing the delta for job {job_id} round {round} ({})",
				to_hex(&delta_hash)
			);
			let call = MiningCall::reveal_delta { job_id, delta_hash: H256(delta_hash) };
			let at = self.send(ctx, public, call, "reveal_delta").await.ok().map(|()| number);
			self.sealed.insert((job_id, round), (delta_hash, at.or(sent)));
		}
	}

	/// Sends a trained round's `submit_delta` at block `number` and keeps it, to send it again
	/// while the chain holds no delta of the round from this miner. A refusal of the pool that
	/// may pass later has it sent again at the next block, [`SUBMIT_ATTEMPTS`] times in all.
	async fn submit_delta(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		mut submission: Submission,
		number: BlockNumber,
	) {
		match self.send(ctx, public, submission.call.clone(), "submit_delta").await {
			Ok(()) => {
				if let Some(m) = &ctx.metrics {
					m.deltas_submitted.inc();
				}
				submission.sent_at = Some(number);
			}
			Err(e) if e.is_retryable() && submission.refused + 1 < SUBMIT_ATTEMPTS => {
				submission.sent_at = None;
				submission.refused += 1;
			}
			Err(_) => return,
		}
		self.submission = Some(submission);
	}
}

/// Probes the hardware, benchmarks it and signs the report with the miner key; the nonce is
/// the best block's hash.
async fn attest(
	ctx: &Context,
	public: &sr25519::Public,
	nonce: H256,
) -> Result<SignedAttestation, WorkerError> {
	let (facts, gflops) = tokio::task::spawn_blocking(|| {
		let facts = hardware::probe();
		hardware::matmul_benchmark(BENCHMARK_SIZE, BENCHMARK_ITERS).map(|g| (facts, g))
	})
	.await
	.map_err(WorkerError::task("benchmark"))??;
	let report = hardware::AttestationReport::new(facts, gflops, nonce.0);
	let payload = report.signing_payload();
	let signature = ctx.chain.sign(MINER_KEY, public, &payload)?;
	Ok(SignedAttestation {
		report,
		payload: to_hex(&payload),
		signer: to_hex(public.as_ref()),
		signature: to_hex(signature.as_ref()),
	})
}

/// Logs what mining earns and costs per epoch on this miner's GPU class (its attestation's, or
/// its registration's; `Other` before either) at the `--miner-watts` draw, at today's difficulty
/// and oracle prices, so that an owner can tell whether mining pays.
fn log_economics(ctx: &Context, at: H256, me: &AccountId) {
	use crate::rpc::stability::usd;
	let class = ctx
		.shared
		.attestation()
		.map(|a| a.report.class)
		.or_else(|| {
			ctx.chain
				.worker_info(at, me)
				.ok()
				.flatten()
				.map(|w| w.verified_class.unwrap_or(w.claimed_class))
		})
		.unwrap_or_default();
	let watts = ctx.params.miner_watts;
	let e = match ctx.chain.miner_economics(at, class, watts) {
		Ok(e) => e,
		Err(e) => return log::warn!(target: LOG, "miner: miner economics: {e}"),
	};
	let dollars = |p: Option<gym_primitives::prices::UsdPrice>| {
		p.map_or_else(|| "unknown (no fresh price)".to_string(), |p| format!("${}", usd(p)))
	};
	log::info!(
		target: LOG,
		"miner: a verified {class:?} at difficulty {} earns {} GYM per {}-block epoch ({} h), \
		 worth {}; electricity at {watts} W {}, GPU rent {} (gym_minerEconomics)",
		usd(e.difficulty),
		e.gym_per_epoch / gym_primitives::GYM,
		e.epoch_blocks,
		usd(e.epoch_hours),
		dollars(e.usd_per_epoch),
		dollars(e.electricity_usd),
		dollars(e.gpu_hour_usd),
	);
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::time::Duration;

	/// A cut of job 3 round 1, asked at #7, and the training thread's end of it.
	fn training<T>() -> (Training<T>, oneshot::Sender<T>) {
		let (reply, task) = oneshot::channel();
		let training = Training {
			round: (3, 1),
			variance_threshold: 0,
			max_quality: 1_000_000,
			started_at: 7,
			task,
		};
		(training, reply)
	}

	#[test]
	fn blocks_go_on_while_a_delta_is_cut_and_take_it_once_it_is_done() {
		let (training, reply) = training::<u32>();
		let mut slot = Some(training);
		// Each block looks at the cut in flight and goes on at once, leaving it to run.
		for _ in 0..5 {
			assert!(finished(&mut slot).is_none());
			assert!(slot.is_some(), "the cut stays in flight");
		}
		reply.send(42).unwrap();
		// The first block after it is done takes it, with its result and its round.
		let (done, result) = finished(&mut slot).unwrap();
		assert_eq!(result, Some(42));
		assert_eq!((done.round, done.started_at), ((3, 1), 7));
		assert!(slot.is_none(), "taken once");
		assert!(finished(&mut slot).is_none());
	}

	#[test]
	fn a_cut_whose_thread_stopped_is_taken_without_a_result() {
		let (training, reply) = training::<u32>();
		let mut slot = Some(training);
		drop(reply);
		let (_, result) = finished(&mut slot).unwrap();
		assert_eq!(result, None);
		assert!(slot.is_none());
	}

	#[test]
	fn one_cut_at_a_time_and_one_per_round() {
		let mut miner = Miner::new("http://127.0.0.1:1".into());
		assert!(miner.may_train((3, 1)));
		let (running, reply) = training::<CutResult>();
		miner.trained.insert(running.round);
		miner.training = Some(running);
		// Neither the round cut nor the job's next round is cut while it runs.
		assert!(!miner.may_train((3, 1)));
		assert!(!miner.may_train((3, 2)));
		let _ = reply.send(Err(gym_trainer::TrainerError::InvalidConfig("test")));
		let (_, result) = finished(&mut miner.training).unwrap();
		assert!(result.unwrap().is_err(), "the cut failed");
		assert!(!miner.may_train((3, 1)), "a round is cut once");
		assert!(miner.may_train((3, 2)));
	}

	#[test]
	fn a_delta_is_cut_after_the_jobs_steps_or_at_the_last_block_that_lands_it() {
		// Window until #20, the job's 30 steps a round, margin 2 blocks.
		assert!(!cut_due(10, 20, 29, 30, true), "29 steps, window open");
		assert!(cut_due(10, 20, 30, 30, true), "30 steps on the round's checkpoint");
		assert!(!cut_due(17, 20, 5, 30, true), "three blocks to go: one more may train");
		assert!(cut_due(18, 20, 5, 30, true), "asked at #18, sealed at #20: the last chance");
		assert!(cut_due(18, 20, 0, 30, false), "right after a rebase, with the carried progress");
		// A seal asked later lands after the window: not now, whatever the steps.
		assert!(!cut_due(19, 20, 30, 30, true));
		// A window already over: only a seal that opens a new one, by steps.
		assert!(!cut_due(20, 20, 5, 30, true));
		assert!(!cut_due(25, 20, 29, 30, true));
		assert!(cut_due(25, 20, 30, 30, true));
		assert!(!cut_due(25, 20, 30, 30, false), "others' deltas are open: it would be refused");
		// The dev chains' 2-block window: the round opens at #40 and is cut at once.
		assert!(cut_due(40, 42, 0, 50, false));
		assert!(!cut_due(41, 42, 49, 50, false));
	}

	#[test]
	fn a_delta_that_does_not_lower_the_loss_is_not_sealed() {
		let report = |before: u64, after: u64| gym_trainer::EvalReport {
			loss_before: before as f64 / 1e6,
			loss_after: after as f64 / 1e6,
			val_loss_before: 3.0,
			// Its validation loss falls and its variance is low: the bonuses alone would not
			// make it paid.
			val_loss_after: 2.0,
			grad_variance: 0.0,
		};
		assert!(worth_sealing(&report(3_074_400, 2_775_900)));
		assert!(!worth_sealing(&report(3_074_400, 3_116_000)), "CI's stale round-1 delta");
		assert!(!worth_sealing(&report(3_000_000, 3_000_000)));
		// The chain pays a gain of 0.005 or more, counted in millionths, or of a tenth of a
		// loss under 0.05 (the spiral's round 1 on the dev chain).
		assert!(worth_sealing(&report(3_000_000, 2_995_000)));
		assert!(!worth_sealing(&report(3_000_000, 2_995_001)));
		assert!(worth_sealing(&report(7_400, 4_200)));
		assert!(!worth_sealing(&report(7_400, 6_700)));
		assert_eq!(claimed_quality(&report(3_074_400, 3_116_000), 1_000_000, 2_000_000), 0);
	}

	#[test]
	fn each_worker_and_round_draws_its_own_batches() {
		let (alice, bob) = (AccountId::new([1; 32]), AccountId::new([2; 32]));
		let seeds = [batch_seed(7, 0, &alice), batch_seed(7, 1, &alice), batch_seed(7, 0, &bob)];
		assert!(seeds[0] != seeds[1] && seeds[0] != seeds[2] && seeds[1] != seeds[2]);
		assert_eq!(batch_seed(7, 0, &alice), seeds[0]);
		assert_ne!(batch_seed(8, 0, &alice), seeds[0]);
	}

	#[test]
	fn utilisation_counts_training_over_assigned_wall_time() {
		let mut u = Utilisation::default();
		let t0 = Instant::now();
		let at = |s: u64| t0 + Duration::from_secs(s);
		u.observe(false, at(0));
		u.observe(true, at(10));
		// Assigned from 10 s: 6 s to the next look, 6 more to the one after.
		u.observe(true, at(16));
		u.trained(Duration::from_secs(3));
		u.observe(false, at(22));
		// Unassigned from 22 s: the next 100 s do not count.
		u.observe(true, at(122));
		u.observe(true, at(128));
		assert_eq!(u.assigned, Duration::from_secs(18));
		assert_eq!(u.training, Duration::from_secs(3));
		assert!((u.ratio() - 3.0 / 18.0).abs() < 1e-12);
		assert_eq!(Utilisation::default().ratio(), 0.0);
	}

	#[test]
	fn a_delta_is_dropped_when_its_round_moved_on_or_its_job_is_unassigned() {
		let round = (3, 1);
		assert!(still_wanted(round, Some(3), Some(1)));
		assert!(!still_wanted(round, Some(3), Some(2)), "the round moved on");
		assert!(!still_wanted(round, Some(4), Some(1)), "assigned to another job");
		assert!(!still_wanted(round, None, Some(1)), "no longer assigned");
		assert!(!still_wanted(round, Some(3), None), "the job is gone");
	}
}
