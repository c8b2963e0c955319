//! The stability pallet's logic: the block hook, the buyback, the tax and
//! the views.

use crate::{pallet::*, types::*, WeightInfo};
use alloc::vec::Vec;
use frame_support::{
	storage::with_storage_layer,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Precision, Preservation},
		Contains, Get,
	},
	weights::Weight,
};
use gym_primitives::{
	mining::GpuClass,
	prices::{self, MinerEconomics, PriceKey, PriceOracle, UsdPrice},
	traits::{BurnTracker, EpochClock, FineTuningPrice},
	Balance, BlockNumber,
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, SaturatedConversion};

/// A transfer the tax extension charged, to settle after dispatch.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Charged<AccountId> {
	/// The sender.
	pub who: AccountId,
	/// The tax it paid.
	pub tax: Balance,
	/// The volume it added to its window.
	pub moved: Balance,
	/// The bucket the volume went into.
	pub bucket: BlockNumber,
	/// Whether the sender's account had to stay alive.
	pub keep_alive: bool,
}

/// The tax a transfer would pay now: the GYM it moves and the tax.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct TaxQuote {
	/// The GYM the transfer moves, in planck (for `transfer_all`, what is
	/// left after the tax).
	pub moved: Balance,
	/// The tax, in planck.
	pub tax: Balance,
	/// What the sender can move at most (the tax included).
	pub available: Balance,
	/// What the transfer and its tax take from the free GYM.
	pub needs: Balance,
}

impl TaxQuote {
	/// Whether the sender can pay: nothing to pay, or the free GYM covers
	/// the transfer and its tax (less `fee`, the transaction's own).
	pub fn affordable(&self, fee: Balance) -> bool {
		self.tax == 0 || self.needs.saturating_add(fee) <= self.available
	}
}

impl<T: Config> Pallet<T> {
	/// The current block number.
	fn now() -> BlockNumber {
		frame_system::Pallet::<T>::block_number().saturated_into()
	}

	/// The block hook: a new bucket reads the issuance; a new period runs
	/// the buyback.
	pub(crate) fn on_block(n: BlockNumber) -> Weight {
		let mut weight = T::WeightInfo::on_initialize_idle();
		let bucket_start = n.checked_rem(T::BucketBlocks::get()).is_none_or(|r| r == 0);
		if bucket_start || TaxBase::<T>::get() == 0 {
			TaxBase::<T>::put(T::Currency::total_issuance());
			weight = weight.saturating_add(T::WeightInfo::on_initialize_bucket());
		}
		let epoch = T::Epochs::epoch_of(n);
		if epoch > 0 && T::Epochs::epoch_start(epoch) == n {
			weight = weight.saturating_add(Self::periodic_buyback());
		}
		weight
	}

	/// The period's buyback, if the price is under the floor. Its weight.
	fn periodic_buyback() -> Weight {
		let config = Buyback::<T>::get();
		if config.floor.is_zero() || config.per_period == 0 {
			return T::WeightInfo::on_initialize_idle();
		}
		let Some(gym_usd) = T::Prices::fresh(PriceKey::GymUsd) else {
			Self::deposit_event(Event::BuybackPriceStale);
			return T::WeightInfo::on_initialize_idle();
		};
		if gym_usd >= config.floor {
			return T::WeightInfo::on_initialize_idle();
		}
		let usdt_in = config.per_period.min(T::Stable::stable_balance(&T::Treasury::get()));
		if usdt_in == 0 {
			Self::deposit_event(Event::BuybackSkipped { reason: SkipReason::NoFunds });
			return T::WeightInfo::on_initialize_idle();
		}
		if let Err(e) = Self::buy_back(BuybackKind::Periodic, usdt_in, gym_usd) {
			let reason = if e == Error::<T>::PoolOffOracle.into() {
				SkipReason::PoolOffOracle
			} else {
				SkipReason::SwapFailed
			};
			Self::deposit_event(Event::BuybackSkipped { reason });
		}
		T::WeightInfo::order_buyback()
	}

	/// Swaps `usdt_in` of the treasury's USDT for GYM, for no less than the
	/// oracle price `gym_usd` less the slippage allowed, and burns the GYM
	/// through the books. All or nothing.
	pub(crate) fn buy_back(
		kind: BuybackKind,
		usdt_in: Balance,
		gym_usd: UsdPrice,
	) -> DispatchResult {
		let config = Buyback::<T>::get();
		let min_out = prices::buyback_min_out(usdt_in, gym_usd, config.max_slippage)
			.ok_or(Error::<T>::PriceStale)?;
		let treasury = T::Treasury::get();
		with_storage_layer(|| -> DispatchResult {
			let bought = T::Stable::buy_gym(&treasury, usdt_in, min_out)?;
			if bought < min_out {
				return Err(Error::<T>::PoolOffOracle.into());
			}
			let burned = T::Currency::burn_from(
				&treasury,
				bought,
				Preservation::Preserve,
				Precision::Exact,
				Fortitude::Polite,
			)?;
			T::Burns::note_burned(burned);
			let record = BuybackRecord {
				block: Self::now(),
				kind,
				usdt_in,
				gym_burned: burned,
				gym_usd,
				min_out,
			};
			BuybackHistory::<T>::mutate(|history| {
				// Appended, the oldest dropped when full.
				let _ = history.force_insert_keep_right(history.len(), record);
			});
			BoughtBack::<T>::mutate(|(usdt, gym)| {
				*usdt = usdt.saturating_add(usdt_in);
				*gym = gym.saturating_add(burned);
			});
			Self::deposit_event(Event::BoughtBack {
				kind,
				usdt_in,
				gym_burned: burned,
				gym_usd,
				min_out,
			});
			Ok(())
		})
	}

	/// The fine-tuning price now, and the dollar price it fell back from
	/// (if the GYM price is stale).
	pub fn quote_fine_tuning() -> (Balance, Option<UsdPrice>) {
		let pricing = Pricing::<T>::get();
		let Some(usd) = pricing.usd else {
			return (pricing.gym, None);
		};
		match T::Prices::fresh(PriceKey::GymUsd).and_then(|price| prices::usd_to_gym(usd, price)) {
			Some(gym) => (gym, None),
			None => (pricing.gym, Some(usd)),
		}
	}

	/// The bucket index of block `n`.
	fn bucket_of(n: BlockNumber) -> BlockNumber {
		n.checked_div(T::BucketBlocks::get()).unwrap_or(n)
	}

	/// Whether a transfer from `who` to `dest` is taxed.
	pub fn is_taxed(who: &T::AccountId, dest: &T::AccountId) -> bool {
		who != dest && !T::Exempt::contains(who) && !T::Exempt::contains(dest)
	}

	/// What `who`'s `transfer` would move and pay now, or `None` if it is not
	/// taxed.
	pub fn quote(who: &T::AccountId, transfer: &Transfer<T::AccountId>) -> Option<TaxQuote> {
		Self::quote_after_fee(who, transfer, 0)
	}

	/// [`Self::quote`] once `fee` (the transaction's own, paid first) has
	/// left the sender's free GYM.
	pub fn quote_after_fee(
		who: &T::AccountId,
		transfer: &Transfer<T::AccountId>,
		fee: Balance,
	) -> Option<TaxQuote> {
		if !Self::is_taxed(who, &transfer.dest) {
			return None;
		}
		let preservation =
			if transfer.keep_alive { Preservation::Preserve } else { Preservation::Expendable };
		let available = T::Currency::reducible_balance(who, preservation, Fortitude::Polite)
			.saturating_sub(fee);
		let prior = Self::volume_of(who);
		let base = Self::tax_base();
		let brackets = Brackets::<T>::get();
		let (moved, tax) = match transfer.moved {
			Moved::Exact(amount) | Moved::Value(amount) => {
				(amount, prices::transfer_tax(prior, amount, base, &brackets))
			}
			Moved::All => prices::most_after_tax(prior, available, base, &brackets),
		};
		// What must come out of the free GYM: the tax, and the GYM moved
		// unless it moves in another form.
		let needs = match transfer.moved {
			Moved::Value(_) => tax,
			Moved::Exact(_) | Moved::All => moved.saturating_add(tax),
		};
		Some(TaxQuote { moved, tax, available, needs })
	}

	/// The tax `who` would pay on `call` now (0 if it is not a taxed
	/// transfer): what the fee estimate adds.
	pub fn tax_preview(who: &T::AccountId, call: &T::RuntimeCall) -> Balance {
		T::TaxedCalls::transfer(call)
			.and_then(|transfer| Self::quote(who, &transfer))
			.map_or(0, |quote| quote.tax)
	}

	/// The tax on `who` moving `amount` more now (the `gym_transferTax`
	/// view), whether or not it could afford it.
	pub fn tax_on(who: &T::AccountId, amount: Balance) -> Balance {
		prices::transfer_tax(Self::volume_of(who), amount, Self::tax_base(), &Brackets::<T>::get())
	}

	/// The issuance the brackets are shares of: [`TaxBase`], or the issuance
	/// now before the first block hook has read it (genesis).
	pub fn tax_base() -> Balance {
		match TaxBase::<T>::get() {
			0 => T::Currency::total_issuance(),
			base => base,
		}
	}

	/// `who`'s GYM moved in the current window.
	pub fn volume_of(who: &T::AccountId) -> Balance {
		let bucket = Self::bucket_of(Self::now());
		Volumes::<T>::get(who).map_or(0, |volume| volume.total(bucket))
	}

	/// Charges `who`'s `transfer` its tax and records its volume. `Ok(None)`
	/// if it is not taxed; an error (and nothing changed) if `who` cannot
	/// pay the transfer and its tax.
	/// `fee` is the transaction's own fee, which `ChargeTransactionPayment`
	/// takes after this: the transfer, its tax and the fee must all fit.
	pub fn charge(
		who: &T::AccountId,
		transfer: &Transfer<T::AccountId>,
		fee: Balance,
	) -> Result<Option<Charged<T::AccountId>>, DispatchError> {
		let Some(quote) = Self::quote_after_fee(who, transfer, fee) else {
			return Ok(None);
		};
		// A transfer that pays no tax is left to fail on its own, as it would
		// without the tax; one that does must afford both.
		if !quote.affordable(0) {
			return Err(DispatchError::Token(sp_runtime::TokenError::FundsUnavailable));
		}
		if quote.tax > 0 {
			// The tax keeps the account alive unless the transfer itself
			// empties it, and then what it leaves must be a whole account's
			// worth to move (a dust remainder would be reaped with the tax).
			let kept =
				T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite)
					.saturating_sub(fee);
			let preservation = if quote.needs <= kept {
				Preservation::Preserve
			} else if !transfer.keep_alive && quote.moved >= T::Currency::minimum_balance() {
				Preservation::Expendable
			} else {
				return Err(DispatchError::Token(sp_runtime::TokenError::FundsUnavailable));
			};
			T::Currency::transfer(who, &T::Treasury::get(), quote.tax, preservation)?;
			TaxCollected::<T>::mutate(|total| *total = total.saturating_add(quote.tax));
			Self::deposit_event(Event::TransferTaxed {
				who: who.clone(),
				dest: transfer.dest.clone(),
				amount: quote.moved,
				tax: quote.tax,
			});
		}
		let bucket = Self::bucket_of(Self::now());
		Volumes::<T>::mutate_exists(who, |entry| {
			let mut volume = entry.take().unwrap_or_default();
			volume.add(bucket, quote.moved);
			*entry = (!volume.is_empty_at(bucket)).then_some(volume);
		});
		Ok(Some(Charged {
			who: who.clone(),
			tax: quote.tax,
			moved: quote.moved,
			bucket,
			keep_alive: transfer.keep_alive,
		}))
	}

	/// Undoes `charged` after its transfer failed: the tax goes back and the
	/// volume leaves the window.
	pub fn refund(charged: Charged<T::AccountId>) {
		Volumes::<T>::mutate_exists(&charged.who, |entry| {
			if let Some(volume) = entry.as_mut() {
				volume.remove(charged.bucket, charged.moved);
				if volume.is_empty_at(charged.bucket) {
					*entry = None;
				}
			}
		});
		if charged.tax == 0 {
			return;
		}
		let back = T::Currency::transfer(
			&T::Treasury::get(),
			&charged.who,
			charged.tax,
			Preservation::Preserve,
		);
		if back.is_ok() {
			TaxCollected::<T>::mutate(|total| *total = total.saturating_sub(charged.tax));
			Self::deposit_event(Event::TransferTaxRefunded { who: charged.who, tax: charged.tax });
		} else {
			Self::deposit_event(Event::TransferTaxKept { who: charged.who, tax: charged.tax });
		}
	}

	/// What a GPU of `class` drawing `watts` earns and costs per epoch.
	pub fn miner_economics(class: GpuClass, watts: u32) -> MinerEconomics {
		prices::miner_economics::<T::Mining, T::Prices>(class, watts, T::BlockMillis::get())
	}

	/// Every price the chain reads, and its fresh value if it has one.
	pub fn prices() -> Vec<(PriceKey, Option<UsdPrice>)> {
		[PriceKey::GymUsd, PriceKey::KwhUsd]
			.into_iter()
			.chain(GpuClass::ALL.into_iter().map(PriceKey::GpuHourUsd))
			.map(|key| (key, T::Prices::fresh(key)))
			.collect()
	}

	/// The buyback history, oldest first.
	pub fn buybacks() -> Vec<BuybackRecord> {
		BuybackHistory::<T>::get().into_inner()
	}

	/// The pallet's invariants: the brackets are valid, the history and
	/// the totals agree in what they can (the totals are at least the kept
	/// history's sum).
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		frame_support::ensure!(
			prices::brackets_valid(&Brackets::<T>::get()),
			"the tax brackets are not valid"
		);
		let (usdt, gym) = BoughtBack::<T>::get();
		let (kept_usdt, kept_gym) =
			BuybackHistory::<T>::get().iter().fold((0u128, 0u128), |(u, g), r| {
				(u.saturating_add(r.usdt_in), g.saturating_add(r.gym_burned))
			});
		frame_support::ensure!(
			usdt >= kept_usdt && gym >= kept_gym,
			"buyback totals below the kept history"
		);
		frame_support::ensure!(Pricing::<T>::get().gym > 0, "a fine-tuning price of zero");
		frame_support::ensure!(
			Buyback::<T>::get().max_slippage <= T::MaxSlippage::get(),
			"buyback slippage above its maximum"
		);
		Ok(())
	}
}

impl<T: Config> FineTuningPrice for Pallet<T> {
	fn fine_tuning_price() -> Balance {
		let (gym, fell_back) = Self::quote_fine_tuning();
		if let Some(usd) = fell_back {
			Self::deposit_event(Event::FineTuningFellBack { usd, gym });
		}
		gym
	}
}

impl<T: Config> frame_support::traits::OnKilledAccount<T::AccountId> for Pallet<T> {
	/// A reaped account's window goes with it: entries live as long as their
	/// accounts (each costs an existential deposit).
	fn on_killed_account(who: &T::AccountId) {
		Volumes::<T>::remove(who);
	}
}
