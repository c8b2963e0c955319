//! Tests of the revenue split, read against the seed's "Revenue Model" and
//! "Access Tokens". Numbers are worked out by hand in the comments.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::Balanced,
		tokens::{Fortitude, Precision, Preservation},
		OnUnbalanced,
	},
};
use gym_primitives::{revenue::RevenueBySource, DAYS, GYM};
use sp_runtime::{DispatchError, Perbill};

fn pay(source: RevenueSource, amount: u128) {
	assert_ok!(RevenueSplit::pay_revenue(RuntimeOrigin::signed(PAYER), source, amount));
}

fn stake(who: AccountId, amount: u128) {
	assert_ok!(TieredStaking::stake(RuntimeOrigin::signed(who), amount));
}

fn contribute(who: AccountId, points: u128) {
	<RevenueSplit as MiningContribution<AccountId>>::note_contribution(&who, points);
}

fn record(period: u32) -> PeriodRevenue {
	History::<Test>::get(period).expect("the period was recorded")
}

fn total_burned() -> u128 {
	pallet_gym_emission::TotalBurned::<Test>::get()
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

#[test]
fn revenue_from_each_source_is_recorded_per_source() {
	ExtBuilder::default().build_and_execute(|| {
		pay(RevenueSource::InferenceFees, 600 * GYM);
		System::assert_last_event(
			Event::RevenuePaid {
				payer: PAYER,
				source: RevenueSource::InferenceFees,
				amount: 600 * GYM,
			}
			.into(),
		);
		pay(RevenueSource::FineTuning, 300 * GYM);
		pay(RevenueSource::MarketplaceFees, 50 * GYM);
		pay(RevenueSource::Subscriptions, 50 * GYM);

		let income = PeriodIncome::<Test>::get();
		assert_eq!(
			income,
			RevenueBySource {
				inference_fees: 600 * GYM,
				fine_tuning: 300 * GYM,
				marketplace_fees: 50 * GYM,
				subscriptions: 50 * GYM,
				transaction_fees: 0,
			}
		);
		assert_eq!(Pot::<Test>::get(), 1_000 * GYM);
		assert_eq!(balance(pot()), ED + 1_000 * GYM);
		assert_eq!(balance(PAYER), 10_000_000 * GYM - 1_000 * GYM);
		assert_eq!(Totals::<Test>::get().received, 1_000 * GYM);
		assert_eq!(RevenueSplit::revenue_pot().income, income);
	});
}

#[test]
fn a_period_is_split_forty_twenty_fifteen_fifteen_ten() {
	ExtBuilder::default().staked(ALICE, 1_000 * GYM).build_and_execute(|| {
		contribute(MINER_1, 5);
		pay(RevenueSource::InferenceFees, 600 * GYM);
		pay(RevenueSource::FineTuning, 400 * GYM);
		let issuance_before = issuance();

		// Block 10 is still period 0; block 11 opens period 1 and splits.
		run_to_block(10);
		assert_eq!(Pot::<Test>::get(), 1_000 * GYM);
		run_to_period(1);

		let expected = PeriodRevenue {
			period: 0,
			income: RevenueBySource {
				inference_fees: 600 * GYM,
				fine_tuning: 400 * GYM,
				..Default::default()
			},
			pot: 1_000 * GYM,
			miners: 400 * GYM,
			stakers: 200 * GYM,
			liquidity_providers: 150 * GYM,
			development_fund: 150 * GYM,
			burned: 100 * GYM,
			carried: 0,
		};
		assert_eq!(record(0), expected);
		System::assert_has_event(Event::PeriodClosed { record: expected }.into());
		System::assert_has_event(Event::RevenueBurned { period: 0, amount: 100 * GYM }.into());
		assert_eq!(CurrentPeriod::<Test>::get(), 1);
		assert_eq!(Pot::<Test>::get(), 0);
		assert_eq!(PeriodIncome::<Test>::get(), RevenueBySource::default());

		// Where the GYM went.
		assert_eq!(balance(LP_POT), GYM + 150 * GYM);
		assert_eq!(balance(DEV_FUND), GYM + 150 * GYM);
		assert_eq!(balance(staking_pot()), ED + 200 * GYM);
		assert_eq!(TieredStaking::stake_info(&ALICE).pending_rewards, 200 * GYM);
		assert_eq!(MinerFunds::<Test>::get(), 400 * GYM);
		assert_eq!(balance(pot()), ED + 400 * GYM);
		// The burn lowered the issuance and is on the emission pallet's record.
		assert_eq!(issuance(), issuance_before - 100 * GYM);
		assert_eq!(total_burned(), 100 * GYM);

		// The only miner takes the whole miners' share.
		assert_eq!(RevenueSplit::pending_revenue(&MINER_1).claimable, 400 * GYM);
		assert_ok!(RevenueSplit::claim_miner_revenue(RuntimeOrigin::signed(MINER_1)));
		System::assert_last_event(
			Event::MinerRevenueClaimed { who: MINER_1, amount: 400 * GYM }.into(),
		);
		assert_eq!(balance(MINER_1), GYM + 400 * GYM);
		assert_eq!(MinerFunds::<Test>::get(), 0);
		assert!(MinerPools::<Test>::get(0).is_none());
		assert_eq!(balance(pot()), ED);
	});
}

#[test]
fn odd_amounts_split_to_the_planck_and_the_dust_carries() {
	ExtBuilder::default().staked(ALICE, 1_000 * GYM).build_and_execute(|| {
		contribute(MINER_1, 1);
		// 1,000 GYM + 999 planck: 40% = 400 GYM + 399.6, 20% = 200 GYM + 199.8,
		// 15% = 150 GYM + 149.85, 10% = 100 GYM + 99.9 planck, all rounded down.
		pay(RevenueSource::Subscriptions, 1_000 * GYM + 999);
		run_to_period(1);
		let r = record(0);
		assert_eq!(
			(r.miners, r.stakers, r.liquidity_providers, r.development_fund, r.burned),
			(400 * GYM + 399, 200 * GYM + 199, 150 * GYM + 149, 150 * GYM + 149, 100 * GYM + 99)
		);
		assert_eq!(r.carried, 4);
		assert_eq!(Pot::<Test>::get(), 4);

		// The 4 planck are part of the next period's pot.
		contribute(MINER_1, 1);
		pay(RevenueSource::Subscriptions, 100 * GYM);
		run_to_period(2);
		let r = record(1);
		assert_eq!(r.pot, 100 * GYM + 4);
		assert_eq!(r.income.subscriptions, 100 * GYM);
		// 40% of 100 GYM + 4 = 40 GYM + 1.6; the rest 20/15/15/10 -> .8/.6/.6/.4.
		assert_eq!(
			(r.miners, r.stakers, r.burned, r.carried),
			(40 * GYM + 1, 20 * GYM, 10 * GYM, 3)
		);
	});
}

#[test]
fn a_class_with_nobody_to_pay_leaves_its_share_in_the_pot() {
	ExtBuilder::default().build_and_execute(|| {
		// Nobody staked, nobody mined.
		pay(RevenueSource::MarketplaceFees, 1_000 * GYM);
		run_to_period(1);
		System::assert_has_event(
			Event::ShareCarried { period: 0, class: RecipientClass::Miners, amount: 400 * GYM }
				.into(),
		);
		System::assert_has_event(
			Event::ShareCarried { period: 0, class: RecipientClass::Stakers, amount: 200 * GYM }
				.into(),
		);
		let r = record(0);
		assert_eq!(
			(r.miners, r.stakers, r.liquidity_providers, r.development_fund),
			(0, 0, 150 * GYM, 150 * GYM)
		);
		assert_eq!((r.burned, r.carried), (100 * GYM, 600 * GYM));
		assert_eq!(Pot::<Test>::get(), 600 * GYM);
		assert!(MinerPools::<Test>::iter().next().is_none());

		// Miners who arrive later are paid out of the carried pot for the
		// period they are in: 600 GYM -> 240/_/90/90/60. A staker who
		// arrives in the period is not: its stake counts from the periods
		// after, so the stakers' 120 GYM stay in the pot.
		stake(ALICE, 1_000 * GYM);
		contribute(MINER_2, 7);
		run_to_period(2);
		let r = record(1);
		assert_eq!(r.income.total(), 0);
		assert_eq!(
			(r.pot, r.miners, r.stakers, r.liquidity_providers, r.development_fund, r.burned),
			(600 * GYM, 240 * GYM, 0, 90 * GYM, 90 * GYM, 60 * GYM)
		);
		assert_eq!(r.carried, 120 * GYM);
		// Staked all of period 2, Alice shares its (carried) revenue.
		run_to_period(3);
		assert_eq!(record(2).stakers, 24 * GYM);
		assert_eq!(RevenueSplit::pending_revenue(&MINER_2).claimable, 240 * GYM);
	});
}

#[test]
fn miners_share_pro_rata_and_the_last_one_returns_the_dust() {
	ExtBuilder::default().build_and_execute(|| {
		contribute(MINER_1, 1);
		contribute(MINER_2, 1);
		contribute(MINER_3, 1);
		assert_eq!(RevenueSplit::pending_revenue(&MINER_1).period_points, 1);
		assert_eq!(PeriodPoints::<Test>::get(), 3);
		// Miners' share: 40% of 1,000 GYM + 3 planck = 400 GYM + 1 planck.
		pay(RevenueSource::FineTuning, 1_000 * GYM + 3);
		run_to_period(1);
		let share = 400 * GYM + 1;
		assert_eq!(record(0).miners, share);
		let each = share / 3; // 133,333,333,333,333,333,333 planck, 2 planck of dust
		assert_eq!(share - 3 * each, 2);
		let carried_before = Pot::<Test>::get();

		for miner in [MINER_1, MINER_2] {
			assert_eq!(RevenueSplit::pending_revenue(&miner).claimable, each);
			assert_ok!(RevenueSplit::claim_miner_revenue(RuntimeOrigin::signed(miner)));
			assert_eq!(balance(miner), GYM + each);
		}
		assert_eq!(
			MinerPools::<Test>::get(0),
			Some(MinerPool {
				share,
				total_points: 3,
				unsettled_points: 1,
				remaining: share - 2 * each
			})
		);
		assert_ok!(RevenueSplit::claim_miner_revenue(RuntimeOrigin::signed(MINER_3)));
		assert_eq!(balance(MINER_3), GYM + each);
		// The pool is gone and its dust went back to the pot.
		assert!(MinerPools::<Test>::get(0).is_none());
		assert_eq!(Pot::<Test>::get(), carried_before + (share - 3 * each));
		assert_eq!(MinerFunds::<Test>::get(), 0);
	});
}

#[test]
fn miners_and_stakers_coming_and_going_are_paid_for_their_periods_only() {
	ExtBuilder::default().staked(ALICE, 1_000 * GYM).build_and_execute(|| {
		// Period 0: miners 1 and 2 (3:1), Alice staked.
		contribute(MINER_1, 3);
		contribute(MINER_2, 1);
		pay(RevenueSource::InferenceFees, 1_000 * GYM);
		run_to_period(1);
		// Miners: 400 GYM, 300 and 100. Stakers: 200 GYM, all Alice's.

		// Period 1: miner 1 again and miner 3 (1:1); miner 2 is gone; Bob
		// stakes as much as Alice, in the period: not for its revenue.
		contribute(MINER_1, 1);
		// Contributing again credited miner 1's period-0 revenue.
		assert_eq!(MinerOwed::<Test>::get(MINER_1), 300 * GYM);
		contribute(MINER_3, 1);
		stake(BOB, 1_000 * GYM);
		pay(RevenueSource::Subscriptions, 500 * GYM);
		run_to_period(2);
		// Miners: 200 GYM, 100 each. Stakers: 100 GYM, all Alice's.

		assert_eq!(RevenueSplit::pending_revenue(&MINER_1).claimable, 400 * GYM);
		assert_eq!(RevenueSplit::pending_revenue(&MINER_2).claimable, 100 * GYM);
		assert_eq!(RevenueSplit::pending_revenue(&MINER_3).claimable, 100 * GYM);
		assert_eq!(TieredStaking::stake_info(&ALICE).pending_rewards, 300 * GYM);
		assert_eq!(TieredStaking::stake_info(&BOB).pending_rewards, 0);

		// Period 2: nobody mines; its miners' share stays in the pot, and the
		// miners of earlier periods are unaffected.
		pay(RevenueSource::Subscriptions, 100 * GYM);
		run_to_period(3);
		assert_eq!(record(2).miners, 0);
		assert_eq!(Pot::<Test>::get(), 40 * GYM);

		for (miner, amount) in [(MINER_1, 400 * GYM), (MINER_2, 100 * GYM), (MINER_3, 100 * GYM)] {
			assert_ok!(RevenueSplit::claim_miner_revenue(RuntimeOrigin::signed(miner)));
			assert_eq!(balance(miner), GYM + amount);
		}
		assert!(MinerPools::<Test>::iter().next().is_none());
		assert_eq!(MinerFunds::<Test>::get(), 0);
	});
}

#[test]
fn claiming_without_closed_revenue_fails() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			RevenueSplit::claim_miner_revenue(RuntimeOrigin::signed(MINER_1)),
			Error::<Test>::NothingToClaim
		);
		// Revenue of the open period is not claimable before it closes.
		contribute(MINER_1, 2);
		pay(RevenueSource::FineTuning, 100 * GYM);
		assert_eq!(
			RevenueSplit::pending_revenue(&MINER_1),
			crate::PendingRevenue { claimable: 0, period_points: 2 }
		);
		assert_noop!(
			RevenueSplit::claim_miner_revenue(RuntimeOrigin::signed(MINER_1)),
			Error::<Test>::NothingToClaim
		);
	});
}

#[test]
fn a_claim_below_the_existential_deposit_of_a_new_account_fails() {
	ExtBuilder::default().build_and_execute(|| {
		contribute(NEW_MINER, 1);
		// Miners' share: 40% of 1,000 planck = 400 planck, below the ED.
		pay(RevenueSource::FineTuning, 1_000);
		run_to_period(1);
		assert_eq!(RevenueSplit::pending_revenue(&NEW_MINER).claimable, 400);
		assert_noop!(
			RevenueSplit::claim_miner_revenue(RuntimeOrigin::signed(NEW_MINER)),
			Error::<Test>::ClaimTransferFailed
		);
		// Still owed.
		assert_eq!(RevenueSplit::pending_revenue(&NEW_MINER).claimable, 400);
	});
}

#[test]
fn bad_payments_fail_and_change_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			RevenueSplit::pay_revenue(RuntimeOrigin::signed(PAYER), RevenueSource::FineTuning, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			RevenueSplit::pay_revenue(
				RuntimeOrigin::signed(PAYER),
				RevenueSource::TransactionFees,
				GYM
			),
			Error::<Test>::SourceReservedForFees
		);
		// POOR holds exactly 1 GYM: paying it all would reap the account.
		assert_noop!(
			RevenueSplit::pay_revenue(
				RuntimeOrigin::signed(POOR),
				RevenueSource::Subscriptions,
				GYM
			),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			RevenueSplit::pay_revenue(
				RuntimeOrigin::signed(POOR),
				RevenueSource::Subscriptions,
				2 * GYM
			),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			RevenueSplit::pay_revenue(RuntimeOrigin::none(), RevenueSource::Subscriptions, GYM),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn the_first_revenue_endows_an_empty_pot_account() {
	ExtBuilder::default().without_pot_account().build_and_execute(|| {
		assert_eq!(balance(pot()), 0);
		assert_noop!(
			RevenueSplit::pay_revenue(
				RuntimeOrigin::signed(PAYER),
				RevenueSource::Subscriptions,
				ED - 1
			),
			Error::<Test>::BelowExistentialDeposit
		);
		pay(RevenueSource::Subscriptions, 10 * GYM);
		System::assert_has_event(Event::PotEndowed { amount: ED }.into());
		assert_eq!(Pot::<Test>::get(), 10 * GYM - ED);
		assert_eq!(PeriodIncome::<Test>::get().subscriptions, 10 * GYM - ED);
		assert_eq!(balance(pot()), 10 * GYM);
		// From now on any amount is accepted.
		pay(RevenueSource::Subscriptions, 1);
		assert_eq!(Pot::<Test>::get(), 10 * GYM - ED + 1);
	});
}

/// Takes `amount` from `who` the way the fee adapter of
/// pallet-transaction-payment does, and hands it to the fee handler.
fn charge_fee(who: AccountId, amount: u128) {
	let credit = <Balances as Balanced<AccountId>>::withdraw(
		&who,
		amount,
		Precision::Exact,
		Preservation::Preserve,
		Fortitude::Polite,
	)
	.expect("the payer can pay the fee");
	<RevenueSplit as OnUnbalanced<_>>::on_unbalanced(credit);
}

#[test]
fn transaction_fees_enter_the_pot_as_their_own_source() {
	ExtBuilder::default().build_and_execute(|| {
		let issuance_before = issuance();
		charge_fee(ALICE, GYM / 10);
		charge_fee(BOB, GYM / 20);
		// In the pot account, booked when the period closes; counted live.
		assert_eq!(PeriodIncome::<Test>::get().transaction_fees, 0);
		assert_eq!(Pot::<Test>::get(), 0);
		assert_eq!(RevenueSplit::unbooked_fees(), GYM / 10 + GYM / 20);
		let live = RevenueSplit::revenue_pot();
		assert_eq!(
			(live.pot, live.income.transaction_fees),
			(GYM / 10 + GYM / 20, GYM / 10 + GYM / 20)
		);
		assert_eq!(issuance(), issuance_before);
		// Revenue paid in meanwhile is booked at once, and is not a fee.
		assert_ok!(RevenueSplit::pay_revenue(
			RuntimeOrigin::signed(ALICE),
			RevenueSource::InferenceFees,
			GYM
		));
		assert_eq!(Pot::<Test>::get(), GYM);
		assert_eq!(RevenueSplit::unbooked_fees(), GYM / 10 + GYM / 20);
		run_to_period(1);
		assert_eq!(RevenueSplit::unbooked_fees(), 0);
		assert_eq!(record(0).income.inference_fees, GYM);
		assert_eq!(record(0).income.transaction_fees, GYM / 10 + GYM / 20);
		assert_eq!(record(0).burned, (GYM + GYM / 10 + GYM / 20) / 10);
	});
}

#[test]
fn a_fee_below_the_existential_deposit_of_an_empty_pot_is_burned_and_recorded() {
	ExtBuilder::default().without_pot_account().build_and_execute(|| {
		let issuance_before = issuance();
		charge_fee(ALICE, ED / 2);
		System::assert_last_event(Event::FeesBurned { amount: ED / 2 }.into());
		assert_eq!(issuance(), issuance_before - ED / 2);
		assert_eq!(total_burned(), ED / 2);
		assert_eq!(Pot::<Test>::get(), 0);
		// A fee of at least the ED endows the account instead.
		charge_fee(ALICE, 3 * ED);
		System::assert_last_event(Event::PotEndowed { amount: ED }.into());
		assert_eq!(RevenueSplit::unbooked_fees(), 2 * ED);
		run_to_period(1);
		assert_eq!(record(0).income.transaction_fees, 2 * ED);
	});
}

#[test]
fn burning_for_access_buys_proportional_time_and_lowers_issuance() {
	ExtBuilder::default().build_and_execute(|| {
		let issuance_before = issuance();
		// 1 GYM buys one day (14,400 blocks) at the default price.
		assert_ok!(RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), 3, GYM));
		let expires = 1 + DAYS;
		System::assert_last_event(
			Event::AccessBought { who: ALICE, model: 3, amount: GYM, expires_at: expires }.into(),
		);
		assert_eq!(issuance(), issuance_before - GYM);
		assert_eq!(total_burned(), GYM);
		assert_eq!(Totals::<Test>::get().burned_for_access, GYM);
		// Access burns are not revenue.
		assert_eq!(Pot::<Test>::get(), 0);
		assert!(RevenueSplit::has_access(&ALICE, 3));
		assert!(!RevenueSplit::has_access(&ALICE, 4));
		assert!(!RevenueSplit::has_access(&BOB, 3));

		// Buying more extends from the current expiry: 2 GYM = 2 days more.
		assert_ok!(RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), 3, 2 * GYM));
		let expires = expires + 2 * DAYS;
		assert_eq!(AccessGrants::<Test>::get(ALICE, 3), Some(expires));

		System::set_block_number(u64::from(expires) - 1);
		assert!(RevenueSplit::has_access(&ALICE, 3));
		assert_eq!(
			RevenueSplit::access(&ALICE, 3),
			crate::AccessInfo { has_access: true, expires_at: Some(expires) }
		);
		assert_eq!(
			<RevenueSplit as AccessTokens<AccountId>>::access_expiry(&ALICE, 3),
			Some(expires)
		);
		System::set_block_number(u64::from(expires));
		assert!(!RevenueSplit::has_access(&ALICE, 3));
		// The products pallet reads an ended grant as no grant.
		assert_eq!(<RevenueSplit as AccessTokens<AccountId>>::access_expiry(&ALICE, 3), None);

		// After expiry, new access starts from now: half a GYM, half a day.
		System::set_block_number(u64::from(expires) + 100);
		assert_ok!(RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), 3, GYM / 2));
		assert_eq!(AccessGrants::<Test>::get(ALICE, 3), Some(expires + 100 + DAYS / 2));
	});
}

#[test]
fn bad_access_burns_fail_and_change_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), MODELS, GYM),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), u32::MAX, GYM),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), 0, 0),
			Error::<Test>::ZeroAmount
		);
		// One block costs 1 GYM / 14,400 = 69,444,444,444,444.4 planck.
		assert_noop!(
			RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), 0, GYM / 14_400),
			Error::<Test>::AmountBuysNoAccess
		);
		assert_ok!(RevenueSplit::burn_for_access(
			RuntimeOrigin::signed(ALICE),
			0,
			GYM / 14_400 + 1
		));
		assert_eq!(AccessGrants::<Test>::get(ALICE, 0), Some(2));
		assert_noop!(
			RevenueSplit::burn_for_access(RuntimeOrigin::signed(POOR), 0, GYM),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(RevenueSplit::set_access_price(RuntimeOrigin::root(), 0));
		assert_noop!(
			RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), 0, GYM),
			Error::<Test>::AccessNotForSale
		);
	});
}

#[test]
fn governance_sets_the_access_price() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			RevenueSplit::set_access_price(RuntimeOrigin::signed(ALICE), GYM),
			DispatchError::BadOrigin
		);
		assert_ok!(RevenueSplit::set_access_price(RuntimeOrigin::root(), 10 * GYM));
		System::assert_last_event(Event::AccessPriceUpdated { price_per_day: 10 * GYM }.into());
		// 10 GYM a day: 5 GYM buys half a day.
		assert_ok!(RevenueSplit::burn_for_access(RuntimeOrigin::signed(ALICE), 1, 5 * GYM));
		assert_eq!(AccessGrants::<Test>::get(ALICE, 1), Some(1 + DAYS / 2));
	});
}

#[test]
fn governance_changes_the_split_only_to_one_adding_up_to_100_percent() {
	ExtBuilder::default().build_and_execute(|| {
		let half_and_half = Split {
			miners: Perbill::from_percent(50),
			stakers: Perbill::zero(),
			liquidity_providers: Perbill::zero(),
			development_fund: Perbill::zero(),
			burn: Perbill::from_percent(50),
		};
		assert_noop!(
			RevenueSplit::set_split(RuntimeOrigin::signed(ALICE), half_and_half),
			DispatchError::BadOrigin
		);
		let too_much = Split { stakers: Perbill::from_parts(1), ..half_and_half };
		assert_noop!(
			RevenueSplit::set_split(RuntimeOrigin::root(), too_much),
			Error::<Test>::SplitNotWhole
		);
		let too_little = Split { burn: Perbill::from_percent(49), ..half_and_half };
		assert_noop!(
			RevenueSplit::set_split(RuntimeOrigin::root(), too_little),
			Error::<Test>::SplitNotWhole
		);
		assert_ok!(RevenueSplit::set_split(RuntimeOrigin::root(), half_and_half));
		assert_eq!(last_event(), Event::SplitUpdated { split: half_and_half }.into());

		contribute(MINER_1, 1);
		pay(RevenueSource::InferenceFees, 100 * GYM);
		run_to_period(1);
		let r = record(0);
		assert_eq!(
			(r.miners, r.stakers, r.liquidity_providers, r.development_fund),
			(50 * GYM, 0, 0, 0)
		);
		assert_eq!((r.burned, r.carried), (50 * GYM, 0));
	});
}

#[test]
fn history_keeps_the_last_periods_newest_first() {
	ExtBuilder::default().build_and_execute(|| {
		for p in 0..6u32 {
			pay(RevenueSource::Subscriptions, u128::from(p + 1) * GYM);
			run_to_period(u64::from(p) + 1);
		}
		// MaxHistory = 4: periods 2..=5 are kept.
		let history = RevenueSplit::revenue_history(10);
		assert_eq!(history.iter().map(|r| r.period).collect::<Vec<_>>(), vec![5, 4, 3, 2]);
		assert_eq!(history[0].income.subscriptions, 6 * GYM);
		assert!(History::<Test>::get(1).is_none());
		assert_eq!(RevenueSplit::revenue_history(2).len(), 2);
		assert!(RevenueSplit::revenue_history(0).is_empty());
		let pot = RevenueSplit::revenue_pot();
		assert_eq!((pot.period, pot.period_end), (6, 70));
	});
}

#[test]
fn blocks_inside_a_period_do_no_work() {
	ExtBuilder::default().build_and_execute(|| {
		pay(RevenueSource::Subscriptions, GYM);
		let weight_idle = RevenueSplit::on_block(5);
		assert_eq!(weight_idle, <() as WeightInfo>::on_initialize_idle());
		assert_eq!(Pot::<Test>::get(), GYM);
		assert!(History::<Test>::get(0).is_none());
		let weight_split = RevenueSplit::on_block(11);
		assert_eq!(weight_split, <() as WeightInfo>::on_initialize_split());
		assert!(History::<Test>::get(0).is_some());
	});
}

mod property {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Op {
		Pay(usize, u128),
		Fee(u128),
		Contribute(usize, u128),
		Claim(usize),
		Stake(usize, u128),
		Unstake(usize),
		Access(u128),
		Advance(u64),
	}

	const MINERS: [AccountId; 4] = [MINER_1, MINER_2, MINER_3, NEW_MINER];
	const STAKERS: [AccountId; 2] = [ALICE, BOB];

	fn op() -> impl Strategy<Value = Op> {
		prop_oneof![
			(0usize..4, 1u128..=10_000 * GYM).prop_map(|(s, a)| Op::Pay(s, a)),
			(ED..=GYM).prop_map(Op::Fee),
			(0usize..4, 1u128..1_000).prop_map(|(m, p)| Op::Contribute(m, p)),
			(0usize..4).prop_map(Op::Claim),
			(0usize..2, 1_000 * GYM..=5_000 * GYM).prop_map(|(s, a)| Op::Stake(s, a)),
			(0usize..2).prop_map(Op::Unstake),
			(GYM / 10..=10 * GYM).prop_map(Op::Access),
			(1u64..=25).prop_map(Op::Advance),
		]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]

		/// Everything received is, to the planck, either paid out (to the
		/// liquidity and development accounts, the stakers' pot, claiming
		/// miners), burned, or still in the pot account — measured from
		/// balances and the emission pallet's record, not the pallet's own
		/// totals.
		#[test]
		fn received_equals_paid_out_plus_burned_plus_pot(ops in proptest::collection::vec(op(), 1..40)) {
			ExtBuilder::default().build().execute_with(|| {
				let (lp0, dev0) = (balance(LP_POT), balance(DEV_FUND));
				let mut received = 0u128;
				let mut claimed = 0u128;
				let mut access = 0u128;
				for op in ops {
					match op {
						Op::Pay(s, amount) => {
							let source = RevenueSource::ALL[s];
							if RevenueSplit::pay_revenue(RuntimeOrigin::signed(PAYER), source, amount).is_ok() {
								received += amount;
							}
						},
						Op::Fee(amount) => {
							charge_fee(PAYER, amount);
							received += amount;
						},
						Op::Contribute(m, points) => contribute(MINERS[m], points),
						Op::Claim(m) => {
							let before = balance(MINERS[m]);
							let _ = RevenueSplit::claim_miner_revenue(RuntimeOrigin::signed(MINERS[m]));
							claimed += balance(MINERS[m]) - before;
						},
						Op::Stake(s, amount) => {
							let _ = TieredStaking::stake(RuntimeOrigin::signed(STAKERS[s]), amount);
						},
						Op::Unstake(s) => {
							let all = TieredStaking::stake_of(&STAKERS[s]);
							if all > 0 {
								let _ = TieredStaking::unstake(RuntimeOrigin::signed(STAKERS[s]), all);
							}
						},
						Op::Access(amount) => {
							if RevenueSplit::burn_for_access(RuntimeOrigin::signed(BOB), 1, amount).is_ok() {
								access += amount;
							}
						},
						Op::Advance(blocks) => run_to_block(System::block_number() + blocks),
					}
					check_invariants();
				}
				let to_stakers: u128 = System::events().into_iter().filter_map(|r| match r.event {
					RuntimeEvent::TieredStaking(pallet_tiered_staking::Event::StakersRewarded { from, amount, .. })
						if from == pot() => Some(amount),
					_ => None,
				}).sum();
				let paid_out = (balance(LP_POT) - lp0) + (balance(DEV_FUND) - dev0) + to_stakers + claimed;
				let burned = total_burned() - access;
				let in_pot = balance(pot()) - ED;
				prop_assert_eq!(received, paid_out + burned + in_pot);
				prop_assert_eq!(
					in_pot,
					Pot::<Test>::get() + MinerFunds::<Test>::get() + RevenueSplit::unbooked_fees()
				);
				Ok(())
			})?;
		}
	}
}
