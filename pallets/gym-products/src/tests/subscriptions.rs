//! Subscriptions: revenue, extension, priority access, governance's price.

use super::*;
use frame_support::{assert_noop, assert_ok};
use gym_primitives::{revenue::RevenueSource, traits::PriorityAccess, GYM};
use sp_runtime::DispatchError;

#[test]
fn a_subscription_pays_revenue_and_extends_from_its_end() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(!GymProducts::has_priority(&alice()));
		assert_ok!(GymProducts::subscribe(signed(&alice()), 3));
		System::assert_last_event(
			Event::Subscribed { who: alice(), periods: 3, paid: 30 * GYM, expires_at: 301 }.into(),
		);
		assert_eq!(revenue(RevenueSource::Subscriptions), 30 * GYM);
		assert_eq!(balance(&alice()), START - 30 * GYM);
		assert_eq!(GymProducts::subscription(&alice()), Some(301));
		assert!(GymProducts::has_priority(&alice()));
		// Extended while live: from its end.
		run_to(200);
		assert_ok!(GymProducts::subscribe(signed(&alice()), 1));
		assert_eq!(GymProducts::subscription(&alice()), Some(401));
		// Ended: no priority; a new one runs from now.
		run_to(401);
		assert_eq!(GymProducts::subscription(&alice()), None);
		assert!(!GymProducts::has_priority(&alice()));
		run_to(500);
		assert_ok!(GymProducts::subscribe(signed(&alice()), 2));
		assert_eq!(GymProducts::subscription(&alice()), Some(700));
		assert_eq!(revenue(RevenueSource::Subscriptions), 60 * GYM);
		assert_eq!(balance(&alice()), START - 60 * GYM);
	});
}

#[test]
fn a_subscription_buys_one_to_twelve_periods_while_for_sale() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(GymProducts::subscribe(signed(&alice()), 0), Error::<Test>::ZeroPeriods);
		assert_noop!(GymProducts::subscribe(signed(&alice()), 13), Error::<Test>::TooManyPeriods);
		assert_ok!(GymProducts::subscribe(signed(&alice()), 12));
		assert_eq!(GymProducts::subscription(&alice()), Some(1 + 12 * PERIOD));
		assert_ok!(GymProducts::set_subscription_price(RuntimeOrigin::root(), 0));
		assert_noop!(
			GymProducts::subscribe(signed(&bob()), 1),
			Error::<Test>::SubscriptionsNotForSale
		);
		// A price whose multiple overflows.
		assert_ok!(GymProducts::set_subscription_price(RuntimeOrigin::root(), u128::MAX / 2));
		assert_noop!(GymProducts::subscribe(signed(&bob()), 3), Error::<Test>::ArithmeticOverflow);
	});
}

#[test]
fn governance_sets_the_subscription_price() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			GymProducts::set_subscription_price(signed(&alice()), 20 * GYM),
			DispatchError::BadOrigin
		);
		assert_noop!(
			GymProducts::set_subscription_price(RuntimeOrigin::root(), MIN_PRICE - 1),
			Error::<Test>::PriceTooLow
		);
		assert_ok!(GymProducts::set_subscription_price(RuntimeOrigin::root(), 20 * GYM + 1));
		System::assert_last_event(Event::SubscriptionPriceSet { price: 20 * GYM + 1 }.into());
		assert_ok!(GymProducts::subscribe(signed(&alice()), 2));
		assert_eq!(revenue(RevenueSource::Subscriptions), 40 * GYM + 2);
	});
}

#[test]
fn a_subscriber_who_cannot_pay_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(GymProducts::set_subscription_price(RuntimeOrigin::root(), START / 10));
		assert!(GymProducts::subscribe(signed(&alice()), 10).is_err());
		assert_eq!(GymProducts::subscription(&alice()), None);
		assert_eq!(revenue(RevenueSource::Subscriptions), 0);
		assert_eq!(balance(&alice()), START);
	});
}

#[test]
fn genesis_may_leave_subscriptions_and_the_zoo_closed() {
	ExtBuilder::default().prices(0, 0).build_and_execute(|| {
		assert_noop!(
			GymProducts::subscribe(signed(&alice()), 1),
			Error::<Test>::SubscriptionsNotForSale
		);
		assert_noop!(GymProducts::mint_zoo(signed(&alice()), ZOO_PRICE), Error::<Test>::ZooClosed);
		assert_eq!(ZooDiscounts::<Test>::get(), TierDiscounts::default());
	});
}

#[test]
#[should_panic(expected = "genesis subscription price below MinPrice")]
fn genesis_refuses_a_price_below_the_least() {
	ExtBuilder::default().prices(MIN_PRICE - 1, 0).build();
}
