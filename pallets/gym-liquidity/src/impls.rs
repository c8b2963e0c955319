//! The farms' logic: staking, the accumulator, periods, claims, the views
//! and the GYM in LP that governance counts.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::{
	ensure,
	traits::{
		fungible::{self, InspectHold as _, MutateFreeze as _},
		fungibles::{self, MutateFreeze as _},
		tokens::{Fortitude, Preservation},
		Get,
	},
};
use gym_primitives::{
	liquidity,
	traits::{EpochClock, GymPools, LiquidityGym},
	Balance, BlockNumber, EpochIndex,
};
use sp_runtime::{
	traits::{AccountIdConversion, Saturating, Zero},
	DispatchError, DispatchResult, FixedPointNumber, FixedU128, SaturatedConversion,
};

impl<T: Config> Pallet<T> {
	/// The pot's account: the liquidity providers' share of revenue.
	pub fn pot_account() -> T::AccountId {
		T::PotId::get().into_account_truncating()
	}

	fn now() -> BlockNumber {
		frame_system::Pallet::<T>::block_number().saturated_into()
	}

	fn freeze_id() -> T::RuntimeFreezeReason {
		FreezeReason::Farmed.into()
	}

	/// Whether `who`, with `staked` in a farm of `asset`, can stake `amount`
	/// more. GYM: only what is free, not frozen and not backing a hold
	/// (pallet-balances lets held GYM back a freeze, so the GYM on hold is
	/// taken off what the freezes leave: otherwise GYM frozen by tiered
	/// staking could be frozen here again, up to the account's holds).
	/// Liquidity tokens: up to the whole balance, whatever a vote froze
	/// ([`FreezeReason::Voting`]): both freezes keep the same tokens in
	/// place, and only this pallet freezes them.
	fn can_stake(who: &T::AccountId, asset: FarmAsset, staked: Balance, amount: Balance) -> bool {
		match asset {
			FarmAsset::Gym => {
				let free = <T::Currency as fungible::Inspect<_>>::reducible_balance(
					who,
					Preservation::Preserve,
					Fortitude::Polite,
				);
				free.saturating_sub(T::Currency::total_balance_on_hold(who)) >= amount
			}
			FarmAsset::Lp { token, .. } => {
				let balance = <T::LpTokens as fungibles::Inspect<_>>::balance(token, who);
				staked.checked_add(amount).is_some_and(|total| total <= balance)
			}
		}
	}

	/// Freezes `amount` of `asset` for `who` under [`FreezeReason::Farmed`].
	fn set_frozen(who: &T::AccountId, asset: FarmAsset, amount: Balance) -> DispatchResult {
		match asset {
			FarmAsset::Gym => T::Currency::set_freeze(&Self::freeze_id(), who, amount),
			FarmAsset::Lp { token, .. } => {
				T::LpTokens::set_freeze(token, &Self::freeze_id(), who, amount)
			}
		}
	}

	/// Pays `farm`'s rate out into its accumulator up to `now`: at most what
	/// it has reserved, and only while something is staked (blocks with
	/// nothing staked pay nobody; their GYM stays reserved and goes back to
	/// the pot at the period's end).
	pub(crate) fn accrue(farm: &mut Farm, now: BlockNumber) {
		let blocks = now.saturating_sub(farm.last_update);
		if blocks == 0 {
			return;
		}
		farm.stake_blocks =
			farm.stake_blocks.saturating_add(farm.total_staked.saturating_mul(blocks.into()));
		if !farm.total_staked.is_zero() {
			let due = farm.rate.saturating_mul(blocks.into()).min(farm.reserved);
			let step = FixedU128::checked_from_rational(due, farm.total_staked).unwrap_or_default();
			// What the step pays every staker together, rounded down: never
			// more than `due`.
			let paid = step.saturating_mul_int(farm.total_staked).min(due);
			farm.per_share = farm.per_share.saturating_add(step);
			farm.reserved = farm.reserved.saturating_sub(paid);
			farm.unpaid = farm.unpaid.saturating_add(paid);
		}
		farm.last_update = now;
	}

	/// Moves what `stake` earned since it was last settled into its
	/// unclaimed GYM.
	fn settle(farm: &Farm, stake: &mut Stake) {
		let earned =
			farm.per_share.saturating_sub(stake.paid_per_share).saturating_mul_int(stake.amount);
		stake.unclaimed = stake.unclaimed.saturating_add(earned);
		stake.paid_per_share = farm.per_share;
	}

	/// The farm and `who`'s position in it, both brought up to now.
	fn settled(farm_id: FarmId, who: &T::AccountId) -> Result<(Farm, Stake), DispatchError> {
		let mut farm = Farms::<T>::get(farm_id).ok_or(Error::<T>::UnknownFarm)?;
		Self::accrue(&mut farm, Self::now());
		let mut stake = Stakes::<T>::get(farm_id, who).unwrap_or_default();
		Self::settle(&farm, &mut stake);
		Ok((farm, stake))
	}

	fn store(farm_id: FarmId, farm: Farm, who: &T::AccountId, stake: Stake) {
		Farms::<T>::insert(farm_id, farm);
		if stake.amount.is_zero() && stake.unclaimed.is_zero() {
			Stakes::<T>::remove(farm_id, who);
		} else {
			Stakes::<T>::insert(farm_id, who, stake);
		}
	}

	pub(crate) fn do_stake(who: &T::AccountId, farm_id: FarmId, amount: Balance) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let (mut farm, mut stake) = Self::settled(farm_id, who)?;
		ensure!(
			Self::can_stake(who, farm.asset, stake.amount, amount),
			Error::<T>::InsufficientBalance
		);
		stake.amount = stake.amount.saturating_add(amount);
		Self::set_frozen(who, farm.asset, stake.amount)?;
		farm.total_staked = farm.total_staked.saturating_add(amount);
		Self::store(farm_id, farm, who, stake);
		Self::deposit_event(Event::Staked { who: who.clone(), farm: farm_id, amount });
		Ok(())
	}

	pub(crate) fn do_unstake(
		who: &T::AccountId,
		farm_id: FarmId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let (mut farm, mut stake) = Self::settled(farm_id, who)?;
		ensure!(stake.amount >= amount, Error::<T>::NotEnoughStaked);
		stake.amount = stake.amount.saturating_sub(amount);
		Self::set_frozen(who, farm.asset, stake.amount)?;
		farm.total_staked = farm.total_staked.saturating_sub(amount);
		Self::store(farm_id, farm, who, stake);
		Self::deposit_event(Event::Unstaked { who: who.clone(), farm: farm_id, amount });
		Ok(())
	}

	pub(crate) fn do_claim(who: &T::AccountId, farm_id: FarmId) -> DispatchResult {
		let (mut farm, mut stake) = Self::settled(farm_id, who)?;
		// Rounding per staker is down, so the owed GYM covers every claim;
		// `min` keeps a rounding slip from ever reaching free GYM.
		let amount = stake.unclaimed.min(farm.unpaid);
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		<T::Currency as fungible::Mutate<_>>::transfer(
			&Self::pot_account(),
			who,
			amount,
			Preservation::Preserve,
		)?;
		stake.unclaimed = stake.unclaimed.saturating_sub(amount);
		farm.unpaid = farm.unpaid.saturating_sub(amount);
		Self::store(farm_id, farm, who, stake);
		Self::deposit_event(Event::Claimed { who: who.clone(), farm: farm_id, amount });
		Ok(())
	}

	fn check_target(target: &TargetApr) -> DispatchResult {
		let launch = target.launch.map_or(0, |(apr, _)| apr);
		ensure!(target.apr.max(launch) <= liquidity::MAX_APR, Error::<T>::AprTooHigh);
		Ok(())
	}

	pub(crate) fn do_create_farm(
		pair: Option<u32>,
		target: TargetApr,
	) -> Result<FarmId, DispatchError> {
		Self::check_target(&target)?;
		let asset = match pair {
			None => FarmAsset::Gym,
			Some(pair) => {
				let pool = T::Pools::pool(pair).ok_or(Error::<T>::NoSuchPool)?;
				FarmAsset::Lp { pair, token: pool.lp_token }
			}
		};
		let id = NextFarmId::<T>::get();
		ensure!(id < T::MaxFarms::get(), Error::<T>::TooManyFarms);
		ensure!(
			(0..id).all(|f| Farms::<T>::get(f).is_none_or(|farm| farm.asset != asset)),
			Error::<T>::FarmExists
		);
		let now = Self::now();
		Farms::<T>::insert(
			id,
			Farm {
				asset,
				target,
				total_staked: 0,
				per_share: FixedU128::zero(),
				rate: 0,
				reserved: 0,
				unpaid: 0,
				last_update: now,
				period_start: now,
				stake_blocks: 0,
			},
		);
		NextFarmId::<T>::put(id.saturating_add(1));
		Self::deposit_event(Event::FarmCreated { farm: id, asset, target });
		Ok(id)
	}

	pub(crate) fn do_set_target(farm_id: FarmId, target: TargetApr) -> DispatchResult {
		Self::check_target(&target)?;
		Farms::<T>::try_mutate(farm_id, |farm| {
			let farm = farm.as_mut().ok_or(Error::<T>::UnknownFarm)?;
			farm.target = target;
			Self::deposit_event(Event::TargetSet { farm: farm_id, target });
			Ok(())
		})
	}

	/// The value in GYM of `amount` of `asset` now: GYM one for one, a
	/// liquidity token at twice the GYM it stands for.
	fn value_of(asset: FarmAsset, amount: Balance) -> Balance {
		match asset {
			FarmAsset::Gym => amount,
			FarmAsset::Lp { pair, .. } => T::Pools::pool(pair)
				.map_or(0, |pool| liquidity::lp_value(amount, pool.gym, pool.lp_supply)),
		}
	}

	/// What `farms` owe their stakers and have set aside, together.
	fn committed(farms: &[(FarmId, Farm)]) -> (Balance, Balance) {
		farms.iter().fold((0, 0), |(owed, reserved): (Balance, Balance), (_, f)| {
			(owed.saturating_add(f.unpaid), reserved.saturating_add(f.reserved))
		})
	}

	/// The pot's balance.
	fn pot_balance() -> Balance {
		<T::Currency as fungible::Inspect<_>>::balance(&Self::pot_account())
	}

	/// The pot's GYM that is neither owed nor reserved, beyond its
	/// existential deposit, once `farms` have given back their reserves.
	fn free_gym(farms: &[(FarmId, Farm)]) -> Balance {
		let (owed, reserved) = Self::committed(farms);
		Self::pot_balance()
			.saturating_sub(<T::Currency as fungible::Inspect<_>>::minimum_balance())
			.saturating_sub(owed)
			.saturating_sub(reserved)
	}

	/// Every farm, by id, brought up to now (for the views).
	fn farms_now() -> Vec<(FarmId, Farm)> {
		let now = Self::now();
		let mut farms: Vec<(FarmId, Farm)> = Farms::<T>::iter().collect();
		farms.sort_by_key(|(id, _)| *id);
		farms.iter_mut().for_each(|(_, farm)| Self::accrue(farm, now));
		farms
	}

	/// The `(pair, token)` of every liquidity-token farm.
	fn lp_farms() -> impl Iterator<Item = (u32, u32)> {
		Farms::<T>::iter_values().filter_map(|farm| match farm.asset {
			FarmAsset::Lp { pair, token } => Some((pair, token)),
			FarmAsset::Gym => None,
		})
	}

	/// `who`'s balance of the GYM/`pair` pool's liquidity token `token`, and
	/// the GYM it stands for.
	fn lp_of(pair: u32, token: u32, who: &T::AccountId) -> (Balance, Balance) {
		let lp = <T::LpTokens as fungibles::Inspect<_>>::balance(token, who);
		let gym = T::Pools::pool(pair).map_or(0, |p| liquidity::lp_gym(lp, p.gym, p.lp_supply));
		(lp, gym)
	}

	/// Begins `period`: sets every farm's rate for it (see the crate docs).
	/// Returns how many farms it set.
	pub(crate) fn new_period(period: EpochIndex) -> u32 {
		CurrentPeriod::<T>::put(period);
		let now = Self::now();
		let blocks = T::Epochs::epoch_end(period).saturating_add(1).saturating_sub(now).max(1);
		let mut farms: Vec<(FarmId, Farm)> = Farms::<T>::iter().collect();
		let mut needs = Vec::with_capacity(farms.len());
		for (_, farm) in farms.iter_mut() {
			Self::accrue(farm, now);
			farm.reserved = 0;
			let elapsed = now.saturating_sub(farm.period_start);
			let average = farm.stake_blocks.checked_div(elapsed.into()).unwrap_or(0);
			let value = Self::value_of(farm.asset, average);
			let apr = farm.target.at(now);
			needs.push((value, apr, liquidity::period_need(apr, value, blocks)));
			farm.period_start = now;
			farm.stake_blocks = 0;
		}
		let free = Self::free_gym(&farms);
		let total = needs.iter().fold(0, |sum: Balance, (_, _, need)| sum.saturating_add(*need));
		for ((id, farm), (value, apr, need)) in farms.iter_mut().zip(needs) {
			let budget = liquidity::share_of(free, need, total);
			farm.rate = budget.checked_div(Balance::from(blocks)).unwrap_or(0);
			farm.reserved = farm.rate.saturating_mul(blocks.into());
			Self::deposit_event(Event::RateSet {
				farm: *id,
				period,
				value,
				target_apr: apr,
				rate: farm.rate,
				reserved: farm.reserved,
			});
		}
		let count = u32::try_from(farms.len()).unwrap_or(u32::MAX);
		for (id, farm) in farms {
			Farms::<T>::insert(id, farm);
		}
		count
	}

	/// The GYM-paired pools of the farms.
	pub fn pools() -> Vec<PoolView> {
		Self::lp_farms()
			.filter_map(|(pair, _)| {
				T::Pools::pool(pair).map(|p| PoolView {
					pair,
					lp_token: p.lp_token,
					gym_reserve: p.gym,
					other_reserve: p.other,
					lp_supply: p.lp_supply,
				})
			})
			.collect()
	}

	/// The pot: its balance, and what the farms owe and set aside.
	pub fn pot() -> PotView {
		let farms: Vec<(FarmId, Farm)> = Farms::<T>::iter().collect();
		let (owed, reserved) = Self::committed(&farms);
		PotView { balance: Self::pot_balance(), owed, reserved, free: Self::free_gym(&farms) }
	}

	/// Every farm, brought up to now.
	pub fn farms() -> Vec<FarmView> {
		let now = Self::now();
		Self::farms_now()
			.into_iter()
			.map(|(id, farm)| {
				let staked_value = Self::value_of(farm.asset, farm.total_staked);
				FarmView {
					id,
					asset: farm.asset,
					total_staked: farm.total_staked,
					staked_value,
					rate: farm.rate,
					current_apr: liquidity::realised_apr(farm.rate, staked_value),
					target_apr: farm.target.at(now),
					reserved: farm.reserved,
					unpaid: farm.unpaid,
				}
			})
			.collect()
	}

	/// `who`'s position in every farm, with what it could claim now.
	pub fn positions(who: &T::AccountId) -> Vec<Position> {
		Self::farms_now()
			.into_iter()
			.map(|(id, farm)| {
				let mut stake = Stakes::<T>::get(id, who).unwrap_or_default();
				Self::settle(&farm, &mut stake);
				let (balance, lp_gym) = match farm.asset {
					FarmAsset::Gym => (<T::Currency as fungible::Inspect<_>>::balance(who), 0),
					FarmAsset::Lp { token, pair } => Self::lp_of(pair, token, who),
				};
				Position {
					farm: id,
					asset: farm.asset,
					balance,
					staked: stake.amount,
					claimable: stake.unclaimed.min(farm.unpaid),
					lp_gym,
				}
			})
			.collect()
	}

	/// The invariants (run by `try_state` and by tests): the pot covers
	/// what is owed and reserved; each farm's stake is its stakers'; at most
	/// `MaxFarms` farms.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let farms: Vec<(FarmId, Farm)> = Farms::<T>::iter().collect();
		ensure!(
			u32::try_from(farms.len()).is_ok_and(|n| n <= T::MaxFarms::get()),
			"too many farms"
		);
		let (owed, reserved) = Self::committed(&farms);
		ensure!(
			Self::pot_balance() >= owed.saturating_add(reserved),
			"the pot holds less than the farms owe and reserved"
		);
		for (id, farm) in &farms {
			let staked = Stakes::<T>::iter_prefix_values(id)
				.fold(0, |sum: Balance, s| sum.saturating_add(s.amount));
			ensure!(staked == farm.total_staked, "a farm's stake is not its stakers'");
		}
		Ok(())
	}
}

/// Governance counts the GYM an account's liquidity tokens stand for, free,
/// frozen or farmed (a farmed token stays in its owner's account), in the
/// pools that have a farm.
impl<T: Config> LiquidityGym<T::AccountId> for Pallet<T> {
	fn gym_in_lp(who: &T::AccountId) -> Balance {
		Self::lp_farms()
			.fold(0, |sum, (pair, token)| sum.saturating_add(Self::lp_of(pair, token, who).1))
	}

	fn freeze_for_vote(who: &T::AccountId) {
		let id: T::RuntimeFreezeReason = FreezeReason::Voting.into();
		for (_, token) in Self::lp_farms() {
			let lp = <T::LpTokens as fungibles::Inspect<_>>::balance(token, who);
			// Cannot fail: a freeze slot per reason, and `lp` is held.
			let _ = T::LpTokens::set_freeze(token, &id, who, lp);
		}
	}

	fn thaw_after_vote(who: &T::AccountId) {
		let id: T::RuntimeFreezeReason = FreezeReason::Voting.into();
		for (_, token) in Self::lp_farms() {
			let _ = T::LpTokens::thaw(token, &id, who);
		}
	}

	fn total_gym_in_lp() -> Balance {
		Self::lp_farms()
			.fold(0, |sum, (pair, _)| sum.saturating_add(T::Pools::pool(pair).map_or(0, |p| p.gym)))
	}
}
