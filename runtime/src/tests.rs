//! Tests of the composed runtime: real signed extrinsics applied by
//! `Executive` on the dev genesis.

use crate::{
	genesis_config_presets::tests::build, Balances, BalancesCall, Executive, GymEmission,
	RevenueSplit, Runtime, RuntimeCall, RuntimeEvent, System, TieredStaking, UncheckedExtrinsic,
	EXISTENTIAL_DEPOSIT, GYM,
};
use codec::Encode;
use frame_support::traits::{fungible::Inspect, Hooks};
use sp_core::Pair;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{generic::Era, MultiAddress, MultiSignature};

fn balance(who: &crate::AccountId) -> u128 {
	<Balances as Inspect<crate::AccountId>>::balance(who)
}

/// `call` signed by `signer` with nonce `nonce`, immortal, no tip: built by
/// [`crate::signed_payload`], the helper the node's worker signs with.
pub(crate) fn signed(call: RuntimeCall, signer: Sr25519Keyring, nonce: u32) -> UncheckedExtrinsic {
	let genesis = System::block_hash(0);
	let payload =
		crate::signed_payload(call, nonce, Era::Immortal, 0, genesis, genesis, &crate::VERSION);
	let signature = payload.using_encoded(|p| signer.pair().sign(p));
	let (call, tx_ext, _) = payload.deconstruct();
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(signer.to_account_id()),
		MultiSignature::Sr25519(signature),
		tx_ext,
	)
}

/// The books and every GYM pallet's invariants: `total issuance == minted −
/// burned` (GymEmission's `try_state`), minted within the hard cap.
pub(crate) fn check_invariants() {
	crate::ComputeMining::do_try_state().expect("compute-mining invariants hold");
	RevenueSplit::do_try_state().expect("revenue-split invariants hold");
	TieredStaking::do_try_state().expect("staking invariants hold");
	GymEmission::do_try_state().expect("emission invariants hold");
	crate::GymGovernance::do_try_state().expect("governance invariants hold");
	crate::GymLiquidity::do_try_state().expect("liquidity farm invariants hold");
	crate::GymStability::do_try_state().expect("stability invariants hold");
	crate::GymProducts::do_try_state().expect("products invariants hold");
	assert!(pallet_gym_emission::TotalMinted::<crate::Runtime>::get() <= crate::HARD_CAP);
}

#[test]
fn a_signed_transfer_pays_its_fee_into_the_revenue_pot_and_the_split_burns_a_tenth() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = Sr25519Keyring::Alice;
		let bob = Sr25519Keyring::Bob.to_account_id();
		let pot = RevenueSplit::account_id();
		assert_eq!(balance(&pot), 0);
		let alice_before = balance(&alice.to_account_id());
		let issuance_before = <Balances as Inspect<crate::AccountId>>::total_issuance();

		let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: MultiAddress::Id(bob),
			value: 10 * GYM,
		});
		let outcome = Executive::apply_extrinsic(signed(call, alice, 0)).expect("valid");
		assert!(outcome.is_ok(), "{outcome:?}");

		let fee = alice_before - balance(&alice.to_account_id()) - 10 * GYM;
		let paid = System::events().into_iter().find_map(|r| match r.event {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) => Some(actual_fee),
			_ => None,
		});
		assert_eq!(paid, Some(fee));
		assert!(fee > EXISTENTIAL_DEPOSIT && fee < GYM / 10, "fee {fee}");
		// The fee is in the pot account, nothing was burned: the first fee's
		// existential deposit opened the (empty) pot account.
		assert_eq!(balance(&pot), fee);
		assert_eq!(<Balances as Inspect<crate::AccountId>>::total_issuance(), issuance_before);
		// Booked when the period closes; the runtime API counts it now.
		assert_eq!(pallet_revenue_split::Pot::<Runtime>::get(), 0);
		assert_eq!(RevenueSplit::unbooked_fees(), fee - EXISTENTIAL_DEPOSIT);
		let live = RevenueSplit::revenue_pot();
		assert_eq!(live.pot, fee - EXISTENTIAL_DEPOSIT);
		assert_eq!(live.income.transaction_fees, fee - EXISTENTIAL_DEPOSIT);
		check_invariants();

		// Block 11 opens the dev chain's second 10-block period and splits
		// the first: nobody staked or mined, so their 60% stays in the pot.
		System::set_block_number(11);
		RevenueSplit::on_initialize(11);
		let record = pallet_revenue_split::History::<Runtime>::get(0).expect("period 0 closed");
		let revenue = fee - EXISTENTIAL_DEPOSIT;
		assert_eq!(record.income.transaction_fees, revenue);
		assert_eq!(record.burned, revenue / 10);
		assert_eq!(record.development_fund, revenue * 15 / 100);
		assert_eq!((record.miners, record.stakers), (0, 0));
		assert_eq!(pallet_gym_emission::TotalBurned::<Runtime>::get(), revenue / 10);
		assert_eq!(
			<Balances as Inspect<crate::AccountId>>::total_issuance(),
			issuance_before - revenue / 10
		);
		check_invariants();
	});
}

/// How many signed extrinsics of `call` fit in a block's normal-dispatch
/// weight, by the generated weights: call + transaction extensions + the
/// base weight of an extrinsic.
fn per_block(call: RuntimeCall) -> u64 {
	use frame_support::dispatch::{DispatchClass, GetDispatchInfo};
	let weights = crate::configs::RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let xt = signed(call, Sr25519Keyring::Alice, 0);
	let per_xt = xt.get_dispatch_info().total_weight().saturating_add(normal.base_extrinsic);
	let room = normal.max_total.expect("normal dispatch is bounded").ref_time();
	room / per_xt.ref_time()
}

#[test]
fn transactions_pay_for_the_measured_extensions() {
	use crate::weights::{frame_system_extensions, pallet_transaction_payment as payment};
	use frame_support::dispatch::GetDispatchInfo;
	use frame_system::ExtensionsWeightInfo;
	use pallet_transaction_payment::WeightInfo;
	type System = frame_system_extensions::WeightInfo<Runtime>;
	let measured = System::check_non_zero_sender()
		.saturating_add(System::check_spec_version())
		.saturating_add(System::check_tx_version())
		.saturating_add(System::check_genesis())
		.saturating_add(System::check_mortality_immortal_transaction())
		.saturating_add(System::check_nonce())
		.saturating_add(System::check_weight())
		.saturating_add(payment::WeightInfo::<Runtime>::charge_transaction_payment())
		.saturating_add(System::weight_reclaim());
	let charged = build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		signed(remark, Sr25519Keyring::Alice, 0).get_dispatch_info().extension_weight
	});
	assert_eq!(charged, measured);
	// The fee lands in the revenue pot: more than FRAME's default charges.
	let default = <() as ExtensionsWeightInfo>::check_nonce();
	assert!(System::check_nonce().ref_time() < default.ref_time(), "ParityDB, not RocksDB");
	assert!(
		payment::WeightInfo::<Runtime>::charge_transaction_payment().ref_time()
			> <() as WeightInfo>::charge_transaction_payment().ref_time()
	);
}

#[test]
fn deltas_and_committee_reports_per_block() {
	use gym_primitives::mining::{DeltaVerdict, ValidationReport};
	use pallet_compute_mining::Call as MiningCall;
	use sp_core::H256;
	let (seal, submit, commit, reveal, finalise, vote) =
		build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
			let seal = per_block(RuntimeCall::ComputeMining(MiningCall::submit_delta {
				job_id: 0,
				seal: H256::zero(),
				claimed_quality: 0,
			}));
			let submit = per_block(RuntimeCall::ComputeMining(MiningCall::reveal_delta {
				job_id: 0,
				delta_hash: H256::zero(),
			}));
			let commit = per_block(RuntimeCall::ComputeMining(MiningCall::commit_report {
				job_id: 0,
				worker: Sr25519Keyring::Bob.to_account_id(),
				commitment: H256::zero(),
			}));
			let reveal = per_block(RuntimeCall::ComputeMining(MiningCall::reveal_report {
				job_id: 0,
				worker: Sr25519Keyring::Bob.to_account_id(),
				report: ValidationReport { verdict: DeltaVerdict::Valid, ..Default::default() },
				salt: H256::zero(),
			}));
			let finalise = per_block(RuntimeCall::ComputeMining(MiningCall::finalise_delta {
				job_id: 0,
				worker: Sr25519Keyring::Bob.to_account_id(),
			}));
			let vote = per_block(RuntimeCall::ComputeMining(MiningCall::vote_dispute {
				job_id: 0,
				worker: Sr25519Keyring::Bob.to_account_id(),
				report: ValidationReport { verdict: DeltaVerdict::Valid, ..Default::default() },
			}));
			(seal, submit, commit, reveal, finalise, vote)
		});
	println!(
		"per block by the weights: {seal} submit_delta (sealing), {submit} reveal_delta (with \
		 its committee draw), {commit} \
		 commit_report, {reveal} reveal_report, {finalise} finalise_delta, {vote} vote_dispute \
		 (both charged as if they resolved a dispute of the largest set)"
	);
	// The target: at least 1,000 deltas in one block (see
	// docs/development.md for the figures); each judged delta takes a commit
	// and a reveal per committee member.
	assert!(seal >= 1_000, "{seal} submit_delta per block");
	assert!(submit >= 1_000, "{submit} reveal_delta per block");
	assert!(commit >= 1_000, "{commit} commit_report per block");
	assert!(reveal >= 500, "{reveal} reveal_report per block");
	// A finalisation is charged as the resolution of a dispute of 64 voters
	// (refunded when there is none); a block still finalises many.
	assert!(finalise >= 50, "{finalise} finalise_delta per block");
	assert!(vote >= 50, "{vote} vote_dispute per block");
}

#[test]
fn the_mining_parameters_api_reports_what_the_chain_judges_with() {
	use pallet_compute_mining_runtime_api::runtime_decl_for_compute_mining_api::ComputeMiningApiV1;
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let answer = <Runtime as ComputeMiningApiV1<crate::Block, crate::AccountId>>::parameters();
		// The cap and tolerance the judging code reads (runtime constants),
		// the dev genesis' one validation per delta, the 7-report bound, one
		// heartbeat slot a minute.
		assert_eq!(
			answer,
			pallet_compute_mining_runtime_api::MiningParameters {
				max_quality: 2_000_000,
				quality_tolerance: 50_000,
				min_validations: 1,
				max_validations: 7,
				heartbeat_slot: 10,
			}
		);
	});
}
