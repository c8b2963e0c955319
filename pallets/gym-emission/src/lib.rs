//! # GYM emission pallet
//!
//! The only place in the GYM runtime where GYM is minted.
//!
//! ## Terms
//!
//! - **Schedule**: the maximum emission per block, from
//!   [`gym_primitives::emission`] (phases, halvings every 10,000,000 blocks).
//!   Its parameters are in storage ([`Schedule`]) and only the
//!   [`Config::GovernanceOrigin`] may change them, within the bounds of
//!   [`EmissionSchedule::validate`].
//! - **Epoch**: `EpochLength` blocks; epoch `e` covers blocks
//!   `[e * len + 1, (e + 1) * len]`. The length is set at genesis (600 blocks
//!   on local/testnet chains, 10 on the dev chain) and never changes, so that
//!   epoch indices keep their meaning.
//! - **Epoch budget**: the schedule's emission over the epoch's blocks, clamped
//!   to what the hard cap leaves. Other pallets mint rewards out of it through
//!   [`RewardMinter`]; what is not earned is not minted and not carried over.
//! - **Promise**: when an epoch closes, the pallet that pays its rewards
//!   (compute mining) fixes its budget with
//!   [`RewardMinter::promise_budget`]: what is left of it then, within what
//!   the cap leaves beyond the earlier promises ([`Promises`],
//!   [`Promised`]). The epoch's rewards mint out of the promise whatever the
//!   schedule says later, and the promises together never pass the cap, so
//!   a reward fixed at close can always be minted. Once its last reward is
//!   claimed, the rest goes back to the cap's headroom
//!   ([`RewardMinter::release_budget`]).
//! - **Hard cap**: [`gym_primitives::HARD_CAP`] = 1,000,000,000 GYM on
//!   everything ever minted, genesis included. [`TotalMinted`] starts at the
//!   genesis issuance and never passes the cap.
//! - **Burns**: GYM destroyed by the rules of the spec (the revenue burn,
//!   access tokens, dust of reaped accounts) is reported through
//!   [`BurnTracker`] and added to [`TotalBurned`]. Burned GYM is never minted
//!   again: the cap bounds [`TotalMinted`], not the issuance.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - `TotalMinted + Promised ≤ HARD_CAP`, `Promised == Σ Promises`;
//! - `total_issuance == TotalMinted − TotalBurned`;
//! - `TotalMinted == genesis issuance + Σ EpochMinted` (each mint was checked
//!   against its epoch's budget or promise when made).
//!
//! ## Calls
//!
//! - [`Pallet::set_schedule`]: governance replaces the schedule parameters.
//!
//! Hooks do no work per block: budgets are computed in closed form when a
//! mint is asked for.

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
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use gym_primitives::emission::EmissionSchedule;
pub use weights::WeightInfo;

use gym_primitives::{Balance, BlockNumber};

pub use gym_primitives::{
	traits::{BurnTracker, EpochClock, RewardMinter},
	EpochIndex,
};
pub use types::*;

// FRAME's pallet macro expands to code that uses `expect` (storage prefixes,
// pallet info) and parity-scale-codec's `Encode` derive casts the index of
// data-carrying variants (events, calls, errors) `as u8`: both are allowed in
// this module only. The pallet's logic lives in `impls.rs`, under every lint.
#[frame_support::pallet]
// The schedule (`EmissionSchedule`, 100+ bytes) travels by value in
// `Event::ScheduleUpdated` and `Call::set_schedule`: rare, governance only.
#[allow(clippy::expect_used, clippy::cast_possible_truncation, clippy::large_enum_variant)]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Balanced, Credit, Inspect, Mutate},
			tokens::{Fortitude, Precision, Preservation},
			Imbalance, OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use gym_primitives::{emission, HARD_CAP};
	use sp_runtime::SaturatedConversion;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The GYM currency (pallet-balances).
		type Currency: Mutate<Self::AccountId, Balance = Balance> + Balanced<Self::AccountId>;
		/// Who may change the schedule: Root until governance lands.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The schedule parameters in force.
	#[pallet::storage]
	pub type Schedule<T> = StorageValue<_, EmissionSchedule, ValueQuery>;

	/// Default epoch length: 600 blocks (one hour of 6 s blocks).
	#[pallet::type_value]
	pub fn DefaultEpochLength() -> BlockNumber {
		600
	}

	/// Blocks per epoch, fixed at genesis.
	#[pallet::storage]
	pub type EpochLength<T> = StorageValue<_, BlockNumber, ValueQuery, DefaultEpochLength>;

	/// Total issuance at genesis (counts against the hard cap).
	#[pallet::storage]
	pub type GenesisIssuance<T> = StorageValue<_, Balance, ValueQuery>;

	/// Everything ever minted, genesis included. Never above the hard cap.
	#[pallet::storage]
	pub type TotalMinted<T> = StorageValue<_, Balance, ValueQuery>;

	/// Everything ever burned by the rules of the spec.
	#[pallet::storage]
	pub type TotalBurned<T> = StorageValue<_, Balance, ValueQuery>;

	/// What was minted for each epoch that minted anything.
	#[pallet::storage]
	pub type EpochMinted<T> = StorageMap<_, Twox64Concat, EpochIndex, Balance, ValueQuery>;

	/// The budgets of closed epochs fixed for their rewards
	/// ([`RewardMinter::promise_budget`]) and not yet minted, per epoch. An
	/// entry lives from the epoch's close until its last reward is claimed
	/// or forfeited (compute mining keeps at most one per epoch with
	/// unclaimed rewards).
	#[pallet::storage]
	pub type Promises<T> = StorageMap<_, Twox64Concat, EpochIndex, Balance, OptionQuery>;

	/// The sum of [`Promises`]: GYM the cap keeps for closed epochs'
	/// rewards. `TotalMinted + Promised` never passes the hard cap.
	#[pallet::storage]
	pub type Promised<T> = StorageValue<_, Balance, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Blocks per epoch (0 keeps the default of 600). The schedule starts
		/// as [`EmissionSchedule::gym`]; governance may change it later.
		pub epoch_length: BlockNumber,
		/// Ties the configuration to the runtime; holds nothing.
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.epoch_length > 0 {
				EpochLength::<T>::put(self.epoch_length);
			}
			// Balances' genesis runs before ours: what it endowed counts as minted.
			let issuance = T::Currency::total_issuance();
			assert!(issuance <= HARD_CAP, "genesis issuance exceeds the hard cap");
			GenesisIssuance::<T>::put(issuance);
			TotalMinted::<T>::put(issuance);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A reward was minted out of an epoch's budget.
		RewardMinted {
			/// The epoch.
			epoch: EpochIndex,
			/// The account the reward was minted to.
			to: T::AccountId,
			/// The amount, in planck.
			amount: Balance,
		},
		/// GYM was burned by the rules of the spec.
		Burned {
			/// The amount burned, in planck.
			amount: Balance,
		},
		/// Governance replaced the schedule parameters.
		ScheduleUpdated {
			/// The new schedule parameters.
			schedule: EmissionSchedule,
		},
		/// A closed epoch's budget was fixed and set aside for its rewards.
		BudgetPromised {
			/// The epoch.
			epoch: EpochIndex,
			/// What it may still mint, in planck.
			amount: Balance,
		},
		/// A closed epoch's rewards are all settled: what its promise did not
		/// mint went back to the cap's headroom.
		BudgetReleased {
			/// The epoch.
			epoch: EpochIndex,
			/// The part of the promise not minted, in planck.
			amount: Balance,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The schedule parameters are outside the allowed bounds.
		InvalidSchedule,
		/// Rewards can only be minted for the current or a past epoch.
		EpochNotStarted,
		/// The amount is more than what is left of the epoch's budget.
		EpochBudgetExceeded,
		/// Minting the amount would pass the 1,000,000,000 GYM hard cap.
		CapReached,
		/// The currency refused the mint (e.g. below the existential deposit).
		MintFailed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(DefaultEpochLength::get() > 0, "epoch length must be positive");
			assert!(
				EmissionSchedule::gym().validate().is_ok(),
				"the default GYM schedule must be valid"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Replaces the schedule parameters. Only [`Config::GovernanceOrigin`];
		/// the new schedule must pass [`EmissionSchedule::validate`]. It applies
		/// to every block from now on (past mints are not revisited).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_schedule())]
		pub fn set_schedule(origin: OriginFor<T>, schedule: EmissionSchedule) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			schedule.validate().map_err(|_| Error::<T>::InvalidSchedule)?;
			Schedule::<T>::put(schedule);
			Self::deposit_event(Event::ScheduleUpdated { schedule });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// What the cap leaves beyond what is minted and promised.
		pub fn headroom() -> Balance {
			HARD_CAP.saturating_sub(TotalMinted::<T>::get()).saturating_sub(Promised::<T>::get())
		}

		/// The schedule's emission over the blocks of `epoch` (no cap applied).
		pub fn scheduled_epoch_emission(epoch: EpochIndex) -> Balance {
			emission::epoch_budget(&Schedule::<T>::get(), epoch.into(), EpochLength::<T>::get(), 0)
		}

		/// What the schedule allows to be minted up to `block`, genesis
		/// included and the cap applied: the curve of `gym_emissionSchedule`.
		pub fn scheduled_cumulative(block: BlockNumber) -> Balance {
			let genesis = GenesisIssuance::<T>::get();
			genesis.saturating_add(emission::capped_cumulative(
				&Schedule::<T>::get(),
				block,
				genesis,
			))
		}

		/// The first block at which the schedule reaches the hard cap.
		pub fn cap_reached_at() -> Option<BlockNumber> {
			emission::cap_reached_at(&Schedule::<T>::get(), GenesisIssuance::<T>::get())
		}

		/// The invariants of this pallet (run by `try_state` and by tests).
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let minted = TotalMinted::<T>::get();
			ensure!(minted <= HARD_CAP, "TotalMinted exceeds the hard cap");
			let promised = Promises::<T>::iter_values()
				.try_fold(Balance::MIN, |sum, p| sum.checked_add(p))
				.ok_or("promises overflow")?;
			ensure!(promised == Promised::<T>::get(), "Promised != the sum of the promises");
			ensure!(
				minted.checked_add(promised).is_some_and(|total| total <= HARD_CAP),
				"minted and promised GYM pass the hard cap"
			);
			ensure!(
				T::Currency::total_issuance() == minted.saturating_sub(TotalBurned::<T>::get()),
				"total issuance != TotalMinted - TotalBurned"
			);
			// Rewards are the only mints after genesis. (Each epoch's mints were
			// checked against its budget when made; governance may have changed
			// the schedule since, so the budgets are not re-checked here.)
			let rewards = EpochMinted::<T>::iter_values()
				.try_fold(Balance::MIN, |sum, amount| sum.checked_add(amount))
				.ok_or("EpochMinted overflows")?;
			ensure!(
				GenesisIssuance::<T>::get().checked_add(rewards) == Some(minted),
				"TotalMinted != genesis issuance + the rewards of every epoch"
			);
			Ok(())
		}
	}

	impl<T: Config> EpochClock for Pallet<T> {
		fn epoch_of(block: BlockNumber) -> EpochIndex {
			block.saturating_sub(1).checked_div(EpochLength::<T>::get().max(1)).unwrap_or_default()
		}

		fn current_epoch() -> EpochIndex {
			Self::epoch_of(frame_system::Pallet::<T>::block_number().saturated_into())
		}

		fn epoch_end(epoch: EpochIndex) -> BlockNumber {
			epoch.saturating_add(1).saturating_mul(EpochLength::<T>::get().max(1))
		}
	}

	impl<T: Config> RewardMinter<T::AccountId> for Pallet<T> {
		fn remaining_budget(epoch: EpochIndex) -> Balance {
			if let Some(promise) = Promises::<T>::get(epoch) {
				return promise;
			}
			let left_in_epoch =
				Self::scheduled_epoch_emission(epoch).saturating_sub(EpochMinted::<T>::get(epoch));
			left_in_epoch.min(Self::headroom())
		}

		fn mint_reward(epoch: EpochIndex, to: &T::AccountId, amount: Balance) -> DispatchResult {
			ensure!(epoch <= Self::current_epoch(), Error::<T>::EpochNotStarted);
			let minted = TotalMinted::<T>::get();
			let new_total = minted.checked_add(amount).ok_or(Error::<T>::CapReached)?;
			let in_epoch = EpochMinted::<T>::get(epoch);
			let new_in_epoch =
				in_epoch.checked_add(amount).ok_or(Error::<T>::EpochBudgetExceeded)?;
			let promise = Promises::<T>::get(epoch);
			match promise {
				// A promised epoch mints out of its promise, whatever the
				// schedule says now; the cap kept room for it.
				Some(left) => ensure!(amount <= left, Error::<T>::EpochBudgetExceeded),
				None => {
					ensure!(amount <= Self::headroom(), Error::<T>::CapReached);
					ensure!(
						new_in_epoch <= Self::scheduled_epoch_emission(epoch),
						Error::<T>::EpochBudgetExceeded
					);
				}
			}
			ensure!(new_total <= HARD_CAP, Error::<T>::CapReached);
			if amount == 0 {
				return Ok(());
			}
			T::Currency::mint_into(to, amount).map_err(|_| Error::<T>::MintFailed)?;
			TotalMinted::<T>::put(new_total);
			EpochMinted::<T>::insert(epoch, new_in_epoch);
			if let Some(left) = promise {
				Promises::<T>::insert(epoch, left.saturating_sub(amount));
				Promised::<T>::mutate(|p| *p = p.saturating_sub(amount));
			}
			Self::deposit_event(Event::RewardMinted { epoch, to: to.clone(), amount });
			Ok(())
		}

		fn promise_budget(epoch: EpochIndex, at_most: Balance) -> Balance {
			if let Some(promise) = Promises::<T>::get(epoch) {
				return promise;
			}
			// No more than the rewards can take: the rest of the epoch's
			// emission is not kept from later epochs.
			let budget = Self::remaining_budget(epoch).min(at_most);
			Promises::<T>::insert(epoch, budget);
			Promised::<T>::mutate(|p| *p = p.saturating_add(budget));
			Self::deposit_event(Event::BudgetPromised { epoch, amount: budget });
			budget
		}

		fn release_budget(epoch: EpochIndex) {
			let Some(left) = Promises::<T>::take(epoch) else { return };
			Promised::<T>::mutate(|p| *p = p.saturating_sub(left));
			Self::deposit_event(Event::BudgetReleased { epoch, amount: left });
		}

		fn promised(epoch: EpochIndex) -> Balance {
			Promises::<T>::get(epoch).unwrap_or(0)
		}
	}

	impl<T: Config> BurnTracker for Pallet<T> {
		fn note_burned(amount: Balance) {
			if amount == 0 {
				return;
			}
			TotalBurned::<T>::mutate(|b| *b = b.saturating_add(amount));
			Self::deposit_event(Event::Burned { amount });
		}
	}

	/// Burns a dropped credit (e.g. the dust of a reaped account) and records
	/// it in [`TotalBurned`]. Use as `pallet_balances::Config::DustRemoval`.
	impl<T: Config> OnUnbalanced<Credit<T::AccountId, T::Currency>> for Pallet<T> {
		fn on_nonzero_unbalanced(credit: Credit<T::AccountId, T::Currency>) {
			let amount = credit.peek();
			// Dropping the credit reduces the total issuance by `amount`.
			drop(credit);
			<Self as BurnTracker>::note_burned(amount);
		}
	}

	impl<T: Config> Pallet<T> {
		/// Burns `amount` from `who` (by the rules of the spec) and records it.
		pub fn burn_from(who: &T::AccountId, amount: Balance) -> DispatchResult {
			let burned = T::Currency::burn_from(
				who,
				amount,
				Preservation::Expendable,
				Precision::Exact,
				Fortitude::Polite,
			)?;
			<Self as BurnTracker>::note_burned(burned);
			Ok(())
		}
	}
}

/// Answers of the runtime API `GymEmissionApi`.
impl<T: Config> Pallet<T> {
	/// `points` evenly spaced points of the capped emission curve.
	pub fn schedule_points(
		from: BlockNumber,
		to: BlockNumber,
		points: u32,
	) -> alloc::vec::Vec<SchedulePoint> {
		gym_primitives::emission::sample_blocks(from, to, points)
			.into_iter()
			.map(|block| {
				let cumulative = Self::scheduled_cumulative(block);
				let before = if block == 0 {
					cumulative
				} else {
					Self::scheduled_cumulative(block.saturating_sub(1))
				};
				SchedulePoint { block, per_block: cumulative.saturating_sub(before), cumulative }
			})
			.collect()
	}

	/// Minted, burned and genesis totals.
	pub fn totals() -> EmissionTotals {
		EmissionTotals {
			genesis: GenesisIssuance::<T>::get(),
			minted: TotalMinted::<T>::get(),
			burned: TotalBurned::<T>::get(),
		}
	}

	/// The state of `epoch`'s budget.
	pub fn epoch_budget(epoch: EpochIndex) -> EpochBudget {
		let last_block = <Self as EpochClock>::epoch_end(epoch);
		let len = EpochLength::<T>::get().max(1);
		EpochBudget {
			epoch,
			first_block: last_block.saturating_sub(len).saturating_add(1),
			last_block,
			scheduled: Self::scheduled_epoch_emission(epoch),
			minted: EpochMinted::<T>::get(epoch),
			remaining: <Self as RewardMinter<T::AccountId>>::remaining_budget(epoch),
		}
	}
}
