//! Governance against the composed runtime (dev genesis: referenda tabled
//! every 5 blocks, voted for 10 and enacted 5 after): the allow-list of each
//! proposal type, voting power by the seed's formula with conviction, GYM
//! that unstakes while it votes, a referendum that enacts itself, and
//! treasury spends.

use crate::{
	configs::governance::{GymProposals, MinimumDeposit},
	genesis_config_presets::{tests::build, DEV_GOVERNANCE_PERIODS},
	mining_attack_tests::{account, balance, fund, signed, staker},
	test_chain::run_to_block,
	tests::check_invariants,
	AccountId, Balances, Democracy, GymGovernance, Runtime, RuntimeCall, RuntimeOrigin, System,
	TieredStaking, Treasury, GYM,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, NativeOrWithId},
		OnInitialize,
	},
};
use gym_primitives::{governance::ProposalKind, staking::Tier};
use pallet_compute_mining::{Contribution, Earned, NetworkEarned};
use pallet_democracy::{AccountVote, Conviction, ReferendumInfo, Vote};
use pallet_gym_governance::{Error, ProposalFilter};
use sp_runtime::{traits::BadOrigin, MultiAddress, Perbill, TokenError};

fn proposal(kind: ProposalKind, call: RuntimeCall, who: &AccountId) -> sp_runtime::DispatchResult {
	GymGovernance::propose(signed(who), kind, Box::new(call), MinimumDeposit::get())
}

/// A Platinum staker with GYM for a deposit.
fn proposer(n: u32) -> AccountId {
	let who = staker(n, Tier::Platinum);
	fund(&who, 2 * MinimumDeposit::get());
	who
}

fn vote(who: &AccountId, index: u32, aye: bool, balance: u128, conviction: Conviction) {
	let vote = AccountVote::Standard { vote: Vote { aye, conviction }, balance };
	assert_ok!(Democracy::vote(signed(who), index, vote));
}

/// Records `amount` as mined by `who` today, as compute mining does when a
/// reward is earned.
fn earned(who: &AccountId, amount: u128) {
	let now = System::block_number();
	Earned::<Runtime>::mutate(who, |e| {
		e.get_or_insert_with(Contribution::default).add(now, amount)
	});
	NetworkEarned::<Runtime>::mutate(|e| e.add(now, amount));
}

fn set_access_price(price: u128) -> RuntimeCall {
	RuntimeCall::RevenueSplit(pallet_revenue_split::Call::set_access_price { price_per_day: price })
}

/// One call of each allow-list, and calls on none.
fn technical() -> Vec<RuntimeCall> {
	vec![
		RuntimeCall::ComputeMining(pallet_compute_mining::Call::set_job_limits {
			limits: Default::default(),
		}),
		RuntimeCall::ComputeMining(pallet_compute_mining::Call::report_malicious {
			worker: account(1),
			evidence_hash: Default::default(),
		}),
	]
}

fn economic() -> Vec<RuntimeCall> {
	vec![
		set_access_price(GYM),
		RuntimeCall::TieredStaking(pallet_tiered_staking::Call::set_unbonding_period {
			period: 30 * gym_primitives::DAYS,
		}),
		RuntimeCall::GymValidators(pallet_gym_validators::Call::set_validator_share {
			share: Perbill::from_percent(6),
		}),
		RuntimeCall::Staking(pallet_staking::Call::set_validator_count { new: 20 }),
		RuntimeCall::AssetConversion(pallet_asset_conversion::Call::set_pool_fee {
			pool_id: (NativeOrWithId::Native, NativeOrWithId::WithId(2)),
			fee: sp_runtime::Permill::from_percent(1),
		}),
	]
}

fn strategic() -> Vec<RuntimeCall> {
	vec![
		RuntimeCall::Treasury(pallet_treasury::Call::spend {
			asset_kind: Box::new(()),
			amount: GYM,
			beneficiary: Box::new(MultiAddress::Id(account(9))),
			valid_from: None,
		}),
		RuntimeCall::System(frame_system::Call::authorize_upgrade {
			code_hash: Default::default(),
		}),
		RuntimeCall::System(frame_system::Call::remark_with_event { remark: b"partner".to_vec() }),
		RuntimeCall::GymGovernance(pallet_gym_governance::Call::set_periods {
			periods: DEV_GOVERNANCE_PERIODS,
		}),
		RuntimeCall::Staking(pallet_staking::Call::cancel_deferred_slash {
			era: 1,
			slash_indices: vec![],
		}),
		RuntimeCall::ForeignAssets(pallet_assets::Call::force_create {
			id: 3.into(),
			owner: MultiAddress::Id(account(9)),
			is_sufficient: true,
			min_balance: 1,
		}),
		RuntimeCall::ForeignAssets(pallet_assets::Call::force_asset_status {
			id: 1.into(),
			owner: MultiAddress::Id(account(9)),
			issuer: MultiAddress::Id(account(9)),
			admin: MultiAddress::Id(account(9)),
			freezer: MultiAddress::Id(account(9)),
			min_balance: 1,
			is_sufficient: true,
			is_frozen: false,
		}),
	]
}

/// Root calls no referendum may carry: minting outside the books, a raw
/// code swap, sudo, and democracy's external proposals.
fn forbidden() -> Vec<RuntimeCall> {
	vec![
		RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
			who: MultiAddress::Id(account(1)),
			new_free: GYM,
		}),
		RuntimeCall::Balances(pallet_balances::Call::force_adjust_total_issuance {
			direction: pallet_balances::AdjustmentDirection::Increase,
			delta: GYM,
		}),
		RuntimeCall::System(frame_system::Call::set_code { code: vec![] }),
		RuntimeCall::Sudo(pallet_sudo::Call::set_key { new: MultiAddress::Id(account(1)) }),
		RuntimeCall::Democracy(pallet_democracy::Call::emergency_cancel { ref_index: 0 }),
		RuntimeCall::Treasury(pallet_treasury::Call::spend_local {
			amount: GYM,
			beneficiary: MultiAddress::Id(account(1)),
		}),
		RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
			dest: MultiAddress::Id(account(1)),
			value: GYM,
		}),
		// It charges the setup fee to an account the referendum names.
		RuntimeCall::AssetConversion(pallet_asset_conversion::Call::create_pool_with_fee {
			creator: account(1),
			asset1: Box::new(NativeOrWithId::Native),
			asset2: Box::new(NativeOrWithId::WithId(3)),
			fee: sp_runtime::Permill::from_percent(1),
		}),
		RuntimeCall::ForeignAssets(pallet_assets::Call::force_transfer {
			id: 1.into(),
			source: MultiAddress::Id(account(1)),
			dest: MultiAddress::Id(account(2)),
			amount: 1,
		}),
	]
}

#[test]
fn every_type_allows_its_list_and_nothing_else() {
	let lists = [
		(ProposalKind::Technical, technical()),
		(ProposalKind::Economic, economic()),
		(ProposalKind::Strategic, strategic()),
	];
	for (kind, own) in &lists {
		for call in own {
			assert!(GymProposals::allows(*kind, call), "{kind:?} refuses {call:?}");
		}
		for (other, calls) in &lists {
			if other != kind {
				for call in calls {
					assert!(!GymProposals::allows(*kind, call), "{kind:?} allows {call:?}");
				}
			}
		}
		for call in forbidden() {
			assert!(!GymProposals::allows(*kind, &call), "{kind:?} allows {call:?}");
		}
	}
}

#[test]
fn proposals_are_typed_platinum_and_through_governance_only() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let gold = staker(1, Tier::Gold);
		fund(&gold, 2 * MinimumDeposit::get());
		assert_noop!(
			proposal(ProposalKind::Economic, set_access_price(GYM), &gold),
			Error::<Runtime>::NotPlatinum
		);
		let platinum = proposer(2);
		assert_noop!(
			proposal(ProposalKind::Technical, set_access_price(GYM), &platinum),
			Error::<Runtime>::CallNotAllowed
		);
		for call in forbidden() {
			assert_noop!(
				proposal(ProposalKind::Strategic, call, &platinum),
				Error::<Runtime>::CallNotAllowed
			);
		}
		// Democracy's own `propose` takes nobody's proposal.
		let inline = frame_support::traits::Bounded::Inline(
			codec::Encode::encode(&set_access_price(GYM)).try_into().expect("short"),
		);
		assert_noop!(
			Democracy::propose(signed(&platinum), inline, MinimumDeposit::get()),
			BadOrigin
		);
		let total = <Balances as Inspect<AccountId>>::total_balance(&platinum);
		assert_ok!(proposal(ProposalKind::Economic, set_access_price(GYM), &platinum));
		assert_eq!(
			<Balances as Inspect<AccountId>>::total_balance(&platinum),
			total,
			"the deposit is reserved, not spent"
		);
		assert_eq!(Balances::reserved_balance(&platinum), MinimumDeposit::get());
		check_invariants();
	});
}

/// The scenario: a Platinum staker proposes an Economic change (the
/// access price); stakers and a miner vote with their formula power; the
/// referendum passes, waits the enactment period and runs by itself.
#[test]
fn an_economic_referendum_passes_and_enacts_itself() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let platinum = proposer(1);
		let gold = staker(2, Tier::Gold);
		let miner = staker(3, Tier::Bronze);
		earned(&miner, 20_000 * GYM);
		let silver = staker(4, Tier::Silver);
		// Hand computation of the powers: stake × 1.0 + 0.3 × earned (30 d).
		assert_eq!(GymGovernance::power_of(&platinum), 100_000 * GYM);
		assert_eq!(GymGovernance::power_of(&gold), 50_000 * GYM);
		assert_eq!(GymGovernance::power_of(&miner), 1_000 * GYM + 6_000 * GYM);
		assert_eq!(GymGovernance::power_of(&silver), 10_000 * GYM);
		assert_eq!(GymGovernance::power_of(&account(99)), 0);
		// The electorate: 161,000 staked, 0.5 × the 2,000,000 GYM of the two
		// genesis pools and 0.3 × 20,000 mined.
		assert_eq!(GymGovernance::total_power(), 1_167_000 * GYM);

		let old_price = pallet_revenue_split::AccessPricePerDay::<Runtime>::get();
		let new_price = old_price + 7 * GYM;
		assert_ok!(proposal(ProposalKind::Economic, set_access_price(new_price), &platinum));
		// Tabled at block 5, voted until block 15.
		run_to_block(5);
		let Some(ReferendumInfo::Ongoing(status)) =
			pallet_democracy::ReferendumInfoOf::<Runtime>::get(0)
		else {
			panic!("referendum 0 is not running");
		};
		assert_eq!((status.end, status.delay), (15, 5));
		assert_eq!(Balances::reserved_balance(&platinum), 0, "the deposit is back");

		// Nobody votes beyond its power, and free GYM alone weighs nothing.
		assert_noop!(
			Democracy::vote(
				signed(&miner),
				0,
				AccountVote::Standard {
					vote: Vote { aye: true, conviction: Conviction::None },
					balance: 7_000 * GYM + 1,
				}
			),
			pallet_democracy::Error::<Runtime>::InsufficientFunds
		);
		// Bob (Alice holds the genesis pools' LP, which counts).
		let bob = sp_keyring::Sr25519Keyring::Bob.to_account_id();
		assert!(balance(&bob) > 100_000 * GYM);
		assert_noop!(
			Democracy::vote(
				signed(&bob),
				0,
				AccountVote::Standard {
					vote: Vote { aye: true, conviction: Conviction::None },
					balance: 1,
				}
			),
			pallet_democracy::Error::<Runtime>::InsufficientFunds
		);
		vote(&platinum, 0, true, 100_000 * GYM, Conviction::None);
		vote(&gold, 0, true, 50_000 * GYM, Conviction::Locked1x);
		vote(&miner, 0, true, 7_000 * GYM, Conviction::Locked3x);
		vote(&silver, 0, false, 10_000 * GYM, Conviction::Locked2x);
		let Some(ReferendumInfo::Ongoing(status)) =
			pallet_democracy::ReferendumInfoOf::<Runtime>::get(0)
		else {
			panic!("referendum 0 is not running");
		};
		let tally = status.tally;
		// Ayes: 0.1 × 100,000 + 1 × 50,000 + 3 × 7,000; nays: 2 × 10,000.
		assert_eq!(tally.ayes, 81_000 * GYM);
		assert_eq!(tally.nays, 20_000 * GYM);
		assert_eq!(tally.turnout, 167_000 * GYM);

		run_to_block(15);
		assert!(matches!(
			pallet_democracy::ReferendumInfoOf::<Runtime>::get(0),
			Some(ReferendumInfo::Finished { approved: true, end: 15 })
		));
		run_to_block(19);
		assert_eq!(pallet_revenue_split::AccessPricePerDay::<Runtime>::get(), old_price);
		run_to_block(20);
		assert_eq!(pallet_revenue_split::AccessPricePerDay::<Runtime>::get(), new_price);
		check_invariants();
	});
}

/// A voter unstakes all of its stake while the referendum runs. Its vote
/// keeps its weight, it has no power for another vote, and the voted GYM
/// cannot leave the account (unbonding, then the vote's lock) while the
/// decision is open, so no other account can vote with it.
#[test]
fn unstaking_while_voting_counts_no_gym_twice() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let platinum = proposer(1);
		let voter = staker(2, Tier::Gold);
		// GYM beyond the stake, for the early-unstake penalty: the vote's lock
		// covers the staked GYM, and a penalty is an ordinary transfer.
		fund(&voter, 10_000 * GYM);
		assert_ok!(proposal(ProposalKind::Economic, set_access_price(5 * GYM), &platinum));
		run_to_block(5);
		vote(&voter, 0, false, 50_000 * GYM, Conviction::Locked1x);
		assert_ok!(TieredStaking::unstake(signed(&voter), 50_000 * GYM));
		assert_eq!(GymGovernance::power_of(&voter), 0);
		assert_noop!(
			Democracy::vote(
				signed(&voter),
				0,
				AccountVote::Standard {
					vote: Vote { aye: false, conviction: Conviction::Locked6x },
					balance: 50_000 * GYM,
				}
			),
			pallet_democracy::Error::<Runtime>::InsufficientFunds
		);
		// The unstaked GYM unbonds (frozen) for longer than the vote lasts.
		let friend = account(50);
		assert!(TieredStaking::withdraw_unbonded(signed(&voter)).is_err());
		assert_noop!(
			Balances::transfer_keep_alive(signed(&voter), friend.clone().into(), 40_000 * GYM),
			TokenError::Frozen
		);
		run_to_block(15);
		// The vote counted in full: 50,000 nays, 1x.
		let Some(ReferendumInfo::Finished { approved, .. }) =
			pallet_democracy::ReferendumInfoOf::<Runtime>::get(0)
		else {
			panic!("referendum 0 did not finish");
		};
		assert!(!approved, "50,000 nays against no ayes");
		assert_eq!(balance(&friend), 0);
		check_invariants();
	});
}

/// Vote recycling through liquidity tokens: the power counts the GYM an
/// account's LP stands for, so Alice (the genesis pools' provider) votes
/// with it, then would hand her LP to Dave to vote again on the same
/// referendum. The vote's lock freezes her LP with her GYM: the transfer is
/// refused while the vote stands, Dave has no power to vote with, and once
/// the referendum is over and Alice unlocks, her LP moves again. Farming the
/// frozen LP is still allowed (both freezes keep it in place).
#[test]
fn lp_that_voted_cannot_vote_again_from_another_account() {
	use gym_primitives::traits::LiquidityGym;
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let platinum = proposer(1);
		let alice = sp_keyring::Sr25519Keyring::Alice.to_account_id();
		let dave = sp_keyring::Sr25519Keyring::Dave.to_account_id();
		let power = GymGovernance::power_of(&alice);
		assert_eq!(power, crate::GymLiquidity::gym_in_lp(&alice) / 2);
		assert!(power > 999_999 * GYM);
		assert_eq!(GymGovernance::power_of(&dave), 0);
		assert_ok!(proposal(ProposalKind::Economic, set_access_price(5 * GYM), &platinum));
		run_to_block(5);
		vote(&alice, 0, true, power, Conviction::Locked1x);
		let usdt_lp = crate::PoolAssets::balance(1, &alice);
		assert_noop!(
			crate::PoolAssets::transfer(signed(&alice), 1, MultiAddress::Id(dave.clone()), 1),
			pallet_assets::Error::<Runtime, frame_support::instances::Instance2>::BalanceLow
		);
		assert_eq!(GymGovernance::power_of(&dave), 0);
		assert_ok!(crate::GymLiquidity::stake(signed(&alice), 1, usdt_lp));
		assert_ok!(crate::GymLiquidity::unstake(signed(&alice), 1, usdt_lp));
		// The referendum ends at block 15; a 1x vote stays locked one
		// period (5 blocks on the dev chain) after it.
		run_to_block(21);
		assert_ok!(Democracy::remove_vote(signed(&alice), 0));
		assert_ok!(Democracy::unlock(signed(&alice), alice.clone().into()));
		assert_ok!(crate::PoolAssets::transfer(
			signed(&alice),
			1,
			MultiAddress::Id(dave.clone()),
			usdt_lp
		));
		assert!(GymGovernance::power_of(&dave) > 499_999 * GYM);
		check_invariants();
	});
}

/// A Strategic referendum spends from the treasury: the beneficiary is paid
/// exactly, the treasury pays exactly that, and the treasury's spend period
/// burns nothing.
#[test]
fn a_treasury_spend_pays_exactly_and_the_treasury_never_burns() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let treasury = crate::configs::TreasuryAccount::get();
		assert_eq!(Treasury::account_id(), treasury, "pallet-treasury's pot is the treasury");
		// The treasury holds its existential deposit from genesis.
		assert_eq!(balance(&treasury), crate::EXISTENTIAL_DEPOSIT);
		fund(&treasury, 10_000 * GYM);
		let funded = balance(&treasury);
		let platinum = proposer(1);
		let beneficiary = account(60);
		let spend = RuntimeCall::Treasury(pallet_treasury::Call::spend {
			asset_kind: Box::new(()),
			amount: 2_500 * GYM,
			beneficiary: Box::new(MultiAddress::Id(beneficiary.clone())),
			valid_from: None,
		});
		assert_noop!(
			proposal(ProposalKind::Economic, spend.clone(), &platinum),
			Error::<Runtime>::CallNotAllowed
		);
		assert_ok!(proposal(ProposalKind::Strategic, spend, &platinum));
		run_to_block(5);
		vote(&platinum, 0, true, 100_000 * GYM, Conviction::Locked1x);
		run_to_block(20);
		let issuance = <Balances as Inspect<AccountId>>::total_issuance();
		let burned = pallet_gym_emission::TotalBurned::<Runtime>::get();
		assert_ok!(Treasury::payout(signed(&beneficiary), 0));
		assert_eq!(balance(&beneficiary), 2_500 * GYM);
		assert_eq!(balance(&treasury), funded - 2_500 * GYM);
		// Paid twice? No.
		assert!(Treasury::payout(signed(&beneficiary), 0).is_err());
		// A spend period passes: nothing is burned.
		let period: u32 = <Runtime as pallet_treasury::Config>::SpendPeriod::get();
		Treasury::on_initialize(period);
		assert_eq!(balance(&treasury), funded - 2_500 * GYM);
		assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issuance);
		assert_eq!(pallet_gym_emission::TotalBurned::<Runtime>::get(), burned);
		check_invariants();
	});
}

/// Slashed proposal deposits reach the treasury, in GYM, inside the books.
#[test]
fn a_cancelled_proposals_deposit_goes_to_the_treasury() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let treasury = crate::configs::TreasuryAccount::get();
		let before = balance(&treasury);
		let platinum = proposer(1);
		assert_ok!(proposal(ProposalKind::Economic, set_access_price(GYM), &platinum));
		let issuance = <Balances as Inspect<AccountId>>::total_issuance();
		assert_ok!(Democracy::cancel_proposal(RuntimeOrigin::root(), 0));
		assert_eq!(Balances::reserved_balance(&platinum), 0);
		assert_eq!(balance(&treasury), before + MinimumDeposit::get());
		assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issuance);
		check_invariants();
	});
}

/// Delegation is off: a delegation would keep its weight after the
/// delegator's stake unbonded (power without stake).
#[test]
fn delegation_is_refused() {
	use frame_support::traits::Contains;
	let delegate = RuntimeCall::Democracy(pallet_democracy::Call::delegate {
		to: MultiAddress::Id(account(2)),
		conviction: Conviction::Locked1x,
		balance: GYM,
	});
	assert!(!<Runtime as frame_system::Config>::BaseCallFilter::contains(&delegate));
	let vote = RuntimeCall::Democracy(pallet_democracy::Call::vote {
		ref_index: 0,
		vote: AccountVote::Standard {
			vote: Vote { aye: true, conviction: Conviction::None },
			balance: GYM,
		},
	});
	assert!(<Runtime as frame_system::Config>::BaseCallFilter::contains(&vote));
}
