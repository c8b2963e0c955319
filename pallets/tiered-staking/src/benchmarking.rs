//! Benchmarks of `pallet-tiered-staking` (frame-benchmarking v2).
//!
//! Every call is measured in its worst case: a ledger with the most deposits
//! it can hold, revenue pending to settle, a tier change, and for
//! [`Pallet::unstake`] an early-unstake penalty paid from every deposit.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use gym_primitives::{staking, traits::EpochClock, GYM};

/// Plenty of GYM for one benchmark account.
const FUNDS: Balance = 10_000_000 * GYM;

/// Funds `who` with [`FUNDS`].
fn fund<T: Config>(who: &T::AccountId) {
	T::Currency::set_balance(who, FUNDS);
}

/// Moves to block `n`.
fn set_block<T: Config>(n: u32) {
	frame_system::Pallet::<T>::set_block_number(BlockNumberFor::<T>::from(n));
}

/// Gives `who` `deposits` deposits of 1,000 GYM each, one per block from
/// block 1, and leaves the chain at the block after the last one.
fn stake_deposits<T: Config>(who: &T::AccountId, deposits: u32) -> Result<(), BenchmarkError> {
	for block in 1..=deposits {
		set_block::<T>(block);
		Pallet::<T>::do_stake(who, 1_000 * GYM)?;
	}
	set_block::<T>(deposits.saturating_add(1));
	Ok(())
}

/// Gives `who` `chunks` unbonding chunks of 1 GYM, one per block (so each
/// is released a block after the one before), and moves to the next block.
fn unbond_chunks<T: Config>(who: &T::AccountId, chunks: u32) -> Result<(), BenchmarkError> {
	let start = frame_system::Pallet::<T>::block_number();
	let mut block: u32 = start.try_into().map_err(|_| BenchmarkError::Stop("block"))?;
	for _ in 0..chunks {
		Pallet::<T>::do_unstake(who, GYM)?;
		block = block.saturating_add(1);
		set_block::<T>(block);
	}
	Ok(())
}

/// The most other stakers the benchmarks put beside the caller.
pub const MAX_OTHER_STAKERS: u32 = crate::WEIGHT_STAKERS;

/// `n` other accounts staking 1,000 GYM each. Every benchmark takes this as
/// its component `n`: the cost of a call must not grow with the number of
/// stakers (the pallet never iterates over them), and the generated weights
/// show the slope in `n`.
fn other_stakers<T: Config>(n: u32) -> Result<(), BenchmarkError> {
	for i in 0..n {
		let who: T::AccountId = account("staker", i, 0);
		T::Currency::set_balance(&who, 2_000 * GYM);
		Pallet::<T>::do_stake(&who, 1_000 * GYM)?;
	}
	Ok(())
}

/// Moves to the first block of the epoch `epochs` after the current one.
fn epochs_on<T: Config>(epochs: u32) {
	let epoch = T::Clock::current_epoch().saturating_add(epochs);
	set_block::<T>(T::Clock::epoch_start(epoch));
}

/// Pays staker revenue in so that every staker has something pending, once
/// every stake so far counts (two epochs on), and leaves the stake of two
/// more stakers waiting in two epochs that are due to be counted in by the
/// next call (the most [`Pallet::roll_due`] does).
fn distribute<T: Config>() -> Result<(), BenchmarkError> {
	epochs_on::<T>(2);
	let payer: T::AccountId = account("payer", 0, 0);
	fund::<T>(&payer);
	Pallet::<T>::do_distribute(&payer, 1_000 * GYM)?;
	for i in 0..2 {
		let late: T::AccountId = account("late", i, 0);
		T::Currency::set_balance(&late, 2_000 * GYM);
		Pallet::<T>::do_stake(&late, 1_000 * GYM)?;
		epochs_on::<T>(1);
	}
	epochs_on::<T>(1);
	assert_eq!(Unrolled::<T>::get().len(), 2);
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A new deposit into a ledger one short of full, settling pending
	/// revenue and crossing into the Diamond tier.
	#[benchmark]
	fn stake(n: Linear<0, MAX_OTHER_STAKERS>) -> Result<(), BenchmarkError> {
		other_stakers::<T>(n)?;
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		stake_deposits::<T>(&caller, T::MaxDeposits::get().saturating_sub(1))?;
		distribute::<T>()?;
		let amount = Tier::Diamond.minimum();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), amount);

		let ledger = Stakers::<T>::get(&caller).ok_or(BenchmarkError::Stop("no ledger"))?;
		assert_eq!(u32::try_from(ledger.deposits.len()).ok(), Some(T::MaxDeposits::get()));
		assert_eq!(<Pallet<T> as StakeTiers<T::AccountId>>::tier_of(&caller), Some(Tier::Diamond));
		Ok(())
	}

	/// Unstaking from a full ledger, every deposit early, with the unbonding
	/// chunks one short of full: the loop visits every deposit, the penalty
	/// is paid, revenue is settled, the tier drops and a chunk is added.
	#[benchmark]
	fn unstake(n: Linear<0, MAX_OTHER_STAKERS>) -> Result<(), BenchmarkError> {
		other_stakers::<T>(n)?;
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		fund::<T>(&T::SlashDestination::get());
		let deposits = T::MaxDeposits::get();
		stake_deposits::<T>(&caller, deposits)?;
		unbond_chunks::<T>(&caller, T::MaxUnbonding::get().saturating_sub(1))?;
		distribute::<T>()?;
		// Everything but half of the newest deposit.
		let amount = Pallet::<T>::stake_of(&caller).saturating_sub(500 * GYM);
		let before = T::Currency::balance(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), amount);

		assert_eq!(Pallet::<T>::stake_of(&caller), 500 * GYM);
		let ledger = Stakers::<T>::get(&caller).ok_or(BenchmarkError::Stop("no ledger"))?;
		assert_eq!(u32::try_from(ledger.unbonding.len()).ok(), Some(T::MaxUnbonding::get()));
		let penalty = staking::early_unstake_penalty(amount);
		assert!(penalty > 0);
		assert_eq!(T::Currency::balance(&caller), before.saturating_sub(penalty));
		Ok(())
	}

	/// Releasing a full vec of unbonding chunks, all due, from a ledger with
	/// stake left.
	#[benchmark]
	fn withdraw_unbonded() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		stake_deposits::<T>(&caller, T::MaxDeposits::get())?;
		let chunks = T::MaxUnbonding::get();
		unbond_chunks::<T>(&caller, chunks)?;
		let late = UnbondingPeriod::<T>::get().saturating_add(chunks).saturating_add(1_000);
		set_block::<T>(late);
		let frozen_before = Stakers::<T>::get(&caller).map(|l| l.frozen()).unwrap_or(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		let ledger = Stakers::<T>::get(&caller).ok_or(BenchmarkError::Stop("no ledger"))?;
		assert!(ledger.unbonding.is_empty());
		assert!(ledger.frozen() < frozen_before);
		Ok(())
	}

	/// Rebonding every chunk of a full vec into a full ledger of deposits,
	/// settling revenue on the way.
	#[benchmark]
	fn rebond(n: Linear<0, MAX_OTHER_STAKERS>) -> Result<(), BenchmarkError> {
		other_stakers::<T>(n)?;
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		stake_deposits::<T>(&caller, T::MaxDeposits::get())?;
		unbond_chunks::<T>(&caller, T::MaxUnbonding::get())?;
		distribute::<T>()?;
		let ledger = Stakers::<T>::get(&caller).ok_or(BenchmarkError::Stop("no ledger"))?;
		assert_eq!(u32::try_from(ledger.unbonding.len()).ok(), Some(T::MaxUnbonding::get()));
		let unbonding = ledger.unbonding_total();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), unbonding);

		let after = Stakers::<T>::get(&caller).ok_or(BenchmarkError::Stop("no ledger"))?;
		assert!(after.unbonding.is_empty());
		assert_eq!(after.stake, ledger.stake.saturating_add(unbonding));
		Ok(())
	}

	/// Governance sets the unbonding period.
	#[benchmark]
	fn set_unbonding_period() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let period =
			T::MinUnbondingPeriod::get().max(T::GovernanceHorizon::get()).saturating_add(1);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, period);

		assert_eq!(UnbondingPeriod::<T>::get(), period);
		Ok(())
	}

	/// Claiming settled and pending revenue; the ledger stays.
	#[benchmark]
	fn claim_staker_rewards(n: Linear<0, MAX_OTHER_STAKERS>) -> Result<(), BenchmarkError> {
		other_stakers::<T>(n)?;
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		stake_deposits::<T>(&caller, T::MaxDeposits::get())?;
		distribute::<T>()?;
		let owed = Pallet::<T>::claimable_rewards(&caller);
		assert!(owed > 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_eq!(Pallet::<T>::claimable_rewards(&caller), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
