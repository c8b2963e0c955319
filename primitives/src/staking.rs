//! # GYM staking tiers
//!
//! Pure functions and constants of the seed's "Staking Mechanism": which tier
//! a stake reaches, the reward boost of each tier, the rights a tier grants
//! and the early-unstaking penalty. There is no storage here: the
//! tiered-staking pallet, the pallets that ask it for tiers and rights, and
//! the tests all read these same functions.
//!
//! ## Tiers
//!
//! | tier     | minimum stake | reward boost | right it adds                       |
//! |----------|---------------|--------------|-------------------------------------|
//! | Bronze   | 1,000 GYM     | 1.0x         | [`Right::RegisterWorker`]           |
//! | Silver   | 10,000 GYM    | 1.2x         | [`Right::PriorityQueue`]            |
//! | Gold     | 50,000 GYM    | 1.5x         | [`Right::Orchestrate`]              |
//! | Platinum | 100,000 GYM   | 2.0x         | [`Right::Propose`] (governance)     |
//! | Diamond  | 500,000 GYM   | 3.0x         | [`Right::RevenueShare`]             |
//!
//! A stake is in the highest tier whose minimum it reaches (a stake of
//! exactly 10,000 GYM is Silver, one planck less is Bronze). Below
//! 1,000 GYM there is no tier, no right and no boost: [`boosted`] is 0 there,
//! so a stake below Bronze earns no share of staker revenue. A tier keeps
//! the rights of the tiers below it.
//!
//! Boosts are integers per mille ([`Tier::boost_per_mille`]: 1000, 1200,
//! 1500, 2000, 3000) so that the boosted stake is exact integer math:
//! `boosted(stake) = floor(stake × boost / 1000)`, rounded down.
//!
//! ## Early unstaking
//!
//! GYM unstaked less than [`EARLY_UNSTAKE_PERIOD`] = [`MONTH`] = 432,000
//! blocks (30 days) after it was staked pays
//! [`EARLY_UNSTAKE_PENALTY`] = 10% of that amount, rounded down
//! ([`early_unstake_penalty`]). GYM staked at block `b` is penalty-free from
//! block `b + 432,000` on ([`is_early`]).

use crate::{Balance, BlockNumber, DAYS, GYM, MONTH};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{Perbill, Percent};

/// How long staked GYM must stay staked to be unstaked without penalty:
/// [`MONTH`] = 432,000 blocks (30 days of 6 s blocks).
pub const EARLY_UNSTAKE_PERIOD: BlockNumber = MONTH;

/// The default unbonding period: unstaked GYM stays frozen and slashable
/// for 28 days (403,200 blocks), as on Polkadot. Governance may change it;
/// development chains set it shorter in their genesis.
pub const DEFAULT_UNBONDING_PERIOD: BlockNumber = 28 * DAYS;

/// Penalty on GYM unstaked within [`EARLY_UNSTAKE_PERIOD`]: 10% of it.
pub const EARLY_UNSTAKE_PENALTY: Percent = Percent::from_percent(10);

/// Denominator of [`Tier::boost_per_mille`]: a boost of 1000 is 1.0x.
pub const BOOST_DENOMINATOR: u32 = 1_000;

/// A staking tier, ordered from the lowest (Bronze) to the highest (Diamond).
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Tier {
	/// At least 1,000 GYM staked; 1.0x boost; may register as a compute worker.
	Bronze,
	/// At least 10,000 GYM staked; 1.2x boost; priority job queue.
	Silver,
	/// At least 50,000 GYM staked; 1.5x boost; may act as orchestrator.
	Gold,
	/// At least 100,000 GYM staked; 2.0x boost; may open governance proposals.
	Platinum,
	/// At least 500,000 GYM staked; 3.0x boost; revenue share.
	Diamond,
}

impl Tier {
	/// Every tier, lowest first.
	pub const ALL: [Tier; 5] =
		[Tier::Bronze, Tier::Silver, Tier::Gold, Tier::Platinum, Tier::Diamond];

	/// The smallest stake (in planck) that reaches this tier.
	pub const fn minimum(self) -> Balance {
		match self {
			Tier::Bronze => 1_000 * GYM,
			Tier::Silver => 10_000 * GYM,
			Tier::Gold => 50_000 * GYM,
			Tier::Platinum => 100_000 * GYM,
			Tier::Diamond => 500_000 * GYM,
		}
	}

	/// The reward boost of this tier in per mille of the stake
	/// ([`BOOST_DENOMINATOR`] = 1000 is 1.0x): 1000, 1200, 1500, 2000, 3000.
	pub const fn boost_per_mille(self) -> u32 {
		match self {
			Tier::Bronze => 1_000,
			Tier::Silver => 1_200,
			Tier::Gold => 1_500,
			Tier::Platinum => 2_000,
			Tier::Diamond => 3_000,
		}
	}

	/// The right this tier adds to those of the tiers below it.
	pub const fn right(self) -> Right {
		match self {
			Tier::Bronze => Right::RegisterWorker,
			Tier::Silver => Right::PriorityQueue,
			Tier::Gold => Right::Orchestrate,
			Tier::Platinum => Right::Propose,
			Tier::Diamond => Right::RevenueShare,
		}
	}

	/// Whether this tier grants `right`: a tier has its own right and those of
	/// every lower tier.
	pub fn has_right(self, right: Right) -> bool {
		self >= right.required_tier()
	}
}

/// A right a staking tier grants. Other pallets ask for it instead of
/// comparing stakes, so the table lives in one place.
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
pub enum Right {
	/// May register as a compute worker (Bronze and up).
	RegisterWorker,
	/// Jobs go to the priority queue (Silver and up).
	PriorityQueue,
	/// May act as an orchestrator (Gold and up).
	Orchestrate,
	/// May open governance proposals (Platinum and up).
	Propose,
	/// Revenue share (Diamond): staker revenue at the 3.0x Diamond weight.
	RevenueShare,
}

impl Right {
	/// Every right, in the order of the tiers that grant them.
	pub const ALL: [Right; 5] = [
		Right::RegisterWorker,
		Right::PriorityQueue,
		Right::Orchestrate,
		Right::Propose,
		Right::RevenueShare,
	];

	/// The lowest tier that grants this right.
	pub const fn required_tier(self) -> Tier {
		match self {
			Right::RegisterWorker => Tier::Bronze,
			Right::PriorityQueue => Tier::Silver,
			Right::Orchestrate => Tier::Gold,
			Right::Propose => Tier::Platinum,
			Right::RevenueShare => Tier::Diamond,
		}
	}
}

/// The tier a stake of `stake` planck reaches: the highest tier whose
/// [`Tier::minimum`] is at most `stake`, or `None` below 1,000 GYM.
pub fn tier_for(stake: Balance) -> Option<Tier> {
	Tier::ALL.iter().rev().copied().find(|tier| stake >= tier.minimum())
}

/// The reward boost of a stake in per mille: its tier's
/// [`Tier::boost_per_mille`], or 0 below Bronze (no tier, no boost).
pub fn boost_per_mille(stake: Balance) -> u32 {
	tier_for(stake).map_or(0, Tier::boost_per_mille)
}

/// The boosted stake: `floor(stake × boost_per_mille(stake) / 1000)`; 0 below
/// Bronze. Exact for every `stake` up to `u128::MAX / 3` (saturates beyond,
/// far above any possible supply).
pub fn boosted(stake: Balance) -> Balance {
	let boost = Balance::from(boost_per_mille(stake));
	let denominator = Balance::from(BOOST_DENOMINATOR);
	// floor(s × b / d) = (s / d) × b + floor((s % d) × b / d), without overflow.
	let whole = stake.checked_div(denominator).unwrap_or_default();
	let rest = stake.checked_rem(denominator).unwrap_or_default();
	whole
		.saturating_mul(boost)
		.saturating_add(rest.saturating_mul(boost).checked_div(denominator).unwrap_or_default())
}

/// Whether GYM staked at block `staked_at` is still early (penalised) at block
/// `now`: it is until it is [`EARLY_UNSTAKE_PERIOD`] blocks old. Exactly
/// 432,000 blocks old is no longer early.
pub fn is_early(staked_at: BlockNumber, now: BlockNumber) -> bool {
	now.saturating_sub(staked_at) < EARLY_UNSTAKE_PERIOD
}

/// The penalty on `amount` planck unstaked early:
/// [`EARLY_UNSTAKE_PENALTY`] = 10% of it, rounded down.
pub fn early_unstake_penalty(amount: Balance) -> Balance {
	EARLY_UNSTAKE_PENALTY.mul_floor(amount)
}

/// Why a stake is slashed. Other pallets pass the fraction themselves
/// (downtime is charged per hour), [`SlashReason::default_fraction`] gives the
/// seed's numbers.
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
pub enum SlashReason {
	/// A worker was down: 0.1% of the stake per hour of downtime.
	Downtime,
	/// A worker submitted an invalid training delta: 5%.
	InvalidDelta,
	/// Proven malicious behaviour: 50%.
	Malicious,
	/// An orchestrator drawn for a committee did not report by the
	/// deadline: 0.1%, charged like an hour of downtime.
	MissedDuty,
	/// An orchestrator stood on the losing side of a judgement (a round
	/// checkpoint its committee's quorum outvoted): 5%.
	FalseJudgement,
}

impl SlashReason {
	/// The seed's fraction for this reason: 0.1% for [`SlashReason::Downtime`]
	/// (per hour; the caller multiplies by the hours), 5% for
	/// [`SlashReason::InvalidDelta`], 50% for [`SlashReason::Malicious`].
	pub const fn default_fraction(self) -> Perbill {
		match self {
			SlashReason::Downtime => crate::mining::DOWNTIME_SLASH_PER_HOUR,
			SlashReason::InvalidDelta => crate::mining::INVALID_DELTA_SLASH,
			SlashReason::Malicious => crate::mining::MALICIOUS_SLASH,
			SlashReason::MissedDuty => crate::mining::MISSED_DUTY_SLASH,
			SlashReason::FalseJudgement => crate::mining::FALSE_JUDGEMENT_SLASH,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::DAYS;
	use proptest::prelude::*;

	#[test]
	fn default_fractions_are_the_seed_numbers() {
		assert_eq!(SlashReason::Downtime.default_fraction(), Perbill::from_rational(1u32, 1_000));
		assert_eq!(SlashReason::InvalidDelta.default_fraction(), Perbill::from_percent(5));
		assert_eq!(SlashReason::Malicious.default_fraction(), Perbill::from_percent(50));
		assert_eq!(SlashReason::MissedDuty.default_fraction(), Perbill::from_rational(1u32, 1_000));
		assert_eq!(SlashReason::FalseJudgement.default_fraction(), Perbill::from_percent(5));
	}

	#[test]
	fn tier_boundaries_are_the_seed_minimums() {
		let cases: [(Balance, Option<Tier>); 11] = [
			(1_000 * GYM - 1, None),
			(1_000 * GYM, Some(Tier::Bronze)),
			(9_999 * GYM, Some(Tier::Bronze)),
			(10_000 * GYM, Some(Tier::Silver)),
			(49_999 * GYM, Some(Tier::Silver)),
			(50_000 * GYM, Some(Tier::Gold)),
			(99_999 * GYM, Some(Tier::Gold)),
			(100_000 * GYM, Some(Tier::Platinum)),
			(499_999 * GYM, Some(Tier::Platinum)),
			(500_000 * GYM, Some(Tier::Diamond)),
			(Balance::MAX, Some(Tier::Diamond)),
		];
		for (stake, tier) in cases {
			assert_eq!(tier_for(stake), tier, "stake {stake}");
		}
		assert_eq!(tier_for(0), None);
		assert_eq!(tier_for(10_000 * GYM - 1), Some(Tier::Bronze));
	}

	#[test]
	fn tiers_and_boosts_ascend() {
		for pair in Tier::ALL.windows(2) {
			assert!(pair[0] < pair[1]);
			assert!(pair[0].minimum() < pair[1].minimum());
			assert!(pair[0].boost_per_mille() < pair[1].boost_per_mille());
		}
		assert_eq!(Tier::Bronze.boost_per_mille(), BOOST_DENOMINATOR);
	}

	#[test]
	fn boosts_are_the_seed_multipliers() {
		let boosts: [u32; 5] = Tier::ALL.map(Tier::boost_per_mille);
		assert_eq!(boosts, [1_000, 1_200, 1_500, 2_000, 3_000]);
	}

	#[test]
	fn boosted_stake_applies_the_tier_boost() {
		assert_eq!(boosted(0), 0);
		assert_eq!(boosted(1_000 * GYM - 1), 0);
		assert_eq!(boosted(1_000 * GYM), 1_000 * GYM);
		assert_eq!(boosted(10_000 * GYM), 12_000 * GYM);
		assert_eq!(boosted(50_000 * GYM), 75_000 * GYM);
		assert_eq!(boosted(100_000 * GYM), 200_000 * GYM);
		assert_eq!(boosted(500_000 * GYM), 1_500_000 * GYM);
		// Rounded down: 10,000 GYM + 1 planck at 1.2x is 12,000 GYM + 1 planck (1.2 → 1).
		assert_eq!(boosted(10_000 * GYM + 1), 12_000 * GYM + 1);
		// 10,000 GYM + 4 planck: 4.8 → 4.
		assert_eq!(boosted(10_000 * GYM + 4), 12_000 * GYM + 4);
		// 10,000 GYM + 5 planck: exactly 6.
		assert_eq!(boosted(10_000 * GYM + 5), 12_000 * GYM + 6);
	}

	#[test]
	fn each_tier_grants_its_right_and_those_below() {
		for tier in Tier::ALL {
			assert_eq!(tier.right().required_tier(), tier);
			for right in Right::ALL {
				assert_eq!(tier.has_right(right), right.required_tier() <= tier);
			}
		}
		assert!(Tier::Diamond.has_right(Right::RegisterWorker));
		assert!(!Tier::Platinum.has_right(Right::RevenueShare));
		assert!(Tier::Gold.has_right(Right::Orchestrate));
		assert!(!Tier::Silver.has_right(Right::Orchestrate));
	}

	#[test]
	fn early_period_is_thirty_days() {
		assert_eq!(EARLY_UNSTAKE_PERIOD, 30 * DAYS);
		assert_eq!(EARLY_UNSTAKE_PERIOD, 432_000);
		assert!(is_early(100, 100));
		assert!(is_early(100, 100 + 29 * DAYS));
		assert!(is_early(100, 100 + 432_000 - 1));
		assert!(!is_early(100, 100 + 432_000));
		assert!(!is_early(100, 100 + 30 * DAYS));
		// A deposit stamped after `now` (impossible on chain) counts as young.
		assert!(is_early(200, 100));
	}

	#[test]
	fn early_unstake_penalty_is_ten_percent_rounded_down() {
		assert_eq!(early_unstake_penalty(0), 0);
		assert_eq!(early_unstake_penalty(9), 0);
		assert_eq!(early_unstake_penalty(10), 1);
		assert_eq!(early_unstake_penalty(19), 1);
		assert_eq!(early_unstake_penalty(1_000 * GYM), 100 * GYM);
		assert_eq!(early_unstake_penalty(Balance::MAX), Balance::MAX / 10);
	}

	proptest! {
		#[test]
		fn tier_and_boosted_stake_never_decrease_with_the_stake(a in any::<u128>(), b in any::<u128>()) {
			let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
			prop_assert!(tier_for(lo) <= tier_for(hi));
			prop_assert!(boosted(lo) <= boosted(hi));
		}

		#[test]
		fn boosted_stake_is_exact_integer_math(stake in 0u128..=u128::MAX / 3_000) {
			let expected = stake * u128::from(boost_per_mille(stake)) / 1_000;
			prop_assert_eq!(boosted(stake), expected);
		}

		#[test]
		fn penalty_is_floor_of_a_tenth(amount in any::<u128>()) {
			prop_assert_eq!(early_unstake_penalty(amount), amount / 10);
		}
	}
}
