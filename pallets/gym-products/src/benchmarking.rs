//! Benchmarks of `pallet-gym-products` (frame-benchmarking v2).
//!
//! Each call in its most expensive path: a title sold with both listings
//! present, a licence extended from a live one, a channel opened on a pair
//! that had one before, a full settlement of `n` distinct customers whose
//! receipts are signed the polkadot.js way (two signature checks each), a
//! subscription extended by the most periods, a Zoo mint with a tier
//! discount.

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use gym_primitives::{
	products::ReceiptPayload,
	staking::Tier,
	traits::{ModelRegistrar, StakeTiers, TrainedModel},
	Balance, BlockNumber, ModelId, GYM,
};
use sp_core::H256;
use sp_runtime::{Perbill, SaturatedConversion};

/// What every benchmark account is given: room for any price the
/// benchmarks pay.
fn endowment<T: Config>() -> Balance {
	T::MinPrice::get().saturating_mul(1_000).saturating_add(1_000_000 * GYM)
}

/// Gives `who` [`endowment`].
fn fund<T: Config>(who: &T::AccountId) -> Result<(), BenchmarkError> {
	T::Currency::mint_into(who, endowment::<T>())
		.map(|_| ())
		.map_err(|_| BenchmarkError::Stop("cannot fund an account"))
}

/// Makes sure the pallet's account exists (the runtime endows it at
/// genesis).
fn endow_pallet<T: Config>() -> Result<(), BenchmarkError> {
	let account = Pallet::<T>::account_id();
	let ed = T::Currency::minimum_balance();
	if T::Currency::balance(&account) < ed {
		T::Currency::mint_into(&account, ed)
			.map_err(|_| BenchmarkError::Stop("cannot endow the pallet account"))?;
	}
	Ok(())
}

/// A premium model owned by a funded account.
fn owned_model<T: Config>() -> Result<(T::AccountId, ModelId), BenchmarkError> {
	let owner: T::AccountId = account("owner", 0, 0);
	fund::<T>(&owner)?;
	let model = Pallet::<T>::register_trained(TrainedModel {
		job: 7,
		architecture: 1,
		checkpoint: H256::repeat_byte(9),
		round: 3,
		loss: 1_250_000,
		val_loss: 1_300_000,
		owner: Some(owner.clone()),
		premium: true,
	})
	.map_err(|_| BenchmarkError::Stop("the registry is full"))?;
	Ok((owner, model))
}

/// A funded, registered provider with the longest endpoint.
fn provider<T: Config>() -> Result<T::AccountId, BenchmarkError> {
	let provider: T::AccountId = account("provider", 0, 0);
	fund::<T>(&provider)?;
	endow_pallet::<T>()?;
	Providers::<T>::insert(
		&provider,
		ProviderInfo { price_per_call: GYM, endpoint: longest_endpoint::<T>() },
	);
	Ok(provider)
}

/// An endpoint of [`Config::MaxEndpointLen`] bytes.
fn longest_endpoint<T: Config>() -> BoundedVec<u8, T::MaxEndpointLen> {
	BoundedVec::truncate_from(vec![b'a'; T::MaxEndpointLen::get() as usize])
}

/// Moves the chain to block `n`.
fn set_block<T: Config>(n: BlockNumber) {
	frame_system::Pallet::<T>::set_block_number(n.saturated_into());
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_premium() -> Result<(), BenchmarkError> {
		let (owner, model) = owned_model::<T>()?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, false);

		assert_eq!(Models::<T>::get(model).map(|m| m.premium), Some(false));
		Ok(())
	}

	#[benchmark]
	fn list_model() -> Result<(), BenchmarkError> {
		let (owner, model) = owned_model::<T>()?;
		let price = T::MinPrice::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, price);

		assert_eq!(TitleListings::<T>::get(model), Some(price));
		Ok(())
	}

	#[benchmark]
	fn delist_model() -> Result<(), BenchmarkError> {
		let (owner, model) = owned_model::<T>()?;
		TitleListings::<T>::insert(model, T::MinPrice::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model);

		assert!(!TitleListings::<T>::contains_key(model));
		Ok(())
	}

	#[benchmark]
	fn buy_model() -> Result<(), BenchmarkError> {
		let (_, model) = owned_model::<T>()?;
		let price = T::MinPrice::get().saturating_mul(100);
		TitleListings::<T>::insert(model, price);
		LicenceListings::<T>::insert(model, LicenceTerms { price, duration: 100 });
		let buyer: T::AccountId = whitelisted_caller();
		fund::<T>(&buyer)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(buyer.clone()), model, price);

		assert_eq!(Models::<T>::get(model).map(|m| m.owner), Some(buyer));
		assert!(!LicenceListings::<T>::contains_key(model));
		Ok(())
	}

	#[benchmark]
	fn list_licence() -> Result<(), BenchmarkError> {
		let (owner, model) = owned_model::<T>()?;
		let terms = LicenceTerms { price: T::MinPrice::get(), duration: 100 };

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, terms.price, terms.duration);

		assert_eq!(LicenceListings::<T>::get(model), Some(terms));
		Ok(())
	}

	#[benchmark]
	fn delist_licence() -> Result<(), BenchmarkError> {
		let (owner, model) = owned_model::<T>()?;
		LicenceListings::<T>::insert(
			model,
			LicenceTerms { price: T::MinPrice::get(), duration: 1 },
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model);

		assert!(!LicenceListings::<T>::contains_key(model));
		Ok(())
	}

	#[benchmark]
	fn buy_licence() -> Result<(), BenchmarkError> {
		let (_, model) = owned_model::<T>()?;
		let price = T::MinPrice::get().saturating_mul(10);
		LicenceListings::<T>::insert(model, LicenceTerms { price, duration: 100 });
		let buyer: T::AccountId = whitelisted_caller();
		fund::<T>(&buyer)?;
		set_block::<T>(10);
		Licences::<T>::insert(&buyer, model, 50);

		#[extrinsic_call]
		_(RawOrigin::Signed(buyer.clone()), model, price, 100);

		assert_eq!(Licences::<T>::get(&buyer, model), Some(150));
		Ok(())
	}

	#[benchmark]
	fn register_provider() -> Result<(), BenchmarkError> {
		let provider = provider::<T>()?;
		let endpoint = longest_endpoint::<T>().into_inner();

		#[extrinsic_call]
		_(RawOrigin::Signed(provider.clone()), 2 * GYM, endpoint);

		assert_eq!(Providers::<T>::get(&provider).map(|p| p.price_per_call), Some(2 * GYM));
		Ok(())
	}

	#[benchmark]
	fn deposit() -> Result<(), BenchmarkError> {
		let provider = provider::<T>()?;
		let customer: T::AccountId = whitelisted_caller();
		fund::<T>(&customer)?;
		ChannelNonces::<T>::insert(&customer, &provider, 1);
		let amount = T::MinPrice::get().saturating_mul(10);

		#[extrinsic_call]
		_(RawOrigin::Signed(customer.clone()), provider.clone(), amount);

		assert_eq!(Channels::<T>::get(&customer, &provider).map(|c| c.nonce), Some(1));
		Ok(())
	}

	#[benchmark]
	fn request_withdrawal() -> Result<(), BenchmarkError> {
		let provider = provider::<T>()?;
		let customer: T::AccountId = whitelisted_caller();
		fund::<T>(&customer)?;
		Pallet::<T>::deposit(
			RawOrigin::Signed(customer.clone()).into(),
			provider.clone(),
			T::MinPrice::get(),
		)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(customer.clone()), provider.clone());

		assert!(Channels::<T>::get(&customer, &provider).is_some_and(|c| c.unlock_at.is_some()));
		Ok(())
	}

	#[benchmark]
	fn withdraw() -> Result<(), BenchmarkError> {
		let provider = provider::<T>()?;
		let customer: T::AccountId = whitelisted_caller();
		fund::<T>(&customer)?;
		let origin = || RawOrigin::Signed(customer.clone());
		Pallet::<T>::deposit(origin().into(), provider.clone(), T::MinPrice::get())?;
		Pallet::<T>::request_withdrawal(origin().into(), provider.clone())?;
		set_block::<T>(T::SettlementGrace::get().saturating_add(10));

		#[extrinsic_call]
		_(origin(), provider.clone());

		assert!(Channels::<T>::get(&customer, &provider).is_none());
		assert_eq!(ChannelNonces::<T>::get(&customer, &provider), 1);
		Ok(())
	}

	#[benchmark]
	fn settle_receipts(
		n: Linear<1, { T::MaxReceiptsPerSettlement::get() }>,
	) -> Result<(), BenchmarkError> {
		let provider = provider::<T>()?;
		let amount = T::MinPrice::get().saturating_mul(10);
		let mut receipts = Vec::new();
		for _ in 0..n {
			let customer = T::BenchmarkHelper::signer();
			fund::<T>(&customer)?;
			Pallet::<T>::deposit(
				RawOrigin::Signed(customer.clone()).into(),
				provider.clone(),
				amount,
			)?;
			let payload = ReceiptPayload {
				genesis_hash: Pallet::<T>::genesis_hash(),
				provider: provider.clone(),
				customer: customer.clone(),
				nonce: 0,
				cumulative: amount,
			};
			// The wrapped form: the plain bytes are checked first and fail.
			let signature = T::BenchmarkHelper::sign(&customer, &payload.wrapped_signing_bytes());
			receipts.push(SignedReceipt { customer, nonce: 0, cumulative: amount, signature });
		}
		let receipts = BoundedVec::try_from(receipts)
			.map_err(|_| BenchmarkError::Stop("more receipts than the bound"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(provider), receipts);

		assert_eq!(Escrow::<T>::get(), 0);
		Ok(())
	}

	#[benchmark]
	fn subscribe() -> Result<(), BenchmarkError> {
		SubscriptionPrice::<T>::put(T::MinPrice::get());
		let who: T::AccountId = whitelisted_caller();
		fund::<T>(&who)?;
		set_block::<T>(10);
		Subscriptions::<T>::insert(&who, 20);
		let periods = T::MaxSubscriptionPeriods::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), periods);

		let blocks = T::SubscriptionPeriod::get().saturating_mul(periods);
		assert_eq!(Subscriptions::<T>::get(&who), Some(blocks.saturating_add(20)));
		Ok(())
	}

	#[benchmark]
	fn set_subscription_price() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let price = T::MinPrice::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, price);

		assert_eq!(SubscriptionPrice::<T>::get(), price);
		Ok(())
	}

	#[benchmark]
	fn mint_zoo() -> Result<(), BenchmarkError> {
		let price = T::MinPrice::get().saturating_mul(100);
		ZooMintPrice::<T>::put(price);
		let who: T::AccountId = whitelisted_caller();
		T::Staking::fund_and_stake(&who, Tier::Diamond.minimum());
		fund::<T>(&who)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), price);

		assert_eq!(ZooItems::<T>::get(0), Some(who));
		Ok(())
	}

	#[benchmark]
	fn transfer_zoo() -> Result<(), BenchmarkError> {
		let who: T::AccountId = whitelisted_caller();
		let to: T::AccountId = account("to", 0, 0);
		ZooItems::<T>::insert(0, &who);
		NextZooItem::<T>::put(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), 0, to.clone());

		assert_eq!(ZooItems::<T>::get(0), Some(to));
		Ok(())
	}

	#[benchmark]
	fn set_zoo_price() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let price = T::MinPrice::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, price);

		assert_eq!(ZooMintPrice::<T>::get(), price);
		Ok(())
	}

	#[benchmark]
	fn set_zoo_discounts() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let discounts = TierDiscounts { diamond: Perbill::from_percent(40), ..Default::default() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, discounts);

		assert_eq!(ZooDiscounts::<T>::get(), discounts);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
