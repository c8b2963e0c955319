//! Compressed deltas: top-k sparsification and 8-bit quantisation with error feedback.
//!
//! A dense delta costs 4 bytes per weight. A miner that uploads a compressed delta keeps, in each
//! tensor, only the `k` coordinates of largest magnitude (top-k, `k` set by a [`Compression`]'s
//! density) and sends each as an `i8`, with one `f32` scale per tensor. A tensor that keeps only
//! some of its coordinates also sends each one's `u32` index (5 bytes per kept coordinate); a
//! tensor that keeps all of them sends its values in coordinate order without indices (1 byte
//! per weight, see the test `a_dense_delta_costs_one_byte_per_weight`). At a density of 2% that
//! is about 40 times smaller than dense `f32` (see the test
//! `two_percent_of_400k_parameters_is_40_times_smaller`); at 100%, about 4 times.
//!
//! ## Error feedback
//! What is not sent is not lost: [`compress`] compresses `delta + residual` and leaves in
//! `residual` everything that did not reach the wire (the whole value of an unsent coordinate,
//! the rounding error of a sent one). The miner passes that residual to its next round, so over
//! rounds `Σ sent + residual == Σ deltas` up to `f32` rounding of the additions, and every
//! coordinate's mass is eventually sent.
//!
//! ## Error bound
//! A kept value `v` is sent as `q = round_half_away_from_zero(v / scale)` with
//! `scale = max|v| / 127` (rounded up so that `|v / scale| <= 127`; see [`compress`]). The
//! receiver computes `q as f32 * scale`, so `|dequantised − v| <= scale / 2`, plus at most half
//! an ulp of the dequantised value (the `f32` rounding of `q × scale`, below `127 · scale · 2⁻²⁴`).
//!
//! ## Format (version 2)
//! Little-endian throughout, no padding:
//!
//! | field | type | rule |
//! |---|---|---|
//! | magic | 4 bytes | `b"GYMD"` |
//! | version | `u8` | [`FORMAT_VERSION`] (2); every other version is refused |
//! | model id | `u32` | the job's model |
//! | tensor count | `u32` | the model's tensor count |
//!
//! then, for every tensor in order:
//!
//! | field | type | rule |
//! |---|---|---|
//! | length `n` | `u32` | the tensor's number of values |
//! | kept `k` | `u32` | `k <= n` |
//! | scale | `f32` | finite, sign bit clear; 0 only if every kept value is 0 |
//! | indices | `k × u32` if `k < n`, absent if `k == n` | strictly increasing, each `< n` |
//! | values | `k × i8` | `-127..=127` (`-128` is refused) |
//!
//! and nothing after the last tensor. A tensor that keeps every coordinate (`k == n`, which
//! includes an empty tensor) has no indices: its `n` values are coordinates `0..n` in order. A
//! tensor with `k < n` lists the kept coordinates' indices, then their values in the same order.
//! So a tensor costs 12 bytes plus `k` bytes when `k == n`, plus `5 × k` otherwise; the whole
//! size is [`compressed_len`]. (Version 1, never run on a chain, always wrote the indices, so a
//! delta that kept every coordinate cost 5 bytes per weight, more than dense `f32`.) The encoding is canonical:
//! [`compress`] gives the same bytes for the same input on every machine (the top-k selection
//! breaks ties by lower index and the arithmetic is IEEE `f32`/`f64` without transcendental
//! functions), because the chain commits to blake2-256 of these bytes.
//!
//! ## Decoding hostile bytes
//! [`decompress`] checks the size limit first, then every field before it uses it: a kept count
//! is compared with the bytes left before anything of its size is touched, and the only
//! allocation is the dense output, whose lengths the caller gives. It never panics; each refusal
//! is a [`DeltaError`]: [`DeltaError::TooLarge`] for the size, [`DeltaError::WrongShape`] for a
//! tensor count or length other than expected, [`DeltaError::NonFinite`] for a NaN or infinite
//! scale or a dequantised value that overflows, and [`DeltaError::Undecodable`] (with the byte
//! offset and what is wrong) for everything else.

use crate::DeltaError;
use core::{cmp::Ordering, fmt};

/// The four bytes every compressed delta starts with.
pub const MAGIC: [u8; 4] = *b"GYMD";
/// The format version [`compress`] writes and the only one [`decompress`] reads.
pub const FORMAT_VERSION: u8 = 2;
/// Bytes of the header: magic, version, model id, tensor count.
pub const HEADER_LEN: usize = 4 + 1 + 4 + 4;
/// Bytes of a tensor's header: length, kept count, scale.
pub const TENSOR_HEADER_LEN: usize = 4 + 4 + 4;
/// Bytes per kept coordinate of a tensor that keeps only some of its coordinates (`k < n`): a
/// `u32` index and an `i8` value.
pub const BYTES_PER_KEPT: usize = 4 + 1;
/// Bytes per coordinate of a tensor that keeps all of them (`k == n`): an `i8` value, no index.
pub const BYTES_PER_DENSE: usize = 1;
/// Largest quantised magnitude: values are `-127..=127`, so the grid is symmetric.
pub const Q_MAX: i8 = 127;
/// Parts per million in a whole: the density of [`Compression::DENSE`].
pub const PPM: u32 = 1_000_000;

/// How a delta is compressed: keep, in each tensor, the `density` fraction of coordinates of
/// largest magnitude, with `density` in parts per million (`1..=1_000_000`).
///
/// A tensor of `len` values keeps `k = ceil(len × density / 10⁶)` of them
/// ([`Compression::kept`]): at least one when `len > 0`, all of them at [`Compression::DENSE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Compression {
	density_ppm: u32,
}

impl Compression {
	/// Keep every coordinate (quantisation only).
	pub const DENSE: Compression = Compression { density_ppm: PPM };

	/// A density of `density_ppm` parts per million; `None` outside `1..=1_000_000`.
	pub const fn from_ppm(density_ppm: u32) -> Option<Compression> {
		if density_ppm >= 1 && density_ppm <= PPM {
			Some(Compression { density_ppm })
		} else {
			None
		}
	}

	/// The density in parts per million (`1..=1_000_000`).
	pub const fn density_ppm(self) -> u32 {
		self.density_ppm
	}

	/// How many of `len` coordinates a tensor keeps: `ceil(len × density / 10⁶)`, which is at
	/// least 1 when `len > 0` and at most `len`.
	pub fn kept(self, len: usize) -> usize {
		// The product is below 2^64 · 2^20 and fits a u128; the quotient is at most `len`.
		let k = (len as u128 * u128::from(self.density_ppm)).div_ceil(u128::from(PPM));
		usize::try_from(k).unwrap_or(len)
	}
}

/// The exact size in bytes of [`compress`]'s output for tensors of lengths `lens` (saturating
/// at `usize::MAX`, far beyond any limit): [`HEADER_LEN`], then per tensor
/// [`TENSOR_HEADER_LEN`] plus, for its `k` kept coordinates, [`BYTES_PER_DENSE`] each when it
/// keeps all of them (`k == n`) and [`BYTES_PER_KEPT`] each otherwise. Callers size a byte limit
/// such as [`crate::MAX_DELTA_BYTES`] with it.
pub fn compressed_len(lens: &[usize], c: Compression) -> usize {
	lens.iter().fold(HEADER_LEN, |total, &len| {
		let k = c.kept(len);
		let per_kept = if k == len { BYTES_PER_DENSE } else { BYTES_PER_KEPT };
		total.saturating_add(TENSOR_HEADER_LEN).saturating_add(k.saturating_mul(per_kept))
	})
}

/// Compresses `delta + residual` with error feedback and returns the bytes of the format above.
///
/// Per tensor: selects the top `k` coordinates by `|value|` ([`Compression::kept`]; ties go to
/// the lower index, so the choice is deterministic), quantises them to `i8` with one scale
/// (`max|v| / 127`, rounded up to the next `f32` when the division rounded down, so no kept
/// value needs clamping; stepped down in the rare case where `127 × scale` would overflow),
/// `q = round_half_away_from_zero(v / scale)` in `-127..=127`, and writes them (with their
/// indices only when the tensor keeps fewer than all of its coordinates). Then `residual`
/// becomes `(delta + residual) − dequantised(sent)` for every coordinate: unsent coordinates keep
/// their whole value, sent ones keep their rounding error (at most `scale / 2`, see the module
/// documentation). A miner keeps `residual` from round to round.
///
/// An empty `residual` means zeros; otherwise it must have the delta's shape. Errors, which leave
/// `residual` unchanged: [`DeltaError::WrongShape`] for a residual of another shape or more than
/// `u32::MAX` tensors or values in a tensor, [`DeltaError::NonFinite`] when `delta + residual`
/// holds a NaN or an infinity.
pub fn compress(
	model_id: u32,
	delta: &[Vec<f32>],
	residual: &mut Vec<Vec<f32>>,
	c: Compression,
) -> Result<Vec<u8>, DeltaError> {
	let count = u32::try_from(delta.len()).map_err(|_| DeltaError::WrongShape {
		tensor: "*".into(),
		reason: format!("{} tensors, the format holds at most {}", delta.len(), u32::MAX),
	})?;
	if !residual.is_empty() && residual.len() != delta.len() {
		return Err(DeltaError::WrongShape {
			tensor: "*".into(),
			reason: format!("residual has {} tensors, the delta {}", residual.len(), delta.len()),
		});
	}
	// `acc` holds delta + residual and becomes the new residual once everything succeeded.
	let mut acc: Vec<Vec<f32>> = Vec::with_capacity(delta.len());
	for (t, d) in delta.iter().enumerate() {
		if u32::try_from(d.len()).is_err() {
			return Err(DeltaError::WrongShape {
				tensor: t.to_string(),
				reason: format!("{} values, the format holds at most {}", d.len(), u32::MAX),
			});
		}
		let v: Vec<f32> = match residual.get(t) {
			None => d.clone(),
			Some(r) if r.len() == d.len() => d.iter().zip(r).map(|(d, r)| d + r).collect(),
			Some(r) => {
				return Err(DeltaError::WrongShape {
					tensor: t.to_string(),
					reason: format!("residual has {} values, the delta {}", r.len(), d.len()),
				})
			}
		};
		if v.iter().any(|x| !x.is_finite()) {
			return Err(DeltaError::NonFinite { tensor: t.to_string() });
		}
		acc.push(v);
	}

	let lens: Vec<usize> = acc.iter().map(Vec::len).collect();
	let mut out = Vec::with_capacity(compressed_len(&lens, c));
	out.extend_from_slice(&MAGIC);
	out.push(FORMAT_VERSION);
	out.extend_from_slice(&model_id.to_le_bytes());
	out.extend_from_slice(&count.to_le_bytes());
	for v in acc.iter_mut() {
		let kept = top_k(v, c.kept(v.len()));
		let max_abs = kept.iter().map(|&i| v[i as usize].abs()).fold(0.0f32, f32::max);
		let scale = scale_for(max_abs);
		// Both fit: lengths were checked above and k <= n.
		out.extend_from_slice(&(v.len() as u32).to_le_bytes());
		out.extend_from_slice(&(kept.len() as u32).to_le_bytes());
		out.extend_from_slice(&scale.to_le_bytes());
		// A tensor that keeps every coordinate has `kept == 0..n`: no indices on the wire.
		if kept.len() < v.len() {
			for &i in &kept {
				out.extend_from_slice(&i.to_le_bytes());
			}
		}
		for &i in &kept {
			let value = &mut v[i as usize];
			let q = quantise(*value, scale);
			out.push(q.to_le_bytes()[0]);
			*value -= dequantise(q, scale);
		}
	}
	*residual = acc;
	Ok(out)
}

/// Decodes compressed `bytes` of `model_id` into dense tensors of exactly `expected_lens` values
/// (one per tensor, in order; coordinates that were not sent are 0).
///
/// Checks, in order: `bytes.len() <= max_bytes` ([`DeltaError::TooLarge`]), then every field as
/// the module documentation lists them, each before it is used (a tensor with `k == n` has no
/// indices, its values are coordinates `0..n` in order). Refusals: a wrong magic, a version other
/// than [`FORMAT_VERSION`] (version 1 included), a wrong model id, a kept count above the length
/// or above what the remaining bytes hold,
/// an index out of range or not strictly above the previous one, a negative scale, a value of
/// `-128`, a non-zero value with scale 0, a truncated input or trailing bytes
/// ([`DeltaError::Undecodable`]); a tensor count or length other than expected
/// ([`DeltaError::WrongShape`]); a NaN or infinite scale or a dequantised value that overflows
/// ([`DeltaError::NonFinite`]). Tensors are named by their position (`"0"`, `"1"`, …; `"*"` for
/// the count).
pub fn decompress(
	model_id: u32,
	expected_lens: &[usize],
	bytes: &[u8],
	max_bytes: usize,
) -> Result<Vec<Vec<f32>>, DeltaError> {
	if bytes.len() > max_bytes {
		return Err(DeltaError::TooLarge { len: bytes.len(), max: max_bytes });
	}
	let mut r = Reader { bytes, pos: 0 };
	let magic = r.array::<4>(format_args!("magic"))?;
	if magic != MAGIC {
		return Err(malformed(0, format!("magic {magic:02x?}, expected \"GYMD\"")));
	}
	let at = r.pos;
	let [version] = r.array::<1>(format_args!("format version"))?;
	if version != FORMAT_VERSION {
		return Err(malformed(
			at,
			format!("format version {version}, this decoder reads {FORMAT_VERSION}"),
		));
	}
	let at = r.pos;
	let id = r.u32(format_args!("model id"))?;
	if id != model_id {
		return Err(malformed(at, format!("delta is for model {id}, expected model {model_id}")));
	}
	let count = r.u32(format_args!("tensor count"))?;
	if usize::try_from(count).ok() != Some(expected_lens.len()) {
		return Err(DeltaError::WrongShape {
			tensor: "*".into(),
			reason: format!("{count} tensors, expected {}", expected_lens.len()),
		});
	}

	let mut tensors = Vec::with_capacity(expected_lens.len());
	for (t, &want) in expected_lens.iter().enumerate() {
		let n = r.u32(format_args!("tensor {t} length"))?;
		if usize::try_from(n).ok() != Some(want) {
			return Err(DeltaError::WrongShape {
				tensor: t.to_string(),
				reason: format!("length {n}, expected {want}"),
			});
		}
		let at = r.pos;
		let k = r.u32(format_args!("tensor {t} kept count"))?;
		if k > n {
			return Err(malformed(at, format!("tensor {t}: keeps {k} of {n} values")));
		}
		// Indices only when the tensor keeps fewer than all of its coordinates.
		let sparse = k < n;
		// The scale, the indices (if any) and the values must all be there; checked before k is
		// used to size or walk anything. u64 cannot overflow: 4 + 5 × (2^32 − 1) < 2^35.
		let per_kept = if sparse { BYTES_PER_KEPT } else { BYTES_PER_DENSE };
		let need = 4 + per_kept as u64 * u64::from(k);
		if need > r.remaining() as u64 {
			return Err(malformed(
				r.pos,
				format!(
					"truncated: tensor {t} keeps {k} values, which need {need} bytes, {} left",
					r.remaining()
				),
			));
		}
		let at = r.pos;
		let scale = f32::from_le_bytes(r.array::<4>(format_args!("tensor {t} scale"))?);
		if !scale.is_finite() {
			return Err(DeltaError::NonFinite { tensor: t.to_string() });
		}
		if scale.is_sign_negative() {
			return Err(malformed(at, format!("tensor {t}: scale {scale} is negative")));
		}
		// They fit in the remaining bytes (checked above), so these usize values are exact.
		let k = k as usize;
		let indices_at = r.pos;
		let indices =
			if sparse { r.slice(4 * k, format_args!("tensor {t} indices"))? } else { &[] };
		let values_at = r.pos;
		let values = r.slice(k, format_args!("tensor {t} values"))?;

		let mut dense = vec![0.0f32; want];
		if sparse {
			let mut previous: Option<u32> = None;
			for (j, (index, &byte)) in indices.chunks_exact(4).zip(values).enumerate() {
				let i = u32::from_le_bytes([index[0], index[1], index[2], index[3]]);
				if i >= n {
					return Err(malformed(
						indices_at + 4 * j,
						format!("tensor {t}: index {i} out of range for length {n}"),
					));
				}
				if let Some(p) = previous.filter(|&p| i <= p) {
					return Err(malformed(
						indices_at + 4 * j,
						format!(
							"tensor {t}: index {i} after {p}, indices must be strictly increasing"
						),
					));
				}
				previous = Some(i);
				// `i < n == want == dense.len()`.
				dense[i as usize] = read_value(t, byte, scale, values_at + j)?;
			}
		} else {
			// `k == n == want`: one value per coordinate, in order.
			for (j, (slot, &byte)) in dense.iter_mut().zip(values).enumerate() {
				*slot = read_value(t, byte, scale, values_at + j)?;
			}
		}
		tensors.push(dense);
	}
	if r.remaining() > 0 {
		return Err(malformed(
			r.pos,
			format!("{} trailing bytes after the last tensor", r.remaining()),
		));
	}
	Ok(tensors)
}

/// The indices of the `k` values of largest magnitude (ties to the lower index), ascending.
/// `values.len()` fits a `u32` (checked by the caller) and `k <= values.len()`.
fn top_k(values: &[f32], k: usize) -> Vec<u32> {
	let mut order: Vec<u32> = (0..values.len()).map(|i| i as u32).collect();
	if k < order.len() {
		// A strict total order (no two indices compare equal), so the set of the first k is
		// unique whatever the selection algorithm does.
		let by_magnitude = |a: &u32, b: &u32| -> Ordering {
			let (va, vb) = (values[*a as usize].abs(), values[*b as usize].abs());
			vb.total_cmp(&va).then(a.cmp(b))
		};
		if k > 0 {
			order.select_nth_unstable_by(k - 1, by_magnitude);
		}
		order.truncate(k);
	}
	order.sort_unstable();
	order
}

/// The scale for a tensor whose largest kept magnitude is `max_abs` (finite, `>= 0`):
/// `max_abs / 127`, rounded up one `f32` step when the division rounded down (so
/// `|v / scale| <= 127` for every kept `v`), and stepped down while `127 × scale` overflows (only
/// for `max_abs` within an ulp of `f32::MAX`). 0 exactly when `max_abs` is 0.
fn scale_for(max_abs: f32) -> f32 {
	let q_max = f32::from(Q_MAX);
	let mut scale = max_abs / q_max;
	// `scale × 127` is exact in f64 (24 + 7 significant bits).
	if f64::from(scale) * f64::from(q_max) < f64::from(max_abs) {
		scale = scale.next_up();
	}
	while (scale * q_max).is_infinite() {
		scale = scale.next_down();
	}
	scale
}

/// `round_half_away_from_zero(value / scale)` clamped to `-127..=127`, in `f64`; 0 when the
/// scale is 0 (then every kept value is 0).
fn quantise(value: f32, scale: f32) -> i8 {
	if scale == 0.0 {
		return 0;
	}
	let q_max = f64::from(Q_MAX);
	// In range after the clamp, so the cast is exact.
	(f64::from(value) / f64::from(scale)).round().clamp(-q_max, q_max) as i8
}

/// The value a receiver reads for `q` at `scale`: `q as f32 * scale` (the one formula both sides
/// use, so the sender's residual matches what was received to the bit).
fn dequantise(q: i8, scale: f32) -> f32 {
	f32::from(q) * scale
}

/// The value tensor `t` sends as `byte` (at offset `at`) with `scale`: refuses `-128`, a non-zero
/// value with scale 0 ([`DeltaError::Undecodable`]) and a dequantised value that overflows
/// ([`DeltaError::NonFinite`]).
fn read_value(t: usize, byte: u8, scale: f32, at: usize) -> Result<f32, DeltaError> {
	let q = i8::from_le_bytes([byte]);
	if q < -Q_MAX {
		return Err(malformed(at, format!("tensor {t}: value {q} outside -{Q_MAX}..={Q_MAX}")));
	}
	if scale == 0.0 && q != 0 {
		return Err(malformed(
			at,
			format!("tensor {t}: value {q} with scale 0 (only zeros may have scale 0)"),
		));
	}
	let value = dequantise(q, scale);
	if !value.is_finite() {
		return Err(DeltaError::NonFinite { tensor: t.to_string() });
	}
	Ok(value)
}

/// [`DeltaError::Undecodable`] naming the byte offset and what is wrong there.
fn malformed(offset: usize, what: String) -> DeltaError {
	DeltaError::Undecodable(format!("compressed delta, byte {offset}: {what}"))
}

/// A cursor over untrusted bytes whose reads are all bounds-checked.
struct Reader<'a> {
	bytes: &'a [u8],
	pos: usize,
}

impl<'a> Reader<'a> {
	/// Bytes not read yet.
	fn remaining(&self) -> usize {
		self.bytes.len().saturating_sub(self.pos)
	}

	/// The next `len` bytes, or a truncation error naming `what` (formatted only then).
	fn slice(&mut self, len: usize, what: fmt::Arguments<'_>) -> Result<&'a [u8], DeltaError> {
		let bytes = self.bytes;
		let found = bytes.get(self.pos..).and_then(|rest| rest.get(..len)).ok_or_else(|| {
			malformed(
				self.pos,
				format!("truncated: {what} needs {len} bytes, {} left", self.remaining()),
			)
		})?;
		self.pos += len;
		Ok(found)
	}

	/// The next `N` bytes as an array.
	fn array<const N: usize>(&mut self, what: fmt::Arguments<'_>) -> Result<[u8; N], DeltaError> {
		let found = self.slice(N, what)?;
		let mut out = [0u8; N];
		out.copy_from_slice(found);
		Ok(out)
	}

	/// The next little-endian `u32`.
	fn u32(&mut self, what: fmt::Arguments<'_>) -> Result<u32, DeltaError> {
		self.array::<4>(what).map(u32::from_le_bytes)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::rng::SplitMix64;

	/// Stream label for this module's test data.
	const STREAM_TEST: u64 = 0x636f_6d70_7265_7373;

	fn gaussian_tensors(seed: u64, lens: &[usize], sigma: f64) -> Vec<Vec<f32>> {
		let mut g = SplitMix64::new(seed, STREAM_TEST);
		lens.iter().map(|&n| (0..n).map(|_| (g.next_gaussian() * sigma) as f32).collect()).collect()
	}

	fn ppm(density_ppm: u32) -> Compression {
		Compression::from_ppm(density_ppm).unwrap()
	}

	/// Offset of tensor `t`'s header in an encoding of tensors of lengths `lens` compressed with
	/// `c`: each earlier tensor takes its header, then 1 byte per value when it keeps all of
	/// them (no indices) or 5 per kept value (index and value) when it keeps fewer.
	fn tensor_offset(lens: &[usize], c: Compression, t: usize) -> usize {
		let body = |n: usize| {
			let k = c.kept(n);
			if k == n {
				k
			} else {
				5 * k
			}
		};
		HEADER_LEN + lens[..t].iter().map(|&n| TENSOR_HEADER_LEN + body(n)).sum::<usize>()
	}

	fn scale_at(bytes: &[u8], offset: usize) -> f32 {
		f32::from_le_bytes(bytes[offset + 8..offset + 12].try_into().unwrap())
	}

	fn undecodable(result: Result<Vec<Vec<f32>>, DeltaError>) -> String {
		match result {
			Err(DeltaError::Undecodable(message)) => message,
			other => panic!("expected Undecodable, got {other:?}"),
		}
	}

	#[test]
	fn density_gives_the_kept_count() {
		assert_eq!(Compression::from_ppm(0), None);
		assert_eq!(Compression::from_ppm(PPM + 1), None);
		assert_eq!(Compression::DENSE.density_ppm(), 1_000_000);
		let two_percent = ppm(20_000);
		assert_eq!(two_percent.kept(0), 0);
		assert_eq!(two_percent.kept(1), 1);
		assert_eq!(two_percent.kept(49), 1); // ceil(0.98)
		assert_eq!(two_percent.kept(50), 1);
		assert_eq!(two_percent.kept(51), 2); // ceil(1.02)
		assert_eq!(two_percent.kept(400_000), 8_000);
		assert_eq!(ppm(1).kept(usize::MAX), usize::MAX / 1_000_000 + 1);
		assert_eq!(Compression::DENSE.kept(usize::MAX), usize::MAX);
		assert_eq!(Compression::DENSE.kept(7), 7);
	}

	#[test]
	fn the_format_is_frozen() {
		// Max 127 gives scale exactly 1.0, so the values are the quantised integers.
		let delta = vec![vec![0.0, -127.0, 50.0, 2.0], vec![]];
		// Every coordinate kept (k == n): the values follow the scale, in order, with no indices;
		// the empty tensor keeps 0 of 0 and is its header alone.
		let bytes = compress(7, &delta, &mut Vec::new(), Compression::DENSE).unwrap();
		#[rustfmt::skip]
		let expected: Vec<u8> = [
			&b"GYMD"[..], &[2], &[7, 0, 0, 0], &[2, 0, 0, 0],
			&[4, 0, 0, 0], &[4, 0, 0, 0], &[0x00, 0x00, 0x80, 0x3f],
			&[0, 0x81, 50, 2],
			&[0, 0, 0, 0], &[0, 0, 0, 0], &[0, 0, 0, 0],
		]
		.concat();
		assert_eq!(bytes, expected);
		assert_eq!(decompress(7, &[4, 0], &bytes, usize::MAX).unwrap(), delta);
		// At half density the two largest (indices 1 and 2) are kept, with their indices.
		let bytes = compress(7, &delta[..1], &mut Vec::new(), ppm(500_000)).unwrap();
		#[rustfmt::skip]
		let expected: Vec<u8> = [
			&b"GYMD"[..], &[2], &[7, 0, 0, 0], &[1, 0, 0, 0],
			&[4, 0, 0, 0], &[2, 0, 0, 0], &[0x00, 0x00, 0x80, 0x3f],
			&[1, 0, 0, 0, 2, 0, 0, 0], &[0x81, 50],
		]
		.concat();
		assert_eq!(bytes, expected);
	}

	#[test]
	fn dense_round_trip_errs_by_at_most_half_a_scale() {
		let lens = [1000, 0, 1, 333];
		let mut delta = gaussian_tensors(11, &lens, 0.02);
		delta[2][0] = -3.5e-3;
		let mut residual = Vec::new();
		let bytes = compress(3, &delta, &mut residual, Compression::DENSE).unwrap();
		assert_eq!(bytes.len(), compressed_len(&lens, Compression::DENSE));
		// Every tensor keeps all of its values: 1 byte each, no indices.
		assert_eq!(bytes.len(), 13 + 4 * 12 + 1334);
		let decoded = decompress(3, &lens, &bytes, bytes.len()).unwrap();
		for (t, (d, v)) in decoded.iter().zip(&delta).enumerate() {
			let scale = scale_at(&bytes, tensor_offset(&lens, Compression::DENSE, t));
			let max_abs = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
			assert!(f64::from(scale) * 127.0 >= f64::from(max_abs), "tensor {t}");
			assert!(max_abs / 127.0 <= scale && scale <= (max_abs / 127.0).next_up());
			let mut total_error = 0.0f64;
			for (k, (&d, &v)) in d.iter().zip(v).enumerate() {
				let error = (f64::from(d) - f64::from(v)).abs();
				// Half a scale plus half an ulp of the dequantised value.
				let bound = f64::from(scale) / 2.0 + f64::from(d.abs()) * f64::from(f32::EPSILON);
				assert!(error <= bound, "tensor {t} coordinate {k}: {d} vs {v}, scale {scale}");
				// The residual is exactly what did not arrive.
				assert_eq!(residual[t][k], v - d);
				total_error += error;
			}
			if v.len() > 100 {
				// Rounding errors are close to uniform on [0, scale/2]: the mean is about scale/4.
				let mean = total_error / v.len() as f64 / f64::from(scale);
				assert!((0.2..0.3).contains(&mean), "tensor {t}: mean error {mean} scales");
			}
		}
		// A lone value is sent as -127 × scale: exact up to two roundings.
		assert!((decoded[2][0] + 3.5e-3).abs() <= 3.5e-3 * 2.0 * f32::EPSILON, "{}", decoded[2][0]);
		assert_eq!(decoded[1], Vec::<f32>::new());
	}

	#[test]
	fn top_k_keeps_exactly_the_largest() {
		let v = vec![0.1f32, -5.0, 3.0, -3.0, 0.0, 2.0, 4.0, -0.5, 1.0, 3.0];
		// 30% of 10: the two largest magnitudes (5 and 4), then the tie at 3 goes to index 2.
		let mut residual = Vec::new();
		let bytes = compress(0, std::slice::from_ref(&v), &mut residual, ppm(300_000)).unwrap();
		let body = &bytes[HEADER_LEN + TENSOR_HEADER_LEN..];
		let indices: Vec<u32> =
			body[..12].chunks(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect();
		assert_eq!(indices, [1, 2, 6]);
		let q: Vec<i8> = body[12..].iter().map(|&b| b as i8).collect();
		// scale 5/127: 3 → round(76.2) = 76, 4 → round(101.6) = 102.
		assert_eq!(q, [-127, 76, 102]);
		let decoded = decompress(0, &[10], &bytes, usize::MAX).unwrap();
		let scale = scale_at(&bytes, HEADER_LEN);
		for (k, &d) in decoded[0].iter().enumerate() {
			if [1, 2, 6].contains(&k) {
				assert!((d - v[k]).abs() <= scale / 2.0, "{k}: {d}");
				assert_eq!(residual[0][k], v[k] - d);
			} else {
				assert_eq!(d, 0.0);
				assert_eq!(residual[0][k], v[k], "unsent values stay whole in the residual");
			}
		}
		assert!((decoded[0][6] - 4.015_748).abs() < 1e-5, "{}", decoded[0][6]);

		// On random data the kept set is the k largest found by a full sort.
		let lens = [5000, 77];
		let delta = gaussian_tensors(5, &lens, 1.0);
		let c = ppm(37_000);
		let bytes = compress(0, &delta, &mut Vec::new(), c).unwrap();
		let decoded = decompress(0, &lens, &bytes, usize::MAX).unwrap();
		for (t, (d, v)) in decoded.iter().zip(&delta).enumerate() {
			let k = c.kept(v.len());
			assert_eq!(k, [185, 3][t]);
			let mut by_size: Vec<usize> = (0..v.len()).collect();
			by_size.sort_by(|&a, &b| v[b].abs().total_cmp(&v[a].abs()).then(a.cmp(&b)));
			let mut expected: Vec<usize> = by_size[..k].to_vec();
			expected.sort_unstable();
			let sent: Vec<usize> = (0..v.len()).filter(|&i| d[i] != 0.0).collect();
			assert_eq!(sent, expected, "tensor {t}");
		}
	}

	#[test]
	fn same_input_gives_same_bytes() {
		let lens = [4096, 10, 513];
		let delta = gaussian_tensors(21, &lens, 0.1);
		let residual = gaussian_tensors(22, &lens, 0.01);
		let run = || {
			let mut r = residual.clone();
			let bytes = compress(1, &delta, &mut r, ppm(20_000)).unwrap();
			(bytes, r)
		};
		let (a, ra) = run();
		let (b, rb) = run();
		assert_eq!(a, b);
		assert_eq!(crate::blake2_256(&a), crate::blake2_256(&b));
		assert_eq!(ra, rb);
		// Ties: every magnitude equal, so the lowest indices win.
		let flat = vec![vec![127.0f32, -127.0, 127.0, -127.0, 127.0, -127.0]];
		let bytes = compress(1, &flat, &mut Vec::new(), ppm(500_000)).unwrap();
		let decoded = decompress(1, &[6], &bytes, usize::MAX).unwrap();
		assert_eq!(decoded[0], [127.0, -127.0, 127.0, 0.0, 0.0, 0.0]);
	}

	/// Compresses 20 rounds of shrinking Gaussian deltas (sigma 0.1 down to about 0.01) of
	/// tensors of 1000 and 37 values at 5% density, with or without error feedback. Returns the
	/// sums of the deltas and of what was received, per coordinate in `f64`, and the final
	/// residual.
	fn twenty_rounds(feedback: bool) -> Rounds {
		let lens = [1000, 37];
		let c = ppm(50_000);
		let mut residual: Vec<Vec<f32>> = Vec::new();
		let mut sum_deltas: Vec<Vec<f64>> = lens.iter().map(|&n| vec![0.0; n]).collect();
		let mut sum_sent = sum_deltas.clone();
		for round in 0..20 {
			if !feedback {
				residual.clear();
			}
			let sigma = 0.1 / (1.0 + round as f64 / 2.0);
			let delta = gaussian_tensors(100 + round, &lens, sigma);
			let bytes = compress(0, &delta, &mut residual, c).unwrap();
			assert_eq!(bytes.len(), compressed_len(&lens, c));
			let sent = decompress(0, &lens, &bytes, bytes.len()).unwrap();
			for t in 0..lens.len() {
				for k in 0..lens[t] {
					sum_deltas[t][k] += f64::from(delta[t][k]);
					sum_sent[t][k] += f64::from(sent[t][k]);
				}
			}
		}
		Rounds { sum_deltas, sum_sent, residual }
	}

	/// What [`twenty_rounds`] returns.
	struct Rounds {
		sum_deltas: Vec<Vec<f64>>,
		sum_sent: Vec<Vec<f64>>,
		residual: Vec<Vec<f32>>,
	}

	/// `Σ |Σ deltas − Σ sent|` over `Σ |Σ deltas|`: the share of the update that never arrived.
	fn lost_share(sum_deltas: &[Vec<f64>], sum_sent: &[Vec<f64>]) -> f64 {
		let pairs = || sum_deltas.iter().flatten().zip(sum_sent.iter().flatten());
		let lost: f64 = pairs().map(|(d, s)| (d - s).abs()).sum();
		let mass: f64 = sum_deltas.iter().flatten().map(|d| d.abs()).sum();
		lost / mass
	}

	#[test]
	fn error_feedback_sends_every_delta_in_the_end() {
		let Rounds { sum_deltas, sum_sent, residual } = twenty_rounds(true);
		// Conservation: Σ sent + residual == Σ deltas up to f32 rounding of the additions
		// (measured 3.4e-8 on sums of magnitude up to about 0.5).
		let worst = sum_deltas
			.iter()
			.flatten()
			.zip(sum_sent.iter().flatten())
			.zip(residual.iter().flatten())
			.map(|((d, s), &r)| (s + f64::from(r) - d).abs())
			.fold(0.0f64, f64::max);
		assert!(worst < 1e-7, "largest conservation error {worst}");
		// What never arrived is exactly the residual: 15.3% of the update after 20 rounds at 5%.
		let lost = lost_share(&sum_deltas, &sum_sent);
		assert!((0.14..0.17).contains(&lost), "lost share {lost}");
		// Every coordinate's residual stays below the top-k threshold of the latest rounds
		// (measured 0.054, about half the first round's sigma).
		let largest = residual.iter().flatten().fold(0.0f32, |m, r| m.max(r.abs()));
		assert!(largest < 0.07, "largest residual {largest}");

		// Without feedback the unsent part of every round is dropped for good: 84.4% is lost.
		let Rounds { sum_deltas, sum_sent, .. } = twenty_rounds(false);
		let lost_without = lost_share(&sum_deltas, &sum_sent);
		assert!((0.82..0.87).contains(&lost_without), "lost share without feedback {lost_without}");
	}

	#[test]
	fn zero_delta_compresses_to_zeros() {
		let lens = [16, 3];
		let zeros: Vec<Vec<f32>> = vec![vec![0.0; 16], vec![-0.0; 3]];
		let mut residual = Vec::new();
		let bytes = compress(2, &zeros, &mut residual, ppm(250_000)).unwrap();
		assert_eq!(bytes.len(), compressed_len(&lens, ppm(250_000)));
		assert_eq!(bytes.len(), 13 + 2 * 12 + (4 + 1) * 5);
		assert_eq!(scale_at(&bytes, HEADER_LEN).to_bits(), 0);
		let decoded = decompress(2, &lens, &bytes, usize::MAX).unwrap();
		assert_eq!(decoded, vec![vec![0.0; 16], vec![0.0; 3]]);
		assert!(residual.iter().flatten().all(|&r| r == 0.0));
	}

	#[test]
	fn compressed_len_is_exact() {
		let lens = [0, 1, 2, 999, 1000, 1001, 65_537];
		for density in [1, 999, 1000, 20_000, 333_333, 999_999, 1_000_000] {
			let c = ppm(density);
			let delta = gaussian_tensors(u64::from(density), &lens, 1.0);
			let bytes = compress(0, &delta, &mut Vec::new(), c).unwrap();
			assert_eq!(bytes.len(), compressed_len(&lens, c), "density {density}");
		}
		assert_eq!(compressed_len(&[], Compression::DENSE), HEADER_LEN);
		assert_eq!(compressed_len(&[usize::MAX; 3], Compression::DENSE), usize::MAX);
	}

	#[test]
	fn two_percent_of_400k_parameters_is_40_times_smaller() {
		// A perceptron-like split of 400,000 parameters.
		let lens = [100_000, 200_000, 99_000, 1_000];
		assert_eq!(lens.iter().sum::<usize>(), 400_000);
		let c = ppm(20_000);
		let delta = gaussian_tensors(400, &lens, 0.01);
		let bytes = compress(0, &delta, &mut Vec::new(), c).unwrap();
		// Kept 2000 + 4000 + 1980 + 20 = 8000 coordinates at 5 bytes, plus 13 + 4 × 12 header.
		assert_eq!(bytes.len(), 40_061);
		let dense = 4 * 400_000;
		let ratio = dense as f64 / bytes.len() as f64;
		assert!((ratio - 39.939).abs() < 1e-3, "ratio {ratio}");
		assert!(bytes.len() <= crate::MAX_DELTA_BYTES);
	}

	#[test]
	fn compress_refuses_bad_input_and_keeps_the_residual() {
		let delta = vec![vec![1.0f32, 2.0], vec![3.0]];
		let original = vec![vec![0.5f32, 0.5], vec![0.5]];
		let mut residual = original.clone();
		assert_eq!(
			compress(0, &delta, &mut vec![vec![0.0; 2]], Compression::DENSE),
			Err(DeltaError::WrongShape {
				tensor: "*".into(),
				reason: "residual has 1 tensors, the delta 2".into()
			})
		);
		assert_eq!(
			compress(0, &delta, &mut vec![vec![0.0; 2], vec![0.0; 2]], Compression::DENSE),
			Err(DeltaError::WrongShape {
				tensor: "1".into(),
				reason: "residual has 2 values, the delta 1".into()
			})
		);
		let nan = vec![vec![1.0f32, 2.0], vec![f32::NAN]];
		assert_eq!(
			compress(0, &nan, &mut residual, Compression::DENSE),
			Err(DeltaError::NonFinite { tensor: "1".into() })
		);
		let overflowing = vec![vec![f32::MAX, 2.0], vec![3.0]];
		let mut huge = vec![vec![f32::MAX, 0.0], vec![0.0]];
		assert_eq!(
			compress(0, &overflowing, &mut huge, Compression::DENSE),
			Err(DeltaError::NonFinite { tensor: "0".into() })
		);
		assert_eq!(residual, original, "a refusal leaves the residual as it was");
		assert_eq!(huge, vec![vec![f32::MAX, 0.0], vec![0.0]]);
	}

	#[test]
	fn extreme_magnitudes_round_trip() {
		// Near f32::MAX the scale steps down so that 127 × scale stays finite; subnormals keep
		// a non-zero scale.
		let delta = vec![vec![f32::MAX, -f32::MAX, 1.0], vec![1e-44, -3e-45, 0.0]];
		let mut residual = Vec::new();
		let bytes = compress(0, &delta, &mut residual, Compression::DENSE).unwrap();
		let decoded = decompress(0, &[3, 3], &bytes, usize::MAX).unwrap();
		assert!(decoded.iter().flatten().all(|d| d.is_finite()));
		assert!(residual.iter().flatten().all(|r| r.is_finite()));
		assert!((decoded[0][0] / f32::MAX - 1.0).abs() < 1e-6, "{}", decoded[0][0]);
		assert_eq!(decoded[0][2], 0.0, "1 is far below half a scale of 2.7e36");
		assert_eq!(residual[0][2], 1.0);
		assert!(scale_at(&bytes, tensor_offset(&[3, 3], Compression::DENSE, 1)) > 0.0);
		assert_eq!(decoded[1][0], 1e-44, "a multiple of the smallest subnormal is exact");
		assert_eq!(decoded[1][1], -3e-45);
	}

	/// A valid encoding of two tensors (lengths 6 and 4, two kept each) to corrupt.
	fn sample() -> (Vec<usize>, Vec<u8>) {
		let lens = vec![6, 4];
		let delta = vec![vec![0.0, 0.6, -0.1, 0.0, -1.0, 0.2], vec![0.3, 0.0, 0.0, -0.3]];
		// A third of 6 and of 4 (rounded up) is 2.
		let bytes = compress(9, &delta, &mut Vec::new(), ppm(333_333)).unwrap();
		assert_eq!(bytes.len(), 13 + 2 * 12 + 4 * 5);
		assert!(decompress(9, &lens, &bytes, bytes.len()).is_ok());
		(lens, bytes)
	}

	/// The first tensor's header starts at byte 13, its indices at 25, its values at 33; the
	/// second tensor's header starts at 35, its indices at 47, its values at 55.
	fn with(bytes: &[u8], at: usize, patch: &[u8]) -> Vec<u8> {
		let mut out = bytes.to_vec();
		out[at..at + patch.len()].copy_from_slice(patch);
		out
	}

	#[test]
	fn every_truncation_is_refused() {
		let (lens, bytes) = sample();
		for cut in 0..bytes.len() {
			let message = undecodable(decompress(9, &lens, &bytes[..cut], usize::MAX));
			assert!(message.contains("truncated"), "cut at {cut}: {message}");
		}
		assert_eq!(
			undecodable(decompress(9, &lens, &bytes[..30], usize::MAX)),
			"compressed delta, byte 21: truncated: tensor 0 keeps 2 values, which need 14 bytes, 9 left"
		);
	}

	/// A header for one tensor of length `n` keeping `k`, with scale 1 and nothing after it.
	fn one_tensor_header(n: u32, k: u32) -> Vec<u8> {
		let mut bytes =
			[&b"GYMD"[..], &[FORMAT_VERSION], &0u32.to_le_bytes(), &1u32.to_le_bytes()].concat();
		bytes.extend_from_slice(&n.to_le_bytes());
		bytes.extend_from_slice(&k.to_le_bytes());
		bytes.extend_from_slice(&1.0f32.to_le_bytes());
		bytes
	}

	#[test]
	fn a_huge_kept_count_is_refused_before_allocating() {
		// Length u32::MAX is expected (a dense tensor would be 16 GiB): the kept count is
		// compared with the 4 bytes left before anything is allocated. Keeping one fewer than
		// all needs indices, 5 bytes each (keeping all of them: see
		// `a_short_dense_tensor_is_refused_before_allocating`).
		let n = u32::MAX;
		assert_eq!(
			undecodable(decompress(0, &[n as usize], &one_tensor_header(n, n - 1), usize::MAX)),
			"compressed delta, byte 21: truncated: tensor 0 keeps 4294967294 values, which \
			 need 21474836474 bytes, 4 left"
		);
		// More kept than the length holds.
		let (lens, bytes) = sample();
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 17, &7u32.to_le_bytes()), 99)),
			"compressed delta, byte 17: tensor 0: keeps 7 of 6 values"
		);
	}

	#[test]
	fn wrong_header_fields_are_named_errors() {
		let (lens, bytes) = sample();
		assert_eq!(
			decompress(9, &lens, &bytes, bytes.len() - 1),
			Err(DeltaError::TooLarge { len: 57, max: 56 })
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 0, b"GYMS"), 99)),
			"compressed delta, byte 0: magic [47, 59, 4d, 53], expected \"GYMD\""
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 4, &[1]), 99)),
			"compressed delta, byte 4: format version 1, this decoder reads 2"
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 4, &[3]), 99)),
			"compressed delta, byte 4: format version 3, this decoder reads 2"
		);
		assert_eq!(
			undecodable(decompress(8, &lens, &bytes, 99)),
			"compressed delta, byte 5: delta is for model 9, expected model 8"
		);
		assert_eq!(
			decompress(9, &lens[..1], &bytes, 99),
			Err(DeltaError::WrongShape {
				tensor: "*".into(),
				reason: "2 tensors, expected 1".into()
			})
		);
		assert_eq!(
			decompress(9, &[6, 5], &bytes, 99),
			Err(DeltaError::WrongShape {
				tensor: "1".into(),
				reason: "length 4, expected 5".into()
			})
		);
		assert_eq!(
			decompress(9, &[6, 4], &with(&bytes, 13, &[7]), 99),
			Err(DeltaError::WrongShape {
				tensor: "0".into(),
				reason: "length 7, expected 6".into()
			})
		);
	}

	/// A valid encoding of two tensors (lengths 6 and 4) keeping every value: no indices.
	fn dense_sample() -> (Vec<usize>, Vec<u8>) {
		let lens = vec![6, 4];
		let delta = vec![vec![0.0, 0.6, -0.1, 0.0, -1.0, 0.2], vec![0.3, 0.0, 0.0, -0.3]];
		let bytes = compress(9, &delta, &mut Vec::new(), Compression::DENSE).unwrap();
		assert_eq!(bytes.len(), 13 + 2 * 12 + 6 + 4);
		assert!(decompress(9, &lens, &bytes, bytes.len()).is_ok());
		(lens, bytes)
	}

	#[test]
	fn a_dense_delta_costs_one_byte_per_weight() {
		// A perceptron-like split of 100,000 weights, every coordinate kept.
		let lens = [78_400, 100, 20_000, 200, 1_290, 10];
		assert_eq!(lens.iter().sum::<usize>(), 100_000);
		let delta = gaussian_tensors(7, &lens, 0.01);
		let bytes = compress(0, &delta, &mut Vec::new(), Compression::DENSE).unwrap();
		// One i8 per weight plus the headers: a quarter of dense f32, where version 1 (an index
		// with every value) took 5 bytes per weight.
		assert_eq!(bytes.len(), 13 + 6 * 12 + 100_000);
		assert_eq!(bytes.len(), compressed_len(&lens, Compression::DENSE));
		// Tensor 0's values start right after its scale, in coordinate order.
		let scale = scale_at(&bytes, HEADER_LEN);
		let first = HEADER_LEN + TENSOR_HEADER_LEN;
		for k in [0, 1, 78_399] {
			let q = f64::from(delta[0][k]) / f64::from(scale);
			assert_eq!(bytes[first + k] as i8, q.round() as i8, "coordinate {k}");
		}
		let decoded = decompress(0, &lens, &bytes, bytes.len()).unwrap();
		for (t, (d, v)) in decoded.iter().zip(&delta).enumerate() {
			let scale = scale_at(&bytes, tensor_offset(&lens, Compression::DENSE, t));
			assert!(d.iter().zip(v).all(|(d, v)| (d - v).abs() <= scale / 2.0 * 1.000_001));
		}
		// A one-value tensor keeps its value at any density, so it never carries an index.
		assert_eq!(compressed_len(&[1, 1], ppm(1)), 13 + 2 * 12 + 2);
	}

	#[test]
	fn a_short_dense_tensor_is_refused_before_allocating() {
		// k == n == u32::MAX promises 2^32 − 1 value bytes (and no indices); the 4 bytes left
		// are compared with that before the 16 GiB dense tensor would be allocated.
		let n = u32::MAX;
		assert_eq!(
			undecodable(decompress(0, &[n as usize], &one_tensor_header(n, n), usize::MAX)),
			"compressed delta, byte 21: truncated: tensor 0 keeps 4294967295 values, which \
			 need 4294967299 bytes, 4 left"
		);
		// One value byte short of n = 1000.
		let mut bytes = one_tensor_header(1000, 1000);
		bytes.extend_from_slice(&[1; 999]);
		assert_eq!(
			undecodable(decompress(0, &[1000], &bytes, usize::MAX)),
			"compressed delta, byte 21: truncated: tensor 0 keeps 1000 values, which need 1004 \
			 bytes, 1003 left"
		);
		bytes.push(1);
		assert_eq!(decompress(0, &[1000], &bytes, usize::MAX).unwrap(), vec![vec![1.0; 1000]]);
		// Every truncation of a dense encoding is refused, none panics.
		let (lens, bytes) = dense_sample();
		for cut in 0..bytes.len() {
			let message = undecodable(decompress(9, &lens, &bytes[..cut], usize::MAX));
			assert!(message.contains("truncated"), "cut at {cut}: {message}");
		}
		// Tensor 0 (6 values) needs 4 + 6 bytes after its count at 21; 9 are left at a cut of 30.
		assert_eq!(
			undecodable(decompress(9, &lens, &bytes[..30], usize::MAX)),
			"compressed delta, byte 21: truncated: tensor 0 keeps 6 values, which need 10 bytes, \
			 9 left"
		);
		// Values of a dense tensor are checked like sparse ones: -128 at tensor 1's first value
		// (header at 13 + 12 + 6 = 31, values from 43).
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 43, &[0x80]), 99)),
			"compressed delta, byte 43: tensor 1: value -128 outside -127..=127"
		);
	}

	#[test]
	fn a_version_1_delta_is_refused() {
		// Version 1's dense encoding of [0, -127, 50, 2]: indices 0..4 before the values.
		#[rustfmt::skip]
		let v1: Vec<u8> = [
			&b"GYMD"[..], &[1], &[7, 0, 0, 0], &[1, 0, 0, 0],
			&[4, 0, 0, 0], &[4, 0, 0, 0], &[0x00, 0x00, 0x80, 0x3f],
			&[0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0], &[0, 0x81, 50, 2],
		]
		.concat();
		assert_eq!(
			undecodable(decompress(7, &[4], &v1, usize::MAX)),
			"compressed delta, byte 4: format version 1, this decoder reads 2"
		);
		// The same bytes under version 2 are refused too: 16 trailing bytes.
		let mut v2 = v1.clone();
		v2[4] = FORMAT_VERSION;
		assert_eq!(
			undecodable(decompress(7, &[4], &v2, usize::MAX)),
			"compressed delta, byte 29: 16 trailing bytes after the last tensor"
		);
	}

	#[test]
	fn bad_indices_are_named_errors() {
		let (lens, bytes) = sample();
		// Tensor 0 keeps indices 1 and 4 (bytes 25..33).
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 29, &[1]), 99)),
			"compressed delta, byte 29: tensor 0: index 1 after 1, indices must be strictly \
			 increasing"
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 25, &[5]), 99)),
			"compressed delta, byte 29: tensor 0: index 4 after 5, indices must be strictly \
			 increasing"
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 29, &[6]), 99)),
			"compressed delta, byte 29: tensor 0: index 6 out of range for length 6"
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 47, &[0xff; 4]), 99)),
			"compressed delta, byte 47: tensor 1: index 4294967295 out of range for length 4"
		);
	}

	#[test]
	fn bad_scales_and_values_are_named_errors() {
		let (lens, bytes) = sample();
		let scale = |v: f32| with(&bytes, 21, &v.to_le_bytes());
		for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
			assert_eq!(
				decompress(9, &lens, &scale(bad), 99),
				Err(DeltaError::NonFinite { tensor: "0".into() }),
				"{bad}"
			);
		}
		assert_eq!(
			undecodable(decompress(9, &lens, &scale(-0.5), 99)),
			"compressed delta, byte 21: tensor 0: scale -0.5 is negative"
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &scale(-0.0), 99)),
			"compressed delta, byte 21: tensor 0: scale -0 is negative"
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &scale(0.0), 99)),
			"compressed delta, byte 33: tensor 0: value 76 with scale 0 (only zeros may have \
			 scale 0)"
		);
		// 127 × f32::MAX overflows.
		assert_eq!(
			decompress(9, &lens, &scale(f32::MAX), 99),
			Err(DeltaError::NonFinite { tensor: "0".into() })
		);
		assert_eq!(
			undecodable(decompress(9, &lens, &with(&bytes, 56, &[0x80]), 99)),
			"compressed delta, byte 56: tensor 1: value -128 outside -127..=127"
		);
		let mut trailing = bytes.clone();
		trailing.push(0);
		assert_eq!(
			undecodable(decompress(9, &lens, &trailing, 99)),
			"compressed delta, byte 57: 1 trailing bytes after the last tensor"
		);
		// The sample itself decodes to its grid: scale 1/127 in tensor 0, 0.6 → round(76.2).
		let decoded = decompress(9, &lens, &bytes, 99).unwrap();
		assert_eq!(bytes[33..35], [76u8, 0x81]);
		let s = scale_at(&bytes, 13);
		assert_eq!(decoded[0], [0.0, 76.0 * s, 0.0, 0.0, -127.0 * s, 0.0]);
		assert!((decoded[0][1] - 0.598_425).abs() < 1e-6, "{}", decoded[0][1]);
	}

	proptest::proptest! {
		#[test]
		fn random_bytes_never_panic(
			bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
			lens in proptest::collection::vec(0usize..40, 0..4),
		) {
			let _ = decompress(0, &lens, &bytes, usize::MAX);
			// With a valid header the fuzzing reaches the tensors.
			let count = lens.len() as u32;
			let mut framed =
				[&b"GYMD"[..], &[FORMAT_VERSION], &[0; 4], &count.to_le_bytes()].concat();
			framed.extend_from_slice(&bytes);
			if let Ok(tensors) = decompress(0, &lens, &framed, usize::MAX) {
				proptest::prop_assert_eq!(tensors.iter().map(Vec::len).collect::<Vec<_>>(), lens);
				proptest::prop_assert!(tensors.iter().flatten().all(|v| v.is_finite()));
			}
		}

		#[test]
		fn corrupted_encodings_never_panic(
			at in 0usize..57, byte in proptest::num::u8::ANY, cut in 0usize..=58,
			dense in proptest::bool::ANY,
		) {
			let (lens, bytes) = if dense { dense_sample() } else { sample() };
			let mut bad = with(&bytes, at % bytes.len(), &[byte]);
			bad.truncate(cut);
			if let Ok(tensors) = decompress(9, &lens, &bad, usize::MAX) {
				proptest::prop_assert_eq!(tensors.iter().map(Vec::len).collect::<Vec<_>>(), lens);
				proptest::prop_assert!(tensors.iter().flatten().all(|v| v.is_finite()));
			}
		}

		#[test]
		fn compress_round_trips_within_the_bound(
			delta in proptest::collection::vec(
				proptest::collection::vec(-1.0e3f32..1.0e3, 0..50), 0..4),
			density in 1u32..=PPM,
		) {
			let c = ppm(density);
			let lens: Vec<usize> = delta.iter().map(Vec::len).collect();
			let mut residual = Vec::new();
			let bytes = compress(5, &delta, &mut residual, c).unwrap();
			proptest::prop_assert_eq!(bytes.len(), compressed_len(&lens, c));
			proptest::prop_assert_eq!(&bytes, &compress(5, &delta, &mut Vec::new(), c).unwrap());
			let decoded = decompress(5, &lens, &bytes, bytes.len()).unwrap();
			for (t, (d, v)) in decoded.iter().zip(&delta).enumerate() {
				let scale = if v.is_empty() { 0.0 } else { scale_at(&bytes, tensor_offset(&lens, c, t)) };
				for k in 0..v.len() {
					proptest::prop_assert_eq!(residual[t][k], v[k] - d[k]);
					if d[k] != 0.0 {
						let error = (f64::from(d[k]) - f64::from(v[k])).abs();
						let bound = f64::from(scale) / 2.0 + f64::from(d[k].abs()) * 1e-7;
						proptest::prop_assert!(error <= bound, "{} vs {}", d[k], v[k]);
					}
				}
			}
		}
	}
}
