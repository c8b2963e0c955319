//! Runtime API of `pallet-revenue-split`: what an inference gateway, a miner's
//! wallet or an explorer asks of the revenue split.
//!
//! The answers are the pallet's own records ([`pallet_revenue_split::types`]):
//! [`PeriodRevenue`] is the record the pallet keeps for each closed
//! distribution period, so the history an RPC client reads is the one the
//! pallet wrote.

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
use codec::Codec;
use gym_primitives::ModelId;

pub use pallet_revenue_split::{AccessInfo, PendingRevenue, PeriodRevenue, RevenuePot};

sp_api::decl_runtime_apis! {
	/// Queries of the GYM revenue split.
	pub trait RevenueSplitApi<AccountId: Codec> {
		/// The pot, the open period and what is owed to miners.
		fn revenue_pot() -> RevenuePot;
		/// `who`'s miner revenue: claimable now and contribution this period.
		fn pending_revenue(who: AccountId) -> PendingRevenue;
		/// Whether `who` may use `model` now, and until when.
		fn access(who: AccountId, model: ModelId) -> AccessInfo;
		/// The last `periods` closed periods, newest first (at most the
		/// pallet's `MaxHistory`).
		fn revenue_history(periods: u32) -> Vec<PeriodRevenue>;
	}
}
