//! Foreign assets and GYM-paired pools against the composed runtime, on the
//! dev genesis: the GYM/USDT pool holds 1,000,000 GYM and 100,000 USDT
//! (10^24 and 10^11 units) and has 316,227,766,016,837,933 LP units
//! (`isqrt(10^24 * 10^11)`, 1,000 of them locked in the pool account). Bob
//! holds 1,000,000 GYM, 1,000 wBNB and 1,000,000 USDT.
//!
//! Every expected number is computed by hand in the test (Python's integers
//! for the long ones), not read back from the pallet.

use crate::{
	configs::{
		liquidity::{PoolSetupFee, POOL_ASSET_ACCOUNT_DEPOSIT, USDT, USDT_UNIT, WBNB},
		TreasuryAccount,
	},
	genesis_config_presets::tests::build,
	mining_attack_tests::{balance, signed},
	test_chain::run_to_block,
	tests::check_invariants,
	AccountId, AssetConversion, Balance, Block, ForeignAssets, GymLiquidity, PoolAssets, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, System, GYM,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::NativeOrWithId::{self, Native, WithId},
		fungibles::Inspect as _,
		UnfilteredDispatchable,
	},
};
use pallet_asset_conversion::{
	runtime_decl_for_asset_conversion_api::AssetConversionApiV1, Error, Event,
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::BadOrigin, DispatchError, MultiAddress};

/// The GYM/USDT pool's reserves and LP supply at genesis.
const POOL_GYM: Balance = 1_000_000 * GYM;
const POOL_USDT: Balance = 100_000 * USDT_UNIT;
const POOL_LP: Balance = 316_227_766_016_837_933;
/// The GYM/USDT pool's LP token.
const USDT_LP: u32 = 1;

fn bob() -> AccountId {
	Sr25519Keyring::Bob.to_account_id()
}

fn usdt_of(who: &AccountId) -> Balance {
	ForeignAssets::balance(USDT, who)
}

fn boxed(asset: NativeOrWithId<u32>) -> Box<NativeOrWithId<u32>> {
	Box::new(asset)
}

/// Dispatches `call` as `who` through the runtime's call filter, as a
/// signed transaction would.
fn dispatch(call: pallet_asset_conversion::Call<Runtime>, who: &AccountId) {
	let call = RuntimeCall::AssetConversion(call);
	assert_ok!(sp_runtime::traits::Dispatchable::dispatch(call, signed(who)));
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

/// The dev chain at block 1 (events are recorded from block 1 on).
fn dev_chain(test: impl FnOnce()) {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		test();
		check_invariants();
	});
}

#[test]
fn bob_adds_liquidity_at_the_pool_price_and_removes_it_for_what_rounding_leaves() {
	dev_chain(|| {
		let bob = bob();
		let (gym_before, usdt_before) = (balance(&bob), usdt_of(&bob));

		// Bob offers 10,000 GYM and up to 2,000 USDT: at the pool's price (10
		// GYM per USDT) 10,000 GYM pair with 10^22 * 10^11 / 10^24 = 10^9
		// units, 1,000 USDT, and he keeps the other 1,000.
		dispatch(
			pallet_asset_conversion::Call::add_liquidity {
				asset1: boxed(Native),
				asset2: boxed(WithId(USDT)),
				amount1_desired: 10_000 * GYM,
				amount2_desired: 2_000 * USDT_UNIT,
				amount1_min: 10_000 * GYM,
				amount2_min: 1_000 * USDT_UNIT,
				mint_to: bob.clone(),
			},
			&bob,
		);
		// LP = min(10^22 * L / 10^24, 10^9 * L / 10^11) = floor(L / 100).
		let lp: Balance = 3_162_277_660_168_379;
		assert_eq!(lp, POOL_LP / 100);
		assert_eq!(
			last_event(),
			RuntimeEvent::AssetConversion(Event::LiquidityAdded {
				who: bob.clone(),
				mint_to: bob.clone(),
				pool_id: (Native, WithId(USDT)),
				amount1_provided: 10_000 * GYM,
				amount2_provided: 1_000 * USDT_UNIT,
				lp_token: USDT_LP,
				lp_token_minted: lp,
			})
		);
		assert_eq!(PoolAssets::balance(USDT_LP, &bob), lp);
		assert_eq!(PoolAssets::total_issuance(USDT_LP), POOL_LP + lp);
		assert_eq!(balance(&bob), gym_before - 10_000 * GYM);
		assert_eq!(usdt_of(&bob), usdt_before - 1_000 * USDT_UNIT);
		assert_eq!(
			AssetConversion::get_reserves(Native, WithId(USDT)).ok(),
			Some((POOL_GYM + 10_000 * GYM, POOL_USDT + 1_000 * USDT_UNIT))
		);

		// Removing it all pays lp * reserve / supply of each side, rounded
		// down: with reserves 1.01 * 10^24 and 1.01 * 10^11 and a supply of
		// 319,390,043,677,006,312, that is 9,999.999999999998966780 GYM and
		// 999.999999 USDT. The dust stays in the pool for its other providers.
		let (gym_back, usdt_back): (Balance, Balance) =
			(9_999_999_999_999_998_966_780, 999_999_999);
		dispatch(
			pallet_asset_conversion::Call::remove_liquidity {
				asset1: boxed(Native),
				asset2: boxed(WithId(USDT)),
				lp_token_burn: lp,
				amount1_min_receive: gym_back,
				amount2_min_receive: usdt_back,
				withdraw_to: bob.clone(),
			},
			&bob,
		);
		assert_eq!(
			last_event(),
			RuntimeEvent::AssetConversion(Event::LiquidityRemoved {
				who: bob.clone(),
				withdraw_to: bob.clone(),
				pool_id: (Native, WithId(USDT)),
				amount1: gym_back,
				amount2: usdt_back,
				lp_token: USDT_LP,
				lp_token_burned: lp,
				withdrawal_fee: sp_runtime::Permill::zero(),
			})
		);
		assert_eq!(PoolAssets::balance(USDT_LP, &bob), 0);
		assert_eq!(PoolAssets::total_issuance(USDT_LP), POOL_LP);
		assert_eq!(balance(&bob), gym_before - 10_000 * GYM + gym_back);
		assert_eq!(usdt_of(&bob), usdt_before - 1_000 * USDT_UNIT + usdt_back);
		assert_eq!(
			AssetConversion::get_reserves(Native, WithId(USDT)).ok(),
			Some((POOL_GYM + 10_000 * GYM - gym_back, POOL_USDT + 1_000 * USDT_UNIT - usdt_back))
		);
	});
}

#[test]
fn a_usdt_for_gym_swap_pays_the_quote_of_x_y_k_less_the_fee() {
	dev_chain(|| {
		let bob = bob();
		let (gym_before, usdt_before) = (balance(&bob), usdt_of(&bob));
		let amount_in = 1_000 * USDT_UNIT;

		// x * y = k with 0.3% of the input left to the pool:
		// out = in * 997 * R_gym / (R_usdt * 1000 + in * 997)
		//     = 10^9 * 997 * 10^24 / (10^14 + 9.97 * 10^11)
		//     = 9,871.580343970612988504 GYM (about 1% price impact on top of
		//       the fee: 10,000 GYM at the pool's price).
		let by_hand = amount_in * 997 * POOL_GYM / (POOL_USDT * 1_000 + amount_in * 997);
		assert_eq!(by_hand, 9_871_580_343_970_612_988_504);
		let quote = <Runtime as AssetConversionApiV1<Block, Balance, NativeOrWithId<u32>>>::quote_price_exact_tokens_for_tokens(
			WithId(USDT),
			Native,
			amount_in,
			true,
		);
		assert_eq!(quote, Some(by_hand));
		// The price without the fee: the pool's 10 GYM per USDT.
		assert_eq!(
			AssetConversion::quote_price_exact_tokens_for_tokens(
				WithId(USDT),
				Native,
				amount_in,
				false
			),
			Some(10_000 * GYM)
		);

		dispatch(
			pallet_asset_conversion::Call::swap_exact_tokens_for_tokens {
				path: vec![boxed(WithId(USDT)), boxed(Native)],
				amount_in,
				amount_out_min: by_hand,
				send_to: bob.clone(),
				keep_alive: true,
			},
			&bob,
		);
		assert_eq!(
			last_event(),
			RuntimeEvent::AssetConversion(Event::SwapExecuted {
				who: bob.clone(),
				send_to: bob.clone(),
				amount_in,
				amount_out: by_hand,
				path: vec![(WithId(USDT), amount_in), (Native, by_hand)],
			})
		);
		assert_eq!(balance(&bob), gym_before + by_hand);
		assert_eq!(usdt_of(&bob), usdt_before - amount_in);
		assert_eq!(
			AssetConversion::get_reserves(Native, WithId(USDT)).ok(),
			Some((POOL_GYM - by_hand, POOL_USDT + amount_in))
		);
		// k grew by the fee: the LP supply did not change.
		assert_eq!(PoolAssets::total_issuance(USDT_LP), POOL_LP);
	});
}

#[test]
fn bad_pool_inputs_fail_by_name_and_change_nothing() {
	use pallet_asset_conversion::Pallet as Pools;
	dev_chain(|| {
		let bob = bob();
		// No pool pairs two foreign assets.
		assert_noop!(
			Pools::<Runtime>::create_pool(signed(&bob), boxed(WithId(WBNB)), boxed(WithId(USDT))),
			Error::<Runtime>::InvalidAssetPair
		);
		assert_noop!(
			Pools::<Runtime>::add_liquidity(
				signed(&bob),
				boxed(WithId(WBNB)),
				boxed(WithId(USDT)),
				GYM,
				USDT_UNIT,
				0,
				0,
				bob.clone()
			),
			Error::<Runtime>::InvalidAssetPair
		);
		assert_noop!(
			Pools::<Runtime>::swap_exact_tokens_for_tokens(
				signed(&bob),
				vec![boxed(WithId(WBNB)), boxed(WithId(USDT))],
				GYM,
				1,
				bob.clone(),
				true
			),
			Error::<Runtime>::InvalidAssetPair
		);
		// Both genesis pools exist, whichever order the assets are named in.
		assert_noop!(
			Pools::<Runtime>::create_pool(signed(&bob), boxed(Native), boxed(WithId(USDT))),
			Error::<Runtime>::PoolExists
		);
		assert_noop!(
			Pools::<Runtime>::create_pool(signed(&bob), boxed(WithId(WBNB)), boxed(Native)),
			Error::<Runtime>::PoolExists
		);
		// Zero amounts.
		assert_noop!(
			Pools::<Runtime>::add_liquidity(
				signed(&bob),
				boxed(Native),
				boxed(WithId(USDT)),
				0,
				USDT_UNIT,
				0,
				0,
				bob.clone()
			),
			Error::<Runtime>::WrongDesiredAmount
		);
		assert_noop!(
			Pools::<Runtime>::add_liquidity(
				signed(&bob),
				boxed(Native),
				boxed(WithId(USDT)),
				GYM,
				0,
				0,
				0,
				bob.clone()
			),
			Error::<Runtime>::WrongDesiredAmount
		);
		assert_noop!(
			Pools::<Runtime>::swap_exact_tokens_for_tokens(
				signed(&bob),
				vec![boxed(WithId(USDT)), boxed(Native)],
				0,
				1,
				bob.clone(),
				true
			),
			Error::<Runtime>::ZeroAmount
		);
		assert_noop!(
			Pools::<Runtime>::swap_tokens_for_exact_tokens(
				signed(&bob),
				vec![boxed(WithId(USDT)), boxed(Native)],
				0,
				USDT_UNIT,
				bob.clone(),
				true
			),
			Error::<Runtime>::ZeroAmount
		);
		// Slippage: 1,000 USDT buy 9,871.58... GYM, not 9,900.
		assert_noop!(
			Pools::<Runtime>::swap_exact_tokens_for_tokens(
				signed(&bob),
				vec![boxed(WithId(USDT)), boxed(Native)],
				1_000 * USDT_UNIT,
				9_900 * GYM,
				bob.clone(),
				true
			),
			Error::<Runtime>::ProvidedMinimumNotSufficientForSwap
		);
		// ...and 10,000 GYM pair with 1,000 USDT, not the 1,500 Bob insists on.
		assert_noop!(
			Pools::<Runtime>::add_liquidity(
				signed(&bob),
				boxed(Native),
				boxed(WithId(USDT)),
				10_000 * GYM,
				2_000 * USDT_UNIT,
				0,
				1_500 * USDT_UNIT,
				bob.clone()
			),
			Error::<Runtime>::AssetTwoDepositDidNotMeetMinimum
		);
		// A swap crosses at most two pools (three assets).
		assert_noop!(
			Pools::<Runtime>::swap_exact_tokens_for_tokens(
				signed(&bob),
				vec![boxed(WithId(USDT)), boxed(Native), boxed(WithId(WBNB)), boxed(Native)],
				USDT_UNIT,
				1,
				bob.clone(),
				true
			),
			Error::<Runtime>::InvalidPath
		);
		// Removing no LP.
		assert_noop!(
			Pools::<Runtime>::remove_liquidity(
				signed(&bob),
				boxed(Native),
				boxed(WithId(USDT)),
				0,
				0,
				0,
				bob.clone()
			),
			Error::<Runtime>::ZeroLiquidity
		);
	});
}

#[test]
fn only_root_creates_foreign_assets_and_appoints_their_issuer() {
	dev_chain(|| {
		let bob = bob();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let new_asset: u32 = 3;
		// Nobody creates by `create`, Root included; a signed `force_create`
		// is refused too.
		assert_noop!(
			ForeignAssets::create(signed(&bob), new_asset.into(), MultiAddress::Id(bob.clone()), 1),
			BadOrigin
		);
		assert_noop!(
			ForeignAssets::create(
				RuntimeOrigin::root(),
				new_asset.into(),
				MultiAddress::Id(bob.clone()),
				1
			),
			BadOrigin
		);
		assert_noop!(
			ForeignAssets::force_create(
				signed(&bob),
				new_asset.into(),
				MultiAddress::Id(bob.clone()),
				true,
				1
			),
			BadOrigin
		);
		assert_ok!(ForeignAssets::force_create(
			RuntimeOrigin::root(),
			new_asset.into(),
			MultiAddress::Id(bob.clone()),
			true,
			1
		));
		assert!(ForeignAssets::asset_exists(new_asset));

		// The genesis assets' owner is the keyless treasury: nobody mints
		// USDT until Root appoints an issuer.
		assert_noop!(
			ForeignAssets::mint(signed(&bob), USDT.into(), MultiAddress::Id(charlie.clone()), 5),
			pallet_assets::Error::<Runtime, frame_support::instances::Instance1>::NoPermission
		);
		let force_status = |issuer: &AccountId| pallet_assets::Call::<
			Runtime,
			frame_support::instances::Instance1,
		>::force_asset_status {
			id: USDT.into(),
			owner: MultiAddress::Id(TreasuryAccount::get()),
			issuer: MultiAddress::Id(issuer.clone()),
			admin: MultiAddress::Id(TreasuryAccount::get()),
			freezer: MultiAddress::Id(TreasuryAccount::get()),
			min_balance: crate::configs::liquidity::USDT_MIN_BALANCE,
			is_sufficient: true,
			is_frozen: false,
		};
		assert_eq!(
			force_status(&bob).dispatch_bypass_filter(signed(&bob)).map_err(|e| e.error),
			Err(DispatchError::BadOrigin)
		);
		assert_ok!(force_status(&bob).dispatch_bypass_filter(RuntimeOrigin::root()));
		let before = usdt_of(&charlie);
		assert_ok!(ForeignAssets::mint(
			signed(&bob),
			USDT.into(),
			MultiAddress::Id(charlie.clone()),
			5 * USDT_UNIT
		));
		assert_eq!(usdt_of(&charlie), before + 5 * USDT_UNIT);
	});
}

#[test]
fn a_new_gym_pool_costs_its_creator_the_setup_fee_paid_to_the_treasury() {
	dev_chain(|| {
		let bob = bob();
		let new_asset: u32 = 3;
		assert_ok!(ForeignAssets::force_create(
			RuntimeOrigin::root(),
			new_asset.into(),
			MultiAddress::Id(TreasuryAccount::get()),
			true,
			1
		));
		let (bob_before, treasury_before) = (balance(&bob), balance(&TreasuryAccount::get()));
		dispatch(
			pallet_asset_conversion::Call::create_pool {
				asset1: boxed(WithId(new_asset)),
				asset2: boxed(Native),
			},
			&bob,
		);
		// 10 GYM to the treasury, and 0.01 GYM reserved for the pool
		// account's LP token account (the next LP token: 2).
		assert_eq!(PoolSetupFee::get(), 10 * GYM);
		assert_eq!(balance(&TreasuryAccount::get()), treasury_before + 10 * GYM);
		assert_eq!(balance(&bob), bob_before - 10 * GYM - POOL_ASSET_ACCOUNT_DEPOSIT);
		assert_eq!(
			pallet_asset_conversion::Pools::<Runtime>::get((Native, WithId(new_asset)))
				.map(|p| p.lp_token),
			Some(2)
		);
		// The pool is empty until someone adds liquidity.
		assert_eq!(
			AssetConversion::get_reserves(Native, WithId(new_asset)).map_err(DispatchError::from),
			Err(Error::<Runtime>::PoolEmpty.into())
		);
	});
}

// ---- farms (`pallet-gym-liquidity`) -----------------------------------------

/// The GYM-USDT LP farm.
const USDT_FARM: u32 = 1;

/// `a × b / c` rounded down, in 256 bits (the products overflow `u128`).
fn mul_div(a: Balance, b: Balance, c: Balance) -> Balance {
	use sp_core::U256;
	(U256::from(a) * U256::from(b) / U256::from(c)).as_u128()
}

/// Bob adds 10,000 GYM and 1,000 USDT to GYM/USDT (its LP, as above) and
/// stakes all of it in the GYM-USDT farm. Returns his LP.
fn bob_farms_usdt_lp() -> Balance {
	let bob = bob();
	dispatch(
		pallet_asset_conversion::Call::add_liquidity {
			asset1: boxed(Native),
			asset2: boxed(WithId(USDT)),
			amount1_desired: 10_000 * GYM,
			amount2_desired: 1_000 * USDT_UNIT,
			amount1_min: 10_000 * GYM,
			amount2_min: 1_000 * USDT_UNIT,
			mint_to: bob.clone(),
		},
		&bob,
	);
	let lp = PoolAssets::balance(USDT_LP, &bob);
	assert_eq!(lp, POOL_LP / 100);
	assert_ok!(GymLiquidity::stake(signed(&bob), USDT_FARM, lp));
	lp
}

/// The loop on the dev chain (10-block periods): Bob farms his
/// GYM-USDT LP from block 1; revenue of 10,000 GYM paid in period 0 is
/// split at block 11, and its liquidity providers' 15% reaches the farms'
/// pot before the farms' rates are set in the same block. The rate of
/// period 1 is the target 200% of the value of Bob's LP, by hand:
/// - value = 2 × LP × R_GYM / supply, with R_GYM = 1,010,000 GYM;
/// - need = value × 20,000 × 10 / (10,000 × 5,256,000), rate = need / 10.
///
/// At block 21 Bob claims the period's pay: the accumulator's step is
/// `10 × rate / LP` rounded down to 10⁻¹⁸, times his LP, rounded down.
#[test]
fn revenue_funds_the_farms_and_a_farmed_lp_position_earns_its_target_apr() {
	use pallet_revenue_split::RevenueSource;
	dev_chain(|| {
		let bob = bob();
		let pot = GymLiquidity::pot_account();
		assert_eq!(balance(&pot), 0);
		let lp = bob_farms_usdt_lp();
		let payer = Sr25519Keyring::Charlie.to_account_id();
		assert_ok!(pallet_revenue_split::Pallet::<Runtime>::pay_revenue(
			signed(&payer),
			RevenueSource::InferenceFees,
			10_000 * GYM
		));
		run_to_block(11);
		let record = pallet_revenue_split::History::<Runtime>::get(0).expect("period 0 closed");
		// 15% of the pot (10,000 GYM less the pot account's existential
		// deposit, kept by the first payment).
		assert_eq!(record.liquidity_providers, record.pot * 15 / 100);
		assert!(record.liquidity_providers > 1_499 * GYM);
		assert_eq!(balance(&pot), record.liquidity_providers);

		let supply = POOL_LP + lp;
		let value = 2 * mul_div(lp, POOL_GYM + 10_000 * GYM, supply);
		let need = value * 20_000 * 10 / (10_000 * 5_256_000);
		let rate = need / 10;
		let farm = pallet_gym_liquidity::Farms::<Runtime>::get(USDT_FARM).expect("farm 1");
		assert_eq!((farm.rate, farm.reserved), (rate, rate * 10));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::GymLiquidity(pallet_gym_liquidity::Event::RateSet {
				farm: USDT_FARM,
				period: 1,
				value,
				target_apr: 20_000,
				rate,
				reserved: rate * 10,
			})));
		// About 20,000 GYM of value: 0.076 GYM an hour... of the dev chain's
		// 10-block periods.
		assert!(value.abs_diff(20_000 * GYM) < GYM);
		let view = &GymLiquidity::farms()[USDT_FARM as usize];
		assert_eq!((view.staked_value, view.rate, view.target_apr), (value, rate, 20_000));
		assert!(20_000 - view.current_apr <= 1);

		run_to_block(21);
		let step = rate * 10 * 1_000_000_000_000_000_000 / lp;
		let paid = step * lp / 1_000_000_000_000_000_000;
		let claimable = GymLiquidity::positions(&bob)[USDT_FARM as usize].claimable;
		assert_eq!(claimable, paid);
		let before = balance(&bob);
		assert_ok!(GymLiquidity::claim(signed(&bob), USDT_FARM));
		assert_eq!(balance(&bob) - before, paid);
		// The pot paid it: it holds what periods 0 and 1 sent it (period 0's
		// miners' 40% had no miner and was split again in period 1), less.
		let second = pallet_revenue_split::History::<Runtime>::get(1).expect("period 1 closed");
		assert_eq!(balance(&pot), record.liquidity_providers + second.liquidity_providers - paid);
	});
}

/// With nothing in the farms' pot, a farm pays nothing and refuses nothing
/// else: stake, unstake and LP transfers afterwards all work.
#[test]
fn a_farm_with_an_empty_pot_pays_nothing_and_refuses_nothing_else() {
	dev_chain(|| {
		let bob = bob();
		let lp = bob_farms_usdt_lp();
		run_to_block(31);
		assert_eq!(pallet_gym_liquidity::Farms::<Runtime>::get(USDT_FARM).unwrap().rate, 0);
		assert_noop!(
			GymLiquidity::claim(signed(&bob), USDT_FARM),
			pallet_gym_liquidity::Error::<Runtime>::NothingToClaim
		);
		assert_ok!(GymLiquidity::unstake(signed(&bob), USDT_FARM, lp));
		assert_ok!(GymLiquidity::stake(signed(&bob), USDT_FARM, lp / 2));
		assert_ok!(GymLiquidity::unstake(signed(&bob), USDT_FARM, lp / 2));
		assert_eq!(balance(&GymLiquidity::pot_account()), 0);
	});
}

/// LP tokens in a farm stay frozen in Bob's account: he can neither
/// transfer them nor burn them for the pool's assets until he unstakes.
/// Bad farm inputs get named errors.
#[test]
fn farmed_lp_cannot_be_transferred_or_withdrawn_from_the_pool() {
	dev_chain(|| {
		let bob = bob();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let lp = bob_farms_usdt_lp();
		assert_eq!(PoolAssets::balance(USDT_LP, &bob), lp);
		assert_noop!(
			PoolAssets::transfer(signed(&bob), USDT_LP, MultiAddress::Id(charlie.clone()), 1),
			pallet_assets::Error::<Runtime, frame_support::instances::Instance2>::BalanceLow
		);
		let remove = |amount| {
			RuntimeCall::AssetConversion(pallet_asset_conversion::Call::remove_liquidity {
				asset1: boxed(Native),
				asset2: boxed(WithId(USDT)),
				lp_token_burn: amount,
				amount1_min_receive: 1,
				amount2_min_receive: 1,
				withdraw_to: bob.clone(),
			})
		};
		assert!(sp_runtime::traits::Dispatchable::dispatch(remove(lp), signed(&bob)).is_err());
		assert_eq!(PoolAssets::balance(USDT_LP, &bob), lp);
		// Bad inputs.
		assert_noop!(
			GymLiquidity::stake(signed(&bob), USDT_FARM, 0),
			pallet_gym_liquidity::Error::<Runtime>::ZeroAmount
		);
		assert_noop!(
			GymLiquidity::stake(signed(&bob), 9, 1),
			pallet_gym_liquidity::Error::<Runtime>::UnknownFarm
		);
		assert_noop!(
			GymLiquidity::stake(signed(&bob), USDT_FARM, 1),
			pallet_gym_liquidity::Error::<Runtime>::InsufficientBalance
		);
		assert_noop!(
			GymLiquidity::unstake(signed(&bob), USDT_FARM, lp + 1),
			pallet_gym_liquidity::Error::<Runtime>::NotEnoughStaked
		);
		assert_noop!(
			GymLiquidity::create_farm(RuntimeOrigin::root(), Some(WBNB), Default::default()),
			pallet_gym_liquidity::Error::<Runtime>::FarmExists
		);
		assert_noop!(
			GymLiquidity::create_farm(RuntimeOrigin::root(), Some(77), Default::default()),
			pallet_gym_liquidity::Error::<Runtime>::NoSuchPool
		);
		// Unstaked, they move and burn again.
		assert_ok!(GymLiquidity::unstake(signed(&bob), USDT_FARM, lp));
		assert_ok!(PoolAssets::transfer(
			signed(&bob),
			USDT_LP,
			MultiAddress::Id(charlie.clone()),
			lp / 2
		));
		assert_ok!(sp_runtime::traits::Dispatchable::dispatch(remove(lp / 2), signed(&bob)));
	});
}

/// Governance counts the GYM the LP tokens stand for at 0.5: Alice holds
/// both genesis pools' LP but the 1,000 units locked in each, so her GYM in
/// LP is `(L − 1,000) × 10^24 / L` per pool, rounded down; farming part of
/// it changes nothing.
#[test]
fn governance_counts_the_gym_in_lp_at_half() {
	use gym_primitives::traits::LiquidityGym;
	dev_chain(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let wbnb_lp: Balance = 12_649_110_640_673_517_327_995;
		let expected = mul_div(wbnb_lp - 1_000, POOL_GYM, wbnb_lp)
			+ mul_div(POOL_LP - 1_000, POOL_GYM, POOL_LP);
		let counted = GymLiquidity::gym_in_lp(&alice);
		assert_eq!(counted, expected);
		assert_eq!(GymLiquidity::total_gym_in_lp(), 2 * POOL_GYM);
		assert_eq!(crate::GymGovernance::power_of(&alice), counted / 2);
		let alice_lp = PoolAssets::balance(USDT_LP, &alice);
		assert_ok!(GymLiquidity::stake(signed(&alice), USDT_FARM, alice_lp));
		assert_eq!(GymLiquidity::gym_in_lp(&alice), counted);
		assert_eq!(crate::GymGovernance::power_of(&bob()), 0);
	});
}

/// The flash stake on the real runtime (dev chain, 10-block periods): Bob
/// keeps 1,000 GYM in the single-stake farm; Dave stakes 900,000 GYM in the
/// last block of period 0, so that the rate of period 1 would be set for
/// 901,000 GYM, and unstakes in the block that sets it, leaving Bob a rate
/// meant for 901 times his stake. The rate follows period 0's average stake
/// instead, `(1,000 × 10 + 900,000 × 1) / 10` = 91,000 GYM, and Dave, staked
/// only in a period that paid nothing, has nothing to claim.
#[test]
fn a_stake_parked_for_the_rate_setting_block_counts_for_one_block() {
	use pallet_revenue_split::RevenueSource;
	const GYM_FARM: u32 = 2;
	dev_chain(|| {
		let bob = bob();
		let dave = Sr25519Keyring::Dave.to_account_id();
		let payer = Sr25519Keyring::Charlie.to_account_id();
		assert_ok!(pallet_revenue_split::Pallet::<Runtime>::pay_revenue(
			signed(&payer),
			RevenueSource::InferenceFees,
			10_000 * GYM
		));
		assert_ok!(GymLiquidity::stake(signed(&bob), GYM_FARM, 1_000 * GYM));
		run_to_block(10);
		assert_ok!(GymLiquidity::stake(signed(&dave), GYM_FARM, 900_000 * GYM));
		run_to_block(11);
		assert_ok!(GymLiquidity::unstake(signed(&dave), GYM_FARM, 900_000 * GYM));
		// 100% of 91,000 GYM for 10 blocks of a 5,256,000-block year, per block.
		let rate = 91_000 * GYM * 10 / 5_256_000 / 10;
		let farm = pallet_gym_liquidity::Farms::<Runtime>::get(GYM_FARM).expect("farm 2");
		assert_eq!((farm.rate, farm.total_staked), (rate, 1_000 * GYM));
		// Not the spot stake's rate.
		assert!(farm.rate * 9 < 901_000 * GYM * 10 / 5_256_000 / 10);
		run_to_block(21);
		assert_noop!(
			GymLiquidity::claim(signed(&dave), GYM_FARM),
			pallet_gym_liquidity::Error::<Runtime>::NothingToClaim
		);
		// Bob, alone for period 1, is paid its whole rate: 10 × rate, less
		// the accumulator's rounding to 10⁻¹⁸ GYM per staked GYM.
		let step = rate * 10 * 1_000_000_000_000_000_000 / (1_000 * GYM);
		let before = balance(&bob);
		assert_ok!(GymLiquidity::claim(signed(&bob), GYM_FARM));
		assert_eq!(balance(&bob) - before, step * (1_000 * GYM) / 1_000_000_000_000_000_000);
	});
}
