//! The pallet's logic: the bodies of the calls, the reward bookkeeping and the
//! [`StakeTiers`] implementation offered to other pallets.
//!
//! Every mutating function computes the new ledger and totals first and
//! writes last, inside a storage layer, so that a failing currency operation
//! (a freeze, a transfer) leaves nothing behind.

use crate::{
	pallet::*, PendingBoost, Right, SlashReason, StakeFloor, StakeInfo, StakeTiers, Tier, PALLET_ID,
};
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	storage::with_storage_layer,
	traits::{
		fungible::{Balanced, Inspect, InspectHold, Mutate, MutateFreeze},
		tokens::{Fortitude, Precision, Preservation},
		ConstU32, Contains, Get,
	},
	BoundedVec,
};
use gym_primitives::{staking, traits::EpochClock, Balance, BlockNumber, EpochIndex};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{AccountIdConversion, Zero},
	DispatchError, FixedPointNumber, FixedU128, Perbill, Rounding, SaturatedConversion,
};

/// [`TotalStaked`], [`TotalBoostedStake`] and [`Unrolled`] after one stake
/// changes.
struct Totals {
	staked: Balance,
	boosted: Balance,
	unrolled: BoundedVec<(EpochIndex, PendingBoost), ConstU32<2>>,
}

/// What a ledger weighed before a change (after [`Pallet::touch`]).
struct Before {
	stake: Balance,
	boosted: Balance,
	/// The unrolled epoch of its pending stake and what that adds.
	pending: Option<(EpochIndex, Balance)>,
}

impl Before {
	fn of<A: Get<u32>, B: Get<u32>>(ledger: &crate::StakeLedger<A, B>) -> Self {
		Self {
			stake: ledger.stake,
			boosted: ledger.boosted(),
			pending: (ledger.pending > 0).then(|| (ledger.pending_epoch, ledger.pending_boost())),
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The pot account holding staker revenue until it is claimed
	/// (`PalletId(*b"gym/stak")`).
	pub fn pot_account() -> T::AccountId {
		PALLET_ID.into_account_truncating()
	}

	/// `who`'s stake in planck (0 without a ledger).
	pub fn stake_of(who: &T::AccountId) -> Balance {
		Stakers::<T>::get(who).map_or(0, |ledger| ledger.stake)
	}

	/// What [`Pallet::claim_staker_rewards`] would pay `who` now: settled plus
	/// pending staker revenue, rounded down.
	pub fn claimable_rewards(who: &T::AccountId) -> Balance {
		Stakers::<T>::get(who).map_or(0, |mut ledger| {
			if Self::touch(&mut ledger).is_err() {
				return 0;
			}
			ledger.unclaimed
		})
	}

	/// The current revenue period (GymEmission's epoch).
	fn epoch() -> EpochIndex {
		T::Clock::current_epoch()
	}

	/// Counts in the pending stake of every epoch at least two behind the
	/// current one: it was there for a whole period. Their boost joins
	/// [`TotalBoostedStake`]; the accumulator now is kept in [`Rolled`] for
	/// their ledgers to settle against. O(1): at most two epochs wait.
	pub(crate) fn roll_due() {
		let now = Self::epoch();
		let mut unrolled = Unrolled::<T>::get();
		if !unrolled.iter().any(|(epoch, _)| epoch.saturating_add(2) <= now) {
			return;
		}
		let acc = RewardPerBoostedStake::<T>::get();
		let mut total = TotalBoostedStake::<T>::get();
		for (epoch, slot) in unrolled.iter().filter(|(epoch, _)| epoch.saturating_add(2) <= now) {
			total = total.saturating_add(slot.boost);
			if slot.ledgers > 0 {
				Rolled::<T>::insert(epoch, (acc, slot.ledgers));
			}
		}
		unrolled.retain(|(epoch, _)| epoch.saturating_add(2) > now);
		TotalBoostedStake::<T>::put(total);
		Unrolled::<T>::put(unrolled);
	}

	/// Brings `ledger` up to date without writing it: if the epoch of its
	/// pending stake was counted in, it settles its revenue up to that
	/// moment on its counted stake, then counts the pending stake in; then
	/// it settles up to now. Run [`Self::roll_due`] first.
	pub(crate) fn touch(ledger: &mut LedgerOf<T>) -> Result<(), Error<T>> {
		if ledger.pending > 0 {
			let epoch = ledger.pending_epoch;
			// Counted in, or due to be at the next call (a view of a ledger
			// whose epoch nobody rolled yet: no distribution came since).
			let at_roll = Rolled::<T>::get(epoch).map(|(acc, _)| acc).or_else(|| {
				(epoch.saturating_add(2) <= Self::epoch()).then(RewardPerBoostedStake::<T>::get)
			});
			if let Some(at_roll) = at_roll {
				Self::settle(ledger, at_roll)?;
				ledger.pending = 0;
			}
		}
		Self::settle(ledger, RewardPerBoostedStake::<T>::get())
	}

	/// [`Self::touch`], and the bookkeeping of [`Rolled`] when the ledger's
	/// pending stake was counted in (the caller writes the ledger).
	fn touch_mut(ledger: &mut LedgerOf<T>) -> Result<(), Error<T>> {
		let epoch = ledger.pending_epoch;
		let had_pending = ledger.pending > 0;
		Self::touch(ledger)?;
		if had_pending && ledger.pending == 0 {
			Rolled::<T>::mutate_exists(epoch, |entry| {
				if let Some((_, left)) = entry {
					*left = left.saturating_sub(1);
					if *left == 0 {
						*entry = None;
					}
				}
			});
		}
		Ok(())
	}

	/// After `ledger.stake` changed from `before`: stake added waits in the
	/// current epoch (an older pending part waits with it: merging only
	/// lengthens the wait); stake removed leaves the pending part first.
	fn repend(ledger: &mut LedgerOf<T>, before: Balance) {
		if ledger.stake >= before {
			let added = ledger.stake.saturating_sub(before);
			if added > 0 {
				ledger.pending = ledger.pending.saturating_add(added);
				ledger.pending_epoch = Self::epoch();
			}
		} else {
			ledger.pending = ledger.pending.saturating_sub(before.saturating_sub(ledger.stake));
		}
	}

	/// Revenue `ledger` earned since its last settlement, at accumulator
	/// `acc`: `floor(boosted × (acc − counter))`.
	pub(crate) fn pending_of(ledger: &LedgerOf<T>, acc: FixedU128) -> Result<Balance, Error<T>> {
		let per_share = acc
			.into_inner()
			.checked_sub(ledger.reward_counter.into_inner())
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		multiply_by_rational_with_rounding(
			ledger.boosted(),
			per_share,
			FixedU128::DIV,
			Rounding::Down,
		)
		.ok_or(Error::<T>::ArithmeticOverflow)
	}

	/// Moves `ledger`'s pending revenue into `unclaimed` and its counter to
	/// `acc`. Must run before every change of its boosted stake.
	fn settle(ledger: &mut LedgerOf<T>, acc: FixedU128) -> Result<(), Error<T>> {
		let pending = Self::pending_of(ledger, acc)?;
		ledger.unclaimed =
			ledger.unclaimed.checked_add(pending).ok_or(Error::<T>::ArithmeticOverflow)?;
		ledger.reward_counter = acc;
		Ok(())
	}

	/// The current block in GYM's block-number type.
	fn now() -> BlockNumber {
		frame_system::Pallet::<T>::block_number().saturated_into()
	}

	/// The totals once a ledger that weighed `before` becomes `ledger`.
	fn totals_after(before: &Before, ledger: &LedgerOf<T>) -> Result<Totals, Error<T>> {
		let staked = TotalStaked::<T>::get()
			.checked_sub(before.stake)
			.and_then(|t| t.checked_add(ledger.stake))
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		let boosted = TotalBoostedStake::<T>::get()
			.checked_sub(before.boosted)
			.and_then(|t| t.checked_add(ledger.boosted()))
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		let mut unrolled = Unrolled::<T>::get();
		if let Some((epoch, boost)) = before.pending {
			let slot = unrolled
				.iter_mut()
				.find(|(e, _)| *e == epoch)
				.map(|(_, slot)| slot)
				.ok_or(Error::<T>::ArithmeticOverflow)?;
			slot.boost = slot.boost.checked_sub(boost).ok_or(Error::<T>::ArithmeticOverflow)?;
			slot.ledgers = slot.ledgers.checked_sub(1).ok_or(Error::<T>::ArithmeticOverflow)?;
			unrolled.retain(|(_, slot)| slot.ledgers > 0);
		}
		if ledger.pending > 0 {
			let epoch = ledger.pending_epoch;
			if !unrolled.iter().any(|(e, _)| *e == epoch) {
				// After `roll_due` only the previous epoch can wait besides
				// this one.
				unrolled
					.try_push((epoch, PendingBoost::default()))
					.map_err(|_| Error::<T>::ArithmeticOverflow)?;
				unrolled.sort_by_key(|(e, _)| *e);
			}
			if let Some((_, slot)) = unrolled.iter_mut().find(|(e, _)| *e == epoch) {
				slot.boost = slot
					.boost
					.checked_add(ledger.pending_boost())
					.ok_or(Error::<T>::ArithmeticOverflow)?;
				slot.ledgers = slot.ledgers.checked_add(1).ok_or(Error::<T>::ArithmeticOverflow)?;
			}
		}
		Ok(Totals { staked, boosted, unrolled })
	}

	/// Sets the freeze to what `ledger` holds: stake and unbonding GYM (0
	/// removes it).
	fn freeze(who: &T::AccountId, ledger: &LedgerOf<T>) -> DispatchResult {
		T::Currency::set_freeze(&FreezeReason::Staked.into(), who, ledger.frozen())
	}

	/// Writes `ledger` (whose stake was `old_stake`) and the totals, and
	/// reports a tier change.
	fn write_ledger(who: &T::AccountId, old_stake: Balance, ledger: LedgerOf<T>, totals: Totals) {
		TotalStaked::<T>::put(totals.staked);
		TotalBoostedStake::<T>::put(totals.boosted);
		Unrolled::<T>::put(totals.unrolled);
		let (from, to) = (staking::tier_for(old_stake), staking::tier_for(ledger.stake));
		if ledger.is_empty() {
			Stakers::<T>::remove(who);
		} else {
			Stakers::<T>::insert(who, ledger);
		}
		if from != to {
			Self::deposit_event(Event::TierChanged { who: who.clone(), from, to });
		}
	}

	/// The body of [`Pallet::stake`].
	pub(crate) fn do_stake(who: &T::AccountId, amount: Balance) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(!T::BondedElsewhere::contains(who), Error::<T>::BondedElsewhere);
		let free = T::Currency::reducible_balance(who, Preservation::Expendable, Fortitude::Polite)
			.saturating_sub(T::Currency::total_balance_on_hold(who));
		ensure!(amount <= free, Error::<T>::InsufficientFreeBalance);

		with_storage_layer(|| {
			Self::roll_due();
			let acc = RewardPerBoostedStake::<T>::get();
			let mut ledger = Stakers::<T>::get(who).unwrap_or_else(|| LedgerOf::<T>::new(acc));
			Self::touch_mut(&mut ledger)?;
			let before = Before::of(&ledger);
			let old_stake = ledger.stake;
			ledger.add(amount, Self::now()).map_err(|_| Error::<T>::ArithmeticOverflow)?;
			Self::repend(&mut ledger, old_stake);
			let totals = Self::totals_after(&before, &ledger)?;
			Self::freeze(who, &ledger)?;
			Self::deposit_event(Event::Staked { who: who.clone(), amount });
			Self::write_ledger(who, old_stake, ledger, totals);
			Ok(())
		})
	}

	/// The body of [`Pallet::unstake`].
	pub(crate) fn do_unstake(who: &T::AccountId, amount: Balance) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut ledger = Stakers::<T>::get(who).ok_or(Error::<T>::NotEnoughStaked)?;
		ensure!(amount <= ledger.stake, Error::<T>::NotEnoughStaked);
		ensure!(
			ledger.stake.saturating_sub(amount)
				>= <T::StakeFloor as StakeFloor<T::AccountId>>::minimum_stake(who),
			Error::<T>::StakeRequired
		);

		let to = T::SlashDestination::get();
		with_storage_layer(|| {
			Self::roll_due();
			Self::touch_mut(&mut ledger)?;
			let before = Before::of(&ledger);
			let old_stake = ledger.stake;
			let now = Self::now();
			let release_at = now.saturating_add(UnbondingPeriod::<T>::get());
			let penalty = ledger
				.unbond(amount, now, release_at, staking::early_unstake_penalty)
				.map_err(|_| Error::<T>::ArithmeticOverflow)?;
			Self::repend(&mut ledger, old_stake);
			let totals = Self::totals_after(&before, &ledger)?;
			// The freeze shrinks by the penalty only: the rest unbonds.
			Self::freeze(who, &ledger)?;
			if !penalty.is_zero() {
				// Preserve: reaping the staker here would burn its dust (the
				// pallet burns nothing); a staker whose whole balance is a few
				// planck above the ED must leave the ED behind.
				T::Currency::transfer(who, &to, penalty, Preservation::Preserve)
					.map_err(|_| Error::<T>::PenaltyTransferFailed)?;
			}
			Self::deposit_event(Event::Unstaked { who: who.clone(), amount, penalty, release_at });
			if !penalty.is_zero() {
				Self::deposit_event(Event::PenaltyPaid { who: who.clone(), amount: penalty, to });
			}
			Self::write_ledger(who, old_stake, ledger, totals);
			Ok(())
		})
	}

	/// The body of [`Pallet::claim_staker_rewards`].
	pub(crate) fn do_claim(who: &T::AccountId) -> DispatchResult {
		let mut ledger = Stakers::<T>::get(who).ok_or(Error::<T>::NothingToClaim)?;
		with_storage_layer(|| {
			Self::roll_due();
			Self::touch_mut(&mut ledger)?;
			let amount = ledger.unclaimed;
			ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
			ledger.unclaimed = 0;
			let outstanding = OutstandingRewards::<T>::get()
				.checked_sub(amount)
				.ok_or(Error::<T>::ArithmeticOverflow)?;
			// The pot holds its existential deposit on top of everything owed.
			T::Currency::transfer(&Self::pot_account(), who, amount, Preservation::Preserve)?;
			OutstandingRewards::<T>::put(outstanding);
			if ledger.is_empty() {
				Stakers::<T>::remove(who);
			} else {
				Stakers::<T>::insert(who, ledger);
			}
			Self::deposit_event(Event::StakerRewardsClaimed { who: who.clone(), amount });
			Ok(())
		})
	}

	/// The body of [`Pallet::withdraw_unbonded`].
	pub(crate) fn do_withdraw(who: &T::AccountId) -> DispatchResult {
		let mut ledger = Stakers::<T>::get(who).ok_or(Error::<T>::NothingToWithdraw)?;
		let amount = ledger.withdraw(Self::now());
		ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
		ensure!(!T::StakeFloor::holds_withdrawal(who), Error::<T>::WithdrawHeld);
		with_storage_layer(|| {
			Self::freeze(who, &ledger)?;
			Self::deposit_event(Event::Withdrawn { who: who.clone(), amount });
			if ledger.is_empty() {
				Stakers::<T>::remove(who);
			} else {
				Stakers::<T>::insert(who, ledger);
			}
			Ok(())
		})
	}

	/// The body of [`Pallet::rebond`].
	pub(crate) fn do_rebond(who: &T::AccountId, amount: Balance) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(!T::BondedElsewhere::contains(who), Error::<T>::BondedElsewhere);
		let mut ledger = Stakers::<T>::get(who).ok_or(Error::<T>::NothingToRebond)?;
		ensure!(!ledger.unbonding.is_empty(), Error::<T>::NothingToRebond);
		with_storage_layer(|| {
			Self::roll_due();
			Self::touch_mut(&mut ledger)?;
			let before = Before::of(&ledger);
			let old_stake = ledger.stake;
			let rebonded = ledger.rebond(amount).map_err(|_| Error::<T>::ArithmeticOverflow)?;
			// Rebonded GYM waits a whole period like new stake.
			Self::repend(&mut ledger, old_stake);
			let totals = Self::totals_after(&before, &ledger)?;
			// The frozen amount does not change: the GYM moves within the ledger.
			Self::deposit_event(Event::Rebonded { who: who.clone(), amount: rebonded });
			Self::write_ledger(who, old_stake, ledger, totals);
			Ok(())
		})
	}

	/// The body of [`StakeTiers::slash`] and [`StakeTiers::slash_amount`]:
	/// slashes `amount(slashable)`, at most everything slashable (the stake,
	/// then the unbonding GYM).
	pub(crate) fn do_slash(
		who: &T::AccountId,
		amount: impl FnOnce(Balance) -> Balance,
		reason: SlashReason,
	) -> Result<Balance, DispatchError> {
		let Some(mut ledger) = Stakers::<T>::get(who) else { return Ok(0) };
		let slashable = ledger.slashable();
		let amount = amount(slashable).min(slashable);
		if amount.is_zero() {
			return Ok(0);
		}

		let to = T::SlashDestination::get();
		with_storage_layer(|| {
			Self::roll_due();
			Self::touch_mut(&mut ledger)?;
			let before = Before::of(&ledger);
			let old_stake = ledger.stake;
			ledger.take_newest(amount);
			Self::repend(&mut ledger, old_stake);
			let totals = Self::totals_after(&before, &ledger)?;
			Self::freeze(who, &ledger)?;
			// Forced: a governance lock over the staked GYM does not shield it.
			let credit = T::Currency::withdraw(
				who,
				amount,
				Precision::Exact,
				Preservation::Expendable,
				Fortitude::Force,
			)
			.map_err(|_| Error::<T>::SlashTransferFailed)?;
			T::Currency::resolve(&to, credit).map_err(|credit| {
				// Dropping the credit burns it; the storage layer undoes that too.
				drop(credit);
				Error::<T>::SlashTransferFailed
			})?;
			Self::deposit_event(Event::Slashed { who: who.clone(), amount, reason, to });
			Self::write_ledger(who, old_stake, ledger, totals);
			Ok(amount)
		})
	}

	/// The body of [`StakeTiers::distribute_to_stakers`].
	pub(crate) fn do_distribute(from: &T::AccountId, amount: Balance) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		with_storage_layer(|| {
			// Stake added in this epoch or the one whose revenue this is
			// does not share it.
			Self::roll_due();
			Self::distribute_counted(from, amount)
		})
	}

	/// Shares `amount` among the counted boosted stake.
	fn distribute_counted(from: &T::AccountId, amount: Balance) -> DispatchResult {
		let total = TotalBoostedStake::<T>::get();
		ensure!(!total.is_zero(), Error::<T>::NoStakers);

		let pot = Self::pot_account();
		let outstanding = OutstandingRewards::<T>::get();
		// The pot's own balance must be at least the existential deposit; the
		// first distribution into an empty pot provides it.
		let own = T::Currency::balance(&pot).saturating_sub(outstanding);
		let endowment = T::Currency::minimum_balance().saturating_sub(own).min(amount);
		let credited = amount.saturating_sub(endowment);
		let per_share =
			multiply_by_rational_with_rounding(credited, FixedU128::DIV, total, Rounding::Down)
				.ok_or(Error::<T>::ArithmeticOverflow)?;
		let acc = RewardPerBoostedStake::<T>::get()
			.into_inner()
			.checked_add(per_share)
			.map(FixedU128::from_inner)
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		let outstanding =
			outstanding.checked_add(credited).ok_or(Error::<T>::ArithmeticOverflow)?;

		with_storage_layer(|| {
			T::Currency::transfer(from, &pot, amount, Preservation::Preserve)?;
			RewardPerBoostedStake::<T>::put(acc);
			OutstandingRewards::<T>::put(outstanding);
			if !endowment.is_zero() {
				Self::deposit_event(Event::PotEndowed { amount: endowment });
			}
			Self::deposit_event(Event::StakersRewarded {
				from: from.clone(),
				amount: credited,
				total_boosted_stake: total,
			});
			Ok(())
		})
	}
}

/// Answers of the runtime API `TieredStakingApi`.
impl<T: Config> Pallet<T> {
	/// `who`'s staking position now: stake, tier, boost, the age of its
	/// deposits, claimable revenue and the penalty of unstaking everything
	/// now (computed by the same [`StakeLedger::take_oldest`] that
	/// [`Pallet::unstake`] uses).
	pub fn stake_info(who: &T::AccountId) -> StakeInfo {
		let now = Self::now();
		let Some(mut ledger) = Stakers::<T>::get(who) else {
			return StakeInfo::nothing_staked(now);
		};
		// As the next call would see it (revenue settled, pending stake of a
		// past period counted in); a ledger that cannot be brought up to date
		// is shown as stored.
		let mut current = ledger.clone();
		if Self::touch(&mut current).is_ok() {
			ledger = current;
		}
		let mut everything = ledger.clone();
		let (early, _) = everything.take_oldest(ledger.stake, now);
		let withdraw_held = T::StakeFloor::holds_withdrawal(who);
		let withdrawable = if withdraw_held { 0 } else { ledger.clone().withdraw(now) };
		StakeInfo {
			stake: ledger.stake,
			tier: staking::tier_for(ledger.stake),
			boost_per_mille: staking::boost_per_mille(ledger.stake),
			boosted_stake: ledger.boosted(),
			oldest_staked_at: ledger.deposits.first().map(|d| d.staked_at),
			weighted_age_blocks: Self::weighted_age(&ledger, now),
			pending_rewards: ledger.unclaimed,
			uncounted_stake: ledger.pending,
			counts_from_epoch: (ledger.pending > 0).then(|| ledger.pending_epoch.saturating_add(2)),
			penalty_if_unstaked_now: staking::early_unstake_penalty(early),
			unbonding: ledger.unbonding.to_vec(),
			withdrawable,
			pending_slash: T::StakeFloor::pending_slash(who),
			withdraw_held,
			now,
		}
	}

	/// The stake-weighted mean age of `ledger`'s deposits at `now`, rounded
	/// down: `floor(Σ amount × (now − staked_at) / stake)`, 0 without stake.
	/// Exact while `stake × age` fits a `u128` (any stake up to about 79
	/// billion GYM, far above the supply); saturates beyond.
	fn weighted_age(ledger: &LedgerOf<T>, now: BlockNumber) -> BlockNumber {
		let weighted = ledger.deposits.iter().fold(Balance::MIN, |sum, d| {
			let age = Balance::from(now.saturating_sub(d.staked_at));
			sum.saturating_add(d.amount.saturating_mul(age))
		});
		// The mean lies between the smallest and the largest age, so it fits.
		let mean = weighted.checked_div(ledger.stake).unwrap_or(0);
		BlockNumber::try_from(mean).unwrap_or(BlockNumber::MAX)
	}
}

impl<T: Config> StakeTiers<T::AccountId> for Pallet<T> {
	fn tier_of(who: &T::AccountId) -> Option<Tier> {
		staking::tier_for(Self::stake_of(who))
	}

	fn boost_of(who: &T::AccountId) -> FixedU128 {
		FixedU128::saturating_from_rational(
			staking::boost_per_mille(Self::stake_of(who)),
			staking::BOOST_DENOMINATOR,
		)
	}

	fn boosted_stake(who: &T::AccountId) -> Balance {
		staking::boosted(Self::stake_of(who))
	}

	fn total_boosted_stake() -> Balance {
		TotalBoostedStake::<T>::get()
	}

	fn total_stake() -> Balance {
		TotalStaked::<T>::get()
	}

	fn has_right(who: &T::AccountId, right: Right) -> bool {
		Self::tier_of(who).is_some_and(|tier| tier.has_right(right))
	}

	fn slash(
		who: &T::AccountId,
		fraction: Perbill,
		reason: SlashReason,
	) -> Result<Balance, DispatchError> {
		Self::do_slash(who, |stake| fraction.mul_floor(stake), reason)
	}

	fn slash_amount(
		who: &T::AccountId,
		amount: Balance,
		reason: SlashReason,
	) -> Result<Balance, DispatchError> {
		Self::do_slash(who, |_| amount, reason)
	}

	fn stake_of(who: &T::AccountId) -> Balance {
		Self::stake_of(who)
	}

	fn slashable_of(who: &T::AccountId) -> Balance {
		Stakers::<T>::get(who).map_or(0, |ledger| ledger.slashable())
	}

	fn distribute_to_stakers(from: &T::AccountId, amount: Balance) -> DispatchResult {
		Self::do_distribute(from, amount)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn fund_and_stake(who: &T::AccountId, amount: Balance) {
		T::Currency::set_balance(who, amount.saturating_mul(2));
		if Self::stake(frame_system::RawOrigin::Signed(who.clone()).into(), amount).is_err() {
			frame_support::defensive!("benchmark setup: a funded account can stake");
		}
	}
}
