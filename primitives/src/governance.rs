//! # GYM governance
//!
//! The seed's "Governance" section as pure numbers: the voting power
//! formula, the periods of a referendum and the three proposal types.
//! `pallet-gym-governance` applies them to `pallet-democracy`; nothing here
//! reads storage.
//!
//! ## Voting power
//!
//! ```text
//! power = GYM staked × 1.0 + GYM in LP × 0.5 + mining contribution × 0.3
//! ```
//!
//! Each term is rounded down on its own ([`voting_power`]). *Staked* is
//! `pallet-tiered-staking`'s bonded stake (GYM unbonding does not count),
//! *GYM in LP* the GYM side of the account's liquidity positions (0 until
//! pools land) and *mining contribution* the GYM the account earned by
//! compute mining over the last 30 days. The contribution is a score of
//! work done, not a holding: it counts whether or not the GYM earned is
//! still in the account.
//!
//! ## Periods
//!
//! | period        | blocks  | time   | what                                               |
//! |---------------|---------|--------|----------------------------------------------------|
//! | launch        | 14,400  | 1 day  | a queued proposal becomes a referendum every launch |
//! | voting        | 72,000  | 5 days | the seed's vote                                    |
//! | enactment     | 28,800  | 2 days | the seed's timelock before automatic execution     |
//! | vote locking  | 100,800 | 7 days | a winning conviction-1x vote's lock after the end  |
//! | cool-off      | 100,800 | 7 days | a vetoed proposal's wait (no veto origin today)    |
//!
//! A decision (launch + voting + enactment, 8 days) must fit in the
//! runtime's governance horizon (14 days), which the unbonding period
//! outlasts: GYM that votes, or that a decided slash must reach, cannot
//! leave the chain before the decision is enacted.

use crate::{Balance, BlockNumber, DAYS};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;

/// The weight of a staked GYM in the voting power: 1.0.
pub const STAKE_WEIGHT: Perbill = Perbill::one();
/// The weight of a GYM in a liquidity pool: 0.5.
pub const LP_WEIGHT: Perbill = Perbill::from_percent(50);
/// The weight of a GYM earned by mining over the last 30 days: 0.3.
pub const CONTRIBUTION_WEIGHT: Perbill = Perbill::from_percent(30);

/// A queued proposal becomes a referendum every day.
pub const LAUNCH_PERIOD: BlockNumber = DAYS;
/// The seed's 5-day vote.
pub const VOTING_PERIOD: BlockNumber = 5 * DAYS;
/// The seed's 2-day timelock between a passed vote and its execution.
pub const ENACTMENT_PERIOD: BlockNumber = 2 * DAYS;
/// A conviction-1x vote on the winning side stays locked 7 days after the
/// referendum ends (2x 14 days, up to 6x 224 days).
pub const VOTE_LOCKING_PERIOD: BlockNumber = 7 * DAYS;
/// A vetoed proposal may not come back for 7 days.
pub const COOLOFF_PERIOD: BlockNumber = 7 * DAYS;

/// How long each stage of a referendum lasts, in blocks (see the module's
/// table; genesis sets shorter ones on dev chains).
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GovernancePeriods {
	/// A queued proposal becomes a referendum every `launch` blocks.
	pub launch: BlockNumber,
	/// A referendum's vote.
	pub voting: BlockNumber,
	/// The timelock between a passed vote and its automatic execution.
	pub enactment: BlockNumber,
	/// A winning conviction-1x vote's lock after the referendum ends
	/// (doubling with each conviction step).
	pub vote_locking: BlockNumber,
	/// How long a vetoed proposal may not come back.
	pub cooloff: BlockNumber,
}

impl GovernancePeriods {
	/// The seed's periods (the module's table).
	pub const SEED: GovernancePeriods = GovernancePeriods {
		launch: LAUNCH_PERIOD,
		voting: VOTING_PERIOD,
		enactment: ENACTMENT_PERIOD,
		vote_locking: VOTE_LOCKING_PERIOD,
		cooloff: COOLOFF_PERIOD,
	};

	/// The longest a proposal takes from submission to execution when it is
	/// first in the queue: launch + voting + enactment (saturating).
	pub fn decision(&self) -> BlockNumber {
		self.launch.saturating_add(self.voting).saturating_add(self.enactment)
	}

	/// Whether these periods are usable: none is 0, a vote stays locked at
	/// least through enactment, and a decision fits in `horizon`.
	pub fn is_valid(&self, horizon: BlockNumber) -> bool {
		let periods = [self.launch, self.voting, self.enactment, self.vote_locking, self.cooloff];
		periods.iter().all(|p| *p > 0)
			&& self.vote_locking >= self.enactment
			&& self.decision() <= horizon
	}
}

impl Default for GovernancePeriods {
	fn default() -> Self {
		Self::SEED
	}
}

/// `staked × 1.0 + lp_gym × 0.5 + contribution × 0.3`, each term rounded
/// down, saturating at `Balance::MAX`.
pub fn voting_power(staked: Balance, lp_gym: Balance, contribution: Balance) -> Balance {
	STAKE_WEIGHT
		.mul_floor(staked)
		.saturating_add(LP_WEIGHT.mul_floor(lp_gym))
		.saturating_add(CONTRIBUTION_WEIGHT.mul_floor(contribution))
}

/// The seed's proposal types. Each may only carry the calls on its
/// allow-list (the runtime's `ProposalFilter`).
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProposalKind {
	/// Model selection and training parameters: compute mining's governance
	/// jobs and their bounds.
	Technical,
	/// Reward rates and staking requirements: emission, the revenue split,
	/// access prices, unbonding, validator terms.
	Economic,
	/// Treasury spends, partnerships (recorded as remarks) and runtime
	/// upgrades.
	Strategic,
}

impl ProposalKind {
	/// Every proposal type.
	pub const ALL: [ProposalKind; 3] =
		[ProposalKind::Technical, ProposalKind::Economic, ProposalKind::Strategic];
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::GYM;

	#[test]
	fn voting_power_is_the_seeds_formula() {
		// 100,000 staked + 0.5 × 40,000 in LP + 0.3 × 1,000 earned.
		assert_eq!(voting_power(100_000 * GYM, 40_000 * GYM, 1_000 * GYM), 120_300 * GYM);
		assert_eq!(voting_power(0, 0, 0), 0);
		// Each term rounds down on its own: 0.5 × 3 = 1, 0.3 × 7 = 2.
		assert_eq!(voting_power(1, 3, 7), 1 + 1 + 2);
		assert_eq!(voting_power(Balance::MAX, Balance::MAX, 0), Balance::MAX);
	}

	#[test]
	fn the_seeds_periods_fit_in_two_weeks_and_no_less() {
		assert_eq!((VOTING_PERIOD, ENACTMENT_PERIOD), (72_000, 28_800));
		let seed = GovernancePeriods::SEED;
		assert_eq!(seed.decision(), 8 * DAYS);
		assert!(seed.is_valid(14 * DAYS));
		assert!(seed.is_valid(8 * DAYS));
		assert!(!seed.is_valid(8 * DAYS - 1));
	}

	#[test]
	fn unusable_periods_are_refused() {
		let seed = GovernancePeriods::SEED;
		for zero in 0..5 {
			let mut p = seed;
			*[
				&mut p.launch,
				&mut p.voting,
				&mut p.enactment,
				&mut p.vote_locking,
				&mut p.cooloff,
			][zero] = 0;
			assert!(!p.is_valid(14 * DAYS), "period {zero} at 0");
		}
		let short_lock = GovernancePeriods { vote_locking: seed.enactment - 1, ..seed };
		assert!(!short_lock.is_valid(14 * DAYS));
		let huge = GovernancePeriods { voting: BlockNumber::MAX, ..seed };
		assert_eq!(huge.decision(), BlockNumber::MAX);
		assert!(!huge.is_valid(BlockNumber::MAX - 1));
	}
}
