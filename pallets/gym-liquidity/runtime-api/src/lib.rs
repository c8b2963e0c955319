//! Runtime API of `pallet-gym-liquidity`: what a wallet, a liquidity
//! provider's dashboard or an explorer asks of the farms.
//!
//! The answers are the pallet's own views ([`pallet_gym_liquidity::types`]),
//! brought up to the queried block.

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

pub use pallet_gym_liquidity::{FarmAsset, FarmView, PoolView, Position, PotView};

sp_api::decl_runtime_apis! {
	/// Queries of the GYM liquidity farms.
	pub trait GymLiquidityApi<AccountId: Codec> {
		/// The GYM-paired pools that have a farm: reserves and LP supply.
		fn pools() -> Vec<PoolView>;
		/// The farms pot: its balance and what it owes and set aside.
		fn farms_pot() -> PotView;
		/// Every farm: stake, value, rate, current and target APR.
		fn farms() -> Vec<FarmView>;
		/// `who`'s position in every farm.
		fn lp_position(who: AccountId) -> Vec<Position>;
	}
}
