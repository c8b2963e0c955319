//! Storage migrations of the tiered-staking pallet.

use crate::{pallet::*, types::Deposit};
use codec::{Decode, Encode};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
	BoundedVec,
};
use gym_primitives::Balance;
use sp_runtime::FixedU128;

/// Version 0 to 1: ledgers gain their unbonding chunks and pending stake.
pub mod v1 {
	use super::*;

	/// A ledger as version 0 stored it: no unbonding (unstaking thawed at
	/// once).
	#[derive(Encode, Decode)]
	pub struct LedgerV0<MaxDeposits: frame_support::traits::Get<u32>> {
		/// The stake.
		pub stake: Balance,
		/// The deposits, oldest first.
		pub deposits: BoundedVec<Deposit, MaxDeposits>,
		/// The reward counter.
		pub reward_counter: FixedU128,
		/// Settled, unclaimed revenue.
		pub unclaimed: Balance,
	}

	/// Rewrites every ledger with no unbonding GYM and all its stake counted
	/// for revenue (it was staked before the upgrade): every staker keeps its
	/// stake, deposits, reward counter and unclaimed revenue, and its freeze
	/// (which equalled the stake) is untouched. One read and one write per
	/// staker, in one block: the chains running version 0 (the testnet)
	/// have a few hundred stakers at most.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count: u64 = 0;
			Stakers::<T>::translate::<LedgerV0<T::MaxDeposits>, _>(|_, old| {
				count = count.saturating_add(1);
				Some(LedgerOf::<T> {
					stake: old.stake,
					deposits: old.deposits,
					reward_counter: old.reward_counter,
					unclaimed: old.unclaimed,
					unbonding: BoundedVec::new(),
					pending: 0,
					pending_epoch: 0,
				})
			});
			T::DbWeight::get().reads_writes(count, count)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			let mut count: u64 = 0;
			let mut staked: Balance = 0;
			for key in Stakers::<T>::iter_keys() {
				let raw =
					frame_support::storage::unhashed::get_raw(&Stakers::<T>::hashed_key_for(&key))
						.ok_or("a ledger vanished")?;
				let old = LedgerV0::<T::MaxDeposits>::decode(&mut &raw[..])
					.map_err(|_| "a version-0 ledger does not decode")?;
				count = count.saturating_add(1);
				staked = staked.saturating_add(old.stake);
			}
			frame_support::ensure!(staked == TotalStaked::<T>::get(), "stakes != TotalStaked");
			Ok((count, staked).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let (count, staked) = <(u64, Balance)>::decode(&mut &state[..])
				.map_err(|_| "pre_upgrade state does not decode")?;
			let mut after: u64 = 0;
			let mut staked_after: Balance = 0;
			for ledger in Stakers::<T>::iter_values() {
				frame_support::ensure!(ledger.unbonding.is_empty(), "a migrated ledger unbonds");
				after = after.saturating_add(1);
				staked_after = staked_after.saturating_add(ledger.stake);
			}
			frame_support::ensure!(after == count, "ledgers were lost");
			frame_support::ensure!(staked_after == staked, "stake was lost");
			Pallet::<T>::do_try_state()
		}
	}

	/// [`InnerMigrateV0ToV1`], run once: only while the on-chain storage
	/// version is 0, which it then sets to 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		InnerMigrateV0ToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
