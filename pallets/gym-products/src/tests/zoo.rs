//! The Zoo collection: tier discounts to the planck, supply, transfers.

use super::*;
use frame_support::{assert_noop, assert_ok};
use gym_primitives::{revenue::RevenueSource, staking::Tier, Balance, GYM};
use sp_runtime::{DispatchError, Perbill};

#[test]
fn every_tier_gets_its_discount() {
	ExtBuilder::default().build_and_execute(|| {
		// Base 1,000 GYM + 7 planck; the discount of the 7 planck rounds
		// down (5%: 0.35, 10%: 0.7, 15%: 1.05, 20%: 1.4, 30%: 2.1).
		let expected: [(Option<Tier>, Balance, u32); 6] = [
			(None, 1_000 * GYM + 7, 0),
			(Some(Tier::Bronze), 950 * GYM + 7, 5),
			(Some(Tier::Silver), 900 * GYM + 7, 10),
			(Some(Tier::Gold), 850 * GYM + 6, 15),
			(Some(Tier::Platinum), 800 * GYM + 6, 20),
			(Some(Tier::Diamond), 700 * GYM + 5, 30),
		];
		let mut paid = 0;
		for (item, (tier, price, percent)) in expected.into_iter().enumerate() {
			set_tier(&alice(), tier);
			assert_eq!(GymProducts::zoo_price(&alice()), price);
			assert_ok!(GymProducts::mint_zoo(signed(&alice()), price));
			System::assert_last_event(
				Event::ZooMinted {
					item: item as u32,
					who: alice(),
					tier,
					price,
					discount: Perbill::from_percent(percent),
				}
				.into(),
			);
			paid += price;
		}
		assert_eq!(paid, 5_200 * GYM + 38);
		assert_eq!(balance(&alice()), START - paid);
		// The whole price is marketplace revenue.
		assert_eq!(revenue(RevenueSource::MarketplaceFees), paid);
		assert_eq!(NextZooItem::<Test>::get(), 6);
		assert_eq!(ZooItems::<Test>::get(5), Some(alice()));
	});
}

#[test]
fn a_mint_never_costs_more_than_the_limit() {
	ExtBuilder::default().build_and_execute(|| {
		set_tier(&bob(), Some(Tier::Bronze));
		assert_noop!(
			GymProducts::mint_zoo(signed(&bob()), 950 * GYM + 6),
			Error::<Test>::PriceAboveLimit
		);
		assert_ok!(GymProducts::mint_zoo(signed(&bob()), 950 * GYM + 7));
		assert_eq!(balance(&bob()), START - 950 * GYM - 7);
	});
}

#[test]
fn the_zoo_sells_out() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..ZOO_SUPPLY {
			assert_ok!(GymProducts::mint_zoo(signed(&bob()), ZOO_PRICE));
		}
		assert_noop!(GymProducts::mint_zoo(signed(&charlie()), ZOO_PRICE), Error::<Test>::SoldOut);
		assert_eq!(revenue(RevenueSource::MarketplaceFees), 6 * ZOO_PRICE);
	});
}

#[test]
fn governance_opens_closes_and_prices_the_zoo() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(GymProducts::set_zoo_price(signed(&alice()), 0), DispatchError::BadOrigin);
		assert_noop!(
			GymProducts::set_zoo_price(RuntimeOrigin::root(), MIN_PRICE - 1),
			Error::<Test>::PriceTooLow
		);
		assert_ok!(GymProducts::set_zoo_price(RuntimeOrigin::root(), 0));
		System::assert_last_event(Event::ZooPriceSet { price: 0 }.into());
		assert_eq!(GymProducts::zoo_price(&alice()), 0);
		assert_noop!(GymProducts::mint_zoo(signed(&alice()), ZOO_PRICE), Error::<Test>::ZooClosed);
		assert_ok!(GymProducts::set_zoo_price(RuntimeOrigin::root(), 100 * GYM));
		assert_eq!(GymProducts::zoo_price(&alice()), 100 * GYM);
	});
}

#[test]
fn governance_sets_discounts_that_never_fall_with_the_tier() {
	ExtBuilder::default().build_and_execute(|| {
		let bad = TierDiscounts { gold: Perbill::from_percent(25), ..Default::default() };
		assert_noop!(
			GymProducts::set_zoo_discounts(RuntimeOrigin::root(), bad),
			Error::<Test>::BadDiscounts
		);
		let good = TierDiscounts { diamond: Perbill::from_percent(50), ..Default::default() };
		assert_noop!(
			GymProducts::set_zoo_discounts(signed(&alice()), good),
			DispatchError::BadOrigin
		);
		assert_ok!(GymProducts::set_zoo_discounts(RuntimeOrigin::root(), good));
		System::assert_last_event(Event::ZooDiscountsSet { discounts: good }.into());
		set_tier(&alice(), Some(Tier::Diamond));
		// 50% of 1,000 GYM + 7 planck is 500 GYM + 3.5 planck, rounded down.
		assert_eq!(GymProducts::zoo_price(&alice()), 500 * GYM + 4);
		// A full discount mints for nothing (and pays no revenue).
		let free = TierDiscounts { diamond: Perbill::one(), ..Default::default() };
		assert_ok!(GymProducts::set_zoo_discounts(RuntimeOrigin::root(), free));
		assert_ok!(GymProducts::mint_zoo(signed(&alice()), 0));
		assert_eq!(balance(&alice()), START);
		assert_eq!(revenue(RevenueSource::MarketplaceFees), 0);
	});
}

#[test]
fn only_its_owner_gives_a_zoo_item_away() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymProducts::mint_zoo(signed(&alice()), ZOO_PRICE));
		assert_noop!(
			GymProducts::transfer_zoo(signed(&bob()), 0, bob()),
			Error::<Test>::NotItemOwner
		);
		assert_noop!(
			GymProducts::transfer_zoo(signed(&alice()), 1, bob()),
			Error::<Test>::NotItemOwner
		);
		assert_ok!(GymProducts::transfer_zoo(signed(&alice()), 0, bob()));
		System::assert_last_event(
			Event::ZooTransferred { item: 0, from: alice(), to: bob() }.into(),
		);
		assert_eq!(ZooItems::<Test>::get(0), Some(bob()));
		assert_noop!(
			GymProducts::transfer_zoo(signed(&alice()), 0, alice()),
			Error::<Test>::NotItemOwner
		);
	});
}
