//! Test runtime: System, Balances, GymEmission (epochs of 100 blocks),
//! TieredStaking (stakes, boosts, slashes), RevenueSplit (fine-tuning
//! payments, mining contribution) and ComputeMining.

use crate as pallet_compute_mining;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Inspect, ConstU128, ConstU32, Hooks},
};
use gym_primitives::{
	mining::Quality,
	traits::{ModelRegistrar, PriorityAccess, TrainedModel},
	Balance, EXISTENTIAL_DEPOSIT, GYM,
};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids of the test runtime (16 bytes, so that pallet accounts differ).
pub type AccountId = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		GymEmission: pallet_gym_emission,
		TieredStaking: pallet_tiered_staking,
		RevenueSplit: pallet_revenue_split,
		ComputeMining: pallet_compute_mining,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type DustRemoval = GymEmission;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = ConstU32<1>;
}

impl pallet_gym_emission::Config for Test {
	type Currency = Balances;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type WeightInfo = ();
}

/// What accounts `1..` get at genesis: 600,000 GYM (Diamond is 500,000;
/// 1,000 such accounts stay below the hard cap).
pub const ENDOWMENT: Balance = 600_000 * GYM;
/// Receives slashes: 1 GYM at genesis.
pub const TREASURY: AccountId = 1_000_000;
/// A customer with 10,000 GYM and no stake.
pub const CUSTOMER: AccountId = 2_000_000;
/// The existential deposit (1 mGYM).
pub const ED: u128 = EXISTENTIAL_DEPOSIT;
/// Blocks per epoch: epoch `e` is blocks `100e + 1 ..= 100e + 100`.
pub const EPOCH: u64 = 100;
/// Blocks per heartbeat slot: 10 slots per epoch, 60 per hour.
pub const SLOT: u32 = 10;
/// Tolerance on a claimed quality: 0.05.
pub const TOLERANCE: Quality = 50_000;
/// Price of a customer's job: 100 GYM.
pub const PRICE: Balance = 100 * GYM;

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
}

impl pallet_tiered_staking::Config for Test {
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type SlashDestination = Treasury;
	type MaxDeposits = ConstU32<4>;
	type StakeFloor = ComputeMining;
	type BondedElsewhere = frame_support::traits::Nothing;
	type MaxUnbonding = ConstU32<4>;
	type MinUnbondingPeriod = ConstU32<{ gym_primitives::HOURS }>;
	type SlashHorizon = ConstU32<{ gym_primitives::MINUTES }>;
	type GovernanceHorizon = ConstU32<{ 14 * gym_primitives::DAYS }>;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type Clock = GymEmission;
	type WeightInfo = ();
}

impl pallet_revenue_split::Config for Test {
	type Currency = Balances;
	type Emission = GymEmission;
	type Stakers = pallet_revenue_split::ToStakers<TieredStaking>;
	type LiquidityProviders = pallet_revenue_split::ToAccount<Treasury, Balances>;
	type DevelopmentFund = pallet_revenue_split::ToAccount<Treasury, Balances>;
	type Models = gym_primitives::traits::ModelIdsBelow<ConstU32<16>>;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxHistory = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TieredStaking;
}

impl pallet_compute_mining::Config for Test {
	type Staking = TieredStaking;
	type Emission = GymEmission;
	type Revenue = RevenueSplit;
	type Models = gym_primitives::traits::ModelIdsBelow<ConstU32<16>>;
	type Registrar = TestRegistrar;
	type Priority = TestPriority;
	type MaxPriorityJobs = ConstU32<MAX_PRIORITY_JOBS>;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type HeartbeatSlot = ConstU32<SLOT>;
	type DowntimeNotice = ConstU32<20>;
	type MaxDowntime = ConstU32<1_000>;
	type MaxValidations = ConstU32<5>;
	type MaxUnclaimedEpochs = ConstU32<4>;
	type MaxQuality = ConstU32<2_000_000>;
	type QualityTolerance = ConstU32<TOLERANCE>;
	type FineTuningPrice = ConstU128<PRICE>;
	type Randomness = TestRandomness;
	type MaxOrchestrators = ConstU32<16>;
	type CommitWindow = ConstU32<COMMIT_WINDOW>;
	type RevealWindow = ConstU32<REVEAL_WINDOW>;
	type DisputePeriod = ConstU32<DISPUTE_PERIOD>;
	type RoundPeriod = ConstU32<ROUND_PERIOD>;
	type SuspensionPeriod = ConstU32<SUSPENSION>;
	type MaxDrawsPerBlock = ConstU32<64>;
	type MaxWorkersPerJob = MaxWorkersPerJob;
	type MaxSeatsPerBlock = ConstU32<8>;
	type WeightInfo = ();
}

/// Most jobs the priority ring holds in the test runtime.
pub const MAX_PRIORITY_JOBS: u32 = 4;
/// The id [`TestRegistrar`] gives its first model (the first trained-model
/// id of the registry).
pub const FIRST_MODEL: gym_primitives::ModelId = 65_536;

std::thread_local! {
	/// The models [`TestRegistrar`] registered, in order.
	static REGISTERED: core::cell::RefCell<Vec<TrainedModel<AccountId>>> =
		const { core::cell::RefCell::new(Vec::new()) };
	/// Whether [`TestRegistrar`] refuses models (a full registry).
	static REGISTRY_FULL: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
	/// The accounts [`TestPriority`] grants priority access.
	static SUBSCRIBERS: core::cell::RefCell<std::collections::BTreeSet<AccountId>> =
		const { core::cell::RefCell::new(std::collections::BTreeSet::new()) };
}

/// A model registry of the test runtime: records each model and gives it
/// the next id from [`FIRST_MODEL`]; refuses every model while
/// [`TestRegistrar::set_full`] says it is full.
pub struct TestRegistrar;

impl TestRegistrar {
	/// The models registered so far, in order.
	pub fn registered() -> Vec<TrainedModel<AccountId>> {
		REGISTERED.with(|r| r.borrow().clone())
	}

	/// Makes the registry refuse (`true`) or take (`false`) models.
	pub fn set_full(full: bool) {
		REGISTRY_FULL.with(|f| f.set(full));
	}
}

impl ModelRegistrar<AccountId> for TestRegistrar {
	fn register_trained(
		model: TrainedModel<AccountId>,
	) -> Result<gym_primitives::ModelId, sp_runtime::DispatchError> {
		if REGISTRY_FULL.with(|f| f.get()) {
			return Err(sp_runtime::DispatchError::Other("registry full"));
		}
		REGISTERED.with(|r| {
			let mut r = r.borrow_mut();
			r.push(model);
			Ok(FIRST_MODEL + r.len() as u32 - 1)
		})
	}
}

/// Priority access of the test runtime: the accounts subscribed with
/// [`TestPriority::subscribe`].
pub struct TestPriority;

impl TestPriority {
	/// Grants `who` priority access.
	pub fn subscribe(who: AccountId) {
		SUBSCRIBERS.with(|s| s.borrow_mut().insert(who));
	}

	/// Takes `who`'s priority access away (its subscription lapsed).
	pub fn lapse(who: AccountId) {
		SUBSCRIBERS.with(|s| s.borrow_mut().remove(&who));
	}
}

impl PriorityAccess<AccountId> for TestPriority {
	fn has_priority(who: &AccountId) -> bool {
		SUBSCRIBERS.with(|s| s.borrow().contains(who))
	}
}

/// Blocks a committee has to commit after the draw.
pub const COMMIT_WINDOW: u32 = 5;
/// Blocks a dispute is voted on.
pub const DISPUTE_PERIOD: u32 = 5;
/// Blocks a round has to complete once its committee is drawn.
pub const ROUND_PERIOD: u32 = 20;
/// Blocks a dispute's losers are suspended for.
pub const SUSPENSION: u32 = 100;
/// Blocks a committee has to reveal after the commit deadline.
pub const REVEAL_WINDOW: u32 = 5;

parameter_types! {
	/// The seed [`TestRandomness`] mixes with the block number and subject.
	pub static RandomSeed: u64 = 0;
}

/// Randomness of the test runtime: a hash of [`RandomSeed`], the block
/// number and the subject.
pub struct TestRandomness;

impl frame_support::traits::Randomness<sp_core::H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (sp_core::H256, u64) {
		use sp_runtime::traits::Hash;
		let block = System::block_number();
		(sp_runtime::traits::BlakeTwo256::hash_of(&(RandomSeed::get(), block, subject)), block)
	}
}

/// Genesis: accounts `1..=accounts` with [`ENDOWMENT`] each, the treasury,
/// a customer and the pot accounts; tests start at block 1.
pub struct ExtBuilder {
	accounts: u128,
	min_validations: u8,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { accounts: 20, min_validations: 3 }
	}
}

impl ExtBuilder {
	/// How many funded accounts (ids 1..=n).
	pub fn accounts(mut self, n: u128) -> Self {
		self.accounts = n;
		self
	}

	/// The chain's `MinValidations`.
	pub fn min_validations(mut self, n: u8) -> Self {
		self.min_validations = n;
		self
	}

	/// Builds the externalities at block 1, with an empty model registry
	/// that takes models and no subscriber.
	pub fn build(self) -> sp_io::TestExternalities {
		REGISTERED.with(|r| r.borrow_mut().clear());
		REGISTRY_FULL.with(|f| f.set(false));
		SUBSCRIBERS.with(|s| s.borrow_mut().clear());
		let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut balances: Vec<(AccountId, u128)> =
			(1..=self.accounts).map(|who| (who, ENDOWMENT)).collect();
		balances.push((TREASURY, GYM));
		balances.push((CUSTOMER, 10_000 * GYM));
		balances.push((RevenueSplit::account_id(), ED));
		balances.push((TieredStaking::pot_account(), ED));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut t)
			.unwrap();
		pallet_gym_emission::GenesisConfig::<Test> {
			epoch_length: EPOCH as u32,
			..Default::default()
		}
		.assimilate_storage(&mut t)
		.unwrap();
		pallet_compute_mining::GenesisConfig::<Test> {
			min_validations: self.min_validations,
			..Default::default()
		}
		.assimilate_storage(&mut t)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(t);
		ext.execute_with(|| {
			System::set_block_number(1);
			// No dispute window, so that a test not about disputes finalises
			// a judgement in the next block (see `validate` in the tests);
			// the dispute tests set one.
			pallet_compute_mining::DisputeWindow::<Test>::put(0);
		});
		ext
	}

	/// Builds, runs `test`, then checks every pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			check_invariants();
		})
	}
}

/// The invariants of the GYM pallets of this runtime.
pub fn check_invariants() {
	ComputeMining::do_try_state().expect("compute-mining invariants hold");
	RevenueSplit::do_try_state().expect("revenue-split invariants hold");
	TieredStaking::do_try_state().expect("staking invariants hold");
	GymEmission::do_try_state().expect("emission invariants hold");
}

/// The total issuance of GYM.
pub fn issuance() -> u128 {
	<Balances as Inspect<AccountId>>::total_issuance()
}

/// The balance of `who`.
pub fn balance(who: AccountId) -> u128 {
	<Balances as Inspect<AccountId>>::balance(&who)
}

parameter_types! {
	/// Whether [`run_to_block`] checks the invariants after every block (the
	/// 1,000-worker simulation checks them once per epoch instead).
	pub static CheckEveryBlock: bool = true;
	/// Most workers a job seats (the 1,000-worker simulation needs them
	/// all in one job).
	pub static MaxWorkersPerJob: u32 = 1_000;
}

/// Runs the blocks up to `n` with the hooks, checking the invariants.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		RevenueSplit::on_initialize(next);
		ComputeMining::on_initialize(next);
		if CheckEveryBlock::get() {
			check_invariants();
		}
	}
}

/// Runs to the first block of epoch `e` (which closes epoch `e - 1`).
pub fn run_to_epoch(e: u64) {
	run_to_block(e * EPOCH + 1);
}

/// Runs to the first block of the next heartbeat slot.
pub fn next_slot() {
	let b = System::block_number() as u32;
	let next = (gym_primitives::mining::slot_of(b, SLOT) + 1) * SLOT + 1;
	run_to_block(next as u64);
}
