//! `gym_*` methods of staking (`pallet-tiered-staking`).

use super::{query, Gym};
use gym_primitives::staking::Tier;
use gym_runtime::{opaque::Block, AccountId, Hash};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_tiered_staking_runtime_api::TieredStakingApi;
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

/// GYM unstaked and not yet withdrawn (`gym_stakeInfo`'s `unbonding`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnbondingChunk {
	/// Planck unbonding: frozen and slashable until `releaseAt`.
	pub amount: String,
	/// The first block `TieredStaking.withdraw_unbonded` releases it in.
	pub release_at: u32,
}

/// One account's staking position (`gym_stakeInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StakeInfo {
	/// Planck staked (bonded, frozen in the account): gives the tier.
	pub stake: String,
	/// `Bronze` .. `Diamond`, or null below 1,000 GYM.
	pub tier: Option<Tier>,
	/// The tier's reward boost in per mille (1000 = 1.0x); 0 without a tier.
	pub boost_per_mille: u32,
	/// Stake times boost, rounded down: the weight of the staker-revenue share.
	pub boosted_stake: String,
	/// Block of the oldest deposit still staked, or null.
	pub oldest_staked_at: Option<u32>,
	/// Stake-weighted mean age of the deposits, in blocks.
	pub weighted_age_blocks: u32,
	/// Staker revenue claimable now.
	pub pending_rewards: String,
	/// Stake added in the current or the previous epoch: it shares no staker
	/// revenue until it has been staked a whole period.
	pub uncounted_stake: String,
	/// The epoch whose first block pays the first revenue the uncounted
	/// stake shares, or null.
	pub counts_from_epoch: Option<u32>,
	/// The early-unstake penalty of unstaking everything now.
	pub penalty_if_unstaked_now: String,
	/// GYM unstaked and not yet withdrawn, earliest release first.
	pub unbonding: Vec<UnbondingChunk>,
	/// What `withdraw_unbonded` would release now (0 while `withdrawHeld`).
	pub withdrawable: String,
	/// Slashes fixed and not yet charged (compute mining's rejected deltas
	/// and unreported downtime), in planck.
	pub pending_slash: String,
	/// Whether the account's GYM backs work not yet final (a delta, a
	/// committee seat, a dispute vote, a pending slash): nothing is withdrawn
	/// until it is.
	pub withdraw_held: bool,
	/// The block the answer describes.
	pub at_block: u32,
}

/// The staking methods of the `gym_*` namespace.
#[rpc(server, namespace = "gym")]
pub trait StakingApi {
	/// `account`'s stake, tier, boost, deposit age, claimable staker revenue,
	/// the penalty of unstaking everything now, its unbonding GYM with the
	/// release blocks, and its pending slashes. `account` is an SS58
	/// address.
	#[method(name = "stakeInfo")]
	fn stake_info(&self, account: AccountId, at: Option<Hash>) -> RpcResult<StakeInfo>;
}

impl<C> StakingApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: TieredStakingApi<Block, AccountId>,
{
	fn stake_info(&self, account: AccountId, at: Option<Hash>) -> RpcResult<StakeInfo> {
		let i = query(&*self.client, at, |api, at| api.stake_info(at, account))?;
		Ok(StakeInfo {
			stake: i.stake.to_string(),
			tier: i.tier,
			boost_per_mille: i.boost_per_mille,
			boosted_stake: i.boosted_stake.to_string(),
			oldest_staked_at: i.oldest_staked_at,
			weighted_age_blocks: i.weighted_age_blocks,
			pending_rewards: i.pending_rewards.to_string(),
			uncounted_stake: i.uncounted_stake.to_string(),
			counts_from_epoch: i.counts_from_epoch,
			penalty_if_unstaked_now: i.penalty_if_unstaked_now.to_string(),
			unbonding: i
				.unbonding
				.iter()
				.map(|c| UnbondingChunk { amount: c.amount.to_string(), release_at: c.release_at })
				.collect(),
			withdrawable: i.withdrawable.to_string(),
			pending_slash: i.pending_slash.to_string(),
			withdraw_held: i.withdraw_held,
			at_block: i.now,
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn tiers_are_their_names_in_json() {
		for tier in Tier::ALL {
			let json = serde_json::to_value(tier).unwrap();
			assert_eq!(json, serde_json::json!(format!("{tier:?}")));
			assert_eq!(serde_json::from_value::<Tier>(json).unwrap(), tier);
		}
	}
}
