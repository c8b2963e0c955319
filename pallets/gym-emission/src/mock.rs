//! Test runtime: System, Balances and GymEmission.

use crate as pallet_gym_emission;
use frame_support::{derive_impl, traits::ConstU128};
use gym_primitives::GYM;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		GymEmission: pallet_gym_emission,
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
	type ExistentialDeposit = ConstU128<{ gym_primitives::EXISTENTIAL_DEPOSIT }>;
	type DustRemoval = GymEmission;
}

impl pallet_gym_emission::Config for Test {
	type Currency = Balances;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type WeightInfo = ();
}

/// Genesis: accounts 1 and 2 hold 6,000,000 GYM together (like the dev chain).
pub struct ExtBuilder {
	epoch_length: u32,
	balances: Vec<(u64, u128)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { epoch_length: 10, balances: vec![(1, 5_000_000 * GYM), (2, 1_000_000 * GYM)] }
	}
}

impl ExtBuilder {
	/// Sets the epoch length.
	pub fn epoch_length(mut self, len: u32) -> Self {
		self.epoch_length = len;
		self
	}

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
		pallet_gym_emission::GenesisConfig::<Test> {
			epoch_length: self.epoch_length,
			..Default::default()
		}
		.assimilate_storage(&mut t)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(t);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Builds, runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			GymEmission::do_try_state().expect("invariants hold");
		})
	}
}

/// Moves to block `n`.
pub fn run_to_block(n: u64) {
	System::set_block_number(n);
}
