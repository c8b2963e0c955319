//! Test runtime: System, Balances (GYM) and GymStability; periods of 10
//! blocks, buckets of 5; prices, a GYM/USDT pool and USDT balances the tests
//! set.

use crate as pallet_gym_stability;
use crate::{Moved, StableSwap, TaxedCalls, Transfer};
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::Mutate, tokens::Preservation, ConstU128, ConstU32, ConstU64, Contains, Hooks,
	},
};
use gym_primitives::{
	mining::GpuClass,
	prices::{MiningOutlook, PriceKey, PriceOracle, UsdPrice},
	traits::{BurnTracker, EpochClock},
	Balance, BlockNumber, EpochIndex, EXISTENTIAL_DEPOSIT, GYM,
};
use sp_runtime::{BuildStorage, DispatchError, FixedPointNumber, FixedU128, Perbill};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlockU32<Test>;

/// Account ids of the test runtime.
pub type AccountId = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		GymStability: pallet_gym_stability,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
	type OnKilledAccount = GymStability;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
}

/// Blocks per period.
pub const PERIOD: BlockNumber = 10;
/// Blocks per bucket of the tax window.
pub const BUCKET: BlockNumber = 5;
/// The treasury.
pub const TREASURY: AccountId = 900;
/// The pool's account (protocol: exempt).
pub const POOL: AccountId = 901;
/// One USDT in its smallest unit.
pub const USDT: Balance = 1_000_000;

/// Periods of [`PERIOD`] blocks.
pub struct Epochs;
impl EpochClock for Epochs {
	fn epoch_of(block: BlockNumber) -> EpochIndex {
		block.saturating_sub(1) / PERIOD
	}
	fn current_epoch() -> EpochIndex {
		Self::epoch_of(System::block_number())
	}
	fn epoch_end(epoch: EpochIndex) -> BlockNumber {
		(epoch + 1) * PERIOD
	}
}

thread_local! {
	static PRICES: RefCell<BTreeMap<PriceKey, UsdPrice>> = const { RefCell::new(BTreeMap::new()) };
	/// (GYM reserve, USDT reserve) of the pool.
	static RESERVES: RefCell<(Balance, Balance)> = const { RefCell::new((1_000_000 * GYM, 100_000 * USDT)) };
	static USDT_BALANCES: RefCell<BTreeMap<AccountId, Balance>> = const { RefCell::new(BTreeMap::new()) };
	static BURNED: RefCell<Balance> = const { RefCell::new(0) };
}

/// Sets (or clears, with `None`) the fresh price of `key`.
pub fn set_price(key: PriceKey, price: Option<UsdPrice>) {
	PRICES.with(|p| match price {
		Some(price) => p.borrow_mut().insert(key, price),
		None => p.borrow_mut().remove(&key),
	});
}

/// Sets the pool's reserves (GYM planck, USDT units).
pub fn set_reserves(gym: Balance, usdt: Balance) {
	RESERVES.with(|r| *r.borrow_mut() = (gym, usdt));
}

/// The pool's reserves.
pub fn reserves() -> (Balance, Balance) {
	RESERVES.with(|r| *r.borrow())
}

/// Gives `who` `amount` USDT.
pub fn give_usdt(who: AccountId, amount: Balance) {
	USDT_BALANCES.with(|b| *b.borrow_mut().entry(who).or_default() += amount);
}

/// GYM the books were told was burned.
pub fn burned() -> Balance {
	BURNED.with(|b| *b.borrow())
}

/// Prices the tests set.
pub struct Prices;
impl PriceOracle for Prices {
	fn fresh(key: PriceKey) -> Option<UsdPrice> {
		PRICES.with(|p| p.borrow().get(&key).copied())
	}
}

/// A constant-product GYM/USDT pool with a 0.3% fee, paying GYM out of
/// [`POOL`].
pub struct Pool;
impl Pool {
	/// GYM out for `usdt_in`.
	pub fn quote(usdt_in: Balance) -> Balance {
		let (gym, usdt) = reserves();
		let in_after_fee = usdt_in * 997;
		gym * in_after_fee / (usdt * 1000 + in_after_fee)
	}
}
impl StableSwap<AccountId> for Pool {
	fn stable_balance(who: &AccountId) -> Balance {
		USDT_BALANCES.with(|b| b.borrow().get(who).copied().unwrap_or(0))
	}
	fn quote_gym(usdt_in: Balance) -> Option<Balance> {
		Some(Self::quote(usdt_in))
	}
	fn buy_gym(
		who: &AccountId,
		usdt_in: Balance,
		min_out: Balance,
	) -> Result<Balance, DispatchError> {
		let out = Self::quote(usdt_in);
		if out < min_out {
			return Err(crate::Error::<Test>::PoolOffOracle.into());
		}
		if Self::stable_balance(who) < usdt_in {
			return Err(DispatchError::Other("no USDT"));
		}
		Balances::transfer(&POOL, who, out, Preservation::Preserve)?;
		USDT_BALANCES.with(|b| *b.borrow_mut().entry(*who).or_default() -= usdt_in);
		RESERVES.with(|r| {
			let (gym, usdt) = *r.borrow();
			*r.borrow_mut() = (gym - out, usdt + usdt_in);
		});
		Ok(out)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn fund(who: &AccountId, amount: Balance) {
		give_usdt(*who, amount);
	}
}

/// Counts what the buyback burns.
pub struct Books;
impl BurnTracker for Books {
	fn note_burned(amount: Balance) {
		BURNED.with(|b| *b.borrow_mut() += amount);
	}
}

/// An outlook of 1,000 GYM × the class's multiplier at difficulty 1/2.
pub struct Outlook;
impl MiningOutlook for Outlook {
	fn epoch_blocks() -> BlockNumber {
		600
	}
	fn difficulty() -> FixedU128 {
		FixedU128::from_rational(1, 2)
	}
	fn base_reward(class: GpuClass) -> Balance {
		class.multiplier().saturating_mul_int(1_000 * GYM)
	}
}

/// Balances' transfer calls.
pub struct Transfers;
impl TaxedCalls<RuntimeCall, AccountId> for Transfers {
	fn transfer(call: &RuntimeCall) -> Option<Transfer<AccountId>> {
		use pallet_balances::Call as B;
		match call {
			RuntimeCall::Balances(B::transfer_allow_death { dest, value }) => {
				Some(Transfer { dest: *dest, moved: Moved::Exact(*value), keep_alive: false })
			}
			RuntimeCall::Balances(B::transfer_keep_alive { dest, value }) => {
				Some(Transfer { dest: *dest, moved: Moved::Exact(*value), keep_alive: true })
			}
			RuntimeCall::Balances(B::transfer_all { dest, keep_alive }) => {
				Some(Transfer { dest: *dest, moved: Moved::All, keep_alive: *keep_alive })
			}
			_ => None,
		}
	}
}

/// Accounts 900 to 999 are the protocol's.
pub struct Protocol;
impl Contains<AccountId> for Protocol {
	fn contains(who: &AccountId) -> bool {
		(900..1000).contains(who)
	}
}

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const MaxSlippage: Perbill = Perbill::from_percent(10);
}

impl pallet_gym_stability::Config for Test {
	type Currency = Balances;
	type Prices = Prices;
	type Stable = Pool;
	type Burns = Books;
	type Epochs = Epochs;
	type Mining = Outlook;
	type TaxedCalls = Transfers;
	type Exempt = Protocol;
	type Treasury = Treasury;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type BucketBlocks = ConstU32<BUCKET>;
	type BlockMillis = ConstU64<6_000>;
	type MaxBrackets = ConstU32<8>;
	type MaxHistory = ConstU32<3>;
	type MaxSlippage = MaxSlippage;
	type Fees = ConstU32<0>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Prices;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for Prices {
	fn set_price(key: PriceKey, price: UsdPrice) {
		set_price(key, Some(price));
	}
}

/// Every user starts with 1,000,000 GYM; issuance 10,000,000 GYM with the
/// pool's and the treasury's.
pub const START: Balance = 1_000_000 * GYM;

/// A chain at block 1 with accounts 1..=4 holding [`START`], the pool
/// 5,000,000 GYM and the treasury 1,000,000; a $10 / 100 GYM fine-tuning
/// price; buyback floor $0.10, 1,000 USDT a period, 2% slippage.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(1, START),
			(2, START),
			(3, START),
			(4, START),
			(POOL, 5_000_000 * GYM),
			(TREASURY, START),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_gym_stability::GenesisConfig::<Test> {
		pricing: crate::FineTuningPricing { usd: Some(FixedU128::from_u32(10)), gym: 100 * GYM },
		buyback: crate::BuybackConfig {
			floor: FixedU128::from_rational(1, 10),
			per_period: 1_000 * USDT,
			max_slippage: Perbill::from_percent(2),
		},
		brackets: vec![],
		_config: Default::default(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		PRICES.with(|p| p.borrow_mut().clear());
		USDT_BALANCES.with(|b| b.borrow_mut().clear());
		BURNED.with(|b| *b.borrow_mut() = 0);
		set_reserves(1_000_000 * GYM, 100_000 * USDT);
		run_to(1);
	});
	ext
}

/// Runs blocks up to `n`, with GymStability's hook.
pub fn run_to(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		GymStability::on_initialize(next);
	}
}
