//! # Delta sketches: how the chain tells a near copy from independent work
//!
//! A farm that trains once could submit the same delta from many workers.
//! Exact copies have the same bytes and are caught by their hash; a near copy
//! (the delta plus a little noise, or scaled) is not. The committee of each
//! delta therefore reports a *sketch* of it: a random projection of the
//! delta's parameters onto [`SKETCH_DIM`] random ±1 directions, scaled so
//! its largest coordinate is ±127 and rounded to `i8`. Random projections keep angles (Johnson–Lindenstrauss), so the
//! cosine similarity of two sketches is close to the cosine similarity of
//! the two deltas, and the chain compares sketches in integers
//! ([`near_copy`]).
//!
//! The projection is drawn from a seed the chain fixes only after the round's
//! submission window has closed (from the block randomness and every seal of
//! the round), so a worker cannot shape its noise to the projection: it has
//! sealed its delta before anyone knows the seed.
//!
//! The sketch is computed in `f64` in one fixed order of plain additions and
//! subtractions, then one division and one multiplication per coordinate: every
//! step is an IEEE-754 basic operation with one correctly rounded result, so
//! honest committee members report the same sketch to the bit.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Permill;

/// Number of directions a sketch projects onto. The error of a sketch's
/// cosine is about `(1 − cos²) / √SKETCH_DIM`: ±0.017 for honest deltas at
/// 0.85, so an honest pair reads 0.95 or more less than once in 10⁷.
pub const SKETCH_DIM: usize = 256;

/// The largest coordinate of a sketch, in absolute value.
pub const SKETCH_SCALE: f64 = 127.0;

/// A delta's sketch: its projection onto [`SKETCH_DIM`] random ±1
/// directions, scaled so its largest coordinate is ±[`SKETCH_SCALE`], and
/// rounded. All zero means no sketch (a delta that could not be read, or all
/// zero).
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
pub struct DeltaSketch(pub [i8; SKETCH_DIM]);

impl Default for DeltaSketch {
	fn default() -> Self {
		DeltaSketch([0; SKETCH_DIM])
	}
}

impl DeltaSketch {
	/// Whether this is no sketch (all zero).
	pub fn is_none(&self) -> bool {
		self.0.iter().all(|c| *c == 0)
	}

	/// `Σ self[j] · other[j]`, exact: at most 256 × 128² < 2²³.
	fn dot(&self, other: &DeltaSketch) -> i64 {
		self.0.iter().zip(other.0.iter()).fold(0i64, |acc, (a, b)| {
			acc.saturating_add(i64::from(*a).saturating_mul(i64::from(*b)))
		})
	}
}

/// The cosine similarity at or above which a delta is a near copy of another
/// delta of the same round. Honest workers training the same base on their
/// own mini-batches stay well under it (`docs/mining.md` has the measured
/// figures); a delta plus noise small enough to keep its quality stays
/// above it.
pub const NEAR_COPY_COSINE: Permill = Permill::from_percent(95);

/// Whether sketches `a` and `b` are at least `bound` alike (cosine
/// similarity ≥ `bound`): `a·b > 0` and `(a·b)² ≥ bound² · |a|² · |b|²`, in
/// integers. No sketch is near anything.
pub fn near_copy(a: &DeltaSketch, b: &DeltaSketch, bound: Permill) -> bool {
	if a.is_none() || b.is_none() {
		return false;
	}
	let dot = a.dot(b);
	if dot <= 0 {
		return false;
	}
	let (norm_a, norm_b) = (a.dot(a).unsigned_abs(), b.dot(b).unsigned_abs());
	let dot = u128::from(dot.unsigned_abs());
	let parts = u128::from(bound.deconstruct());
	// dot² < 2⁴⁶ and 10¹² < 2⁴⁰: no overflow; |a|²·|b|² < 2⁴⁶ and
	// parts² ≤ 10¹².
	let lhs = dot.saturating_mul(dot).saturating_mul(1_000_000_000_000);
	let rhs = parts
		.saturating_mul(parts)
		.saturating_mul(u128::from(norm_a))
		.saturating_mul(u128::from(norm_b));
	lhs >= rhs
}

/// The 64-bit mixer of SplitMix64: a bijection with good avalanche.
fn mix64(mut z: u64) -> u64 {
	z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
	z ^ (z >> 31)
}

/// The seed of a round's sketches from the 32 bytes the chain fixed for it.
pub fn sketch_seed(fixed: &[u8; 32]) -> u64 {
	let mut seed = [0u8; 8];
	seed.copy_from_slice(fixed.get(..8).unwrap_or(&[0; 8]));
	u64::from_le_bytes(seed)
}

/// The sketch of a delta whose parameters, in the model's canonical order,
/// are `values`, for the round's `seed`: `s[j] = Σ_i ±values[i]`, the sign of
/// parameter `i` in direction `j` being bit `j mod 64` of
/// `mix64(seed + (4i + j / 64)·φ)`; then `s / max|s|` scaled by
/// [`SKETCH_SCALE`] and rounded. No sketch (all zero) if any value is not
/// finite or the projection is zero.
pub fn delta_sketch(values: impl IntoIterator<Item = f32>, seed: u64) -> DeltaSketch {
	const PHI: u64 = 0x9e37_79b9_7f4a_7c15;
	let mut acc = [0f64; SKETCH_DIM];
	let mut index: u64 = 0;
	for value in values {
		if !value.is_finite() {
			return DeltaSketch::default();
		}
		let value = f64::from(value);
		for block in acc.chunks_mut(64) {
			let signs = mix64(seed.wrapping_add(index.wrapping_mul(PHI)));
			for (j, a) in block.iter_mut().enumerate() {
				if (signs >> j) & 1 == 1 {
					*a += value;
				} else {
					*a -= value;
				}
			}
			index = index.wrapping_add(1);
		}
	}
	let max = acc.iter().fold(0f64, |m, a| m.max(a.abs()));
	if !max.is_finite() || max == 0.0 {
		return DeltaSketch::default();
	}
	let mut sketch = [0i8; SKETCH_DIM];
	for (s, a) in sketch.iter_mut().zip(acc.iter()) {
		// |a / max| ≤ 1, so the rounded value is within ±127 (and a float
		// cast saturates anyway).
		let scaled = a / max * SKETCH_SCALE;
		#[allow(clippy::cast_possible_truncation)]
		let rounded = round_half_away(scaled) as i8;
		*s = rounded;
	}
	DeltaSketch(sketch)
}

/// `x` rounded to the nearest integer, halves away from zero, without `std`.
fn round_half_away(x: f64) -> f64 {
	// Truncation toward zero: exact for |x| < 2⁶³ (sketch values are ≤ 127).
	#[allow(clippy::cast_possible_truncation)]
	let t = x as i64 as f64;
	let frac = x - t;
	if frac >= 0.5 {
		t + 1.0
	} else if frac <= -0.5 {
		t - 1.0
	} else {
		t
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn vector(n: usize, seed: u64) -> alloc::vec::Vec<f32> {
		(0..n as u64).map(|i| (mix64(seed ^ i) as i64 as f64 / i64::MAX as f64) as f32).collect()
	}

	fn cosine(a: &[f32], b: &[f32]) -> f64 {
		let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
		let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
		let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
		dot / (na * nb)
	}

	#[test]
	fn a_sketch_spans_its_scale_and_is_deterministic() {
		let v = vector(10_000, 1);
		let s = delta_sketch(v.iter().copied(), 7);
		assert_eq!(s, delta_sketch(v.iter().copied(), 7));
		assert_eq!(s.0.iter().map(|c| c.unsigned_abs()).max(), Some(127));
		assert_ne!(s, delta_sketch(v.iter().copied(), 8), "the seed picks the directions");
	}

	#[test]
	fn scaled_and_slightly_noisy_copies_are_near_independent_vectors_are_not() {
		let v = vector(20_000, 1);
		let seed = 99;
		let original = delta_sketch(v.iter().copied(), seed);
		let scaled = delta_sketch(v.iter().map(|x| x * 0.5), seed);
		assert!(near_copy(&original, &scaled, NEAR_COPY_COSINE));
		// 10% noise by norm: cosine ≈ 0.995.
		let noise = vector(20_000, 2);
		let noisy: alloc::vec::Vec<f32> = v.iter().zip(&noise).map(|(x, n)| x + 0.1 * n).collect();
		assert!(cosine(&v, &noisy) > 0.99);
		assert!(near_copy(&original, &delta_sketch(noisy.iter().copied(), seed), NEAR_COPY_COSINE));
		// Independent vectors: cosine ≈ 0.
		let other = delta_sketch(noise.iter().copied(), seed);
		assert!(!near_copy(&original, &other, NEAR_COPY_COSINE));
		// A negated delta points the other way.
		let negated = delta_sketch(v.iter().map(|x| -x), seed);
		assert!(!near_copy(&original, &negated, NEAR_COPY_COSINE));
	}

	#[test]
	fn no_sketch_is_near_nothing_and_non_finite_values_give_none() {
		let v = vector(1_000, 3);
		let s = delta_sketch(v.iter().copied(), 1);
		assert!(near_copy(&s, &s, NEAR_COPY_COSINE));
		assert!(!near_copy(&s, &DeltaSketch::default(), NEAR_COPY_COSINE));
		assert!(delta_sketch([1.0, f32::NAN], 1).is_none());
		assert!(delta_sketch([0.0f32; 10], 1).is_none());
		assert!(delta_sketch(core::iter::empty(), 1).is_none());
	}

	#[test]
	fn the_integer_test_agrees_with_the_cosine_at_the_bound() {
		// Two sketches at a known angle: cos = a·b / (|a||b|).
		let mut a = [0i8; SKETCH_DIM];
		let mut b = [0i8; SKETCH_DIM];
		a[0] = 100;
		b[0] = 95;
		b[1] = 31; // cos = 95 / √(95² + 31²) = 0.950665…
		let (a, b) = (DeltaSketch(a), DeltaSketch(b));
		assert!(near_copy(&a, &b, Permill::from_percent(95)));
		assert!(near_copy(&a, &b, Permill::from_parts(950_665)));
		assert!(!near_copy(&a, &b, Permill::from_parts(950_666)));
	}

	#[test]
	fn rounding_is_half_away_from_zero() {
		assert_eq!(round_half_away(2.5), 3.0);
		assert_eq!(round_half_away(-2.5), -3.0);
		assert_eq!(round_half_away(2.49), 2.0);
		assert_eq!(round_half_away(-0.2), 0.0);
	}
}
