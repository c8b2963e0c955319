//! Runtime API of `pallet-gym-products`: what a wallet, an inference
//! provider or an explorer asks of the model registry, access to premium
//! models, payment channels, subscriptions and the Zoo.

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
use gym_primitives::{Balance, BlockNumber, ModelId};

pub use pallet_gym_products::{Channel, ModelEntry, MAX_MODELS_PER_QUERY};

sp_api::decl_runtime_apis! {
	/// Queries of GYM's revenue products.
	pub trait GymProductsApi<AccountId: Codec> {
		/// The registered model `id`.
		fn model(id: ModelId) -> Option<ModelEntry<AccountId>>;
		/// Up to `count` registered models (at most
		/// [`MAX_MODELS_PER_QUERY`]) from id `from` on, in id order.
		fn models(from: ModelId, count: u32) -> Vec<(ModelId, ModelEntry<AccountId>)>;
		/// `customer`'s open payment channel with `provider`.
		fn channel(customer: AccountId, provider: AccountId) -> Option<Channel>;
		/// Whether `who` may call `model` now.
		fn has_access(who: AccountId, model: ModelId) -> bool;
		/// Until when `who` may call `model` (`u32::MAX`: for good); `None`
		/// without access.
		fn access_expiry(who: AccountId, model: ModelId) -> Option<BlockNumber>;
		/// The block `who`'s live subscription ends at.
		fn subscription(who: AccountId) -> Option<BlockNumber>;
		/// What a Zoo mint costs `who` now, its tier discount applied (0:
		/// closed).
		fn zoo_price(who: AccountId) -> Balance;
		/// The chain's genesis hash, as receipts sign it.
		fn genesis_hash() -> [u8; 32];
		/// The bytes `customer` signs for a receipt of `cumulative` on its
		/// open channel with `provider`; `None` without one.
		fn receipt_payload(customer: AccountId, provider: AccountId, cumulative: Balance) -> Option<Vec<u8>>;
	}
}
