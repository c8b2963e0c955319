//! The revenue split on a dev node, through a real client: revenue paid in is
//! split at the end of its 10-block period (20% to a staker staked since an
//! earlier period, 15% + 15% to the
//! liquidity and development accounts, 10% burned, the miners' 40% carried as
//! nobody mined), `gym_revenueHistory` and `gym_revenuePot` report it, and GYM
//! burned for access shows in `gym_hasAccess`; a bad model id is refused with
//! the pallet's named error.

use std::time::{Duration, Instant};

use gym_e2e::{
	find_event, heights, planck, submit,
	subxt::{
		dynamic::{self, Value},
		ext::scale_value::At,
		rpcs::rpc_params,
	},
	subxt_signer::sr25519,
	Node,
};
use gym_primitives::{DAYS, EXISTENTIAL_DEPOSIT, GYM};
use serde_json::Value as Json;

/// `pot × percent / 100`, rounded down: what `Perbill::from_percent` gives.
fn percent(pot: u128, p: u128) -> u128 {
	pot * p / 100
}

#[tokio::test(flavor = "multi_thread")]
async fn revenue_is_split_at_the_period_end_and_access_is_bought_by_burning() {
	let mut node = Node::spawn("revenue", &["--dev", "--tmp"]);
	let api = node.client().await;
	let rpc = api.rpc.clone();
	node.wait_for_blocks(&rpc, 1, 0, Duration::from_secs(60)).await;
	let (dave, charlie, eve) = (sr25519::dev::dave(), sr25519::dev::charlie(), sr25519::dev::eve());

	// A staker at Bronze, so the stakers' share has somebody to pay. Staked in
	// period 0 (blocks 1..=10), it shares the revenue of the periods after
	// it: the payment below goes into period 1 or later.
	submit(&api, &dave, &dynamic::transaction("TieredStaking", "stake", (1_000 * GYM,)))
		.await
		.unwrap();
	node.wait_for_blocks(&rpc, 11, 0, Duration::from_secs(120)).await;

	// 1,000 GYM of inference fees from a gateway (Charlie).
	let pay = dynamic::transaction(
		"RevenueSplit",
		"pay_revenue",
		(Value::unnamed_variant("InferenceFees", []), 1_000 * GYM),
	);
	let events = submit(&api, &charlie, &pay).await.unwrap();
	let paid = find_event(&events, "RevenueSplit", "RevenuePaid");
	assert_eq!(paid.at("amount").and_then(|v| v.as_u128()), Some(1_000 * GYM));

	// While the payment's period runs: access tokens, 2 GYM buys two days of the dev
	// chain's genesis model (65,536, premium).
	let eve_ss58 = eve.public_key().to_account_id().to_string();
	let burned_before: Json = rpc.request("gym_totalMinted", rpc_params![]).await.unwrap();
	let access = dynamic::transaction("RevenueSplit", "burn_for_access", (65_536u32, 2 * GYM));
	let events = submit(&api, &eve, &access).await.unwrap();
	let bought = find_event(&events, "RevenueSplit", "AccessBought");
	let expires_at = bought.at("expires_at").and_then(|v| v.as_u128()).unwrap() as u64;
	let info: Json = rpc.request("gym_hasAccess", rpc_params![&eve_ss58, 65_536]).await.unwrap();
	assert_eq!(info["hasAccess"], true, "{info}");
	assert_eq!(info["expiresAt"].as_u64(), Some(expires_at));
	let (best, _) = heights(&rpc).await;
	assert!(expires_at > best && expires_at <= best + 2 * u64::from(DAYS), "{expires_at}");
	let other: Json = rpc.request("gym_hasAccess", rpc_params![&eve_ss58, 65_537]).await.unwrap();
	assert_eq!(other["hasAccess"], false);
	assert!(other["expiresAt"].is_null());
	let burned_after: Json = rpc.request("gym_totalMinted", rpc_params![]).await.unwrap();
	assert!(
		planck(&burned_after["totalBurned"]) >= planck(&burned_before["totalBurned"]) + 2 * GYM
	);

	// An architecture id and an id nobody registered: the named error.
	for model in [3u32, 70_000] {
		let bad = dynamic::transaction("RevenueSplit", "burn_for_access", (model, GYM));
		let err = submit(&api, &eve, &bad).await.unwrap_err();
		assert!(err.contains("UnknownModel"), "{err}");
	}

	// Wait for the payment's 10-block period to close (at most 11 blocks), then find it in
	// the history.
	let started = Instant::now();
	let (history, record) = loop {
		let history: Json = rpc.request("gym_revenueHistory", rpc_params![720]).await.unwrap();
		let record = history
			.as_array()
			.expect("an array")
			.iter()
			.find(|r| planck(&r["income"]["inferenceFees"]) == 1_000 * GYM)
			.cloned();
		if let Some(record) = record {
			break (history, record);
		}
		assert!(
			started.elapsed() < Duration::from_secs(120),
			"the payment's period in {history}\n{}",
			node.log()
		);
		tokio::time::sleep(Duration::from_millis(500)).await;
	};
	let records = history.as_array().expect("an array");
	println!("gym_revenueHistory record: {record}");
	let pot = planck(&record["pot"]);
	assert!(pot >= 1_000 * GYM, "{record}");
	assert_eq!(planck(&record["miners"]), 0, "nobody mined: the miners' share is carried");
	assert_eq!(planck(&record["stakers"]), percent(pot, 20));
	assert_eq!(planck(&record["liquidityProviders"]), percent(pot, 15));
	assert_eq!(planck(&record["developmentFund"]), percent(pot, 15));
	assert_eq!(planck(&record["burned"]), percent(pot, 10));
	assert_eq!(
		planck(&record["carried"]),
		pot - percent(pot, 20) - 2 * percent(pot, 15) - percent(pot, 10)
	);
	// Newest first.
	let periods: Vec<u64> = records.iter().map(|r| r["period"].as_u64().unwrap()).collect();
	assert!(periods.windows(2).all(|w| w[0] > w[1]), "{periods:?}");

	// The stakers' share reached Dave through the staking accumulator.
	let dave_ss58 = dave.public_key().to_account_id().to_string();
	let info: Json = rpc.request("gym_stakeInfo", rpc_params![&dave_ss58]).await.unwrap();
	// (Less the staking pot's existential deposit if this share opened it.)
	assert!(
		planck(&info["pendingRewards"]) >= percent(pot, 20) - EXISTENTIAL_DEPOSIT - 1,
		"{info}"
	);

	let state: Json = rpc.request("gym_revenuePot", rpc_params![]).await.unwrap();
	println!("gym_revenuePot: {state}");
	assert!(state["period"].as_u64().unwrap() > record["period"].as_u64().unwrap());
	assert_eq!(state["periodEnd"].as_u64().unwrap(), (state["period"].as_u64().unwrap() + 1) * 10);
	let pending: Json = rpc.request("gym_pendingRevenue", rpc_params![&dave_ss58]).await.unwrap();
	assert_eq!((planck(&pending["claimable"]), planck(&pending["periodPoints"])), (0, 0));

	assert!(node.stop().success());
}
