//! Test runtime: System, Balances, GymEmission and GymValidators.

use crate as pallet_gym_validators;
use frame_support::{derive_impl, parameter_types, traits::ConstU128, PalletId};
use gym_primitives::GYM;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		GymEmission: pallet_gym_emission,
		GymValidators: pallet_gym_validators,
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

/// The treasury of the test runtime.
pub const TREASURY: u64 = 99;

parameter_types! {
	pub const PotId: PalletId = PalletId(*b"gym/vals");
	pub const Treasury: u64 = TREASURY;
}

impl pallet_gym_validators::Config for Test {
	type Currency = Balances;
	type Emission = GymEmission;
	type PotId = PotId;
	type Treasury = Treasury;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type WeightInfo = ();
}

/// Genesis: accounts 1 and 2 hold 6,000,000 GYM, 10-block epochs.
pub struct ExtBuilder {
	balances: Vec<(u64, u128)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { balances: vec![(1, 5_000_000 * GYM), (2, 1_000_000 * GYM)] }
	}
}

impl ExtBuilder {
	/// Sets the genesis balances.
	pub fn balances(mut self, b: Vec<(u64, u128)>) -> Self {
		self.balances = b;
		self
	}

	/// Builds the externalities before block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
			.assimilate_storage(&mut t)
			.unwrap();
		pallet_gym_emission::GenesisConfig::<Test> { epoch_length: 10, ..Default::default() }
			.assimilate_storage(&mut t)
			.unwrap();
		pallet_gym_validators::GenesisConfig::<Test>::default().assimilate_storage(&mut t).unwrap();
		sp_io::TestExternalities::new(t)
	}

	/// Builds, runs `test`, then checks both pallets' invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			GymEmission::do_try_state().expect("emission invariants hold");
			GymValidators::do_try_state().expect("validator invariants hold");
		})
	}
}

/// Runs blocks up to `n`, with GymValidators' hook.
pub fn run_to_block(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		GymValidators::on_initialize(next);
	}
}
