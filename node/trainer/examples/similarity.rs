//! Measures how alike honest deltas are, and how much noise a copier must add to look
//! independent: the figures behind `gym_primitives::sketch::NEAR_COPY_COSINE`.
//!
//! For each model, workers train the same base on their own mini-batches (seeded as the miner
//! seeds them) for several rounds (each round's base is the median aggregate of the last). It
//! prints the exact cosine similarity of every pair of honest deltas and of their sketches, then
//! the cosine and quality of a copy with noise added.
//!
//! `cargo run --release -p gym-trainer --example similarity [workers] [rounds]`

use gym_primitives::sketch::{delta_sketch, near_copy, DeltaSketch, NEAR_COPY_COSINE};
use gym_trainer::{
	aggregate, claimed_quality, evaluate_delta, initial_checkpoint, train_round, Checkpoint,
	TrainConfig,
};

fn cosine(a: &[f32], b: &[f32]) -> f64 {
	let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
	let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
	let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
	dot / (na * nb)
}

fn sketch_cosine(a: &DeltaSketch, b: &DeltaSketch) -> f64 {
	let dot: f64 = a.0.iter().zip(&b.0).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
	let n = |s: &DeltaSketch| s.0.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
	dot / (n(a) * n(b))
}

fn flat(model: u32, bytes: &[u8]) -> Vec<f32> {
	Checkpoint::from_delta_bytes(model, bytes)
		.unwrap()
		.tensors()
		.iter()
		.flatten()
		.copied()
		.collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let mut args = std::env::args().skip(1);
	let workers: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(4);
	let rounds: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
	let data_seed = 42;
	// What a sketch costs a committee member: one pass over the parameters.
	let big: Vec<f32> = (0..10_000_000u32).map(|i| (i % 977) as f32 / 977.0 - 0.5).collect();
	let started = std::time::Instant::now();
	let sketch = delta_sketch(big.iter().copied(), 7);
	println!(
		"sketch of 10 M parameters: {:.2} s (first coordinate {})",
		started.elapsed().as_secs_f64(),
		sketch.0[0]
	);
	for model in [0u32, 1] {
		let mut base = initial_checkpoint(model, data_seed)?;
		for round in 0..rounds {
			let mut deltas = Vec::new();
			for w in 0..workers {
				let cfg =
					TrainConfig { seed: 1_000 * u64::from(round) + w, ..TrainConfig::default() };
				deltas.push(train_round(model, data_seed, &base, &cfg, Vec::new(), |_, _| {})?);
			}
			let flats: Vec<Vec<f32>> = deltas.iter().map(|d| flat(model, &d.delta)).collect();
			let seed = 0x5eed ^ u64::from(round);
			let sketches: Vec<DeltaSketch> =
				flats.iter().map(|f| delta_sketch(f.iter().copied(), seed)).collect();
			let (mut max_exact, mut max_sketch, mut min_exact) = (f64::MIN, f64::MIN, f64::MAX);
			let mut flagged = 0;
			for i in 0..flats.len() {
				for j in i + 1..flats.len() {
					let c = cosine(&flats[i], &flats[j]);
					max_exact = max_exact.max(c);
					min_exact = min_exact.min(c);
					max_sketch = max_sketch.max(sketch_cosine(&sketches[i], &sketches[j]));
					flagged += usize::from(near_copy(&sketches[i], &sketches[j], NEAR_COPY_COSINE));
				}
			}
			println!(
				"model {model} round {round}: honest pairs cosine {min_exact:.3}..{max_exact:.3}, \
				 sketch max {max_sketch:.3}, flagged as near copies: {flagged}"
			);
			// A copier adds noise: another honest delta's direction (the most plausible noise,
			// which keeps the quality) or a seeded ±1 pattern, at a share of the norm.
			let original = &flats[0];
			let q0 = claimed_quality(&deltas[0].report, 50_000, 2_000_000);
			let norm = original.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
			for share in [0.1f64, 0.2, 0.3, 0.5, 0.8] {
				let n = (original.len() as f64).sqrt();
				let noisy: Vec<f32> = original
					.iter()
					.enumerate()
					.map(|(i, x)| {
						let sign =
							if (i.wrapping_mul(2_654_435_761) >> 7) & 1 == 1 { 1.0 } else { -1.0 };
						x + (sign * share * norm / n) as f32
					})
					.collect();
				let bytes =
					Checkpoint::from_tensors(model, split(model, &noisy))?.to_delta_bytes()?;
				let hash = gym_trainer::blake2_256(&bytes);
				let q = evaluate_delta(model, data_seed, &base, &bytes, hash)
					.map(|r| claimed_quality(&r, 50_000, 2_000_000))
					.unwrap_or(0);
				let s = delta_sketch(noisy.iter().copied(), seed);
				println!(
					"  copy + {:.0}% noise: cosine {:.3}, sketch {:.3}, near: {}, quality {} (original {})",
					share * 100.0,
					cosine(original, &noisy),
					sketch_cosine(&sketches[0], &s),
					near_copy(&sketches[0], &s, NEAR_COPY_COSINE),
					q,
					q0
				);
			}
			let all: Vec<Vec<u8>> = deltas.iter().map(|d| d.delta.clone()).collect();
			base = aggregate(&base, &all)?;
		}
	}
	Ok(())
}

/// Splits a flat parameter vector back into the model's tensors.
fn split(model: u32, flat: &[f32]) -> Vec<Vec<f32>> {
	let spec = gym_trainer::model_spec(model).unwrap();
	let mut out = Vec::new();
	let mut at = 0;
	for (_, shape) in spec.tensor_shapes() {
		let n: usize = shape.iter().product();
		out.push(flat[at..at + n].to_vec());
		at += n;
	}
	out
}
