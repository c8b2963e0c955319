//! The crate's errors, each named after the rule that was broken.

/// Why a delta (or a checkpoint) was refused. Every check that a validator runs on bytes a miner
/// sent ends in one of these; none of them panics.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeltaError {
	/// The job names a model this crate does not know.
	#[error("unknown model id {0}")]
	UnknownModel(u32),
	/// The bytes are longer than [`crate::MAX_DELTA_BYTES`]; refused before hashing.
	#[error("delta is {len} bytes, more than the limit of {max}")]
	TooLarge {
		/// Length of the bytes received.
		len: usize,
		/// The limit.
		max: usize,
	},
	/// blake2-256 of the bytes is not the hash the miner committed to.
	#[error("delta hash mismatch")]
	HashMismatch {
		/// The hash the miner committed to.
		expected: [u8; 32],
		/// blake2-256 of the bytes received.
		actual: [u8; 32],
	},
	/// The bytes are not a valid encoding: a checkpoint that is not safetensors, or a delta
	/// that breaks the compressed format ([`crate::compress`]).
	#[error("undecodable: {0}")]
	Undecodable(String),
	/// A tensor is missing, extra, not `F32`, or has a shape other than the model's.
	#[error("tensor {tensor}: {reason}")]
	WrongShape {
		/// The tensor's name.
		tensor: String,
		/// What is wrong with it.
		reason: String,
	},
	/// A tensor holds a NaN or an infinity, or a loss measured with the delta is not finite.
	#[error("tensor {tensor} holds a non-finite value")]
	NonFinite {
		/// The tensor's name.
		tensor: String,
	},
	/// The base checkpoint is for another model than the job names.
	#[error("base checkpoint is for model {base}, the job names model {job}")]
	ModelMismatch {
		/// Model of the base checkpoint.
		base: u32,
		/// Model the job names.
		job: u32,
	},
}

/// Errors of training, aggregation and benchmarking.
#[derive(Debug, thiserror::Error)]
pub enum TrainerError {
	/// The job names a model this crate does not know.
	#[error("unknown model id {0}")]
	UnknownModel(u32),
	/// A [`crate::TrainConfig`] (or benchmark parameter) outside its documented range.
	#[error("invalid configuration: {0}")]
	InvalidConfig(&'static str),
	/// The base checkpoint is for another model than the job names.
	#[error("base checkpoint is for model {base}, the job names model {job}")]
	ModelMismatch {
		/// Model of the base checkpoint.
		base: u32,
		/// Model the job names.
		job: u32,
	},
	/// Aggregation was asked to combine no delta at all.
	#[error("no delta to aggregate")]
	NoDeltas,
	/// Delta number `index` of an aggregation was refused.
	#[error("delta {index}: {source}")]
	BadDelta {
		/// Position of the delta in the input slice.
		index: usize,
		/// Why it was refused.
		source: DeltaError,
	},
	/// A checkpoint or delta failed a check.
	#[error(transparent)]
	Delta(#[from] DeltaError),
	/// The tensor backend (candle) failed, e.g. out of GPU memory.
	#[error("tensor backend: {0}")]
	Backend(String),
	/// The training produced a non-finite weight (diverged); no delta is produced.
	#[error("training diverged: a weight became non-finite")]
	Diverged,
	/// An inference input does not fit the model ([`crate::infer()`]).
	#[error(transparent)]
	Infer(#[from] InferError),
}

/// Why [`crate::infer()`] refused an input. Each names the model and the rule, in one line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InferError {
	/// The input is text where the model takes features, or features where it takes text.
	#[error("model {model} takes {expected}, not {got}")]
	WrongInputKind {
		/// The checkpoint's model.
		model: u32,
		/// What the model takes: `"text"` or `"features"` (model 1 takes either).
		expected: &'static str,
		/// What was given: `"text"` or `"features"`.
		got: &'static str,
	},
	/// The input has too few or too many elements.
	#[error("model {model} takes {} {unit}, got {got}", length_range(*.min, *.max))]
	BadLength {
		/// The checkpoint's model.
		model: u32,
		/// What is counted: `"bytes of text"`, `"characters"` or `"features"`.
		unit: &'static str,
		/// The fewest the model takes.
		min: usize,
		/// The most the model takes.
		max: usize,
		/// How many were given.
		got: usize,
	},
	/// A character of the text is not in the model's vocabulary.
	#[error(
		"model {model} has no character {character:?} (position {position}) in its vocabulary"
	)]
	UnknownCharacter {
		/// The checkpoint's model.
		model: u32,
		/// The character refused.
		character: char,
		/// Its position in the text, counted in characters from 0.
		position: usize,
	},
	/// A feature is a NaN or an infinity, or lies outside the `f32` range the model computes in.
	#[error("model {model}: feature {index} is not a finite f32")]
	NonFiniteFeature {
		/// The checkpoint's model.
		model: u32,
		/// Position of the feature, from 0.
		index: usize,
	},
}

/// `"4"` for an exact length, `"1 to 64"` for a range.
fn length_range(min: usize, max: usize) -> String {
	if min == max {
		min.to_string()
	} else {
		format!("{min} to {max}")
	}
}

impl From<candle_core::Error> for TrainerError {
	fn from(e: candle_core::Error) -> Self {
		TrainerError::Backend(e.to_string())
	}
}
