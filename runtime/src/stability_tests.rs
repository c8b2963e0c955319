//! Prices and risk controls against the composed runtime, on the dev genesis
//! (Alice, Bob and Charlie feed prices; the GYM/USDT pool holds 1,000,000
//! GYM and 100,000 USDT; 10-block periods): the transfer tax through real
//! signed extrinsics, the buyback through the real pool and books, the
//! USD-priced job and the miner economics.
//!
//! Every expected number is computed by hand in the test, not read back
//! from the pallet.

use crate::{
	configs::{
		liquidity::{USDT, USDT_UNIT},
		TreasuryAccount,
	},
	genesis_config_presets::tests::build,
	mining_attack_tests::{balance, signed, spec},
	test_chain::{next_block, run_to_block},
	tests::{check_invariants, signed as signed_tx},
	AccountId, AssetConversion, Balance, BalancesCall, Executive, ForeignAssets, GymStability,
	Oracle, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System, GYM,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, NativeOrWithId},
};
use gym_primitives::{
	mining::GpuClass,
	prices::{PriceKey, UsdPrice},
};
use pallet_compute_mining::JobOrigin;
use pallet_gym_stability::{BuybackKind, Event, SkipReason, TaxBase, Volumes};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{FixedPointNumber, FixedU128, MultiAddress};

type StabilityEvent = pallet_gym_stability::Event<Runtime>;

fn who(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

fn treasury() -> AccountId {
	TreasuryAccount::get()
}

fn issuance() -> Balance {
	<crate::Balances as Inspect<AccountId>>::total_issuance()
}

fn transfer(dest: &AccountId, value: Balance) -> RuntimeCall {
	RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
		dest: MultiAddress::Id(dest.clone()),
		value,
	})
}

/// `mils` thousandths of a US dollar.
fn usd_mils(mils: u128) -> UsdPrice {
	FixedU128::from_rational(mils, 1_000)
}

/// Alice, Bob and Charlie each feed `values`: the median is the middle one.
fn feed_all(values: [&[(PriceKey, UsdPrice)]; 3]) {
	for (k, v) in [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.into_iter()
		.zip(values)
	{
		assert_ok!(Oracle::feed_values(signed(&who(k)), v.to_vec().try_into().unwrap()));
	}
}

/// Applies `call` signed by `k` with `nonce`; returns the dispatch result.
fn apply(call: RuntimeCall, k: Sr25519Keyring, nonce: u32) -> sp_runtime::DispatchResult {
	Executive::apply_extrinsic(signed_tx(call, k, nonce)).expect("a valid transaction")
}

fn stability_events() -> Vec<StabilityEvent> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::GymStability(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn taxes_paid_by(sender: &AccountId) -> Balance {
	stability_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::TransferTaxed { who, tax, .. } if who == *sender => Some(tax),
			_ => None,
		})
		.sum()
}

/// The seed's brackets by hand: 1% of the volume between 0.1% and 0.5% of
/// `base`, 2% between 0.5% and 1%, 5% above.
fn hand_tax(volume: Balance, base: Balance) -> Balance {
	let (t1, t2, t3) = (base / 1_000, base * 5 / 1_000, base / 100);
	let slice = |from: Balance, to: Balance| volume.min(to).saturating_sub(from);
	slice(t1, t2) / 100 + slice(t2, t3) * 2 / 100 + slice(t3, Balance::MAX) * 5 / 100
}

fn dev_chain(test: impl FnOnce()) {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		// The genesis settings (every field: a JSON patch that missed one
		// would leave it at its default).
		let buyback = pallet_gym_stability::Buyback::<Runtime>::get();
		assert_eq!(buyback.floor, usd_mils(50));
		assert_eq!(buyback.per_period, 1_000 * USDT_UNIT);
		assert_eq!(buyback.max_slippage, sp_runtime::Perbill::from_percent(2));
		run_to_block(1);
		test();
		check_invariants();
	});
}

#[test]
fn a_large_signed_transfer_pays_the_brackets_and_the_fee_estimate_shows_it() {
	dev_chain(|| {
		let base = TaxBase::<Runtime>::get();
		assert_eq!(base, issuance());
		let (bob, dave) = (who(Sr25519Keyring::Bob), who(Sr25519Keyring::Dave));
		let amount = 100_000 * GYM;
		let tax = hand_tax(amount, base);
		assert!(tax > 2_000 * GYM, "{tax}");
		let call = transfer(&dave, amount);
		let uxt = signed_tx(call.clone(), Sr25519Keyring::Bob, 0);
		// The estimate a wallet shows: the fee plus the tax.
		let len = codec::Encode::encoded_size(&uxt) as u32;
		let fee_only = crate::TransactionPayment::query_info(uxt.clone(), len).partial_fee;
		let estimate = <Runtime as pallet_transaction_payment_rpc_runtime_api::runtime_decl_for_transaction_payment_api::TransactionPaymentApiV4<crate::Block, Balance>>::query_info(uxt, len).partial_fee;
		assert_eq!(estimate, fee_only + tax);

		let (bob_before, dave_before, treasury_before) =
			(balance(&bob), balance(&dave), balance(&treasury()));
		assert_ok!(apply(call, Sr25519Keyring::Bob, 0));
		let fee = System::events()
			.into_iter()
			.find_map(|r| match r.event {
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
				) => Some(actual_fee),
				_ => None,
			})
			.expect("a fee");
		// The refund path's weight went back before the fee was settled:
		// the fee is the estimate less that weight's fee, exactly.
		let refund_weight =
			<pallet_gym_stability::weights::SubstrateWeight<Runtime> as pallet_gym_stability::WeightInfo>::refund_transfer_tax();
		assert_eq!(fee, fee_only - crate::TransactionPayment::weight_to_fee(refund_weight));
		assert_eq!(balance(&dave), dave_before + amount);
		assert_eq!(balance(&bob), bob_before - amount - tax - fee);
		assert_eq!(balance(&treasury()), treasury_before + tax);
		assert_eq!(taxes_paid_by(&bob), tax);
		assert_eq!(GymStability::volume_of(&bob), amount);
	});
}

#[test]
fn a_transfer_split_in_three_pays_the_tax_of_the_whole() {
	dev_chain(|| {
		let (eve, ferdie) = (who(Sr25519Keyring::Eve), who(Sr25519Keyring::Ferdie));
		let whole = 123_456 * GYM + 789;
		assert_ok!(apply(transfer(&eve, whole), Sr25519Keyring::Bob, 0));
		let parts = [40_000 * GYM, 40_000 * GYM + 1, 43_456 * GYM + 788];
		for (nonce, part) in parts.into_iter().enumerate() {
			assert_ok!(apply(transfer(&ferdie, part), Sr25519Keyring::Charlie, nonce as u32));
		}
		let expected = hand_tax(whole, TaxBase::<Runtime>::get());
		assert_eq!(taxes_paid_by(&who(Sr25519Keyring::Bob)), expected);
		assert_eq!(taxes_paid_by(&who(Sr25519Keyring::Charlie)), expected);
	});
}

/// GYM to the treasury is exempt; GYM to a pool's account is not (its
/// liquidity providers could take it out of the pool: an untaxed courier).
#[test]
fn transfers_to_protocol_accounts_pay_no_tax_but_a_pool_is_no_exemption() {
	dev_chain(|| {
		let bob = who(Sr25519Keyring::Bob);
		use pallet_asset_conversion::PoolLocator;
		let pool = <Runtime as pallet_asset_conversion::Config>::PoolLocator::address(&(
			NativeOrWithId::Native,
			NativeOrWithId::WithId(USDT),
		))
		.expect("the GYM/USDT pool's account");
		let treasury_before = balance(&treasury());
		assert_ok!(apply(transfer(&treasury(), 200_000 * GYM), Sr25519Keyring::Bob, 0));
		assert_eq!(balance(&treasury()), treasury_before + 200_000 * GYM);
		assert_eq!(taxes_paid_by(&bob), 0);
		assert!(Volumes::<Runtime>::get(&bob).is_none());
		assert_ok!(apply(transfer(&pool, 200_000 * GYM), Sr25519Keyring::Bob, 1));
		assert_eq!(taxes_paid_by(&bob), hand_tax(200_000 * GYM, TaxBase::<Runtime>::get()));
		assert_eq!(GymStability::volume_of(&bob), 200_000 * GYM);
	});
}

#[test]
fn a_transfer_that_fails_gets_its_tax_back() {
	dev_chain(|| {
		let bob = who(Sr25519Keyring::Bob);
		let base = TaxBase::<Runtime>::get();
		assert_ok!(apply(
			transfer(&who(Sr25519Keyring::Dave), 200_000 * GYM),
			Sr25519Keyring::Bob,
			0
		));
		let treasury_before = balance(&treasury());
		// Past 1% of issuance every planck pays 5%: less than the existential
		// deposit to a new account is taxed, and then fails.
		let dust = crate::EXISTENTIAL_DEPOSIT - 1;
		let nobody = crate::mining_attack_tests::account(7_777);
		// The window's tax grows by 5% of the dust (the two sides of the
		// difference are rounded down each).
		let dust_tax = hand_tax(200_000 * GYM + dust, base) - hand_tax(200_000 * GYM, base);
		assert_eq!(dust_tax.abs_diff(dust * 5 / 100), 1);
		assert_eq!(GymStability::tax_on(&bob, dust), dust_tax);
		assert!(apply(transfer(&nobody, dust), Sr25519Keyring::Bob, 1).is_err());
		assert_eq!(balance(&treasury()), treasury_before);
		assert_eq!(GymStability::volume_of(&bob), 200_000 * GYM);
		assert!(
			stability_events().contains(&Event::TransferTaxRefunded { who: bob, tax: dust_tax })
		);
		assert_eq!(
			pallet_gym_stability::TaxCollected::<Runtime>::get(),
			hand_tax(200_000 * GYM, base)
		);
	});
}

/// The GYM/USDT pool's reserves (GYM planck, USDT units).
fn reserves() -> (Balance, Balance) {
	AssetConversion::get_reserves(NativeOrWithId::Native, NativeOrWithId::WithId(USDT))
		.expect("the pool")
}

/// x·y=k less 0.3%: the GYM `usdt_in` buys from reserves `(gym, usdt)`.
fn gym_out(usdt_in: Balance, (gym, usdt): (Balance, Balance)) -> Balance {
	use sp_core::U256;
	let in_after_fee = U256::from(usdt_in) * U256::from(997u32);
	let out =
		U256::from(gym) * in_after_fee / (U256::from(usdt) * U256::from(1_000u32) + in_after_fee);
	out.as_u128()
}

/// Dave sells 600,000 GYM to the pool (GYM falls to about $0.039) and the
/// treasury gets 5,000 USDT (it owns and issues USDT on the dev chain).
fn market_falls() {
	let dave = who(Sr25519Keyring::Dave);
	assert_ok!(AssetConversion::swap_exact_tokens_for_tokens(
		signed(&dave),
		vec![Box::new(NativeOrWithId::Native), Box::new(NativeOrWithId::WithId(USDT))],
		600_000 * GYM,
		1,
		dave.clone(),
		true,
	));
	assert_ok!(ForeignAssets::mint(
		signed(&treasury()),
		codec::Compact(USDT),
		MultiAddress::Id(treasury()),
		5_000 * USDT_UNIT
	));
}

#[test]
fn under_the_floor_the_treasury_buys_back_and_burns_through_the_books() {
	dev_chain(|| {
		market_falls();
		let (gym, usdt) = reserves();
		// The pool's price in mils: about 39.
		assert_eq!(usdt * 1_000_000_000_000 * 1_000 / gym, 39);
		feed_all([
			&[(PriceKey::GymUsd, usd_mils(39))],
			&[(PriceKey::GymUsd, usd_mils(40))],
			&[(PriceKey::GymUsd, usd_mils(41))],
		]);
		let expected = gym_out(1_000 * USDT_UNIT, (gym, usdt));
		// The guard: 98% of what $1,000 buys at the median $0.040.
		let min_out = 1_000 * GYM * 1_000 / 40 * 98 / 100;
		assert!(expected >= min_out);
		let (issuance_before, burned_before, minted_before) = (
			issuance(),
			pallet_gym_emission::TotalBurned::<Runtime>::get(),
			pallet_gym_emission::TotalMinted::<Runtime>::get(),
		);
		let treasury_gym = balance(&treasury());
		// Block 11 starts the second 10-block period.
		run_to_block(11);
		let record =
			GymStability::buybacks().pop().unwrap_or_else(|| panic!("{:?}", stability_events()));
		assert_eq!(record.kind, BuybackKind::Periodic);
		assert_eq!(record.usdt_in, 1_000 * USDT_UNIT);
		assert_eq!(record.gym_burned, expected);
		assert_eq!(record.min_out, min_out);
		assert_eq!(ForeignAssets::balance(USDT, treasury()), 4_000 * USDT_UNIT);
		assert_eq!(pallet_gym_emission::TotalBurned::<Runtime>::get(), burned_before + expected);
		// Issuance falls by the burn, less what block 11 minted by the
		// emission's rules (the validators' share of the epoch).
		let minted = pallet_gym_emission::TotalMinted::<Runtime>::get() - minted_before;
		assert_eq!(issuance(), issuance_before + minted - expected);
		assert_eq!(balance(&treasury()), treasury_gym);
		check_invariants();
	});
}

#[test]
fn a_pool_pumped_before_the_buyback_does_not_drain_the_treasury() {
	dev_chain(|| {
		market_falls();
		feed_all([
			&[(PriceKey::GymUsd, usd_mils(39))],
			&[(PriceKey::GymUsd, usd_mils(40))],
			&[(PriceKey::GymUsd, usd_mils(41))],
		]);
		// In the same block, before the ordered buyback, Eve buys GYM with
		// 30,000 USDT: the pool now sells GYM far above $0.039.
		let eve = who(Sr25519Keyring::Eve);
		assert_ok!(AssetConversion::swap_exact_tokens_for_tokens(
			signed(&eve),
			vec![Box::new(NativeOrWithId::WithId(USDT)), Box::new(NativeOrWithId::Native)],
			30_000 * USDT_UNIT,
			1,
			eve.clone(),
			true,
		));
		let quote: Balance = gym_out(1_000 * USDT_UNIT, reserves());
		assert!(quote < 1_000 * GYM * 1_000 / 40 * 98 / 100);
		let burned_before = pallet_gym_emission::TotalBurned::<Runtime>::get();
		assert_noop!(
			GymStability::order_buyback(RuntimeOrigin::root(), 1_000 * USDT_UNIT),
			pallet_gym_stability::Error::<Runtime>::PoolOffOracle
		);
		run_to_block(11);
		assert!(stability_events()
			.contains(&Event::BuybackSkipped { reason: SkipReason::PoolOffOracle }));
		assert!(GymStability::buybacks().is_empty());
		assert_eq!(ForeignAssets::balance(USDT, treasury()), 5_000 * USDT_UNIT);
		assert_eq!(pallet_gym_emission::TotalBurned::<Runtime>::get(), burned_before);
	});
}

#[test]
fn above_the_floor_nothing_is_bought_and_a_strategic_order_is() {
	dev_chain(|| {
		assert_ok!(ForeignAssets::mint(
			signed(&treasury()),
			codec::Compact(USDT),
			MultiAddress::Id(treasury()),
			5_000 * USDT_UNIT
		));
		// The pool and the feeders agree on $0.10, over the $0.05 floor.
		feed_all([
			&[(PriceKey::GymUsd, usd_mils(99))],
			&[(PriceKey::GymUsd, usd_mils(100))],
			&[(PriceKey::GymUsd, usd_mils(101))],
		]);
		run_to_block(21);
		assert!(GymStability::buybacks().is_empty());
		assert_eq!(ForeignAssets::balance(USDT, treasury()), 5_000 * USDT_UNIT);
		let expected = gym_out(500 * USDT_UNIT, reserves());
		let r = GymStability::order_buyback(RuntimeOrigin::root(), 500 * USDT_UNIT);
		assert!(r.is_ok(), "{r:?} {:?}", GymStability::prices());
		let record = GymStability::buybacks().pop().expect("the ordered buyback");
		assert_eq!((record.kind, record.gym_burned), (BuybackKind::Ordered, expected));
		assert_eq!(ForeignAssets::balance(USDT, treasury()), 4_500 * USDT_UNIT);
	});
}

/// The `JobCreated` price of the job Dave creates now.
fn dave_pays_for_a_job() -> Balance {
	let dave = who(Sr25519Keyring::Dave);
	assert_ok!(pallet_compute_mining::Pallet::<Runtime>::create_job(signed(&dave), spec(1)));
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::ComputeMining(pallet_compute_mining::Event::JobCreated {
				origin: JobOrigin::Customer(payer, price),
				..
			}) if payer == dave => Some(price),
			_ => None,
		})
		.expect("a customer job")
}

#[test]
fn a_job_priced_in_dollars_is_charged_at_the_oracle_price_and_falls_back_when_stale() {
	dev_chain(|| {
		feed_all([
			&[(PriceKey::GymUsd, usd_mils(240))],
			&[(PriceKey::GymUsd, usd_mils(250))],
			&[(PriceKey::GymUsd, usd_mils(900))],
		]);
		// $10 at the median $0.25: 40 GYM.
		let dave = who(Sr25519Keyring::Dave);
		let before = balance(&dave);
		assert_eq!(dave_pays_for_a_job(), 40 * GYM);
		assert_eq!(balance(&dave), before - 40 * GYM);
		// An hour later (600 blocks of 6 s) nobody fed again: the price is
		// stale and the job costs the fixed 100 GYM.
		run_to_block(1 + 600);
		System::reset_events();
		assert_eq!(dave_pays_for_a_job(), 100 * GYM);
		assert!(stability_events()
			.contains(&Event::FineTuningFellBack { usd: FixedU128::from_u32(10), gym: 100 * GYM }));
	});
}

#[test]
fn miner_economics_follow_the_feeds() {
	dev_chain(|| {
		let h100 = [
			(PriceKey::GymUsd, usd_mils(100)),
			(PriceKey::KwhUsd, usd_mils(150)),
			(PriceKey::GpuHourUsd(GpuClass::H100), FixedU128::from_u32(2)),
		];
		feed_all([&h100, &h100, &h100]);
		let e = GymStability::miner_economics(GpuClass::H100, 700);
		// A 10-block dev epoch of 6 s blocks is a minute: 1/60 hour.
		let hours = FixedU128::saturating_from_rational(60_000, 3_600_000);
		assert_eq!(e.epoch_blocks, 10);
		assert_eq!(e.epoch_hours, hours);
		// No closed epoch yet: difficulty 1, 1,000 GYM × 1.5.
		assert_eq!(e.difficulty, FixedU128::from_u32(1));
		assert_eq!(e.gym_per_epoch, 1_500 * GYM);
		assert_eq!(e.usd_per_epoch, Some(FixedU128::from_u32(150)));
		assert_eq!(
			e.electricity_usd,
			Some(usd_mils(150) * (FixedU128::from_rational(700, 1_000) * hours))
		);
		assert_eq!(e.gpu_hour_usd, Some(FixedU128::from_u32(2) * hours));
		// The inner values, by hand: 1/60 h is 16,666,666,666,666,666
		// (rounded down); 0.7 kWh/h × that × $0.15.
		assert_eq!(hours.into_inner(), 16_666_666_666_666_666);
		assert_eq!(e.gpu_hour_usd.map(|p| p.into_inner()), Some(33_333_333_333_333_332));
		next_block();
	});
}

#[test]
fn a_key_that_merely_looks_like_a_pallet_account_is_taxed() {
	use crate::configs::stability::ProtocolAccounts;
	use frame_support::traits::Contains;
	dev_chain(|| {
		// The treasury ("modl" + "gym/trsy" + zeros) is exempt...
		assert!(ProtocolAccounts::contains(&treasury()));
		// ...an account someone found a key for whose first bytes are
		// "modl" is not.
		let mut raw = [7u8; 32];
		raw[..4].copy_from_slice(b"modl");
		assert!(!ProtocolAccounts::contains(&AccountId::from(raw)));
		assert!(!ProtocolAccounts::contains(&who(Sr25519Keyring::Bob)));
	});
}

#[test]
fn liquidity_tokens_pay_the_tax_on_the_gym_they_stand_for() {
	dev_chain(|| {
		use frame_support::traits::fungibles::Inspect as _;
		let (alice, dave) = (who(Sr25519Keyring::Alice), who(Sr25519Keyring::Dave));
		// Alice provided the GYM/USDT pool (LP token 1) at genesis.
		let lp = crate::PoolAssets::balance(1, &alice);
		let supply = crate::PoolAssets::total_issuance(1);
		let (gym_reserve, _) = reserves();
		let half = lp / 2;
		let worth = (sp_core::U256::from(half) * sp_core::U256::from(gym_reserve)
			/ sp_core::U256::from(supply))
		.as_u128();
		assert!(worth > 400_000 * GYM, "{worth}");
		let tax = hand_tax(worth, TaxBase::<Runtime>::get());
		let gym_before = balance(&alice);
		let call = RuntimeCall::PoolAssets(pallet_assets::Call::transfer_keep_alive {
			id: 1,
			target: MultiAddress::Id(dave.clone()),
			amount: half,
		});
		assert_ok!(apply(call, Sr25519Keyring::Alice, 0));
		assert_eq!(crate::PoolAssets::balance(1, &dave), half);
		assert!(stability_events().contains(&Event::TransferTaxed {
			who: alice.clone(),
			dest: dave,
			amount: worth,
			tax
		}));
		// The tax (and the fee) came out of her free GYM.
		assert!(gym_before - balance(&alice) > tax);
		assert!(gym_before - balance(&alice) < tax + GYM);
	});
}

#[test]
fn routes_that_pay_someone_else_are_refused() {
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
	dev_chain(|| {
		let (bob, dave) = (who(Sr25519Keyring::Bob), who(Sr25519Keyring::Dave));
		let swap = |to: &AccountId| {
			RuntimeCall::AssetConversion(
				pallet_asset_conversion::Call::swap_exact_tokens_for_tokens {
					path: vec![
						Box::new(NativeOrWithId::Native),
						Box::new(NativeOrWithId::WithId(USDT)),
					],
					amount_in: 100_000 * GYM,
					amount_out_min: 1,
					send_to: to.clone(),
					keep_alive: true,
				},
			)
		};
		let refused = Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(
			pallet_gym_stability::UNTAXED_ROUTE,
		)));
		assert_eq!(
			Executive::apply_extrinsic(signed_tx(swap(&dave), Sr25519Keyring::Bob, 0)),
			refused
		);
		let add = RuntimeCall::AssetConversion(pallet_asset_conversion::Call::add_liquidity {
			asset1: Box::new(NativeOrWithId::Native),
			asset2: Box::new(NativeOrWithId::WithId(USDT)),
			amount1_desired: 10_000 * GYM,
			amount2_desired: 1_000 * USDT_UNIT,
			amount1_min: 1,
			amount2_min: 1,
			mint_to: dave.clone(),
		});
		assert_eq!(Executive::apply_extrinsic(signed_tx(add, Sr25519Keyring::Bob, 0)), refused);
		let approve = RuntimeCall::PoolAssets(pallet_assets::Call::approve_transfer {
			id: 1,
			delegate: MultiAddress::Id(dave.clone()),
			amount: 1,
		});
		assert_eq!(
			Executive::apply_extrinsic(signed_tx(approve, Sr25519Keyring::Alice, 0)),
			refused
		);
		// To oneself, the same swap goes through.
		assert_ok!(apply(swap(&bob), Sr25519Keyring::Bob, 0));
	});
}

#[test]
fn a_reaped_account_takes_its_window_with_it() {
	dev_chain(|| {
		let one = who(Sr25519Keyring::One);
		crate::mining_attack_tests::fund(&one, 20_000 * GYM);
		let call = RuntimeCall::Balances(BalancesCall::transfer_all {
			dest: MultiAddress::Id(who(Sr25519Keyring::Dave)),
			keep_alive: false,
		});
		assert_ok!(apply(call, Sr25519Keyring::One, 0));
		assert!(taxes_paid_by(&one) > 0);
		assert_eq!(balance(&one), 0);
		assert!(Volumes::<Runtime>::get(&one).is_none());
	});
}

/// The pool must not accept a taxed transfer that block building would then
/// refuse for want of the fee (free spam): validation leaves room for the
/// transfer, its tax and the fee together.
#[test]
fn a_transfer_that_leaves_no_room_for_its_fee_is_refused_by_the_pool() {
	use sp_runtime::transaction_validity::{
		InvalidTransaction, TransactionSource, TransactionValidityError,
	};
	dev_chain(|| {
		let one = who(Sr25519Keyring::One);
		let amount = 10_000 * GYM;
		let tax = hand_tax(amount, TaxBase::<Runtime>::get());
		assert!(tax > 0);
		let call = transfer(&who(Sr25519Keyring::Dave), amount);
		// The fee the pool and the block charge first: the whole
		// extrinsic's, as `query_info` estimates it (less the tax it adds).
		let uxt = signed_tx(call.clone(), Sr25519Keyring::One, 0);
		let len = codec::Encode::encoded_size(&uxt) as u32;
		let fee = crate::TransactionPayment::query_info(uxt, len).partial_fee;
		// Enough for the transfer, its tax and the existential deposit, and
		// half the fee.
		crate::mining_attack_tests::fund(&one, amount + tax + crate::EXISTENTIAL_DEPOSIT + fee / 2);
		let validate = |nonce| {
			Executive::validate_transaction(
				TransactionSource::External,
				signed_tx(call.clone(), Sr25519Keyring::One, nonce),
				System::parent_hash(),
			)
		};
		assert_eq!(
			validate(0),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
		);
		// With the whole fee it is valid and pays exactly the tax.
		crate::mining_attack_tests::fund(&one, fee);
		assert!(validate(0).is_ok());
		assert_ok!(apply(call, Sr25519Keyring::One, 0));
		assert_eq!(taxes_paid_by(&one), tax);
	});
}
