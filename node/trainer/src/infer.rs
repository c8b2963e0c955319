//! Inference: a node answers a model call from a trained checkpoint.
//!
//! [`infer()`] takes a checkpoint and an [`InferInput`] in exactly the form the model was
//! trained on, and computes the answer with the deterministic plain-Rust `f64` evaluators
//! ([`crate::eval`], [`crate::lm::eval`]) rather than candle, so every node that holds the same
//! checkpoint gives the same answer to the bit.
//!
//! | model | input | output |
//! |-------|-------|--------|
//! | 0 (spiral) | [`InferInput::Features`]: the point `[x, y]` | [`InferOutput::Class`]: 3 logits, the arm |
//! | 1 (chars) | [`InferInput::Text`]: 4 characters of [`CHAR_VOCAB`], or the 128 one-hot [`InferInput::Features`] | [`InferOutput::Class`]: 32 logits, the next character's position in [`CHAR_VOCAB`] |
//! | 2, 3 (language models) | [`InferInput::Text`]: a prompt of 1 to 64 ASCII bytes | [`InferOutput::Text`]: the greedy completion, at most [`MAX_NEW_BYTES`] bytes, up to and including a newline |
//!
//! # JSON
//! Both types are `serde` types shaped for a JSON-RPC caller:
//!
//! ```text
//! input:  {"text": "12+34="}            {"features": [0.1, -0.2]}
//! output: {"text": "46\n"}              {"logits": [0.3, -1.2, 0.8], "class": 2}
//! ```

use crate::{
	checkpoint::Checkpoint,
	error::InferError,
	eval::Mlp,
	gspo::greedy_completion,
	model::{model_spec, MlpSpec, ModelKind, CHARS_ID, CHAR_CONTEXT, CHAR_VOCAB},
	TrainerError,
};
use serde::{Deserialize, Serialize};

/// Bytes a language model's answer holds at most (the newline that ends it included).
pub const MAX_NEW_BYTES: usize = 32;

/// What a model is asked. In JSON: `{"text": "12+34="}` or `{"features": [0.1, -0.2]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InferInput {
	/// A prompt for a language model (models 2 and 3: 1 to 64 ASCII bytes), or model 1's
	/// context: exactly 4 characters of [`CHAR_VOCAB`] (lower-case letters, space and `.,;'-`).
	Text(String),
	/// A perceptron's input features: model 0's point `[x, y]`, or model 1's 4 × 32 one-hot
	/// encoding (character `j` of the context sets feature `32·j + its position in
	/// [`CHAR_VOCAB`]` to 1). Computed in `f32`, as training computes them.
	Features(Vec<f64>),
}

/// A model's answer. In JSON: `{"text": "46\n"}` or `{"logits": [0.3, -1.2, 0.8], "class": 2}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "OutputRepr", try_from = "OutputRepr")]
pub enum InferOutput {
	/// A language model's greedy completion. Bytes that are not valid UTF-8 (an untrained model
	/// may write them) are replaced by U+FFFD.
	Text(String),
	/// A perceptron's output.
	Class {
		/// One logit per class (unnormalised log-probabilities), in `f64`.
		logits: Vec<f64>,
		/// The most likely class, the first on a tie: model 0's arm, model 1's next character
		/// as a position in [`CHAR_VOCAB`].
		class: usize,
	},
}

/// [`InferOutput`]'s JSON: one object whose fields say which output it is. Not an untagged
/// enum: serde's untagged enums fail on numbers when serde_json's `arbitrary_precision` is on
/// (the node's dependency tree turns it on).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputRepr {
	#[serde(default, skip_serializing_if = "Option::is_none")]
	text: Option<String>,
	#[serde(default, skip_serializing_if = "Option::is_none")]
	logits: Option<Vec<f64>>,
	#[serde(default, skip_serializing_if = "Option::is_none")]
	class: Option<usize>,
}

impl From<InferOutput> for OutputRepr {
	fn from(o: InferOutput) -> Self {
		match o {
			InferOutput::Text(text) => OutputRepr { text: Some(text), logits: None, class: None },
			InferOutput::Class { logits, class } => {
				OutputRepr { text: None, logits: Some(logits), class: Some(class) }
			}
		}
	}
}

impl TryFrom<OutputRepr> for InferOutput {
	type Error = &'static str;

	fn try_from(r: OutputRepr) -> Result<Self, Self::Error> {
		match r {
			OutputRepr { text: Some(text), logits: None, class: None } => {
				Ok(InferOutput::Text(text))
			}
			OutputRepr { text: None, logits: Some(logits), class: Some(class) } => {
				Ok(InferOutput::Class { logits, class })
			}
			_ => Err("an output is {\"text\"} or {\"logits\", \"class\"}"),
		}
	}
}

impl InferInput {
	fn kind(&self) -> &'static str {
		match self {
			InferInput::Text(_) => "text",
			InferInput::Features(_) => "features",
		}
	}
}

/// Answers `input` with `checkpoint`'s model (see the module docs for what each model takes
/// and gives). The same checkpoint and input give the same output, to the bit, on every
/// machine.
///
/// Errors ([`TrainerError::Infer`] unless noted): [`InferError::WrongInputKind`],
/// [`InferError::BadLength`] (an empty or too long prompt, a context of other than 4
/// characters, a feature vector of the wrong length), [`InferError::UnknownCharacter`] (a
/// prompt byte that is not ASCII, a context character outside [`CHAR_VOCAB`]),
/// [`InferError::NonFiniteFeature`], and [`TrainerError::UnknownModel`] for a model this build
/// does not ship.
pub fn infer(checkpoint: &Checkpoint, input: &InferInput) -> Result<InferOutput, TrainerError> {
	let model = checkpoint.model_id();
	match model_spec(model)?.kind {
		ModelKind::Lm(spec) => {
			let InferInput::Text(prompt) = input else {
				return Err(wrong_kind(model, "text", input));
			};
			check_prompt(model, prompt, spec.context, spec.vocab)?;
			let bytes = greedy_completion(checkpoint, prompt.as_bytes(), MAX_NEW_BYTES)?;
			Ok(InferOutput::Text(String::from_utf8_lossy(&bytes).into_owned()))
		}
		ModelKind::Mlp(spec) => {
			let features = match input {
				InferInput::Features(values) => features(model, &spec, values)?,
				InferInput::Text(text) if model == CHARS_ID => one_hot(model, &spec, text)?,
				InferInput::Text(_) => return Err(wrong_kind(model, "features", input)),
			};
			let logits = Mlp::new(&spec, checkpoint).logits(&features);
			Ok(InferOutput::Class { class: argmax(&logits), logits })
		}
	}
}

fn wrong_kind(model: u32, expected: &'static str, input: &InferInput) -> TrainerError {
	InferError::WrongInputKind { model, expected, got: input.kind() }.into()
}

/// A language model's prompt: 1 to `context` bytes, every one ASCII and in the vocabulary.
///
/// The vocabulary is the bytes, but both models learned from ASCII text only (model 2's
/// English corpus, model 3's sums), so a byte above 0x7f has an embedding training never
/// moved; it is refused rather than answered with noise.
fn check_prompt(model: u32, prompt: &str, context: usize, vocab: usize) -> Result<(), InferError> {
	let len = prompt.len();
	if len == 0 || len > context {
		return Err(InferError::BadLength {
			model,
			unit: "bytes of text",
			min: 1,
			max: context,
			got: len,
		});
	}
	match prompt.chars().enumerate().find(|(_, c)| !c.is_ascii() || *c as usize >= vocab) {
		Some((position, character)) => {
			Err(InferError::UnknownCharacter { model, character, position })
		}
		None => Ok(()),
	}
}

/// A perceptron's features, checked for length and narrowed to `f32` as training stores them.
fn features(model: u32, spec: &MlpSpec, values: &[f64]) -> Result<Vec<f32>, InferError> {
	if values.len() != spec.input {
		return Err(InferError::BadLength {
			model,
			unit: "features",
			min: spec.input,
			max: spec.input,
			got: values.len(),
		});
	}
	values
		.iter()
		.enumerate()
		.map(|(index, &v)| {
			let v = v as f32;
			if v.is_finite() {
				Ok(v)
			} else {
				Err(InferError::NonFiniteFeature { model, index })
			}
		})
		.collect()
}

/// Model 1's context as training encodes it (`crate::model`'s `chars`): character `j` of the
/// text sets feature `j·|CHAR_VOCAB| + its position in CHAR_VOCAB` to 1.
fn one_hot(model: u32, spec: &MlpSpec, text: &str) -> Result<Vec<f32>, InferError> {
	let got = text.chars().count();
	if got != CHAR_CONTEXT {
		return Err(InferError::BadLength {
			model,
			unit: "characters",
			min: CHAR_CONTEXT,
			max: CHAR_CONTEXT,
			got,
		});
	}
	let vocab = CHAR_VOCAB.len();
	let mut x = vec![0.0f32; spec.input];
	for (position, character) in text.chars().enumerate() {
		let symbol = CHAR_VOCAB
			.iter()
			.position(|&v| character.is_ascii() && v == character as u8)
			.ok_or(InferError::UnknownCharacter { model, character, position })?;
		x[position * vocab + symbol] = 1.0;
	}
	Ok(x)
}

/// The index of the largest value, the first on a tie (0 for none).
fn argmax(values: &[f64]) -> usize {
	let mut best = 0;
	for (i, v) in values.iter().enumerate() {
		if *v > values[best] {
			best = i;
		}
	}
	best
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		generate_dataset, initial_checkpoint,
		lm::{corpus, LM_GSPO_ID, LM_SMALL_ID},
		model::{corpus_symbols, Split},
		MODEL_IDS,
	};
	use std::time::Instant;

	fn text(s: &str) -> InferInput {
		InferInput::Text(s.into())
	}

	fn infer_err(c: &Checkpoint, input: &InferInput) -> InferError {
		match infer(c, input) {
			Err(TrainerError::Infer(e)) => e,
			other => panic!("expected an inference error, got {other:?}"),
		}
	}

	/// A model-2 checkpoint whose head is tied to a scaled-up embedding, so that greedy
	/// decoding is not stuck on one byte (as in `gspo::greedy`'s tests).
	fn peaked() -> Checkpoint {
		let base = initial_checkpoint(LM_SMALL_ID, 8).unwrap();
		let tensors =
			base.tensors().iter().map(|t| t.iter().map(|v| v * 4.0 + 0.01).collect()).collect();
		Checkpoint::from_tensors(LM_SMALL_ID, tensors).unwrap()
	}

	/// A valid input of every model.
	fn sample_input(model: u32) -> InferInput {
		match model {
			0 => InferInput::Features(vec![0.3, -0.7]),
			CHARS_ID => text("the "),
			_ => text("12+34="),
		}
	}

	#[test]
	fn lm_output_is_the_greedy_completion() {
		let checkpoints = [
			initial_checkpoint(LM_SMALL_ID, 3).unwrap(),
			peaked(),
			initial_checkpoint(LM_GSPO_ID, 0).unwrap(),
		];
		let long = "x".repeat(64);
		for c in &checkpoints {
			for prompt in ["12+34=", "It is a truth universally", "a", long.as_str()] {
				let direct = greedy_completion(c, prompt.as_bytes(), MAX_NEW_BYTES).unwrap();
				assert!(!direct.is_empty() && direct.len() <= MAX_NEW_BYTES);
				let expected = String::from_utf8_lossy(&direct).into_owned();
				assert_eq!(infer(c, &text(prompt)).unwrap(), InferOutput::Text(expected));
			}
		}
	}

	#[test]
	fn model_3_stops_at_a_newline() {
		// The warm-up checkpoint writes a sum and ends it with a newline, well inside 32 bytes.
		let c = initial_checkpoint(LM_GSPO_ID, 0).unwrap();
		let InferOutput::Text(answer) = infer(&c, &text("12+34=")).unwrap() else {
			panic!("a language model answers with text")
		};
		println!("model 3: 12+34= -> {answer:?}");
		assert!(answer.ends_with('\n') && answer.len() < MAX_NEW_BYTES, "{answer:?}");
		assert_eq!(answer.matches('\n').count(), 1);
	}

	#[test]
	fn lm_corpora_are_ascii() {
		// Why a prompt byte above 0x7f is an unknown character: no model saw one in training.
		assert!(corpus().is_ascii());
		let warm_up = crate::gspo::ARITHMETIC.text_stream(1)(4096);
		assert!(warm_up.is_ascii());
	}

	#[test]
	fn mlp_class_is_the_argmax_of_its_logits() {
		for (model, inputs) in [
			(0, vec![InferInput::Features(vec![0.3, -0.7]), InferInput::Features(vec![0.0, 0.0])]),
			(CHARS_ID, vec![text("the "), text("    "), text("-.,;")]),
		] {
			let c = initial_checkpoint(model, 5).unwrap();
			let classes = c.spec().mlp().unwrap().classes;
			for input in inputs {
				let InferOutput::Class { logits, class } = infer(&c, &input).unwrap() else {
					panic!("a perceptron answers with a class")
				};
				assert_eq!(logits.len(), classes);
				assert!(logits.iter().all(|l| l.is_finite()));
				assert!(logits.iter().all(|l| *l <= logits[class]));
				assert!(logits[..class].iter().all(|l| *l < logits[class]), "first on a tie");
			}
		}
		assert_eq!(argmax(&[1.0, 3.0, 3.0, 2.0]), 1);
		assert_eq!(argmax(&[]), 0);
	}

	#[test]
	fn mlp_inputs_are_encoded_as_training_encodes_them() {
		// Every validation example, given as the text or the features it was built from, gets
		// the evaluation's own logits, to the bit.
		for model in [0, CHARS_ID] {
			let c = initial_checkpoint(model, 7).unwrap();
			let spec = c.spec().mlp().unwrap();
			let mlp = Mlp::new(&spec, &c);
			let data = generate_dataset(model, 4, Split::Validation).unwrap();
			for n in 0..64 {
				let x = data.example(n);
				let want = mlp.logits(x);
				let features = InferInput::Features(x.iter().map(|&v| f64::from(v)).collect());
				let mut inputs = vec![features];
				if model == CHARS_ID {
					let context: String = (0..CHAR_CONTEXT)
						.map(|j| {
							let row = &x[j * CHAR_VOCAB.len()..(j + 1) * CHAR_VOCAB.len()];
							CHAR_VOCAB[row.iter().position(|&v| v == 1.0).unwrap()] as char
						})
						.collect();
					inputs.push(text(&context));
				}
				for input in inputs {
					let InferOutput::Class { logits, .. } = infer(&c, &input).unwrap() else {
						panic!("a perceptron answers with a class")
					};
					let bits = |v: &[f64]| v.iter().map(|l| l.to_bits()).collect::<Vec<_>>();
					assert_eq!(bits(&logits), bits(&want), "model {model}, example {n}");
				}
			}
		}
		// The folded corpus decodes to texts model 1 accepts.
		let symbols = corpus_symbols();
		let context: String =
			symbols[..4].iter().map(|&s| CHAR_VOCAB[s as usize] as char).collect();
		assert_eq!(context, "the ");
		assert!(infer(&initial_checkpoint(CHARS_ID, 0).unwrap(), &text(&context)).is_ok());
	}

	#[test]
	fn inference_is_deterministic() {
		for model in MODEL_IDS {
			let c = initial_checkpoint(model, 9).unwrap();
			let input = sample_input(model);
			let first = infer(&c, &input).unwrap();
			// Again, and from a checkpoint decoded from its bytes, as a node holds it.
			let decoded = Checkpoint::from_bytes(model, &c.to_bytes()).unwrap();
			for again in [infer(&c, &input).unwrap(), infer(&decoded, &input).unwrap()] {
				assert_eq!(
					serde_json::to_string(&again).unwrap(),
					serde_json::to_string(&first).unwrap(),
					"model {model}"
				);
				if let (
					InferOutput::Class { logits: a, .. },
					InferOutput::Class { logits: b, .. },
				) = (&again, &first)
				{
					assert!(a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits()));
				}
			}
		}
	}

	#[test]
	fn wrong_input_kind_is_refused() {
		let lm = initial_checkpoint(LM_GSPO_ID, 0).unwrap();
		assert_eq!(
			infer_err(&lm, &InferInput::Features(vec![1.0])),
			InferError::WrongInputKind { model: 3, expected: "text", got: "features" }
		);
		let small = initial_checkpoint(LM_SMALL_ID, 0).unwrap();
		assert!(matches!(
			infer_err(&small, &InferInput::Features(vec![])),
			InferError::WrongInputKind { model: 2, .. }
		));
		let spiral = initial_checkpoint(0, 0).unwrap();
		let e = infer_err(&spiral, &text("0.3"));
		assert_eq!(e, InferError::WrongInputKind { model: 0, expected: "features", got: "text" });
		assert_eq!(e.to_string(), "model 0 takes features, not text");
	}

	#[test]
	fn bad_length_is_refused() {
		let lm = initial_checkpoint(LM_GSPO_ID, 0).unwrap();
		let e = infer_err(&lm, &text(""));
		assert_eq!(
			e,
			InferError::BadLength { model: 3, unit: "bytes of text", min: 1, max: 64, got: 0 }
		);
		assert_eq!(e.to_string(), "model 3 takes 1 to 64 bytes of text, got 0");
		assert!(matches!(
			infer_err(&lm, &text(&"1".repeat(65))),
			InferError::BadLength { got: 65, max: 64, .. }
		));
		let chars = initial_checkpoint(CHARS_ID, 0).unwrap();
		for (s, got) in [("the", 3), ("the g", 5), ("", 0)] {
			assert_eq!(
				infer_err(&chars, &text(s)),
				InferError::BadLength { model: 1, unit: "characters", min: 4, max: 4, got }
			);
		}
		assert_eq!(
			infer_err(&chars, &text("abc")).to_string(),
			"model 1 takes 4 characters, got 3"
		);
		assert!(matches!(
			infer_err(&chars, &InferInput::Features(vec![0.0; 127])),
			InferError::BadLength { unit: "features", min: 128, got: 127, .. }
		));
		let spiral = initial_checkpoint(0, 0).unwrap();
		for n in [0, 1, 3] {
			assert_eq!(
				infer_err(&spiral, &InferInput::Features(vec![0.5; n])),
				InferError::BadLength { model: 0, unit: "features", min: 2, max: 2, got: n }
			);
		}
	}

	#[test]
	fn unknown_character_is_refused() {
		let chars = initial_checkpoint(CHARS_ID, 0).unwrap();
		for (s, character, position) in [("The ", 'T', 0), ("ab!d", '!', 2), ("abcé", 'é', 3)] {
			assert_eq!(
				infer_err(&chars, &text(s)),
				InferError::UnknownCharacter { model: 1, character, position }
			);
		}
		assert_eq!(
			infer_err(&chars, &text("ab1d")).to_string(),
			"model 1 has no character '1' (position 2) in its vocabulary"
		);
		let lm = initial_checkpoint(LM_SMALL_ID, 0).unwrap();
		// 'é' is two bytes, but positions count characters.
		assert_eq!(
			infer_err(&lm, &text("café au lait")),
			InferError::UnknownCharacter { model: 2, character: 'é', position: 3 }
		);
		// Any ASCII byte is in the vocabulary, control characters included.
		assert!(infer(&lm, &text("a\tb\n\u{7f}")).is_ok());
	}

	#[test]
	fn non_finite_feature_is_refused() {
		let spiral = initial_checkpoint(0, 0).unwrap();
		for (x, index) in [([f64::NAN, 0.0], 0), ([0.0, f64::INFINITY], 1), ([0.0, 1e39], 1)] {
			assert_eq!(
				infer_err(&spiral, &InferInput::Features(x.to_vec())),
				InferError::NonFiniteFeature { model: 0, index }
			);
		}
		assert_eq!(
			InferError::NonFiniteFeature { model: 0, index: 1 }.to_string(),
			"model 0: feature 1 is not a finite f32"
		);
	}

	#[test]
	fn unknown_model_is_refused() {
		// A Checkpoint exists only for a shipped model, so `infer` reaches `model_spec`'s
		// refusal only if a model is withdrawn; a node decoding a stored blob for an unknown id
		// meets the same refusal in `Checkpoint::from_bytes`.
		let next = MODEL_IDS.iter().max().unwrap() + 1;
		assert!(matches!(model_spec(next), Err(TrainerError::UnknownModel(id)) if id == next));
		assert!(
			Checkpoint::from_bytes(next, &initial_checkpoint(0, 0).unwrap().to_bytes()).is_err()
		);
		assert_eq!(
			TrainerError::UnknownModel(next).to_string(),
			format!("unknown model id {next}")
		);
	}

	#[test]
	fn errors_are_one_line() {
		let errors = [
			InferError::WrongInputKind { model: 2, expected: "text", got: "features" },
			InferError::BadLength { model: 2, unit: "bytes of text", min: 1, max: 64, got: 0 },
			InferError::UnknownCharacter { model: 1, character: '\n', position: 0 },
			InferError::NonFiniteFeature { model: 0, index: 0 },
		];
		for e in errors {
			let line = TrainerError::from(e.clone()).to_string();
			assert_eq!(line, e.to_string());
			assert!(!line.is_empty() && !line.contains('\n'), "{line:?}");
		}
	}

	#[test]
	fn json_shapes_round_trip() {
		let cases = [
			(text("12+34="), r#"{"text":"12+34="}"#),
			(InferInput::Features(vec![0.1, -0.2]), r#"{"features":[0.1,-0.2]}"#),
		];
		for (input, json) in cases {
			assert_eq!(serde_json::to_string(&input).unwrap(), json);
			assert_eq!(serde_json::from_str::<InferInput>(json).unwrap(), input);
		}
		let cases = [
			(InferOutput::Text("46\n".into()), r#"{"text":"46\n"}"#),
			(
				InferOutput::Class { logits: vec![0.5, -1.25, 2.0], class: 2 },
				r#"{"logits":[0.5,-1.25,2.0],"class":2}"#,
			),
		];
		for (output, json) in cases {
			assert_eq!(serde_json::to_string(&output).unwrap(), json);
			assert_eq!(serde_json::from_str::<InferOutput>(json).unwrap(), output);
		}
		// Real answers survive the trip too. The text and class exactly; the logits are written
		// exactly (shortest round-trip form), but serde_json's default parser (the workspace does
		// not enable `float_roundtrip`) may read one back an ulp off, so compare to 1e-15.
		for model in MODEL_IDS {
			let c = initial_checkpoint(model, 2).unwrap();
			let output = infer(&c, &sample_input(model)).unwrap();
			let json = serde_json::to_string(&output).unwrap();
			match (serde_json::from_str::<InferOutput>(&json).unwrap(), &output) {
				(InferOutput::Text(a), InferOutput::Text(b)) => assert_eq!(&a, b),
				(
					InferOutput::Class { logits: a, class: ca },
					InferOutput::Class { logits: b, class: cb },
				) => {
					assert_eq!(ca, *cb);
					assert_eq!(a.len(), b.len());
					for (x, y) in a.iter().zip(b) {
						assert!((x - y).abs() <= 1e-15 * y.abs().max(1e-300), "{x} vs {y}");
					}
				}
				(other, _) => panic!("model {model}: {json} read back as {other:?}"),
			}
		}
		// Malformed shapes are refused, not guessed at.
		for bad in [
			r#"{"text":"a","features":[1.0]}"#,
			r#"{"prompt":"a"}"#,
			r#"{"text":1}"#,
			r#""12+34=""#,
			r#"{}"#,
		] {
			assert!(serde_json::from_str::<InferInput>(bad).is_err(), "{bad}");
		}
		for bad in [r#"{"text":"a","class":1}"#, r#"{"logits":[1.0]}"#, r#""46""#] {
			assert!(serde_json::from_str::<InferOutput>(bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn inference_time_of_32_bytes() {
		// Timing only (run with --nocapture to see it); no bound is asserted.
		let gspo = initial_checkpoint(LM_GSPO_ID, 0).unwrap();
		let start = Instant::now();
		let answer = infer(&gspo, &text("12+34=")).unwrap();
		println!("model 3, 12+34=: {answer:?} in {:?}", start.elapsed());
		// A full 32 new bytes: the same decoding without the stop at a newline.
		let spec = match gspo.spec().kind {
			ModelKind::Lm(spec) => spec,
			ModelKind::Mlp(_) => unreachable!(),
		};
		let lm = crate::lm::eval::Lm::new(&spec, &gspo);
		let start = Instant::now();
		let mut seq = b"12+34=".to_vec();
		for _ in 0..MAX_NEW_BYTES {
			let logits = lm.next_logits(&seq[seq.len().saturating_sub(spec.context)..]);
			seq.push(argmax(&logits) as u8);
		}
		let full = start.elapsed();
		println!(
			"model 3, 32 new bytes without stopping: {full:?} ({:?} per byte): {:?}",
			full / MAX_NEW_BYTES as u32,
			String::from_utf8_lossy(&seq)
		);
		let small = initial_checkpoint(LM_SMALL_ID, 0).unwrap();
		let start = Instant::now();
		let answer = infer(&small, &text("12+34=")).unwrap();
		println!("model 2 (initial), 12+34=: {answer:?} in {:?}", start.elapsed());
	}
}
