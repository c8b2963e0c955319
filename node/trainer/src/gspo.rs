//! Group Sequence Policy Optimization (GSPO; Zheng et al., 2025), the objective of the
//! fine-tuning job kind, and the verifiable reward it is trained and judged with.
//!
//! For a prompt `x`, a round samples a group of `G` completions `y_1 … y_G` from the round's
//! base policy `π_old`, scores each with a reward `r_i` the validators can recompute, and
//! maximises
//!
//! ```text
//! J(θ) = (1/G) Σ_i min( s_i(θ) · A_i,  clip(s_i(θ), 1 − ε_low, 1 + ε_high) · A_i )
//! s_i(θ) = exp( (1/|y_i|) Σ_t ln π_θ(y_i,t | x, y_i,<t) − ln π_old(y_i,t | x, y_i,<t) )
//! A_i = (r_i − mean(r)) / std(r)
//! ```
//!
//! GSPO's two departures from token-level PPO/GRPO are both here: the importance ratio `s_i`
//! is one number per *sequence* (the geometric mean of the token ratios, so its scale does not
//! grow with length), and clipping acts on whole sequences; advantages are the group-normalised
//! rewards (population standard deviation; a group whose rewards are all equal teaches nothing
//! and gets advantage 0). These functions are the plain `f64` reference of the objective: the
//! trainer's candle loss must agree with them, and the tests pin them to hand-computed numbers.
//!
//! # The reward
//! [`arithmetic_prompt`] draws `"a+b="` with `a, b < 1000` from a seed; [`arithmetic_reward`]
//! is 1 when a completion begins with the decimal sum followed by a non-digit (or ends there),
//! else 0. Anyone recomputes it from the bytes alone, so a miner cannot claim a reward its
//! completions did not earn. [`arithmetic_prompt_below`] draws smaller operands (a small model
//! learns those first) and [`arithmetic_text`] writes warm-up text of solved lines.
//!
//! # Training and evaluation
//! [`Policy`] holds a language model's weights as candle variables with their AdamW state;
//! [`sample_group`] samples a prompt's group by temperature sampling and keeps each byte's
//! log-probability as `ln π_old`; [`loss`] is `−J` in candle, differentiable in the weights,
//! built from the reference's advantages and agreeing with [`objective`]. [`greedy_reward`]
//! judges a checkpoint by greedy decoding in plain `f64` (bit-identical on every machine and
//! for every thread count), on held-out prompts.

use crate::rng::SplitMix64;

mod greedy;
mod policy;
pub mod task;

pub use greedy::{greedy_completion, greedy_reward};
pub use policy::{logprobs, loss, sample_group, Policy, Rollout, Sample};
pub(crate) use policy::{loss_with, sample_with, Net};
pub use task::{base_checkpoint, held_out_reward, GspoSpec, Problem, ARITHMETIC};

/// Stream label for GSPO's temperature sampling ([`sample_group`]); beside the streams of
/// `crate::rng`, which stay as they are.
pub(crate) const STREAM_SAMPLING: u64 = 0x7361_6d70_6c65_0006;

/// The newline byte that ends a completion.
pub const END: u8 = b'\n';

/// GSPO's clipping range: a sequence ratio is clipped to `[1 − low, 1 + high]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clip {
	/// `ε_low`.
	pub low: f64,
	/// `ε_high`.
	pub high: f64,
}

/// Group-normalised advantages `(r_i − mean) / std` (population standard deviation); all zero
/// when the rewards are equal (or the group is empty).
pub fn group_advantages(rewards: &[f64]) -> Vec<f64> {
	if rewards.is_empty() {
		return Vec::new();
	}
	let mean = crate::eval::mean(rewards);
	let std = crate::eval::variance(rewards).sqrt();
	if std == 0.0 {
		return vec![0.0; rewards.len()];
	}
	rewards.iter().map(|r| (r - mean) / std).collect()
}

/// `ln softmax(logits / τ)` in `f64`, with [`libm`]: the sampling distribution of
/// [`sample_group`] and the one [`task`] measures expected rewards with.
pub(crate) fn log_softmax(logits: impl IntoIterator<Item = f64>, temperature: f64) -> Vec<f64> {
	let scaled: Vec<f64> = logits.into_iter().map(|l| l / temperature).collect();
	let max = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
	let total = scaled.iter().fold(0.0, |acc, l| acc + libm::exp(l - max));
	let log_total = max + libm::log(total);
	scaled.iter().map(|l| l - log_total).collect()
}

/// The sequence-level importance ratio `exp(mean_t(ln π_new − ln π_old))` of one completion,
/// from its tokens' log-probabilities under the policy being trained and the base policy. An
/// empty completion has ratio 1.
pub fn sequence_ratio(logp_new: &[f64], logp_old: &[f64]) -> f64 {
	let n = logp_new.len().min(logp_old.len());
	if n == 0 {
		return 1.0;
	}
	let mean = logp_new.iter().zip(logp_old).map(|(a, b)| a - b).sum::<f64>() / n as f64;
	mean.exp()
}

/// One completion's clipped term `min(s·A, clip(s, 1 − ε_low, 1 + ε_high)·A)`.
pub fn clipped_term(ratio: f64, advantage: f64, clip: Clip) -> f64 {
	let clipped = ratio.clamp(1.0 - clip.low, 1.0 + clip.high);
	(ratio * advantage).min(clipped * advantage)
}

/// One prompt's group: each completion's reward and its tokens' log-probabilities under the
/// policy being trained and under the base policy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
	/// `r_i`.
	pub rewards: Vec<f64>,
	/// `ln π_θ` of each completion's tokens.
	pub logp_new: Vec<Vec<f64>>,
	/// `ln π_old` of each completion's tokens.
	pub logp_old: Vec<Vec<f64>>,
}

/// The GSPO objective `J` averaged over groups (each group's mean of its clipped terms); 0 for
/// no group. Training minimises `−J`.
pub fn objective(groups: &[Group], clip: Clip) -> f64 {
	if groups.is_empty() {
		return 0.0;
	}
	let per_group = groups.iter().map(|g| {
		let advantages = group_advantages(&g.rewards);
		let terms: Vec<f64> = advantages
			.iter()
			.zip(g.logp_new.iter().zip(&g.logp_old))
			.map(|(a, (new, old))| clipped_term(sequence_ratio(new, old), *a, clip))
			.collect();
		if terms.is_empty() {
			0.0
		} else {
			terms.iter().sum::<f64>() / terms.len() as f64
		}
	});
	per_group.sum::<f64>() / groups.len() as f64
}

/// The `index`-th arithmetic prompt of `seed`: `"a+b="` with `a, b` uniform in `0..1000`, and
/// its answer `a + b`.
pub fn arithmetic_prompt(seed: u64, index: u64) -> (String, u32) {
	arithmetic_prompt_below(seed, index, 1000)
}

/// The `index`-th arithmetic prompt of `seed` with operands below `bound`: `"a+b="` with `a, b`
/// uniform in `0..bound` (both 0 for a bound of 0), and its answer `a + b`. A bound of 1000 is
/// [`arithmetic_prompt`].
pub fn arithmetic_prompt_below(seed: u64, index: u64, bound: u32) -> (String, u32) {
	let mut rng = SplitMix64::new(seed ^ index.rotate_left(17), crate::rng::STREAM_PROMPTS);
	let a = rng.below(u64::from(bound)) as u32;
	let b = rng.below(u64::from(bound)) as u32;
	(format!("{a}+{b}="), a + b)
}

/// `len` bytes of arithmetic text for supervised warm-up: the lines `"a+b=c\n"` of the prompts
/// `arithmetic_prompt_below(seed, first + k, bound)` for `k = 0, 1, …`, skipping each prompt
/// `keep` rejects (a held-out set), the last line cut at `len`. Gives up, shorter, after
/// `64·(len + 1)` prompts if `keep` rejects nearly all of them.
pub fn arithmetic_text(
	seed: u64,
	first: u64,
	bound: u32,
	len: usize,
	keep: impl Fn(&str) -> bool,
) -> Vec<u8> {
	let mut out = Vec::with_capacity(len + 16);
	let tries = 64 * (len as u64 + 1);
	for k in 0..tries {
		if out.len() >= len {
			break;
		}
		let (prompt, answer) = arithmetic_prompt_below(seed, first.wrapping_add(k), bound);
		if keep(&prompt) {
			out.extend_from_slice(format!("{prompt}{answer}\n").as_bytes());
		}
	}
	out.truncate(len);
	out
}

/// 1 if `completion` starts with the decimal `answer` followed by a non-digit or its end, else 0.
pub fn arithmetic_reward(answer: u32, completion: &[u8]) -> f64 {
	let digits = answer.to_string();
	let exact = completion.starts_with(digits.as_bytes())
		&& completion.get(digits.len()).is_none_or(|c| !c.is_ascii_digit());
	if exact {
		1.0
	} else {
		0.0
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const EPS: Clip = Clip { low: 0.2, high: 0.2 };

	#[test]
	fn a_small_group_by_hand() {
		// Rewards [1, 0]: mean 0.5, std 0.5, advantages [1, −1].
		assert_eq!(group_advantages(&[1.0, 0.0]), vec![1.0, -1.0]);
		// Completion 1: token log-ratios 0.1 and 0.3, mean 0.2, s = e^0.2 = 1.221 403, clipped to
		// 1.2; with A = 1 the term is min(1.2214, 1.2) = 1.2.
		// Completion 2: log-ratio −0.1, s = e^−0.1 = 0.904 837, inside the range; A = −1: −0.904 837.
		let g = Group {
			rewards: vec![1.0, 0.0],
			logp_new: vec![vec![-1.0, -2.0], vec![-0.6]],
			logp_old: vec![vec![-1.1, -2.3], vec![-0.5]],
		};
		let s1 = sequence_ratio(&g.logp_new[0], &g.logp_old[0]);
		assert!((s1 - 1.221_402_758).abs() < 1e-9);
		assert!((clipped_term(s1, 1.0, EPS) - 1.2).abs() < 1e-12);
		let j = objective(std::slice::from_ref(&g), EPS);
		// (1.2 − 0.904 837 418) / 2 = 0.147 581 291
		assert!((j - 0.147_581_291).abs() < 1e-9, "{j}");
		// A ratio below the range with a negative advantage is clipped too: s = 0.5, A = −1:
		// min(−0.5, −0.8) = −0.8 (the pessimistic bound).
		assert!((clipped_term(0.5, -1.0, EPS) + 0.8).abs() < 1e-12);
		// With a positive advantage a low ratio is not lifted: min(0.5, 0.8) = 0.5.
		assert!((clipped_term(0.5, 1.0, EPS) - 0.5).abs() < 1e-12);
	}

	#[test]
	fn equal_rewards_teach_nothing_and_length_does_not_scale_the_ratio() {
		assert_eq!(group_advantages(&[1.0, 1.0, 1.0]), vec![0.0; 3]);
		assert!(group_advantages(&[]).is_empty());
		// The same per-token log-ratio over 1 or 50 tokens gives the same sequence ratio.
		let short = sequence_ratio(&[0.05], &[0.0]);
		let long = sequence_ratio(&[0.05; 50], &[0.0; 50]);
		assert!((short - long).abs() < 1e-12);
		assert_eq!(sequence_ratio(&[], &[]), 1.0);
		assert_eq!(objective(&[], EPS), 0.0);
	}

	#[test]
	fn the_arithmetic_reward_is_exact() {
		let (prompt, answer) = arithmetic_prompt(7, 0);
		let (a, b) = prompt.trim_end_matches('=').split_once('+').unwrap();
		assert_eq!(a.parse::<u32>().unwrap() + b.parse::<u32>().unwrap(), answer);
		assert_eq!(arithmetic_prompt(7, 0), (prompt.clone(), answer));
		assert_ne!(arithmetic_prompt(7, 1).0, prompt);
		assert_eq!(arithmetic_reward(57, b"57"), 1.0);
		assert_eq!(arithmetic_reward(57, b"57\n12+3="), 1.0);
		assert_eq!(arithmetic_reward(57, b"570"), 0.0);
		assert_eq!(arithmetic_reward(57, b"5"), 0.0);
		assert_eq!(arithmetic_reward(57, b" 57"), 0.0);
		assert_eq!(arithmetic_reward(0, b"0."), 1.0);
	}

	#[test]
	fn smaller_operands_and_warm_up_text() {
		// A bound of 1000 is the default prompt, to the bit.
		assert_eq!(arithmetic_prompt_below(7, 3, 1000), arithmetic_prompt(7, 3));
		for i in 0..50 {
			let (p, answer) = arithmetic_prompt_below(9, i, 10);
			let (a, b) = p.trim_end_matches('=').split_once('+').unwrap();
			let (a, b) = (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap());
			assert!(a < 10 && b < 10 && a + b == answer);
		}
		assert_eq!(arithmetic_prompt_below(1, 1, 0), ("0+0=".to_string(), 0));
		// Warm-up text: whole lines "a+b=c\n" of the prompts in turn, the last one cut.
		let text = arithmetic_text(4, 10, 100, 65, |_| true);
		assert_eq!(text.len(), 65);
		let (p0, a0) = arithmetic_prompt_below(4, 10, 100);
		let (p1, a1) = arithmetic_prompt_below(4, 11, 100);
		assert!(text.starts_with(format!("{p0}{a0}\n{p1}{a1}\n").as_bytes()));
		// A held-out prompt never appears.
		let held = arithmetic_text(4, 10, 100, 65, |p| p != p0);
		assert!(held.starts_with(format!("{p1}{a1}\n").as_bytes()));
		// A filter that rejects everything gives up with what it has.
		assert!(arithmetic_text(4, 0, 100, 65, |_| false).is_empty());
	}
}
