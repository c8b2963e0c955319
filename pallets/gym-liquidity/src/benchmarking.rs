//! Benchmarks of `pallet-gym-liquidity` (frame-benchmarking v2).
//!
//! Each call is measured on the single-stake farm (its freeze check reads
//! the holds too) with an accumulator to bring up to date and a position to
//! settle; the period hook on `n` liquidity-token farms (each reads its
//! pool: reserves and supply).

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, EnsureOrigin, Get, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use gym_primitives::{
	traits::{EpochClock, GymPools},
	Balance, GYM,
};
use sp_runtime::{traits::Zero, FixedU128, SaturatedConversion};

/// Plenty of GYM for one benchmark account.
const FUNDS: Balance = 1_000_000 * GYM;

/// The single-stake farm: the chain's own, or one the benchmark creates.
fn gym_farm<T: Config>() -> Result<FarmId, BenchmarkError> {
	if let Some((id, _)) = Farms::<T>::iter().find(|(_, f)| f.asset == FarmAsset::Gym) {
		return Ok(id);
	}
	Pallet::<T>::do_create_farm(None, TargetApr { apr: 10_000, launch: None })
		.map_err(|_| BenchmarkError::Stop("create the GYM farm"))
}

/// Moves to the first block of the next period, running the hook.
fn next_period<T: Config>() {
	let now: u32 = frame_system::Pallet::<T>::block_number().saturated_into();
	let next = T::Epochs::epoch_end(T::Epochs::epoch_of(now)).saturating_add(1);
	frame_system::Pallet::<T>::set_block_number(next.into());
	Pallet::<T>::on_initialize(next.into());
}

/// A funded pot, a staker with a position earning in `farm`.
fn earning<T: Config>(farm: FarmId, who: &T::AccountId) -> Result<(), BenchmarkError> {
	T::Currency::set_balance(&Pallet::<T>::pot_account(), FUNDS);
	T::Currency::set_balance(who, FUNDS);
	Pallet::<T>::do_stake(who, farm, 1_000 * GYM)?;
	next_period::<T>();
	next_period::<T>();
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Adds to an earning position: accrue, settle, freeze.
	#[benchmark]
	fn stake() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let farm = gym_farm::<T>()?;
		earning::<T>(farm, &caller)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), farm, GYM);

		assert_eq!(Stakes::<T>::get(farm, &caller).map(|s| s.amount), Some(1_001 * GYM));
		Ok(())
	}

	/// Takes part of an earning position out: accrue, settle, thaw.
	#[benchmark]
	fn unstake() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let farm = gym_farm::<T>()?;
		earning::<T>(farm, &caller)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), farm, GYM);

		assert_eq!(Stakes::<T>::get(farm, &caller).map(|s| s.amount), Some(999 * GYM));
		Ok(())
	}

	/// Pays what an earning position earned.
	#[benchmark]
	fn claim() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let farm = gym_farm::<T>()?;
		earning::<T>(farm, &caller)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), farm);

		assert!(Stakes::<T>::get(farm, &caller).is_some_and(|s| s.unclaimed.is_zero()));
		Ok(())
	}

	/// Creates the last farm `MaxFarms` allows, scanning every other one for
	/// a duplicate.
	#[benchmark]
	fn create_farm() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let template = Farms::<T>::iter_values().next().ok_or(BenchmarkError::Stop("a farm"))?;
		let _ = Farms::<T>::clear(u32::MAX, None);
		let last = T::MaxFarms::get().saturating_sub(1);
		for id in 0..last {
			let mut farm = template.clone();
			farm.asset = FarmAsset::Lp {
				pair: u32::MAX.saturating_sub(id),
				token: u32::MAX.saturating_sub(id),
			};
			Farms::<T>::insert(id, farm);
		}
		NextFarmId::<T>::put(last);
		let target = TargetApr { apr: 10_000, launch: Some((20_000, 1_000)) };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, None, target);

		assert_eq!(NextFarmId::<T>::get(), T::MaxFarms::get());
		Ok(())
	}

	#[benchmark]
	fn set_target() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let farm = gym_farm::<T>()?;
		let target = TargetApr { apr: 20_000, launch: None };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, farm, target);

		assert_eq!(Farms::<T>::get(farm).map(|f| f.target), Some(target));
		Ok(())
	}

	/// A period begins with `n` liquidity-token farms, each with stake.
	#[benchmark]
	fn new_period(n: Linear<1, { T::MaxFarms::get() }>) -> Result<(), BenchmarkError> {
		let template = Farms::<T>::iter()
			.find(
				|(_, f)| matches!(f.asset, FarmAsset::Lp { pair, .. } if T::Pools::pool(pair).is_some()),
			)
			.map(|(_, f)| f)
			.ok_or(BenchmarkError::Stop("a farm of a pool"))?;
		let _ = Farms::<T>::clear(u32::MAX, None);
		for id in 0..n {
			let mut farm = template.clone();
			farm.total_staked = 1_000 * GYM;
			farm.stake_blocks = 1_000 * GYM;
			farm.per_share = FixedU128::from_u32(1);
			Farms::<T>::insert(id, farm);
		}
		NextFarmId::<T>::put(n);
		T::Currency::set_balance(&Pallet::<T>::pot_account(), FUNDS);
		let period = T::Epochs::current_epoch().saturating_add(1);
		let start = T::Epochs::epoch_start(period);
		frame_system::Pallet::<T>::set_block_number(BlockNumberFor::<T>::from(start));

		#[block]
		{
			Pallet::<T>::new_period(period);
		}

		assert!(Farms::<T>::iter_values().all(|f| f.rate > 0));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
