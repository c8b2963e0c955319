//! The GSPO policy in candle: temperature sampling of a group, the differentiable loss `−J`,
//! and the AdamW steps that train it (supervised warm-up or GSPO).
//!
//! A completion is scored by its tokens' log-probabilities under `softmax(logits / τ)`, the
//! distribution it was sampled from; the loss uses the same temperature `τ`, so that at the
//! sampling weights every sequence ratio is 1 (to `f32` precision). The ratios, clipping and
//! averaging are computed in `f64` on the device, with the advantages of the reference
//! [`super::group_advantages`].

use super::{group_advantages, log_softmax, Clip, END, STREAM_SAMPLING};
use crate::{
	checkpoint::Checkpoint,
	lm::{train::Params, LmSpec},
	model::ModelKind,
	rng::SplitMix64,
	TrainerError,
};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};

/// A language model being trained: its weights as candle variables on a device, and their
/// AdamW state.
pub struct Policy {
	model_id: u32,
	spec: LmSpec,
	device: Device,
	vars: Vec<Var>,
	opt: AdamW,
}

/// A language model's trainable weights on a device: what sampling and the loss read (a
/// [`Policy`]'s, or a miner's [`crate::Session`]'s).
#[derive(Clone, Copy)]
pub(crate) struct Net<'a> {
	pub(crate) spec: LmSpec,
	pub(crate) vars: &'a [Var],
	pub(crate) device: &'a Device,
}

impl Policy {
	fn net(&self) -> Net<'_> {
		Net { spec: self.spec, vars: &self.vars, device: &self.device }
	}

	/// `checkpoint` (a language model's) on [`crate::training_device`], with a fresh AdamW of
	/// `learning_rate` and decoupled `weight_decay`.
	pub fn new(
		checkpoint: &Checkpoint,
		learning_rate: f64,
		weight_decay: f64,
	) -> Result<Policy, TrainerError> {
		Policy::on_device(checkpoint, crate::training_device(), learning_rate, weight_decay)
	}

	/// As [`Policy::new`], on `device`.
	pub fn on_device(
		checkpoint: &Checkpoint,
		device: Device,
		learning_rate: f64,
		weight_decay: f64,
	) -> Result<Policy, TrainerError> {
		let spec = match checkpoint.spec().kind {
			ModelKind::Lm(spec) => spec,
			ModelKind::Mlp(_) => return Err(TrainerError::InvalidConfig("not a language model")),
		};
		if !(learning_rate > 0.0 && learning_rate.is_finite()) {
			return Err(TrainerError::InvalidConfig("learning rate must be positive"));
		}
		let vars = crate::train::vars_of(checkpoint, &device)?;
		let params = ParamsAdamW { lr: learning_rate, weight_decay, ..ParamsAdamW::default() };
		let opt = AdamW::new(vars.clone(), params)?;
		Ok(Policy { model_id: checkpoint.model_id(), spec, device, vars, opt })
	}

	/// The model's shape.
	pub fn spec(&self) -> LmSpec {
		self.spec
	}

	/// The trainable weights, in the canonical tensor order.
	pub fn vars(&self) -> &[Var] {
		&self.vars
	}

	/// The current weights as a checkpoint (for the deterministic evaluation).
	pub fn checkpoint(&self) -> Result<Checkpoint, TrainerError> {
		let tensors = self
			.vars
			.iter()
			.map(|v| v.as_tensor().flatten_all()?.to_vec1::<f32>())
			.collect::<Result<Vec<_>, _>>()?;
		Ok(Checkpoint::from_tensors(self.model_id, tensors)?)
	}

	/// One AdamW step on `loss` (a scalar computed from [`Policy::vars`]) and the loss's value;
	/// fails with [`TrainerError::Diverged`], stepping nothing, when the loss is not finite.
	pub fn step(&mut self, loss: &Tensor) -> Result<f64, TrainerError> {
		let value = loss.to_dtype(DType::F64)?.to_scalar::<f64>()?;
		if !value.is_finite() {
			return Err(TrainerError::Diverged);
		}
		self.opt.backward_step(loss)?;
		Ok(value)
	}

	/// Mean next-byte cross-entropy of `windows` (each exactly `context + 1` bytes), the
	/// supervised warm-up's loss.
	pub fn sft_loss(&self, windows: &[&[u8]]) -> Result<Tensor, TrainerError> {
		if windows.is_empty() || windows.iter().any(|w| w.len() != self.spec.context + 1) {
			return Err(TrainerError::InvalidConfig("a window must be context + 1 bytes"));
		}
		Ok(Params::new(self.spec, &self.vars).batch_loss(windows, &self.device)?)
	}
}

/// One sampled completion: its bytes (ending with the newline when it stopped there) and each
/// byte's log-probability under the policy that sampled it (`ln π_old`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sample {
	/// The completion's bytes.
	pub bytes: Vec<u8>,
	/// `ln π_old` of each byte, as many as `bytes`.
	pub logp: Vec<f64>,
}

/// One prompt's group for the loss: the prompt, its sampled completions and their rewards.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rollout {
	/// The prompt's bytes (not empty).
	pub prompt: Vec<u8>,
	/// The group's completions, with their sampling log-probabilities.
	pub completions: Vec<Sample>,
	/// `r_i`, one per completion.
	pub rewards: Vec<f64>,
}

/// The byte whose cumulative probability first exceeds `u` (the last byte with a positive
/// probability if rounding leaves `u` above the total).
fn pick(logp: &[f64], u: f64) -> usize {
	let mut acc = 0.0;
	let mut last = 0;
	for (i, lp) in logp.iter().enumerate() {
		let p = libm::exp(*lp);
		if p > 0.0 {
			last = i;
		}
		acc += p;
		if u < acc {
			return i;
		}
	}
	last
}

fn check_temperature(temperature: f64) -> Result<(), TrainerError> {
	if temperature > 0.0 && temperature.is_finite() {
		Ok(())
	} else {
		Err(TrainerError::InvalidConfig("temperature must be positive"))
	}
}

/// Samples `group` completions of `prompt` (not empty) from `policy` at `temperature`: each
/// byte is drawn from `softmax(logits / temperature)` by a [`SplitMix64`] stream of `seed`,
/// a completion stops after a newline byte or `max_new` bytes, and a context longer than the
/// model's is cut to its last `context` bytes. The completions are decoded together, one batch
/// per byte. Deterministic given `seed` on one machine (the device's arithmetic decides the
/// last bits of the logits).
pub fn sample_group(
	policy: &Policy,
	prompt: &[u8],
	group: usize,
	max_new: usize,
	temperature: f64,
	seed: u64,
) -> Result<Vec<Sample>, TrainerError> {
	sample_with(policy.net(), prompt, group, max_new, temperature, seed)
}

/// [`sample_group`] from `net`.
pub(crate) fn sample_with(
	net: Net<'_>,
	prompt: &[u8],
	group: usize,
	max_new: usize,
	temperature: f64,
	seed: u64,
) -> Result<Vec<Sample>, TrainerError> {
	check_temperature(temperature)?;
	if prompt.is_empty() {
		return Err(TrainerError::InvalidConfig("the prompt is empty"));
	}
	let LmSpec { context, vocab, .. } = net.spec;
	let params = Params::new(net.spec, net.vars);
	let mut rng = SplitMix64::new(seed, STREAM_SAMPLING);
	let mut samples = vec![Sample::default(); group];
	let mut done = vec![false; group];
	for _ in 0..max_new {
		let active: Vec<usize> = (0..group).filter(|&i| !done[i]).collect();
		let Some(&first) = active.first() else { break };
		// Every active completion has the same length: the prompt and one byte per step.
		let len = prompt.len() + samples[first].bytes.len();
		let start = len.saturating_sub(context);
		let t = len - start;
		let mut ids = Vec::with_capacity(active.len() * t);
		for &i in &active {
			let seq = prompt.iter().chain(&samples[i].bytes).skip(start);
			ids.extend(seq.map(|&b| u32::from(b)));
		}
		let ids = Tensor::from_vec(ids, (active.len(), t), net.device)?;
		let last = params
			.forward(&ids, net.device)?
			.reshape((active.len(), t, vocab))?
			.narrow(1, t - 1, 1)?
			.squeeze(1)?
			.to_dtype(DType::F32)?
			.to_vec2::<f32>()?;
		for (row, &i) in last.iter().zip(&active) {
			let logp = log_softmax(row.iter().map(|&l| f64::from(l)), temperature);
			let byte = pick(&logp, rng.next_f64());
			let s = &mut samples[i];
			s.bytes.push(byte as u8);
			s.logp.push(logp[byte]);
			done[i] = byte as u8 == END;
		}
	}
	Ok(samples)
}

/// The rows of a batch scoring every completion of `rollouts`.
struct Batch {
	/// Per-token log-probabilities `[rows, T]` under the current weights, `f64`, zero where
	/// no completion token is.
	logp: Tensor,
	/// Each row's completion length.
	lens: Vec<usize>,
	/// Each row's first completion position in the batch.
	offsets: Vec<usize>,
}

/// Scores every completion of `rollouts` under `policy` at `temperature` in one forward pass:
/// row `prompt ++ completion` without its last byte, cut to the last `context` bytes,
/// right-padded. A completion that, with its prompt, is longer than `context + 1` bytes is
/// scored with that one window (exact for its tokens whose sampling context was not cut).
fn score(net: Net<'_>, rollouts: &[Rollout], temperature: f64) -> Result<Batch, TrainerError> {
	check_temperature(temperature)?;
	let LmSpec { context, vocab, .. } = net.spec;
	let mut rows: Vec<(Vec<u32>, Vec<u32>, usize, usize)> = Vec::new();
	for r in rollouts {
		if r.prompt.is_empty() {
			return Err(TrainerError::InvalidConfig("the prompt is empty"));
		}
		if r.rewards.len() != r.completions.len() {
			return Err(TrainerError::InvalidConfig("one reward per completion"));
		}
		for c in &r.completions {
			let n = c.bytes.len();
			if n > context {
				return Err(TrainerError::InvalidConfig("a completion is longer than the context"));
			}
			if c.logp.len() != n {
				return Err(TrainerError::InvalidConfig("one log-probability per byte"));
			}
			let full: Vec<u32> = r.prompt.iter().chain(&c.bytes).map(|&b| u32::from(b)).collect();
			let inputs = &full[..full.len() - 1];
			let start = inputs.len().saturating_sub(context);
			// Completion token k is predicted at input position prompt.len() − 1 + k.
			let offset = r.prompt.len() - 1 - start;
			rows.push((inputs[start..].to_vec(), full[start + 1..].to_vec(), offset, n));
		}
	}
	let b = rows.len();
	let t = rows.iter().map(|r| r.0.len()).max().unwrap_or(1).max(1);
	let mut ids = vec![0u32; b * t];
	let mut targets = vec![0u32; b * t];
	let mut mask = vec![0f64; b * t];
	for (k, (inputs, next, offset, n)) in rows.iter().enumerate() {
		ids[k * t..k * t + inputs.len()].copy_from_slice(inputs);
		targets[k * t..k * t + next.len()].copy_from_slice(next);
		mask[k * t + offset..k * t + offset + n].fill(1.0);
	}
	let device = net.device;
	let logits = Params::new(net.spec, net.vars)
		.forward(&Tensor::from_vec(ids, (b, t), device)?, device)?
		.to_dtype(DType::F32)?;
	let logp = candle_nn::ops::log_softmax(&(logits / temperature)?, D::Minus1)?
		.reshape((b * t, vocab))?
		.gather(&Tensor::from_vec(targets, (b * t, 1), device)?, 1)?
		.reshape((b, t))?
		.to_dtype(DType::F64)?
		.mul(&Tensor::from_vec(mask, (b, t), device)?)?;
	Ok(Batch {
		logp,
		lens: rows.iter().map(|r| r.3).collect(),
		offsets: rows.iter().map(|r| r.2).collect(),
	})
}

/// Each completion's per-token log-probabilities under `policy` at `temperature`, as the loss
/// computes them (`[rollout][completion][token]`, `f32` values widened to `f64`).
pub fn logprobs(
	policy: &Policy,
	rollouts: &[Rollout],
	temperature: f64,
) -> Result<Vec<Vec<Vec<f64>>>, TrainerError> {
	let batch = score(policy.net(), rollouts, temperature)?;
	let rows = batch.logp.to_vec2::<f64>()?;
	let mut per_row = rows.iter().zip(batch.offsets.iter().zip(&batch.lens));
	let mut out = Vec::with_capacity(rollouts.len());
	for r in rollouts {
		let mut group = Vec::with_capacity(r.completions.len());
		for _ in &r.completions {
			let (row, (&offset, &n)) = per_row
				.next()
				.ok_or(TrainerError::Backend("fewer rows than completions".into()))?;
			group.push(row[offset..offset + n].to_vec());
		}
		out.push(group);
	}
	Ok(out)
}

/// The GSPO loss `−J` of `rollouts` (one group each) under `policy`'s current weights, a
/// scalar `f64` tensor differentiable with respect to [`Policy::vars`]: the completions'
/// per-token log-probabilities at `temperature` (one forward pass for the batch), each
/// sequence's ratio `exp(mean_t(ln π_θ − ln π_old))` against the stored [`Sample::logp`],
/// clipped by `clip`, times the group-normalised advantage of the rewards
/// ([`super::group_advantages`]), averaged within each group and then over groups, as
/// [`super::objective`] computes it.
pub fn loss(
	policy: &Policy,
	rollouts: &[Rollout],
	clip: Clip,
	temperature: f64,
) -> Result<Tensor, TrainerError> {
	loss_with(policy.net(), rollouts, clip, temperature)
}

/// [`loss`] under `net`'s weights.
pub(crate) fn loss_with(
	net: Net<'_>,
	rollouts: &[Rollout],
	clip: Clip,
	temperature: f64,
) -> Result<Tensor, TrainerError> {
	let device = net.device;
	if rollouts.iter().all(|r| r.completions.is_empty()) {
		return Ok(Tensor::new(0f64, device)?);
	}
	let batch = score(net, rollouts, temperature)?;
	let (b, t) = batch.logp.dims2()?;
	// Row weights 1/|y_i| over the completion's tokens, the stored ln π_old in place.
	let mut mean_weights = vec![0f64; b * t];
	let mut old = vec![0f64; b * t];
	let mut advantages = Vec::with_capacity(b);
	let mut group_weights = Vec::with_capacity(b);
	let mut k = 0;
	for r in rollouts {
		let a = group_advantages(&r.rewards);
		for (c, a) in r.completions.iter().zip(a) {
			let (offset, n) = (batch.offsets[k], batch.lens[k]);
			let at = k * t + offset;
			mean_weights[at..at + n].fill(1.0 / n.max(1) as f64);
			old[at..at + n].copy_from_slice(&c.logp);
			advantages.push(a);
			group_weights.push(1.0 / (rollouts.len() * r.completions.len()) as f64);
			k += 1;
		}
	}
	let mean_weights = Tensor::from_vec(mean_weights, (b, t), device)?;
	let old = Tensor::from_vec(old, (b, t), device)?;
	let advantages = Tensor::from_vec(advantages, b, device)?;
	let group_weights = Tensor::from_vec(group_weights, b, device)?;
	let ratio = (batch.logp - old)?.mul(&mean_weights)?.sum(1)?.exp()?;
	let unclipped = ratio.mul(&advantages)?;
	let clipped = ratio.clamp(1.0 - clip.low, 1.0 + clip.high)?.mul(&advantages)?;
	let objective = unclipped.minimum(&clipped)?.mul(&group_weights)?.sum_all()?;
	Ok(objective.neg()?)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		gspo::{arithmetic_prompt_below, arithmetic_reward, objective, Group},
		initial_checkpoint,
		lm::LM_SMALL_ID,
	};

	const EPS: Clip = Clip { low: 0.2, high: 0.2 };

	/// A model-2 checkpoint with weights scaled up so that its predictions are far from uniform.
	fn peaked(seed: u64) -> Checkpoint {
		let base = initial_checkpoint(LM_SMALL_ID, seed).unwrap();
		let tensors =
			base.tensors().iter().map(|t| t.iter().map(|v| v * 4.0 + 0.01).collect()).collect();
		Checkpoint::from_tensors(LM_SMALL_ID, tensors).unwrap()
	}

	fn policy(c: &Checkpoint) -> Policy {
		Policy::on_device(c, Device::Cpu, 1e-3, 0.0).unwrap()
	}

	/// Groups of 4 for 3 prompts, with made-up rewards that differ within each group.
	fn rollouts(p: &Policy) -> Vec<Rollout> {
		(0..3)
			.map(|i| {
				let (prompt, answer) = arithmetic_prompt_below(5, i, 100);
				let completions = sample_group(p, prompt.as_bytes(), 4, 6, 1.0, 100 + i).unwrap();
				let rewards = completions
					.iter()
					.enumerate()
					.map(|(j, c)| arithmetic_reward(answer, &c.bytes) + (j % 3) as f64 * 0.5)
					.collect();
				Rollout { prompt: prompt.into_bytes(), completions, rewards }
			})
			.collect()
	}

	fn reference(rollouts: &[Rollout], new: &[Vec<Vec<f64>>], clip: Clip) -> f64 {
		let groups: Vec<Group> = rollouts
			.iter()
			.zip(new)
			.map(|(r, new)| Group {
				rewards: r.rewards.clone(),
				logp_new: new.clone(),
				logp_old: r.completions.iter().map(|c| c.logp.clone()).collect(),
			})
			.collect();
		objective(&groups, clip)
	}

	fn value(t: &Tensor) -> f64 {
		t.to_scalar::<f64>().unwrap()
	}

	#[test]
	fn sampling_is_deterministic_and_stops_at_a_newline() {
		let p = policy(&peaked(1));
		let a = sample_group(&p, b"12+34=", 6, 8, 1.0, 9).unwrap();
		assert_eq!(a, sample_group(&p, b"12+34=", 6, 8, 1.0, 9).unwrap());
		assert_ne!(a, sample_group(&p, b"12+34=", 6, 8, 1.0, 10).unwrap());
		assert_eq!(a.len(), 6);
		for s in &a {
			assert!(!s.bytes.is_empty() && s.bytes.len() <= 8);
			assert_eq!(s.logp.len(), s.bytes.len());
			assert!(s.logp.iter().all(|l| *l <= 0.0 && l.is_finite()));
			// Only the last byte may be the newline, and a completion shorter than 8 ends on it.
			let body = &s.bytes[..s.bytes.len() - 1];
			assert!(!body.contains(&END));
			assert!(s.bytes.len() == 8 || s.bytes.last() == Some(&END));
		}
		// A cold temperature is greedy in effect: every completion is the same.
		let cold = sample_group(&p, b"12+34=", 4, 8, 1e-3, 3).unwrap();
		assert!(cold.iter().all(|s| s.bytes == cold[0].bytes));
		// A prompt longer than the context is cut to its last `context` bytes.
		let long: Vec<u8> = b"1+2=3\n".iter().copied().cycle().take(100).collect();
		let cut = sample_group(&p, &long, 2, 3, 1.0, 4).unwrap();
		assert_eq!(cut, sample_group(&p, &long[36..], 2, 3, 1.0, 4).unwrap());
		assert!(sample_group(&p, b"", 2, 3, 1.0, 4).is_err());
		assert!(sample_group(&p, b"1+1=", 2, 3, 0.0, 4).is_err());
	}

	#[test]
	fn sampling_logprobs_match_the_loss_logprobs_at_the_sampling_weights() {
		let p = policy(&peaked(2));
		let r = rollouts(&p);
		let new = logprobs(&p, &r, 1.0).unwrap();
		for (r, new) in r.iter().zip(&new) {
			for (c, new) in r.completions.iter().zip(new) {
				for (a, b) in c.logp.iter().zip(new) {
					assert!((a - b).abs() < 1e-4, "{a} vs {b}");
				}
			}
		}
	}

	#[test]
	fn candle_loss_matches_the_reference_at_and_away_from_the_sampling_weights() {
		let base = peaked(3);
		let p = policy(&base);
		let r = rollouts(&p);
		// At the sampling weights every ratio is 1 (to f32 precision).
		let new = logprobs(&p, &r, 1.0).unwrap();
		let at = value(&loss(&p, &r, EPS, 1.0).unwrap());
		let expected = -reference(&r, &new, EPS);
		assert!((at - expected).abs() < 1e-5, "{at} vs {expected}");
		// With ratio 1 and zero-mean advantages J is (nearly) 0.
		assert!(at.abs() < 1e-4, "{at}");
		// Perturb every weight: the ratios move away from 1 and clipping engages.
		let mut rng = SplitMix64::new(11, STREAM_SAMPLING);
		let tensors = base
			.tensors()
			.iter()
			.map(|t| t.iter().map(|v| v + (rng.next_gaussian() * 0.02) as f32).collect())
			.collect();
		let moved = policy(&Checkpoint::from_tensors(LM_SMALL_ID, tensors).unwrap());
		let new = logprobs(&moved, &r, 1.0).unwrap();
		let ratios: Vec<f64> = r
			.iter()
			.zip(&new)
			.flat_map(|(r, new)| {
				r.completions.iter().zip(new).map(|(c, n)| super::super::sequence_ratio(n, &c.logp))
			})
			.collect();
		assert!(ratios.iter().any(|s| (s - 1.0).abs() > 0.01), "{ratios:?}");
		for clip in [EPS, Clip { low: 0.005, high: 0.01 }] {
			let away = value(&loss(&moved, &r, clip, 1.0).unwrap());
			let expected = -reference(&r, &new, clip);
			assert!((away - expected).abs() < 1e-5, "{away} vs {expected}");
		}
		// And it is differentiable: every tensor gets a finite gradient, some of them non-zero.
		let l = loss(&moved, &r, EPS, 1.0).unwrap();
		let grads = l.backward().unwrap();
		let mut norm = 0.0;
		for v in moved.vars() {
			let g = grads.get(v.as_tensor()).unwrap().sqr().unwrap().sum_all().unwrap();
			norm += f64::from(g.to_scalar::<f32>().unwrap());
		}
		assert!(norm.is_finite() && norm > 0.0, "{norm}");
	}

	#[test]
	fn a_gspo_step_raises_the_objective_of_its_own_groups() {
		let base = peaked(4);
		let mut p = Policy::on_device(&base, Device::Cpu, 3e-3, 0.0).unwrap();
		let r = rollouts(&p);
		let before = value(&loss(&p, &r, EPS, 1.0).unwrap());
		for _ in 0..3 {
			let l = loss(&p, &r, EPS, 1.0).unwrap();
			p.step(&l).unwrap();
		}
		let after = value(&loss(&p, &r, EPS, 1.0).unwrap());
		assert!(after < before, "{after} vs {before}");
		assert!(p.checkpoint().unwrap().tensors() != base.tensors());
	}
}
