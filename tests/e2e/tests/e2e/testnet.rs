//! The four-validator `testnet` chain on loopback: Alice, Bob, Charlie and
//! Dave produce and finalize blocks; Dave is killed (SIGKILL) and the other
//! three keep finalizing; Dave restarts from his database and catches up to
//! the finalized head; no finalized block is ever reverted. Prometheus
//! `/metrics` reports the best and finalized heights.

use std::{
	path::{Path, PathBuf},
	time::{Duration, Instant},
};

use gym_e2e::{
	heights, node_key,
	subxt::rpcs::{rpc_params, RpcClient},
	Node,
};

async fn block_hash(rpc: &RpcClient, n: u64) -> String {
	let h: serde_json::Value = rpc.request("chain_getBlockHash", rpc_params![n]).await.unwrap();
	h.as_str().unwrap_or_else(|| panic!("no block #{n}")).to_string()
}

/// The value of the Prometheus gauge `substrate_block_height{status=...}`.
fn height_metric(metrics: &str, status: &str) -> u64 {
	metrics
		.lines()
		.find(|l| {
			l.starts_with("substrate_block_height{") && l.contains(&format!("status=\"{status}\""))
		})
		.and_then(|l| l.rsplit(' ').next())
		.and_then(|v| v.trim().parse().ok())
		.unwrap_or_else(|| {
			panic!("no substrate_block_height{{status=\"{status}\"}} in:\n{metrics}")
		})
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_keep_finalizing_without_one_and_it_catches_up() {
	let started = Instant::now();
	let keys = std::env::temp_dir().join(format!("gym-e2e-testnet-keys-{}", std::process::id()));
	std::fs::create_dir_all(&keys).unwrap();
	let key_file = |name: &str| -> (PathBuf, String) {
		let path = keys.join(name);
		let peer = node_key(&path);
		(path, peer)
	};

	let spawn = |name: &str, key: &Path, bootnode: Option<&str>| {
		let flag = format!("--{name}");
		let key = key.display().to_string();
		let mut args = vec![
			"--chain",
			"testnet",
			flag.as_str(),
			"--base-path",
			"{dir}/db",
			"--node-key-file",
			key.as_str(),
			// The testnet is a `Live` chain: loopback peers must be allowed.
			"--allow-private-ip",
		];
		if let Some(boot) = bootnode {
			args.extend(["--bootnodes", boot]);
		}
		Node::spawn(&format!("testnet-{name}"), &args)
	};

	let (alice_key, alice_peer) = key_file("alice");
	let alice = spawn("alice", &alice_key, None);
	let boot = alice.multiaddr(&alice_peer);
	let mut nodes = vec![alice];
	for name in ["bob", "charlie", "dave"] {
		let (key, _) = key_file(name);
		nodes.push(spawn(name, &key, Some(&boot)));
	}
	let mut rpcs = Vec::new();
	for node in &nodes {
		rpcs.push(node.rpc().await);
	}

	// All four produce and finalize.
	let (_, finalized) = nodes[0].wait_for_blocks(&rpcs[0], 4, 3, Duration::from_secs(180)).await;
	let health: serde_json::Value = rpcs[0].request("system_health", rpc_params![]).await.unwrap();
	assert_eq!(health["peers"], 3, "{health}");
	let mut seen = Vec::new();
	for n in 1..=finalized {
		seen.push((n, block_hash(&rpcs[0], n).await));
	}
	// Prometheus reports both heights (refreshed every few seconds).
	let deadline = Instant::now() + Duration::from_secs(60);
	loop {
		let metrics = nodes[0].metrics();
		let (best, fin) = (height_metric(&metrics, "best"), height_metric(&metrics, "finalized"));
		if best >= 4 && fin >= 3 {
			println!("/metrics: best #{best}, finalized #{fin}");
			break;
		}
		assert!(Instant::now() < deadline, "/metrics stuck at best #{best}, finalized #{fin}");
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	println!("4 validators finalized #{finalized} after {:?}", started.elapsed());

	// Dave dies; Alice, Bob and Charlie (3 of 4 GRANDPA voters) go on.
	nodes[3].kill();
	let (_, at_kill) = heights(&rpcs[0]).await;
	let (_, finalized) =
		nodes[0].wait_for_blocks(&rpcs[0], 0, at_kill + 3, Duration::from_secs(180)).await;
	println!("3 validators finalized #{at_kill} -> #{finalized} without Dave");

	// Dave restarts from his database and catches up to the finalized head.
	nodes[3].restart();
	let dave = nodes[3].rpc().await;
	let (_, head) = heights(&rpcs[0]).await;
	nodes[3].wait_for_blocks(&dave, head, head, Duration::from_secs(180)).await;
	println!("Dave caught up to #{head} after {:?}", started.elapsed());

	// Nothing finalized was reverted, and Dave agrees with Alice.
	for (n, hash) in &seen {
		assert_eq!(&block_hash(&rpcs[0], *n).await, hash, "block #{n} changed on Alice");
		assert_eq!(&block_hash(&dave, *n).await, hash, "block #{n} differs on Dave");
	}
	for n in at_kill..=head {
		assert_eq!(block_hash(&dave, n).await, block_hash(&rpcs[0], n).await, "block #{n}");
	}

	for node in &mut nodes {
		assert!(node.stop().success());
	}
	let _ = std::fs::remove_dir_all(&keys);
	println!("resilience test took {:?}", started.elapsed());
}
