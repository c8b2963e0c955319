//! `gym-node` command-line behaviour that needs no running chain.

use std::process::Command;

use gym_e2e::{node_binary, repo_root};

#[test]
fn missing_chain_spec_fails_with_one_line_naming_the_file() {
	let out =
		Command::new(node_binary()).args(["--chain", "missing.json", "--tmp"]).output().unwrap();
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
	assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
	assert!(lines[0].contains("missing.json"), "{}", lines[0]);
}

/// Replaces the runtime code (which depends on the toolchain that built it)
/// with a marker, so that the rest of the spec can be compared exactly.
fn without_code(mut spec: serde_json::Value) -> serde_json::Value {
	// Raw specs hold the code under the storage key `:code`.
	let code = if spec["genesis"]["raw"].is_object() {
		&mut spec["genesis"]["raw"]["top"]["0x3a636f6465"]
	} else {
		&mut spec["genesis"]["runtimeGenesis"]["code"]
	};
	assert!(code.as_str().is_some_and(|c| c.starts_with("0x") && c.len() > 1000), "spec has code");
	*code = "<runtime wasm>".into();
	spec
}

#[test]
fn committed_chain_specs_match_the_runtime_presets() {
	for (chain, file, raw) in [
		("dev", "dev", false),
		("local", "local", false),
		("testnet", "testnet", false),
		("testnet", "testnet-raw", true),
	] {
		let mut args = vec!["export-chain-spec", "--chain", chain];
		if raw {
			args.push("--raw");
		}
		let out = Command::new(node_binary()).args(&args).output().unwrap();
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
		let generated: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
		let path = repo_root().join(format!("chain-specs/{file}.json"));
		let committed: serde_json::Value =
			serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
		assert_eq!(
			without_code(generated.clone()),
			without_code(committed),
			"{} is stale: run scripts/gen-chain-specs.sh",
			path.display()
		);
		assert_eq!(generated["properties"]["tokenSymbol"], "GYM");
	}
}
