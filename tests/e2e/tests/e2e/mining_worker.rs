//! The node-side compute-mining worker, end to end on CPU, with three orchestrators.
//!
//! Node A runs the dev chain with `--miner --orchestrator`: miner key //Eve (`gymm`),
//! orchestrator key //Bob (`gymo`). Node B follows it with `--miner --miner-corrupt-deltas
//! --orchestrator`: miner key //Ferdie, orchestrator key //Dave. Node C follows it with
//! `--orchestrator --orchestrator-lie` and the liar's orchestrator key (an account Alice funds).
//! Node D follows it with `--orchestrator` and a fourth orchestrator key (funded by Alice too),
//! which stakes only once round 0's deltas are judged.
//! Eve and Ferdie stake 10,000 GYM (Silver); Bob, Dave, the liar and Charlie 50,000 GYM (Gold).
//! The three orchestrators join the orchestrator set by themselves (`OrchestratorJoined`);
//! Charlie, a Gold wallet outside the set, creates a job on model 0 from
//! `initial_checkpoint(0, seed)` with three validations a delta, paying 100 GYM as a customer,
//! and assigns both miners. With a set of three and both miners outside it, every committee is
//! the whole set. The miners register themselves with signed attestation reports, the
//! orchestrators verify their hardware. Then, with no client help:
//! - Eve's node trains round 0, serves the delta (`gym_getDelta`) and submits its hash; the next
//!   block draws its committee, the whole set (`CommitteeDrawn`); each orchestrator fetches the
//!   delta, measures it, commits to its report (`ReportCommitted`) and reveals it
//!   (`DeltaValidated`); the last reveal judges it (`DeltaJudged`): accepted, by the median of
//!   two honest reports and the liar's `HashMismatch`;
//! - Ferdie's node serves bytes that do not match its hash: Bob and Dave report `HashMismatch`,
//!   the liar reports a great improvement; judged corrupt;
//! - the liar disputes the judgements its reports contradict (`DeltaDisputed`); Bob and Dave
//!   vote with their reports (`DisputeVoted`), the last vote resolves the dispute 2:1 against
//!   the liar (`DisputeResolved { overturned: false }`), which is slashed 5% of its 50,000 GYM
//!   (2,500 GYM, `FalseJudgement`) and suspended, and finalises the delta: Eve's is accepted
//!   (`DeltaAccepted`), Ferdie's rejected with a 5% slash (500 GYM), which the orchestrator
//!   whose extrinsic finalised it charges (`settle_slash`). A judgement nobody disputes is
//!   finalised after its dispute window (`finalise_delta`) by its miner or an orchestrator;
//! - the round's committee (that of its first accepted delta: the whole set) aggregates the
//!   accepted deltas and votes the next checkpoint (`RoundVoted`); the second matching vote of
//!   three completes the round (`RoundCompleted`), exactly `aggregate(initial, [Eve's delta])`;
//! - round 1, with the liar out of the set (slashed below Gold) and the fourth orchestrator in:
//!   Eve's delta is judged by the three honest orchestrators, nobody disputes, and it is
//!   accepted only after its dispute window, by `finalise_delta`;
//! - when the epoch closes, Eve's reward is `1000 GYM × (1 + quality) × 1.2 (Silver) × 1.0
//!   (CPU) × 1 (online)` times the epoch's difficulty, her miner claims it, and her balance
//!   rises by exactly that, less the fees she paid in that block.

use std::{
	path::{Path, PathBuf},
	process::Command,
	time::{Duration, Instant},
};

use gym_e2e::{
	find_event, job_spec_validated, node_binary, planck, submit, submit_included,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::{At, ValueDef},
		rpcs::{rpc_params, RpcClient},
		OnlineClient, PolkadotConfig,
	},
	subxt_signer::{sr25519, SecretUri},
	wait_seated, Event, Node,
};
use gym_primitives::{mining::TrainingParams, GYM};
use serde_json::Value as Json;

/// The liar's secret URI (an account that is not endowed at genesis).
const LIAR: &str = "//GymE2ELiar";
/// The secret URI of the orchestrator that joins the set after the liar's disputes.
const FOURTH: &str = "//GymE2EFourth";
/// Blocks per epoch on the dev chain.
const EPOCH: u64 = 10;
/// The job's dataset and initial-weights seed.
const SEED: u64 = 42;

type Api = OnlineClient<PolkadotConfig>;

/// Inserts `suri` as an sr25519 key of `key_type` into the dev chain keystore under `base`.
pub(crate) fn insert_key(base: &Path, key_type: &str, suri: &str) {
	let status = Command::new(node_binary())
		.args(["key", "insert", "--chain", "dev", "--scheme", "sr25519"])
		.args(["--base-path", &base.display().to_string()])
		.args(["--key-type", key_type, "--suri", suri])
		.status()
		.expect("gym-node key insert runs");
	assert!(status.success(), "key insert {key_type} {suri}");
}

/// The 32 bytes of an `AccountId32` or `H256` event field.
pub(crate) fn bytes32(v: &Value) -> [u8; 32] {
	gym_e2e::value_bytes(v)
		.try_into()
		.unwrap_or_else(|v: Vec<u8>| panic!("{} bytes, not 32", v.len()))
}

/// The name of an enum value's variant.
fn variant(v: &Value) -> &str {
	match &v.value {
		ValueDef::Variant(variant) => &variant.name,
		other => panic!("{other:?} is not an enum value"),
	}
}

fn hex_bytes(s: &str) -> Vec<u8> {
	hex::decode(s.trim_start_matches("0x")).expect("hex")
}

/// The accounts of a `BoundedVec<AccountId32>` event field.
fn accounts(v: &Value) -> Vec<[u8; 32]> {
	let out = gym_e2e::value_bytes(v);
	assert_eq!(out.len() % 32, 0, "{v:?} is not a list of accounts");
	out.chunks_exact(32).map(|c| c.try_into().unwrap()).collect()
}

/// Every event of blocks `from..=to`, with its block number.
pub(crate) async fn events_between(api: &Api, from: u64, to: u64) -> Vec<(u64, Event)> {
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

pub(crate) async fn best(rpc: &RpcClient) -> u64 {
	gym_e2e::heights(rpc).await.0
}

/// Polls `check` every second until it returns `Some`, for at most `secs` seconds.
pub(crate) async fn until<T, F, Fut>(what: &str, secs: u64, nodes: &[&Node], mut check: F) -> T
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

pub(crate) fn temp_base(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("gym-e2e-keys-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

#[tokio::test(flavor = "multi_thread")]
async fn three_orchestrators_judge_a_liar_loses_its_dispute_miners_are_paid_and_slashed() {
	let started = Instant::now();
	let (base_a, base_b) = (temp_base("a"), temp_base("b"));
	let (base_c, base_d) = (temp_base("c"), temp_base("d"));
	insert_key(&base_a, "gymm", "//Eve");
	insert_key(&base_a, "gymo", "//Bob");
	insert_key(&base_b, "gymm", "//Ferdie");
	insert_key(&base_b, "gymo", "//Dave");
	insert_key(&base_c, "gymo", LIAR);
	insert_key(&base_d, "gymo", FOURTH);

	let a_base = base_a.display().to_string();
	let node_a =
		Node::spawn("worker-a", &["--dev", "--base-path", &a_base, "--miner", "--orchestrator"]);
	let api = node_a.client().await;
	let rpc_a = api.rpc.clone();
	node_a.wait_for_blocks(&rpc_a, 1, 0, Duration::from_secs(60)).await;
	let (b_base, c_base) = (base_b.display().to_string(), base_c.display().to_string());
	let d_base = base_d.display().to_string();
	let boot = node_a.bootnode(&rpc_a).await;
	let follower = |base: &str| -> Vec<String> {
		["--chain", "dev", "--base-path", base, "--bootnodes", &boot, "--orchestrator"]
			.map(String::from)
			.to_vec()
	};
	let args_b =
		[follower(&b_base), vec!["--miner".into(), "--miner-corrupt-deltas".into()]].concat();
	let args_c = [follower(&c_base), vec!["--orchestrator-lie".into()]].concat();
	let node_b = Node::spawn("worker-b", &args_b.iter().map(String::as_str).collect::<Vec<_>>());
	let node_c = Node::spawn("worker-c", &args_c.iter().map(String::as_str).collect::<Vec<_>>());
	let args_d = follower(&d_base);
	let node_d = Node::spawn("worker-d", &args_d.iter().map(String::as_str).collect::<Vec<_>>());
	let nodes = [&node_a, &node_b, &node_c, &node_d];

	// Charlie, a Gold wallet outside the orchestrator set, creates and assigns the job, so that
	// no client transaction races the nodes' own transactions for the orchestrators' nonces.
	let (eve, bob, ferdie, charlie) =
		(sr25519::dev::eve(), sr25519::dev::bob(), sr25519::dev::ferdie(), sr25519::dev::charlie());
	let (dave, alice) = (sr25519::dev::dave(), sr25519::dev::alice());
	let keypair =
		|uri: &str| sr25519::Keypair::from_uri(&uri.parse::<SecretUri>().unwrap()).unwrap();
	let (liar, fourth) = (keypair(LIAR), keypair(FOURTH));
	let (eve_id, ferdie_id) = (eve.public_key().0, ferdie.public_key().0);
	let (bob_id, charlie_id) = (bob.public_key().0, charlie.public_key().0);
	let (dave_id, liar_id) = (dave.public_key().0, liar.public_key().0);
	let fourth_id = fourth.public_key().0;
	let eve_ss58 = eve.public_key().to_account_id().to_string();
	let ferdie_ss58 = ferdie.public_key().to_account_id().to_string();
	let stake = |amount: u128| dynamic::transaction("TieredStaking", "stake", (amount,));
	let (silver, gold) = (stake(10_000 * GYM), stake(50_000 * GYM));
	// The liar's and the fourth orchestrator's accounts are not endowed: Alice funds them,
	// then the liar stakes Gold (the fourth stakes later).
	let fund = |who: &sr25519::Keypair| {
		dynamic::transaction(
			"Balances",
			"transfer_keep_alive",
			(who.public_key().to_address::<()>(), 51_000 * GYM),
		)
	};
	let liar_stakes = async {
		submit(&api, &alice, &fund(&liar)).await?;
		submit(&api, &alice, &fund(&fourth)).await?;
		submit(&api, &liar, &gold).await
	};
	let (a, b, c, d, e, f) = tokio::join!(
		submit(&api, &eve, &silver),
		submit(&api, &ferdie, &silver),
		submit(&api, &bob, &gold),
		submit(&api, &charlie, &gold),
		submit(&api, &dave, &gold),
		liar_stakes,
	);
	for staked in [a, b, c, d, e, f] {
		staked.unwrap();
	}

	// The miners register themselves; the orchestrators verify their CPUs as `Other`.
	let rpc = &rpc_a;
	for who in [&eve_ss58, &ferdie_ss58] {
		let info: Json =
			until("registration and hardware verification", 120, &nodes, move || async move {
				let info: Json = rpc.request("gym_workerInfo", rpc_params![who]).await.unwrap();
				(!info.is_null() && info["verifiedClass"] == "Other").then_some(info)
			})
			.await;
		println!("gym_workerInfo({who}): {info}");
	}
	// Each orchestrator joins the set by itself, with its 50,000 GYM. The test reads every
	// block's events from genesis on.
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
	let set = [bob_id, dave_id, liar_id];
	scan_until(
		&api,
		&rpc_a,
		&mut events,
		&mut scanned,
		60,
		&nodes,
		|events| set.iter().all(|who| joined(events, *who).is_some()),
		"the three orchestrators to join the set",
	)
	.await;
	for (name, who) in [("Bob", bob_id), ("Dave", dave_id), ("the liar", liar_id)] {
		let (joined_at, orchestrator_joined) = joined(&events, who).unwrap();
		println!("{name} joined the orchestrator set at #{joined_at}");
		assert_eq!(orchestrator_joined.2.at("stake").and_then(|s| s.as_u128()), Some(50_000 * GYM));
	}
	let attestation: Json = rpc_a.request("gym_attestation", rpc_params![]).await.unwrap();
	println!("gym_attestation (Eve): {attestation}");
	assert_eq!(attestation["report"]["class"], "Other");
	assert_eq!(attestation["signer"], format!("0x{}", hex::encode(eve_id)));

	// Three validations a delta: with a set of three and both miners outside it, every
	// committee is the whole set, the liar included.
	let initial = gym_trainer::initial_checkpoint(0, SEED).unwrap();
	let params = TrainingParams {
		steps: 100,
		batch_size: 32,
		learning_rate: 10_000,
		weight_decay: 100,
		seed: SEED,
	};
	let spec = job_spec_validated(0, initial.hash(), &params, 1_000_000, 3);
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
	// The chain seats the waiting workers in the only job; nobody assigns them.
	for worker in [eve_id, ferdie_id] {
		assert_eq!(wait_seated(&api, worker, Duration::from_secs(60)).await, job);
	}

	// Round 0 completes by itself with Eve's delta; Ferdie's corrupt delta (in round 0 or, if
	// round 0 completed before he was assigned, round 1) is rejected and slashed; the liar
	// disputes the judgements it lied about, loses and is slashed.
	let is = |(p, e, f): &Event, name: &str, who: [u8; 32]| {
		p == "ComputeMining" && e == name && f.at("worker").map(bytes32) == Some(who)
	};
	let slashed_orchestrator = |(p, e, f): &Event, who: [u8; 32]| {
		p == "ComputeMining"
			&& e == "OrchestratorSlashed"
			&& f.at("orchestrator").map(bytes32) == Some(who)
	};
	// Once both round-0 deltas are judged (or the liar is suspended before a committee could
	// be drawn for Ferdie's), a fourth orchestrator stakes Gold and joins the set, to judge
	// once the liar is gone.
	let suspended = |events: &[(u64, Event)]| {
		events.iter().any(|(_, (p, e, f))| {
			p == "ComputeMining"
				&& e == "OrchestratorSuspended"
				&& f.at("orchestrator").map(bytes32) == Some(liar_id)
		})
	};
	scan_until(
		&api,
		&rpc_a,
		&mut events,
		&mut scanned,
		180,
		&nodes,
		|events| {
			suspended(events)
				|| [eve_id, ferdie_id]
					.iter()
					.all(|who| events.iter().any(|(_, ev)| is(ev, "DeltaJudged", *who)))
		},
		"Eve's and Ferdie's deltas to be judged",
	)
	.await;
	submit(&api, &fourth, &gold).await.unwrap();
	let round0_done = |events: &[(u64, Event)]| {
		events.iter().any(|(_, (p, e, f))| {
			p == "ComputeMining"
				&& e == "RoundCompleted"
				&& f.at("round").and_then(|r| r.as_u128()) == Some(0)
		}) && events.iter().any(|(_, ev)| is(ev, "WorkerSlashed", ferdie_id))
			&& events.iter().any(|(_, ev)| slashed_orchestrator(ev, liar_id))
	};
	scan_until(
		&api,
		&rpc_a,
		&mut events,
		&mut scanned,
		240,
		&nodes,
		round0_done,
		"round 0 to complete, Ferdie and the liar to be slashed",
	)
	.await;
	// The disputes the liar opened are resolved too (by the last vote, or after their period).
	let disputed_by_liar = |events: &[(u64, Event)]| -> Vec<[u8; 32]> {
		events
			.iter()
			.filter(|(_, (p, e, f))| {
				p == "ComputeMining"
					&& e == "DeltaDisputed"
					&& f.at("disputer").map(bytes32) == Some(liar_id)
			})
			.filter_map(|(_, (_, _, f))| f.at("worker").map(bytes32))
			.collect()
	};
	scan_until(
		&api,
		&rpc_a,
		&mut events,
		&mut scanned,
		60,
		&nodes,
		|events| {
			disputed_by_liar(events)
				.iter()
				.all(|who| events.iter().any(|(_, ev)| is(ev, "DisputeResolved", *who)))
		},
		"the liar's disputes to be resolved",
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
	// The committee is drawn in the next block, from the VRF output of the submission's block:
	// the whole set.
	let drawn = of("CommitteeDrawn", eve_id);
	let (drawn_at, committee) =
		drawn.iter().find(|(_, f)| round_of(f) == Some(0)).expect("Eve's committee drawn");
	assert_eq!(*drawn_at, submitted_at + 1, "drawn in the block after the submission");
	let mut members = accounts(committee.at("committee").unwrap());
	members.sort();
	let mut whole_set = set.to_vec();
	whole_set.sort();
	assert_eq!(members, whole_set, "the whole set judges");
	// Judged first (the verdict takes effect later), then accepted with the judged quality.
	let judged = of("DeltaJudged", eve_id);
	let (judged_at, judgement) =
		judged.iter().find(|(_, f)| round_of(f) == Some(0)).expect("Eve's delta judged");
	let verdict = judgement.at("verdict").unwrap();
	assert_eq!(variant(verdict), "Accept", "{verdict:?}");
	let accepted = of("DeltaAccepted", eve_id);
	let (accepted_at, accepted0) =
		accepted.iter().find(|(_, f)| round_of(f) == Some(0)).expect("Eve's delta accepted");
	let quality = accepted0.at("quality").and_then(|q| q.as_u128()).unwrap();
	assert_eq!(verdict.at(0).and_then(|q| q.as_u128()), Some(quality), "the judged quality");
	assert!(accepted_at > judged_at, "accepted when final, after the judgement");
	println!(
		"Eve's round-0 delta {} judged at #{judged_at}, accepted at #{accepted_at}, quality \
		 {quality}",
		hex::encode(eve_hash)
	);
	assert!(quality > 150_000, "training improved the loss: quality {quality}");
	let rejected = of("DeltaRejected", ferdie_id);
	let (rejected_at, rejection) = rejected.first().expect("Ferdie's corrupt delta is rejected");
	// The finalisation fixes the slash; the orchestrator whose extrinsic finalised it charges
	// it with settle_slash.
	assert_eq!(rejection.at("slash").and_then(|a| a.as_u128()), Some(500 * GYM));
	let slashes = of("WorkerSlashed", ferdie_id);
	let (slashed_at, slash) = slashes.first().expect("Ferdie is slashed");
	println!("Ferdie's delta rejected at #{rejected_at}, the slash charged at #{slashed_at}");
	assert!(slashed_at > rejected_at, "charged by a later settle_slash");
	assert_eq!(slash.at("amount").and_then(|a| a.as_u128()), Some(500 * GYM), "5% of 10,000 GYM");
	// The honest reports on Ferdie's delta say HashMismatch; the liar's (when it was on the
	// committee, as it is unless it was suspended before the draw) says it is valid.
	let reports: Vec<([u8; 32], String)> = of("DeltaValidated", ferdie_id)
		.iter()
		.map(|(_, f)| {
			let by = f.at("orchestrator").map(bytes32).unwrap();
			(by, variant(f.at("report").and_then(|r| r.at("verdict")).unwrap()).to_string())
		})
		.collect();
	let liar_reported = reports.iter().any(|(by, _)| *by == liar_id);
	println!("{} reports on Ferdie's delta, the liar's among them: {liar_reported}", reports.len());
	for (by, verdict) in &reports {
		let expected = if *by == liar_id { "Valid" } else { "HashMismatch" };
		assert_eq!(verdict, expected);
	}
	for who in [bob_id, dave_id] {
		assert!(reports.iter().any(|(by, _)| *by == who), "Bob and Dave report on Ferdie's delta");
	}

	// Commit, then reveal: each honest orchestrator's commitment to each report lands before
	// the report.
	let position = |name: &str, matches: &dyn Fn(&Value) -> bool| {
		events
			.iter()
			.position(|(_, (p, e, f))| p == "ComputeMining" && e == name && matches(f))
			.unwrap_or_else(|| panic!("no {name} event"))
	};
	let by_on = |by: [u8; 32], who: [u8; 32]| {
		move |f: &Value| {
			f.at("worker").map(bytes32) == Some(who)
				&& f.at("orchestrator").map(bytes32) == Some(by)
		}
	};
	for (name, who) in [("Eve", eve_id), ("Ferdie", ferdie_id)] {
		for by in [bob_id, dave_id] {
			let committed = position("ReportCommitted", &by_on(by, who));
			let revealed = position("DeltaValidated", &by_on(by, who));
			assert!(committed < revealed, "the commitment on {name}'s delta precedes its report");
			assert!(events[committed].0 < events[revealed].0, "the reveal is in a later block");
		}
	}

	// The liar disputed (at least) one judgement, lost it by 2:1 and was slashed 5% of its
	// 50,000 GYM and suspended; the committee's verdicts stood. Nobody else was slashed.
	let disputes = disputed_by_liar(&events);
	assert!(!disputes.is_empty(), "the liar disputes");
	for who in &disputes {
		let (disputed_at, _) = of("DeltaDisputed", *who)[0].clone();
		let (resolved_at, resolved) = of("DisputeResolved", *who)[0].clone();
		println!(
			"the liar disputed at #{disputed_at}; resolved at #{resolved_at}: {}, losers {:?}",
			variant(resolved.at("verdict").unwrap()),
			resolved.at("losers").and_then(|l| l.as_u128())
		);
		assert_eq!(resolved.at("overturned").and_then(|o| o.as_bool()), Some(false));
		assert!(resolved.at("losers").and_then(|l| l.as_u128()) >= Some(1));
		let votes: Vec<[u8; 32]> = of("DisputeVoted", *who)
			.iter()
			.filter_map(|(_, f)| f.at("voter").map(bytes32))
			.collect();
		assert!(votes.contains(&bob_id) && votes.contains(&dave_id), "both honest voters vote");
	}
	let liar_slashes: Vec<Value> = events
		.iter()
		.filter(|(_, ev)| slashed_orchestrator(ev, liar_id))
		.map(|(_, (_, _, f))| f.clone())
		.collect();
	for slash in &liar_slashes {
		assert_eq!(variant(slash.at("reason").unwrap()), "FalseJudgement", "{slash:?}");
		println!("the liar slashed {:?} planck", slash.at("amount").and_then(|a| a.as_u128()));
	}
	assert_eq!(
		liar_slashes[0].at("amount").and_then(|a| a.as_u128()),
		Some(2_500 * GYM),
		"5% of 50,000 GYM"
	);
	assert!(
		events.iter().any(|(_, (p, e, f))| p == "ComputeMining"
			&& e == "OrchestratorSuspended"
			&& f.at("orchestrator").map(bytes32) == Some(liar_id)),
		"the liar is suspended"
	);
	let honest = [bob_id, dave_id, fourth_id];
	for who in honest {
		assert!(
			!events.iter().any(|(_, ev)| slashed_orchestrator(ev, who)),
			"an honest orchestrator is not slashed"
		);
	}

	// The round's committee (the committee of its first accepted delta: the whole set) closes
	// it by quorum: the second of its three members to vote the same checkpoint completes it.
	let round0 = |f: &Value| f.at("round").and_then(|r| r.as_u128()) == Some(0);
	let round_members = position("RoundCommitteeDrawn", &round0);
	let mut round_members = accounts(events[round_members].1 .2.at("members").unwrap());
	round_members.sort();
	assert_eq!(round_members, whole_set);
	let completed_at = position("RoundCompleted", &round0);
	let votes: Vec<&Value> = events[..completed_at]
		.iter()
		.filter(|(_, (p, e, f))| p == "ComputeMining" && e == "RoundVoted" && round0(f))
		.map(|(_, (_, _, f))| f)
		.collect();
	assert_eq!(votes.len(), 2, "two of three votes complete the round: {votes:?}");
	let voted = events[..completed_at]
		.iter()
		.rposition(|(_, (p, e, f))| p == "ComputeMining" && e == "RoundVoted" && round0(f))
		.unwrap();
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
	assert_eq!(vote, checkpoint, "the round completes with the second matching vote");
	assert!(votes.iter().all(|v| v.at("checkpoint").map(bytes32) == Some(checkpoint)));
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

	// Round 1, with the liar out of the set (slashed below Gold): the committee is the three
	// honest orchestrators, nobody disputes, and the judgement takes effect when the dispute
	// window is over (`finalise_delta`, sent by Eve's miner or, after it, an orchestrator).
	let round1 = |f: &Value| f.at("round").and_then(|r| r.as_u128()) == Some(1);
	scan_until(
		&api,
		&rpc_a,
		&mut events,
		&mut scanned,
		180,
		&nodes,
		|events| events.iter().any(|(_, ev)| is(ev, "DeltaAccepted", eve_id) && round1(&ev.2)),
		"Eve's round-1 delta to be accepted",
	)
	.await;
	let of = |name: &str, who: [u8; 32]| -> Vec<(u64, Value)> {
		events
			.iter()
			.filter(|(_, ev)| is(ev, name, who) && round1(&ev.2))
			.map(|(n, (_, _, f))| (*n, f.clone()))
			.collect()
	};
	let (_, committee) = of("CommitteeDrawn", eve_id)[0].clone();
	let mut members = accounts(committee.at("committee").unwrap());
	members.sort();
	let mut expected = honest.to_vec();
	expected.sort();
	assert_eq!(members, expected, "the honest orchestrators judge round 1");
	let (judged_at, judged) = of("DeltaJudged", eve_id)[0].clone();
	let deadline = judged.at("dispute_deadline").and_then(|d| d.as_u128()).unwrap() as u64;
	let (accepted_at, accepted) = of("DeltaAccepted", eve_id)[0].clone();
	println!(
		"Eve's round-1 delta judged at #{judged_at} (dispute deadline #{deadline}), accepted \
		 at #{accepted_at}, quality {:?} (after {:?})",
		accepted.at("quality").and_then(|q| q.as_u128()),
		started.elapsed()
	);
	assert!(of("DeltaDisputed", eve_id).is_empty(), "nobody disputes an honest judgement");
	assert!(accepted_at > deadline, "final only after the dispute window");
	let judged_quality = judged.at("verdict").and_then(|v| v.at(0)).and_then(|q| q.as_u128());
	assert_eq!(accepted.at("quality").and_then(|q| q.as_u128()), judged_quality);

	// Charlie never joined the orchestrator set: he only paid for the job and assigned it.
	assert!(joined(&events, charlie_id).is_none(), "Charlie did not join the orchestrator set");

	// The worker's metrics.
	let metrics = node_a.metrics();
	for name in ["gym_miner_deltas_submitted_total", "gym_orchestrator_deltas_validated_total"] {
		assert!(metrics.contains(name), "{name} missing from /metrics");
	}
	let log = node_a.log();
	assert!(log.contains("miner: cut the delta of job"), "the miner logs its rounds");

	drop(node_d);
	drop(node_c);
	drop(node_b);
	drop(node_a);
	for base in [base_a, base_b, base_c, base_d] {
		let _ = std::fs::remove_dir_all(&base);
	}
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
