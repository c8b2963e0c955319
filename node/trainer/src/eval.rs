//! Deterministic evaluation of a delta, the report the chain stores, and the quality a miner
//! claims (with the chain's own formula, `gym_primitives::mining::report_quality`).
//!
//! # Why plain loops
//! Several orchestrators evaluate the same delta and must report the same numbers to the bit, on
//! whatever x86 or ARM machine they run. candle's CPU matmul picks SIMD kernels by CPU feature
//! and splits work across threads, and the platform `exp`/`ln` may differ between C libraries, so
//! its results can differ in the last bits between machines. Evaluation therefore never uses
//! candle: the forward and backward passes of the small perceptron are written here as plain
//! Rust loops in `f64` with one fixed summation order, and the transcendental functions come from
//! [`libm`] (a plain-Rust port of musl's libm). Rust never contracts `a * b + c` into a fused
//! multiply-add on its own, so every operation is an IEEE-754 basic operation with one correct
//! result, and the report is bit-identical everywhere. The cost is small: one evaluation of
//! model 0 is about 14 M multiply-adds.
//!
//! # What is measured
//! For base weights `B` and delta `D` (applied as `B + D` in `f32`):
//! - `loss_before` / `loss_after`: mean softmax cross-entropy of `B` / `B + D` over the **whole
//!   training split** of the job's seed (the data the miner sampled its mini-batches from);
//! - `val_loss_before` / `val_loss_after`: the same on the held-out validation split;
//! - `grad_variance`: population variance of the per-example gradient norms `‖∇θ ℓ(x_n)‖₂` of
//!   the updated model `B + D`, over the first [`GRAD_PROBE_EXAMPLES`] training examples. It is
//!   low when the examples pull the weights in similarly sized steps, i.e. when the model fits
//!   the data evenly rather than having a few examples it gets very wrong.

use crate::{
	checkpoint::{decode_delta, Checkpoint},
	lm::Objective,
	model::{generate_dataset, Dataset, MlpSpec, ModelKind, Split},
	DeltaError,
};
use gym_primitives::{
	mining::{report_quality, DeltaVerdict, Micro, Quality, ValidationReport},
	sketch::{delta_sketch, DeltaSketch},
};

/// Number of training examples whose per-example gradient norms make up `grad_variance`.
pub const GRAD_PROBE_EXAMPLES: usize = 256;

/// What an evaluation of a delta measured (see the module docs for the exact definitions).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EvalReport {
	/// Mean cross-entropy of the base weights on the training split.
	pub loss_before: f64,
	/// Mean cross-entropy of base + delta on the training split.
	pub loss_after: f64,
	/// Mean cross-entropy of the base weights on the validation split.
	pub val_loss_before: f64,
	/// Mean cross-entropy of base + delta on the validation split.
	pub val_loss_after: f64,
	/// Population variance of per-example gradient norms of base + delta.
	pub grad_variance: f64,
}

/// `value × 1 000 000` rounded to nearest, clamped to `[0, u64::MAX]`; NaN gives 0.
pub fn to_micro(value: f64) -> u64 {
	let scaled = libm::round(value * 1_000_000.0);
	if scaled.is_nan() || scaled <= 0.0 {
		0
	} else if scaled >= u64::MAX as f64 {
		u64::MAX
	} else {
		scaled as u64
	}
}

impl EvalReport {
	/// The report if every measurement is finite, else [`DeltaError::NonFinite`] naming the
	/// first that is not. A NaN or infinite loss can never score as an improvement: in
	/// millionths ([`to_micro`]) NaN is 0, the best loss there is.
	pub fn finite(self) -> Result<Self, DeltaError> {
		let measured = [
			("loss_before", self.loss_before),
			("loss_after", self.loss_after),
			("val_loss_before", self.val_loss_before),
			("val_loss_after", self.val_loss_after),
			("grad_variance", self.grad_variance),
		];
		match measured.into_iter().find(|(_, v)| !v.is_finite()) {
			Some((name, _)) => Err(DeltaError::NonFinite { tensor: name.into() }),
			None => Ok(self),
		}
	}

	/// The report an orchestrator sends the chain for this measurement: verdict
	/// [`DeltaVerdict::Valid`] and each value in millionths ([`to_micro`]).
	pub fn to_validation_report(&self) -> ValidationReport {
		ValidationReport {
			verdict: DeltaVerdict::Valid,
			loss_before: to_micro(self.loss_before),
			loss_after: to_micro(self.loss_after),
			val_loss_before: to_micro(self.val_loss_before),
			val_loss_after: to_micro(self.val_loss_after),
			grad_variance: to_micro(self.grad_variance),
			sketch: DeltaSketch::default(),
		}
	}
}

/// The quality a miner claims for its own measurement `report`: exactly what the chain's judge,
/// [`report_quality`], gives the validation report an honest orchestrator sends for the same
/// measurement. `variance_threshold` is the job's and `max_quality` the chain's `MaxQuality`,
/// both read from the chain.
pub fn claimed_quality(
	report: &EvalReport,
	variance_threshold: Micro,
	max_quality: Quality,
) -> Quality {
	report_quality(&report.to_validation_report(), variance_threshold, max_quality)
}

/// Checks a miner's delta for the job `(model_id, dataset_seed, base)` and measures it.
///
/// Checks, in order: the model id is known and `base` is for it ([`DeltaError::UnknownModel`],
/// [`DeltaError::ModelMismatch`]); the bytes are at most [`crate::MAX_DELTA_BYTES`]
/// ([`DeltaError::TooLarge`], before any hashing); blake2-256 of the bytes is `expected_hash`
/// ([`DeltaError::HashMismatch`]); the bytes are a compressed delta ([`crate::compress`],
/// [`DeltaError::Undecodable`]) of this model with its tensors' lengths
/// ([`DeltaError::WrongShape`]) and finite values, also after adding to the base
/// ([`DeltaError::NonFinite`]). The measurement is deterministic
/// to the bit on every machine (see the module docs).
pub fn evaluate_delta(
	model_id: u32,
	dataset_seed: u64,
	base: &Checkpoint,
	delta_bytes: &[u8],
	expected_hash: [u8; 32],
) -> Result<EvalReport, DeltaError> {
	check_job(model_id, base)?;
	let delta = decode_delta(base, delta_bytes, Some(expected_hash))?;
	evaluate_checked(dataset_seed, base, &delta)
}

/// Measures checkpoint `after` against `before` (both of one model) for the job's
/// `dataset_seed`, exactly as [`evaluate_delta`] measures a delta: how a round's aggregate
/// moved the model. [`DeltaError::ModelMismatch`] for checkpoints of two models.
pub fn evaluate_checkpoints(
	dataset_seed: u64,
	before: &Checkpoint,
	after: &Checkpoint,
) -> Result<EvalReport, DeltaError> {
	check_job(before.model_id(), after)?;
	evaluate_checked(dataset_seed, before, &after.minus(before))
}

/// The sketch of a delta for a round's `sketch_seed` ([`gym_primitives::sketch::delta_sketch`]
/// over its parameters in the model's canonical order): what a committee member reports next to
/// its measurement so the chain can find near copies. Decodes and checks `delta_bytes` for
/// `base`'s model like [`evaluate_delta`], without the hash (that call checked it).
pub fn sketch_of_delta(
	base: &Checkpoint,
	delta_bytes: &[u8],
	sketch_seed: u64,
) -> Result<DeltaSketch, DeltaError> {
	let delta = decode_delta(base, delta_bytes, None)?;
	Ok(delta_sketch(delta.tensors().iter().flatten().copied(), sketch_seed))
}

/// Checks that `model_id` is known and `base` belongs to it.
pub(crate) fn check_job(model_id: u32, base: &Checkpoint) -> Result<(), DeltaError> {
	crate::model::model_spec(model_id).map_err(|_| DeltaError::UnknownModel(model_id))?;
	if base.model_id() != model_id {
		return Err(DeltaError::ModelMismatch { base: base.model_id(), job: model_id });
	}
	Ok(())
}

/// Measures an already decoded delta; shared by [`evaluate_delta`] and the miner's own report.
pub(crate) fn evaluate_checked(
	dataset_seed: u64,
	base: &Checkpoint,
	delta: &Checkpoint,
) -> Result<EvalReport, DeltaError> {
	let spec = base.spec();
	let updated = base.plus(delta)?;
	let mlp = match spec.kind {
		ModelKind::Mlp(mlp) => mlp,
		ModelKind::Lm(lm) => {
			let threads = crate::lm::eval::eval_threads();
			let report = match lm.objective {
				Objective::NextByte => {
					crate::lm::eval::evaluate(&lm, base, &updated, dataset_seed, threads)
				}
				Objective::Gspo(task) => {
					crate::gspo::task::evaluate(&lm, &task, base, &updated, dataset_seed, threads)
				}
			};
			return report.finite();
		}
	};
	let datasets = |split| {
		generate_dataset(spec.id, dataset_seed, split)
			.map_err(|_| DeltaError::UnknownModel(spec.id))
	};
	let train = datasets(Split::Train)?;
	let validation = datasets(Split::Validation)?;
	let before = Mlp::new(&mlp, base);
	let after = Mlp::new(&mlp, &updated);
	EvalReport {
		loss_before: before.mean_loss(&train),
		loss_after: after.mean_loss(&train),
		val_loss_before: before.mean_loss(&validation),
		val_loss_after: after.mean_loss(&validation),
		grad_variance: after.grad_norm_variance(&train, GRAD_PROBE_EXAMPLES),
	}
	.finite()
}

/// The deterministic `f64` perceptron: weights `[fan_in, fan_out]` row-major.
pub(crate) struct Mlp {
	spec: MlpSpec,
	b1: Vec<f64>,
	w1: Vec<f64>,
	b2: Vec<f64>,
	w2: Vec<f64>,
	b3: Vec<f64>,
	w3: Vec<f64>,
}

/// Activations of one example, kept for the backward pass.
struct Activations {
	/// First hidden layer after ReLU.
	h1: Vec<f64>,
	/// Second hidden layer after ReLU.
	h2: Vec<f64>,
	/// Output logits.
	logits: Vec<f64>,
}

/// `out[j] = b[j] + Σ_i x[i]·w[i·n + j]`, summed in increasing `i`.
pub(crate) fn affine(x: &[f64], w: &[f64], b: &[f64], out: &mut [f64]) {
	let n = b.len();
	out.copy_from_slice(b);
	for (i, xi) in x.iter().enumerate() {
		let row = &w[i * n..(i + 1) * n];
		for (o, wij) in out.iter_mut().zip(row) {
			*o += xi * wij;
		}
	}
}

fn relu(v: &mut [f64]) {
	for x in v {
		if *x <= 0.0 {
			*x = 0.0;
		}
	}
}

fn sum_squares(v: &[f64]) -> f64 {
	v.iter().fold(0.0, |acc, x| acc + x * x)
}

impl Mlp {
	/// Widens a checkpoint's `f32` weights to `f64` (exact).
	pub(crate) fn new(spec: &MlpSpec, c: &Checkpoint) -> Mlp {
		let t: Vec<Vec<f64>> =
			c.tensors().iter().map(|t| t.iter().map(|&v| f64::from(v)).collect()).collect();
		let mut it = t.into_iter();
		let mut next = || it.next().unwrap_or_default();
		Mlp { spec: *spec, b1: next(), w1: next(), b2: next(), w2: next(), b3: next(), w3: next() }
	}

	fn forward(&self, x: &[f32]) -> Activations {
		let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
		let mut h1 = vec![0.0; self.spec.hidden];
		affine(&x, &self.w1, &self.b1, &mut h1);
		relu(&mut h1);
		let mut h2 = vec![0.0; self.spec.hidden];
		affine(&h1, &self.w2, &self.b2, &mut h2);
		relu(&mut h2);
		let mut logits = vec![0.0; self.spec.classes];
		affine(&h2, &self.w3, &self.b3, &mut logits);
		Activations { h1, h2, logits }
	}

	/// The output logits of one example (`x` holds [`MlpSpec::input`] features), computed as
	/// the evaluation computes them; [`crate::infer()`] answers with them.
	pub(crate) fn logits(&self, x: &[f32]) -> Vec<f64> {
		self.forward(x).logits
	}

	/// Mean cross-entropy over every example of `data`, summed in example order.
	pub(crate) fn mean_loss(&self, data: &Dataset) -> f64 {
		if data.is_empty() {
			return 0.0;
		}
		let mut sum = 0.0;
		for n in 0..data.len() {
			let a = self.forward(data.example(n));
			sum += softmax_loss(&a.logits, data.labels[n] as usize).1;
		}
		sum / data.len() as f64
	}

	/// `‖∇θ ℓ‖₂` for one example. Each weight gradient is an outer product `a ⊗ δ`, whose
	/// squared Frobenius norm is `‖a‖²·‖δ‖²`; a bias gradient is `δ` itself.
	fn grad_norm(&self, x: &[f32], label: usize) -> f64 {
		let a = self.forward(x);
		let (probs, _) = softmax_loss(&a.logits, label);
		let h = self.spec.hidden;
		let c = self.spec.classes;
		// δ3 = softmax − onehot.
		let mut d3 = probs;
		d3[label] -= 1.0;
		// δ2 = (W3 · δ3) ⊙ [h2 > 0].
		let mut d2 = vec![0.0; h];
		for (i, d) in d2.iter_mut().enumerate() {
			if a.h2[i] > 0.0 {
				let row = &self.w3[i * c..(i + 1) * c];
				*d = row.iter().zip(&d3).fold(0.0, |acc, (w, g)| acc + w * g);
			}
		}
		// δ1 = (W2 · δ2) ⊙ [h1 > 0].
		let mut d1 = vec![0.0; h];
		for (i, d) in d1.iter_mut().enumerate() {
			if a.h1[i] > 0.0 {
				let row = &self.w2[i * h..(i + 1) * h];
				*d = row.iter().zip(&d2).fold(0.0, |acc, (w, g)| acc + w * g);
			}
		}
		let x_sq = x.iter().fold(0.0, |acc, &v| acc + f64::from(v) * f64::from(v));
		let sq = (sum_squares(&a.h2) + 1.0) * sum_squares(&d3)
			+ (sum_squares(&a.h1) + 1.0) * sum_squares(&d2)
			+ (x_sq + 1.0) * sum_squares(&d1);
		libm::sqrt(sq)
	}

	/// Population variance of [`Mlp::grad_norm`] over the first `examples` of `data`.
	pub(crate) fn grad_norm_variance(&self, data: &Dataset, examples: usize) -> f64 {
		let n = examples.min(data.len());
		if n == 0 {
			return 0.0;
		}
		let norms: Vec<f64> =
			(0..n).map(|k| self.grad_norm(data.example(k), data.labels[k] as usize)).collect();
		variance(&norms)
	}
}

/// Softmax probabilities and the cross-entropy `−log p[label]` of `logits`, with [`libm`] and
/// one summation order (every model's evaluation uses it).
pub(crate) fn softmax_loss(logits: &[f64], label: usize) -> (Vec<f64>, f64) {
	let max = logits.iter().fold(f64::NEG_INFINITY, |m, &v| if v > m { v } else { m });
	let exps: Vec<f64> = logits.iter().map(|&v| libm::exp(v - max)).collect();
	let total = exps.iter().fold(0.0, |acc, e| acc + e);
	let log_total = libm::log(total);
	let loss = log_total - (logits[label] - max);
	(exps.into_iter().map(|e| e / total).collect(), loss)
}

/// Mean of `values`, summed in order; 0 for none.
pub(crate) fn mean(values: &[f64]) -> f64 {
	if values.is_empty() {
		return 0.0;
	}
	values.iter().fold(0.0, |acc, v| acc + v) / values.len() as f64
}

/// Population variance, two-pass, summed in order.
pub(crate) fn variance(values: &[f64]) -> f64 {
	if values.is_empty() {
		return 0.0;
	}
	let mean = mean(values);
	values.iter().fold(0.0, |acc, v| acc + (v - mean) * (v - mean)) / values.len() as f64
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{blake2_256, initial_checkpoint};
	use gym_primitives::mining::DEFAULT_MAX_QUALITY;

	fn report(lb: f64, la: f64, vb: f64, va: f64, gv: f64) -> EvalReport {
		EvalReport {
			loss_before: lb,
			loss_after: la,
			val_loss_before: vb,
			val_loss_after: va,
			grad_variance: gv,
		}
	}

	#[test]
	fn a_non_finite_measurement_is_a_non_finite_delta_never_an_improvement() {
		let honest = EvalReport {
			loss_before: 1.1,
			loss_after: 0.9,
			val_loss_before: 1.1,
			val_loss_after: 1.0,
			grad_variance: 0.5,
		};
		assert_eq!(honest.finite(), Ok(honest));
		for (poison, name) in [
			(f64::NAN, "loss_after"),
			(f64::INFINITY, "loss_after"),
			(f64::NEG_INFINITY, "loss_after"),
		] {
			let report = EvalReport { loss_after: poison, ..honest };
			// Unguarded, NaN would read as a loss of 0: the largest improvement.
			if poison.is_nan() {
				assert_eq!(report.to_validation_report().loss_after, 0);
			}
			assert_eq!(report.finite(), Err(DeltaError::NonFinite { tensor: name.into() }));
		}
		let report = EvalReport { val_loss_after: f64::NAN, ..honest };
		assert_eq!(report.finite(), Err(DeltaError::NonFinite { tensor: "val_loss_after".into() }));
		let report = EvalReport { grad_variance: f64::INFINITY, ..honest };
		assert_eq!(report.finite(), Err(DeltaError::NonFinite { tensor: "grad_variance".into() }));
	}

	#[test]
	fn to_micro_rounds_to_nearest_and_clamps() {
		assert_eq!(to_micro(1.0986123), 1_098_612);
		assert_eq!(to_micro(0.0000004), 0);
		assert_eq!(to_micro(0.0000005), 1);
		assert_eq!(to_micro(0.0000015), 2);
		assert_eq!(to_micro(2.5), 2_500_000);
		assert_eq!(to_micro(-0.3), 0);
		assert_eq!(to_micro(f64::NAN), 0);
		assert_eq!(to_micro(f64::INFINITY), u64::MAX);
		let m = report(1.0986123, 0.2500004, 1.1, 0.3, 0.0123456789).to_validation_report();
		assert_eq!(
			m,
			ValidationReport {
				verdict: DeltaVerdict::Valid,
				loss_before: 1_098_612,
				loss_after: 250_000,
				val_loss_before: 1_100_000,
				val_loss_after: 300_000,
				grad_variance: 12_346,
				sketch: DeltaSketch::default(),
			}
		);
	}

	#[test]
	fn quality_formula_on_hand_computed_numbers() {
		let claim = |r: &EvalReport, threshold| claimed_quality(r, threshold, DEFAULT_MAX_QUALITY);
		// Improvement 0.05 → 0.5, low variance +0.05, validation fell +0.15 → 0.7.
		let r = report(1.0, 0.95, 1.0, 0.99, 0.01);
		assert_eq!(claim(&r, 20_000), 700_000);
		// Variance at the threshold earns no bonus (strictly below): 0.5 + 0.15.
		assert_eq!(claim(&r, 10_000), 650_000);
		// A chain with a lower `MaxQuality` caps the claim there.
		assert_eq!(claimed_quality(&r, 20_000, 600_000), 600_000);
		// Validation rose: 0.5 + 0.05.
		let r = report(1.0, 0.95, 1.0, 1.2, 0.01);
		assert_eq!(claim(&r, 20_000), 550_000);
		// Training loss rose: no gain, so no bonus either (a delta that teaches nothing earns
		// nothing).
		let r = report(0.5, 0.9, 1.0, 0.9, 0.0);
		assert_eq!(claim(&r, 1), 0);
		// Large improvement is capped at 2.0.
		let r = report(1.1, 0.1, 1.0, 0.5, 0.0);
		assert_eq!(claim(&r, 1), 2_000_000);
		// Nothing earned.
		assert_eq!(claim(&report(0.3, 0.3, 0.3, 0.3, 5.0), 1), 0);
	}

	proptest::proptest! {
		#[test]
		fn to_micro_is_within_half_a_millionth(x in 0.0f64..1.0e9) {
			let m = to_micro(x) as f64;
			proptest::prop_assert!((m - x * 1e6).abs() <= 0.5 + 1e-6);
		}
	}

	#[test]
	fn zero_delta_changes_nothing() {
		let base = initial_checkpoint(0, 11).unwrap();
		let zero = Checkpoint::from_tensors(
			0,
			base.tensors().iter().map(|t| vec![0.0; t.len()]).collect(),
		)
		.unwrap();
		let bytes = zero.to_delta_bytes().unwrap();
		let r = evaluate_delta(0, 5, &base, &bytes, blake2_256(&bytes)).unwrap();
		assert_eq!(r.loss_before.to_bits(), r.loss_after.to_bits());
		assert_eq!(r.val_loss_before.to_bits(), r.val_loss_after.to_bits());
		// An untrained three-class model starts near ln 3.
		assert!((r.loss_before - 3f64.ln()).abs() < 0.3, "{r:?}");
		assert!(r.grad_variance > 0.0);
	}

	#[test]
	fn grad_norm_matches_finite_differences() {
		// Check the analytic per-example gradient norm against central differences.
		let base = initial_checkpoint(0, 2).unwrap();
		let spec = base.spec().mlp().unwrap();
		let x = [0.3f32, -0.7];
		let label = 1;
		let analytic = Mlp::new(&spec, &base).grad_norm(&x, label);
		let mut sq = 0.0;
		let eps = 1e-3f32;
		for t in 0..base.tensors().len() {
			for k in 0..base.tensors()[t].len() {
				let loss_at = |delta: f32| {
					let mut tensors = base.tensors().to_vec();
					tensors[t][k] += delta;
					let c = Checkpoint::from_tensors(0, tensors).unwrap();
					let a = Mlp::new(&spec, &c).forward(&x);
					softmax_loss(&a.logits, label).1
				};
				let g = (loss_at(eps) - loss_at(-eps)) / (2.0 * f64::from(eps));
				sq += g * g;
			}
		}
		let numeric = sq.sqrt();
		assert!((analytic - numeric).abs() < 1e-3 * analytic.max(1.0), "{analytic} vs {numeric}");
	}
}
