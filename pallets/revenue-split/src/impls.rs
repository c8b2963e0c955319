//! The pallet's internals, the traits it offers other pallets and the
//! runtime, the sinks a runtime plugs into it, and the answers of its runtime
//! API.

use super::*;
use alloc::vec::Vec;
use core::marker::PhantomData;
use frame_support::{
	ensure,
	pallet_prelude::Weight,
	storage::with_storage_layer,
	traits::{
		fungible::{Balanced, Credit, Inspect, Mutate},
		tokens::{Fortitude, Precision, Preservation},
		Get, Imbalance, OnUnbalanced,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use gym_primitives::{
	revenue::{access_blocks, pro_rata},
	BlockNumber, ModelId,
};
use sp_runtime::{
	traits::{AccountIdConversion, SaturatedConversion},
	DispatchError,
};

/// Pays the stakers' share through `pallet-tiered-staking`'s boosted-stake
/// accumulator (`S` is the staking pallet). Fails, moving nothing, when no
/// stake is boosted.
pub struct ToStakers<S>(PhantomData<S>);

impl<AccountId, S: StakeTiers<AccountId>> RevenueSink<AccountId> for ToStakers<S> {
	fn receive(from: &AccountId, amount: Balance) -> DispatchResult {
		S::distribute_to_stakers(from, amount)
	}
}

/// Pays a share into the account `Who` with the currency `C` (the
/// development fund; the liquidity providers' pot until pools land). Fails,
/// moving nothing, when the account would stay below the existential deposit.
pub struct ToAccount<Who, C>(PhantomData<(Who, C)>);

impl<AccountId, Who, C> RevenueSink<AccountId> for ToAccount<Who, C>
where
	Who: Get<AccountId>,
	C: Mutate<AccountId, Balance = Balance>,
	AccountId: Eq,
{
	fn receive(from: &AccountId, amount: Balance) -> DispatchResult {
		C::transfer(from, &Who::get(), amount, Preservation::Preserve).map(|_| ())
	}
}

impl<T: Config> Pallet<T> {
	/// The pot account: holds the pot and the unclaimed miner revenue.
	pub fn account_id() -> T::AccountId {
		PALLET_ID.into_account_truncating()
	}

	fn now() -> BlockNumber {
		frame_system::Pallet::<T>::block_number().saturated_into()
	}

	/// GYM in the pot account that is owed to someone: the pot and the miner
	/// revenue.
	fn accounted() -> Balance {
		Pot::<T>::get().saturating_add(MinerFunds::<T>::get())
	}

	/// GYM in the pot account above what is owed and its existential
	/// deposit: the fees of the open period (and anything else sent to the
	/// account outside this pallet), booked as
	/// [`RevenueSource::TransactionFees`] when the period closes.
	pub fn unbooked_fees() -> Balance {
		Self::unowed().saturating_sub(T::Currency::minimum_balance())
	}

	/// GYM in the pot account owed to nobody: its existential deposit and
	/// the unbooked fees.
	fn unowed() -> Balance {
		T::Currency::balance(&Self::account_id()).saturating_sub(Self::accounted())
	}

	/// How much of `amount` paid in now becomes the pot account's own
	/// existential deposit instead of revenue.
	fn endowment_of(amount: Balance) -> Balance {
		T::Currency::minimum_balance().saturating_sub(Self::unowed()).min(amount)
	}

	/// Books `amount` (already in the pot account) as revenue from `source`,
	/// less the part that endowed the account. (Saturating: all the GYM
	/// there can ever be fits in a `u128` a billion times over.)
	fn credit_income(source: RevenueSource, amount: Balance, endowment: Balance) {
		let credited = amount.saturating_sub(endowment);
		Totals::<T>::mutate(|t| t.received = t.received.saturating_add(credited));
		Pot::<T>::mutate(|p| *p = p.saturating_add(credited));
		PeriodIncome::<T>::mutate(|income| income.add(source, credited));
		if endowment > 0 {
			Self::deposit_event(Event::PotEndowed { amount: endowment });
		}
	}

	pub(crate) fn do_pay_revenue(
		payer: &T::AccountId,
		source: RevenueSource,
		amount: Balance,
	) -> DispatchResult {
		let endowment = Self::endowment_of(amount);
		let account = Self::account_id();
		ensure!(
			T::Currency::balance(&account) > 0 || amount >= T::Currency::minimum_balance(),
			Error::<T>::BelowExistentialDeposit
		);
		with_storage_layer(|| {
			T::Currency::transfer(payer, &account, amount, Preservation::Preserve)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			Self::credit_income(source, amount, endowment);
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(Event::RevenuePaid { payer: payer.clone(), source, amount });
		Ok(())
	}

	/// The first block of a new period closes the previous one.
	pub(crate) fn on_block(n: BlockNumberFor<T>) -> Weight {
		let period = T::Emission::epoch_of(n.saturated_into());
		let open = CurrentPeriod::<T>::get();
		if period <= open {
			return T::WeightInfo::on_initialize_idle();
		}
		Self::close_period(open);
		CurrentPeriod::<T>::put(period);
		T::WeightInfo::on_initialize_split()
	}

	/// Pays a share through the sink `S`; returns what was paid (0, with an
	/// event, when the share stays in the pot).
	fn pay_sink<S: RevenueSink<T::AccountId>>(
		period: EpochIndex,
		class: RecipientClass,
		amount: Balance,
	) -> Balance {
		if amount == 0 {
			return 0;
		}
		match with_storage_layer(|| S::receive(&Self::account_id(), amount)) {
			Ok(()) => amount,
			Err(_) => {
				Self::deposit_event(Event::ShareCarried { period, class, amount });
				0
			}
		}
	}

	/// Burns `amount` from `who` (kept alive) and records it in the emission
	/// pallet's `TotalBurned`; returns what was burned.
	fn burn(who: &T::AccountId, amount: Balance) -> Result<Balance, DispatchError> {
		let burned = T::Currency::burn_from(
			who,
			amount,
			Preservation::Preserve,
			Precision::Exact,
			Fortitude::Polite,
		)?;
		T::Emission::note_burned(burned);
		Ok(burned)
	}

	/// Splits the pot at the end of `period`: sets the miners' share aside,
	/// pays the sinks, burns, records the period. O(1).
	pub(crate) fn close_period(period: EpochIndex) {
		let fees = Self::unbooked_fees();
		if fees > 0 {
			Self::credit_income(RevenueSource::TransactionFees, fees, 0);
		}
		let pot = Pot::<T>::get();
		let shares = CurrentSplit::<T>::get().shares(pot);
		let mut record =
			PeriodRevenue { period, income: PeriodIncome::<T>::take(), pot, ..Default::default() };

		let points = PeriodPoints::<T>::take();
		if shares.miners > 0 {
			if points > 0 {
				MinerPools::<T>::insert(
					period,
					MinerPool {
						share: shares.miners,
						total_points: points,
						unsettled_points: points,
						remaining: shares.miners,
					},
				);
				MinerFunds::<T>::mutate(|f| *f = f.saturating_add(shares.miners));
				record.miners = shares.miners;
			} else {
				Self::deposit_event(Event::ShareCarried {
					period,
					class: RecipientClass::Miners,
					amount: shares.miners,
				});
			}
		}
		record.stakers =
			Self::pay_sink::<T::Stakers>(period, RecipientClass::Stakers, shares.stakers);
		record.liquidity_providers = Self::pay_sink::<T::LiquidityProviders>(
			period,
			RecipientClass::LiquidityProviders,
			shares.liquidity_providers,
		);
		record.development_fund = Self::pay_sink::<T::DevelopmentFund>(
			period,
			RecipientClass::DevelopmentFund,
			shares.development_fund,
		);
		if shares.burn > 0 {
			match Self::burn(&Self::account_id(), shares.burn) {
				Ok(burned) => {
					record.burned = burned;
					Self::deposit_event(Event::RevenueBurned { period, amount: burned });
				}
				Err(_) => Self::deposit_event(Event::ShareCarried {
					period,
					class: RecipientClass::Burn,
					amount: shares.burn,
				}),
			}
		}

		let paid_out = record
			.stakers
			.saturating_add(record.liquidity_providers)
			.saturating_add(record.development_fund);
		let distributed = paid_out.saturating_add(record.miners).saturating_add(record.burned);
		record.carried = pot.saturating_sub(distributed);
		Pot::<T>::put(record.carried);
		Totals::<T>::mutate(|t| {
			t.paid_out = t.paid_out.saturating_add(paid_out);
			t.burned = t.burned.saturating_add(record.burned);
		});
		History::<T>::insert(period, record);
		if let Some(old) = period.checked_sub(T::MaxHistory::get()) {
			History::<T>::remove(old);
		}
		Self::deposit_event(Event::PeriodClosed { record });
	}

	/// What crediting `who`'s contribution of a closed period would pay, and
	/// the pool after it. `None` when there is nothing to credit.
	fn unsettled(who: &T::AccountId) -> Option<(EpochIndex, Option<(Balance, MinerPool)>)> {
		let (period, points) = MinerPoints::<T>::get(who)?;
		if period >= CurrentPeriod::<T>::get() {
			return None;
		}
		let credit = MinerPools::<T>::get(period).map(|mut pool| {
			let payout = pro_rata(pool.share, points, pool.total_points).min(pool.remaining);
			pool.remaining = pool.remaining.saturating_sub(payout);
			pool.unsettled_points = pool.unsettled_points.saturating_sub(points);
			(payout, pool)
		});
		Some((period, credit))
	}

	/// Credits `who`'s contribution of a closed period to [`MinerOwed`]; the
	/// last miner of a pool returns its rounding dust to the pot.
	fn settle(who: &T::AccountId) {
		let Some((period, credit)) = Self::unsettled(who) else { return };
		MinerPoints::<T>::remove(who);
		let Some((payout, pool)) = credit else { return };
		if payout > 0 {
			MinerOwed::<T>::mutate(who, |owed| *owed = owed.saturating_add(payout));
		}
		if pool.unsettled_points == 0 {
			MinerPools::<T>::remove(period);
			Pot::<T>::mutate(|p| *p = p.saturating_add(pool.remaining));
			MinerFunds::<T>::mutate(|f| *f = f.saturating_sub(pool.remaining));
		} else {
			MinerPools::<T>::insert(period, pool);
		}
	}

	pub(crate) fn do_claim(who: &T::AccountId) -> DispatchResult {
		let owed = with_storage_layer(|| {
			Self::settle(who);
			let owed = MinerOwed::<T>::take(who);
			ensure!(owed > 0, Error::<T>::NothingToClaim);
			T::Currency::transfer(&Self::account_id(), who, owed, Preservation::Preserve)
				.map_err(|_| Error::<T>::ClaimTransferFailed)?;
			MinerFunds::<T>::mutate(|f| *f = f.saturating_sub(owed));
			Totals::<T>::mutate(|t| t.paid_out = t.paid_out.saturating_add(owed));
			Ok::<_, DispatchError>(owed)
		})?;
		Self::deposit_event(Event::MinerRevenueClaimed { who: who.clone(), amount: owed });
		Ok(())
	}

	pub(crate) fn do_burn_for_access(
		who: &T::AccountId,
		model: ModelId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(T::Models::contains(&model), Error::<T>::UnknownModel);
		let blocks = access_blocks(amount, AccessPricePerDay::<T>::get())
			.ok_or(Error::<T>::AccessNotForSale)?;
		ensure!(blocks > 0, Error::<T>::AmountBuysNoAccess);
		let now = Self::now();
		let expires_at =
			AccessGrants::<T>::get(who, model).unwrap_or(now).max(now).saturating_add(blocks);
		let mut totals = Totals::<T>::get();
		totals.burned_for_access =
			totals.burned_for_access.checked_add(amount).ok_or(Error::<T>::ArithmeticOverflow)?;

		Self::burn(who, amount).map_err(|_| Error::<T>::InsufficientBalance)?;
		Totals::<T>::put(totals);
		AccessGrants::<T>::insert(who, model, expires_at);
		Self::deposit_event(Event::AccessBought { who: who.clone(), model, amount, expires_at });
		Ok(())
	}

	/// Whether `who` may use `model` now (the gateway's question).
	pub fn has_access(who: &T::AccountId, model: ModelId) -> bool {
		AccessGrants::<T>::get(who, model).is_some_and(|expiry| Self::now() < expiry)
	}

	/// The invariants of this pallet (run by `try_state` and by tests).
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		ensure!(CurrentSplit::<T>::get().is_whole(), "the split does not add up to 100%");
		let totals = Totals::<T>::get();
		let funds = MinerFunds::<T>::get();
		let held = Pot::<T>::get().checked_add(funds).ok_or("pot + miner funds overflow")?;
		ensure!(
			totals.received.checked_sub(totals.paid_out).and_then(|r| r.checked_sub(totals.burned))
				== Some(held),
			"pot + owed to miners != received - paid out - burned"
		);
		ensure!(
			T::Currency::balance(&Self::account_id()) >= held,
			"the pot account holds less than the pot and the miner revenue"
		);

		let mut pools = alloc::collections::BTreeMap::new();
		let mut remaining: Balance = 0;
		for (period, pool) in MinerPools::<T>::iter() {
			ensure!(pool.remaining <= pool.share, "a pool paid out more than its share");
			ensure!(pool.unsettled_points <= pool.total_points, "a pool's points grew");
			ensure!(pool.unsettled_points > 0, "a settled pool was kept");
			remaining = remaining.checked_add(pool.remaining).ok_or("pools overflow")?;
			pools.insert(period, (pool.unsettled_points, 0u128));
		}
		let owed = MinerOwed::<T>::iter_values()
			.try_fold(Balance::MIN, |sum, o| sum.checked_add(o))
			.ok_or("owed overflows")?;
		ensure!(remaining.checked_add(owed) == Some(funds), "MinerFunds != pools + owed");

		let open = CurrentPeriod::<T>::get();
		let mut open_points: u128 = 0;
		for (period, points) in MinerPoints::<T>::iter_values() {
			if period == open {
				open_points = open_points.saturating_add(points);
			} else if let Some(entry) = pools.get_mut(&period) {
				entry.1 = entry.1.saturating_add(points);
			}
			ensure!(period <= open, "a contribution to a future period");
		}
		ensure!(open_points == PeriodPoints::<T>::get(), "PeriodPoints != Σ open contributions");
		ensure!(
			pools.values().all(|(unsettled, counted)| unsettled == counted),
			"a pool's unsettled points != Σ its miners' points"
		);
		Ok(())
	}
}

impl<T: Config> RevenueIntake<T::AccountId> for Pallet<T> {
	fn pay_revenue(payer: &T::AccountId, source: RevenueSource, amount: Balance) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(source != RevenueSource::TransactionFees, Error::<T>::SourceReservedForFees);
		Self::do_pay_revenue(payer, source, amount)
	}
}

impl<T: Config> AccessTokens<T::AccountId> for Pallet<T> {
	fn access_expiry(who: &T::AccountId, model: ModelId) -> Option<BlockNumber> {
		AccessGrants::<T>::get(who, model).filter(|expiry| Self::now() < *expiry)
	}
}

impl<T: Config> MiningContribution<T::AccountId> for Pallet<T> {
	fn note_contribution(who: &T::AccountId, points: u128) {
		if points == 0 {
			return;
		}
		Self::settle(who);
		let open = CurrentPeriod::<T>::get();
		MinerPoints::<T>::mutate(who, |entry| match entry {
			Some((period, p)) if *period == open => *p = p.saturating_add(points),
			_ => *entry = Some((open, points)),
		});
		PeriodPoints::<T>::mutate(|p| *p = p.saturating_add(points));
	}
}

/// Takes the chain's transaction fees and tips into the pot account (use as
/// the fee handler of `pallet-transaction-payment`'s `FungibleAdapter`):
/// one account written per transaction; the period's close books them.
impl<T: Config> OnUnbalanced<Credit<T::AccountId, T::Currency>> for Pallet<T> {
	fn on_nonzero_unbalanced(credit: Credit<T::AccountId, T::Currency>) {
		let amount = credit.peek();
		let account = Self::account_id();
		let opens = T::Currency::balance(&account) == 0;
		match T::Currency::resolve(&account, credit) {
			Ok(()) => {
				if opens {
					Self::deposit_event(Event::PotEndowed {
						amount: T::Currency::minimum_balance(),
					});
				}
			}
			Err(credit) => {
				// Only when the empty pot account cannot take a fee below the
				// existential deposit: the emission pallet burns and records
				// it, as it does the dust of reaped accounts.
				T::Emission::on_unbalanced(credit);
				Self::deposit_event(Event::FeesBurned { amount });
			}
		}
	}
}

/// Answers of the runtime API `RevenueSplitApi`.
impl<T: Config> Pallet<T> {
	/// The pot and the open period.
	pub fn revenue_pot() -> RevenuePot {
		let period = CurrentPeriod::<T>::get();
		let fees = Self::unbooked_fees();
		let mut income = PeriodIncome::<T>::get();
		income.add(RevenueSource::TransactionFees, fees);
		RevenuePot {
			period,
			period_end: T::Emission::epoch_end(period),
			pot: Pot::<T>::get().saturating_add(fees),
			income,
			owed_to_miners: MinerFunds::<T>::get(),
			period_points: PeriodPoints::<T>::get(),
		}
	}

	/// `who`'s miner revenue.
	pub fn pending_revenue(who: &T::AccountId) -> PendingRevenue {
		let unsettled = Self::unsettled(who).and_then(|(_, credit)| credit).map_or(0, |(p, _)| p);
		let open = CurrentPeriod::<T>::get();
		PendingRevenue {
			claimable: MinerOwed::<T>::get(who).saturating_add(unsettled),
			period_points: MinerPoints::<T>::get(who)
				.filter(|(period, _)| *period == open)
				.map_or(0, |(_, p)| p),
		}
	}

	/// `who`'s access to `model`.
	pub fn access(who: &T::AccountId, model: ModelId) -> AccessInfo {
		let expires_at = AccessGrants::<T>::get(who, model);
		AccessInfo { has_access: Self::has_access(who, model), expires_at }
	}

	/// The last `periods` closed periods, newest first.
	pub fn revenue_history(periods: u32) -> Vec<PeriodRevenue> {
		let open = CurrentPeriod::<T>::get();
		let count = periods.min(T::MaxHistory::get()).min(open);
		(1..=count).filter_map(|back| open.checked_sub(back).and_then(History::<T>::get)).collect()
	}
}
