//! `gym_*` methods of the revenue split (`pallet-revenue-split`).

use super::{query, Gym};
use gym_runtime::{opaque::Block, AccountId, Hash};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_revenue_split_runtime_api::RevenueSplitApi;
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

/// Revenue per source, in planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevenueBySource {
	/// Inference fees paid by gateways.
	pub inference_fees: String,
	/// Fine-tuning job payments.
	pub fine_tuning: String,
	/// Model marketplace fees.
	pub marketplace_fees: String,
	/// Priority-access subscriptions.
	pub subscriptions: String,
	/// The chain's transaction fees and tips.
	pub transaction_fees: String,
	/// The sum of the above.
	pub total: String,
}

impl From<gym_primitives::revenue::RevenueBySource> for RevenueBySource {
	fn from(r: gym_primitives::revenue::RevenueBySource) -> Self {
		Self {
			inference_fees: r.inference_fees.to_string(),
			fine_tuning: r.fine_tuning.to_string(),
			marketplace_fees: r.marketplace_fees.to_string(),
			subscriptions: r.subscriptions.to_string(),
			transaction_fees: r.transaction_fees.to_string(),
			total: r.total().to_string(),
		}
	}
}

/// The revenue pot now (`gym_revenuePot`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevenuePot {
	/// The period (mining epoch) collecting revenue.
	pub period: u32,
	/// Its last block: the pot is split in the next one.
	pub period_end: u32,
	/// Undistributed revenue, in planck.
	pub pot: String,
	/// Revenue received so far in this period.
	pub income: RevenueBySource,
	/// Miner revenue of closed periods not yet claimed, in planck.
	pub owed_to_miners: String,
	/// The miners' total contribution so far in this period.
	pub period_points: String,
}

/// One account's miner revenue (`gym_pendingRevenue`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRevenue {
	/// Claimable now with `RevenueSplit.claim_miner_revenue`, in planck.
	pub claimable: String,
	/// The account's contribution in the open period.
	pub period_points: String,
}

/// One closed distribution period (`gym_revenueHistory`), amounts in planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodRevenue {
	/// The period (mining epoch) index.
	pub period: u32,
	/// Revenue received in the period.
	pub income: RevenueBySource,
	/// The pot split at its end (income plus what earlier periods carried).
	pub pot: String,
	/// Set aside for the period's miners.
	pub miners: String,
	/// Shared among stakers.
	pub stakers: String,
	/// Paid to liquidity providers.
	pub liquidity_providers: String,
	/// Paid to the development fund.
	pub development_fund: String,
	/// Burned.
	pub burned: String,
	/// Left in the pot for the next period.
	pub carried: String,
}

impl From<pallet_revenue_split_runtime_api::PeriodRevenue> for PeriodRevenue {
	fn from(r: pallet_revenue_split_runtime_api::PeriodRevenue) -> Self {
		Self {
			period: r.period,
			income: r.income.into(),
			pot: r.pot.to_string(),
			miners: r.miners.to_string(),
			stakers: r.stakers.to_string(),
			liquidity_providers: r.liquidity_providers.to_string(),
			development_fund: r.development_fund.to_string(),
			burned: r.burned.to_string(),
			carried: r.carried.to_string(),
		}
	}
}

/// The revenue-split methods of the `gym_*` namespace.
#[rpc(server, namespace = "gym")]
pub trait RevenueApi {
	/// The revenue pot, the open period and what is owed to miners.
	#[method(name = "revenuePot")]
	fn revenue_pot(&self, at: Option<Hash>) -> RpcResult<RevenuePot>;

	/// `account`'s miner revenue: claimable now, and its contribution in the
	/// open period.
	#[method(name = "pendingRevenue")]
	fn pending_revenue(&self, account: AccountId, at: Option<Hash>) -> RpcResult<PendingRevenue>;

	/// The last `periods` closed periods, newest first: income and where the
	/// pot went.
	#[method(name = "revenueHistory")]
	fn revenue_history(&self, periods: u32, at: Option<Hash>) -> RpcResult<Vec<PeriodRevenue>>;
}

impl<C> RevenueApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RevenueSplitApi<Block, AccountId>,
{
	fn revenue_pot(&self, at: Option<Hash>) -> RpcResult<RevenuePot> {
		let p = query(&*self.client, at, |api, at| api.revenue_pot(at))?;
		Ok(RevenuePot {
			period: p.period,
			period_end: p.period_end,
			pot: p.pot.to_string(),
			income: p.income.into(),
			owed_to_miners: p.owed_to_miners.to_string(),
			period_points: p.period_points.to_string(),
		})
	}

	fn pending_revenue(&self, account: AccountId, at: Option<Hash>) -> RpcResult<PendingRevenue> {
		let p = query(&*self.client, at, |api, at| api.pending_revenue(at, account))?;
		Ok(PendingRevenue {
			claimable: p.claimable.to_string(),
			period_points: p.period_points.to_string(),
		})
	}

	fn revenue_history(&self, periods: u32, at: Option<Hash>) -> RpcResult<Vec<PeriodRevenue>> {
		let h = query(&*self.client, at, |api, at| api.revenue_history(at, periods))?;
		Ok(h.into_iter().map(Into::into).collect())
	}
}
