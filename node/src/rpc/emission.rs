//! `gym_*` methods of the token and its emission (`pallet-gym-emission`).

use super::{invalid_params, query, Gym};
use gym_runtime::{opaque::Block, Hash};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_gym_emission_runtime_api::{GymEmissionApi, MAX_SCHEDULE_POINTS};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

/// Facts about the GYM token, as returned by `gym_tokenInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
	/// Token symbol: `GYM`.
	pub symbol: String,
	/// Decimals: 18.
	pub decimals: u8,
	/// SS58 address format.
	pub ss58_format: u16,
	/// Hard cap on all GYM ever minted, in planck, as a decimal string.
	pub hard_cap: String,
	/// Target block time in milliseconds.
	pub block_time_ms: u64,
}

/// One point of the emission curve (`gym_emissionSchedule`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchedulePoint {
	/// Block number.
	pub block: u32,
	/// Planck the schedule mints at this block (cap applied).
	pub per_block: String,
	/// Planck minted by this block under the schedule, genesis included.
	pub cumulative: String,
}

/// Minted and burned totals (`gym_totalMinted`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
	/// Everything ever minted, genesis included.
	pub total_minted: String,
	/// Everything ever burned by the rules of the spec.
	pub total_burned: String,
	/// Issuance at genesis.
	pub genesis: String,
	/// What the hard cap still allows to be minted.
	pub remaining_under_cap: String,
}

/// One epoch's budget (`gym_epochBudget`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochBudget {
	/// Epoch index.
	pub epoch: u32,
	/// First block of the epoch.
	pub first_block: u32,
	/// Last block of the epoch.
	pub last_block: u32,
	/// The schedule's emission over the epoch.
	pub scheduled: String,
	/// Minted for the epoch so far.
	pub minted: String,
	/// What may still be minted for it (cap applied).
	pub remaining: String,
}

/// The token and emission methods of the `gym_*` namespace.
#[rpc(server, namespace = "gym")]
pub trait EmissionApi {
	/// The GYM token's symbol, decimals, address format, hard cap and block time (constants
	/// of the chain, the same at every block).
	#[method(name = "tokenInfo")]
	fn token_info(&self) -> RpcResult<TokenInfo>;

	/// `points` evenly spaced blocks from `from_block` to `to_block`, both
	/// included, with the schedule's per-block and cumulative emission.
	#[method(name = "emissionSchedule")]
	fn emission_schedule(
		&self,
		from_block: u32,
		to_block: u32,
		points: u32,
		at: Option<Hash>,
	) -> RpcResult<Vec<SchedulePoint>>;

	/// Everything minted (genesis included) and burned so far.
	#[method(name = "totalMinted")]
	fn total_minted(&self, at: Option<Hash>) -> RpcResult<Totals>;

	/// The budget of epoch `epoch`.
	#[method(name = "epochBudget")]
	fn epoch_budget(&self, epoch: u32, at: Option<Hash>) -> RpcResult<EpochBudget>;

	/// The block at which the schedule reaches the hard cap, or null.
	#[method(name = "capReachedAt")]
	fn cap_reached_at(&self, at: Option<Hash>) -> RpcResult<Option<u32>>;
}

impl<C> EmissionApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: GymEmissionApi<Block>,
{
	fn token_info(&self) -> RpcResult<TokenInfo> {
		Ok(TokenInfo {
			symbol: gym_primitives::TOKEN_SYMBOL.into(),
			decimals: gym_primitives::TOKEN_DECIMALS,
			ss58_format: gym_primitives::SS58_PREFIX,
			hard_cap: gym_primitives::HARD_CAP.to_string(),
			block_time_ms: gym_primitives::MILLISECS_PER_BLOCK,
		})
	}

	fn emission_schedule(
		&self,
		from_block: u32,
		to_block: u32,
		points: u32,
		at: Option<Hash>,
	) -> RpcResult<Vec<SchedulePoint>> {
		if from_block > to_block {
			return Err(invalid_params(format!(
				"from_block ({from_block}) is after to_block ({to_block})"
			)));
		}
		if points == 0 || points > MAX_SCHEDULE_POINTS {
			return Err(invalid_params(format!(
				"points must be between 1 and {MAX_SCHEDULE_POINTS}, got {points}"
			)));
		}
		let pts = query(&*self.client, at, |api, at| {
			api.schedule_points(at, from_block, to_block, points)
		})?;
		Ok(pts
			.into_iter()
			.map(|p| SchedulePoint {
				block: p.block,
				per_block: p.per_block.to_string(),
				cumulative: p.cumulative.to_string(),
			})
			.collect())
	}

	fn total_minted(&self, at: Option<Hash>) -> RpcResult<Totals> {
		let t = query(&*self.client, at, |api, at| api.totals(at))?;
		Ok(Totals {
			total_minted: t.minted.to_string(),
			total_burned: t.burned.to_string(),
			genesis: t.genesis.to_string(),
			remaining_under_cap: gym_primitives::HARD_CAP.saturating_sub(t.minted).to_string(),
		})
	}

	fn epoch_budget(&self, epoch: u32, at: Option<Hash>) -> RpcResult<EpochBudget> {
		let b = query(&*self.client, at, |api, at| api.epoch_budget(at, epoch))?;
		Ok(EpochBudget {
			epoch: b.epoch,
			first_block: b.first_block,
			last_block: b.last_block,
			scheduled: b.scheduled.to_string(),
			minted: b.minted.to_string(),
			remaining: b.remaining.to_string(),
		})
	}

	fn cap_reached_at(&self, at: Option<Hash>) -> RpcResult<Option<u32>> {
		query(&*self.client, at, |api, at| api.cap_reached_at(at))
	}
}
