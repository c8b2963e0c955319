//! # GYM revenue split pallet
//!
//! Revenue of the GYM network comes in as GYM, is pooled for one
//! distribution period, and is split at the period's end: 40% to compute
//! miners, 20% to stakers, 15% to liquidity providers, 15% to the
//! development fund, 10% burned. GYM can also be burned for access to a
//! model ("access tokens").
//!
//! ## Terms
//!
//! - **Sources** ([`RevenueSource`]): inference fees, fine-tuning payments,
//!   marketplace fees and subscriptions are paid in with
//!   [`Pallet::pay_revenue`]; the chain's transaction fees and tips come in
//!   through the runtime's fee handler (this pallet implements
//!   [`OnUnbalanced`] for fee credits). A fee only lands in the pot account:
//!   it is booked (as [`RevenueSource::TransactionFees`], with anything else
//!   sent to the pot account outside this pallet) when its period closes,
//!   so that a transaction's fee writes one account and no counter
//!   ([`Pallet::unbooked_fees`]; the runtime API counts them live).
//! - **Pot account**: [`Pallet::account_id`], `PalletId(*b"gym/revn")`. It
//!   holds the undistributed pot ([`Pot`]) and the miner revenue set aside
//!   and not yet claimed ([`MinerFunds`]). Its first existential deposit
//!   (1 mGYM) comes from the first revenue or fee paid in and stays there as
//!   the account's own balance, owed to nobody ([`Event::PotEndowed`]).
//! - **Period**: one mining epoch of `pallet-gym-emission` (10 blocks on the
//!   dev chain, 600 on local and test networks). Period `p` collects revenue
//!   during epoch `p`; its pot is split in the first block of epoch `p + 1`.
//! - **Split** ([`Split`], [`CurrentSplit`]): five percentages that always add
//!   up to 100%, set by [`Config::GovernanceOrigin`] with
//!   [`Pallet::set_split`]. Each share is rounded down.
//! - **Miner contribution**: the compute-mining pallet reports each miner's
//!   contribution (points) in the current period through
//!   [`MiningContribution::note_contribution`]. When the period closes, the
//!   miners' share is set aside in a pool for that period ([`MinerPools`]);
//!   each miner's part is `share × points / period points`, rounded down,
//!   credited lazily when the miner next contributes or claims
//!   ([`Pallet::claim_miner_revenue`]). When the last miner of a period has
//!   been credited, the pool's rounding dust goes back to the pot.
//! - **Stakers, liquidity providers, development fund**: paid through
//!   [`RevenueSink`]s: stakers by boosted stake with
//!   `pallet-tiered-staking`'s accumulator ([`ToStakers`]); liquidity
//!   providers and the development fund into accounts ([`ToAccount`]) until
//!   liquidity pools land (a pool pallet only has to implement
//!   [`RevenueSink`]).
//! - **Burn**: the burn share leaves the total issuance and is added to
//!   `pallet-gym-emission`'s `TotalBurned` ([`BurnTracker`]).
//! - **Access tokens**: [`Pallet::burn_for_access`] burns GYM and extends the
//!   caller's access to a model by `amount × DAYS / price` blocks
//!   ([`gym_primitives::revenue::access_blocks`]); the price of one day is
//!   set by governance ([`Pallet::set_access_price`]).
//!
//! ## Rules for what cannot be paid
//!
//! Nothing is lost to rounding and nobody is paid for a period they had no
//! share in:
//! - rounding dust of a split stays in the pot for the next period;
//! - the share of a class with nobody to pay (no miner contributed in the
//!   period, nobody is staked at Bronze or above, a sink refuses the
//!   payment) stays in the pot ([`Event::ShareCarried`]);
//! - a miner's unclaimed revenue stays owed to that miner, forever.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - `Pot + MinerFunds == received − paid out − burned` ([`Totals`]);
//! - `MinerFunds == Σ pool remainders + Σ credited miner revenue`;
//! - every pool's unsettled points are the sum of its miners' points;
//! - the pot account holds at least `Pot + MinerFunds`;
//! - the split adds up to 100%.
//!
//! ## Cost
//!
//! A period's split is O(1): a fixed number of transfers, one pool and one
//! history record; the history keeps [`Config::MaxHistory`] periods, pruning
//! one per period. No hook or call iterates over miners or stakers.

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

pub use gym_primitives::revenue::{RecipientClass, RevenueBySource, RevenueSource, Split};
pub use gym_primitives::{
	traits::{
		AccessTokens, BurnTracker, EpochClock, MiningContribution, ModelIdsBelow, ModelRegistry,
		RevenueIntake, StakeTiers,
	},
	EpochIndex,
};
pub use impls::{ToAccount, ToStakers};
pub use types::*;
pub use weights::WeightInfo;

use frame_support::{pallet_prelude::DispatchResult, PalletId};
use gym_primitives::Balance;

/// The id of the pot account.
pub const PALLET_ID: PalletId = PalletId(*b"gym/revn");

/// Where a class of recipients receives its share of a period's pot.
pub trait RevenueSink<AccountId> {
	/// Moves `amount` from `from` (kept alive) to the recipients. Fails,
	/// moving nothing, when there is nobody to pay or the GYM cannot move;
	/// the share then stays in the pot.
	fn receive(from: &AccountId, amount: Balance) -> DispatchResult;
}

/// Prepares what the benchmarks need from other pallets.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Makes `who` a staker at Bronze or above, so the stakers' share is paid.
	fn add_staker(who: &AccountId);
}

/// Any staking implementation sets up the stakers the benchmarks need.
#[cfg(feature = "runtime-benchmarks")]
impl<AccountId, S: StakeTiers<AccountId>> BenchmarkHelper<AccountId> for S {
	fn add_staker(who: &AccountId) {
		S::fund_and_stake(who, gym_primitives::staking::Tier::Bronze.minimum());
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
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use gym_primitives::{revenue::DEFAULT_ACCESS_PRICE_PER_DAY, BlockNumber, ModelId};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The GYM currency (pallet-balances).
		type Currency: fungible::Inspect<Self::AccountId, Balance = Balance>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::Balanced<Self::AccountId>;
		/// The emission pallet: epochs (the distribution periods), the
		/// record of burned GYM, and the sink that burns and records a
		/// dropped credit (a fee the empty pot cannot take).
		type Emission: EpochClock
			+ BurnTracker
			+ frame_support::traits::OnUnbalanced<
				frame_support::traits::fungible::Credit<Self::AccountId, Self::Currency>,
			>;
		/// Receives the stakers' share ([`ToStakers`] in the runtime).
		type Stakers: RevenueSink<Self::AccountId>;
		/// Receives the liquidity providers' share.
		type LiquidityProviders: RevenueSink<Self::AccountId>;
		/// Receives the development fund's share.
		type DevelopmentFund: RevenueSink<Self::AccountId>;
		/// The model ids access can be bought for.
		type Models: ModelRegistry;
		/// Who may change the split and the access price: Root until
		/// governance lands.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// How many closed periods [`History`] keeps. Must be positive.
		#[pallet::constant]
		type MaxHistory: Get<u32>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
		/// Sets up stakers for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The split in force.
	#[pallet::storage]
	pub type CurrentSplit<T> = StorageValue<_, Split, ValueQuery>;

	/// The default price of one day of access: 1 GYM.
	#[pallet::type_value]
	pub fn DefaultAccessPrice() -> Balance {
		DEFAULT_ACCESS_PRICE_PER_DAY
	}

	/// The price of one day (14,400 blocks) of access to one model; 0 means
	/// access is not for sale.
	#[pallet::storage]
	pub type AccessPricePerDay<T> = StorageValue<_, Balance, ValueQuery, DefaultAccessPrice>;

	/// Undistributed revenue: what the next split divides.
	#[pallet::storage]
	pub type Pot<T> = StorageValue<_, Balance, ValueQuery>;

	/// The period now collecting revenue.
	#[pallet::storage]
	pub type CurrentPeriod<T> = StorageValue<_, EpochIndex, ValueQuery>;

	/// Revenue received in the current period, per source.
	#[pallet::storage]
	pub type PeriodIncome<T> = StorageValue<_, RevenueBySource, ValueQuery>;

	/// The miners' total contribution in the current period.
	#[pallet::storage]
	pub type PeriodPoints<T> = StorageValue<_, u128, ValueQuery>;

	/// Each miner's contribution in the last period it contributed to, until
	/// it is credited.
	#[pallet::storage]
	pub type MinerPoints<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (EpochIndex, u128), OptionQuery>;

	/// The miners' share of closed periods with miners not yet credited.
	#[pallet::storage]
	pub type MinerPools<T> = StorageMap<_, Twox64Concat, EpochIndex, MinerPool, OptionQuery>;

	/// Miner revenue credited to an account and not yet claimed.
	#[pallet::storage]
	pub type MinerOwed<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Balance, ValueQuery>;

	/// Σ pool remainders + Σ [`MinerOwed`]: GYM in the pot account that
	/// belongs to miners.
	#[pallet::storage]
	pub type MinerFunds<T> = StorageValue<_, Balance, ValueQuery>;

	/// Running totals of the pot.
	#[pallet::storage]
	pub type Totals<T> = StorageValue<_, RevenueTotals, ValueQuery>;

	/// The records of the last [`Config::MaxHistory`] closed periods.
	#[pallet::storage]
	pub type History<T> = StorageMap<_, Twox64Concat, EpochIndex, PeriodRevenue, OptionQuery>;

	/// Access bought with [`Pallet::burn_for_access`]: the first block
	/// without access, per account and model.
	#[pallet::storage]
	pub type AccessGrants<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ModelId,
		BlockNumber,
		OptionQuery,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `payer` paid `amount` of revenue from `source` into the pot.
		RevenuePaid {
			/// Who paid.
			payer: T::AccountId,
			/// The revenue source.
			source: RevenueSource,
			/// The amount paid, in planck.
			amount: Balance,
		},
		/// Transaction fees could not enter the empty pot account (below the
		/// existential deposit) and were burned.
		FeesBurned {
			/// The fees burned, in planck.
			amount: Balance,
		},
		/// `amount` of revenue stayed in the empty pot account as its own
		/// balance (the existential deposit), owed to nobody.
		PotEndowed {
			/// The amount kept as the account's existential deposit, in planck.
			amount: Balance,
		},
		/// Period `period` closed and its pot was split (see the record in
		/// [`History`]).
		PeriodClosed {
			/// The period's record.
			record: PeriodRevenue,
		},
		/// The share of `class` for `period` had nobody to pay and stayed in
		/// the pot.
		ShareCarried {
			/// The distribution period (the epoch it covers).
			period: EpochIndex,
			/// The recipient class that had nobody to pay.
			class: RecipientClass,
			/// The share kept in the pot, in planck.
			amount: Balance,
		},
		/// The split burned `amount`.
		RevenueBurned {
			/// The distribution period (the epoch it covers).
			period: EpochIndex,
			/// The amount burned, in planck.
			amount: Balance,
		},
		/// `who` claimed `amount` of miner revenue.
		MinerRevenueClaimed {
			/// The account.
			who: T::AccountId,
			/// The amount claimed, in planck.
			amount: Balance,
		},
		/// `who` burned `amount` for access to `model` until block
		/// `expires_at` (exclusive).
		AccessBought {
			/// The account.
			who: T::AccountId,
			/// The model.
			model: ModelId,
			/// The amount burned, in planck.
			amount: Balance,
			/// The first block without access.
			expires_at: BlockNumber,
		},
		/// Governance replaced the split.
		SplitUpdated {
			/// The new split.
			split: Split,
		},
		/// Governance set the price of one day of access.
		AccessPriceUpdated {
			/// The new price of one day of access, in planck.
			price_per_day: Balance,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// Transaction fees are paid in by the chain itself, not by a call.
		SourceReservedForFees,
		/// The payer cannot pay the amount and stay above the existential
		/// deposit.
		InsufficientBalance,
		/// The first payment into the empty pot must be at least the
		/// existential deposit.
		BelowExistentialDeposit,
		/// There is no miner revenue to claim.
		NothingToClaim,
		/// The claimed revenue could not be paid (it is below the existential
		/// deposit of an account that does not exist yet).
		ClaimTransferFailed,
		/// The model id is not one access can be bought for.
		UnknownModel,
		/// Governance has taken access off sale (price 0).
		AccessNotForSale,
		/// The amount buys less than one block of access.
		AmountBuysNoAccess,
		/// The split's percentages do not add up to 100%.
		SplitNotWhole,
		/// A total would overflow (impossible with GYM's supply).
		ArithmeticOverflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Closes the previous period in the first block of a new one: O(1).
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::on_block(n)
		}

		fn integrity_test() {
			assert!(T::MaxHistory::get() > 0, "MaxHistory must be positive");
			assert!(Split::gym().is_whole(), "the default split must add up to 100%");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Pays `amount` of revenue from `source` into the pot; the caller
		/// stays above the existential deposit. Any source but
		/// [`RevenueSource::TransactionFees`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::pay_revenue())]
		pub fn pay_revenue(
			origin: OriginFor<T>,
			source: RevenueSource,
			amount: Balance,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			<Self as RevenueIntake<T::AccountId>>::pay_revenue(&payer, source, amount)
		}

		/// Pays the caller the miner revenue of every closed period it
		/// contributed to.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::claim_miner_revenue())]
		pub fn claim_miner_revenue(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(&who)
		}

		/// Burns `amount` of the caller's GYM (the caller stays above the
		/// existential deposit) for access to `model`: the access is extended
		/// by `amount × 14,400 / price_per_day` blocks from its current expiry
		/// or from now, whichever is later.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::burn_for_access())]
		pub fn burn_for_access(
			origin: OriginFor<T>,
			model: ModelId,
			amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_burn_for_access(&who, model, amount)
		}

		/// Replaces the split. Only [`Config::GovernanceOrigin`]; the
		/// percentages must add up to 100%. Applies from the next split.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_split())]
		pub fn set_split(origin: OriginFor<T>, split: Split) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(split.is_whole(), Error::<T>::SplitNotWhole);
			CurrentSplit::<T>::put(split);
			Self::deposit_event(Event::SplitUpdated { split });
			Ok(())
		}

		/// Sets the price of one day of access to a model (0 takes access off
		/// sale). Only [`Config::GovernanceOrigin`]. Grants already bought
		/// keep their expiry.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_access_price())]
		pub fn set_access_price(origin: OriginFor<T>, price_per_day: Balance) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			AccessPricePerDay::<T>::put(price_per_day);
			Self::deposit_event(Event::AccessPriceUpdated { price_per_day });
			Ok(())
		}
	}
}
