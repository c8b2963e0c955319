//! Prices and risk controls ([`GymStability`](crate::GymStability),
//! `pallet-gym-stability`): the fine-tuning price in US dollars at the
//! oracle's GYM price, the treasury buyback on the GYM/USDT pool, and the
//! progressive tax on Balances' transfer calls.
//!
//! - **Taxed calls** ([`BalancesTransfers`]): `transfer_allow_death`,
//!   `transfer_keep_alive` and `transfer_all`, signed by the sender. They are
//!   the only calls that move a user's free GYM to another user: the runtime
//!   has no `utility` batches, proxies or multisig, and
//!   `force_transfer` is Root's. Staking, farming, swaps and revenue
//!   payments move GYM into protocol accounts, which are exempt.
//! - **Protocol accounts** ([`ProtocolAccounts`]): every `PalletId`
//!   account (treasury, pots, pallets: "modl", the id, then zeros) and
//!   every pool account of `pallet-asset-conversion`.
//! - **Buyback** ([`UsdtPool`]): the treasury's USDT
//!   ([`ForeignAssets`](crate::ForeignAssets) id [`USDT`]) swapped on the
//!   GYM/USDT pool, the bought GYM paid to the treasury and burned there.

use alloc::vec;
use frame_support::{
	parameter_types,
	traits::{fungible::NativeOrWithId, ConstU32, ConstU64, Contains},
};
use gym_primitives::{BlockNumber, HOURS, MILLISECS_PER_BLOCK};
use pallet_asset_conversion::{PoolLocator, Swap};
use pallet_gym_stability::{Moved, StableSwap, TaxedCalls, Transfer};
use sp_runtime::{traits::StaticLookup, DispatchError, Perbill};

use super::{liquidity::USDT, OraclePrices, TreasuryAccount};
use crate::{
	AccountId, AssetConversion, Balance, Balances, ComputeMining, ForeignAssets, GymEmission,
	Runtime, RuntimeCall,
};

/// Balances' transfer calls, which move a user's free GYM.
pub struct BalancesTransfers;

impl TaxedCalls<RuntimeCall, AccountId> for BalancesTransfers {
	fn transfer(call: &RuntimeCall) -> Option<Transfer<AccountId>> {
		use pallet_balances::Call as B;
		let (dest, moved, keep_alive) = match call {
			RuntimeCall::Balances(B::transfer_allow_death { dest, value }) => {
				(dest, Moved::Exact(*value), false)
			}
			RuntimeCall::Balances(B::transfer_keep_alive { dest, value }) => {
				(dest, Moved::Exact(*value), true)
			}
			RuntimeCall::Balances(B::transfer_all { dest, keep_alive }) => {
				(dest, Moved::All, *keep_alive)
			}
			_ => return None,
		};
		// An address that does not resolve fails the call anyway.
		let dest = <Runtime as frame_system::Config>::Lookup::lookup(dest.clone()).ok()?;
		Some(Transfer { dest, moved, keep_alive })
	}
}

/// The protocol's own accounts: `PalletId` accounts and the pools'.
pub struct ProtocolAccounts;

impl Contains<AccountId> for ProtocolAccounts {
	fn contains(who: &AccountId) -> bool {
		// `PalletId::into_account_truncating`: "modl", the 8-byte id, zeros
		// (a sub-account's short seed would sit before the zeros). A prefix
		// check alone would not do: a key whose public key starts with
		// "modl" takes about 2^32 tries to find; one ending in 16 zero bytes
		// as well takes 2^160.
		let raw: &[u8; 32] = who.as_ref();
		if raw.starts_with(b"modl")
			&& raw.get(16..).is_some_and(|tail| tail.iter().all(|b| *b == 0))
		{
			return true;
		}
		// Pools pair GYM with a foreign asset, which only Root creates: a
		// handful at most.
		pallet_asset_conversion::Pools::<Runtime>::iter_keys().any(|pool| {
			<Runtime as pallet_asset_conversion::Config>::PoolLocator::address(&pool)
				.is_ok_and(|account| account == *who)
		})
	}
}

/// The GYM/USDT pool of [`AssetConversion`](crate::AssetConversion) and the
/// USDT of [`ForeignAssets`](crate::ForeignAssets).
pub struct UsdtPool;

impl UsdtPool {
	fn path() -> vec::Vec<NativeOrWithId<u32>> {
		vec![NativeOrWithId::WithId(USDT), NativeOrWithId::Native]
	}
}

impl StableSwap<AccountId> for UsdtPool {
	fn stable_balance(who: &AccountId) -> Balance {
		ForeignAssets::balance(USDT, who)
	}

	fn quote_gym(usdt_in: Balance) -> Option<Balance> {
		AssetConversion::quote_price_exact_tokens_for_tokens(
			NativeOrWithId::WithId(USDT),
			NativeOrWithId::Native,
			usdt_in,
			true,
		)
	}

	fn buy_gym(
		who: &AccountId,
		usdt_in: Balance,
		min_out: Balance,
	) -> Result<Balance, DispatchError> {
		if Self::quote_gym(usdt_in).is_none_or(|out| out < min_out) {
			return Err(pallet_gym_stability::Error::<Runtime>::PoolOffOracle.into());
		}
		<AssetConversion as Swap<AccountId>>::swap_exact_tokens_for_tokens(
			who.clone(),
			Self::path(),
			usdt_in,
			Some(min_out),
			who.clone(),
			true,
		)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn fund(who: &AccountId, amount: Balance) {
		use frame_support::traits::fungibles::Mutate;
		let _ = <ForeignAssets as Mutate<AccountId>>::mint_into(USDT, who, amount);
	}
}

/// The tax the signed `uxt` would pay now (0 for anything but a taxed
/// transfer): what `TransactionPaymentApi::query_info` adds to the fee.
pub fn transfer_tax_of(uxt: &crate::UncheckedExtrinsic) -> Balance {
	let sp_runtime::generic::Preamble::Signed(address, ..) = &uxt.preamble else {
		return 0;
	};
	let Ok(who) = <Runtime as frame_system::Config>::Lookup::lookup(address.clone()) else {
		return 0;
	};
	crate::GymStability::tax_preview(&who, &uxt.function)
}

parameter_types! {
	/// A buyback accepts at most 10% less than the oracle price says.
	pub const MaxBuybackSlippage: Perbill = Perbill::from_percent(10);
}

/// Blocks in one bucket of the tax's 24-hour window: an hour.
pub const TAX_BUCKET: BlockNumber = HOURS;

impl pallet_gym_stability::Config for Runtime {
	type Currency = Balances;
	type Prices = OraclePrices;
	type Stable = UsdtPool;
	type Burns = GymEmission;
	type Epochs = GymEmission;
	type Mining = ComputeMining;
	type TaxedCalls = BalancesTransfers;
	type Exempt = ProtocolAccounts;
	type Treasury = TreasuryAccount;
	/// A passed referendum: Economic sets prices, buyback and brackets,
	/// Strategic orders a buyback (the allow-list, `GymProposals`).
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type BucketBlocks = ConstU32<TAX_BUCKET>;
	type BlockMillis = ConstU64<MILLISECS_PER_BLOCK>;
	type MaxBrackets = ConstU32<8>;
	type MaxHistory = ConstU32<64>;
	type MaxSlippage = MaxBuybackSlippage;
	type WeightInfo = pallet_gym_stability::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = OracleForBenchmarks;
}

/// Sets oracle prices directly for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct OracleForBenchmarks;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_gym_stability::BenchmarkHelper for OracleForBenchmarks {
	fn set_price(key: gym_primitives::prices::PriceKey, price: gym_primitives::prices::UsdPrice) {
		let timestamp = pallet_timestamp::Now::<Runtime>::get();
		pallet_oracle::Values::<Runtime>::insert(
			key,
			pallet_oracle::TimestampedValue { value: price, timestamp },
		);
	}
}
