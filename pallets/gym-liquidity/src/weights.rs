
//! Weights of `pallet_gym_liquidity`. PROVISIONAL: counted database
//! operations with a 50 µs base per call, not yet measured; regenerate with
//! `scripts/bench.sh pallet_gym_liquidity`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed by `pallet_gym_liquidity`.
pub trait WeightInfo {
	fn stake() -> Weight;
	fn unstake() -> Weight;
	fn claim() -> Weight;
	fn create_farm() -> Weight;
	fn set_target() -> Weight;
	fn new_period(n: u32, ) -> Weight;
}

/// Weights of `pallet_gym_liquidity` with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn stake() -> Weight {
		Weight::from_parts(50_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn unstake() -> Weight {
		Weight::from_parts(50_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn claim() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn create_farm() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn set_target() -> Weight {
		Weight::from_parts(20_000_000, 3_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn new_period(n: u32, ) -> Weight {
		Weight::from_parts(20_000_000, 3_000)
			.saturating_add(Weight::from_parts(30_000_000, 8_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((5_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
}

/// For tests: no database weights.
impl WeightInfo for () {
	fn stake() -> Weight { Weight::from_parts(50_000_000, 12_000) }
	fn unstake() -> Weight { Weight::from_parts(50_000_000, 12_000) }
	fn claim() -> Weight { Weight::from_parts(50_000_000, 8_000) }
	fn create_farm() -> Weight { Weight::from_parts(50_000_000, 8_000) }
	fn set_target() -> Weight { Weight::from_parts(20_000_000, 3_000) }
	fn new_period(n: u32, ) -> Weight {
		Weight::from_parts(20_000_000, 3_000)
			.saturating_add(Weight::from_parts(30_000_000, 8_000).saturating_mul(n.into()))
	}
}
