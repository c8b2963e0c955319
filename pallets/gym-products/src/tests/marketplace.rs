//! The marketplace: titles and licences, the 5% fee to the planck.

use super::*;
use frame_support::{assert_noop, assert_ok};
use gym_primitives::{revenue::RevenueSource, GYM};

#[test]
fn a_sale_pays_the_seller_95_percent_and_revenue_5_to_the_planck() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(Some(bob()), true);
		let price = 1_000 * GYM + 19;
		assert_ok!(GymProducts::list_model(signed(&bob()), model, price));
		System::assert_last_event(Event::ModelListed { model, price }.into());
		assert_ok!(GymProducts::buy_model(signed(&charlie()), model, price));
		// 5% of 1,000 GYM + 19 planck is 50 GYM + 0.95 planck: rounded down.
		let fee = 50 * GYM;
		System::assert_last_event(
			Event::ModelSold { model, seller: bob(), buyer: charlie(), price, fee }.into(),
		);
		assert_eq!(balance(&bob()), START + 950 * GYM + 19);
		assert_eq!(balance(&charlie()), START - price);
		assert_eq!(revenue(RevenueSource::MarketplaceFees), fee);
		assert_eq!(balance(&POT), ED + fee);
		assert_eq!(GymProducts::model(model).map(|m| m.owner), Some(charlie()));
	});
}

#[test]
fn a_buyer_never_pays_above_its_limit() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(Some(bob()), true);
		assert_ok!(GymProducts::list_model(signed(&bob()), model, 100 * GYM));
		assert_noop!(
			GymProducts::buy_model(signed(&charlie()), model, 100 * GYM - 1),
			Error::<Test>::PriceAboveLimit
		);
		// The owner raises the price in front of the buy: refused.
		assert_ok!(GymProducts::list_model(signed(&bob()), model, 200 * GYM));
		assert_noop!(
			GymProducts::buy_model(signed(&charlie()), model, 100 * GYM),
			Error::<Test>::PriceAboveLimit
		);
		assert_ok!(GymProducts::list_licence(signed(&bob()), model, 10 * GYM, 100));
		assert_noop!(
			GymProducts::buy_licence(signed(&charlie()), model, 10 * GYM - 1, 0),
			Error::<Test>::PriceAboveLimit
		);
		// The owner cuts the duration to one block in front of the buy: refused.
		assert_ok!(GymProducts::list_licence(signed(&bob()), model, 10 * GYM, 1));
		assert_noop!(
			GymProducts::buy_licence(signed(&charlie()), model, 10 * GYM, 100),
			Error::<Test>::DurationBelowLimit
		);
		assert_ok!(GymProducts::list_licence(signed(&bob()), model, 10 * GYM, 100));
		assert_ok!(GymProducts::buy_licence(signed(&charlie()), model, 10 * GYM, 100));
		assert_eq!(Licences::<Test>::get(charlie(), model), Some(101));
	});
}

#[test]
fn listing_needs_the_owner_and_the_least_price() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(Some(bob()), true);
		assert_noop!(
			GymProducts::list_model(signed(&charlie()), model, 100 * GYM),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			GymProducts::list_model(signed(&bob()), model, MIN_PRICE - 1),
			Error::<Test>::PriceTooLow
		);
		assert_noop!(
			GymProducts::list_model(signed(&bob()), 65_999, 100 * GYM),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			GymProducts::list_licence(signed(&bob()), model, MIN_PRICE - 1, 100),
			Error::<Test>::PriceTooLow
		);
		assert_noop!(
			GymProducts::list_licence(signed(&bob()), model, MIN_PRICE, 0),
			Error::<Test>::BadDuration
		);
		assert_noop!(
			GymProducts::list_licence(signed(&charlie()), model, MIN_PRICE, 10),
			Error::<Test>::NotOwner
		);
		assert_noop!(GymProducts::delist_model(signed(&bob()), model), Error::<Test>::NotListed);
		assert_noop!(GymProducts::delist_licence(signed(&bob()), model), Error::<Test>::NotListed);
		assert_noop!(
			GymProducts::buy_model(signed(&charlie()), model, GYM * 1_000),
			Error::<Test>::NotListed
		);
		assert_noop!(
			GymProducts::buy_licence(signed(&charlie()), model, GYM * 1_000, 0),
			Error::<Test>::NotListed
		);
		assert_noop!(
			GymProducts::buy_model(signed(&charlie()), 65_999, GYM),
			Error::<Test>::UnknownModel
		);

		assert_ok!(GymProducts::list_model(signed(&bob()), model, MIN_PRICE));
		assert_ok!(GymProducts::list_licence(signed(&bob()), model, MIN_PRICE, 10));
		System::assert_last_event(
			Event::LicenceListed { model, price: MIN_PRICE, duration: 10 }.into(),
		);
		assert_noop!(
			GymProducts::buy_model(signed(&bob()), model, MIN_PRICE),
			Error::<Test>::AlreadyOwner
		);
		assert_noop!(
			GymProducts::buy_licence(signed(&bob()), model, MIN_PRICE, 0),
			Error::<Test>::AlreadyOwner
		);
		assert_noop!(GymProducts::delist_model(signed(&charlie()), model), Error::<Test>::NotOwner);
		assert_ok!(GymProducts::delist_model(signed(&bob()), model));
		System::assert_last_event(Event::ModelDelisted { model }.into());
		assert_ok!(GymProducts::delist_licence(signed(&bob()), model));
		System::assert_last_event(Event::LicenceDelisted { model }.into());
		assert_eq!(TitleListings::<Test>::get(model), None);
		assert_eq!(LicenceListings::<Test>::get(model), None);
	});
}

#[test]
fn a_licence_extends_from_the_later_of_now_and_its_expiry() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(Some(bob()), true);
		let price = 10 * GYM + 3;
		assert_ok!(GymProducts::list_licence(signed(&bob()), model, price, 100));
		assert_ok!(GymProducts::buy_licence(signed(&alice()), model, price, 0));
		// 5% of 10 GYM + 3 planck: 0.5 GYM (0.15 planck rounded down).
		let fee = GYM / 2;
		System::assert_last_event(
			Event::LicenceSold { model, buyer: alice(), price, fee, expires_at: 101 }.into(),
		);
		// Bought again while live: from its end.
		run_to(50);
		assert_ok!(GymProducts::buy_licence(signed(&alice()), model, price, 0));
		assert_eq!(Licences::<Test>::get(alice(), model), Some(201));
		// Bought again after it ended: from now.
		run_to(300);
		assert_ok!(GymProducts::buy_licence(signed(&alice()), model, price, 0));
		assert_eq!(Licences::<Test>::get(alice(), model), Some(400));
		assert_eq!(balance(&alice()), START - 3 * price);
		assert_eq!(balance(&bob()), START + 3 * (price - fee));
		assert_eq!(revenue(RevenueSource::MarketplaceFees), 3 * fee);
	});
}

#[test]
fn a_sold_title_loses_its_listings_and_the_new_owner_controls_it() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(Some(bob()), true);
		assert_ok!(GymProducts::list_licence(signed(&bob()), model, 10 * GYM, 100));
		assert_ok!(GymProducts::buy_licence(signed(&alice()), model, 10 * GYM, 0));
		assert_ok!(GymProducts::list_model(signed(&bob()), model, 100 * GYM));
		assert_ok!(GymProducts::buy_model(signed(&charlie()), model, 100 * GYM));
		assert_eq!(TitleListings::<Test>::get(model), None);
		assert_eq!(LicenceListings::<Test>::get(model), None);
		// The seller has no say any more; the buyer has.
		assert_noop!(
			GymProducts::list_licence(signed(&bob()), model, 5 * GYM, 10),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			GymProducts::buy_licence(signed(&dave()), model, 10 * GYM, 0),
			Error::<Test>::NotListed
		);
		assert_ok!(GymProducts::set_premium(signed(&charlie()), model, true));
		assert_ok!(GymProducts::list_model(signed(&charlie()), model, 300 * GYM));
		// A licence sold before keeps running.
		assert!(GymProducts::has_access(&alice(), model));
		// The old owner is now a buyer like any other.
		assert_ok!(GymProducts::buy_model(signed(&bob()), model, 300 * GYM));
		assert_eq!(GymProducts::model(model).map(|m| m.owner), Some(bob()));
	});
}

#[test]
fn a_treasury_model_is_listed_by_governance_and_pays_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(None, true);
		assert_noop!(
			GymProducts::list_model(signed(&bob()), model, 100 * GYM),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			GymProducts::list_model(signed(&TREASURY), model, 100 * GYM),
			Error::<Test>::NotOwner
		);
		assert_ok!(GymProducts::list_model(RuntimeOrigin::root(), model, 100 * GYM));
		assert_ok!(GymProducts::list_licence(RuntimeOrigin::root(), model, 20 * GYM, 10));
		assert_ok!(GymProducts::buy_licence(signed(&alice()), model, 20 * GYM, 0));
		assert_ok!(GymProducts::buy_model(signed(&charlie()), model, 100 * GYM));
		System::assert_last_event(
			Event::ModelSold {
				model,
				seller: TREASURY,
				buyer: charlie(),
				price: 100 * GYM,
				fee: 5 * GYM,
			}
			.into(),
		);
		assert_eq!(balance(&TREASURY), START + 19 * GYM + 95 * GYM);
		assert_eq!(revenue(RevenueSource::MarketplaceFees), GYM + 5 * GYM);
		// Now charlie's: governance no longer acts for it.
		assert_noop!(
			GymProducts::set_premium(RuntimeOrigin::root(), model, false),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_buyer_who_cannot_pay_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(Some(bob()), true);
		assert_ok!(GymProducts::list_model(signed(&bob()), model, START));
		// The whole balance: the buyer's account could not stay alive.
		let before = balance(&charlie());
		assert!(GymProducts::buy_model(signed(&charlie()), model, START).is_err());
		assert_eq!(balance(&charlie()), before);
		assert_eq!(GymProducts::model(model).map(|m| m.owner), Some(bob()));
		assert_eq!(revenue(RevenueSource::MarketplaceFees), 0);
		frame_support::assert_storage_noop!({
			let _ = GymProducts::buy_model(signed(&charlie()), model, START);
		});
	});
}
