//! The pallet's logic: the bodies of the calls, the reward bookkeeping and the
//! [`StakeTiers`] implementation offered to other pallets.
//!
//! Every mutating function computes the new ledger and totals first and
//! writes last, inside a storage layer, so that a failing currency operation
//! (a freeze, a transfer) leaves nothing behind.

use crate::{pallet::*, Right, SlashReason, StakeFloor, StakeInfo, StakeTiers, Tier, PALLET_ID};
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	storage::with_storage_layer,
	traits::{
		fungible::{Balanced, Inspect, Mutate, MutateFreeze},
		tokens::{Fortitude, Precision, Preservation},
		Contains, Get,
	},
};
use gym_primitives::{staking, Balance, BlockNumber};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{AccountIdConversion, Zero},
	DispatchError, FixedPointNumber, FixedU128, Perbill, Rounding, SaturatedConversion,
};

/// [`TotalStaked`] and [`TotalBoostedStake`] after one stake changes.
struct Totals {
	staked: Balance,
	boosted: Balance,
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
		Stakers::<T>::get(who).map_or(0, |ledger| {
			let pending = Self::pending_of(&ledger, RewardPerBoostedStake::<T>::get()).unwrap_or(0);
			ledger.unclaimed.saturating_add(pending)
		})
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

	/// The totals once a stake of `old` becomes `new`.
	fn totals_after(old: Balance, new: Balance) -> Result<Totals, Error<T>> {
		let staked = TotalStaked::<T>::get()
			.checked_sub(old)
			.and_then(|t| t.checked_add(new))
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		let boosted = TotalBoostedStake::<T>::get()
			.checked_sub(staking::boosted(old))
			.and_then(|t| t.checked_add(staking::boosted(new)))
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		Ok(Totals { staked, boosted })
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
		let free = T::Currency::reducible_balance(who, Preservation::Expendable, Fortitude::Polite);
		ensure!(amount <= free, Error::<T>::InsufficientFreeBalance);

		let acc = RewardPerBoostedStake::<T>::get();
		let mut ledger = Stakers::<T>::get(who).unwrap_or_else(|| LedgerOf::<T>::new(acc));
		let old_stake = ledger.stake;
		Self::settle(&mut ledger, acc)?;
		ledger.add(amount, Self::now()).map_err(|_| Error::<T>::ArithmeticOverflow)?;
		let totals = Self::totals_after(old_stake, ledger.stake)?;

		with_storage_layer(|| {
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

		let acc = RewardPerBoostedStake::<T>::get();
		let old_stake = ledger.stake;
		Self::settle(&mut ledger, acc)?;
		let now = Self::now();
		let release_at = now.saturating_add(UnbondingPeriod::<T>::get());
		let penalty = ledger
			.unbond(amount, now, release_at, staking::early_unstake_penalty)
			.map_err(|_| Error::<T>::ArithmeticOverflow)?;
		let totals = Self::totals_after(old_stake, ledger.stake)?;
		let to = T::SlashDestination::get();

		with_storage_layer(|| {
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
		Self::settle(&mut ledger, RewardPerBoostedStake::<T>::get())?;
		let amount = ledger.unclaimed;
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		ledger.unclaimed = 0;
		let outstanding = OutstandingRewards::<T>::get()
			.checked_sub(amount)
			.ok_or(Error::<T>::ArithmeticOverflow)?;

		with_storage_layer(|| {
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
		let mut ledger = Stakers::<T>::get(who).ok_or(Error::<T>::NothingToRebond)?;
		ensure!(!ledger.unbonding.is_empty(), Error::<T>::NothingToRebond);
		let acc = RewardPerBoostedStake::<T>::get();
		let old_stake = ledger.stake;
		Self::settle(&mut ledger, acc)?;
		let rebonded = ledger.rebond(amount).map_err(|_| Error::<T>::ArithmeticOverflow)?;
		let totals = Self::totals_after(old_stake, ledger.stake)?;
		// The frozen amount does not change: the GYM moves within the ledger.
		Self::deposit_event(Event::Rebonded { who: who.clone(), amount: rebonded });
		Self::write_ledger(who, old_stake, ledger, totals);
		Ok(())
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

		let acc = RewardPerBoostedStake::<T>::get();
		let old_stake = ledger.stake;
		Self::settle(&mut ledger, acc)?;
		ledger.take_newest(amount);
		let totals = Self::totals_after(old_stake, ledger.stake)?;
		let to = T::SlashDestination::get();

		with_storage_layer(|| {
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
		let Some(ledger) = Stakers::<T>::get(who) else {
			return StakeInfo::nothing_staked(now);
		};
		let pending = Self::pending_of(&ledger, RewardPerBoostedStake::<T>::get()).unwrap_or(0);
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
			pending_rewards: ledger.unclaimed.saturating_add(pending),
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
