//! Runtime API of `pallet-gym-emission`, served over JSON-RPC by `gym-node`
//! as `gym_emissionSchedule`, `gym_totalMinted`, `gym_epochBudget` and
//! `gym_capReachedAt`. The records it answers with live in the pallet
//! ([`pallet_gym_emission::types`]).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
// `decl_runtime_apis!` states the `Block` bound of its traits twice.
#![allow(clippy::multiple_bound_locations)]
// Runtime code never panics and never wraps: see `[workspace.lints]`.
#![cfg_attr(
	not(test),
	deny(
		clippy::arithmetic_side_effects,
		clippy::cast_possible_truncation,
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing
	)
)]

extern crate alloc;

use alloc::vec::Vec;
use gym_primitives::{BlockNumber, EpochIndex};

pub use gym_primitives::emission::{sample_blocks, MAX_SCHEDULE_POINTS};
pub use pallet_gym_emission::{EmissionTotals, EpochBudget, SchedulePoint};

sp_api::decl_runtime_apis! {
	/// Queries of the GYM emission schedule.
	pub trait GymEmissionApi {
		/// `points` evenly spaced blocks from `from` to `to`, both included
		/// (at most [`MAX_SCHEDULE_POINTS`]; empty if `from > to` or `points == 0`).
		fn schedule_points(from: BlockNumber, to: BlockNumber, points: u32) -> Vec<SchedulePoint>;
		/// Minted, burned and genesis totals.
		fn totals() -> EmissionTotals;
		/// The budget of `epoch`.
		fn epoch_budget(epoch: EpochIndex) -> EpochBudget;
		/// The first block at which the schedule reaches the hard cap.
		fn cap_reached_at() -> Option<BlockNumber>;
	}
}
