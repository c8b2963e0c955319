//! The language model's forward pass in candle, for training.
//!
//! The same network as [`super::eval`] computes deterministically in `f64`, here in `f32` on
//! the training device with autograd: embeddings, pre-norm blocks with causal multi-head
//! attention and a tanh-GELU MLP, a final layer norm and the tied head.

use super::{LmSpec, LN_EPS};
use candle_core::{Device, Tensor, Var, D};

/// Score added to attention logits of future positions (exp of it is exactly 0 in `f32`).
const MASKED: f32 = -1.0e9;

/// `(x − mean) / √(var + ε) · w + b` over the last dimension.
fn layer_norm(x: &Tensor, w: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
	let mean = x.mean_keepdim(D::Minus1)?;
	let centred = x.broadcast_sub(&mean)?;
	let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
	let normed = centred.broadcast_div(&(var + LN_EPS)?.sqrt()?)?;
	normed.broadcast_mul(w)?.broadcast_add(b)
}

/// The parameters of a language model, looked up by name in the canonical order.
pub(crate) struct Params<'a> {
	spec: LmSpec,
	vars: &'a [Var],
	/// The tensors' names, in the order of `vars`.
	names: Vec<String>,
}

impl<'a> Params<'a> {
	/// `vars` in the order of [`LmSpec::tensor_shapes`].
	pub(crate) fn new(spec: LmSpec, vars: &'a [Var]) -> Self {
		let names = spec.tensor_shapes().into_iter().map(|(name, _)| name).collect();
		Params { spec, vars, names }
	}

	fn get(&self, name: &str) -> candle_core::Result<&Tensor> {
		self.names
			.iter()
			.position(|n| n == name)
			.and_then(|i| self.vars.get(i))
			.map(|v| v.as_tensor())
			.ok_or_else(|| candle_core::Error::Msg(format!("no tensor {name}")))
	}

	/// Mean next-byte cross-entropy of a batch of windows (each `context + 1` bytes).
	pub(crate) fn batch_loss(
		&self,
		windows: &[&[u8]],
		device: &Device,
	) -> candle_core::Result<Tensor> {
		let t_len = self.spec.context;
		let b = windows.len();
		let mut inputs = Vec::with_capacity(b * t_len);
		let mut targets = Vec::with_capacity(b * t_len);
		for w in windows {
			inputs.extend(w[..t_len].iter().map(|&x| u32::from(x)));
			targets.extend(w[1..=t_len].iter().map(|&x| u32::from(x)));
		}
		let inputs = Tensor::from_vec(inputs, (b, t_len), device)?;
		let targets = Tensor::from_vec(targets, b * t_len, device)?;
		let logits = self.forward(&inputs, device)?;
		candle_nn::loss::cross_entropy(&logits, &targets)
	}

	/// Logits `[B·T, vocab]` of a batch of token ids `[B, T]`.
	pub(crate) fn forward(&self, ids: &Tensor, device: &Device) -> candle_core::Result<Tensor> {
		let (b, t) = ids.dims2()?;
		let LmSpec { width: d, heads, .. } = self.spec;
		let dh = self.spec.head_width();
		let tok = self.get("tok.weight")?;
		let mut x = tok
			.index_select(&ids.flatten_all()?, 0)?
			.reshape((b, t, d))?
			.broadcast_add(&self.get("pos.weight")?.narrow(0, 0, t)?)?;
		let mask: Vec<f32> =
			(0..t).flat_map(|i| (0..t).map(move |j| if j <= i { 0.0 } else { MASKED })).collect();
		let mask = Tensor::from_vec(mask, (t, t), device)?;
		let scale = 1.0 / (dh as f64).sqrt();
		for i in 0..self.spec.layers {
			let g = |role: &str| self.get(&format!("h{i}.{role}"));
			let h = layer_norm(&x, g("ln1.weight")?, g("ln1.bias")?)?;
			let qkv = h
				.reshape((b * t, d))?
				.matmul(g("attn.qkv.weight")?)?
				.broadcast_add(g("attn.qkv.bias")?)?
				.reshape((b, t, 3, heads, dh))?;
			let part = |k: usize| -> candle_core::Result<Tensor> {
				qkv.narrow(2, k, 1)?.squeeze(2)?.transpose(1, 2)?.contiguous()
			};
			let (q, k, v) = (part(0)?, part(1)?, part(2)?);
			let scores = (q.matmul(&k.t()?.contiguous()?)? * scale)?.broadcast_add(&mask)?;
			let probs = candle_nn::ops::softmax(&scores, D::Minus1)?;
			let att = probs.matmul(&v)?.transpose(1, 2)?.contiguous()?.reshape((b * t, d))?;
			let out = att
				.matmul(g("attn.proj.weight")?)?
				.broadcast_add(g("attn.proj.bias")?)?
				.reshape((b, t, d))?;
			x = (x + out)?;
			let h = layer_norm(&x, g("ln2.weight")?, g("ln2.bias")?)?;
			let m = h
				.reshape((b * t, d))?
				.matmul(g("mlp.fc1.weight")?)?
				.broadcast_add(g("mlp.fc1.bias")?)?
				.gelu()?
				.matmul(g("mlp.fc2.weight")?)?
				.broadcast_add(g("mlp.fc2.bias")?)?
				.reshape((b, t, d))?;
			x = (x + m)?;
		}
		let x = layer_norm(&x, self.get("ln_f.weight")?, self.get("ln_f.bias")?)?;
		x.reshape((b * t, d))?.matmul(&tok.t()?)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{initial_checkpoint, lm::LM_SMALL, lm::LM_SMALL_ID};

	#[test]
	fn candle_forward_matches_the_deterministic_evaluator() {
		// The training network and the evaluator are the same function: their losses agree to
		// f32 precision on real text.
		let base = initial_checkpoint(LM_SMALL_ID, 6).unwrap();
		// Make the weights less trivial than the initialisation: scale everything up.
		let tensors: Vec<Vec<f32>> =
			base.tensors().iter().map(|t| t.iter().map(|v| v * 3.0 + 0.01).collect()).collect();
		let c = crate::Checkpoint::from_tensors(LM_SMALL_ID, tensors).unwrap();
		let device = Device::Cpu;
		let vars = crate::train::vars_of(&c, &device).unwrap();
		let text = crate::lm::corpus();
		let windows: Vec<&[u8]> = (0..3).map(|k| &text[k * 500..k * 500 + 65]).collect();
		let candle = Params::new(LM_SMALL, &vars).batch_loss(&windows, &device).unwrap();
		let candle = f64::from(candle.to_scalar::<f32>().unwrap());
		let lm = super::super::eval::Lm::new(&LM_SMALL, &c);
		let exact = windows.iter().map(|w| lm.sequence_loss(w)).sum::<f64>() / 3.0;
		assert!((candle - exact).abs() < 1e-4 * exact, "{candle} vs {exact}");
	}
}
