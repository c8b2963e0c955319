//! Tests of typed proposals, the periods and the voting currency.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		Currency, ExistenceRequirement, LockableCurrency, OnFinalize, OnInitialize,
		ReservableCurrency, WithdrawReasons,
	},
};
use gym_primitives::GYM;
use pallet_democracy::{AccountVote, Conviction, ReferendumInfo, Vote};
use sp_runtime::{traits::BadOrigin, TokenError};

type Voting = VotingCurrency<Balances, Governance>;

fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		AllPalletsWithSystem::on_finalize(System::block_number());
		System::set_block_number(next);
		AllPalletsWithSystem::on_initialize(next);
	}
}

fn remark(len: usize) -> Box<RuntimeCall> {
	Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![7; len] }))
}

fn set_periods_call(periods: GovernancePeriods) -> Box<RuntimeCall> {
	Box::new(RuntimeCall::Governance(crate::Call::set_periods { periods }))
}

fn propose(who: u64, kind: ProposalKind, call: Box<RuntimeCall>) -> DispatchResult {
	Governance::propose(RuntimeOrigin::signed(who), kind, call, MinimumDeposit::get())
}

fn aye(balance: Balance, conviction: Conviction) -> AccountVote<Balance> {
	AccountVote::Standard { vote: Vote { aye: true, conviction }, balance }
}

fn nay(balance: Balance) -> AccountVote<Balance> {
	AccountVote::Standard { vote: Vote { aye: false, conviction: Conviction::None }, balance }
}

use sp_runtime::DispatchResult;

/// The tally of the running referendum `index`.
fn tally(index: u32) -> pallet_democracy::Tally<Balance> {
	match pallet_democracy::ReferendumInfoOf::<Test>::get(index) {
		Some(ReferendumInfo::Ongoing(status)) => status.tally,
		other => panic!("referendum {index} is not running: {other:?}"),
	}
}

#[test]
fn only_platinum_stakers_propose() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM - 1);
		assert_noop!(propose(1, ProposalKind::Technical, remark(4)), Error::<Test>::NotPlatinum);
		assert_noop!(propose(2, ProposalKind::Technical, remark(4)), Error::<Test>::NotPlatinum);
		set_stake(1, PLATINUM);
		assert_ok!(propose(1, ProposalKind::Technical, remark(4)));
		assert_eq!(pallet_democracy::PublicPropCount::<Test>::get(), 1);
		assert_eq!(Balances::reserved_balance(1), MinimumDeposit::get());
		System::assert_last_event(
			Event::Proposed {
				proposal_index: 0,
				kind: ProposalKind::Technical,
				proposer: 1,
				call_hash: <Test as frame_system::Config>::Hashing::hash_of(&remark(4)),
			}
			.into(),
		);
	});
}

#[test]
fn each_type_carries_only_its_allow_list() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		let strategic =
			Box::new(RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![] }));
		let economic = set_periods_call(SHORT);
		for (kind, allowed) in [
			(ProposalKind::Technical, remark(4)),
			(ProposalKind::Economic, economic.clone()),
			(ProposalKind::Strategic, strategic.clone()),
		] {
			for other in [remark(4), economic.clone(), strategic.clone()] {
				if other != allowed {
					assert_noop!(propose(1, kind, other), Error::<Test>::CallNotAllowed);
				}
			}
		}
		// A call no type allows.
		let transfer = Box::new(RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
			who: 1,
			new_free: 1,
		}));
		for kind in ProposalKind::ALL {
			assert_noop!(propose(1, kind, transfer.clone()), Error::<Test>::CallNotAllowed);
		}
		assert_ok!(propose(1, ProposalKind::Technical, remark(4)));
		assert_ok!(propose(1, ProposalKind::Economic, economic));
		assert_ok!(propose(1, ProposalKind::Strategic, strategic));
	});
}

#[test]
fn democracy_takes_no_proposal_but_ours() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		let bounded =
			frame_support::traits::Bounded::Inline(remark(4).encode().try_into().expect("short"));
		assert_noop!(
			Democracy::propose(RuntimeOrigin::signed(1), bounded.clone(), MinimumDeposit::get()),
			BadOrigin
		);
		assert_noop!(
			Democracy::propose(RuntimeOrigin::root(), bounded, MinimumDeposit::get()),
			BadOrigin
		);
	});
}

#[test]
fn the_deposit_is_democracys() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		assert_noop!(
			Governance::propose(
				RuntimeOrigin::signed(1),
				ProposalKind::Technical,
				remark(4),
				MinimumDeposit::get() - 1
			),
			pallet_democracy::Error::<Test>::ValueLow
		);
		// Account 6 has no GYM to reserve.
		set_stake(6, PLATINUM);
		assert!(propose(6, ProposalKind::Technical, remark(4)).is_err());
		assert_eq!(pallet_democracy::PublicPropCount::<Test>::get(), 0);
	});
}

#[test]
fn one_account_cannot_fill_the_queue() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		set_stake(2, PLATINUM);
		for len in 0..3 {
			assert_ok!(propose(1, ProposalKind::Technical, remark(len)));
		}
		assert_noop!(
			propose(1, ProposalKind::Technical, remark(3)),
			Error::<Test>::TooManyProposals
		);
		// Another Platinum staker still may.
		assert_ok!(propose(2, ProposalKind::Technical, remark(3)));
		// Block 2 tables 2's proposal (equal backing: the newest); block 4 one
		// of 1's, which may then propose again.
		run_to(2);
		assert_noop!(
			propose(1, ProposalKind::Technical, remark(4)),
			Error::<Test>::TooManyProposals
		);
		run_to(4);
		assert_ok!(propose(1, ProposalKind::Technical, remark(4)));
	});
}

#[test]
fn long_calls_need_a_noted_preimage() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		let long = remark(200);
		assert_noop!(
			propose(1, ProposalKind::Technical, long.clone()),
			Error::<Test>::PreimageMissing
		);
		assert_ok!(Preimage::note_preimage(RuntimeOrigin::signed(1), long.encode()));
		assert_ok!(propose(1, ProposalKind::Technical, long.clone()));
		let (_, bounded, _) = pallet_democracy::PublicProps::<Test>::get()[0].clone();
		assert!(matches!(bounded, frame_support::traits::Bounded::Lookup { len, .. }
			if len as usize == long.encode().len()));
	});
}

#[test]
fn periods_are_governances_and_checked() {
	new_test_ext().execute_with(|| {
		assert_eq!(<Test as pallet_democracy::Config>::VotingPeriod::get(), 4);
		let seed = GovernancePeriods::SEED;
		assert_noop!(Governance::set_periods(RuntimeOrigin::signed(1), seed), BadOrigin);
		for bad in [
			GovernancePeriods { launch: 0, ..seed },
			GovernancePeriods { vote_locking: seed.enactment - 1, ..seed },
			GovernancePeriods { voting: 14 * gym_primitives::DAYS, ..seed },
		] {
			assert_noop!(
				Governance::set_periods(RuntimeOrigin::root(), bad),
				Error::<Test>::InvalidPeriods
			);
		}
		assert_ok!(Governance::set_periods(RuntimeOrigin::root(), seed));
		assert_eq!(Periods::<Test>::get(), seed);
		assert_eq!(<Test as pallet_democracy::Config>::LaunchPeriod::get(), 14_400);
		assert_eq!(<Test as pallet_democracy::Config>::VotingPeriod::get(), 72_000);
		assert_eq!(<Test as pallet_democracy::Config>::EnactmentPeriod::get(), 28_800);
		assert_eq!(<Test as pallet_democracy::Config>::VoteLockingPeriod::get(), 100_800);
		assert_eq!(<Test as pallet_democracy::Config>::CooloffPeriod::get(), 100_800);
		System::assert_last_event(Event::PeriodsSet { periods: seed }.into());
		assert_ok!(Governance::do_try_state());
	});
}

#[test]
fn power_is_the_seeds_formula_and_the_electorate_its_sum() {
	new_test_ext().execute_with(|| {
		set_stake(1, 150_000 * GYM);
		set_earned(1, 10_000 * GYM);
		set_stake(2, 20_000 * GYM);
		set_earned(3, 7 * GYM);
		// 150,000 + 0.3 × 10,000; 20,000; 0.3 × 7; nothing for free GYM alone.
		assert_eq!(Voting::free_balance(&1), 153_000 * GYM);
		assert_eq!(Voting::free_balance(&2), 20_000 * GYM);
		assert_eq!(Voting::free_balance(&3), 2_100_000_000_000_000_000);
		assert_eq!(Voting::free_balance(&4), 0);
		assert_eq!(Balances::free_balance(4), 1_000_000 * GYM);
		// The electorate: 170,000 staked + 0.3 × 10,007 earned.
		assert_eq!(Voting::total_issuance(), 170_000 * GYM + 3_002_100_000_000_000_000_000);
		assert_eq!(<Balances as Currency<u64>>::total_issuance(), 5_000_000 * GYM);
	});
}

#[test]
fn every_other_method_is_balances() {
	new_test_ext().execute_with(|| {
		let ed = <Balances as Currency<u64>>::minimum_balance();
		assert_eq!(Voting::minimum_balance(), ed);
		assert_eq!(Voting::total_balance(&1), <Balances as Currency<u64>>::total_balance(&1));
		assert_eq!(Voting::active_issuance(), <Balances as Currency<u64>>::active_issuance());
		assert!(Voting::can_slash(&1, GYM));
		// Reserves are GYM reserves.
		assert!(Voting::can_reserve(&1, GYM));
		assert_ok!(Voting::reserve(&1, 5 * GYM));
		assert_eq!(Balances::reserved_balance(1), 5 * GYM);
		assert_eq!(Voting::reserved_balance(&1), 5 * GYM);
		assert_eq!(Voting::unreserve(&1, 2 * GYM), 0);
		let (slashed, missing) = Voting::slash_reserved(&1, GYM);
		assert_eq!((frame_support::traits::Imbalance::peek(&slashed), missing), (GYM, 0));
		drop(slashed);
		assert_eq!(Balances::reserved_balance(1), 2 * GYM);
		assert_eq!(
			Voting::repatriate_reserved(&1, &2, GYM, frame_support::traits::BalanceStatus::Free),
			Ok(0)
		);
		assert_eq!(Balances::reserved_balance(1), GYM);
		// The slashed GYM left the issuance: the imbalance is pallet-balances'.
		assert_eq!(<Balances as Currency<u64>>::total_issuance(), 5_000_000 * GYM - GYM);
		// Locks are pallet-balances locks.
		Voting::set_lock(*b"democrac", &3, 10 * GYM, WithdrawReasons::all());
		Voting::extend_lock(*b"democrac", &3, 20 * GYM, WithdrawReasons::all());
		assert_eq!(Balances::locks(&3)[0].amount, 20 * GYM);
		assert_noop!(
			Voting::transfer(&3, &4, 1_000_000 * GYM - 10 * GYM, ExistenceRequirement::AllowDeath),
			TokenError::Frozen
		);
		Voting::remove_lock(*b"democrac", &3);
		assert!(Balances::locks(&3).is_empty());
		assert_ok!(Voting::transfer(&3, &4, GYM, ExistenceRequirement::KeepAlive));
		assert_eq!(Balances::free_balance(4), 1_000_001 * GYM);
		assert_ok!(Voting::ensure_can_withdraw(&4, GYM, WithdrawReasons::all(), 1_000_000 * GYM));
		// Deposits and withdrawals move GYM, as pallet-balances does.
		let issued = Voting::deposit_creating(&9, 10 * GYM);
		assert_eq!(frame_support::traits::Imbalance::peek(&issued), 10 * GYM);
		drop(issued);
		assert_eq!(Balances::free_balance(9), 10 * GYM);
		assert!(Voting::withdraw(&9, GYM, WithdrawReasons::all(), ExistenceRequirement::KeepAlive)
			.is_ok());
		assert_eq!(Balances::free_balance(9), 9 * GYM);
	});
}

/// A referendum end to end on the mock: a Platinum staker proposes new
/// periods (Economic); stakers and a miner vote with their power; the
/// referendum passes, waits the enactment period and runs as Root.
#[test]
fn a_referendum_passes_and_enacts_itself() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		set_stake(2, 30_000 * GYM);
		set_earned(3, 50_000 * GYM);
		set_stake(4, 10_000 * GYM);
		let new_periods = GovernancePeriods { voting: 5, ..SHORT };
		assert_ok!(propose(1, ProposalKind::Economic, set_periods_call(new_periods)));
		// Tabled at the next launch (block 2), voting until block 6.
		run_to(2);
		let status = pallet_democracy::ReferendumInfoOf::<Test>::get(0);
		assert!(matches!(status, Some(ReferendumInfo::Ongoing(s)) if s.end == 6 && s.delay == 2));
		// Nobody votes with more than its power.
		assert_noop!(
			Democracy::vote(RuntimeOrigin::signed(2), 0, aye(30_000 * GYM + 1, Conviction::None)),
			pallet_democracy::Error::<Test>::InsufficientFunds
		);
		assert_noop!(
			Democracy::vote(RuntimeOrigin::signed(5), 0, aye(1, Conviction::None)),
			pallet_democracy::Error::<Test>::InsufficientFunds
		);
		assert_ok!(Democracy::vote(RuntimeOrigin::signed(1), 0, aye(PLATINUM, Conviction::None)));
		assert_ok!(Democracy::vote(
			RuntimeOrigin::signed(2),
			0,
			aye(30_000 * GYM, Conviction::Locked2x)
		));
		// The miner's power: 0.3 × 50,000 = 15,000.
		assert_ok!(Democracy::vote(
			RuntimeOrigin::signed(3),
			0,
			aye(15_000 * GYM, Conviction::Locked1x)
		));
		assert_ok!(Democracy::vote(RuntimeOrigin::signed(4), 0, nay(10_000 * GYM)));
		let tally = tally(0);
		// Ayes: 0.1 × 100,000 + 2 × 30,000 + 1 × 15,000; nays: 0.1 × 10,000.
		assert_eq!(tally.ayes, 85_000 * GYM);
		assert_eq!(tally.nays, 1_000 * GYM);
		assert_eq!(tally.turnout, 155_000 * GYM);
		// Votes lock GYM: 30,000 on account 2.
		assert_eq!(Balances::locks(&2)[0].amount, 30_000 * GYM);
		run_to(6);
		assert!(matches!(
			pallet_democracy::ReferendumInfoOf::<Test>::get(0),
			Some(ReferendumInfo::Finished { approved: true, end: 6 })
		));
		assert_eq!(Periods::<Test>::get(), SHORT);
		// Enacted as Root 2 blocks later.
		run_to(8);
		assert_eq!(Periods::<Test>::get(), new_periods);
	});
}

/// A voter unstakes while the vote runs: the vote keeps its weight (the
/// GYM is still locked), a new vote is refused, and the locked GYM cannot
/// move to another account to vote again.
#[test]
fn unstaked_gym_cannot_vote_twice() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		assert_ok!(propose(1, ProposalKind::Technical, remark(1)));
		run_to(2);
		set_stake(2, 500_000 * GYM);
		assert_ok!(Democracy::vote(
			RuntimeOrigin::signed(2),
			0,
			aye(500_000 * GYM, Conviction::Locked1x)
		));
		// Unstaked: no power left for a bigger vote.
		set_stake(2, 0);
		assert_eq!(Voting::free_balance(&2), 0);
		assert_noop!(
			Democracy::vote(RuntimeOrigin::signed(2), 0, aye(500_000 * GYM, Conviction::Locked6x)),
			pallet_democracy::Error::<Test>::InsufficientFunds
		);
		// The voted GYM stays locked in account 2.
		assert_noop!(
			<Balances as Currency<u64>>::transfer(
				&2,
				&5,
				500_001 * GYM,
				ExistenceRequirement::AllowDeath
			),
			TokenError::Frozen
		);
		assert_ok!(<Balances as Currency<u64>>::transfer(
			&2,
			&5,
			499_999 * GYM,
			ExistenceRequirement::AllowDeath
		));
		assert_eq!(tally(0).ayes, 500_000 * GYM);
	});
}

/// The seed's forum discussion is linked through democracy's metadata: the
/// proposer (and nobody else) sets a noted preimage's hash on its proposal.
#[test]
fn the_proposer_links_its_discussion_as_metadata() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		assert_ok!(propose(1, ProposalKind::Technical, remark(4)));
		let link = b"https://forum.example/t/gym-proposal-0".to_vec();
		let hash = <Test as frame_system::Config>::Hashing::hash(&link);
		let owner = pallet_democracy::MetadataOwner::Proposal(0);
		assert_noop!(
			Democracy::set_metadata(RuntimeOrigin::signed(1), owner.clone(), Some(hash)),
			pallet_democracy::Error::<Test>::PreimageNotExist
		);
		assert_ok!(Preimage::note_preimage(RuntimeOrigin::signed(1), link));
		assert_noop!(
			Democracy::set_metadata(RuntimeOrigin::signed(2), owner.clone(), Some(hash)),
			pallet_democracy::Error::<Test>::NoPermission
		);
		assert_ok!(Democracy::set_metadata(RuntimeOrigin::signed(1), owner.clone(), Some(hash)));
		assert_eq!(pallet_democracy::MetadataOf::<Test>::get(owner), Some(hash));
	});
}

/// A referendum whose electorate is gone when it ends (its only staker
/// voted and unstaked) is decided without dividing by zero: the chain's
/// block hook goes on.
#[test]
fn an_empty_electorate_does_not_halt_the_chain() {
	new_test_ext().execute_with(|| {
		set_stake(1, PLATINUM);
		assert_ok!(propose(1, ProposalKind::Technical, remark(4)));
		run_to(2);
		assert_ok!(Democracy::vote(RuntimeOrigin::signed(1), 0, nay(1)));
		set_stake(1, 0);
		assert_eq!(Governance::total_power(), 0);
		assert_eq!(Voting::total_issuance(), 1);
		run_to(6);
		assert!(matches!(
			pallet_democracy::ReferendumInfoOf::<Test>::get(0),
			Some(ReferendumInfo::Finished { approved: false, end: 6 })
		));
	});
}
