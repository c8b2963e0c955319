//! Runtime API of `pallet-gym-emission`, served over JSON-RPC by `gym-node`
//! as `gym_emissionSchedule`, `gym_totalMinted`, `gym_epochBudget` and
//! `gym_capReachedAt`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use gym_primitives::{Balance, BlockNumber};
use scale_info::TypeInfo;

/// Most points one `schedule_points` call returns.
pub const MAX_SCHEDULE_POINTS: u32 = 1_000;

/// One point of the emission curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct SchedulePoint {
	/// The block.
	pub block: BlockNumber,
	/// What the schedule mints at this block (cap applied).
	pub per_block: Balance,
	/// What the schedule has minted by this block, genesis included (cap applied).
	pub cumulative: Balance,
}

/// The state of one epoch's budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EpochBudget {
	/// The epoch index.
	pub epoch: u32,
	/// Its first block.
	pub first_block: BlockNumber,
	/// Its last block.
	pub last_block: BlockNumber,
	/// The schedule's emission over the epoch (no cap applied).
	pub scheduled: Balance,
	/// What was minted for it so far.
	pub minted: Balance,
	/// What may still be minted for it (cap applied).
	pub remaining: Balance,
}

/// Totals of minted and burned GYM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EmissionTotals {
	/// Issuance at genesis.
	pub genesis: Balance,
	/// Everything ever minted, genesis included.
	pub minted: Balance,
	/// Everything ever burned by the rules of the spec.
	pub burned: Balance,
}

sp_api::decl_runtime_apis! {
	/// Queries of the GYM emission schedule.
	pub trait GymEmissionApi {
		/// `points` evenly spaced blocks from `from` to `to`, both included
		/// (at most [`MAX_SCHEDULE_POINTS`]; empty if `from > to` or `points == 0`).
		fn schedule_points(from: BlockNumber, to: BlockNumber, points: u32) -> Vec<SchedulePoint>;
		/// Minted, burned and genesis totals.
		fn totals() -> EmissionTotals;
		/// The budget of `epoch`.
		fn epoch_budget(epoch: u32) -> EpochBudget;
		/// The first block at which the schedule reaches the hard cap.
		fn cap_reached_at() -> Option<BlockNumber>;
	}
}

/// `points` evenly spaced blocks from `from` to `to`, both included; the one
/// definition of the spacing, shared by the runtime and tests.
pub fn sample_blocks(from: BlockNumber, to: BlockNumber, points: u32) -> Vec<BlockNumber> {
	if from > to || points == 0 {
		return Vec::new();
	}
	let span = u64::from(to - from);
	// `span + 1` blocks exist; computed in u64, as `u32::MAX + 1` wraps in u32.
	let points = u64::from(points.min(MAX_SCHEDULE_POINTS)).min(span + 1);
	if points == 1 {
		return alloc::vec![from];
	}
	let steps = points - 1;
	(0..points).map(|i| from + (span * i / steps) as BlockNumber).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn samples_include_both_ends_evenly() {
		assert_eq!(sample_blocks(0, 100, 5), vec![0, 25, 50, 75, 100]);
		assert_eq!(sample_blocks(7, 7, 3), vec![7]);
		assert_eq!(sample_blocks(1, 3, 10), vec![1, 2, 3]);
		assert!(sample_blocks(5, 4, 3).is_empty());
		assert!(sample_blocks(0, 10, 0).is_empty());
		assert_eq!(sample_blocks(0, u32::MAX, 2), vec![0, u32::MAX]);
		assert_eq!(sample_blocks(0, u32::MAX, 5000).len(), MAX_SCHEDULE_POINTS as usize);
	}
}
