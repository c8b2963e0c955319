//! Unit tests of the validators' share, the era payout and its books.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Balanced, Inspect},
		tokens::Precision,
		OnUnbalanced,
	},
};
use gym_primitives::{EXISTENTIAL_DEPOSIT, GYM, HARD_CAP};
use sp_runtime::DispatchError;
use sp_staking::EraPayout;

fn issuance() -> u128 {
	<Balances as Inspect<u64>>::total_issuance()
}

#[test]
fn the_share_of_each_epoch_is_minted_in_its_first_block_and_leaves_the_rest_to_mining() {
	ExtBuilder::default().build_and_execute(|| {
		let budget = GymEmission::scheduled_epoch_emission(0);
		run_to_block(1);
		let share = Perbill::from_percent(5).mul_floor(budget);
		// The first mint pays the pot's own deposit.
		assert_eq!(Unallocated::<Test>::get(), share - EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::balance(&GymValidators::pot()), share);
		// Compute mining may mint the other 95% of epoch 0.
		assert_eq!(GymEmission::remaining_budget(0), budget - share);

		// Nothing more inside the epoch.
		run_to_block(10);
		assert_eq!(Balances::balance(&GymValidators::pot()), share);

		// Block 11 opens epoch 1.
		run_to_block(11);
		let share_1 = Perbill::from_percent(5).mul_floor(GymEmission::scheduled_epoch_emission(1));
		assert_eq!(Unallocated::<Test>::get(), share + share_1 - EXISTENTIAL_DEPOSIT);
		assert_eq!(pallet_gym_emission::EpochMinted::<Test>::get(1), share_1);
	});
}

#[test]
fn an_era_pays_what_the_pot_received_since_the_last_era_and_nothing_twice() {
	ExtBuilder::default().build_and_execute(|| {
		run_to_block(11);
		let unallocated = Unallocated::<Test>::get();
		assert!(unallocated > 0);
		assert_eq!(GymValidators::era_payout(1, 2, 3), (unallocated, 0));
		assert_eq!(Unallocated::<Test>::get(), 0);
		assert_eq!(GymValidators::era_payout(1, 2, 3), (0, 0));
	});
}

#[test]
fn a_payout_moves_booked_gym_from_the_pot_and_mints_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		run_to_block(1);
		// The era ends: what the pot received is allocated to it.
		let (allocated, _) = GymValidators::era_payout(0, 0, 0);
		assert!(allocated > 10 * GYM);
		let before = issuance();
		let minted = pallet_gym_emission::TotalMinted::<Test>::get();
		let pot = Balances::balance(&GymValidators::pot());
		let paid = 10 * GYM;
		// What pallet-staking does in `payout_stakers`: deposit, then hand the
		// debt to its `Reward` handler.
		let debt = <Balances as Balanced<u64>>::deposit(&7, paid, Precision::Exact).unwrap();
		PayFromPot::<Test>::on_unbalanced(debt);
		assert_eq!(Balances::balance(&7), paid);
		assert_eq!(Balances::balance(&GymValidators::pot()), pot - paid);
		assert_eq!(issuance(), before);
		assert_eq!(pallet_gym_emission::TotalMinted::<Test>::get(), minted);
	});
}

#[test]
fn a_capped_payouts_remainder_goes_to_the_treasury_without_new_gym() {
	ExtBuilder::default().build_and_execute(|| {
		run_to_block(1);
		let (allocated, _) = GymValidators::era_payout(0, 0, 0);
		assert!(allocated > 3 * GYM);
		let before = issuance();
		let pot = Balances::balance(&GymValidators::pot());
		let remainder = 3 * GYM;
		// What pallet-staking does at the end of an era with a remainder.
		let issued = <Balances as Balanced<u64>>::issue(remainder);
		RemainderToTreasury::<Test>::on_unbalanced(issued);
		assert_eq!(Balances::balance(&TREASURY), remainder);
		assert_eq!(Balances::balance(&GymValidators::pot()), pot - remainder);
		assert_eq!(issuance(), before);
	});
}

#[test]
fn near_the_cap_the_share_is_a_share_of_what_is_left() {
	// Genesis leaves 1 GYM below the cap, less than an epoch schedules.
	let left = GYM;
	ExtBuilder::default().balances(vec![(1, HARD_CAP - left)]).build_and_execute(|| {
		run_to_block(1);
		assert_eq!(
			Balances::balance(&GymValidators::pot()),
			Perbill::from_percent(5).mul_floor(left)
		);
		assert!(pallet_gym_emission::TotalMinted::<Test>::get() <= HARD_CAP);
	});
}

#[test]
fn governance_sets_the_share_and_valid_era_terms_only() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			GymValidators::set_validator_share(RuntimeOrigin::signed(1), Perbill::from_percent(50)),
			DispatchError::BadOrigin
		);
		assert_ok!(GymValidators::set_validator_share(
			RuntimeOrigin::root(),
			Perbill::from_percent(10)
		));
		run_to_block(1);
		assert_eq!(
			Balances::balance(&GymValidators::pot()),
			Perbill::from_percent(10).mul_floor(GymEmission::scheduled_epoch_emission(0))
		);

		let bad = [
			EraTerms { sessions_per_era: 0, bonding_duration: 10, slash_defer_duration: 1 },
			EraTerms { sessions_per_era: 1, bonding_duration: 10, slash_defer_duration: 10 },
			EraTerms { sessions_per_era: 1, bonding_duration: 0, slash_defer_duration: 0 },
			EraTerms {
				sessions_per_era: MAX_SESSIONS_PER_ERA + 1,
				bonding_duration: 10,
				slash_defer_duration: 1,
			},
		];
		for terms in bad {
			assert_noop!(
				GymValidators::set_era_terms(RuntimeOrigin::root(), terms),
				Error::<Test>::InvalidEraTerms
			);
		}
		let good = EraTerms { sessions_per_era: 2, bonding_duration: 4, slash_defer_duration: 3 };
		assert_ok!(GymValidators::set_era_terms(RuntimeOrigin::root(), good));
		assert_eq!(SessionsPerEraOf::<Test>::get(), 2);
		assert_eq!(BondingDurationOf::<Test>::get(), 4);
		assert_eq!(SlashDeferDurationOf::<Test>::get(), 3);
	});
}
