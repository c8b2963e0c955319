//! # GYM products
//!
//! The pure rules of the seed's revenue products, which `pallet-gym-products`
//! runs on chain and the node (the inference provider, its customers' tools)
//! runs off chain: the fees, the Zoo collection's tier discounts and the
//! exact bytes a customer signs to pay for inference.
//!
//! | product | fee | paid into revenue as |
//! |---|---|---|
//! | a model or a licence sold in the marketplace | [`MARKETPLACE_FEE`] (5%) of the price | `MarketplaceFees` |
//! | inference receipts settled by a provider | [`INFERENCE_FEE`] (20%) of the settled amount | `InferenceFees` |
//! | a Zoo collection mint | the whole (discounted) mint price | `MarketplaceFees` |
//! | a priority-access subscription | the whole price | `Subscriptions` |
//!
//! A fee is rounded down and the rest goes to the seller or provider
//! ([`fee_split`]): `fee + rest` is the price to the planck.
//!
//! ## Inference receipts
//!
//! A customer pays a provider with *cumulative* receipts: receipt `k` says
//! "I owe this provider `cumulative` planck in total on this channel". Only
//! the newest one matters, so the chain keeps one number per channel and a
//! receipt at or below it is refused (never settled twice). The signed bytes
//! ([`ReceiptPayload::signing_bytes`]) name the chain (its genesis hash), the
//! provider, the customer and the channel's nonce, so a receipt cannot be
//! replayed on another chain, against another provider, or after the channel
//! was closed and opened again.

use crate::{staking::Tier, Balance, ModelId};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;

/// The marketplace's fee on a sale of a model or a licence: 5%.
pub const MARKETPLACE_FEE: Perbill = Perbill::from_percent(5);

/// Revenue's part of settled inference payments: 20%.
pub const INFERENCE_FEE: Perbill = Perbill::from_percent(20);

/// The first id of a trained model in the registry. Ids below it are model
/// architectures (what a training job trains, `gym_trainer::MODEL_IDS`), and
/// access grants bought for them before the registry existed keep their ids.
pub const FIRST_TRAINED_MODEL_ID: ModelId = 65_536;

/// The domain tag at the start of every signed inference receipt.
pub const RECEIPT_DOMAIN: [u8; 8] = *b"gym/rcpt";

/// What the polkadot.js extension's `signRaw` wraps a message in before it
/// signs it; a receipt signed that way is accepted too.
pub const WRAP_PREFIX: &[u8] = b"<Bytes>";
/// The end of the polkadot.js wrapping ([`WRAP_PREFIX`]).
pub const WRAP_POSTFIX: &[u8] = b"</Bytes>";

/// Splits `amount` into `(fee, rest)`: the fee is `fee` of it rounded down,
/// the rest is everything else, so `fee + rest == amount` always.
pub fn fee_split(amount: Balance, fee: Perbill) -> (Balance, Balance) {
	let cut = fee.mul_floor(amount);
	(cut, amount.saturating_sub(cut))
}

/// `base` less `discount` of it (the discount rounded down, so the price is
/// never below what the discount says).
pub fn discounted_price(base: Balance, discount: Perbill) -> Balance {
	base.saturating_sub(discount.mul_floor(base))
}

/// The Zoo collection's mint discount of each staking tier, set by
/// governance. Higher tiers never get less than lower ones
/// ([`TierDiscounts::is_valid`]).
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TierDiscounts {
	/// Bronze's discount (default 5%).
	pub bronze: Perbill,
	/// Silver's discount (default 10%).
	pub silver: Perbill,
	/// Gold's discount (default 15%).
	pub gold: Perbill,
	/// Platinum's discount (default 20%).
	pub platinum: Perbill,
	/// Diamond's discount (default 30%).
	pub diamond: Perbill,
}

impl Default for TierDiscounts {
	/// The default: Bronze 5%, Silver 10%, Gold 15%, Platinum 20%,
	/// Diamond 30%.
	fn default() -> Self {
		TierDiscounts {
			bronze: Perbill::from_percent(5),
			silver: Perbill::from_percent(10),
			gold: Perbill::from_percent(15),
			platinum: Perbill::from_percent(20),
			diamond: Perbill::from_percent(30),
		}
	}
}

impl TierDiscounts {
	/// The discount of `tier`; nothing without a tier.
	pub fn of(&self, tier: Option<Tier>) -> Perbill {
		match tier {
			None => Perbill::zero(),
			Some(Tier::Bronze) => self.bronze,
			Some(Tier::Silver) => self.silver,
			Some(Tier::Gold) => self.gold,
			Some(Tier::Platinum) => self.platinum,
			Some(Tier::Diamond) => self.diamond,
		}
	}

	/// Whether each tier's discount is at least the one below it.
	pub fn is_valid(&self) -> bool {
		self.bronze <= self.silver
			&& self.silver <= self.gold
			&& self.gold <= self.platinum
			&& self.platinum <= self.diamond
	}
}

/// What a customer signs to pay a provider for inference: "on `chain`, I,
/// `customer`, owe `provider` `cumulative` planck in total on our channel
/// number `nonce`". See the module docs.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ReceiptPayload<AccountId> {
	/// The chain's genesis hash.
	pub genesis_hash: [u8; 32],
	/// Who is paid.
	pub provider: AccountId,
	/// Who pays (and signs).
	pub customer: AccountId,
	/// The channel's nonce: it changes each time a channel is closed.
	pub nonce: u32,
	/// Everything owed on the channel so far, in planck.
	pub cumulative: Balance,
}

impl<AccountId: Encode> ReceiptPayload<AccountId> {
	/// The bytes the customer signs: SCALE of ([`RECEIPT_DOMAIN`], the
	/// payload). 124 bytes for 32-byte account ids.
	pub fn signing_bytes(&self) -> Vec<u8> {
		(RECEIPT_DOMAIN, self).encode()
	}

	/// [`Self::signing_bytes`] as the polkadot.js extension's `signRaw`
	/// signs them: between [`WRAP_PREFIX`] and [`WRAP_POSTFIX`].
	pub fn wrapped_signing_bytes(&self) -> Vec<u8> {
		let bytes = self.signing_bytes();
		let mut wrapped = Vec::with_capacity(
			bytes.len().saturating_add(WRAP_PREFIX.len()).saturating_add(WRAP_POSTFIX.len()),
		);
		wrapped.extend_from_slice(WRAP_PREFIX);
		wrapped.extend_from_slice(&bytes);
		wrapped.extend_from_slice(WRAP_POSTFIX);
		wrapped
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::GYM;
	use proptest::prelude::*;

	#[test]
	fn the_marketplace_fee_is_five_percent_rounded_down() {
		// 1,000 GYM + 19 planck: 5% of 19 planck is 0.95, rounded down.
		let (fee, rest) = fee_split(1_000 * GYM + 19, MARKETPLACE_FEE);
		assert_eq!(fee, 50 * GYM);
		assert_eq!(rest, 950 * GYM + 19);
		assert_eq!(fee_split(10, INFERENCE_FEE), (2, 8));
		assert_eq!(fee_split(4, INFERENCE_FEE), (0, 4));
	}

	#[test]
	fn every_tier_has_its_default_discount() {
		let d = TierDiscounts::default();
		assert!(d.is_valid());
		let base = 1_000 * GYM + 7;
		let prices: Vec<Balance> = [None]
			.into_iter()
			.chain(Tier::ALL.into_iter().map(Some))
			.map(|t| discounted_price(base, d.of(t)))
			.collect();
		// 5% of 7 planck is 0.35, 10% 0.7, 15% 1.05, 20% 1.4, 30% 2.1:
		// the discount rounds down, the price keeps the rest.
		assert_eq!(
			prices,
			vec![base, 950 * GYM + 7, 900 * GYM + 7, 850 * GYM + 6, 800 * GYM + 6, 700 * GYM + 5]
		);
	}

	#[test]
	fn discounts_must_not_fall_with_the_tier() {
		let d = TierDiscounts { gold: Perbill::from_percent(25), ..Default::default() };
		assert!(!d.is_valid());
		let flat = TierDiscounts {
			bronze: Perbill::zero(),
			silver: Perbill::zero(),
			gold: Perbill::zero(),
			platinum: Perbill::zero(),
			diamond: Perbill::zero(),
		};
		assert!(flat.is_valid());
	}

	#[test]
	fn a_receipt_signs_124_bytes_that_name_every_field() {
		let p = ReceiptPayload {
			genesis_hash: [7; 32],
			provider: [1u8; 32],
			customer: [2u8; 32],
			nonce: 3,
			cumulative: 5 * GYM,
		};
		let bytes = p.signing_bytes();
		assert_eq!(bytes.len(), 124);
		assert_eq!(&bytes[..8], b"gym/rcpt");
		assert_eq!(&bytes[8..40], &[7; 32]);
		assert_eq!(&bytes[40..72], &[1; 32]);
		assert_eq!(&bytes[72..104], &[2; 32]);
		assert_eq!(&bytes[104..108], &3u32.to_le_bytes());
		assert_eq!(&bytes[108..], &(5 * GYM).to_le_bytes());
		let wrapped = p.wrapped_signing_bytes();
		assert_eq!(&wrapped[..7], b"<Bytes>");
		assert_eq!(&wrapped[7..131], &bytes[..]);
		assert_eq!(&wrapped[131..], b"</Bytes>");
	}

	proptest! {
		#[test]
		fn fee_plus_rest_is_the_amount(amount in any::<u128>(), parts in 0u32..=1_000_000_000) {
			let (fee, rest) = fee_split(amount, Perbill::from_parts(parts));
			prop_assert_eq!(fee.checked_add(rest), Some(amount));
			prop_assert!(fee <= amount);
		}

		#[test]
		fn a_discounted_price_never_exceeds_the_base(base in any::<u128>(), parts in 0u32..=1_000_000_000) {
			prop_assert!(discounted_price(base, Perbill::from_parts(parts)) <= base);
		}
	}
}
