//! # GYM products: the chain's revenue products
//!
//! What GYM chain sells, and how each sale pays the revenue pot
//! ([`gym_primitives::traits::RevenueIntake`], `pallet-revenue-split`). The
//! fees and the signed bytes live once, in [`gym_primitives::products`]; this
//! pallet applies them. Nothing is minted or burned here: every planck moves
//! by a transfer or by `pay_revenue`.
//!
//! | product | who is paid | revenue (source) |
//! |---|---|---|
//! | a model's title or a licence, sold in the marketplace | the owner: 95% of the price | 5% ([`MARKETPLACE_FEE`], `MarketplaceFees`) |
//! | inference, settled by signed receipts | the provider: 80% of what was settled | 20% ([`INFERENCE_FEE`], `InferenceFees`) |
//! | a priority-access subscription | nobody else | the whole price (`Subscriptions`) |
//! | a Zoo collection mint | nobody else | the whole, tier-discounted price (`MarketplaceFees`) |
//!
//! A fee is rounded down and the rest goes to the seller or provider
//! ([`gym_primitives::products::fee_split`]): fee + rest is the price to the
//! planck. [`Config::MinPrice`] bounds every price from below, so a sale's fee
//! is never rounded away to nothing.
//!
//! ## Model registry
//!
//! Compute mining registers the model of each finished training job through
//! [`gym_primitives::traits::ModelRegistrar`]: ids start at
//! [`FIRST_TRAINED_MODEL_ID`] (the ids below are architectures), every field
//! is what the job's committee measured, and the owner is the job's customer
//! or, for a governance job, the treasury ([`Config::Treasury`]). Whoever owns
//! a model acts for it ([`Pallet::set_premium`], listings); a treasury-owned
//! model is acted for by [`Config::GovernanceOrigin`], and its proceeds go to
//! the treasury. A premium model needs access: its owner, a live licence, a
//! live subscription or an access grant bought by burning GYM
//! ([`Config::AccessTokens`]); see [`Pallet::has_access`].
//!
//! ## Marketplace
//!
//! An owner lists the model's title ([`Pallet::list_model`]) and licences
//! ([`Pallet::list_licence`]). A buyer names the most it will pay
//! (`max_price`), so an owner who raises the price in front of the buy
//! cannot take more ([`Error::PriceAboveLimit`]). A sold title changes owner
//! and loses both listings (the new owner lists anew); licences already sold
//! keep running. A licence extends from its current expiry if still live.
//!
//! ## Inference: channels and cumulative receipts
//!
//! A customer deposits GYM into a channel with a registered provider
//! ([`Pallet::deposit`]); the GYM waits in the pallet's account
//! ([`Config::PalletId`], [`Escrow`]). For each call the customer signs a
//! receipt off chain: "on this chain, I owe this provider `cumulative`
//! planck in total on our channel `nonce`"
//! ([`gym_primitives::products::ReceiptPayload`]). The provider settles the
//! newest receipt whenever it likes, in batches ([`Pallet::settle_receipts`]):
//! the chain pays it `cumulative − settled` and remembers `cumulative`.
//!
//! *Why cumulative*: the customer signs a running total, so only the newest
//! receipt matters; the chain keeps one number per channel, not a set of
//! spent receipts, and a provider who loses a receipt loses nothing once it
//! has a newer one. *Replay protection*: a receipt at or below the settled
//! total pays nothing ([`Error::ReceiptAlreadySettled`]); the signed bytes
//! name the chain's genesis hash (no replay on another GYM network), the
//! provider (no replay by another provider) and the channel's nonce, which
//! grows each time a channel is closed ([`ChannelNonces`]), so a receipt of
//! a closed channel is [`Error::StaleReceipt`] on its successor. A receipt
//! never pays more than the channel's deposit ([`Error::ReceiptExceedsDeposit`]).
//!
//! The customer leaves with what was not settled: it asks
//! ([`Pallet::request_withdrawal`]), waits [`Config::SettlementGrace`] blocks
//! in which the provider settles its newest receipt, then withdraws
//! ([`Pallet::withdraw`]). A deposit cancels the request.
//!
//! ## Subscriptions
//!
//! [`Pallet::subscribe`] buys `periods` × [`Config::SubscriptionPeriod`]
//! blocks of priority access (compute mining seats subscribers' jobs first,
//! [`gym_primitives::traits::PriorityAccess`]) and of access to every
//! premium model, at [`SubscriptionPrice`] per period, set by governance.
//!
//! ## Zoo collection
//!
//! A collection of at most [`Config::ZooMaxSupply`] items minted at
//! [`ZooMintPrice`] less the minter's staking-tier discount
//! ([`ZooDiscounts`], [`gym_primitives::products::TierDiscounts`]). Items are
//! numbered from 0 and may be given away ([`Pallet::transfer_zoo`]).
//!
//! ## Attacks considered
//!
//! - *A receipt settled twice*, or an older one after a newer: cumulative
//!   totals; a receipt must exceed the settled total.
//! - *A receipt replayed* on another chain, by another provider or on a
//!   reopened channel: the genesis hash, the provider and the nonce are
//!   signed.
//! - *A receipt for more than the customer deposited*: refused; a provider
//!   serves on credit only up to the channel's unsettled deposit, which it
//!   reads on chain ([`Pallet::channel`]).
//! - *A customer who runs before paying*: withdrawal waits
//!   [`Config::SettlementGrace`] blocks, in which the provider settles.
//! - *A batch that is half bad*: every receipt is checked before anything
//!   is written; one bad receipt settles nothing.
//! - *Front-running a purchase with a higher price*: buyers pass `max_price`.
//! - *Fees rounded away by tiny sales*: every listing, subscription and Zoo
//!   price is at least [`Config::MinPrice`], whose 5% is above 0. An
//!   inference settlement's fee is rounded down per receipt settled, so a
//!   provider who settles in tiny steps keeps under 1 planck of fee per
//!   step, each step a transaction whose fee is many orders of magnitude
//!   more.
//! - *A stake bought just for a Zoo discount*: the discount follows the tier
//!   of the stake ([`Config::Staking`]), which cannot leave before its
//!   unbonding period; the discount is at most the tier's.
//!
//! ## Invariants ([`Pallet::do_try_state`])
//!
//! [`Escrow`] is Σ(deposit − settled) over the channels, and the pallet's
//! account holds at least [`Escrow`] plus the existential deposit (the
//! runtime endows it at genesis); [`ModelCount`] is the number of models and
//! at most [`Config::MaxModels`]; every model id is in
//! `[FIRST_TRAINED_MODEL_ID, NextModelId)`; the Zoo's discounts are valid and
//! no more items exist than its supply.

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
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use gym_primitives::products::{
	TierDiscounts, FIRST_TRAINED_MODEL_ID, INFERENCE_FEE, MARKETPLACE_FEE,
};
pub use types::*;
pub use weights::WeightInfo;

/// The most models one [`Pallet::models`] query returns.
pub const MAX_MODELS_PER_QUERY: u32 = 100;

/// What the benchmarks need of the runtime: accounts that can sign receipts.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Signature> {
	/// A new account whose key the benchmark can sign with.
	fn signer() -> AccountId;
	/// `signer`'s signature of `message`.
	fn sign(signer: &AccountId, message: &[u8]) -> Signature;
}

/// The key type of the keys [`BenchmarkHelper`]'s sr25519 implementation
/// generates in the benchmark's keystore.
#[cfg(feature = "runtime-benchmarks")]
pub const BENCHMARK_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"gymb");

/// sr25519 keys of the keystore the benchmark runs with (the benchmark CLI's,
/// or the mock's), for a runtime of `AccountId32` and `MultiSignature`.
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<sp_runtime::AccountId32, sp_runtime::MultiSignature> for () {
	fn signer() -> sp_runtime::AccountId32 {
		use sp_runtime::traits::IdentifyAccount;
		let public = sp_io::crypto::sr25519_generate(BENCHMARK_KEY_TYPE, None);
		sp_runtime::MultiSigner::Sr25519(public).into_account()
	}

	fn sign(signer: &sp_runtime::AccountId32, message: &[u8]) -> sp_runtime::MultiSignature {
		let public = sp_core::sr25519::Public::from_raw(signer.clone().into());
		let signature = sp_io::crypto::sr25519_sign(BENCHMARK_KEY_TYPE, &public, message)
			// A key not in the keystore: a signature that fails to verify.
			.unwrap_or_else(|| sp_core::sr25519::Signature::from_raw([0; 64]));
		sp_runtime::MultiSignature::Sr25519(signature)
	}
}

// FRAME's pallet macro expands to code that uses `expect` (storage prefixes,
// pallet info) and parity-scale-codec's `Encode` derive casts the index of
// data-carrying variants (events, calls, errors) `as u8`: both are allowed in
// this module only. The pallet's logic lives in `impls.rs`, under every lint.
#[frame_support::pallet]
#[allow(clippy::expect_used, clippy::cast_possible_truncation)]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{pallet_prelude::*, traits::fungible, PalletId};
	use frame_system::pallet_prelude::*;
	use gym_primitives::{
		mining::Micro,
		products::TierDiscounts,
		staking::Tier,
		traits::{AccessTokens, RevenueIntake, StakeTiers, TrainedModel},
		Balance, BlockNumber, ModelId,
	};
	use sp_core::H256;
	use sp_runtime::{
		traits::{IdentifyAccount, Verify},
		Perbill,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// GYM (pallet-balances): sales, deposits and settlements move it.
		type Currency: fungible::Inspect<Self::AccountId, Balance = Balance>
			+ fungible::Mutate<Self::AccountId>;
		/// The revenue pot: every fee, subscription and Zoo mint is paid
		/// into it.
		type Revenue: RevenueIntake<Self::AccountId>;
		/// Staking tiers: the Zoo's discounts.
		type Staking: StakeTiers<Self::AccountId>;
		/// Access bought by burning GYM (revenue split's `burn_for_access`).
		type AccessTokens: AccessTokens<Self::AccountId>;
		/// Who sets the subscription and Zoo prices and the Zoo's discounts,
		/// and acts for treasury-owned models.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The treasury: owns the models of governance jobs and receives
		/// their proceeds.
		type Treasury: Get<Self::AccountId>;
		/// The pallet's account, which holds the inference deposits. The
		/// runtime endows it with the existential deposit at genesis.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// A customer's signature of a receipt (`MultiSignature`).
		type Signature: Verify<Signer = Self::Public>
			+ Parameter
			+ Member
			+ MaxEncodedLen
			+ TypeInfo;
		/// The key a receipt signature is checked against (`MultiSigner`):
		/// it identifies the customer's account.
		type Public: IdentifyAccount<AccountId = Self::AccountId>;
		/// Blocks a customer waits between asking to withdraw and
		/// withdrawing: the provider's time to settle its newest receipt.
		#[pallet::constant]
		type SettlementGrace: Get<BlockNumber>;
		/// Blocks of one subscription period.
		#[pallet::constant]
		type SubscriptionPeriod: Get<BlockNumber>;
		/// The most periods one subscription call buys.
		#[pallet::constant]
		type MaxSubscriptionPeriods: Get<u32>;
		/// The most receipts one settlement carries.
		#[pallet::constant]
		type MaxReceiptsPerSettlement: Get<u32>;
		/// The most models the registry holds.
		#[pallet::constant]
		type MaxModels: Get<u32>;
		/// The least price of a listing, a subscription period or a Zoo
		/// mint (0 closes the latter two), and the least deposit: keeps
		/// every sale's fee above 0.
		#[pallet::constant]
		type MinPrice: Get<Balance>;
		/// The longest provider endpoint, in bytes.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;
		/// The most Zoo items that will ever exist.
		#[pallet::constant]
		type ZooMaxSupply: Get<u32>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
		/// Signing accounts for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::Signature>;
	}

	/// The registered models by id.
	#[pallet::storage]
	pub type Models<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, ModelEntry<T::AccountId>, OptionQuery>;

	/// The id the next registered model gets (read through
	/// [`Pallet::next_model_id`]: 0 before the first stands for
	/// [`FIRST_TRAINED_MODEL_ID`]).
	#[pallet::storage]
	pub type NextModelId<T> = StorageValue<_, ModelId, ValueQuery>;

	/// How many models are registered.
	#[pallet::storage]
	pub type ModelCount<T> = StorageValue<_, u32, ValueQuery>;

	/// Models whose title is for sale, and the price.
	#[pallet::storage]
	pub type TitleListings<T> = StorageMap<_, Twox64Concat, ModelId, Balance, OptionQuery>;

	/// Models whose licences are for sale, and the terms.
	#[pallet::storage]
	pub type LicenceListings<T> = StorageMap<_, Twox64Concat, ModelId, LicenceTerms, OptionQuery>;

	/// Licences bought: the block each ends at (access holds before it).
	#[pallet::storage]
	pub type Licences<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ModelId,
		BlockNumber,
		OptionQuery,
	>;

	/// Registered inference providers.
	#[pallet::storage]
	pub type Providers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ProviderInfo<T::MaxEndpointLen>, OptionQuery>;

	/// Open payment channels, by customer and provider.
	#[pallet::storage]
	pub type Channels<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		Channel,
		OptionQuery,
	>;

	/// The nonce the next channel between a customer and a provider gets:
	/// it outlives the channel, so a reopened channel never takes an old
	/// nonce (and old receipts).
	#[pallet::storage]
	pub type ChannelNonces<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		u32,
		ValueQuery,
	>;

	/// GYM in escrow on the channels: Σ(deposit − settled).
	#[pallet::storage]
	pub type Escrow<T> = StorageValue<_, Balance, ValueQuery>;

	/// The price of one subscription period, in planck (0: not for sale).
	#[pallet::storage]
	pub type SubscriptionPrice<T> = StorageValue<_, Balance, ValueQuery>;

	/// Subscriptions: the block each ends at (it holds before it).
	#[pallet::storage]
	pub type Subscriptions<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumber, OptionQuery>;

	/// The Zoo's mint price before discounts, in planck (0: closed).
	#[pallet::storage]
	pub type ZooMintPrice<T> = StorageValue<_, Balance, ValueQuery>;

	/// The Zoo's discount by staking tier.
	#[pallet::storage]
	pub type ZooDiscounts<T> = StorageValue<_, TierDiscounts, ValueQuery>;

	/// The owner of each Zoo item.
	#[pallet::storage]
	pub type ZooItems<T: Config> = StorageMap<_, Twox64Concat, u32, T::AccountId, OptionQuery>;

	/// The number the next Zoo item gets (also the number minted).
	#[pallet::storage]
	pub type NextZooItem<T> = StorageValue<_, u32, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The price of one subscription period (0: not for sale).
		pub subscription_price: Balance,
		/// The Zoo's mint price before discounts (0: closed).
		pub zoo_mint_price: Balance,
		/// The Zoo's discounts by tier.
		pub zoo_discounts: TierDiscounts,
		/// Models registered at genesis (development chains), ids from
		/// [`gym_primitives::products::FIRST_TRAINED_MODEL_ID`] in order.
		pub models: Vec<GenesisModel<T::AccountId>>,
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				Pallet::<T>::price_allowed(self.subscription_price),
				"genesis subscription price below MinPrice"
			);
			assert!(
				Pallet::<T>::price_allowed(self.zoo_mint_price),
				"genesis Zoo mint price below MinPrice"
			);
			assert!(self.zoo_discounts.is_valid(), "genesis Zoo discounts fall with the tier");
			SubscriptionPrice::<T>::put(self.subscription_price);
			ZooMintPrice::<T>::put(self.zoo_mint_price);
			ZooDiscounts::<T>::put(self.zoo_discounts);
			for model in &self.models {
				assert!(
					model.architecture < gym_primitives::products::FIRST_TRAINED_MODEL_ID,
					"a genesis model's architecture is a trained model's id"
				);
				let registered = Pallet::<T>::register(
					None,
					TrainedModel {
						job: 0,
						architecture: model.architecture,
						checkpoint: model.checkpoint,
						round: 0,
						loss: Micro::MAX,
						val_loss: Micro::MAX,
						owner: model.owner.clone(),
						premium: model.premium,
					},
				);
				assert!(registered.is_ok(), "more genesis models than MaxModels");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Compute mining registered the model of a finished job.
		ModelRegistered {
			/// The new model's id.
			model: ModelId,
			/// The job that trained it (`None`: registered at genesis).
			job: Option<u32>,
			/// The architecture trained.
			architecture: ModelId,
			/// The final checkpoint's hash.
			checkpoint: H256,
			/// The last round's training loss, in millionths.
			loss: Micro,
			/// The last round's validation loss, in millionths.
			val_loss: Micro,
			/// Its owner (the treasury for a governance job).
			owner: T::AccountId,
			/// Whether calling it needs access.
			premium: bool,
		},
		/// The owner made a model premium, or free to call.
		PremiumSet {
			/// The model.
			model: ModelId,
			/// Whether calling it needs access now.
			premium: bool,
		},
		/// A model's title was listed for sale.
		ModelListed {
			/// The model.
			model: ModelId,
			/// Its price, in planck.
			price: Balance,
		},
		/// A model's title is no longer for sale.
		ModelDelisted {
			/// The model.
			model: ModelId,
		},
		/// A model's title was sold.
		ModelSold {
			/// The model.
			model: ModelId,
			/// The owner before (paid the price less the fee).
			seller: T::AccountId,
			/// The new owner.
			buyer: T::AccountId,
			/// The price paid, in planck.
			price: Balance,
			/// The marketplace fee paid into revenue, in planck.
			fee: Balance,
		},
		/// A model's licences were listed for sale.
		LicenceListed {
			/// The model.
			model: ModelId,
			/// The price of one licence, in planck.
			price: Balance,
			/// The blocks one licence adds.
			duration: BlockNumber,
		},
		/// A model's licences are no longer for sale.
		LicenceDelisted {
			/// The model.
			model: ModelId,
		},
		/// A licence was sold.
		LicenceSold {
			/// The model.
			model: ModelId,
			/// Who holds the licence.
			buyer: T::AccountId,
			/// The price paid, in planck.
			price: Balance,
			/// The marketplace fee paid into revenue, in planck.
			fee: Balance,
			/// The block the licence now ends at.
			expires_at: BlockNumber,
		},
		/// An inference provider registered or changed its terms.
		ProviderRegistered {
			/// The provider.
			provider: T::AccountId,
			/// Its advertised price per call, in planck.
			price_per_call: Balance,
			/// Its endpoint.
			endpoint: BoundedVec<u8, T::MaxEndpointLen>,
		},
		/// A customer deposited GYM on its channel with a provider.
		Deposited {
			/// The customer.
			customer: T::AccountId,
			/// The provider.
			provider: T::AccountId,
			/// The GYM deposited, in planck.
			amount: Balance,
			/// The channel's nonce (receipts must name it).
			nonce: u32,
		},
		/// A customer asked to withdraw what its channel has not settled.
		WithdrawalRequested {
			/// The customer.
			customer: T::AccountId,
			/// The provider.
			provider: T::AccountId,
			/// The block from which it may withdraw.
			unlock_at: BlockNumber,
		},
		/// A customer closed its channel and took back what was not settled.
		Withdrawn {
			/// The customer.
			customer: T::AccountId,
			/// The provider.
			provider: T::AccountId,
			/// The GYM refunded, in planck.
			refund: Balance,
		},
		/// A provider settled a customer's receipt.
		ReceiptSettled {
			/// The provider (paid `amount − fee`).
			provider: T::AccountId,
			/// The customer.
			customer: T::AccountId,
			/// What this settlement took from the channel, in planck.
			amount: Balance,
			/// The inference fee paid into revenue, in planck.
			fee: Balance,
			/// The channel's settled total now.
			cumulative: Balance,
		},
		/// An account bought subscription periods.
		Subscribed {
			/// The subscriber.
			who: T::AccountId,
			/// The periods bought.
			periods: u32,
			/// The GYM paid into revenue, in planck.
			paid: Balance,
			/// The block the subscription now ends at.
			expires_at: BlockNumber,
		},
		/// Governance set the price of a subscription period.
		SubscriptionPriceSet {
			/// The new price, in planck (0: not for sale).
			price: Balance,
		},
		/// A Zoo item was minted.
		ZooMinted {
			/// The item's number.
			item: u32,
			/// The minter and owner.
			who: T::AccountId,
			/// The minter's staking tier.
			tier: Option<Tier>,
			/// The price paid into revenue, in planck.
			price: Balance,
			/// The tier's discount off the base price.
			discount: Perbill,
		},
		/// A Zoo item changed hands.
		ZooTransferred {
			/// The item.
			item: u32,
			/// The owner before.
			from: T::AccountId,
			/// The owner now.
			to: T::AccountId,
		},
		/// Governance set the Zoo's mint price.
		ZooPriceSet {
			/// The new base price, in planck (0: closed).
			price: Balance,
		},
		/// Governance set the Zoo's tier discounts.
		ZooDiscountsSet {
			/// The new discounts.
			discounts: TierDiscounts,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No model has this id.
		UnknownModel,
		/// Only the model's owner (governance for the treasury's) may.
		NotOwner,
		/// The registry holds [`Config::MaxModels`] models.
		TooManyModels,
		/// It is not for sale.
		NotListed,
		/// The price is above the buyer's `max_price`.
		PriceAboveLimit,
		/// The licence's duration is below the buyer's `min_duration`.
		DurationBelowLimit,
		/// The price or amount is below [`Config::MinPrice`].
		PriceTooLow,
		/// The buyer already owns the model.
		AlreadyOwner,
		/// A licence of zero blocks.
		BadDuration,
		/// The endpoint is empty or longer than [`Config::MaxEndpointLen`].
		BadEndpoint,
		/// The provider is not registered.
		UnknownProvider,
		/// The customer has no channel with this provider.
		NoChannel,
		/// The channel's grace period has not passed yet.
		NotUnlocked,
		/// The customer has not asked to withdraw.
		WithdrawalNotRequested,
		/// A settlement without receipts.
		NoReceipts,
		/// The receipt names another nonce than the channel's (a receipt
		/// of a closed channel).
		StaleReceipt,
		/// The signature is not the customer's over this chain's, this
		/// provider's and this channel's receipt.
		BadSignature,
		/// The receipt's total is not above what was settled already.
		ReceiptAlreadySettled,
		/// The receipt's total is above the channel's deposit.
		ReceiptExceedsDeposit,
		/// A customer appears twice in one settlement.
		DuplicateCustomer,
		/// A subscription of zero periods.
		ZeroPeriods,
		/// More periods than [`Config::MaxSubscriptionPeriods`].
		TooManyPeriods,
		/// Subscriptions are not for sale (price 0).
		SubscriptionsNotForSale,
		/// An amount or block number overflowed.
		ArithmeticOverflow,
		/// The Zoo is closed (price 0).
		ZooClosed,
		/// Every Zoo item has been minted.
		SoldOut,
		/// The item does not exist or belongs to someone else.
		NotItemOwner,
		/// The discounts fall with the tier.
		BadDiscounts,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(TierDiscounts::default().is_valid(), "the default Zoo discounts are valid");
			assert!(T::MaxReceiptsPerSettlement::get() > 0, "a settlement carries receipts");
			assert!(T::SubscriptionPeriod::get() > 0, "a subscription period has blocks");
			assert!(
				MARKETPLACE_FEE.mul_floor(T::MinPrice::get()) > 0,
				"the marketplace fee of the least price is above 0"
			);
			assert!(T::MaxEndpointLen::get() > 0, "an endpoint has room");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Makes `model` premium (calls need access) or free to call. Its
		/// owner (governance for the treasury's).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_premium())]
		pub fn set_premium(origin: OriginFor<T>, model: ModelId, premium: bool) -> DispatchResult {
			let mut entry = Self::owned_model(origin, model)?;
			entry.premium = premium;
			Models::<T>::insert(model, entry);
			Self::deposit_event(Event::PremiumSet { model, premium });
			Ok(())
		}

		/// Offers `model`'s title for `price` (at least
		/// [`Config::MinPrice`]), replacing any earlier offer. Its owner.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::list_model())]
		pub fn list_model(origin: OriginFor<T>, model: ModelId, price: Balance) -> DispatchResult {
			Self::owned_model(origin, model)?;
			ensure!(price >= T::MinPrice::get(), Error::<T>::PriceTooLow);
			TitleListings::<T>::insert(model, price);
			Self::deposit_event(Event::ModelListed { model, price });
			Ok(())
		}

		/// Withdraws the offer of `model`'s title. Its owner.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::delist_model())]
		pub fn delist_model(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			Self::owned_model(origin, model)?;
			ensure!(TitleListings::<T>::contains_key(model), Error::<T>::NotListed);
			TitleListings::<T>::remove(model);
			Self::deposit_event(Event::ModelDelisted { model });
			Ok(())
		}

		/// Buys `model`'s title at its listed price, if at most
		/// `max_price`: the owner gets the price less the marketplace fee,
		/// revenue the fee; the buyer becomes the owner and both listings
		/// end.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::buy_model())]
		pub fn buy_model(
			origin: OriginFor<T>,
			model: ModelId,
			max_price: Balance,
		) -> DispatchResult {
			let buyer = ensure_signed(origin)?;
			Self::sell_title(buyer, model, max_price)
		}

		/// Offers licences of `model`: `duration` blocks of access for
		/// `price` (at least [`Config::MinPrice`]), replacing any earlier
		/// offer. Its owner.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::list_licence())]
		pub fn list_licence(
			origin: OriginFor<T>,
			model: ModelId,
			price: Balance,
			duration: BlockNumber,
		) -> DispatchResult {
			Self::owned_model(origin, model)?;
			ensure!(price >= T::MinPrice::get(), Error::<T>::PriceTooLow);
			ensure!(duration > 0, Error::<T>::BadDuration);
			LicenceListings::<T>::insert(model, LicenceTerms { price, duration });
			Self::deposit_event(Event::LicenceListed { model, price, duration });
			Ok(())
		}

		/// Withdraws the offer of `model`'s licences (licences sold keep
		/// running). Its owner.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::delist_licence())]
		pub fn delist_licence(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			Self::owned_model(origin, model)?;
			ensure!(LicenceListings::<T>::contains_key(model), Error::<T>::NotListed);
			LicenceListings::<T>::remove(model);
			Self::deposit_event(Event::LicenceDelisted { model });
			Ok(())
		}

		/// Buys a licence of `model` at its listed price, if at most
		/// `max_price` and for at least `min_duration` blocks (an owner who
		/// raises the price or cuts the duration before the purchase is
		/// included gets `PriceAboveLimit` or `DurationBelowLimit`, not the
		/// buyer's GYM): its duration is added from the end of a live
		/// licence, or from now.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::buy_licence())]
		pub fn buy_licence(
			origin: OriginFor<T>,
			model: ModelId,
			max_price: Balance,
			min_duration: BlockNumber,
		) -> DispatchResult {
			let buyer = ensure_signed(origin)?;
			Self::sell_licence(buyer, model, max_price, min_duration)
		}

		/// Registers the caller as an inference provider, or changes its
		/// advertised price and endpoint (1 to [`Config::MaxEndpointLen`]
		/// bytes).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::register_provider())]
		pub fn register_provider(
			origin: OriginFor<T>,
			price_per_call: Balance,
			endpoint: Vec<u8>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			ensure!(!endpoint.is_empty(), Error::<T>::BadEndpoint);
			let endpoint = BoundedVec::<u8, T::MaxEndpointLen>::try_from(endpoint)
				.map_err(|_| Error::<T>::BadEndpoint)?;
			Providers::<T>::insert(
				&provider,
				ProviderInfo { price_per_call, endpoint: endpoint.clone() },
			);
			Self::deposit_event(Event::ProviderRegistered { provider, price_per_call, endpoint });
			Ok(())
		}

		/// Deposits `amount` (at least [`Config::MinPrice`]) on the caller's
		/// channel with `provider`, opening it if needed; cancels a
		/// withdrawal request.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(
			origin: OriginFor<T>,
			provider: T::AccountId,
			amount: Balance,
		) -> DispatchResult {
			let customer = ensure_signed(origin)?;
			Self::open_or_top_up(customer, provider, amount)
		}

		/// Asks to withdraw what the caller's channel with `provider` has
		/// not settled, after [`Config::SettlementGrace`] blocks.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::request_withdrawal())]
		pub fn request_withdrawal(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
			let customer = ensure_signed(origin)?;
			Self::start_grace(customer, provider)
		}

		/// Closes the caller's channel with `provider` once its grace has
		/// passed and refunds what was not settled.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
			let customer = ensure_signed(origin)?;
			Self::close_channel(customer, provider)
		}

		/// Settles the caller's customers' newest receipts, at most one per
		/// customer: each pays the provider what it adds to its channel's
		/// settled total, less the inference fee. One bad receipt settles
		/// none.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::settle_receipts(receipts.len() as u32))]
		pub fn settle_receipts(
			origin: OriginFor<T>,
			receipts: BoundedVec<
				SignedReceipt<T::AccountId, T::Signature>,
				T::MaxReceiptsPerSettlement,
			>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			let checked = Self::check_receipts(&provider, &receipts)?;
			Self::pay_receipts(&provider, checked)
		}

		/// Buys `periods` subscription periods at [`SubscriptionPrice`]
		/// each, added from the end of a live subscription or from now.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::subscribe())]
		pub fn subscribe(origin: OriginFor<T>, periods: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::sell_subscription(who, periods)
		}

		/// Sets the price of a subscription period: 0 stops sales, anything
		/// else is at least [`Config::MinPrice`]. Governance.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_subscription_price())]
		pub fn set_subscription_price(origin: OriginFor<T>, price: Balance) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Self::price_allowed(price), Error::<T>::PriceTooLow);
			SubscriptionPrice::<T>::put(price);
			Self::deposit_event(Event::SubscriptionPriceSet { price });
			Ok(())
		}

		/// Mints the next Zoo item at the caller's price (the base price
		/// less its staking tier's discount), if at most `max_price`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::mint_zoo())]
		pub fn mint_zoo(origin: OriginFor<T>, max_price: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::sell_zoo_item(who, max_price)
		}

		/// Gives Zoo item `item` to `to`. Its owner.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::transfer_zoo())]
		pub fn transfer_zoo(origin: OriginFor<T>, item: u32, to: T::AccountId) -> DispatchResult {
			let from = ensure_signed(origin)?;
			ensure!(ZooItems::<T>::get(item).as_ref() == Some(&from), Error::<T>::NotItemOwner);
			ZooItems::<T>::insert(item, &to);
			Self::deposit_event(Event::ZooTransferred { item, from, to });
			Ok(())
		}

		/// Sets the Zoo's base mint price: 0 closes it, anything else is at
		/// least [`Config::MinPrice`]. Governance.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::set_zoo_price())]
		pub fn set_zoo_price(origin: OriginFor<T>, price: Balance) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Self::price_allowed(price), Error::<T>::PriceTooLow);
			ZooMintPrice::<T>::put(price);
			Self::deposit_event(Event::ZooPriceSet { price });
			Ok(())
		}

		/// Sets the Zoo's discounts by staking tier (never falling with the
		/// tier). Governance.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::set_zoo_discounts())]
		pub fn set_zoo_discounts(origin: OriginFor<T>, discounts: TierDiscounts) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(discounts.is_valid(), Error::<T>::BadDiscounts);
			ZooDiscounts::<T>::put(discounts);
			Self::deposit_event(Event::ZooDiscountsSet { discounts });
			Ok(())
		}
	}
}
