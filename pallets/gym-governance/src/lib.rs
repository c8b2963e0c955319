//! # GYM governance pallet
//!
//! The seed's governance on `pallet-democracy`: who may propose what, how
//! long each stage lasts, and what a vote weighs.
//!
//! ## Typed proposals
//!
//! [`Pallet::propose`] is the only way to open a public proposal: `pallet-democracy`'s own
//! `propose` accepts only this pallet's [`RawOrigin::Proposer`] ([`EnsureProposer`] is its
//! `SubmitOrigin`). The proposer must hold a Platinum stake
//! ([`Right::Propose`]), the call must be on the allow-list of its
//! [`ProposalKind`] ([`Config::Proposals`]), and democracy reserves the deposit (at
//! least its `MinimumDeposit`). A call of up to 128 bytes is carried inline;
//! a longer one must have been noted in `pallet-preimage` (with that pallet's
//! deposit) first, so nothing is stored for free. An account may have at
//! most [`Config::MaxProposalsPerAccount`] proposals waiting at a time, so
//! one Platinum staker cannot fill democracy's queue.
//!
//! Seconding, voting, delegation and the rest are democracy's own calls. A
//! passed referendum runs its call as Root after the enactment period, from
//! `pallet-scheduler`.
//!
//! ## Periods
//!
//! Democracy's periods (launch, voting, enactment, vote locking, cool-off)
//! live in [`Periods`]: the seed's numbers by default, shorter on dev chains
//! from genesis, changed by [`Pallet::set_periods`]. The runtime hands them to
//! democracy through [`LaunchPeriod`], [`VotingPeriod`], [`EnactmentPeriod`],
//! [`VoteLockingPeriod`] and [`CooloffPeriod`]. Launch, voting and enactment
//! together must fit in [`Config::GovernanceHorizon`].
//!
//! ## Voting power
//!
//! [`VotingCurrency`] is the currency democracy counts with. It is
//! pallet-balances in every respect but two: an account's "free balance" is
//! its voting power ([`VotingPower::power_of`], the seed's formula in
//! [`gym_primitives::governance::voting_power`]) and the "total issuance" is
//! the electorate's ([`VotingPower::total_power`]), which the super-majority
//! threshold of public referenda is measured against. A vote, or a
//! delegation, may weigh at most the voter's power; conviction multiplies
//! it as usual (0.1x to 6x) and lengthens its lock.
//!
//! The lock is pallet-balances' and covers as many GYM as the vote weighs
//! (up to the account's balance). Stake is frozen in its owner's free
//! balance, and locks and freezes overlap, so the lock holds the voting
//! stake itself: unstaked GYM unbonds for longer than a decision takes, and
//! once withdrawn the lock still keeps it in the account until the vote's
//! lock ends. The same GYM therefore cannot vote again from another account
//! in the same referendum. The mining contribution is a score of work, not
//! a holding, and counts whether or not the GYM earned is still there.

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
pub mod currency;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use currency::{VotingCurrency, VotingPower};
pub use gym_primitives::{
	governance::{GovernancePeriods, ProposalKind},
	staking::Right,
	traits::{LiquidityGym, MiningEarnings, StakeTiers},
};
pub use types::VotingPowerInfo;
pub use weights::WeightInfo;

use alloc::boxed::Box;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::marker::PhantomData;
use frame_support::traits::{
	Bounded, BoundedInline, EnsureOrigin, Get, OriginTrait, QueryPreimage,
};
use gym_primitives::{governance, Balance, BlockNumber};
use scale_info::TypeInfo;
use sp_runtime::traits::Hash;

/// Which calls each proposal type may carry: the runtime's allow-lists.
pub trait ProposalFilter<Call> {
	/// Whether a proposal of type `kind` may carry `call`.
	fn allows(kind: ProposalKind, call: &Call) -> bool;
	/// Benchmarks only: a call some type allows, and that type.
	#[cfg(feature = "runtime-benchmarks")]
	fn allowed_call() -> (ProposalKind, Call);
}

/// The origin of a proposal this pallet checked: democracy's `propose`
/// accepts no other ([`EnsureProposer`]).
// parity-scale-codec's `Encode` derive casts the variant's index `as u8`.
#[allow(clippy::cast_possible_truncation)]
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum RawOrigin<AccountId> {
	/// `AccountId` proposes through [`Pallet::propose`].
	Proposer(AccountId),
}

/// Accepts only [`RawOrigin::Proposer`] and yields the proposer: the
/// `SubmitOrigin` of pallet-democracy.
pub struct EnsureProposer<AccountId>(PhantomData<AccountId>);

impl<O, AccountId> EnsureOrigin<O> for EnsureProposer<AccountId>
where
	O: OriginTrait + From<RawOrigin<AccountId>>,
	for<'a> &'a O::PalletsOrigin: TryInto<&'a RawOrigin<AccountId>>,
	AccountId: Decode + Clone,
{
	type Success = AccountId;

	fn try_origin(o: O) -> Result<AccountId, O> {
		let proposer = match o.caller().try_into() {
			Ok(RawOrigin::Proposer(who)) => Some(who.clone()),
			Err(_) => None,
		};
		proposer.ok_or(o)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<O, ()> {
		let who = AccountId::decode(&mut sp_runtime::traits::TrailingZeroInput::zeroes())
			.map_err(|_| ())?;
		Ok(O::from(RawOrigin::Proposer(who)))
	}
}

macro_rules! period_of {
	($(#[$doc:meta])* $name:ident, $field:ident) => {
		$(#[$doc])*
		pub struct $name<T>(PhantomData<T>);

		impl<T: Config> Get<frame_system::pallet_prelude::BlockNumberFor<T>> for $name<T> {
			fn get() -> frame_system::pallet_prelude::BlockNumberFor<T> {
				// Never 0: democracy divides by the launch period.
				Periods::<T>::get().$field.max(1).into()
			}
		}
	};
}

period_of!(
	/// Democracy's `LaunchPeriod`: [`Periods`]' launch.
	LaunchPeriod,
	launch
);
period_of!(
	/// Democracy's `VotingPeriod`: [`Periods`]' voting.
	VotingPeriod,
	voting
);
period_of!(
	/// Democracy's `EnactmentPeriod`: [`Periods`]' enactment.
	EnactmentPeriod,
	enactment
);
period_of!(
	/// Democracy's `VoteLockingPeriod`: [`Periods`]' vote locking.
	VoteLockingPeriod,
	vote_locking
);
period_of!(
	/// Democracy's `CooloffPeriod`: [`Periods`]' cool-off.
	CooloffPeriod,
	cooloff
);

// FRAME's pallet macro expands to code that uses `expect` (storage prefixes,
// pallet info) and parity-scale-codec's `Encode` derive casts the index of
// data-carrying variants (events, calls, errors) `as u8`: both are allowed in
// this module only.
#[frame_support::pallet]
#[allow(clippy::expect_used, clippy::cast_possible_truncation)]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::Currency};
	use frame_system::pallet_prelude::*;
	use pallet_democracy::PropIndex;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<
			RuntimeEvent: From<Event<Self>>,
			RuntimeOrigin: From<RawOrigin<Self::AccountId>>,
		> + pallet_democracy::Config<Currency: Currency<Self::AccountId, Balance = Balance>>
	{
		/// Tiers (who may propose) and stakes (the power's first term).
		type Stakes: StakeTiers<Self::AccountId>;
		/// The GYM in liquidity pools (the power's second term).
		type Liquidity: LiquidityGym<Self::AccountId>;
		/// GYM earned by mining over 30 days (the power's third term).
		type Mining: MiningEarnings<Self::AccountId>;
		/// The allow-list of each proposal type.
		type Proposals: ProposalFilter<<Self as frame_system::Config>::RuntimeCall>;
		/// The longest a decision may take (launch + voting + enactment).
		#[pallet::constant]
		type GovernanceHorizon: Get<BlockNumber>;
		/// How many proposals one account may have waiting at a time.
		#[pallet::constant]
		type MaxProposalsPerAccount: Get<u32>;
		/// Who may change the periods: governance.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The origin of this pallet: a checked proposer.
	#[pallet::origin]
	pub type Origin<T> = RawOrigin<<T as frame_system::Config>::AccountId>;

	/// Democracy's periods (the seed's unless genesis or governance set
	/// others).
	#[pallet::storage]
	pub type Periods<T> = StorageValue<_, GovernancePeriods, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The periods; `None` keeps the seed's.
		pub periods: Option<GovernancePeriods>,
		#[serde(skip)]
		#[doc(hidden)]
		pub _config: PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(periods) = self.periods {
				assert!(
					periods.is_valid(T::GovernanceHorizon::get()),
					"governance periods must be non-zero, lock votes through enactment and fit \
					 in the governance horizon"
				);
				Periods::<T>::put(periods);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `proposer` opened democracy's proposal `proposal_index`, of type
		/// `kind`, carrying the call of hash `call_hash`.
		Proposed {
			/// Democracy's index of the proposal.
			proposal_index: PropIndex,
			/// Its type.
			kind: ProposalKind,
			/// Who proposed it.
			proposer: T::AccountId,
			/// The hash of the call it carries.
			call_hash: T::Hash,
		},
		/// Governance set new periods.
		PeriodsSet {
			/// The new periods.
			periods: GovernancePeriods,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only Platinum stakers (100,000 GYM and more) may propose.
		NotPlatinum,
		/// The call is not on the allow-list of the proposal's type.
		CallNotAllowed,
		/// The call is longer than 128 bytes and its preimage was not noted.
		PreimageMissing,
		/// The proposer already has `MaxProposalsPerAccount` proposals waiting.
		TooManyProposals,
		/// A period is 0, the vote lock is shorter than enactment, or a
		/// decision would outlast the governance horizon.
		InvalidPeriods,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				GovernancePeriods::SEED.is_valid(T::GovernanceHorizon::get()),
				"the seed's periods must fit in the governance horizon"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Opens a democracy proposal of type `kind` carrying `call`, with
		/// `deposit` reserved (at least democracy's `MinimumDeposit`).
		/// Platinum stakers only; `call` must be on `kind`'s allow-list.
		#[pallet::call_index(0)]
		// The benchmark measures democracy's `propose` inside this call, with its
		// queue full.
		#[pallet::weight(<T as Config>::WeightInfo::propose())]
		pub fn propose(
			origin: OriginFor<T>,
			kind: ProposalKind,
			call: Box<<T as frame_system::Config>::RuntimeCall>,
			#[pallet::compact] deposit: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(T::Stakes::has_right(&who, Right::Propose), Error::<T>::NotPlatinum);
			ensure!(T::Proposals::allows(kind, &call), Error::<T>::CallNotAllowed);
			let waiting = pallet_democracy::PublicProps::<T>::get()
				.iter()
				.filter(|(_, _, proposer)| *proposer == who)
				.count();
			ensure!(
				waiting < T::MaxProposalsPerAccount::get() as usize,
				Error::<T>::TooManyProposals
			);
			let encoded = call.encode();
			let call_hash = T::Hashing::hash(&encoded);
			let bounded = match BoundedInline::try_from(encoded) {
				Ok(inline) => Bounded::Inline(inline),
				Err(encoded) => {
					let len = u32::try_from(encoded.len()).unwrap_or(u32::MAX);
					ensure!(
						<T as pallet_democracy::Config>::Preimages::len(&call_hash) == Some(len),
						Error::<T>::PreimageMissing
					);
					Bounded::Lookup { hash: call_hash, len }
				}
			};
			let proposal_index = pallet_democracy::PublicPropCount::<T>::get();
			pallet_democracy::Pallet::<T>::propose(
				RawOrigin::Proposer(who.clone()).into(),
				bounded,
				deposit,
			)?;
			Self::deposit_event(Event::Proposed { proposal_index, kind, proposer: who, call_hash });
			Ok(())
		}

		/// Sets democracy's periods. Every period must be above 0, the vote
		/// lock at least the enactment period, and launch + voting +
		/// enactment within the governance horizon. Referenda already running
		/// keep their end and their enactment delay.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::set_periods())]
		pub fn set_periods(origin: OriginFor<T>, periods: GovernancePeriods) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(periods.is_valid(T::GovernanceHorizon::get()), Error::<T>::InvalidPeriods);
			Periods::<T>::put(periods);
			Self::deposit_event(Event::PeriodsSet { periods });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// `who`'s voting power now: the seed's formula over its stake, its GYM
	/// in liquidity pools and its mining earnings of the last 30 days.
	pub fn power_of(who: &T::AccountId) -> Balance {
		governance::voting_power(
			T::Stakes::stake_of(who),
			T::Liquidity::gym_in_lp(who),
			T::Mining::earned_30d(who),
		)
	}

	/// `who`'s voting power with its terms, and the electorate's.
	pub fn voting_power_info(who: &T::AccountId) -> VotingPowerInfo {
		let staked = T::Stakes::stake_of(who);
		let lp_gym = T::Liquidity::gym_in_lp(who);
		let mined_30d = T::Mining::earned_30d(who);
		VotingPowerInfo {
			power: governance::voting_power(staked, lp_gym, mined_30d),
			staked,
			lp_gym,
			mined_30d,
			electorate: Self::total_power(),
			now: sp_runtime::SaturatedConversion::saturated_into(
				frame_system::Pallet::<T>::block_number(),
			),
		}
	}

	/// The electorate's voting power: the formula over every stake, every
	/// liquidity position and the network's mining earnings of 30 days.
	pub fn total_power() -> Balance {
		governance::voting_power(
			T::Stakes::total_stake(),
			T::Liquidity::total_gym_in_lp(),
			T::Mining::network_earned_30d(),
		)
	}

	/// The invariants of this pallet (run by `try_state` and by tests): the
	/// periods are valid.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		frame_support::ensure!(
			Periods::<T>::get().is_valid(T::GovernanceHorizon::get()),
			"governance periods are invalid"
		);
		Ok(())
	}
}

impl<T: Config> VotingPower<T::AccountId> for Pallet<T> {
	fn power_of(who: &T::AccountId) -> Balance {
		Self::power_of(who)
	}

	fn total_power() -> Balance {
		Self::total_power()
	}

	fn vote_locked(who: &T::AccountId) {
		T::Liquidity::freeze_for_vote(who)
	}

	fn vote_unlocked(who: &T::AccountId) {
		T::Liquidity::thaw_after_vote(who)
	}
}
