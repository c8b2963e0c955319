//! The revenue loop against the composed runtime: a governance job's model
//! is registered when its last round completes, sold and served for signed
//! receipts, and the revenue reaches the miner who trained it; and the
//! attacks on the products (receipt replay across chains, a just-in-time
//! Diamond stake for the Zoo discount, access bought for a model that does
//! not exist).

use crate::{
	configs::TreasuryAccount,
	genesis_config_presets::{tests::build, DEV_JOB_BASE_CHECKPOINT, DEV_MODEL_ID},
	mining_attack_tests::{
		account, balance, finalise, fund, judged_honestly, local_job, seated, signed, staker,
		submitted, worker, Mining,
	},
	test_chain::run_to_block,
	tests::check_invariants,
	AccountId, GymProducts, RevenueSplit, Runtime, RuntimeOrigin, System, TieredStaking,
	EXISTENTIAL_DEPOSIT, GYM,
};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use gym_primitives::{
	mining::GpuClass,
	products::{ReceiptPayload, FIRST_TRAINED_MODEL_ID},
	revenue::RevenueSource,
	staking::Tier,
	traits::ModelRegistry,
	DAYS,
};
use pallet_compute_mining::{DeltaStatus, Deltas, LossCurves};
use pallet_gym_products::{Error as ProductsError, Models, SignedReceipt};
use sp_core::{Pair, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::MultiSignature;

type Products = pallet_gym_products::Pallet<Runtime>;

/// `customer`'s receipt for `cumulative` planck to `provider` on their
/// channel `nonce`, signed with its keyring key.
fn receipt(
	customer: Sr25519Keyring,
	provider: &AccountId,
	nonce: u32,
	cumulative: u128,
	genesis_hash: [u8; 32],
) -> SignedReceipt<AccountId, MultiSignature> {
	let payload = ReceiptPayload {
		genesis_hash,
		provider: provider.clone(),
		customer: customer.to_account_id(),
		nonce,
		cumulative,
	};
	let signature = customer.pair().sign(&payload.signing_bytes());
	SignedReceipt {
		customer: customer.to_account_id(),
		nonce,
		cumulative,
		signature: MultiSignature::Sr25519(signature),
	}
}

fn income(source: RevenueSource) -> u128 {
	let income = pallet_revenue_split::PeriodIncome::<Runtime>::get();
	match source {
		RevenueSource::InferenceFees => income.inference_fees,
		RevenueSource::FineTuning => income.fine_tuning,
		RevenueSource::MarketplaceFees => income.marketplace_fees,
		RevenueSource::Subscriptions => income.subscriptions,
		RevenueSource::TransactionFees => income.transaction_fees,
	}
}

/// The loop on the local chain (600-block periods): governance
/// creates a job and ends it after round 0; one honest worker trains it and
/// the committee completes the round, which registers the model to the
/// treasury with the committee's checkpoint and the round's measured
/// losses. The treasury (a referendum) sells a licence, Charlie buys it,
/// deposits with Dave's inference service and pays two calls by signed
/// cumulative receipts; Dave settles them. The period's revenue is exactly
/// the marketplace's 5% and inference's 20%, and its miners' 40% is the
/// miner's who trained the model (the only one with points in the period).
#[test]
fn a_trained_model_is_sold_and_served_and_its_revenue_reaches_its_miner() {
	build(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let job = local_job();
		assert_ok!(Mining::end_job_after(RuntimeOrigin::root(), job, 0, true));
		let miner = worker(100, GpuClass::Other);
		seated(job, std::slice::from_ref(&miner));
		submitted(job, &[(miner.clone(), H256::repeat_byte(5), 0)]);
		judged_honestly(job, &miner);
		finalise(job, &miner);
		assert!(matches!(
			Deltas::<Runtime>::get(job, &miner).unwrap().status,
			DeltaStatus::Accepted(_)
		));
		// The round committee agrees on the aggregate: the job finishes.
		let checkpoint = H256::repeat_byte(0xc0);
		let voters = pallet_compute_mining::RoundCommittees::<Runtime>::get(job)
			.expect("a round committee")
			.members
			.into_inner();
		for m in &voters {
			if pallet_gym_products::NextModelId::<Runtime>::get() > FIRST_TRAINED_MODEL_ID {
				break;
			}
			assert_ok!(Mining::complete_round(signed(m), job, 0, 1, checkpoint));
		}
		let model = FIRST_TRAINED_MODEL_ID;
		let entry = Models::<Runtime>::get(model).expect("registered");
		let point = LossCurves::<Runtime>::get(job).last().copied().expect("round 0's point");
		assert_eq!(
			(entry.job, entry.architecture, entry.checkpoint, entry.round),
			(Some(job), 0, checkpoint, 0)
		);
		assert_eq!((entry.loss, entry.val_loss), (point.loss, point.val_loss));
		assert_eq!(entry.owner, TreasuryAccount::get());
		assert!(entry.premium);
		assert_eq!(pallet_compute_mining::FinishedJobs::<Runtime>::get(job), Some(model));
		assert_noop!(
			Mining::submit_delta(signed(&miner), job, H256::zero(), 0),
			pallet_compute_mining::Error::<Runtime>::JobFinished
		);

		// The treasury's licence, bought by Charlie: 5% to revenue.
		let charlie = Sr25519Keyring::Charlie;
		let treasury = TreasuryAccount::get();
		assert_noop!(
			Products::list_licence(signed(&charlie.to_account_id()), model, 10 * GYM, DAYS),
			ProductsError::<Runtime>::NotOwner
		);
		assert_ok!(Products::list_licence(RuntimeOrigin::root(), model, 10 * GYM, DAYS));
		let treasury_before = balance(&treasury);
		assert_ok!(Products::buy_licence(signed(&charlie.to_account_id()), model, 10 * GYM, DAYS));
		assert_eq!(balance(&treasury) - treasury_before, 9_500_000_000_000_000_000);
		// The pot's first revenue keeps its existential deposit: the rest of
		// the 0.5 GYM fee is the period's income.
		let pot_account = RevenueSplit::account_id();
		assert_eq!(balance(&pot_account), GYM / 2);
		assert_eq!(income(RevenueSource::MarketplaceFees), GYM / 2 - EXISTENTIAL_DEPOSIT);
		assert!(Products::has_access(&charlie.to_account_id(), model));
		assert!(!Products::has_access(&Sr25519Keyring::Eve.to_account_id(), model));

		// Dave serves it; Charlie deposits 1 GYM and pays two calls of
		// 0.01 GYM by receipts 0.01 and 0.02 GYM.
		let dave = Sr25519Keyring::Dave.to_account_id();
		assert_ok!(Products::register_provider(
			signed(&dave),
			GYM / 100,
			b"http://dave.example:9944".to_vec()
		));
		assert_ok!(Products::deposit(signed(&charlie.to_account_id()), dave.clone(), GYM));
		let genesis = Products::genesis_hash();
		assert_eq!(genesis, System::block_hash(0).0);
		let first = receipt(charlie, &dave, 0, GYM / 100, genesis);
		let second = receipt(charlie, &dave, 0, GYM / 50, genesis);
		let dave_before = balance(&dave);
		assert_ok!(Products::settle_receipts(
			signed(&dave),
			BoundedVec::truncate_from(vec![second.clone()])
		));
		// 0.02 GYM: 20% (0.004 GYM) to revenue, 0.016 GYM to Dave.
		assert_eq!(balance(&dave) - dave_before, 16 * GYM / 1_000);
		assert_eq!(income(RevenueSource::InferenceFees), 4 * GYM / 1_000);
		// Never settled twice, nor an older receipt after a newer one.
		for again in [second, first] {
			assert_noop!(
				Products::settle_receipts(signed(&dave), BoundedVec::truncate_from(vec![again])),
				ProductsError::<Runtime>::ReceiptAlreadySettled
			);
		}
		// A receipt signed for another chain does not verify here.
		let elsewhere = receipt(charlie, &dave, 0, GYM / 10, [9; 32]);
		assert_noop!(
			Products::settle_receipts(signed(&dave), BoundedVec::truncate_from(vec![elsewhere])),
			ProductsError::<Runtime>::BadSignature
		);
		// Nor one beyond the deposit.
		let beyond = receipt(charlie, &dave, 0, GYM + 1, genesis);
		assert_noop!(
			Products::settle_receipts(signed(&dave), BoundedVec::truncate_from(vec![beyond])),
			ProductsError::<Runtime>::ReceiptExceedsDeposit
		);

		// The period closes: the pot was the two fees, and the miners' 40%
		// of it is the trainer's.
		let pot = GYM / 2 - EXISTENTIAL_DEPOSIT + 4 * GYM / 1_000;
		run_to_block(601);
		let period = RevenueSplit::revenue_history(1).pop().expect("period 0 closed");
		assert_eq!(period.period, 0);
		assert_eq!(period.income.marketplace_fees, GYM / 2 - EXISTENTIAL_DEPOSIT);
		assert_eq!(period.income.inference_fees, 4 * GYM / 1_000);
		assert_eq!(period.pot, pot);
		assert_eq!(period.miners, pot * 2 / 5);
		assert_eq!(RevenueSplit::pending_revenue(&miner).claimable, pot * 2 / 5);
		let before = balance(&miner);
		assert_ok!(RevenueSplit::claim_miner_revenue(signed(&miner)));
		assert_eq!(balance(&miner) - before, pot * 2 / 5);
		check_invariants();
	});
}

/// Access is sold only for registered models: an architecture id (which
/// the old `ModelIdsBelow` accepted) and an id not registered are refused
/// with `UnknownModel`, burning nothing; the dev chain's genesis model
/// (premium, the treasury's) is sold, and the burn is what gives access.
#[test]
fn access_is_sold_only_for_registered_models() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let who = staker(1, Tier::Bronze);
		for model in [0, 3, DEV_MODEL_ID + 1] {
			assert!(!<GymProducts as ModelRegistry>::contains(&model));
			assert_noop!(
				RevenueSplit::burn_for_access(signed(&who), model, GYM),
				pallet_revenue_split::Error::<Runtime>::UnknownModel
			);
		}
		let entry = Models::<Runtime>::get(DEV_MODEL_ID).expect("the genesis model");
		assert_eq!((entry.job, entry.architecture, entry.premium), (None, 0, true));
		assert_eq!(entry.checkpoint, H256(DEV_JOB_BASE_CHECKPOINT));
		assert_eq!(entry.owner, TreasuryAccount::get());
		assert!(!Products::has_access(&who, DEV_MODEL_ID));
		assert_ok!(RevenueSplit::burn_for_access(signed(&who), DEV_MODEL_ID, GYM));
		// One GYM buys a day at the default price.
		assert_eq!(Products::access_expiry(&who, DEV_MODEL_ID), Some(1 + DAYS));
		check_invariants();
	});
}

/// The Zoo's Diamond discount is 30%, and staking Diamond for one mint
/// costs the 10% early-unstake penalty on 500,000 GYM: an attacker who
/// stakes just before minting and unstakes right after loses 50,000 GYM to
/// save 30 GYM on a 100 GYM mint. Each tier's price is exact.
#[test]
fn a_just_in_time_diamond_stake_costs_more_than_its_discount() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		assert_ok!(Products::set_zoo_price(RuntimeOrigin::root(), 100 * GYM));
		let pot = RevenueSplit::account_id();
		let plain = account(50);
		fund(&plain, 1_000 * GYM);
		assert_eq!(Products::zoo_price(&plain), 100 * GYM);
		let expected = [
			(Tier::Bronze, 95 * GYM),
			(Tier::Silver, 90 * GYM),
			(Tier::Gold, 85 * GYM),
			(Tier::Platinum, 80 * GYM),
			(Tier::Diamond, 70 * GYM),
		];
		for (n, (tier, price)) in expected.into_iter().enumerate() {
			let who = staker(60 + n as u32, tier);
			assert_eq!(Products::zoo_price(&who), price, "{tier:?}");
			let before = balance(&who);
			let pot_before = balance(&pot);
			assert_ok!(Products::mint_zoo(signed(&who), price));
			assert_eq!(before - balance(&who), price);
			// All of it is revenue (the pot's first keeps its existential
			// deposit out of the period's income).
			assert_eq!(balance(&pot) - pot_before, price);
		}
		// The just-in-time Diamond: stake, mint, unstake at once.
		let eve = account(70);
		let bob = Sr25519Keyring::Bob.to_account_id();
		assert_ok!(crate::Balances::transfer_keep_alive(
			signed(&bob),
			eve.clone().into(),
			501_000 * GYM
		));
		let start = balance(&eve);
		assert_ok!(TieredStaking::stake(signed(&eve), 500_000 * GYM));
		assert_ok!(Products::mint_zoo(signed(&eve), 70 * GYM));
		assert_ok!(TieredStaking::unstake(signed(&eve), 500_000 * GYM));
		let kept = balance(&eve);
		// 10% of the 500,000 GYM unstaked early goes to the slash
		// destination; the 30 GYM discount is all it bought.
		assert_eq!(start - kept, 50_000 * GYM + 70 * GYM);
		check_invariants();
	});
}

/// A subscriber's job is seated first, but one subscriber holds one slot of
/// the priority ring, and the ring takes at most every other seat: Eve
/// subscribes (100 GYM of `Subscriptions` revenue) and creates three jobs
/// after governance's; only her first enters the ring. Of two workers
/// waiting, the hook seats the first in her ring job and the second in the
/// round-robin's job (governance's, the oldest), not both in hers.
#[test]
fn a_subscriber_is_seated_first_but_cannot_fill_the_ring() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let governance = pallet_compute_mining::NextJobId::<Runtime>::get();
		assert_ok!(Mining::create_job(RuntimeOrigin::root(), crate::mining_attack_tests::spec(1)));
		let eve = account(80);
		fund(&eve, 10_000 * GYM);
		let pot = RevenueSplit::account_id();
		let pot_before = balance(&pot);
		assert_ok!(Products::subscribe(signed(&eve), 1));
		assert_eq!(balance(&pot) - pot_before, 100 * GYM);
		assert!(Products::subscription(&eve).is_some());
		let first = governance + 1;
		for _ in 0..3 {
			assert_ok!(Mining::create_job(signed(&eve), crate::mining_attack_tests::spec(1)));
		}
		assert_eq!(pallet_compute_mining::PriorityJobCount::<Runtime>::get(), 1);
		assert_eq!(pallet_compute_mining::PriorityJobs::<Runtime>::get(0), Some(first));
		assert_eq!(pallet_compute_mining::PriorityHolders::<Runtime>::get(&eve), Some(first));
		let workers: Vec<AccountId> = (0..2).map(|n| worker(90 + n, GpuClass::Other)).collect();
		crate::test_chain::next_block();
		let seated = |job| {
			workers
				.iter()
				.filter(|w| {
					pallet_compute_mining::Workers::<Runtime>::get(*w).and_then(|i| i.assignment)
						== Some(job)
				})
				.count()
		};
		assert_eq!((seated(first), seated(governance)), (1, 1));
		check_invariants();
	});
}

/// A chain that ran spec 217 gets `GymProducts` without its genesis: the
/// upgrade's `InitProducts` moves the existential deposit from the
/// treasury into the pallet's account (issuance unchanged) and opens
/// subscriptions and the Zoo at the genesis prices, once.
#[test]
fn an_upgraded_chain_gets_the_products_account_and_prices_once() {
	use crate::configs::products::{InitProducts, ProductsAccount};
	use frame_support::traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		OnRuntimeUpgrade,
	};
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let (account, treasury) = (ProductsAccount::get(), TreasuryAccount::get());
		// The state of a chain before spec 218: no products account, no prices.
		assert_ok!(<crate::Balances as Mutate<AccountId>>::transfer(
			&account,
			&treasury,
			EXISTENTIAL_DEPOSIT,
			Preservation::Expendable
		));
		pallet_gym_products::SubscriptionPrice::<Runtime>::kill();
		pallet_gym_products::ZooMintPrice::<Runtime>::kill();
		assert_eq!(balance(&account), 0);
		let issuance = <crate::Balances as Inspect<AccountId>>::total_issuance();
		let treasury_before = balance(&treasury);
		InitProducts::on_runtime_upgrade();
		assert_eq!(balance(&account), EXISTENTIAL_DEPOSIT);
		assert_eq!(treasury_before - balance(&treasury), EXISTENTIAL_DEPOSIT);
		assert_eq!(<crate::Balances as Inspect<AccountId>>::total_issuance(), issuance);
		assert_eq!(pallet_gym_products::SubscriptionPrice::<Runtime>::get(), 100 * GYM);
		assert_eq!(pallet_gym_products::ZooMintPrice::<Runtime>::get(), 100 * GYM);
		// Once: a second run, after governance closed the Zoo, changes nothing.
		assert_ok!(Products::set_zoo_price(RuntimeOrigin::root(), 0));
		InitProducts::on_runtime_upgrade();
		assert_eq!(balance(&account), EXISTENTIAL_DEPOSIT);
		assert_eq!(pallet_gym_products::ZooMintPrice::<Runtime>::get(), 0);
		check_invariants();
	});
}
