//! The loss curve of a language model (model 2, the byte-level transformer, or model 3, its
//! GSPO fine-tuning on sums) trained as the chain trains it: several miners per round, each on
//! its own shard (or problems) with its own error feedback, each delta compressed, measured by
//! the validators' evaluation, and combined by the orchestrator's coordinate-wise median into
//! the next round's base. Prints, per round, every miner's measured losses and the aggregate's,
//! with the time spent training and evaluating. For model 3 a loss is one minus a reward
//! (`gym_trainer::gspo::task`).
//!
//! `cargo run --release -p gym-trainer --example lm_curve [rounds] [miners] [steps] [batch]
//! [model] [learning_rate_micro] [outer_lr outer_momentum]` (the defaults are 6 rounds, 2
//! miners, 40 steps of 16 sequences or prompts, model 2, a learning rate of 3,000 millionths and
//! the model's outer optimizer).

use gym_trainer::{
	aggregate_with, evaluate_checkpoints, evaluate_delta, initial_checkpoint, lm::LM_SMALL_ID,
	model::OuterOptimizer, train_round, TrainConfig,
};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let mut args = std::env::args().skip(1).map(|a| a.parse::<u32>());
	let rounds = args.next().transpose()?.unwrap_or(6);
	let miners = args.next().transpose()?.unwrap_or(2);
	let steps = args.next().transpose()?.unwrap_or(40);
	let batch = args.next().transpose()?.unwrap_or(16);
	let model = args.next().transpose()?.unwrap_or(LM_SMALL_ID);
	let learning_rate_micro = args.next().transpose()?.unwrap_or(3_000);
	let rest: Vec<f32> = std::env::args().skip(7).map(|a| a.parse()).collect::<Result<_, _>>()?;
	let outer = match rest[..] {
		[learning_rate, momentum] => OuterOptimizer { learning_rate, momentum },
		_ => gym_trainer::model_spec(model)?.outer(),
	};
	let dataset_seed = 2026;
	let mut base = initial_checkpoint(model, 1)?;
	let mut residuals = vec![Vec::new(); miners as usize];
	println!(
		"model {model}, {miners} miners, {steps} steps × {batch} a round, lr {learning_rate_micro} \
		 × 10⁻⁶, {outer:?}"
	);
	println!("round  miner  loss       val_loss   delta_bytes  train_s  eval_s");
	let (mut train_total, mut eval_total) = (0.0, 0.0);
	for round in 0..rounds {
		let mut deltas = Vec::new();
		for m in 0..miners {
			let cfg = TrainConfig {
				steps,
				batch_size: batch,
				learning_rate_micro,
				weight_decay_micro: 100,
				seed: u64::from(round) * 1_000 + u64::from(m),
			};
			let residual = std::mem::take(&mut residuals[m as usize]);
			let out = train_round(model, dataset_seed, &base, &cfg, residual, |_, _| {})?;
			residuals[m as usize] = out.residual;
			let started = Instant::now();
			let r = evaluate_delta(model, dataset_seed, &base, &out.delta, out.delta_hash)?;
			let eval_s = started.elapsed().as_secs_f64();
			let train_s = out.training_time.as_secs_f64();
			train_total += train_s;
			eval_total += eval_s;
			println!(
				"{round:>5}  {m:>5}  {:.4}     {:.4}     {:>11}  {train_s:>7.2}  {eval_s:>6.2}",
				r.loss_after,
				r.val_loss_after,
				out.delta.len()
			);
			deltas.push(out.delta);
		}
		let next = aggregate_with(&base, &deltas, outer)?;
		let r = evaluate_checkpoints(dataset_seed, &base, &next)?;
		println!(
			"{round:>5}  median {:.4} → {:.4}, validation {:.4} → {:.4}",
			r.loss_before, r.loss_after, r.val_loss_before, r.val_loss_after
		);
		base = next;
	}
	println!(
		"training {train_total:.1} s, evaluation {eval_total:.1} s ({:.1}% of training)",
		100.0 * eval_total / train_total
	);
	Ok(())
}
