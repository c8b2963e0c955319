//! Measures a default round: training samples/s, round time, delta size, evaluation time, and
//! the matmul benchmark.
//!
//! `cargo run --release -p gym-trainer --example throughput [model_id] [dataset_seed]`

use gym_trainer::{
	claimed_quality, evaluate_delta, hardware, initial_checkpoint, train_round, training_device,
	TrainConfig,
};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let mut args = std::env::args().skip(1);
	let model_id: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(0);
	let dataset_seed: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2026);
	let cfg = TrainConfig::default();
	let base = initial_checkpoint(model_id, 1)?;
	println!("device: {:?}", training_device());
	println!("config: {cfg:?}");

	let mut losses = Vec::new();
	let started = Instant::now();
	let out = train_round(model_id, dataset_seed, &base, &cfg, Vec::new(), |step, loss| {
		losses.push((step, loss))
	})?;
	let total = started.elapsed();
	let r = out.report;
	println!("round time: {:.3} s (training + miner's evaluation)", total.as_secs_f64());
	println!(
		"training samples/s (whole round): {:.0}",
		out.samples as f64 / out.wall_time.as_secs_f64()
	);
	println!("delta size: {} bytes, hash {}", out.delta.len(), hex(&out.delta_hash));
	println!(
		"batch loss: first {:.4}, last {:.4}; step grad-norm variance {:.6}",
		out.first_batch_loss, out.last_batch_loss, out.step_grad_norm_variance
	);
	println!("report: {r:?}");
	println!("validation report: {:?}", r.to_validation_report());
	println!(
		"claimed quality (threshold 1.0, default cap): {}",
		claimed_quality(&r, 1_000_000, gym_primitives::mining::DEFAULT_MAX_QUALITY)
	);

	let started = Instant::now();
	let again = evaluate_delta(model_id, dataset_seed, &base, &out.delta, out.delta_hash)?;
	println!("evaluate_delta: {:.3} s, identical: {}", started.elapsed().as_secs_f64(), again == r);

	let started = Instant::now();
	let train_only = train_round(model_id, dataset_seed, &base, &cfg, Vec::new(), |_, _| {})?;
	println!(
		"second round {:.3} s, same delta: {}",
		started.elapsed().as_secs_f64(),
		train_only.delta_hash == out.delta_hash
	);

	let facts = hardware::probe();
	println!("hardware: {facts:?}, class {:?}", hardware::gpu_class(&facts));
	println!("matmul 512x512: {:.1} GFLOP/s", hardware::matmul_benchmark(512, 10)?);
	Ok(())
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}
