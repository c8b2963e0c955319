//! Prices and risk controls: the oracle's keys, the USD ⇄ GYM conversions,
//! the progressive transfer tax and the buyback's guarded minimum.
//!
//! Prices are [`FixedU128`] US dollars per unit: per whole GYM (10^18
//! planck), per GPU-hour, per kWh. See `docs/tokenomics.md` ("Prices and risk
//! controls") for the rules these functions implement.

use crate::{mining::GpuClass, Balance, BlockNumber, GYM};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding,
	per_things::Rounding,
	traits::{One, Saturating, Zero},
	FixedPointNumber, FixedU128, PerThing, Perbill,
};

/// How long a fed price stays fresh: an hour, in milliseconds. A price whose
/// newest median is older is no price at all ([`PriceOracle::fresh`] is
/// `None`), and the oracle leaves out feeders' values older than this when
/// it takes the median.
pub const PRICE_MAX_AGE_MS: u64 = 3_600_000;

/// The fewest fresh feeder values the oracle takes a median of: 3. With
/// fewer, the last median stands until it expires.
pub const MIN_PRICE_FEEDERS: u32 = 3;

/// A price in US dollars (per GYM, per GPU-hour or per kWh).
pub type UsdPrice = FixedU128;

/// USDT's decimals on GYM chain (`ForeignAssets` id 2).
pub const USDT_DECIMALS: u8 = 6;

/// One USDT in its smallest unit.
pub const USDT: Balance = 1_000_000;

/// What an oracle feeder reports a price for.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
// The `Encode` derive casts the index of a data-carrying variant `as u8`.
#[allow(clippy::cast_possible_truncation)]
pub enum PriceKey {
	/// US dollars per GYM.
	GymUsd,
	/// US dollars per hour of a GPU of this class (the GPU compute cost
	/// index: what renting one costs).
	GpuHourUsd(GpuClass),
	/// US dollars per kWh (the electricity cost index).
	KwhUsd,
}

/// Fresh prices: the median of the feeders' values that have not expired.
pub trait PriceOracle {
	/// The price of `key`, or `None` when no feeder posted one recently
	/// enough (stale prices are never returned).
	fn fresh(key: PriceKey) -> Option<UsdPrice>;
}

impl PriceOracle for () {
	fn fresh(_: PriceKey) -> Option<UsdPrice> {
		None
	}
}

/// The GYM, in planck, that `usd` buys at `gym_usd` dollars per GYM, rounded
/// down; `None` for a zero price.
pub fn usd_to_gym(usd: UsdPrice, gym_usd: UsdPrice) -> Option<Balance> {
	if gym_usd.is_zero() {
		return None;
	}
	// FixedU128's inner value has 18 decimals, GYM's planck too.
	multiply_by_rational_with_rounding(usd.into_inner(), GYM, gym_usd.into_inner(), Rounding::Down)
}

/// The dollars `gym` planck are worth at `gym_usd` dollars per GYM.
pub fn gym_to_usd(gym: Balance, gym_usd: UsdPrice) -> UsdPrice {
	UsdPrice::from_inner(
		multiply_by_rational_with_rounding(gym, gym_usd.into_inner(), GYM, Rounding::Down)
			.unwrap_or(u128::MAX),
	)
}

/// The dollars `units` of USDT (6 decimals) stand for.
pub fn usdt_to_usd(units: Balance) -> UsdPrice {
	UsdPrice::saturating_from_rational(units, USDT)
}

/// The least GYM a buyback of `usdt_in` USDT units may accept: what the
/// oracle price says it buys, less `max_slippage`. A pool pushed away from
/// the oracle price gives less and the swap is refused.
pub fn buyback_min_out(
	usdt_in: Balance,
	gym_usd: UsdPrice,
	max_slippage: Perbill,
) -> Option<Balance> {
	let fair = usd_to_gym(usdt_to_usd(usdt_in), gym_usd)?;
	Some(max_slippage.left_from_one().mul_floor(fair))
}

/// One bracket of the progressive transfer tax: the part of a sender's
/// rolling 24-hour volume above `above` (a share of total issuance) pays
/// `rate`, up to the next bracket's threshold.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TaxBracket {
	/// The share of total issuance above which the bracket starts.
	pub above: Perbill,
	/// The tax rate on the volume in the bracket.
	pub rate: Perbill,
}

/// The seed's brackets: over 0.1% of issuance pays 1%, over 0.5% pays 2%,
/// over 1% pays 5% (each rate on the volume inside its bracket).
pub fn default_brackets() -> [TaxBracket; 3] {
	[
		TaxBracket { above: Perbill::from_rational(1u32, 1_000), rate: Perbill::from_percent(1) },
		TaxBracket { above: Perbill::from_rational(5u32, 1_000), rate: Perbill::from_percent(2) },
		TaxBracket { above: Perbill::from_percent(1), rate: Perbill::from_percent(5) },
	]
}

/// Whether `brackets` are a valid schedule: thresholds strictly rising,
/// rates rising, every rate below 100%.
pub fn brackets_valid(brackets: &[TaxBracket]) -> bool {
	brackets.iter().all(|b| b.rate < Perbill::one())
		&& brackets.windows(2).all(|w| match w {
			[a, b] => a.above < b.above && a.rate <= b.rate,
			_ => true,
		})
}

/// The tax owed on a rolling volume of `volume` planck when total issuance is
/// `issuance`: each bracket's rate on the volume inside it, each bracket
/// rounded down. `brackets` must be [`brackets_valid`].
pub fn cumulative_tax(volume: Balance, issuance: Balance, brackets: &[TaxBracket]) -> Balance {
	let mut tax: Balance = 0;
	for (i, bracket) in brackets.iter().enumerate() {
		let start = bracket.above.mul_floor(issuance);
		if volume <= start {
			break;
		}
		let end = brackets
			.get(i.saturating_add(1))
			.map_or(volume, |next| next.above.mul_floor(issuance).min(volume));
		tax = tax.saturating_add(bracket.rate.mul_floor(end.saturating_sub(start)));
	}
	tax
}

/// The tax on moving `amount` more after `prior` this window:
/// `cumulative_tax(prior + amount) − cumulative_tax(prior)`. A transfer split
/// in parts pays, summed, exactly what it pays whole.
pub fn transfer_tax(
	prior: Balance,
	amount: Balance,
	issuance: Balance,
	brackets: &[TaxBracket],
) -> Balance {
	cumulative_tax(prior.saturating_add(amount), issuance, brackets)
		.saturating_sub(cumulative_tax(prior, issuance, brackets))
}

/// The most a sender with `prior` volume this window can move out of
/// `available` planck when the tax comes out of the same balance: the
/// largest `m` with `m + transfer_tax(prior, m) ≤ available`. Returns
/// `(m, tax)`.
pub fn most_after_tax(
	prior: Balance,
	available: Balance,
	issuance: Balance,
	brackets: &[TaxBracket],
) -> (Balance, Balance) {
	let fits =
		|m: Balance| m.saturating_add(transfer_tax(prior, m, issuance, brackets)) <= available;
	// `m + tax(m)` grows with `m`: bisect (at most 128 steps).
	let (mut low, mut high) = (0u128, available);
	while low < high {
		let mid = low.saturating_add(high.saturating_sub(low).saturating_add(1) / 2);
		if fits(mid) {
			low = mid;
		} else {
			high = mid.saturating_sub(1);
		}
	}
	(low, transfer_tax(prior, low, issuance, brackets))
}

/// A sender's GYM moved in the rolling window, in `WINDOW_BUCKETS` buckets
/// of equal length (an hour each on GYM chain: the window is 24 hours).
pub const WINDOW_BUCKETS: usize = 24;

/// The volume a sender moved in its last [`WINDOW_BUCKETS`] buckets.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct RollingVolume {
	/// The bucket index (block number / bucket length) of the newest bucket
	/// written.
	pub newest: BlockNumber,
	/// Volume per bucket, bucket `b` at `b % WINDOW_BUCKETS`.
	pub buckets: [Balance; WINDOW_BUCKETS],
}

impl RollingVolume {
	/// Forgets the buckets that left the window by bucket index `now`.
	pub fn advance(&mut self, now: BlockNumber) {
		let gone = now.saturating_sub(self.newest);
		if gone as usize >= WINDOW_BUCKETS {
			self.buckets = [0; WINDOW_BUCKETS];
		} else {
			for step in 1..=gone {
				let index = self.newest.saturating_add(step) as usize % WINDOW_BUCKETS;
				if let Some(bucket) = self.buckets.get_mut(index) {
					*bucket = 0;
				}
			}
		}
		self.newest = self.newest.max(now);
	}

	/// The volume in the window ending at bucket index `now`.
	pub fn total(&self, now: BlockNumber) -> Balance {
		let mut copy = *self;
		copy.advance(now);
		copy.buckets.iter().fold(0, |sum, b| sum.saturating_add(*b))
	}

	/// Adds `amount` to bucket `now` (after [`Self::advance`]).
	pub fn add(&mut self, now: BlockNumber, amount: Balance) {
		self.advance(now);
		if let Some(bucket) = self.buckets.get_mut(now as usize % WINDOW_BUCKETS) {
			*bucket = bucket.saturating_add(amount);
		}
	}

	/// Takes `amount` back out of bucket `now` (a refunded transfer).
	pub fn remove(&mut self, now: BlockNumber, amount: Balance) {
		if let Some(bucket) = self.buckets.get_mut(now as usize % WINDOW_BUCKETS) {
			*bucket = bucket.saturating_sub(amount);
		}
	}

	/// Whether nothing is left in the window ending at `now`.
	pub fn is_empty_at(&self, now: BlockNumber) -> bool {
		self.total(now).is_zero()
	}
}

/// What a GPU owner can expect from mining one epoch, from the chain's
/// state and today's prices (`gym_minerEconomics`).
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct MinerEconomics {
	/// Blocks in an epoch.
	pub epoch_blocks: BlockNumber,
	/// Hours in an epoch.
	pub epoch_hours: UsdPrice,
	/// The difficulty applied to rewards: that of the last closed epoch with
	/// rewards, 1 when there is none.
	pub difficulty: FixedU128,
	/// Expected GYM (planck) per epoch: a validated delta at zero quality,
	/// no tier boost, full availability, on a verified GPU of the class, at
	/// the difficulty.
	pub gym_per_epoch: Balance,
	/// US dollars per GYM, if fresh.
	pub gym_usd: Option<UsdPrice>,
	/// What `gym_per_epoch` is worth, if the GYM price is fresh.
	pub usd_per_epoch: Option<UsdPrice>,
	/// The epoch's electricity at the given watts, if the kWh price is fresh.
	pub electricity_usd: Option<UsdPrice>,
	/// Renting the GPU for the epoch, if its GPU-hour price is fresh.
	pub gpu_hour_usd: Option<UsdPrice>,
}

/// Compute mining's outlook for a new worker.
pub trait MiningOutlook {
	/// Blocks in an epoch.
	fn epoch_blocks() -> BlockNumber;
	/// The difficulty of the last closed epoch with rewards (1 if none).
	fn difficulty() -> FixedU128;
	/// The unadjusted reward of a worker on a verified GPU of `class` with a
	/// validated delta at zero quality, no boost and full availability.
	fn base_reward(class: GpuClass) -> Balance;
}

/// [`MinerEconomics`] from the outlook, the prices, the block time and a
/// GPU's draw in `watts`.
pub fn miner_economics<M: MiningOutlook, P: PriceOracle>(
	class: GpuClass,
	watts: u32,
	block_millis: u64,
) -> MinerEconomics {
	let epoch_blocks = M::epoch_blocks();
	let millis = u128::from(epoch_blocks).saturating_mul(u128::from(block_millis));
	let epoch_hours = FixedU128::saturating_from_rational(millis, 3_600_000u128);
	let difficulty = M::difficulty().min(FixedU128::one());
	let gym_per_epoch = difficulty.saturating_mul_int(M::base_reward(class));
	let gym_usd = P::fresh(PriceKey::GymUsd);
	let kwh = FixedU128::saturating_from_rational(watts, 1_000u32).saturating_mul(epoch_hours);
	MinerEconomics {
		epoch_blocks,
		epoch_hours,
		difficulty,
		gym_per_epoch,
		gym_usd,
		usd_per_epoch: gym_usd.map(|price| gym_to_usd(gym_per_epoch, price)),
		electricity_usd: P::fresh(PriceKey::KwhUsd).map(|price| price.saturating_mul(kwh)),
		gpu_hour_usd: P::fresh(PriceKey::GpuHourUsd(class))
			.map(|price| price.saturating_mul(epoch_hours)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const ISSUANCE: Balance = 1_000_000 * GYM;

	#[test]
	fn the_default_brackets_tax_each_slice_at_its_rate() {
		let b = default_brackets();
		assert!(brackets_valid(&b));
		// Up to 0.1% (1,000 GYM) nothing.
		assert_eq!(cumulative_tax(1_000 * GYM, ISSUANCE, &b), 0);
		// 1,000..5,000 at 1%: 40 GYM; 5,000..10,000 at 2%: 100 GYM; above at 5%.
		assert_eq!(cumulative_tax(5_000 * GYM, ISSUANCE, &b), 40 * GYM);
		assert_eq!(cumulative_tax(10_000 * GYM, ISSUANCE, &b), 140 * GYM);
		assert_eq!(cumulative_tax(20_000 * GYM, ISSUANCE, &b), 640 * GYM);
	}

	#[test]
	fn a_split_transfer_pays_what_the_whole_pays() {
		let b = default_brackets();
		let whole = transfer_tax(0, 12_345 * GYM + 7, ISSUANCE, &b);
		let parts = [3_000 * GYM + 1, 4_000 * GYM, 5_345 * GYM + 6];
		let mut prior = 0;
		let mut paid = 0;
		for part in parts {
			paid += transfer_tax(prior, part, ISSUANCE, &b);
			prior += part;
		}
		assert_eq!(paid, whole);
	}

	#[test]
	fn most_after_tax_leaves_room_for_its_tax() {
		let b = default_brackets();
		let available = 20_000 * GYM;
		let (m, tax) = most_after_tax(0, available, ISSUANCE, &b);
		assert!(m + tax <= available);
		assert!(m + 1 + transfer_tax(0, m + 1, ISSUANCE, &b) > available);
		assert_eq!(tax, transfer_tax(0, m, ISSUANCE, &b));
	}

	#[test]
	fn invalid_brackets_are_refused() {
		let mut b = default_brackets();
		b[1].above = b[0].above;
		assert!(!brackets_valid(&b));
		let mut b = default_brackets();
		b[2].rate = Perbill::one();
		assert!(!brackets_valid(&b));
	}

	#[test]
	fn the_window_forgets_buckets_that_left_it() {
		let mut v = RollingVolume::default();
		v.add(10, 5);
		v.add(20, 7);
		assert_eq!(v.total(20), 12);
		assert_eq!(v.total(33), 12);
		assert_eq!(v.total(34), 7);
		assert_eq!(v.total(44), 0);
		v.add(100, 3);
		assert_eq!(v.total(100), 3);
	}

	#[test]
	fn usd_converts_to_gym_at_the_price() {
		// $50 at $0.25 per GYM is 200 GYM.
		let p = FixedU128::from_rational(1, 4);
		assert_eq!(usd_to_gym(FixedU128::from_u32(50), p), Some(200 * GYM));
		assert_eq!(gym_to_usd(200 * GYM, p), FixedU128::from_u32(50));
		// 1,000 USDT at $0.10 per GYM with 2% slippage: at least 9,800 GYM.
		let min = buyback_min_out(
			1_000 * USDT,
			FixedU128::from_rational(1, 10),
			Perbill::from_percent(2),
		);
		assert_eq!(min, Some(9_800 * GYM));
		assert_eq!(usd_to_gym(FixedU128::one(), FixedU128::zero()), None);
	}
}
