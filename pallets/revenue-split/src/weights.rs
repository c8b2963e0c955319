//! Weights of `pallet_revenue_split`: PROVISIONAL, replaced by the output of
//! `scripts/bench.sh` (do not edit the generated file).

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed by `pallet_revenue_split`.
pub trait WeightInfo {
	fn pay_revenue() -> Weight;
	fn claim_miner_revenue() -> Weight;
	fn burn_for_access() -> Weight;
	fn set_split() -> Weight;
	fn set_access_price() -> Weight;
	fn on_initialize_idle() -> Weight;
	fn on_initialize_split() -> Weight;
}

/// Weights of `pallet_revenue_split` with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn pay_revenue() -> Weight {
		Weight::from_parts(100_000_000, 8_000).saturating_add(T::DbWeight::get().reads_writes(6, 6))
	}
	fn claim_miner_revenue() -> Weight {
		Weight::from_parts(100_000_000, 8_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn burn_for_access() -> Weight {
		Weight::from_parts(100_000_000, 8_000).saturating_add(T::DbWeight::get().reads_writes(6, 6))
	}
	fn set_split() -> Weight {
		Weight::from_parts(20_000_000, 1_000).saturating_add(T::DbWeight::get().writes(1))
	}
	fn set_access_price() -> Weight {
		Weight::from_parts(20_000_000, 1_000).saturating_add(T::DbWeight::get().writes(1))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(10_000_000, 1_000).saturating_add(T::DbWeight::get().reads(2))
	}
	fn on_initialize_split() -> Weight {
		Weight::from_parts(500_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads_writes(30, 30))
	}
}

/// Weights with ParityDB's database weights (tests).
impl WeightInfo for () {
	fn pay_revenue() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(ParityDbWeight::get().reads_writes(6, 6))
	}
	fn claim_miner_revenue() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn burn_for_access() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(ParityDbWeight::get().reads_writes(6, 6))
	}
	fn set_split() -> Weight {
		Weight::from_parts(20_000_000, 1_000).saturating_add(ParityDbWeight::get().writes(1))
	}
	fn set_access_price() -> Weight {
		Weight::from_parts(20_000_000, 1_000).saturating_add(ParityDbWeight::get().writes(1))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(10_000_000, 1_000).saturating_add(ParityDbWeight::get().reads(2))
	}
	fn on_initialize_split() -> Weight {
		Weight::from_parts(500_000_000, 20_000)
			.saturating_add(ParityDbWeight::get().reads_writes(30, 30))
	}
}
