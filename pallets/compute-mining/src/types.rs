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
	Balance, BlockNumber, EpochIndex, ModelId, DAYS,
};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};

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
	/// Waiting for validation reports.
	Pending,
	/// Accepted with this quality.
	Accepted(Quality),
	/// Rejected and its worker slashed.
	Rejected(Rejection),
}

/// The delta a worker submitted for a job's round, with its reports.
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
	/// One report per orchestrator.
	pub reports: BoundedVec<(AccountId, ValidationReport), MaxValidations>,
	/// Pending, accepted or rejected.
	pub status: DeltaStatus,
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
	/// Heartbeat slots outside scheduled downtime the worker was online in.
	pub online: u32,
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
