//! Test runtime: System, Balances and TieredStaking.

use crate as pallet_tiered_staking;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Inspect, ConstU128, ConstU32},
};
use gym_primitives::{Balance, BlockNumber, EXISTENTIAL_DEPOSIT, GYM};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		TieredStaking: pallet_tiered_staking,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = ConstU32<1>;
}

/// Stakers with 2,000,000 GYM each.
pub const ALICE: u64 = 1;
/// See [`ALICE`].
pub const BOB: u64 = 2;
/// See [`ALICE`].
pub const CHARLIE: u64 = 3;
/// A small holder: 5 mGYM, a few existential deposits.
pub const DAVE: u64 = 4;
/// Pays staker revenue in (plays the revenue-split pallet): 10,000,000 GYM.
pub const PAYER: u64 = 10;
/// The slash destination (the treasury): 1 GYM at genesis.
pub const TREASURY: u64 = 100;
/// The existential deposit (1 mGYM).
pub const ED: u128 = EXISTENTIAL_DEPOSIT;

parameter_types! {
	/// Where penalties and slashes go.
	pub const SlashDestination: u64 = TREASURY;
	/// The stake floor [`FloorForAlice`] sets for Alice.
	pub static AliceFloor: Balance = 0;
	/// Accounts that play pallet-staking's validators and nominators.
	pub static BondedAccounts: Vec<u64> = Vec::new();
	/// Whether [`FloorForAlice`] holds Alice's withdrawal (work not final).
	pub static AliceHeld: bool = false;
	/// The pending slash [`FloorForAlice`] reports for Alice.
	pub static AlicePendingSlash: Balance = 0;
}

/// The unbonding period of the mock's genesis: 100 blocks.
pub const UNBONDING: BlockNumber = 100;

/// Accounts bonded in the (played) pallet-staking.
pub struct Bonded;
impl frame_support::traits::Contains<u64> for Bonded {
	fn contains(who: &u64) -> bool {
		BondedAccounts::get().contains(who)
	}
}

/// Revenue periods of [`EPOCH`] blocks: epoch `e` is blocks
/// `e × 10 + 1 ..= (e + 1) × 10` (plays GymEmission).
pub struct TenBlockEpochs;
/// The mock's epoch length.
pub const EPOCH: BlockNumber = 10;
impl gym_primitives::traits::EpochClock for TenBlockEpochs {
	fn epoch_of(block: BlockNumber) -> gym_primitives::EpochIndex {
		block.saturating_sub(1) / EPOCH
	}
	fn current_epoch() -> gym_primitives::EpochIndex {
		Self::epoch_of(u32::try_from(System::block_number()).unwrap())
	}
	fn epoch_end(epoch: gym_primitives::EpochIndex) -> BlockNumber {
		(epoch + 1) * EPOCH
	}
}

/// A stake floor for Alice only (plays the compute-mining pallet).
pub struct FloorForAlice;
impl pallet_tiered_staking::StakeFloor<u64> for FloorForAlice {
	fn minimum_stake(who: &u64) -> Balance {
		if *who == ALICE {
			AliceFloor::get()
		} else {
			0
		}
	}

	fn holds_withdrawal(who: &u64) -> bool {
		*who == ALICE && AliceHeld::get()
	}

	fn pending_slash(who: &u64) -> Balance {
		if *who == ALICE {
			AlicePendingSlash::get()
		} else {
			0
		}
	}
}

impl pallet_tiered_staking::Config for Test {
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type SlashDestination = SlashDestination;
	// Small, so that merging is easy to reach.
	type MaxDeposits = ConstU32<4>;
	type StakeFloor = FloorForAlice;
	type BondedElsewhere = Bonded;
	// Small, so that merging is easy to reach.
	type MaxUnbonding = ConstU32<3>;
	type MinUnbondingPeriod = ConstU32<50>;
	type SlashHorizon = ConstU32<40>;
	type GovernanceHorizon = ConstU32<1_000>;
	type AdminOrigin = frame_system::EnsureRoot<u64>;
	type Clock = TenBlockEpochs;
	type WeightInfo = ();
}

/// Genesis balances; tests start at block 1.
pub struct ExtBuilder {
	balances: Vec<(u64, u128)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			balances: vec![
				(ALICE, 2_000_000 * GYM),
				(BOB, 2_000_000 * GYM),
				(CHARLIE, 2_000_000 * GYM),
				(DAVE, 5 * ED),
				(PAYER, 10_000_000 * GYM),
				(TREASURY, GYM),
			],
		}
	}
}

impl ExtBuilder {
	/// Sets the genesis balances.
	pub fn balances(mut self, b: Vec<(u64, u128)>) -> Self {
		self.balances = b;
		self
	}

	/// Builds the externalities at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
			.assimilate_storage(&mut t)
			.unwrap();
		pallet_tiered_staking::GenesisConfig::<Test> {
			stakes: Vec::new(),
			unbonding_period: UNBONDING,
		}
		.assimilate_storage(&mut t)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(t);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Builds, runs `test`, then checks the pallet's invariants and that the
	/// test minted and burned nothing.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			let start = issuance();
			test();
			TieredStaking::do_try_state().expect("invariants hold");
			assert_eq!(issuance(), start, "GYM was minted or burned");
		})
	}
}

/// The total issuance of GYM.
pub fn issuance() -> u128 {
	<Balances as Inspect<u64>>::total_issuance()
}

/// Moves to block `n` (hooks do no work per block) and checks the invariants.
pub fn run_to_block(n: BlockNumber) {
	System::set_block_number(n.into());
	TieredStaking::do_try_state().expect("invariants hold");
}
