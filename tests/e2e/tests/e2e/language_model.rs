//! Model 2, the byte-level transformer language model, trained on the dev chain by two miners
//! and judged by an orchestrator, end to end on CPU.
//!
//! Node A runs the dev chain with `--miner --orchestrator` (miner //Eve, orchestrator //Bob);
//! node B follows it with `--miner` (miner //Ferdie). Eve and Ferdie stake Silver, Bob Gold
//! (he joins the orchestrator set by himself), and Charlie, Gold, pays for a job on model 2 from
//! `initial_checkpoint(2, seed)`: batches of 8 sequences of 64 bytes, learning rate 0.001, a
//! delta after 50 steps on a round's checkpoint or at the end of its 2-block submission window.
//! The chain seats both miners; each trains its own shard of the text without pause (the
//! training thread is rebased onto each new round's checkpoint and goes on while its delta is
//! judged, its steps averaging more mini-batches the longer the round lasts), compresses its delta and serves it; Bob measures every delta with the deterministic
//! evaluation and the round's aggregate (median, then the outer optimizer's step) becomes the
//! next round's checkpoint, which every node rebuilds. The test reads Bob's reports from the
//! chain (`DeltaValidated`): each round's base checkpoint, measured on the job's held-out text,
//! has a lower validation loss than the round before's. Eve's miner spends at least 90% of the
//! wall time it is assigned in optimizer steps (`gym_miner_utilisation`).

use std::time::{Duration, Instant};

use gym_e2e::{
	find_event, job_spec_of_model, submit, submit_included,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::At,
		rpcs::rpc_params,
	},
	subxt_signer::sr25519,
	wait_seated, Node,
};
use gym_primitives::{mining::TrainingParams, GYM};
use serde_json::Value as Json;

use crate::mining_worker::{best, bytes32, events_between, insert_key, temp_base, until};

/// The job's dataset and initial-weights seed.
const SEED: u64 = 7;
/// Rounds the test waits for.
const ROUNDS: u128 = 3;

#[tokio::test(flavor = "multi_thread")]
async fn two_miners_train_the_language_model_and_its_validation_loss_falls_round_after_round() {
	let started = Instant::now();
	let (base_a, base_b) = (temp_base("lm-a"), temp_base("lm-b"));
	insert_key(&base_a, "gymm", "//Eve");
	insert_key(&base_a, "gymo", "//Bob");
	insert_key(&base_b, "gymm", "//Ferdie");
	let a_base = base_a.display().to_string();
	let node_a =
		Node::spawn("lm-a", &["--dev", "--base-path", &a_base, "--miner", "--orchestrator"]);
	let api = node_a.client().await;
	let rpc = api.rpc.clone();
	node_a.wait_for_blocks(&rpc, 1, 0, Duration::from_secs(60)).await;
	let boot = node_a.bootnode(&rpc).await;
	let b_base = base_b.display().to_string();
	let node_b = Node::spawn(
		"lm-b",
		&["--chain", "dev", "--base-path", &b_base, "--bootnodes", &boot, "--miner"],
	);
	let nodes = [&node_a, &node_b];

	let (eve, ferdie) = (sr25519::dev::eve(), sr25519::dev::ferdie());
	let (bob, charlie) = (sr25519::dev::bob(), sr25519::dev::charlie());
	let (eve_id, ferdie_id, bob_id) =
		(eve.public_key().0, ferdie.public_key().0, bob.public_key().0);
	let stake = |amount: u128| dynamic::transaction("TieredStaking", "stake", (amount,));
	let (silver, gold) = (stake(10_000 * GYM), stake(50_000 * GYM));
	let (a, b, c, d) = tokio::join!(
		submit(&api, &eve, &silver),
		submit(&api, &ferdie, &silver),
		submit(&api, &bob, &gold),
		submit(&api, &charlie, &gold),
	);
	for staked in [a, b, c, d] {
		staked.unwrap();
	}
	for who in [&eve, &ferdie] {
		let who = who.public_key().to_account_id().to_string();
		let rpc = &rpc;
		until("registration and hardware verification", 180, &nodes, move || {
			let who = who.clone();
			async move {
				let info: Json = rpc.request("gym_workerInfo", rpc_params![who]).await.unwrap();
				(!info.is_null() && info["verifiedClass"] == "Other").then_some(())
			}
		})
		.await;
	}

	let initial = gym_trainer::initial_checkpoint(gym_trainer::lm::LM_SMALL_ID, SEED).unwrap();
	let params = TrainingParams {
		steps: 50,
		batch_size: 8,
		learning_rate: 1_000,
		weight_decay: 100,
		seed: SEED,
	};
	let spec = job_spec_of_model(2, 1, initial.hash(), &params, 1_000_000, 1);
	let created = submit_included(
		&api,
		&charlie,
		&dynamic::transaction("ComputeMining", "create_job", vec![spec]),
	)
	.await
	.unwrap();
	let job = find_event(&created.events, "ComputeMining", "JobCreated")
		.at("job")
		.and_then(|j| j.as_u128())
		.unwrap();
	for worker in [eve_id, ferdie_id] {
		assert_eq!(wait_seated(&api, worker, Duration::from_secs(120)).await, job);
	}

	// Read every block's events until round ROUNDS - 1 completes.
	let mut scanned = 0;
	let mut events = Vec::new();
	let completed = |events: &[(u64, gym_e2e::Event)]| {
		events.iter().filter(|(_, (p, e, _))| p == "ComputeMining" && e == "RoundCompleted").count()
			as u128
	};
	let deadline = Instant::now() + Duration::from_secs(900);
	while completed(&events) < ROUNDS {
		let now = best(&rpc).await;
		if now > scanned {
			events.extend(events_between(&api, scanned + 1, now).await);
			scanned = now;
		}
		if Instant::now() > deadline {
			for node in nodes {
				eprintln!("---- {} ----\n{}", node.dir.display(), node.log());
			}
			panic!("timed out waiting for {ROUNDS} rounds; {} completed", completed(&events));
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}

	// Bob's reports, in chain order: a round's deltas share its base, so each new
	// `val_loss_before` is the next round's checkpoint measured on the held-out text.
	let micro = |f: &Value, name: &str| {
		f.at("report").and_then(|r| r.at(name)).and_then(|v| v.as_u128()).unwrap()
	};
	let mut bases: Vec<u128> = Vec::new();
	let mut miners = std::collections::BTreeSet::new();
	for (n, (p, e, f)) in &events {
		if p != "ComputeMining" || e != "DeltaValidated" {
			continue;
		}
		assert_eq!(f.at("orchestrator").map(bytes32), Some(bob_id));
		let worker = f.at("worker").map(bytes32).unwrap();
		miners.insert(worker);
		let (before, after) = (micro(f, "val_loss_before"), micro(f, "val_loss_after"));
		println!(
			"#{n}: {} delta: validation loss {:.4} → {:.4}",
			if worker == eve_id { "Eve's" } else { "Ferdie's" },
			before as f64 / 1e6,
			after as f64 / 1e6
		);
		if !bases.contains(&before) {
			bases.push(before);
		}
	}
	println!("validation loss of each round's base (nats per byte × 10⁶): {bases:?}");
	assert!(bases.len() >= ROUNDS as usize, "{bases:?}");
	// An untrained model predicts bytes uniformly: ln 256 = 5.545.
	assert!(bases[0].abs_diff(5_545_177) < 50_000, "{bases:?}");
	assert!(bases.windows(2).all(|w| w[1] < w[0]), "falls round after round: {bases:?}");
	assert!(miners.contains(&eve_id) && miners.contains(&ferdie_id), "both miners trained");
	// Eve's node reports how busy her miner kept the CPU while assigned.
	let metrics = node_a.metrics();
	// A sample line is `[prefix]name{labels} value`.
	let gauge = |name: &str| -> f64 {
		metrics
			.lines()
			.filter(|l| !l.starts_with('#'))
			.find(|l| {
				l.split(['{', ' '])
					.next()
					.is_some_and(|n| n == name || n.ends_with(&format!("_{name}")))
			})
			.and_then(|l| l.rsplit(' ').next())
			.and_then(|v| v.parse().ok())
			.unwrap_or_else(|| panic!("{name} missing from /metrics:\n{metrics}"))
	};
	let (utilisation, training, assigned) = (
		gauge("gym_miner_utilisation"),
		gauge("gym_miner_training_seconds"),
		gauge("gym_miner_assigned_seconds"),
	);
	println!(
		"Eve's miner: {training:.1} s training in {assigned:.1} s assigned: utilisation {:.1}%",
		100.0 * utilisation
	);
	assert!(training > 0.0 && assigned > training, "{metrics}");
	assert!((utilisation - training / assigned).abs() < 1e-9);
	assert!(utilisation >= 0.9, "the CPU idles while assigned: {utilisation}");
	println!("{ROUNDS} rounds in {:?}", started.elapsed());

	drop(node_b);
	drop(node_a);
	for base in [base_a, base_b] {
		let _ = std::fs::remove_dir_all(&base);
	}
}
