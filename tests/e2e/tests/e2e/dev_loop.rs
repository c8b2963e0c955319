//! The whole mining loop on one machine, with nobody's help: `scripts/dev.sh --miner
//! --orchestrator` runs `gym-node --dev --chain dev-mining --miner --orchestrator`, whose
//! genesis stakes an orchestrator (`//Bob`, Gold) and a miner (`//Charlie`, Bronze) and holds
//! a governance job, and whose node signs as them. The miner registers, the chain seats it in
//! the job, it trains and submits a delta, the orchestrator (the committee of one) commits and
//! reveals its report, the delta is finalised after the dispute window, and
//! `gym_pendingRewards` shows Charlie's reward: all within two minutes of the chain's first
//! block.

use std::{
	process::Command,
	time::{Duration, Instant},
};

use gym_e2e::{node_binary, planck, subxt::rpcs::rpc_params, Node};
use subxt_signer::sr25519::dev;

/// The dev-mining job's base checkpoint is the trainer's initial checkpoint of its model and
/// seed, which every miner and orchestrator rebuilds.
#[test]
fn the_dev_mining_job_trains_from_the_trainers_initial_checkpoint() {
	let out = Command::new(node_binary())
		.args(["export-chain-spec", "--chain", "dev-mining"])
		.output()
		.unwrap();
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let spec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
	let jobs = patch["computeMining"]["jobs"].as_array().expect("genesis jobs");
	assert_eq!(jobs.len(), 1);
	let (model, base, seed) = (&jobs[0][0], &jobs[0][1], &jobs[0][2]);
	let initial =
		gym_trainer::initial_checkpoint(model.as_u64().unwrap() as u32, seed.as_u64().unwrap())
			.unwrap();
	assert_eq!(base.as_str().unwrap(), format!("0x{}", hex::encode(initial.hash())));
	assert_eq!(patch["tieredStaking"]["stakes"].as_array().map(Vec::len), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn one_dev_node_trains_judges_and_pays_a_delta_within_two_minutes() {
	let started = Instant::now();
	let node = Node::spawn(
		"dev-loop",
		&["--dev", "--chain", "dev-mining", "--tmp", "--miner", "--orchestrator"],
	);
	let rpc = node.rpc().await;
	// Two minutes from the chain's first block: before it, the node builds its genesis, which
	// takes seconds on an idle machine and a minute when the test suite's other nodes load it.
	node.wait_for_blocks(&rpc, 1, 0, Duration::from_secs(180)).await;
	let first_block = Instant::now();
	println!("block #1 {:?} after the node started", started.elapsed());
	let charlie = dev::charlie().public_key().to_account_id().to_string();
	let paid = loop {
		let pending: serde_json::Value =
			rpc.request("gym_pendingRewards", rpc_params![&charlie]).await.unwrap();
		let paid = planck(&pending["claimable"]) + planck(&pending["accruing"]);
		if paid > 0 {
			break paid;
		}
		assert!(
			started.elapsed() < Duration::from_secs(300),
			"no reward after {:?}: {pending}\n{}",
			started.elapsed(),
			node.log()
		);
		tokio::time::sleep(Duration::from_secs(2)).await;
	};
	let took = first_block.elapsed();
	println!(
		"Charlie's delta was paid {paid} planck {took:?} after block #1 ({:?} after the node \
		 started)",
		started.elapsed()
	);
	let log = node.log();
	for step in ["signing as //Charlie", "signing as //Bob"] {
		assert!(log.contains(step), "the log says {step:?}:\n{log}");
	}
	assert!(took < Duration::from_secs(120), "the loop took {took:?}");
}
