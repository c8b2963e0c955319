//! The products pallet's logic: sales, channels and receipts, the reads of
//! the runtime API, the invariants, and the traits it offers other pallets.

use crate::{pallet::*, types::*};
use alloc::{collections::BTreeSet, vec::Vec};
use frame_support::{
	ensure,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		EnsureOrigin, Get,
	},
};
use frame_system::pallet_prelude::{BlockNumberFor, OriginFor};
use gym_primitives::{
	products::{
		discounted_price, fee_split, ReceiptPayload, FIRST_TRAINED_MODEL_ID, INFERENCE_FEE,
		MARKETPLACE_FEE,
	},
	revenue::RevenueSource,
	traits::{
		AccessTokens, ModelRegistrar, ModelRegistry, PriorityAccess, RevenueIntake, StakeTiers,
		TrainedModel,
	},
	Balance, BlockNumber, ModelId,
};
use sp_runtime::{
	traits::{AccountIdConversion, Verify, Zero},
	DispatchError, DispatchResult, SaturatedConversion,
};

/// A receipt that passed every check: its customer, the channel as it is
/// and the total to settle.
pub(crate) struct CheckedReceipt<AccountId> {
	customer: AccountId,
	channel: Channel,
	cumulative: Balance,
}

impl<T: Config> Pallet<T> {
	/// The pallet's account: holds the inference deposits ([`Escrow`]) and
	/// its existential deposit.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The current block number.
	fn now() -> BlockNumber {
		frame_system::Pallet::<T>::block_number().saturated_into()
	}

	/// The id the next registered model gets.
	pub fn next_model_id() -> ModelId {
		NextModelId::<T>::get().max(FIRST_TRAINED_MODEL_ID)
	}

	/// Whether governance may set `price` for subscriptions or the Zoo: 0
	/// (closed) or at least [`Config::MinPrice`].
	pub(crate) fn price_allowed(price: Balance) -> bool {
		price == 0 || price >= T::MinPrice::get()
	}

	/// Checks that `origin` acts for `entry`'s owner: governance for the
	/// treasury's models, the owner's signature for the others.
	pub(crate) fn ensure_owner(
		origin: OriginFor<T>,
		entry: &ModelEntry<T::AccountId>,
	) -> DispatchResult {
		if entry.owner == T::Treasury::get() {
			T::GovernanceOrigin::try_origin(origin).map_err(|_| Error::<T>::NotOwner)?;
		} else {
			let who = frame_system::ensure_signed(origin)?;
			ensure!(who == entry.owner, Error::<T>::NotOwner);
		}
		Ok(())
	}

	/// `model`'s entry, once `origin` is shown to act for its owner.
	pub(crate) fn owned_model(
		origin: OriginFor<T>,
		model: ModelId,
	) -> Result<ModelEntry<T::AccountId>, DispatchError> {
		let entry = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
		Self::ensure_owner(origin, &entry)?;
		Ok(entry)
	}

	/// Pays a marketplace sale: `seller` gets `price` less the fee, revenue
	/// the fee. Returns the fee.
	fn pay_sale(
		buyer: &T::AccountId,
		seller: &T::AccountId,
		price: Balance,
	) -> Result<Balance, DispatchError> {
		let (fee, rest) = fee_split(price, MARKETPLACE_FEE);
		T::Currency::transfer(buyer, seller, rest, Preservation::Preserve)?;
		if fee > 0 {
			T::Revenue::pay_revenue(buyer, RevenueSource::MarketplaceFees, fee)?;
		}
		Ok(fee)
	}

	/// Sells `model`'s title to `buyer` at its listed price, at most
	/// `max_price`.
	pub(crate) fn sell_title(
		buyer: T::AccountId,
		model: ModelId,
		max_price: Balance,
	) -> DispatchResult {
		let mut entry = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
		let price = TitleListings::<T>::get(model).ok_or(Error::<T>::NotListed)?;
		ensure!(price <= max_price, Error::<T>::PriceAboveLimit);
		ensure!(buyer != entry.owner, Error::<T>::AlreadyOwner);
		let fee = Self::pay_sale(&buyer, &entry.owner, price)?;
		let seller = core::mem::replace(&mut entry.owner, buyer.clone());
		Models::<T>::insert(model, entry);
		TitleListings::<T>::remove(model);
		LicenceListings::<T>::remove(model);
		Self::deposit_event(Event::ModelSold { model, seller, buyer, price, fee });
		Ok(())
	}

	/// Sells `buyer` a licence of `model` at its listed price, at most
	/// `max_price`, for at least `min_duration` blocks.
	pub(crate) fn sell_licence(
		buyer: T::AccountId,
		model: ModelId,
		max_price: Balance,
		min_duration: BlockNumber,
	) -> DispatchResult {
		let entry = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
		let terms = LicenceListings::<T>::get(model).ok_or(Error::<T>::NotListed)?;
		ensure!(terms.price <= max_price, Error::<T>::PriceAboveLimit);
		ensure!(terms.duration >= min_duration, Error::<T>::DurationBelowLimit);
		ensure!(buyer != entry.owner, Error::<T>::AlreadyOwner);
		let now = Self::now();
		let from = Licences::<T>::get(&buyer, model).map_or(now, |expiry| expiry.max(now));
		let expires_at = from.checked_add(terms.duration).ok_or(Error::<T>::ArithmeticOverflow)?;
		let fee = Self::pay_sale(&buyer, &entry.owner, terms.price)?;
		Licences::<T>::insert(&buyer, model, expires_at);
		Self::deposit_event(Event::LicenceSold {
			model,
			buyer,
			price: terms.price,
			fee,
			expires_at,
		});
		Ok(())
	}

	/// Deposits `amount` on `customer`'s channel with `provider`, opening
	/// it with the pair's next nonce if there is none.
	pub(crate) fn open_or_top_up(
		customer: T::AccountId,
		provider: T::AccountId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(Providers::<T>::contains_key(&provider), Error::<T>::UnknownProvider);
		ensure!(amount >= T::MinPrice::get(), Error::<T>::PriceTooLow);
		let mut channel = Channels::<T>::get(&customer, &provider).unwrap_or_else(|| Channel {
			nonce: ChannelNonces::<T>::get(&customer, &provider),
			..Default::default()
		});
		channel.deposit =
			channel.deposit.checked_add(amount).ok_or(Error::<T>::ArithmeticOverflow)?;
		channel.unlock_at = None;
		let escrow =
			Escrow::<T>::get().checked_add(amount).ok_or(Error::<T>::ArithmeticOverflow)?;
		T::Currency::transfer(&customer, &Self::account_id(), amount, Preservation::Preserve)?;
		Channels::<T>::insert(&customer, &provider, channel);
		Escrow::<T>::put(escrow);
		Self::deposit_event(Event::Deposited { customer, provider, amount, nonce: channel.nonce });
		Ok(())
	}

	/// Starts the grace period of `customer`'s channel with `provider`.
	pub(crate) fn start_grace(customer: T::AccountId, provider: T::AccountId) -> DispatchResult {
		let mut channel = Channels::<T>::get(&customer, &provider).ok_or(Error::<T>::NoChannel)?;
		let unlock_at = Self::now().saturating_add(T::SettlementGrace::get());
		channel.unlock_at = Some(unlock_at);
		Channels::<T>::insert(&customer, &provider, channel);
		Self::deposit_event(Event::WithdrawalRequested { customer, provider, unlock_at });
		Ok(())
	}

	/// Closes `customer`'s channel with `provider` after its grace and
	/// refunds what was not settled; the pair's next channel takes the
	/// next nonce.
	pub(crate) fn close_channel(customer: T::AccountId, provider: T::AccountId) -> DispatchResult {
		let channel = Channels::<T>::get(&customer, &provider).ok_or(Error::<T>::NoChannel)?;
		let unlock_at = channel.unlock_at.ok_or(Error::<T>::WithdrawalNotRequested)?;
		ensure!(Self::now() >= unlock_at, Error::<T>::NotUnlocked);
		let refund = channel.unsettled();
		if refund > 0 {
			T::Currency::transfer(&Self::account_id(), &customer, refund, Preservation::Preserve)?;
		}
		Channels::<T>::remove(&customer, &provider);
		// 2^32 closes of one pair, each a grace period apart: unreachable.
		ChannelNonces::<T>::insert(&customer, &provider, channel.nonce.saturating_add(1));
		Escrow::<T>::mutate(|escrow| *escrow = escrow.saturating_sub(refund));
		Self::deposit_event(Event::Withdrawn { customer, provider, refund });
		Ok(())
	}

	/// This chain's genesis hash, as receipts sign it.
	pub fn genesis_hash() -> [u8; 32] {
		let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let mut bytes = [0u8; 32];
		for (byte, from) in bytes.iter_mut().zip(hash.as_ref()) {
			*byte = *from;
		}
		bytes
	}

	/// The receipt a customer signs on this chain.
	fn payload(
		customer: &T::AccountId,
		provider: &T::AccountId,
		nonce: u32,
		cumulative: Balance,
	) -> ReceiptPayload<T::AccountId> {
		ReceiptPayload {
			genesis_hash: Self::genesis_hash(),
			provider: provider.clone(),
			customer: customer.clone(),
			nonce,
			cumulative,
		}
	}

	/// Checks every receipt of a settlement by `provider` against the
	/// channels as they are, writing nothing.
	pub(crate) fn check_receipts(
		provider: &T::AccountId,
		receipts: &[SignedReceipt<T::AccountId, T::Signature>],
	) -> Result<Vec<CheckedReceipt<T::AccountId>>, DispatchError> {
		ensure!(!receipts.is_empty(), Error::<T>::NoReceipts);
		let mut customers = BTreeSet::new();
		let mut checked = Vec::with_capacity(receipts.len());
		for receipt in receipts {
			ensure!(customers.insert(receipt.customer.clone()), Error::<T>::DuplicateCustomer);
			let channel =
				Channels::<T>::get(&receipt.customer, provider).ok_or(Error::<T>::NoChannel)?;
			ensure!(receipt.nonce == channel.nonce, Error::<T>::StaleReceipt);
			// The cheap checks first: a signature is checked only for a
			// receipt that would settle something.
			ensure!(receipt.cumulative > channel.settled, Error::<T>::ReceiptAlreadySettled);
			ensure!(receipt.cumulative <= channel.deposit, Error::<T>::ReceiptExceedsDeposit);
			let payload =
				Self::payload(&receipt.customer, provider, receipt.nonce, receipt.cumulative);
			ensure!(
				receipt.signature.verify(&payload.signing_bytes()[..], &receipt.customer)
					|| receipt
						.signature
						.verify(&payload.wrapped_signing_bytes()[..], &receipt.customer),
				Error::<T>::BadSignature
			);
			checked.push(CheckedReceipt {
				customer: receipt.customer.clone(),
				channel,
				cumulative: receipt.cumulative,
			});
		}
		Ok(checked)
	}

	/// Settles checked receipts: each pays `provider` what it adds to its
	/// channel's settled total, less the inference fee for revenue.
	pub(crate) fn pay_receipts(
		provider: &T::AccountId,
		receipts: Vec<CheckedReceipt<T::AccountId>>,
	) -> DispatchResult {
		let pallet = Self::account_id();
		for CheckedReceipt { customer, mut channel, cumulative } in receipts {
			let amount = cumulative.saturating_sub(channel.settled);
			let (fee, rest) = fee_split(amount, INFERENCE_FEE);
			if rest > 0 {
				T::Currency::transfer(&pallet, provider, rest, Preservation::Preserve)?;
			}
			if fee > 0 {
				T::Revenue::pay_revenue(&pallet, RevenueSource::InferenceFees, fee)?;
			}
			channel.settled = cumulative;
			Channels::<T>::insert(&customer, provider, channel);
			Escrow::<T>::mutate(|escrow| *escrow = escrow.saturating_sub(amount));
			Self::deposit_event(Event::ReceiptSettled {
				provider: provider.clone(),
				customer,
				amount,
				fee,
				cumulative,
			});
		}
		Ok(())
	}

	/// Sells `who` `periods` subscription periods.
	pub(crate) fn sell_subscription(who: T::AccountId, periods: u32) -> DispatchResult {
		ensure!(periods > 0, Error::<T>::ZeroPeriods);
		ensure!(periods <= T::MaxSubscriptionPeriods::get(), Error::<T>::TooManyPeriods);
		let price = SubscriptionPrice::<T>::get();
		ensure!(price > 0, Error::<T>::SubscriptionsNotForSale);
		let paid =
			price.checked_mul(Balance::from(periods)).ok_or(Error::<T>::ArithmeticOverflow)?;
		let blocks = T::SubscriptionPeriod::get()
			.checked_mul(periods)
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		let now = Self::now();
		let from = Subscriptions::<T>::get(&who).map_or(now, |expiry| expiry.max(now));
		let expires_at = from.checked_add(blocks).ok_or(Error::<T>::ArithmeticOverflow)?;
		T::Revenue::pay_revenue(&who, RevenueSource::Subscriptions, paid)?;
		Subscriptions::<T>::insert(&who, expires_at);
		Self::deposit_event(Event::Subscribed { who, periods, paid, expires_at });
		Ok(())
	}

	/// Mints the next Zoo item for `who` at its tier's price, at most
	/// `max_price`.
	pub(crate) fn sell_zoo_item(who: T::AccountId, max_price: Balance) -> DispatchResult {
		let base = ZooMintPrice::<T>::get();
		ensure!(base > 0, Error::<T>::ZooClosed);
		let item = NextZooItem::<T>::get();
		ensure!(item < T::ZooMaxSupply::get(), Error::<T>::SoldOut);
		let next = item.checked_add(1).ok_or(Error::<T>::SoldOut)?;
		let tier = T::Staking::tier_of(&who);
		let discount = ZooDiscounts::<T>::get().of(tier);
		let price = discounted_price(base, discount);
		ensure!(price <= max_price, Error::<T>::PriceAboveLimit);
		if price > 0 {
			T::Revenue::pay_revenue(&who, RevenueSource::MarketplaceFees, price)?;
		}
		ZooItems::<T>::insert(item, &who);
		NextZooItem::<T>::put(next);
		Self::deposit_event(Event::ZooMinted { item, who, tier, price, discount });
		Ok(())
	}

	// ---- Reads (the runtime API) ----

	/// The model `id`, if registered.
	pub fn model(id: ModelId) -> Option<ModelEntry<T::AccountId>> {
		Models::<T>::get(id)
	}

	/// Up to `count` (at most [`crate::MAX_MODELS_PER_QUERY`]) models from
	/// id `from` on, in id order.
	pub fn models(from: ModelId, count: u32) -> Vec<(ModelId, ModelEntry<T::AccountId>)> {
		let count = count.min(crate::MAX_MODELS_PER_QUERY);
		(from.max(FIRST_TRAINED_MODEL_ID)..Self::next_model_id())
			.take(count as usize)
			.filter_map(|id| Models::<T>::get(id).map(|entry| (id, entry)))
			.collect()
	}

	/// `customer`'s open channel with `provider`.
	pub fn channel(customer: &T::AccountId, provider: &T::AccountId) -> Option<Channel> {
		Channels::<T>::get(customer, provider)
	}

	/// `who`'s live licence of `model`: the block it ends at.
	fn licence(who: &T::AccountId, model: ModelId) -> Option<BlockNumber> {
		let now = Self::now();
		Licences::<T>::get(who, model).filter(|expiry| now < *expiry)
	}

	/// `who`'s live subscription: the block it ends at.
	pub fn subscription(who: &T::AccountId) -> Option<BlockNumber> {
		let now = Self::now();
		Subscriptions::<T>::get(who).filter(|expiry| now < *expiry)
	}

	/// Until when `who` may call `model`: the latest end of its licence,
	/// subscription and access grant; `BlockNumber::MAX` for a model that
	/// is not premium or that `who` owns; `None` without access (or for an
	/// unknown model).
	pub fn access_expiry(who: &T::AccountId, model: ModelId) -> Option<BlockNumber> {
		let entry = Models::<T>::get(model)?;
		if !entry.premium || entry.owner == *who {
			return Some(BlockNumber::MAX);
		}
		[
			Self::licence(who, model),
			Self::subscription(who),
			T::AccessTokens::access_expiry(who, model),
		]
		.into_iter()
		.flatten()
		.max()
	}

	/// Whether `who` may call `model` now: a registered model that is not
	/// premium, or that `who` owns, holds a live licence of, or has access
	/// to by subscription or access grant.
	pub fn has_access(who: &T::AccountId, model: ModelId) -> bool {
		Self::access_expiry(who, model).is_some()
	}

	/// What a Zoo mint costs `who` now (0 while the Zoo is closed).
	pub fn zoo_price(who: &T::AccountId) -> Balance {
		let base = ZooMintPrice::<T>::get();
		if base == 0 {
			return 0;
		}
		discounted_price(base, ZooDiscounts::<T>::get().of(T::Staking::tier_of(who)))
	}

	/// The bytes `customer` signs for a receipt of `cumulative` on its open
	/// channel with `provider` (its current nonce); `None` without one.
	pub fn receipt_payload(
		customer: &T::AccountId,
		provider: &T::AccountId,
		cumulative: Balance,
	) -> Option<Vec<u8>> {
		let channel = Channels::<T>::get(customer, provider)?;
		Some(Self::payload(customer, provider, channel.nonce, cumulative).signing_bytes())
	}

	/// The pallet's invariants (run by `try_state` and after every test).
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut escrow: Balance = 0;
		for channel in Channels::<T>::iter_values() {
			ensure!(channel.settled <= channel.deposit, "a channel settled more than its deposit");
			escrow = escrow.checked_add(channel.unsettled()).ok_or("escrow overflows")?;
		}
		ensure!(Escrow::<T>::get() == escrow, "Escrow != Σ(deposit − settled) over the channels");
		ensure!(
			T::Currency::balance(&Self::account_id())
				>= escrow.saturating_add(T::Currency::minimum_balance()),
			"the pallet account holds less than the escrow and its existential deposit"
		);
		let next = Self::next_model_id();
		let mut models: u32 = 0;
		for id in Models::<T>::iter_keys() {
			ensure!(
				(FIRST_TRAINED_MODEL_ID..next).contains(&id),
				"a model id outside [FIRST_TRAINED_MODEL_ID, NextModelId)"
			);
			models = models.saturating_add(1);
		}
		ensure!(ModelCount::<T>::get() == models, "ModelCount != the number of models");
		ensure!(models <= T::MaxModels::get(), "more models than MaxModels");
		ensure!(ZooDiscounts::<T>::get().is_valid(), "the Zoo's discounts fall with the tier");
		let minted = NextZooItem::<T>::get();
		ensure!(minted <= T::ZooMaxSupply::get(), "more Zoo items than the supply");
		ensure!(
			ZooItems::<T>::iter_keys().all(|item| item < minted),
			"a Zoo item at or past NextZooItem"
		);
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// Registers `model`, trained by `job` (`None` at genesis), under the
	/// next id; fails, changing nothing, when the registry is full.
	pub(crate) fn register(
		job: Option<u32>,
		model: TrainedModel<T::AccountId>,
	) -> Result<ModelId, DispatchError> {
		let count = ModelCount::<T>::get();
		ensure!(count < T::MaxModels::get(), Error::<T>::TooManyModels);
		let id = Self::next_model_id();
		let next = id.checked_add(1).ok_or(Error::<T>::TooManyModels)?;
		let owner = model.owner.unwrap_or_else(T::Treasury::get);
		let entry = ModelEntry {
			job,
			architecture: model.architecture,
			checkpoint: model.checkpoint,
			round: model.round,
			loss: model.loss,
			val_loss: model.val_loss,
			owner: owner.clone(),
			premium: model.premium,
			registered_at: Self::now(),
		};
		Models::<T>::insert(id, entry);
		NextModelId::<T>::put(next);
		ModelCount::<T>::put(count.saturating_add(1));
		Self::deposit_event(Event::ModelRegistered {
			model: id,
			job,
			architecture: model.architecture,
			checkpoint: model.checkpoint,
			loss: model.loss,
			val_loss: model.val_loss,
			owner,
			premium: model.premium,
		});
		Ok(id)
	}
}

impl<T: Config> ModelRegistrar<T::AccountId> for Pallet<T> {
	fn register_trained(model: TrainedModel<T::AccountId>) -> Result<ModelId, DispatchError> {
		Self::register(Some(model.job), model)
	}
}

impl<T: Config> ModelRegistry for Pallet<T> {
	fn contains(model: &ModelId) -> bool {
		Models::<T>::contains_key(model)
	}
}

impl<T: Config> PriorityAccess<T::AccountId> for Pallet<T> {
	fn has_priority(who: &T::AccountId) -> bool {
		Self::subscription(who).is_some()
	}
}
