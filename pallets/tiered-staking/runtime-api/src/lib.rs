//! Runtime API of `pallet-tiered-staking`: everything a wallet or the node
//! needs to show one staker's position in a single call.
//!
//! The answer is computed by `pallet_tiered_staking::Pallet::stake_info` from
//! the same functions the pallet's calls use (tiers, boosts and the penalty
//! come from [`gym_primitives::staking`]), so what it reports is what a call
//! made in the same block would do. [`StakeInfo`] lives in the pallet
//! ([`pallet_tiered_staking::types`]).

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

use codec::Codec;

pub use pallet_tiered_staking::StakeInfo;

sp_api::decl_runtime_apis! {
	/// Queries of GYM tiered staking.
	pub trait TieredStakingApi<AccountId: Codec> {
		/// `who`'s stake, tier, boost, deposit age, claimable revenue and
		/// the penalty of unstaking everything now.
		fn stake_info(who: AccountId) -> StakeInfo;
	}
}
