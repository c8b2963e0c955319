//! `gym_*` methods of prices and risk controls (`pallet-gym-stability` and
//! the oracle): a GPU owner's mining economics, today's prices, the transfer
//! tax, the fine-tuning price and the buyback history.
//!
//! Dollar amounts are decimal strings with 18 decimals ("0.100000000000000000"),
//! GYM amounts decimal strings in planck, USDT amounts in its smallest unit
//! (6 decimals).

use super::{query, Gym};
use gym_primitives::{
	mining::GpuClass,
	prices::{PriceKey, UsdPrice},
};
use gym_runtime::{opaque::Block, AccountId, Hash};
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObject};
use pallet_gym_stability_runtime_api::{BuybackRecord, GymStabilityApi};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::{FixedPointNumber, Saturating};

/// `price` as a decimal string with 18 decimals.
pub fn usd(price: UsdPrice) -> String {
	let inner = price.into_inner();
	let unit = UsdPrice::DIV;
	format!("{}.{:018}", inner / unit, inner % unit)
}

/// `a − b` as a signed decimal string with 18 decimals.
fn usd_difference(a: UsdPrice, b: UsdPrice) -> String {
	if a >= b {
		usd(a - b)
	} else {
		format!("-{}", usd(b - a))
	}
}

/// What mining on a GPU earns and costs per epoch (`gym_minerEconomics`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinerEconomics {
	/// The GPU class asked about.
	pub gpu_class: GpuClass,
	/// Its draw, in watts.
	pub watts: u32,
	/// Blocks in an epoch.
	pub epoch_blocks: u32,
	/// Hours in an epoch.
	pub epoch_hours: String,
	/// The difficulty rewards are paid at (the last closed epoch's, 1 with
	/// none).
	pub difficulty: String,
	/// Expected GYM per epoch, in planck: a validated delta at zero quality,
	/// no tier boost, full availability, on a verified GPU of the class.
	pub gym_per_epoch: String,
	/// Dollars per GYM (null while the feed is stale).
	pub gym_usd: Option<String>,
	/// What `gymPerEpoch` is worth in dollars.
	pub usd_per_epoch: Option<String>,
	/// The epoch's electricity, in dollars.
	pub electricity_usd: Option<String>,
	/// Renting the GPU for the epoch, in dollars.
	pub gpu_hour_usd: Option<String>,
	/// `usdPerEpoch − electricityUsd − gpuHourUsd` (null unless all three
	/// are known): what mining earns over running or renting the GPU.
	pub net_usd: Option<String>,
}

/// A price the chain reads (`gym_prices`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
	/// What it prices.
	pub key: PriceKey,
	/// The median of the feeders' fresh values, in dollars; null if stale.
	pub usd: Option<String>,
}

/// The tax on a transfer (`gym_transferTax`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferTax {
	/// The tax on moving `amount` more now, in planck.
	pub tax: String,
	/// GYM the account moved in its current 24-hour window, in planck.
	pub window_volume: String,
}

/// The fine-tuning price now (`gym_fineTuningPrice`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FineTuningPrice {
	/// What a job costs now, in planck.
	pub gym: String,
	/// The dollar price it could not convert (the GYM price is stale), if
	/// it fell back to the fixed GYM price.
	pub fell_back_from_usd: Option<String>,
}

/// One buyback (`gym_buybacks`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Buyback {
	/// The block it happened in.
	pub block: u32,
	/// `Periodic` (under the floor) or `Ordered` (a Strategic referendum).
	pub kind: String,
	/// USDT spent, smallest unit.
	pub usdt_in: String,
	/// GYM bought and burned, planck.
	pub gym_burned: String,
	/// The oracle price that guarded it, dollars per GYM.
	pub gym_usd: String,
	/// The least GYM the swap could pay, planck.
	pub min_out: String,
}

impl From<BuybackRecord> for Buyback {
	fn from(r: BuybackRecord) -> Self {
		Buyback {
			block: r.block,
			kind: format!("{:?}", r.kind),
			usdt_in: r.usdt_in.to_string(),
			gym_burned: r.gym_burned.to_string(),
			gym_usd: usd(r.gym_usd),
			min_out: r.min_out.to_string(),
		}
	}
}

/// The buyback's settings and history (`gym_buybacks`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Buybacks {
	/// Buy back while GYM is under this many dollars (0: off).
	pub floor_usd: String,
	/// The most USDT a period spends, smallest unit.
	pub per_period_usdt: String,
	/// The largest shortfall against the oracle price, in parts per billion.
	pub max_slippage_ppb: u32,
	/// The last buybacks, oldest first.
	pub history: Vec<Buyback>,
}

/// The price and risk-control methods of the `gym_*` namespace.
#[rpc(server, namespace = "gym")]
pub trait StabilityApi {
	/// What a verified GPU of `gpu_class` drawing `watts` earns and costs
	/// per epoch at today's difficulty and prices.
	#[method(name = "minerEconomics")]
	fn miner_economics(
		&self,
		gpu_class: GpuClass,
		watts: u32,
		at: Option<Hash>,
	) -> RpcResult<MinerEconomics>;

	/// Every price the chain reads and its fresh median.
	#[method(name = "prices")]
	fn prices(&self, at: Option<Hash>) -> RpcResult<Vec<Price>>;

	/// The tax `account` would pay now on moving `amount` planck (a decimal
	/// string) more.
	#[method(name = "transferTax")]
	fn transfer_tax(
		&self,
		account: AccountId,
		amount: String,
		at: Option<Hash>,
	) -> RpcResult<TransferTax>;

	/// What a customer's fine-tuning job costs now.
	#[method(name = "fineTuningPrice")]
	fn fine_tuning_price(&self, at: Option<Hash>) -> RpcResult<FineTuningPrice>;

	/// The buyback's settings and its last buybacks.
	#[method(name = "buybacks")]
	fn buybacks(&self, at: Option<Hash>) -> RpcResult<Buybacks>;
}

impl<C> StabilityApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: GymStabilityApi<Block, AccountId>,
{
	fn miner_economics(
		&self,
		gpu_class: GpuClass,
		watts: u32,
		at: Option<Hash>,
	) -> RpcResult<MinerEconomics> {
		let e = query(&*self.client, at, |api, at| api.miner_economics(at, gpu_class, watts))?;
		let net = match (e.usd_per_epoch, e.electricity_usd, e.gpu_hour_usd) {
			(Some(value), Some(power), Some(rent)) => {
				Some(usd_difference(value, power.saturating_add(rent)))
			}
			_ => None,
		};
		Ok(MinerEconomics {
			gpu_class,
			watts,
			epoch_blocks: e.epoch_blocks,
			epoch_hours: usd(e.epoch_hours),
			difficulty: usd(e.difficulty),
			gym_per_epoch: e.gym_per_epoch.to_string(),
			gym_usd: e.gym_usd.map(usd),
			usd_per_epoch: e.usd_per_epoch.map(usd),
			electricity_usd: e.electricity_usd.map(usd),
			gpu_hour_usd: e.gpu_hour_usd.map(usd),
			net_usd: net,
		})
	}

	fn prices(&self, at: Option<Hash>) -> RpcResult<Vec<Price>> {
		let prices = query(&*self.client, at, |api, at| api.prices(at))?;
		Ok(prices.into_iter().map(|(key, price)| Price { key, usd: price.map(usd) }).collect())
	}

	fn transfer_tax(
		&self,
		account: AccountId,
		amount: String,
		at: Option<Hash>,
	) -> RpcResult<TransferTax> {
		let amount: u128 = amount.parse().map_err(|_| {
			ErrorObject::owned(
				jsonrpsee::types::error::INVALID_PARAMS_CODE,
				"amount must be a decimal string of planck",
				None::<()>,
			)
		})?;
		let (tax, volume) =
			query(&*self.client, at, |api, at| api.transfer_tax(at, account.clone(), amount))?;
		Ok(TransferTax { tax: tax.to_string(), window_volume: volume.to_string() })
	}

	fn fine_tuning_price(&self, at: Option<Hash>) -> RpcResult<FineTuningPrice> {
		let (gym, fell_back) = query(&*self.client, at, |api, at| api.fine_tuning_price(at))?;
		Ok(FineTuningPrice { gym: gym.to_string(), fell_back_from_usd: fell_back.map(usd) })
	}

	fn buybacks(&self, at: Option<Hash>) -> RpcResult<Buybacks> {
		let (history, config) = query(&*self.client, at, |api, at| api.buybacks(at))?;
		Ok(Buybacks {
			floor_usd: usd(config.floor),
			per_period_usdt: config.per_period.to_string(),
			max_slippage_ppb: config.max_slippage.deconstruct(),
			history: history.into_iter().map(Buyback::from).collect(),
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dollars_print_with_eighteen_decimals() {
		assert_eq!(usd(UsdPrice::from_rational(1, 10)), "0.100000000000000000");
		assert_eq!(usd(UsdPrice::from_u32(150)), "150.000000000000000000");
		assert_eq!(
			usd_difference(UsdPrice::from_u32(1), UsdPrice::from_u32(3)),
			"-2.000000000000000000"
		);
	}
}
