//! # GYM revenue split
//!
//! Pure functions and types of the seed's "Revenue Model" and "Access
//! Tokens": where revenue comes from, how a distribution period's pot is
//! split, how a class of recipients shares its part, and how long an access
//! grant bought by burning GYM lasts. The revenue-split pallet, its runtime
//! API and the tests all use these.
//!
//! ## The split
//!
//! | recipients            | default share | how they receive it                          |
//! |-----------------------|---------------|----------------------------------------------|
//! | compute miners        | 40%           | pro rata to their mining contribution        |
//! | GYM stakers           | 20%           | pro rata to boosted stake (tiered staking)   |
//! | liquidity providers   | 15%           | the liquidity pot (pro rata to LP positions once pools land) |
//! | development fund      | 15%           | the development fund account                 |
//! | burn                  | 10%           | destroyed: total issuance falls              |
//!
//! Every share is rounded down ([`Split::shares`]); what rounding leaves (at
//! most 4 planck per split) stays in the pot for the next period, as does the
//! share of a class that has nobody to pay in that period.
//!
//! ## Access tokens
//!
//! Burning `amount` GYM for a model buys `floor(amount × DAYS / price)`
//! blocks of access, `price` being the governance-set price of one day
//! ([`access_blocks`]).

use crate::{Balance, BlockNumber, DAYS, GYM};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::SaturatedConversion, Perbill,
	Rounding,
};

/// The default price of one day of access to one model: 1 GYM.
pub const DEFAULT_ACCESS_PRICE_PER_DAY: Balance = GYM;

/// Where revenue comes from. The first four are the seed's sources; the
/// fifth is the chain's own transaction fees, which only the runtime's fee
/// handler pays in.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum RevenueSource {
	/// Inference gateways pay 20% of the API revenue of calls served by
	/// GYM-trained models.
	InferenceFees,
	/// Payments for fine-tuning jobs (customer jobs of compute mining).
	FineTuning,
	/// The 5% fee on each sale in the model marketplace.
	MarketplaceFees,
	/// Priority-access (premium tier) subscriptions.
	Subscriptions,
	/// Transaction fees and tips of the chain itself.
	TransactionFees,
}

impl RevenueSource {
	/// Every source, in the order of [`RevenueBySource`]'s fields.
	pub const ALL: [RevenueSource; 5] = [
		RevenueSource::InferenceFees,
		RevenueSource::FineTuning,
		RevenueSource::MarketplaceFees,
		RevenueSource::Subscriptions,
		RevenueSource::TransactionFees,
	];
}

/// Revenue received in a period, per source.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct RevenueBySource {
	/// From [`RevenueSource::InferenceFees`].
	pub inference_fees: Balance,
	/// From [`RevenueSource::FineTuning`].
	pub fine_tuning: Balance,
	/// From [`RevenueSource::MarketplaceFees`].
	pub marketplace_fees: Balance,
	/// From [`RevenueSource::Subscriptions`].
	pub subscriptions: Balance,
	/// From [`RevenueSource::TransactionFees`].
	pub transaction_fees: Balance,
}

impl RevenueBySource {
	/// The amount received from `source`.
	pub fn get(&self, source: RevenueSource) -> Balance {
		match source {
			RevenueSource::InferenceFees => self.inference_fees,
			RevenueSource::FineTuning => self.fine_tuning,
			RevenueSource::MarketplaceFees => self.marketplace_fees,
			RevenueSource::Subscriptions => self.subscriptions,
			RevenueSource::TransactionFees => self.transaction_fees,
		}
	}

	/// Adds `amount` to `source`, saturating (GYM's supply cannot overflow it).
	pub fn add(&mut self, source: RevenueSource, amount: Balance) {
		let slot = match source {
			RevenueSource::InferenceFees => &mut self.inference_fees,
			RevenueSource::FineTuning => &mut self.fine_tuning,
			RevenueSource::MarketplaceFees => &mut self.marketplace_fees,
			RevenueSource::Subscriptions => &mut self.subscriptions,
			RevenueSource::TransactionFees => &mut self.transaction_fees,
		};
		*slot = slot.saturating_add(amount);
	}

	/// The sum over every source.
	pub fn total(&self) -> Balance {
		RevenueSource::ALL.iter().fold(0, |sum: Balance, s| sum.saturating_add(self.get(*s)))
	}
}

/// A class of revenue recipients: one share of the split each.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum RecipientClass {
	/// Compute miners, pro rata to their mining contribution.
	Miners,
	/// GYM stakers, pro rata to boosted stake.
	Stakers,
	/// Liquidity providers.
	LiquidityProviders,
	/// The development fund.
	DevelopmentFund,
	/// Burned.
	Burn,
}

/// The percentages of the split. Valid only when they add up to exactly
/// 100% ([`Split::is_whole`]).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Split {
	/// Share of compute miners (seed: 40%).
	pub miners: Perbill,
	/// Share of GYM stakers (seed: 20%).
	pub stakers: Perbill,
	/// Share of liquidity providers (seed: 15%).
	pub liquidity_providers: Perbill,
	/// Share of the development fund (seed: 15%).
	pub development_fund: Perbill,
	/// Share burned (seed: 10%).
	pub burn: Perbill,
}

impl Default for Split {
	fn default() -> Self {
		Self::gym()
	}
}

impl Split {
	/// The seed's split: 40/20/15/15/10.
	pub const fn gym() -> Self {
		Self {
			miners: Perbill::from_percent(40),
			stakers: Perbill::from_percent(20),
			liquidity_providers: Perbill::from_percent(15),
			development_fund: Perbill::from_percent(15),
			burn: Perbill::from_percent(10),
		}
	}

	/// The five percentages, in the order of [`RecipientClass`].
	pub fn parts(&self) -> [(RecipientClass, Perbill); 5] {
		[
			(RecipientClass::Miners, self.miners),
			(RecipientClass::Stakers, self.stakers),
			(RecipientClass::LiquidityProviders, self.liquidity_providers),
			(RecipientClass::DevelopmentFund, self.development_fund),
			(RecipientClass::Burn, self.burn),
		]
	}

	/// Whether the percentages add up to exactly 100%.
	pub fn is_whole(&self) -> bool {
		let sum: u64 = self.parts().iter().map(|(_, p)| u64::from(p.deconstruct())).sum();
		sum == u64::from(Perbill::one().deconstruct())
	}

	/// Splits `pot`: each share is its percentage of `pot`, rounded down, so
	/// the shares never add up to more than `pot`.
	pub fn shares(&self, pot: Balance) -> Shares {
		Shares {
			miners: self.miners.mul_floor(pot),
			stakers: self.stakers.mul_floor(pot),
			liquidity_providers: self.liquidity_providers.mul_floor(pot),
			development_fund: self.development_fund.mul_floor(pot),
			burn: self.burn.mul_floor(pot),
		}
	}
}

/// The amounts of one split of a pot ([`Split::shares`]).
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Shares {
	/// For compute miners.
	pub miners: Balance,
	/// For GYM stakers.
	pub stakers: Balance,
	/// For liquidity providers.
	pub liquidity_providers: Balance,
	/// For the development fund.
	pub development_fund: Balance,
	/// To burn.
	pub burn: Balance,
}

impl Shares {
	/// The sum of the five shares (saturating; never above the split pot).
	pub fn total(&self) -> Balance {
		self.miners
			.saturating_add(self.stakers)
			.saturating_add(self.liquidity_providers)
			.saturating_add(self.development_fund)
			.saturating_add(self.burn)
	}
}

/// `amount × part / whole`, rounded down: the share of a recipient holding
/// `part` of `whole`. 0 when `whole` is 0; `amount` when `part ≥ whole`.
pub fn pro_rata(amount: Balance, part: u128, whole: u128) -> Balance {
	if whole == 0 {
		return 0;
	}
	if part >= whole {
		return amount;
	}
	// Cannot fail: part < whole, so the result is below `amount`.
	multiply_by_rational_with_rounding(amount, part, whole, Rounding::Down).unwrap_or(0)
}

/// The blocks of access that burning `amount` buys when one day costs
/// `price_per_day`: `floor(amount × DAYS / price_per_day)`, saturating at
/// `BlockNumber::MAX`. `None` when the price is 0 (access is not for sale).
pub fn access_blocks(amount: Balance, price_per_day: Balance) -> Option<BlockNumber> {
	if price_per_day == 0 {
		return None;
	}
	let blocks =
		multiply_by_rational_with_rounding(amount, u128::from(DAYS), price_per_day, Rounding::Down)
			.unwrap_or(u128::MAX);
	Some(blocks.saturated_into())
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn the_seed_split_is_forty_twenty_fifteen_fifteen_ten() {
		let s = Split::gym();
		assert!(s.is_whole());
		let shares = s.shares(100 * GYM);
		assert_eq!(
			shares,
			Shares {
				miners: 40 * GYM,
				stakers: 20 * GYM,
				liquidity_providers: 15 * GYM,
				development_fund: 15 * GYM,
				burn: 10 * GYM,
			}
		);
		assert_eq!(shares.total(), 100 * GYM);
	}

	#[test]
	fn odd_pots_round_every_share_down() {
		// 999 planck: 399.6, 199.8, 149.85, 149.85, 99.9 -> 399, 199, 149, 149, 99.
		let shares = Split::gym().shares(999);
		assert_eq!(
			(
				shares.miners,
				shares.stakers,
				shares.liquidity_providers,
				shares.development_fund,
				shares.burn
			),
			(399, 199, 149, 149, 99)
		);
		assert_eq!(999 - shares.total(), 4);
		assert_eq!(Split::gym().shares(1).total(), 0);
	}

	#[test]
	fn splits_not_adding_up_to_100_percent_are_not_whole() {
		let mut s = Split::gym();
		s.burn = Perbill::from_percent(11);
		assert!(!s.is_whole());
		s.burn = Perbill::from_parts(99_999_999);
		assert!(!s.is_whole());
		let all_burn = Split {
			miners: Perbill::zero(),
			stakers: Perbill::zero(),
			liquidity_providers: Perbill::zero(),
			development_fund: Perbill::zero(),
			burn: Perbill::one(),
		};
		assert!(all_burn.is_whole());
		let over = Split { miners: Perbill::one(), ..all_burn };
		assert!(!over.is_whole());
	}

	#[test]
	fn pro_rata_shares_round_down() {
		assert_eq!(pro_rata(100, 1, 3), 33);
		assert_eq!(pro_rata(100, 2, 3), 66);
		assert_eq!(pro_rata(100, 3, 3), 100);
		assert_eq!(pro_rata(100, 0, 3), 0);
		assert_eq!(pro_rata(100, 5, 0), 0);
		assert_eq!(pro_rata(u128::MAX, u128::MAX - 1, u128::MAX), u128::MAX - 1);
	}

	#[test]
	fn one_gym_buys_one_day_of_access_at_the_default_price() {
		assert_eq!(access_blocks(GYM, DEFAULT_ACCESS_PRICE_PER_DAY), Some(DAYS));
		assert_eq!(access_blocks(GYM / 2, DEFAULT_ACCESS_PRICE_PER_DAY), Some(DAYS / 2));
		assert_eq!(access_blocks(30 * GYM, DEFAULT_ACCESS_PRICE_PER_DAY), Some(30 * DAYS));
		// Less than the price of one block buys nothing.
		assert_eq!(access_blocks(GYM / u128::from(DAYS) - 1, GYM), Some(0));
		assert_eq!(access_blocks(GYM, 0), None);
		assert_eq!(access_blocks(u128::MAX, 1), Some(BlockNumber::MAX));
	}

	#[test]
	fn revenue_by_source_adds_per_source() {
		let mut r = RevenueBySource::default();
		for (i, s) in RevenueSource::ALL.iter().enumerate() {
			r.add(*s, (i as u128 + 1) * GYM);
		}
		r.add(RevenueSource::FineTuning, 1);
		assert_eq!(r.inference_fees, GYM);
		assert_eq!(r.fine_tuning, 2 * GYM + 1);
		assert_eq!(r.transaction_fees, 5 * GYM);
		assert_eq!(r.total(), 15 * GYM + 1);
	}

	proptest! {
		#[test]
		fn shares_never_exceed_the_pot_and_leave_under_five_planck(
			pot in any::<u128>(),
			a in 0u32..=1_000_000_000,
			b in 0u32..=1_000_000_000,
			c in 0u32..=1_000_000_000,
			d in 0u32..=1_000_000_000,
		) {
			// Four random cut points make a random whole split.
			let mut cuts = [a, b, c, d];
			cuts.sort();
			let split = Split {
				miners: Perbill::from_parts(cuts[0]),
				stakers: Perbill::from_parts(cuts[1] - cuts[0]),
				liquidity_providers: Perbill::from_parts(cuts[2] - cuts[1]),
				development_fund: Perbill::from_parts(cuts[3] - cuts[2]),
				burn: Perbill::from_parts(1_000_000_000 - cuts[3]),
			};
			prop_assert!(split.is_whole());
			let shares = split.shares(pot);
			prop_assert!(shares.total() <= pot);
			prop_assert!(pot - shares.total() < 5);
		}

		#[test]
		fn pro_rata_parts_never_pay_more_than_the_amount(
			amount in any::<u128>(),
			parts in proptest::collection::vec(1u128..=u64::MAX as u128, 1..20),
		) {
			let whole: u128 = parts.iter().sum();
			let paid: u128 = parts.iter().map(|p| pro_rata(amount, *p, whole)).sum();
			prop_assert!(paid <= amount);
			prop_assert!(amount - paid < parts.len() as u128);
		}

		#[test]
		fn access_is_proportional_to_the_amount_burned(
			amount in 0u128..=1_000_000 * GYM,
			price in 1u128..=1_000 * GYM,
		) {
			let blocks = access_blocks(amount, price).unwrap();
			// Saturates at BlockNumber::MAX (a planck-priced day of a large burn).
			let exact = amount * u128::from(DAYS) / price;
			prop_assert_eq!(u128::from(blocks), exact.min(u128::from(BlockNumber::MAX)));
			prop_assert!(access_blocks(amount.saturating_mul(2), price).unwrap() >= blocks);
		}
	}
}
