//! # GYM validators pallet
//!
//! GYM's terms for the validators and nominators that `pallet-staking` elects:
//! how long eras and bonds last, and what they are paid, out of GymEmission's
//! books.
//!
//! ## Terms
//!
//! - **Validator share**: the part of every GymEmission epoch's budget that
//!   pays validators and nominators ([`ValidatorShare`], 5% unless governance
//!   sets another). In the first block of each epoch it is minted through
//!   GymEmission's [`RewardMinter`] into the **validator pot** (a keyless
//!   account derived from [`Config::PotId`]); compute mining gets the rest of
//!   the epoch's budget. Nothing else mints for staking.
//! - **Era payout**: at the end of each era pallet-staking asks
//!   [`sp_staking::EraPayout`] (implemented by [`Pallet`]) what the era pays:
//!   everything the pot received since the last era ([`Unallocated`]), with no
//!   remainder. pallet-staking records it and pays it lazily, when anyone calls
//!   `payout_stakers`.
//! - **Payout**: pallet-staking mints each payout into the staker's account and
//!   hands the mint to [`PayFromPot`] (its `Reward` handler), which withdraws
//!   the same amount from the pot and cancels the two. A payout therefore moves
//!   GYM from the pot to the staker and changes no issuance: the GYM was minted,
//!   and booked in `TotalMinted`, when it entered the pot.
//! - **Remainder**: if governance caps the stakers' part of an era payout
//!   (pallet-staking's `MaxStakedRewards`), pallet-staking issues the rest and
//!   hands it to [`RemainderToTreasury`], which cancels the issue and moves the
//!   same amount from the pot to the treasury.
//! - **Era terms** ([`Terms`]): sessions per era, bonding duration and slash
//!   deferral, in eras; pallet-staking reads them through [`SessionsPerEraOf`],
//!   [`BondingDurationOf`] and [`SlashDeferDurationOf`]. Set at genesis per
//!   chain (short on dev) and by governance.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - the pot holds at least [`Unallocated`] above its existential deposit;
//! - [`Terms`] are valid ([`EraTerms::is_valid`]).
//!
//! Unclaimed payouts of eras older than pallet-staking's `HistoryDepth` stay
//! in the pot (booked as minted, never lost from the books).

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

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use gym_primitives::traits::{EpochClock, RewardMinter};
pub use types::*;
pub use weights::WeightInfo;

use core::marker::PhantomData;
use frame_support::traits::{
	fungible::{Balanced, Credit, Debt, Inspect, Mutate},
	tokens::{Fortitude, Precision, Preservation},
	Get, Imbalance, OnUnbalanced, SameOrOther,
};
use gym_primitives::{Balance, BlockNumber};
use sp_runtime::{traits::AccountIdConversion, Perbill, SaturatedConversion};

// FRAME's pallet macro expands to code that uses `expect` (storage prefixes,
// pallet info) and parity-scale-codec's `Encode` derive casts the index of
// data-carrying variants (events, calls, errors) `as u8`: both are allowed in
// this module only.
#[frame_support::pallet]
#[allow(clippy::expect_used, clippy::cast_possible_truncation)]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, PalletId};
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The GYM currency (pallet-balances), the one pallet-staking uses.
		type Currency: Mutate<Self::AccountId, Balance = Balance> + Balanced<Self::AccountId>;
		/// GymEmission: the epoch calendar and the only minter.
		type Emission: EpochClock + RewardMinter<Self::AccountId>;
		/// Derives the validator pot's account.
		#[pallet::constant]
		type PotId: Get<PalletId>;
		/// Where a capped era payout's remainder goes.
		type Treasury: Get<Self::AccountId>;
		/// Who may change the share and the era terms: Root until governance lands.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;
	}

	/// The default validator share: 5% of each epoch's emission.
	#[pallet::type_value]
	pub fn DefaultValidatorShare() -> Perbill {
		Perbill::from_percent(5)
	}

	/// The part of each epoch's emission budget minted for validators and
	/// nominators.
	#[pallet::storage]
	pub type ValidatorShare<T> = StorageValue<_, Perbill, ValueQuery, DefaultValidatorShare>;

	/// Era length and bonding periods, in force.
	#[pallet::storage]
	pub type Terms<T> = StorageValue<_, EraTerms, ValueQuery>;

	/// GYM minted into the pot and not yet assigned to an era.
	#[pallet::storage]
	pub type Unallocated<T> = StorageValue<_, Balance, ValueQuery>;

	/// Genesis: the share and the era terms of this chain.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// [`ValidatorShare`] (default 5%).
		pub validator_share: Option<Perbill>,
		/// Sessions per era (default 6).
		pub sessions_per_era: Option<u32>,
		/// Bonding duration in eras (default 112: 28 days of 6-hour eras).
		pub bonding_duration: Option<u32>,
		/// Slash deferral in eras (default 108).
		pub slash_defer_duration: Option<u32>,
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(share) = self.validator_share {
				ValidatorShare::<T>::put(share);
			}
			let d = EraTerms::default();
			let terms = EraTerms {
				sessions_per_era: self.sessions_per_era.unwrap_or(d.sessions_per_era),
				bonding_duration: self.bonding_duration.unwrap_or(d.bonding_duration),
				slash_defer_duration: self.slash_defer_duration.unwrap_or(d.slash_defer_duration),
			};
			assert!(terms.is_valid(), "genesis era terms are invalid: {terms:?}");
			Terms::<T>::put(terms);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance set the validator share.
		ValidatorShareSet {
			/// The new share.
			share: Perbill,
		},
		/// Governance set the era terms.
		EraTermsSet {
			/// The new terms.
			terms: EraTerms,
		},
		/// The validators' share of an epoch's budget entered the pot.
		EpochShareMinted {
			/// The epoch whose budget paid it.
			epoch: u32,
			/// GYM minted for stakers.
			amount: Balance,
		},
		/// An era's payout was fixed: pallet-staking pays it out of the pot.
		EraPayoutAllocated {
			/// GYM the ending era pays its validators and nominators.
			amount: Balance,
		},
		/// A capped era payout's remainder went from the pot to the treasury.
		RemainderToTreasury {
			/// GYM moved.
			amount: Balance,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Era terms out of bounds, or a slash deferral not below the bonding
		/// duration.
		InvalidEraTerms,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::on_block(n.saturated_into())
		}

		fn integrity_test() {
			assert!(EraTerms::default().is_valid(), "the default era terms must be valid");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the share of each epoch's emission that pays validators and
		/// nominators, from the next epoch on. Only [`Config::GovernanceOrigin`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_validator_share())]
		pub fn set_validator_share(origin: OriginFor<T>, share: Perbill) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ValidatorShare::<T>::put(share);
			Self::deposit_event(Event::ValidatorShareSet { share });
			Ok(())
		}

		/// Sets the era terms. Only [`Config::GovernanceOrigin`]; they must be
		/// valid ([`EraTerms::is_valid`]). A new era length applies from the
		/// next era; bonding and deferral apply to unbondings and slashes
		/// from now on.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_era_terms())]
		pub fn set_era_terms(origin: OriginFor<T>, terms: EraTerms) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(terms.is_valid(), Error::<T>::InvalidEraTerms);
			Terms::<T>::put(terms);
			Self::deposit_event(Event::EraTermsSet { terms });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The validator pot's account.
	pub fn pot() -> T::AccountId {
		T::PotId::get().into_account_truncating()
	}

	/// In the first block of an epoch, mints the validators' share of its
	/// budget into the pot. O(1).
	pub(crate) fn on_block(n: BlockNumber) -> frame_support::weights::Weight {
		let epoch = T::Emission::epoch_of(n);
		if n != T::Emission::epoch_start(epoch) {
			return T::WeightInfo::on_initialize_idle();
		}
		let amount = ValidatorShare::<T>::get().mul_floor(T::Emission::remaining_budget(epoch));
		let pot = Self::pot();
		// The pot keeps an existential deposit of its own, paid by the first
		// mint into it, so that no payout can reap it.
		let deposit =
			if T::Currency::total_balance(&pot) == 0 { T::Currency::minimum_balance() } else { 0 };
		let Some(for_stakers) = amount.checked_sub(deposit).filter(|a| *a > 0) else {
			return T::WeightInfo::on_initialize_mint();
		};
		match T::Emission::mint_reward(epoch, &pot, amount) {
			Ok(()) => {
				Unallocated::<T>::mutate(|u| *u = u.saturating_add(for_stakers));
				Self::deposit_event(Event::EpochShareMinted { epoch, amount: for_stakers });
			}
			Err(e) => {
				frame_support::defensive!(e, "the validator share fits the epoch budget");
			}
		}
		T::WeightInfo::on_initialize_mint()
	}

	/// The invariants of this pallet (run by `try_state` and by tests).
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		frame_support::ensure!(Terms::<T>::get().is_valid(), "invalid era terms");
		let unallocated = Unallocated::<T>::get();
		if unallocated > 0 {
			let pot = T::Currency::balance(&Self::pot());
			frame_support::ensure!(
				pot >= unallocated.saturating_add(T::Currency::minimum_balance()),
				"the validator pot holds less than its unallocated GYM and deposit"
			);
		}
		Ok(())
	}
}

impl<T: Config> sp_staking::EraPayout<Balance> for Pallet<T> {
	/// The ending era pays what the pot received since the previous era; the
	/// stake, issuance and era length do not matter (the share of each epoch's
	/// emission already does).
	fn era_payout(_staked: Balance, _issuance: Balance, _era_millis: u64) -> (Balance, Balance) {
		let amount = Unallocated::<T>::take();
		if amount > 0 {
			Self::deposit_event(Event::EraPayoutAllocated { amount });
		}
		(amount, 0)
	}
}

/// pallet-staking's `Reward` handler: a payout it minted is withdrawn from the
/// pot, so that the payout moves booked GYM instead of minting new GYM.
pub struct PayFromPot<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<Debt<T::AccountId, T::Currency>> for PayFromPot<T> {
	fn on_nonzero_unbalanced(minted: Debt<T::AccountId, T::Currency>) {
		let amount = minted.peek();
		match T::Currency::withdraw(
			&Pallet::<T>::pot(),
			amount,
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		) {
			Ok(withdrawn) => match minted.offset(withdrawn) {
				SameOrOther::None => {}
				_ => {
					frame_support::defensive!("a withdrawal of the same amount cancels a mint");
				}
			},
			Err(e) => {
				// Unreachable: an era pays at most what the pot received for it.
				frame_support::defensive!(e, "the validator pot covers every payout");
			}
		}
	}
}

/// pallet-staking's `RewardRemainder` handler: the remainder it issued is
/// cancelled and the same amount moves from the pot to [`Config::Treasury`].
pub struct RemainderToTreasury<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<Credit<T::AccountId, T::Currency>> for RemainderToTreasury<T> {
	fn on_nonzero_unbalanced(issued: Credit<T::AccountId, T::Currency>) {
		let amount = issued.peek();
		// Dropping the credit takes pallet-staking's issue back out of the
		// total issuance: the remainder was minted into the pot already.
		drop(issued);
		match T::Currency::transfer(
			&Pallet::<T>::pot(),
			&T::Treasury::get(),
			amount,
			Preservation::Preserve,
		) {
			Ok(_) => Pallet::<T>::deposit_event(Event::RemainderToTreasury { amount }),
			Err(e) => {
				frame_support::defensive!(e, "the validator pot covers the remainder");
			}
		}
	}
}

/// pallet-staking's `SessionsPerEra`, from [`Terms`].
pub struct SessionsPerEraOf<T>(PhantomData<T>);
impl<T: Config> Get<u32> for SessionsPerEraOf<T> {
	fn get() -> u32 {
		Terms::<T>::get().sessions_per_era
	}
}

/// pallet-staking's `BondingDuration`, from [`Terms`].
pub struct BondingDurationOf<T>(PhantomData<T>);
impl<T: Config> Get<u32> for BondingDurationOf<T> {
	fn get() -> u32 {
		Terms::<T>::get().bonding_duration
	}
}

/// pallet-staking's `SlashDeferDuration`, from [`Terms`].
pub struct SlashDeferDurationOf<T>(PhantomData<T>);
impl<T: Config> Get<u32> for SlashDeferDurationOf<T> {
	fn get() -> u32 {
		Terms::<T>::get().slash_defer_duration
	}
}
