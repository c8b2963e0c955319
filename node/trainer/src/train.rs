//! A miner's training round: AdamW on mini-batches of the job's training split, with candle.
//!
//! Training runs on [`training_device`] (the CPU, or the first CUDA GPU when the crate is built
//! with the `cuda` feature and one is present). The numbers a miner claims are *not* taken from
//! the training run: [`train_round`] serialises its delta and measures it with the same
//! deterministic function a validator's [`crate::evaluate_delta`] runs, so an honest claim
//! matches every validator's measurement to the bit.

use crate::{checkpoint::Checkpoint, eval::EvalReport, session::Session, TrainerError};
use candle_core::{Device, Tensor, Var};
use std::time::Duration;

/// Most steps a round may run.
pub const MAX_STEPS: u32 = 1_000_000;
/// Largest mini-batch.
pub const MAX_BATCH_SIZE: u32 = 65_536;

/// Hyper-parameters of a round. Rates are in millionths so that a job spec on chain carries
/// plain integers (`learning_rate_micro = 10_000` is 0.01).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrainConfig {
	/// Optimizer steps, `1..=MAX_STEPS`.
	pub steps: u32,
	/// Examples per mini-batch, `1..=MAX_BATCH_SIZE`, drawn uniformly with replacement from
	/// the training split.
	pub batch_size: u32,
	/// AdamW learning rate, in millionths (must be > 0).
	pub learning_rate_micro: u32,
	/// AdamW decoupled weight decay, in millionths.
	pub weight_decay_micro: u32,
	/// Seed of the mini-batch order (distinct from the dataset seed).
	pub seed: u64,
}

impl Default for TrainConfig {
	/// 200 steps of 64 examples, learning rate 0.01, weight decay 0.0001, seed 0.
	fn default() -> Self {
		TrainConfig {
			steps: 200,
			batch_size: 64,
			learning_rate_micro: 10_000,
			weight_decay_micro: 100,
			seed: 0,
		}
	}
}

impl TrainConfig {
	pub(crate) fn check(&self) -> Result<(), TrainerError> {
		if self.steps == 0 || self.steps > MAX_STEPS {
			return Err(TrainerError::InvalidConfig("steps must be in 1..=MAX_STEPS"));
		}
		if self.batch_size == 0 || self.batch_size > MAX_BATCH_SIZE {
			return Err(TrainerError::InvalidConfig("batch_size must be in 1..=MAX_BATCH_SIZE"));
		}
		if self.learning_rate_micro == 0 {
			return Err(TrainerError::InvalidConfig("learning_rate_micro must be positive"));
		}
		Ok(())
	}
}

/// What a round produced.
#[derive(Clone, Debug, PartialEq)]
pub struct RoundOutcome {
	/// `new − base` weights, compressed ([`crate::compress`]; what the miner uploads).
	pub delta: Vec<u8>,
	/// blake2-256 of `delta` (what the miner commits to on chain).
	pub delta_hash: [u8; 32],
	/// The delta measured by the validators' deterministic evaluation: training-split and
	/// validation losses before and after, and the per-example gradient-norm variance.
	pub report: EvalReport,
	/// Population variance of the global gradient norm (all parameters, mini-batch mean loss)
	/// over the round's optimizer steps; a training-side diagnostic, not checked on chain.
	pub step_grad_norm_variance: f64,
	/// Mini-batch loss of the first step.
	pub first_batch_loss: f32,
	/// Mini-batch loss of the last step.
	pub last_batch_loss: f32,
	/// Optimizer steps run.
	pub steps: u32,
	/// Examples processed (mini-batches × `batch_size`; a step may average several mini-batches,
	/// see [`crate::Session::accumulation`]).
	pub samples: u64,
	/// Wall time since the previous cut (or the start), evaluation included.
	pub wall_time: Duration,
	/// What this delta's compression left unsent (error feedback): pass it to the miner's next
	/// round of the same job.
	pub residual: Vec<Vec<f32>>,
	/// Wall time of the optimizer steps alone (the share of the round spent training).
	pub training_time: Duration,
}

/// The device training and the benchmark use: the first CUDA GPU when the crate is built with
/// the `cuda` feature and one is usable, otherwise the CPU.
pub fn training_device() -> Device {
	#[cfg(feature = "cuda")]
	{
		if let Ok(d) = Device::new_cuda(0) {
			return d;
		}
	}
	Device::Cpu
}

/// Trains `base` on the job `(model_id, dataset_seed)` for `cfg.steps` AdamW steps and returns
/// the delta, compressed with error feedback from `residual` (what the miner's last delta of the
/// job left unsent, empty for none), with its measurements. `progress(step, batch_loss)` is
/// called after every step (steps count from 1). A [`Session`] of one cut.
pub fn train_round(
	model_id: u32,
	dataset_seed: u64,
	base: &Checkpoint,
	cfg: &TrainConfig,
	residual: Vec<Vec<f32>>,
	mut progress: impl FnMut(u32, f32),
) -> Result<RoundOutcome, TrainerError> {
	let mut session = Session::new(model_id, dataset_seed, base.clone(), cfg, residual)?;
	for step in 1..=cfg.steps {
		let loss = session.step()?;
		progress(step, loss);
	}
	session.cut()
}

/// `c`'s tensors as trainable candle variables on `device`, in canonical order and shapes.
pub(crate) fn vars_of(c: &Checkpoint, device: &Device) -> Result<Vec<Var>, candle_core::Error> {
	c.spec()
		.tensor_shapes()
		.iter()
		.zip(c.tensors())
		.map(|((_, shape), values)| {
			Var::from_tensor(&Tensor::from_slice(values, shape.as_slice(), device)?)
		})
		.collect()
}

/// `relu(relu(x·W1 + b1)·W2 + b2)·W3 + b3`, with `vars` in canonical tensor order
/// (`l1.bias, l1.weight, l2.bias, l2.weight, l3.bias, l3.weight`).
pub(crate) fn forward(vars: &[Var], x: &Tensor) -> Result<Tensor, candle_core::Error> {
	let layer =
		|x: &Tensor, b: &Var, w: &Var| x.matmul(w.as_tensor())?.broadcast_add(b.as_tensor());
	let h1 = layer(x, &vars[0], &vars[1])?.relu()?;
	let h2 = layer(&h1, &vars[2], &vars[3])?.relu()?;
	layer(&h2, &vars[4], &vars[5])
}
