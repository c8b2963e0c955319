//! Runtime API of `pallet-gym-governance`: what a vote of one account may
//! weigh now, term by term, and the electorate's power, in one call.
//!
//! The answer is `pallet_gym_governance::Pallet::voting_power_info`, the
//! same function pallet-democracy's `vote` checks a vote against, so a vote
//! of `power` made in the same block is accepted.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
// `decl_runtime_apis!` states the `Block` bound of its traits twice.
#![allow(clippy::multiple_bound_locations)]

use codec::Codec;

pub use pallet_gym_governance::VotingPowerInfo;

sp_api::decl_runtime_apis! {
	/// Queries of GYM governance.
	pub trait GovernanceApi<AccountId: Codec> {
		/// `who`'s voting power (`staked + lp_gym × 0.5 + mined_30d × 0.3`),
		/// its terms and the electorate's power.
		fn voting_power(who: AccountId) -> VotingPowerInfo;
	}
}
