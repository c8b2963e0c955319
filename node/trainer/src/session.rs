//! A miner's continuous training of one job: one set of weights and one AdamW state that live
//! across rounds, so the hardware never waits for the chain.
//!
//! A [`Session`] trains step after step. At a round's end the miner *cuts* it
//! ([`Session::cut`]): the delta is the weights minus the round's base checkpoint, compressed
//! with error feedback and measured as a validator will. The session does not stop there: it
//! keeps training while the delta is sealed, judged and aggregated. When the round's aggregate
//! (the next base) arrives, the session is *rebased* onto it ([`Session::rebase`]): what it
//! learnt since the cut is kept and moved onto the new base,
//!
//! ```text
//! θ ← θ − θ_cut + base′
//! ```
//!
//! so its own delta is replaced by the committee's aggregate, as in DiLoCo, and the progress made
//! while the chain worked is the start of its next delta. Without a cut since the last base (a
//! round it missed), the whole progress since that base moves: `θ ← θ − base + base′`. The
//! AdamW moments carry over. This is the overlapped ("one step delayed") outer loop of
//! Streaming DiLoCo: a delta may carry some steps taken from the previous base, and is judged,
//! like any delta, by what it does to the round's base.
//!
//! [`crate::train_round`] is a session of fixed length: `steps` steps and one cut.

use crate::{
	blake2_256,
	checkpoint::{decode_delta, Checkpoint},
	eval::{check_job, evaluate_checked, variance},
	gspo::{arithmetic_reward, loss_with, sample_with, GspoSpec, Net, Rollout},
	lm::Objective,
	model::{generate_dataset, ModelKind, Split},
	rng::{SplitMix64, STREAM_BATCHES},
	train::{forward, training_device, vars_of, RoundOutcome, TrainConfig},
	DeltaError, TrainerError,
};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use std::time::{Duration, Instant};

/// What a session trains on.
enum Data {
	/// A perceptron's training split, on the device.
	Mlp {
		/// Features `[n, input]`.
		xs: Tensor,
		/// Labels `[n]`.
		ys: Tensor,
		/// Examples.
		n: usize,
	},
	/// A language model's shard of the training text, a range of [`crate::lm::corpus`].
	Lm {
		/// The model.
		spec: crate::lm::LmSpec,
		/// The shard of the current round (it follows the batch seed).
		shard: core::ops::Range<usize>,
	},
	/// A GSPO job's task: a mini-batch is `batch_size` training problems, each with a group of
	/// completions sampled from the weights of the moment, and is trained on for
	/// [`GspoSpec::reuse`] consecutive steps (the later ones off-policy, where the sequence
	/// ratios and their clipping act).
	Gspo {
		/// The model.
		spec: crate::lm::LmSpec,
		/// The task.
		task: GspoSpec,
		/// Mini-batches sampled for the step under way.
		sampled: Vec<Vec<Rollout>>,
		/// Mini-batches of an earlier step to train on again.
		replay: Vec<Vec<Rollout>>,
		/// Further steps `replay` is used for.
		replay_left: u32,
		/// The next mini-batch of `replay` the step under way takes.
		cursor: usize,
	},
}

impl Data {
	/// Forgets the rollouts sampled from weights that are no longer the session's.
	fn forget_rollouts(&mut self) {
		if let Data::Gspo { sampled, replay, replay_left, cursor, .. } = self {
			sampled.clear();
			replay.clear();
			*replay_left = 0;
			*cursor = 0;
		}
	}

	/// After an optimizer step: the step's fresh mini-batches are replayed by the next
	/// [`GspoSpec::reuse`]` − 1` steps.
	fn after_step(&mut self) {
		if let Data::Gspo { task, sampled, replay, replay_left, cursor, .. } = self {
			*cursor = 0;
			*replay_left = replay_left.saturating_sub(1);
			if *replay_left == 0 {
				*replay = core::mem::take(sampled);
				*replay_left = if replay.is_empty() { 0 } else { task.reuse.saturating_sub(1) };
			} else {
				sampled.clear();
			}
		}
	}
}

/// `prompts` training problems of `task` drawn from `rng`, each with a group of completions
/// sampled from `net` and their rewards.
fn sample_rollouts(
	net: Net<'_>,
	task: &GspoSpec,
	prompts: u32,
	rng: &mut SplitMix64,
) -> Result<Vec<Rollout>, TrainerError> {
	(0..prompts)
		.map(|_| {
			let (prompt, answer) = task.draw(rng, false);
			let seed = rng.next_u64();
			let completions = sample_with(
				net,
				prompt.as_bytes(),
				task.group,
				task.max_new,
				task.temperature,
				seed,
			)?;
			let rewards = completions.iter().map(|c| arithmetic_reward(answer, &c.bytes)).collect();
			Ok(Rollout { prompt: prompt.into_bytes(), completions, rewards })
		})
		.collect()
}

/// The most mini-batches one optimizer step averages ([`Session::accumulation`]).
pub const MAX_ACCUMULATION: u32 = 1 << 10;

/// What the steps since the last cut did.
#[derive(Default)]
struct Since {
	/// Optimizer steps.
	steps: u32,
	/// Mini-batches.
	batches: u64,
	/// The global gradient norm of each step.
	grad_norms: Vec<f64>,
	/// Mini-batch loss of the first and of the last step.
	first_loss: f32,
	last_loss: f32,
	/// Time spent in optimizer steps.
	training_time: Duration,
}

/// Gradients summed over the mini-batches of the optimizer step under way.
#[derive(Default)]
struct Pending {
	/// The sum of each variable's gradients (`None` before the first mini-batch).
	sums: Vec<Option<Tensor>>,
	/// Mini-batches summed.
	batches: u32,
	/// The sum of their losses.
	loss: f64,
	/// Time spent on them.
	time: Duration,
}

/// A delta cut since the last base.
struct Cut {
	/// The weights when it was cut.
	weights: Vec<Vec<f32>>,
	/// What its compression left unsent.
	residual: Vec<Vec<f32>>,
	/// The steps it covered, and when they began: an uncut puts them back.
	since: Since,
	since_wall: Instant,
}

/// One job's weights and optimizer state on the training device, trained step by step and cut
/// into a delta per round (see the module docs).
pub struct Session {
	model_id: u32,
	dataset_seed: u64,
	batch_size: u32,
	device: Device,
	vars: Vec<Var>,
	opt: AdamW,
	data: Data,
	rng: SplitMix64,
	/// The base checkpoint of the round being trained: deltas are cut against it.
	base: Checkpoint,
	/// The last cut, until the next rebase (`None`: no cut since the base).
	cut_at: Option<Cut>,
	/// What the compression of the deltas sent before the last cut left unsent (error feedback).
	residual: Vec<Vec<f32>>,
	/// Since the last cut (or the start).
	since: Since,
	/// The optimizer step under way.
	pending: Pending,
	/// The job's steps a round: the accumulation schedule's unit.
	round_steps: u32,
	/// Optimizer steps since the last rebase (or the start).
	on_base: u32,
	/// When the last cut ended (or the session started).
	since_wall: Instant,
}

impl Session {
	/// A session of job `(model_id, dataset_seed)` starting from `base`, with `cfg`'s
	/// hyper-parameters (its `steps` are the caller's to count) and its batch seed, and error
	/// feedback from `residual` (empty for none; one of another shape is dropped).
	pub fn new(
		model_id: u32,
		dataset_seed: u64,
		base: Checkpoint,
		cfg: &TrainConfig,
		residual: Vec<Vec<f32>>,
	) -> Result<Self, TrainerError> {
		let since_wall = Instant::now();
		cfg.check()?;
		check_job(model_id, &base).map_err(|e| match e {
			DeltaError::UnknownModel(id) => TrainerError::UnknownModel(id),
			DeltaError::ModelMismatch { base, job } => TrainerError::ModelMismatch { base, job },
			other => TrainerError::Delta(other),
		})?;
		let device = training_device();
		let vars = vars_of(&base, &device)?;
		let data = match base.spec().kind {
			ModelKind::Mlp(mlp) => {
				let train = generate_dataset(model_id, dataset_seed, Split::Train)?;
				let n = train.len();
				Data::Mlp {
					xs: Tensor::from_slice(&train.inputs, (n, mlp.input), &device)?,
					ys: Tensor::from_slice(&train.labels, n, &device)?,
					n,
				}
			}
			ModelKind::Lm(spec) => match spec.objective {
				// The miner's shard of the training text follows its batch seed.
				Objective::NextByte => {
					Data::Lm { spec, shard: crate::lm::shard_range(&spec, cfg.seed) }
				}
				Objective::Gspo(task) => Data::Gspo {
					spec,
					task,
					sampled: Vec::new(),
					replay: Vec::new(),
					replay_left: 0,
					cursor: 0,
				},
			},
		};
		let params = ParamsAdamW {
			lr: f64::from(cfg.learning_rate_micro) / 1e6,
			weight_decay: f64::from(cfg.weight_decay_micro) / 1e6,
			..ParamsAdamW::default()
		};
		let opt = AdamW::new(vars.clone(), params)?;
		let lens: Vec<usize> = base.tensors().iter().map(Vec::len).collect();
		let fits = residual.len() == lens.len() && residual.iter().map(Vec::len).eq(lens);
		Ok(Session {
			model_id,
			dataset_seed,
			batch_size: cfg.batch_size,
			device,
			vars,
			opt,
			data,
			rng: SplitMix64::new(cfg.seed, STREAM_BATCHES),
			base,
			cut_at: None,
			residual: if fits { residual } else { Vec::new() },
			since: Since::default(),
			pending: Pending::default(),
			round_steps: cfg.steps,
			on_base: 0,
			since_wall,
		})
	}

	/// The checkpoint deltas are cut against.
	pub fn base(&self) -> &Checkpoint {
		&self.base
	}

	/// Whether a delta was cut since the last base.
	pub fn is_cut(&self) -> bool {
		self.cut_at.is_some()
	}

	/// Optimizer steps since the last cut (or the start).
	pub fn steps_since_cut(&self) -> u32 {
		self.since.steps
	}

	/// Optimizer steps on the current base: since the last rebase (or the start).
	pub fn steps_on_base(&self) -> u32 {
		self.on_base
	}

	/// How many mini-batches the next optimizer step averages: 1 for the round's first
	/// `steps` (the job's), then doubling every `steps` more, up to [`MAX_ACCUMULATION`]. A
	/// round that lasts longer than its steps need thus spends the extra time on larger
	/// batches, not on more steps: the number of steps a round, and with it how far a miner's
	/// weights drift from the others' before they are averaged, grows only with the logarithm
	/// of the round's length (growing the batch instead of decaying the learning rate). It
	/// restarts at 1 with every rebase.
	pub fn accumulation(&self) -> u32 {
		let doublings = self.on_base / self.round_steps.max(1);
		MAX_ACCUMULATION.min(1u32.checked_shl(doublings).unwrap_or(u32::MAX))
	}

	/// One mini-batch of the optimizer step under way ([`Session::accumulation`]); the step is
	/// applied once it has its mini-batches. Returns the step's mean loss when it was applied.
	/// A training loop that can be told to cut or rebase calls this, so that it can answer
	/// between two mini-batches.
	pub fn work(&mut self) -> Result<Option<f32>, TrainerError> {
		self.accumulate()?;
		if self.pending.batches >= self.accumulation() {
			return self.apply();
		}
		Ok(None)
	}

	/// One AdamW step on one fresh mini-batch (with a step under way, its mini-batches and this
	/// one); returns its mean loss. [`TrainerError::Diverged`] when the loss is not finite (the
	/// weights are then not updated).
	pub fn step(&mut self) -> Result<f32, TrainerError> {
		self.accumulate()?;
		Ok(self.apply()?.unwrap_or_default())
	}

	/// Applies the step under way now, with the mini-batches it has (nothing without one).
	fn flush(&mut self) -> Result<(), TrainerError> {
		self.apply().map(|_| ())
	}

	/// Adds one fresh mini-batch's gradients to the step under way.
	fn accumulate(&mut self) -> Result<(), TrainerError> {
		let started = Instant::now();
		let (loss, value) = match &mut self.data {
			Data::Gspo { spec, task, sampled, replay, replay_left, cursor } => {
				let net = Net { spec: *spec, vars: &self.vars, device: &self.device };
				let again = replay.get(*cursor).filter(|_| *replay_left > 0);
				let fresh = match again {
					Some(_) => None,
					None => Some(sample_rollouts(net, task, self.batch_size, &mut self.rng)?),
				};
				let Some(rollouts) = again.or(fresh.as_ref()) else {
					return Err(TrainerError::Backend("no GSPO mini-batch".into()));
				};
				let rewards: Vec<f64> =
					rollouts.iter().flat_map(|r| r.rewards.iter().copied()).collect();
				let loss = loss_with(net, rollouts, task.clip, task.temperature)?;
				// The reported value is one minus the mean sampled reward; the loss is checked
				// apart.
				if !loss.to_scalar::<f64>()?.is_finite() {
					return Err(TrainerError::Diverged);
				}
				let value = (1.0 - crate::eval::mean(&rewards)) as f32;
				match fresh {
					Some(fresh) => sampled.push(fresh),
					None => *cursor += 1,
				}
				(loss, value)
			}
			Data::Mlp { xs, ys, n } => {
				let idx: Vec<u32> =
					(0..self.batch_size).map(|_| self.rng.below(*n as u64) as u32).collect();
				let idx = Tensor::from_vec(idx, self.batch_size as usize, &self.device)?;
				let logits = forward(&self.vars, &xs.index_select(&idx, 0)?)?;
				let loss = candle_nn::loss::cross_entropy(&logits, &ys.index_select(&idx, 0)?)?;
				let value = loss.to_scalar::<f32>()?;
				(loss, value)
			}
			Data::Lm { spec, shard } => {
				let windows = crate::lm::windows(
					spec,
					shard.clone(),
					self.batch_size as usize,
					&mut self.rng,
				);
				let loss = crate::lm::train::Params::new(*spec, &self.vars)
					.batch_loss(&windows, &self.device)?;
				let value = loss.to_scalar::<f32>()?;
				(loss, value)
			}
		};
		if !value.is_finite() {
			return Err(TrainerError::Diverged);
		}
		let mut grads = loss.backward()?;
		let pending = &mut self.pending;
		pending.sums.resize(self.vars.len(), None);
		for (sum, v) in pending.sums.iter_mut().zip(&self.vars) {
			if let Some(g) = grads.remove(v) {
				*sum = Some(match sum.take() {
					Some(s) => (s + g)?,
					None => g,
				});
			}
		}
		pending.batches = pending.batches.saturating_add(1);
		pending.loss += f64::from(value);
		pending.time += started.elapsed();
		Ok(())
	}

	/// Applies the step under way: AdamW on the mean of its mini-batches' gradients. Returns
	/// the mean loss, or `None` without a mini-batch.
	fn apply(&mut self) -> Result<Option<f32>, TrainerError> {
		if self.pending.batches == 0 {
			return Ok(None);
		}
		let started = Instant::now();
		let pending = core::mem::take(&mut self.pending);
		let n = f64::from(pending.batches);
		let mut grads = candle_core::backprop::GradStore::default();
		let mut sq = Tensor::zeros((), DType::F32, &self.device)?;
		for (sum, v) in pending.sums.into_iter().zip(&self.vars) {
			if let Some(sum) = sum {
				let g = (sum / n)?;
				sq = (sq + g.sqr()?.sum_all()?)?;
				grads.insert(v, g);
			}
		}
		self.since.grad_norms.push(f64::from(sq.to_scalar::<f32>()?).sqrt());
		self.opt.step(&grads)?;
		let value = (pending.loss / n) as f32;
		if self.since.steps == 0 {
			self.since.first_loss = value;
		}
		self.since.last_loss = value;
		self.since.steps = self.since.steps.saturating_add(1);
		self.since.batches = self.since.batches.saturating_add(u64::from(pending.batches));
		self.since.training_time += pending.time + started.elapsed();
		self.on_base = self.on_base.saturating_add(1);
		self.data.after_step();
		Ok(Some(value))
	}

	/// The current weights, in canonical order.
	fn weights(&self) -> Result<Vec<Vec<f32>>, TrainerError> {
		Ok(self
			.vars
			.iter()
			.map(|v| v.as_tensor().flatten_all()?.to_vec1::<f32>())
			.collect::<Result<Vec<_>, candle_core::Error>>()?)
	}

	/// Sets the weights to `tensors`, in canonical order and the model's shapes.
	fn set_weights(&self, tensors: &[Vec<f32>]) -> Result<(), TrainerError> {
		for ((var, (_, shape)), values) in
			self.vars.iter().zip(self.base.spec().tensor_shapes()).zip(tensors)
		{
			var.set(&Tensor::from_slice(values, shape.as_slice(), &self.device)?)?;
		}
		Ok(())
	}

	/// Cuts the round's delta: the weights minus [`Session::base`], compressed with error
	/// feedback, measured by the validators' deterministic evaluation of exactly those bytes.
	/// Training goes on from the same weights; the next delta is cut after the next
	/// [`Session::rebase`] (a second cut on one base is [`TrainerError::InvalidConfig`]).
	pub fn cut(&mut self) -> Result<RoundOutcome, TrainerError> {
		if self.is_cut() {
			return Err(TrainerError::InvalidConfig("one delta per base: rebase before cutting"));
		}
		self.flush()?;
		let weights = self.weights()?;
		let new = Checkpoint::from_tensors(self.model_id, weights.clone())
			.map_err(|_| TrainerError::Diverged)?;
		let mut residual = self.residual.clone();
		let delta_bytes = new.minus(&self.base).to_delta_bytes_with(&mut residual)?;
		let delta_hash = blake2_256(&delta_bytes);
		// Measure exactly what a validator will: decode the uploaded bytes, then evaluate.
		let delta = decode_delta(&self.base, &delta_bytes, Some(delta_hash))?;
		let report = evaluate_checked(self.dataset_seed, &self.base, &delta)?;
		let since = core::mem::take(&mut self.since);
		let since_wall = core::mem::replace(&mut self.since_wall, Instant::now());
		let outcome = RoundOutcome {
			delta: delta_bytes,
			delta_hash,
			report,
			step_grad_norm_variance: variance(&since.grad_norms),
			first_batch_loss: since.first_loss,
			last_batch_loss: since.last_loss,
			steps: since.steps,
			samples: since.batches.saturating_mul(u64::from(self.batch_size)),
			wall_time: since_wall.elapsed(),
			residual: residual.clone(),
			training_time: since.training_time,
		};
		self.cut_at = Some(Cut { weights, residual, since, since_wall });
		Ok(outcome)
	}

	/// Forgets the last cut, whose delta was not sent (its round moved on, or it could not be
	/// stored): its progress stays in the weights for the next delta, with the error feedback
	/// from before it.
	pub fn uncut(&mut self) {
		let Some(cut) = self.cut_at.take() else { return };
		// The next delta covers the forgotten one's steps too.
		let mut since = cut.since;
		let after = core::mem::take(&mut self.since);
		if since.steps == 0 {
			since.first_loss = after.first_loss;
		}
		if after.steps > 0 {
			since.last_loss = after.last_loss;
		}
		since.steps = since.steps.saturating_add(after.steps);
		since.batches = since.batches.saturating_add(after.batches);
		since.grad_norms.extend(after.grad_norms);
		since.training_time += after.training_time;
		self.since = since;
		self.since_wall = cut.since_wall;
	}

	/// Drops everything learnt since the base: the weights become the base's again, and the
	/// last cut (if any) is forgotten with its residual. For progress that does not carry over:
	/// a delta that did not lower the round's checkpoint's loss was trained from weights too far
	/// from it. The AdamW moments and the feedback of the deltas sent stay.
	pub fn restart(&mut self) -> Result<(), TrainerError> {
		let base = self.base.tensors().to_vec();
		self.set_weights(&base)?;
		self.pending = Pending::default();
		self.data.forget_rollouts();
		self.cut_at = None;
		self.since = Since::default();
		self.since_wall = Instant::now();
		self.on_base = 0;
		Ok(())
	}

	/// What the compression of the deltas cut so far left unsent: the next delta carries it.
	pub fn residual(&self) -> &[Vec<f32>] {
		self.cut_at.as_ref().map_or(&self.residual, |cut| &cut.residual)
	}

	/// Moves the session onto `base`, the next round's checkpoint, and draws the round's
	/// mini-batches from `batch_seed`: the progress since the last cut (or, with no cut, since
	/// the last base) is kept on top of `base` (see the module docs).
	pub fn rebase(&mut self, base: Checkpoint, batch_seed: u64) -> Result<(), TrainerError> {
		if base.model_id() != self.model_id {
			return Err(TrainerError::ModelMismatch { base: base.model_id(), job: self.model_id });
		}
		// The step under way belongs to the old base.
		self.flush()?;
		let weights = self.weights()?;
		let from = self.cut_at.as_ref().map_or(self.base.tensors(), |cut| &cut.weights);
		let moved: Vec<Vec<f32>> = weights
			.iter()
			.zip(from)
			.zip(base.tensors())
			.map(|((w, f), b)| w.iter().zip(f).zip(b).map(|((w, f), b)| w - f + b).collect())
			.collect();
		if moved.iter().flatten().any(|v| !v.is_finite()) {
			return Err(TrainerError::Diverged);
		}
		self.set_weights(&moved)?;
		// The cut's residual is now what the sent deltas left unsent.
		if let Some(cut) = self.cut_at.take() {
			self.residual = cut.residual;
		}
		if let Data::Lm { spec, shard } = &mut self.data {
			*shard = crate::lm::shard_range(spec, batch_seed);
		}
		self.data.forget_rollouts();
		self.rng = SplitMix64::new(batch_seed, STREAM_BATCHES);
		self.base = base;
		self.on_base = 0;
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{evaluate_delta, initial_checkpoint, Checkpoint};

	fn cfg(seed: u64) -> TrainConfig {
		TrainConfig { steps: 20, batch_size: 16, seed, ..TrainConfig::default() }
	}

	fn weights(s: &Session) -> Vec<Vec<f32>> {
		s.weights().unwrap()
	}

	/// A model-0 session on its initial checkpoint of seed 3, and that checkpoint.
	fn session(cfg: &TrainConfig) -> (Session, Checkpoint) {
		let base = initial_checkpoint(0, 3).unwrap();
		(Session::new(0, 3, base.clone(), cfg, Vec::new()).unwrap(), base)
	}

	/// The delta's bytes decode to `now − base` (model 0 is sent whole: 8-bit error only).
	fn assert_delta_is(delta: &[u8], now: &[Vec<f32>], base: &Checkpoint) {
		let delta = Checkpoint::from_delta_bytes(0, delta).unwrap();
		for ((d, w), b) in delta.tensors().iter().zip(now).zip(base.tensors()) {
			for ((d, w), b) in d.iter().zip(w).zip(b) {
				assert!((d - (w - b)).abs() < 0.01, "{d} vs {}", w - b);
			}
		}
	}

	/// Rebased weights are `before − from + next`, coordinate by coordinate.
	fn assert_moved(after: &[Vec<f32>], before: &[Vec<f32>], from: &[Vec<f32>], next: &[Vec<f32>]) {
		for (((a, w), f), n) in after.iter().zip(before).zip(from).zip(next) {
			for (((a, w), f), n) in a.iter().zip(w).zip(f).zip(n) {
				assert!((a - (w - f + n)).abs() <= 1e-6 * (1.0 + n.abs()), "{a}");
			}
		}
	}

	#[test]
	fn a_cut_is_the_weights_minus_the_base_and_training_goes_on() {
		let (mut s, base) = session(&cfg(1));
		for _ in 0..20 {
			s.step().unwrap();
		}
		let at_cut = weights(&s);
		let out = s.cut().unwrap();
		assert_eq!((out.steps, out.samples), (20, 320));
		// The validators' measurement of the bytes is the claim's.
		let judged = evaluate_delta(0, 3, &base, &out.delta, out.delta_hash).unwrap();
		assert_eq!(judged, out.report);
		assert!(out.report.loss_after < out.report.loss_before);
		// Decoded, the delta is what the weights moved (model 0 is sent whole: 8-bit error only).
		assert_delta_is(&out.delta, &at_cut, &base);
		// One delta per base; training goes on.
		assert!(matches!(s.cut(), Err(TrainerError::InvalidConfig(_))));
		s.step().unwrap();
		assert_eq!(s.steps_since_cut(), 1);
		assert_ne!(weights(&s), at_cut);
	}

	#[test]
	fn a_rebase_keeps_the_progress_since_the_cut_on_the_new_base() {
		let (mut s, _) = session(&cfg(1));
		for _ in 0..5 {
			s.step().unwrap();
		}
		s.cut().unwrap();
		let at_cut = weights(&s);
		for _ in 0..5 {
			s.step().unwrap();
		}
		let before = weights(&s);
		// The next base: anything of the model's shape (here the initial weights of seed 4).
		let next = initial_checkpoint(0, 4).unwrap();
		s.rebase(next.clone(), 2).unwrap();
		assert!(!s.is_cut());
		assert_eq!(s.base(), &next);
		assert_moved(&weights(&s), &before, &at_cut, next.tensors());
		// The next cut is against the new base and carries the 5 steps since the cut.
		s.step().unwrap();
		let out = s.cut().unwrap();
		assert_eq!(out.steps, 6);
		let judged = evaluate_delta(0, 3, &next, &out.delta, out.delta_hash).unwrap();
		assert_eq!(judged, out.report);
	}

	#[test]
	fn without_a_cut_a_rebase_moves_all_the_progress_since_the_base() {
		let (mut s, base) = session(&cfg(1));
		for _ in 0..5 {
			s.step().unwrap();
		}
		let before = weights(&s);
		let next = initial_checkpoint(0, 4).unwrap();
		s.rebase(next.clone(), 2).unwrap();
		let after = weights(&s);
		assert_moved(&after, &before, base.tensors(), next.tensors());
		// Another model's checkpoint is refused and changes nothing.
		let other = initial_checkpoint(1, 4).unwrap();
		assert!(matches!(s.rebase(other, 2), Err(TrainerError::ModelMismatch { base: 1, job: 0 })));
		assert_eq!(weights(&s), after);
	}

	#[test]
	fn an_uncut_delta_is_cut_again_with_the_progress_since_the_base() {
		let (mut s, base) = session(&cfg(1));
		s.step().unwrap();
		let first = s.cut().unwrap();
		assert_eq!(s.residual(), first.residual.as_slice());
		assert!(!first.residual.is_empty());
		// The delta was not sent: forget the cut and its residual.
		s.uncut();
		assert!(s.residual().is_empty() && !s.is_cut());
		for _ in 0..3 {
			s.step().unwrap();
		}
		let second = s.cut().unwrap();
		assert_eq!((second.steps, second.samples), (4, 4 * 16), "the forgotten cut's step too");
		// The second delta spans all four steps since the base.
		assert_delta_is(&second.delta, &weights(&s), &base);
		assert_ne!(second.delta, first.delta);
	}

	#[test]
	fn steps_average_more_batches_the_longer_a_round_lasts() {
		let (mut s, base) = session(&TrainConfig { steps: 2, ..cfg(1) });
		// The job's 2 steps of one mini-batch, then 2 of two, 2 of four…
		let mut batches_per_step = Vec::new();
		for _ in 0..6 {
			let mut batches = 1;
			while s.work().unwrap().is_none() {
				batches += 1;
			}
			batches_per_step.push(batches);
		}
		assert_eq!(batches_per_step, [1, 1, 2, 2, 4, 4]);
		assert_eq!((s.steps_on_base(), s.accumulation()), (6, 8));
		// A cut applies the step under way: 3 of its 8 mini-batches.
		for _ in 0..3 {
			assert_eq!(s.work().unwrap(), None);
		}
		let out = s.cut().unwrap();
		assert_eq!((out.steps, out.samples), (7, (1 + 1 + 2 + 2 + 4 + 4 + 3) * 16));
		// A rebase starts the next round at one mini-batch a step.
		s.rebase(base, 2).unwrap();
		assert_eq!((s.steps_on_base(), s.accumulation()), (0, 1));
		assert!(s.work().unwrap().is_some());
		// The schedule stops doubling at MAX_ACCUMULATION.
		s.on_base = 1_000;
		assert_eq!(s.accumulation(), MAX_ACCUMULATION);
	}

	#[test]
	fn a_restart_goes_back_to_the_base() {
		let (mut s, base) = session(&cfg(1));
		for _ in 0..4 {
			s.step().unwrap();
		}
		s.cut().unwrap();
		s.step().unwrap();
		s.restart().unwrap();
		assert_eq!(weights(&s), base.tensors());
		assert!(!s.is_cut() && s.residual().is_empty());
		assert_eq!((s.steps_since_cut(), s.steps_on_base()), (0, 0));
		// Trained again from the base, the next delta is cut against it.
		s.step().unwrap();
		let out = s.cut().unwrap();
		assert_eq!(out.steps, 1);
		let judged = evaluate_delta(0, 3, &base, &out.delta, out.delta_hash).unwrap();
		assert_eq!(judged, out.report);
	}

	/// The rollouts of the GSPO step under way and of the one before, by count.
	fn rollouts(s: &Session) -> (usize, usize, u32) {
		match &s.data {
			Data::Gspo { sampled, replay, replay_left, .. } => {
				(sampled.len(), replay.len(), *replay_left)
			}
			_ => panic!("not a GSPO session"),
		}
	}

	#[test]
	fn a_gspo_mini_batch_is_trained_on_twice_then_sampled_afresh() {
		let base = crate::gspo::base_checkpoint().unwrap();
		let cfg = TrainConfig { steps: 4, batch_size: 2, learning_rate_micro: 500, ..cfg(2) };
		let mut s = Session::new(crate::lm::LM_GSPO_ID, 5, base.clone(), &cfg, Vec::new()).unwrap();
		assert_eq!(crate::gspo::ARITHMETIC.reuse, 2);
		// Step 1 samples a mini-batch; step 2 trains on it again, off-policy; step 3 samples.
		s.step().unwrap();
		assert_eq!(rollouts(&s), (0, 1, 1));
		let first = match &s.data {
			Data::Gspo { replay, .. } => replay[0].clone(),
			_ => unreachable!(),
		};
		assert_eq!(first.len(), 2);
		assert!(first.iter().all(|r| r.completions.len() == crate::gspo::ARITHMETIC.group));
		s.step().unwrap();
		assert_eq!(rollouts(&s), (0, 0, 0));
		s.step().unwrap();
		assert_eq!(rollouts(&s), (0, 1, 1));
		let third = match &s.data {
			Data::Gspo { replay, .. } => replay[0].clone(),
			_ => unreachable!(),
		};
		assert_ne!(third, first);
		// A rebase or a restart forgets rollouts of weights that are gone.
		s.restart().unwrap();
		assert_eq!(rollouts(&s), (0, 0, 0));
		s.step().unwrap();
		s.rebase(base, 6).unwrap();
		assert_eq!(rollouts(&s), (0, 0, 0));
	}
}
