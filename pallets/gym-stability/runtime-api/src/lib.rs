//! Runtime API of `pallet-gym-stability`: what a GPU owner, a wallet or an
//! explorer asks of the chain's prices and risk controls.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
// `decl_runtime_apis!` states the `Block` bound of its traits twice.
#![allow(clippy::multiple_bound_locations)]
// Runtime code never panics and never wraps: see `[workspace.lints]`.
#![cfg_attr(
	not(test),
	deny(
		clippy::arithmetic_side_effects,
		clippy::cast_possible_truncation,
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing
	)
)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
use gym_primitives::{
	mining::GpuClass,
	prices::{MinerEconomics, PriceKey, UsdPrice},
	Balance,
};

pub use pallet_gym_stability::{BuybackConfig, BuybackRecord, FineTuningPricing};

sp_api::decl_runtime_apis! {
	/// Queries of GYM's prices and risk controls.
	pub trait GymStabilityApi<AccountId: Codec> {
		/// What a verified GPU of `class` drawing `watts` earns and costs per
		/// epoch at today's difficulty and prices.
		fn miner_economics(class: GpuClass, watts: u32) -> MinerEconomics;
		/// Every price the chain reads and its fresh value, if any.
		fn prices() -> Vec<(PriceKey, Option<UsdPrice>)>;
		/// The tax `who` would pay now on moving `amount` more GYM, and the
		/// GYM it moved in its current window.
		fn transfer_tax(who: AccountId, amount: Balance) -> (Balance, Balance);
		/// The fine-tuning price now in planck, and the dollar price it fell
		/// back from if the GYM price is stale.
		fn fine_tuning_price() -> (Balance, Option<UsdPrice>);
		/// The last buybacks, oldest first, and the buyback's settings.
		fn buybacks() -> (Vec<BuybackRecord>, BuybackConfig);
	}
}
