//! The revenue products ([`GymProducts`](crate::GymProducts),
//! `pallet-gym-products`): the registry of trained models, the marketplace
//! of models and licences, inference deposits and receipt settlement,
//! priority-access subscriptions and the Zoo collection.
//!
//! - **Registry.** Compute mining registers the model of a job whose last
//!   round completes ([`pallet_compute_mining::Config::Registrar`]); the
//!   models of governance jobs belong to the treasury
//!   ([`TreasuryAccount`]), and what the treasury's owner may do a passed
//!   Economic referendum does (`GymProposals`).
//! - **Receipts** are signed with the chain's transaction keys
//!   ([`MultiSignature`](sp_runtime::MultiSignature): sr25519, ed25519 or
//!   ecdsa), so every wallet that signs a transaction can sign one.
//! - **Deposits** sit in the pallet's account (`gym/prod`), endowed with the
//!   existential deposit at genesis as the treasury is, so that its GYM is
//!   never a new account's first deposit outside the books.

use super::TreasuryAccount;
use crate::{AccountId, Balances, Runtime, Signature};
use frame_support::{parameter_types, traits::ConstU32, PalletId};
use gym_primitives::{Balance, BlockNumber, DAYS, GYM, HOURS};
use sp_runtime::traits::{AccountIdConversion, Verify};

parameter_types! {
	/// The products pallet's id: its account holds inference deposits.
	pub const ProductsPalletId: PalletId = PalletId(*b"gym/prod");
	/// The products pallet's account id.
	pub ProductsAccount: AccountId = ProductsPalletId::get().into_account_truncating();
}

/// A customer who asks for its unsettled deposit back waits an hour: the
/// provider's node settles every channel that asks within a few blocks.
pub const SETTLEMENT_GRACE: BlockNumber = HOURS;

/// A subscription period: 30 days.
pub const SUBSCRIPTION_PERIOD: BlockNumber = 30 * DAYS;

/// The least price of a listing, a subscription, a Zoo mint and an
/// inference deposit: 1 GYM, so that the 5% and 20% fees are never
/// rounded to nothing and no storage entry costs less than a fee.
pub const MIN_PRICE: Balance = GYM;

impl pallet_gym_products::Config for Runtime {
	type Currency = Balances;
	type Revenue = crate::RevenueSplit;
	type Staking = crate::TieredStaking;
	type AccessTokens = crate::RevenueSplit;
	/// A passed referendum: Economic sets prices and discounts and manages
	/// the treasury's models (the allow-list, `GymProposals`).
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = TreasuryAccount;
	type PalletId = ProductsPalletId;
	type Signature = Signature;
	type Public = <Signature as Verify>::Signer;
	type SettlementGrace = ConstU32<SETTLEMENT_GRACE>;
	type SubscriptionPeriod = ConstU32<SUBSCRIPTION_PERIOD>;
	/// A subscription is bought for at most a year at once.
	type MaxSubscriptionPeriods = ConstU32<12>;
	/// A settlement carries at most 32 customers' receipts.
	type MaxReceiptsPerSettlement = ConstU32<32>;
	/// The registry holds at most 100,000 trained models.
	type MaxModels = ConstU32<100_000>;
	type MinPrice = frame_support::traits::ConstU128<MIN_PRICE>;
	/// A provider's endpoint URL: at most 256 bytes.
	type MaxEndpointLen = ConstU32<256>;
	/// The Zoo collection has 10,000 items.
	type ZooMaxSupply = ConstU32<10_000>;
	type WeightInfo = pallet_gym_products::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// On a chain that ran a runtime without `GymProducts` (spec 217 and
/// before), the pallet arrives without its genesis: its account has no
/// existential deposit (the last refund of a deposit, which keeps the
/// account alive, would fail) and subscriptions and the Zoo are closed.
/// Once, while the account is empty: the treasury pays it the existential
/// deposit (moved, never minted: the books still balance) and the genesis
/// prices are set where none is. On a chain that started with the pallet
/// it reads one balance and does nothing.
pub struct InitProducts;

impl frame_support::traits::OnRuntimeUpgrade for InitProducts {
	fn on_runtime_upgrade() -> frame_support::weights::Weight {
		use frame_support::traits::{
			fungible::{Inspect, Mutate},
			tokens::Preservation,
		};
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		let account = ProductsAccount::get();
		if <Balances as Inspect<AccountId>>::total_balance(&account) > 0 {
			return db.reads(1);
		}
		let paid = <Balances as Mutate<AccountId>>::transfer(
			&TreasuryAccount::get(),
			&account,
			crate::EXISTENTIAL_DEPOSIT,
			Preservation::Preserve,
		);
		if paid.is_err() {
			// A treasury without 0.002 GYM: the account waits for the next
			// upgrade (or a governance transfer).
			return db.reads(2);
		}
		if pallet_gym_products::SubscriptionPrice::<Runtime>::get() == 0 {
			pallet_gym_products::SubscriptionPrice::<Runtime>::put(
				crate::genesis_config_presets::GENESIS_SUBSCRIPTION_PRICE,
			);
		}
		if pallet_gym_products::ZooMintPrice::<Runtime>::get() == 0 {
			pallet_gym_products::ZooMintPrice::<Runtime>::put(
				crate::genesis_config_presets::GENESIS_ZOO_MINT_PRICE,
			);
		}
		db.reads_writes(5, 4)
	}
}
