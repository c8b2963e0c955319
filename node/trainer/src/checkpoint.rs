//! Checkpoints (a model's weights) and deltas (a difference of weights), both stored as
//! safetensors bytes.
//!
//! The encoding is canonical: every tensor is `F32`, little-endian, the tensors appear in name
//! order (the safetensors crate sorts by dtype, then name; all tensors share one dtype) and no
//! `__metadata__` is written. The same weights therefore always give the same bytes, and
//! [`Checkpoint::hash`] (blake2-256 of those bytes) identifies them on chain.

use crate::{
	blake2_256,
	lm::{LmSpec, Objective},
	model::{initial_weights, model_spec, ModelKind, ModelSpec},
	DeltaError, TrainerError, MAX_DELTA_BYTES,
};
use safetensors::{tensor::TensorView, Dtype, SafeTensors};

/// A model's weights: one `f32` vector per parameter tensor, in the order and shapes of
/// [`ModelSpec::tensor_shapes`]. A delta has the same form and holds `new − base`.
///
/// A checkpoint made by [`crate::aggregate()`] for a model with an outer momentum
/// ([`crate::model::OuterOptimizer`]) also carries the outer optimizer's momentum, one vector
/// per tensor, so that every orchestrator computes the next round's checkpoint, and its hash,
/// from the chain's checkpoint alone. It is encoded as extra tensors named
/// [`MOMENTUM_PREFIX`]`<name>`; a checkpoint without them has zero momentum.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
	model_id: u32,
	tensors: Vec<Vec<f32>>,
	momentum: Option<Vec<Vec<f32>>>,
}

/// The name prefix of the outer optimizer's momentum tensors in a checkpoint's encoding.
pub const MOMENTUM_PREFIX: &str = "outer.momentum.";

/// The deterministic initial checkpoint of `model_id` for `seed` (see the model module for the
/// initialisation); for model 3, the shipped warm-up checkpoint ([`crate::gspo::base_checkpoint`]).
pub fn initial_checkpoint(model_id: u32, seed: u64) -> Result<Checkpoint, TrainerError> {
	let spec = model_spec(model_id)?;
	if let ModelKind::Lm(LmSpec { objective: Objective::Gspo(_), .. }) = spec.kind {
		// GSPO fine-tunes a warmed-up policy: the shipped one, whatever the seed.
		return crate::gspo::base_checkpoint();
	}
	Ok(Checkpoint { model_id, tensors: initial_weights(&spec, seed), momentum: None })
}

impl Checkpoint {
	/// The model these weights belong to.
	pub fn model_id(&self) -> u32 {
		self.model_id
	}

	/// The model's specification (the id was checked when the checkpoint was built).
	pub fn spec(&self) -> ModelSpec {
		model_spec(self.model_id).expect("a Checkpoint is only built for a known model; qed")
	}

	/// The weights, one vector per tensor in the order of [`ModelSpec::tensor_shapes`].
	pub fn tensors(&self) -> &[Vec<f32>] {
		&self.tensors
	}

	/// The outer optimizer's momentum, one vector per tensor, if the checkpoint carries one.
	pub fn momentum(&self) -> Option<&[Vec<f32>]> {
		self.momentum.as_deref()
	}

	/// These weights with outer momentum `momentum` (checked like the weights).
	pub fn with_momentum(self, momentum: Vec<Vec<f32>>) -> Result<Checkpoint, DeltaError> {
		let momentum = Checkpoint::from_tensors(self.model_id, momentum)?.tensors;
		Ok(Checkpoint { momentum: Some(momentum), ..self })
	}

	/// Builds a checkpoint from raw tensors, checking their number, lengths and finiteness.
	pub fn from_tensors(model_id: u32, tensors: Vec<Vec<f32>>) -> Result<Checkpoint, DeltaError> {
		let spec = model_spec(model_id).map_err(|_| DeltaError::UnknownModel(model_id))?;
		let shapes = spec.tensor_shapes();
		if tensors.len() != shapes.len() {
			return Err(DeltaError::WrongShape {
				tensor: "*".into(),
				reason: format!("{} tensors, the model has {}", tensors.len(), shapes.len()),
			});
		}
		for ((name, shape), values) in shapes.iter().zip(&tensors) {
			let want = shape.iter().product::<usize>();
			if values.len() != want {
				return Err(DeltaError::WrongShape {
					tensor: name.clone(),
					reason: format!("{} values, expected {want}", values.len()),
				});
			}
			if values.iter().any(|v| !v.is_finite()) {
				return Err(DeltaError::NonFinite { tensor: name.clone() });
			}
		}
		Ok(Checkpoint { model_id, tensors, momentum: None })
	}

	/// The canonical safetensors encoding.
	pub fn to_bytes(&self) -> Vec<u8> {
		let shapes = self.spec().tensor_shapes();
		let le = |t: &Vec<f32>| t.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
		let mut named: Vec<(String, Vec<usize>, Vec<u8>)> = shapes
			.iter()
			.zip(&self.tensors)
			.map(|((name, shape), t)| (name.clone(), shape.clone(), le(t)))
			.collect();
		if let Some(momentum) = &self.momentum {
			named.extend(shapes.iter().zip(momentum).map(|((name, shape), t)| {
				(format!("{MOMENTUM_PREFIX}{name}"), shape.clone(), le(t))
			}));
		}
		let views = named.iter().map(|(name, shape, bytes)| {
			let view = TensorView::new(Dtype::F32, shape.clone(), bytes)
				.expect("lengths match the spec by construction; qed");
			(name.as_str(), view)
		});
		safetensors::serialize(views, None)
			.expect("names are unique and the header is small; serialization cannot fail; qed")
	}

	/// Decodes safetensors `bytes` as weights of `model_id`, checking that the names, dtypes and
	/// shapes are exactly the model's and every value is finite. Accepts any valid safetensors
	/// layout, not only the canonical one.
	pub fn from_bytes(model_id: u32, bytes: &[u8]) -> Result<Checkpoint, DeltaError> {
		let spec = model_spec(model_id).map_err(|_| DeltaError::UnknownModel(model_id))?;
		let st =
			SafeTensors::deserialize(bytes).map_err(|e| DeltaError::Undecodable(e.to_string()))?;
		let shapes = spec.tensor_shapes();
		let mut momentum_count = 0;
		for name in st.names() {
			let weight = name.strip_prefix(MOMENTUM_PREFIX).unwrap_or(name);
			if !shapes.iter().any(|(n, _)| n == weight) {
				return Err(DeltaError::WrongShape {
					tensor: name.to_string(),
					reason: "not a tensor of this model".into(),
				});
			}
			if weight.len() < name.len() {
				momentum_count += 1;
			}
		}
		let read = |name: &str, shape: &[usize]| -> Result<Vec<f32>, DeltaError> {
			let view = st.tensor(name).map_err(|_| DeltaError::WrongShape {
				tensor: name.into(),
				reason: "missing".into(),
			})?;
			if view.dtype() != Dtype::F32 {
				return Err(DeltaError::WrongShape {
					tensor: name.into(),
					reason: format!("dtype {:?}, expected F32", view.dtype()),
				});
			}
			if view.shape() != shape {
				return Err(DeltaError::WrongShape {
					tensor: name.into(),
					reason: format!("shape {:?}, expected {:?}", view.shape(), shape),
				});
			}
			let values: Vec<f32> = view
				.data()
				.chunks_exact(4)
				.map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
				.collect();
			if values.iter().any(|v| !v.is_finite()) {
				return Err(DeltaError::NonFinite { tensor: name.into() });
			}
			Ok(values)
		};
		let tensors =
			shapes.iter().map(|(name, shape)| read(name, shape)).collect::<Result<Vec<_>, _>>()?;
		// Momentum is all or nothing: a partial set is refused by the first one missing.
		let momentum = (momentum_count > 0)
			.then(|| {
				shapes
					.iter()
					.map(|(name, shape)| read(&format!("{MOMENTUM_PREFIX}{name}"), shape))
					.collect::<Result<Vec<_>, _>>()
			})
			.transpose()?;
		Ok(Checkpoint { model_id, tensors, momentum })
	}

	/// These weights as a delta's bytes: compressed with the model's
	/// [`ModelSpec::compression`] ([`crate::compress`]), with error feedback from `residual`
	/// (empty for none), which becomes what this delta leaves unsent. The miner uploads these
	/// bytes and commits to their hash. [`DeltaError::NonFinite`] if delta + residual overflows.
	pub fn to_delta_bytes_with(&self, residual: &mut Vec<Vec<f32>>) -> Result<Vec<u8>, DeltaError> {
		crate::compress::compress(self.model_id, &self.tensors, residual, self.spec().compression())
	}

	/// [`Checkpoint::to_delta_bytes_with`] without error feedback (what is not sent is dropped).
	pub fn to_delta_bytes(&self) -> Result<Vec<u8>, DeltaError> {
		self.to_delta_bytes_with(&mut Vec::new())
	}

	/// Decodes a delta's compressed bytes ([`crate::compress::decompress`], at most
	/// [`MAX_DELTA_BYTES`]) as dense weights of `model_id`: coordinates not sent are 0.
	pub fn from_delta_bytes(model_id: u32, bytes: &[u8]) -> Result<Checkpoint, DeltaError> {
		let spec = model_spec(model_id).map_err(|_| DeltaError::UnknownModel(model_id))?;
		let lens: Vec<usize> =
			spec.tensor_shapes().iter().map(|(_, s)| s.iter().product::<usize>()).collect();
		let tensors = crate::compress::decompress(model_id, &lens, bytes, MAX_DELTA_BYTES)?;
		Checkpoint::from_tensors(model_id, tensors)
	}

	/// blake2-256 of [`Checkpoint::to_bytes`].
	pub fn hash(&self) -> [u8; 32] {
		blake2_256(&self.to_bytes())
	}

	/// `self + delta`, element-wise in `f32` (the one way every party applies a delta);
	/// [`DeltaError::NonFinite`] when a sum overflows. The result carries no momentum.
	pub(crate) fn plus(&self, delta: &Checkpoint) -> Result<Checkpoint, DeltaError> {
		let tensors = self
			.tensors
			.iter()
			.zip(&delta.tensors)
			.map(|(b, d)| b.iter().zip(d).map(|(b, d)| b + d).collect())
			.collect();
		Checkpoint::from_tensors(self.model_id, tensors)
	}

	/// `self − base`, element-wise in `f32`.
	pub(crate) fn minus(&self, base: &Checkpoint) -> Checkpoint {
		let tensors = self
			.tensors
			.iter()
			.zip(&base.tensors)
			.map(|(n, b)| n.iter().zip(b).map(|(n, b)| n - b).collect())
			.collect();
		Checkpoint { model_id: self.model_id, tensors, momentum: None }
	}
}

/// Decodes and checks a delta for `base`'s model: size, then hash (when `expected_hash` is
/// given), then the compressed encoding ([`crate::compress`]), lengths and finiteness.
pub(crate) fn decode_delta(
	base: &Checkpoint,
	bytes: &[u8],
	expected_hash: Option<[u8; 32]>,
) -> Result<Checkpoint, DeltaError> {
	if bytes.len() > MAX_DELTA_BYTES {
		return Err(DeltaError::TooLarge { len: bytes.len(), max: MAX_DELTA_BYTES });
	}
	if let Some(expected) = expected_hash {
		let actual = blake2_256(bytes);
		if actual != expected {
			return Err(DeltaError::HashMismatch { expected, actual });
		}
	}
	Checkpoint::from_delta_bytes(base.model_id, bytes)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn bytes_round_trip_and_are_canonical() {
		let c = initial_checkpoint(0, 3).unwrap();
		let bytes = c.to_bytes();
		assert_eq!(Checkpoint::from_bytes(0, &bytes).unwrap(), c);
		assert_eq!(initial_checkpoint(0, 3).unwrap().to_bytes(), bytes);
		assert_eq!(c.hash(), blake2_256(&bytes));
		assert_ne!(initial_checkpoint(0, 4).unwrap().hash(), c.hash());
		// Header lists the tensors in sorted order.
		let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
		let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
		let positions: Vec<usize> =
			crate::model::TENSOR_NAMES.iter().map(|n| header.find(n).unwrap()).collect();
		assert!(positions.windows(2).all(|w| w[0] < w[1]), "{header}");
	}

	#[test]
	fn non_finite_values_are_refused() {
		let mut t = initial_checkpoint(0, 3).unwrap().tensors;
		t[3][7] = f32::NAN;
		assert_eq!(
			Checkpoint::from_tensors(0, t),
			Err(DeltaError::NonFinite { tensor: "l2.weight".into() })
		);
	}

	#[test]
	fn the_chain_trains_exactly_the_models_shipped() {
		let shipped = gym_primitives::mining::TRAINABLE_MODELS;
		for model in 0..shipped {
			assert!(initial_checkpoint(model, 0).is_ok(), "model {model}");
		}
		assert!(matches!(initial_checkpoint(shipped, 0), Err(TrainerError::UnknownModel(_))));
	}

	#[test]
	fn unknown_model_is_refused() {
		assert!(matches!(initial_checkpoint(9, 0), Err(TrainerError::UnknownModel(9))));
		assert_eq!(Checkpoint::from_bytes(9, &[]), Err(DeltaError::UnknownModel(9)));
	}
}
