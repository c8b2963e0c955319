//! Prices and risk controls ([`GymStability`](crate::GymStability),
//! `pallet-gym-stability`): the fine-tuning price in US dollars at the
//! oracle's GYM price, the treasury buyback on the GYM/USDT pool, and the
//! progressive tax on Balances' transfer calls.
//!
//! - **Taxed calls** ([`BalancesTransfers`]): Balances'
//!   `transfer_allow_death`, `transfer_keep_alive` and `transfer_all`, and
//!   the liquidity tokens' `transfer` and `transfer_keep_alive`
//!   (`PoolAssets`), taxed on the GYM the tokens stand for. The runtime has
//!   no `utility` batches, proxies or multisig, and `force_transfer` is
//!   Root's.
//! - **Refused routes** ([`TaxedCalls::refused`]): a swap, added liquidity
//!   or a withdrawal paid to another account than the signer
//!   (`send_to`, `mint_to`, `withdraw_to`), and the liquidity tokens'
//!   approvals and `transfer_all`: each would hand GYM's worth to someone
//!   else untaxed. Swap or withdraw to yourself, then transfer.
//! - **Protocol accounts** ([`ProtocolAccounts`]): every `PalletId`
//!   account (treasury, pots, pallets: "modl", the id, then zeros). Pool
//!   accounts are not: GYM sent to a pool is a gift its liquidity providers
//!   withdraw.
//! - **Buyback** ([`UsdtPool`]): the treasury's USDT
//!   ([`ForeignAssets`](crate::ForeignAssets) id [`USDT`]) swapped on the
//!   GYM/USDT pool, the bought GYM paid to the treasury and burned there.

use alloc::vec;
use frame_support::{
	parameter_types,
	traits::{
		fungible::NativeOrWithId,
		fungibles,
		tokens::{Fortitude, Preservation},
		ConstU32, ConstU64, Contains,
	},
	weights::Weight,
};
use gym_primitives::{BlockNumber, HOURS, MILLISECS_PER_BLOCK};
use pallet_asset_conversion::Swap;
use pallet_gym_stability::{Moved, StableSwap, TaxedCalls, Transfer};
use sp_runtime::{traits::StaticLookup, DispatchError, Perbill};

use super::{liquidity::USDT, OraclePrices, TreasuryAccount};
use crate::{
	AccountId, AssetConversion, Balance, Balances, ComputeMining, ForeignAssets, GymEmission,
	Runtime, RuntimeCall,
};

/// The calls that move a user's GYM, or GYM's worth, to another account.
pub struct BalancesTransfers;

/// The pools `lp_gym` expects to read through (GYM pairs with the foreign
/// assets, which only Root creates: two today).
const MAX_POOLS: u64 = 8;

/// The GYM `amount` of liquidity token `lp` stands for (0 for a token of
/// no pool). Pools pair GYM with a foreign asset, which only Root creates:
/// a handful at most.
fn lp_gym(lp: u32, amount: Balance) -> Balance {
	use gym_primitives::traits::GymPools;
	pallet_asset_conversion::Pools::<Runtime>::iter()
		.find_map(|((_, other), info)| match other {
			NativeOrWithId::WithId(pair) if info.lp_token == lp => Some(pair),
			_ => None,
		})
		.and_then(super::liquidity::AssetConversionPools::pool)
		.map_or(0, |pool| gym_primitives::liquidity::lp_gym(amount, pool.gym, pool.lp_supply))
}

impl TaxedCalls<RuntimeCall, AccountId> for BalancesTransfers {
	fn transfer(call: &RuntimeCall) -> Option<Transfer<AccountId>> {
		use pallet_assets::Call as A;
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
			RuntimeCall::PoolAssets(A::transfer { id, target, amount }) => {
				(target, Moved::Value(lp_gym(*id, *amount)), false)
			}
			RuntimeCall::PoolAssets(A::transfer_keep_alive { id, target, amount }) => {
				(target, Moved::Value(lp_gym(*id, *amount)), true)
			}
			_ => return None,
		};
		// An address that does not resolve fails the call anyway.
		let dest = <Runtime as frame_system::Config>::Lookup::lookup(dest.clone()).ok()?;
		Some(Transfer { dest, moved, keep_alive })
	}

	fn extra_weight(call: &RuntimeCall) -> Weight {
		match call {
			// `lp_gym`, run by `transfer` in validate and in prepare: the
			// pools (a handful), the GYM/X pool's two reserves and the LP
			// supply, each time.
			RuntimeCall::PoolAssets(_) => <Runtime as frame_system::Config>::DbWeight::get()
				.reads(2u64.saturating_mul(MAX_POOLS.saturating_add(3))),
			_ => Weight::zero(),
		}
	}

	fn refused(call: &RuntimeCall, who: &AccountId) -> bool {
		use pallet_asset_conversion::Call as C;
		use pallet_assets::Call as A;
		match call {
			RuntimeCall::AssetConversion(
				C::swap_exact_tokens_for_tokens { send_to: to, .. }
				| C::swap_tokens_for_exact_tokens { send_to: to, .. }
				| C::add_liquidity { mint_to: to, .. }
				| C::remove_liquidity { withdraw_to: to, .. },
			) => to != who,
			// Liquidity tokens move only by their holder's own transfer, which
			// the tax sees (`transfer_all` would move an amount known only at
			// dispatch: transfer the balance instead).
			RuntimeCall::PoolAssets(
				A::approve_transfer { .. } | A::transfer_approved { .. } | A::transfer_all { .. },
			) => true,
			_ => false,
		}
	}
}

/// The protocol's own accounts: `PalletId` accounts.
pub struct ProtocolAccounts;

impl Contains<AccountId> for ProtocolAccounts {
	fn contains(who: &AccountId) -> bool {
		// `PalletId::into_account_truncating`: "modl", the 8-byte id, zeros
		// (a sub-account's short seed would sit before the zeros). A prefix
		// check alone would not do: a key whose public key starts with
		// "modl" takes about 2^32 tries to find; one ending in 16 zero bytes
		// as well takes 2^160.
		let raw: &[u8; 32] = who.as_ref();
		raw.starts_with(b"modl") && raw.get(16..).is_some_and(|tail| tail.iter().all(|b| *b == 0))
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
		// What can leave the account: the swap keeps it alive.
		<ForeignAssets as fungibles::Inspect<AccountId>>::reducible_balance(
			USDT,
			who,
			Preservation::Preserve,
			Fortitude::Polite,
		)
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
	type Fees = crate::TransactionPayment;
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
