//! A tiny, frozen pseudo-random generator for datasets, initial weights and mini-batch order.
//!
//! Validators regenerate a job's dataset and initial checkpoint from its seed, so the generator
//! must give the same stream on every machine, with every compiler and every future version of
//! this crate. SplitMix64 (Steele, Lea & Flood 2014) is specified in a dozen lines and carries no
//! dependency whose stream could change under us; its floating-point helpers use only exact
//! operations and [`libm`], which is plain Rust and identical on every target.

/// Stream label for a job's training split.
pub(crate) const STREAM_TRAIN: u64 = 0x7472_6169_6e00_0001;
/// Stream label for a job's held-out validation split.
pub(crate) const STREAM_VALIDATION: u64 = 0x7661_6c69_6400_0002;
/// Stream label for initial weights.
pub(crate) const STREAM_INIT: u64 = 0x696e_6974_0000_0003;
/// Stream label for the mini-batch order of a training round.
pub(crate) const STREAM_BATCHES: u64 = 0x6261_7463_6800_0004;
/// Stream label for GSPO's arithmetic prompts.
pub(crate) const STREAM_PROMPTS: u64 = 0x7072_6f6d_7074_0005;

/// SplitMix64: a 64-bit state advanced by a Weyl sequence and finalised by a bit mixer.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64 {
	state: u64,
}

impl SplitMix64 {
	/// A generator for `seed` on the named `stream`; different streams of one seed are
	/// independent for every practical purpose.
	pub(crate) fn new(seed: u64, stream: u64) -> Self {
		let mut g = SplitMix64 { state: seed ^ mix64(stream) };
		// Discard one output so that nearby seeds diverge at once.
		g.next_u64();
		g
	}

	/// The next 64 random bits.
	pub(crate) fn next_u64(&mut self) -> u64 {
		self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
		mix64(self.state)
	}

	/// Uniform in `[0, 1)` with 53 random bits (exact).
	pub(crate) fn next_f64(&mut self) -> f64 {
		(self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
	}

	/// Uniform integer in `[0, n)` for `n > 0` (Lemire's multiply-shift; the bias is below
	/// 2^-32 for the sizes used here and, more importantly, fixed forever).
	pub(crate) fn below(&mut self, n: u64) -> u64 {
		((self.next_u64() as u128 * n as u128) >> 64) as u64
	}

	/// Standard normal deviate (Box–Muller, one of the pair; [`libm`] keeps it bit-identical
	/// across machines).
	pub(crate) fn next_gaussian(&mut self) -> f64 {
		// 1 - u is in (0, 1], so the logarithm is finite.
		let u1 = 1.0 - self.next_f64();
		let u2 = self.next_f64();
		libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(core::f64::consts::TAU * u2)
	}
}

/// The SplitMix64 finaliser (a bijection on `u64`).
fn mix64(mut z: u64) -> u64 {
	z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
	z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn stream_is_frozen() {
		// Reference values of SplitMix64 with state 0 (the published test vector starts
		// 0xE220A8397B1DCDAF); our constructor mixes the stream in and skips one output, so
		// check the raw finaliser path against the published value.
		let mut g = SplitMix64 { state: 0 };
		assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
		assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
	}

	#[test]
	fn streams_and_seeds_differ() {
		let a = SplitMix64::new(1, STREAM_TRAIN).next_u64();
		let b = SplitMix64::new(1, STREAM_VALIDATION).next_u64();
		let c = SplitMix64::new(2, STREAM_TRAIN).next_u64();
		assert!(a != b && a != c && b != c);
	}

	#[test]
	fn helpers_stay_in_range() {
		let mut g = SplitMix64::new(7, STREAM_INIT);
		for _ in 0..10_000 {
			let f = g.next_f64();
			assert!((0.0..1.0).contains(&f));
			assert!(g.below(10) < 10);
			assert!(g.next_gaussian().is_finite());
		}
	}
}
