//! The node-side compute-mining worker, end to end on CPU.
//!
//! Node A runs the dev chain with `--miner --orchestrator`: miner key //Eve (`gymm`),
//! orchestrator key //Bob (`gymo`). Node B follows it with `--miner --miner-corrupt-deltas`
//! and miner key //Ferdie. Eve and Ferdie stake 10,000 GYM (Silver), Bob and Charlie 50,000 GYM
//! (Gold); Bob's orchestrator joins the orchestrator set by itself (`OrchestratorJoined`), so
//! it is the set's only member. The miners register themselves with signed attestation
//! reports, Bob's orchestrator verifies their hardware. Charlie (a Gold wallet, outside the
//! orchestrator set) creates a job on model 0 from `initial_checkpoint(0, seed)`, paying 100 GYM
//! as a customer, and assigns both. The dev chain needs one validation per delta, so every
//! delta's committee is [Bob]. Then, with no client help:
//! - Eve's node trains round 0, serves the delta (`gym_getDelta`) and submits its hash; the next
//!   block draws its committee, [Bob] (`CommitteeDrawn`); Bob's orchestrator fetches the delta,
//!   measures it, commits to its report (`ReportCommitted`) and reveals it (`DeltaValidated`):
//!   accepted;
//! - Ferdie's node serves bytes that do not match its hash: reported `HashMismatch`, rejected
//!   with a 5% slash (500 GYM), which Bob's orchestrator, whose reveal judged it, charges
//!   (`settle_slash`);
//! - Bob, the round's committee, aggregates the accepted deltas and votes the next checkpoint
//!   (`RoundVoted`), which completes the round (`RoundCompleted`) and is exactly
//!   `aggregate(initial, [Eve's delta])`;
//! - when the epoch closes, Eve's reward is `1000 GYM × (1 + quality) × 1.2 (Silver) × 1.0
//!   (CPU) × 1 (online)` times the epoch's difficulty, her miner claims it, and her balance
//!   rises by exactly that, less the fees she paid in that block.

use std::{
	path::{Path, PathBuf},
	process::Command,
	time::{Duration, Instant},
};

use gym_e2e::{
	find_event, job_spec, node_binary, planck, submit, submit_included,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::{At, Primitive, ValueDef},
		rpcs::{rpc_params, RpcClient},
		OnlineClient, PolkadotConfig,
	},
	subxt_signer::sr25519,
	Event, Node,
};
use gym_primitives::{mining::TrainingParams, GYM};
use serde_json::Value as Json;

/// Blocks per epoch on the dev chain.
const EPOCH: u64 = 10;
/// The job's dataset and initial-weights seed.
const SEED: u64 = 42;

type Api = OnlineClient<PolkadotConfig>;

/// Inserts `suri` as an sr25519 key of `key_type` into the dev chain keystore under `base`.
fn insert_key(base: &Path, key_type: &str, suri: &str) {
	let status = Command::new(node_binary())
		.args(["key", "insert", "--chain", "dev", "--scheme", "sr25519"])
		.args(["--base-path", &base.display().to_string()])
		.args(["--key-type", key_type, "--suri", suri])
		.status()
		.expect("gym-node key insert runs");
	assert!(status.success(), "key insert {key_type} {suri}");
}

/// The 32 bytes of an `AccountId32` or `H256` event field.
fn bytes32(v: &Value) -> [u8; 32] {
	fn collect(v: &Value, out: &mut Vec<u8>) {
		match &v.value {
			ValueDef::Composite(c) => c.values().for_each(|v| collect(v, out)),
			ValueDef::Primitive(Primitive::U128(n)) => out.push(*n as u8),
			_ => {}
		}
	}
	let mut out = Vec::new();
	collect(v, &mut out);
	out.try_into().unwrap_or_else(|v: Vec<u8>| panic!("{} bytes, not 32", v.len()))
}

fn hex_bytes(s: &str) -> Vec<u8> {
	hex::decode(s.trim_start_matches("0x")).expect("hex")
}

/// The accounts of a `BoundedVec<AccountId32>` event field.
fn accounts(v: &Value) -> Vec<[u8; 32]> {
	fn collect(v: &Value, out: &mut Vec<u8>) {
		match &v.value {
			ValueDef::Composite(c) => c.values().for_each(|v| collect(v, out)),
			ValueDef::Primitive(Primitive::U128(n)) => out.push(*n as u8),
			_ => {}
		}
	}
	let mut out = Vec::new();
	collect(v, &mut out);
	assert_eq!(out.len() % 32, 0, "{v:?} is not a list of accounts");
	out.chunks_exact(32).map(|c| c.try_into().unwrap()).collect()
}

/// Every event of blocks `from..=to`, with its block number.
async fn events_between(api: &Api, from: u64, to: u64) -> Vec<(u64, Event)> {
	let mut out = Vec::new();
	for n in from..=to {
		let at = api.at_block(n).await.unwrap();
		for ev in at.events().fetch().await.unwrap().iter() {
			let ev = ev.unwrap();
			let fields = ev.decode_fields_unchecked_as::<Value>().unwrap();
			out.push((n, (ev.pallet_name().to_string(), ev.event_name().to_string(), fields)));
		}
	}
	out
}

/// `who`'s free balance at block `n`.
async fn free_at(api: &Api, n: u64, who: [u8; 32]) -> u128 {
	let at = api.at_block(n).await.unwrap();
	let addr = dynamic::storage::<([u8; 32],), Value>("System", "Account");
	let v = at.storage().try_fetch(addr, (who,)).await.unwrap().expect("account exists");
	v.decode().unwrap().at("data").at("free").and_then(|f| f.as_u128()).unwrap()
}

#[allow(clippy::too_many_arguments)]
/// Appends the events of new blocks to `events` (`scanned` is the last block read) until
/// `done(events)` holds, for at most `secs` seconds.
async fn scan_until(
	api: &Api,
	rpc: &RpcClient,
	events: &mut Vec<(u64, Event)>,
	scanned: &mut u64,
	secs: u64,
	nodes: &[&Node],
	done: impl Fn(&[(u64, Event)]) -> bool,
	what: &str,
) {
	let deadline = Instant::now() + Duration::from_secs(secs);
	loop {
		let now = best(rpc).await;
		if now > *scanned {
			events.extend(events_between(api, *scanned + 1, now).await);
			*scanned = now;
		}
		if done(events) {
			return;
		}
		if Instant::now() > deadline {
			for node in nodes {
				eprintln!("---- {} ----\n{}", node.dir.display(), node.log());
			}
			panic!("timed out waiting for {what}");
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

async fn best(rpc: &RpcClient) -> u64 {
	gym_e2e::heights(rpc).await.0
}

/// Polls `check` every second until it returns `Some`, for at most `secs` seconds.
async fn until<T, F, Fut>(what: &str, secs: u64, nodes: &[&Node], mut check: F) -> T
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Option<T>>,
{
	let deadline = Instant::now() + Duration::from_secs(secs);
	loop {
		if let Some(v) = check().await {
			return v;
		}
		if Instant::now() > deadline {
			for node in nodes {
				eprintln!("---- {} ----\n{}", node.dir.display(), node.log());
			}
			panic!("timed out waiting for {what}");
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

fn temp_base(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("gym-e2e-keys-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

#[tokio::test(flavor = "multi_thread")]
async fn miners_train_an_orchestrator_validates_pays_and_slashes() {
	let started = Instant::now();
	let (base_a, base_b) = (temp_base("a"), temp_base("b"));
	insert_key(&base_a, "gymm", "//Eve");
	insert_key(&base_a, "gymo", "//Bob");
	insert_key(&base_b, "gymm", "//Ferdie");

	let a_base = base_a.display().to_string();
	let node_a =
		Node::spawn("worker-a", &["--dev", "--base-path", &a_base, "--miner", "--orchestrator"]);
	let api = node_a.client().await;
	let rpc_a = api.rpc.clone();
	node_a.wait_for_blocks(&rpc_a, 1, 0, Duration::from_secs(60)).await;
	let peer: String = rpc_a.request("system_localPeerId", rpc_params![]).await.unwrap();
	let b_base = base_b.display().to_string();
	let boot = node_a.multiaddr(&peer);
	let node_b = Node::spawn(
		"worker-b",
		&[
			"--chain",
			"dev",
			"--base-path",
			&b_base,
			"--bootnodes",
			&boot,
			"--miner",
			"--miner-corrupt-deltas",
		],
	);
	let nodes = [&node_a, &node_b];

	// Charlie, a Gold wallet outside the orchestrator set, creates and assigns the job, so that
	// no client transaction races the node's own transactions for Bob's nonces.
	let (eve, bob, ferdie, charlie) =
		(sr25519::dev::eve(), sr25519::dev::bob(), sr25519::dev::ferdie(), sr25519::dev::charlie());
	let (eve_id, ferdie_id) = (eve.public_key().0, ferdie.public_key().0);
	let (bob_id, charlie_id) = (bob.public_key().0, charlie.public_key().0);
	let eve_ss58 = eve.public_key().to_account_id().to_string();
	let ferdie_ss58 = ferdie.public_key().to_account_id().to_string();
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

	// The miners register themselves; the orchestrator verifies their CPUs as `Other`.
	let rpc = &rpc_a;
	for who in [&eve_ss58, &ferdie_ss58] {
		let info: Json =
			until("registration and hardware verification", 90, &nodes, move || async move {
				let info: Json = rpc.request("gym_workerInfo", rpc_params![who]).await.unwrap();
				(!info.is_null() && info["verifiedClass"] == "Other").then_some(info)
			})
			.await;
		println!("gym_workerInfo({who}): {info}");
	}
	// Bob's orchestrator joined the set by itself, with its 50,000 GYM, before it could verify.
	// The test reads every block's events from genesis on.
	let mut scanned = best(&rpc_a).await;
	let mut events: Vec<(u64, Event)> = events_between(&api, 1, scanned).await;
	let joined = |events: &[(u64, Event)], who: [u8; 32]| {
		events
			.iter()
			.find(|(_, (p, e, f))| {
				p == "ComputeMining"
					&& e == "OrchestratorJoined"
					&& f.at("orchestrator").map(bytes32) == Some(who)
			})
			.cloned()
	};
	let (joined_at, bob_joined) =
		joined(&events, bob_id).expect("Bob's orchestrator joined the set");
	println!("Bob joined the orchestrator set at #{joined_at}");
	assert_eq!(bob_joined.2.at("stake").and_then(|s| s.as_u128()), Some(50_000 * GYM));
	let attestation: Json = rpc_a.request("gym_attestation", rpc_params![]).await.unwrap();
	println!("gym_attestation (Eve): {attestation}");
	assert_eq!(attestation["report"]["class"], "Other");
	assert_eq!(attestation["signer"], format!("0x{}", hex::encode(eve_id)));

	let initial = gym_trainer::initial_checkpoint(0, SEED).unwrap();
	let params = TrainingParams {
		steps: 100,
		batch_size: 32,
		learning_rate: 10_000,
		weight_decay: 100,
		seed: SEED,
	};
	let spec = job_spec(0, initial.hash(), &params, 1_000_000);
	let created = submit_included(
		&api,
		&charlie,
		&dynamic::transaction("ComputeMining", "create_job", vec![spec]),
	)
	.await
	.unwrap();
	let job_created = find_event(&created.events, "ComputeMining", "JobCreated");
	let job = job_created.at("job").unwrap().as_u128().unwrap();
	// Charlie pays the fine-tuning price as a customer, like any signed account.
	let origin = job_created.at("origin").unwrap();
	assert!(matches!(&origin.value, ValueDef::Variant(v) if v.name == "Customer"), "{origin:?}");
	assert_eq!(origin.at(0).map(bytes32), Some(charlie_id));
	assert_eq!(origin.at(1).and_then(|p| p.as_u128()), Some(100 * GYM));
	let fee: u128 = created
		.events
		.iter()
		.filter(|(p, e, _)| p == "TransactionPayment" && e == "TransactionFeePaid")
		.filter_map(|(_, _, f)| f.at("actual_fee").and_then(|a| a.as_u128()))
		.sum();
	let n = created.block_number;
	let (before, after) =
		(free_at(&api, n - 1, charlie_id).await, free_at(&api, n, charlie_id).await);
	assert_eq!(before - after, 100 * GYM + fee, "Charlie paid 100 GYM and the fee");
	for worker in [eve_id, ferdie_id] {
		let assign = dynamic::transaction(
			"ComputeMining",
			"assign_job",
			vec![Value::u128(job), Value::from_bytes(worker)],
		);
		submit(&api, &charlie, &assign).await.unwrap();
	}

	// Round 0 completes by itself with Eve's delta; Ferdie's corrupt delta (in round 0 or, if
	// round 0 completed before he was assigned, round 1) is rejected and slashed.
	let is = |(p, e, f): &Event, name: &str, who: [u8; 32]| {
		p == "ComputeMining" && e == name && f.at("worker").map(bytes32) == Some(who)
	};
	let round0_done = |events: &[(u64, Event)]| {
		events.iter().any(|(_, (p, e, f))| {
			p == "ComputeMining"
				&& e == "RoundCompleted"
				&& f.at("round").and_then(|r| r.as_u128()) == Some(0)
		}) && events.iter().any(|(_, ev)| is(ev, "WorkerSlashed", ferdie_id))
	};
	scan_until(
		&api,
		&rpc_a,
		&mut events,
		&mut scanned,
		150,
		&nodes,
		round0_done,
		"round 0 to complete and Ferdie to be slashed",
	)
	.await;
	let job_info: Json = rpc_a.request("gym_job", rpc_params![job as u32]).await.unwrap();
	println!("gym_job after round 0: {job_info} ({:?})", started.elapsed());
	let of = |name: &str, who: [u8; 32]| -> Vec<(u64, Value)> {
		events
			.iter()
			.filter(|(_, (p, e, f))| {
				p == "ComputeMining" && e == name && f.at("worker").map(bytes32) == Some(who)
			})
			.map(|(n, (_, _, f))| (*n, f.clone()))
			.collect()
	};
	let round_of = |f: &Value| f.at("round").and_then(|r| r.as_u128());
	let eve_submitted = of("DeltaSubmitted", eve_id);
	let (submitted_at, eve_delta) =
		eve_submitted.iter().find(|(_, f)| round_of(f) == Some(0)).expect("Eve submitted round 0");
	let eve_hash = bytes32(eve_delta.at("hash").unwrap());
	// The committee is drawn in the next block, from the VRF output of the submission's block.
	let drawn = of("CommitteeDrawn", eve_id);
	let (drawn_at, committee) =
		drawn.iter().find(|(_, f)| round_of(f) == Some(0)).expect("Eve's committee drawn");
	assert_eq!(*drawn_at, submitted_at + 1, "drawn in the block after the submission");
	assert_eq!(accounts(committee.at("committee").unwrap()), vec![bob_id], "Bob alone judges");
	let accepted = of("DeltaAccepted", eve_id);
	let (accepted_at, accepted0) =
		accepted.iter().find(|(_, f)| round_of(f) == Some(0)).expect("Eve's delta accepted");
	let quality = accepted0.at("quality").and_then(|q| q.as_u128()).unwrap();
	println!(
		"Eve's round-0 delta {} accepted at #{accepted_at}, quality {quality}",
		hex::encode(eve_hash)
	);
	assert!(quality > 150_000, "training improved the loss: quality {quality}");
	let rejected = of("DeltaRejected", ferdie_id);
	let (rejected_at, rejection) = rejected.first().expect("Ferdie's corrupt delta is rejected");
	// The judgement fixes the slash; the judging orchestrator (Bob) charges it with
	// settle_slash.
	assert_eq!(rejection.at("slash").and_then(|a| a.as_u128()), Some(500 * GYM));
	let slashes = of("WorkerSlashed", ferdie_id);
	let (slashed_at, slash) = slashes.first().expect("Ferdie is slashed");
	println!("Ferdie's delta rejected at #{rejected_at}, the slash charged at #{slashed_at}");
	assert!(slashed_at > rejected_at, "charged by a later settle_slash");
	assert_eq!(slash.at("amount").and_then(|a| a.as_u128()), Some(500 * GYM), "5% of 10,000 GYM");
	let validated = of("DeltaValidated", ferdie_id);
	let (_, validated) = validated.first().expect("Ferdie's delta validated");
	let verdict = format!("{:?}", validated.at("report").and_then(|r| r.at("verdict")));
	assert!(verdict.contains("HashMismatch"), "{verdict}");

	// Commit, then reveal: Bob's commitment to each report lands before the report.
	let position = |name: &str, matches: &dyn Fn(&Value) -> bool| {
		events
			.iter()
			.position(|(_, (p, e, f))| p == "ComputeMining" && e == name && matches(f))
			.unwrap_or_else(|| panic!("no {name} event"))
	};
	let by_bob_on = |who: [u8; 32]| {
		move |f: &Value| {
			f.at("worker").map(bytes32) == Some(who)
				&& f.at("orchestrator").map(bytes32) == Some(bob_id)
		}
	};
	for (name, who) in [("Eve", eve_id), ("Ferdie", ferdie_id)] {
		let committed = position("ReportCommitted", &by_bob_on(who));
		let revealed = position("DeltaValidated", &by_bob_on(who));
		assert!(
			committed < revealed,
			"Bob commits to his report on {name}'s delta before revealing it"
		);
		assert!(events[committed].0 < events[revealed].0, "the reveal is in a later block");
	}
	// Bob, the round's committee, votes the checkpoint that completes round 0.
	let round0 = |f: &Value| f.at("round").and_then(|r| r.as_u128()) == Some(0);
	let voted = position("RoundVoted", &|f: &Value| {
		round0(f) && f.at("orchestrator").map(bytes32) == Some(bob_id)
	});
	let completed_at = position("RoundCompleted", &round0);
	assert!(voted < completed_at, "Bob's vote precedes the completion of round 0");
	let stake_info: Json = rpc_a.request("gym_stakeInfo", rpc_params![&ferdie_ss58]).await.unwrap();
	assert_eq!(planck(&stake_info["stake"]), 9_500 * GYM, "{stake_info}");

	// The new checkpoint is the median aggregate of the accepted delta (Eve's alone), served by
	// the orchestrator's node.
	let served: Option<String> = rpc_a
		.request("gym_getDelta", rpc_params![format!("0x{}", hex::encode(eve_hash))])
		.await
		.unwrap();
	let delta = hex_bytes(&served.expect("Eve's node serves her delta"));
	assert_eq!(gym_trainer::blake2_256(&delta), eve_hash);
	let expected_checkpoint =
		gym_trainer::aggregate(&initial, std::slice::from_ref(&delta)).unwrap().hash();
	let completed = &events[completed_at];
	let checkpoint = bytes32(completed.1 .2.at("checkpoint").unwrap());
	assert_eq!(checkpoint, expected_checkpoint);
	let vote = bytes32(events[voted].1 .2.at("checkpoint").unwrap());
	assert_eq!(vote, checkpoint, "the round completes with Bob's vote");
	assert_ne!(checkpoint, initial.hash(), "the checkpoint advanced");
	let served: Option<String> = rpc_a
		.request("gym_getDelta", rpc_params![format!("0x{}", hex::encode(checkpoint))])
		.await
		.unwrap();
	assert_eq!(gym_trainer::blake2_256(&hex_bytes(&served.unwrap())), checkpoint);
	println!(
		"round 0: delta {} bytes, checkpoint {} (after {:?})",
		delta.len(),
		hex::encode(checkpoint),
		started.elapsed()
	);

	// Rewards: wait for the epoch of the acceptance to close and Eve's miner to claim.
	let epoch = (accepted_at - 1) / EPOCH;
	let claimed_by_eve = |events: &[(u64, Event)]| {
		events.iter().find_map(|(n, ev)| {
			(*n > (epoch + 1) * EPOCH && is(ev, "RewardsClaimed", eve_id))
				.then(|| (*n, ev.2.at("amount").and_then(|a| a.as_u128()).unwrap()))
		})
	};
	scan_until(
		&api,
		&rpc_a,
		&mut events,
		&mut scanned,
		120,
		&nodes,
		|events| claimed_by_eve(events).is_some(),
		"Eve's claim",
	)
	.await;
	let (claim_block, claimed) = claimed_by_eve(&events).unwrap();
	// The epoch's record is pruned once fully claimed: its budget and Σ come from EpochClosed.
	let closed = events
		.iter()
		.find(|(_, (p, e, f))| {
			p == "ComputeMining"
				&& e == "EpochClosed"
				&& f.at("epoch").and_then(|x| x.as_u128()) == Some(u128::from(epoch as u32))
		})
		.expect("EpochClosed for the epoch");
	println!("EpochClosed: {:?}", closed.1 .2);
	let all = &events;
	// Eve's best quality in the epoch is what it pays.
	let best_quality = all
		.iter()
		.filter(|(n, (p, e, f))| {
			(n - 1) / EPOCH == epoch
				&& p == "ComputeMining"
				&& e == "DeltaAccepted"
				&& f.at("worker").map(bytes32) == Some(eve_id)
		})
		.filter_map(|(_, (_, _, f))| f.at("quality").and_then(|q| q.as_u128()))
		.max()
		.unwrap();
	// 1000 GYM × (1 + q) × 1.2 (Silver) × 1.0 (verified Other) × 1 (online every slot).
	let unadjusted = 1_000 * GYM / 1_000_000 * (1_000_000 + best_quality) * 6 / 5;
	let field = |name: &str| closed.1 .2.at(name).and_then(|v| v.as_u128()).unwrap();
	assert_eq!(field("unadjusted"), unadjusted, "Eve is the epoch's only earner");
	let budget = field("budget");
	let expected = unadjusted.min(budget);
	let earned = all
		.iter()
		.find(|(_, (p, e, f))| {
			p == "ComputeMining"
				&& e == "RewardEarned"
				&& f.at("worker").map(bytes32) == Some(eve_id)
				&& f.at("epoch").and_then(|x| x.as_u128()) == Some(u128::from(epoch as u32))
		})
		.expect("RewardEarned for Eve");
	assert_eq!(earned.1 .2.at("amount").and_then(|a| a.as_u128()), Some(expected));
	assert_eq!(claimed, expected, "the claim pays the epoch's reward");
	let fees: u128 = all
		.iter()
		.filter(|(n, (p, e, f))| {
			*n == claim_block
				&& p == "TransactionPayment"
				&& e == "TransactionFeePaid"
				&& f.at("who").map(bytes32) == Some(eve_id)
		})
		.filter_map(|(_, (_, _, f))| f.at("actual_fee").and_then(|a| a.as_u128()))
		.sum();
	let (before, after) =
		(free_at(&api, claim_block - 1, eve_id).await, free_at(&api, claim_block, eve_id).await);
	assert_eq!(after + fees - before, expected, "Eve's balance rose by the reward, less fees");
	println!(
		"epoch {epoch}: quality {best_quality}, unadjusted {unadjusted}, budget {budget}, paid \
		 {expected}; claimed at #{claim_block}, fees {fees}; whole test {:?}",
		started.elapsed()
	);

	// Charlie never joined the orchestrator set: he only paid for the job and assigned it.
	assert!(joined(&events, charlie_id).is_none(), "Charlie did not join the orchestrator set");

	// The worker's metrics.
	let metrics = node_a.metrics();
	for name in ["gym_miner_deltas_submitted_total", "gym_orchestrator_deltas_validated_total"] {
		assert!(metrics.contains(name), "{name} missing from /metrics");
	}
	let log = node_a.log();
	assert!(log.contains("miner: trained job"), "the miner logs its rounds");

	drop(node_b);
	drop(node_a);
	let _ = std::fs::remove_dir_all(&base_a);
	let _ = std::fs::remove_dir_all(&base_b);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_miner_without_a_key_says_how_to_insert_one_and_keeps_running() {
	let node = Node::spawn("worker-nokey", &["--dev", "--tmp", "--miner", "--orchestrator"]);
	let rpc = node.rpc().await;
	node.wait_for_blocks(&rpc, 2, 0, Duration::from_secs(60)).await;
	let log = node.log();
	assert!(
		log.contains(
			"no gymm key in the keystore; insert one with `gym-node key insert --key-type gymm"
		),
		"{log}"
	);
	assert!(log.contains("no gymo key in the keystore"), "{log}");
	// Nothing to serve yet.
	let attestation: Json = rpc.request("gym_attestation", rpc_params![]).await.unwrap();
	assert!(attestation.is_null());
	let delta: Json =
		rpc.request("gym_getDelta", rpc_params![format!("0x{}", "00".repeat(32))]).await.unwrap();
	assert!(delta.is_null());
}
