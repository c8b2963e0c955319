//! Tiered staking on a dev node, through a real client: a stake reaches its
//! tier (its revenue weight waits two epochs), `gym_stakeInfo` reports it, an
//! early unstake pays its 10% penalty to the treasury and unbonds the rest
//! (shown with its release block, not withdrawable before it), and unstaking
//! more than is staked fails with the pallet's named error.

use std::time::Duration;

use gym_e2e::{
	find_event, free_balance_at, pallet_account, planck, submit_included,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::{At, ValueDef},
		rpcs::rpc_params,
	},
	subxt_signer::sr25519,
	Client, Event, Included, Node,
};
use gym_primitives::{staking, GYM};
use serde_json::Value as Json;

/// The name of the enum variant `v` holds, if it holds one.
fn variant(v: Option<&Value>) -> Option<&str> {
	match &v?.value {
		ValueDef::Variant(var) => Some(var.name.as_str()),
		_ => None,
	}
}

fn find<'a>(events: &'a [Event], name: &str) -> &'a Value {
	find_event(events, "TieredStaking", name)
}

/// Submits `TieredStaking.<call>(amount)` signed by `who`.
async fn stake_call(
	api: &Client,
	who: &sr25519::Keypair,
	call: &str,
	amount: u128,
) -> Result<Included, String> {
	submit_included(api, who, &dynamic::transaction("TieredStaking", call, (amount,))).await
}

#[tokio::test(flavor = "multi_thread")]
async fn stake_reaches_its_tier_and_early_unstake_pays_the_treasury() {
	let mut node = Node::spawn("staking", &["--dev", "--tmp"]);
	let api = node.client().await;
	let rpc = api.rpc.clone();
	node.wait_for_blocks(&rpc, 1, 0, Duration::from_secs(60)).await;
	let bob = sr25519::dev::bob();
	let bob_ss58 = bob.public_key().to_account_id().to_string();

	// Before staking: nothing, no tier.
	let info: Json = rpc.request("gym_stakeInfo", rpc_params![&bob_ss58]).await.unwrap();
	assert_eq!(planck(&info["stake"]), 0);
	assert!(info["tier"].is_null(), "{info}");

	// 50,000 GYM is exactly Gold.
	let staked = stake_call(&api, &bob, "stake", 50_000 * GYM).await.unwrap();
	let events = staked.events;
	assert_eq!(find(&events, "Staked").at("amount").and_then(|v| v.as_u128()), Some(50_000 * GYM));
	let changed = find(&events, "TierChanged");
	assert_eq!(variant(changed.at("from")), Some("None"), "{changed:?}");
	assert_eq!(variant(changed.at("to")), Some("Some"), "{changed:?}");
	assert_eq!(variant(changed.at("to").at(0)), Some("Gold"), "{changed:?}");

	let info: Json = rpc.request("gym_stakeInfo", rpc_params![&bob_ss58]).await.unwrap();
	println!("gym_stakeInfo after staking: {info}");
	assert_eq!(planck(&info["stake"]), 50_000 * GYM);
	assert_eq!(info["tier"], "Gold");
	assert_eq!(info["boostPerMille"], 1_500);
	// Staked in this 10-block epoch: it shares staker revenue from the
	// distribution two epochs on, and weighs nothing until then.
	assert_eq!(planck(&info["boostedStake"]), 0);
	assert_eq!(planck(&info["uncountedStake"]), 50_000 * GYM);
	let epoch = (staked.block_number - 1) / 10;
	assert_eq!(info["countsFromEpoch"].as_u64(), Some(epoch + 2), "{info}");
	assert_eq!(planck(&info["penaltyIfUnstakedNow"]), 5_000 * GYM);
	assert!(info["oldestStakedAt"].as_u64().unwrap() >= 1);

	// Unstaking more than is staked: the named error, nothing changes.
	let err = stake_call(&api, &bob, "unstake", 50_000 * GYM + 1).await.unwrap_err();
	assert!(err.contains("NotEnoughStaked"), "{err}");

	// An early unstake of 10,000 GYM pays 1,000 GYM to the treasury and drops
	// Bob to Silver.
	let treasury = pallet_account(b"gym/trsy");
	let included = stake_call(&api, &bob, "unstake", 10_000 * GYM).await.unwrap();
	let events = &included.events;
	let unstaked = find(events, "Unstaked");
	let penalty = staking::early_unstake_penalty(10_000 * GYM);
	assert_eq!(penalty, 1_000 * GYM);
	assert_eq!(unstaked.at("penalty").and_then(|v| v.as_u128()), Some(penalty));
	assert_eq!(find(events, "PenaltyPaid").at("amount").and_then(|v| v.as_u128()), Some(penalty));
	// The treasury's balance in the unstake's block, against the block before it.
	let treasury_before = free_balance_at(&included.before(&api).await, treasury).await;
	let treasury_after = free_balance_at(&included.at(&api).await, treasury).await;
	assert_eq!(treasury_after, treasury_before + penalty);

	let info: Json = rpc.request("gym_stakeInfo", rpc_params![&bob_ss58]).await.unwrap();
	println!("gym_stakeInfo after unstaking: {info}");
	assert_eq!(planck(&info["stake"]), 40_000 * GYM);
	assert_eq!(info["tier"], "Silver");
	assert_eq!(planck(&info["penaltyIfUnstakedNow"]), 4_000 * GYM);
	// The other 9,000 GYM unbond for the dev chain's hour (600 blocks),
	// frozen and slashable; nothing holds them, nothing is due yet.
	let chunks = info["unbonding"].as_array().expect("an array");
	assert_eq!(chunks.len(), 1, "{info}");
	assert_eq!(planck(&chunks[0]["amount"]), 9_000 * GYM);
	assert_eq!(chunks[0]["releaseAt"].as_u64(), Some(included.block_number + 600));
	assert_eq!(planck(&info["withdrawable"]), 0);
	assert_eq!(planck(&info["pendingSlash"]), 0);
	assert_eq!(info["withdrawHeld"], false);
	let err = submit_included(
		&api,
		&bob,
		&dynamic::transaction("TieredStaking", "withdraw_unbonded", ()),
	)
	.await
	.unwrap_err();
	assert!(err.contains("NothingToWithdraw"), "{err}");

	// A malformed address is a JSON-RPC error, not a crash.
	let bad = rpc.request::<Json>("gym_stakeInfo", rpc_params!["not-an-address"]).await;
	assert!(bad.is_err(), "{bad:?}");

	assert!(node.stop().success());
}
