//! Test runtime: System, Balances (GYM), Assets with AssetsFreezer (the LP
//! tokens) and GymLiquidity; periods of 10 blocks; pools whose reserves the
//! tests set.

use crate as pallet_gym_liquidity;
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU128, ConstU32, Hooks},
	PalletId,
};
use gym_primitives::{
	traits::{EpochClock, GymPools, PoolState},
	Balance, BlockNumber, EpochIndex, EXISTENTIAL_DEPOSIT, GYM,
};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids of the test runtime.
pub type AccountId = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Assets: pallet_assets,
		AssetsFreezer: pallet_assets_freezer,
		GymLiquidity: pallet_gym_liquidity,
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
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = ConstU32<2>;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_assets::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type AssetId = u32;
	type AssetIdParameter = codec::Compact<u32>;
	type ReserveData = ();
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<frame_system::EnsureSigned<AccountId>>;
	type ForceOrigin = frame_system::EnsureRoot<AccountId>;
	type AssetDeposit = ConstU128<0>;
	type AssetAccountDeposit = ConstU128<0>;
	type MetadataDepositBase = ConstU128<0>;
	type MetadataDepositPerByte = ConstU128<0>;
	type ApprovalDeposit = ConstU128<0>;
	type StringLimit = ConstU32<32>;
	type Freezer = AssetsFreezer;
	type Holder = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type RemoveItemsLimit = ConstU32<10>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

impl pallet_assets_freezer::Config for Test {
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type RuntimeEvent = RuntimeEvent;
}

/// Blocks per period: period `p` is blocks `10p + 1 ..= 10p + 10`.
pub const PERIOD: BlockNumber = 10;

/// Periods of [`PERIOD`] blocks, as `pallet-gym-emission`'s epochs are.
pub struct Epochs;
impl EpochClock for Epochs {
	fn epoch_of(block: BlockNumber) -> EpochIndex {
		block.saturating_sub(1) / PERIOD
	}
	fn current_epoch() -> EpochIndex {
		Self::epoch_of(System::block_number() as BlockNumber)
	}
	fn epoch_end(epoch: EpochIndex) -> BlockNumber {
		(epoch + 1) * PERIOD
	}
}

/// The asset paired with GYM in the first pool ("wBNB") and its LP token.
pub const WBNB: u32 = 1;
/// LP token of the GYM/wBNB pool.
pub const WBNB_LP: u32 = 101;
/// The asset paired with GYM in the second pool ("USDT") and its LP token.
pub const USDT: u32 = 2;
/// LP token of the GYM/USDT pool.
pub const USDT_LP: u32 = 102;
/// An asset with no pool.
pub const NO_POOL: u32 = 3;

thread_local! {
	/// `(pair, lp token, GYM reserve, other reserve)` of the pools.
	static POOLS: RefCell<Vec<(u32, u32, Balance, Balance)>> = RefCell::new(vec![
		(WBNB, WBNB_LP, 1_000_000 * GYM, 160 * GYM),
		(USDT, USDT_LP, 1_000_000 * GYM, 100_000_000_000),
	]);
}

/// Sets the GYM reserve of the GYM/`pair` pool.
pub fn set_gym_reserve(pair: u32, gym: Balance) {
	POOLS.with(|p| p.borrow_mut().iter_mut().filter(|e| e.0 == pair).for_each(|e| e.2 = gym));
}

/// The pools, with the LP supply the assets pallet holds.
pub struct Pools;
impl GymPools for Pools {
	fn pool(pair: u32) -> Option<PoolState> {
		let (_, lp_token, gym, other) =
			POOLS.with(|p| p.borrow().iter().find(|e| e.0 == pair).copied())?;
		let lp_supply =
			<Assets as frame_support::traits::fungibles::Inspect<_>>::total_issuance(lp_token);
		Some(PoolState { lp_token, gym, other, lp_supply })
	}
}

parameter_types! {
	pub const PotId: PalletId = PalletId(*b"gym/lqty");
}

impl pallet_gym_liquidity::Config for Test {
	type Currency = Balances;
	type LpTokens = AssetsFreezer;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type Pools = Pools;
	type Epochs = Epochs;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type PotId = PotId;
	type MaxFarms = ConstU32<3>;
	type WeightInfo = ();
}

/// Holds 1,000,000 GYM and 1,000 LP of each pool.
pub const ALICE: AccountId = 1;
/// See [`ALICE`].
pub const BOB: AccountId = 2;
/// See [`ALICE`].
pub const CHARLIE: AccountId = 3;
/// The existential deposit.
pub const ED: Balance = EXISTENTIAL_DEPOSIT;
/// LP tokens each of Alice, Bob and Charlie holds per pool; the pool holds
/// as many (a supply of 4,000 LP).
pub const LP: Balance = 1_000 * GYM;

/// The farms every test starts with: 0 GYM-wBNB LP (300%), 1 GYM-USDT LP
/// (200%), 2 GYM single stake (100%).
pub struct ExtBuilder {
	pot: Balance,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { pot: 1_000_000 * GYM }
	}
}

impl ExtBuilder {
	/// The pot's GYM at genesis (ED or more).
	pub fn pot(mut self, pot: Balance) -> Self {
		self.pot = pot;
		self
	}

	/// Builds the externalities at block 1, after its hook.
	pub fn build(self) -> sp_io::TestExternalities {
		let pot = GymLiquidity::pot_account();
		// Holds the pools' own LP; its GYM makes the LP account possible.
		let pool = 99;
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![
				(ALICE, 1_000_000 * GYM),
				(BOB, 1_000_000 * GYM),
				(CHARLIE, 1_000_000 * GYM),
				(pot, self.pot),
				(pool, GYM),
			],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_assets::GenesisConfig::<Test> {
			assets: vec![(WBNB_LP, pool, false, 1), (USDT_LP, pool, false, 1)],
			metadata: vec![],
			accounts: [ALICE, BOB, CHARLIE, pool]
				.into_iter()
				.flat_map(|who| [(WBNB_LP, who, LP), (USDT_LP, who, LP)])
				.collect(),
			next_asset_id: None,
			reserves: vec![],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_gym_liquidity::GenesisConfig::<Test> {
			farms: vec![
				(Some(WBNB), 20_000, Some((30_000, 1_000))),
				(Some(USDT), 20_000, None),
				(None, 10_000, None),
			],
			_config: Default::default(),
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| run_to_block(1));
		ext
	}

	/// Runs `test` at block 1, then checks the invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			GymLiquidity::do_try_state().unwrap();
		});
	}
}

/// The benchmarks' externalities: the default test chain.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Runs the hooks of every block up to `n`.
pub fn run_to_block(n: BlockNumber) {
	while (System::block_number() as BlockNumber) < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		GymLiquidity::on_initialize(next);
	}
}

/// The first block of period `p`.
pub fn period_start(p: EpochIndex) -> BlockNumber {
	p * PERIOD + 1
}
