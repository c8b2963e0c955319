//! `gym_*` methods of governance (`pallet-gym-governance`).

use super::{query, Gym};
use gym_runtime::{opaque::Block, AccountId, Hash};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_gym_governance_runtime_api::GovernanceApi;
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

/// What one account's vote may weigh (`gym_votingPower`). Amounts are planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VotingPower {
	/// The most a `democracy.vote` or `democracy.delegate` of the account may
	/// weigh now, before conviction: `staked + lpGym × 0.5 + mined30d × 0.3`,
	/// each term rounded down.
	pub power: String,
	/// Its tiered stake (bonded; unbonding GYM does not count).
	pub staked: String,
	/// The GYM its liquidity positions stand for (0 until pools land).
	pub lp_gym: String,
	/// The GYM it earned by compute mining over the last 30 days.
	pub mined30d: String,
	/// Every account's power together (public referenda's super-majority is
	/// measured against it).
	pub electorate: String,
	/// The block the answer describes.
	pub at_block: u32,
}

/// The governance methods of the `gym_*` namespace.
#[rpc(server, namespace = "gym")]
pub trait GovernanceApi {
	/// `account`'s voting power by the seed's formula, its three terms and
	/// the electorate's power. `account` is an SS58 address.
	#[method(name = "votingPower")]
	fn voting_power(&self, account: AccountId, at: Option<Hash>) -> RpcResult<VotingPower>;
}

impl<C> GovernanceApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: GovernanceApi<Block, AccountId>,
{
	fn voting_power(&self, account: AccountId, at: Option<Hash>) -> RpcResult<VotingPower> {
		let i = query(&*self.client, at, |api, at| api.voting_power(at, account))?;
		Ok(VotingPower {
			power: i.power.to_string(),
			staked: i.staked.to_string(),
			lp_gym: i.lp_gym.to_string(),
			mined30d: i.mined_30d.to_string(),
			electorate: i.electorate.to_string(),
			at_block: i.now,
		})
	}
}
