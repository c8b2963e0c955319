//! Benchmarks of `pallet-gym-governance` (frame-benchmarking v2): a typed
//! proposal into a full queue (the per-account count reads every waiting
//! proposal), and setting the periods.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{traits::Currency, BoundedVec};
use frame_system::RawOrigin as SystemOrigin;
use gym_primitives::{staking::Tier, GYM};

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn propose() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		T::Stakes::fund_and_stake(&caller, Tier::Platinum.minimum());
		let deposit = <T as pallet_democracy::Config>::MinimumDeposit::get();
		let _ = <T as pallet_democracy::Config>::Currency::deposit_creating(
			&caller,
			deposit.saturating_add(1_000 * GYM),
		);
		// Every other slot of democracy's queue is taken by someone else.
		let (kind, call) = T::Proposals::allowed_call();
		let bounded = Bounded::Inline(
			BoundedInline::try_from(call.encode()).map_err(|_| BenchmarkError::Weightless)?,
		);
		let others: Vec<_> = (1..<T as pallet_democracy::Config>::MaxProposals::get())
			.map(|i| (i, bounded.clone(), account::<T::AccountId>("other", i, 0)))
			.collect();
		let after = others.len().saturating_add(1);
		let next = u32::try_from(after).map_err(|_| BenchmarkError::Weightless)?;
		pallet_democracy::PublicProps::<T>::put(BoundedVec::truncate_from(others));
		pallet_democracy::PublicPropCount::<T>::put(next);

		#[extrinsic_call]
		_(SystemOrigin::Signed(caller), kind, Box::new(call), deposit);

		assert_eq!(pallet_democracy::PublicProps::<T>::decode_len(), Some(after));
		Ok(())
	}

	#[benchmark]
	fn set_periods() {
		let periods = GovernancePeriods { launch: 7, ..GovernancePeriods::SEED };

		#[extrinsic_call]
		_(SystemOrigin::Root, periods);

		assert_eq!(Periods::<T>::get(), periods);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
