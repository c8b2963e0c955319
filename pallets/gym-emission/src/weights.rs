//! Weights of `pallet-gym-emission`.
//!
//! NOT YET GENERATED: these are conservative placeholder figures (one storage
//! read and one write plus a fixed compute allowance) until the benchmarks in
//! `benchmarking.rs` are run with `gym-node benchmark pallet` and this file is
//! replaced by the generated one.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by `pallet-gym-emission`.
pub trait WeightInfo {
	fn set_schedule() -> Weight;
	fn mint_reward() -> Weight;
	fn burn_from() -> Weight;
}

/// Weights for `pallet-gym-emission` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_schedule() -> Weight {
		Weight::from_parts(20_000_000, 1_500).saturating_add(T::DbWeight::get().writes(1))
	}
	fn mint_reward() -> Weight {
		Weight::from_parts(50_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(5, 4))
	}
	fn burn_from() -> Weight {
		Weight::from_parts(40_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
}

// For tests.
impl WeightInfo for () {
	fn set_schedule() -> Weight {
		Weight::from_parts(20_000_000, 1_500).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn mint_reward() -> Weight {
		Weight::from_parts(50_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(5, 4))
	}
	fn burn_from() -> Weight {
		Weight::from_parts(40_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
}
