//! `gym_*` methods of the liquidity farms (`pallet-gym-liquidity`).

use super::{query, Gym};
use gym_runtime::{opaque::Block, AccountId, Hash};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_gym_liquidity_runtime_api::{FarmAsset, GymLiquidityApi};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

/// What a farm stakes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Asset {
	/// GYM itself.
	Gym,
	/// The liquidity token `lp_token` of the GYM/`pair` pool.
	#[serde(rename_all = "camelCase")]
	Lp {
		/// The asset paired with GYM (a `ForeignAssets` id).
		pair: u32,
		/// The pool's liquidity token (a `PoolAssets` id).
		lp_token: u32,
	},
}

impl From<FarmAsset> for Asset {
	fn from(a: FarmAsset) -> Self {
		match a {
			FarmAsset::Gym => Asset::Gym,
			FarmAsset::Lp { pair, token } => Asset::Lp { pair, lp_token: token },
		}
	}
}

/// A GYM-paired pool (`gym_pools`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pool {
	/// The asset paired with GYM.
	pub pair: u32,
	/// The pool's liquidity token.
	pub lp_token: u32,
	/// GYM in the pool, in planck.
	pub gym_reserve: String,
	/// The other asset in the pool, in its smallest unit.
	pub pair_reserve: String,
	/// Liquidity tokens in existence.
	pub lp_supply: String,
	/// What one GYM is worth at the pool's spot price (reserves' ratio,
	/// before fees), in the paired asset's smallest unit.
	pub price_per_gym: String,
}

/// The farms pot (`gym_farms`), in planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pot {
	/// GYM in the pot account.
	pub balance: String,
	/// Owed to stakers (earned, not claimed).
	pub owed: String,
	/// Set aside for the rest of the farms' periods.
	pub reserved: String,
	/// What the next period's rates may use.
	pub free: String,
}

/// A farm (`gym_farms`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Farm {
	/// The farm's id (the `farm` argument of `GymLiquidity.stake`).
	pub id: u32,
	/// What it stakes.
	pub asset: Asset,
	/// Staked, in the asset's smallest unit.
	pub total_staked: String,
	/// What is staked is worth, in GYM planck (an LP token at twice its GYM).
	pub staked_value: String,
	/// GYM planck paid per block this period, shared by stake.
	pub reward_rate: String,
	/// The APR the rate gives on the value staked now, in basis points.
	pub current_apr_bps: u32,
	/// The target APR in force, in basis points.
	pub target_apr_bps: u32,
	/// GYM planck set aside for the rest of the period.
	pub reserved: String,
	/// GYM planck owed to the farm's stakers.
	pub owed: String,
}

/// The farms and their pot (`gym_farms`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Farms {
	/// The pot every farm is paid from.
	pub pot: Pot,
	/// The farms, by id.
	pub farms: Vec<Farm>,
}

/// One account's position in a farm (`gym_lpPosition`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
	/// The farm.
	pub farm: u32,
	/// What it stakes.
	pub asset: Asset,
	/// The account's balance of the asset (LP: free, frozen or farmed).
	pub balance: String,
	/// Staked in the farm.
	pub staked: String,
	/// GYM planck it can claim now with `GymLiquidity.claim`.
	pub claimable: String,
	/// The GYM planck its LP tokens stand for (what governance counts at 0.5).
	pub lp_gym: String,
}

/// The liquidity methods of the `gym_*` namespace.
#[rpc(server, namespace = "gym")]
pub trait LiquidityApi {
	/// The GYM-paired pools of the farms: reserves, LP supply and price.
	#[method(name = "pools")]
	fn pools(&self, at: Option<Hash>) -> RpcResult<Vec<Pool>>;

	/// The farms: staked value, reward rate, current and target APR, and
	/// the pot they are paid from.
	#[method(name = "farms")]
	fn farms(&self, at: Option<Hash>) -> RpcResult<Farms>;

	/// `account`'s position in every farm.
	#[method(name = "lpPosition")]
	fn lp_position(&self, account: AccountId, at: Option<Hash>) -> RpcResult<Vec<Position>>;
}

impl<C> LiquidityApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: GymLiquidityApi<Block, AccountId>,
{
	fn pools(&self, at: Option<Hash>) -> RpcResult<Vec<Pool>> {
		let pools = query(&*self.client, at, |api, at| api.pools(at))?;
		Ok(pools
			.into_iter()
			.map(|p| Pool {
				pair: p.pair,
				lp_token: p.lp_token,
				gym_reserve: p.gym_reserve.to_string(),
				pair_reserve: p.other_reserve.to_string(),
				lp_supply: p.lp_supply.to_string(),
				price_per_gym: gym_primitives::liquidity::lp_gym(
					gym_primitives::GYM,
					p.other_reserve,
					p.gym_reserve,
				)
				.to_string(),
			})
			.collect())
	}

	fn farms(&self, at: Option<Hash>) -> RpcResult<Farms> {
		let (pot, farms) =
			query(&*self.client, at, |api, at| Ok((api.farms_pot(at)?, api.farms(at)?)))?;
		Ok(Farms {
			pot: Pot {
				balance: pot.balance.to_string(),
				owed: pot.owed.to_string(),
				reserved: pot.reserved.to_string(),
				free: pot.free.to_string(),
			},
			farms: farms
				.into_iter()
				.map(|f| Farm {
					id: f.id,
					asset: f.asset.into(),
					total_staked: f.total_staked.to_string(),
					staked_value: f.staked_value.to_string(),
					reward_rate: f.rate.to_string(),
					current_apr_bps: f.current_apr,
					target_apr_bps: f.target_apr,
					reserved: f.reserved.to_string(),
					owed: f.unpaid.to_string(),
				})
				.collect(),
		})
	}

	fn lp_position(&self, account: AccountId, at: Option<Hash>) -> RpcResult<Vec<Position>> {
		let positions = query(&*self.client, at, |api, at| api.lp_position(at, account))?;
		Ok(positions
			.into_iter()
			.map(|p| Position {
				farm: p.farm,
				asset: p.asset.into(),
				balance: p.balance.to_string(),
				staked: p.staked.to_string(),
				claimable: p.claimable.to_string(),
				lp_gym: p.lp_gym.to_string(),
			})
			.collect())
	}
}
