//! Plain data types of the tiered-staking pallet: deposits, a staker's
//! ledger, and the staking position its runtime API answers with.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use gym_primitives::{
	staking::{self, Tier},
	Balance, BlockNumber, EpochIndex,
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

/// GYM unstaked and not yet withdrawn: still frozen and slashable until
/// `release_at`, when [`crate::Pallet::withdraw_unbonded`] thaws it.
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
pub struct UnbondingChunk {
	/// Planck unbonding in this chunk (never 0 in a ledger).
	pub amount: Balance,
	/// The first block `withdraw_unbonded` releases it in.
	pub release_at: BlockNumber,
	/// The latest deposit block of the GYM it came from: rebonding returns
	/// it as a deposit of that block, so rebonding neither shortens nor
	/// restarts the early-unstake period.
	pub staked_at: BlockNumber,
}

/// A staker's record: the deposits that make up the stake (oldest first),
/// the GYM unbonding (earliest release first) and the reward bookkeeping.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxDeposits, MaxUnbonding))]
#[codec(mel_bound())]
pub struct StakeLedger<MaxDeposits: Get<u32>, MaxUnbonding: Get<u32>> {
	/// Planck staked (bonded): the sum of `deposits`. It gives the tier and
	/// the revenue share. The amount frozen under
	/// [`crate::FreezeReason::Staked`] is this plus the unbonding GYM.
	pub stake: Balance,
	/// The deposits, oldest first (`staked_at` never decreases along the vec).
	pub deposits: BoundedVec<Deposit, MaxDeposits>,
	/// The reward accumulator ([`crate::RewardPerBoostedStake`]) when this
	/// ledger's rewards were last settled into `unclaimed`.
	pub reward_counter: FixedU128,
	/// Rewards settled but not yet claimed, in planck.
	pub unclaimed: Balance,
	/// GYM unstaked and still frozen and slashable, earliest release first
	/// (`release_at` never decreases along the vec).
	pub unbonding: BoundedVec<UnbondingChunk, MaxUnbonding>,
	/// The part of `stake` added (staked or rebonded) in epoch
	/// `pending_epoch` that does not count for staker revenue yet: it counts
	/// once a whole epoch has passed (see [`crate::Unrolled`]).
	pub pending: Balance,
	/// The epoch `pending` was added in (meaningless while it is 0).
	pub pending_epoch: EpochIndex,
}

/// The boosted stake added in one epoch that waits to count for staker
/// revenue, and how many ledgers it comes from.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct PendingBoost {
	/// Σ over those ledgers of `boosted(stake) − boosted(stake − pending)`.
	pub boost: Balance,
	/// The ledgers whose `pending` is of this epoch.
	pub ledgers: u32,
}

/// A ledger operation would overflow a `u128` (impossible with GYM's supply).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Overflow;

impl<MaxDeposits: Get<u32>, MaxUnbonding: Get<u32>> StakeLedger<MaxDeposits, MaxUnbonding> {
	/// An empty ledger that starts earning from accumulator value `counter`.
	pub fn new(counter: FixedU128) -> Self {
		Self {
			stake: 0,
			deposits: BoundedVec::new(),
			reward_counter: counter,
			unclaimed: 0,
			unbonding: BoundedVec::new(),
			pending: 0,
			pending_epoch: 0,
		}
	}

	/// The stake that counts for staker revenue: all of it but `pending`.
	pub fn counted(&self) -> Balance {
		self.stake.saturating_sub(self.pending)
	}

	/// What `pending` adds to the boosted stake once it counts:
	/// `boosted(stake) − boosted(counted)`.
	pub fn pending_boost(&self) -> Balance {
		staking::boosted(self.stake).saturating_sub(self.boosted())
	}

	/// Planck unbonding (the sum of the chunks).
	pub fn unbonding_total(&self) -> Balance {
		self.unbonding.iter().fold(0, |sum, c| sum.saturating_add(c.amount))
	}

	/// What a slash can reach: the stake and the GYM unbonding.
	pub fn slashable(&self) -> Balance {
		self.stake.saturating_add(self.unbonding_total())
	}

	/// The planck frozen in the account: the same as [`Self::slashable`].
	pub fn frozen(&self) -> Balance {
		self.slashable()
	}

	/// The counted stake boosted by its tier ([`staking::boosted`]): the
	/// weight of this ledger's share of staker revenue.
	pub fn boosted(&self) -> Balance {
		staking::boosted(self.counted())
	}

	/// Whether the ledger holds nothing (no stake and no unclaimed reward) and
	/// can be removed from storage.
	pub fn is_empty(&self) -> bool {
		self.stake == 0 && self.unclaimed == 0 && self.unbonding.is_empty()
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

	/// Adds back `amount` staked at `staked_at` (rebonding), in block order.
	///
	/// It merges into a deposit of the same block; when the vec is full, into
	/// the next later deposit (or the newest, taking the later block), so a
	/// merge can only lengthen a penalty period, as in [`Self::add`].
	pub fn add_at(&mut self, amount: Balance, staked_at: BlockNumber) -> Result<(), Overflow> {
		let stake = self.stake.checked_add(amount).ok_or(Overflow)?;
		let at = self.deposits.iter().position(|d| d.staked_at >= staked_at);
		let full = self.deposits.is_full();
		let merge_into = match at {
			Some(i) if full || self.deposits.get(i).is_some_and(|d| d.staked_at == staked_at) => {
				Some(i)
			}
			None if full => self.deposits.len().checked_sub(1),
			_ => None,
		};
		match merge_into.and_then(|i| self.deposits.get_mut(i)) {
			Some(deposit) => {
				deposit.amount = deposit.amount.checked_add(amount).ok_or(Overflow)?;
				deposit.staked_at = deposit.staked_at.max(staked_at);
			}
			None => {
				let index = at.unwrap_or(self.deposits.len());
				self.deposits
					.try_insert(index, Deposit { amount, staked_at })
					.map_err(|_| Overflow)?;
			}
		}
		self.stake = stake;
		Ok(())
	}

	/// Removes `amount` from the OLDEST deposits first and returns the part of
	/// it that came from deposits still early at `now` ([`staking::is_early`]),
	/// which is the part the early-unstake penalty applies to, and the latest
	/// deposit block it took from (`None` when it took nothing).
	///
	/// The caller checks `amount <= stake`; beyond it everything is removed.
	pub fn take_oldest(
		&mut self,
		amount: Balance,
		now: BlockNumber,
	) -> (Balance, Option<BlockNumber>) {
		let mut left = amount.min(self.stake);
		self.stake = self.stake.saturating_sub(left);
		let mut early: Balance = 0;
		let mut latest = None;
		for deposit in self.deposits.iter_mut() {
			if left == 0 {
				break;
			}
			let taken = deposit.amount.min(left);
			deposit.amount = deposit.amount.saturating_sub(taken);
			left = left.saturating_sub(taken);
			latest = Some(deposit.staked_at);
			if staking::is_early(deposit.staked_at, now) {
				early = early.saturating_add(taken);
			}
		}
		// The emptied deposits are a prefix of the vec.
		self.deposits.retain(|d| d.amount > 0);
		(early, latest)
	}

	/// Takes `amount` of stake, oldest deposits first, charges
	/// `penalty(early part)` (see [`Self::take_oldest`]) and moves the rest
	/// into a chunk released at `release_at`. Returns the penalty, which
	/// leaves the ledger.
	///
	/// The chunk merges into the last one when that one is released no
	/// earlier, or when the vec is full; the merged chunk takes the LATER
	/// release and the later deposit block, so merging never lets GYM out
	/// sooner. The caller checks `amount <= stake`; beyond it the whole
	/// stake is taken.
	pub fn unbond(
		&mut self,
		amount: Balance,
		now: BlockNumber,
		release_at: BlockNumber,
		penalty: impl FnOnce(Balance) -> Balance,
	) -> Result<Balance, Overflow> {
		let amount = amount.min(self.stake);
		let mut after = self.clone();
		let (early, latest) = after.take_oldest(amount, now);
		let penalty = penalty(early).min(amount);
		let unbonding = amount.saturating_sub(penalty);
		let staked_at = latest.unwrap_or(now);
		let full = after.unbonding.is_full();
		match after.unbonding.last_mut() {
			_ if unbonding == 0 => {}
			Some(last) if full || last.release_at >= release_at => {
				last.amount = last.amount.checked_add(unbonding).ok_or(Overflow)?;
				last.release_at = last.release_at.max(release_at);
				last.staked_at = last.staked_at.max(staked_at);
			}
			_ => {
				after
					.unbonding
					.try_push(UnbondingChunk { amount: unbonding, release_at, staked_at })
					.map_err(|_| Overflow)?;
			}
		}
		*self = after;
		Ok(penalty)
	}

	/// Moves up to `amount` of unbonding GYM back into the stake, LATEST
	/// release first, each chunk as a deposit of its `staked_at`. Returns the
	/// planck rebonded.
	pub fn rebond(&mut self, amount: Balance) -> Result<Balance, Overflow> {
		let mut after = self.clone();
		let mut left = amount;
		while left > 0 {
			let Some(chunk) = after.unbonding.last_mut() else { break };
			let taken = chunk.amount.min(left);
			chunk.amount = chunk.amount.saturating_sub(taken);
			let staked_at = chunk.staked_at;
			if chunk.amount == 0 {
				after.unbonding.pop();
			}
			left = left.saturating_sub(taken);
			after.add_at(taken, staked_at)?;
		}
		*self = after;
		Ok(amount.saturating_sub(left))
	}

	/// Removes the chunks released by `now` and returns their planck.
	pub fn withdraw(&mut self, now: BlockNumber) -> Balance {
		let released = self
			.unbonding
			.iter()
			.filter(|c| c.release_at <= now)
			.fold(0, |sum: Balance, c| sum.saturating_add(c.amount));
		self.unbonding.retain(|c| c.release_at > now);
		released
	}

	/// Removes `amount` from the NEWEST deposits first, then from the chunks
	/// released LAST (slashing).
	///
	/// The caller checks `amount <= slashable`; beyond it everything is
	/// removed.
	pub fn take_newest(&mut self, amount: Balance) {
		let mut left = amount.min(self.slashable());
		for deposit in self.deposits.iter_mut().rev() {
			if left == 0 {
				break;
			}
			let taken = deposit.amount.min(left);
			deposit.amount = deposit.amount.saturating_sub(taken);
			self.stake = self.stake.saturating_sub(taken);
			left = left.saturating_sub(taken);
		}
		for chunk in self.unbonding.iter_mut().rev() {
			if left == 0 {
				break;
			}
			let taken = chunk.amount.min(left);
			chunk.amount = chunk.amount.saturating_sub(taken);
			left = left.saturating_sub(taken);
		}
		self.deposits.retain(|d| d.amount > 0);
		self.unbonding.retain(|c| c.amount > 0);
	}
}

/// One account's staking position at block [`StakeInfo::now`].
///
/// An account that has never staked (or has unstaked everything and claimed
/// its revenue) reports zeros, no tier and no deposit.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct StakeInfo {
	/// Planck staked (bonded, frozen in the account).
	pub stake: Balance,
	/// The tier the stake reaches; `None` below Bronze (1,000 GYM).
	pub tier: Option<Tier>,
	/// The tier's reward boost in per mille (1000 = 1.0x); 0 without a tier.
	pub boost_per_mille: u32,
	/// The counted stake (all but `uncounted_stake`) times its boost, rounded
	/// down: the weight of this account's share of staker revenue.
	pub boosted_stake: Balance,
	/// The block of the oldest deposit still staked; `None` without stake.
	pub oldest_staked_at: Option<BlockNumber>,
	/// The stake-weighted mean age of the deposits at [`StakeInfo::now`], in
	/// blocks, rounded down (0 without stake).
	pub weighted_age_blocks: BlockNumber,
	/// Staker revenue claimable now (settled and pending), in planck.
	pub pending_rewards: Balance,
	/// Stake added in the current or the previous epoch: it does not share
	/// staker revenue until it has been staked a whole period.
	pub uncounted_stake: Balance,
	/// The epoch whose first block distributes the first revenue the
	/// uncounted stake shares (`None` without uncounted stake).
	pub counts_from_epoch: Option<EpochIndex>,
	/// The early-unstake penalty that unstaking the whole stake now would pay.
	pub penalty_if_unstaked_now: Balance,
	/// GYM unstaked and not yet withdrawn, earliest release first: still
	/// frozen and slashable until its release block.
	pub unbonding: Vec<UnbondingChunk>,
	/// What [`crate::Pallet::withdraw_unbonded`] would release now (0 while
	/// `withdraw_held`).
	pub withdrawable: Balance,
	/// Slashes judged and not yet charged (compute mining's pending
	/// invalid-delta slashes and unreported downtime), in planck.
	pub pending_slash: Balance,
	/// Whether the account's GYM backs work not yet final (a delta, a
	/// committee seat, a dispute vote, a pending slash): nothing can be
	/// withdrawn until it is.
	pub withdraw_held: bool,
	/// The block this answer describes.
	pub now: BlockNumber,
}

impl StakeInfo {
	/// The answer for an account without stake or revenue at block `now`.
	pub fn nothing_staked(now: BlockNumber) -> Self {
		Self {
			stake: 0,
			tier: None,
			boost_per_mille: 0,
			boosted_stake: 0,
			oldest_staked_at: None,
			weighted_age_blocks: 0,
			pending_rewards: 0,
			uncounted_stake: 0,
			counts_from_epoch: None,
			penalty_if_unstaked_now: 0,
			unbonding: Vec::new(),
			withdrawable: 0,
			pending_slash: 0,
			withdraw_held: false,
			now,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::ConstU32;
	use gym_primitives::{DAYS, GYM};

	type Ledger = StakeLedger<ConstU32<3>, ConstU32<2>>;

	fn chunks(l: &Ledger) -> Vec<(Balance, BlockNumber, BlockNumber)> {
		l.unbonding.iter().map(|c| (c.amount, c.release_at, c.staked_at)).collect()
	}

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
		let (early, latest) = l.take_oldest(150 * GYM, 35 * DAYS);
		assert_eq!((early, latest), (50 * GYM, Some(20 * DAYS)));
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
	fn a_slash_reaches_the_unbonding_gym_after_the_stake() {
		let mut l = Ledger::new(FixedU128::from_u32(0));
		l.add(100, 1).unwrap();
		l.unbond(60, 5, 50, |_| 0).unwrap();
		l.unbond(30, 6, 60, |_| 0).unwrap();
		assert_eq!((l.stake, l.unbonding_total(), l.slashable()), (10, 90, 100));
		// 10 from the stake, then the chunk released last, then the next.
		l.take_newest(45);
		assert_eq!((l.stake, chunks(&l)), (0, vec![(55, 50, 1)]));
		l.take_newest(1_000);
		assert!(l.is_empty());
	}

	#[test]
	fn unbonding_pays_the_penalty_and_merges_only_into_later_releases() {
		let mut l = Ledger::new(FixedU128::from_u32(0));
		l.add(100, 1).unwrap();
		l.add(100, 20).unwrap();
		// 150 from both deposits, all early: 15 paid, 135 unbond, at block 20.
		assert_eq!(l.unbond(150, 30, 100, |early| early / 10), Ok(15));
		assert_eq!((chunks(&l), deposits(&l)), (vec![(135, 100, 20)], vec![(50, 20)]));
		assert_eq!((l.stake, l.slashable()), (50, 185));
		// A shorter period set meanwhile would release sooner: merged into
		// the later chunk.
		l.unbond(10, 31, 90, |_| 0).unwrap();
		assert_eq!(chunks(&l), vec![(145, 100, 20)]);
		l.unbond(10, 32, 120, |_| 0).unwrap();
		// Full (2 chunks): merged into the last, at the later release.
		l.unbond(10, 33, 130, |_| 0).unwrap();
		assert_eq!(chunks(&l), vec![(145, 100, 20), (20, 130, 20)]);
		assert_eq!(l.stake, 20);
		// Nothing is released before its block.
		assert_eq!(l.withdraw(99), 0);
		assert_eq!(l.withdraw(100), 145);
		assert_eq!(chunks(&l), vec![(20, 130, 20)]);
		assert_eq!(l.withdraw(130), 20);
		assert_eq!((l.stake, l.slashable()), (20, 20));
	}

	#[test]
	fn rebonding_returns_the_latest_release_first_at_its_deposit_block() {
		let mut l = Ledger::new(FixedU128::from_u32(0));
		l.add(10, 5).unwrap();
		l.unbond(10, 6, 50, |_| 0).unwrap();
		l.add(10, 30).unwrap();
		l.unbond(4, 31, 60, |_| 0).unwrap();
		assert_eq!(chunks(&l), vec![(10, 50, 5), (4, 60, 30)]);
		assert_eq!(l.rebond(7), Ok(7));
		// 4 back at block 30 (merged with the deposit of that block), 3 at
		// block 5, in order.
		assert_eq!(deposits(&l), vec![(3, 5), (10, 30)]);
		assert_eq!(chunks(&l), vec![(7, 50, 5)]);
		assert_eq!(l.rebond(100), Ok(7));
		assert_eq!((deposits(&l), l.stake), (vec![(10, 5), (10, 30)], 20));
		assert_eq!(l.rebond(1), Ok(0));
	}

	#[test]
	fn rebonding_into_a_full_ledger_merges_into_a_later_deposit() {
		let mut l = Ledger::new(FixedU128::from_u32(0));
		l.add(10, 5).unwrap();
		l.unbond(10, 6, 50, |_| 0).unwrap();
		l.add(1, 7).unwrap();
		l.add(1, 8).unwrap();
		l.add(1, 9).unwrap();
		assert_eq!(l.rebond(4), Ok(4));
		// Block 5 would go first, the vec is full: merged into block 7.
		assert_eq!(deposits(&l), vec![(5, 7), (1, 8), (1, 9)]);
		assert_eq!((l.stake, l.unbonding_total()), (7, 6));
		// Later than every deposit, full: merged into the newest, later block.
		l.add_at(2, 12).unwrap();
		assert_eq!(deposits(&l), vec![(5, 7), (1, 8), (3, 12)]);
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
			uncounted_stake: 3,
			counts_from_epoch: Some(4),
			penalty_if_unstaked_now: 1_234,
			unbonding: vec![UnbondingChunk { amount: 5, release_at: 40, staked_at: 2 }],
			withdrawable: 0,
			pending_slash: 17,
			withdraw_held: true,
			now: 10,
		};
		let encoded = info.encode();
		assert_eq!(StakeInfo::decode(&mut &encoded[..]), Ok(info));
		let empty = StakeInfo::nothing_staked(0);
		assert_eq!((empty.stake, empty.tier, empty.oldest_staked_at), (0, None, None));
		assert_eq!(StakeInfo::decode(&mut &empty.encode()[..]), Ok(empty));
	}
}
