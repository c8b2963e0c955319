//! The loss curve of model 2 (the byte-level transformer) trained as the chain trains it:
//! several miners per round, each on its own shard with its own error feedback, each delta
//! compressed, measured by the validators' evaluation, and combined by the orchestrator's
//! coordinate-wise median into the next round's base. Prints, per round, every miner's
//! measured losses and the aggregate's, with the time spent training and evaluating.
//!
//! `cargo run --release -p gym-trainer --example lm_curve [rounds] [miners] [steps] [batch]
//! [outer_lr outer_momentum]` (the last two default to model 2's outer optimizer).

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
	let rest: Vec<f32> = std::env::args().skip(5).map(|a| a.parse()).collect::<Result<_, _>>()?;
	let outer = match rest[..] {
		[learning_rate, momentum] => OuterOptimizer { learning_rate, momentum },
		_ => gym_trainer::model_spec(LM_SMALL_ID)?.outer(),
	};
	let dataset_seed = 2026;
	let mut base = initial_checkpoint(LM_SMALL_ID, 1)?;
	let mut residuals = vec![Vec::new(); miners as usize];
	println!(
		"model 2, {miners} miners, {steps} steps × {batch} sequences a round, lr 0.003, {outer:?}"
	);
	println!("round  miner  loss       val_loss   delta_bytes  train_s  eval_s");
	let (mut train_total, mut eval_total) = (0.0, 0.0);
	for round in 0..rounds {
		let mut deltas = Vec::new();
		for m in 0..miners {
			let cfg = TrainConfig {
				steps,
				batch_size: batch,
				learning_rate_micro: 3_000,
				weight_decay_micro: 100,
				seed: u64::from(round) * 1_000 + u64::from(m),
			};
			let residual = std::mem::take(&mut residuals[m as usize]);
			let out = train_round(LM_SMALL_ID, dataset_seed, &base, &cfg, residual, |_, _| {})?;
			residuals[m as usize] = out.residual;
			let started = Instant::now();
			let r = evaluate_delta(LM_SMALL_ID, dataset_seed, &base, &out.delta, out.delta_hash)?;
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
