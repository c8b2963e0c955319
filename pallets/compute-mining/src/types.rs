//! The records the pallet stores (workers, jobs, deltas, epochs, activity)
//! and the answers of its runtime API `ComputeMiningApi`, which re-exports
//! them.

// parity-scale-codec's `Encode` derive writes the index of a data-carrying
// variant (`JobOrigin`, `Rejection`, `DeltaStatus`) `as u8` without allowing
// clippy's `cast_possible_truncation`; this module of plain data allows it.
#![allow(clippy::cast_possible_truncation)]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec};
use gym_primitives::{
	mining::{GpuClass, Micro, Quality, Slot, SlotRange, TrainingParams, ValidationReport},
	sketch::DeltaSketch,
	Balance, BlockNumber, EpochIndex, ModelId, DAYS,
};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_runtime::traits::{BlakeTwo256, Hash};

/// A job's index.
pub type JobId = u32;

/// The longest endpoint a worker may register: 256 bytes.
pub const MAX_ENDPOINT_LEN: u32 = 256;

/// Where a worker serves its deltas and attestation report (a URL).
pub type Endpoint = BoundedVec<u8, ConstU32<MAX_ENDPOINT_LEN>>;

/// A registered compute worker.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct WorkerInfo {
	/// Hash of the worker's hardware identity; backs one worker only.
	pub hardware_hash: H256,
	/// The GPU class the worker claims.
	pub claimed_class: GpuClass,
	/// The GPU class an orchestrator verified; `None` until verified (the
	/// hardware multiplier is 1.0 until then).
	pub verified_class: Option<GpuClass>,
	/// Hash of the worker's signed attestation report.
	pub attestation: H256,
	/// Where the worker serves deltas and its attestation report.
	pub endpoint: Endpoint,
	/// The block of registration.
	pub registered_at: BlockNumber,
	/// The slot of the last heartbeat (registration counts as one).
	pub last_heartbeat: Slot,
	/// The first missed slot not yet charged as downtime.
	pub uncharged_from: Slot,
	/// Scheduled downtime: slots that count neither for nor against the
	/// worker.
	pub downtime: Option<SlotRange>,
	/// The job the worker is assigned to.
	pub assignment: Option<JobId>,
	/// Whether the worker waits in the assignment queue.
	pub waiting: bool,
	/// Whether it waits in the priority queue (Silver tier or above when it
	/// joined the queue or last sent a heartbeat).
	pub priority: bool,
}

/// The training parameters of the genesis jobs (their seed aside): 100
/// steps of 32 samples, learning rate 0.01, weight decay 0.0001.
pub const GENESIS_JOB_PARAMS: TrainingParams = TrainingParams {
	steps: 100,
	batch_size: 32,
	learning_rate: 10_000,
	weight_decay: 100,
	seed: 0,
};

/// What a job trains and how it is validated.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct JobSpec {
	/// The model to train.
	pub model: ModelId,
	/// The training dataset.
	pub dataset: u32,
	/// The held-out validation set.
	pub validation_set: u32,
	/// The checkpoint the first round starts from.
	pub base_checkpoint: H256,
	/// The number of the first round.
	pub round: u32,
	/// Training hyper-parameters and seed.
	pub params: TrainingParams,
	/// Validation reports a delta needs (at least the chain's
	/// `MinValidations`).
	pub validations: u8,
	/// Gradient-norm variance under which a delta earns the +5% bonus.
	pub variance_threshold: Micro,
}

/// Who created a job.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum JobOrigin<AccountId> {
	/// Governance (training priorities).
	Governance,
	/// A customer who paid for fine-tuning; the payment went to the revenue
	/// split.
	Customer(AccountId, Balance),
}

/// The bounds every job's training parameters must keep, set by governance:
/// a job a miner cannot finish within a round, or that cannot train (a zero
/// learning rate), is refused.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct JobLimits {
	/// Most optimiser steps per round.
	pub max_steps: u32,
	/// Most samples per step.
	pub max_batch_size: u32,
	/// Most samples per round: steps × batch size.
	pub max_samples: u64,
	/// Lowest learning rate, in millionths (positive).
	pub min_learning_rate: u32,
	/// Highest learning rate, in millionths.
	pub max_learning_rate: u32,
	/// Highest weight decay, in millionths.
	pub max_weight_decay: u32,
}

impl Default for JobLimits {
	/// Rounds a CPU miner finishes in seconds: at most 1,000 steps, batches
	/// of 256 and 64,000 samples; learning rate 0.000001 to 0.1; weight decay
	/// at most 1.0.
	fn default() -> Self {
		JobLimits {
			max_steps: 1_000,
			max_batch_size: 256,
			max_samples: 64_000,
			min_learning_rate: 1,
			max_learning_rate: 100_000,
			max_weight_decay: 1_000_000,
		}
	}
}

impl JobLimits {
	/// Whether the limits are coherent: every bound positive, the learning
	/// rate range not empty.
	pub fn is_valid(&self) -> bool {
		self.max_steps > 0
			&& self.max_batch_size > 0
			&& self.max_samples > 0
			&& self.min_learning_rate > 0
			&& self.min_learning_rate <= self.max_learning_rate
	}
}

/// A training job and its progress.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct JobInfo<AccountId> {
	/// Who created it.
	pub origin: JobOrigin<AccountId>,
	/// What it trains.
	pub spec: JobSpec,
	/// The round now open.
	pub round: u32,
	/// The checkpoint the open round trains from: the base checkpoint, then
	/// the aggregate of each completed round's accepted deltas.
	pub checkpoint: H256,
	/// Workers assigned now.
	pub workers: u32,
	/// Deltas accepted in the open round (frozen once the round closes).
	pub accepted: u32,
	/// The block of creation.
	pub created_at: BlockNumber,
	/// Whether the open round is closing: its committee has started voting
	/// on the checkpoint, so no delta joins the round any more.
	pub closing: bool,
	/// The last block in which the open round's deltas are sealed
	/// (`submit_delta`). Its bytes are served, and its hash revealed, only
	/// after it. A round with no accepted delta and none open opens a new
	/// window when a delta is sealed after it.
	pub submit_until: BlockNumber,
	/// The open round's deltas revealed and not final (nor dropped), and
	/// its seals of the current window not revealed yet.
	pub open: u32,
	/// The seals of the current window not revealed yet (part of `open`).
	pub sealed: u32,
	/// blake2-256 chained over every seal of the current window: part of
	/// the seed of the round's sketches ([`SketchBook::seed`]), which no
	/// sealer can know before its last seal.
	pub seal_mix: H256,
}

/// Where a job ends ([`crate::JobEnds`]), set by its owner with
/// `end_job_after`: the first round completed at or after `last_round`
/// finishes the job and registers its model.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct JobEnd {
	/// The last round the job trains.
	pub last_round: u32,
	/// Whether calls to the finished model need access (a licence, a
	/// subscription or an access grant).
	pub premium: bool,
}

/// One epoch's rewards.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EpochInfo {
	/// The emission budget, fixed when the epoch closed (`None` while open).
	pub budget: Option<Balance>,
	/// Σ of every worker's unadjusted reward.
	pub unadjusted: Balance,
	/// Workers with a reward in the epoch.
	pub workers: u32,
	/// Rewards of the epoch not yet claimed.
	pub unclaimed: u32,
	/// Minted as claimed rewards.
	pub minted: Balance,
}

impl EpochInfo {
	/// `min(1, budget / Σ unadjusted)` once closed, in millionths.
	pub fn difficulty_micro(&self) -> Option<u64> {
		self.budget.map(|budget| {
			let d = gym_primitives::mining::difficulty(self.unadjusted, budget);
			// FixedU128 has 18 decimals; a difficulty is at most 1.
			let micro = d.into_inner().checked_div(1_000_000_000_000).unwrap_or_default();
			u64::try_from(micro).unwrap_or(u64::MAX)
		})
	}
}

/// The chain's mining parameters a miner or orchestrator must agree with:
/// a node reads them from the runtime it talks to, never from constants of
/// its own build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct MiningParameters {
	/// The cap on a delta's quality (`MaxQuality`; 2.0 = 2,000,000).
	pub max_quality: Quality,
	/// How far a claimed quality may exceed the validated one before the
	/// delta is rejected as overclaimed (`QualityTolerance`).
	pub quality_tolerance: Quality,
	/// The fewest validation reports a job may require (`MinValidations`).
	pub min_validations: u8,
	/// The most validation reports a job may require (`MaxValidations`).
	pub max_validations: u32,
	/// Blocks per heartbeat slot (`HeartbeatSlot`).
	pub heartbeat_slot: BlockNumber,
}

/// A worker's rewards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PendingRewards {
	/// Claimable now with `claim_rewards`: rewards of closed epochs.
	pub claimable: Balance,
	/// Closed epochs the claimable rewards come from.
	pub epochs: u32,
	/// The current epoch's unadjusted reward so far (paid after the epoch
	/// closes, times its difficulty).
	pub accruing: Balance,
	/// The quality the current epoch's reward uses.
	pub quality: Option<Quality>,
	/// Heartbeat slots online in the current epoch.
	pub online_slots: u32,
	/// GYM earned by mining over the last 30 days.
	pub earned_30d: Balance,
	/// GYM earned by mining, ever.
	pub earned_total: Balance,
}

/// Why a delta was rejected.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Rejection {
	/// Most validators found the delta corrupt (hash mismatch, undecodable,
	/// wrong shape).
	Corrupt,
	/// The miner claimed more quality than validated, beyond the tolerance.
	Overclaimed {
		/// What the miner claimed.
		claimed: Quality,
		/// The median of the validators' qualities.
		validated: Quality,
	},
	/// The same bytes as a delta another worker sealed first in the round.
	Copy,
	/// A near copy: its sketch is within
	/// [`gym_primitives::sketch::NEAR_COPY_COSINE`] of the sketch of a delta
	/// another worker sealed no later in the round.
	NearCopy,
	/// The delta did not lower the round's training loss (its validated
	/// quality is 0): neither paid nor slashed, and not aggregated; its
	/// worker goes back to the queue.
	NoGain,
}

impl Rejection {
	/// Whether the rejection is the worker's fault: it is slashed 5%
	/// ([`gym_primitives::mining::INVALID_DELTA_SLASH`]). A delta with no
	/// gain is not: its worker keeps its stake. Every rejection returns the
	/// worker from the job to the queue, so a seat is not held by sealing
	/// deltas that train nothing.
	pub fn slashes(&self) -> bool {
		match self {
			Rejection::Corrupt
			| Rejection::Overclaimed { .. }
			| Rejection::Copy
			| Rejection::NearCopy => true,
			Rejection::NoGain => false,
		}
	}
}

/// A verdict on a delta: accepted with a quality, or rejected.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Verdict {
	/// Accepted with this quality (millionths).
	Accept(Quality),
	/// Rejected, for this reason.
	Reject(Rejection),
}

impl Verdict {
	/// Whether two verdicts say the same: both rejections (for any reason),
	/// or both acceptances with qualities at most `tolerance` apart.
	pub fn agrees(&self, other: &Verdict, tolerance: Quality) -> bool {
		match (self, other) {
			(Verdict::Reject(_), Verdict::Reject(_)) => true,
			(Verdict::Accept(a), Verdict::Accept(b)) => a.abs_diff(*b) <= tolerance,
			_ => false,
		}
	}

	/// The order a dispute's weighted median uses: every rejection below
	/// every acceptance, acceptances by quality.
	pub fn rank(&self) -> u64 {
		match self {
			Verdict::Reject(_) => 0,
			Verdict::Accept(q) => u64::from(*q).saturating_add(1),
		}
	}
}

/// The verdict of `reports` on a delta whose miner claimed `claimed`: rejected
/// as corrupt if more than half of the reports say so, rejected as
/// overclaimed if the claim exceeds the median quality by more than
/// `tolerance`, else accepted with the median quality. `None` for no
/// reports. The committee's judgement, a dispute vote and a node checking
/// the chain all use this rule.
pub fn verdict_of(
	reports: &[ValidationReport],
	claimed: Quality,
	variance_threshold: Micro,
	max_quality: Quality,
	tolerance: Quality,
) -> Option<Verdict> {
	use gym_primitives::mining::{judge, overclaimed, DeltaJudgement};
	let mut scratch = alloc::vec![0; reports.len()];
	Some(match judge(reports, variance_threshold, max_quality, &mut scratch)? {
		DeltaJudgement::Corrupt => Verdict::Reject(Rejection::Corrupt),
		DeltaJudgement::Quality(validated) if overclaimed(claimed, validated, tolerance) => {
			Verdict::Reject(Rejection::Overclaimed { claimed, validated })
		}
		DeltaJudgement::Quality(quality) => Verdict::Accept(quality),
	})
}

/// Where a delta stands.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum DeltaStatus {
	/// Waiting for its committee's reports.
	Pending,
	/// Accepted with this quality: final.
	Accepted(Quality),
	/// Rejected and its worker's slash (if the rejection
	/// [`slashes`](Rejection::slashes)) fixed: final.
	Rejected(Rejection),
	/// Judged by its committee; the verdict takes effect when the delta is
	/// finalised, after its dispute window (or its dispute).
	Judged(Verdict),
	/// Sealed: only its [`delta_seal`] is known until the worker reveals
	/// the delta's hash, after the round's submission window.
	Sealed,
}

impl DeltaStatus {
	/// Whether the delta's outcome is final (accepted or rejected).
	pub fn is_final(&self) -> bool {
		matches!(self, DeltaStatus::Accepted(_) | DeltaStatus::Rejected(_))
	}
}

/// The delta a worker submitted for a job's round, its committee and their
/// reports.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxValidations))]
pub struct DeltaRecord<AccountId, MaxValidations: Get<u32>> {
	/// The job round it belongs to.
	pub round: u32,
	/// blake2-256 of the delta's bytes.
	pub hash: H256,
	/// The quality the miner claims.
	pub claimed: Quality,
	/// The block of submission.
	pub submitted_at: BlockNumber,
	/// The orchestrators drawn to judge it: the only ones who may report.
	pub committee: BoundedVec<AccountId, MaxValidations>,
	/// Members' commitments to their reports ([`report_commitment`]).
	pub commits: BoundedVec<(AccountId, H256), MaxValidations>,
	/// Revealed reports, one per member.
	pub reports: BoundedVec<(AccountId, ValidationReport), MaxValidations>,
	/// The last block a member may commit in.
	pub commit_deadline: BlockNumber,
	/// The last block a member may reveal in.
	pub reveal_deadline: BlockNumber,
	/// The last block the judgement may be disputed in (0 until judged,
	/// and once a dispute of it is resolved).
	pub dispute_deadline: BlockNumber,
	/// Pending, judged, accepted or rejected.
	pub status: DeltaStatus,
	/// The seed of the round's sketches its committee measures with
	/// ([`SketchBook::seed`]; 0 until the committee is drawn).
	pub sketch_seed: u64,
	/// Its sketch: the one more than half of its committee's reports give
	/// (none without such a majority), or its dispute's decision.
	pub sketch: DeltaSketch,
}

impl<AccountId: PartialEq, MaxValidations: Get<u32>> DeltaRecord<AccountId, MaxValidations> {
	/// Whether reveals are open at `now`: every member committed, or the
	/// commit deadline passed; and the reveal deadline has not.
	pub fn reveals_open(&self, now: BlockNumber) -> bool {
		(self.commits.len() == self.committee.len() || now > self.commit_deadline)
			&& now <= self.reveal_deadline
	}

	/// Whether the delta may be closed at `now` without every report: after
	/// the reveal deadline, or after the commit deadline with no commit.
	pub fn closable(&self, now: BlockNumber) -> bool {
		now > self.reveal_deadline || (self.commits.is_empty() && now > self.commit_deadline)
	}

	/// Whether `who` sits on the committee.
	pub fn is_member(&self, who: &AccountId) -> bool {
		self.committee.iter().any(|m| m == who)
	}
}

/// The commitment a committee member sends before revealing `report`:
/// blake2-256 of the SCALE encoding of `(report, salt, orchestrator)`. It
/// binds the member, so no one can copy another's commitment.
pub fn report_commitment<AccountId: Encode>(
	report: &ValidationReport,
	salt: &H256,
	orchestrator: &AccountId,
) -> H256 {
	<BlakeTwo256 as Hash>::hash(&(report, salt, orchestrator).encode())
}

/// The seal a worker submits for a delta (`submit_delta`): blake2-256 of the
/// SCALE encoding of `(hash, worker, job, round)`, where `hash` is blake2-256
/// of the delta's bytes. It binds the bytes to the worker, the job and the
/// round, and hides them: no one can seal another worker's delta as its own
/// before the bytes are served, after the round's submission window.
pub fn delta_seal<AccountId: Encode>(
	hash: &H256,
	worker: &AccountId,
	job: JobId,
	round: u32,
) -> H256 {
	<BlakeTwo256 as Hash>::hash(&(hash, worker, job, round).encode())
}

/// One revealed delta of a round in its [`SketchBook`].
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SketchEntry<AccountId> {
	/// Its worker.
	pub worker: AccountId,
	/// The block it was sealed in, or the earlier block its worker first
	/// sealed the same bytes in this round (a window that reopened: the
	/// first sealer stays first).
	pub sealed_at: BlockNumber,
	/// Its sketch ([`DeltaRecord::sketch`]); none until judged.
	pub sketch: DeltaSketch,
	/// The block after which its sketch can no longer change: its dispute
	/// deadline once judged, 0 once final, dropped or its dispute resolved;
	/// `None` while it waits for its committee or its dispute.
	pub fixed_after: Option<BlockNumber>,
}

impl<AccountId> SketchEntry<AccountId> {
	/// Whether its sketch is fixed at `now`.
	pub fn fixed(&self, now: BlockNumber) -> bool {
		self.fixed_after.is_some_and(|after| now > after)
	}
}

/// The sketches of one job round's revealed deltas ([`crate::RoundSketches`]):
/// how the chain finds near copies. A delta is paid only once every delta of
/// its round sealed no later than it has a fixed sketch, and is a copy if
/// its sketch is near one of theirs ([`gym_primitives::sketch::near_copy`]).
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxWorkersPerJob))]
pub struct SketchBook<AccountId, MaxWorkersPerJob: Get<u32>> {
	/// The seed of the round's sketches: fixed when the round's first
	/// committee is drawn, after the submission window, from the block's
	/// randomness and the round's [`JobInfo::seal_mix`]. `None` before.
	pub seed: Option<u64>,
	/// One entry per revealed delta, in order of reveal.
	pub entries: BoundedVec<SketchEntry<AccountId>, MaxWorkersPerJob>,
	/// Revealed deltas of the round not final yet.
	pub open: u32,
	/// The last block a seal of the book's window may be revealed in: no
	/// delta is final before it, so none is paid before every delta that
	/// may be its original is in the book.
	pub reveals_until: BlockNumber,
}

impl<AccountId, MaxWorkersPerJob: Get<u32>> Default for SketchBook<AccountId, MaxWorkersPerJob> {
	fn default() -> Self {
		SketchBook { seed: None, entries: BoundedVec::new(), open: 0, reveals_until: 0 }
	}
}

/// The first worker to seal a delta's bytes in a round
/// ([`crate::RoundContents`]), and how many revealed deltas of the round
/// with those bytes are not final.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct RoundContent<AccountId> {
	/// The block the first of them was sealed in.
	pub sealed_at: BlockNumber,
	/// Its worker: the only one paid for these bytes.
	pub owner: AccountId,
	/// Revealed deltas with these bytes, not final yet.
	pub open: u32,
}

/// One voter of a vote of the orchestrator set: an orchestrator, its weight
/// (its stake in the set when the vote opened) and its vote, once cast.
pub type SetVoter<AccountId, V> = (AccountId, Balance, Option<V>);

/// A vote in a dispute: the verdict of the voter's report and the sketch it
/// measured.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct DisputeVote {
	/// The verdict of the voter's report.
	pub verdict: Verdict,
	/// The sketch the voter measured.
	pub sketch: DeltaSketch,
}

/// One voter of a dispute.
pub type DisputeVoter<AccountId> = SetVoter<AccountId, DisputeVote>;

/// A vote of the whole orchestrator set (a dispute, a hardware check): each
/// member's weight is its stake; with more than half of the weight cast, the
/// stake-weighted median vote decides.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxOrchestrators))]
pub struct SetVote<AccountId, V, MaxOrchestrators: Get<u32>> {
	/// Who opened it (its own vote is cast).
	pub opener: AccountId,
	/// The last block a voter may vote in.
	pub deadline: BlockNumber,
	/// The set when it opened, less suspended members and the account it
	/// is about.
	pub voters: BoundedVec<SetVoter<AccountId, V>, MaxOrchestrators>,
}

impl<AccountId, V: Copy, MaxOrchestrators: Get<u32>> SetVote<AccountId, V, MaxOrchestrators> {
	/// (weight cast, weight of every voter).
	pub fn weights(&self) -> (Balance, Balance) {
		self.voters.iter().fold((0, 0), |(cast, total), (_, weight, vote)| {
			let cast = if vote.is_some() { cast.saturating_add(*weight) } else { cast };
			(cast, total.saturating_add(*weight))
		})
	}

	/// Whether every voter voted.
	pub fn complete(&self) -> bool {
		self.voters.iter().all(|(_, _, vote)| vote.is_some())
	}

	/// The decision: with more than half of the weight cast, the
	/// stake-weighted median of the votes ordered by `rank`; `None` without
	/// that quorum.
	pub fn decided<R: Ord + Copy>(&self, rank: impl Fn(&V) -> R) -> Option<V> {
		let (cast, total) = self.weights();
		if !gym_primitives::mining::is_weight_quorum(cast, total) {
			return None;
		}
		let votes: alloc::vec::Vec<(V, Balance)> =
			self.voters.iter().filter_map(|(_, weight, vote)| vote.map(|v| (v, *weight))).collect();
		let mut ranks: alloc::vec::Vec<(R, Balance)> =
			votes.iter().map(|(v, w)| (rank(v), *w)).collect();
		let median = gym_primitives::mining::weighted_median(&mut ranks)?;
		votes.iter().find(|(v, _)| rank(v) == median).map(|(v, _)| *v)
	}

	/// The `key` of the votes that hold more than half of the weight cast,
	/// if one does. O(voters²), voters ≤ `MaxOrchestrators`.
	pub fn majority<K: PartialEq + Copy>(&self, key: impl Fn(&V) -> K) -> Option<K> {
		let (cast, _) = self.weights();
		let keyed: alloc::vec::Vec<(K, Balance)> =
			self.voters.iter().filter_map(|(_, w, vote)| vote.map(|v| (key(&v), *w))).collect();
		keyed.iter().map(|(k, _)| *k).find(|k| {
			let weight = keyed
				.iter()
				.filter(|(other, _)| other == k)
				.fold(0u128, |a, (_, w)| a.saturating_add(*w));
			weight > cast.saturating_sub(weight)
		})
	}
}

/// A dispute of a delta's judgement or of its sketch, voted on by the
/// orchestrator set; its opener is the disputer.
pub type Dispute<AccountId, MaxOrchestrators> = SetVote<AccountId, DisputeVote, MaxOrchestrators>;

/// A check of a worker's GPU class by the orchestrator set. Each voter
/// checks the signed attestation report `attestation` names and votes the
/// class it proves.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxOrchestrators))]
pub struct HardwareCheck<AccountId, MaxOrchestrators: Get<u32>> {
	/// The hash of the attestation report checked: the vote applies only
	/// to the registration that named it.
	pub attestation: H256,
	/// The vote.
	pub vote: SetVote<AccountId, GpuClass, MaxOrchestrators>,
}

/// The committee that decides a round's checkpoint: the committee of the
/// round's first accepted delta, with its votes.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxValidations))]
pub struct RoundCommittee<AccountId, MaxValidations: Get<u32>> {
	/// The round it decides.
	pub round: u32,
	/// The members.
	pub members: BoundedVec<AccountId, MaxValidations>,
	/// One vote per member: the checkpoint it computed.
	pub votes: BoundedVec<(AccountId, H256), MaxValidations>,
	/// The last block the round may complete in; after it anyone may
	/// expire the round.
	pub deadline: BlockNumber,
}

/// A worker's activity in one epoch: what its reward is computed from.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EpochActivity {
	/// The epoch.
	pub epoch: EpochIndex,
	/// Heartbeat slots outside scheduled downtime the worker was online in,
	/// each counted once however often it registered or beat in it.
	pub online: u32,
	/// The last slot counted in `online`.
	pub last_online: Option<Slot>,
	/// The best quality of the deltas accepted in the epoch (`None`: no
	/// validated delta, no reward).
	pub quality: Option<Quality>,
	/// The unadjusted reward as last computed (its part of the epoch's Σ).
	pub unadjusted: Balance,
}

/// Days of mining earnings kept per worker.
pub const CONTRIBUTION_DAYS: u32 = 30;

/// GYM a worker earned by mining: ever and over the last 30 days, by day.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Contribution {
	/// Earned ever.
	pub total: Balance,
	/// The day (block / 14,400) of the newest bucket.
	pub day: u32,
	/// Earnings per day, the bucket of day `d` at `d % 30`.
	pub days: [Balance; CONTRIBUTION_DAYS as usize],
}

impl Contribution {
	/// The day of `block`.
	pub fn day_of(block: BlockNumber) -> u32 {
		block.checked_div(DAYS).unwrap_or_default()
	}

	/// The bucket of day `day`.
	fn bucket(&mut self, day: u32) -> Option<&mut Balance> {
		let index = day.checked_rem(CONTRIBUTION_DAYS).and_then(|i| usize::try_from(i).ok())?;
		self.days.get_mut(index)
	}

	/// Adds `amount` earned at `block`.
	pub fn add(&mut self, block: BlockNumber, amount: Balance) {
		let today = Self::day_of(block);
		self.advance(today);
		if let Some(bucket) = self.bucket(today) {
			*bucket = bucket.saturating_add(amount);
		}
		self.total = self.total.saturating_add(amount);
	}

	/// Earned over the 30 days up to `block`'s day.
	pub fn last_30_days(&self, block: BlockNumber) -> Balance {
		let mut copy = *self;
		copy.advance(Self::day_of(block));
		copy.days.iter().fold(0, |sum, d| sum.saturating_add(*d))
	}

	/// Clears the buckets of days between the newest bucket and `today`.
	fn advance(&mut self, today: u32) {
		let Some(gap) = today.checked_sub(self.day).filter(|gap| *gap > 0) else { return };
		for d in 1..=gap.min(CONTRIBUTION_DAYS) {
			if let Some(bucket) = self.bucket(self.day.saturating_add(d)) {
				*bucket = 0;
			}
		}
		self.day = today;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn contribution_keeps_thirty_days() {
		let mut c = Contribution::default();
		c.add(1, 5);
		c.add(DAYS * 10, 7);
		assert_eq!(c.last_30_days(DAYS * 10), 12);
		// Day 30 drops day 0.
		assert_eq!(c.last_30_days(DAYS * 30), 7);
		assert_eq!(c.last_30_days(DAYS * 40), 0);
		c.add(DAYS * 100, 1);
		assert_eq!(c.last_30_days(DAYS * 100), 1);
		assert_eq!(c.total, 13);
	}
}

/// Rounds of a job's validated loss curve kept ([`crate::LossCurves`]): the
/// last 64; the oldest point is dropped for a new one.
pub const MAX_LOSS_POINTS: u32 = 64;

/// One completed round of a job's validated loss curve: the best losses its
/// accepted deltas reached, as their committees measured them.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct LossPoint {
	/// The round completed.
	pub round: u32,
	/// The lowest training-batch loss after an accepted delta of the round
	/// (each delta's median of its reports' `loss_after`), in millionths.
	pub loss: Micro,
	/// The lowest validation loss after an accepted delta of the round (each
	/// delta's median of its reports' `val_loss_after`), in millionths.
	pub val_loss: Micro,
	/// Deltas accepted in the round (aggregated into its checkpoint).
	pub deltas: u32,
}

/// A job's validated loss curve: its last [`MAX_LOSS_POINTS`] completed
/// rounds, oldest first.
pub type LossCurve = BoundedVec<LossPoint, ConstU32<MAX_LOSS_POINTS>>;

/// The default of [`crate::WorkBudget`]: 1 GYM of epoch budget per verified
/// training sample. A worker earns its full 1,000 GYM base only if the
/// epoch's accepted deltas trained at least 1,000 samples per worker paid; a
/// delta of the genesis job size (100 steps × 32 = 3,200 samples) backs up
/// to 3,200 GYM. See `docs/tokenomics.md` ("Epochs and the mining budget").
pub const DEFAULT_WORK_BUDGET: Balance = gym_primitives::GYM;
