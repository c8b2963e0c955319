//! Plain data types of the tiered-staking pallet: deposits, a staker's
//! ledger, and the staking position its runtime API answers with.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use gym_primitives::{
	staking::{self, Tier},
	Balance, BlockNumber,
};
use scale_info::TypeInfo;
use sp_runtime::FixedU128;

/// GYM staked in one go, and the block it counts as staked at (for the
/// early-unstake penalty).
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
pub struct Deposit {
	/// Planck still staked from this deposit (never 0 in a ledger).
	pub amount: Balance,
	/// The block it was staked at; for a merged deposit the later of the two.
	pub staked_at: BlockNumber,
}

/// A staker's record: the deposits that make up the stake (oldest first)
/// and the reward bookkeeping.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxDeposits))]
#[codec(mel_bound())]
pub struct StakeLedger<MaxDeposits: Get<u32>> {
	/// Planck staked: the sum of `deposits`, and the amount frozen under
	/// [`crate::FreezeReason::Staked`].
	pub stake: Balance,
	/// The deposits, oldest first (`staked_at` never decreases along the vec).
	pub deposits: BoundedVec<Deposit, MaxDeposits>,
	/// The reward accumulator ([`crate::RewardPerBoostedStake`]) when this
	/// ledger's rewards were last settled into `unclaimed`.
	pub reward_counter: FixedU128,
	/// Rewards settled but not yet claimed, in planck.
	pub unclaimed: Balance,
}

/// A ledger operation would overflow a `u128` (impossible with GYM's supply).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Overflow;

impl<MaxDeposits: Get<u32>> StakeLedger<MaxDeposits> {
	/// An empty ledger that starts earning from accumulator value `counter`.
	pub fn new(counter: FixedU128) -> Self {
		Self { stake: 0, deposits: BoundedVec::new(), reward_counter: counter, unclaimed: 0 }
	}

	/// The stake boosted by its tier ([`staking::boosted`]).
	pub fn boosted(&self) -> Balance {
		staking::boosted(self.stake)
	}

	/// Whether the ledger holds nothing (no stake and no unclaimed reward) and
	/// can be removed from storage.
	pub fn is_empty(&self) -> bool {
		self.stake == 0 && self.unclaimed == 0
	}

	/// Adds a deposit of `amount` staked at `now`.
	///
	/// It is merged into the newest deposit when that one was made in the
	/// same block, or when the vec is full: the merged deposit takes the
	/// LATER of the two blocks, so merging can only lengthen the penalty
	/// period of the older GYM, never shorten that of the new GYM.
	pub fn add(&mut self, amount: Balance, now: BlockNumber) -> Result<(), Overflow> {
		let stake = self.stake.checked_add(amount).ok_or(Overflow)?;
		let full = self.deposits.is_full();
		match self.deposits.last_mut() {
			Some(newest) if full || newest.staked_at >= now => {
				newest.amount = newest.amount.checked_add(amount).ok_or(Overflow)?;
				newest.staked_at = newest.staked_at.max(now);
			}
			_ => {
				// Not full (or `MaxDeposits` is 0, which `integrity_test` forbids).
				self.deposits.try_push(Deposit { amount, staked_at: now }).map_err(|_| Overflow)?;
			}
		}
		self.stake = stake;
		Ok(())
	}

	/// Removes `amount` from the OLDEST deposits first and returns the part of
	/// it that came from deposits still early at `now` ([`staking::is_early`]),
	/// which is the part the early-unstake penalty applies to.
	///
	/// The caller checks `amount <= stake`; beyond it everything is removed.
	pub fn take_oldest(&mut self, amount: Balance, now: BlockNumber) -> Balance {
		let mut left = amount.min(self.stake);
		self.stake = self.stake.saturating_sub(left);
		let mut early: Balance = 0;
		for deposit in self.deposits.iter_mut() {
			if left == 0 {
				break;
			}
			let taken = deposit.amount.min(left);
			deposit.amount = deposit.amount.saturating_sub(taken);
			left = left.saturating_sub(taken);
			if staking::is_early(deposit.staked_at, now) {
				early = early.saturating_add(taken);
			}
		}
		// The emptied deposits are a prefix of the vec.
		self.deposits.retain(|d| d.amount > 0);
		early
	}

	/// Removes `amount` from the NEWEST deposits first (slashing).
	///
	/// The caller checks `amount <= stake`; beyond it everything is removed.
	pub fn take_newest(&mut self, amount: Balance) {
		let mut left = amount.min(self.stake);
		self.stake = self.stake.saturating_sub(left);
		for deposit in self.deposits.iter_mut().rev() {
			if left == 0 {
				break;
			}
			let taken = deposit.amount.min(left);
			deposit.amount = deposit.amount.saturating_sub(taken);
			left = left.saturating_sub(taken);
		}
		self.deposits.retain(|d| d.amount > 0);
	}
}

/// One account's staking position at block [`StakeInfo::now`].
///
/// An account that has never staked (or has unstaked everything and claimed
/// its revenue) reports zeros, no tier and no deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct StakeInfo {
	/// Planck staked (frozen in the account).
	pub stake: Balance,
	/// The tier the stake reaches; `None` below Bronze (1,000 GYM).
	pub tier: Option<Tier>,
	/// The tier's reward boost in per mille (1000 = 1.0x); 0 without a tier.
	pub boost_per_mille: u32,
	/// The stake times its boost, rounded down: the weight of this account's
	/// share of staker revenue.
	pub boosted_stake: Balance,
	/// The block of the oldest deposit still staked; `None` without stake.
	pub oldest_staked_at: Option<BlockNumber>,
	/// The stake-weighted mean age of the deposits at [`StakeInfo::now`], in
	/// blocks, rounded down (0 without stake).
	pub weighted_age_blocks: BlockNumber,
	/// Staker revenue claimable now (settled and pending), in planck.
	pub pending_rewards: Balance,
	/// The early-unstake penalty that unstaking the whole stake now would pay.
	pub penalty_if_unstaked_now: Balance,
	/// The block this answer describes.
	pub now: BlockNumber,
}

impl StakeInfo {
	/// The answer for an account without stake or revenue at block `now`.
	pub const fn nothing_staked(now: BlockNumber) -> Self {
		Self {
			stake: 0,
			tier: None,
			boost_per_mille: 0,
			boosted_stake: 0,
			oldest_staked_at: None,
			weighted_age_blocks: 0,
			pending_rewards: 0,
			penalty_if_unstaked_now: 0,
			now,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::ConstU32;
	use gym_primitives::{DAYS, GYM};

	type Ledger = StakeLedger<ConstU32<3>>;

	fn deposits(l: &Ledger) -> Vec<(Balance, BlockNumber)> {
		l.deposits.iter().map(|d| (d.amount, d.staked_at)).collect()
	}

	#[test]
	fn deposits_append_until_full_then_merge_into_the_newest_at_the_later_block() {
		let mut l = Ledger::new(FixedU128::from_u32(0));
		l.add(1, 10).unwrap();
		l.add(2, 10).unwrap(); // same block: merged
		l.add(3, 20).unwrap();
		l.add(4, 30).unwrap();
		assert_eq!(deposits(&l), vec![(3, 10), (3, 20), (4, 30)]);
		l.add(5, 40).unwrap(); // full: merged, later block
		assert_eq!(deposits(&l), vec![(3, 10), (3, 20), (9, 40)]);
		assert_eq!(l.stake, 15);
	}

	#[test]
	fn take_oldest_reports_only_the_early_part() {
		let mut l = Ledger::new(FixedU128::from_u32(0));
		l.add(100 * GYM, 0).unwrap();
		l.add(100 * GYM, 20 * DAYS).unwrap();
		// At day 35 the first deposit is old, the second early.
		let early = l.take_oldest(150 * GYM, 35 * DAYS);
		assert_eq!(early, 50 * GYM);
		assert_eq!(deposits(&l), vec![(50 * GYM, 20 * DAYS)]);
		assert_eq!(l.stake, 50 * GYM);
	}

	#[test]
	fn take_newest_slashes_the_youngest_deposits_first() {
		let mut l = Ledger::new(FixedU128::from_u32(0));
		l.add(100, 1).unwrap();
		l.add(10, 2).unwrap();
		l.add(20, 3).unwrap();
		l.take_newest(25);
		assert_eq!(deposits(&l), vec![(100, 1), (5, 2)]);
		assert_eq!(l.stake, 105);
	}

	#[test]
	fn stake_info_round_trips_through_scale() {
		let info = StakeInfo {
			stake: 12_345,
			tier: Some(Tier::Gold),
			boost_per_mille: 1_500,
			boosted_stake: 18_517,
			oldest_staked_at: Some(7),
			weighted_age_blocks: 3,
			pending_rewards: 99,
			penalty_if_unstaked_now: 1_234,
			now: 10,
		};
		let encoded = info.encode();
		assert_eq!(StakeInfo::decode(&mut &encoded[..]), Ok(info));
		let empty = StakeInfo::nothing_staked(0);
		assert_eq!((empty.stake, empty.tier, empty.oldest_staked_at), (0, None, None));
		assert_eq!(StakeInfo::decode(&mut &empty.encode()[..]), Ok(empty));
	}
}
