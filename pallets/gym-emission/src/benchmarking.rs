//! Benchmarks of `pallet-gym-emission` (frame-benchmarking v2): the call
//! `set_schedule`, and the two functions other pallets call through
//! [`RewardMinter`] and [`Pallet::burn_from`], so that those pallets can charge
//! their weight.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::{Inspect, Mutate};
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_schedule() {
		let mut schedule = EmissionSchedule::gym();
		schedule.tail_per_month /= 2;

		#[extrinsic_call]
		_(RawOrigin::Root, schedule);

		assert_eq!(Schedule::<T>::get(), schedule);
	}

	/// Worst case: a new account, an epoch that already minted.
	#[benchmark]
	fn mint_reward() -> Result<(), BenchmarkError> {
		let epoch = Pallet::<T>::current_epoch();
		let budget = Pallet::<T>::remaining_budget(epoch);
		let amount = budget / 4;
		let earlier: T::AccountId = account("earlier", 0, 0);
		Pallet::<T>::mint_reward(epoch, &earlier, amount)
			.map_err(|_| BenchmarkError::Stop("the epoch budget is below the ED"))?;
		let to: T::AccountId = account("miner", 0, 0);

		#[block]
		{
			Pallet::<T>::mint_reward(epoch, &to, amount)
				.map_err(|_| BenchmarkError::Stop("mint failed"))?;
		}

		assert_eq!(T::Currency::balance(&to), amount);
		Ok(())
	}

	/// Burns part of an account's balance and records it.
	#[benchmark]
	fn burn_from() -> Result<(), BenchmarkError> {
		let who: T::AccountId = account("burner", 0, 0);
		let ed = T::Currency::minimum_balance();
		let start = ed.saturating_mul(1_000);
		T::Currency::mint_into(&who, start).map_err(|_| BenchmarkError::Stop("mint failed"))?;
		// The mint above went around the pallet: count it so try_state holds.
		TotalMinted::<T>::mutate(|m| *m = m.saturating_add(start));
		GenesisIssuance::<T>::mutate(|g| *g = g.saturating_add(start));

		#[block]
		{
			Pallet::<T>::burn_from(&who, ed).map_err(|_| BenchmarkError::Stop("burn failed"))?;
		}

		assert_eq!(TotalBurned::<T>::get(), ed);
		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
