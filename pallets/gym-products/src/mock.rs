//! Test runtime: System, Balances (GYM) and GymProducts, with sr25519
//! accounts (`AccountId32`, `MultiSignature`) so that tests sign real
//! receipts; a revenue pot that books every payment by source; staking
//! tiers and access grants the tests set.

use crate as pallet_gym_products;
use core::cell::RefCell;
use frame_support::{
	derive_impl, ensure, parameter_types,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		ConstU128, ConstU32,
	},
	PalletId,
};
use gym_primitives::{
	products::ReceiptPayload,
	revenue::RevenueSource,
	staking::{Right, SlashReason, Tier},
	traits::{AccessTokens, RevenueIntake, StakeTiers},
	Balance, BlockNumber, ModelId, EXISTENTIAL_DEPOSIT, GYM,
};
use sp_core::{sr25519, Pair};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{
	traits::{IdentifyAccount, IdentityLookup},
	AccountId32, BuildStorage, DispatchError, DispatchResult, FixedU128, MultiSignature,
	MultiSigner, Perbill,
};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlockU32<Test>;

/// Account ids of the test runtime: the runtime's.
pub type AccountId = AccountId32;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		GymProducts: pallet_gym_products,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
}

/// The existential deposit (1 mGYM).
pub const ED: Balance = EXISTENTIAL_DEPOSIT;
/// The least price: 1 GYM.
pub const MIN_PRICE: Balance = GYM;
/// Blocks between asking to withdraw and withdrawing.
pub const GRACE: BlockNumber = 10;
/// Blocks of a subscription period.
pub const PERIOD: BlockNumber = 100;
/// The most models.
pub const MAX_MODELS: u32 = 5;
/// The Zoo's supply.
pub const ZOO_SUPPLY: u32 = 6;
/// What every user holds at genesis: 1,000,000 GYM.
pub const START: Balance = 1_000_000 * GYM;
/// The genesis subscription price: 10 GYM a period.
pub const SUBSCRIPTION_PRICE: Balance = 10 * GYM;
/// The genesis Zoo price: 1,000 GYM + 7 planck.
pub const ZOO_PRICE: Balance = 1_000 * GYM + 7;

/// The treasury: owns governance jobs' models.
pub const TREASURY: AccountId = AccountId32::new([100; 32]);
/// The revenue pot the mock's [`Revenue`] pays into.
pub const POT: AccountId = AccountId32::new([101; 32]);

/// The sr25519 key of a development account (`//Alice`, ...).
pub fn pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("a dev seed")
}

/// The account of `pair`.
pub fn account_of(pair: &sr25519::Pair) -> AccountId {
	MultiSigner::Sr25519(pair.public()).into_account()
}

/// Alice's account: a customer.
pub fn alice() -> AccountId {
	account_of(&pair("Alice"))
}
/// Bob's account: a model owner and provider.
pub fn bob() -> AccountId {
	account_of(&pair("Bob"))
}
/// Charlie's account: a buyer and second provider.
pub fn charlie() -> AccountId {
	account_of(&pair("Charlie"))
}
/// Dave's account: a customer.
pub fn dave() -> AccountId {
	account_of(&pair("Dave"))
}
/// Eve's account: a customer.
pub fn eve() -> AccountId {
	account_of(&pair("Eve"))
}

/// The genesis hash of the test chain (frame-system's test genesis).
pub const GENESIS: [u8; 32] = [69; 32];

/// `signer`'s receipt to `provider` for `cumulative` on channel `nonce`,
/// signed over the bytes of chain `genesis`.
pub fn receipt_on(
	genesis: [u8; 32],
	signer: &sr25519::Pair,
	provider: &AccountId,
	nonce: u32,
	cumulative: Balance,
) -> crate::SignedReceipt<AccountId, MultiSignature> {
	let customer = account_of(signer);
	let payload = ReceiptPayload {
		genesis_hash: genesis,
		provider: provider.clone(),
		customer: customer.clone(),
		nonce,
		cumulative,
	};
	let signature = MultiSignature::Sr25519(signer.sign(&payload.signing_bytes()));
	crate::SignedReceipt { customer, nonce, cumulative, signature }
}

/// As [`receipt_on`] on this chain.
pub fn receipt(
	signer: &sr25519::Pair,
	provider: &AccountId,
	nonce: u32,
	cumulative: Balance,
) -> crate::SignedReceipt<AccountId, MultiSignature> {
	receipt_on(GENESIS, signer, provider, nonce, cumulative)
}

thread_local! {
	static TIERS: RefCell<BTreeMap<AccountId, Tier>> = const { RefCell::new(BTreeMap::new()) };
	static GRANTS: RefCell<BTreeMap<(AccountId, ModelId), BlockNumber>> =
		const { RefCell::new(BTreeMap::new()) };
}

/// Gives `who` staking tier `tier` (`None`: no tier).
pub fn set_tier(who: &AccountId, tier: Option<Tier>) {
	TIERS.with(|t| match tier {
		Some(tier) => t.borrow_mut().insert(who.clone(), tier),
		None => t.borrow_mut().remove(who),
	});
}

/// Gives `who` an access grant to `model` ending at `expiry`.
pub fn grant_access(who: &AccountId, model: ModelId, expiry: BlockNumber) {
	GRANTS.with(|g| g.borrow_mut().insert((who.clone(), model), expiry));
}

/// The storage key of the revenue booked from `source`.
fn revenue_key(source: RevenueSource) -> Vec<u8> {
	codec::Encode::encode(&(b"mock/revenue", source))
}

/// Revenue booked from `source`, in planck.
pub fn revenue(source: RevenueSource) -> Balance {
	frame_support::storage::unhashed::get_or_default(&revenue_key(source))
}

/// The revenue pot: moves the payment to [`POT`] and books it by source
/// in storage (so that a failed call's payment is rolled back with it).
pub struct Revenue;
impl RevenueIntake<AccountId> for Revenue {
	fn pay_revenue(payer: &AccountId, source: RevenueSource, amount: Balance) -> DispatchResult {
		ensure!(amount > 0, DispatchError::Other("revenue of zero"));
		Balances::transfer(payer, &POT, amount, Preservation::Preserve)?;
		let key = revenue_key(source);
		let booked: Balance = frame_support::storage::unhashed::get_or_default(&key);
		frame_support::storage::unhashed::put(&key, &(booked + amount));
		Ok(())
	}
}

/// Staking tiers from [`set_tier`].
pub struct Staking;
impl StakeTiers<AccountId> for Staking {
	fn tier_of(who: &AccountId) -> Option<Tier> {
		TIERS.with(|t| t.borrow().get(who).copied())
	}
	fn boost_of(_: &AccountId) -> FixedU128 {
		FixedU128::from_u32(1)
	}
	fn boosted_stake(_: &AccountId) -> Balance {
		0
	}
	fn total_boosted_stake() -> Balance {
		0
	}
	fn has_right(_: &AccountId, _: Right) -> bool {
		false
	}
	fn slash(_: &AccountId, _: Perbill, _: SlashReason) -> Result<Balance, DispatchError> {
		Err(DispatchError::Other("no slashes here"))
	}
	fn slash_amount(_: &AccountId, _: Balance, _: SlashReason) -> Result<Balance, DispatchError> {
		Err(DispatchError::Other("no slashes here"))
	}
	fn stake_of(_: &AccountId) -> Balance {
		0
	}
	fn total_stake() -> Balance {
		0
	}
	fn slashable_of(_: &AccountId) -> Balance {
		0
	}
	fn distribute_to_stakers(_: &AccountId, _: Balance) -> DispatchResult {
		Err(DispatchError::Other("no distributions here"))
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn fund_and_stake(who: &AccountId, amount: Balance) {
		let _ = Balances::mint_into(who, amount);
		set_tier(who, gym_primitives::staking::tier_for(amount));
	}
}

/// Access grants from [`grant_access`], live before their expiry.
pub struct Grants;
impl AccessTokens<AccountId> for Grants {
	fn access_expiry(who: &AccountId, model: ModelId) -> Option<BlockNumber> {
		let now = System::block_number();
		GRANTS
			.with(|g| g.borrow().get(&(who.clone(), model)).copied())
			.filter(|expiry| now < *expiry)
	}
}

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const ProductsPalletId: PalletId = PalletId(*b"gym/prod");
}

impl pallet_gym_products::Config for Test {
	type Currency = Balances;
	type Revenue = Revenue;
	type Staking = Staking;
	type AccessTokens = Grants;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = Treasury;
	type PalletId = ProductsPalletId;
	type Signature = MultiSignature;
	type Public = MultiSigner;
	type SettlementGrace = ConstU32<GRACE>;
	type SubscriptionPeriod = ConstU32<PERIOD>;
	type MaxSubscriptionPeriods = ConstU32<12>;
	type MaxReceiptsPerSettlement = ConstU32<32>;
	type MaxModels = ConstU32<MAX_MODELS>;
	type MinPrice = ConstU128<MIN_PRICE>;
	type MaxEndpointLen = ConstU32<64>;
	type ZooMaxSupply = ConstU32<ZOO_SUPPLY>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// The pallet's account (holds the deposits).
pub fn pallet_account() -> AccountId {
	GymProducts::account_id()
}

/// The free balance of `who`.
pub fn balance(who: &AccountId) -> Balance {
	Balances::balance(who)
}

/// Genesis: Alice..Eve and the treasury hold [`START`], the pot and the
/// pallet's account their existential deposit; subscriptions at
/// [`SUBSCRIPTION_PRICE`], the Zoo at [`ZOO_PRICE`] with the default
/// discounts. Tests start at block 1.
pub struct ExtBuilder {
	subscription_price: Balance,
	zoo_mint_price: Balance,
	models: Vec<crate::GenesisModel<AccountId>>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			subscription_price: SUBSCRIPTION_PRICE,
			zoo_mint_price: ZOO_PRICE,
			models: Vec::new(),
		}
	}
}

impl ExtBuilder {
	/// Genesis registering `models`.
	pub fn models(mut self, models: Vec<crate::GenesisModel<AccountId>>) -> Self {
		self.models = models;
		self
	}

	/// Genesis with these subscription and Zoo prices (0: not for sale).
	pub fn prices(mut self, subscription: Balance, zoo: Balance) -> Self {
		self.subscription_price = subscription;
		self.zoo_mint_price = zoo;
		self
	}

	/// Builds the externalities at block 1, with a keystore (the
	/// benchmarks sign with it).
	pub fn build(self) -> sp_io::TestExternalities {
		let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let users = [alice(), bob(), charlie(), dave(), eve(), TREASURY];
		let mut balances: Vec<(AccountId, Balance)> =
			users.into_iter().map(|who| (who, START)).collect();
		balances.push((POT, ED));
		balances.push((pallet_account(), ED));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut t)
			.unwrap();
		pallet_gym_products::GenesisConfig::<Test> {
			subscription_price: self.subscription_price,
			zoo_mint_price: self.zoo_mint_price,
			zoo_discounts: Default::default(),
			models: self.models.clone(),
			_config: Default::default(),
		}
		.assimilate_storage(&mut t)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(t);
		ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
		ext.execute_with(|| {
			TIERS.with(|t| t.borrow_mut().clear());
			GRANTS.with(|g| g.borrow_mut().clear());
			System::set_block_number(1);
		});
		ext
	}

	/// Builds, runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			GymProducts::do_try_state().expect("the products invariants hold");
		})
	}
}

/// The externalities of [`ExtBuilder::default`] (the benchmarks' test suite).
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Moves to block `n`.
pub fn run_to(n: BlockNumber) {
	System::set_block_number(n);
}
