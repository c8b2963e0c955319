//! Who may call a model, and until when.

use super::*;
use frame_support::assert_ok;
use gym_primitives::{BlockNumber, GYM};

#[test]
fn has_access_matrix() {
	ExtBuilder::default().build_and_execute(|| {
		let premium = register(Some(bob()), true);
		let free = register(Some(bob()), false);
		assert_ok!(GymProducts::list_licence(signed(&bob()), premium, 10 * GYM, 100));
		// A licence for alice (to 101), a subscription for charlie (to
		// 101), an access grant for eve (to 60); dave has nothing.
		assert_ok!(GymProducts::buy_licence(signed(&alice()), premium, 10 * GYM, 0));
		assert_ok!(GymProducts::subscribe(signed(&charlie()), 1));
		grant_access(&eve(), premium, 60);

		let access = |who: &AccountId, model| GymProducts::has_access(who, model);
		// Not premium: everyone, for good.
		for who in [alice(), bob(), charlie(), dave(), eve()] {
			assert!(access(&who, free));
			assert_eq!(GymProducts::access_expiry(&who, free), Some(BlockNumber::MAX));
		}
		// Premium: the owner for good, the others while their access lives.
		assert_eq!(GymProducts::access_expiry(&bob(), premium), Some(BlockNumber::MAX));
		assert_eq!(GymProducts::access_expiry(&alice(), premium), Some(101));
		assert_eq!(GymProducts::access_expiry(&charlie(), premium), Some(101));
		assert_eq!(GymProducts::access_expiry(&eve(), premium), Some(60));
		assert_eq!(GymProducts::access_expiry(&dave(), premium), None);
		assert!(!access(&dave(), premium));
		// An unknown model: nobody.
		assert!(!access(&bob(), 70_000));
		assert_eq!(GymProducts::access_expiry(&bob(), 70_000), None);

		// The grant ends first.
		run_to(60);
		assert!(access(&alice(), premium) && access(&charlie(), premium));
		assert!(!access(&eve(), premium));
		// Then the licence and the subscription.
		run_to(101);
		for who in [alice(), charlie(), dave(), eve()] {
			assert!(!access(&who, premium));
		}
		assert!(access(&bob(), premium));
		// Made free to call: everyone again.
		assert_ok!(GymProducts::set_premium(signed(&bob()), premium, false));
		assert!(access(&dave(), premium));
	});
}

#[test]
fn access_lasts_until_the_latest_of_its_sources() {
	ExtBuilder::default().build_and_execute(|| {
		let premium = register(Some(bob()), true);
		assert_ok!(GymProducts::list_licence(signed(&bob()), premium, 10 * GYM, 100));
		assert_ok!(GymProducts::buy_licence(signed(&alice()), premium, 10 * GYM, 0));
		grant_access(&alice(), premium, 80);
		assert_eq!(GymProducts::access_expiry(&alice(), premium), Some(101));
		assert_ok!(GymProducts::subscribe(signed(&alice()), 2));
		assert_eq!(GymProducts::access_expiry(&alice(), premium), Some(201));
		grant_access(&alice(), premium, 500);
		assert_eq!(GymProducts::access_expiry(&alice(), premium), Some(500));
		run_to(300);
		assert_eq!(GymProducts::access_expiry(&alice(), premium), Some(500));
		assert!(GymProducts::has_access(&alice(), premium));
	});
}
