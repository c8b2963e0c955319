//! A dev node, end to end: blocks, finality, chain properties, a GYM transfer
//! through a real client library, bad input, and a clean stop.

use std::time::Duration;

use gym_e2e::{
	find_event, free_balance_at, heights, hex_u64, pallet_account, submit_included,
	subxt::{
		client::OnlineClientAtBlock,
		dynamic::{self, Value},
		ext::scale_value::At,
		rpcs::rpc_params,
		PolkadotConfig,
	},
	subxt_signer::{sr25519, SecretUri},
	Node,
};

use gym_primitives::{EXISTENTIAL_DEPOSIT, GYM};

/// All revenue ever received, read at one block: `RevenueSplit.Totals.received` (booked
/// when a period closes) plus the fees in the pot account not booked yet (its balance beyond
/// the pot, the miners' funds and its existential deposit).
async fn revenue_received(at: &OnlineClientAtBlock<PolkadotConfig>) -> u128 {
	let value = |pallet: &'static str, item: &'static str| {
		let at = at.clone();
		async move {
			let addr = dynamic::storage::<(), Value>(pallet, item);
			at.storage().try_fetch(addr, ()).await.unwrap().map(|v| v.decode().unwrap())
		}
	};
	let received = value("RevenueSplit", "Totals")
		.await
		.map_or(0, |t| t.at("received").and_then(|r| r.as_u128()).expect("received"));
	let owed: u128 =
		[value("RevenueSplit", "Pot").await, value("RevenueSplit", "MinerFunds").await]
			.iter()
			.map(|v| v.as_ref().and_then(|v| v.as_u128()).unwrap_or(0))
			.sum();
	let pot_account = free_balance_at(at, pallet_account(b"gym/revn")).await;
	let unbooked = pot_account.saturating_sub(owed).saturating_sub(EXISTENTIAL_DEPOSIT);
	received + unbooked
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_node_produces_finalizes_and_transfers_gym() {
	let mut node = Node::spawn("dev", &["--dev", "--tmp"]);
	let api = node.client().await;
	let rpc = api.rpc.clone();
	node.wait_for_blocks(&rpc, 1, 0, Duration::from_secs(90)).await;

	// Chain properties tell wallets how to show GYM.
	let props: serde_json::Value = rpc.request("system_properties", rpc_params![]).await.unwrap();
	assert_eq!(props["tokenSymbol"], "GYM");
	assert_eq!(props["tokenDecimals"], 18);
	assert_eq!(props["ss58Format"], 7385);
	let info: serde_json::Value = rpc.request("gym_tokenInfo", rpc_params![]).await.unwrap();
	assert_eq!(info["hardCap"], "1000000000000000000000000000");

	// BABE authors: the node's one key (Alice's, from `--dev`) may author in
	// this epoch's slots, primary or secondary: every one of the 10.
	let authorship: serde_json::Value =
		rpc.request("babe_epochAuthorship", rpc_params![]).await.unwrap();
	let slots = authorship.as_object().expect("one entry per local key");
	assert_eq!(slots.len(), 1, "{authorship}");
	let (_key, claims) = slots.iter().next().unwrap();
	let claimed = claims["primary"].as_array().unwrap().len()
		+ claims["secondary_vrf"].as_array().unwrap().len();
	assert_eq!(claimed, 10, "{authorship}");

	// A signed Balances.transfer_keep_alive from Alice to a fresh account.
	let alice = sr25519::dev::alice();
	let fresh = sr25519::Keypair::from_uri(&"//GymE2EFresh".parse::<SecretUri>().unwrap()).unwrap();
	let nonce: u64 = rpc
		.request(
			"system_accountNextIndex",
			rpc_params![alice.public_key().to_account_id().to_string()],
		)
		.await
		.unwrap();
	assert_eq!(nonce, 0);
	let amount = 10 * GYM;
	let tx = dynamic::transaction(
		"Balances",
		"transfer_keep_alive",
		(fresh.public_key().to_address::<()>(), amount),
	);
	// In a best block; balances are read in that block and the one before it.
	let included = submit_included(&api, &alice, &tx).await.unwrap();
	let (before, after) = (included.before(&api).await, included.at(&api).await);
	let alice_before = free_balance_at(&before, alice.public_key().0).await;
	assert_eq!(revenue_received(&before).await, 0, "no fee was paid before");
	assert_eq!(free_balance_at(&before, fresh.public_key().0).await, 0);

	let events = &included.events;
	let fee = find_event(events, "TransactionPayment", "TransactionFeePaid")
		.at("actual_fee")
		.and_then(|v| v.as_u128());
	let transferred =
		find_event(events, "Balances", "Transfer").at("amount").and_then(|v| v.as_u128());
	let fee = fee.expect("TransactionFeePaid event");
	assert_eq!(transferred, Some(amount));
	assert!(fee > 0 && fee < GYM / 10, "fee {fee} planck");
	println!("transfer fee: {fee} planck ({} GYM)", fee as f64 / GYM as f64);

	assert_eq!(free_balance_at(&after, fresh.public_key().0).await, amount);
	assert_eq!(free_balance_at(&after, alice.public_key().0).await, alice_before - amount - fee);
	// The fee is revenue: it went into the revenue pot (the chain's first
	// fee also opens the pot account with the existential deposit), never
	// burned.
	assert_eq!(revenue_received(&after).await, fee - EXISTENTIAL_DEPOSIT);

	// A malformed extrinsic gets a JSON-RPC error, and blocks keep coming.
	let err = rpc
		.request::<serde_json::Value>("author_submitExtrinsic", rpc_params!["0xdeadbeef"])
		.await
		.expect_err("malformed extrinsic is rejected");
	println!("malformed extrinsic rejected: {err}");
	let (b0, _) = heights(&rpc).await;
	let (b1, _) = node.wait_for_blocks(&rpc, b0 + 2, 0, Duration::from_secs(30)).await;
	assert!(b1 >= b0 + 2);
	let head: serde_json::Value = rpc.request("chain_getHeader", rpc_params![]).await.unwrap();
	assert!(hex_u64(&head["number"]) >= b1);

	// Blocks are imported and finalized.
	let (best, finalized) = node.wait_for_blocks(&rpc, 3, 1, Duration::from_secs(90)).await;
	assert!(best >= 3 && finalized >= 1);

	// Average block time from on-chain timestamps, skipping block 1 whose
	// slot depends on when the node started.
	let ts = |n: u64| {
		let api = api.clone();
		async move {
			let at = api.at_block(n).await.unwrap();
			let now: u64 = at
				.storage()
				.fetch(dynamic::storage::<(), u64>("Timestamp", "Now"), ())
				.await
				.unwrap()
				.decode()
				.unwrap();
			now
		}
	};
	let (t1, tn) = (ts(1).await, ts(best).await);
	let block_time_ms = (tn - t1) / (best - 1);
	println!("observed block time: {block_time_ms} ms over blocks 1..{best}");
	assert!((5_500..=6_500).contains(&block_time_ms), "block time {block_time_ms} ms");

	// SIGINT stops the node cleanly.
	let status = node.stop();
	assert!(status.success(), "node exited with {status}\n{}", node.log());
}
