//! Weights of `pallet_gym_validators`: NOT YET MEASURED. These are estimates
//! (storage reads and writes counted from the code, times taken from the
//! comparable `pallet_gym_emission` benchmarks) until
//! `scripts/bench.sh pallet_gym_validators` regenerates this file.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed by `pallet_gym_validators`.
pub trait WeightInfo {
	fn set_validator_share() -> Weight;
	fn set_era_terms() -> Weight;
	fn on_initialize_idle() -> Weight;
	fn on_initialize_mint() -> Weight;
}

/// Weights of `pallet_gym_validators` with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_validator_share() -> Weight {
		Weight::from_parts(7_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn set_era_terms() -> Weight {
		Weight::from_parts(7_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(2_000_000, 1_500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
	}
	fn on_initialize_mint() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn set_validator_share() -> Weight {
		Weight::from_parts(7_000_000, 0)
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn set_era_terms() -> Weight {
		Weight::from_parts(7_000_000, 0)
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(2_000_000, 1_500)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
	}
	fn on_initialize_mint() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(7_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
}
