//! Liquidity: foreign assets ([`ForeignAssets`](crate::ForeignAssets),
//! `pallet-assets` instance 1), LP tokens ([`PoolAssets`](crate::PoolAssets),
//! instance 2, frozen by [`PoolAssetsFreezer`](crate::PoolAssetsFreezer))
//! and GYM-paired constant-product pools
//! ([`AssetConversion`](crate::AssetConversion)).
//!
//! - Foreign assets are created by Root only (`ForeignAssets::force_create`,
//!   a Strategic referendum or sudo on the dev chains): no signed `create`.
//!   Genesis creates [`WBNB`] and [`USDT`], both sufficient (an account may
//!   hold them without GYM), owned by the treasury account, which has no key:
//!   nobody mints them until governance appoints an issuer
//!   (`ForeignAssets::force_asset_status`). The bridge that would back them is
//!   not part of this runtime.
//! - Every pool pairs GYM with one foreign asset ([`GymPaired`]): a pool of
//!   two foreign assets is `InvalidAssetPair`. Anyone may create a pool of an
//!   existing foreign asset by paying [`PoolSetupFee`] to the treasury.
//! - LP tokens are created by `AssetConversion` alone; `PoolAssetsFreezer`
//!   lets pallets freeze them (farms) without moving them.

// `ord_parameter_types!` expands to `vec!`, which a `no_std` build imports.
use alloc::vec;
use frame_support::{
	instances::{Instance1, Instance2},
	ord_parameter_types, parameter_types,
	traits::{
		fungible::{NativeFromLeft, NativeOrWithId, UnionOf},
		tokens::imbalance::ResolveAssetTo,
		AsEnsureOriginWithArg, ConstU128, ConstU32, NeverEnsureOrigin,
	},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use gym_primitives::{GYM, MILLI_GYM};
use pallet_asset_conversion::{AccountIdConverter, WithFirstAsset};
use sp_runtime::{traits::AccountIdConversion, Permill};

use super::TreasuryAccount;
use crate::{
	AccountId, Balance, Balances, ForeignAssets, PoolAssets, PoolAssetsFreezer, Runtime,
	RuntimeEvent, RuntimeFreezeReason,
};

/// The id of wrapped BNB in [`ForeignAssets`](crate::ForeignAssets).
pub const WBNB: u32 = 1;
/// wBNB's decimals (BNB's).
pub const WBNB_DECIMALS: u8 = 18;
/// One wBNB in its smallest units (10^18).
pub const WBNB_UNIT: Balance = 1_000_000_000_000_000_000;
/// The smallest wBNB balance an account may hold: 0.00001 wBNB (10^13 units),
/// about a cent, the price of one account in a sufficient asset.
pub const WBNB_MIN_BALANCE: Balance = 10_000_000_000_000;

/// The id of Tether USD in [`ForeignAssets`](crate::ForeignAssets).
pub const USDT: u32 = 2;
/// USDT's decimals (Tether's).
pub const USDT_DECIMALS: u8 = 6;
/// One USDT in its smallest units (10^6).
pub const USDT_UNIT: Balance = 1_000_000;
/// The smallest USDT balance an account may hold: 0.01 USDT (10^4 units).
pub const USDT_MIN_BALANCE: Balance = 10_000;

parameter_types! {
	/// A foreign asset account opened by `touch` (rather than by receiving the
	/// asset's minimum balance) reserves 0.01 GYM.
	pub const ForeignAssetAccountDeposit: Balance = 10 * MILLI_GYM;
	/// Metadata set by an appointed owner reserves 1 GYM...
	pub const ForeignMetadataDepositBase: Balance = GYM;
	/// ...plus 0.01 GYM per byte. Root's `force_set_metadata` reserves nothing.
	pub const ForeignMetadataDepositPerByte: Balance = 10 * MILLI_GYM;
	/// An approval to spend someone's foreign asset or LP token reserves
	/// 0.01 GYM until it is used or cancelled.
	pub const AssetApprovalDeposit: Balance = 10 * MILLI_GYM;
}

impl pallet_assets::Config<Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1000>;
	type AssetId = u32;
	type AssetIdParameter = codec::Compact<u32>;
	type ReserveData = ();
	type Currency = Balances;
	/// Nobody creates by a signed `create`: Root creates with `force_create`,
	/// which names the owner and whether the asset is sufficient.
	type CreateOrigin = NeverEnsureOrigin<AccountId>;
	/// Root (a Strategic referendum, sudo on the dev chains) creates assets,
	/// appoints their owner and issuer (`force_asset_status`) and sets their
	/// metadata.
	type ForceOrigin = EnsureRoot<AccountId>;
	/// No `create`, so no creation deposit (`force_create` takes none).
	type AssetDeposit = ConstU128<0>;
	type AssetAccountDeposit = ForeignAssetAccountDeposit;
	type MetadataDepositBase = ForeignMetadataDepositBase;
	type MetadataDepositPerByte = ForeignMetadataDepositPerByte;
	type ApprovalDeposit = AssetApprovalDeposit;
	type StringLimit = ConstU32<50>;
	type Freezer = ();
	type Holder = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = pallet_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

parameter_types! {
	/// The id of `AssetConversion`: pool accounts derive from it.
	pub const AssetConversionPalletId: PalletId = PalletId(*b"py/ascon");
	/// GYM, the asset every pool pairs with.
	pub const Native: NativeOrWithId<u32> = NativeOrWithId::Native;
}

/// A new pool's account holds an LP token account opened (`touch`) at the
/// pool creator's expense: 0.01 GYM, reserved for as long as the pool exists.
pub const POOL_ASSET_ACCOUNT_DEPOSIT: Balance = 10 * MILLI_GYM;

ord_parameter_types! {
	/// The account of `AssetConversion`: the one signed origin that could
	/// `create` an LP token by extrinsic. It has no key, and the pallet
	/// creates LP tokens directly, so in practice nobody else creates them.
	pub const AssetConversionOrigin: AccountId =
		AccountIdConversion::<AccountId>::into_account_truncating(&AssetConversionPalletId::get());
}

impl pallet_assets::Config<Instance2> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1000>;
	type AssetId = u32;
	type AssetIdParameter = u32;
	type ReserveData = ();
	type Currency = Balances;
	/// Only `AssetConversion` creates LP tokens.
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSignedBy<AssetConversionOrigin, AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type AssetDeposit = ConstU128<0>;
	type AssetAccountDeposit = ConstU128<POOL_ASSET_ACCOUNT_DEPOSIT>;
	type MetadataDepositBase = ConstU128<0>;
	type MetadataDepositPerByte = ConstU128<0>;
	type ApprovalDeposit = AssetApprovalDeposit;
	type StringLimit = ConstU32<50>;
	/// LP tokens can be frozen in place (for farms).
	type Freezer = PoolAssetsFreezer;
	type Holder = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = pallet_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

impl pallet_assets_freezer::Config<Instance2> for Runtime {
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type RuntimeEvent = RuntimeEvent;
}

/// GYM (`Native`, from `Balances`) and the foreign assets (`WithId`, from
/// `ForeignAssets`) as one `fungibles` registry.
pub type NativeAndForeignAssets =
	UnionOf<Balances, ForeignAssets, NativeFromLeft, NativeOrWithId<u32>, AccountId>;

/// A pool's account: `blake2_256(("py/ascon", pool_id))`.
pub type PoolIdToAccountId =
	AccountIdConverter<AssetConversionPalletId, (NativeOrWithId<u32>, NativeOrWithId<u32>)>;

/// Pools pair GYM with one other asset: the pool id is `(Native, asset)`
/// whichever order the caller names them in, and a pair without GYM has no
/// pool id (`InvalidAssetPair`).
pub type GymPaired = WithFirstAsset<Native, AccountId, NativeOrWithId<u32>, PoolIdToAccountId>;

parameter_types! {
	/// Liquidity providers take 0.3% of every swap's input (Uniswap v2's fee).
	pub const LiquidityProviderFee: Permill = Permill::from_parts(3_000);
	/// Root may set a pool's fee up to 10%.
	pub const MaxSwapFee: Permill = Permill::from_percent(10);
	/// Removing liquidity costs nothing beyond the transaction fee.
	pub const LiquidityWithdrawalFee: Permill = Permill::zero();
	/// Creating a pool costs 10 GYM, paid to the treasury: an LP token and a
	/// pool are storage every node keeps. It is above the existential
	/// deposit, so the treasury account always accepts it (a credit it could
	/// not accept would be burned outside GymEmission's books).
	pub const PoolSetupFee: Balance = 10 * GYM;
}

/// The LP tokens a pool's first deposit locks in the pool account forever:
/// 1,000 units, as Uniswap v2's `MINIMUM_LIQUIDITY` at 18 decimals.
///
/// A first depositor could otherwise mint a few LP units, donate to the pool
/// until one unit is worth a lot, and take the rounding of every later
/// deposit (`floor(amount * supply / reserve)` LP). With 1,000 units locked,
/// the attacker owns at most a 1/1,001 share of what it donated and of what
/// later depositors lose to rounding: inflating one unit to a value `V` costs
/// it `1,000 * V`, more than any rounding it could take. The amount is
/// negligible at the chain's decimals: the genesis GYM/USDT pool mints about
/// 3.2 * 10^17 LP units (`sqrt(10^24 * 10^11)`), so 1,000 units are worth
/// about 6 * 10^-9 GYM. Every deposit must also mint more than this
/// (`InsufficientLiquidityMinted`).
pub type MintMinLiquidity = ConstU128<1_000>;

impl pallet_asset_conversion::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type HigherPrecisionBalance = sp_core::U256;
	type AssetKind = NativeOrWithId<u32>;
	type Assets = NativeAndForeignAssets;
	type PoolId = (NativeOrWithId<u32>, NativeOrWithId<u32>);
	type PoolLocator = GymPaired;
	type PoolAssetId = u32;
	type PoolAssets = PoolAssets;
	type PoolSetupFee = PoolSetupFee;
	type PoolSetupFeeAsset = Native;
	/// The setup fee goes to the treasury.
	type PoolSetupFeeTarget = ResolveAssetTo<TreasuryAccount, NativeAndForeignAssets>;
	type LiquidityWithdrawalFee = LiquidityWithdrawalFee;
	type LPFee = LiquidityProviderFee;
	/// Root sets per-pool fees (`create_pool_with_fee`, `set_pool_fee`).
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxSwapFee = MaxSwapFee;
	type PalletId = AssetConversionPalletId;
	/// A swap crosses at most two pools (X -> GYM -> Y).
	type MaxSwapPathLength = ConstU32<3>;
	type MintMinLiquidity = MintMinLiquidity;
	type WeightInfo = pallet_asset_conversion::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_asset_conversion::NativeOrWithIdFactory<u32>;
}

/// The GYM-paired pools of `pallet-asset-conversion` as the farms read them:
/// the pool's LP token, its reserves (what its account holds) and the LP
/// supply.
pub struct AssetConversionPools;

impl gym_primitives::traits::GymPools for AssetConversionPools {
	fn pool(pair: u32) -> Option<gym_primitives::traits::PoolState> {
		use frame_support::traits::fungibles::Inspect;
		let (native, other) = (NativeOrWithId::Native, NativeOrWithId::WithId(pair));
		let info = pallet_asset_conversion::Pools::<Runtime>::get((native.clone(), other.clone()))?;
		let (gym, other) =
			pallet_asset_conversion::Pallet::<Runtime>::get_reserves(native, other).ok()?;
		let lp_supply = <PoolAssets as Inspect<AccountId>>::total_issuance(info.lp_token);
		Some(gym_primitives::traits::PoolState { lp_token: info.lp_token, gym, other, lp_supply })
	}
}

impl pallet_gym_liquidity::Config for Runtime {
	type Currency = Balances;
	type LpTokens = PoolAssetsFreezer;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type Pools = AssetConversionPools;
	/// A farm's period is an emission epoch: one hour on the local and test
	/// networks, 10 blocks on the dev chain.
	type Epochs = crate::GymEmission;
	/// Root: a passed Economic referendum (and sudo on dev chains).
	type GovernanceOrigin = EnsureRoot<AccountId>;
	/// The liquidity providers' pot, which revenue split pays.
	type PotId = super::LiquidityPotPalletId;
	/// The three farms of the seed and room for five more.
	type MaxFarms = ConstU32<8>;
	type WeightInfo = pallet_gym_liquidity::weights::SubstrateWeight<Runtime>;
}
