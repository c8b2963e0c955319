//! Prices: the price feeders ([`OracleFeeders`](crate::OracleFeeders),
//! `pallet-membership` instance 1) and their feeds
//! ([`Oracle`](crate::Oracle), `pallet-oracle`), read through
//! [`OraclePrices`].
//!
//! - **Keys** are [`PriceKey`]s: GYM/USD, the GPU compute cost index (USD per
//!   GPU-hour, one key per [`GpuClass`](gym_primitives::mining::GpuClass))
//!   and the electricity cost index (USD per kWh). **Values** are
//!   [`FixedU128`] US dollars per unit (18 decimals).
//! - **Feeders** are chosen by governance: an Economic referendum (Root) calls
//!   `OracleFeeders::{add_member, remove_member, swap_member,
//!   reset_members}`. A feeder may move its seat to a new key
//!   (`change_key`). At most [`MaxFeeders`] of them; genesis seats the dev
//!   accounts (`genesis_config_presets`).
//! - **Feeding**: a feeder signs `Oracle::feed_values` with up to
//!   [`MaxFeedValues`] `(key, value)` pairs. Anyone else is refused
//!   (`NoPermission`) and pays the fee. A successful feed is free
//!   (`Pays::No`), and a feeder feeds at most once per block (a second feed
//!   is `AlreadyFeeded` and pays its fee), so the free transactions a block
//!   can hold are bounded by the feeder set: at most [`MaxFeeders`] feeds of
//!   [`MaxFeedValues`] values each.
//! - **Median**: each feed stores the feeder's value with the block's
//!   timestamp and recomputes the key's value: the median of the current
//!   feeders' values younger than [`PRICE_MAX_AGE_MS`], when a majority of
//!   the feeders, and at least [`MIN_PRICE_FEEDERS`], posted them
//!   ([`FeederQuorum`]). With fewer the previous median stands
//!   (`pallet_oracle::DefaultCombineData`).
//! - **Expiry**: the median carries the timestamp of the value it took, and
//!   [`OraclePrices`] returns it only while that timestamp is younger than
//!   [`PRICE_MAX_AGE_MS`]; a price nobody refreshed for an hour is no price
//!   (`None`), and every consumer falls back to what it does without one.
//! - **Removal**: a feeder that governance removes (or that moves its key)
//!   loses its stored values at once; the median is recomputed without them
//!   at the next feed of the key.
//! - Root may feed too (as the pallet account `gym/orcl`), which counts as
//!   one more feeder in the median.

use frame_support::{
	instances::Instance1,
	parameter_types,
	traits::{ConstU32, ConstU64, Get, Time},
	weights::Weight,
	PalletId,
};
use frame_system::EnsureRoot;
use gym_primitives::prices::{
	PriceKey, PriceOracle, UsdPrice, MIN_PRICE_FEEDERS, PRICE_MAX_AGE_MS,
};
use sp_runtime::FixedU128;

use crate::{AccountId, Oracle, OracleFeeders, Runtime, RuntimeEvent, Timestamp};

parameter_types! {
	/// The oracle's pallet id: Root's feeds are stored under its account.
	pub const OraclePalletId: PalletId = PalletId(*b"gym/orcl");
}

/// The most price feeders: 16.
pub type MaxFeeders = ConstU32<16>;

/// The most `(key, value)` pairs in one feed: 16.
pub type MaxFeedValues = ConstU32<16>;

impl pallet_membership::Config<Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Root: an Economic referendum (and sudo on dev chains).
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	/// The prime feeder means nothing to the oracle; Root only.
	type PrimeOrigin = EnsureRoot<AccountId>;
	/// Genesis feeders have no stored values to clear.
	type MembershipInitialized = ();
	/// A feeder that leaves loses its stored values.
	type MembershipChanged = Oracle;
	type MaxMembers = MaxFeeders;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

/// Benchmark values of `pallet-oracle`: a GYM/USD price and the
/// electricity index, then every GPU class's hourly price.
#[cfg(feature = "runtime-benchmarks")]
pub struct OracleBenchmarkValues;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_oracle::BenchmarkHelper<PriceKey, FixedU128, MaxFeedValues> for OracleBenchmarkValues {
	fn get_currency_id_value_pairs(
	) -> frame_support::BoundedVec<(PriceKey, FixedU128), MaxFeedValues> {
		let mut pairs = alloc::vec![
			(PriceKey::GymUsd, FixedU128::from_rational(12, 100)),
			(PriceKey::KwhUsd, FixedU128::from_rational(15, 100)),
		];
		pairs.extend(
			gym_primitives::mining::GpuClass::ALL
				.iter()
				.map(|class| (PriceKey::GpuHourUsd(*class), FixedU128::from_u32(2))),
		);
		frame_support::BoundedVec::truncate_from(pairs)
	}
}

/// `pallet-oracle`'s upstream weights, plus the reads its measurement (one
/// feeder) did not make: recomputing a key's median reads every feeder's
/// value of that key, so each fed value costs up to [`MaxFeeders`] more
/// reads (2,551 bytes of proof each) with a full feeder set. A feed is free
/// (`Pays::No`), so its weight is all that bounds it in a block.
pub struct OracleWeight;

impl pallet_oracle::WeightInfo for OracleWeight {
	fn feed_values(x: u32) -> Weight {
		let reads = u64::from(<MaxFeeders as Get<u32>>::get()).saturating_mul(u64::from(x));
		pallet_oracle::weights::SubstrateWeight::<Runtime>::feed_values(x)
			.saturating_add(<Runtime as frame_system::Config>::DbWeight::get().reads(reads))
			.saturating_add(Weight::from_parts(0, reads.saturating_mul(2_551)))
	}

	fn on_finalize() -> Weight {
		pallet_oracle::weights::SubstrateWeight::<Runtime>::on_finalize()
	}
}

/// How many fresh values a median needs: a majority of the seated feeders,
/// and never fewer than [`MIN_PRICE_FEEDERS`]. A fixed count would let that
/// many colluding feeders set the price whenever the others stop posting
/// (an outage, a slow cadence); a majority cannot be outvoted by a
/// minority however often it posts.
pub struct FeederQuorum;

impl Get<u32> for FeederQuorum {
	fn get() -> u32 {
		let seated = pallet_membership::Members::<Runtime, Instance1>::decode_len().unwrap_or(0);
		let majority = u32::try_from(seated / 2).unwrap_or(u32::MAX).saturating_add(1);
		majority.max(MIN_PRICE_FEEDERS)
	}
}

impl pallet_oracle::Config for Runtime {
	/// Nothing reacts to a feed: consumers read [`OraclePrices`].
	type OnNewData = ();
	/// The median of values younger than [`PRICE_MAX_AGE_MS`] from a
	/// majority of the feeders, and at least [`MIN_PRICE_FEEDERS`]
	/// ([`FeederQuorum`]); with fewer, the previous median stands.
	type CombineData =
		pallet_oracle::DefaultCombineData<Runtime, FeederQuorum, ConstU64<PRICE_MAX_AGE_MS>>;
	/// Milliseconds since the unix epoch.
	type Time = Timestamp;
	type OracleKey = PriceKey;
	/// US dollars per unit of the key.
	type OracleValue = FixedU128;
	type PalletId = OraclePalletId;
	type Members = OracleFeeders;
	type WeightInfo = OracleWeight;
	/// Every feeder can feed in the same block (Root, the 17th, then waits
	/// for the next).
	type MaxHasDispatchedSize = MaxFeeders;
	type MaxFeedValues = MaxFeedValues;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = OracleBenchmarkValues;
}

/// Fresh prices from the oracle: how every consumer in the runtime reads a
/// price (`PriceOracle` in `Config`s, runtime APIs), never `Oracle::get`
/// directly, which also returns expired medians.
///
/// A key's median is returned while its timestamp (that of the feeder value
/// the median took) plus [`PRICE_MAX_AGE_MS`] is after now; otherwise, or if
/// the key was never fed, `None`.
pub struct OraclePrices;

impl PriceOracle for OraclePrices {
	fn fresh(key: PriceKey) -> Option<UsdPrice> {
		let median = pallet_oracle::Pallet::<Runtime>::get(&key)?;
		let now = <Timestamp as Time>::now();
		(median.timestamp.saturating_add(PRICE_MAX_AGE_MS) > now).then_some(median.value)
	}
}
