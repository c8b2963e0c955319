//! Price feeds against the composed runtime (dev genesis: Alice, Bob and
//! Charlie feed, blocks every 6 s): feeds aggregate into a median of at
//! least three fresh values, expire an hour after the value the median took,
//! and leave consumers without a price (`None`) rather than a stale one.
//! Governance seats and unseats feeders; nobody else feeds, and a feeder
//! feeds for free once per block.
//!
//! Prices are [`FixedU128`] dollars: 0.12 is `120_000_000_000_000_000`.

use crate::{
	configs::{governance::GymProposals, OraclePrices},
	genesis_config_presets::tests::build,
	mining_attack_tests::{balance, fund, signed, staker},
	test_chain::run_to_block,
	tests::check_invariants,
	AccountId, Democracy, Executive, GymGovernance, Oracle, OracleFeeders, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeOrigin, System, MILLISECS_PER_BLOCK,
};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{DispatchResultWithPostInfo, Pays},
};
use gym_primitives::{
	governance::ProposalKind,
	mining::GpuClass,
	prices::{PriceKey, PriceOracle, MIN_PRICE_FEEDERS, PRICE_MAX_AGE_MS},
	staking::Tier,
};
use pallet_democracy::{AccountVote, Conviction, Vote};
use pallet_gym_governance::ProposalFilter;
use pallet_oracle::{Error, RawValues, TimestampedValue};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::BadOrigin, DispatchError, FixedU128, MultiAddress};

fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
fn bob() -> AccountId {
	Sr25519Keyring::Bob.to_account_id()
}
fn charlie() -> AccountId {
	Sr25519Keyring::Charlie.to_account_id()
}
fn dave() -> AccountId {
	Sr25519Keyring::Dave.to_account_id()
}
fn eve() -> AccountId {
	Sr25519Keyring::Eve.to_account_id()
}

/// `cents` US cents, as a price.
fn usd_cents(cents: u128) -> FixedU128 {
	FixedU128::from_rational(cents, 100)
}

/// `who` feeds `values` in one `Oracle::feed_values`.
fn feed(who: &AccountId, values: &[(PriceKey, FixedU128)]) -> DispatchResultWithPostInfo {
	let values = values.to_vec().try_into().expect("at most MaxFeedValues");
	Oracle::feed_values(signed(who), values)
}

/// `who` feeds the GYM price `cents`, successfully and for free.
fn feed_gym(who: &AccountId, cents: u128) {
	let info = feed(who, &[(PriceKey::GymUsd, usd_cents(cents))]).expect("a feeder feeds");
	assert_eq!(info.pays_fee, Pays::No);
}

fn now() -> u64 {
	pallet_timestamp::Now::<Runtime>::get()
}

fn gym_usd() -> Option<FixedU128> {
	OraclePrices::fresh(PriceKey::GymUsd)
}

/// The dev chain at block 1.
fn dev_chain(test: impl FnOnce()) {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		test();
		check_invariants();
	});
}

#[test]
fn every_preset_seats_at_least_three_feeders() {
	for (id, mut expected) in [
		(sp_genesis_builder::DEV_RUNTIME_PRESET, vec![alice(), bob(), charlie()]),
		(crate::genesis_config_presets::DEV_MINING_RUNTIME_PRESET, vec![alice(), bob(), charlie()]),
		(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET, vec![alice(), bob(), charlie()]),
		(
			crate::genesis_config_presets::TESTNET_RUNTIME_PRESET,
			vec![alice(), bob(), charlie(), dave()],
		),
	] {
		build(id).execute_with(|| {
			expected.sort();
			assert_eq!(OracleFeeders::members().to_vec(), expected, "{id}");
			assert!(expected.len() >= MIN_PRICE_FEEDERS as usize);
		});
	}
}

/// Two feeds are no price; the third makes the median of 0.10, 0.12 and
/// 0.50: 0.12. One feeder far off (0.50) does not move it.
#[test]
fn three_feeders_make_a_median_and_two_make_none() {
	dev_chain(|| {
		assert_eq!(gym_usd(), None);
		feed_gym(&alice(), 10);
		feed_gym(&bob(), 12);
		assert_eq!(gym_usd(), None, "two fresh values are below the minimum count");
		assert_eq!(Oracle::get(&PriceKey::GymUsd), None);

		feed_gym(&charlie(), 50);
		System::assert_last_event(RuntimeEvent::Oracle(pallet_oracle::Event::NewFeedData {
			sender: charlie(),
			values: vec![(PriceKey::GymUsd, usd_cents(50))],
		}));
		assert_eq!(gym_usd(), Some(FixedU128::from_inner(120_000_000_000_000_000)));
		// The median carries the timestamp of Bob's value: this block's.
		let now = now();
		assert_eq!(
			Oracle::get(&PriceKey::GymUsd),
			Some(TimestampedValue { value: usd_cents(12), timestamp: now })
		);
		// Nothing else was fed.
		assert_eq!(OraclePrices::fresh(PriceKey::KwhUsd), None);
		assert_eq!(OraclePrices::fresh(PriceKey::GpuHourUsd(GpuClass::H100)), None);
	});
}

#[test]
fn a_non_member_is_refused_and_a_member_feeds_once_per_block() {
	dev_chain(|| {
		let values = [(PriceKey::GymUsd, usd_cents(99))];
		assert_noop!(feed(&eve(), &values), Error::<Runtime>::NoPermission);
		assert_eq!(RawValues::<Runtime>::get(eve(), PriceKey::GymUsd), None);

		feed_gym(&alice(), 10);
		assert_noop!(feed(&alice(), &values), Error::<Runtime>::AlreadyFeeded);
		assert_eq!(
			RawValues::<Runtime>::get(alice(), PriceKey::GymUsd).map(|v| v.value),
			Some(usd_cents(10))
		);
		// The next block she may feed again.
		run_to_block(2);
		feed_gym(&alice(), 11);
		assert_eq!(
			RawValues::<Runtime>::get(alice(), PriceKey::GymUsd).map(|v| v.value),
			Some(usd_cents(11))
		);
	});
}

/// As signed transactions: a feeder's feed costs nothing, a second one in
/// the same block pays its fee like any failed call, and so does a
/// non-member's. The free transactions of a block are one per feeder.
#[test]
fn a_feed_is_free_only_for_a_feeders_first_feed_in_a_block() {
	dev_chain(|| {
		let call = RuntimeCall::Oracle(pallet_oracle::Call::feed_values {
			values: vec![(PriceKey::GymUsd, usd_cents(12))].try_into().expect("one value"),
		});
		let fee_paid = || {
			System::events().into_iter().rev().find_map(|r| match r.event {
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
				) => Some(actual_fee),
				_ => None,
			})
		};
		let apply = |signer: Sr25519Keyring, nonce: u32| {
			Executive::apply_extrinsic(crate::tests::signed(call.clone(), signer, nonce))
				.expect("a valid transaction")
		};

		let before = balance(&alice());
		assert_eq!(apply(Sr25519Keyring::Alice, 0), Ok(()));
		assert_eq!(fee_paid(), Some(0));
		assert_eq!(balance(&alice()), before);

		let again = apply(Sr25519Keyring::Alice, 1);
		assert_eq!(again, Err(DispatchError::from(Error::<Runtime>::AlreadyFeeded)));
		let fee = fee_paid().expect("a fee");
		assert!(fee > 0);
		assert_eq!(balance(&alice()), before - fee);

		let before = balance(&eve());
		let refused = apply(Sr25519Keyring::Eve, 0);
		assert_eq!(refused, Err(DispatchError::from(Error::<Runtime>::NoPermission)));
		let fee = fee_paid().expect("a fee");
		assert!(fee > 0);
		assert_eq!(balance(&eve()), before - fee);
		assert_eq!(RawValues::<Runtime>::get(eve(), PriceKey::GymUsd), None);
	});
}

/// Fed in block 1, the median is fresh until block 600 (599 blocks of 6 s
/// later, 3,594,000 ms) and expired at block 601 (exactly
/// `PRICE_MAX_AGE_MS` later), though `Oracle::get` still holds it. Two new
/// feeds are not enough (the old values are expired, so only two are
/// fresh): the old median stands, expired. The third makes a new one.
#[test]
fn a_price_expires_after_an_hour_and_needs_three_fresh_feeds_again() {
	dev_chain(|| {
		feed_gym(&alice(), 10);
		feed_gym(&bob(), 12);
		feed_gym(&charlie(), 14);
		let fed_at = now();
		let median = Some(TimestampedValue { value: usd_cents(12), timestamp: fed_at });
		assert_eq!(gym_usd(), Some(usd_cents(12)));

		run_to_block(600);
		assert_eq!(now() - fed_at, 599 * MILLISECS_PER_BLOCK);
		assert_eq!(gym_usd(), Some(usd_cents(12)));

		run_to_block(601);
		assert_eq!(now() - fed_at, PRICE_MAX_AGE_MS);
		assert_eq!(gym_usd(), None, "expired");
		assert_eq!(Oracle::get(&PriceKey::GymUsd), median);

		feed_gym(&alice(), 20);
		feed_gym(&bob(), 22);
		assert_eq!(gym_usd(), None, "two fresh values");
		assert_eq!(Oracle::get(&PriceKey::GymUsd), median);

		feed_gym(&charlie(), 24);
		assert_eq!(gym_usd(), Some(usd_cents(22)));
		assert_eq!(
			Oracle::get(&PriceKey::GymUsd),
			Some(TimestampedValue { value: usd_cents(22), timestamp: now() })
		);
	});
}

/// Each GPU class has its own hourly price, and the electricity index its
/// own; a class nobody fed has none.
#[test]
fn gpu_classes_and_electricity_are_separate_keys() {
	dev_chain(|| {
		let h100 = PriceKey::GpuHourUsd(GpuClass::H100);
		let rtx4090 = PriceKey::GpuHourUsd(GpuClass::Rtx4090);
		for (who, h100_cents, rtx_cents, kwh_cents) in
			[(alice(), 200, 40, 10), (bob(), 210, 45, 12), (charlie(), 220, 50, 15)]
		{
			let values = [
				(h100, usd_cents(h100_cents)),
				(rtx4090, usd_cents(rtx_cents)),
				(PriceKey::KwhUsd, usd_cents(kwh_cents)),
			];
			assert_eq!(feed(&who, &values).map(|info| info.pays_fee), Ok(Pays::No));
		}
		assert_eq!(OraclePrices::fresh(h100), Some(usd_cents(210)));
		assert_eq!(OraclePrices::fresh(rtx4090), Some(usd_cents(45)));
		assert_eq!(OraclePrices::fresh(PriceKey::KwhUsd), Some(usd_cents(12)));
		assert_eq!(OraclePrices::fresh(PriceKey::GpuHourUsd(GpuClass::A100)), None);
		assert_eq!(gym_usd(), None);

		// A new H100 round moves only the H100 price.
		run_to_block(2);
		for (who, cents) in [(alice(), 300), (bob(), 310), (charlie(), 320)] {
			assert_ok!(feed(&who, &[(h100, usd_cents(cents))]));
		}
		assert_eq!(OraclePrices::fresh(h100), Some(usd_cents(310)));
		assert_eq!(OraclePrices::fresh(rtx4090), Some(usd_cents(45)));
		assert_eq!(OraclePrices::fresh(PriceKey::KwhUsd), Some(usd_cents(12)));
	});
}

/// Root (a passed referendum) seats Dave, whose 5.00 makes the median of
/// four 0.14 (the upper middle of 0.10, 0.12, 0.14, 5.00), then unseats him:
/// his values are cleared at once and the next feed takes the median of the
/// other three, 0.12. Nobody but Root changes the set, and an unseated
/// feeder is refused.
#[test]
fn governance_removes_a_feeder_and_its_values_leave_the_median() {
	dev_chain(|| {
		assert_noop!(OracleFeeders::add_member(signed(&alice()), dave().into()), BadOrigin);
		assert_ok!(OracleFeeders::add_member(RuntimeOrigin::root(), dave().into()));
		feed_gym(&alice(), 10);
		feed_gym(&bob(), 12);
		feed_gym(&charlie(), 14);
		assert_eq!(gym_usd(), Some(usd_cents(12)));
		feed_gym(&dave(), 500);
		assert_eq!(gym_usd(), Some(usd_cents(14)));

		assert_noop!(OracleFeeders::remove_member(signed(&alice()), dave().into()), BadOrigin);
		assert_ok!(OracleFeeders::remove_member(RuntimeOrigin::root(), dave().into()));
		assert_eq!(RawValues::<Runtime>::get(dave(), PriceKey::GymUsd), None);
		// The median is recomputed at the next feed of the key.
		assert_eq!(gym_usd(), Some(usd_cents(14)));
		run_to_block(2);
		assert_noop!(
			feed(&dave(), &[(PriceKey::GymUsd, usd_cents(500))]),
			Error::<Runtime>::NoPermission
		);
		feed_gym(&alice(), 10);
		assert_eq!(gym_usd(), Some(usd_cents(12)));
	});
}

/// Only Economic referenda seat and unseat feeders; a referendum never
/// feeds, and the prime and key calls are the feeders' own business.
#[test]
fn economic_referenda_manage_the_feeders_and_nothing_else_does() {
	let seat = [
		RuntimeCall::OracleFeeders(pallet_membership::Call::add_member {
			who: MultiAddress::Id(dave()),
		}),
		RuntimeCall::OracleFeeders(pallet_membership::Call::remove_member {
			who: MultiAddress::Id(alice()),
		}),
		RuntimeCall::OracleFeeders(pallet_membership::Call::swap_member {
			remove: MultiAddress::Id(alice()),
			add: MultiAddress::Id(dave()),
		}),
		RuntimeCall::OracleFeeders(pallet_membership::Call::reset_members {
			members: vec![alice(), bob(), dave()],
		}),
	];
	let never = [
		RuntimeCall::Oracle(pallet_oracle::Call::feed_values {
			values: vec![(PriceKey::GymUsd, usd_cents(12))].try_into().expect("one value"),
		}),
		RuntimeCall::OracleFeeders(pallet_membership::Call::set_prime {
			who: MultiAddress::Id(alice()),
		}),
		RuntimeCall::OracleFeeders(pallet_membership::Call::change_key {
			new: MultiAddress::Id(dave()),
		}),
	];
	for call in &seat {
		assert!(GymProposals::allows(ProposalKind::Economic, call), "{call:?}");
		assert!(!GymProposals::allows(ProposalKind::Technical, call), "{call:?}");
		assert!(!GymProposals::allows(ProposalKind::Strategic, call), "{call:?}");
	}
	for call in &never {
		for kind in [ProposalKind::Technical, ProposalKind::Economic, ProposalKind::Strategic] {
			assert!(!GymProposals::allows(kind, call), "{kind:?} allows {call:?}");
		}
	}
}

/// The whole path: a Platinum staker proposes seating Dave, votes it
/// through (tabled at block 5, voted until 15, enacted at 20), and Dave's
/// feed then counts.
#[test]
fn an_economic_referendum_seats_a_feeder() {
	dev_chain(|| {
		let proposer = staker(1, Tier::Platinum);
		let deposit = crate::configs::governance::MinimumDeposit::get();
		fund(&proposer, 2 * deposit);
		let call = RuntimeCall::OracleFeeders(pallet_membership::Call::add_member {
			who: MultiAddress::Id(dave()),
		});
		assert_ok!(GymGovernance::propose(
			signed(&proposer),
			ProposalKind::Economic,
			Box::new(call),
			deposit
		));
		run_to_block(5);
		let vote = Vote { aye: true, conviction: Conviction::None };
		let balance = 100_000 * crate::GYM;
		assert_ok!(Democracy::vote(signed(&proposer), 0, AccountVote::Standard { vote, balance }));
		run_to_block(19);
		assert!(!OracleFeeders::members().contains(&dave()));
		run_to_block(20);
		assert!(OracleFeeders::members().contains(&dave()));
		feed_gym(&dave(), 12);
	});
}

/// Feeds are free, so their weight is what bounds them: a block in which
/// every one of the 16 feeders feeds 16 values weighs under 5% of a
/// block's normal-dispatch weight (about 52 ms of 1,500 ms), counted with a
/// read of every feeder's value for each fed value (16 × 16 reads more than
/// upstream's one-feeder measurement).
#[test]
fn a_block_of_full_feeds_is_a_small_part_of_a_block() {
	use frame_support::{dispatch::DispatchClass, traits::Get};
	use pallet_oracle::WeightInfo;
	type Feeders = crate::configs::prices::MaxFeeders;
	type Values = crate::configs::prices::MaxFeedValues;
	let one = crate::configs::prices::OracleWeight::feed_values(<Values as Get<u32>>::get());
	let upstream = pallet_oracle::weights::SubstrateWeight::<Runtime>::feed_values(
		<Values as Get<u32>>::get(),
	);
	let reads = <Runtime as frame_system::Config>::DbWeight::get().reads(16 * 16);
	assert_eq!(one.ref_time(), upstream.ref_time() + reads.ref_time());
	let block = one.saturating_mul(u64::from(<Feeders as Get<u32>>::get()));
	let normal = crate::configs::RuntimeBlockWeights::get()
		.get(DispatchClass::Normal)
		.max_total
		.expect("a normal limit");
	assert!(block.ref_time() * 20 < normal.ref_time(), "{block:?} of {normal:?}");
}

/// Three colluding feeders of seven cannot make a price on their own, and
/// when the four others post, the majority's price stands: a median needs
/// values from a majority of the seated feeders, not a fixed three.
#[test]
fn a_minority_of_the_feeders_cannot_make_a_price() {
	dev_chain(|| {
		let one = Sr25519Keyring::One.to_account_id();
		let colluders = [dave(), eve(), Sr25519Keyring::Ferdie.to_account_id()];
		for who in colluders.iter().cloned().chain([one.clone()]) {
			assert_ok!(OracleFeeders::add_member(RuntimeOrigin::root(), MultiAddress::Id(who)));
		}
		let quorum =
			<crate::configs::prices::FeederQuorum as frame_support::traits::Get<u32>>::get();
		assert_eq!(quorum, 4);
		for who in &colluders {
			feed_gym(who, 1);
		}
		assert_eq!(gym_usd(), None);
		for who in [alice(), bob(), charlie(), one] {
			feed_gym(&who, 12);
		}
		// Seven fresh values, three of 0.01 and four of 0.12: the median is 0.12.
		assert_eq!(gym_usd(), Some(usd_cents(12)));
	});
}
