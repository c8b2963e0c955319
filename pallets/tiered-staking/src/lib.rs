//! # GYM tiered staking pallet
//!
//! GYM holders stake GYM to reach a tier. The tier gives rights that other
//! pallets check (register as a compute worker, the priority job queue,
//! orchestrating, opening proposals) and a boost on the holder's share of
//! staker revenue. Stakes can be slashed by other pallets for downtime,
//! invalid training deltas and malicious behaviour.
//!
//! ## Terms
//!
//! - **Stake**: GYM an account has staked. It never leaves the account: it is
//!   frozen there under [`FreezeReason::Staked`] (see *Freezes and
//!   governance*). The frozen amount always equals the stake.
//! - **Tier**: the highest tier whose minimum the stake reaches (the table
//!   and all the numbers live in [`gym_primitives::staking`]):
//!
//!   | tier     | minimum stake | boost | right ([`Right`])                           |
//!   |----------|---------------|-------|---------------------------------------------|
//!   | Bronze   | 1,000 GYM     | 1.0x  | `RegisterWorker`: may register as a worker  |
//!   | Silver   | 10,000 GYM    | 1.2x  | `PriorityQueue`: priority job queue         |
//!   | Gold     | 50,000 GYM    | 1.5x  | `Orchestrate`: may act as orchestrator      |
//!   | Platinum | 100,000 GYM   | 2.0x  | `Propose`: may open governance proposals    |
//!   | Diamond  | 500,000 GYM   | 3.0x  | `RevenueShare`: revenue share               |
//!
//!   A tier has the rights of every tier below it. Below 1,000 GYM a stake
//!   has no tier, no right and no boost (boost 0, see below). The tier
//!   follows the current stake at once: every stake, unstake or slash that
//!   changes it emits [`Event::TierChanged`].
//! - **Boost and boosted stake**: `boosted = floor(stake × boost / 1000)` with
//!   the boost in per mille (1000, 1200, 1500, 2000, 3000), and 0 below
//!   Bronze. [`StakeTiers::boost_of`] reports the boost as a [`FixedU128`]
//!   (1.2x = `FixedU128::from_rational(12, 10)`; 0 without a tier).
//! - **Deposit**: GYM staked in one go and the block it was staked at. A
//!   staker has at most [`Config::MaxDeposits`] deposits, oldest first.
//!   **Merging**: a new deposit made in the same block as the newest one, or
//!   made when the vec is full, is merged into the newest deposit, and the
//!   merged deposit takes the LATER of the two blocks. This can only lengthen
//!   the penalty period of the GYM that was already there (by at most the
//!   age of the newest deposit), never shorten that of the new GYM, so a full
//!   vec cannot be used to escape the penalty.
//! - **Early-unstake penalty**: GYM unstaked less than
//!   [`EARLY_UNSTAKE_PERIOD`] = 432,000 blocks (30 days) after its deposit pays
//!   10% of that amount, rounded down. Unstaking takes the OLDEST GYM first,
//!   and the penalty applies only to the part of the unstaked amount that
//!   comes from deposits younger than 432,000 blocks (exactly 432,000 blocks
//!   old pays nothing).
//! - **Slash**: other pallets (never users) slash a fraction of an account's
//!   stake at that moment through [`StakeTiers::slash`], rounded down, taken
//!   from the NEWEST deposits first. Reasons and the seed's fractions
//!   ([`SlashReason::default_fraction`]): downtime 0.1% per hour (the caller
//!   passes the total fraction), invalid delta 5%, malicious 50%.
//! - **Slash destination**: the account [`Config::SlashDestination`] (the
//!   treasury in the runtime) receives every penalty and every slash.
//!   [`Event::PenaltyPaid`] and [`Event::Slashed`] say how much went where.
//! - **Staker revenue**: other pallets pay revenue to stakers with
//!   [`StakeTiers::distribute_to_stakers`]. The GYM goes into the pallet's pot
//!   account ([`Pallet::pot_account`], `PalletId(*b"gym/stak")`) and is
//!   shared by boosted stake at that moment, in O(1): the accumulator
//!   [`RewardPerBoostedStake`] grows by `amount / TotalBoostedStake` (a
//!   [`FixedU128`], rounded down), and a staker is owed
//!   `boosted × (accumulator − their counter)`, rounded down. Before any
//!   change of a staker's boosted stake their owed reward is settled into
//!   their ledger's `unclaimed` and their counter moves to the accumulator,
//!   so nobody earns for a period they were not staked in. The nomination
//!   pools' reward counters are the model.
//! - **The Diamond "revenue share"**: we read the seed's Diamond right as this
//!   same staker-revenue share at the 3.0x Diamond weight. Every staker from
//!   Bronze up shares staker revenue by boosted stake; Diamond adds no
//!   separate stream. [`Right::RevenueShare`] is still reported (Diamond
//!   only) for pallets that want to gate something on it.
//! - **Pot and dust**: [`OutstandingRewards`] is every planck credited to the
//!   accumulator and not yet claimed. Payouts round down, so the sum of what
//!   stakers are owed is at most [`OutstandingRewards`]; the difference is
//!   rounding dust that stays in the pot. The pot keeps the existential
//!   deposit of its own: when a distribution finds the pot without it
//!   (i.e. the very first one), the first ED of the amount stays in the pot,
//!   owed to nobody ([`Event::PotEndowed`]), and only the rest is shared.
//!   Claims therefore never take the pot below the existential deposit.
//!
//! ## Freezes and governance
//!
//! Staked GYM is held with a freeze ([`fungible::MutateFreeze`]), not a hold:
//! it stays in the free balance of its owner. In pallet-balances, locks and
//! freezes overlap: the account's frozen amount is `max(locks, freezes)`, not
//! their sum. So staked GYM can also back a governance vote (a lock) later
//! without being unstaked. The other way round, staking only accepts GYM
//! that is free, not frozen or locked, and not backing a hold at that moment
//! ([`Error::InsufficientFreeBalance`]): pallet-balances lets held GYM back
//! a freeze, so without the last condition GYM frozen in a liquidity farm
//! (`pallet-gym-liquidity`) could be staked here too, up to the account's
//! holds. Slashes take the GYM with
//! `Fortitude::Force`, so a governance lock over staked GYM cannot shield it
//! from a slash; early-unstake penalties are ordinary transfers, so GYM still
//! locked by governance must wait for its lock (or the 30 days) to be
//! unstaked with a penalty.
//!
//! ## Calls
//!
//! - [`Pallet::stake`]: freeze more GYM as stake (a new deposit).
//! - [`Pallet::unstake`]: thaw stake, oldest GYM first, paying the early
//!   penalty on the young part.
//! - [`Pallet::claim_staker_rewards`]: pay the caller's staker revenue from the
//!   pot.
//!
//! ## Other pallets
//!
//! [`StakeTiers`] is what other pallets use: tiers, boosts, rights, the
//! boosted stakes, [`StakeTiers::slash`] and
//! [`StakeTiers::distribute_to_stakers`]. Both mutating functions are
//! all-or-nothing: on error nothing changed.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - Σ stakes == [`TotalStaked`], Σ boosted stakes == [`TotalBoostedStake`];
//! - every ledger's deposits are non-zero, ordered by block, at most
//!   [`Config::MaxDeposits`], and add up to its stake;
//! - every staker's frozen amount under [`FreezeReason::Staked`] == its stake;
//! - every ledger's reward counter ≤ [`RewardPerBoostedStake`];
//! - Σ owed (unclaimed + pending) of all stakers ≤ [`OutstandingRewards`] ≤
//!   pot balance, and the pot holds the existential deposit on top of
//!   [`OutstandingRewards`] whenever anything is outstanding.
//!
//! The pallet mints and burns nothing: penalties, slashes, distributions and
//! claims are transfers. Hooks do no work per block.

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
mod impls;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use gym_primitives::staking::{Right, Tier, EARLY_UNSTAKE_PERIOD};
pub use gym_primitives::{
	staking::SlashReason,
	traits::{StakeFloor, StakeTiers},
};
pub use types::{Deposit, PendingBoost, StakeInfo, StakeLedger, UnbondingChunk};
pub use weights::WeightInfo;

extern crate alloc;

use frame_support::{
	pallet_prelude::DispatchResult,
	traits::{fungible, Contains},
	PalletId,
};
use gym_primitives::{traits::EpochClock, Balance, BlockNumber, EpochIndex};
use sp_runtime::FixedU128;

/// The number of other stakers the call weights are charged at: the top of
/// the range the benchmarks measure (component `n`). The pallet never
/// iterates over stakers: the benchmarks find the same storage reads and
/// writes for every `n`, and a time slope under 0.1 µs per staker, which is
/// the storage trie growing deeper, not a loop.
pub const WEIGHT_STAKERS: u32 = 500;

/// The id of the pot account that holds staker revenue until it is claimed.
pub const PALLET_ID: PalletId = PalletId(*b"gym/stak");

// FRAME's pallet macro expands to code that uses `expect` (storage prefixes,
// pallet info) and parity-scale-codec's `Encode` derive casts the index of
// data-carrying variants (events, calls, errors) `as u8`: both are allowed in
// this module only. The pallet's logic lives in `impls.rs`, under every lint.
#[frame_support::pallet]
#[allow(clippy::expect_used, clippy::cast_possible_truncation)]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, InspectFreeze},
	};
	use frame_system::pallet_prelude::*;
	use gym_primitives::staking;

	/// The in-code storage version.
	/// Version 1: ledgers hold unbonding chunks ([`crate::migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The GYM currency (pallet-balances), with freezes identified by the
		/// runtime's freeze reasons.
		type Currency: fungible::Inspect<Self::AccountId, Balance = Balance>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>
			+ fungible::InspectHold<Self::AccountId>
			+ fungible::Balanced<Self::AccountId>;
		/// The runtime's aggregated freeze reason.
		type RuntimeFreezeReason: From<FreezeReason>;
		/// Who receives early-unstake penalties and slashes (the treasury).
		type SlashDestination: Get<Self::AccountId>;
		/// Most deposits a staker keeps apart; further deposits merge into the
		/// newest (see the module docs). Must be positive.
		#[pallet::constant]
		type MaxDeposits: Get<u32>;
		/// What other pallets require stakers to keep staked (compute
		/// mining: Bronze for a registered worker).
		type StakeFloor: StakeFloor<Self::AccountId>;
		/// Accounts whose GYM is bonded elsewhere (pallet-staking's validators
		/// and nominators): they cannot stake here, so that no GYM backs two
		/// bondings and a slash in one never leaves the other counting GYM
		/// that is gone. The runtime makes pallet-staking refuse this
		/// pallet's stakers in turn.
		type BondedElsewhere: Contains<Self::AccountId>;
		/// Most unbonding chunks a staker keeps apart; further unstakes merge
		/// into the last chunk at the later release. Must be positive.
		#[pallet::constant]
		type MaxUnbonding: Get<u32>;
		/// The shortest [`UnbondingPeriod`] genesis or governance may set.
		/// Must be longer than [`Config::SlashHorizon`].
		#[pallet::constant]
		type MinUnbondingPeriod: Get<BlockNumber>;
		/// The longest a slash can lag the offence it punishes while the
		/// offender's GYM is not held by [`StakeFloor::holds_withdrawal`]:
		/// every judgement, dispute and vote window of the pallets that
		/// slash. Unbonding must outlast it, so a slash finds GYM unstaked
		/// after the offence (checked by `integrity_test`).
		#[pallet::constant]
		type SlashHorizon: Get<BlockNumber>;
		/// The longest a governance decision (a referendum's vote and
		/// enactment) takes: governance slashes (`report_malicious`) must
		/// find GYM unstaked when the proposal opened, so the default
		/// [`UnbondingPeriod`] outlasts it (checked by `integrity_test`).
		#[pallet::constant]
		type GovernanceHorizon: Get<BlockNumber>;
		/// Who may set [`UnbondingPeriod`] (governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The revenue periods (GymEmission's epochs): stake added in an epoch
		/// counts for staker revenue from the distribution made two epochs
		/// later (see [`Unrolled`]).
		type Clock: EpochClock;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet freezes GYM.
	#[pallet::composite_enum]
	pub enum FreezeReason {
		/// The GYM is staked.
		#[codec(index = 0)]
		Staked,
	}

	/// A staker's ledger in this runtime.
	pub type LedgerOf<T> = StakeLedger<<T as Config>::MaxDeposits, <T as Config>::MaxUnbonding>;

	/// Every staker's ledger. An account with no stake, nothing unbonding
	/// and nothing unclaimed has no entry.
	#[pallet::storage]
	pub type Stakers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, LedgerOf<T>, OptionQuery>;

	/// The default of [`UnbondingPeriod`]: 28 days.
	#[pallet::type_value]
	pub fn DefaultUnbondingPeriod() -> BlockNumber {
		gym_primitives::staking::DEFAULT_UNBONDING_PERIOD
	}

	/// Blocks unstaked GYM stays frozen and slashable before
	/// [`Pallet::withdraw_unbonded`] releases it (28 days by default, from
	/// genesis or governance; at least [`Config::MinUnbondingPeriod`]). A
	/// change applies to GYM unstaked afterwards.
	#[pallet::storage]
	pub type UnbondingPeriod<T> = StorageValue<_, BlockNumber, ValueQuery, DefaultUnbondingPeriod>;

	/// The sum of all stakes.
	#[pallet::storage]
	pub type TotalStaked<T> = StorageValue<_, Balance, ValueQuery>;

	/// The sum of all boosted counted stakes: the weight staker revenue is
	/// shared by. Stake added in an epoch joins it only when the epoch is two
	/// behind the current one ([`Unrolled`]).
	#[pallet::storage]
	pub type TotalBoostedStake<T> = StorageValue<_, Balance, ValueQuery>;

	/// The boosted stake added in the last two epochs that does not count
	/// yet, per epoch (at most the previous and the current one). A
	/// distribution in epoch `c` shares the revenue of period `c − 1` among
	/// stake added in epoch `c − 2` or before: stake that was there for the
	/// whole period. The first call in epoch `e + 2` or later moves epoch
	/// `e`'s entry into [`TotalBoostedStake`] and [`Rolled`].
	#[pallet::storage]
	pub type Unrolled<T> =
		StorageValue<_, BoundedVec<(EpochIndex, PendingBoost), ConstU32<2>>, ValueQuery>;

	/// For an epoch whose pending stake was counted in: the reward
	/// accumulator at that moment, and how many ledgers have not yet moved
	/// their pending stake into their counted stake (each does at its next
	/// change). Removed with the last.
	#[pallet::storage]
	pub type Rolled<T> = StorageMap<_, Twox64Concat, EpochIndex, (FixedU128, u32), OptionQuery>;

	/// The reward accumulator: planck of staker revenue per planck of boosted
	/// stake, ever. Only grows.
	#[pallet::storage]
	pub type RewardPerBoostedStake<T> = StorageValue<_, FixedU128, ValueQuery>;

	/// Staker revenue credited to the accumulator and not yet claimed: an
	/// upper bound of what the pot owes (the rest is rounding dust).
	#[pallet::storage]
	pub type OutstandingRewards<T> = StorageValue<_, Balance, ValueQuery>;

	/// Stakes of the genesis (the development chain's staked accounts).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// (account, amount) staked at genesis, as `stake` would: frozen
		/// out of the account's free balance, which the balances genesis
		/// must give.
		pub stakes: alloc::vec::Vec<(T::AccountId, Balance)>,
		/// [`UnbondingPeriod`]; 0 keeps the default of 28 days.
		pub unbonding_period: BlockNumber,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.unbonding_period > 0 {
				assert!(
					self.unbonding_period >= T::MinUnbondingPeriod::get(),
					"the genesis unbonding period is shorter than MinUnbondingPeriod"
				);
				UnbondingPeriod::<T>::put(self.unbonding_period);
			}
			for (who, amount) in &self.stakes {
				// Genesis may refuse a stake the balances cannot back.
				Pallet::<T>::do_stake(who, *amount).expect("a genesis stake is backed by balance");
			}
			// Genesis stakes were there before any revenue: they count at once.
			let mut boosted = TotalBoostedStake::<T>::get();
			for (_, slot) in Unrolled::<T>::take() {
				boosted = boosted.saturating_add(slot.boost);
			}
			TotalBoostedStake::<T>::put(boosted);
			for (who, _) in &self.stakes {
				Stakers::<T>::mutate(who, |ledger| {
					if let Some(ledger) = ledger {
						ledger.pending = 0;
					}
				});
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `amount` GYM was staked (frozen) by `who`.
		Staked {
			/// The account.
			who: T::AccountId,
			/// The amount staked, in planck.
			amount: Balance,
		},
		/// `amount` GYM was unstaked by `who`, of which `penalty` was paid as
		/// the early-unstake penalty; the rest is unbonding, frozen and
		/// slashable, until `release_at`.
		Unstaked {
			/// The account.
			who: T::AccountId,
			/// The amount unstaked, in planck (the penalty included).
			amount: Balance,
			/// The early-unstake penalty, in planck.
			penalty: Balance,
			/// The first block [`Pallet::withdraw_unbonded`] releases it in.
			release_at: BlockNumber,
		},
		/// `amount` of `who`'s unbonding GYM was released (thawed).
		Withdrawn {
			/// The account.
			who: T::AccountId,
			/// The amount released, in planck.
			amount: Balance,
		},
		/// `amount` of `who`'s unbonding GYM was staked again.
		Rebonded {
			/// The account.
			who: T::AccountId,
			/// The amount rebonded, in planck.
			amount: Balance,
		},
		/// Governance set [`UnbondingPeriod`] (for GYM unstaked from now on).
		UnbondingPeriodSet {
			/// The period, in blocks.
			period: BlockNumber,
		},
		/// `who` paid an early-unstake penalty of `amount` to `to`.
		PenaltyPaid {
			/// The account.
			who: T::AccountId,
			/// The amount, in planck.
			amount: Balance,
			/// Where the penalty went (the treasury).
			to: T::AccountId,
		},
		/// `amount` of `who`'s stake was slashed for `reason` and moved to `to`.
		Slashed {
			/// The account.
			who: T::AccountId,
			/// The amount slashed, in planck.
			amount: Balance,
			/// Why it was slashed.
			reason: SlashReason,
			/// Where the slashed GYM went (the slash destination).
			to: T::AccountId,
		},
		/// `who`'s tier changed from `from` to `to` (`None`: below Bronze).
		TierChanged {
			/// The account.
			who: T::AccountId,
			/// The tier before (`None`: below Bronze).
			from: Option<Tier>,
			/// The tier now (`None`: below Bronze).
			to: Option<Tier>,
		},
		/// `who` claimed `amount` of staker revenue from the pot.
		StakerRewardsClaimed {
			/// The account.
			who: T::AccountId,
			/// The amount claimed, in planck.
			amount: Balance,
		},
		/// `amount` from `from` was shared among stakers with
		/// `total_boosted_stake` boosted stake.
		StakersRewarded {
			/// The account the revenue came from.
			from: T::AccountId,
			/// The amount shared, in planck.
			amount: Balance,
			/// The boosted stake it was shared among.
			total_boosted_stake: Balance,
		},
		/// `amount` (the existential deposit) of a distribution stayed in the
		/// empty pot as its own balance, owed to nobody.
		PotEndowed {
			/// The amount kept as the account's existential deposit, in planck.
			amount: Balance,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The amount is more than the account's free balance that is not
		/// already frozen or locked.
		InsufficientFreeBalance,
		/// The amount is more than the account has staked.
		NotEnoughStaked,
		/// There is no staker revenue to claim.
		NothingToClaim,
		/// No stake is boosted (nobody at Bronze or above): revenue cannot be
		/// shared.
		NoStakers,
		/// A total would overflow (impossible with GYM's supply).
		ArithmeticOverflow,
		/// The early-unstake penalty could not be moved to the slash
		/// destination (the GYM is locked by another pallet, paying it would
		/// take the staker's account below the existential deposit, or the
		/// destination would stay below the existential deposit).
		PenaltyTransferFailed,
		/// The slashed GYM could not be moved to the slash destination.
		SlashTransferFailed,
		/// The stake would fall below what another pallet requires of the
		/// account (a registered compute worker keeps Bronze: deregister
		/// first).
		StakeRequired,
		/// The account's GYM is bonded elsewhere (it validates or nominates):
		/// one account does one or the other.
		BondedElsewhere,
		/// No unbonding GYM has reached its release block.
		NothingToWithdraw,
		/// The account has no unbonding GYM.
		NothingToRebond,
		/// The account's GYM backs work not yet final (a delta, a committee
		/// seat, a dispute vote, a slash still to be charged): it is
		/// withdrawn once that is final.
		WithdrawHeld,
		/// The unbonding period is shorter than
		/// [`Config::MinUnbondingPeriod`].
		UnbondingPeriodTooShort,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxDeposits::get() > 0, "MaxDeposits must be positive");
			assert!(T::MaxUnbonding::get() > 0, "MaxUnbonding must be positive");
			assert!(
				T::SlashHorizon::get() < T::MinUnbondingPeriod::get(),
				"every judgement and dispute window must end before the shortest unbonding"
			);
			assert!(
				T::GovernanceHorizon::get() < DefaultUnbondingPeriod::get()
					&& T::MinUnbondingPeriod::get() <= DefaultUnbondingPeriod::get(),
				"a governance decision must end before the default unbonding"
			);
			for pair in Tier::ALL.windows(2) {
				let [low, high] = pair else { continue };
				assert!(low.minimum() < high.minimum(), "tier minimums must ascend");
				assert!(low.boost_per_mille() < high.boost_per_mille(), "tier boosts must ascend");
			}
			assert!(
				Tier::Bronze.boost_per_mille() >= staking::BOOST_DENOMINATOR,
				"no tier may boost below 1.0x"
			);
			assert!(
				SlashReason::Downtime.default_fraction()
					< SlashReason::InvalidDelta.default_fraction()
					&& SlashReason::InvalidDelta.default_fraction()
						< SlashReason::Malicious.default_fraction(),
				"slash fractions must ascend with the gravity of the reason"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Stakes `amount` more GYM: it is frozen in the caller's account as a
		/// new deposit stamped with the current block. The amount must be
		/// free and not frozen or locked. Settles the caller's staker revenue
		/// first; emits [`Event::Staked`] and, when the tier changes,
		/// [`Event::TierChanged`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::stake(WEIGHT_STAKERS))]
		pub fn stake(origin: OriginFor<T>, #[pallet::compact] amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_stake(&who, amount)
		}

		/// Unstakes `amount` GYM, oldest deposits first: 10% of the part that
		/// was staked less than 30 days ago is paid to the slash destination,
		/// and the rest unbonds: it no longer counts for the tier or revenue
		/// but stays frozen and slashable for [`UnbondingPeriod`] blocks,
		/// then [`Pallet::withdraw_unbonded`] releases it. Settles the
		/// caller's staker revenue first; emits [`Event::Unstaked`],
		/// [`Event::PenaltyPaid`] when there is a penalty and
		/// [`Event::TierChanged`] when the tier changes.
		#[pallet::call_index(1)]
		// The generated weights include the stake floor's read (measured with
		// the runtime's floor, ComputeMining).
		#[pallet::weight(T::WeightInfo::unstake(WEIGHT_STAKERS))]
		pub fn unstake(origin: OriginFor<T>, #[pallet::compact] amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unstake(&who, amount)
		}

		/// Pays the caller's staker revenue (settled and pending) from the pot.
		/// Emits [`Event::StakerRewardsClaimed`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::claim_staker_rewards(WEIGHT_STAKERS))]
		pub fn claim_staker_rewards(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(&who)
		}

		/// Releases (thaws) the caller's unbonding GYM whose release block has
		/// come. Refused while the caller's GYM backs work not yet final
		/// ([`StakeFloor::holds_withdrawal`]). Emits [`Event::Withdrawn`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(&who)
		}

		/// Stakes up to `amount` of the caller's unbonding GYM again, the GYM
		/// released last first, each part at the deposit block it had (no
		/// penalty is refunded or charged). Settles the caller's staker
		/// revenue first; emits [`Event::Rebonded`] and, when the tier
		/// changes, [`Event::TierChanged`].
		#[pallet::call_index(4)]
		// The benchmark predates the `BondedElsewhere` check: its two reads
		// (pallet-staking's `Bonded` and `Ledger`) are added.
		#[pallet::weight(
			T::WeightInfo::rebond(WEIGHT_STAKERS).saturating_add(T::DbWeight::get().reads(2))
		)]
		pub fn rebond(origin: OriginFor<T>, #[pallet::compact] amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_rebond(&who, amount)
		}

		/// Sets [`UnbondingPeriod`] for GYM unstaked from now on (GYM already
		/// unbonding keeps its release block). At least
		/// [`Config::MinUnbondingPeriod`] and longer than
		/// [`Config::GovernanceHorizon`]. Governance only.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_unbonding_period())]
		pub fn set_unbonding_period(
			origin: OriginFor<T>,
			#[pallet::compact] period: BlockNumber,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			// Governance never sets one a governance decision outlasts (genesis
			// may, on development chains, down to `MinUnbondingPeriod`).
			ensure!(
				period >= T::MinUnbondingPeriod::get() && period > T::GovernanceHorizon::get(),
				Error::<T>::UnbondingPeriodTooShort
			);
			UnbondingPeriod::<T>::put(period);
			Self::deposit_event(Event::UnbondingPeriodSet { period });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The invariants of this pallet (run by `try_state` and by tests).
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let acc = RewardPerBoostedStake::<T>::get();
			let mut unrolled = alloc::collections::BTreeMap::<EpochIndex, PendingBoost>::new();
			let mut waiting_to_settle = alloc::collections::BTreeMap::<EpochIndex, u32>::new();
			let mut staked: Balance = 0;
			let mut boosted: Balance = 0;
			let mut owed: Balance = 0;
			for (who, ledger) in Stakers::<T>::iter() {
				ensure!(!ledger.is_empty(), "an empty ledger is kept in storage");
				ensure!(
					ledger.deposits.len() as u32 <= T::MaxDeposits::get(),
					"a ledger holds more deposits than MaxDeposits"
				);
				ensure!(ledger.deposits.iter().all(|d| d.amount > 0), "a deposit is empty");
				ensure!(ledger.unbonding.iter().all(|c| c.amount > 0), "a chunk is empty");
				ensure!(
					ledger
						.unbonding
						.windows(2)
						.all(|w| matches!(w, [a, b] if a.release_at <= b.release_at)),
					"unbonding chunks are not ordered by release"
				);
				ensure!(
					ledger
						.deposits
						.windows(2)
						.all(|w| matches!(w, [a, b] if a.staked_at <= b.staked_at)),
					"deposits are not ordered oldest first"
				);
				let sum = ledger
					.deposits
					.iter()
					.try_fold(Balance::MIN, |s, d| s.checked_add(d.amount))
					.ok_or("deposits overflow")?;
				ensure!(sum == ledger.stake, "deposits do not add up to the stake");
				ensure!(
					T::Currency::balance_frozen(&FreezeReason::Staked.into(), &who)
						== ledger.frozen(),
					"frozen amount != stake + unbonding"
				);
				ensure!(
					ledger.reward_counter <= acc,
					"a reward counter is ahead of the accumulator"
				);
				ensure!(ledger.pending <= ledger.stake, "more stake pending than staked");
				let rolled = Rolled::<T>::contains_key(ledger.pending_epoch);
				if ledger.pending > 0 {
					if rolled {
						let left = waiting_to_settle.entry(ledger.pending_epoch).or_default();
						*left = left.saturating_add(1);
					} else {
						let slot = unrolled.entry(ledger.pending_epoch).or_default();
						slot.boost = slot.boost.saturating_add(ledger.pending_boost());
						slot.ledgers = slot.ledgers.saturating_add(1);
					}
				}
				// What counts now: a ledger whose pending epoch was rolled
				// counts it all.
				let counts = if ledger.pending > 0 && rolled {
					staking::boosted(ledger.stake)
				} else {
					ledger.boosted()
				};
				let mut current = ledger.clone();
				Self::touch(&mut current).map_err(|_| "a ledger cannot be settled")?;
				let ledger_owed = current.unclaimed;
				staked = staked.checked_add(ledger.stake).ok_or("stakes overflow")?;
				boosted = boosted.checked_add(counts).ok_or("boosted overflows")?;
				owed = owed.checked_add(ledger_owed).ok_or("owed overflows")?;
			}
			ensure!(staked == TotalStaked::<T>::get(), "sum of stakes != TotalStaked");
			let stored: alloc::collections::BTreeMap<_, _> =
				Unrolled::<T>::get().into_iter().collect();
			ensure!(stored == unrolled, "Unrolled is not the sum of the pending stakes");
			let rolled: alloc::collections::BTreeMap<_, _> =
				Rolled::<T>::iter().map(|(epoch, (_, left))| (epoch, left)).collect();
			ensure!(rolled == waiting_to_settle, "Rolled does not count its ledgers");
			ensure!(
				boosted == TotalBoostedStake::<T>::get(),
				"sum of boosted stakes != TotalBoostedStake"
			);
			let outstanding = OutstandingRewards::<T>::get();
			ensure!(owed <= outstanding, "stakers are owed more than OutstandingRewards");
			let pot = T::Currency::balance(&Self::pot_account());
			ensure!(pot >= outstanding, "the pot holds less than OutstandingRewards");
			if outstanding > 0 {
				ensure!(
					pot >= outstanding.saturating_add(T::Currency::minimum_balance()),
					"the pot lacks its existential deposit"
				);
			}
			Ok(())
		}
	}
}
