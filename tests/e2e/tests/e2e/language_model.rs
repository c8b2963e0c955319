//! Models 2 and 3, the byte-level transformer language model and its GSPO fine-tuning, trained
//! on the dev chain by two miners and judged by an orchestrator, end to end on CPU.
//!
//! Node A runs the dev chain with `--miner --orchestrator` (miner //Eve, orchestrator //Bob);
//! node B follows it with `--miner` (miner //Ferdie). Eve and Ferdie stake Silver, Bob Gold
//! (he joins the orchestrator set by himself), and Charlie, Gold, pays for a job from the
//! model's `initial_checkpoint(model, seed)`, with a delta after the job's steps on a round's
//! checkpoint or at the end of its 2-block submission window. The chain seats both miners;
//! each trains without pause (the training thread is rebased onto each new round's checkpoint
//! and goes on while its delta is judged, its steps averaging more mini-batches the longer the
//! round lasts), compresses its delta and serves it; Bob measures every delta with the
//! deterministic evaluation and the round's aggregate (median, then the outer optimizer's
//! step) becomes the next round's checkpoint, which every node rebuilds. The tests read Bob's
//! reports from the chain (`DeltaValidated`): each round's base checkpoint is measured on the
//! job's held-out data by the next round's reports.
//!
//! - Model 2 (language modelling: batches of 8 sequences of 64 bytes, learning rate 0.001,
//!   a delta after 50 steps): the held-out text's loss falls round after round, and Eve's miner
//!   spends at least 90% of the wall time it is assigned in optimizer steps
//!   (`gym_miner_utilisation`).
//! - Model 3 (GSPO on two-digit sums from the shipped warm-up checkpoint, 8 steps of 16
//!   problems, learning rate 0.0001): in the first round, every delta Bob judges raises the
//!   expected reward of the training sums and the greedy reward of the held-out sums (one minus
//!   the reported losses), and the round completes with their median.

use std::time::{Duration, Instant};

use gym_e2e::{
	find_event, job_spec_of_model, planck, submit, submit_included,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::At,
		rpcs::rpc_params,
	},
	subxt_signer::sr25519,
	sudo, wait_seated, Node,
};
use gym_primitives::{mining::TrainingParams, GYM};
use serde_json::Value as Json;

use crate::mining_worker::{best, bytes32, events_between, insert_key, temp_base, until};
use gym_e2e::pallet_account;

/// The job's dataset and initial-weights seed.
const SEED: u64 = 7;

/// Model 3's job: a delta after 8 steps of 16 prompts (8 completions each) on a round's
/// checkpoint, learning rate 0.0001, no weight decay.
const GSPO_PARAMS: TrainingParams =
	TrainingParams { steps: 8, batch_size: 16, learning_rate: 100, weight_decay: 0, seed: SEED };

/// Who creates the trained job.
#[derive(Clone, Copy, Debug)]
enum Creator {
	/// Charlie pays for it: a customer's fine-tuning job.
	Customer,
	/// Governance (Root, through sudo) creates it and ends it after round `last_round`, premium;
	/// node A also serves the registered model (`--serve-models`, paid to //Dave).
	Governance {
		/// The job's last round.
		last_round: u32,
	},
}

/// What a job trained on the two-miner dev chain left: each round's base checkpoint measured
/// on the held-out data (the reports' `val_loss_before`, in chain order) and the two nodes,
/// which are stopped, and their base paths removed, when it is dropped.
struct Trained {
	/// The job.
	job: u128,
	/// Every event up to the last round's completion, with its block number.
	events: Vec<(u64, gym_e2e::Event)>,
	/// `val_loss_before` of each round's base, in millionths.
	bases: Vec<u128>,
	/// Every report, in chain order: `(loss_before, loss_after, val_loss_before,
	/// val_loss_after)`, in millionths.
	reports: Vec<[u128; 4]>,
	/// Eve's node (miner and orchestrator) and Ferdie's, still running.
	nodes: Option<(Node, Node)>,
	base_paths: [std::path::PathBuf; 2],
}

impl Trained {
	/// Eve's node.
	fn node_a(&self) -> &Node {
		&self.nodes.as_ref().expect("running until dropped").0
	}
}

impl Drop for Trained {
	fn drop(&mut self) {
		// Stop the nodes before removing their directories.
		drop(self.nodes.take());
		for base in &self.base_paths {
			let _ = std::fs::remove_dir_all(base);
		}
	}
}

/// Starts the two nodes, stakes, has `creator` create a job on `model` from its initial
/// checkpoint of `SEED` with `params`, and waits until `rounds` rounds completed; both miners
/// must have had a delta judged.
async fn train(
	name: &str,
	model: u32,
	params: TrainingParams,
	rounds: u128,
	creator: Creator,
) -> Trained {
	let (base_a, base_b) = (temp_base(&format!("{name}-a")), temp_base(&format!("{name}-b")));
	insert_key(&base_a, "gymm", "//Eve");
	insert_key(&base_a, "gymo", "//Bob");
	insert_key(&base_b, "gymm", "//Ferdie");
	let a_base = base_a.display().to_string();
	let mut args = vec!["--dev", "--base-path", &a_base, "--miner", "--orchestrator"];
	if matches!(creator, Creator::Governance { .. }) {
		args.push("--serve-models");
	}
	let node_a = Node::spawn(&format!("{name}-a"), &args);
	let api = node_a.client().await;
	let rpc = api.rpc.clone();
	node_a.wait_for_blocks(&rpc, 1, 0, Duration::from_secs(60)).await;
	let boot = node_a.bootnode(&rpc).await;
	let b_base = base_b.display().to_string();
	let node_b = Node::spawn(
		&format!("{name}-b"),
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

	let initial = gym_trainer::initial_checkpoint(model, SEED).unwrap();
	let spec = job_spec_of_model(model, 1, initial.hash(), &params, 1_000_000, 1);
	let created = match creator {
		Creator::Customer => {
			submit_included(
				&api,
				&charlie,
				&dynamic::transaction("ComputeMining", "create_job", vec![spec]),
			)
			.await
			.unwrap()
			.events
		}
		Creator::Governance { .. } => {
			sudo(&api, "ComputeMining", "create_job", vec![spec]).await.unwrap()
		}
	};
	let job = find_event(&created, "ComputeMining", "JobCreated")
		.at("job")
		.and_then(|j| j.as_u128())
		.unwrap();
	if let Creator::Governance { last_round } = creator {
		let end = vec![Value::u128(job), Value::u128(last_round.into()), Value::bool(true)];
		let events = sudo(&api, "ComputeMining", "end_job_after", end).await.unwrap();
		find_event(&events, "ComputeMining", "JobEndSet");
	}
	for worker in [eve_id, ferdie_id] {
		assert_eq!(wait_seated(&api, worker, Duration::from_secs(120)).await, job);
	}

	// Read every block's events until round `rounds` - 1 completes.
	let mut scanned = 0;
	let mut events = Vec::new();
	let completed = |events: &[(u64, gym_e2e::Event)]| {
		events.iter().filter(|(_, (p, e, _))| p == "ComputeMining" && e == "RoundCompleted").count()
			as u128
	};
	let deadline = Instant::now() + Duration::from_secs(900);
	while completed(&events) < rounds {
		let now = best(&rpc).await;
		if now > scanned {
			events.extend(events_between(&api, scanned + 1, now).await);
			scanned = now;
		}
		if Instant::now() > deadline {
			for node in nodes {
				eprintln!("---- {} ----\n{}", node.dir.display(), node.log());
			}
			panic!("timed out waiting for {rounds} rounds; {} completed", completed(&events));
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}

	// Bob's reports, in chain order: a round's deltas share its base, so each new
	// `val_loss_before` is the next round's checkpoint measured on the held-out data.
	let micro = |f: &Value, name: &str| {
		f.at("report").and_then(|r| r.at(name)).and_then(|v| v.as_u128()).unwrap()
	};
	let mut bases: Vec<u128> = Vec::new();
	let mut reports = Vec::new();
	let mut miners = std::collections::BTreeSet::new();
	for (n, (p, e, f)) in &events {
		if p != "ComputeMining" || e != "DeltaValidated" {
			continue;
		}
		assert_eq!(f.at("orchestrator").map(bytes32), Some(bob_id));
		let worker = f.at("worker").map(bytes32).unwrap();
		miners.insert(worker);
		let (before, after) = (micro(f, "val_loss_before"), micro(f, "val_loss_after"));
		let (train_before, train_after) = (micro(f, "loss_before"), micro(f, "loss_after"));
		println!(
			"#{n}: {} delta: training {:.4} → {:.4}, validation {:.4} → {:.4}",
			if worker == eve_id { "Eve's" } else { "Ferdie's" },
			train_before as f64 / 1e6,
			train_after as f64 / 1e6,
			before as f64 / 1e6,
			after as f64 / 1e6
		);
		if !bases.contains(&before) {
			bases.push(before);
		}
		reports.push([train_before, train_after, before, after]);
	}
	println!("validation loss of each round's base (× 10⁶): {bases:?}");
	assert!(bases.len() >= rounds as usize, "{bases:?}");
	assert!(miners.contains(&eve_id) && miners.contains(&ferdie_id), "both miners trained");
	Trained {
		job,
		events,
		bases,
		reports,
		nodes: Some((node_a, node_b)),
		base_paths: [base_a, base_b],
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn two_miners_train_the_language_model_and_its_validation_loss_falls_round_after_round() {
	let started = Instant::now();
	let params = TrainingParams {
		steps: 50,
		batch_size: 8,
		learning_rate: 1_000,
		weight_decay: 100,
		seed: SEED,
	};
	let rounds = 3;
	let trained =
		train("lm", gym_trainer::lm::LM_SMALL_ID, params, rounds, Creator::Customer).await;
	let bases = &trained.bases;
	// An untrained model predicts bytes uniformly: ln 256 = 5.545.
	assert!(bases[0].abs_diff(5_545_177) < 50_000, "{bases:?}");
	assert!(bases.windows(2).all(|w| w[1] < w[0]), "falls round after round: {bases:?}");
	// Eve's node reports how busy her miner kept the CPU while assigned.
	let metrics = trained.node_a().metrics();
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
	println!("{rounds} rounds in {:?}", started.elapsed());
}

/// The revenue loop on the GSPO model: governance's job ends after round 0, so the round's
/// checkpoint is registered as a premium model of the treasury; the treasury sells Charlie a
/// licence (5% to revenue), Charlie deposits with Dave's inference service (node A, started
/// with `--serve-models`) and calls the model twice with signed cumulative receipts; each answer
/// is what the registered checkpoint, fetched from node A by hash, computes here. Dave's node
/// settles the receipts (80% to Dave, 20% to revenue as inference fees, in
/// `gym_revenueHistory`), and, as the miners mine on (governance's next job, model 0), the
/// miners' share of revenue reaches them: Eve claims it.
#[tokio::test(flavor = "multi_thread")]
async fn two_miners_fine_tune_by_gspo_and_the_model_is_sold_served_and_pays_its_miners() {
	let started = Instant::now();
	// One round: the first gains the most (see mining.md's measurements), and a later round's
	// stale cut may gain too little to be sealed, so its miners train on from its checkpoint.
	let gspo = gym_trainer::lm::LM_GSPO_ID;
	let trained = train("gspo", gspo, GSPO_PARAMS, 1, Creator::Governance { last_round: 0 }).await;
	// A reported loss is one minus a reward: the expected reward of training sums, the greedy
	// reward of held-out sums.
	let reward = |micro: u128| 1.0 - micro as f64 / 1e6;
	let shipped = gym_trainer::gspo::held_out_reward(
		&gym_trainer::initial_checkpoint(gym_trainer::lm::LM_GSPO_ID, SEED).unwrap(),
		SEED,
	)
	.unwrap();
	// The first round's base is the shipped checkpoint, measured as the chain measured it.
	assert!((reward(trained.bases[0]) - shipped).abs() < 1e-6, "{:?} {shipped}", trained.bases);
	let round0: Vec<&[u128; 4]> =
		trained.reports.iter().filter(|r| r[2] == trained.bases[0]).collect();
	assert!(round0.len() >= 2, "both miners' round-0 deltas: {:?}", trained.reports);
	for [before, after, val_before, val_after] in round0.iter().copied().copied() {
		println!(
			"expected reward {:.4} → {:.4}, held-out greedy reward {:.4} → {:.4}",
			reward(before),
			reward(after),
			reward(val_before),
			reward(val_after)
		);
		assert!(after < before, "the delta raises the expected reward");
		assert!(val_after < val_before, "the held-out greedy reward rises");
	}
	println!("1 round in {:?}", started.elapsed());

	// The registry: round 0 was the job's last, and its checkpoint is the treasury's model.
	let node = trained.node_a();
	let api = node.client().await;
	let rpc = api.rpc.clone();
	let field = |name: &str, event: &str| {
		trained
			.events
			.iter()
			.find(|(_, (p, e, _))| (p.as_str(), e.as_str()) == (name, event))
			.map(|(n, (_, _, f))| (*n, f.clone()))
			.unwrap_or_else(|| panic!("{name}.{event} in the training's events"))
	};
	let (completed_at, completed) = field("ComputeMining", "RoundCompleted");
	let (registered_at, registered) = field("GymProducts", "ModelRegistered");
	assert_eq!(registered_at, completed_at, "registered in the block that completed round 0");
	let checkpoint = bytes32(completed.at("checkpoint").unwrap());
	assert_eq!(bytes32(registered.at("checkpoint").unwrap()), checkpoint);
	assert_eq!(bytes32(registered.at("owner").unwrap()), pallet_account(b"gym/trsy"));
	let model = registered.at("model").and_then(|m| m.as_u128()).unwrap() as u32;
	assert!(model >= 65_536, "{model}");
	let info: Json = rpc.request("gym_model", rpc_params![model]).await.unwrap();
	assert_eq!(info["job"].as_u64(), Some(trained.job as u64), "{info}");
	assert_eq!(info["premium"], true);
	let curve: Json = rpc.request("gym_lossCurve", rpc_params![trained.job]).await.unwrap();
	assert_eq!(info["valLoss"], curve[0]["valLossMicro"], "{info} {curve}");
	assert_eq!(info["loss"], curve[0]["lossMicro"], "{info} {curve}");
	// Node A (the orchestrator that voted for it) stores the checkpoint and serves it by hash.
	let served: Option<String> = rpc
		.request("gym_getDelta", rpc_params![format!("0x{}", hex::encode(checkpoint))])
		.await
		.unwrap();
	let bytes =
		hex::decode(served.expect("node A stores the model").trim_start_matches("0x")).unwrap();
	let registered_checkpoint = gym_trainer::Checkpoint::from_bytes(gspo, &bytes).unwrap();
	assert_eq!(registered_checkpoint.hash(), checkpoint);

	// The network moves on: governance's next job (model 0), where both miners are seated once
	// a heartbeat takes them out of the finished one.
	let model0 = TrainingParams {
		steps: 100,
		batch_size: 32,
		learning_rate: 10_000,
		weight_decay: 100,
		seed: SEED,
	};
	let initial0 = gym_trainer::initial_checkpoint(0, SEED).unwrap().hash();
	let next = job_spec_of_model(0, 1, initial0, &model0, 1_000_000, 1);
	sudo(&api, "ComputeMining", "create_job", vec![next]).await.unwrap();

	// The treasury's licence (a referendum's call; sudo on the dev chain), bought by Charlie.
	let (charlie, dave, eve) = (sr25519::dev::charlie(), sr25519::dev::dave(), sr25519::dev::eve());
	let terms = vec![Value::u128(model.into()), Value::u128(10 * GYM), Value::u128(14_400)];
	sudo(&api, "GymProducts", "list_licence", terms).await.unwrap();
	let buy = dynamic::transaction("GymProducts", "buy_licence", (model, 10 * GYM, 14_400u32));
	let events = submit(&api, &charlie, &buy).await.unwrap();
	let sold = find_event(&events, "GymProducts", "LicenceSold");
	assert_eq!(sold.at("fee").and_then(|f| f.as_u128()), Some(GYM / 2));
	// Node A registered Dave as a provider at its first blocks; Charlie deposits 1 GYM.
	let deposit = dynamic::transaction(
		"GymProducts",
		"deposit",
		(Value::from_bytes(dave.public_key().0), GYM),
	);
	submit(&api, &charlie, &deposit).await.unwrap();

	// Two calls at 0.01 GYM, each paid by a receipt of the running total.
	let ss58 = |k: &sr25519::Keypair| k.public_key().to_account_id().to_string();
	let receipt = |who: &sr25519::Keypair, cumulative: u128| {
		let (rpc, who) = (rpc.clone(), who.clone());
		let (customer, provider) = (ss58(&who), ss58(&dave));
		async move {
			let payload: Option<String> = rpc
				.request(
					"gym_receiptPayload",
					rpc_params![&customer, &provider, cumulative.to_string()],
				)
				.await
				.unwrap();
			let payload =
				payload.map_or_else(Vec::new, |p| hex::decode(p.trim_start_matches("0x")).unwrap());
			serde_json::json!({
				"customer": customer,
				"nonce": 0,
				"cumulative": cumulative.to_string(),
				"signature": format!("0x{}", hex::encode(who.sign(&payload).0)),
			})
		}
	};
	let ask = |prompt: &str, receipt: Json| {
		let rpc = rpc.clone();
		let input = serde_json::json!({ "text": prompt });
		async move {
			rpc.request::<Json>("gym_infer", rpc_params![model, input, receipt])
				.await
				.map_err(|e| e.to_string())
		}
	};
	let expected = |prompt: &str| {
		let input = gym_trainer::InferInput::Text(prompt.into());
		serde_json::to_value(gym_trainer::infer(&registered_checkpoint, &input).unwrap()).unwrap()
	};
	let first = receipt(&charlie, GYM / 100).await;
	let answer = ask("12+34=", first.clone()).await.unwrap();
	println!("gym_infer(\"12+34=\") = {}", answer["output"]);
	assert_eq!(answer["output"], expected("12+34="), "{answer}");
	assert_eq!(answer["cumulative"], (GYM / 100).to_string());
	// The same receipt does not pay twice; Eve has no licence.
	let replay = ask("12+34=", first).await.unwrap_err();
	assert!(replay.contains("this call needs at least"), "{replay}");
	let no_access = ask("1+1=", receipt(&eve, GYM / 100).await).await.unwrap_err();
	assert!(no_access.contains("has no access"), "{no_access}");
	let answer = ask("7+5=", receipt(&charlie, GYM / 50).await).await.unwrap();
	assert_eq!(answer["output"], expected("7+5="), "{answer}");

	// Dave's node settles the newest receipt within its 5-block cadence.
	let from = best(&rpc).await;
	let dave_id = dave.public_key().0;
	let settled_at = until("the receipts' settlement", 90, &[node], || {
		let api = api.clone();
		let rpc = rpc.clone();
		async move {
			let to = best(&rpc).await;
			events_between(&api, from, to).await.into_iter().find_map(|(n, (p, e, f))| {
				((p, e) == ("GymProducts".into(), "ReceiptSettled".into())).then(|| {
					assert_eq!(f.at("amount").and_then(|a| a.as_u128()), Some(GYM / 50));
					assert_eq!(f.at("fee").and_then(|a| a.as_u128()), Some(GYM / 250));
					assert_eq!(f.at("provider").map(bytes32), Some(dave_id));
					n
				})
			})
		}
	})
	.await;
	println!("settled in #{settled_at}");
	let channel: Json =
		rpc.request("gym_channel", rpc_params![ss58(&charlie), ss58(&dave)]).await.unwrap();
	assert_eq!(channel["settled"], (GYM / 50).to_string(), "{channel}");

	// Revenue: 20% of the settled 0.02 GYM as inference fees, 5% of the licence as
	// marketplace fees, each in the period it was paid in.
	let history = until("the settlement's period in the revenue history", 90, &[node], || {
		let rpc = rpc.clone();
		async move {
			let history: Json = rpc.request("gym_revenueHistory", rpc_params![720]).await.unwrap();
			let records = history.as_array().cloned().unwrap_or_default();
			records.iter().any(|r| planck(&r["income"]["inferenceFees"]) > 0).then_some(records)
		}
	})
	.await;
	let total = |source: &str| history.iter().map(|r| planck(&r["income"][source])).sum::<u128>();
	assert_eq!(total("inferenceFees"), GYM / 250);
	assert_eq!(total("marketplaceFees"), GYM / 2);

	// The miners' share reaches the miners: they mine on in the next job, and once a period
	// with their points closes, what is credited to Eve is hers to claim.
	let eve_ss58 = ss58(&eve);
	let claimable = until("Eve's miner revenue", 300, &[node], || {
		let (rpc, eve) = (rpc.clone(), eve_ss58.clone());
		async move {
			let pending: Json = rpc.request("gym_pendingRevenue", rpc_params![eve]).await.unwrap();
			let claimable = planck(&pending["claimable"]);
			(claimable > 0).then_some(claimable)
		}
	})
	.await;
	let events =
		submit(&api, &eve, &dynamic::transaction("RevenueSplit", "claim_miner_revenue", ()))
			.await
			.unwrap();
	let claimed = find_event(&events, "RevenueSplit", "MinerRevenueClaimed");
	let amount = claimed.at("amount").and_then(|a| a.as_u128()).unwrap();
	assert!(amount >= claimable, "{amount} < {claimable}");
	println!("Eve claimed {amount} planck of miner revenue; the loop took {:?}", started.elapsed());
}
