//! The records `pallet-gym-emission` answers with (its runtime API
//! `GymEmissionApi` re-exports them).

use codec::{Decode, Encode};
use gym_primitives::{Balance, BlockNumber, EpochIndex};
use scale_info::TypeInfo;

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
	pub epoch: EpochIndex,
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
