//! Governance end to end on the dev-mining chain (short periods: a proposal is
//! tabled within 5 blocks, voted on for 10 and enacted 5 after it passes), with
//! `--miner --orchestrator` so that //Charlie earns mining rewards while it runs.
//!
//! //Alice stakes Platinum and opens an Economic proposal that changes the
//! access price; //Dave (Silver) may not propose, and a Technical proposal
//! carrying an Economic call is refused. Once //Charlie has mining earnings,
//! Alice, //Bob (the Gold orchestrator), Charlie (the Bronze miner) and Dave
//! vote with their power, which `gym_votingPower` reports and the test
//! recomputes by hand (`staked + 0.3 × mined30d`). The referendum passes,
//! waits its enactment period and changes the price by itself.
//!
//! A Strategic referendum authorizes a runtime upgrade (`System.authorize_upgrade`) to the
//! test suite's second runtime (`gym_runtime_upgrade`, spec_version 999,999); anyone applies
//! it (`System.apply_authorized_upgrade`) without a restart. The chain keeps producing and
//! finalizing blocks, and the `--miner` node, which signs with the runtime version it reads
//! from the chain, keeps getting its heartbeats accepted.

use std::time::{Duration, Instant};

use gym_e2e::{
	find_event, planck, submit_included,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::At,
		rpcs::rpc_params,
	},
	subxt_signer::sr25519,
	Client, Included, Node,
};
use gym_primitives::{staking::Tier, GYM};
use serde_json::Value as Json;

/// Democracy's minimum deposit (the runtime's `MinimumDeposit`).
const DEPOSIT: u128 = 1_000 * GYM;

/// `RevenueSplit.set_access_price(price)` as a `RuntimeCall` value.
fn set_access_price(price: u128) -> Value {
	Value::unnamed_variant(
		"RevenueSplit",
		[Value::named_variant("set_access_price", [("price_per_day", Value::u128(price))])],
	)
}

/// `GymGovernance.propose(kind, call, DEPOSIT)` signed by `who`.
async fn propose(
	api: &Client,
	who: &sr25519::Keypair,
	kind: &str,
	call: Value,
) -> Result<Included, String> {
	let tx = dynamic::transaction(
		"GymGovernance",
		"propose",
		(Value::unnamed_variant(kind, []), call, Value::u128(DEPOSIT)),
	);
	submit_included(api, who, &tx).await
}

/// A standard vote of `balance` with `conviction` (`None`, `Locked1x` .. `Locked6x`) on
/// referendum 0, retried a few times: //Bob's and //Charlie's node sign mining transactions with
/// the same keys. Returns the number of the block that holds the vote.
async fn vote(
	api: &Client,
	who: &sr25519::Keypair,
	aye: bool,
	balance: u128,
	conviction: &str,
) -> u64 {
	let convictions =
		["None", "Locked1x", "Locked2x", "Locked3x", "Locked4x", "Locked5x", "Locked6x"];
	let index = convictions.iter().position(|c| *c == conviction).expect("a conviction") as u128;
	// Democracy encodes a `Vote` in one byte: the aye bit and the conviction.
	let byte = if aye { 0x80 | index } else { index };
	let vote = Value::named_variant(
		"Standard",
		[
			("vote", Value::unnamed_composite([Value::u128(byte)])),
			("balance", Value::u128(balance)),
		],
	);
	let tx = dynamic::transaction("Democracy", "vote", (Value::u128(0), vote));
	let mut last = String::new();
	for _ in 0..5 {
		match submit_included(api, who, &tx).await {
			Ok(included) => {
				find_event(&included.events, "Democracy", "Voted");
				return included.block_number;
			}
			Err(e) if e.contains("InsufficientFunds") => panic!("vote refused: {e}"),
			Err(e) => last = e,
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	panic!("vote not included: {last}");
}

async fn voting_power(api: &Client, who: &sr25519::Keypair) -> Json {
	let ss58 = who.public_key().to_account_id().to_string();
	api.rpc.request("gym_votingPower", rpc_params![ss58]).await.unwrap()
}

async fn access_price(api: &Client) -> u128 {
	let at = api.at_current_block().await.unwrap();
	let addr = dynamic::storage::<(), u128>("RevenueSplit", "AccessPricePerDay");
	at.storage().fetch(addr, ()).await.unwrap().decode().unwrap()
}

async fn best(api: &Client) -> u64 {
	api.at_current_block().await.unwrap().block_number()
}

/// Waits until the best block is `n` or later.
async fn wait_for_block(api: &Client, n: u64, secs: u64) {
	let deadline = Instant::now() + Duration::from_secs(secs);
	while best(api).await < n {
		assert!(Instant::now() < deadline, "no block {n} in {secs} s");
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// Stakes Platinum for //Alice, proposes `call` as `kind`, waits for the launch and votes
/// it through alone (the only voter: 0.1 × 100,000 GYM ayes, no nays). Returns the
/// proposal's block.
async fn pass_alone(api: &Client, kind: &str, call: Value) -> u64 {
	let alice = sr25519::dev::alice();
	let stake = dynamic::transaction("TieredStaking", "stake", (Tier::Platinum.minimum(),));
	submit_included(api, &alice, &stake).await.unwrap();
	let proposed = propose(api, &alice, kind, call).await.unwrap();
	wait_for_block(api, proposed.block_number.div_ceil(5) * 5, 120).await;
	vote(api, &alice, true, Tier::Platinum.minimum(), "Locked1x").await;
	proposed.block_number
}

#[tokio::test(flavor = "multi_thread")]
async fn a_platinum_proposal_is_voted_by_power_and_enacts_itself() {
	let node = Node::spawn(
		"governance",
		&["--dev", "--chain", "dev-mining", "--tmp", "--miner", "--orchestrator"],
	);
	let api = node.client().await;
	node.wait_for_blocks(&api.rpc, 1, 0, Duration::from_secs(180)).await;
	let (alice, bob, charlie, dave) =
		(sr25519::dev::alice(), sr25519::dev::bob(), sr25519::dev::charlie(), sr25519::dev::dave());
	let stake = |amount: u128| dynamic::transaction("TieredStaking", "stake", (amount,));
	submit_included(&api, &alice, &stake(Tier::Platinum.minimum())).await.unwrap();
	submit_included(&api, &dave, &stake(Tier::Silver.minimum())).await.unwrap();

	// Dave is Silver: no proposals. A Technical proposal carries no Economic call.
	let err = propose(&api, &dave, "Economic", set_access_price(GYM)).await.unwrap_err();
	assert!(err.contains("NotPlatinum"), "{err}");
	let err = propose(&api, &alice, "Technical", set_access_price(GYM)).await.unwrap_err();
	assert!(err.contains("CallNotAllowed"), "{err}");

	// Wait for Charlie's first mining reward: it is part of its voting power.
	let deadline = Instant::now() + Duration::from_secs(300);
	let charlie_power = loop {
		let power = voting_power(&api, &charlie).await;
		if planck(&power["mined30d"]) > 0 {
			break power;
		}
		assert!(Instant::now() < deadline, "no mining reward in 5 minutes: {power}");
		tokio::time::sleep(Duration::from_secs(3)).await;
	};
	println!("gym_votingPower of //Charlie: {charlie_power}");
	// By hand: Bronze stake + 0.3 × mined, rounded down.
	let mined = planck(&charlie_power["mined30d"]);
	assert_eq!(planck(&charlie_power["staked"]), Tier::Bronze.minimum());
	let charlie_votes = Tier::Bronze.minimum() + mined * 3 / 10;
	assert_eq!(planck(&charlie_power["power"]), charlie_votes);
	// Alice: her Platinum stake, and half the GYM her LP of the two genesis pools (1,000,000
	// GYM each, all of the LP but the pools' locked 1,000 units) stands for.
	let alice_power = voting_power(&api, &alice).await;
	let alice_lp = planck(&alice_power["lpGym"]);
	assert!(alice_lp > 1_999_999 * GYM && alice_lp < 2_000_000 * GYM, "{alice_power}");
	assert_eq!(planck(&alice_power["staked"]), Tier::Platinum.minimum());
	assert_eq!(planck(&alice_power["power"]), Tier::Platinum.minimum() + alice_lp / 2);
	assert_eq!(planck(&voting_power(&api, &bob).await["power"]), Tier::Gold.minimum());
	assert_eq!(planck(&voting_power(&api, &dave).await["power"]), Tier::Silver.minimum());

	let old_price = access_price(&api).await;
	let new_price = old_price + 3 * GYM;
	let proposed = propose(&api, &alice, "Economic", set_access_price(new_price)).await.unwrap();
	let event = find_event(&proposed.events, "GymGovernance", "Proposed");
	assert_eq!(event.at("proposal_index").and_then(|v| v.as_u128()), Some(0), "{event:?}");

	// Tabled at the next multiple of 5.
	wait_for_block(&api, proposed.block_number.div_ceil(5) * 5, 120).await;
	// Alice 0.1 × 100,000; Bob 1 × 50,000; Charlie 3 × its power; Dave nay 1 × 10,000. Side
	// by side: the vote lasts a minute.
	let voted = tokio::join!(
		vote(&api, &alice, true, Tier::Platinum.minimum(), "None"),
		vote(&api, &bob, true, Tier::Gold.minimum(), "Locked1x"),
		vote(&api, &charlie, true, charlie_votes, "Locked3x"),
		vote(&api, &dave, false, Tier::Silver.minimum(), "Locked1x"),
	);
	// The tally in the block of the last vote (a best block, maybe not final yet).
	let last = voted.0.max(voted.1).max(voted.2).max(voted.3);
	let at = api.at_block(last).await.unwrap();
	let info: Value = at
		.storage()
		.fetch(dynamic::storage::<(u32,), Value>("Democracy", "ReferendumInfoOf"), (0,))
		.await
		.unwrap()
		.decode()
		.unwrap();
	let tally = info.at(0).and_then(|s| s.at("tally")).expect("an ongoing referendum");
	println!("tally: {tally:?}");
	let ayes = Tier::Platinum.minimum() / 10 + Tier::Gold.minimum() + 3 * charlie_votes;
	assert_eq!(tally.at("ayes").and_then(|v| v.as_u128()), Some(ayes));
	assert_eq!(tally.at("nays").and_then(|v| v.as_u128()), Some(Tier::Silver.minimum()));
	let turnout =
		Tier::Platinum.minimum() + Tier::Gold.minimum() + charlie_votes + Tier::Silver.minimum();
	assert_eq!(tally.at("turnout").and_then(|v| v.as_u128()), Some(turnout));

	// Passed after 10 blocks of voting, enacted 5 blocks later.
	let deadline = Instant::now() + Duration::from_secs(240);
	while access_price(&api).await != new_price {
		assert!(Instant::now() < deadline, "the referendum was not enacted");
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	println!("access price {old_price} -> {new_price} at block {}", best(&api).await);
}

/// The runtime the test suite built to upgrade to (`runtime/build.rs`, feature `upgrade-test`),
/// next to the node's own runtime blob.
fn upgrade_runtime() -> Vec<u8> {
	let bin = gym_e2e::node_binary();
	let path = bin
		.parent()
		.expect("the node binary is in a directory")
		.join("wbuild/gym-runtime/gym_runtime_upgrade.compact.compressed.wasm");
	std::fs::read(&path).unwrap_or_else(|e| {
		panic!("{}: {e}: build with GYM_BUILD_UPGRADE_RUNTIME=1 (scripts/test.sh)", path.display())
	})
}

async fn spec_version(api: &Client) -> u64 {
	let version: Json = api.rpc.request("state_getRuntimeVersion", rpc_params![]).await.unwrap();
	version["specVersion"].as_u64().expect("specVersion")
}

async fn heights(api: &Client) -> (u64, u64) {
	gym_e2e::heights(&api.rpc).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_runtime_upgrade_by_referendum_keeps_the_chain_and_its_miner_going() {
	use blake2::{digest::consts::U32, Blake2b, Digest};
	let code = upgrade_runtime();
	let code_hash: [u8; 32] = Blake2b::<U32>::digest(&code).into();
	let node = Node::spawn(
		"upgrade",
		&["--dev", "--chain", "dev-mining", "--tmp", "--miner", "--orchestrator"],
	);
	let api = node.client().await;
	node.wait_for_blocks(&api.rpc, 1, 0, Duration::from_secs(180)).await;
	let before = spec_version(&api).await;
	assert!(before < 999_999, "{before}");

	let authorize = Value::unnamed_variant(
		"System",
		[Value::named_variant("authorize_upgrade", [("code_hash", Value::from_bytes(code_hash))])],
	);
	// An upgrade is Strategic, not Technical.
	let alice = sr25519::dev::alice();
	let err = propose(&api, &alice, "Technical", authorize.clone()).await.unwrap_err();
	assert!(err.contains("NotPlatinum") || err.contains("CallNotAllowed"), "{err}");
	pass_alone(&api, "Strategic", authorize).await;

	// Authorized once enacted: then anyone (//Ferdie) applies the code.
	let deadline = Instant::now() + Duration::from_secs(240);
	let addr = dynamic::storage::<(), Value>("System", "AuthorizedUpgrade");
	loop {
		let at = api.at_current_block().await.unwrap();
		if at.storage().try_fetch(addr.clone(), ()).await.unwrap().is_some() {
			break;
		}
		assert!(Instant::now() < deadline, "the upgrade was never authorized");
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	let apply =
		dynamic::transaction("System", "apply_authorized_upgrade", (Value::from_bytes(&code),));
	let applied = submit_included(&api, &sr25519::dev::ferdie(), &apply).await.unwrap();
	find_event(&applied.events, "System", "CodeUpdated");
	println!("runtime upgraded in block {}", applied.block_number);

	// The new runtime runs: its version, more blocks, more finality.
	let deadline = Instant::now() + Duration::from_secs(120);
	while spec_version(&api).await != 999_999 {
		assert!(Instant::now() < deadline, "the new runtime never ran");
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	let (best_then, finalized_then) = heights(&api).await;
	// The miner's heartbeats (a slot is 10 blocks on dev) are accepted after the upgrade.
	let charlie = sr25519::dev::charlie().public_key().to_account_id();
	let deadline = Instant::now() + Duration::from_secs(240);
	let mut next = applied.block_number + 1;
	let heartbeat_at = 'found: loop {
		let head = best(&api).await;
		while next <= head {
			let at = api.at_block(next).await.unwrap();
			for ev in at.events().fetch().await.unwrap().iter() {
				let ev = ev.unwrap();
				if ev.pallet_name() == "ComputeMining" && ev.event_name() == "Heartbeat" {
					let fields = ev.decode_fields_unchecked_as::<Value>().unwrap();
					if fields.at("worker").map(gym_e2e::value_bytes) == Some(charlie.0.to_vec()) {
						break 'found next;
					}
				}
			}
			next += 1;
		}
		assert!(Instant::now() < deadline, "no heartbeat of the miner after the upgrade");
		tokio::time::sleep(Duration::from_secs(2)).await;
	};
	println!("the miner's heartbeat was accepted in block {heartbeat_at}");
	node.wait_for_blocks(&api.rpc, best_then + 3, finalized_then + 3, Duration::from_secs(120))
		.await;
}
