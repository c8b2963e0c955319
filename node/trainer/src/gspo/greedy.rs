//! Deterministic evaluation of a policy: greedy decoding in plain `f64` with the language
//! model's evaluator ([`crate::lm::eval`]), so a reward is identical to the bit on every
//! machine and for every thread count.

use super::{arithmetic_reward, END};
use crate::{
	checkpoint::Checkpoint,
	lm::{
		eval::{map_parallel, Lm},
		LmSpec,
	},
	model::ModelKind,
	TrainerError,
};

fn lm_spec(checkpoint: &Checkpoint) -> Result<LmSpec, TrainerError> {
	match checkpoint.spec().kind {
		ModelKind::Lm(spec) => Ok(spec),
		ModelKind::Mlp(_) => Err(TrainerError::InvalidConfig("not a language model")),
	}
}

/// The greedy completion of `prompt` (not empty): the most likely byte (the lowest on a tie),
/// again and again, until a newline byte or `max_new` bytes; the context is cut to its last
/// `context` bytes.
pub(crate) fn decode(lm: &Lm, context: usize, prompt: &[u8], max_new: usize) -> Vec<u8> {
	let mut seq = prompt.to_vec();
	for _ in 0..max_new {
		let window = &seq[seq.len().saturating_sub(context)..];
		let logits = lm.next_logits(window);
		let mut best = 0;
		for (i, l) in logits.iter().enumerate() {
			if *l > logits[best] {
				best = i;
			}
		}
		seq.push(best as u8);
		if best as u8 == END {
			break;
		}
	}
	seq.split_off(prompt.len())
}

/// The greedy completion of `prompt` (not empty) under `checkpoint`, a language model's: the
/// most likely byte (the lowest on a tie), computed in `f64`, until a newline byte (included)
/// or `max_new` bytes; a context longer than the model's is cut to its last `context` bytes.
pub fn greedy_completion(
	checkpoint: &Checkpoint,
	prompt: &[u8],
	max_new: usize,
) -> Result<Vec<u8>, TrainerError> {
	let spec = lm_spec(checkpoint)?;
	if prompt.is_empty() {
		return Err(TrainerError::InvalidConfig("the prompt is empty"));
	}
	Ok(decode(&Lm::new(&spec, checkpoint), spec.context, prompt, max_new))
}

/// The mean [`arithmetic_reward`] of the greedy completions (at most `max_new` bytes) of
/// `prompts` (`(prompt, answer)` pairs, as [`super::arithmetic_prompt`] gives them) under
/// `checkpoint`, decoded on up to `threads` threads: each prompt is decoded whole by one thread
/// and the rewards are summed in prompt order, so the result is the same to the bit for every
/// thread count and on every machine. 0 for no prompt.
pub fn greedy_reward(
	checkpoint: &Checkpoint,
	prompts: &[(String, u32)],
	max_new: usize,
	threads: usize,
) -> Result<f64, TrainerError> {
	let spec = lm_spec(checkpoint)?;
	if prompts.iter().any(|(p, _)| p.is_empty()) {
		return Err(TrainerError::InvalidConfig("the prompt is empty"));
	}
	if prompts.is_empty() {
		return Ok(0.0);
	}
	Ok(mean_greedy_reward(&Lm::new(&spec, checkpoint), spec.context, prompts, max_new, threads))
}

/// The mean [`arithmetic_reward`] of `lm`'s greedy completions of `prompts` (0 for none), on
/// up to `threads` threads, summed in prompt order.
pub(crate) fn mean_greedy_reward(
	lm: &Lm,
	context: usize,
	prompts: &[(String, u32)],
	max_new: usize,
	threads: usize,
) -> f64 {
	let rewards = map_parallel(prompts, threads, |(prompt, answer)| {
		arithmetic_reward(*answer, &decode(lm, context, prompt.as_bytes(), max_new))
	});
	crate::eval::mean(&rewards)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{gspo::arithmetic_prompt_below, initial_checkpoint, lm::LM_SMALL_ID};

	/// A model-2 checkpoint whose head is tied to a scaled-up embedding, so that greedy
	/// decoding is not stuck on one byte.
	fn peaked() -> Checkpoint {
		let base = initial_checkpoint(LM_SMALL_ID, 8).unwrap();
		let tensors =
			base.tensors().iter().map(|t| t.iter().map(|v| v * 4.0 + 0.01).collect()).collect();
		Checkpoint::from_tensors(LM_SMALL_ID, tensors).unwrap()
	}

	#[test]
	fn greedy_reward_is_identical_on_any_number_of_threads_and_runs() {
		let c = peaked();
		let prompts: Vec<(String, u32)> =
			(0..12).map(|i| arithmetic_prompt_below(3, i, 10)).collect();
		let one = greedy_reward(&c, &prompts, 4, 1).unwrap();
		for threads in [1, 2, 5] {
			assert_eq!(greedy_reward(&c, &prompts, 4, threads).unwrap().to_bits(), one.to_bits());
		}
		assert!((0.0..=1.0).contains(&one));
		let first = greedy_completion(&c, prompts[0].0.as_bytes(), 4).unwrap();
		assert_eq!(first, greedy_completion(&c, prompts[0].0.as_bytes(), 4).unwrap());
		assert!(!first.is_empty() && first.len() <= 4);
		assert_eq!(greedy_reward(&c, &[], 4, 2).unwrap(), 0.0);
		assert!(greedy_completion(&c, b"", 4).is_err());
	}

	#[test]
	fn greedy_reward_counts_exact_answers() {
		// The reward is the mean of the prompts' rewards of their greedy completions.
		let c = peaked();
		let prompts: Vec<(String, u32)> =
			(0..4).map(|i| arithmetic_prompt_below(1, i, 10)).collect();
		let said = greedy_completion(&c, prompts[0].0.as_bytes(), 4).unwrap();
		let by_hand = prompts
			.iter()
			.map(|(p, a)| arithmetic_reward(*a, &greedy_completion(&c, p.as_bytes(), 4).unwrap()))
			.sum::<f64>()
			/ 4.0;
		assert_eq!(greedy_reward(&c, &prompts, 4, 3).unwrap(), by_hand);
		// Scoring the model's own answer as the truth gives that prompt reward 1.
		let text = String::from_utf8_lossy(&said).to_string();
		if let Ok(n) = text.trim_end().parse::<u32>() {
			let own = greedy_reward(&c, &[(prompts[0].0.clone(), n)], 4, 1).unwrap();
			assert_eq!(own, 1.0);
		}
	}
}
