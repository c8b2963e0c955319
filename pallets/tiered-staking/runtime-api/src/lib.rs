//! Runtime API of `pallet-tiered-staking`: everything a wallet or the node
//! needs to show one staker's position in a single call.
//!
//! The answer is computed by `pallet_tiered_staking::Pallet::stake_info` from
//! the same functions the pallet's calls use (tiers, boosts and the penalty
//! come from [`gym_primitives::staking`]), so what it reports is what a call
//! made in the same block would do.

#![cfg_attr(not(feature = "std"), no_std)]

use codec::{Codec, Decode, Encode};
use gym_primitives::{staking::Tier, Balance, BlockNumber};
use scale_info::TypeInfo;

/// One account's staking position at block [`StakeInfo::now`].
///
/// An account that has never staked (or has unstaked everything and claimed
/// its revenue) reports zeros, no tier and no deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct StakeInfo {
	/// Planck staked (frozen in the account).
	pub stake: Balance,
	/// The tier the stake reaches; `None` below Bronze (1,000 GYM).
	pub tier: Option<Tier>,
	/// The tier's reward boost in per mille (1000 = 1.0x); 0 without a tier.
	pub boost_per_mille: u32,
	/// The stake times its boost, rounded down: the weight of this account's
	/// share of staker revenue.
	pub boosted_stake: Balance,
	/// The block of the oldest deposit still staked; `None` without stake.
	pub oldest_staked_at: Option<BlockNumber>,
	/// The stake-weighted mean age of the deposits at [`StakeInfo::now`], in
	/// blocks, rounded down (0 without stake).
	pub weighted_age_blocks: BlockNumber,
	/// Staker revenue claimable now (settled and pending), in planck.
	pub pending_rewards: Balance,
	/// The early-unstake penalty that unstaking the whole stake now would pay.
	pub penalty_if_unstaked_now: Balance,
	/// The block this answer describes.
	pub now: BlockNumber,
}

impl StakeInfo {
	/// The answer for an account without stake or revenue at block `now`.
	pub const fn nothing_staked(now: BlockNumber) -> Self {
		Self {
			stake: 0,
			tier: None,
			boost_per_mille: 0,
			boosted_stake: 0,
			oldest_staked_at: None,
			weighted_age_blocks: 0,
			pending_rewards: 0,
			penalty_if_unstaked_now: 0,
			now,
		}
	}
}

sp_api::decl_runtime_apis! {
	/// Queries of GYM tiered staking.
	pub trait TieredStakingApi<AccountId: Codec> {
		/// `who`'s stake, tier, boost, deposit age, claimable revenue and
		/// the penalty of unstaking everything now.
		fn stake_info(who: AccountId) -> StakeInfo;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn stake_info_round_trips_through_scale() {
		let info = StakeInfo {
			stake: 12_345,
			tier: Some(Tier::Gold),
			boost_per_mille: 1_500,
			boosted_stake: 18_517,
			oldest_staked_at: Some(7),
			weighted_age_blocks: 3,
			pending_rewards: 99,
			penalty_if_unstaked_now: 1_234,
			now: 10,
		};
		let encoded = info.encode();
		assert_eq!(StakeInfo::decode(&mut &encoded[..]), Ok(info));
		let empty = StakeInfo::nothing_staked(0);
		assert_eq!((empty.stake, empty.tier, empty.oldest_staked_at), (0, None, None));
		assert_eq!(StakeInfo::decode(&mut &empty.encode()[..]), Ok(empty));
	}
}
