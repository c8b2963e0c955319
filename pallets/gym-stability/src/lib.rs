//! # GYM stability: prices and risk controls
//!
//! The seed's "Risk Mitigation" and the uses of its "Oracle Integration":
//! what the chain does with the oracle's prices (`pallet-oracle`, read through
//! [`gym_primitives::prices::PriceOracle`], which returns fresh medians only).
//!
//! ## Fine-tuning priced in US dollars
//!
//! Governance sets a job's price in US dollars and a fixed GYM price
//! ([`Pricing`], [`Pallet::set_pricing`]). A customer's job is charged the
//! dollars in GYM at the oracle's GYM price; while that price is stale it is
//! charged the fixed GYM price and [`Event::FineTuningFellBack`] says so
//! (compute mining reads the price through
//! [`gym_primitives::traits::FineTuningPrice`]).
//!
//! ## Treasury buyback
//!
//! At the start of every period (emission epoch), while the oracle's GYM
//! price is under [`BuybackConfig::floor`], the treasury swaps up to
//! [`BuybackConfig::per_period`] of its USDT for GYM on the GYM/USDT pool and
//! burns the GYM through GymEmission's books (`TotalBurned`). The swap must
//! pay at least what the oracle price says the USDT buys, less
//! [`BuybackConfig::max_slippage`]
//! ([`gym_primitives::prices::buyback_min_out`]): a pool pushed off the
//! oracle price pays less, and the swap is refused
//! ([`Event::BuybackSkipped`]) rather than drain the treasury. A Strategic
//! referendum may order a one-off buyback ([`Pallet::order_buyback`]) under
//! the same guard. Every buyback is an [`Event::BoughtBack`] and a
//! [`BuybackHistory`] entry.
//!
//! ## Progressive tax on large transfers
//!
//! Each sender's GYM moved by transfer calls in a rolling 24 hours
//! ([`Volumes`], hourly buckets) pays the brackets' rates
//! ([`Brackets`]; by default over 0.1% of issuance 1%, over 0.5% 2%, over 1%
//! 5%, each on the volume inside its bracket) to the treasury. A transfer pays
//! what its volume adds to the window's tax
//! ([`gym_primitives::prices::transfer_tax`]), so one split in parts pays
//! what it pays whole. Issuance is read once per bucket ([`TaxBase`]), so
//! parts within a bucket are taxed to the planck like the whole. The
//! [`ChargeTransferTax`] transaction extension charges it before the
//! transfer dispatches and refunds it if the transfer fails; every call the
//! runtime's [`Config::TaxedCalls`] names is taxed the same. Transfers from
//! or to protocol accounts ([`Config::Exempt`]: pools, pots, treasury, pallet
//! accounts) pay nothing. The runtime adds the tax to the fee estimate
//! (`TransactionPaymentApi::query_info`), so the sender sees it before
//! signing.
//!
//! ## Miner economics
//!
//! [`Pallet::miner_economics`]: what a GPU of a class earns per epoch at
//! today's difficulty, its dollar value, and the epoch's electricity and
//! GPU-hour cost at the oracle's prices (`gym_minerEconomics`).
//!
//! Hooks are O(1): one issuance read per bucket and at most one buyback per
//! period.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
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

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod extension;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use extension::{ChargeTransferTax, UNTAXED_ROUTE};

/// What the benchmarks need of the runtime besides the pallet.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Makes `price` the fresh price of `key`.
	fn set_price(key: gym_primitives::prices::PriceKey, price: gym_primitives::prices::UsdPrice);
}
pub use types::*;
pub use weights::WeightInfo;

// FRAME's pallet macro expands to code that uses `expect` (storage prefixes,
// pallet info) and parity-scale-codec's `Encode` derive casts the index of
// data-carrying variants (events, calls, errors) `as u8`: both are allowed in
// this module only. The pallet's logic lives in `impls.rs`, under every lint.
#[frame_support::pallet]
#[allow(clippy::expect_used, clippy::cast_possible_truncation)]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use gym_primitives::{
		prices::{MiningOutlook, PriceOracle, RollingVolume, TaxBracket, UsdPrice},
		traits::{BurnTracker, EpochClock},
		Balance, BlockNumber,
	};
	use sp_runtime::Perbill;
	use sp_runtime::SaturatedConversion;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// GYM (pallet-balances): the tax moves it, the buyback burns it.
		type Currency: fungible::Inspect<Self::AccountId, Balance = Balance>
			+ fungible::Mutate<Self::AccountId>;
		/// Fresh oracle prices.
		type Prices: PriceOracle;
		/// The GYM/USDT pool and the treasury's USDT.
		type Stable: StableSwap<Self::AccountId>;
		/// GymEmission's books, told of every GYM the buyback burns.
		type Burns: BurnTracker;
		/// The emission epochs: a buyback period is one epoch.
		type Epochs: EpochClock;
		/// Compute mining's outlook for a new worker.
		type Mining: MiningOutlook;
		/// The calls that move a user's free GYM.
		type TaxedCalls: TaxedCalls<Self::RuntimeCall, Self::AccountId>;
		/// Protocol accounts: transfers from or to them are not taxed.
		type Exempt: frame_support::traits::Contains<Self::AccountId>;
		/// The treasury: receives the tax, spends USDT on buybacks.
		type Treasury: Get<Self::AccountId>;
		/// Who sets the prices, the buyback and the brackets, and orders a
		/// buyback: Root (a passed referendum; the governance allow-list
		/// says which class of referendum may).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Blocks in one bucket of the tax's rolling window (an hour); the
		/// window is [`gym_primitives::prices::WINDOW_BUCKETS`] buckets.
		#[pallet::constant]
		type BucketBlocks: Get<BlockNumber>;
		/// Milliseconds per block (miner economics' hours).
		#[pallet::constant]
		type BlockMillis: Get<u64>;
		/// The most tax brackets.
		#[pallet::constant]
		type MaxBrackets: Get<u32>;
		/// The buybacks the history keeps (the oldest is dropped).
		#[pallet::constant]
		type MaxHistory: Get<u32>;
		/// The largest slippage governance may allow a buyback.
		#[pallet::constant]
		type MaxSlippage: Get<Perbill>;
		/// The transaction fee of an extrinsic of a length and dispatch info
		/// (`pallet-transaction-payment`, tip aside): a taxed transfer must
		/// leave room for it.
		type Fees: frame_support::traits::EstimateFee<Balance>;
		/// Weights of this pallet's calls, hooks and transaction extension.
		type WeightInfo: WeightInfo;
		/// Sets prices for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// 100 GYM and no dollar price: what a chain that upgrades into this
	/// pallet charges until governance sets a price.
	#[pallet::type_value]
	pub fn DefaultPricing() -> FineTuningPricing {
		FineTuningPricing { usd: None, gym: 100 * gym_primitives::GYM }
	}

	/// The fine-tuning price.
	#[pallet::storage]
	pub type Pricing<T> = StorageValue<_, FineTuningPricing, ValueQuery, DefaultPricing>;

	/// The buyback's settings.
	#[pallet::storage]
	pub type Buyback<T> = StorageValue<_, BuybackConfig, ValueQuery>;

	/// The last [`Config::MaxHistory`] buybacks, oldest first.
	#[pallet::storage]
	pub type BuybackHistory<T: Config> =
		StorageValue<_, BoundedVec<BuybackRecord, T::MaxHistory>, ValueQuery>;

	/// Every buyback together: USDT spent (smallest unit) and GYM burned
	/// (planck).
	#[pallet::storage]
	pub type BoughtBack<T> = StorageValue<_, (Balance, Balance), ValueQuery>;

	/// The seed's brackets ([`gym_primitives::prices::default_brackets`]).
	#[pallet::type_value]
	pub fn DefaultBrackets<T: Config>() -> BoundedVec<TaxBracket, T::MaxBrackets> {
		BoundedVec::truncate_from(gym_primitives::prices::default_brackets().to_vec())
	}

	/// The transfer tax's brackets, lowest first.
	#[pallet::storage]
	pub type Brackets<T: Config> =
		StorageValue<_, BoundedVec<TaxBracket, T::MaxBrackets>, ValueQuery, DefaultBrackets<T>>;

	/// Total issuance as read at the start of the current bucket: the base
	/// of the brackets' thresholds.
	#[pallet::storage]
	pub type TaxBase<T> = StorageValue<_, Balance, ValueQuery>;

	/// Each taxable sender's GYM moved in the rolling window. An entry lives
	/// as long as its account: it is removed when the account is reaped
	/// (`OnKilledAccount`), so each costs an existential deposit.
	#[pallet::storage]
	pub type Volumes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, RollingVolume, OptionQuery>;

	/// Transfer tax paid to the treasury, in all.
	#[pallet::storage]
	pub type TaxCollected<T> = StorageValue<_, Balance, ValueQuery>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// The fine-tuning price.
		pub pricing: FineTuningPricing,
		/// The buyback's settings.
		pub buyback: BuybackConfig,
		/// The tax brackets (empty: the seed's defaults).
		pub brackets: Vec<TaxBracket>,
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: core::marker::PhantomData<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self {
				pricing: DefaultPricing::get(),
				buyback: BuybackConfig::default(),
				brackets: Vec::new(),
				_config: Default::default(),
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(self.pricing.gym > 0, "genesis fine-tuning price of zero");
			Pricing::<T>::put(self.pricing);
			assert!(
				self.buyback.max_slippage <= T::MaxSlippage::get(),
				"genesis buyback slippage above MaxSlippage"
			);
			Buyback::<T>::put(self.buyback);
			let brackets: Vec<TaxBracket> = if self.brackets.is_empty() {
				gym_primitives::prices::default_brackets().to_vec()
			} else {
				self.brackets.clone()
			};
			assert!(gym_primitives::prices::brackets_valid(&brackets), "invalid genesis brackets");
			let bounded =
				BoundedVec::try_from(brackets).expect("genesis brackets within MaxBrackets");
			Brackets::<T>::put(bounded);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance set the fine-tuning price.
		PricingSet {
			/// The new price.
			pricing: FineTuningPricing,
		},
		/// A job was charged the fixed GYM price because the oracle's GYM
		/// price is stale.
		FineTuningFellBack {
			/// The dollar price that could not be converted.
			usd: UsdPrice,
			/// The GYM charged instead, in planck.
			gym: Balance,
		},
		/// Governance set the buyback.
		BuybackSet {
			/// The new settings.
			config: BuybackConfig,
		},
		/// The treasury bought GYM back with USDT and burned it.
		BoughtBack {
			/// Periodic or ordered.
			kind: BuybackKind,
			/// USDT spent, smallest unit.
			usdt_in: Balance,
			/// GYM bought and burned, planck.
			gym_burned: Balance,
			/// The oracle price that guarded it.
			gym_usd: UsdPrice,
			/// The guarded minimum output.
			min_out: Balance,
		},
		/// The period's buyback was due (price under the floor, or no fresh
		/// price to tell) and did not buy.
		BuybackSkipped {
			/// Why not.
			reason: SkipReason,
		},
		/// The period's buyback found no fresh GYM price and did nothing.
		BuybackPriceStale,
		/// Governance set the tax brackets.
		BracketsSet {
			/// The new brackets.
			brackets: Vec<TaxBracket>,
		},
		/// `who` paid `tax` to the treasury on a transfer of `amount` to
		/// `dest`.
		TransferTaxed {
			/// The sender.
			who: T::AccountId,
			/// The receiver.
			dest: T::AccountId,
			/// The GYM moved, in planck.
			amount: Balance,
			/// The tax, in planck.
			tax: Balance,
		},
		/// The transfer failed: its tax went back to `who`.
		TransferTaxRefunded {
			/// The sender.
			who: T::AccountId,
			/// The tax refunded, in planck.
			tax: Balance,
		},
		/// The transfer failed and its tax could not go back to `who` (its
		/// account is gone and the tax is under the existential deposit).
		TransferTaxKept {
			/// The sender.
			who: T::AccountId,
			/// The tax kept by the treasury, in planck.
			tax: Balance,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A price of zero.
		ZeroPrice,
		/// The slippage is above [`Config::MaxSlippage`].
		SlippageTooHigh,
		/// Brackets must rise (thresholds strictly, rates not down) and
		/// every rate must be under 100%.
		BadBrackets,
		/// More brackets than [`Config::MaxBrackets`].
		TooManyBrackets,
		/// A buyback of nothing.
		ZeroAmount,
		/// No fresh GYM price: the oracle's feeders have not posted within
		/// its expiry.
		PriceStale,
		/// The treasury holds less USDT than the buyback asks for.
		NotEnoughUsdt,
		/// The pool pays less than the guarded minimum.
		PoolOffOracle,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::on_block(n.saturated_into())
		}

		fn integrity_test() {
			assert!(T::BucketBlocks::get() > 0, "a bucket has blocks");
			assert!(T::MaxHistory::get() > 0, "the history keeps something");
			assert!(T::MaxBrackets::get() >= 3, "room for the seed's three brackets");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the fine-tuning price: dollars charged at the oracle's GYM
		/// price (`usd`), and the fixed GYM price used without it or while
		/// the price is stale. Governance (Economic).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_pricing())]
		pub fn set_pricing(origin: OriginFor<T>, pricing: FineTuningPricing) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(pricing.gym > 0, Error::<T>::ZeroPrice);
			ensure!(pricing.usd.is_none_or(|usd| !usd.is_zero()), Error::<T>::ZeroPrice);
			Pricing::<T>::put(pricing);
			Self::deposit_event(Event::PricingSet { pricing });
			Ok(())
		}

		/// Sets the buyback: the price floor, the USDT per period and the
		/// largest slippage. Governance (Economic).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_buyback())]
		pub fn set_buyback(origin: OriginFor<T>, config: BuybackConfig) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(config.max_slippage <= T::MaxSlippage::get(), Error::<T>::SlippageTooHigh);
			Buyback::<T>::put(config);
			Self::deposit_event(Event::BuybackSet { config });
			Ok(())
		}

		/// Buys back GYM with `usdt_in` of the treasury's USDT now, whatever
		/// the floor, under the same guard as the periodic buyback, and
		/// burns it. Governance (Strategic).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::order_buyback())]
		pub fn order_buyback(origin: OriginFor<T>, usdt_in: Balance) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(usdt_in > 0, Error::<T>::ZeroAmount);
			let gym_usd = T::Prices::fresh(gym_primitives::prices::PriceKey::GymUsd)
				.ok_or(Error::<T>::PriceStale)?;
			ensure!(
				T::Stable::stable_balance(&T::Treasury::get()) >= usdt_in,
				Error::<T>::NotEnoughUsdt
			);
			Self::buy_back(BuybackKind::Ordered, usdt_in, gym_usd)
		}

		/// Sets the transfer tax's brackets, lowest first. Governance
		/// (Economic).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_brackets(brackets.len() as u32))]
		pub fn set_brackets(origin: OriginFor<T>, brackets: Vec<TaxBracket>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(gym_primitives::prices::brackets_valid(&brackets), Error::<T>::BadBrackets);
			let bounded = BoundedVec::<TaxBracket, T::MaxBrackets>::try_from(brackets.clone())
				.map_err(|_| Error::<T>::TooManyBrackets)?;
			Brackets::<T>::put(bounded);
			Self::deposit_event(Event::BracketsSet { brackets });
			Ok(())
		}
	}
}
