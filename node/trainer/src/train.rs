//! A miner's training round: AdamW on mini-batches of the job's training split, with candle.
//!
//! Training runs on [`training_device`] (the CPU, or the first CUDA GPU when the crate is built
//! with the `cuda` feature and one is present). The numbers a miner claims are *not* taken from
//! the training run: [`train_round`] serialises its delta and measures it with the same
//! deterministic function a validator's [`crate::evaluate_delta`] runs, so an honest claim
//! matches every validator's measurement to the bit.

use crate::{
	blake2_256,
	checkpoint::{decode_delta, Checkpoint},
	eval::{check_job, evaluate_checked, variance, EvalReport},
	model::{generate_dataset, ModelKind, Split},
	rng::{SplitMix64, STREAM_BATCHES},
	TrainerError,
};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use std::time::{Duration, Instant};

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
	fn check(&self) -> Result<(), TrainerError> {
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
	/// Examples processed (`steps × batch_size`).
	pub samples: u64,
	/// Wall time of the whole round, evaluation included.
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
/// called after every step (steps count from 1).
pub fn train_round(
	model_id: u32,
	dataset_seed: u64,
	base: &Checkpoint,
	cfg: &TrainConfig,
	residual: Vec<Vec<f32>>,
	mut progress: impl FnMut(u32, f32),
) -> Result<RoundOutcome, TrainerError> {
	let started = Instant::now();
	cfg.check()?;
	check_job(model_id, base).map_err(|e| match e {
		crate::DeltaError::UnknownModel(id) => TrainerError::UnknownModel(id),
		crate::DeltaError::ModelMismatch { base, job } => TrainerError::ModelMismatch { base, job },
		other => TrainerError::Delta(other),
	})?;
	let spec = base.spec();
	let device = training_device();
	let vars = vars_of(base, &device)?;
	let task = match spec.kind {
		ModelKind::Mlp(mlp) => {
			let train = generate_dataset(model_id, dataset_seed, Split::Train)?;
			let n = train.len();
			Task::Mlp {
				xs: Tensor::from_slice(&train.inputs, (n, mlp.input), &device)?,
				ys: Tensor::from_slice(&train.labels, n, &device)?,
				n,
			}
		}
		// The miner's shard of the training text follows its batch seed.
		ModelKind::Lm(lm) => Task::Lm {
			params: crate::lm::train::Params::new(lm, &vars),
			shard: crate::lm::shard_range(&lm, cfg.seed),
		},
	};
	let params = ParamsAdamW {
		lr: f64::from(cfg.learning_rate_micro) / 1e6,
		weight_decay: f64::from(cfg.weight_decay_micro) / 1e6,
		..ParamsAdamW::default()
	};
	let mut opt = AdamW::new(vars.clone(), params)?;
	let mut rng = SplitMix64::new(cfg.seed, STREAM_BATCHES);
	let mut grad_norms = Vec::with_capacity(cfg.steps as usize);
	let (mut first_loss, mut last_loss) = (0.0, 0.0);

	let steps_started = Instant::now();
	for step in 1..=cfg.steps {
		let loss = match &task {
			Task::Mlp { xs, ys, n } => {
				let idx: Vec<u32> =
					(0..cfg.batch_size).map(|_| rng.below(*n as u64) as u32).collect();
				let idx = Tensor::from_vec(idx, cfg.batch_size as usize, &device)?;
				let xb = xs.index_select(&idx, 0)?;
				let yb = ys.index_select(&idx, 0)?;
				let logits = forward(&vars, &xb)?;
				candle_nn::loss::cross_entropy(&logits, &yb)?
			}
			Task::Lm { params, shard } => {
				let windows = crate::lm::windows(
					params.spec(),
					shard.clone(),
					cfg.batch_size as usize,
					&mut rng,
				);
				params.batch_loss(&windows, &device)?
			}
		};
		let grads = loss.backward()?;
		let mut sq = Tensor::zeros((), DType::F32, &device)?;
		for v in &vars {
			if let Some(g) = grads.get(v) {
				sq = (sq + g.sqr()?.sum_all()?)?;
			}
		}
		grad_norms.push(f64::from(sq.to_scalar::<f32>()?).sqrt());
		opt.step(&grads)?;
		let loss = loss.to_scalar::<f32>()?;
		if step == 1 {
			first_loss = loss;
		}
		last_loss = loss;
		progress(step, loss);
	}

	let training_time = steps_started.elapsed();
	let new_tensors = vars
		.iter()
		.map(|v| v.as_tensor().flatten_all()?.to_vec1::<f32>())
		.collect::<Result<Vec<_>, candle_core::Error>>()?;
	let new =
		Checkpoint::from_tensors(model_id, new_tensors).map_err(|_| TrainerError::Diverged)?;
	// A residual of another model's shape (never the node's own) starts the feedback afresh.
	let lens: Vec<usize> = base.tensors().iter().map(Vec::len).collect();
	let fits = residual.len() == lens.len() && residual.iter().map(Vec::len).eq(lens);
	let mut residual = if fits { residual } else { Vec::new() };
	let delta_bytes = new.minus(base).to_delta_bytes_with(&mut residual)?;
	let delta_hash = blake2_256(&delta_bytes);
	// Measure exactly what a validator will: decode the uploaded bytes, then evaluate.
	let delta = decode_delta(base, &delta_bytes, Some(delta_hash))?;
	let report = evaluate_checked(dataset_seed, base, &delta)?;
	Ok(RoundOutcome {
		delta: delta_bytes,
		delta_hash,
		report,
		step_grad_norm_variance: variance(&grad_norms),
		first_batch_loss: first_loss,
		last_batch_loss: last_loss,
		steps: cfg.steps,
		samples: u64::from(cfg.steps) * u64::from(cfg.batch_size),
		wall_time: started.elapsed(),
		residual,
		training_time,
	})
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

/// What a round trains on.
enum Task<'a> {
	/// A perceptron's training split, on the device.
	Mlp {
		/// Features `[n, input]`.
		xs: Tensor,
		/// Labels `[n]`.
		ys: Tensor,
		/// Examples.
		n: usize,
	},
	/// A language model and the miner's shard of the training text.
	Lm {
		/// The model's parameters (the round's variables, looked up by name).
		params: crate::lm::train::Params<'a>,
		/// The shard, a range of [`crate::lm::corpus`].
		shard: core::ops::Range<usize>,
	},
}

/// `relu(relu(x·W1 + b1)·W2 + b2)·W3 + b3`, with `vars` in canonical tensor order
/// (`l1.bias, l1.weight, l2.bias, l2.weight, l3.bias, l3.weight`).
fn forward(vars: &[Var], x: &Tensor) -> Result<Tensor, candle_core::Error> {
	let layer =
		|x: &Tensor, b: &Var, w: &Var| x.matmul(w.as_tensor())?.broadcast_add(b.as_tensor());
	let h1 = layer(x, &vars[0], &vars[1])?.relu()?;
	let h2 = layer(&h1, &vars[2], &vars[3])?.relu()?;
	layer(&h2, &vars[4], &vars[5])
}
