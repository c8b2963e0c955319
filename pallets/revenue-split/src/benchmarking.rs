//! Benchmarks of `pallet-revenue-split` (frame-benchmarking v2).
//!
//! Each call and hook is measured in its worst case: payments that endow the
//! pot account, a claim that credits a closed period and removes its pool,
//! an access burn that extends a grant, and a period split that pays every
//! class, creates a miner pool and prunes the history.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use gym_primitives::GYM;

/// Plenty of GYM for one benchmark account.
const FUNDS: Balance = 1_000_000 * GYM;

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	T::Currency::set_balance(&who, FUNDS);
	who
}

/// Pays 1,000 GYM of revenue into the pot.
fn pay_in<T: Config>() -> Result<(), BenchmarkError> {
	let payer = funded::<T>("payer");
	Pallet::<T>::do_pay_revenue(&payer, RevenueSource::InferenceFees, 1_000 * GYM)?;
	Ok(())
}

/// The first block of the period after the open one.
fn next_period_start<T: Config>() -> BlockNumberFor<T> {
	let end = T::Emission::epoch_end(CurrentPeriod::<T>::get());
	BlockNumberFor::<T>::from(end.saturating_add(1))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The first payment: it endows the pot account.
	#[benchmark]
	fn pay_revenue() {
		let caller: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&caller, FUNDS);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), RevenueSource::FineTuning, 1_000 * GYM);

		assert!(Pot::<T>::get() >= (1_000 * GYM).saturating_sub(T::Currency::minimum_balance()));
	}

	/// A claim that credits the caller's share of a closed period, removes
	/// the period's pool (the caller is its last miner) and pays a new
	/// account.
	#[benchmark]
	fn claim_miner_revenue() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		pay_in::<T>()?;
		<Pallet<T> as MiningContribution<T::AccountId>>::note_contribution(&caller, 10);
		Pallet::<T>::on_block(next_period_start::<T>());
		assert!(MinerPools::<T>::get(0).is_some());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(MinerPools::<T>::get(0).is_none());
		assert_eq!(MinerFunds::<T>::get(), 0);
		Ok(())
	}

	/// Extends an existing grant.
	#[benchmark]
	fn burn_for_access() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&caller, FUNDS);
		Pallet::<T>::do_burn_for_access(&caller, 0, GYM)?;
		let before = AccessGrants::<T>::get(&caller, 0).ok_or(BenchmarkError::Stop("granted"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), 0, GYM);

		assert!(AccessGrants::<T>::get(&caller, 0) > Some(before));
		Ok(())
	}

	#[benchmark]
	fn set_split() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let split = Split {
			miners: sp_runtime::Perbill::from_percent(50),
			stakers: sp_runtime::Perbill::from_percent(10),
			..Split::gym()
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, split);

		assert_eq!(CurrentSplit::<T>::get(), split);
		Ok(())
	}

	#[benchmark]
	fn set_access_price() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 2 * GYM);

		assert_eq!(AccessPricePerDay::<T>::get(), 2 * GYM);
		Ok(())
	}

	/// A block inside the open period.
	#[benchmark]
	fn on_initialize_idle() -> Result<(), BenchmarkError> {
		pay_in::<T>()?;
		let n = BlockNumberFor::<T>::from(1u32);

		#[block]
		{
			Pallet::<T>::on_block(n);
		}

		assert_eq!(CurrentPeriod::<T>::get(), 0);
		Ok(())
	}

	/// The first block of a period: the period's fees are booked, every
	/// class is paid, a pool is created, the oldest history record is pruned.
	#[benchmark]
	fn on_initialize_split() -> Result<(), BenchmarkError> {
		let period = T::MaxHistory::get();
		CurrentPeriod::<T>::put(period);
		History::<T>::insert(0, PeriodRevenue::default());
		T::BenchmarkHelper::add_staker(&account("staker", 0, 0));
		pay_in::<T>()?;
		// The period's fees, in the pot account and not yet booked.
		T::Currency::mint_into(&Pallet::<T>::account_id(), GYM)?;
		<Pallet<T> as MiningContribution<T::AccountId>>::note_contribution(
			&account("miner", 0, 0),
			10,
		);
		let n = next_period_start::<T>();
		frame_system::Pallet::<T>::set_block_number(n);

		#[block]
		{
			Pallet::<T>::on_block(n);
		}

		let record = History::<T>::get(period).ok_or(BenchmarkError::Stop("recorded"))?;
		assert!(record.miners > 0 && record.stakers > 0 && record.burned > 0);
		assert_eq!(record.income.transaction_fees, GYM);
		assert!(record.liquidity_providers > 0 && record.development_fund > 0);
		assert!(History::<T>::get(0).is_none());
		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
