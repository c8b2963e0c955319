//! The records `pallet-revenue-split` keeps (miner pools, totals, the
//! history of closed periods) and the answers of its runtime API
//! `RevenueSplitApi`, which re-exports them.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use gym_primitives::{revenue::RevenueBySource, Balance, BlockNumber, EpochIndex};
use scale_info::TypeInfo;

/// The miners' share of one closed period, paid out lazily.
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
pub struct MinerPool {
	/// The miners' share set aside when the period closed.
	pub share: Balance,
	/// The period's total contribution.
	pub total_points: u128,
	/// The contribution of miners not yet credited.
	pub unsettled_points: u128,
	/// What is left of the share (returned to the pot when the last miner
	/// has been credited).
	pub remaining: Balance,
}

/// Running totals of everything that went through the pot.
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
pub struct RevenueTotals {
	/// Revenue credited to the pot, ever.
	pub received: Balance,
	/// Paid to stakers, liquidity providers, the development fund and (when
	/// claimed) miners, ever.
	pub paid_out: Balance,
	/// Burned by the split, ever.
	pub burned: Balance,
	/// Burned for access tokens, ever (never part of the pot).
	pub burned_for_access: Balance,
}

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
	pub period: EpochIndex,
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
	pub period: EpochIndex,
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
