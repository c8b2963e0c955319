//! # GYM end-to-end test harness
//!
//! Starts real `gym-node` processes on free loopback ports and gives tests a
//! JSON-RPC client ([`subxt`]) to talk to them, as a wallet or explorer would.
//! Nodes are stopped with SIGINT when dropped, and their logs are kept in a
//! temporary directory that is printed when a test fails.

use std::{
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	time::{Duration, Instant},
};

pub use subxt;
pub use subxt_signer;

use subxt::rpcs::{rpc_params, RpcClient};

/// Path of the `gym-node` binary under test: `$GYM_NODE_BIN`, or the binary
/// cargo built next to this test executable (`target/<profile>/gym-node`).
pub fn node_binary() -> PathBuf {
	if let Some(bin) = std::env::var_os("GYM_NODE_BIN") {
		return PathBuf::from(bin);
	}
	let exe = std::env::current_exe().expect("test executable has a path");
	// target/<profile>/deps/<test> -> target/<profile>/gym-node
	let bin =
		exe.parent().and_then(|d| d.parent()).expect("deps dir has a parent").join("gym-node");
	assert!(
		bin.is_file(),
		"{} not found: build it with `cargo build --release --workspace` or set GYM_NODE_BIN",
		bin.display()
	);
	bin
}

/// Root of the repository (for committed files such as `chain-specs/`): of the
/// checkout being tested, which `cargo test` names in `$CARGO_MANIFEST_DIR`. The path
/// compiled in is only a fallback: a target directory shared between checkouts (as CI's
/// is) may hold this crate built in another one.
pub fn repo_root() -> PathBuf {
	let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
		.map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
	manifest_dir.join("../..").canonicalize().expect("the repository root exists")
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `gym-node` process.
pub struct Node {
	child: Option<Child>,
	/// The arguments it was started with (before the port arguments).
	args: Vec<String>,
	/// JSON-RPC port (HTTP and WebSocket).
	pub rpc_port: u16,
	/// libp2p port.
	pub p2p_port: u16,
	/// Prometheus port.
	pub prometheus_port: u16,
	/// Directory holding the node's log (and its database unless `--tmp`).
	pub dir: PathBuf,
}

impl Node {
	/// Starts `gym-node` with `args` plus free RPC, p2p and Prometheus ports.
	/// `{dir}` in an argument is replaced by the node's own directory (e.g.
	/// `--base-path {dir}/db`).
	pub fn spawn(name: &str, args: &[&str]) -> Node {
		let dir = std::env::temp_dir().join(format!("gym-e2e-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(&dir).unwrap();
		let (rpc_port, p2p_port, prometheus_port) = (free_port(), free_port(), free_port());
		let args = args.iter().map(|a| a.replace("{dir}", &dir.display().to_string())).collect();
		let mut node = Node { child: None, args, rpc_port, p2p_port, prometheus_port, dir };
		node.start();
		node
	}

	fn start(&mut self) {
		let log = std::fs::OpenOptions::new()
			.create(true)
			.append(true)
			.open(self.dir.join("node.log"))
			.unwrap();
		let child = Command::new(node_binary())
			.args(&self.args)
			.args(["--rpc-port", &self.rpc_port.to_string()])
			.args(["--port", &self.p2p_port.to_string()])
			.args(["--prometheus-port", &self.prometheus_port.to_string()])
			.args(["--no-telemetry", "--no-mdns", "--rpc-cors", "all"])
			.stdin(Stdio::null())
			.stdout(log.try_clone().unwrap())
			.stderr(log)
			.spawn()
			.expect("gym-node starts");
		self.child = Some(child);
	}

	/// Kills the node at once (SIGKILL: no clean shutdown).
	pub fn kill(&mut self) {
		let mut child = self.child.take().expect("node is running");
		child.kill().unwrap();
		child.wait().unwrap();
	}

	/// Starts the node again with the same arguments, ports and directory
	/// (so it reopens its database when it has a `--base-path`).
	pub fn restart(&mut self) {
		assert!(self.child.is_none(), "node is still running");
		self.start();
	}

	/// The libp2p address of the node with peer id `peer_id`.
	pub fn multiaddr(&self, peer_id: &str) -> String {
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", self.p2p_port)
	}

	/// The node's libp2p address for `--bootnodes`, its peer id asked over `rpc`
	/// (`system_localPeerId`).
	pub async fn bootnode(&self, rpc: &RpcClient) -> String {
		let peer: String = rpc
			.request("system_localPeerId", rpc_params![])
			.await
			.expect("system_localPeerId answers");
		self.multiaddr(&peer)
	}

	/// The node's Prometheus metrics (`GET /metrics`).
	pub fn metrics(&self) -> String {
		use std::io::{Read, Write};
		let mut s = std::net::TcpStream::connect(("127.0.0.1", self.prometheus_port))
			.expect("prometheus endpoint listens");
		write!(s, "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
		let mut body = String::new();
		s.read_to_string(&mut body).unwrap();
		body
	}

	/// The WebSocket URL of the node's JSON-RPC.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// The node's log so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(self.dir.join("node.log")).unwrap_or_default()
	}

	/// Connects a raw JSON-RPC client, retrying until the node listens. A node
	/// listens once its genesis is built, which compiles the wasm runtime: with
	/// a dozen nodes starting at once on 2 cores (the e2e tests side by side)
	/// that took 79 s, so this waits up to 4 minutes.
	pub async fn rpc(&self) -> RpcClient {
		let deadline = Instant::now() + Duration::from_secs(240);
		loop {
			match RpcClient::from_insecure_url(self.ws_url()).await {
				Ok(c) => return c,
				Err(e) if Instant::now() < deadline => {
					let _ = e;
					tokio::time::sleep(Duration::from_millis(250)).await;
				}
				Err(e) => panic!("node RPC not reachable: {e}\n{}", self.log()),
			}
		}
	}

	/// Waits until the best block is at least `best` and the finalized block
	/// at least `finalized`; returns (best, finalized).
	pub async fn wait_for_blocks(
		&self,
		rpc: &RpcClient,
		best: u64,
		finalized: u64,
		timeout: Duration,
	) -> (u64, u64) {
		let deadline = Instant::now() + timeout;
		loop {
			let (b, f) = heights(rpc).await;
			if b >= best && f >= finalized {
				return (b, f);
			}
			assert!(
				Instant::now() < deadline,
				"timed out at best #{b} finalized #{f} waiting for #{best}/#{finalized}\n{}",
				self.log()
			);
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	/// Sends SIGINT and waits for the node to exit; returns its exit status.
	pub fn stop(&mut self) -> ExitStatus {
		let mut child = self.child.take().expect("node is running");
		let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
		let deadline = Instant::now() + Duration::from_secs(30);
		loop {
			if let Some(status) = child.try_wait().unwrap() {
				return status;
			}
			if Instant::now() > deadline {
				let _ = child.kill();
				return child.wait().unwrap();
			}
			std::thread::sleep(Duration::from_millis(100));
		}
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		if self.child.is_some() {
			let _ = self.stop();
		}
		if std::thread::panicking() {
			eprintln!("node log kept in {}", self.dir.display());
		} else {
			let _ = std::fs::remove_dir_all(&self.dir);
		}
	}
}

/// Parses a `0x`-prefixed hex block number.
pub fn hex_u64(v: &serde_json::Value) -> u64 {
	let s = v.as_str().expect("hex string");
	u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex number")
}

/// Best and finalized block numbers.
pub async fn heights(rpc: &RpcClient) -> (u64, u64) {
	let best: serde_json::Value = rpc.request("chain_getHeader", rpc_params![]).await.unwrap();
	let fin_hash: serde_json::Value =
		rpc.request("chain_getFinalizedHead", rpc_params![]).await.unwrap();
	let fin: serde_json::Value =
		rpc.request("chain_getHeader", rpc_params![fin_hash]).await.unwrap();
	(hex_u64(&best["number"]), hex_u64(&fin["number"]))
}

/// A decoded event: `(pallet, event, fields)`.
pub type Event = (String, String, subxt::dynamic::Value);

/// Writes a fresh libp2p node key to `path`; returns its peer id.
pub fn node_key(path: &Path) -> String {
	let out = Command::new(node_binary())
		.args(["key", "generate-node-key", "--file"])
		.arg(path)
		.output()
		.unwrap();
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let text =
		format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
	text.split_whitespace()
		.find(|w| w.starts_with("12D3KooW"))
		.unwrap_or_else(|| panic!("no peer id in: {text}"))
		.to_string()
}

/// The account of a pallet id: `PalletId(*id).into_account_truncating()`,
/// that is "modl" ++ id ++ zeroes.
pub fn pallet_account(id: &[u8; 8]) -> [u8; 32] {
	let mut a = [0u8; 32];
	a[..4].copy_from_slice(b"modl");
	a[4..12].copy_from_slice(id);
	a
}

/// `who`'s free balance at the block `at`, in planck (after [`submit_included`]: at the
/// block it returns, [`Included::at`]).
pub async fn free_balance_at(
	at: &subxt::client::OnlineClientAtBlock<subxt::PolkadotConfig>,
	who: [u8; 32],
) -> u128 {
	use subxt::dynamic::{At, Value};
	let addr = subxt::dynamic::storage::<([u8; 32],), Value>("System", "Account");
	match at.storage().try_fetch(addr, (who,)).await.unwrap() {
		Some(v) => v.decode().unwrap().at("data").at("free").and_then(|f| f.as_u128()).unwrap(),
		None => 0,
	}
}

/// A client of one node over one WebSocket connection: subxt's [`subxt::OnlineClient`] (which
/// it dereferences to) and the raw JSON-RPC client under it, for `gym_*` and `system_*` calls.
#[derive(Clone)]
pub struct Client {
	/// subxt's client.
	pub api: subxt::OnlineClient<subxt::PolkadotConfig>,
	/// The raw JSON-RPC client.
	pub rpc: RpcClient,
}

impl std::ops::Deref for Client {
	type Target = subxt::OnlineClient<subxt::PolkadotConfig>;

	fn deref(&self) -> &Self::Target {
		&self.api
	}
}

impl Node {
	/// Connects a [`Client`], retrying until the node listens.
	pub async fn client(&self) -> Client {
		let rpc = self.rpc().await;
		let api = subxt::OnlineClient::from_rpc_client(rpc.clone()).await.unwrap();
		Client { api, rpc }
	}
}

/// A transaction in a block: the block's hash and number, and the transaction's events.
#[derive(Debug)]
pub struct Included {
	/// Hash of the block that holds the transaction.
	pub block_hash: subxt::config::HashFor<subxt::PolkadotConfig>,
	/// Number of that block.
	pub block_number: u64,
	/// The transaction's events.
	pub events: Vec<Event>,
}

impl Included {
	/// subxt's client at the block that holds the transaction.
	pub async fn at(
		&self,
		api: &subxt::OnlineClient<subxt::PolkadotConfig>,
	) -> subxt::client::OnlineClientAtBlock<subxt::PolkadotConfig> {
		api.at_block(self.block_hash).await.unwrap()
	}

	/// subxt's client at the block before it.
	pub async fn before(
		&self,
		api: &subxt::OnlineClient<subxt::PolkadotConfig>,
	) -> subxt::client::OnlineClientAtBlock<subxt::PolkadotConfig> {
		api.at_block(self.block_number - 1).await.unwrap()
	}
}

/// Signs `tx` with `who`, submits it and waits until it is in a best block (not until it is
/// finalized: the dev chain has one block author, so its best chain does not fork); returns
/// its events, or the dispatch error's text. State the transaction changed is at the best block
/// (which the `gym_*` RPC methods read), or at the block [`submit_included`] returns; the
/// finalized block may not have it yet.
pub async fn submit(
	client: &Client,
	who: &subxt_signer::sr25519::Keypair,
	tx: &impl subxt::transactions::Payload,
) -> Result<Vec<Event>, String> {
	submit_included(client, who, tx).await.map(|included| included.events)
}

/// Dispatches `pallet::call(fields)` as Root through `Sudo.sudo`, signed by //Alice (the dev
/// chain's sudo key), and checks that the inner call succeeded; returns the events.
pub async fn sudo(
	client: &Client,
	pallet: &str,
	call: &str,
	fields: Vec<subxt::dynamic::Value>,
) -> Result<Vec<Event>, String> {
	use subxt::ext::scale_value::{At, Composite, ValueDef};
	let inner = subxt::dynamic::transaction(pallet, call, Composite::Unnamed(fields)).into_value();
	let tx = subxt::dynamic::transaction("Sudo", "sudo", vec![inner]);
	let events = submit(client, &subxt_signer::sr25519::dev::alice(), &tx).await?;
	let result = find_event(&events, "Sudo", "Sudid").at("sudo_result").cloned();
	match result.map(|r| r.value) {
		Some(ValueDef::Variant(v)) if v.name == "Ok" => Ok(events),
		other => Err(format!("{pallet}::{call} as Root failed: {other:?}")),
	}
}

/// [`submit`], returning the block that holds the transaction too.
pub async fn submit_included(
	client: &Client,
	who: &subxt_signer::sr25519::Keypair,
	tx: &impl subxt::transactions::Payload,
) -> Result<Included, String> {
	use subxt::{
		config::PolkadotExtrinsicParamsBuilder as Params, transactions::TransactionStatus,
	};
	// The nonce after the best block and the pool's ready transactions: the finalized block's
	// nonce (subxt's default) is stale while an earlier transaction is only in a best block.
	let account = who.public_key().to_account_id().to_string();
	let nonce: u64 =
		client.rpc.request("system_accountNextIndex", rpc_params![account]).await.unwrap();
	// Born at the finalized block (mortal, subxt's default), which every view of the
	// transaction pool knows; a best block just imported may not be known to all of them yet.
	let mut progress = client
		.at_current_block()
		.await
		.unwrap()
		.transactions()
		.sign_and_submit_then_watch(tx, who, Params::new().nonce(nonce).build())
		.await
		.map_err(|e| e.to_string())?;
	let in_block = loop {
		match progress.next().await {
			Some(Ok(TransactionStatus::InBestBlock(in_block)))
			| Some(Ok(TransactionStatus::InFinalizedBlock(in_block))) => break in_block,
			Some(Ok(
				TransactionStatus::Error { message }
				| TransactionStatus::Invalid { message }
				| TransactionStatus::Dropped { message },
			)) => return Err(message),
			Some(Ok(_)) => continue,
			Some(Err(e)) => return Err(e.to_string()),
			None => return Err("the transaction's status stream ended".into()),
		}
	};
	let events = in_block.wait_for_success().await.map_err(|e| e.to_string())?;
	let block_number = in_block.at().await.map_err(|e| e.to_string())?.block_number();
	Ok(Included {
		block_hash: in_block.block_hash(),
		block_number,
		events: events
			.iter()
			.map(|ev| {
				let ev = ev.unwrap();
				let fields = ev.decode_fields_unchecked_as::<subxt::dynamic::Value>().unwrap();
				(ev.pallet_name().to_string(), ev.event_name().to_string(), fields)
			})
			.collect(),
	})
}

/// Waits (polling the best block each second, for at most `limit`) until the chain's
/// block hook has seated the waiting `worker` in a job, and returns that job: nobody
/// assigns work by hand.
pub async fn wait_seated(
	api: &subxt::OnlineClient<subxt::PolkadotConfig>,
	worker: [u8; 32],
	limit: std::time::Duration,
) -> u128 {
	use subxt::dynamic::{At, Value};
	let addr = subxt::dynamic::storage::<([u8; 32],), Value>("ComputeMining", "Workers");
	let deadline = std::time::Instant::now() + limit;
	loop {
		let at = api.at_current_block().await.unwrap();
		let info = at.storage().try_fetch(addr.clone(), (worker,)).await.unwrap();
		let job = info.map(|v| v.decode().unwrap()).and_then(|info: Value| {
			// `assignment: Option<JobId>`: `Some(job)` is a variant with one field.
			info.at("assignment").and_then(|a| a.at(0)).and_then(|j| j.as_u128())
		});
		if let Some(job) = job {
			return job;
		}
		assert!(std::time::Instant::now() < deadline, "no job seated {worker:?} in {limit:?}");
		tokio::time::sleep(std::time::Duration::from_secs(1)).await;
	}
}

/// The fields of the first `pallet.name` event in `events`.
pub fn find_event<'a>(events: &'a [Event], pallet: &str, name: &str) -> &'a subxt::dynamic::Value {
	&events
		.iter()
		.find(|(p, e, _)| p == pallet && e == name)
		.unwrap_or_else(|| panic!("no {pallet}.{name} in {events:?}"))
		.2
}

/// A `ComputeMining.create_job` spec as a dynamic value: model 0 on dataset 0,
/// from round 0, judged by one validation report.
pub fn job_spec(
	validation_set: u32,
	base_checkpoint: [u8; 32],
	params: &gym_primitives::mining::TrainingParams,
	variance_threshold: gym_primitives::mining::Micro,
) -> subxt::dynamic::Value {
	job_spec_validated(validation_set, base_checkpoint, params, variance_threshold, 1)
}

/// [`job_spec`] judged by `validations` reports (the size of each delta's committee).
pub fn job_spec_validated(
	validation_set: u32,
	base_checkpoint: [u8; 32],
	params: &gym_primitives::mining::TrainingParams,
	variance_threshold: gym_primitives::mining::Micro,
	validations: u8,
) -> subxt::dynamic::Value {
	job_spec_of_model(0, validation_set, base_checkpoint, params, variance_threshold, validations)
}

/// [`job_spec_validated`] on `model`.
pub fn job_spec_of_model(
	model: u32,
	validation_set: u32,
	base_checkpoint: [u8; 32],
	params: &gym_primitives::mining::TrainingParams,
	variance_threshold: gym_primitives::mining::Micro,
	validations: u8,
) -> subxt::dynamic::Value {
	use subxt::dynamic::Value;
	Value::named_composite([
		("model", Value::u128(model.into())),
		("dataset", Value::u128(0)),
		("validation_set", Value::u128(validation_set.into())),
		("base_checkpoint", Value::from_bytes(base_checkpoint)),
		("round", Value::u128(0)),
		(
			"params",
			Value::named_composite([
				("steps", Value::u128(params.steps.into())),
				("batch_size", Value::u128(params.batch_size.into())),
				("learning_rate", Value::u128(params.learning_rate.into())),
				("weight_decay", Value::u128(params.weight_decay.into())),
				("seed", Value::u128(params.seed.into())),
			]),
		),
		("validations", Value::u128(validations.into())),
		("variance_threshold", Value::u128(variance_threshold.into())),
	])
}

/// The bytes of a decoded byte-array value (an `AccountId32`, an `H256`, a list of them),
/// depth first.
pub fn value_bytes(v: &subxt::dynamic::Value) -> Vec<u8> {
	use subxt::ext::scale_value::{Primitive, ValueDef};
	fn collect(v: &subxt::dynamic::Value, out: &mut Vec<u8>) {
		match &v.value {
			ValueDef::Composite(c) => c.values().for_each(|v| collect(v, out)),
			ValueDef::Primitive(Primitive::U128(n)) => out.push(*n as u8),
			_ => {}
		}
	}
	let mut out = Vec::new();
	collect(v, &mut out);
	out
}

/// Parses a `gym_*` RPC amount (a decimal string of planck).
pub fn planck(v: &serde_json::Value) -> u128 {
	v.as_str().expect("amounts are decimal strings").parse().expect("decimal")
}
