//! Tests of the stability pallet: the tax to the planck, the buyback's
//! floor and guard, the USD price and its fallback, miner economics.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{DispatchInfo, PostDispatchInfo},
	traits::fungible::Inspect,
};
use gym_primitives::{mining::GpuClass, prices, prices::PriceKey, Balance, GYM};
use sp_runtime::{
	traits::{DispatchTransaction, TransactionExtension},
	traits::{One, Zero},
	transaction_validity::{InvalidTransaction, TransactionSource},
	DispatchError, FixedU128, Perbill,
};

fn transfer(dest: AccountId, value: Balance) -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest, value })
}

/// Signs and dispatches `call` as `who` through the tax extension.
fn send(who: AccountId, call: RuntimeCall) -> Result<(), InvalidTransaction> {
	let info = DispatchInfo::default();
	match ChargeTransferTax::<Test>::new().dispatch_transaction(
		RuntimeOrigin::signed(who),
		call,
		&info,
		0,
		0,
	) {
		Ok(result) => {
			result.map_err(|e| e.error).expect("the transfer dispatches");
			Ok(())
		}
		Err(sp_runtime::transaction_validity::TransactionValidityError::Invalid(e)) => Err(e),
		Err(e) => panic!("unexpected {e:?}"),
	}
}

fn balance(who: AccountId) -> Balance {
	Balances::balance(&who)
}

// Issuance is 10,000,000 GYM: the brackets start at 10,000, 50,000 and
// 100,000 GYM.

#[test]
fn the_brackets_tax_each_slice_to_the_planck() {
	new_test_ext().execute_with(|| {
		assert_eq!(TaxBase::<Test>::get(), 10_000_000 * GYM);
		assert_ok!(send(1, transfer(2, 60_000 * GYM + 7)));
		// 1% of 40,000 + 2% of (10,000 GYM + 7 planck), rounded down.
		let tax = 400 * GYM + 200 * GYM;
		assert_eq!(balance(1), START - 60_000 * GYM - 7 - tax);
		assert_eq!(balance(2), START + 60_000 * GYM + 7);
		assert_eq!(balance(TREASURY), START + tax);
		assert_eq!(TaxCollected::<Test>::get(), tax);
		System::assert_has_event(
			Event::TransferTaxed { who: 1, dest: 2, amount: 60_000 * GYM + 7, tax }.into(),
		);
		// Above 1%: 5% on what passes 100,000 GYM.
		assert_ok!(send(1, transfer(2, 50_000 * GYM)));
		// The window goes from 60,000 GYM + 7 to 110,000 GYM + 7: 2% of
		// 40,000 GYM − 7 planck (rounded down to 800 GYM less 1 planck?
		// no: each bracket is rounded whole, 2% of 40,000 GYM) and 5% of
		// 10,000 GYM + 7 (500 GYM): 1,900 − 600 = 1,300 GYM.
		let second = 1_300 * GYM;
		assert_eq!(balance(TREASURY), START + tax + second);
	});
}

#[test]
fn a_split_transfer_pays_what_the_whole_pays() {
	new_test_ext().execute_with(|| {
		assert_ok!(send(1, transfer(2, 123_456 * GYM + 789)));
		for part in [20_000 * GYM, 45_000 * GYM + 1, 58_456 * GYM + 788] {
			assert_ok!(send(3, transfer(4, part)));
		}
		assert_eq!(balance(1), balance(3));
		assert_eq!(balance(2), balance(4));
		let whole = prices::transfer_tax(
			0,
			123_456 * GYM + 789,
			10_000_000 * GYM,
			&prices::default_brackets(),
		);
		assert_eq!(balance(TREASURY), START + 2 * whole);
	});
}

#[test]
fn the_window_forgets_a_day_later() {
	new_test_ext().execute_with(|| {
		assert_ok!(send(1, transfer(2, 10_000 * GYM)));
		assert_eq!(balance(TREASURY), START);
		assert_ok!(send(1, transfer(2, 10_000 * GYM)));
		assert_eq!(balance(TREASURY), START + 100 * GYM);
		assert_eq!(GymStability::volume_of(&1), 20_000 * GYM);
		// 24 buckets of 5 blocks later both are out of the window.
		run_to(1 + 24 * BUCKET);
		assert_eq!(GymStability::volume_of(&1), 0);
		assert_ok!(send(1, transfer(2, 10_000 * GYM)));
		assert_eq!(balance(TREASURY), START + 100 * GYM);
	});
}

#[test]
fn protocol_accounts_and_small_transfers_pay_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(send(1, transfer(POOL, 200_000 * GYM)));
		assert_ok!(send(1, transfer(TREASURY, 200_000 * GYM)));
		assert_eq!(balance(TREASURY), START + 200_000 * GYM);
		assert!(Volumes::<Test>::get(1).is_none());
		assert_ok!(send(1, transfer(2, 9_999 * GYM)));
		assert_eq!(TaxCollected::<Test>::get(), 0);
		assert_eq!(GymStability::volume_of(&1), 9_999 * GYM);
		// Other calls are not transfers.
		assert_eq!(
			GymStability::tax_preview(
				&1,
				&RuntimeCall::System(frame_system::Call::remark { remark: vec![] })
			),
			0
		);
	});
}

#[test]
fn a_sender_who_cannot_pay_the_tax_is_refused_and_nothing_changes() {
	new_test_ext().execute_with(|| {
		let call = transfer(2, START - GYM);
		assert!(GymStability::tax_preview(&1, &call) > GYM);
		assert_eq!(send(1, call), Err(InvalidTransaction::Payment));
		assert_eq!(balance(1), START);
		assert_eq!(balance(TREASURY), START);
		assert!(Volumes::<Test>::get(1).is_none());
	});
}

#[test]
fn a_failed_transfer_gets_its_tax_back() {
	new_test_ext().execute_with(|| {
		let call = transfer(2, 60_000 * GYM);
		let info = DispatchInfo::default();
		let ext = ChargeTransferTax::<Test>::new();
		let origin = RuntimeOrigin::signed(1);
		let pre = ext.prepare((), &origin, &call, &info, 0).unwrap();
		assert_eq!(balance(TREASURY), START + 600 * GYM);
		assert_eq!(GymStability::volume_of(&1), 60_000 * GYM);
		ChargeTransferTax::<Test>::post_dispatch_details(
			pre,
			&info,
			&PostDispatchInfo::default(),
			0,
			&Err(DispatchError::Other("the transfer failed")),
		)
		.unwrap();
		assert_eq!(balance(1), START);
		assert_eq!(balance(TREASURY), START);
		assert_eq!(TaxCollected::<Test>::get(), 0);
		assert!(Volumes::<Test>::get(1).is_none());
		System::assert_has_event(Event::TransferTaxRefunded { who: 1, tax: 600 * GYM }.into());
	});
}

#[test]
fn transfer_all_moves_what_its_tax_leaves() {
	new_test_ext().execute_with(|| {
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_all {
			dest: 2,
			keep_alive: false,
		});
		let (moved, tax) =
			prices::most_after_tax(0, START, 10_000_000 * GYM, &prices::default_brackets());
		assert_eq!(GymStability::tax_preview(&1, &call), tax);
		assert_ok!(send(1, call));
		assert_eq!(balance(TREASURY), START + tax);
		assert_eq!(balance(1), 0);
		// The tax came out first; transfer_all moved the rest, within a
		// planck of the bisection's amount.
		assert_eq!(balance(2), START + START - tax);
		assert!(START - tax - moved <= 1);
	});
}

#[test]
fn validate_refuses_what_prepare_would() {
	new_test_ext().execute_with(|| {
		let info = DispatchInfo::default();
		let result = ChargeTransferTax::<Test>::new().validate(
			RuntimeOrigin::signed(1),
			&transfer(2, START - GYM),
			&info,
			0,
			(),
			&sp_runtime::traits::TxBaseImplication(()),
			TransactionSource::External,
		);
		assert!(matches!(
			result,
			Err(sp_runtime::transaction_validity::TransactionValidityError::Invalid(
				InvalidTransaction::Payment
			))
		));
	});
}

#[test]
fn the_tax_base_follows_issuance_once_a_bucket() {
	new_test_ext().execute_with(|| {
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<_>>::burn_from(
			&3,
			1_000_000 * GYM - 1,
			frame_support::traits::tokens::Preservation::Expendable,
			frame_support::traits::tokens::Precision::Exact,
			frame_support::traits::tokens::Fortitude::Polite,
		));
		run_to(BUCKET - 1);
		assert_eq!(TaxBase::<Test>::get(), 10_000_000 * GYM);
		run_to(BUCKET);
		assert_eq!(TaxBase::<Test>::get(), Balances::total_issuance());
	});
}

fn price(p: u128, q: u128) -> FixedU128 {
	FixedU128::from_rational(p, q)
}

#[test]
fn no_buyback_above_the_floor() {
	new_test_ext().execute_with(|| {
		give_usdt(TREASURY, 10_000 * USDT);
		set_price(PriceKey::GymUsd, Some(price(12, 100)));
		set_reserves(1_000_000 * GYM, 120_000 * USDT);
		let issuance = Balances::total_issuance();
		run_to(PERIOD * 3 + 1);
		assert!(GymStability::buybacks().is_empty());
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(Pool::stable_balance(&TREASURY), 10_000 * USDT);
	});
}

#[test]
fn under_the_floor_the_treasury_buys_back_and_burns() {
	new_test_ext().execute_with(|| {
		give_usdt(TREASURY, 10_000 * USDT);
		// The oracle and the pool agree on $0.09.
		set_price(PriceKey::GymUsd, Some(price(9, 100)));
		set_reserves(1_000_000 * GYM, 90_000 * USDT);
		let out = Pool::quote(1_000 * USDT);
		// x·y=k less 0.3%: 10^24 · 997·10^9 / (9·10^13 + 997·10^9).
		assert_eq!(out, 1_000_000 * GYM * 997_000_000_000 / (90_000_000_000_000 + 997_000_000_000));
		let min_out = Perbill::from_percent(98)
			.mul_floor(prices::usd_to_gym(FixedU128::from_u32(1_000), price(9, 100)).unwrap());
		assert!(out >= min_out);
		let issuance = Balances::total_issuance();
		run_to(PERIOD);
		assert!(GymStability::buybacks().is_empty());
		run_to(PERIOD + 1);
		assert_eq!(burned(), out);
		assert_eq!(Balances::total_issuance(), issuance - out);
		assert_eq!(balance(TREASURY), START);
		assert_eq!(Pool::stable_balance(&TREASURY), 9_000 * USDT);
		assert_eq!(BoughtBack::<Test>::get(), (1_000 * USDT, out));
		let record = GymStability::buybacks()[0];
		assert_eq!(record.kind, BuybackKind::Periodic);
		assert_eq!(
			(record.usdt_in, record.gym_burned, record.min_out),
			(1_000 * USDT, out, min_out)
		);
		System::assert_has_event(
			Event::BoughtBack {
				kind: BuybackKind::Periodic,
				usdt_in: 1_000 * USDT,
				gym_burned: out,
				gym_usd: price(9, 100),
				min_out,
			}
			.into(),
		);
		// Once a period. The buy moved the pool to ≈ $0.092: against the
		// oracle's $0.09 the next period's swap pays under the guard.
		run_to(2 * PERIOD + 1);
		assert_eq!(GymStability::buybacks().len(), 1);
		System::assert_has_event(
			Event::BuybackSkipped { reason: SkipReason::PoolOffOracle }.into(),
		);
		// The feeders follow the market to $0.093, still under the floor.
		set_price(PriceKey::GymUsd, Some(price(93, 1000)));
		run_to(3 * PERIOD + 1);
		assert_eq!(GymStability::buybacks().len(), 2);
		assert_eq!(Pool::stable_balance(&TREASURY), 8_000 * USDT);
	});
}

#[test]
fn a_pool_pushed_off_the_oracle_price_is_not_bought_from() {
	new_test_ext().execute_with(|| {
		give_usdt(TREASURY, 10_000 * USDT);
		set_price(PriceKey::GymUsd, Some(price(9, 100)));
		// Someone swapped USDT in: the pool now sells GYM at $0.12.
		set_reserves(1_000_000 * GYM, 120_000 * USDT);
		let issuance = Balances::total_issuance();
		run_to(PERIOD + 1);
		assert!(GymStability::buybacks().is_empty());
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(Pool::stable_balance(&TREASURY), 10_000 * USDT);
		System::assert_has_event(
			Event::BuybackSkipped { reason: SkipReason::PoolOffOracle }.into(),
		);
		assert_noop!(
			GymStability::order_buyback(RuntimeOrigin::root(), 1_000 * USDT),
			Error::<Test>::PoolOffOracle
		);
	});
}

#[test]
fn a_stale_price_or_an_empty_treasury_buys_nothing() {
	new_test_ext().execute_with(|| {
		give_usdt(TREASURY, 10_000 * USDT);
		run_to(PERIOD + 1);
		System::assert_has_event(Event::BuybackPriceStale.into());
		assert_noop!(
			GymStability::order_buyback(RuntimeOrigin::root(), 1_000 * USDT),
			Error::<Test>::PriceStale
		);
		set_price(PriceKey::GymUsd, Some(price(9, 100)));
		set_reserves(1_000_000 * GYM, 90_000 * USDT);
		assert_noop!(
			GymStability::order_buyback(RuntimeOrigin::root(), 10_001 * USDT),
			Error::<Test>::NotEnoughUsdt
		);
		assert_noop!(
			GymStability::order_buyback(RuntimeOrigin::root(), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			GymStability::order_buyback(RuntimeOrigin::signed(1), 1_000 * USDT),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn an_ordered_buyback_ignores_the_floor_and_the_history_keeps_the_last() {
	new_test_ext().execute_with(|| {
		give_usdt(TREASURY, 10_000 * USDT);
		set_price(PriceKey::GymUsd, Some(price(12, 100)));
		set_reserves(1_000_000 * GYM, 120_000 * USDT);
		let mut total = 0;
		for _ in 0..4 {
			let out = Pool::quote(100 * USDT);
			assert_ok!(GymStability::order_buyback(RuntimeOrigin::root(), 100 * USDT));
			total += out;
		}
		assert_eq!(burned(), total);
		assert_eq!(BoughtBack::<Test>::get(), (400 * USDT, total));
		assert_eq!(GymStability::buybacks().len(), 3);
		assert!(GymStability::buybacks().iter().all(|r| r.kind == BuybackKind::Ordered));
	});
}

#[test]
fn a_usd_job_price_is_charged_at_the_oracle_price_or_falls_back() {
	new_test_ext().execute_with(|| {
		use gym_primitives::traits::FineTuningPrice;
		set_price(PriceKey::GymUsd, Some(price(1, 4)));
		// $10 at $0.25 per GYM.
		assert_eq!(GymStability::fine_tuning_price(), 40 * GYM);
		set_price(PriceKey::GymUsd, None);
		assert_eq!(GymStability::fine_tuning_price(), 100 * GYM);
		System::assert_last_event(
			Event::FineTuningFellBack { usd: FixedU128::from_u32(10), gym: 100 * GYM }.into(),
		);
		let fixed = FineTuningPricing { usd: None, gym: 70 * GYM };
		assert_ok!(GymStability::set_pricing(RuntimeOrigin::root(), fixed));
		assert_eq!(GymStability::fine_tuning_price(), 70 * GYM);
		assert_noop!(
			GymStability::set_pricing(
				RuntimeOrigin::root(),
				FineTuningPricing { usd: Some(FixedU128::zero()), gym: GYM }
			),
			Error::<Test>::ZeroPrice
		);
		assert_noop!(
			GymStability::set_pricing(
				RuntimeOrigin::root(),
				FineTuningPricing { usd: None, gym: 0 }
			),
			Error::<Test>::ZeroPrice
		);
		assert_noop!(
			GymStability::set_pricing(RuntimeOrigin::signed(1), fixed),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn governance_settings_are_checked() {
	new_test_ext().execute_with(|| {
		let mut config = Buyback::<Test>::get();
		config.max_slippage = Perbill::from_percent(11);
		assert_noop!(
			GymStability::set_buyback(RuntimeOrigin::root(), config),
			Error::<Test>::SlippageTooHigh
		);
		config.max_slippage = Perbill::from_percent(10);
		assert_ok!(GymStability::set_buyback(RuntimeOrigin::root(), config));
		assert_eq!(Buyback::<Test>::get(), config);
		let mut brackets = prices::default_brackets().to_vec();
		brackets.swap(0, 1);
		assert_noop!(
			GymStability::set_brackets(RuntimeOrigin::root(), brackets),
			Error::<Test>::BadBrackets
		);
		let many: Vec<_> = (1..=9u32)
			.map(|i| prices::TaxBracket {
				above: Perbill::from_percent(i),
				rate: Perbill::from_percent(i),
			})
			.collect();
		assert_noop!(
			GymStability::set_brackets(RuntimeOrigin::root(), many),
			Error::<Test>::TooManyBrackets
		);
		let one = vec![prices::TaxBracket {
			above: Perbill::from_percent(1),
			rate: Perbill::from_percent(3),
		}];
		assert_ok!(GymStability::set_brackets(RuntimeOrigin::root(), one));
		assert_ok!(send(1, transfer(2, 110_000 * GYM)));
		assert_eq!(balance(TREASURY), START + 300 * GYM);
		assert_ok!(GymStability::do_try_state());
	});
}

#[test]
fn miner_economics_add_up() {
	new_test_ext().execute_with(|| {
		set_price(PriceKey::GymUsd, Some(price(1, 10)));
		set_price(PriceKey::KwhUsd, Some(price(15, 100)));
		set_price(PriceKey::GpuHourUsd(GpuClass::H100), Some(FixedU128::from_u32(2)));
		let e = GymStability::miner_economics(GpuClass::H100, 700);
		// 600 blocks of 6 s: one hour; 1,000 GYM × 1.5 at difficulty 1/2.
		assert_eq!(e.epoch_blocks, 600);
		assert_eq!(e.epoch_hours, FixedU128::one());
		assert_eq!(e.gym_per_epoch, 750 * GYM);
		assert_eq!(e.usd_per_epoch, Some(FixedU128::from_u32(75)));
		assert_eq!(e.electricity_usd, Some(price(105, 1000)));
		assert_eq!(e.gpu_hour_usd, Some(FixedU128::from_u32(2)));
		let other = GymStability::miner_economics(GpuClass::Other, 300);
		assert_eq!(other.gpu_hour_usd, None);
		assert_eq!(other.gym_per_epoch, 500 * GYM);
	});
}

#[test]
fn a_reaped_sender_leaves_no_window_behind() {
	new_test_ext().execute_with(|| {
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_all {
			dest: 2,
			keep_alive: false,
		});
		assert_ok!(send(1, call));
		assert_eq!(balance(1), 0);
		assert!(!System::account_exists(&1));
		assert!(Volumes::<Test>::get(1).is_none());
	});
}

#[test]
fn the_fee_must_fit_beside_the_transfer_and_its_tax() {
	new_test_ext().execute_with(|| {
		// 1 can move 200,000 GYM and its tax with nothing to spare: with a
		// fee of 0 it is valid, and the quote says what it needs.
		let transfer = Transfer { dest: 2, moved: Moved::Exact(200_000 * GYM), keep_alive: true };
		let quote = GymStability::quote(&1, &transfer).unwrap();
		assert_eq!(quote.needs, 200_000 * GYM + quote.tax);
		assert!(quote.affordable(0));
		assert!(!quote.affordable(quote.available - quote.needs + 1));
		// A transfer of liquidity tokens' worth takes only the tax from the
		// free GYM.
		let value = Transfer { dest: 2, moved: Moved::Value(2 * START), keep_alive: true };
		let quote = GymStability::quote(&1, &value).unwrap();
		assert_eq!((quote.moved, quote.needs), (2 * START, quote.tax));
		assert!(quote.affordable(0));
	});
}
