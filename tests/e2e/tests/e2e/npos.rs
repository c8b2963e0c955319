//! Nominated proof of stake with real processes: the four-validator testnet
//! (with 5-block sessions and 2-session eras, so that an era lasts a minute)
//! finalizes; a fifth node generates its session keys
//! (`author_rotateKeysWithOwner`: `author_rotateKeys` with a proof that Eve's
//! account owns them, which `session.set_keys` requires),
//! Eve bonds, sets those keys and offers to validate, Ferdie nominates her;
//! after the next election she is in the set and her node authors blocks; the
//! era she validated in is paid with `payout_stakers`; she chills and leaves
//! the set at the next election, while finality goes on.

use std::{
	path::Path,
	process::Command,
	time::{Duration, Instant},
};

use gym_e2e::{
	find_event, heights, node_binary, node_key, submit,
	subxt::{self, dynamic, rpcs::rpc_params},
	Client, Node,
};
use gym_primitives::GYM;
use subxt::{
	dynamic::{At, Value},
	ext::scale_value::ValueDef,
};
use subxt_signer::sr25519::dev;

/// The testnet's genesis with 5-block epochs (sessions) and the dev chain's
/// era terms, written to `path`.
fn fast_testnet_spec(path: &Path) {
	let out = Command::new(node_binary())
		.args(["export-chain-spec", "--chain", "testnet"])
		.output()
		.unwrap();
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let mut spec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let patch = &mut spec["genesis"]["runtimeGenesis"]["patch"];
	patch["gymEmission"]["epochLength"] = 5.into();
	patch["gymValidators"] =
		serde_json::json!({ "sessionsPerEra": 2, "bondingDuration": 4, "slashDeferDuration": 2 });
	std::fs::write(path, serde_json::to_vec(&spec).unwrap()).unwrap();
}

async fn validators(client: &Client) -> Vec<[u8; 32]> {
	let at = client.at_current_block().await.unwrap();
	at.storage()
		.fetch(dynamic::storage::<(), Vec<[u8; 32]>>("Session", "Validators"), ())
		.await
		.unwrap()
		.decode()
		.unwrap()
}

async fn active_era(client: &Client) -> u32 {
	let at = client.at_current_block().await.unwrap();
	let era: Value = at
		.storage()
		.fetch(dynamic::storage::<(), Value>("Staking", "ActiveEra"), ())
		.await
		.unwrap()
		.decode()
		.unwrap();
	era.at("index").and_then(|i| i.as_u128()).expect("an era index") as u32
}

/// Each validator's reward points in `era` (20 per authored block on chain).
async fn reward_points(client: &Client, era: u32) -> Vec<([u8; 32], u32)> {
	let at = client.at_current_block().await.unwrap();
	let points: Value = at
		.storage()
		.fetch(dynamic::storage::<(u32,), Value>("Staking", "ErasRewardPoints"), (era,))
		.await
		.unwrap()
		.decode()
		.unwrap();
	// `individual` is a `BTreeMap`: a sequence (wrapped in a composite) of
	// (account, points) pairs; find the pairs at any depth.
	fn pairs(v: &Value, out: &mut Vec<([u8; 32], u32)>) {
		let ValueDef::Composite(c) = &v.value else { return };
		let values: Vec<&Value> = c.values().collect();
		if let [who, points] = values[..] {
			if let Some(points) = points.as_u128() {
				if let Ok(id) = gym_e2e::value_bytes(who).try_into() {
					out.push((id, points as u32));
					return;
				}
			}
		}
		values.into_iter().for_each(|v| pairs(v, out));
	}
	let mut out = Vec::new();
	if let Some(individual) = points.at("individual") {
		pairs(individual, &mut out);
	}
	out
}

/// Polls `check` every 3 s until it holds; fails after `limit`.
async fn wait_until<F, Fut>(what: &str, limit: Duration, mut check: F)
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = bool>,
{
	let deadline = Instant::now() + limit;
	while !check().await {
		assert!(Instant::now() < deadline, "timed out waiting until {what}");
		tokio::time::sleep(Duration::from_secs(3)).await;
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifth_validator_is_elected_authors_is_paid_and_leaves() {
	let started = Instant::now();
	let dir = std::env::temp_dir().join(format!("gym-e2e-npos-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	let spec = dir.join("fast-testnet.json");
	fast_testnet_spec(&spec);
	let spec = spec.display().to_string();

	let spawn = |name: &str, flags: &[&str], boot: Option<&str>| {
		let key = dir.join(format!("{name}.key"));
		let peer = node_key(&key);
		let key = key.display().to_string();
		let mut args = vec![
			"--chain",
			spec.as_str(),
			"--base-path",
			"{dir}/db",
			"--node-key-file",
			key.as_str(),
			"--allow-private-ip",
		];
		args.extend(flags);
		if let Some(boot) = boot {
			args.extend(["--bootnodes", boot]);
		}
		(Node::spawn(&format!("npos-{name}"), &args), peer)
	};
	let (alice, alice_peer) = spawn("alice", &["--alice"], None);
	let boot = alice.multiaddr(&alice_peer);
	let mut nodes = vec![alice];
	for name in ["bob", "charlie", "dave"] {
		nodes.push(spawn(name, &[&format!("--{name}")], Some(&boot)).0);
	}
	// Eve's node: a validator node with an empty keystore.
	let (mut eve_node, _) = spawn("eve", &["--validator", "--name", "eve"], Some(&boot));
	let client = nodes[0].client().await;
	nodes[0].wait_for_blocks(&client.rpc, 3, 2, Duration::from_secs(180)).await;
	let genesis_set = validators(&client).await;
	assert_eq!(genesis_set.len(), 4);

	// 1. Session keys, generated in Eve's node's keystore, with the proof that
	// Eve's account (the owner) holds them.
	let (eve, ferdie) = (dev::eve(), dev::ferdie());
	let eve_id: [u8; 32] = eve.public_key().0;
	let eve_rpc = eve_node.rpc().await;
	let generated: serde_json::Value = eve_rpc
		.request("author_rotateKeysWithOwner", rpc_params![format!("0x{}", hex::encode(eve_id))])
		.await
		.unwrap();
	let bytes =
		|v: &serde_json::Value| hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap();
	let (keys, proof) = (bytes(&generated["keys"]), bytes(&generated["proof"]));
	assert_eq!(keys.len(), 64, "a BABE and a GRANDPA public key");
	let (babe, grandpa) = keys.split_at(32);

	// 2. Eve bonds, sets the keys and offers to validate; Ferdie nominates her.
	let staked = || Value::unnamed_variant("Staked", []);
	submit(&client, &eve, &dynamic::transaction("Staking", "bond", (100_000 * GYM, staked())))
		.await
		.expect("Eve bonds");
	let session_keys = Value::named_composite([
		("babe", Value::from_bytes(babe)),
		("grandpa", Value::from_bytes(grandpa)),
	]);
	submit(&client, &eve, &dynamic::transaction("Session", "set_keys", (session_keys, proof)))
		.await
		.expect("Eve sets her session keys");
	let prefs =
		Value::named_composite([("commission", Value::u128(0)), ("blocked", Value::bool(false))]);
	submit(&client, &eve, &dynamic::transaction("Staking", "validate", (prefs,)))
		.await
		.expect("Eve offers to validate");
	submit(&client, &ferdie, &dynamic::transaction("Staking", "bond", (50_000 * GYM, staked())))
		.await
		.expect("Ferdie bonds");
	let target = Value::unnamed_variant("Id", [Value::from_bytes(eve_id)]);
	submit(&client, &ferdie, &dynamic::transaction("Staking", "nominate", (vec![target],)))
		.await
		.expect("Ferdie nominates Eve");
	println!("Eve bonded and validates, Ferdie nominates her, after {:?}", started.elapsed());

	// 3. The next election puts her in the set, and her node authors.
	wait_until("Eve is in the validator set", Duration::from_secs(300), || async {
		validators(&client).await.contains(&eve_id)
	})
	.await;
	let elected_in = active_era(&client).await;
	println!("Eve validates from era {elected_in}, after {:?}", started.elapsed());
	wait_until("Eve's node authors a block", Duration::from_secs(180), || async {
		eve_node.log().contains("Pre-sealed block for proposal")
	})
	.await;
	println!("Eve's node authored a block after {:?}", started.elapsed());

	// 4. Once an era in which her blocks are on chain (she has reward points
	// in it: a sealed block may lose a fork, and in a 10-slot era she may
	// win no slot) has ended, its payout is claimed for Eve and Ferdie.
	let paid_era = std::cell::Cell::new(None);
	wait_until("an era with Eve's blocks ends", Duration::from_secs(300), || async {
		let era = active_era(&client).await;
		if paid_era.get().is_some_and(|earned| era > earned) {
			return true;
		}
		if reward_points(&client, era).await.iter().any(|(who, p)| *who == eve_id && *p > 0) {
			paid_era.set(Some(era));
		}
		false
	})
	.await;
	let paid_era = paid_era.get().expect("an era with Eve's blocks");
	assert!(paid_era >= elected_in);
	let events = submit(
		&client,
		&ferdie,
		&dynamic::transaction("Staking", "payout_stakers", (Value::from_bytes(eve_id), paid_era)),
	)
	.await
	.expect("the era is paid out");
	let rewarded: Vec<_> = events
		.iter()
		.filter(|(p, e, _)| p == "Staking" && e == "Rewarded")
		.map(|(_, _, fields)| fields.at("amount").and_then(|a| a.as_u128()).unwrap())
		.collect();
	assert_eq!(rewarded.len(), 2, "Eve and Ferdie are paid: {events:?}");
	assert!(rewarded.iter().all(|r| *r > 0), "{rewarded:?}");
	// Payouts move GYM from the validator pot: nothing is minted by them.
	assert!(events.iter().all(|(p, e, _)| !(p == "GymEmission" && e == "RewardMinted")));
	let _ = find_event(&events, "Staking", "PayoutStarted");
	println!("era {paid_era} paid {rewarded:?} planck");

	// 5. Eve chills and is out of the set after the next election; finality
	// goes on.
	submit(&client, &eve, &dynamic::transaction("Staking", "chill", ())).await.expect("Eve chills");
	wait_until("Eve has left the validator set", Duration::from_secs(300), || async {
		!validators(&client).await.contains(&eve_id)
	})
	.await;
	let (_, finalized) = heights(&client.rpc).await;
	nodes[0].wait_for_blocks(&client.rpc, 0, finalized + 2, Duration::from_secs(120)).await;
	println!("Eve left; finality went on past #{finalized}; took {:?}", started.elapsed());

	assert!(eve_node.stop().success());
	for node in &mut nodes {
		assert!(node.stop().success());
	}
	let _ = std::fs::remove_dir_all(&dir);
}
