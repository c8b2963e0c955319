//! Hardware attestation facts: what a miner runs on, the chain's GPU class for it, a matmul
//! benchmark, and the canonical bytes the node signs.
//!
//! GPU facts come from NVML, which `nvml-wrapper` loads at run time (`libnvidia-ml.so.1` through
//! `libloading`); nothing NVIDIA is needed to build or run the crate, and on a machine without
//! the library [`probe`] reports the CPU only.

use crate::{blake2_256, train::training_device, TrainerError};
use candle_core::{DType, Tensor};
pub use gym_primitives::mining::GpuClass;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Domain separator prefixed to [`AttestationReport::signing_payload`], so that a signature over
/// an attestation can never be replayed as a signature over anything else.
pub const ATTESTATION_DOMAIN: &[u8] = b"gym-attestation-v1\n";

/// Facts about the first NVIDIA GPU, as NVML reports them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpuFacts {
	/// Marketing name, e.g. `NVIDIA GeForce RTX 4090`.
	pub name: String,
	/// NVML UUID, e.g. `GPU-5a6c…`.
	pub uuid: String,
	/// Total framebuffer memory in bytes.
	pub memory_bytes: u64,
	/// Driver version, e.g. `550.54.15`.
	pub driver_version: String,
}

/// What [`probe`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardwareFacts {
	/// CPU model name from `/proc/cpuinfo` (`unknown` where unavailable).
	pub cpu_model: String,
	/// Logical CPU cores (at least 1).
	pub logical_cores: u32,
	/// The first GPU, when NVML is available and reports one.
	pub gpu: Option<GpuFacts>,
}

/// The class of an NVML device name. Matching is on the model number as a whole word
/// (`A100` does not match `A10`); laptop variants (`… Laptop GPU`) are much slower than the
/// desktop cards of the same name and map to [`GpuClass::Other`].
pub fn class_of_name(name: &str) -> GpuClass {
	let upper = name.to_ascii_uppercase();
	if upper.contains("LAPTOP") || upper.contains("MOBILE") {
		return GpuClass::Other;
	}
	let words: Vec<&str> =
		upper.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
	let has = |w: &str| words.contains(&w);
	let rtx = has("RTX");
	if has("H100") {
		GpuClass::H100
	} else if rtx && has("4090") {
		GpuClass::Rtx4090
	} else if has("A100") {
		GpuClass::A100
	} else if rtx && has("4080") {
		GpuClass::Rtx4080
	} else if has("A6000") {
		GpuClass::A6000
	} else if rtx && has("4070") {
		GpuClass::Rtx4070
	} else {
		GpuClass::Other
	}
}

/// The chain's class for `facts`: [`GpuClass::Other`] without a GPU.
pub fn gpu_class(facts: &HardwareFacts) -> GpuClass {
	facts.gpu.as_ref().map_or(GpuClass::Other, |g| class_of_name(&g.name))
}

/// Reads the CPU model and core count, and the first GPU through NVML when it loads.
pub fn probe() -> HardwareFacts {
	let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
	let (cpu_model, listed_cores) = parse_cpuinfo(&cpuinfo);
	let logical_cores = if listed_cores > 0 {
		listed_cores
	} else {
		std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
	};
	HardwareFacts { cpu_model, logical_cores, gpu: probe_gpu() }
}

/// `(model name, processor count)` of a `/proc/cpuinfo` text; ARM kernels name the model in
/// `Hardware` or `CPU part` lines or not at all.
fn parse_cpuinfo(text: &str) -> (String, u32) {
	let mut model = None;
	let mut cores = 0u32;
	for line in text.lines() {
		let Some((key, value)) = line.split_once(':') else { continue };
		let (key, value) = (key.trim(), value.trim());
		match key {
			"processor" => cores = cores.saturating_add(1),
			"model name" | "Hardware" | "Model" if model.is_none() && !value.is_empty() => {
				model = Some(value.to_string())
			}
			_ => {}
		}
	}
	(model.unwrap_or_else(|| "unknown".into()), cores)
}

/// The first GPU NVML reports, or `None` when the library is missing or reports no device.
fn probe_gpu() -> Option<GpuFacts> {
	let nvml = nvml_wrapper::Nvml::init().ok()?;
	let device = nvml.device_by_index(0).ok()?;
	Some(GpuFacts {
		name: device.name().ok()?,
		uuid: device.uuid().unwrap_or_default(),
		memory_bytes: device.memory_info().map(|m| m.total).unwrap_or(0),
		driver_version: nvml.sys_driver_version().unwrap_or_default(),
	})
}

/// Multiplies two `size × size` `f32` matrices `iters` times on [`training_device`] (after one
/// warm-up product) and returns the rate in GFLOP/s, counting `2·size³` operations per product.
/// `size` must be in `1..=8192` and `iters` in `1..=1000`.
pub fn matmul_benchmark(size: usize, iters: u32) -> Result<f64, TrainerError> {
	if size == 0 || size > 8192 {
		return Err(TrainerError::InvalidConfig("benchmark size must be in 1..=8192"));
	}
	if iters == 0 || iters > 1000 {
		return Err(TrainerError::InvalidConfig("benchmark iters must be in 1..=1000"));
	}
	let device = training_device();
	let a = Tensor::ones((size, size), DType::F32, &device)?;
	let b = (Tensor::ones((size, size), DType::F32, &device)? * 0.5)?;
	let warm = a.matmul(&b)?;
	device.synchronize()?;
	drop(warm);
	let started = Instant::now();
	let mut last = None;
	for _ in 0..iters {
		last = Some(a.matmul(&b)?);
	}
	device.synchronize()?;
	let secs = started.elapsed().as_secs_f64().max(1e-9);
	drop(last);
	let flops = 2.0 * (size as f64).powi(3) * f64::from(iters);
	Ok(flops / secs / 1e9)
}

/// What a miner attests to: its hardware, the class it claims, its benchmark result and the
/// chain's challenge nonce.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttestationReport {
	/// What [`probe`] found.
	pub facts: HardwareFacts,
	/// `gpu_class(&facts)`, as its variant name (`"H100"`).
	pub class: GpuClass,
	/// [`matmul_benchmark`] result, GFLOP/s.
	pub benchmark_gflops: f64,
	/// The chain's challenge, so that an old report cannot be replayed.
	#[serde(with = "hex_nonce")]
	pub nonce: [u8; 32],
}

impl AttestationReport {
	/// A report for `facts`, with the class derived from them.
	pub fn new(facts: HardwareFacts, benchmark_gflops: f64, nonce: [u8; 32]) -> Self {
		let class = gpu_class(&facts);
		AttestationReport { facts, class, benchmark_gflops, nonce }
	}

	/// The canonical bytes the node signs: [`ATTESTATION_DOMAIN`] followed by compact JSON with
	/// the fields in declaration order (`facts{cpu_model, logical_cores, gpu{name, uuid,
	/// memory_bytes, driver_version}|null}, class, benchmark_gflops, nonce`), the class as its
	/// variant name, the nonce as 64 lower-case hex digits, and the benchmark as the shortest
	/// decimal that round-trips (a non-finite benchmark is written `null`).
	pub fn signing_payload(&self) -> Vec<u8> {
		let mut out = ATTESTATION_DOMAIN.to_vec();
		let json = serde_json::to_vec(self)
			.expect("plain structs with string keys always serialize to JSON; qed");
		out.extend(json);
		out
	}

	/// blake2-256 of [`AttestationReport::signing_payload`].
	pub fn hash(&self) -> [u8; 32] {
		blake2_256(&self.signing_payload())
	}
}

/// The nonce as a lower-case hex string in JSON.
mod hex_nonce {
	use serde::{de::Error, Deserialize, Deserializer, Serializer};

	pub fn serialize<S: Serializer>(nonce: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
		let hex: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
		s.serialize_str(&hex)
	}

	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
		let s = String::deserialize(d)?;
		if s.len() != 64 || !s.is_ascii() {
			return Err(D::Error::custom("nonce must be 64 hex digits"));
		}
		let mut out = [0u8; 32];
		for (i, byte) in out.iter_mut().enumerate() {
			*byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(D::Error::custom)?;
		}
		Ok(out)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn nvml_names_map_to_chain_classes() {
		let cases = [
			("NVIDIA GeForce RTX 4090", GpuClass::Rtx4090),
			("NVIDIA GeForce RTX 4090 D", GpuClass::Rtx4090),
			("NVIDIA H100 80GB HBM3", GpuClass::H100),
			("NVIDIA H100 PCIe", GpuClass::H100),
			("NVIDIA H100 NVL", GpuClass::H100),
			("NVIDIA A100-SXM4-40GB", GpuClass::A100),
			("NVIDIA A100-SXM4-80GB", GpuClass::A100),
			("NVIDIA A100 80GB PCIe", GpuClass::A100),
			("NVIDIA RTX A6000", GpuClass::A6000),
			("NVIDIA GeForce RTX 4080", GpuClass::Rtx4080),
			("NVIDIA GeForce RTX 4080 SUPER", GpuClass::Rtx4080),
			("NVIDIA GeForce RTX 4070 Ti SUPER", GpuClass::Rtx4070),
			("NVIDIA GeForce RTX 4070", GpuClass::Rtx4070),
			("NVIDIA A10", GpuClass::Other),
			("NVIDIA A40", GpuClass::Other),
			("NVIDIA RTX 6000 Ada Generation", GpuClass::Other),
			("NVIDIA H200", GpuClass::Other),
			("NVIDIA GeForce RTX 3090", GpuClass::Other),
			("NVIDIA GeForce RTX 4090 Laptop GPU", GpuClass::Other),
			("Tesla V100-SXM2-16GB", GpuClass::Other),
		];
		for (name, class) in cases {
			assert_eq!(class_of_name(name), class, "{name}");
		}
	}

	#[test]
	fn probe_without_nvidia_reports_the_cpu() {
		let facts = probe();
		assert!(facts.logical_cores > 0);
		assert!(!facts.cpu_model.is_empty());
		// This crate's CI machines have no NVIDIA driver; where one exists, the GPU is reported.
		if std::path::Path::new("/proc/driver/nvidia").exists() {
			assert!(facts.gpu.is_some());
		} else {
			assert_eq!(facts.gpu, None);
			assert_eq!(gpu_class(&facts), GpuClass::Other);
		}
	}

	#[test]
	fn cpuinfo_parsing() {
		let text = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
		assert_eq!(parse_cpuinfo(text), ("AMD EPYC 7B13".to_string(), 2));
		assert_eq!(parse_cpuinfo(""), ("unknown".to_string(), 0));
	}

	#[test]
	fn benchmark_reports_a_positive_rate_and_refuses_bad_sizes() {
		let g = matmul_benchmark(64, 2).unwrap();
		assert!(g.is_finite() && g > 0.0);
		assert!(matches!(matmul_benchmark(0, 1), Err(TrainerError::InvalidConfig(_))));
		assert!(matches!(matmul_benchmark(16, 0), Err(TrainerError::InvalidConfig(_))));
	}

	#[test]
	fn attestation_payload_is_canonical() {
		let facts = HardwareFacts {
			cpu_model: "AMD EPYC 7B13".into(),
			logical_cores: 16,
			gpu: Some(GpuFacts {
				name: "NVIDIA H100 80GB HBM3".into(),
				uuid: "GPU-0000".into(),
				memory_bytes: 85_520_809_984,
				driver_version: "550.54.15".into(),
			}),
		};
		let r = AttestationReport::new(facts, 123.5, [0xab; 32]);
		assert_eq!(r.class, GpuClass::H100);
		let payload = String::from_utf8(r.signing_payload()).unwrap();
		let expected = format!(
			"gym-attestation-v1\n{{\"facts\":{{\"cpu_model\":\"AMD EPYC 7B13\",\"logical_cores\":16,\
			\"gpu\":{{\"name\":\"NVIDIA H100 80GB HBM3\",\"uuid\":\"GPU-0000\",\
			\"memory_bytes\":85520809984,\"driver_version\":\"550.54.15\"}}}},\"class\":\"H100\",\
			\"benchmark_gflops\":123.5,\"nonce\":\"{}\"}}",
			"ab".repeat(32)
		);
		assert_eq!(payload, expected);
		assert_eq!(r.hash(), blake2_256(payload.as_bytes()));
		let back: AttestationReport =
			serde_json::from_slice(&r.signing_payload()[ATTESTATION_DOMAIN.len()..]).unwrap();
		assert_eq!(back, r);
	}
}
