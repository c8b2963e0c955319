//! Deterministic evaluation of a language-model delta, in plain Rust `f64`.
//!
//! The same rules as the perceptrons' evaluation ([`crate::eval`]): every operation is an
//! IEEE-754 basic operation in one fixed order, and `exp`, `ln` and `tanh` come from [`libm`],
//! so the numbers are identical to the bit on every machine. Sequences are measured on as many
//! threads as the machine offers; each sequence is measured whole by one thread and the
//! per-sequence results are summed in sequence order, so the thread count never changes a bit.
//!
//! # What is measured
//! - `loss_before` / `loss_after`: mean next-byte cross-entropy (nats per byte) of the base and
//!   of base + delta over [`LmSpec::eval_sequences`] windows of the training text, drawn from
//!   the job's dataset seed;
//! - `val_loss_before` / `val_loss_after`: the same over as many windows of the held-out
//!   validation text;
//! - `grad_variance`: population variance, over the first [`LmSpec::grad_probe_sequences`]
//!   training windows, of `‖∂ℓ/∂W_head‖₂`, the gradient of a sequence's mean loss `ℓ` with
//!   respect to the output head (the tied embedding in its role as the head). With `δ_t` the
//!   softmax minus the one-hot target and `h_t` the final layer norm's output at position `t`,
//!   that gradient is `(1/T)·Σ_t δ_t h_tᵀ`, whose squared norm is
//!   `(1/T²)·Σ_{t,s} (δ_t·δ_s)(h_t·h_s)`. Like the perceptrons' gradient-norm variance, it is
//!   low when the sequences pull the model in similarly sized steps.

use super::{LmSpec, LN_EPS};
use crate::{
	eval::{affine, mean, softmax_loss, variance},
	Checkpoint,
};

/// `√(2/π)`, GELU's tanh-approximation constant.
const GELU_C: f64 = 0.797_884_560_802_865_4;

/// One block's weights in `f64`.
struct Block {
	ln1_w: Vec<f64>,
	ln1_b: Vec<f64>,
	qkv_w: Vec<f64>,
	qkv_b: Vec<f64>,
	proj_w: Vec<f64>,
	proj_b: Vec<f64>,
	ln2_w: Vec<f64>,
	ln2_b: Vec<f64>,
	fc1_w: Vec<f64>,
	fc1_b: Vec<f64>,
	fc2_w: Vec<f64>,
	fc2_b: Vec<f64>,
}

/// A language model's weights widened to `f64` (exactly).
pub(crate) struct Lm {
	spec: LmSpec,
	tok: Vec<f64>,
	pos: Vec<f64>,
	ln_f_w: Vec<f64>,
	ln_f_b: Vec<f64>,
	blocks: Vec<Block>,
}

/// What the forward pass of one sequence leaves for the loss and the probe.
struct Forward {
	/// The final layer norm's output, `[T, width]`.
	hidden: Vec<f64>,
	/// The logits, `[T, vocab]`.
	logits: Vec<f64>,
}

fn layer_norm(x: &[f64], w: &[f64], b: &[f64], out: &mut [f64]) {
	let n = x.len() as f64;
	let mean = x.iter().fold(0.0, |acc, v| acc + v) / n;
	let var = x.iter().fold(0.0, |acc, v| acc + (v - mean) * (v - mean)) / n;
	let inv = 1.0 / libm::sqrt(var + LN_EPS);
	for (((o, v), w), b) in out.iter_mut().zip(x).zip(w).zip(b) {
		*o = (v - mean) * inv * w + b;
	}
}

fn gelu(x: f64) -> f64 {
	0.5 * x * (1.0 + libm::tanh(GELU_C * (x + 0.044_715 * x * x * x)))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
	a.iter().zip(b).fold(0.0, |acc, (x, y)| acc + x * y)
}

impl Lm {
	/// Widens `c`'s tensors (which the checkpoint checked against `spec`'s shapes).
	pub(crate) fn new(spec: &LmSpec, c: &Checkpoint) -> Lm {
		let get = |name: &str| -> Vec<f64> {
			spec.index_of(name)
				.and_then(|i| c.tensors().get(i))
				.map(|t| t.iter().map(|&v| f64::from(v)).collect())
				.unwrap_or_default()
		};
		let blocks = (0..spec.layers)
			.map(|i| {
				let g = |role: &str| get(&format!("h{i}.{role}"));
				Block {
					ln1_w: g("ln1.weight"),
					ln1_b: g("ln1.bias"),
					qkv_w: g("attn.qkv.weight"),
					qkv_b: g("attn.qkv.bias"),
					proj_w: g("attn.proj.weight"),
					proj_b: g("attn.proj.bias"),
					ln2_w: g("ln2.weight"),
					ln2_b: g("ln2.bias"),
					fc1_w: g("mlp.fc1.weight"),
					fc1_b: g("mlp.fc1.bias"),
					fc2_w: g("mlp.fc2.weight"),
					fc2_b: g("mlp.fc2.bias"),
				}
			})
			.collect();
		Lm {
			spec: *spec,
			tok: get("tok.weight"),
			pos: get("pos.weight"),
			ln_f_w: get("ln_f.weight"),
			ln_f_b: get("ln_f.bias"),
			blocks,
		}
	}

	/// The forward pass over `tokens` (at most `context` of them).
	fn forward(&self, tokens: &[u8]) -> Forward {
		let LmSpec { width: d, vocab, heads, ffn, .. } = self.spec;
		let dh = self.spec.head_width();
		let t_len = tokens.len();
		let scale = 1.0 / libm::sqrt(dh as f64);
		// Residual stream, [T, d].
		let mut x = vec![0.0; t_len * d];
		for (t, &tok) in tokens.iter().enumerate() {
			let e = &self.tok[usize::from(tok) * d..(usize::from(tok) + 1) * d];
			let p = &self.pos[t * d..(t + 1) * d];
			for ((o, e), p) in x[t * d..(t + 1) * d].iter_mut().zip(e).zip(p) {
				*o = e + p;
			}
		}
		let mut h = vec![0.0; d];
		let mut qkv = vec![0.0; t_len * 3 * d];
		let mut att = vec![0.0; t_len * d];
		let mut out = vec![0.0; d];
		let mut mid = vec![0.0; ffn];
		let mut scores = vec![0.0; t_len];
		for b in &self.blocks {
			for t in 0..t_len {
				layer_norm(&x[t * d..(t + 1) * d], &b.ln1_w, &b.ln1_b, &mut h);
				affine(&h, &b.qkv_w, &b.qkv_b, &mut qkv[t * 3 * d..(t + 1) * 3 * d]);
			}
			// Causal attention, head by head: q, k, v of head `hd` are the slices
			// `hd·dh..(hd+1)·dh` of the first, second and third thirds of a row of `qkv`.
			for t in 0..t_len {
				for hd in 0..heads {
					let q = &qkv[t * 3 * d + hd * dh..t * 3 * d + (hd + 1) * dh];
					let mut max = f64::NEG_INFINITY;
					for (s, score) in scores[..=t].iter_mut().enumerate() {
						let k = &qkv[s * 3 * d + d + hd * dh..s * 3 * d + d + (hd + 1) * dh];
						*score = dot(q, k) * scale;
						if *score > max {
							max = *score;
						}
					}
					let mut total = 0.0;
					for score in scores[..=t].iter_mut() {
						*score = libm::exp(*score - max);
						total += *score;
					}
					let o = &mut att[t * d + hd * dh..t * d + (hd + 1) * dh];
					o.fill(0.0);
					for (s, score) in scores[..=t].iter().enumerate() {
						let p = score / total;
						let v =
							&qkv[s * 3 * d + 2 * d + hd * dh..s * 3 * d + 2 * d + (hd + 1) * dh];
						for (o, v) in o.iter_mut().zip(v) {
							*o += p * v;
						}
					}
				}
			}
			for t in 0..t_len {
				affine(&att[t * d..(t + 1) * d], &b.proj_w, &b.proj_b, &mut out);
				for (x, o) in x[t * d..(t + 1) * d].iter_mut().zip(&out) {
					*x += o;
				}
				layer_norm(&x[t * d..(t + 1) * d], &b.ln2_w, &b.ln2_b, &mut h);
				affine(&h, &b.fc1_w, &b.fc1_b, &mut mid);
				for m in mid.iter_mut() {
					*m = gelu(*m);
				}
				affine(&mid, &b.fc2_w, &b.fc2_b, &mut out);
				for (x, o) in x[t * d..(t + 1) * d].iter_mut().zip(&out) {
					*x += o;
				}
			}
		}
		let mut hidden = vec![0.0; t_len * d];
		let mut logits = vec![0.0; t_len * vocab];
		for t in 0..t_len {
			let ht = &mut hidden[t * d..(t + 1) * d];
			layer_norm(&x[t * d..(t + 1) * d], &self.ln_f_w, &self.ln_f_b, ht);
			for (v, l) in logits[t * vocab..(t + 1) * vocab].iter_mut().enumerate() {
				*l = dot(ht, &self.tok[v * d..(v + 1) * d]);
			}
		}
		Forward { hidden, logits }
	}

	/// The mean next-byte loss of one window (`context + 1` bytes) and, when `probe`, its
	/// `‖∂ℓ/∂W_head‖₂` (see the module docs; 0 otherwise), from one forward pass.
	pub(crate) fn measure(&self, window: &[u8], probe: bool) -> (f64, f64) {
		let (input, _) = window.split_at(window.len() - 1);
		let targets = &window[1..];
		let f = self.forward(input);
		let (v, d, t_len) = (self.spec.vocab, self.spec.width, targets.len());
		let mut sum = 0.0;
		// δ_t = softmax − one-hot, kept only for the probe.
		let mut deltas = Vec::with_capacity(if probe { t_len } else { 0 });
		for (t, &y) in targets.iter().enumerate() {
			let (mut p, loss) = softmax_loss(&f.logits[t * v..(t + 1) * v], usize::from(y));
			sum += loss;
			if probe {
				p[usize::from(y)] -= 1.0;
				deltas.push(p);
			}
		}
		let n = t_len as f64;
		if !probe {
			return (sum / n, 0.0);
		}
		let mut sq = 0.0;
		for t in 0..t_len {
			for s in 0..t_len {
				let hh = dot(&f.hidden[t * d..(t + 1) * d], &f.hidden[s * d..(s + 1) * d]);
				sq += dot(&deltas[t], &deltas[s]) * hh;
			}
		}
		(sum / n, libm::sqrt(sq / (n * n)))
	}

	/// The logits of the byte after `tokens` (1 to `context` of them; all zero for none).
	pub(crate) fn next_logits(&self, tokens: &[u8]) -> Vec<f64> {
		let v = self.spec.vocab;
		if tokens.is_empty() {
			return vec![0.0; v];
		}
		let f = self.forward(tokens);
		f.logits[f.logits.len() - v..].to_vec()
	}

	/// The logits `[T, vocab]` of every position of `tokens` (at most `context` of them;
	/// empty for none): row `t` predicts the byte after `tokens[..=t]`.
	pub(crate) fn position_logits(&self, tokens: &[u8]) -> Vec<f64> {
		if tokens.is_empty() {
			return Vec::new();
		}
		self.forward(tokens).logits
	}

	/// Mean next-byte loss of one window (`context + 1` bytes).
	pub(crate) fn sequence_loss(&self, window: &[u8]) -> f64 {
		self.measure(window, false).0
	}

	/// `‖∂ℓ/∂W_head‖₂` of one window (see the module docs).
	#[cfg(test)]
	fn head_grad_norm(&self, window: &[u8]) -> f64 {
		self.measure(window, true).1
	}
}

/// `f(item)` for every item, on up to `threads` threads; results in input order. Each item is
/// computed whole by one thread, so the results do not depend on `threads`.
pub(crate) fn map_parallel<T: Sync, R: Send + Default + Clone>(
	items: &[T],
	threads: usize,
	f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
	let mut out = vec![R::default(); items.len()];
	let threads = threads.clamp(1, items.len().max(1));
	let chunk = items.len().div_ceil(threads).max(1);
	std::thread::scope(|scope| {
		for (ins, outs) in items.chunks(chunk).zip(out.chunks_mut(chunk)) {
			let f = &f;
			scope.spawn(move || {
				for (i, o) in ins.iter().zip(outs.iter_mut()) {
					*o = f(i);
				}
			});
		}
	});
	out
}

/// Threads evaluation uses: every core the machine offers.
pub(crate) fn eval_threads() -> usize {
	std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Measures base and base + delta (`updated`) of a language model for the job's
/// `dataset_seed`, on `threads` threads (the result does not depend on it).
pub(crate) fn evaluate(
	spec: &LmSpec,
	base: &Checkpoint,
	updated: &Checkpoint,
	dataset_seed: u64,
	threads: usize,
) -> crate::EvalReport {
	use crate::rng::{SplitMix64, STREAM_TRAIN, STREAM_VALIDATION};
	let train = super::windows(
		spec,
		0..super::validation_start(),
		spec.eval_sequences,
		&mut SplitMix64::new(dataset_seed, STREAM_TRAIN),
	);
	let validation = super::windows(
		spec,
		super::validation_start()..super::corpus().len(),
		spec.eval_sequences,
		&mut SplitMix64::new(dataset_seed, STREAM_VALIDATION),
	);
	let before = Lm::new(spec, base);
	let after = Lm::new(spec, updated);
	let loss = |m: &Lm, windows: &[&[u8]]| {
		mean(&map_parallel(windows, threads, |w: &&[u8]| m.sequence_loss(w)))
	};
	// base + delta on the training windows: the loss of each, and the head-gradient norm of the
	// first `grad_probe_sequences` (the probe), from one forward pass per window.
	let probes = spec.grad_probe_sequences.min(train.len());
	let indexed: Vec<(usize, &[u8])> = train.iter().copied().enumerate().collect();
	let measured = map_parallel(&indexed, threads, |(i, w)| after.measure(w, *i < probes));
	let (after_losses, norms): (Vec<f64>, Vec<f64>) = measured.into_iter().unzip();
	crate::EvalReport {
		loss_before: loss(&before, &train),
		loss_after: mean(&after_losses),
		val_loss_before: loss(&before, &validation),
		val_loss_after: loss(&after, &validation),
		grad_variance: variance(&norms[..probes]),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{initial_checkpoint, lm::LM_SMALL_ID};

	fn small() -> LmSpec {
		crate::lm::LM_SMALL
	}

	#[test]
	fn an_untrained_model_predicts_bytes_near_uniformly() {
		let base = initial_checkpoint(LM_SMALL_ID, 1).unwrap();
		let r = evaluate(&small(), &base, &base, 5, 2);
		// ln 256 = 5.545: small initial weights give near-uniform predictions.
		assert!((r.loss_before - 256f64.ln()).abs() < 0.05, "{r:?}");
		assert_eq!(r.loss_before.to_bits(), r.loss_after.to_bits());
		assert!(r.grad_variance > 0.0 && r.grad_variance.is_finite());
	}

	#[test]
	fn evaluation_is_identical_on_any_number_of_threads_and_runs() {
		let base = initial_checkpoint(LM_SMALL_ID, 3).unwrap();
		let a = evaluate(&small(), &base, &base, 7, 1);
		for threads in [2, 3, 8] {
			let b = evaluate(&small(), &base, &base, 7, threads);
			for (x, y) in [
				(a.loss_before, b.loss_before),
				(a.val_loss_before, b.val_loss_before),
				(a.grad_variance, b.grad_variance),
			] {
				assert_eq!(x.to_bits(), y.to_bits(), "{threads} threads");
			}
		}
		assert_eq!(evaluate(&small(), &base, &base, 7, 2), a);
		// Another dataset seed measures other windows.
		assert_ne!(evaluate(&small(), &base, &base, 8, 2).loss_before, a.loss_before);
	}

	#[test]
	fn head_gradient_matches_finite_differences() {
		// Perturb the tied embedding only where it acts as the head: compare the analytic head
		// gradient norm with central differences of a copy whose head is a separate matrix.
		let spec = small();
		let base = initial_checkpoint(LM_SMALL_ID, 4).unwrap();
		let lm = Lm::new(&spec, &base);
		let window: Vec<u8> = b"the quick brown fox jumps over the lazy dog, again and again."
			.iter()
			.copied()
			.cycle()
			.take(17)
			.collect();
		let analytic = lm.head_grad_norm(&window);
		let (input, _) = window.split_at(window.len() - 1);
		let targets = &window[1..];
		let f = lm.forward(input);
		let (v, d) = (spec.vocab, spec.width);
		// Loss as a function of a separate head matrix W (v × d), at W = tok.
		let loss_with = |w: &[f64]| {
			let mut sum = 0.0;
			for (t, &y) in targets.iter().enumerate() {
				let h = &f.hidden[t * d..(t + 1) * d];
				let logits: Vec<f64> = (0..v).map(|r| dot(h, &w[r * d..(r + 1) * d])).collect();
				sum += softmax_loss(&logits, usize::from(y)).1;
			}
			sum / targets.len() as f64
		};
		let mut w = lm.tok.clone();
		let eps = 1e-5;
		let mut sq = 0.0;
		for k in 0..w.len() {
			let x = w[k];
			w[k] = x + eps;
			let up = loss_with(&w);
			w[k] = x - eps;
			let down = loss_with(&w);
			w[k] = x;
			let g = (up - down) / (2.0 * eps);
			sq += g * g;
		}
		let numeric = sq.sqrt();
		assert!((analytic - numeric).abs() < 1e-6 * analytic.max(1.0), "{analytic} vs {numeric}");
	}

	#[test]
	fn map_parallel_keeps_order() {
		let items: Vec<u32> = (0..37).collect();
		for threads in [1, 2, 5, 64] {
			assert_eq!(
				map_parallel(&items, threads, |x| x * 2),
				(0..37).map(|x| x * 2).collect::<Vec<_>>()
			);
		}
		assert!(map_parallel(&[] as &[u32], 4, |x| *x).is_empty());
	}
}
