//! Paid inference: channels, cumulative receipts, settlement to the planck,
//! replay protection, withdrawal.

use super::*;
use frame_support::{assert_noop, assert_ok};
use gym_primitives::{products::ReceiptPayload, revenue::RevenueSource, GYM};

/// Bob's endpoint.
const ENDPOINT: &[u8] = b"https://bob.example/v1";

/// Registers bob and charlie as providers.
fn providers() {
	assert_ok!(GymProducts::register_provider(signed(&bob()), GYM / 1_000, ENDPOINT.to_vec()));
	assert_ok!(GymProducts::register_provider(signed(&charlie()), GYM / 500, b"c".to_vec()));
}

/// Registers the providers and opens `customer`'s channel with bob with
/// 100 GYM.
fn open(customer: &AccountId) {
	providers();
	assert_ok!(GymProducts::deposit(signed(customer), bob(), 100 * GYM));
}

/// Settles `receipts` as bob.
fn settle(receipts: Vec<SignedReceipt<AccountId, MultiSignature>>) -> sp_runtime::DispatchResult {
	GymProducts::settle_receipts(signed(&bob()), batch(receipts))
}

#[test]
fn a_provider_registers_with_an_endpoint() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			GymProducts::register_provider(signed(&bob()), GYM, Vec::new()),
			Error::<Test>::BadEndpoint
		);
		assert_noop!(
			GymProducts::register_provider(signed(&bob()), GYM, vec![b'a'; 65]),
			Error::<Test>::BadEndpoint
		);
		assert_ok!(GymProducts::register_provider(signed(&bob()), GYM, vec![b'a'; 64]));
		assert_ok!(GymProducts::register_provider(signed(&bob()), 2 * GYM, ENDPOINT.to_vec()));
		System::assert_last_event(
			Event::ProviderRegistered {
				provider: bob(),
				price_per_call: 2 * GYM,
				endpoint: ENDPOINT.to_vec().try_into().unwrap(),
			}
			.into(),
		);
		let info = Providers::<Test>::get(bob()).unwrap();
		assert_eq!((info.price_per_call, info.endpoint.into_inner()), (2 * GYM, ENDPOINT.to_vec()));
	});
}

#[test]
fn a_deposit_opens_a_channel_and_tops_it_up() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			GymProducts::deposit(signed(&alice()), bob(), 100 * GYM),
			Error::<Test>::UnknownProvider
		);
		providers();
		assert_noop!(
			GymProducts::deposit(signed(&alice()), bob(), MIN_PRICE - 1),
			Error::<Test>::PriceTooLow
		);
		assert_ok!(GymProducts::deposit(signed(&alice()), bob(), 100 * GYM));
		System::assert_last_event(
			Event::Deposited { customer: alice(), provider: bob(), amount: 100 * GYM, nonce: 0 }
				.into(),
		);
		assert_eq!(
			GymProducts::channel(&alice(), &bob()),
			Some(Channel { nonce: 0, deposit: 100 * GYM, settled: 0, unlock_at: None })
		);
		assert_eq!(balance(&alice()), START - 100 * GYM);
		assert_eq!(balance(&pallet_account()), ED + 100 * GYM);
		assert_eq!(Escrow::<Test>::get(), 100 * GYM);
		// A top-up cancels a withdrawal request.
		assert_ok!(GymProducts::request_withdrawal(signed(&alice()), bob()));
		assert_ok!(GymProducts::deposit(signed(&alice()), bob(), 50 * GYM));
		assert_eq!(
			GymProducts::channel(&alice(), &bob()),
			Some(Channel { nonce: 0, deposit: 150 * GYM, settled: 0, unlock_at: None })
		);
		assert_eq!(Escrow::<Test>::get(), 150 * GYM);
		// A deposit the customer cannot make changes nothing.
		assert!(GymProducts::deposit(signed(&alice()), bob(), START).is_err());
		assert_eq!(Escrow::<Test>::get(), 150 * GYM);
	});
}

#[test]
fn settlement_pays_exactly_20_percent_to_revenue_and_80_to_the_provider() {
	ExtBuilder::default().build_and_execute(|| {
		open(&alice());
		let alice_key = pair("Alice");
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 0, 10 * GYM + 3)]));
		// 20% of 10 GYM + 3 planck: 2 GYM (0.6 planck rounded down).
		System::assert_last_event(
			Event::ReceiptSettled {
				provider: bob(),
				customer: alice(),
				amount: 10 * GYM + 3,
				fee: 2 * GYM,
				cumulative: 10 * GYM + 3,
			}
			.into(),
		);
		assert_eq!(balance(&bob()), START + 8 * GYM + 3);
		assert_eq!(revenue(RevenueSource::InferenceFees), 2 * GYM);
		// The next receipt pays what it adds: 15 GYM + 6 planck, whose 20%
		// is 3 GYM + 1 planck (1.2 rounded down).
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 0, 25 * GYM + 9)]));
		System::assert_last_event(
			Event::ReceiptSettled {
				provider: bob(),
				customer: alice(),
				amount: 15 * GYM + 6,
				fee: 3 * GYM + 1,
				cumulative: 25 * GYM + 9,
			}
			.into(),
		);
		assert_eq!(balance(&bob()), START + 20 * GYM + 8);
		assert_eq!(revenue(RevenueSource::InferenceFees), 5 * GYM + 1);
		assert_eq!(balance(&alice()), START - 100 * GYM);
		assert_eq!(Escrow::<Test>::get(), 75 * GYM - 9);
		assert_eq!(balance(&pallet_account()), ED + 75 * GYM - 9);
		assert_eq!(GymProducts::channel(&alice(), &bob()).map(|c| c.settled), Some(25 * GYM + 9));
		// A receipt of a few planck: its fee rounds to nothing.
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 0, 25 * GYM + 13)]));
		assert_eq!(balance(&bob()), START + 20 * GYM + 12);
		assert_eq!(revenue(RevenueSource::InferenceFees), 5 * GYM + 1);
	});
}

#[test]
fn a_receipt_is_never_settled_twice() {
	ExtBuilder::default().build_and_execute(|| {
		open(&alice());
		let alice_key = pair("Alice");
		let thirty = receipt(&alice_key, &bob(), 0, 30 * GYM);
		assert_ok!(settle(vec![thirty.clone()]));
		assert_noop!(settle(vec![thirty]), Error::<Test>::ReceiptAlreadySettled);
		// An older receipt after a newer one.
		assert_noop!(
			settle(vec![receipt(&alice_key, &bob(), 0, 20 * GYM)]),
			Error::<Test>::ReceiptAlreadySettled
		);
		assert_eq!(balance(&bob()), START + 24 * GYM);
		assert_eq!(revenue(RevenueSource::InferenceFees), 6 * GYM);
	});
}

#[test]
fn a_receipt_over_the_deposit_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		open(&alice());
		let alice_key = pair("Alice");
		assert_noop!(
			settle(vec![receipt(&alice_key, &bob(), 0, 100 * GYM + 1)]),
			Error::<Test>::ReceiptExceedsDeposit
		);
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 0, 100 * GYM)]));
		assert_eq!(Escrow::<Test>::get(), 0);
		assert_eq!(balance(&pallet_account()), ED);
		// A top-up makes room for more.
		assert_ok!(GymProducts::deposit(signed(&alice()), bob(), 10 * GYM));
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 0, 110 * GYM)]));
		assert_eq!(balance(&bob()), START + 88 * GYM);
	});
}

#[test]
fn a_receipt_for_another_provider_chain_or_signer_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		open(&alice());
		assert_ok!(GymProducts::deposit(signed(&alice()), charlie(), 100 * GYM));
		let alice_key = pair("Alice");
		// Signed for charlie, settled by bob on bob's channel.
		assert_noop!(
			settle(vec![receipt(&alice_key, &charlie(), 0, 10 * GYM)]),
			Error::<Test>::BadSignature
		);
		// Signed on another chain.
		assert_noop!(
			settle(vec![receipt_on([1; 32], &alice_key, &bob(), 0, 10 * GYM)]),
			Error::<Test>::BadSignature
		);
		// Signed by dave in alice's name.
		let mut forged = receipt(&pair("Dave"), &bob(), 0, 10 * GYM);
		forged.customer = alice();
		assert_noop!(settle(vec![forged]), Error::<Test>::BadSignature);
		// A total other than the signed one.
		let mut raised = receipt(&alice_key, &bob(), 0, 10 * GYM);
		raised.cumulative = 90 * GYM;
		assert_noop!(settle(vec![raised]), Error::<Test>::BadSignature);
		// Charlie settles its own receipt on its own channel.
		assert_ok!(GymProducts::settle_receipts(
			signed(&charlie()),
			batch(vec![receipt(&alice_key, &charlie(), 0, 10 * GYM)])
		));
		assert_eq!(balance(&charlie()), START + 8 * GYM);
	});
}

#[test]
fn an_old_receipt_is_refused_after_the_channel_reopens() {
	ExtBuilder::default().build_and_execute(|| {
		open(&alice());
		let alice_key = pair("Alice");
		let old = receipt(&alice_key, &bob(), 0, 50 * GYM);
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 0, 10 * GYM)]));
		assert_ok!(GymProducts::request_withdrawal(signed(&alice()), bob()));
		run_to(1 + GRACE);
		assert_ok!(GymProducts::withdraw(signed(&alice()), bob()));
		assert_eq!(ChannelNonces::<Test>::get(alice(), bob()), 1);
		assert_ok!(GymProducts::deposit(signed(&alice()), bob(), 100 * GYM));
		System::assert_last_event(
			Event::Deposited { customer: alice(), provider: bob(), amount: 100 * GYM, nonce: 1 }
				.into(),
		);
		assert_noop!(settle(vec![old.clone()]), Error::<Test>::StaleReceipt);
		// The old signature under the new nonce does not verify.
		let mut renumbered = old;
		renumbered.nonce = 1;
		assert_noop!(settle(vec![renumbered]), Error::<Test>::BadSignature);
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 1, 50 * GYM)]));
		assert_eq!(balance(&bob()), START + 8 * GYM + 40 * GYM);
	});
}

#[test]
fn a_bad_receipt_in_a_batch_settles_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		open(&alice());
		assert_ok!(GymProducts::deposit(signed(&dave()), bob(), 100 * GYM));
		assert_ok!(GymProducts::deposit(signed(&eve()), bob(), 20 * GYM));
		let good = |name, amount| receipt(&pair(name), &bob(), 0, amount);
		assert_noop!(
			settle(vec![good("Alice", 10 * GYM), good("Dave", 20 * GYM), good("Eve", 30 * GYM)]),
			Error::<Test>::ReceiptExceedsDeposit
		);
		assert_noop!(
			settle(vec![good("Alice", 10 * GYM), good("Alice", 20 * GYM)]),
			Error::<Test>::DuplicateCustomer
		);
		assert_noop!(
			settle(vec![good("Alice", 10 * GYM), good("Charlie", 20 * GYM)]),
			Error::<Test>::NoChannel
		);
		assert_noop!(settle(vec![]), Error::<Test>::NoReceipts);
		assert_ok!(settle(vec![
			good("Alice", 10 * GYM),
			good("Dave", 20 * GYM),
			good("Eve", 20 * GYM)
		]));
		assert_eq!(balance(&bob()), START + 40 * GYM);
		assert_eq!(revenue(RevenueSource::InferenceFees), 10 * GYM);
		assert_eq!(Escrow::<Test>::get(), 170 * GYM);
	});
}

#[test]
fn withdrawal_waits_the_grace_and_refunds_only_the_unsettled() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			GymProducts::request_withdrawal(signed(&alice()), bob()),
			Error::<Test>::NoChannel
		);
		assert_noop!(GymProducts::withdraw(signed(&alice()), bob()), Error::<Test>::NoChannel);
		open(&alice());
		let alice_key = pair("Alice");
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 0, 30 * GYM + 1)]));
		assert_noop!(
			GymProducts::withdraw(signed(&alice()), bob()),
			Error::<Test>::WithdrawalNotRequested
		);
		assert_ok!(GymProducts::request_withdrawal(signed(&alice()), bob()));
		System::assert_last_event(
			Event::WithdrawalRequested { customer: alice(), provider: bob(), unlock_at: 11 }.into(),
		);
		// The provider settles its newest receipt within the grace.
		run_to(5);
		assert_ok!(settle(vec![receipt(&alice_key, &bob(), 0, 40 * GYM)]));
		run_to(10);
		assert_noop!(GymProducts::withdraw(signed(&alice()), bob()), Error::<Test>::NotUnlocked);
		run_to(11);
		assert_ok!(GymProducts::withdraw(signed(&alice()), bob()));
		System::assert_last_event(
			Event::Withdrawn { customer: alice(), provider: bob(), refund: 60 * GYM }.into(),
		);
		assert_eq!(balance(&alice()), START - 40 * GYM);
		// 30 GYM + 1 paid a fee of 6 GYM (0.2 planck rounded down), the
		// next 10 GYM − 1 planck one of 2 GYM − 1 (1,999,999,999,999,999,999.8
		// rounded down): each settlement rounds in the provider's favour.
		assert_eq!(balance(&bob()), START + 32 * GYM + 1);
		assert_eq!(revenue(RevenueSource::InferenceFees), 8 * GYM - 1);
		assert_eq!(GymProducts::channel(&alice(), &bob()), None);
		assert_eq!(Escrow::<Test>::get(), 0);
		assert_eq!(balance(&pallet_account()), ED);
		// A receipt after the close finds no channel.
		assert_noop!(
			settle(vec![receipt(&alice_key, &bob(), 0, 50 * GYM)]),
			Error::<Test>::NoChannel
		);
	});
}

#[test]
fn a_polkadot_js_wrapped_receipt_is_accepted() {
	ExtBuilder::default().build_and_execute(|| {
		open(&alice());
		let alice_key = pair("Alice");
		let payload = ReceiptPayload {
			genesis_hash: GENESIS,
			provider: bob(),
			customer: alice(),
			nonce: 0,
			cumulative: 5 * GYM,
		};
		let signature = MultiSignature::Sr25519(sp_core::Pair::sign(
			&alice_key,
			&payload.wrapped_signing_bytes(),
		));
		assert_ok!(settle(vec![SignedReceipt {
			customer: alice(),
			nonce: 0,
			cumulative: 5 * GYM,
			signature,
		}]));
		assert_eq!(balance(&bob()), START + 4 * GYM);
	});
}

#[test]
fn the_receipt_payload_is_what_the_customer_signs() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(GymProducts::genesis_hash(), GENESIS);
		assert_eq!(GymProducts::receipt_payload(&alice(), &bob(), GYM), None);
		open(&alice());
		let expected = ReceiptPayload {
			genesis_hash: GENESIS,
			provider: bob(),
			customer: alice(),
			nonce: 0,
			cumulative: GYM,
		}
		.signing_bytes();
		assert_eq!(GymProducts::receipt_payload(&alice(), &bob(), GYM), Some(expected));
	});
}

#[test]
fn products_move_gym_and_never_mint_or_burn_it() {
	ExtBuilder::default().build_and_execute(|| {
		let issuance = Balances::total_issuance();
		open(&alice());
		assert_ok!(settle(vec![receipt(&pair("Alice"), &bob(), 0, 33 * GYM + 7)]));
		let model = register(Some(bob()), true);
		assert_ok!(GymProducts::list_model(signed(&bob()), model, 77 * GYM + 3));
		assert_ok!(GymProducts::buy_model(signed(&dave()), model, 77 * GYM + 3));
		assert_ok!(GymProducts::subscribe(signed(&eve()), 2));
		assert_ok!(GymProducts::mint_zoo(signed(&eve()), ZOO_PRICE));
		assert_ok!(GymProducts::request_withdrawal(signed(&alice()), bob()));
		run_to(1 + GRACE);
		assert_ok!(GymProducts::withdraw(signed(&alice()), bob()));
		assert_eq!(Balances::total_issuance(), issuance);
		let booked = revenue(RevenueSource::InferenceFees)
			+ revenue(RevenueSource::MarketplaceFees)
			+ revenue(RevenueSource::Subscriptions);
		assert_eq!(balance(&POT), ED + booked);
	});
}
