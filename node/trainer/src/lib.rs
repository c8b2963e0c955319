//! # gym-trainer
//!
//! The machine-learning side of GYM chain, with no Substrate in it: the node's miner calls
//! [`train_round`], its orchestrator calls [`evaluate_delta`] and [`aggregate()`], and both call
//! [`hardware::probe`] for attestation.
//!
//! ## A round
//! 1. A job names a model id, a dataset seed, a base checkpoint (by hash) and a [`TrainConfig`].
//!    Everyone rebuilds the same data from the seed ([`generate_dataset`]); the first base of a
//!    model is [`initial_checkpoint`]`(model_id, seed)`.
//! 2. A miner runs [`train_round`]: AdamW with candle on its GPU (or CPU), then uploads
//!    [`RoundOutcome::delta`] (`new − base`, compressed by [`compress`]) and commits to
//!    [`RoundOutcome::delta_hash`] (blake2-256) and the numbers of [`RoundOutcome::report`].
//! 3. Orchestrators run [`evaluate_delta`] on the bytes: it checks size, hash, encoding, shapes
//!    and finiteness, then measures training and validation loss before and after and the
//!    gradient-norm variance. The measurement is plain Rust in `f64` with a fixed summation
//!    order and [`libm`], so every orchestrator and the honest miner get the same bits (see
//!    [`eval`] for why candle is not used there). The chain stores
//!    [`EvalReport::to_validation_report`] and judges it with
//!    `gym_primitives::mining::report_quality`; a miner claims [`claimed_quality`], which is
//!    that same function on its own report.
//! 4. The orchestrator combines the accepted deltas with [`aggregate()`] (coordinate-wise median,
//!    applied by the model's outer optimizer)
//!    into the next base.
//!
//! ## Inference
//! A node answers a model call from a trained checkpoint with [`infer()`]: an [`InferInput`]
//! (text or features, in the form the model was trained on) gives an [`InferOutput`] (a
//! language model's greedy completion, or a perceptron's logits and class), computed with the
//! deterministic evaluators, so every node holding the checkpoint gives the same answer.
//!
//! ## Determinism
//! Datasets, initial weights, encodings, hashes, evaluation and aggregation are bit-identical on
//! every machine. Training on one machine and backend is repeatable run to run (tested on the
//! CPU), but a GPU or another CPU may produce a slightly different delta for the same job; that
//! is harmless, because only the evaluation of the uploaded delta is compared.
//!
//! ## Features
//! `cuda`: train and benchmark on the first CUDA GPU when one is present (needs the CUDA toolkit
//! to build). Evaluation never uses it.

#![warn(missing_docs)]

pub mod aggregate;
pub mod checkpoint;
pub mod compress;
mod error;
pub mod eval;
pub mod gspo;
pub mod hardware;
pub mod infer;
pub mod lm;
pub mod model;
mod rng;
pub mod session;
pub mod train;

pub use aggregate::{aggregate, aggregate_with, DeltaBytes};
pub use checkpoint::{initial_checkpoint, Checkpoint};
pub use compress::Compression;
pub use error::{DeltaError, InferError, TrainerError};
pub use eval::{
	claimed_quality, evaluate_checkpoints, evaluate_delta, sketch_of_delta, EvalReport,
};
pub use infer::{infer, InferInput, InferOutput};
pub use model::{
	generate_dataset, model_spec, Dataset, MlpSpec, ModelKind, ModelSpec, Split, MODEL_IDS,
};
pub use session::Session;
pub use train::{train_round, training_device, RoundOutcome, TrainConfig};

/// Largest delta in bytes a validator accepts: 256 KiB, the largest shipped model's compressed
/// delta (model 2's, 254,941 bytes: 13 + 28 × 12 + 254,592, every coordinate quantised to 8 bits
/// and sent without indices) rounded up to the next 64 KiB. A test keeps it following the models.
pub const MAX_DELTA_BYTES: usize = 256 * 1024;

/// Largest checkpoint in bytes (dense safetensors): 4 MiB, about 1 M `f32` values, i.e. half a
/// million weights with their outer momentum. It is also the largest blob a node stores or
/// fetches from a peer.
pub const MAX_CHECKPOINT_BYTES: usize = 4 * 1024 * 1024;

/// blake2-256 (BLAKE2b with a 32-byte digest, no key), the same function as
/// `sp_core::hashing::blake2_256`.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
	use blake2::{digest::consts::U32, Blake2b, Digest};
	Blake2b::<U32>::digest(data).into()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_byte_limits_follow_the_largest_model() {
		let mut largest_delta = 0;
		for id in MODEL_IDS {
			let spec = model_spec(id).unwrap();
			let lens: Vec<usize> =
				spec.tensor_shapes().iter().map(|(_, s)| s.iter().product()).collect();
			largest_delta = largest_delta.max(compress::compressed_len(&lens, spec.compression()));
			// With the outer optimizer's momentum, a checkpoint holds every weight twice.
			let initial = initial_checkpoint(id, 0).unwrap();
			let zeros = initial.tensors().iter().map(|t| vec![0.0; t.len()]).collect();
			let checkpoint = initial.with_momentum(zeros).unwrap().to_bytes().len();
			assert!(checkpoint <= MAX_CHECKPOINT_BYTES, "model {id}: {checkpoint}");
		}
		assert_eq!(largest_delta, 254_941);
		assert!(largest_delta <= MAX_DELTA_BYTES && MAX_DELTA_BYTES - largest_delta < 64 * 1024);
	}

	#[test]
	fn blake2_256_matches_substrate() {
		// sp_core::hashing::blake2_256(b"") and (b"abc"), BLAKE2b-256 reference values.
		let hex = |h: [u8; 32]| h.iter().map(|b| format!("{b:02x}")).collect::<String>();
		assert_eq!(
			hex(blake2_256(b"")),
			"0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
		);
		assert_eq!(
			hex(blake2_256(b"abc")),
			"bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
		);
	}
}
