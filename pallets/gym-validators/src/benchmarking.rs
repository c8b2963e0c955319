//! Benchmarks of `pallet-gym-validators` (frame-benchmarking v2): its two
//! governance calls and the epoch hook, idle and minting.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_validator_share() {
		let share = Perbill::from_percent(7);

		#[extrinsic_call]
		_(RawOrigin::Root, share);

		assert_eq!(ValidatorShare::<T>::get(), share);
	}

	#[benchmark]
	fn set_era_terms() {
		let terms =
			EraTerms { sessions_per_era: 3, bonding_duration: 20, slash_defer_duration: 10 };

		#[extrinsic_call]
		_(RawOrigin::Root, terms);

		assert_eq!(Terms::<T>::get(), terms);
	}

	/// A block inside an epoch: nothing to mint.
	#[benchmark]
	fn on_initialize_idle() {
		let n = T::Emission::epoch_end(0);
		frame_system::Pallet::<T>::set_block_number(n.into());

		#[block]
		{
			Pallet::<T>::on_block(n);
		}

		assert_eq!(Unallocated::<T>::get(), 0);
	}

	/// Worst case: the first block of an epoch, into an empty pot.
	#[benchmark]
	fn on_initialize_mint() {
		let n = T::Emission::epoch_end(0).saturating_add(1);
		frame_system::Pallet::<T>::set_block_number(n.into());

		#[block]
		{
			Pallet::<T>::on_block(n);
		}

		assert!(Unallocated::<T>::get() > 0);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
