//! [`ChargeTransferTax`]: the transaction extension that charges the
//! progressive tax on transfer calls.

use crate::{impls::Charged, Config, Pallet, TaxedCalls, WeightInfo};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	dispatch::DispatchInfo, pallet_prelude::TransactionSource, traits::EstimateFee,
};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		AsSystemOriginSigner, DispatchInfoOf, Dispatchable, Implication, PostDispatchInfoOf,
		TransactionExtension, ValidateResult,
	},
	transaction_validity::{InvalidTransaction, TransactionValidityError, ValidTransaction},
	DispatchResult, Weight,
};

/// Charges a signed transfer call's progressive tax to the treasury before
/// it dispatches, records the GYM it moves in its sender's rolling window,
/// and undoes both if the transfer fails. A transfer whose sender cannot
/// pay the amount, its tax and the fee is invalid (never included, no fee).
///
/// Place it before `ChargeTransactionPayment`: its unused weight (the
/// refund path, the whole charge for a call it does not tax) then goes
/// back before the fee is settled, so the fee follows what was done.
/// Carries no data: wallets that do not know it sign it as an empty
/// extension.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct ChargeTransferTax<T>(PhantomData<T>);

impl<T> ChargeTransferTax<T> {
	/// The extension.
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> Default for ChargeTransferTax<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T> core::fmt::Debug for ChargeTransferTax<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "ChargeTransferTax")
	}
}

/// `InvalidTransaction::Custom` code of a call that would hand GYM's worth
/// to another account by a route the tax does not price
/// ([`TaxedCalls::refused`]).
pub const UNTAXED_ROUTE: u8 = 1;

/// What `prepare` leaves for `post_dispatch`.
pub enum Pre<AccountId> {
	/// A taxed transfer was charged.
	Charged(Charged<AccountId>),
	/// Nothing was charged: the extension's weight goes back.
	Untouched(Weight),
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for ChargeTransferTax<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo>,
	<T::RuntimeCall as Dispatchable>::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "ChargeTransferTax";
	type Implicit = ();
	type Val = ();
	type Pre = Pre<T::AccountId>;

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		if T::TaxedCalls::transfer(call).is_some() {
			T::WeightInfo::charge_transfer_tax()
				.saturating_add(T::WeightInfo::refund_transfer_tax())
				.saturating_add(T::TaxedCalls::extra_weight(call))
		} else {
			Weight::zero()
		}
	}

	fn validate(
		&self,
		origin: <T::RuntimeCall as Dispatchable>::RuntimeOrigin,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Implication,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		if let Some(who) = origin.as_system_origin_signer() {
			if T::TaxedCalls::refused(call, who) {
				return Err(InvalidTransaction::Custom(UNTAXED_ROUTE).into());
			}
			// The fee comes out too (in `ChargeTransactionPayment`'s
			// `prepare`): what is left must pay the transfer and its tax, or
			// a `prepare` would refuse it after the pool accepted it.
			let fee = T::Fees::estimate_fee(u32::try_from(len).unwrap_or(u32::MAX), info);
			if let Some(quote) = T::TaxedCalls::transfer(call)
				.and_then(|transfer| Pallet::<T>::quote_after_fee(who, &transfer, fee))
			{
				if !quote.affordable(0) {
					return Err(InvalidTransaction::Payment.into());
				}
			}
		}
		Ok((ValidTransaction::default(), (), origin))
	}

	fn prepare(
		self,
		_val: Self::Val,
		origin: &<T::RuntimeCall as Dispatchable>::RuntimeOrigin,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		let weight = self.weight(call);
		let (Some(who), Some(transfer)) =
			(origin.as_system_origin_signer(), T::TaxedCalls::transfer(call))
		else {
			return Ok(Pre::Untouched(weight));
		};
		let fee = T::Fees::estimate_fee(u32::try_from(len).unwrap_or(u32::MAX), info);
		match Pallet::<T>::charge(who, &transfer, fee) {
			Ok(Some(charged)) => Ok(Pre::Charged(charged)),
			Ok(None) => Ok(Pre::Untouched(weight)),
			Err(_) => Err(InvalidTransaction::Payment.into()),
		}
	}

	fn post_dispatch_details(
		pre: Self::Pre,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		match pre {
			Pre::Charged(charged) => {
				if result.is_err() {
					Pallet::<T>::refund(charged);
					Ok(Weight::zero())
				} else {
					// No refund: its weight goes back (before the fee is
					// settled: this extension comes first).
					Ok(T::WeightInfo::refund_transfer_tax())
				}
			}
			Pre::Untouched(weight) => Ok(weight),
		}
	}
}
