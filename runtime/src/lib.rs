//! # GYM chain runtime
//!
//! The state-transition function of GYM chain. This file only composes the
//! runtime: pallet configuration lives in [`configs`], runtime API
//! implementations in [`apis`] and genesis presets in [`genesis_config_presets`].
//!
//! The native currency is GYM (18 decimals, symbol `GYM`), held by
//! `pallet-balances`; its hard cap and calendar come from [`gym_primitives`].

#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code never panics and never wraps: see `[workspace.lints]`.
#![cfg_attr(
	not(test),
	deny(
		clippy::arithmetic_side_effects,
		clippy::cast_possible_truncation,
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing
	)
)]
// `construct_runtime`/`#[runtime]` expansions need a high recursion limit.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
#[cfg(test)]
mod books_tests;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(test)]
mod governance_tests;
#[cfg(test)]
mod liquidity_tests;
#[cfg(test)]
mod mining_attack_tests;
#[cfg(test)]
mod oracle_tests;
#[cfg(test)]
mod products_tests;
#[cfg(test)]
mod stability_tests;
#[cfg(test)]
mod test_chain;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod validator_tests;
pub mod weights;

extern crate alloc;

use alloc::vec::Vec;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use gym_primitives::{
	Balance, BlockNumber, EXISTENTIAL_DEPOSIT, GYM, HARD_CAP, MILLISECS_PER_BLOCK, SLOT_DURATION,
};
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Signature of a transaction: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// An account identifier: the public key of the account's signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Index of a transaction signed by an account.
pub type Nonce = u32;

/// Hash type used by the chain (blake2-256).
pub type Hash = sp_core::H256;

/// Opaque types: what the node needs to know about blocks without knowing
/// the runtime's call types, so it keeps syncing across runtime upgrades.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
}

impl_opaque_keys! {
	/// The session keys of a GYM validator: a BABE (block authoring) and a
	/// GRANDPA (finality) key.
	pub struct SessionKeys {
		/// BABE block-authoring key (sr25519).
		pub babe: Babe,
		/// GRANDPA finality key (ed25519).
		pub grandpa: Grandpa,
	}
}

/// The runtime version: bump `spec_version` on every change of the runtime logic.
#[cfg(not(feature = "upgrade-test"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("gym-runtime"),
	impl_name: alloc::borrow::Cow::Borrowed("gym-runtime"),
	authoring_version: 1,
	spec_version: 218,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 3,
	system_version: 1,
};

/// The version of the end-to-end upgrade test's runtime (feature
/// `upgrade-test`, built by `runtime/build.rs` for `scripts/test.sh`): this
/// runtime under a `spec_version` no release will reach, so that a chain of
/// any release can upgrade to it by referendum.
#[cfg(feature = "upgrade-test")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("gym-runtime"),
	impl_name: alloc::borrow::Cow::Borrowed("gym-runtime"),
	authoring_version: 1,
	spec_version: 999_999,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions every signed GYM transaction carries.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_gym_stability::ChargeTransferTax<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// What a signed transaction from a client outside the runtime (the node's compute-mining
/// worker) signs: `call`, the [`TxExtension`] values for `nonce`, the mortality `era` and `tip`,
/// and the data the extensions sign without carrying it: `version`'s spec and transaction
/// versions, the genesis hash and the hash of `era`'s birth block (`birth_hash`; the genesis
/// hash again for an immortal era).
///
/// The one place besides [`TxExtension`] that lists the extensions, so that a new extension is
/// added here and nowhere else. `SignedPayload::new` would read the implicit hashes from storage,
/// which such a client does not have. The extrinsic is
/// `UncheckedExtrinsic::new_signed(call, address, signature, tx_ext)` with
/// `let (call, tx_ext, _) = payload.deconstruct()`.
pub fn signed_payload(
	call: RuntimeCall,
	nonce: Nonce,
	era: generic::Era,
	tip: Balance,
	birth_hash: Hash,
	genesis_hash: Hash,
	version: &RuntimeVersion,
) -> SignedPayload {
	let tx_ext: TxExtension = (
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_gym_stability::ChargeTransferTax::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		frame_system::WeightReclaim::<Runtime>::new(),
	);
	let implicit = (
		(),
		version.spec_version,
		version.transaction_version,
		genesis_hash,
		birth_hash,
		(),
		(),
		(),
		(),
		(),
	);
	SignedPayload::from_raw(call, tx_ext, implicit)
}

/// Migrations to apply on runtime upgrade, beyond the pallets' own: each
/// runs once, while its pallet's on-chain storage version is the one it
/// migrates from.
#[allow(unused_parens)]
pub type Migrations = (
	// Stake ledgers gain unbonding chunks (storage version 0 to 1).
	pallet_tiered_staking::migrations::v1::MigrateV0ToV1<Runtime>,
	// GymProducts (spec 218) on a chain that ran without it.
	configs::products::InitProducts,
);

/// Executive: dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// The runtime: the pallets of GYM chain and their indices. Pallet names are
/// part of the public interface (polkadot.js, metadata) and never change.
#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Babe = pallet_babe;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type GymEmission = pallet_gym_emission;

	#[runtime::pallet_index(8)]
	pub type TieredStaking = pallet_tiered_staking;

	#[runtime::pallet_index(9)]
	pub type RevenueSplit = pallet_revenue_split;

	#[runtime::pallet_index(10)]
	pub type ComputeMining = pallet_compute_mining;

	#[runtime::pallet_index(11)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(12)]
	pub type Staking = pallet_staking;

	#[runtime::pallet_index(13)]
	pub type Offences = pallet_offences;

	#[runtime::pallet_index(14)]
	pub type Historical = pallet_session::historical;

	#[runtime::pallet_index(15)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(16)]
	pub type GymValidators = pallet_gym_validators;

	#[runtime::pallet_index(17)]
	pub type Preimage = pallet_preimage;

	#[runtime::pallet_index(18)]
	pub type Scheduler = pallet_scheduler;

	#[runtime::pallet_index(19)]
	pub type Democracy = pallet_democracy;

	#[runtime::pallet_index(20)]
	pub type Treasury = pallet_treasury;

	#[runtime::pallet_index(21)]
	pub type GymGovernance = pallet_gym_governance;

	#[runtime::pallet_index(22)]
	pub type ForeignAssets = pallet_assets<Instance1>;

	#[runtime::pallet_index(23)]
	pub type PoolAssets = pallet_assets<Instance2>;

	#[runtime::pallet_index(24)]
	pub type PoolAssetsFreezer = pallet_assets_freezer<Instance2>;

	#[runtime::pallet_index(25)]
	pub type AssetConversion = pallet_asset_conversion;

	#[runtime::pallet_index(26)]
	pub type GymLiquidity = pallet_gym_liquidity;

	#[runtime::pallet_index(27)]
	pub type OracleFeeders = pallet_membership<Instance1>;

	#[runtime::pallet_index(28)]
	pub type Oracle = pallet_oracle;

	#[runtime::pallet_index(29)]
	pub type GymStability = pallet_gym_stability;

	#[runtime::pallet_index(30)]
	pub type GymProducts = pallet_gym_products;
}
