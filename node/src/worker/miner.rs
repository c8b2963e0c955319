//! The miner (`--miner`, key type `gymm`). On every new best block:
//!
//! 1. not registered: when the account has staked Bronze, probe the hardware, run a short matmul
//!    benchmark, sign an attestation report (nonce: the best block's hash) and
//!    `register_worker(hardware_hash, class, report_hash, endpoint)`;
//! 2. registered: one `heartbeat` per heartbeat slot;
//! 3. assigned to a job without a delta for its open round: load the round's base checkpoint
//!    and start training it on a blocking thread, one round at a time. The block loop does not
//!    wait for it: each block looks whether it is done (steps 2, 4 and 5 go on meanwhile), and
//!    once it is, stores the delta by hash, embargoed (`gym_getDelta` refuses it), and seals it:
//!    `submit_delta(job, delta_seal(hash, account, job, round), claimed_quality)`, unless the
//!    job's round moved on or the miner is no longer assigned to the job, which drops the
//!    delta. It is sent again while the chain holds no delta of the round from this miner (no
//!    committee could be drawn, or its committee reached no quorum: `DeltaNoQuorum`). Once the
//!    round's submission window is over, the miner serves the bytes and sends
//!    `reveal_delta(job, hash)`. The next delta waits until the previous one is final;
//! 4. its delta judged (`DeltaJudged`): once the dispute window (or the dispute's voting) is
//!    over and the delta is still only judged, `finalise_delta`, which makes the verdict take
//!    effect (anyone may send it; whoever lands first finalises, the others fail `NotJudged`);
//! 5. rewards claimable: `claim_rewards`.

use super::{
	chain::{account_of, EventRecord, MINER_KEY},
	error::WorkerError,
	rounds, to_hex, Context, SignedAttestation, LOG,
};
use gym_primitives::mining::{Micro, Quality};
use gym_runtime::{AccountId, BlockNumber, Runtime, RuntimeCall, RuntimeEvent};
use gym_trainer::{
	claimed_quality, hardware, train_round, RoundOutcome, TrainConfig, TrainerError,
};
use pallet_compute_mining::{Call as MiningCall, DeltaStatus, Event as MiningEvent};
use pallet_compute_mining_runtime_api::JobId;
use sp_core::{sr25519, H256};
use std::{
	collections::{HashMap, HashSet},
	io::IsTerminal,
	time::{Duration, Instant},
};

/// Blocks before a registration, claim or delta that did not take effect is sent again.
const RETRY_BLOCKS: BlockNumber = 10;
/// Blocks before a `reveal_delta` that did not take effect is sent again (the reveal window is
/// the dispute window's length: 3 to 10 blocks).
const REVEAL_RETRY_BLOCKS: BlockNumber = 2;
/// Blocks before a `finalise_delta` that did not take effect is sent again.
const FINALISE_RETRY_BLOCKS: BlockNumber = 3;
/// Blocks in a row a `submit_delta` the pool refuses is sent again.
const SUBMIT_ATTEMPTS: u32 = 3;
/// Size and repetitions of the attestation's matmul benchmark (2·1024³·5 ≈ 10.7 GFLOP).
const BENCHMARK_SIZE: usize = 1024;
const BENCHMARK_ITERS: u32 = 5;

/// The miner's memory between blocks.
pub(crate) struct Miner {
	endpoint: String,
	/// Warnings already logged once (missing key, no stake).
	warned: HashSet<&'static str>,
	registration_sent: Option<BlockNumber>,
	heartbeat_slot_sent: Option<u32>,
	claim_sent: Option<BlockNumber>,
	/// Rounds this miner trained (job, round), so a delta in the pool is not trained again.
	trained: HashSet<(JobId, u32)>,
	/// The last round whose base checkpoint could not be loaded, not to log it every block.
	unavailable: Option<((JobId, u32), String)>,
	/// The round training on a blocking thread, if any (one at a time).
	training: Option<Training>,
	/// The last trained round's `submit_delta`, until the chain holds the delta.
	submission: Option<Submission>,
	/// The hash of each sealed delta by round (job, round), and the block its `reveal_delta`
	/// was last sent at.
	sealed: HashMap<(JobId, u32), ([u8; 32], Option<BlockNumber>)>,
	/// Jobs whose delta from this miner may be judged and not final yet (its `DeltaJudged`
	/// jobs, and its assignment), with the block `finalise_delta` was last sent at.
	judged: HashMap<JobId, Option<BlockNumber>>,
	/// Error feedback by job: what this miner's last compressed delta of the job left unsent
	/// (`gym_trainer::compress`), added to its next delta of the job.
	residuals: HashMap<JobId, Vec<Vec<f32>>>,
	/// Wall time assigned to a job, and the share of it spent in optimizer steps.
	utilisation: Utilisation,
}

/// How busy a miner keeps its hardware: wall time while assigned to a job, and the time of the
/// optimizer steps it ran (its rounds' `RoundOutcome::training_time`). Their ratio is the
/// `gym_miner_utilisation` metric.
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

	/// A round's optimizer steps took `time`.
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

/// A round training on a blocking thread, with what its `submit_delta` needs once it is done.
/// The block loop never waits for it: each block takes it only when its task is done
/// ([`finished`]).
struct Training<T = Result<RoundOutcome, TrainerError>> {
	/// The round (job, round).
	round: (JobId, u32),
	/// The job's gradient-variance threshold, for the claimed quality.
	variance_threshold: Micro,
	/// The chain's `MaxQuality`, which caps the claimed quality.
	max_quality: Quality,
	/// The block it started at.
	started_at: BlockNumber,
	/// The training task.
	task: tokio::task::JoinHandle<T>,
}

/// Takes the training out of `slot` once its task is done, with the task's result. A training
/// still running stays in `slot`: this never waits for one.
async fn finished<T>(
	slot: &mut Option<Training<T>>,
) -> Option<(Training<T>, Result<T, tokio::task::JoinError>)> {
	if !slot.as_ref().is_some_and(|training| training.task.is_finished()) {
		return None;
	}
	let mut training = slot.take()?;
	// The task is done: its result is ready.
	let result = (&mut training.task).await;
	Some((training, result))
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
			registration_sent: None,
			heartbeat_slot_sent: None,
			claim_sent: None,
			trained: HashSet::new(),
			unavailable: None,
			training: None,
			submission: None,
			sealed: HashMap::new(),
			judged: HashMap::new(),
			residuals: HashMap::new(),
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
		// A round whose training is done is submitted at this block; the next one starts at the
		// next block (a `submit_delta` the pool refuses is sent again then, not now).
		let collected =
			self.finish_training(ctx, &public, &me, info.assignment, hash, number).await;
		if let (false, Some(job)) = (collected, info.assignment) {
			self.train(ctx, rounds, &public, &me, hash, number, job).await;
		}

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
			Ok(None) => return,
			Err(e) => return log::warn!(target: LOG, "miner: job {job_id}: {e}"),
		};
		let round = (job_id, job.round);
		match ctx.chain.delta_record(hash, job_id, me) {
			// Sealed: revealed once its window is over; a seal never revealed in time is
			// dropped by the chain at the next seal.
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
		let base = match rounds::checkpoint(ctx, rounds, job_id, &job, job.checkpoint).await {
			Ok(base) => base,
			Err(e) if e.is_retryable() => {
				let e = e.to_string();
				if self.unavailable.as_ref().is_none_or(|(r, old)| *r != round || *old != e) {
					log::warn!(target: LOG, "miner: job {job_id} round {}: {e}", job.round);
					self.unavailable = Some((round, e));
				}
				return;
			}
			Err(e) => {
				log::warn!(target: LOG, "miner: job {job_id} round {}: {e}; skipping it", job.round);
				self.trained.insert(round);
				return;
			}
		};
		// The claim is capped by the chain's `MaxQuality`, as the judgement will be.
		let max_quality = match ctx.chain.mining_parameters(hash) {
			Ok(params) => params.max_quality,
			Err(e) => return log::warn!(target: LOG, "miner: mining parameters: {e}"),
		};
		let params = job.spec.params;
		// Each worker and round draws its own mini-batches.
		let mut seed_input = params.seed.to_le_bytes().to_vec();
		seed_input.extend_from_slice(&job.round.to_le_bytes());
		seed_input.extend_from_slice(AsRef::<[u8]>::as_ref(me));
		let batch_seed = gym_trainer::blake2_256(&seed_input);
		let cfg = TrainConfig {
			steps: params.steps,
			batch_size: params.batch_size,
			learning_rate_micro: params.learning_rate,
			weight_decay_micro: params.weight_decay,
			seed: u64::from_le_bytes(batch_seed[..8].try_into().unwrap_or_default()),
		};
		let (model, data_seed) = (job.spec.model, params.seed);
		let metrics = ctx.metrics.clone();
		log::info!(
			target: LOG,
			"miner: training job {job_id} round {} (model {model}, {} steps × {})",
			job.round,
			cfg.steps,
			cfg.batch_size
		);
		self.trained.insert(round);
		// Feedback from another job's rounds never applies; a round that fails starts afresh.
		self.residuals.retain(|job, _| *job == job_id);
		let residual = self.residuals.remove(&job_id).unwrap_or_default();
		let task = tokio::task::spawn_blocking(move || {
			let bar = std::io::stdout().is_terminal().then(|| {
				let bar = indicatif::ProgressBar::new(u64::from(cfg.steps));
				if let Ok(style) = indicatif::ProgressStyle::with_template(
					"training {bar:40} {pos}/{len} steps, loss {msg} ({elapsed})",
				) {
					bar.set_style(style);
				}
				bar
			});
			let every = (cfg.steps / 10).max(1);
			let outcome = train_round(model, data_seed, &base, &cfg, residual, |step, loss| {
				if let Some(m) = &metrics {
					m.steps.inc();
					m.loss.set(f64::from(loss));
				}
				match &bar {
					Some(bar) => {
						bar.set_position(u64::from(step));
						bar.set_message(format!("{loss:.4}"));
					}
					None if step % every == 0 || step == cfg.steps => log::info!(
						target: LOG,
						"miner: step {step}/{} loss {loss:.4}",
						cfg.steps
					),
					None => {}
				}
			});
			if let Some(bar) = bar {
				bar.finish_and_clear();
			}
			outcome
		});
		self.training = Some(Training {
			round,
			variance_threshold: job.spec.variance_threshold,
			max_quality,
			started_at: number,
			task,
		});
	}

	/// Whether `round` may start training: it was not trained (nor started) before, and no
	/// other round is training.
	fn may_train(&self, round: (JobId, u32)) -> bool {
		!self.trained.contains(&round) && self.training.is_none()
	}

	/// Takes the training once its task is done (a running one is left to run), and returns
	/// whether it took one. A delta still wanted ([`still_wanted`]) is stored by hash and its
	/// `submit_delta` sent; one whose job's round moved on, or whose job this miner is no
	/// longer assigned to, is dropped.
	async fn finish_training(
		&mut self,
		ctx: &Context,
		public: &sr25519::Public,
		me: &AccountId,
		assignment: Option<JobId>,
		hash: H256,
		number: BlockNumber,
	) -> bool {
		let Some((training, outcome)) = finished(&mut self.training).await else {
			return false;
		};
		let round = training.round;
		let (job_id, job_round) = round;
		let mut outcome = match outcome {
			Ok(Ok(outcome)) => outcome,
			Ok(Err(e)) => {
				log::warn!(target: LOG, "miner: training failed: {e}");
				return true;
			}
			Err(e) => {
				log::warn!(target: LOG, "miner: training task: {e}");
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
		self.utilisation.trained(outcome.training_time);
		if let Some(m) = &ctx.metrics {
			m.assigned_seconds.set(self.utilisation.assigned.as_secs_f64());
			m.training_seconds.set(self.utilisation.training.as_secs_f64());
			m.utilisation.set(self.utilisation.ratio());
		}
		if wanted == Some(false) {
			log::info!(
				target: LOG,
				"miner: trained job {job_id} round {job_round} (#{} → #{number}), but the round \
				 moved on or the job is no longer assigned to this miner: dropping the delta",
				training.started_at
			);
			return true;
		}
		let claimed =
			claimed_quality(&outcome.report, training.variance_threshold, training.max_quality);
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
			log::warn!(target: LOG, "miner: storing the delta: {e}");
			return true;
		}
		// What this delta left unsent goes into the job's next one. A delta dropped above took
		// its residual with it: the next round starts the feedback afresh.
		self.residuals.insert(job_id, core::mem::take(&mut outcome.residual));
		log::info!(
			target: LOG,
			"miner: trained job {job_id} round {job_round} in {:.2} s ({:.0} samples/s, #{} → \
			 #{number}): loss {:.4} → {:.4}, validation {:.4} → {:.4}, delta {} bytes {}, claiming \
			 quality {claimed}; utilisation {:.1}% while assigned",
			outcome.wall_time.as_secs_f64(),
			outcome.samples as f64 / outcome.wall_time.as_secs_f64().max(1e-9),
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

#[cfg(test)]
mod tests {
	use super::*;
	use std::time::Duration;

	/// A training of job 3 round 1, started at #7, whose task runs `work`.
	fn training<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Training<T> {
		Training {
			round: (3, 1),
			variance_threshold: 0,
			max_quality: 1_000_000,
			started_at: 7,
			task: tokio::task::spawn_blocking(work),
		}
	}

	/// Polls `slot` as blocks would, every 10 ms, until the training is done (5 s at most).
	async fn take<T>(
		slot: &mut Option<Training<T>>,
	) -> (Training<T>, Result<T, tokio::task::JoinError>) {
		let poll = async {
			loop {
				if let Some(done) = finished(slot).await {
					break done;
				}
				tokio::time::sleep(Duration::from_millis(10)).await;
			}
		};
		tokio::time::timeout(Duration::from_secs(5), poll).await.expect("the training ends")
	}

	#[tokio::test]
	async fn blocks_go_on_while_a_round_trains_and_take_it_once_it_is_done() {
		let (release, wait) = std::sync::mpsc::channel::<()>();
		let mut slot = Some(training(move || wait.recv().map(|()| 42)));
		// Each block looks at the running training and goes on at once, leaving it to run.
		for _ in 0..5 {
			let polled = tokio::time::timeout(Duration::from_secs(5), finished(&mut slot))
				.await
				.expect("a block does not wait for the training");
			assert!(polled.is_none());
			assert!(slot.is_some(), "the training stays in flight");
		}
		release.send(()).unwrap();
		// The first block after it is done takes it, with its result and its round.
		let (done, result) = take(&mut slot).await;
		assert_eq!(result.unwrap(), Ok(42));
		assert_eq!((done.round, done.started_at), ((3, 1), 7));
		assert!(slot.is_none(), "taken once");
		assert!(finished(&mut slot).await.is_none());
	}

	#[tokio::test]
	async fn a_training_that_panics_is_taken_with_the_error() {
		let mut slot = Some(training(|| -> u32 { panic!("the trainer panicked") }));
		let (_, result) = take(&mut slot).await;
		assert!(result.unwrap_err().is_panic());
		assert!(slot.is_none());
	}

	#[tokio::test]
	async fn one_round_trains_at_a_time() {
		let mut miner = Miner::new("http://127.0.0.1:1".into());
		assert!(miner.may_train((3, 1)));
		let (release, wait) = std::sync::mpsc::channel::<()>();
		let running = training(move || {
			let _ = wait.recv();
			Err(TrainerError::InvalidConfig("test"))
		});
		miner.trained.insert(running.round);
		miner.training = Some(running);
		// Neither the round training nor the job's next round starts while it runs.
		assert!(!miner.may_train((3, 1)));
		assert!(!miner.may_train((3, 2)));
		release.send(()).unwrap();
		let (_, result) = take(&mut miner.training).await;
		assert!(result.unwrap().is_err(), "the training failed");
		assert!(!miner.may_train((3, 1)), "a round is trained once");
		assert!(miner.may_train((3, 2)));
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
