//! The models a job can name and the datasets they learn, generated from the job's seed.
//!
//! Models 0 and 1 are three-layer perceptrons `input → hidden → hidden → classes` with ReLU
//! activations and a softmax cross-entropy loss. Its parameters are six tensors, named and
//! shaped as [`ModelSpec::tensor_shapes`] lists them; weights are stored `[fan_in, fan_out]`
//! (row-major, so a layer computes `x · W + b`).
//!
//! | id | task | input | hidden | classes | train / validation examples |
//! |----|------|-------|--------|---------|-----------------------------|
//! | 0  | noisy three-arm spiral, 2-D points | 2 | 64 | 3 | 1024 / 512 |
//! | 1  | next character from the 4 before it, one-hot | 4 × 32 | 64 | 32 | 2048 / 512 |
//!
//! Model 2 is a decoder-only transformer language model on English text; [`crate::lm`]
//! describes it and its data. Model 3 is the same network fine-tuned by GSPO on two-digit sums
//! ([`crate::gspo`]).
//!
//! Model 1 reads a small public-domain text embedded in the crate ([`CORPUS`]: the Gettysburg
//! Address, the opening of the Declaration of Independence, the Preamble and Article I § 1 of
//! the U.S. Constitution and the Bill of Rights; works of the U.S. government and of 18th- and
//! 19th-century authors are in the public domain). The text is folded to the 32-symbol
//! [`CHAR_VOCAB`]; training examples are drawn from its first 90 %, validation examples from the
//! last 10 %, so the validation loss is measured on text the model never trains on.
//!
//! Nothing is downloaded: a dataset is a pure function of `(model id, seed, split)`, built with
//! the crate's frozen generator and [`libm`], so a validator on any machine regenerates exactly
//! the examples a miner trained on. The training and validation splits of one seed are drawn
//! from different streams of the generator, so they share no example.

use crate::{
	compress::Compression,
	rng::{SplitMix64, STREAM_INIT, STREAM_TRAIN, STREAM_VALIDATION},
	TrainerError,
};

/// Tensor names of a perceptron, in the canonical (sorted) order used by checkpoints and deltas.
pub const TENSOR_NAMES: [&str; 6] =
	["l1.bias", "l1.weight", "l2.bias", "l2.weight", "l3.bias", "l3.weight"];

/// A model a job can name: its id and its architecture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelSpec {
	/// The model id a job names.
	pub id: u32,
	/// The architecture, with its dataset.
	pub kind: ModelKind,
}

/// The architectures the trainer ships.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ModelKind {
	/// A three-layer perceptron on a labelled dataset (models 0 and 1).
	Mlp(MlpSpec),
	/// A decoder-only transformer language model on a text corpus (model 2; see [`crate::lm`]).
	Lm(crate::lm::LmSpec),
}

/// The outer optimizer of a job's rounds (DiLoCo's): the round's aggregated delta `Δ` (the
/// coordinate-wise median of the accepted deltas) is a pseudo-gradient step, applied with
/// Nesterov momentum:
///
/// ```text
/// m'   = momentum · m + Δ
/// next = base + learning_rate · (momentum · m' + Δ)
/// ```
///
/// all in `f32`, coordinate by coordinate, in one order, so every orchestrator gets the same
/// bits. `m` starts at zero and travels inside the checkpoint ([`crate::Checkpoint::momentum`]).
/// With momentum 0 and learning rate 1 it is the plain `base + Δ`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OuterOptimizer {
	/// Outer learning rate.
	pub learning_rate: f32,
	/// Nesterov momentum, in `[0, 1)`.
	pub momentum: f32,
}

impl OuterOptimizer {
	/// `base + Δ`: no momentum, learning rate 1.
	pub const PLAIN: OuterOptimizer = OuterOptimizer { learning_rate: 1.0, momentum: 0.0 };

	/// Whether this is [`OuterOptimizer::PLAIN`] (the checkpoint then carries no momentum).
	pub fn is_plain(&self) -> bool {
		self.momentum == 0.0 && self.learning_rate == 1.0
	}
}

/// A three-layer perceptron and the dataset it is trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MlpSpec {
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
const SPIRAL: MlpSpec =
	MlpSpec { input: 2, hidden: 64, classes: 3, train_examples: 1024, validation_examples: 512 };

/// Model 1: the character-level next-symbol model.
const CHARS: MlpSpec = MlpSpec {
	input: CHAR_CONTEXT * CHAR_VOCAB.len(),
	hidden: 64,
	classes: CHAR_VOCAB.len(),
	train_examples: 2048,
	validation_examples: 512,
};

/// Model 1's id.
pub(crate) const CHARS_ID: u32 = 1;

/// The text model 1 learns (6.6 KB, public domain; see the module docs).
pub const CORPUS: &str = include_str!("../data/us-founding-texts.txt");
/// Model 1's symbols: the class of a symbol is its position here.
pub const CHAR_VOCAB: &[u8; 32] = b" abcdefghijklmnopqrstuvwxyz.,;'-";
/// Symbols of context model 1 sees before the one it predicts.
pub const CHAR_CONTEXT: usize = 4;

/// Standard deviation of the angular noise of the spiral dataset, in radians.
const SPIRAL_ANGLE_NOISE: f64 = 0.2;
/// Radians an arm turns from its centre to its tip.
const SPIRAL_TURN: f64 = 4.0;

/// The ids of every model this crate ships, i.e. every model a miner can train and an
/// orchestrator can evaluate.
pub const MODEL_IDS: [u32; 4] = [0, CHARS_ID, crate::lm::LM_SMALL_ID, crate::lm::LM_GSPO_ID];

/// The specification of model `id`, or [`TrainerError::UnknownModel`].
pub fn model_spec(id: u32) -> Result<ModelSpec, TrainerError> {
	let kind = match id {
		0 => ModelKind::Mlp(SPIRAL),
		CHARS_ID => ModelKind::Mlp(CHARS),
		crate::lm::LM_SMALL_ID => ModelKind::Lm(crate::lm::LM_SMALL),
		crate::lm::LM_GSPO_ID => ModelKind::Lm(crate::lm::LM_GSPO),
		other => return Err(TrainerError::UnknownModel(other)),
	};
	Ok(ModelSpec { id, kind })
}

impl ModelSpec {
	/// `(name, shape)` of every parameter tensor, in canonical order (sorted by name, the order
	/// safetensors writes them in).
	pub fn tensor_shapes(&self) -> Vec<(String, Vec<usize>)> {
		match &self.kind {
			ModelKind::Mlp(m) => m.tensor_shapes(),
			ModelKind::Lm(l) => l.tensor_shapes(),
		}
	}

	/// Total number of scalar parameters.
	pub fn parameter_count(&self) -> usize {
		self.tensor_shapes().iter().map(|(_, s)| s.iter().product::<usize>()).sum()
	}

	/// How this model's deltas are compressed ([`crate::compress`]): the perceptrons' are dense
	/// (every coordinate, quantised to 8 bits), a language model's keep
	/// [`crate::lm::LmSpec::delta_density_ppm`] of each tensor.
	pub fn compression(&self) -> Compression {
		match self.kind {
			ModelKind::Mlp(_) => Compression::DENSE,
			ModelKind::Lm(l) => {
				Compression::from_ppm(l.delta_density_ppm).unwrap_or(Compression::DENSE)
			}
		}
	}

	/// How the orchestrator applies a round's aggregated delta ([`crate::aggregate()`]): the
	/// perceptrons' plainly ([`OuterOptimizer::PLAIN`]), a language model's with its
	/// [`crate::lm::LmSpec::outer`].
	pub fn outer(&self) -> OuterOptimizer {
		match self.kind {
			ModelKind::Mlp(_) => OuterOptimizer::PLAIN,
			ModelKind::Lm(l) => l.outer,
		}
	}

	/// The perceptron's specification, or [`TrainerError::InvalidConfig`] for another kind.
	pub(crate) fn mlp(&self) -> Result<MlpSpec, TrainerError> {
		match self.kind {
			ModelKind::Mlp(m) => Ok(m),
			ModelKind::Lm(_) => Err(TrainerError::InvalidConfig("not a perceptron")),
		}
	}
}

impl MlpSpec {
	/// `(name, shape)` of the six tensors, in canonical order.
	pub fn tensor_shapes(&self) -> Vec<(String, Vec<usize>)> {
		let (i, h, c) = (self.input, self.hidden, self.classes);
		let shapes = [vec![h], vec![i, h], vec![h], vec![h, h], vec![c], vec![h, c]];
		TENSOR_NAMES.iter().map(|n| n.to_string()).zip(shapes).collect()
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
///
/// Only perceptrons have a labelled dataset; a language model's data is its corpus
/// ([`crate::lm`]), and naming one here is [`TrainerError::InvalidConfig`].
pub fn generate_dataset(model_id: u32, seed: u64, split: Split) -> Result<Dataset, TrainerError> {
	let spec = model_spec(model_id)?.mlp()?;
	let (stream, n) = match split {
		Split::Train => (STREAM_TRAIN, spec.train_examples),
		Split::Validation => (STREAM_VALIDATION, spec.validation_examples),
	};
	let mut rng = SplitMix64::new(seed, stream);
	Ok(if model_id == CHARS_ID {
		chars(&spec, &mut rng, n, split)
	} else {
		spiral(&spec, &mut rng, n)
	})
}

/// [`CORPUS`] as classes of [`CHAR_VOCAB`]: letters lower-cased, every run of whitespace one
/// space, `:` as `;`, and any other symbol (digits, `?`, `!`) as `.`.
pub fn corpus_symbols() -> Vec<u8> {
	let class = |c: u8| CHAR_VOCAB.iter().position(|&v| v == c).unwrap_or(27) as u8;
	let mut out = Vec::with_capacity(CORPUS.len());
	for c in CORPUS.bytes() {
		let c = match c.to_ascii_lowercase() {
			c if c.is_ascii_whitespace() => b' ',
			b':' => b';',
			c => c,
		};
		if c == b' ' && out.last() == Some(&0) {
			continue;
		}
		out.push(class(c));
	}
	out
}

/// `n` (context, next symbol) pairs at uniform positions of the first 90 % of the corpus
/// (training) or of the last 10 % (validation); a context never crosses the boundary.
fn chars(spec: &MlpSpec, rng: &mut SplitMix64, n: usize, split: Split) -> Dataset {
	let text = corpus_symbols();
	let boundary = text.len() * 9 / 10;
	// First position whose context lies wholly inside the split, and the split's end.
	let (start, end) = match split {
		Split::Train => (CHAR_CONTEXT, boundary),
		Split::Validation => (boundary + CHAR_CONTEXT, text.len()),
	};
	let vocab = CHAR_VOCAB.len();
	let mut inputs = vec![0.0f32; n * spec.input];
	let mut labels = Vec::with_capacity(n);
	for k in 0..n {
		let p = start + rng.below((end - start) as u64) as usize;
		for (j, &sym) in text[p - CHAR_CONTEXT..p].iter().enumerate() {
			inputs[k * spec.input + j * vocab + sym as usize] = 1.0;
		}
		labels.push(u32::from(text[p]));
	}
	Dataset { inputs, labels, input_dim: spec.input }
}

/// `n` points of a noisy `classes`-arm spiral: example `k` lies on arm `k mod classes` at a
/// uniform radius `r ∈ [0, 1)`, angle `arm · 2π/classes + 4r + N(0, 0.2)`.
fn spiral(spec: &MlpSpec, rng: &mut SplitMix64, n: usize) -> Dataset {
	let mut inputs = Vec::with_capacity(n * 2);
	let mut labels = Vec::with_capacity(n);
	for k in 0..n {
		let arm = (k % spec.classes) as u32;
		let r = rng.next_f64();
		let angle = f64::from(arm) * core::f64::consts::TAU / spec.classes as f64
			+ SPIRAL_TURN * r
			+ SPIRAL_ANGLE_NOISE * rng.next_gaussian();
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
	let spec = match spec.kind {
		ModelKind::Mlp(m) => m,
		ModelKind::Lm(l) => return l.initial_weights(&mut rng),
	};
	let mut out = Vec::with_capacity(6);
	// Draw layer by layer (l1, l2, l3), weights only; biases start at zero.
	let mut weights = Vec::with_capacity(3);
	for (fan_in, fan_out, last) in [
		(spec.input, spec.hidden, false),
		(spec.hidden, spec.hidden, false),
		(spec.hidden, spec.classes, true),
	] {
		let bound =
			if last { 1.0 / libm::sqrt(fan_in as f64) } else { libm::sqrt(6.0 / fan_in as f64) };
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
		for id in MODEL_IDS {
			assert_eq!(model_spec(id).map(|s| s.id).ok(), Some(id));
		}
		let next = MODEL_IDS.iter().max().map_or(0, |m| m + 1);
		assert!(matches!(model_spec(next), Err(TrainerError::UnknownModel(id)) if id == next));
		assert!(matches!(model_spec(99), Err(TrainerError::UnknownModel(99))));
		assert!(matches!(generate_dataset(7, 1, Split::Train), Err(TrainerError::UnknownModel(7))));
	}

	#[test]
	fn corpus_folds_to_the_vocabulary() {
		let text = corpus_symbols();
		assert!(text.len() > 6000 && text.len() <= CORPUS.len());
		assert!(text.iter().all(|&c| (c as usize) < CHAR_VOCAB.len()));
		let decoded: String = text[..16].iter().map(|&c| CHAR_VOCAB[c as usize] as char).collect();
		assert_eq!(decoded, "the gettysburg a");
		// No double spaces survive.
		assert!(text.windows(2).all(|w| w != [0, 0]));
	}

	#[test]
	fn char_examples_are_one_hot_contexts_of_the_text() {
		let spec = model_spec(1).unwrap().mlp().unwrap();
		let d = generate_dataset(1, 3, Split::Validation).unwrap();
		assert_eq!(d.len(), 512);
		assert_eq!(d.input_dim, 128);
		for k in 0..d.len() {
			let x = d.example(k);
			assert_eq!(x.iter().filter(|&&v| v == 1.0).count(), CHAR_CONTEXT);
			assert_eq!(x.iter().filter(|&&v| v != 0.0).count(), CHAR_CONTEXT);
			assert!((d.labels[k] as usize) < spec.classes);
		}
		assert_eq!(d, generate_dataset(1, 3, Split::Validation).unwrap());
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
