//! Weights of `pallet-tiered-staking`.
//!
//! NOT YET GENERATED: these are conservative placeholder figures (the storage
//! reads and writes each call makes, counted by hand, plus a fixed compute
//! and proof-size allowance) until `scripts/bench.sh` runs the benchmarks in
//! `benchmarking.rs` with `gym-node benchmark pallet` and regenerates this
//! file.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by `pallet-tiered-staking`.
pub trait WeightInfo {
	fn stake() -> Weight;
	fn unstake() -> Weight;
	fn claim_staker_rewards() -> Weight;
}

/// Weights for `pallet-tiered-staking` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `TieredStaking::Stakers` (r:1 w:1)
	/// Storage: `TieredStaking::RewardPerBoostedStake` (r:1 w:0)
	/// Storage: `TieredStaking::TotalStaked` (r:1 w:1)
	/// Storage: `TieredStaking::TotalBoostedStake` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Balances::Freezes` (r:1 w:1)
	/// Storage: `Balances::Locks` (r:1 w:0)
	fn stake() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage: `TieredStaking::Stakers` (r:1 w:1)
	/// Storage: `TieredStaking::RewardPerBoostedStake` (r:1 w:0)
	/// Storage: `TieredStaking::TotalStaked` (r:1 w:1)
	/// Storage: `TieredStaking::TotalBoostedStake` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `Balances::Freezes` (r:1 w:1)
	/// Storage: `Balances::Locks` (r:1 w:0)
	fn unstake() -> Weight {
		Weight::from_parts(90_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	/// Storage: `TieredStaking::Stakers` (r:1 w:1)
	/// Storage: `TieredStaking::RewardPerBoostedStake` (r:1 w:0)
	/// Storage: `TieredStaking::OutstandingRewards` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	fn claim_staker_rewards() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(4))
	}
}

// For tests.
impl WeightInfo for () {
	fn stake() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(7))
			.saturating_add(RocksDbWeight::get().writes(5))
	}
	fn unstake() -> Weight {
		Weight::from_parts(90_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(8))
			.saturating_add(RocksDbWeight::get().writes(6))
	}
	fn claim_staker_rewards() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().writes(4))
	}
}
