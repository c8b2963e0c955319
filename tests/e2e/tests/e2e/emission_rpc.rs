//! The `gym_*` emission RPC of a dev node agrees with the pure schedule
//! functions of `gym-primitives`, and rejects bad input with JSON-RPC errors.

use gym_e2e::{subxt::rpcs::rpc_params, Node};
use gym_primitives::{
	emission::{self, EmissionSchedule},
	GYM, HARD_CAP, MONTH,
};
use serde_json::Value;

/// Alice..Ferdie's 1,000,000 GYM each, the validator stash
/// `//Alice//stash`'s 101,000 GYM (runtime `genesis_config_presets`).
/// The dev genesis: six dev accounts, Alice's stash, the treasury's and the
/// products pallet's existential deposits, and the two genesis pools' GYM
/// with the deposits of their LP accounts (2,000,000.02 GYM).
const GENESIS: u128 = 6_000_000 * GYM
	+ 101_000 * GYM
	+ 2 * gym_primitives::EXISTENTIAL_DEPOSIT
	+ 2_000_000 * GYM
	+ 20 * gym_primitives::MILLI_GYM;

fn planck(v: &Value) -> u128 {
	v.as_str().expect("amounts are decimal strings").parse().expect("decimal")
}

#[tokio::test(flavor = "multi_thread")]
async fn emission_rpc_agrees_with_the_pure_schedule() {
	let node = Node::spawn("emission", &["--dev", "--tmp"]);
	let rpc = node.rpc().await;
	let s = EmissionSchedule::gym();

	let pts: Vec<Value> =
		rpc.request("gym_emissionSchedule", rpc_params![0, 3 * MONTH, 4]).await.unwrap();
	assert_eq!(pts.len(), 4);
	let blocks: Vec<u64> = pts.iter().map(|p| p["block"].as_u64().unwrap()).collect();
	assert_eq!(blocks, vec![0, 432_000, 864_000, 1_296_000]);
	for p in &pts {
		let b = p["block"].as_u64().unwrap() as u32;
		let expected = GENESIS + emission::capped_cumulative(&s, b, GENESIS);
		assert_eq!(planck(&p["cumulative"]), expected, "cumulative at {b}");
		let per_block = if b == 0 { 0 } else { emission::capped_per_block(&s, b, GENESIS) };
		assert_eq!(planck(&p["perBlock"]), per_block, "per block at {b}");
	}
	assert_eq!(planck(&pts[3]["cumulative"]), GENESIS + 100_000_000 * GYM);

	// Across the cap: cumulative stops at exactly the hard cap.
	let cap_block: u32 = rpc.request("gym_capReachedAt", rpc_params![]).await.unwrap();
	assert_eq!(Some(cap_block), emission::cap_reached_at(&s, GENESIS));
	let around: Vec<Value> = rpc
		.request("gym_emissionSchedule", rpc_params![cap_block - 1, cap_block + 1, 3])
		.await
		.unwrap();
	assert!(planck(&around[0]["cumulative"]) < HARD_CAP);
	assert_eq!(planck(&around[1]["cumulative"]), HARD_CAP);
	assert_eq!(planck(&around[2]["perBlock"]), 0);

	// Since genesis, only the validators' share of each started epoch was
	// minted (5% in its first block; no miner works on this chain). Read at
	// one block.
	let at: String = rpc.request("chain_getFinalizedHead", rpc_params![]).await.unwrap();
	let header: Value = rpc.request("chain_getHeader", rpc_params![&at]).await.unwrap();
	let number =
		u32::from_str_radix(header["number"].as_str().unwrap().trim_start_matches("0x"), 16)
			.unwrap();
	let totals: Value = rpc.request("gym_totalMinted", rpc_params![&at]).await.unwrap();
	let started_epochs = if number == 0 { 0 } else { (number - 1) / 10 + 1 };
	let mut shares = 0;
	for e in 0..started_epochs {
		let budget: Value = rpc.request("gym_epochBudget", rpc_params![e, &at]).await.unwrap();
		let scheduled = emission::epoch_budget(&s, e.into(), 10, 0);
		assert_eq!(planck(&budget["minted"]), scheduled / 20, "epoch {e}: 5% for validators");
		shares += planck(&budget["minted"]);
	}
	assert_eq!(planck(&totals["totalMinted"]), GENESIS + shares);
	assert_eq!(planck(&totals["genesis"]), GENESIS);
	assert_eq!(planck(&totals["totalBurned"]), 0);
	assert_eq!(planck(&totals["remainingUnderCap"]), HARD_CAP - GENESIS - shares);

	// The dev chain's epochs are 10 blocks long.
	let epoch: Value = rpc.request("gym_epochBudget", rpc_params![1000]).await.unwrap();
	assert_eq!(epoch["firstBlock"], 10_001);
	assert_eq!(epoch["lastBlock"], 10_010);
	assert_eq!(planck(&epoch["scheduled"]), emission::epoch_budget(&s, 1000, 10, 0));
	assert_eq!(planck(&epoch["minted"]), 0);

	// Bad input is a JSON-RPC error, not a panic.
	let err = rpc
		.request::<Value>("gym_emissionSchedule", rpc_params![10, 5, 3])
		.await
		.expect_err("from > to is rejected");
	assert!(err.to_string().contains("after"), "{err}");
	let err = rpc
		.request::<Value>("gym_emissionSchedule", rpc_params![0, 100, 1001])
		.await
		.expect_err("too many points are rejected");
	assert!(err.to_string().contains("points"), "{err}");
	// The node still answers.
	let _: Value = rpc.request("gym_capReachedAt", rpc_params![]).await.unwrap();
}

/// Runs `gym-node emission-schedule --years <years>` writing SVG and CSV into
/// a fresh directory; returns the printed table, the SVG and the CSV.
fn emission_schedule_command(years: u32) -> (String, String, String) {
	let dir = std::env::temp_dir().join(format!("gym-emission-{years}y-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	let (svg, csv) = (dir.join("emission.svg"), dir.join("emission.csv"));
	let out = std::process::Command::new(gym_e2e::node_binary())
		.args(["emission-schedule", "--years", &years.to_string(), "--svg"])
		.arg(&svg)
		.arg("--csv")
		.arg(&csv)
		.output()
		.unwrap();
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
	let result = (String::from_utf8(out.stdout).unwrap(), read(&svg), read(&csv));
	let _ = std::fs::remove_dir_all(&dir);
	result
}

#[test]
fn emission_schedule_command_prints_table_and_writes_svg() {
	let (table, svg, csv) = emission_schedule_command(3);
	assert!(table.contains("The hard cap is reached at block"), "{table}");
	assert!(table.contains("(month 28)"), "{table}");
	assert_eq!(csv.lines().count(), 37);
	assert!(svg.contains("<polyline"));
}

#[test]
fn committed_emission_plot_and_table_are_current() {
	let (_, svg, csv) = emission_schedule_command(5);
	let docs = gym_e2e::repo_root().join("docs");
	for (fresh, name) in [(svg, "emission.svg"), (csv, "emission.csv")] {
		assert_eq!(
			fresh,
			std::fs::read_to_string(docs.join(name)).unwrap(),
			"docs/{name} is stale: regenerate it with `gym-node emission-schedule --years 5 --svg docs/emission.svg --csv docs/emission.csv`"
		);
	}
}
