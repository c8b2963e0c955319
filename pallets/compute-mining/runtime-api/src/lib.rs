//! Runtime API of `pallet-compute-mining`, and the records the pallet keeps
//! for workers, jobs and epochs: what a miner's node, an orchestrator or an
//! explorer reads is what the pallet wrote.

#![cfg_attr(not(feature = "std"), no_std)]

use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use gym_primitives::{
	mining::{GpuClass, Micro, Quality, Slot, SlotRange, TrainingParams},
	Balance, BlockNumber, ModelId,
};
use scale_info::TypeInfo;
use sp_core::{bounded::BoundedVec, ConstU32, H256};

/// A job's index.
pub type JobId = u32;

/// An epoch's index (`pallet-gym-emission`'s epochs).
pub type EpochIndex = u32;

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
	/// An orchestrator (Gold tier or above).
	Orchestrator(AccountId),
	/// A customer who paid for fine-tuning; the payment went to the revenue
	/// split.
	Customer(AccountId, Balance),
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
	/// Deltas accepted in the open round.
	pub accepted: u32,
	/// The block of creation.
	pub created_at: BlockNumber,
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
			// FixedU128 has 18 decimals.
			(d.into_inner() / 1_000_000_000_000) as u64
		})
	}
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

sp_api::decl_runtime_apis! {
	/// Queries of GYM compute mining.
	pub trait ComputeMiningApi<AccountId: Codec> {
		/// `who`'s worker record, `None` if not registered.
		fn worker_info(who: AccountId) -> Option<WorkerInfo>;
		/// `who`'s rewards: claimable now and accruing.
		fn pending_rewards(who: AccountId) -> PendingRewards;
		/// A job, `None` if unknown.
		fn job(job: JobId) -> Option<JobInfo<AccountId>>;
		/// An epoch's budget, Σ unadjusted rewards and minted rewards; `None`
		/// for an epoch without rewards (or pruned once fully claimed).
		fn epoch_info(epoch: EpochIndex) -> Option<EpochInfo>;
	}
}
