//! The task of a GSPO job (model 3): sums `a+b=` of two operands below a bound, with the exact
//! reward of [`super::arithmetic_reward`], some problems held out, and how a checkpoint is
//! measured on it.
//!
//! # Training and held-out problems
//! A problem `(a, b)` is *held out* when a frozen hash of it falls in one bucket of
//! [`GspoSpec::held_out_one_in`] ([`GspoSpec::is_held_out`]). Held-out problems are never
//! trained on: the shipped base checkpoint's warm-up text skips them and a miner's rounds draw
//! only the others. They measure whether what a delta taught carries over to sums it never saw.
//!
//! # The measurements (what a validator reports for a GSPO delta)
//! The chain's quality formula reads losses; for a GSPO job a loss is one minus a mean reward,
//! so *reward gained plays the role of loss reduced*:
//! - `loss_before` / `loss_after`: `1 − E[r]` over [`GspoSpec::eval_prompts`] training
//!   problems drawn from the job's dataset seed, where `E[r]` is the *expected* reward of a
//!   completion sampled at the job's temperature: the probability that the policy writes the
//!   sum's digits and then a non-digit, computed exactly from one teacher-forced forward pass
//!   ([`expected_reward`]). It moves smoothly with the weights, so small honest progress is
//!   measured, and it is what GSPO's sampling maximises.
//! - `val_loss_before` / `val_loss_after`: `1 − ` the mean reward of the *greedy* completions of
//!   as many held-out problems.
//! - `grad_variance`: model 2's head-gradient probe on windows of the warm-up text.
//!
//! All of it is plain `f64` with [`libm`] through [`crate::lm::eval::Lm`], identical to the bit
//! on every machine and for every thread count.

use super::{greedy::mean_greedy_reward, log_softmax, Clip};
use crate::{
	checkpoint::Checkpoint,
	eval::{mean, variance},
	lm::Objective,
	lm::{
		eval::{map_parallel, Lm},
		LmSpec,
	},
	model::ModelKind,
	rng::{SplitMix64, STREAM_TRAIN, STREAM_VALIDATION},
	EvalReport, TrainerError,
};

/// Stream label of the held-out hash.
const STREAM_HELD_OUT: u64 = 0x6865_6c64_0000_0007;
/// Stream label of warm-up text.
const STREAM_TEXT: u64 = 0x7465_7874_0000_0009;
/// Stream label of the probe windows of an evaluation.
const STREAM_PROBE: u64 = 0x7072_6f62_6500_0008;

/// A GSPO job's task and its fixed hyper-parameters (the job's own are its learning rate,
/// weight decay, steps and prompts per mini-batch).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GspoSpec {
	/// Operands are drawn uniformly below this bound.
	pub bound: u32,
	/// One problem in this many is held out (at least 2).
	pub held_out_one_in: u64,
	/// Completions sampled per prompt (GSPO's group size `G`).
	pub group: usize,
	/// Bytes a completion may hold (the newline that ends it included).
	pub max_new: usize,
	/// Sampling temperature `τ` (also the temperature of [`expected_reward`]).
	pub temperature: f64,
	/// GSPO's clipping range of the sequence ratio.
	pub clip: Clip,
	/// Optimizer steps each sampled mini-batch is used for: the first on-policy, the next ones
	/// with the sequence ratios and clipping doing their work.
	pub reuse: u32,
	/// Problems each of the two measurements (training, held out) takes.
	pub eval_prompts: usize,
}

/// Model 3's task: two-digit sums (`a, b < 100`), one problem in 8 held out, groups of 8
/// completions of at most 4 bytes sampled at `τ = 1`, sequence ratios clipped to
/// `[0.8, 1.27]`, every mini-batch used for two steps, 64 problems a measurement.
pub const ARITHMETIC: GspoSpec = GspoSpec {
	bound: 100,
	held_out_one_in: 8,
	group: 8,
	max_new: 4,
	temperature: 1.0,
	clip: Clip { low: 0.2, high: 0.27 },
	reuse: 2,
	eval_prompts: 64,
};

/// A problem's prompt and answer.
pub type Problem = (String, u32);

impl GspoSpec {
	/// Whether `a+b` is held out (never trained on).
	pub fn is_held_out(&self, a: u32, b: u32) -> bool {
		let key = (u64::from(a) << 32) | u64::from(b);
		SplitMix64::new(key, STREAM_HELD_OUT).next_u64().is_multiple_of(self.held_out_one_in.max(2))
	}

	/// The next problem of `rng` that is held out (`held_out`) or not: operands drawn below
	/// [`GspoSpec::bound`] until one fits (at most `64 × held_out_one_in` draws, then the last).
	pub(crate) fn draw(&self, rng: &mut SplitMix64, held_out: bool) -> Problem {
		let bound = u64::from(self.bound.max(1));
		let (mut a, mut b) = (0, 0);
		for _ in 0..64 * self.held_out_one_in.max(2) {
			a = rng.below(bound) as u32;
			b = rng.below(bound) as u32;
			if self.is_held_out(a, b) == held_out {
				break;
			}
		}
		(format!("{a}+{b}="), a + b)
	}

	/// `n` training problems of `seed` (none held out).
	pub fn training_problems(&self, seed: u64, n: usize) -> Vec<Problem> {
		let mut rng = SplitMix64::new(seed, STREAM_TRAIN);
		(0..n).map(|_| self.draw(&mut rng, false)).collect()
	}

	/// `n` held-out problems of `seed`.
	pub fn held_out_problems(&self, seed: u64, n: usize) -> Vec<Problem> {
		let mut rng = SplitMix64::new(seed, STREAM_VALIDATION);
		(0..n).map(|_| self.draw(&mut rng, true)).collect()
	}

	/// Warm-up windows of `seed`: each call gives the next `len` bytes of solved training
	/// problems (see [`GspoSpec::text`]), starting at a line.
	pub fn text_stream(&self, seed: u64) -> impl FnMut(usize) -> Vec<u8> {
		let task = *self;
		let mut rng = SplitMix64::new(seed, STREAM_TEXT);
		move |len| task.text(&mut rng, len)
	}

	/// `len` bytes of warm-up text: solved training problems `"a+b=c\n"` drawn from `rng`, the
	/// last line cut at `len`.
	pub(crate) fn text(&self, rng: &mut SplitMix64, len: usize) -> Vec<u8> {
		let mut out = Vec::with_capacity(len + 12);
		while out.len() < len {
			let (prompt, answer) = self.draw(rng, false);
			out.extend_from_slice(format!("{prompt}{answer}\n").as_bytes());
		}
		out.truncate(len);
		out
	}
}

/// The expected reward of `prompt` (not empty) when a completion is sampled from `lm` at
/// `temperature`: `Π_k p(d_k | prompt, d_<k) × (1 − p(digit | prompt, d))` for the answer's
/// digits `d` (the last factor is 1 when the digits fill `max_new` bytes), from one forward pass
/// over the prompt and the digits (cut to the model's context).
pub(crate) fn expected_reward(
	lm: &Lm,
	spec: &LmSpec,
	task: &GspoSpec,
	prompt: &[u8],
	answer: u32,
) -> f64 {
	let digits = answer.to_string().into_bytes();
	let mut tokens = prompt.to_vec();
	tokens.extend_from_slice(&digits);
	let start = tokens.len().saturating_sub(spec.context);
	let window = &tokens[start..];
	if prompt.len() <= start {
		// The prompt alone fills the context: no position predicts the first digit.
		return 0.0;
	}
	let logits = lm.position_logits(window);
	let v = spec.vocab;
	let row = |k: usize| -> Vec<f64> {
		// The byte after `tokens[..prompt.len() + k]` is predicted at window position
		// `prompt.len() + k − 1 − start`.
		let at = prompt.len() + k - 1 - start;
		log_softmax(logits[at * v..(at + 1) * v].iter().copied(), task.temperature)
	};
	let mut log_p = 0.0;
	for (k, d) in digits.iter().enumerate() {
		log_p += row(k)[usize::from(*d)];
	}
	let stop = if digits.len() >= task.max_new {
		1.0
	} else {
		let last = row(digits.len());
		let digit_mass = (b'0'..=b'9').fold(0.0, |acc, d| acc + libm::exp(last[usize::from(d)]));
		(1.0 - digit_mass).max(0.0)
	};
	libm::exp(log_p) * stop
}

/// The shipped base checkpoint of model 3: model 2's network warmed up on solved training sums
/// by `examples/gspo_base.rs` (the file is the artefact; training is not bit-identical across
/// machines, so it is not rebuilt).
static BASE: &[u8] = include_bytes!("../../data/gspo-arithmetic-base.safetensors");

/// Model 3's initial checkpoint, the same for every seed: the shipped warm-up weights.
pub fn base_checkpoint() -> Result<Checkpoint, TrainerError> {
	Ok(Checkpoint::from_bytes(crate::lm::LM_GSPO_ID, BASE)?)
}

/// The task of `checkpoint`'s model, if it is trained by GSPO.
fn task_of(checkpoint: &Checkpoint) -> Result<(LmSpec, GspoSpec), TrainerError> {
	match checkpoint.spec().kind {
		ModelKind::Lm(spec) => match spec.objective {
			Objective::Gspo(task) => Ok((spec, task)),
			Objective::NextByte => Err(TrainerError::InvalidConfig("not a GSPO model")),
		},
		ModelKind::Mlp(_) => Err(TrainerError::InvalidConfig("not a GSPO model")),
	}
}

/// The mean greedy reward of `checkpoint` (a GSPO model's) on the held-out problems a job of
/// `dataset_seed` is measured on: one minus the validation loss its validators report.
pub fn held_out_reward(checkpoint: &Checkpoint, dataset_seed: u64) -> Result<f64, TrainerError> {
	let (_, task) = task_of(checkpoint)?;
	let held = task.held_out_problems(dataset_seed, task.eval_prompts);
	super::greedy_reward(checkpoint, &held, task.max_new, crate::lm::eval::eval_threads())
}

/// Measures base and base + delta (`updated`) of a GSPO job for its `dataset_seed` (see the
/// module docs), on `threads` threads (the result does not depend on it).
pub(crate) fn evaluate(
	spec: &LmSpec,
	task: &GspoSpec,
	base: &Checkpoint,
	updated: &Checkpoint,
	dataset_seed: u64,
	threads: usize,
) -> EvalReport {
	let train = task.training_problems(dataset_seed, task.eval_prompts);
	let held = task.held_out_problems(dataset_seed, task.eval_prompts);
	let before = Lm::new(spec, base);
	let after = Lm::new(spec, updated);
	let expected = |m: &Lm| {
		mean(&map_parallel(&train, threads, |(p, a): &Problem| {
			expected_reward(m, spec, task, p.as_bytes(), *a)
		}))
	};
	let greedy = |m: &Lm| mean_greedy_reward(m, spec.context, &held, task.max_new, threads);
	let mut rng = SplitMix64::new(dataset_seed, STREAM_PROBE);
	let probes: Vec<Vec<u8>> =
		(0..spec.grad_probe_sequences).map(|_| task.text(&mut rng, spec.context + 1)).collect();
	let norms = map_parallel(&probes, threads, |w: &Vec<u8>| after.measure(w, true).1);
	EvalReport {
		loss_before: 1.0 - expected(&before),
		loss_after: 1.0 - expected(&after),
		val_loss_before: 1.0 - greedy(&before),
		val_loss_after: 1.0 - greedy(&after),
		grad_variance: variance(&norms),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::lm::LM_SMALL;

	#[test]
	fn held_out_problems_are_never_training_problems() {
		let t = ARITHMETIC;
		let train = t.training_problems(5, 500);
		let held = t.held_out_problems(5, 200);
		let parse = |p: &str| -> (u32, u32) {
			let (a, b) = p.trim_end_matches('=').split_once('+').unwrap();
			(a.parse().unwrap(), b.parse().unwrap())
		};
		for (p, answer) in &train {
			let (a, b) = parse(p);
			assert!(a < 100 && b < 100 && a + b == *answer && !t.is_held_out(a, b));
		}
		for (p, _) in &held {
			let (a, b) = parse(p);
			assert!(t.is_held_out(a, b));
		}
		// About one problem in eight is held out.
		let count = (0..100).flat_map(|a| (0..100).map(move |b| (a, b)));
		let n = count.filter(|&(a, b)| t.is_held_out(a, b)).count();
		assert!((1_000..1_500).contains(&n), "{n}");
		// Deterministic.
		assert_eq!(train, t.training_problems(5, 500));
		assert_ne!(train, t.training_problems(6, 500));
		// Warm-up text is solved training problems.
		let text = t.text(&mut SplitMix64::new(1, 2), 200);
		assert_eq!(text.len(), 200);
		for line in text.split(|&c| c == b'\n').take(5) {
			let line = std::str::from_utf8(line).unwrap();
			let (p, sum) = line.split_once('=').unwrap();
			let (a, b) = parse(&format!("{p}="));
			assert_eq!(a + b, sum.parse::<u32>().unwrap());
			assert!(!t.is_held_out(a, b));
		}
	}

	/// A model-2-shaped checkpoint with weights scaled up so that it is far from uniform.
	fn peaked() -> Checkpoint {
		let base = crate::initial_checkpoint(crate::lm::LM_SMALL_ID, 4).unwrap();
		let tensors =
			base.tensors().iter().map(|t| t.iter().map(|v| v * 4.0 + 0.01).collect()).collect();
		Checkpoint::from_tensors(crate::lm::LM_SMALL_ID, tensors).unwrap()
	}

	#[test]
	fn expected_reward_is_the_probability_of_the_exact_answer() {
		// By hand from next-byte distributions: p("1"|"9+3=") · p("2"|"9+3=1") · (1 − Σ digits).
		let c = peaked();
		let lm = Lm::new(&LM_SMALL, &c);
		let t = ARITHMETIC;
		let p = |ctx: &[u8], byte: u8| {
			let l = log_softmax(lm.next_logits(ctx), 1.0);
			libm::exp(l[usize::from(byte)])
		};
		let digits: f64 = (b'0'..=b'9').map(|d| p(b"9+3=12", d)).sum();
		let by_hand = p(b"9+3=", b'1') * p(b"9+3=1", b'2') * (1.0 - digits);
		let got = expected_reward(&lm, &LM_SMALL, &t, b"9+3=", 12);
		assert!((got - by_hand).abs() < 1e-12 * by_hand.max(1e-300), "{got} vs {by_hand}");
		assert!(got > 0.0 && got < 1.0);
		// Digits that fill the completion need no stop.
		let full = GspoSpec { max_new: 2, ..t };
		let got = expected_reward(&lm, &LM_SMALL, &full, b"9+3=", 12);
		assert!((got - p(b"9+3=", b'1') * p(b"9+3=1", b'2')).abs() < 1e-15);
	}

	#[test]
	fn evaluation_is_identical_on_any_number_of_threads() {
		let base = peaked();
		let moved: Vec<Vec<f32>> =
			base.tensors().iter().map(|t| t.iter().map(|v| v * 1.01).collect()).collect();
		let updated = Checkpoint::from_tensors(crate::lm::LM_SMALL_ID, moved).unwrap();
		let one = evaluate(&LM_SMALL, &ARITHMETIC, &base, &updated, 9, 1);
		for threads in [2, 5] {
			let r = evaluate(&LM_SMALL, &ARITHMETIC, &base, &updated, 9, threads);
			assert_eq!(format!("{r:?}"), format!("{one:?}"));
		}
		for v in [one.loss_before, one.loss_after, one.val_loss_before, one.val_loss_after] {
			assert!((0.0..=1.0).contains(&v), "{one:?}");
		}
		assert_ne!(one.loss_before, one.loss_after);
	}
}
