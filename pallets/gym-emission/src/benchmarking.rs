//! Benchmarks of `pallet-gym-emission` (frame-benchmarking v2).

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_schedule() {
		let mut schedule = EmissionSchedule::gym();
		schedule.tail_per_month = schedule.tail_per_month / 2;

		#[extrinsic_call]
		_(RawOrigin::Root, schedule);

		assert_eq!(Schedule::<T>::get(), schedule);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder::default().build(), crate::mock::Test);
}
