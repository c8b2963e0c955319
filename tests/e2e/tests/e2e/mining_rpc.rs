//! Compute mining on a dev node, through a real client: a Silver worker
//! registers, an orchestrator (Gold) joins the orchestrator set, creates a
//! job (paying the fine-tuning price like any customer), assigns it,
//! verifies the worker's H100; the next block draws the delta's committee
//! (the dev chain needs one report: the set's only member), which commits to
//! its report and then reveals it, judging the delta; after the 10-block
//! dispute window the worker finalises it (accepted); the orchestrator's vote
//! completes the round with a new checkpoint hash; the worker's epoch reward
//! is 1000 × 1.3 × 1.2 × 1.5 × 1 = 2,340 GYM unadjusted, scaled to the dev
//! epoch's budget (≈ 772 GYM, difficulty < 1), and `claim_rewards` mints
//! exactly that. `gym_workerInfo`, `gym_job`, `gym_pendingRewards` and
//! `gym_epochInfo` report each step; bad input gets the pallet's named error.

use std::time::Duration;

use gym_e2e::subxt::ext::codec::Encode;
use gym_e2e::{
	find_event, job_spec, planck, submit,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::At,
		rpcs::rpc_params,
	},
	subxt_signer::sr25519,
	wait_seated, Node,
};
use gym_primitives::{
	mining::{DeltaVerdict, TrainingParams, ValidationReport, MICRO},
	sketch::{DeltaSketch, SKETCH_DIM},
	GYM,
};
use serde_json::Value as Json;

/// Blocks per epoch on the dev chain.
const EPOCH: u64 = 10;

fn h256(byte: u8) -> Value {
	Value::from_bytes([byte; 32])
}

/// The report the orchestrator sends: loss down by 0.01, validation loss
/// down, no gradient variance (quality 0.3).
const REPORT: ValidationReport = ValidationReport {
	verdict: DeltaVerdict::Valid,
	loss_before: 3 * MICRO,
	loss_after: 3 * MICRO - 10_000,
	val_loss_before: 3 * MICRO,
	val_loss_after: 2 * MICRO,
	grad_variance: 0,
	sketch: DeltaSketch([0; SKETCH_DIM]),
};

fn report() -> Value {
	Value::named_composite([
		("verdict", Value::unnamed_variant("Valid", [])),
		("loss_before", Value::u128(REPORT.loss_before.into())),
		("loss_after", Value::u128(REPORT.loss_after.into())),
		("val_loss_before", Value::u128(REPORT.val_loss_before.into())),
		("val_loss_after", Value::u128(REPORT.val_loss_after.into())),
		("grad_variance", Value::u128(REPORT.grad_variance.into())),
		// No sketch: a delta alone in its round is no copy.
		(
			"sketch",
			Value::unnamed_composite([Value::unnamed_composite(
				REPORT.sketch.0.iter().map(|c| Value::i128((*c).into())),
			)]),
		),
	])
}

/// `report_commitment(REPORT, salt, orchestrator)`: blake2-256 of the SCALE
/// encoding of the report, the salt and the account.
fn commitment(salt: [u8; 32], orchestrator: [u8; 32]) -> [u8; 32] {
	gym_trainer::blake2_256(&(REPORT, salt, orchestrator).encode())
}

/// `delta_seal(hash, worker, job, round)`: blake2-256 of the SCALE encoding of the delta's
/// hash, the worker, the job and the round.
fn seal(hash: u8, worker: [u8; 32], job: u32, round: u32) -> Value {
	Value::from_bytes(gym_trainer::blake2_256(&([hash; 32], worker, job, round).encode()))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_validated_delta_earns_its_formula_share_of_the_epoch_budget() {
	let mut node = Node::spawn("mining", &["--dev", "--tmp"]);
	let api = node.client().await;
	let rpc = api.rpc.clone();
	node.wait_for_blocks(&rpc, 1, 0, Duration::from_secs(60)).await;
	let (worker, orchestrator) = (sr25519::dev::eve(), sr25519::dev::bob());
	let worker_id = worker.public_key().0;
	let worker_ss58 = worker.public_key().to_account_id().to_string();

	let orchestrator_id = orchestrator.public_key().0;
	let stake = |amount: u128| dynamic::transaction("TieredStaking", "stake", (amount,));
	let (silver, gold) = (stake(10_000 * GYM), stake(50_000 * GYM));
	let (a, b) = tokio::join!(submit(&api, &worker, &silver), submit(&api, &orchestrator, &gold));
	a.unwrap();
	b.unwrap();
	let join = dynamic::transaction("ComputeMining", "join_orchestrators", Vec::<Value>::new());
	let joined = submit(&api, &orchestrator, &join).await.unwrap();
	let joined = find_event(&joined, "ComputeMining", "OrchestratorJoined");
	assert_eq!(joined.at("stake").and_then(|s| s.as_u128()), Some(50_000 * GYM));

	// Eve registers; Charlie, with no stake (below Bronze), cannot; Bob creates a job. The
	// three are independent: they go in together.
	let register = dynamic::transaction(
		"ComputeMining",
		"register_worker",
		vec![
			h256(1),
			Value::unnamed_variant("H100", []),
			h256(2),
			Value::from_bytes(b"http://127.0.0.1:1/"),
		],
	);
	let params = TrainingParams {
		steps: 100,
		batch_size: 32,
		learning_rate: 10_000,
		weight_decay: 0,
		seed: 42,
	};
	let spec = job_spec(1, [1; 32], &params, MICRO);
	let create_job = dynamic::transaction("ComputeMining", "create_job", vec![spec]);
	let charlie = sr25519::dev::charlie();
	let (registered, refused, created) = tokio::join!(
		submit(&api, &worker, &register),
		submit(&api, &charlie, &register),
		submit(&api, &orchestrator, &create_job),
	);
	find_event(&registered.unwrap(), "ComputeMining", "WorkerRegistered");
	let err = refused.unwrap_err();
	assert!(err.contains("BelowBronzeTier"), "{err}");
	let events = created.unwrap();
	let job =
		find_event(&events, "ComputeMining", "JobCreated").at("job").unwrap().as_u128().unwrap();
	// The chain seats the waiting worker in the only job; nobody assigns it.
	assert_eq!(wait_seated(&api, worker_id, Duration::from_secs(30)).await, job);
	// The orchestrator verifies the worker's H100 while the worker seals its delta: only the
	// seal is on chain until the round's submission window is over.
	let verify = dynamic::transaction(
		"ComputeMining",
		"verify_hardware",
		vec![Value::from_bytes(worker_id), Value::unnamed_variant("H100", [])],
	);
	let submit_delta = |hash: u8| {
		dynamic::transaction(
			"ComputeMining",
			"submit_delta",
			vec![Value::u128(job), seal(hash, worker_id, job as u32, 0), Value::u128(300_000)],
		)
	};
	let delta = submit_delta(5);
	let (verified, submitted) =
		tokio::join!(submit(&api, &orchestrator, &verify), submit(&api, &worker, &delta));
	verified.unwrap();
	let sealed = submitted.unwrap();
	let sealed = find_event(&sealed, "ComputeMining", "DeltaSealed");
	let until = sealed.at("submit_until").and_then(|u| u.as_u128()).unwrap() as u64;
	let err = submit(&api, &worker, &submit_delta(6)).await.unwrap_err();
	assert!(err.contains("DuplicateDelta"), "{err}");
	// After the window the worker reveals the delta's hash; only the sealed one opens it.
	let reveal = |hash: u8| {
		dynamic::transaction("ComputeMining", "reveal_delta", vec![Value::u128(job), h256(hash)])
	};
	node.wait_for_blocks(&rpc, until + 1, 0, Duration::from_secs(60)).await;
	let err = submit(&api, &worker, &reveal(6)).await.unwrap_err();
	assert!(err.contains("BadSeal"), "{err}");
	let revealed = submit(&api, &worker, &reveal(5)).await.unwrap();
	find_event(&revealed, "ComputeMining", "DeltaSubmitted");
	// The block after the reveal drew the committee: the set's only member, who commits
	// to its report at once (reveals wait for every commitment).
	let salt = [7u8; 32];
	let commit = dynamic::transaction(
		"ComputeMining",
		"commit_report",
		vec![
			Value::u128(job),
			Value::from_bytes(worker_id),
			Value::from_bytes(commitment(salt, orchestrator_id)),
		],
	);
	let committed = submit(&api, &orchestrator, &commit).await.unwrap();
	find_event(&committed, "ComputeMining", "ReportCommitted");

	let info: Json = rpc.request("gym_workerInfo", rpc_params![&worker_ss58]).await.unwrap();
	println!("gym_workerInfo: {info}");
	assert_eq!(info["verifiedClass"], "H100");
	assert_eq!(info["assignment"].as_u64(), Some(job as u64));
	assert_eq!(info["endpoint"], "http://127.0.0.1:1/");

	// The reveal judges the delta: the verdict is recorded, and takes effect when the delta is
	// finalised after the dispute window.
	let validate = dynamic::transaction(
		"ComputeMining",
		"reveal_report",
		vec![Value::u128(job), Value::from_bytes(worker_id), report(), Value::from_bytes(salt)],
	);
	let validated = submit(&api, &orchestrator, &validate).await.unwrap();
	let judged = find_event(&validated, "ComputeMining", "DeltaJudged");
	let deadline = judged.at("dispute_deadline").and_then(|d| d.as_u128()).unwrap() as u64;
	let finalise = dynamic::transaction(
		"ComputeMining",
		"finalise_delta",
		vec![Value::u128(job), Value::from_bytes(worker_id)],
	);
	let err = submit(&api, &worker, &finalise).await.unwrap_err();
	assert!(err.contains("DisputeWindowOpen"), "{err}");
	// At the start of the first epoch after the window, the worker's heartbeat and the
	// finalisation (anyone may send it: here the orchestrator) go in together, so both land in the same (one-slot) epoch.
	let start = ((deadline - 1) / EPOCH + 1) * EPOCH + 1;
	node.wait_for_blocks(&rpc, start, 0, Duration::from_secs(120)).await;
	let heartbeat = dynamic::transaction("ComputeMining", "heartbeat", Vec::<Value>::new());
	let (validated, beat) =
		tokio::join!(submit(&api, &orchestrator, &finalise), submit(&api, &worker, &heartbeat));
	let validated = validated.unwrap();
	beat.unwrap();
	// 0.01 loss drop = 0.10, low variance + 0.05, better validation loss + 0.15.
	let accepted = find_event(&validated, "ComputeMining", "DeltaAccepted");
	assert_eq!(accepted.at("quality").and_then(|q| q.as_u128()), Some(300_000));

	let pending: Json = rpc.request("gym_pendingRewards", rpc_params![&worker_ss58]).await.unwrap();
	println!("gym_pendingRewards (open epoch): {pending}");
	assert_eq!(pending["quality"].as_u64(), Some(300_000));
	assert_eq!(pending["onlineSlots"].as_u64(), Some(1));
	// 1000 × (1 + 0.3) × 1.2 (Silver) × 1.5 (verified H100) × 1 (online).
	assert_eq!(planck(&pending["accruing"]), 2_340 * GYM);
	let epoch = (start - 1) / EPOCH;

	// The round's committee (the accepted delta's: the orchestrator) votes its checkpoint,
	// naming the round and the one accepted delta it aggregated.
	let vote = |job: u128| {
		dynamic::transaction(
			"ComputeMining",
			"complete_round",
			vec![Value::u128(job), Value::u128(0), Value::u128(1), h256(9)],
		)
	};
	let voted = submit(&api, &orchestrator, &vote(job)).await.unwrap();
	find_event(&voted, "ComputeMining", "RoundCompleted");
	let job_info: Json = rpc.request("gym_job", rpc_params![job as u32]).await.unwrap();
	println!("gym_job: {job_info}");
	assert_eq!(job_info["round"].as_u64(), Some(1));
	assert_eq!(job_info["checkpoint"], format!("0x{}", "09".repeat(32)));
	assert_eq!(job_info["origin"], "customer");

	// An unknown job: the named error, nothing changes.
	let err = submit(&api, &orchestrator, &vote(99)).await.unwrap_err();
	assert!(err.contains("UnknownJob"), "{err}");

	// After the epoch closes: its budget is fixed and the worker claims it.
	node.wait_for_blocks(&rpc, (epoch + 1) * EPOCH + 2, 0, Duration::from_secs(120)).await;
	let info: Json = rpc.request("gym_epochInfo", rpc_params![epoch as u32]).await.unwrap();
	println!("gym_epochInfo({epoch}): {info}");
	let budget = planck(&info["budget"]);
	assert_eq!(planck(&info["unadjusted"]), 2_340 * GYM);
	assert!(budget < 2_340 * GYM, "the dev budget is below one worker's reward");
	// The only worker: 2,340 GYM × budget / Σ with Σ = 2,340 GYM.
	let expected = budget;
	assert!(info["difficultyMicro"].as_u64().unwrap() < 1_000_000);
	let pending: Json = rpc.request("gym_pendingRewards", rpc_params![&worker_ss58]).await.unwrap();
	assert_eq!(planck(&pending["claimable"]), expected, "{pending}");
	let events = submit(
		&api,
		&worker,
		&dynamic::transaction("ComputeMining", "claim_rewards", Vec::<Value>::new()),
	)
	.await
	.unwrap();
	let claimed = find_event(&events, "ComputeMining", "RewardsClaimed");
	assert_eq!(claimed.at("amount").and_then(|a| a.as_u128()), Some(expected));
	let pending: Json = rpc.request("gym_pendingRewards", rpc_params![&worker_ss58]).await.unwrap();
	assert_eq!(planck(&pending["claimable"]), 0);
	assert_eq!(planck(&pending["earnedTotal"]), expected);

	assert!(node.stop().success());
}
