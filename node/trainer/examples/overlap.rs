//! Model 2 trained as overlapped miners train it. Each miner's [`Session`] cuts its round-0
//! delta after `steps` steps, then trains on while the round is judged (`round_batches`
//! mini-batches, each optimizer step averaging as many as [`Session::accumulation`] says), is
//! rebased onto the round's aggregate and cuts its next delta after one more mini-batch, as on
//! the dev chain, whose 2-block submission window closes right after a round opens. With
//! `delayed` 0 the miners instead run `steps` plain steps from each round's base (no overlap:
//! the hardware would wait for the chain), the reference. Prints the aggregate's validation
//! loss per round and each miner's steps a round.
//!
//! `cargo run --release -p gym-trainer --example overlap [rounds] [miners] [steps] [batch]
//! [round_batches] [delayed] [learning_rate_micro]`

use gym_trainer::{
	aggregate, evaluate_checkpoints, initial_checkpoint, lm::LM_SMALL_ID, Session, TrainConfig,
};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let mut args = std::env::args().skip(1).map(|a| a.parse::<u32>());
	let rounds = args.next().transpose()?.unwrap_or(4);
	let miners = args.next().transpose()?.unwrap_or(2);
	let steps = args.next().transpose()?.unwrap_or(50);
	let batch = args.next().transpose()?.unwrap_or(8);
	let round_batches = args.next().transpose()?.unwrap_or(1_200);
	let delayed = args.next().transpose()?.unwrap_or(1) == 1;
	let lr = args.next().transpose()?.unwrap_or(3_000);
	let dataset_seed = 2026;
	let mut base = initial_checkpoint(LM_SMALL_ID, 1)?;
	let cfg = |round: u32, m: u32| TrainConfig {
		steps,
		batch_size: batch,
		learning_rate_micro: lr,
		weight_decay_micro: 100,
		seed: u64::from(round) * 1_000 + u64::from(m),
	};
	println!(
		"model 2, {miners} miners, {steps} steps × {batch} a round, lr {lr} µ, {}",
		if delayed {
			format!("overlapped (one round delayed, {round_batches} mini-batches a round)")
		} else {
			"from each round's base".into()
		}
	);
	let started = Instant::now();
	let mut sessions = Vec::new();
	for m in 0..miners {
		sessions.push(Session::new(
			LM_SMALL_ID,
			dataset_seed,
			base.clone(),
			&cfg(0, m),
			Vec::new(),
		)?);
	}
	for round in 0..rounds {
		let mut deltas = Vec::new();
		for (m, s) in sessions.iter_mut().enumerate() {
			let m = m as u32;
			if round > 0 {
				s.rebase(base.clone(), cfg(round, m).seed)?;
			}
			if !delayed || round == 0 {
				for _ in 0..steps {
					s.step()?;
				}
			} else {
				s.work()?;
			}
			let out = s.cut()?;
			print!("{}{} steps", if m == 0 { "" } else { ", " }, out.steps);
			deltas.push(out.delta);
			if delayed {
				// The round is judged and aggregated meanwhile: the miner trains on.
				for _ in 0..round_batches {
					s.work()?;
				}
			}
		}
		let next = aggregate(&base, &deltas)?;
		let r = evaluate_checkpoints(dataset_seed, &base, &next)?;
		println!(
			"; round {round}: validation {:.4} → {:.4} ({:.0} s)",
			r.val_loss_before,
			r.val_loss_after,
			started.elapsed().as_secs_f64()
		);
		base = next;
	}
	Ok(())
}
