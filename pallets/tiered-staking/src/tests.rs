//! Tests of `pallet-tiered-staking`, named after the behaviour they check.
//!
//! Every test runs in [`ExtBuilder::build_and_execute`], which checks the
//! pallet's invariants and that the total issuance did not change (the
//! pallet mints and burns nothing) once the test is done.

use crate::StakeInfo;
use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok, assert_storage_noop,
	traits::{
		fungible::{Inspect, InspectFreeze},
		LockableCurrency, WithdrawReasons,
	},
};
use gym_primitives::{BlockNumber, GYM};
use proptest::prelude::*;
use sp_runtime::{FixedU128, Perbill, StateVersion, TokenError};

// ---- helpers ---------------------------------------------------------------

fn stake(who: u64, amount: Balance) {
	assert_ok!(TieredStaking::stake(RuntimeOrigin::signed(who), amount));
}

fn unstake(who: u64, amount: Balance) {
	assert_ok!(TieredStaking::unstake(RuntimeOrigin::signed(who), amount));
}

fn claim(who: u64) {
	assert_ok!(TieredStaking::claim_staker_rewards(RuntimeOrigin::signed(who)));
}

/// Distributes `amount` once every stake counts: if any stake was added in
/// the last two epochs, moves two epochs on first.
fn distribute(amount: Balance) {
	wait_until_everything_counts();
	distribute_now(amount);
}

/// Distributes `amount` now (stake added in this epoch or the last does not
/// share it).
fn distribute_now(amount: Balance) {
	assert_ok!(TieredStaking::distribute_to_stakers(&PAYER, amount));
}

/// Moves two epochs on if any stake waits to count.
fn wait_until_everything_counts() {
	if !Unrolled::<Test>::get().is_empty() {
		run_to_block(u32::try_from(System::block_number()).unwrap() + 2 * EPOCH);
	}
}

fn slash(who: u64, fraction: Perbill, reason: SlashReason) -> Balance {
	TieredStaking::slash(&who, fraction, reason).expect("the slash succeeds")
}

/// The release block of GYM unstaked now.
fn release() -> BlockNumber {
	u32::try_from(System::block_number()).unwrap() + UNBONDING
}

/// Moves past the release of everything `who` is unbonding and withdraws it.
fn withdraw_all(who: u64) {
	let last = Stakers::<Test>::get(who)
		.and_then(|l| l.unbonding.last().map(|c| c.release_at))
		.expect("something unbonds");
	if System::block_number() < u64::from(last) {
		run_to_block(last);
	}
	assert_ok!(TieredStaking::withdraw_unbonded(RuntimeOrigin::signed(who)));
}

fn free(who: u64) -> Balance {
	Balances::free_balance(who)
}

fn frozen(who: u64) -> Balance {
	Balances::balance_frozen(&FreezeReason::Staked.into(), &who)
}

fn pot() -> Balance {
	Balances::free_balance(TieredStaking::pot_account())
}

fn deposits(who: u64) -> Vec<(Balance, BlockNumber)> {
	Stakers::<Test>::get(who)
		.map(|l| l.deposits.iter().map(|d| (d.amount, d.staked_at)).collect())
		.unwrap_or_default()
}

/// Whether any event since the last reset is a `PenaltyPaid`.
fn penalty_paid_emitted() -> bool {
	System::events()
		.iter()
		.any(|r| matches!(r.event, RuntimeEvent::TieredStaking(Event::PenaltyPaid { .. })))
}

// ---- tiers -----------------------------------------------------------------

#[test]
fn tier_boundaries_are_exact_to_the_planck_when_staking() {
	ExtBuilder::default().build_and_execute(|| {
		let mut below = None;
		for tier in Tier::ALL {
			// One planck less than the minimum is still the tier below.
			stake(ALICE, tier.minimum() - 1 - TieredStaking::stake_of(&ALICE));
			assert_eq!(TieredStaking::stake_of(&ALICE), tier.minimum() - 1);
			assert_eq!(TieredStaking::tier_of(&ALICE), below);
			// Exactly the minimum reaches it.
			stake(ALICE, 1);
			assert_eq!(TieredStaking::stake_of(&ALICE), tier.minimum());
			assert_eq!(TieredStaking::tier_of(&ALICE), Some(tier));
			System::assert_last_event(
				Event::TierChanged { who: ALICE, from: below, to: Some(tier) }.into(),
			);
			below = Some(tier);
		}
		assert_eq!(TieredStaking::stake_of(&ALICE), 500_000 * GYM);
	});
}

#[test]
fn tier_boundaries_are_exact_to_the_planck_when_unstaking() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 500_000 * GYM);
		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		let minimums = [
			(Tier::Diamond, 500_000 * GYM, Some(Tier::Platinum)),
			(Tier::Platinum, 100_000 * GYM, Some(Tier::Gold)),
			(Tier::Gold, 50_000 * GYM, Some(Tier::Silver)),
			(Tier::Silver, 10_000 * GYM, Some(Tier::Bronze)),
			(Tier::Bronze, 1_000 * GYM, None),
		];
		for (tier, minimum, below) in minimums {
			let excess = TieredStaking::stake_of(&ALICE) - minimum;
			if excess > 0 {
				unstake(ALICE, excess);
			}
			assert_eq!(TieredStaking::tier_of(&ALICE), Some(tier));
			unstake(ALICE, 1);
			assert_eq!(TieredStaking::tier_of(&ALICE), below);
			System::assert_last_event(
				Event::TierChanged { who: ALICE, from: Some(tier), to: below }.into(),
			);
		}
		// Old GYM: no penalty was paid on the way down.
		assert_eq!(free(ALICE), 2_000_000 * GYM);
	});
}

#[test]
fn boost_and_rights_follow_the_tier() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 1_000 * GYM);
		stake(BOB, 10_000 * GYM);
		stake(CHARLIE, 500_000 * GYM);
		stake(DAVE, ED);

		assert_eq!(TieredStaking::boost_of(&ALICE), FixedU128::from_u32(1));
		assert_eq!(TieredStaking::boost_of(&BOB), FixedU128::from_rational(12, 10));
		assert_eq!(TieredStaking::boost_of(&CHARLIE), FixedU128::from_u32(3));
		assert_eq!(TieredStaking::boost_of(&DAVE), FixedU128::from_u32(0));

		assert_eq!(TieredStaking::boosted_stake(&ALICE), 1_000 * GYM);
		assert_eq!(TieredStaking::boosted_stake(&BOB), 12_000 * GYM);
		assert_eq!(TieredStaking::boosted_stake(&CHARLIE), 1_500_000 * GYM);
		assert_eq!(TieredStaking::boosted_stake(&DAVE), 0);
		// The stakes count for revenue two epochs on.
		assert_eq!(TieredStaking::total_boosted_stake(), 0);
		wait_until_everything_counts();
		TieredStaking::roll_due();
		assert_eq!(TieredStaking::total_boosted_stake(), 1_513_000 * GYM);
		assert_eq!(TotalStaked::<Test>::get(), 511_000 * GYM + ED);

		assert!(TieredStaking::has_right(&ALICE, Right::RegisterWorker));
		assert!(!TieredStaking::has_right(&ALICE, Right::PriorityQueue));
		assert!(TieredStaking::has_right(&BOB, Right::PriorityQueue));
		assert!(!TieredStaking::has_right(&BOB, Right::Orchestrate));
		for right in Right::ALL {
			assert!(TieredStaking::has_right(&CHARLIE, right));
			assert!(!TieredStaking::has_right(&DAVE, right));
		}
		assert_eq!(TieredStaking::tier_of(&DAVE), None);
	});
}

#[test]
fn staking_into_a_tier_emits_staked_then_tier_changed() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 999 * GYM);
		System::assert_last_event(Event::Staked { who: ALICE, amount: 999 * GYM }.into());
		stake(ALICE, GYM);
		System::assert_has_event(Event::Staked { who: ALICE, amount: GYM }.into());
		System::assert_last_event(
			Event::TierChanged { who: ALICE, from: None, to: Some(Tier::Bronze) }.into(),
		);
	});
}

#[test]
fn unstaking_out_of_a_tier_emits_tier_changed_and_removes_the_ledger() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM);
		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		unstake(ALICE, 1);
		System::assert_has_event(
			Event::Unstaked { who: ALICE, amount: 1, penalty: 0, release_at: release() }.into(),
		);
		System::assert_last_event(
			Event::TierChanged { who: ALICE, from: Some(Tier::Silver), to: Some(Tier::Bronze) }
				.into(),
		);
		unstake(ALICE, 10_000 * GYM - 1);
		System::assert_last_event(
			Event::TierChanged { who: ALICE, from: Some(Tier::Bronze), to: None }.into(),
		);
		assert_eq!(TotalStaked::<Test>::get(), 0);
		assert_eq!(TotalBoostedStake::<Test>::get(), 0);
		// The GYM unbonds, frozen, until its release; then the ledger goes.
		assert_eq!(frozen(ALICE), 10_000 * GYM);
		withdraw_all(ALICE);
		assert!(!Stakers::<Test>::contains_key(ALICE));
		assert_eq!(frozen(ALICE), 0);
	});
}

#[test]
fn slashing_out_of_a_tier_emits_slashed_then_tier_changed() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM);
		assert_eq!(slash(ALICE, Perbill::from_percent(5), SlashReason::InvalidDelta), 500 * GYM);
		System::assert_has_event(
			Event::Slashed {
				who: ALICE,
				amount: 500 * GYM,
				reason: SlashReason::InvalidDelta,
				to: TREASURY,
			}
			.into(),
		);
		System::assert_last_event(
			Event::TierChanged { who: ALICE, from: Some(Tier::Silver), to: Some(Tier::Bronze) }
				.into(),
		);
	});
}

// ---- freezes ---------------------------------------------------------------

#[test]
fn the_frozen_amount_always_equals_the_stake_and_the_unbonding() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 3_000 * GYM);
		assert_eq!(frozen(ALICE), 3_000 * GYM);
		run_to_block(2);
		stake(ALICE, 2_000 * GYM);
		assert_eq!(frozen(ALICE), 5_000 * GYM);
		// 100 GYM of penalty leave, 900 unbond.
		unstake(ALICE, 1_000 * GYM);
		assert_eq!(frozen(ALICE), 4_900 * GYM);
		// Half of the 4,900 slashable, the stake first.
		slash(ALICE, Perbill::from_percent(50), SlashReason::Malicious);
		assert_eq!(frozen(ALICE), 2_450 * GYM);
		assert_eq!(TieredStaking::stake_of(&ALICE), 1_550 * GYM);
		unstake(ALICE, 1_550 * GYM);
		assert_eq!(frozen(ALICE), 2_295 * GYM);
		withdraw_all(ALICE);
		assert_eq!(frozen(ALICE), 0);
		assert!(pallet_balances::Freezes::<Test>::get(ALICE).is_empty());
		// Staking does not move GYM: it stays in the account.
		assert_eq!(Balances::total_balance(&ALICE), free(ALICE));
	});
}

#[test]
fn staked_gym_cannot_be_transferred() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 1_500_000 * GYM);
		assert_eq!(free(ALICE), 2_000_000 * GYM);
		assert_noop!(
			Balances::transfer_allow_death(RuntimeOrigin::signed(ALICE), BOB, 500_000 * GYM + 1),
			TokenError::Frozen
		);
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(ALICE),
			BOB,
			500_000 * GYM
		));
		assert_eq!(free(ALICE), 1_500_000 * GYM);
		assert_noop!(
			Balances::transfer_allow_death(RuntimeOrigin::signed(ALICE), BOB, 1),
			TokenError::Frozen
		);
	});
}

#[test]
fn staking_more_than_the_free_balance_fails_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			TieredStaking::stake(RuntimeOrigin::signed(ALICE), 2_000_000 * GYM + 1),
			Error::<Test>::InsufficientFreeBalance
		);
		stake(ALICE, 1_500_000 * GYM);
		// Already staked GYM does not count twice.
		assert_noop!(
			TieredStaking::stake(RuntimeOrigin::signed(ALICE), 500_000 * GYM + 1),
			Error::<Test>::InsufficientFreeBalance
		);
		// The whole balance can be staked.
		stake(ALICE, 500_000 * GYM);
		assert_eq!(frozen(ALICE), free(ALICE));
	});
}

/// pallet-balances lets GYM on hold back a freeze: with 1,000,000 GYM
/// frozen elsewhere (a liquidity farm, here a lock) and 500,000 on hold, the
/// reducible balance says 1,000,000 of Bob's 2,000,000, but only 500,000
/// are free of both. Staking takes those only, so the same GYM is not
/// staked twice.
#[test]
fn staking_refuses_gym_that_backs_a_hold_under_a_freeze() {
	ExtBuilder::default().build_and_execute(|| {
		use frame_support::traits::ReservableCurrency;
		Balances::set_lock(*b"farmfarm", &BOB, 1_000_000 * GYM, WithdrawReasons::all());
		assert_ok!(Balances::reserve(&BOB, 500_000 * GYM));
		assert_noop!(
			TieredStaking::stake(RuntimeOrigin::signed(BOB), 500_000 * GYM + 1),
			Error::<Test>::InsufficientFreeBalance
		);
		stake(BOB, 500_000 * GYM);
	});
}

#[test]
fn staking_refuses_gym_locked_by_governance() {
	ExtBuilder::default().build_and_execute(|| {
		Balances::set_lock(*b"democrac", &BOB, 1_500_000 * GYM, WithdrawReasons::all());
		assert_noop!(
			TieredStaking::stake(RuntimeOrigin::signed(BOB), 500_000 * GYM + 1),
			Error::<Test>::InsufficientFreeBalance
		);
		stake(BOB, 500_000 * GYM);
		assert_eq!(frozen(BOB), 500_000 * GYM);
	});
}

#[test]
fn zero_amounts_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			TieredStaking::stake(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::ZeroAmount
		);
		stake(ALICE, 1_000 * GYM);
		assert_noop!(
			TieredStaking::unstake(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(TieredStaking::distribute_to_stakers(&PAYER, 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn unstaking_more_than_staked_fails_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			TieredStaking::unstake(RuntimeOrigin::signed(ALICE), 1),
			Error::<Test>::NotEnoughStaked
		);
		stake(ALICE, 1_000 * GYM);
		assert_noop!(
			TieredStaking::unstake(RuntimeOrigin::signed(ALICE), 1_000 * GYM + 1),
			Error::<Test>::NotEnoughStaked
		);
	});
}

// ---- early-unstake penalty -------------------------------------------------

#[test]
fn early_unstake_pays_ten_percent_on_the_young_part_only() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM); // block 1
		run_to_block(200_001);
		stake(ALICE, 5_000 * GYM);
		// The first deposit is exactly 432,000 blocks old (no penalty), the
		// second 232,000 (penalty).
		run_to_block(432_001);
		// 10,000 GYM come from the old deposit, 2,000 GYM + 17 planck from the young.
		unstake(ALICE, 12_000 * GYM + 17);
		let penalty = 200 * GYM + 1; // floor((2,000 GYM + 17) / 10)
		System::assert_has_event(
			Event::Unstaked {
				who: ALICE,
				amount: 12_000 * GYM + 17,
				penalty,
				release_at: release(),
			}
			.into(),
		);
		System::assert_has_event(
			Event::PenaltyPaid { who: ALICE, amount: penalty, to: TREASURY }.into(),
		);
		System::assert_last_event(
			Event::TierChanged { who: ALICE, from: Some(Tier::Silver), to: Some(Tier::Bronze) }
				.into(),
		);
		assert_eq!(free(ALICE), 2_000_000 * GYM - penalty);
		assert_eq!(free(TREASURY), GYM + penalty);
		// The stake left and the unbonding GYM stay frozen.
		assert_eq!(frozen(ALICE), 15_000 * GYM - penalty);
		assert_eq!(deposits(ALICE), vec![(3_000 * GYM - 17, 200_001)]);
	});
}

#[test]
fn unstaking_at_exactly_432_000_blocks_pays_no_penalty() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 1_000 * GYM); // block 1
		run_to_block(1 + EARLY_UNSTAKE_PERIOD - 1);
		unstake(ALICE, 100 * GYM);
		System::assert_has_event(
			Event::Unstaked {
				who: ALICE,
				amount: 100 * GYM,
				penalty: 10 * GYM,
				release_at: release(),
			}
			.into(),
		);
		System::assert_has_event(
			Event::PenaltyPaid { who: ALICE, amount: 10 * GYM, to: TREASURY }.into(),
		);

		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		System::reset_events();
		unstake(ALICE, 900 * GYM);
		System::assert_last_event(
			Event::Unstaked { who: ALICE, amount: 900 * GYM, penalty: 0, release_at: release() }
				.into(),
		);
		assert!(!penalty_paid_emitted());
		assert_eq!(free(ALICE), 2_000_000 * GYM - 10 * GYM);
		assert_eq!(free(TREASURY), GYM + 10 * GYM);
	});
}

#[test]
fn early_unstake_never_reaps_the_staker() {
	// Dave's whole balance is 1.05 ED: paying 10% on all of it would leave
	// 0.945 ED, dust that reaping would burn.
	let dave = ED + ED / 20;
	ExtBuilder::default().balances(vec![(DAVE, dave), (TREASURY, GYM)]).build_and_execute(|| {
		stake(DAVE, dave);
		assert_noop!(
			TieredStaking::unstake(RuntimeOrigin::signed(DAVE), dave),
			Error::<Test>::PenaltyTransferFailed
		);
		// Unstaking what lies above the ED works.
		unstake(DAVE, ED / 20);
		assert_eq!(free(DAVE), dave - ED / 200);
		// After 30 days the rest is penalty-free.
		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		unstake(DAVE, ED);
		withdraw_all(DAVE);
		assert_eq!(free(DAVE), dave - ED / 200);
		assert!(!Stakers::<Test>::contains_key(DAVE));
	});
}

#[test]
fn deposits_merge_into_the_newest_at_the_later_block_when_full() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 100 * GYM); // block 1
		run_to_block(2);
		stake(ALICE, 200 * GYM);
		stake(ALICE, 50 * GYM); // same block: merged
		run_to_block(3);
		stake(ALICE, 300 * GYM);
		run_to_block(4);
		stake(ALICE, 400 * GYM);
		assert_eq!(
			deposits(ALICE),
			vec![(100 * GYM, 1), (250 * GYM, 2), (300 * GYM, 3), (400 * GYM, 4)]
		);
		// MaxDeposits = 4: full, merged into the newest, stamped with the later block.
		run_to_block(10);
		stake(ALICE, 1_000 * GYM);
		assert_eq!(
			deposits(ALICE),
			vec![(100 * GYM, 1), (250 * GYM, 2), (300 * GYM, 3), (1_400 * GYM, 10)]
		);
		assert_eq!(TieredStaking::stake_of(&ALICE), 2_050 * GYM);

		// 432,000 blocks after block 4 the GYM staked at block 4 is still
		// young: merging lengthened its period, the new GYM's is intact.
		run_to_block(4 + EARLY_UNSTAKE_PERIOD);
		unstake(ALICE, 2_050 * GYM);
		System::assert_has_event(
			Event::Unstaked {
				who: ALICE,
				amount: 2_050 * GYM,
				penalty: 140 * GYM,
				release_at: release(),
			}
			.into(),
		);
		assert_eq!(free(TREASURY), GYM + 140 * GYM);
	});
}

// ---- slashing --------------------------------------------------------------

#[test]
fn slash_takes_the_newest_deposits_first() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM); // block 1
		run_to_block(2);
		stake(ALICE, 1_000 * GYM);
		run_to_block(3);
		stake(ALICE, 1_000 * GYM);
		let slashed =
			slash(ALICE, SlashReason::Malicious.default_fraction(), SlashReason::Malicious);
		assert_eq!(slashed, 6_000 * GYM);
		assert_eq!(deposits(ALICE), vec![(6_000 * GYM, 1)]);
		System::assert_has_event(
			Event::Slashed {
				who: ALICE,
				amount: 6_000 * GYM,
				reason: SlashReason::Malicious,
				to: TREASURY,
			}
			.into(),
		);
		assert_eq!(free(ALICE), 2_000_000 * GYM - 6_000 * GYM);
		assert_eq!(free(TREASURY), GYM + 6_000 * GYM);
		assert_eq!(frozen(ALICE), 6_000 * GYM);
		assert_eq!(TotalStaked::<Test>::get(), 6_000 * GYM);
		// What is left is the oldest GYM: penalty-free at block 432,001.
		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		unstake(ALICE, 6_000 * GYM);
		System::assert_has_event(
			Event::Unstaked { who: ALICE, amount: 6_000 * GYM, penalty: 0, release_at: release() }
				.into(),
		);
	});
}

#[test]
fn invalid_delta_slash_takes_five_percent_rounded_down() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 100_000 * GYM + 19);
		let fraction = SlashReason::InvalidDelta.default_fraction();
		// floor(5% of (100,000 GYM + 19)) = 5,000 GYM + floor(0.95).
		assert_eq!(slash(ALICE, fraction, SlashReason::InvalidDelta), 5_000 * GYM);
		assert_eq!(TieredStaking::stake_of(&ALICE), 95_000 * GYM + 19);
		System::assert_has_event(
			Event::Slashed {
				who: ALICE,
				amount: 5_000 * GYM,
				reason: SlashReason::InvalidDelta,
				to: TREASURY,
			}
			.into(),
		);
		System::assert_last_event(
			Event::TierChanged { who: ALICE, from: Some(Tier::Platinum), to: Some(Tier::Gold) }
				.into(),
		);
	});
}

#[test]
fn downtime_slash_takes_the_fraction_the_caller_passes() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM);
		// Three hours down at 0.1% per hour: 0.3%.
		let hours = 3;
		let fraction =
			Perbill::from_parts(SlashReason::Downtime.default_fraction().deconstruct() * hours);
		assert_eq!(fraction, Perbill::from_rational(3u32, 1_000));
		assert_eq!(slash(ALICE, fraction, SlashReason::Downtime), 30 * GYM);
		System::assert_has_event(
			Event::Slashed {
				who: ALICE,
				amount: 30 * GYM,
				reason: SlashReason::Downtime,
				to: TREASURY,
			}
			.into(),
		);
		assert_eq!(TieredStaking::stake_of(&ALICE), 9_970 * GYM);
		assert_eq!(free(TREASURY), GYM + 30 * GYM);
	});
}

#[test]
fn slash_amount_takes_the_amount_and_at_most_the_stake() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM);
		assert_eq!(<TieredStaking as StakeTiers<u64>>::stake_of(&ALICE), 10_000 * GYM);
		assert_eq!(
			TieredStaking::slash_amount(&ALICE, 700 * GYM + 3, SlashReason::InvalidDelta),
			Ok(700 * GYM + 3)
		);
		assert_eq!(TieredStaking::stake_of(&ALICE), 9_300 * GYM - 3);
		assert_eq!(frozen(ALICE), 9_300 * GYM - 3);
		System::assert_has_event(
			Event::Slashed {
				who: ALICE,
				amount: 700 * GYM + 3,
				reason: SlashReason::InvalidDelta,
				to: TREASURY,
			}
			.into(),
		);
		// More than the stake takes the stake, no more.
		assert_eq!(
			TieredStaking::slash_amount(&ALICE, 1_000_000 * GYM, SlashReason::InvalidDelta),
			Ok(9_300 * GYM - 3)
		);
		assert_eq!(TieredStaking::stake_of(&ALICE), 0);
		assert_eq!(free(TREASURY), GYM + 10_000 * GYM);
		assert_eq!(TotalStaked::<Test>::get(), 0);
	});
}

#[test]
fn slashing_an_account_without_stake_returns_zero_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_storage_noop!(assert_eq!(
			TieredStaking::slash(&BOB, Perbill::from_percent(50), SlashReason::Malicious),
			Ok(0)
		));
		// A slash that rounds down to nothing changes nothing either.
		stake(DAVE, 1);
		assert_storage_noop!(assert_eq!(
			TieredStaking::slash(&DAVE, Perbill::from_percent(5), SlashReason::InvalidDelta),
			Ok(0)
		));
	});
}

#[test]
fn governance_lock_does_not_shield_stake_from_a_slash() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 100_000 * GYM);
		Balances::set_lock(*b"democrac", &ALICE, 2_000_000 * GYM, WithdrawReasons::all());
		assert_eq!(slash(ALICE, Perbill::from_percent(50), SlashReason::Malicious), 50_000 * GYM);
		assert_eq!(free(ALICE), 1_950_000 * GYM);
		assert_eq!(free(TREASURY), GYM + 50_000 * GYM);
	});
}

#[test]
fn slash_that_cannot_move_the_gym_fails_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		// Dave stakes his whole 5 ED; taking 90% would leave 0.5 ED in an
		// account that must stay alive (it still has stake).
		stake(DAVE, 5 * ED);
		assert_noop!(
			TieredStaking::slash(&DAVE, Perbill::from_percent(90), SlashReason::Malicious),
			Error::<Test>::SlashTransferFailed
		);
	});
}

// ---- staker revenue --------------------------------------------------------

#[test]
fn revenue_is_shared_pro_rata_to_boosted_stake() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 1_000 * GYM); // Bronze 1.0x: 1,000 GYM boosted
		stake(BOB, 500_000 * GYM); // Diamond 3.0x: 1,500,000 GYM boosted
							 // The first ED endows the pot; 3,002 GYM are shared over 1,501,000 GYM.
		distribute(ED + 3_002 * GYM);
		System::assert_last_event(
			Event::StakersRewarded {
				from: PAYER,
				amount: 3_002 * GYM,
				total_boosted_stake: 1_501_000 * GYM,
			}
			.into(),
		);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 2 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 3_000 * GYM);

		claim(ALICE);
		System::assert_last_event(
			Event::StakerRewardsClaimed { who: ALICE, amount: 2 * GYM }.into(),
		);
		claim(BOB);
		System::assert_last_event(
			Event::StakerRewardsClaimed { who: BOB, amount: 3_000 * GYM }.into(),
		);
		assert_eq!(free(ALICE), 2_000_000 * GYM + 2 * GYM);
		assert_eq!(free(BOB), 2_000_000 * GYM + 3_000 * GYM);
		assert_eq!(free(PAYER), 10_000_000 * GYM - ED - 3_002 * GYM);
		assert_eq!(pot(), ED);
		assert_eq!(OutstandingRewards::<Test>::get(), 0);
	});
}

#[test]
fn rounding_dust_stays_in_the_pot() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 1_000 * GYM); // 1,000 GYM boosted
		stake(BOB, 10_000 * GYM); // Silver 1.2x: 12,000 GYM boosted
		distribute(ED + GYM);
		// Per boosted planck: floor(1e18 × 1e18 / 13e21) / 1e18 = 76,923,076,923,076 / 1e18.
		assert_eq!(RewardPerBoostedStake::<Test>::get().into_inner(), 76_923_076_923_076);
		let alice = 76_923_076_923_076_000; // 1,000 GYM × that
		let bob = 923_076_923_076_912_000; // 12,000 GYM × that
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), alice);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), bob);
		claim(ALICE);
		claim(BOB);
		assert_eq!(free(ALICE), 2_000_000 * GYM + alice);
		assert_eq!(free(BOB), 2_000_000 * GYM + bob);
		// 1 GYM − 999,999,999,999,988,000 = 12,000 planck of dust, owed to nobody.
		assert_eq!(OutstandingRewards::<Test>::get(), 12_000);
		assert_eq!(pot(), ED + 12_000);
	});
}

#[test]
fn stakers_joining_after_a_distribution_get_nothing_from_it() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 1_000 * GYM);
		distribute(ED + 100 * GYM);
		stake(BOB, 1_000 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 0);
		assert_noop!(
			TieredStaking::claim_staker_rewards(RuntimeOrigin::signed(BOB)),
			Error::<Test>::NothingToClaim
		);
		distribute(100 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 150 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 50 * GYM);
	});
}

#[test]
fn revenue_earned_before_a_stake_change_is_kept() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 1_000 * GYM);
		stake(BOB, 1_000 * GYM);
		distribute(ED + 200 * GYM); // 100 GYM each
		stake(ALICE, 499_000 * GYM); // Diamond: 1,500,000 GYM boosted
		distribute(1_501_000 * GYM); // 1 planck per boosted planck
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 100 * GYM + 1_500_000 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 100 * GYM + 1_000 * GYM);

		// Unstaking everything keeps the revenue in the ledger until claimed.
		// (The top-up was staked at block 21, once the first stakes counted.)
		run_to_block(21 + EARLY_UNSTAKE_PERIOD);
		unstake(ALICE, 500_000 * GYM);
		assert_eq!(TieredStaking::stake_of(&ALICE), 0);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 1_500_100 * GYM);
		distribute(1_000 * GYM); // all of it Bob's now
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 1_500_100 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 2_100 * GYM);
		claim(ALICE);
		assert_eq!(free(ALICE), 2_000_000 * GYM + 1_500_100 * GYM);
		// The ledger stays while its GYM unbonds.
		withdraw_all(ALICE);
		assert!(!Stakers::<Test>::contains_key(ALICE));
	});
}

#[test]
fn distribution_without_boosted_stake_fails_with_no_stakers() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(TieredStaking::distribute_to_stakers(&PAYER, GYM), Error::<Test>::NoStakers);
		// A stake below Bronze has no boost.
		stake(DAVE, ED);
		assert_noop!(TieredStaking::distribute_to_stakers(&PAYER, GYM), Error::<Test>::NoStakers);
	});
}

#[test]
fn first_distribution_endows_the_pot_with_the_existential_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 1_000 * GYM);
		wait_until_everything_counts();
		// Less than the ED cannot open the pot.
		assert_noop!(
			TieredStaking::distribute_to_stakers(&PAYER, ED - 1),
			TokenError::BelowMinimum
		);

		distribute(10 * GYM);
		System::assert_has_event(Event::PotEndowed { amount: ED }.into());
		System::assert_last_event(
			Event::StakersRewarded {
				from: PAYER,
				amount: 10 * GYM - ED,
				total_boosted_stake: 1_000 * GYM,
			}
			.into(),
		);
		assert_eq!(pot(), 10 * GYM);
		assert_eq!(OutstandingRewards::<Test>::get(), 10 * GYM - ED);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 10 * GYM - ED);

		// Later distributions are shared whole.
		System::reset_events();
		distribute(10 * GYM);
		assert!(!System::events()
			.iter()
			.any(|r| matches!(r.event, RuntimeEvent::TieredStaking(Event::PotEndowed { .. }))));
		System::assert_last_event(
			Event::StakersRewarded {
				from: PAYER,
				amount: 10 * GYM,
				total_boosted_stake: 1_000 * GYM,
			}
			.into(),
		);
		claim(ALICE);
		assert_eq!(pot(), ED);
	});
}

#[test]
fn claiming_without_revenue_fails_with_nothing_to_claim() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			TieredStaking::claim_staker_rewards(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NothingToClaim
		);
		stake(ALICE, 1_000 * GYM);
		assert_noop!(
			TieredStaking::claim_staker_rewards(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NothingToClaim
		);
		distribute(ED + GYM);
		claim(ALICE);
		assert_noop!(
			TieredStaking::claim_staker_rewards(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NothingToClaim
		);
	});
}

// ---- conservation ----------------------------------------------------------

#[test]
fn nothing_is_minted_or_burned() {
	ExtBuilder::default().build_and_execute(|| {
		let start = issuance();
		stake(ALICE, 600_000 * GYM);
		stake(BOB, 20_000 * GYM);
		distribute(ED + 1_234 * GYM + 5);
		unstake(ALICE, 100_000 * GYM + 3);
		slash(BOB, Perbill::from_percent(5), SlashReason::InvalidDelta);
		claim(ALICE);
		claim(BOB);
		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		unstake(BOB, TieredStaking::stake_of(&BOB));
		assert_eq!(issuance(), start);
		let accounts = [ALICE, BOB, CHARLIE, DAVE, PAYER, TREASURY, TieredStaking::pot_account()];
		assert_eq!(accounts.iter().map(Balances::total_balance).sum::<Balance>(), start);
	});
}

// ---- runtime API -----------------------------------------------------------

#[test]
fn stake_info_reports_tier_age_revenue_and_penalty() {
	ExtBuilder::default().build_and_execute(|| {
		let nothing = TieredStaking::stake_info(&ALICE);
		assert_eq!(nothing, StakeInfo::nothing_staked(1));
		assert_eq!((nothing.stake, nothing.tier, nothing.pending_rewards), (0, None, 0));
		stake(ALICE, 20_000 * GYM); // block 1
		run_to_block(101);
		stake(ALICE, 30_000 * GYM); // Gold 1.5x: 75,000 GYM boosted
		distribute(ED + 75 * GYM);
		run_to_block(201);
		assert_eq!(
			TieredStaking::stake_info(&ALICE),
			StakeInfo {
				stake: 50_000 * GYM,
				tier: Some(Tier::Gold),
				boost_per_mille: 1_500,
				boosted_stake: 75_000 * GYM,
				oldest_staked_at: Some(1),
				// (20,000 × 200 + 30,000 × 100) / 50,000
				weighted_age_blocks: 140,
				pending_rewards: 75 * GYM,
				uncounted_stake: 0,
				counts_from_epoch: None,
				penalty_if_unstaked_now: 5_000 * GYM,
				unbonding: Vec::new(),
				withdrawable: 0,
				pending_slash: 0,
				withdraw_held: false,
				now: 201,
			}
		);
		// Once the first deposit is 30 days old only the second pays.
		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		let info = TieredStaking::stake_info(&ALICE);
		assert_eq!(info.penalty_if_unstaked_now, 3_000 * GYM);
		// (20,000 × 432,000 + 30,000 × 431,900) / 50,000
		assert_eq!(info.weighted_age_blocks, 431_940);
		// It is what unstaking everything would pay.
		unstake(ALICE, 50_000 * GYM);
		System::assert_has_event(
			Event::Unstaked {
				who: ALICE,
				amount: 50_000 * GYM,
				penalty: 3_000 * GYM,
				release_at: release(),
			}
			.into(),
		);
	});
}

// ---- random call sequences -------------------------------------------------

/// The accounts the random sequences act for.
const ACTORS: [u64; 4] = [ALICE, BOB, CHARLIE, DAVE];

/// One step of a random sequence. Amounts are per mille of what the account
/// has (free balance or stake) plus a few planck, so that most steps succeed
/// and some overshoot.
#[derive(Clone, Debug)]
enum Op {
	Stake { who: usize, per_mille: u128, extra: u128 },
	Unstake { who: usize, per_mille: u128, extra: u128 },
	Distribute { amount: Balance },
	Claim { who: usize },
	Slash { who: usize, parts: u32 },
	Advance { blocks: u32 },
	Withdraw { who: usize },
	Rebond { who: usize, per_mille: u128 },
}

/// Per mille of what the account has, "all of it" often.
fn per_mille() -> impl Strategy<Value = u128> {
	prop_oneof![1 => Just(1_000u128), 3 => 0u128..=1_000]
}

/// A few planck more than the per mille, usually none.
fn extra() -> impl Strategy<Value = u128> {
	prop_oneof![3 => Just(0u128), 1 => 1u128..3]
}

fn op() -> impl Strategy<Value = Op> {
	let who = 0..ACTORS.len();
	prop_oneof![
		3 => (who.clone(), per_mille(), extra())
			.prop_map(|(who, per_mille, extra)| Op::Stake { who, per_mille, extra }),
		2 => (who.clone(), per_mille(), extra())
			.prop_map(|(who, per_mille, extra)| Op::Unstake { who, per_mille, extra }),
		2 => prop_oneof![1..=10 * ED, 1..=200_000 * GYM]
			.prop_map(|amount| Op::Distribute { amount }),
		2 => who.clone().prop_map(|who| Op::Claim { who }),
		// Any fraction short of 100%.
		1 => (who.clone(), 0u32..1_000_000_000).prop_map(|(who, parts)| Op::Slash { who, parts }),
		1 => (0u32..=300_000).prop_map(|blocks| Op::Advance { blocks }),
		1 => (0u32..=200).prop_map(|blocks| Op::Advance { blocks }),
		2 => who.clone().prop_map(|who| Op::Withdraw { who }),
		1 => (who, per_mille()).prop_map(|(who, per_mille)| Op::Rebond { who, per_mille }),
	]
}

/// Runs `op`, checking what it did to the balances when it succeeded.
fn apply(op: &Op) -> Result<(), sp_runtime::DispatchError> {
	let treasury = free(TREASURY);
	let pot = pot();
	match *op {
		Op::Stake { who, per_mille, extra } => {
			let who = ACTORS[who];
			let (before, staked) = (free(who), TieredStaking::stake_of(&who));
			let amount = before.saturating_sub(frozen(who)) / 1_000 * per_mille + extra;
			TieredStaking::stake(RuntimeOrigin::signed(who), amount)?;
			assert_eq!(free(who), before);
			assert_eq!(TieredStaking::stake_of(&who), staked + amount);
		}
		Op::Unstake { who, per_mille, extra } => {
			let who = ACTORS[who];
			let (before, staked) = (free(who), TieredStaking::stake_of(&who));
			let amount = staked / 1_000 * per_mille + extra;
			TieredStaking::unstake(RuntimeOrigin::signed(who), amount)?;
			let penalty = before - free(who);
			assert_eq!(free(TREASURY), treasury + penalty);
			assert!(penalty <= amount / 10);
			assert_eq!(TieredStaking::stake_of(&who), staked - amount);
		}
		Op::Distribute { amount } => {
			let payer = free(PAYER);
			TieredStaking::distribute_to_stakers(&PAYER, amount)?;
			assert_eq!(free(PAYER), payer - amount);
			assert_eq!(self::pot(), pot + amount);
		}
		Op::Claim { who } => {
			let who = ACTORS[who];
			let (before, owed) = (free(who), TieredStaking::claimable_rewards(&who));
			TieredStaking::claim_staker_rewards(RuntimeOrigin::signed(who))?;
			assert_eq!(free(who), before + owed);
			assert_eq!(self::pot(), pot - owed);
		}
		Op::Slash { who, parts } => {
			let who = ACTORS[who];
			let fraction = Perbill::from_parts(parts);
			let expected = fraction.mul_floor(TieredStaking::slashable_of(&who));
			let slashed = TieredStaking::slash(&who, fraction, SlashReason::Malicious)?;
			assert_eq!(slashed, expected);
			assert_eq!(free(TREASURY), treasury + slashed);
		}
		Op::Withdraw { who } => {
			let who = ACTORS[who];
			let (before, frozen_before) = (free(who), frozen(who));
			TieredStaking::withdraw_unbonded(RuntimeOrigin::signed(who))?;
			assert_eq!(free(who), before);
			assert!(frozen(who) < frozen_before);
		}
		Op::Rebond { who, per_mille } => {
			let who = ACTORS[who];
			let (staked, held) = (TieredStaking::stake_of(&who), TieredStaking::slashable_of(&who));
			let amount = (held - staked) / 1_000 * per_mille;
			TieredStaking::rebond(RuntimeOrigin::signed(who), amount)?;
			assert_eq!(TieredStaking::stake_of(&who), staked + amount);
			assert_eq!(TieredStaking::slashable_of(&who), held);
		}
		Op::Advance { blocks } => {
			let now = System::block_number();
			System::set_block_number(now + u64::from(blocks));
		}
	}
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(512))]

	#[test]
	fn random_sequences_keep_the_invariants_and_the_issuance(
		ops in prop::collection::vec(op(), 1..40)
	) {
		// Dave holds 1.1 ED: unstaking all of it early would leave dust.
		let balances = vec![
			(ALICE, 2_000_000 * GYM),
			(BOB, 2_000_000 * GYM),
			(CHARLIE, 600_000 * GYM),
			(DAVE, ED + ED / 10),
			(PAYER, 10_000_000 * GYM),
			(TREASURY, GYM),
		];
		ExtBuilder::default().balances(balances).build_and_execute(|| {
			let start = issuance();
			for op in &ops {
				let root = sp_io::storage::root(StateVersion::V1);
				if apply(op).is_err() {
					// A failing call changes nothing.
					assert_eq!(sp_io::storage::root(StateVersion::V1), root, "{op:?}");
				}
				TieredStaking::do_try_state().expect("invariants hold");
				assert_eq!(issuance(), start, "{op:?} minted or burned");
			}
		});
	}
}

#[test]
fn try_state_detects_a_freeze_or_total_out_of_step_with_the_stakes() {
	ExtBuilder::default().build().execute_with(|| {
		stake(ALICE, 1_000 * GYM);
		assert_ok!(TieredStaking::do_try_state());
		// Freezing around the pallet breaks `frozen == stake`.
		assert_ok!(<Balances as frame_support::traits::fungible::MutateFreeze<u64>>::set_freeze(
			&FreezeReason::Staked.into(),
			&ALICE,
			999 * GYM
		));
		assert!(TieredStaking::do_try_state().is_err());
		assert_ok!(<Balances as frame_support::traits::fungible::MutateFreeze<u64>>::set_freeze(
			&FreezeReason::Staked.into(),
			&ALICE,
			1_000 * GYM
		));
		assert_ok!(TieredStaking::do_try_state());
		// So does a total that is not the sum of the stakes.
		TotalStaked::<Test>::put(1_001 * GYM);
		assert!(TieredStaking::do_try_state().is_err());
	});
}

#[test]
fn unstaking_below_another_pallets_floor_fails_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 2_000 * GYM);
		AliceFloor::set(Tier::Bronze.minimum());
		// 1,001 GYM would leave 999: below the floor.
		assert_noop!(
			TieredStaking::unstake(RuntimeOrigin::signed(ALICE), 1_001 * GYM),
			Error::<Test>::StakeRequired
		);
		// Down to exactly the floor is allowed; slashes are not bound by it.
		unstake(ALICE, 1_000 * GYM);
		assert_eq!(TieredStaking::tier_of(&ALICE), Some(Tier::Bronze));
		assert!(slash(ALICE, Perbill::from_percent(10), SlashReason::Downtime) > 0);
		// 10% of the stake and the 900 GYM unbonding: 190 GYM.
		assert_eq!(TieredStaking::tier_of(&ALICE), None);
		assert_eq!(TieredStaking::stake_of(&ALICE), 810 * GYM);
		AliceFloor::set(0);
		unstake(ALICE, 810 * GYM);
	});
}

#[test]
fn an_account_bonded_as_a_validator_or_nominator_cannot_stake_here() {
	ExtBuilder::default().build_and_execute(|| {
		BondedAccounts::set(vec![BOB]);
		let before = Balances::balance_frozen(&FreezeReason::Staked.into(), &BOB);
		assert_noop!(
			TieredStaking::stake(RuntimeOrigin::signed(BOB), Tier::Bronze.minimum()),
			Error::<Test>::BondedElsewhere
		);
		assert_eq!(Balances::balance_frozen(&FreezeReason::Staked.into(), &BOB), before);
		assert_eq!(TieredStaking::stake_of(&BOB), 0);
		// Once the bond is gone (withdrawn), the account may stake.
		BondedAccounts::set(vec![]);
		assert_ok!(TieredStaking::stake(RuntimeOrigin::signed(BOB), Tier::Bronze.minimum()));
		assert_eq!(TieredStaking::stake_of(&BOB), Tier::Bronze.minimum());
		// Nor can unbonding GYM be rebonded by an account bonded meanwhile.
		unstake(BOB, Tier::Bronze.minimum());
		BondedAccounts::set(vec![BOB]);
		assert_noop!(
			TieredStaking::rebond(RuntimeOrigin::signed(BOB), GYM),
			Error::<Test>::BondedElsewhere
		);
	});
}

// ---- unbonding -------------------------------------------------------------

#[test]
fn unstaked_gym_stays_frozen_and_slashable_until_its_release() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM); // block 1
		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		unstake(ALICE, 10_000 * GYM);
		let release_at = release();
		// Out of the tier and the revenue share at once...
		assert_eq!((TieredStaking::stake_of(&ALICE), TieredStaking::tier_of(&ALICE)), (0, None));
		assert_eq!(TotalBoostedStake::<Test>::get(), 0);
		// ...but not out of reach: it cannot be moved, and a slash finds it.
		assert_eq!(frozen(ALICE), 10_000 * GYM);
		assert_noop!(
			Balances::transfer_allow_death(RuntimeOrigin::signed(ALICE), BOB, 1_990_001 * GYM),
			TokenError::Frozen
		);
		assert_eq!(slash(ALICE, Perbill::from_percent(50), SlashReason::Malicious), 5_000 * GYM);
		assert_eq!(free(TREASURY), GYM + 5_000 * GYM);
		// Nothing is released a block early.
		run_to_block(release_at - 1);
		assert_noop!(
			TieredStaking::withdraw_unbonded(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(release_at);
		assert_ok!(TieredStaking::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		System::assert_last_event(Event::Withdrawn { who: ALICE, amount: 5_000 * GYM }.into());
		assert_eq!(frozen(ALICE), 0);
		assert!(!Stakers::<Test>::contains_key(ALICE));
		assert_noop!(
			TieredStaking::withdraw_unbonded(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NothingToWithdraw
		);
	});
}

#[test]
fn gym_backing_work_not_final_is_not_withdrawn() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM);
		unstake(ALICE, 5_000 * GYM);
		AliceHeld::set(true);
		AlicePendingSlash::set(250 * GYM);
		run_to_block(release());
		let info = TieredStaking::stake_info(&ALICE);
		assert_eq!(
			(info.withdraw_held, info.withdrawable, info.pending_slash),
			(true, 0, 250 * GYM)
		);
		assert_noop!(
			TieredStaking::withdraw_unbonded(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::WithdrawHeld
		);
		AliceHeld::set(false);
		AlicePendingSlash::set(0);
		assert_eq!(TieredStaking::stake_info(&ALICE).withdrawable, 4_500 * GYM);
		assert_ok!(TieredStaking::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		assert_eq!(frozen(ALICE), 5_000 * GYM);
	});
}

#[test]
fn rebonding_restores_the_tier_and_keeps_the_deposit_age() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 60_000 * GYM); // block 1
		run_to_block(1 + EARLY_UNSTAKE_PERIOD);
		unstake(ALICE, 20_000 * GYM);
		assert_eq!(TieredStaking::tier_of(&ALICE), Some(Tier::Silver));
		assert_noop!(
			TieredStaking::rebond(RuntimeOrigin::signed(BOB), GYM),
			Error::<Test>::NothingToRebond
		);
		assert_noop!(
			TieredStaking::rebond(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::ZeroAmount
		);
		// More than unbonds: what unbonds.
		assert_ok!(TieredStaking::rebond(RuntimeOrigin::signed(ALICE), 1_000_000 * GYM));
		System::assert_has_event(Event::Rebonded { who: ALICE, amount: 20_000 * GYM }.into());
		System::assert_last_event(
			Event::TierChanged { who: ALICE, from: Some(Tier::Silver), to: Some(Tier::Gold) }
				.into(),
		);
		// Back at block 1: unstaking it again is penalty-free.
		assert_eq!(deposits(ALICE), vec![(60_000 * GYM, 1)]);
		assert_eq!(TieredStaking::stake_info(&ALICE).penalty_if_unstaked_now, 0);
		assert_eq!(frozen(ALICE), 60_000 * GYM);
	});
}

#[test]
fn governance_sets_the_unbonding_period_for_gym_unstaked_afterwards() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(UnbondingPeriod::<Test>::get(), UNBONDING);
		stake(ALICE, 10_000 * GYM);
		unstake(ALICE, 1_000 * GYM); // released at 1 + 100
		assert_noop!(
			TieredStaking::set_unbonding_period(RuntimeOrigin::signed(ALICE), 500),
			sp_runtime::DispatchError::BadOrigin
		);
		// Below the minimum, or not longer than a governance decision (1,000
		// blocks in the mock): refused.
		for short in [49, 1_000] {
			assert_noop!(
				TieredStaking::set_unbonding_period(RuntimeOrigin::root(), short),
				Error::<Test>::UnbondingPeriodTooShort
			);
		}
		assert_ok!(TieredStaking::set_unbonding_period(RuntimeOrigin::root(), 1_001));
		System::assert_last_event(Event::UnbondingPeriodSet { period: 1_001 }.into());
		run_to_block(2);
		unstake(ALICE, 1_000 * GYM); // released at 2 + 1,001
		let chunks: Vec<_> = Stakers::<Test>::get(ALICE)
			.unwrap()
			.unbonding
			.iter()
			.map(|c| (c.amount, c.release_at))
			.collect();
		assert_eq!(chunks, vec![(900 * GYM, 101), (900 * GYM, 1_003)]);
		let info = TieredStaking::stake_info(&ALICE);
		assert_eq!(info.unbonding.len(), 2);
		run_to_block(101);
		assert_eq!(TieredStaking::stake_info(&ALICE).withdrawable, 900 * GYM);
	});
}

#[test]
fn the_version_0_ledgers_migrate_with_their_stake() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 3_000 * GYM);
		run_to_block(2);
		stake(ALICE, 2_000 * GYM);
		stake(BOB, 1_000 * GYM);
		distribute(ED + 100 * GYM);
		// Version 0 had no pending stake: every ledger counts all of it.
		claim(ALICE);
		claim(BOB);
		assert!(Unrolled::<Test>::get().is_empty() && Rolled::<Test>::iter().next().is_none());
		distribute(100 * GYM);
		let owed = TieredStaking::claimable_rewards(&ALICE);
		assert!(owed > 83 * GYM);
		// Write them back in the version-0 layout.
		let mut before = Vec::new();
		for (who, ledger) in Stakers::<Test>::iter().collect::<Vec<_>>() {
			let old = migrations::v1::LedgerV0::<<Test as Config>::MaxDeposits> {
				stake: ledger.stake,
				deposits: ledger.deposits.clone(),
				reward_counter: ledger.reward_counter,
				unclaimed: ledger.unclaimed,
			};
			frame_support::storage::unhashed::put_raw(
				&Stakers::<Test>::hashed_key_for(who),
				&codec::Encode::encode(&old),
			);
			before.push((who, ledger));
		}
		StorageVersion::new(0).put::<TieredStaking>();
		// With try-runtime, `pre_upgrade` and `post_upgrade` check it too.
		#[cfg(feature = "try-runtime")]
		migrations::v1::MigrateV0ToV1::<Test>::try_on_runtime_upgrade(true).unwrap();
		#[cfg(not(feature = "try-runtime"))]
		migrations::v1::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(TieredStaking::on_chain_storage_version(), 1);
		for (who, ledger) in before {
			assert_eq!(Stakers::<Test>::get(who), Some(ledger));
		}
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), owed);
		// Run again, it changes nothing.
		let root = sp_io::storage::root(StateVersion::V1);
		migrations::v1::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(sp_io::storage::root(StateVersion::V1), root);
	});
}

// ---- revenue counts whole periods ------------------------------------------

/// Moves to the first block of epoch `epoch` (10-block epochs).
fn run_to_epoch(epoch: u32) {
	run_to_block(epoch * EPOCH + 1);
}

#[test]
fn stake_added_just_before_a_distribution_shares_none_of_it() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM); // epoch 0, Silver: 12,000 boosted
							  // The distribution of period 0 (in epoch 1's first block): Alice
							  // staked during it, so it has nobody to pay.
		run_to_epoch(1);
		assert_noop!(TieredStaking::distribute_to_stakers(&PAYER, GYM), Error::<Test>::NoStakers);
		// Bob stakes in the last block of period 1.
		run_to_block(2 * EPOCH);
		stake(BOB, 10_000 * GYM);
		assert_eq!(TieredStaking::stake_info(&BOB).uncounted_stake, 10_000 * GYM);
		assert_eq!(TieredStaking::stake_info(&BOB).counts_from_epoch, Some(3));
		// Period 1's revenue: all Alice's (she was staked all of it).
		run_to_epoch(2);
		distribute_now(ED + 120 * GYM);
		assert_eq!(TotalBoostedStake::<Test>::get(), 12_000 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 120 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 0);
		// Period 2's: shared, Bob was staked all of it.
		run_to_epoch(3);
		distribute_now(240 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 240 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 120 * GYM);
		let info = TieredStaking::stake_info(&BOB);
		assert_eq!((info.uncounted_stake, info.counts_from_epoch), (0, None));
		assert_eq!(info.boosted_stake, 12_000 * GYM);
		claim(BOB);
		assert_eq!(free(BOB), 2_000_000 * GYM + 120 * GYM);
	});
}

#[test]
fn new_stake_waits_while_the_counted_stake_keeps_earning() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM);
		stake(BOB, 10_000 * GYM);
		run_to_epoch(2);
		// Alice tops up to Gold (60,000 at 1.5x = 90,000 boosted) right
		// before the distribution: period 1 still pays her 10,000's weight.
		stake(ALICE, 50_000 * GYM);
		assert_eq!(TieredStaking::tier_of(&ALICE), Some(Tier::Gold), "the tier is immediate");
		distribute_now(ED + 240 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 120 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 120 * GYM);
		// Unstaking takes the uncounted part first: it does not lower the
		// counted weight.
		unstake(ALICE, 20_000 * GYM);
		assert_eq!(TieredStaking::stake_info(&ALICE).uncounted_stake, 30_000 * GYM);
		assert_eq!(TieredStaking::stake_info(&ALICE).boosted_stake, 12_000 * GYM);
		// Two epochs on, all 40,000 count (Silver: 48,000 boosted).
		run_to_epoch(4);
		distribute_now(60 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 120 * GYM + 48 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 120 * GYM + 12 * GYM);
		// A slash takes the stake; the counted weight follows.
		slash(ALICE, Perbill::from_percent(50), SlashReason::Malicious);
		assert_eq!(
			TotalBoostedStake::<Test>::get(),
			staking_boosted(TieredStaking::stake_of(&ALICE)) + 12_000 * GYM
		);
	});
}

fn staking_boosted(stake: Balance) -> Balance {
	gym_primitives::staking::boosted(stake)
}

#[test]
fn rebonded_gym_waits_a_period_like_new_stake() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, 10_000 * GYM);
		stake(BOB, 10_000 * GYM);
		run_to_epoch(2);
		unstake(ALICE, 10_000 * GYM);
		// Rebonded in the block before the distribution: it shares none of
		// it (rebonding is not a way around the wait).
		assert_ok!(TieredStaking::rebond(RuntimeOrigin::signed(ALICE), 9_000 * GYM));
		distribute_now(ED + 120 * GYM);
		assert_eq!(TieredStaking::claimable_rewards(&ALICE), 0);
		assert_eq!(TieredStaking::claimable_rewards(&BOB), 120 * GYM);
	});
}
