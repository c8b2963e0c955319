//! The models a job can name and the datasets they learn, generated from the job's seed.
//!
//! Every model is a three-layer perceptron `input → hidden → hidden → classes` with ReLU
//! activations and a softmax cross-entropy loss. Its parameters are six tensors, named and
//! shaped as [`ModelSpec::tensor_shapes`] lists them; weights are stored `[fan_in, fan_out]`
//! (row-major, so a layer computes `x · W + b`).
//!
//! | id | task | input | hidden | classes | train / validation examples |
//! |----|------|-------|--------|---------|-----------------------------|
//! | 0  | noisy three-arm spiral, 2-D points | 2 | 64 | 3 | 1024 / 512 |
//!
//! Nothing is downloaded: a dataset is a pure function of `(model id, seed, split)`, built with
//! the crate's frozen generator and [`libm`], so a validator on any machine regenerates exactly
//! the examples a miner trained on. The training and validation splits of one seed are drawn
//! from different streams of the generator, so they share no example.

use crate::{
	rng::{SplitMix64, STREAM_INIT, STREAM_TRAIN, STREAM_VALIDATION},
	TrainerError,
};

/// Tensor names, in the canonical (sorted) order used by checkpoints and deltas.
pub const TENSOR_NAMES: [&str; 6] =
	["l1.bias", "l1.weight", "l2.bias", "l2.weight", "l3.bias", "l3.weight"];

/// The shape of a model: a three-layer perceptron and the dataset it is trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelSpec {
	/// The model id a job names.
	pub id: u32,
	/// Input features per example.
	pub input: usize,
	/// Width of both hidden layers.
	pub hidden: usize,
	/// Number of classes (output logits).
	pub classes: usize,
	/// Examples in the training split (the miner samples mini-batches from it; evaluation
	/// measures the training loss on all of it).
	pub train_examples: usize,
	/// Examples in the held-out validation split.
	pub validation_examples: usize,
}

/// Model 0: the three-arm spiral classifier.
const SPIRAL: ModelSpec = ModelSpec {
	id: 0,
	input: 2,
	hidden: 64,
	classes: 3,
	train_examples: 1024,
	validation_examples: 512,
};

/// Standard deviation of the angular noise of the spiral dataset, in radians.
const SPIRAL_ANGLE_NOISE: f64 = 0.2;
/// Radians an arm turns from its centre to its tip.
const SPIRAL_TURN: f64 = 4.0;

/// The specification of model `id`, or [`TrainerError::UnknownModel`].
pub fn model_spec(id: u32) -> Result<ModelSpec, TrainerError> {
	match id {
		0 => Ok(SPIRAL),
		other => Err(TrainerError::UnknownModel(other)),
	}
}

impl ModelSpec {
	/// `(name, shape)` of every parameter tensor, in canonical (sorted by name) order.
	pub fn tensor_shapes(&self) -> [(&'static str, Vec<usize>); 6] {
		let (i, h, c) = (self.input, self.hidden, self.classes);
		[
			(TENSOR_NAMES[0], vec![h]),
			(TENSOR_NAMES[1], vec![i, h]),
			(TENSOR_NAMES[2], vec![h]),
			(TENSOR_NAMES[3], vec![h, h]),
			(TENSOR_NAMES[4], vec![c]),
			(TENSOR_NAMES[5], vec![h, c]),
		]
	}

	/// Total number of scalar parameters.
	pub fn parameter_count(&self) -> usize {
		self.tensor_shapes().iter().map(|(_, s)| s.iter().product::<usize>()).sum()
	}
}

/// Which split of a job's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
	/// The examples the miner trains on.
	Train,
	/// Held-out examples, never trained on, for the validation loss.
	Validation,
}

/// A labelled dataset: `labels.len()` examples of `input_dim` features each.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
	/// Features, example-major: example `n` is `inputs[n * input_dim..(n + 1) * input_dim]`.
	pub inputs: Vec<f32>,
	/// Class of each example, in `0..classes`.
	pub labels: Vec<u32>,
	/// Features per example.
	pub input_dim: usize,
}

impl Dataset {
	/// Number of examples.
	pub fn len(&self) -> usize {
		self.labels.len()
	}

	/// Whether the dataset has no example.
	pub fn is_empty(&self) -> bool {
		self.labels.is_empty()
	}

	/// The features of example `n` (panics only on an index past [`Dataset::len`], which the
	/// crate never passes).
	pub(crate) fn example(&self, n: usize) -> &[f32] {
		&self.inputs[n * self.input_dim..(n + 1) * self.input_dim]
	}
}

/// The `split` of model `model_id`'s dataset for `seed`.
pub fn generate_dataset(model_id: u32, seed: u64, split: Split) -> Result<Dataset, TrainerError> {
	let spec = model_spec(model_id)?;
	let (stream, n) = match split {
		Split::Train => (STREAM_TRAIN, spec.train_examples),
		Split::Validation => (STREAM_VALIDATION, spec.validation_examples),
	};
	let mut rng = SplitMix64::new(seed, stream);
	Ok(spiral(&spec, &mut rng, n))
}

/// `n` points of a noisy `classes`-arm spiral: example `k` lies on arm `k mod classes` at a
/// uniform radius `r ∈ [0, 1)`, angle `arm · 2π/classes + 4r + N(0, 0.2)`.
fn spiral(spec: &ModelSpec, rng: &mut SplitMix64, n: usize) -> Dataset {
	let mut inputs = Vec::with_capacity(n * 2);
	let mut labels = Vec::with_capacity(n);
	for k in 0..n {
		let arm = (k % spec.classes) as u32;
		let r = rng.next_f64();
		let angle = f64::from(arm) * core::f64::consts::TAU / spec.classes as f64 +
			SPIRAL_TURN * r + SPIRAL_ANGLE_NOISE * rng.next_gaussian();
		inputs.push((r * libm::sin(angle)) as f32);
		inputs.push((r * libm::cos(angle)) as f32);
		labels.push(arm);
	}
	Dataset { inputs, labels, input_dim: spec.input }
}

/// Deterministic initial weights of `spec` from `seed`: hidden-layer weights uniform in
/// `±sqrt(6 / fan_in)` (He/Kaiming for ReLU), output weights uniform in `±1/sqrt(fan_in)`,
/// biases zero. Returned in the order of [`ModelSpec::tensor_shapes`].
pub(crate) fn initial_weights(spec: &ModelSpec, seed: u64) -> Vec<Vec<f32>> {
	let mut rng = SplitMix64::new(seed ^ u64::from(spec.id).rotate_left(32), STREAM_INIT);
	let mut out = Vec::with_capacity(6);
	// Draw layer by layer (l1, l2, l3), weights only; biases start at zero.
	let mut weights = Vec::with_capacity(3);
	for (fan_in, fan_out, last) in
		[(spec.input, spec.hidden, false), (spec.hidden, spec.hidden, false), (spec.hidden, spec.classes, true)]
	{
		let bound = if last {
			1.0 / libm::sqrt(fan_in as f64)
		} else {
			libm::sqrt(6.0 / fan_in as f64)
		};
		let w: Vec<f32> =
			(0..fan_in * fan_out).map(|_| ((rng.next_f64() * 2.0 - 1.0) * bound) as f32).collect();
		weights.push((w, fan_out));
	}
	for (w, fan_out) in weights {
		out.push(vec![0.0; fan_out]);
		out.push(w);
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn unknown_model_is_a_named_error() {
		assert!(matches!(model_spec(99), Err(TrainerError::UnknownModel(99))));
		assert!(matches!(generate_dataset(7, 1, Split::Train), Err(TrainerError::UnknownModel(7))));
	}

	#[test]
	fn spiral_parameter_count() {
		// 2·64 + 64 + 64·64 + 64 + 64·3 + 3
		assert_eq!(model_spec(0).unwrap().parameter_count(), 4547);
	}

	#[test]
	fn datasets_are_deterministic_and_splits_differ() {
		let a = generate_dataset(0, 42, Split::Train).unwrap();
		let b = generate_dataset(0, 42, Split::Train).unwrap();
		let v = generate_dataset(0, 42, Split::Validation).unwrap();
		let other = generate_dataset(0, 43, Split::Train).unwrap();
		assert_eq!(a, b);
		assert_eq!(a.len(), 1024);
		assert_eq!(v.len(), 512);
		assert_ne!(a.inputs[..512 * 2], v.inputs[..]);
		assert_ne!(a.inputs, other.inputs);
		assert!(a.inputs.iter().all(|x| x.is_finite() && x.abs() <= 1.0));
		assert!(a.labels.iter().all(|&l| l < 3));
	}

	#[test]
	fn initial_weights_follow_the_shapes() {
		let spec = model_spec(0).unwrap();
		let w = initial_weights(&spec, 5);
		for ((_, shape), values) in spec.tensor_shapes().iter().zip(&w) {
			assert_eq!(values.len(), shape.iter().product::<usize>());
		}
		assert!(w[0].iter().all(|&b| b == 0.0));
		assert!(w[1].iter().all(|&x| x.abs() <= 6f32.sqrt() / 2f32.sqrt()));
		assert_ne!(initial_weights(&spec, 5), initial_weights(&spec, 6));
	}
}
