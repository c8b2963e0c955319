//! Byzantine-robust aggregation of a round's deltas (ZIP-001's robust aggregation).
//!
//! The orchestrator combines the accepted deltas of a round by their **coordinate-wise median**:
//! for every scalar weight it sorts the deltas' values (IEEE total order) and takes the middle
//! one, or the mean of the two middle ones for an even count. Fewer than half of the deltas
//! cannot move a coordinate outside the range of the honest ones, however large they are. The
//! median is applied to the base in `f32` by the model's outer optimizer; the result is
//! deterministic and independent of the order of the deltas.

use crate::{checkpoint::decode_delta, Checkpoint, TrainerError};

/// A delta as a miner uploads it: the compressed bytes of `new − base` ([`crate::compress`]).
pub type DeltaBytes = Vec<u8>;

/// `base + median(deltas)`, coordinate-wise, applied by the model's outer optimizer
/// ([`crate::model::OuterOptimizer`]; every shipped model steps plainly, and a model with
/// momentum gets a result that carries it).
///
/// Each delta is decoded and checked like in [`crate::evaluate_delta`] (size, encoding,
/// lengths, finiteness) but its hash is not rechecked: aggregation takes the deltas that
/// evaluation already accepted. Errors: [`TrainerError::NoDeltas`] for an empty slice,
/// [`TrainerError::BadDelta`] naming the first delta refused, and
/// [`TrainerError::Delta`] if the aggregate overflows `f32`.
pub fn aggregate(base: &Checkpoint, deltas: &[DeltaBytes]) -> Result<Checkpoint, TrainerError> {
	aggregate_with(base, deltas, base.spec().outer())
}

/// [`aggregate()`] with another outer optimizer than the model's (to measure one; every
/// orchestrator uses the model's).
pub fn aggregate_with(
	base: &Checkpoint,
	deltas: &[DeltaBytes],
	outer: crate::model::OuterOptimizer,
) -> Result<Checkpoint, TrainerError> {
	if deltas.is_empty() {
		return Err(TrainerError::NoDeltas);
	}
	let decoded = deltas
		.iter()
		.enumerate()
		.map(|(index, bytes)| {
			decode_delta(base, bytes, None)
				.map_err(|source| TrainerError::BadDelta { index, source })
		})
		.collect::<Result<Vec<_>, _>>()?;
	let mut column = Vec::with_capacity(decoded.len());
	let mut median_tensors = Vec::with_capacity(base.tensors().len());
	for (t, base_tensor) in base.tensors().iter().enumerate() {
		let mut out = Vec::with_capacity(base_tensor.len());
		for k in 0..base_tensor.len() {
			column.clear();
			column.extend(decoded.iter().map(|d| d.tensors()[t][k]));
			out.push(median(&mut column));
		}
		median_tensors.push(out);
	}
	let median = Checkpoint::from_tensors(base.model_id(), median_tensors)?;
	if outer.is_plain() {
		return Ok(base.plus(&median)?);
	}
	// Nesterov: m' = μ·m + Δ, next = base + η·(μ·m' + Δ), coordinate by coordinate.
	let (lr, mu) = (outer.learning_rate, outer.momentum);
	let mut momentum = Vec::with_capacity(median.tensors().len());
	let mut step = Vec::with_capacity(median.tensors().len());
	for (t, delta) in median.tensors().iter().enumerate() {
		let previous = base.momentum().and_then(|m| m.get(t));
		let (mut m_t, mut s_t) = (Vec::with_capacity(delta.len()), Vec::with_capacity(delta.len()));
		for (k, &d) in delta.iter().enumerate() {
			let m = mu * previous.and_then(|p| p.get(k)).copied().unwrap_or(0.0) + d;
			m_t.push(m);
			s_t.push(lr * (mu * m + d));
		}
		momentum.push(m_t);
		step.push(s_t);
	}
	let step = Checkpoint::from_tensors(base.model_id(), step)?;
	Ok(base.plus(&step)?.with_momentum(momentum)?)
}

/// The median of a non-empty slice of finite values (sorted in place); the mean of the two
/// middle values, computed as `a/2 + b/2` so it cannot overflow, for an even count.
fn median(values: &mut [f32]) -> f32 {
	values.sort_by(f32::total_cmp);
	let n = values.len();
	if n % 2 == 1 {
		values[n / 2]
	} else {
		values[n / 2 - 1] * 0.5 + values[n / 2] * 0.5
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::initial_checkpoint;

	fn delta_filled(base: &Checkpoint, f: impl Fn(usize, usize) -> f32) -> DeltaBytes {
		let tensors = base
			.tensors()
			.iter()
			.enumerate()
			.map(|(t, v)| (0..v.len()).map(|k| f(t, k)).collect())
			.collect();
		Checkpoint::from_tensors(base.model_id(), tensors).unwrap().to_delta_bytes().unwrap()
	}

	proptest::proptest! {
		#[test]
		fn median_is_a_middle_value_whatever_the_order(
			mut values in proptest::collection::vec(-1.0e6f32..1.0e6, 1..12)
		) {
			let mut reversed: Vec<f32> = values.iter().rev().copied().collect();
			let m = median(&mut values);
			proptest::prop_assert_eq!(m.to_bits(), median(&mut reversed).to_bits());
			let below = values.iter().filter(|&&v| v <= m).count();
			let above = values.iter().filter(|&&v| v >= m).count();
			proptest::prop_assert!(2 * below >= values.len() && 2 * above >= values.len());
			proptest::prop_assert!(m >= values[0] && m <= values[values.len() - 1]);
		}
	}

	#[test]
	fn median_of_small_sets() {
		assert_eq!(median(&mut [3.0]), 3.0);
		assert_eq!(median(&mut [5.0, -1.0, 2.0]), 2.0);
		assert_eq!(median(&mut [4.0, 1.0, 2.0, 100.0]), 3.0);
		assert_eq!(median(&mut [f32::MAX, f32::MAX]), f32::MAX);
	}

	#[test]
	fn median_of_one_delta_is_that_delta() {
		let base = initial_checkpoint(0, 1).unwrap();
		let d = delta_filled(&base, |t, k| (t * 1000 + k) as f32 * 1e-4);
		let out = aggregate(&base, std::slice::from_ref(&d)).unwrap();
		let delta = Checkpoint::from_delta_bytes(0, &d).unwrap();
		assert_eq!(out, base.plus(&delta).unwrap());
	}

	#[test]
	fn one_huge_malicious_delta_is_outvoted() {
		let base = initial_checkpoint(0, 1).unwrap();
		let honest: Vec<DeltaBytes> = [0.010f32, 0.011, 0.012]
			.iter()
			.map(|&s| delta_filled(&base, move |_, k| s * if k % 2 == 0 { 1.0 } else { -1.0 }))
			.collect();
		let evil = delta_filled(&base, |_, _| 1.0e30);
		let mut all = honest.clone();
		all.push(evil);
		let out = aggregate(&base, &all).unwrap();
		for (t, (o, b)) in out.tensors().iter().zip(base.tensors()).enumerate() {
			for (k, (o, b)) in o.iter().zip(b).enumerate() {
				let applied = o - b;
				// Median of {s, s', s'', 1e30} (sign per coordinate) stays among the honest.
				let lo = 0.0099;
				let hi = 0.0121;
				let mag = applied.abs();
				assert!(mag > lo && mag < hi, "tensor {t} coordinate {k}: {applied}");
			}
		}
	}

	#[test]
	fn order_of_deltas_does_not_matter() {
		let base = initial_checkpoint(0, 1).unwrap();
		let a = delta_filled(&base, |_, k| k as f32 * 1e-5);
		let b = delta_filled(&base, |_, k| -(k as f32) * 1e-5);
		let c = delta_filled(&base, |t, _| t as f32 * 1e-3);
		let x = aggregate(&base, &[a.clone(), b.clone(), c.clone()]).unwrap();
		let y = aggregate(&base, &[c, a, b]).unwrap();
		assert_eq!(x.to_bytes(), y.to_bytes());
	}

	#[test]
	fn nesterov_momentum_steps_and_travels_in_the_checkpoint() {
		// An outer optimizer with learning rate 0.7 and momentum 0.9 (DiLoCo's). The same delta Δ
		// twice:
		// round 1 moves 0.7·(0.9·Δ + Δ) = 1.33·Δ (m = Δ); round 2 moves 0.7·(0.9·1.9·Δ + Δ) =
		// 1.897·Δ (m = 1.9·Δ).
		let model = crate::lm::LM_SMALL_ID;
		let base = initial_checkpoint(model, 1).unwrap();
		assert_eq!(base.momentum(), None);
		let d = delta_filled(&base, |t, k| if (t + k) % 2 == 0 { 0.01 } else { -0.02 });
		let delta = Checkpoint::from_delta_bytes(model, &d).unwrap();
		let moved = |from: &Checkpoint, to: &Checkpoint, factor: f32| {
			for ((a, b), d) in from.tensors().iter().zip(to.tensors()).zip(delta.tensors()) {
				for ((a, b), d) in a.iter().zip(b).zip(d) {
					assert!((b - a - factor * d).abs() < 1e-6, "{a} → {b}, Δ {d}");
				}
			}
		};
		let nesterov = crate::model::OuterOptimizer { learning_rate: 0.7, momentum: 0.9 };
		let one = aggregate_with(&base, std::slice::from_ref(&d), nesterov).unwrap();
		moved(&base, &one, 1.33);
		let m = one.momentum().unwrap();
		assert_eq!(m, delta.tensors());
		// The momentum survives the checkpoint's bytes, and changes its hash.
		let decoded = Checkpoint::from_bytes(model, &one.to_bytes()).unwrap();
		assert_eq!(decoded, one);
		let bare = Checkpoint::from_tensors(model, one.tensors().to_vec()).unwrap();
		assert_ne!(bare.hash(), one.hash());
		let two = aggregate_with(&decoded, std::slice::from_ref(&d), nesterov).unwrap();
		moved(&one, &two, 1.897);
		for (m, d) in two.momentum().unwrap().iter().flatten().zip(delta.tensors().iter().flatten())
		{
			assert!((m - 1.9 * d).abs() < 1e-7);
		}
		// Every shipped model steps plainly (see `LmSpec::outer`) and carries no momentum.
		assert_eq!(aggregate(&base, std::slice::from_ref(&d)).unwrap(), base.plus(&delta).unwrap());
		let spiral = initial_checkpoint(0, 1).unwrap();
		let d0 = delta_filled(&spiral, |_, _| 0.01);
		assert_eq!(aggregate(&spiral, &[d0]).unwrap().momentum(), None);
	}

	#[test]
	fn a_partial_momentum_is_refused() {
		use safetensors::{tensor::TensorView, Dtype};
		let model = crate::lm::LM_SMALL_ID;
		let base = initial_checkpoint(model, 1).unwrap();
		let shapes = base.spec().tensor_shapes();
		let raw: Vec<Vec<u8>> = base
			.tensors()
			.iter()
			.map(|t| t.iter().flat_map(|v| v.to_le_bytes()).collect())
			.collect();
		// Weights and one momentum tensor only.
		let mut views: Vec<(String, TensorView)> = shapes
			.iter()
			.zip(&raw)
			.map(|((n, s), b)| (n.clone(), TensorView::new(Dtype::F32, s.clone(), b).unwrap()))
			.collect();
		let (name, shape) = &shapes[0];
		views.push((
			format!("{}{name}", crate::checkpoint::MOMENTUM_PREFIX),
			TensorView::new(Dtype::F32, shape.clone(), &raw[0]).unwrap(),
		));
		let bytes = safetensors::serialize(views, None).unwrap();
		assert!(matches!(
			Checkpoint::from_bytes(model, &bytes),
			Err(crate::DeltaError::WrongShape { tensor, reason })
				if tensor.starts_with("outer.momentum.") && reason == "missing"
		));
	}

	#[test]
	fn bad_input_is_a_named_error() {
		let base = initial_checkpoint(0, 1).unwrap();
		assert!(matches!(aggregate(&base, &[]), Err(TrainerError::NoDeltas)));
		let good = delta_filled(&base, |_, _| 0.0);
		assert!(matches!(
			aggregate(&base, &[good, b"garbage".to_vec()]),
			Err(TrainerError::BadDelta { index: 1, source: crate::DeltaError::Undecodable(_) })
		));
	}
}
