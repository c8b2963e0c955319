//! Weights of `pallet_gym_products`.
//!
//! PLACEHOLDER until `scripts/bench.sh pallet_gym_products` generates this
//! file: hand-set, conservative values (several times what comparable
//! measured calls of this workspace take, a proof size per account or
//! entry touched) so that blocks are never overfilled before the real
//! numbers land. The benchmarks in `benchmarking.rs` are what will replace
//! them; do not tune these by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed by `pallet_gym_products`.
pub trait WeightInfo {
	fn set_premium() -> Weight;
	fn list_model() -> Weight;
	fn delist_model() -> Weight;
	fn buy_model() -> Weight;
	fn list_licence() -> Weight;
	fn delist_licence() -> Weight;
	fn buy_licence() -> Weight;
	fn register_provider() -> Weight;
	fn deposit() -> Weight;
	fn request_withdrawal() -> Weight;
	fn withdraw() -> Weight;
	fn settle_receipts(n: u32, ) -> Weight;
	fn subscribe() -> Weight;
	fn set_subscription_price() -> Weight;
	fn mint_zoo() -> Weight;
	fn transfer_zoo() -> Weight;
	fn set_zoo_price() -> Weight;
	fn set_zoo_discounts() -> Weight;
}

/// Weights of `pallet_gym_products` with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_premium() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn list_model() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn delist_model() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn buy_model() -> Weight {
		Weight::from_parts(250_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn list_licence() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn delist_licence() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn buy_licence() -> Weight {
		Weight::from_parts(250_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn register_provider() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn deposit() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn request_withdrawal() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn withdraw() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn settle_receipts(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(300_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn subscribe() -> Weight {
		Weight::from_parts(200_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn set_subscription_price() -> Weight {
		Weight::from_parts(40_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn mint_zoo() -> Weight {
		Weight::from_parts(200_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn transfer_zoo() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn set_zoo_price() -> Weight {
		Weight::from_parts(40_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn set_zoo_discounts() -> Weight {
		Weight::from_parts(40_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn set_premium() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn list_model() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn delist_model() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn buy_model() -> Weight {
		Weight::from_parts(250_000_000, 12_000)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn list_licence() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn delist_licence() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn buy_licence() -> Weight {
		Weight::from_parts(250_000_000, 12_000)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn register_provider() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn deposit() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn request_withdrawal() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn withdraw() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn settle_receipts(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(300_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
			.saturating_add(ParityDbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn subscribe() -> Weight {
		Weight::from_parts(200_000_000, 8_000)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn set_subscription_price() -> Weight {
		Weight::from_parts(40_000_000, 0)
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn mint_zoo() -> Weight {
		Weight::from_parts(200_000_000, 8_000)
			.saturating_add(ParityDbWeight::get().reads(7_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn transfer_zoo() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn set_zoo_price() -> Weight {
		Weight::from_parts(40_000_000, 0)
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn set_zoo_discounts() -> Weight {
		Weight::from_parts(40_000_000, 0)
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
}
