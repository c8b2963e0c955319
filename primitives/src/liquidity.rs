//! The math of the liquidity farms (`pallet-gym-liquidity`): what liquidity
//! tokens are worth in GYM, what a farm's target APR asks of the pot for a
//! period, and how a pot too small for every farm is shared.
//!
//! A farm pays a fixed amount of GYM per block, shared by its stakers in
//! proportion to their stake. At the start of each period (an emission
//! epoch) the farm's rate is set so that, at the value staked in the last
//! period, stakers earn the farm's target APR, unless the pot cannot fund
//! every farm's period: then each farm gets the pot's free GYM in proportion
//! to what it asked ([`share_of`]).
//!
//! The seed's targets ([`GYM_WBNB_LAUNCH_APR`], [`GYM_USDT_APR`],
//! [`GYM_SINGLE_STAKE_APR`]) are in basis points of the staked value per
//! [`APR_YEAR`].

use crate::{Balance, BlockNumber, DAYS};
use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, per_things::Rounding};

/// An annual percentage rate in basis points: 10,000 is 100% a year.
pub type AprBps = u32;

/// Basis points in 100%.
pub const BPS: u32 = 10_000;

/// The year an APR is quoted over: 365 days of 6 s blocks (5,256,000 blocks).
pub const APR_YEAR: BlockNumber = 365 * DAYS;

/// The seed's GYM-BNB LP target for the first three months: 300%.
pub const GYM_WBNB_LAUNCH_APR: AprBps = 30_000;
/// How long the GYM-wBNB launch APR lasts: three months of 30 days
/// (1,296,000 blocks).
pub const GYM_WBNB_LAUNCH: BlockNumber = 90 * DAYS;
/// The GYM-wBNB LP target after its launch months: 200%, the seed's other
/// LP farm (the seed says nothing past the third month).
pub const GYM_WBNB_APR: AprBps = 20_000;
/// The seed's GYM-USDT LP target: 200%.
pub const GYM_USDT_APR: AprBps = 20_000;
/// The seed's GYM single-stake target: 100%.
pub const GYM_SINGLE_STAKE_APR: AprBps = 10_000;
/// The highest target APR governance may set: 1,000%.
pub const MAX_APR: AprBps = 100_000;

/// `a × b / c`, rounded down; `Balance::MAX` when the result does not fit
/// and 0 when `c` is 0.
fn mul_div(a: Balance, b: Balance, c: Balance) -> Balance {
	if c == 0 {
		return 0;
	}
	multiply_by_rational_with_rounding(a, b, c, Rounding::Down).unwrap_or(Balance::MAX)
}

/// The GYM that `lp` liquidity tokens of a pool stand for: their share of
/// the pool's GYM reserve, `lp × gym_reserve / lp_supply`, rounded down
/// (0 for an empty pool).
pub fn lp_gym(lp: Balance, gym_reserve: Balance, lp_supply: Balance) -> Balance {
	mul_div(lp, gym_reserve, lp_supply)
}

/// The value in GYM of `lp` liquidity tokens: both sides of the pool at its
/// own price, i.e. twice their GYM ([`lp_gym`]).
pub fn lp_value(lp: Balance, gym_reserve: Balance, lp_supply: Balance) -> Balance {
	lp_gym(lp, gym_reserve, lp_supply).saturating_mul(2)
}

/// What a farm asks of the pot for a period of `blocks` blocks: `apr` of
/// `value` over `blocks / APR_YEAR` of a year, rounded down.
pub fn period_need(apr: AprBps, value: Balance, blocks: BlockNumber) -> Balance {
	let numerator = Balance::from(apr).saturating_mul(Balance::from(blocks));
	let denominator = Balance::from(BPS).saturating_mul(Balance::from(APR_YEAR));
	mul_div(value, numerator, denominator)
}

/// A farm's part of `available` GYM when the farms together ask `total` and
/// it asks `need`: all of `need` when `available` covers `total`, otherwise
/// `available × need / total`, rounded down. The parts never add up to more
/// than `available`.
pub fn share_of(available: Balance, need: Balance, total: Balance) -> Balance {
	if total <= available {
		need
	} else {
		mul_div(available, need, total)
	}
}

/// The APR that a farm paying `rate` GYM per block gives on `value` GYM
/// staked, in basis points, rounded down (0 when nothing is staked).
pub fn realised_apr(rate: Balance, value: Balance) -> AprBps {
	let yearly = rate.saturating_mul(Balance::from(APR_YEAR));
	let bps = mul_div(yearly, Balance::from(BPS), value);
	AprBps::try_from(bps).unwrap_or(AprBps::MAX)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::GYM;
	use proptest::prelude::*;

	#[test]
	fn the_seed_rates_at_a_million_gym_staked() {
		// 1,000,000 GYM at 100% for one hour (600 blocks):
		// 10^24 × 600 / 5,256,000 = 114,155,251,141,552,511,415 planck.
		assert_eq!(
			period_need(GYM_SINGLE_STAKE_APR, 1_000_000 * GYM, 600),
			114_155_251_141_552_511_415
		);
		// 300% asks three times as much (rounded down once).
		assert_eq!(
			period_need(GYM_WBNB_LAUNCH_APR, 1_000_000 * GYM, 600),
			342_465_753_424_657_534_246
		);
		// A whole year at 100% is the value itself.
		assert_eq!(period_need(BPS, 7 * GYM, APR_YEAR), 7 * GYM);
		assert_eq!(APR_YEAR, 5_256_000);
		assert_eq!(GYM_WBNB_LAUNCH, 1_296_000);
	}

	#[test]
	fn lp_tokens_are_worth_their_share_of_both_sides() {
		// A quarter of the LP of a pool holding 1,000,000 GYM.
		assert_eq!(lp_gym(25, 1_000_000 * GYM, 100), 250_000 * GYM);
		assert_eq!(lp_value(25, 1_000_000 * GYM, 100), 500_000 * GYM);
		assert_eq!(lp_gym(25, 1_000_000 * GYM, 0), 0);
	}

	#[test]
	fn a_short_pot_is_shared_by_need() {
		assert_eq!(share_of(100, 30, 60), 30);
		assert_eq!(share_of(30, 20, 60), 10);
		assert_eq!(share_of(30, 40, 60), 20);
		assert_eq!(share_of(0, 40, 60), 0);
	}

	#[test]
	fn the_realised_apr_inverts_the_rate() {
		let value = 1_000_000 * GYM;
		let need = period_need(GYM_USDT_APR, value, 600);
		// Rounding down twice: within a basis point.
		assert_eq!(realised_apr(need / 600, value), GYM_USDT_APR - 1);
		assert_eq!(realised_apr(5, 0), 0);
	}

	proptest! {
		/// However the pot is shared, the farms never get more than it holds.
		#[test]
		fn shares_never_exceed_the_pot(
			available in 0u128..=1u128 << 100,
			needs in proptest::collection::vec(0u128..=1u128 << 100, 1..8),
		) {
			let total = needs.iter().fold(0u128, |a, n| a.saturating_add(*n));
			let given = needs.iter().map(|n| share_of(available, *n, total)).sum::<u128>();
			prop_assert!(given <= available.max(total.min(available)));
			prop_assert!(given <= total);
		}

		/// A farm never asks more for a period than its APR of the value for
		/// that share of the year.
		#[test]
		fn the_need_is_at_most_the_apr(
			value in 0u128..=1u128 << 96,
			apr in 0u32..=MAX_APR,
			blocks in 1u32..=APR_YEAR,
		) {
			let need = period_need(apr, value, blocks);
			let exact = value as f64 * apr as f64 / 10_000.0 * blocks as f64 / APR_YEAR as f64;
			prop_assert!((need as f64) <= exact * (1.0 + 1e-12) + 1.0);
		}
	}
}
