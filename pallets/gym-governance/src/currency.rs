//! [`VotingCurrency`]: pallet-balances as pallet-democracy sees it, with
//! voting power in place of the free balance.
//!
//! pallet-democracy counts a vote in its `Currency`'s units and checks a
//! vote against `free_balance`; it measures super-majorities against
//! `total_issuance`. It has no other hook for a weight. The adapter
//! therefore overrides exactly these two methods:
//!
//! | method             | answers                                          |
//! |--------------------|--------------------------------------------------|
//! | `free_balance`     | the account's voting power ([`VotingPower::power_of`]) |
//! | `total_issuance`   | the electorate's power ([`VotingPower::total_power`]), at least 1 |
//!
//! Every other method of `Currency`, `ReservableCurrency` and
//! `LockableCurrency` is the inner currency's: deposits are reserved in GYM,
//! slashed deposits are GYM imbalances of pallet-balances (so they reach the
//! treasury), and vote locks are pallet-balances locks. A vote lock also
//! freezes the voter's liquidity tokens ([`VotingPower::vote_locked`]): the
//! power counts them, and without the freeze they could be handed to another
//! account to vote again on the same referendum.
//! Nothing here mints or burns.

use core::marker::PhantomData;
use frame_support::traits::{
	BalanceStatus, Currency, ExistenceRequirement, LockIdentifier, LockableCurrency,
	ReservableCurrency, SignedImbalance, WithdrawReasons,
};
use gym_primitives::Balance;
use sp_runtime::{DispatchError, DispatchResult};

/// What a vote may weigh: an account's voting power, and the electorate's.
pub trait VotingPower<AccountId> {
	/// `who`'s voting power now.
	fn power_of(who: &AccountId) -> Balance;
	/// Every account's voting power together.
	fn total_power() -> Balance;
	/// `who`'s votes now lock something: what counts in its power and is not
	/// GYM (liquidity tokens) is frozen too. Nothing by default.
	fn vote_locked(_who: &AccountId) {}
	/// `who`'s votes lock nothing any more. Nothing by default.
	fn vote_unlocked(_who: &AccountId) {}
}

/// The currency `C` (pallet-balances), except that `free_balance` is the
/// voting power `P` and `total_issuance` the electorate's (see the module).
pub struct VotingCurrency<C, P>(PhantomData<(C, P)>);

impl<AccountId, C, P> Currency<AccountId> for VotingCurrency<C, P>
where
	C: Currency<AccountId, Balance = Balance>,
	P: VotingPower<AccountId>,
{
	type Balance = Balance;
	type PositiveImbalance = C::PositiveImbalance;
	type NegativeImbalance = C::NegativeImbalance;

	/// Overridden: the electorate's voting power, at least 1: democracy
	/// divides by its square root when a referendum ends, and an electorate
	/// of 0 (nobody staked, nothing mined) would panic in `on_initialize`
	/// and halt the chain.
	fn total_issuance() -> Balance {
		P::total_power().max(1)
	}

	/// Overridden: `who`'s voting power, what a vote or delegation may weigh.
	fn free_balance(who: &AccountId) -> Balance {
		P::power_of(who)
	}

	fn total_balance(who: &AccountId) -> Balance {
		C::total_balance(who)
	}
	fn can_slash(who: &AccountId, value: Balance) -> bool {
		C::can_slash(who, value)
	}
	fn active_issuance() -> Balance {
		C::active_issuance()
	}
	fn deactivate(amount: Balance) {
		C::deactivate(amount)
	}
	fn reactivate(amount: Balance) {
		C::reactivate(amount)
	}
	fn minimum_balance() -> Balance {
		C::minimum_balance()
	}
	fn burn(amount: Balance) -> Self::PositiveImbalance {
		C::burn(amount)
	}
	fn issue(amount: Balance) -> Self::NegativeImbalance {
		C::issue(amount)
	}
	fn pair(amount: Balance) -> (Self::PositiveImbalance, Self::NegativeImbalance) {
		C::pair(amount)
	}
	fn ensure_can_withdraw(
		who: &AccountId,
		amount: Balance,
		reasons: WithdrawReasons,
		new_balance: Balance,
	) -> DispatchResult {
		C::ensure_can_withdraw(who, amount, reasons, new_balance)
	}
	fn transfer(
		source: &AccountId,
		dest: &AccountId,
		value: Balance,
		existence_requirement: ExistenceRequirement,
	) -> DispatchResult {
		C::transfer(source, dest, value, existence_requirement)
	}
	fn slash(who: &AccountId, value: Balance) -> (Self::NegativeImbalance, Balance) {
		C::slash(who, value)
	}
	fn deposit_into_existing(
		who: &AccountId,
		value: Balance,
	) -> Result<Self::PositiveImbalance, DispatchError> {
		C::deposit_into_existing(who, value)
	}
	fn resolve_into_existing(
		who: &AccountId,
		value: Self::NegativeImbalance,
	) -> Result<(), Self::NegativeImbalance> {
		C::resolve_into_existing(who, value)
	}
	fn deposit_creating(who: &AccountId, value: Balance) -> Self::PositiveImbalance {
		C::deposit_creating(who, value)
	}
	fn resolve_creating(who: &AccountId, value: Self::NegativeImbalance) {
		C::resolve_creating(who, value)
	}
	fn withdraw(
		who: &AccountId,
		value: Balance,
		reasons: WithdrawReasons,
		liveness: ExistenceRequirement,
	) -> Result<Self::NegativeImbalance, DispatchError> {
		C::withdraw(who, value, reasons, liveness)
	}
	fn settle(
		who: &AccountId,
		value: Self::PositiveImbalance,
		reasons: WithdrawReasons,
		liveness: ExistenceRequirement,
	) -> Result<(), Self::PositiveImbalance> {
		C::settle(who, value, reasons, liveness)
	}
	fn make_free_balance_be(
		who: &AccountId,
		balance: Balance,
	) -> SignedImbalance<Balance, Self::PositiveImbalance> {
		C::make_free_balance_be(who, balance)
	}
}

impl<AccountId, C, P> ReservableCurrency<AccountId> for VotingCurrency<C, P>
where
	C: ReservableCurrency<AccountId, Balance = Balance>,
	P: VotingPower<AccountId>,
{
	fn can_reserve(who: &AccountId, value: Balance) -> bool {
		C::can_reserve(who, value)
	}
	fn slash_reserved(who: &AccountId, value: Balance) -> (Self::NegativeImbalance, Balance) {
		C::slash_reserved(who, value)
	}
	fn reserved_balance(who: &AccountId) -> Balance {
		C::reserved_balance(who)
	}
	fn reserve(who: &AccountId, value: Balance) -> DispatchResult {
		C::reserve(who, value)
	}
	fn unreserve(who: &AccountId, value: Balance) -> Balance {
		C::unreserve(who, value)
	}
	fn repatriate_reserved(
		slashed: &AccountId,
		beneficiary: &AccountId,
		value: Balance,
		status: BalanceStatus,
	) -> Result<Balance, DispatchError> {
		C::repatriate_reserved(slashed, beneficiary, value, status)
	}
}

impl<AccountId, C, P> LockableCurrency<AccountId> for VotingCurrency<C, P>
where
	C: LockableCurrency<AccountId, Balance = Balance>,
	P: VotingPower<AccountId>,
{
	type Moment = C::Moment;
	type MaxLocks = C::MaxLocks;

	/// The GYM lock, and the voter's liquidity tokens frozen with it.
	fn set_lock(id: LockIdentifier, who: &AccountId, amount: Balance, reasons: WithdrawReasons) {
		C::set_lock(id, who, amount, reasons);
		P::vote_locked(who);
	}
	/// The GYM lock, and the voter's liquidity tokens frozen with it.
	fn extend_lock(id: LockIdentifier, who: &AccountId, amount: Balance, reasons: WithdrawReasons) {
		C::extend_lock(id, who, amount, reasons);
		P::vote_locked(who);
	}
	/// The GYM lock goes, and the voter's liquidity tokens thaw.
	fn remove_lock(id: LockIdentifier, who: &AccountId) {
		C::remove_lock(id, who);
		P::vote_unlocked(who);
	}
}
