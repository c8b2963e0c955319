//! Test runtime: System, Balances, GymEmission (epochs of 10 blocks, the
//! burn record), TieredStaking (the stakers' sink) and RevenueSplit.

use crate as pallet_revenue_split;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Inspect, ConstU128, ConstU32, Hooks},
};
use gym_primitives::{EXISTENTIAL_DEPOSIT, GYM};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids of the test runtime.
pub type AccountId = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		GymEmission: pallet_gym_emission,
		TieredStaking: pallet_tiered_staking,
		RevenueSplit: pallet_revenue_split,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	// 16 bytes, so that the pot accounts of `gym/revn` and `gym/stak` differ
	// (a u64 would truncate both to "modlgym/").
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

/// Stakers with 2,000,000 GYM each.
pub const ALICE: AccountId = 1;
/// See [`ALICE`].
pub const BOB: AccountId = 2;
/// Miners with 1 GYM each.
pub const MINER_1: AccountId = 11;
/// See [`MINER_1`].
pub const MINER_2: AccountId = 12;
/// See [`MINER_1`].
pub const MINER_3: AccountId = 13;
/// A miner account that does not exist at genesis.
pub const NEW_MINER: AccountId = 14;
/// Pays revenue in: 10,000,000 GYM.
pub const PAYER: AccountId = 20;
/// Holds exactly 1 GYM.
pub const POOR: AccountId = 21;
/// Receives penalties and slashes: 1 GYM at genesis.
pub const TREASURY: AccountId = 100;
/// The development fund: 1 GYM at genesis.
pub const DEV_FUND: AccountId = 101;
/// The liquidity providers' pot: 1 GYM at genesis.
pub const LP_POT: AccountId = 102;
/// The existential deposit (1 mGYM).
pub const ED: u128 = EXISTENTIAL_DEPOSIT;
/// Blocks per period (mining epoch): period `p` is blocks `10p + 1 ..= 10p + 10`.
pub const EPOCH: u64 = 10;
/// Models 0..16 exist.
pub const MODELS: u32 = 16;

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const DevFund: AccountId = DEV_FUND;
	pub const LpPot: AccountId = LP_POT;
}

impl pallet_tiered_staking::Config for Test {
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type SlashDestination = Treasury;
	type MaxDeposits = ConstU32<4>;
	type StakeFloor = ();
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
	type LiquidityProviders = pallet_revenue_split::ToAccount<LpPot, Balances>;
	type DevelopmentFund = pallet_revenue_split::ToAccount<DevFund, Balances>;
	type Models = gym_primitives::traits::ModelIdsBelow<ConstU32<MODELS>>;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxHistory = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TieredStaking;
}

/// The revenue pot account.
pub fn pot() -> AccountId {
	RevenueSplit::account_id()
}

/// The stakers' pot account of tiered staking.
pub fn staking_pot() -> AccountId {
	TieredStaking::pot_account()
}

/// Genesis balances; tests start at block 1.
pub struct ExtBuilder {
	balances: Vec<(AccountId, u128)>,
	stakes: Vec<(AccountId, u128)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			balances: vec![
				(ALICE, 2_000_000 * GYM),
				(BOB, 2_000_000 * GYM),
				(MINER_1, GYM),
				(MINER_2, GYM),
				(MINER_3, GYM),
				(PAYER, 10_000_000 * GYM),
				(POOR, GYM),
				(TREASURY, GYM),
				(DEV_FUND, GYM),
				(LP_POT, GYM),
				// The pots exist from genesis, as their existential deposit.
				(pot(), ED),
				(staking_pot(), ED),
			],
			stakes: Vec::new(),
		}
	}
}

impl ExtBuilder {
	/// Stakes `amount` for `who` at genesis: it counts for staker revenue at
	/// once, like a stake made two periods before the test.
	pub fn staked(mut self, who: AccountId, amount: u128) -> Self {
		self.stakes.push((who, amount));
		self
	}

	/// Genesis without the revenue pot account.
	pub fn without_pot_account(mut self) -> Self {
		self.balances.retain(|(who, _)| *who != pot());
		self
	}

	/// Builds the externalities at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
			.assimilate_storage(&mut t)
			.unwrap();
		pallet_gym_emission::GenesisConfig::<Test> {
			epoch_length: EPOCH as u32,
			..Default::default()
		}
		.assimilate_storage(&mut t)
		.unwrap();
		pallet_tiered_staking::GenesisConfig::<Test> { stakes: self.stakes, unbonding_period: 0 }
			.assimilate_storage(&mut t)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(t);
		ext.execute_with(|| System::set_block_number(1));
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

/// The invariants of the three GYM pallets of this runtime.
pub fn check_invariants() {
	RevenueSplit::do_try_state().expect("revenue-split invariants hold");
	TieredStaking::do_try_state().expect("staking invariants hold");
	GymEmission::do_try_state().expect("emission invariants hold");
}

/// The total issuance of GYM.
pub fn issuance() -> u128 {
	<Balances as Inspect<AccountId>>::total_issuance()
}

/// The free balance of `who`.
pub fn balance(who: AccountId) -> u128 {
	<Balances as Inspect<AccountId>>::balance(&who)
}

/// Runs the blocks up to `n`, with RevenueSplit's `on_initialize`, checking
/// the invariants after each.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		RevenueSplit::on_initialize(next);
		check_invariants();
	}
}

/// Runs to the first block of period `p` (which closes period `p - 1`).
pub fn run_to_period(p: u64) {
	run_to_block(p * EPOCH + 1);
}
