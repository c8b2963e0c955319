//! # GYM liquidity farms
//!
//! The seed's "Yield Farming Opportunities" on chain: farms that pay GYM to
//! those who stake the liquidity tokens of the GYM-paired pools
//! (`pallet-asset-conversion`) or GYM itself, at the seed's target APRs, out
//! of the liquidity providers' pot and never more than it holds. And the
//! GYM that an account's liquidity tokens stand for, which governance counts
//! at 0.5 ([`gym_primitives::traits::LiquidityGym`]).
//!
//! ## The pot
//!
//! [`Config::PotId`]'s account receives the liquidity providers' 15% of
//! revenue (`pallet-revenue-split`) and whatever governance sends it from the
//! treasury. No GYM is minted for farming: every GYM a farm pays was in the
//! pot. The pot's GYM is either *owed* (paid out to a farm's stakers and not
//! claimed yet: [`Farm::unpaid`]), *reserved* (set aside for the rest of a
//! farm's period: [`Farm::reserved`]) or free; the pot never holds less than
//! the owed and reserved GYM and its existential deposit (`try_state`), so a
//! claim never fails for want of GYM.
//!
//! ## Periods and rates
//!
//! A period is an emission epoch (10 blocks on the dev chain, one hour on the
//! local and test networks). When one begins, the block hook sets each
//! farm's rate for it ([`Event::RateSet`]), in O(farms):
//!
//! 1. The farm's last period is paid out up to now, and what it had reserved
//!    and not paid goes back to the free GYM.
//! 2. Its staked value is the **average stake of the period that ended**
//!    (Σ stake × blocks / blocks), valued now: GYM one for one, a liquidity
//!    token at twice the GYM it stands for (both sides at the pool's price).
//!    An average, so that stake parked for the block that sets the rate
//!    and withdrawn after it counts for one block, not a period.
//! 3. Its need is its target APR of that value for the period's blocks
//!    ([`gym_primitives::liquidity::period_need`]).
//! 4. If the pot's free GYM covers every farm's need, each gets its need;
//!    otherwise each gets the free GYM in proportion to its need. That is
//!    reserved, and the rate is it divided by the period's blocks.
//!
//! The rate is shared by the farm's stakers in proportion to their stake
//! (a reward-per-share accumulator, [`Farm::per_share`], brought up to date
//! lazily by every call that touches the farm): O(1) per call whatever the
//! number of stakers. A staker earns from the block after it stakes; it
//! claims with [`Pallet::claim`].
//!
//! ## Calls
//!
//! - [`Pallet::stake`]: freeze GYM or liquidity tokens in place and stake
//!   them. Only GYM that is free, unfrozen and not backing a hold can be
//!   staked, so the same GYM cannot be staked here and in
//!   `pallet-tiered-staking`; liquidity tokens may be staked while a vote
//!   freezes them too. Staked tokens cannot be transferred.
//! - [`Pallet::unstake`]: thaw them; what was earned stays claimable.
//! - [`Pallet::claim`]: pay what was earned from the pot.
//! - [`Pallet::create_farm`], [`Pallet::set_target`]: governance
//!   ([`Config::GovernanceOrigin`]).
//!
//! ## Votes
//!
//! Governance counts an account's liquidity tokens in its voting power
//! ([`gym_primitives::traits::LiquidityGym`]). While a vote of the account
//! locks anything, its liquidity tokens of the farmed pools are frozen too
//! ([`FreezeReason::Voting`], set by `pallet-gym-governance`'s voting
//! currency): otherwise they could be handed to another account and vote
//! again on the same referendum.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - the pot holds at least Σ (owed + reserved) of every farm;
//! - each farm's stake is the sum of its stakers' and at most
//!   [`Config::MaxFarms`] farms exist.

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
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, fungibles},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use gym_primitives::{
		liquidity::AprBps,
		traits::{EpochClock, GymPools},
		Balance, EpochIndex,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// GYM (pallet-balances): paid from the pot, and frozen when staked
		/// in the single-stake farm.
		type Currency: fungible::Inspect<Self::AccountId, Balance = Balance>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::InspectHold<Self::AccountId>
			+ fungible::MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>;
		/// The pools' liquidity tokens (`pallet-assets` with
		/// `pallet-assets-freezer`): frozen in place when staked.
		type LpTokens: fungibles::Inspect<Self::AccountId, AssetId = u32, Balance = Balance>
			+ fungibles::MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>;
		/// The runtime's freeze reasons.
		type RuntimeFreezeReason: From<FreezeReason>;
		/// The GYM-paired pools.
		type Pools: GymPools;
		/// The emission epochs: a farm's period is one epoch.
		type Epochs: EpochClock;
		/// Who creates farms and sets their targets: Root (a passed
		/// referendum).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The pot's account id (`gym/lqty`).
		#[pallet::constant]
		type PotId: Get<PalletId>;
		/// The most farms there may be: the block hook sets every farm's
		/// rate once a period.
		#[pallet::constant]
		type MaxFarms: Get<u32>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet freezes funds.
	#[pallet::composite_enum]
	pub enum FreezeReason {
		/// Staked in a farm.
		#[codec(index = 0)]
		Farmed,
		/// Liquidity tokens counted in a standing governance vote.
		#[codec(index = 1)]
		Voting,
	}

	/// The farms, by id.
	#[pallet::storage]
	pub type Farms<T> = StorageMap<_, Twox64Concat, FarmId, Farm, OptionQuery>;

	/// The id the next farm gets (farms are never removed, so this is also
	/// how many there are).
	#[pallet::storage]
	pub type NextFarmId<T> = StorageValue<_, FarmId, ValueQuery>;

	/// Each staker's position, by farm and account.
	#[pallet::storage]
	pub type Stakes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, FarmId, Blake2_128Concat, T::AccountId, Stake>;

	/// The period (emission epoch) the rates were last set for; `None`
	/// until the first block.
	#[pallet::storage]
	pub type CurrentPeriod<T> = StorageValue<_, EpochIndex, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` staked `amount` in `farm`.
		Staked {
			/// The staker.
			who: T::AccountId,
			/// The farm.
			farm: FarmId,
			/// The amount staked, in the asset's smallest unit.
			amount: Balance,
		},
		/// `who` unstaked `amount` from `farm`.
		Unstaked {
			/// The staker.
			who: T::AccountId,
			/// The farm.
			farm: FarmId,
			/// The amount unstaked, in the asset's smallest unit.
			amount: Balance,
		},
		/// `who` was paid `amount` GYM earned in `farm`.
		Claimed {
			/// The staker.
			who: T::AccountId,
			/// The farm.
			farm: FarmId,
			/// The GYM paid, in planck.
			amount: Balance,
		},
		/// Governance created `farm`.
		FarmCreated {
			/// The farm.
			farm: FarmId,
			/// What it stakes.
			asset: FarmAsset,
			/// Its target APR.
			target: TargetApr,
		},
		/// Governance set `farm`'s target (from the next period on).
		TargetSet {
			/// The farm.
			farm: FarmId,
			/// The new target.
			target: TargetApr,
		},
		/// `farm` pays `rate` GYM per block in `period`, for the `value` GYM
		/// its stake was worth on average in the last period; `target_apr`
		/// was its target and `reserved` what the pot set aside for it.
		RateSet {
			/// The farm.
			farm: FarmId,
			/// The period (emission epoch).
			period: EpochIndex,
			/// The staked value the rate is set for, in GYM.
			value: Balance,
			/// The target APR in force, in basis points.
			target_apr: AprBps,
			/// GYM per block.
			rate: Balance,
			/// GYM set aside for the period.
			reserved: Balance,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No farm has this id.
		UnknownFarm,
		/// An amount of zero.
		ZeroAmount,
		/// The account does not have this much that is free, unfrozen and
		/// not backing a hold.
		InsufficientBalance,
		/// Unstaking more than is staked.
		NotEnoughStaked,
		/// Nothing earned to claim.
		NothingToClaim,
		/// There is no GYM pool paired with this asset.
		NoSuchPool,
		/// A farm already stakes this asset.
		FarmExists,
		/// [`Config::MaxFarms`] farms exist already.
		TooManyFarms,
		/// A target APR above [`gym_primitives::liquidity::MAX_APR`].
		AprTooHigh,
	}

	/// The farms a chain starts with.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The farms ([`GenesisFarm`]), created in order: ids 0, 1, ...
		pub farms: Vec<GenesisFarm>,
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (pair, apr, launch) in &self.farms {
				let target = TargetApr { apr: *apr, launch: *launch };
				if let Err(e) = Pallet::<T>::do_create_farm(*pair, target) {
					panic!("genesis farm {pair:?}: {e:?}");
				}
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			let period = T::Epochs::current_epoch();
			if CurrentPeriod::<T>::get() == Some(period) {
				return T::DbWeight::get().reads(1);
			}
			let farms = Self::new_period(period);
			T::WeightInfo::new_period(farms)
		}

		fn integrity_test() {
			assert!(T::MaxFarms::get() > 0, "MaxFarms must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Stakes `amount` (GYM, or the farm's liquidity token) in `farm`: it
		/// stays in the caller's account, frozen, and earns from the next
		/// block. Only what is free, unfrozen and not backing a hold can be
		/// staked.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::stake())]
		pub fn stake(origin: OriginFor<T>, farm: FarmId, amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_stake(&who, farm, amount)
		}

		/// Unstakes `amount` from `farm`: it is thawed at once. What was
		/// earned stays claimable.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unstake())]
		pub fn unstake(origin: OriginFor<T>, farm: FarmId, amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unstake(&who, farm, amount)
		}

		/// Pays the caller what it earned in `farm`, from the pot.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>, farm: FarmId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(&who, farm)
		}

		/// Creates a farm of the GYM/`pair` pool's liquidity token (`None`:
		/// GYM single stake) with `target`. Its rate is set when the next
		/// period begins.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::create_farm())]
		pub fn create_farm(
			origin: OriginFor<T>,
			pair: Option<u32>,
			target: TargetApr,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_create_farm(pair, target).map(|_| ())
		}

		/// Sets `farm`'s target APR, from the next period on.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_target())]
		pub fn set_target(origin: OriginFor<T>, farm: FarmId, target: TargetApr) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_target(farm, target)
		}
	}
}
