//! A whole round as the node runs it: a miner trains, validators evaluate, the orchestrator
//! aggregates.

use gym_primitives::mining::{overclaimed, report_quality, DEFAULT_MAX_QUALITY, MICRO};
use gym_trainer::{
	aggregate, blake2_256, claimed_quality, evaluate_delta, initial_checkpoint, train_round,
	Checkpoint, DeltaError, RoundOutcome, TrainConfig, MODEL_IDS,
};
use std::sync::OnceLock;

const MODEL: u32 = 0;
const DATASET_SEED: u64 = 2026;

/// A short round (debug builds run candle slowly); the default config is measured by the
/// `throughput` example.
fn cfg(seed: u64) -> TrainConfig {
	TrainConfig {
		steps: 120,
		batch_size: 32,
		learning_rate_micro: 20_000,
		weight_decay_micro: 100,
		seed,
	}
}

fn base() -> Checkpoint {
	initial_checkpoint(MODEL, 1).unwrap()
}

/// A GSPO round of model 3: 8 steps of 16 prompts, learning rate 0.0001.
const GSPO_CFG: TrainConfig = TrainConfig {
	steps: 8,
	batch_size: 16,
	learning_rate_micro: 100,
	weight_decay_micro: 0,
	seed: 3,
};

/// One round shared by the tests that only read it.
fn round() -> &'static RoundOutcome {
	static ROUND: OnceLock<RoundOutcome> = OnceLock::new();
	ROUND.get_or_init(|| {
		train_round(MODEL, DATASET_SEED, &base(), &cfg(7), Vec::new(), |_, _| {}).unwrap()
	})
}

#[test]
fn training_reduces_training_and_validation_loss() {
	let mut seen = Vec::new();
	let out = train_round(MODEL, DATASET_SEED, &base(), &cfg(8), Vec::new(), |step, loss| {
		seen.push((step, loss))
	})
	.unwrap();
	let r = out.report;
	assert!(r.loss_after < 0.8 * r.loss_before, "{r:?}");
	assert!(r.val_loss_after < r.val_loss_before, "{r:?}");
	assert_eq!(seen.len(), 120);
	assert_eq!(seen.first().unwrap().0, 1);
	assert_eq!(out.steps, 120);
	assert_eq!(out.samples, 120 * 32);
	assert!(out.last_batch_loss < out.first_batch_loss);
	assert!(out.step_grad_norm_variance.is_finite() && out.step_grad_norm_variance > 0.0);
	assert_eq!(out.delta_hash, blake2_256(&out.delta));
}

#[test]
fn evaluation_agrees_with_the_miner_to_the_bit() {
	let out = round();
	let r = evaluate_delta(MODEL, DATASET_SEED, &base(), &out.delta, out.delta_hash).unwrap();
	assert_eq!(r.loss_before.to_bits(), out.report.loss_before.to_bits());
	assert_eq!(r.loss_after.to_bits(), out.report.loss_after.to_bits());
	assert_eq!(r.val_loss_before.to_bits(), out.report.val_loss_before.to_bits());
	assert_eq!(r.val_loss_after.to_bits(), out.report.val_loss_after.to_bits());
	assert_eq!(r.grad_variance.to_bits(), out.report.grad_variance.to_bits());
	assert_eq!(r.to_validation_report(), out.report.to_validation_report());
}

#[test]
fn two_evaluations_are_bit_identical() {
	let out = round();
	let a = evaluate_delta(MODEL, DATASET_SEED, &base(), &out.delta, out.delta_hash).unwrap();
	let b = evaluate_delta(MODEL, DATASET_SEED, &base(), &out.delta, out.delta_hash).unwrap();
	let bits = |r: &gym_trainer::EvalReport| {
		[r.loss_before, r.loss_after, r.val_loss_before, r.val_loss_after, r.grad_variance]
			.map(f64::to_bits)
	};
	assert_eq!(bits(&a), bits(&b));
	assert_eq!(a.to_validation_report(), b.to_validation_report());
}

/// The quality a miner claims is the quality the chain judges, for every shipped model: a real
/// round is trained, an orchestrator evaluates the uploaded bytes, and the chain's judge
/// (`report_quality`) scores the orchestrator's report. The claim must equal it under the
/// thresholds and caps a job and a chain may set (so a drift of either formula, of the fixed
/// point or of the evaluation shows here), and an honest miner is never `overclaimed`.
#[test]
fn the_claimed_quality_is_the_chains_judgement_on_every_model() {
	for model in MODEL_IDS {
		let base = initial_checkpoint(model, 1).unwrap();
		let cfg = match model {
			// GSPO: a few steps of 8 prompts (× 8 completions) at a fine-tuning rate.
			gym_trainer::lm::LM_GSPO_ID => GSPO_CFG,
			_ => TrainConfig { steps: 30, ..cfg(21) },
		};
		let out = train_round(model, DATASET_SEED, &base, &cfg, Vec::new(), |_, _| {}).unwrap();
		let measured =
			evaluate_delta(model, DATASET_SEED, &base, &out.delta, out.delta_hash).unwrap();
		let report = measured.to_validation_report();
		// The variance threshold below, at and above the measured variance; the chain's default
		// cap, a cap the round reaches, and no cap at all.
		let variance = report.grad_variance;
		let thresholds = [variance.saturating_sub(1), variance, variance.saturating_add(1)];
		let caps = [DEFAULT_MAX_QUALITY, MICRO as u32 / 10, u32::MAX];
		let mut qualities = Vec::new();
		for threshold in thresholds {
			for cap in caps {
				let judged = report_quality(&report, threshold, cap);
				let claimed = claimed_quality(&out.report, threshold, cap);
				assert_eq!(claimed, judged, "model {model}, threshold {threshold}, cap {cap}");
				assert!(!overclaimed(claimed, judged, 0));
				qualities.push(judged);
			}
		}
		// The round learned something: the judgement is not trivially zero.
		assert!(qualities.iter().any(|q| *q > 0), "model {model}: {report:?}");
	}
}

#[test]
fn cpu_training_is_repeatable() {
	// candle on the CPU: same job, same config, same delta bytes.
	let again = train_round(MODEL, DATASET_SEED, &base(), &cfg(7), Vec::new(), |_, _| {}).unwrap();
	assert_eq!(again.delta_hash, round().delta_hash);
	// A different mini-batch seed gives a different delta.
	let other = train_round(
		MODEL,
		DATASET_SEED,
		&base(),
		&TrainConfig { steps: 3, ..cfg(9) },
		Vec::new(),
		|_, _| {},
	)
	.unwrap();
	assert_ne!(other.delta_hash, round().delta_hash);
}

#[test]
fn corrupted_delta_is_a_hash_mismatch() {
	let out = round();
	let mut bytes = out.delta.clone();
	let last = bytes.len() - 1;
	bytes[last] ^= 1;
	assert!(matches!(
		evaluate_delta(MODEL, DATASET_SEED, &base(), &bytes, out.delta_hash),
		Err(DeltaError::HashMismatch { expected, .. }) if expected == out.delta_hash
	));
}

#[test]
fn garbage_with_its_hash_is_undecodable() {
	let garbage = b"definitely not safetensors".to_vec();
	assert!(matches!(
		evaluate_delta(MODEL, DATASET_SEED, &base(), &garbage, blake2_256(&garbage)),
		Err(DeltaError::Undecodable(_))
	));
	// A header length pointing past the end.
	let mut lying = 1_000u64.to_le_bytes().to_vec();
	lying.extend_from_slice(b"{}");
	assert!(matches!(
		evaluate_delta(MODEL, DATASET_SEED, &base(), &lying, blake2_256(&lying)),
		Err(DeltaError::Undecodable(_))
	));
}

#[test]
fn wrong_shape_is_refused() {
	use gym_trainer::compress::{compress, Compression};
	let b = base();
	let mut zeros: Vec<Vec<f32>> = b.tensors().iter().map(|t| vec![0.0; t.len()]).collect();
	// l3.weight (tensor 5) one value short.
	zeros[5].pop();
	let bytes = compress(MODEL, &zeros, &mut Vec::new(), Compression::DENSE).unwrap();
	assert!(matches!(
		evaluate_delta(MODEL, DATASET_SEED, &b, &bytes, blake2_256(&bytes)),
		Err(DeltaError::WrongShape { tensor, .. }) if tensor == "5"
	));
	// A missing tensor.
	zeros.pop();
	let bytes = compress(MODEL, &zeros, &mut Vec::new(), Compression::DENSE).unwrap();
	assert!(matches!(
		evaluate_delta(MODEL, DATASET_SEED, &b, &bytes, blake2_256(&bytes)),
		Err(DeltaError::WrongShape { tensor, .. }) if tensor == "*"
	));
	// A whole checkpoint (safetensors) is not a delta.
	let bytes = b.to_bytes();
	assert!(matches!(
		evaluate_delta(MODEL, DATASET_SEED, &b, &bytes, blake2_256(&bytes)),
		Err(DeltaError::Undecodable(_))
	));
}

#[test]
fn non_finite_and_oversized_deltas_are_refused() {
	let b = base();
	let mut tensors: Vec<Vec<f32>> = b.tensors().iter().map(|t| vec![0.0; t.len()]).collect();
	tensors[1][0] = 1.0;
	let big = Checkpoint::from_tensors(MODEL, tensors).unwrap().to_delta_bytes().unwrap();
	// The encoder refuses infinities, so write one straight into the bytes: tensor 1's scale,
	// after the header (13 bytes), tensor 0 (12 + 64 bytes: every value kept, so no indices) and
	// tensor 1's length and count.
	let mut bytes = big.clone();
	let pos = 13 + 12 + 64 + 8;
	let scale = f32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap());
	assert!((scale * 127.0 - 1.0).abs() < 1e-6, "{scale}");
	bytes[pos..pos + 4].copy_from_slice(&f32::INFINITY.to_le_bytes());
	assert!(matches!(
		evaluate_delta(MODEL, DATASET_SEED, &b, &bytes, blake2_256(&bytes)),
		Err(DeltaError::NonFinite { .. })
	));
	let huge = vec![0u8; gym_trainer::MAX_DELTA_BYTES + 1];
	assert!(matches!(
		evaluate_delta(MODEL, DATASET_SEED, &b, &huge, blake2_256(&huge)),
		Err(DeltaError::TooLarge { .. })
	));
	assert!(matches!(
		evaluate_delta(5, DATASET_SEED, &b, &big, blake2_256(&big)),
		Err(DeltaError::UnknownModel(5))
	));
}

#[test]
fn aggregate_of_honest_rounds_keeps_learning() {
	let b = base();
	let honest = round();
	let second = train_round(
		MODEL,
		DATASET_SEED,
		&b,
		&TrainConfig { steps: 60, ..cfg(11) },
		Vec::new(),
		|_, _| {},
	)
	.unwrap();
	let third = train_round(
		MODEL,
		DATASET_SEED,
		&b,
		&TrainConfig { steps: 60, ..cfg(12) },
		Vec::new(),
		|_, _| {},
	)
	.unwrap();
	let next = aggregate(&b, &[honest.delta.clone(), second.delta, third.delta]).unwrap();
	// The aggregate, expressed as a delta of the base, evaluates better than the base.
	let delta = Checkpoint::from_tensors(
		MODEL,
		next.tensors()
			.iter()
			.zip(b.tensors())
			.map(|(n, b)| n.iter().zip(b).map(|(n, b)| n - b).collect())
			.collect(),
	)
	.unwrap()
	.to_delta_bytes()
	.unwrap();
	let r = evaluate_delta(MODEL, DATASET_SEED, &b, &delta, blake2_256(&delta)).unwrap();
	assert!(r.loss_after < 0.9 * r.loss_before, "{r:?}");
}

#[test]
fn char_model_learns_the_embedded_text() {
	let base = initial_checkpoint(1, 1).unwrap();
	let cfg = TrainConfig {
		steps: 150,
		batch_size: 32,
		learning_rate_micro: 10_000,
		weight_decay_micro: 100,
		seed: 3,
	};
	let out = train_round(1, 5, &base, &cfg, Vec::new(), |_, _| {}).unwrap();
	let r = out.report;
	// Starts near ln 32 ≈ 3.47.
	assert!((r.loss_before - 32f64.ln()).abs() < 0.3, "{r:?}");
	assert!(r.loss_after < 0.8 * r.loss_before, "{r:?}");
	assert!(r.val_loss_after < r.val_loss_before, "{r:?}");
	let again = evaluate_delta(1, 5, &base, &out.delta, out.delta_hash).unwrap();
	assert_eq!(again.loss_after.to_bits(), r.loss_after.to_bits());
	assert_eq!(again.grad_variance.to_bits(), r.grad_variance.to_bits());
	// A spiral delta does not fit the char model: its header names model 0.
	let spiral = round();
	assert!(matches!(
		evaluate_delta(1, 5, &base, &spiral.delta, spiral.delta_hash),
		Err(DeltaError::Undecodable(e)) if e.contains("model")
	));
}

/// Committee members sketch a delta the same way, and the chain's near-copy rule tells two
/// honest workers' deltas (same base, own mini-batches) from a copy with a little noise.
#[test]
fn sketches_tell_honest_deltas_from_near_copies() {
	use gym_primitives::sketch::{delta_sketch, near_copy, NEAR_COPY_COSINE};
	use gym_trainer::sketch_of_delta;
	let seed = 0x5eed;
	let honest = round();
	let other = train_round(MODEL, DATASET_SEED, &base(), &cfg(9), Vec::new(), |_, _| {}).unwrap();
	let sketch = |bytes: &[u8]| sketch_of_delta(&base(), bytes, seed).unwrap();
	let a = sketch(&honest.delta);
	assert_eq!(a, sketch(&honest.delta), "the same to the bit");
	assert!(!a.is_none());
	assert!(!near_copy(&a, &sketch(&other.delta), NEAR_COPY_COSINE), "independent work");
	// The first worker's delta with 10% noise (by norm) and new bytes.
	let values: Vec<f32> = Checkpoint::from_delta_bytes(MODEL, &honest.delta)
		.unwrap()
		.tensors()
		.iter()
		.flatten()
		.copied()
		.collect();
	let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt() / (values.len() as f32).sqrt();
	let noisy = values
		.iter()
		.enumerate()
		.map(|(i, v)| v + if i % 2 == 0 { 0.1 * norm } else { -0.1 * norm });
	assert!(near_copy(&a, &delta_sketch(noisy, seed), NEAR_COPY_COSINE), "a near copy");
	// Undecodable bytes have no sketch.
	assert!(sketch_of_delta(&base(), b"not a delta", seed).is_err());
}

/// Model 2, the byte-level transformer, learns English within one short round: from the
/// uniform ln 256 ≈ 5.55 nats per byte to under 3.5, on the training and the held-out text,
/// and every validator measures the miner's compressed delta to the bit.
#[test]
fn language_model_learns_english() {
	let model = gym_trainer::lm::LM_SMALL_ID;
	let base = initial_checkpoint(model, 1).unwrap();
	let cfg = TrainConfig {
		steps: 60,
		batch_size: 16,
		learning_rate_micro: 3_000,
		weight_decay_micro: 100,
		seed: 4,
	};
	let out = train_round(model, 9, &base, &cfg, Vec::new(), |_, _| {}).unwrap();
	let r = out.report;
	assert!((r.loss_before - 256f64.ln()).abs() < 0.05, "{r:?}");
	assert!(r.loss_after < 3.5, "{r:?}");
	assert!(r.val_loss_after < 3.5, "{r:?}");
	// Every coordinate was sent: the error feedback holds only the 8-bit rounding, at most
	// half a step of a tensor's scale (its largest change / 127).
	let params = gym_trainer::model_spec(model).unwrap().parameter_count();
	assert_eq!(out.residual.iter().map(Vec::len).sum::<usize>(), params);
	let largest = out.residual.iter().flatten().fold(0f32, |m, v| m.max(v.abs()));
	assert!(largest > 0.0 && largest < 0.01, "{largest}");
	let again = evaluate_delta(model, 9, &base, &out.delta, out.delta_hash).unwrap();
	assert_eq!(again, r);
	// Quality: a loss drop of more than 2 nats is capped at the chain's maximum.
	assert_eq!(claimed_quality(&r, 0, DEFAULT_MAX_QUALITY), DEFAULT_MAX_QUALITY);
}

/// Model 3, GSPO on sums from the shipped warm-up checkpoint: one short round raises the
/// expected reward of the training sums (the measured training loss is one minus it), every
/// validator measures the delta to the bit, and the chain's judge pays the gain as quality,
/// 10 × the reward gained.
#[test]
fn gspo_raises_the_expected_reward() {
	let model = gym_trainer::lm::LM_GSPO_ID;
	let base = initial_checkpoint(model, 5).unwrap();
	assert_eq!(base, gym_trainer::gspo::base_checkpoint().unwrap());
	let out = train_round(model, 9, &base, &GSPO_CFG, Vec::new(), |_, _| {}).unwrap();
	let r = out.report;
	println!("{r:?}");
	for loss in [r.loss_before, r.loss_after, r.val_loss_before, r.val_loss_after] {
		assert!((0.0..=1.0).contains(&loss), "{r:?}");
	}
	assert!(r.loss_after < r.loss_before, "{r:?}");
	assert_eq!(evaluate_delta(model, 9, &base, &out.delta, out.delta_hash).unwrap(), r);
	// The held-out greedy reward is what the validation loss reports.
	let shipped = gym_trainer::gspo::held_out_reward(&base, 9).unwrap();
	assert!((1.0 - r.val_loss_before - shipped).abs() < 1e-12, "{r:?}");
	let report = r.to_validation_report();
	let gain = report.loss_before - report.loss_after;
	let quality = report_quality(&report, 0, u32::MAX);
	let bonus = if report.val_loss_after < report.val_loss_before { 150_000 } else { 0 };
	assert_eq!(u64::from(quality), gain * 10 + bonus);
}
