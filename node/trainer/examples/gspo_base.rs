//! Makes model 3's base checkpoint, `data/gspo-arithmetic-base.safetensors`: model 2's network
//! from `initial_checkpoint(2, 0)`, warmed up by supervised training ("SFT") on solved training
//! sums `"a+b=c\n"` of `gym_trainer::gspo::ARITHMETIC` (held-out sums never appear), so that
//! GSPO starts from a policy that sometimes samples the right answer. Every `every` steps it
//! prints the SFT loss and the greedy reward on held-out and on training sums (the measurement
//! a GSPO delta is judged by) and writes the checkpoint to `<out>.<step>`.
//!
//! `cargo run --release -p gym-trainer --example gspo_base [steps] [every] [out] [lr] [batch]
//! [from]` (`from`: a checkpoint file of model 2's shape to go on from, with a fresh AdamW)
//!
//! Training on a CPU is repeatable run to run on one machine, not across machines; the shipped
//! file is the artefact (its hash is pinned in the crate's tests), this example is how it was
//! made.

use gym_trainer::{
	gspo::{greedy_reward, Policy, ARITHMETIC},
	initial_checkpoint,
	lm::{LM_SMALL, LM_SMALL_ID},
	Checkpoint,
};
use std::time::Instant;

/// Seed of the warm-up text.
const SFT_SEED: u64 = 0x5f7;
/// Seed of the problems the example measures with.
const EVAL_SEED: u64 = 0xe7a1;

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let steps: u64 = args.first().map_or(Ok(2_000), |a| a.parse())?;
	let every: u64 = args.get(1).map_or(Ok(250), |a| a.parse())?;
	let out = args.get(2).cloned().unwrap_or_else(|| "/tmp/gspo-base.safetensors".into());
	let lr: f64 = args.get(3).map_or(Ok(3e-3), |a| a.parse())?;
	let batch: usize = args.get(4).map_or(Ok(32), |a| a.parse())?;
	let task = ARITHMETIC;
	let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
	let held = task.held_out_problems(EVAL_SEED, 256);
	let seen = task.training_problems(EVAL_SEED, 256);
	let start = match args.get(5) {
		Some(path) => Checkpoint::from_bytes(LM_SMALL_ID, &std::fs::read(path)?)?,
		None => initial_checkpoint(LM_SMALL_ID, 0)?,
	};
	let mut policy = Policy::new(&start, lr, 1e-4)?;
	let mut text = task.text_stream(SFT_SEED);
	let started = Instant::now();
	let mut losses = Vec::new();
	for step in 1..=steps {
		let windows: Vec<Vec<u8>> = (0..batch).map(|_| text(LM_SMALL.context + 1)).collect();
		let refs: Vec<&[u8]> = windows.iter().map(Vec::as_slice).collect();
		let l = policy.sft_loss(&refs)?;
		losses.push(policy.step(&l)?);
		if step % every == 0 || step == steps {
			let c = policy.checkpoint()?;
			let h = greedy_reward(&c, &held, task.max_new, threads)?;
			let s = greedy_reward(&c, &seen, task.max_new, threads)?;
			let mean = losses.iter().sum::<f64>() / losses.len() as f64;
			losses.clear();
			println!(
				"step {step:>6}  loss {mean:.4}  greedy reward held-out {h:.3} training {s:.3}  \
				 ({:.0} s)",
				started.elapsed().as_secs_f64()
			);
			let path = format!("{out}.{step}");
			std::fs::write(&path, c.to_bytes())?;
		}
	}
	Ok(())
}
