//! Runtime API of `pallet-revenue-split`: what an inference gateway, a miner's
//! wallet or an explorer asks of the revenue split.
//!
//! [`PeriodRevenue`] is also the record the pallet keeps for each closed
//! distribution period, so the history an RPC client reads is the one the
//! pallet wrote.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use gym_primitives::{revenue::RevenueBySource, Balance, BlockNumber, ModelId};
use scale_info::TypeInfo;

/// A distribution period's index: the index of the mining epoch it covers.
pub type PeriodIndex = u32;

/// What came in during one distribution period and where its pot went.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct PeriodRevenue {
	/// The period (mining epoch) index.
	pub period: PeriodIndex,
	/// Revenue received during the period, per source.
	pub income: RevenueBySource,
	/// The pot that was split at the period's end: this period's income plus
	/// what earlier periods left in the pot.
	pub pot: Balance,
	/// Set aside for the period's compute miners (claimed with
	/// `claim_miner_revenue`).
	pub miners: Balance,
	/// Shared among stakers by boosted stake.
	pub stakers: Balance,
	/// Paid to liquidity providers.
	pub liquidity_providers: Balance,
	/// Paid to the development fund.
	pub development_fund: Balance,
	/// Burned.
	pub burned: Balance,
	/// Left in the pot for the next period: rounding dust and the shares of
	/// classes that had nobody to pay.
	pub carried: Balance,
}

/// The state of the revenue pot now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct RevenuePot {
	/// The period now collecting revenue.
	pub period: PeriodIndex,
	/// The last block of that period: the pot is split at the next block.
	pub period_end: BlockNumber,
	/// Undistributed revenue: what the next split will divide.
	pub pot: Balance,
	/// Revenue received so far in this period, per source.
	pub income: RevenueBySource,
	/// Miner revenue set aside in closed periods and not yet claimed.
	pub owed_to_miners: Balance,
	/// The total mining contribution noted so far in this period.
	pub period_points: u128,
}

/// One account's miner revenue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PendingRevenue {
	/// Claimable now with `claim_miner_revenue`.
	pub claimable: Balance,
	/// The account's mining contribution in the current, open period (paid
	/// after the period closes).
	pub period_points: u128,
}

/// An account's access to a model bought with `burn_for_access`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct AccessInfo {
	/// Whether the account may use the model now.
	pub has_access: bool,
	/// The first block without access; `None` if access was never bought.
	pub expires_at: Option<BlockNumber>,
}

sp_api::decl_runtime_apis! {
	/// Queries of the GYM revenue split.
	pub trait RevenueSplitApi<AccountId: Codec> {
		/// The pot, the open period and what is owed to miners.
		fn revenue_pot() -> RevenuePot;
		/// `who`'s miner revenue: claimable now and contribution this period.
		fn pending_revenue(who: AccountId) -> PendingRevenue;
		/// Whether `who` may use `model` now, and until when.
		fn access(who: AccountId, model: ModelId) -> AccessInfo;
		/// The last `periods` closed periods, newest first (at most the
		/// pallet's `MaxHistory`).
		fn revenue_history(periods: u32) -> Vec<PeriodRevenue>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use gym_primitives::revenue::RevenueSource;

	#[test]
	fn period_revenue_round_trips_through_scale() {
		let mut income = RevenueBySource::default();
		income.add(RevenueSource::Subscriptions, 7);
		let record = PeriodRevenue { period: 3, income, pot: 11, burned: 1, ..Default::default() };
		let encoded = record.encode();
		assert_eq!(encoded.len(), PeriodRevenue::max_encoded_len());
		assert_eq!(PeriodRevenue::decode(&mut &encoded[..]), Ok(record));
	}
}
