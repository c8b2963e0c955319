//! Tests of `pallet-gym-emission`, named after the behaviour they check.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Inspect, Currency as _},
};
use gym_primitives::{
	emission::{self, Phase},
	GYM, HARD_CAP, MONTH,
};
use sp_runtime::DispatchError;

const GENESIS: u128 = 6_000_000 * GYM;

#[test]
fn genesis_counts_against_the_cap() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(GenesisIssuance::<Test>::get(), GENESIS);
		assert_eq!(TotalMinted::<Test>::get(), GENESIS);
		assert_eq!(TotalBurned::<Test>::get(), 0);
		assert_eq!(EpochLength::<Test>::get(), 10);
	});
}

#[test]
fn epochs_are_numbered_from_block_one() {
	ExtBuilder::default().epoch_length(600).build_and_execute(|| {
		assert_eq!(GymEmission::epoch_of(0), 0);
		assert_eq!(GymEmission::epoch_of(1), 0);
		assert_eq!(GymEmission::epoch_of(600), 0);
		assert_eq!(GymEmission::epoch_of(601), 1);
		assert_eq!(GymEmission::epoch_end(0), 600);
		assert_eq!(GymEmission::epoch_end(1), 1200);
	});
}

#[test]
fn epoch_budget_is_the_schedule_over_the_epoch() {
	ExtBuilder::default().epoch_length(600).build_and_execute(|| {
		let s = EmissionSchedule::gym();
		// Epoch 0 = blocks 1..=600 of the bootstrap phase:
		// floor(100M GYM * 600 / 1,296,000).
		let expected = 100_000_000 * GYM * 600 / 1_296_000;
		assert_eq!(GymEmission::scheduled_epoch_emission(0), expected);
		assert_eq!(GymEmission::remaining_budget(0), expected);
		assert_eq!(
			GymEmission::scheduled_epoch_emission(7),
			emission::cumulative(&s, 8 * 600) - emission::cumulative(&s, 7 * 600)
		);
	});
}

#[test]
fn mint_reward_pays_out_of_the_budget() {
	ExtBuilder::default().build_and_execute(|| {
		// A dev epoch of 10 bootstrap blocks: floor(100M GYM * 10 / 1,296,000) ≈ 771.6 GYM.
		let budget = GymEmission::remaining_budget(0);
		assert_eq!(budget, 100_000_000 * GYM * 10 / 1_296_000);
		assert_ok!(GymEmission::mint_reward(0, &7, 500 * GYM));
		assert_eq!(Balances::free_balance(7), 500 * GYM);
		assert_eq!(TotalMinted::<Test>::get(), GENESIS + 500 * GYM);
		assert_eq!(EpochMinted::<Test>::get(0), 500 * GYM);
		assert_eq!(GymEmission::remaining_budget(0), budget - 500 * GYM);
		System::assert_last_event(
			Event::RewardMinted { epoch: 0, to: 7, amount: 500 * GYM }.into(),
		);
	});
}

#[test]
fn mint_reward_refuses_past_the_epoch_budget() {
	ExtBuilder::default().build_and_execute(|| {
		let budget = GymEmission::remaining_budget(0);
		assert_noop!(
			GymEmission::mint_reward(0, &7, budget + 1),
			Error::<Test>::EpochBudgetExceeded
		);
		assert_ok!(GymEmission::mint_reward(0, &7, budget));
		assert_eq!(GymEmission::remaining_budget(0), 0);
		assert_noop!(GymEmission::mint_reward(0, &8, 1), Error::<Test>::EpochBudgetExceeded);
	});
}

#[test]
fn unminted_budget_is_not_carried_over() {
	ExtBuilder::default().build_and_execute(|| {
		// Epoch 0 mints nothing; epoch 1's budget is still only its own.
		run_to_block(11);
		let own = GymEmission::scheduled_epoch_emission(1);
		assert_eq!(GymEmission::remaining_budget(1), own);
		assert_noop!(GymEmission::mint_reward(1, &7, own + 1), Error::<Test>::EpochBudgetExceeded);
		// A past epoch can still pay what it earned, within its own budget.
		assert_ok!(GymEmission::mint_reward(0, &7, GymEmission::remaining_budget(0)));
	});
}

#[test]
fn mint_reward_refuses_a_future_epoch() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(GymEmission::current_epoch(), 0);
		assert_noop!(GymEmission::mint_reward(1, &7, GYM), Error::<Test>::EpochNotStarted);
	});
}

#[test]
fn mint_reward_never_passes_the_hard_cap() {
	// Genesis leaves exactly 10 GYM under the cap.
	ExtBuilder::default().balances(vec![(1, HARD_CAP - 10 * GYM)]).build_and_execute(|| {
		assert_eq!(GymEmission::remaining_budget(0), 10 * GYM);
		assert_noop!(GymEmission::mint_reward(0, &7, 10 * GYM + 1), Error::<Test>::CapReached);
		assert_ok!(GymEmission::mint_reward(0, &7, 10 * GYM));
		assert_eq!(TotalMinted::<Test>::get(), HARD_CAP);
		assert_eq!(GymEmission::remaining_budget(0), 0);
		assert_noop!(GymEmission::mint_reward(0, &7, 1), Error::<Test>::CapReached);
	});
}

#[test]
fn mint_below_existential_deposit_to_a_new_account_fails_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(GymEmission::mint_reward(0, &9, 1), Error::<Test>::MintFailed);
	});
}

#[test]
fn burned_gym_is_recorded_and_never_minted_again() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymEmission::burn_from(&1, 1_000 * GYM));
		System::assert_last_event(Event::Burned { amount: 1_000 * GYM }.into());
		assert_eq!(TotalBurned::<Test>::get(), 1_000 * GYM);
		assert_eq!(<Balances as Inspect<u64>>::total_issuance(), GENESIS - 1_000 * GYM);
		// The cap bounds what was minted, not the issuance: burning frees nothing.
		assert_eq!(TotalMinted::<Test>::get(), GENESIS);
	});
}

#[test]
fn dust_of_a_reaped_account_is_recorded_as_burned() {
	ExtBuilder::default().build_and_execute(|| {
		let ed = gym_primitives::EXISTENTIAL_DEPOSIT;
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(1), 5, ed + 5));
		// Account 5 sends away all but 5 planck of dust: it is reaped, the dust burned.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(5), 1, ed));
		assert_eq!(Balances::free_balance(5), 0);
		assert_eq!(TotalBurned::<Test>::get(), 5);
		assert_eq!(<Balances as Inspect<u64>>::total_issuance(), GENESIS - 5);
	});
}

#[test]
fn governance_sets_a_valid_schedule() {
	ExtBuilder::default().build_and_execute(|| {
		let mut s = EmissionSchedule::gym();
		s.tail_per_month = 5_000_000 * GYM;
		assert_ok!(GymEmission::set_schedule(RuntimeOrigin::root(), s));
		assert_eq!(Schedule::<Test>::get(), s);
		System::assert_last_event(Event::ScheduleUpdated { schedule: s }.into());
	});
}

#[test]
fn set_schedule_rejects_non_governance_origins() {
	ExtBuilder::default().build_and_execute(|| {
		let s = EmissionSchedule::gym();
		assert_noop!(
			GymEmission::set_schedule(RuntimeOrigin::signed(1), s),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_schedule_rejects_out_of_bounds_parameters() {
	ExtBuilder::default().build_and_execute(|| {
		let mut s = EmissionSchedule::gym();
		s.phases[0] = Phase { months: 0, total: GYM };
		assert_noop!(
			GymEmission::set_schedule(RuntimeOrigin::root(), s),
			Error::<Test>::InvalidSchedule
		);
		let mut s = EmissionSchedule::gym();
		s.tail_per_month = HARD_CAP + 1;
		assert_noop!(
			GymEmission::set_schedule(RuntimeOrigin::root(), s),
			Error::<Test>::InvalidSchedule
		);
		let mut s = EmissionSchedule::gym();
		s.halving_interval = MONTH - 1;
		assert_noop!(
			GymEmission::set_schedule(RuntimeOrigin::root(), s),
			Error::<Test>::InvalidSchedule
		);
		assert_eq!(Schedule::<Test>::get(), EmissionSchedule::gym());
	});
}

#[test]
fn scheduled_cumulative_includes_genesis_and_the_cap() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(GymEmission::scheduled_cumulative(0), GENESIS);
		assert_eq!(GymEmission::scheduled_cumulative(3 * MONTH), GENESIS + 100_000_000 * GYM);
		let cap_block = GymEmission::cap_reached_at().expect("the cap is reached");
		assert_eq!(GymEmission::scheduled_cumulative(cap_block), HARD_CAP);
		assert!(GymEmission::scheduled_cumulative(cap_block - 1) < HARD_CAP);
		assert_eq!(GymEmission::scheduled_cumulative(u32::MAX), HARD_CAP);
		// Month 28 (year 3) with the dev genesis of 6,000,000 GYM.
		assert_eq!(gym_primitives::emission::month_of(cap_block), 28);
	});
}

#[test]
fn try_state_detects_issuance_out_of_thin_air() {
	ExtBuilder::default().build().execute_with(|| {
		assert_ok!(GymEmission::do_try_state());
		// Minting around the pallet breaks `issuance == minted - burned`.
		let _ = Balances::deposit_creating(&3, GYM);
		assert!(GymEmission::do_try_state().is_err());
	});
}

/// A schedule that emits a tenth of GYM's in its first phase.
fn a_tenth() -> EmissionSchedule {
	let mut s = EmissionSchedule::gym();
	s.phases[0].total /= 10;
	s
}

#[test]
fn a_promised_budget_is_minted_whatever_the_schedule_says_later() {
	ExtBuilder::default().build_and_execute(|| {
		let budget = GymEmission::remaining_budget(0);
		System::set_block_number(11); // epoch 0 closed
		assert_eq!(GymEmission::promise_budget(0, Balance::MAX), budget);
		System::assert_last_event(Event::BudgetPromised { epoch: 0, amount: budget }.into());
		assert_eq!(Promised::<Test>::get(), budget);
		// Promising again changes nothing.
		assert_eq!(GymEmission::promise_budget(0, Balance::MAX), budget);
		assert_eq!(Promised::<Test>::get(), budget);
		// Governance cuts the schedule: epoch 0 keeps what it was promised,
		// epoch 1 gets the new schedule's.
		assert_ok!(GymEmission::set_schedule(RuntimeOrigin::root(), a_tenth()));
		assert_eq!(GymEmission::scheduled_epoch_emission(0), budget / 10);
		assert_ok!(GymEmission::mint_reward(0, &7, budget / 2));
		assert_ok!(GymEmission::mint_reward(0, &7, budget - budget / 2));
		assert_noop!(GymEmission::mint_reward(0, &7, 1), Error::<Test>::EpochBudgetExceeded);
		assert_eq!((GymEmission::promised(0), Promised::<Test>::get()), (0, 0));
		assert_eq!(GymEmission::remaining_budget(1), budget / 10);
		GymEmission::release_budget(0);
		assert!(Promises::<Test>::get(0).is_none());
	});
}

#[test]
fn promises_never_pass_the_cap_and_a_release_returns_what_was_not_minted() {
	// Genesis leaves 10 GYM under the cap.
	ExtBuilder::default().balances(vec![(1, HARD_CAP - 10 * GYM)]).build_and_execute(|| {
		System::set_block_number(21); // epochs 0 and 1 closed
								// Near the cap, epoch 0 is promised the 10 GYM left, epoch 1 nothing:
								// not both the same headroom.
		assert_eq!(GymEmission::promise_budget(0, Balance::MAX), 10 * GYM);
		assert_eq!(GymEmission::promise_budget(1, Balance::MAX), 0);
		assert_eq!(GymEmission::remaining_budget(2), 0);
		assert_noop!(GymEmission::mint_reward(2, &7, 1), Error::<Test>::CapReached);
		assert_noop!(GymEmission::mint_reward(1, &7, 1), Error::<Test>::EpochBudgetExceeded);
		assert_ok!(GymEmission::mint_reward(0, &7, 4 * GYM));
		// Epoch 0's last reward is settled: the 6 GYM not minted go back.
		GymEmission::release_budget(0);
		System::assert_last_event(Event::BudgetReleased { epoch: 0, amount: 6 * GYM }.into());
		assert_eq!(GymEmission::remaining_budget(2), 6 * GYM);
		assert_eq!(TotalMinted::<Test>::get() + Promised::<Test>::get(), HARD_CAP - 6 * GYM);
	});
}

#[test]
fn a_promise_keeps_no_more_than_the_rewards_can_take() {
	ExtBuilder::default().build_and_execute(|| {
		System::set_block_number(11);
		let budget = GymEmission::remaining_budget(0);
		assert!(budget > 7 * GYM);
		// The epoch's rewards add up to 7 GYM: the rest of its budget stays
		// with the cap's headroom, not with epoch 0.
		assert_eq!(GymEmission::promise_budget(0, 7 * GYM), 7 * GYM);
		assert_eq!(Promised::<Test>::get(), 7 * GYM);
		assert_eq!(GymEmission::headroom(), HARD_CAP - TotalMinted::<Test>::get() - 7 * GYM);
		assert_noop!(
			GymEmission::mint_reward(0, &7, 7 * GYM + 1),
			Error::<Test>::EpochBudgetExceeded
		);
		assert_ok!(GymEmission::mint_reward(0, &7, 7 * GYM));
	});
}
