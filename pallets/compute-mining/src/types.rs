//! Plain data the pallet stores besides the records of the runtime API crate.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec};
use gym_primitives::{
	mining::{Quality, ValidationReport},
	Balance, BlockNumber, DAYS,
};
use pallet_compute_mining_runtime_api::EpochIndex;
use scale_info::TypeInfo;
use sp_core::H256;

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
		block / DAYS
	}

	/// Adds `amount` earned at `block`.
	pub fn add(&mut self, block: BlockNumber, amount: Balance) {
		let today = Self::day_of(block);
		self.advance(today);
		let slot = (today % CONTRIBUTION_DAYS) as usize;
		self.days[slot] = self.days[slot].saturating_add(amount);
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
		if today <= self.day {
			return;
		}
		let gap = (today - self.day).min(CONTRIBUTION_DAYS);
		for d in 1..=gap {
			self.days[((self.day + d) % CONTRIBUTION_DAYS) as usize] = 0;
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
