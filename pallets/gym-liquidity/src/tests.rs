//! Tests of the farms: rates against hand computations, the pot's limits,
//! freezes, bad inputs and the timing attacks on the rate.

use crate::{mock::*, pallet::*, types::*};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::Inspect as _,
		tokens::{Fortitude, Preservation},
		LockableCurrency, WithdrawReasons,
	},
};
use gym_primitives::{
	liquidity::{APR_YEAR, BPS},
	traits::LiquidityGym,
	Balance, GYM,
};
use sp_runtime::{DispatchError, TokenError};

const WBNB_FARM: FarmId = 0;
const USDT_FARM: FarmId = 1;
const GYM_FARM: FarmId = 2;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn farm(id: FarmId) -> Farm {
	Farms::<Test>::get(id).unwrap()
}

/// A transfer of GYM-USDT LP tokens, as a signed `transfer` of the assets
/// pallet.
fn lp_transfer(from: AccountId, to: AccountId, amount: Balance) -> sp_runtime::DispatchResult {
	Assets::transfer(signed(from), USDT_LP.into(), to, amount)
}

fn pot() -> Balance {
	Balances::balance(&GymLiquidity::pot_account())
}

fn claim(who: AccountId, farm: FarmId) -> Balance {
	let before = Balances::balance(&who);
	assert_ok!(GymLiquidity::claim(signed(who), farm));
	Balances::balance(&who) - before
}

/// The rate a period of 10 blocks gets for `value` GYM at `apr`, by hand:
/// `value × apr / 10,000 × 10 / 5,256,000`, rounded down, then per block.
fn hand_rate(value: Balance, apr: u32) -> Balance {
	value * Balance::from(apr) * 10 / (Balance::from(BPS) * Balance::from(APR_YEAR)) / 10
}

fn rate_events() -> Vec<(FarmId, Balance, Balance)> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::GymLiquidity(Event::RateSet { farm, value, rate, .. }) => {
				Some((farm, value, rate))
			}
			_ => None,
		})
		.collect()
}

/// 1,000 GYM single-staked through period 0 (blocks 1–10) earn 100% APR in
/// period 1 (blocks 11–20): need 1,000 GYM × 10 / 5,256,000 =
/// 1,902,587,519,025,875 planck, rate 190,258,751,902,587 per block. Claimed
/// at block 21: the accumulator's step is 10 × rate / 1,000 GYM rounded down
/// to 10⁻¹⁸ (1,902,587,519,025 × 10⁻¹⁸), so 1,902,587,519,025,000 planck.
#[test]
fn a_single_stake_earns_its_target_apr() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), GYM_FARM, 1_000 * GYM));
		// Period 0's rate was set at block 1 for nothing staked.
		assert_eq!(farm(GYM_FARM).rate, 0);
		run_to_block(period_start(1));
		let f = farm(GYM_FARM);
		assert_eq!(f.rate, 190_258_751_902_587);
		assert_eq!(f.rate, hand_rate(1_000 * GYM, 10_000));
		assert_eq!(f.reserved, 1_902_587_519_025_870);
		System::assert_has_event(
			Event::RateSet {
				farm: GYM_FARM,
				period: 1,
				value: 1_000 * GYM,
				target_apr: 10_000,
				rate: 190_258_751_902_587,
				reserved: 1_902_587_519_025_870,
			}
			.into(),
		);
		run_to_block(period_start(2));
		let pot_before = pot();
		assert_eq!(claim(ALICE, GYM_FARM), 1_902_587_519_025_000);
		assert_eq!(pot_before - pot(), 1_902_587_519_025_000);
		// The GYM stays staked and frozen: Alice can move all but the stake.
		assert_eq!(
			Balances::reducible_balance(&ALICE, Preservation::Expendable, Fortitude::Polite),
			Balances::balance(&ALICE) - 1_000 * GYM
		);
		assert_noop!(GymLiquidity::claim(signed(ALICE), GYM_FARM), Error::<Test>::NothingToClaim);
	});
}

/// Two stakers share a farm's rate by stake: Bob's 3,000 LP earn three
/// times Alice's 1,000... of which each stakes part of its LP; the LP farm's
/// value is twice the GYM the LP stands for.
#[test]
fn stakers_share_by_stake_and_lp_counts_both_sides() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), USDT_FARM, 250 * GYM));
		assert_ok!(GymLiquidity::stake(signed(BOB), USDT_FARM, 750 * GYM));
		run_to_block(period_start(1));
		// 1,000 of 4,000 LP: a quarter of 1,000,000 GYM, × 2 = 500,000 GYM.
		let rate = hand_rate(500_000 * GYM, 20_000);
		assert!(rate_events().contains(&(USDT_FARM, 500_000 * GYM, rate)));
		assert_eq!(farm(USDT_FARM).rate, rate);
		run_to_block(period_start(2));
		let alice = claim(ALICE, USDT_FARM);
		let bob = claim(BOB, USDT_FARM);
		assert_eq!(bob, 3 * alice);
		// Everything the period reserved, less rounding under one planck per
		// 10⁻¹⁸ of a share.
		assert!(rate * 10 - (alice + bob) <= 1_000);
		assert!(farm(USDT_FARM).unpaid <= rate * 10 - (alice + bob));
	});
}

/// The GYM-wBNB farm pays 300% until block 1,000 and 200% after.
#[test]
fn the_launch_apr_ends_on_time() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), WBNB_FARM, 1_000 * GYM));
		run_to_block(period_start(99));
		assert_eq!(farm(WBNB_FARM).rate, hand_rate(500_000 * GYM, 30_000));
		run_to_block(period_start(100));
		assert_eq!(farm(WBNB_FARM).rate, hand_rate(500_000 * GYM, 20_000));
	});
}

/// A pot that cannot fund every farm's need is shared by need, and no farm
/// is promised more than the pot holds: 1 GYM free against needs of
/// 2.85 + 1.90 + 0.0019 GYM.
#[test]
fn a_short_pot_is_shared_by_need() {
	ExtBuilder::default().pot(ED + GYM).build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), WBNB_FARM, 1_000 * GYM));
		assert_ok!(GymLiquidity::stake(signed(ALICE), USDT_FARM, 1_000 * GYM));
		assert_ok!(GymLiquidity::stake(signed(ALICE), GYM_FARM, 1_000 * GYM));
		run_to_block(period_start(1));
		let needs = [
			gym_primitives::liquidity::period_need(30_000, 500_000 * GYM, 10),
			gym_primitives::liquidity::period_need(20_000, 500_000 * GYM, 10),
			gym_primitives::liquidity::period_need(10_000, 1_000 * GYM, 10),
		];
		let total: Balance = needs.iter().sum();
		assert!(total > GYM);
		let mut reserved = 0;
		for (id, need) in [WBNB_FARM, USDT_FARM, GYM_FARM].into_iter().zip(&needs) {
			let share = GYM * need / total;
			assert_eq!(farm(id).rate, share / 10, "farm {id}");
			reserved += farm(id).reserved;
		}
		assert!(reserved <= GYM && GYM - reserved < 100);
		run_to_block(period_start(2));
		let paid = claim(ALICE, WBNB_FARM) + claim(ALICE, USDT_FARM) + claim(ALICE, GYM_FARM);
		assert!(paid <= GYM);
		assert!(pot() >= ED);
	});
}

/// With nothing in the pot, farms pay nothing and refuse nothing else.
#[test]
fn an_empty_pot_pays_nothing_and_refuses_nothing_else() {
	ExtBuilder::default().pot(ED).build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), GYM_FARM, 1_000 * GYM));
		assert_ok!(GymLiquidity::stake(signed(ALICE), USDT_FARM, 10 * GYM));
		run_to_block(period_start(3));
		assert_eq!((farm(GYM_FARM).rate, farm(USDT_FARM).rate), (0, 0));
		assert_noop!(GymLiquidity::claim(signed(ALICE), GYM_FARM), Error::<Test>::NothingToClaim);
		assert_ok!(GymLiquidity::unstake(signed(ALICE), GYM_FARM, 1_000 * GYM));
		assert_ok!(GymLiquidity::unstake(signed(ALICE), USDT_FARM, 10 * GYM));
		assert_eq!(pot(), ED);
		assert_eq!(Stakes::<Test>::get(GYM_FARM, ALICE), None);
	});
}

/// Revenue that reaches the pot mid-period funds the farms from the next
/// period on.
#[test]
fn gym_sent_to_the_pot_funds_the_next_period() {
	ExtBuilder::default().pot(ED).build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), GYM_FARM, 1_000 * GYM));
		run_to_block(period_start(1));
		assert_eq!(farm(GYM_FARM).rate, 0);
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<_>>::transfer(
			&BOB,
			&GymLiquidity::pot_account(),
			100 * GYM,
			Preservation::Preserve
		));
		run_to_block(period_start(2));
		assert_eq!(farm(GYM_FARM).rate, hand_rate(1_000 * GYM, 10_000));
	});
}

/// LP tokens in a farm are frozen in place: they cannot be transferred
/// until unstaked, and still count for governance.
#[test]
fn farmed_lp_cannot_be_transferred() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), USDT_FARM, 600 * GYM));
		assert_eq!(Assets::balance(USDT_LP, ALICE), LP);
		assert_noop!(lp_transfer(ALICE, BOB, 500 * GYM), pallet_assets::Error::<Test>::BalanceLow);
		assert_ok!(lp_transfer(ALICE, BOB, 400 * GYM));
		// No more to stake: the rest is gone, the staked part is frozen.
		assert_noop!(
			GymLiquidity::stake(signed(ALICE), USDT_FARM, 1),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(GymLiquidity::unstake(signed(ALICE), USDT_FARM, 600 * GYM));
		assert_ok!(lp_transfer(ALICE, BOB, 600 * GYM));
	});
}

/// GYM that is locked or frozen elsewhere (tiered staking freezes, votes
/// lock) cannot be staked again here, and GYM staked here cannot be
/// transferred.
#[test]
fn gym_cannot_be_staked_twice() {
	ExtBuilder::default().build_and_execute(|| {
		Balances::set_lock(*b"othrlock", &ALICE, 900_000 * GYM, WithdrawReasons::all());
		assert_noop!(
			GymLiquidity::stake(signed(ALICE), GYM_FARM, 100_000 * GYM + 1),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(GymLiquidity::stake(signed(ALICE), GYM_FARM, 100_000 * GYM));
		Balances::remove_lock(*b"othrlock", &ALICE);
		assert_noop!(
			<Balances as frame_support::traits::fungible::Mutate<_>>::transfer(
				&ALICE,
				&BOB,
				900_000 * GYM + 1,
				Preservation::Expendable
			),
			TokenError::Frozen
		);
	});
}

/// Bad input gets a named error and changes nothing.
#[test]
fn bad_inputs_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(GymLiquidity::stake(signed(ALICE), GYM_FARM, 0), Error::<Test>::ZeroAmount);
		assert_noop!(GymLiquidity::unstake(signed(ALICE), GYM_FARM, 0), Error::<Test>::ZeroAmount);
		assert_noop!(GymLiquidity::stake(signed(ALICE), 7, GYM), Error::<Test>::UnknownFarm);
		assert_noop!(
			GymLiquidity::unstake(signed(ALICE), GYM_FARM, 1),
			Error::<Test>::NotEnoughStaked
		);
		assert_noop!(
			GymLiquidity::stake(signed(ALICE), GYM_FARM, 2_000_000 * GYM),
			Error::<Test>::InsufficientBalance
		);
		let target = TargetApr { apr: 10_000, launch: None };
		assert_noop!(
			GymLiquidity::create_farm(signed(ALICE), None, target),
			DispatchError::BadOrigin
		);
		assert_noop!(
			GymLiquidity::create_farm(RuntimeOrigin::root(), Some(NO_POOL), target),
			Error::<Test>::NoSuchPool
		);
		assert_noop!(
			GymLiquidity::create_farm(RuntimeOrigin::root(), Some(USDT), target),
			Error::<Test>::TooManyFarms
		);
		assert_noop!(
			GymLiquidity::create_farm(RuntimeOrigin::root(), None, target),
			Error::<Test>::TooManyFarms
		);
		let too_high = TargetApr { apr: 10_000, launch: Some((100_001, 5)) };
		assert_noop!(
			GymLiquidity::set_target(RuntimeOrigin::root(), GYM_FARM, too_high),
			Error::<Test>::AprTooHigh
		);
		assert_noop!(
			GymLiquidity::set_target(signed(ALICE), GYM_FARM, target),
			DispatchError::BadOrigin
		);
		assert_ok!(GymLiquidity::set_target(
			RuntimeOrigin::root(),
			GYM_FARM,
			TargetApr { apr: 5_000, launch: None }
		));
	});
}

/// The flash stake: Bob stakes 900,000 GYM in the last block of a period,
/// so that the rate for the next one is set for it, and unstakes in the
/// block that set it, leaving Alice's 1,000 GYM to collect a rate meant for
/// 901,000. The rate follows the period's average stake instead: Bob's GYM
/// counts for the one block it was staked, a tenth.
#[test]
fn a_stake_parked_for_the_rate_setting_block_counts_for_one_block() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), GYM_FARM, 1_000 * GYM));
		run_to_block(period_start(1) - 1);
		assert_ok!(GymLiquidity::stake(signed(BOB), GYM_FARM, 900_000 * GYM));
		run_to_block(period_start(1));
		assert_ok!(GymLiquidity::unstake(signed(BOB), GYM_FARM, 900_000 * GYM));
		// Average over blocks 1–10: Alice's 1,000 × 10 + Bob's 900,000 × 1.
		assert_eq!(farm(GYM_FARM).rate, hand_rate(91_000 * GYM, 10_000));
		// Paid the block Bob was staked: its share of one block.
		run_to_block(period_start(2));
		let alice = claim(ALICE, GYM_FARM);
		// Alice alone earns the whole period's rate: 91% APR... on the
		// average stake, not 90,100% on a spot stake.
		assert!(hand_rate(91_000 * GYM, 10_000) * 10 - alice <= 1_000);
		// Staying the whole period earns Bob the same as being staked.
		assert_eq!(farm(GYM_FARM).total_staked, 1_000 * GYM);
	});
}

/// What was reserved for a period and not paid (nobody staked for part of
/// it) goes back to the pot's free GYM when the next period begins.
#[test]
fn an_unpaid_reserve_is_released() {
	ExtBuilder::default().pot(ED + GYM).build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), GYM_FARM, 100_000 * GYM));
		run_to_block(period_start(1));
		let reserved = farm(GYM_FARM).reserved;
		assert!(reserved > 0);
		run_to_block(period_start(1) + 4);
		assert_ok!(GymLiquidity::unstake(signed(ALICE), GYM_FARM, 100_000 * GYM));
		// Four blocks paid, six reserved still.
		let f = farm(GYM_FARM);
		assert_eq!(f.reserved, reserved - f.unpaid);
		// Rounded down to 10⁻¹⁸ GYM per staked GYM: under 100,000 planck.
		assert!(f.rate * 4 - f.unpaid < 100_000);
		run_to_block(period_start(2));
		// The six blocks' reserve went back; period 2 reserves anew for the
		// average stake of period 1, 4 blocks of 100,000 GYM in 10.
		assert_eq!(farm(GYM_FARM).reserved, hand_rate(40_000 * GYM, 10_000) * 10);
		// Owed only what was paid out.
		assert_eq!(claim(ALICE, GYM_FARM) + farm(GYM_FARM).unpaid, f.unpaid);
	});
}

/// Governance counts the GYM the LP tokens stand for, free, frozen or
/// farmed: Alice's 1,000 LP of 4,000 in each pool of 1,000,000 GYM.
#[test]
fn the_gym_in_lp_counts_every_lp_token() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(GymLiquidity::gym_in_lp(&ALICE), 500_000 * GYM);
		assert_ok!(GymLiquidity::stake(signed(ALICE), USDT_FARM, 600 * GYM));
		assert_eq!(GymLiquidity::gym_in_lp(&ALICE), 500_000 * GYM);
		set_gym_reserve(USDT, 2_000_000 * GYM);
		assert_eq!(GymLiquidity::gym_in_lp(&ALICE), 750_000 * GYM);
		assert_eq!(GymLiquidity::total_gym_in_lp(), 3_000_000 * GYM);
		assert_eq!(GymLiquidity::gym_in_lp(&42), 0);
		let positions = GymLiquidity::positions(&ALICE);
		assert_eq!(positions.len(), 3);
		assert_eq!(
			(positions[1].balance, positions[1].staked, positions[1].lp_gym),
			(LP, 600 * GYM, 500_000 * GYM)
		);
	});
}

/// The views report what the farms pay: the current APR of a farm paying
/// its target is its target, within a basis point.
#[test]
fn the_views_report_the_rates() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymLiquidity::stake(signed(ALICE), WBNB_FARM, 1_000 * GYM));
		run_to_block(period_start(1));
		let farms = GymLiquidity::farms();
		assert_eq!(farms.len(), 3);
		assert_eq!(farms[0].staked_value, 500_000 * GYM);
		assert_eq!(farms[0].target_apr, 30_000);
		assert!(30_000 - farms[0].current_apr <= 1);
		assert_eq!(GymLiquidity::pools().len(), 2);
		assert_eq!(GymLiquidity::pools()[0].lp_supply, 4 * LP);
	});
}

/// The freeze a standing vote puts on the LP tokens: nothing moves until it
/// thaws, and the frozen tokens can still be farmed.
#[test]
fn a_vote_freezes_the_lp_and_farming_still_works() {
	ExtBuilder::default().build_and_execute(|| {
		GymLiquidity::freeze_for_vote(&ALICE);
		assert_noop!(lp_transfer(ALICE, BOB, 1), pallet_assets::Error::<Test>::BalanceLow);
		assert_ok!(GymLiquidity::stake(signed(ALICE), USDT_FARM, 600 * GYM));
		assert_noop!(
			GymLiquidity::stake(signed(ALICE), USDT_FARM, 400 * GYM + 1),
			Error::<Test>::InsufficientBalance
		);
		GymLiquidity::thaw_after_vote(&ALICE);
		assert_ok!(lp_transfer(ALICE, BOB, 400 * GYM));
		assert_noop!(lp_transfer(ALICE, BOB, 1), pallet_assets::Error::<Test>::BalanceLow);
		// A voter without LP: nothing to freeze, nothing fails.
		GymLiquidity::freeze_for_vote(&42);
		GymLiquidity::thaw_after_vote(&42);
	});
}
