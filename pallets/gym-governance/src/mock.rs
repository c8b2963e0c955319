//! A test runtime: pallet-balances, pallet-preimage, pallet-scheduler,
//! pallet-democracy counting with [`VotingCurrency`], and this pallet, with
//! stakes and mining earnings set by the tests.

use crate as pallet_gym_governance;
use crate::*;
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, EqualPrivilegeOnly, NeverEnsureOrigin},
	weights::Weight,
};
use frame_system::EnsureRoot;
use gym_primitives::{
	staking::{self, SlashReason, Tier},
	DAYS, GYM,
};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, FixedU128, Perbill};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Preimage: pallet_preimage,
		Scheduler: pallet_scheduler,
		Democracy: pallet_democracy,
		Governance: pallet_gym_governance,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
}

impl pallet_preimage::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<u64>;
	type Consideration = ();
}

parameter_types! {
	pub MaximumSchedulerWeight: Weight = Weight::from_parts(1_000_000_000_000, u64::MAX);
}

impl pallet_scheduler::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	type ScheduleOrigin = EnsureRoot<u64>;
	type MaxScheduledPerBlock = ConstU32<100>;
	type WeightInfo = ();
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const MinimumDeposit: Balance = 1_000 * GYM;
	pub const FastTrackVotingPeriod: u64 = 1;
}

impl pallet_democracy::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = VotingCurrency<Balances, Governance>;
	type EnactmentPeriod = EnactmentPeriod<Test>;
	type LaunchPeriod = LaunchPeriod<Test>;
	type VotingPeriod = VotingPeriod<Test>;
	type VoteLockingPeriod = VoteLockingPeriod<Test>;
	type CooloffPeriod = CooloffPeriod<Test>;
	type FastTrackVotingPeriod = FastTrackVotingPeriod;
	type MinimumDeposit = MinimumDeposit;
	type InstantAllowed = frame_support::traits::ConstBool<false>;
	type MaxDeposits = ConstU32<100>;
	type MaxBlacklisted = ConstU32<100>;
	type MaxVotes = ConstU32<100>;
	type MaxProposals = ConstU32<100>;
	type SubmitOrigin = EnsureProposer<u64>;
	type ExternalOrigin = NeverEnsureOrigin<()>;
	type ExternalMajorityOrigin = NeverEnsureOrigin<()>;
	type ExternalDefaultOrigin = NeverEnsureOrigin<()>;
	type FastTrackOrigin = NeverEnsureOrigin<()>;
	type InstantOrigin = NeverEnsureOrigin<()>;
	type CancellationOrigin = EnsureRoot<u64>;
	type BlacklistOrigin = EnsureRoot<u64>;
	type CancelProposalOrigin = EnsureRoot<u64>;
	type VetoOrigin = NeverEnsureOrigin<u64>;
	type Slash = ();
	type Scheduler = Scheduler;
	type PalletsOrigin = OriginCaller;
	type Preimages = Preimage;
	type WeightInfo = ();
}

thread_local! {
	/// Stakes by account.
	pub static STAKES: RefCell<BTreeMap<u64, Balance>> = const { RefCell::new(BTreeMap::new()) };
	/// Mining earnings of the last 30 days by account.
	pub static EARNED: RefCell<BTreeMap<u64, Balance>> = const { RefCell::new(BTreeMap::new()) };
}

/// Sets `who`'s stake.
pub fn set_stake(who: u64, stake: Balance) {
	STAKES.with(|s| s.borrow_mut().insert(who, stake));
}

/// Sets `who`'s mining earnings of the last 30 days.
pub fn set_earned(who: u64, earned: Balance) {
	EARNED.with(|e| e.borrow_mut().insert(who, earned));
}

/// Stakes from [`STAKES`]; tiers and rights by the seed's table.
pub struct MockStakes;
impl StakeTiers<u64> for MockStakes {
	fn tier_of(who: &u64) -> Option<Tier> {
		staking::tier_for(Self::stake_of(who))
	}
	fn boost_of(_: &u64) -> FixedU128 {
		FixedU128::from_u32(1)
	}
	fn boosted_stake(who: &u64) -> Balance {
		staking::boosted(Self::stake_of(who))
	}
	fn total_boosted_stake() -> Balance {
		STAKES.with(|s| s.borrow().values().map(|v| staking::boosted(*v)).sum())
	}
	fn has_right(who: &u64, right: Right) -> bool {
		Self::tier_of(who).is_some_and(|tier| tier.has_right(right))
	}
	fn slash(_: &u64, _: Perbill, _: SlashReason) -> Result<Balance, DispatchError> {
		Err(DispatchError::Other("no slashes here"))
	}
	fn slash_amount(_: &u64, _: Balance, _: SlashReason) -> Result<Balance, DispatchError> {
		Err(DispatchError::Other("no slashes here"))
	}
	fn stake_of(who: &u64) -> Balance {
		STAKES.with(|s| s.borrow().get(who).copied().unwrap_or_default())
	}
	fn total_stake() -> Balance {
		STAKES.with(|s| s.borrow().values().sum())
	}
	fn slashable_of(who: &u64) -> Balance {
		Self::stake_of(who)
	}
	fn distribute_to_stakers(_: &u64, _: Balance) -> DispatchResult {
		Err(DispatchError::Other("no distributions here"))
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn fund_and_stake(who: &u64, amount: Balance) {
		let _ = <Balances as frame_support::traits::fungible::Mutate<u64>>::mint_into(who, amount);
		set_stake(*who, amount);
	}
}

/// Mining earnings from [`EARNED`].
pub struct MockMining;
impl MiningEarnings<u64> for MockMining {
	fn earned_30d(who: &u64) -> Balance {
		EARNED.with(|e| e.borrow().get(who).copied().unwrap_or_default())
	}
	fn network_earned_30d() -> Balance {
		EARNED.with(|e| e.borrow().values().sum())
	}
}

/// Technical carries `System::remark`, Economic `Governance::set_periods`,
/// Strategic `System::remark_with_event`.
pub struct MockProposals;
impl ProposalFilter<RuntimeCall> for MockProposals {
	fn allows(kind: ProposalKind, call: &RuntimeCall) -> bool {
		matches!(
			(kind, call),
			(ProposalKind::Technical, RuntimeCall::System(frame_system::Call::remark { .. }))
				| (
					ProposalKind::Economic,
					RuntimeCall::Governance(crate::Call::set_periods { .. })
				) | (
				ProposalKind::Strategic,
				RuntimeCall::System(frame_system::Call::remark_with_event { .. })
			)
		)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn allowed_call() -> (ProposalKind, RuntimeCall) {
		(
			ProposalKind::Technical,
			RuntimeCall::System(frame_system::Call::remark { remark: vec![] }),
		)
	}
}

impl Config for Test {
	type Stakes = MockStakes;
	type Liquidity = ();
	type Mining = MockMining;
	type Proposals = MockProposals;
	type GovernanceHorizon = ConstU32<{ 14 * DAYS }>;
	type MaxProposalsPerAccount = ConstU32<3>;
	type AdminOrigin = EnsureRoot<u64>;
	type WeightInfo = ();
}

/// The Platinum minimum: 100,000 GYM.
pub const PLATINUM: Balance = 100_000 * GYM;

/// Short periods: launch every 2 blocks, vote 4, enact after 2, lock 2.
pub const SHORT: GovernancePeriods =
	GovernancePeriods { launch: 2, voting: 4, enactment: 2, vote_locking: 2, cooloff: 2 };

/// Accounts 1..=5 hold 1,000,000 GYM each; stakes and earnings are empty;
/// the periods are [`SHORT`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	STAKES.with(|s| s.borrow_mut().clear());
	EARNED.with(|e| e.borrow_mut().clear());
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=5).map(|who| (who, 1_000_000 * GYM)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_gym_governance::GenesisConfig::<Test> { periods: Some(SHORT), ..Default::default() }
		.assimilate_storage(&mut t)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
