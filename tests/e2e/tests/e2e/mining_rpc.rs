//! Compute mining on a dev node, through a real client: a Silver worker
//! registers, an orchestrator (Gold) creates a job, assigns it, verifies the
//! worker's H100 and validates its delta (the dev chain needs one report);
//! the round completes with a new checkpoint hash; the worker's epoch reward
//! is 1000 × 1.3 × 1.2 × 1.5 × 1 = 2,340 GYM unadjusted, scaled to the dev
//! epoch's budget (≈ 772 GYM, difficulty < 1), and `claim_rewards` mints
//! exactly that. `gym_workerInfo`, `gym_job`, `gym_pendingRewards` and
//! `gym_epochInfo` report each step; bad input gets the pallet's named error.

use std::time::Duration;

use gym_e2e::{
	find_event, heights, job_spec, planck, submit,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::At,
		rpcs::rpc_params,
	},
	subxt_signer::sr25519,
	Node,
};
use gym_primitives::{
	mining::{TrainingParams, MICRO},
	GYM,
};
use serde_json::Value as Json;

/// Blocks per epoch on the dev chain.
const EPOCH: u64 = 10;

fn h256(byte: u8) -> Value {
	Value::from_bytes([byte; 32])
}

fn report(verdict: &str) -> Value {
	Value::named_composite([
		("verdict", Value::unnamed_variant(verdict, [])),
		("loss_before", Value::u128(3 * u128::from(MICRO))),
		("loss_after", Value::u128(3 * u128::from(MICRO) - 10_000)),
		("val_loss_before", Value::u128(3 * u128::from(MICRO))),
		("val_loss_after", Value::u128(2 * u128::from(MICRO))),
		("grad_variance", Value::u128(0)),
	])
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

	let stake = |amount: u128| dynamic::transaction("TieredStaking", "stake", (amount,));
	let (silver, gold) = (stake(10_000 * GYM), stake(50_000 * GYM));
	let (a, b) = tokio::join!(submit(&api, &worker, &silver), submit(&api, &orchestrator, &gold));
	a.unwrap();
	b.unwrap();

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
	let assign = dynamic::transaction(
		"ComputeMining",
		"assign_job",
		vec![Value::u128(job), Value::from_bytes(worker_id)],
	);
	submit(&api, &orchestrator, &assign).await.unwrap();
	// The orchestrator verifies the worker's H100 while the worker submits its delta.
	let verify = dynamic::transaction(
		"ComputeMining",
		"verify_hardware",
		vec![Value::from_bytes(worker_id), Value::unnamed_variant("H100", [])],
	);
	let submit_delta = |hash: u8| {
		dynamic::transaction(
			"ComputeMining",
			"submit_delta",
			vec![Value::u128(job), h256(hash), Value::u128(300_000)],
		)
	};
	let delta = submit_delta(5);
	let (verified, submitted) =
		tokio::join!(submit(&api, &orchestrator, &verify), submit(&api, &worker, &delta));
	verified.unwrap();
	submitted.unwrap();
	let err = submit(&api, &worker, &submit_delta(6)).await.unwrap_err();
	assert!(err.contains("DuplicateDelta"), "{err}");

	let info: Json = rpc.request("gym_workerInfo", rpc_params![&worker_ss58]).await.unwrap();
	println!("gym_workerInfo: {info}");
	assert_eq!(info["verifiedClass"], "H100");
	assert_eq!(info["assignment"].as_u64(), Some(job as u64));
	assert_eq!(info["endpoint"], "http://127.0.0.1:1/");

	// At the start of an epoch, the worker's heartbeat and the validation go
	// in together, so both land in the same (one-slot) epoch.
	let (best, _) = heights(&rpc).await;
	let start = (best / EPOCH + 1) * EPOCH + 1;
	node.wait_for_blocks(&rpc, start, 0, Duration::from_secs(120)).await;
	let validate = dynamic::transaction(
		"ComputeMining",
		"validate_checkpoint",
		vec![Value::u128(job), Value::from_bytes(worker_id), h256(5), report("Valid")],
	);
	let heartbeat = dynamic::transaction("ComputeMining", "heartbeat", Vec::<Value>::new());
	let (validated, beat) =
		tokio::join!(submit(&api, &orchestrator, &validate), submit(&api, &worker, &heartbeat));
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

	submit(
		&api,
		&orchestrator,
		&dynamic::transaction("ComputeMining", "complete_round", vec![Value::u128(job), h256(9)]),
	)
	.await
	.unwrap();
	let job_info: Json = rpc.request("gym_job", rpc_params![job as u32]).await.unwrap();
	println!("gym_job: {job_info}");
	assert_eq!(job_info["round"].as_u64(), Some(1));
	assert_eq!(job_info["checkpoint"], format!("0x{}", "09".repeat(32)));
	assert_eq!(job_info["origin"], "orchestrator");

	// An unknown job: the named error, nothing changes.
	let bad = dynamic::transaction(
		"ComputeMining",
		"validate_checkpoint",
		vec![Value::u128(99), Value::from_bytes(worker_id), h256(5), report("Valid")],
	);
	let err = submit(&api, &orchestrator, &bad).await.unwrap_err();
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
