//! What the worker learns about jobs' rounds from `ComputeMining` events, and how it obtains a
//! round's base checkpoint.
//!
//! A job's first round trains from `initial_checkpoint(model, seed)`, whose hash the job names.
//! Every later round trains from the coordinate-wise median aggregate of the previous round's
//! accepted deltas, whose hash the round's committee voted with `complete_round`. The aggregate
//! takes the deltas accepted before the round's first vote (`RoundVoted`), which closes the
//! round to further deltas. Anyone who saw that round's `DeltaSubmitted`, `DeltaAccepted` and
//! `RoundVoted` events can rebuild it: fetch each accepted delta from its worker's endpoint
//! (`gym_getDelta`), check its hash, aggregate onto the round's base, and check the result
//! against the recorded hash. A node that starts in the middle of a job, after events it needs,
//! cannot rebuild the job's later checkpoints (it logs so).
//!
//! A fetch from a worker's endpoint is bounded: [`FETCH_TIMEOUT`] for the whole request, and an
//! answer of at most twice [`MAX_DELTA_BYTES`] (hex) plus room for the JSON around it. Its
//! failure says whether the peer is *unavailable* ([`WorkerError::Unreachable`],
//! [`WorkerError::NotServed`]: refused, timed out, an HTTP or JSON-RPC error, no such delta:
//! asking again may succeed) or served *corrupt* data ([`WorkerError::BadPeerData`]: an answer
//! too large, not JSON-RPC, not hex, or bytes that do not hash to what was asked).

use super::{chain::Chain, error::WorkerError, Context, LOG};
use gym_runtime::{AccountId, BlockNumber, RuntimeEvent};
use gym_trainer::{aggregate, initial_checkpoint, Checkpoint, MAX_DELTA_BYTES};
use pallet_compute_mining::Event as MiningEvent;
use pallet_compute_mining_runtime_api::{JobId, JobInfo};
use sp_core::H256;
use std::{
	collections::{BTreeMap, BTreeSet, HashMap},
	time::Duration,
};

/// A job's round: (job, round).
pub type RoundId = (JobId, u32);

/// How long an HTTP request to a worker's endpoint may take, answer included.
pub(crate) const FETCH_TIMEOUT: Duration = Duration::from_secs(20);
/// At most this many deltas are fetched from workers' endpoints at once (by the orchestrator's
/// measurements, and by a checkpoint's rebuild or aggregation), so that slow endpoints cost one
/// [`FETCH_TIMEOUT`] together rather than one each, while a block's many deltas do not open
/// unbounded connections.
pub(crate) const MAX_CONCURRENT_FETCHES: usize = 8;

/// One round as the events told it.
#[derive(Debug, Default, Clone)]
pub struct RoundLog {
	/// The delta hash each worker submitted.
	pub submitted: BTreeMap<AccountId, H256>,
	/// Workers whose delta was accepted into the round's aggregate, in the order of acceptance.
	pub accepted: Vec<AccountId>,
	/// Workers whose delta was rejected.
	pub rejected: BTreeSet<AccountId>,
	/// The block of the round's first `DeltaSubmitted`.
	pub first_submission: Option<BlockNumber>,
	/// Round committee members who voted a checkpoint (`RoundVoted`); the first vote closes the
	/// round's aggregate.
	pub voted: BTreeSet<AccountId>,
	/// The checkpoint recorded by `RoundCompleted`, and the block that recorded it.
	pub completed: Option<(H256, H256)>,
}

impl RoundLog {
	/// Deltas judged (accepted or rejected).
	pub fn judged(&self) -> usize {
		self.accepted.len() + self.rejected.len()
	}
}

/// Rounds seen, and how each completed round's checkpoint can be rebuilt.
#[derive(Debug, Default)]
pub struct Rounds {
	/// Rounds by id.
	pub rounds: HashMap<RoundId, RoundLog>,
	/// Checkpoint hash → the round it completed.
	pub checkpoints: HashMap<H256, RoundId>,
}

impl Rounds {
	/// Records the `ComputeMining` events of block `hash` (#`number`).
	pub fn note_block(
		&mut self,
		_chain: &Chain,
		hash: H256,
		number: BlockNumber,
		events: &[super::chain::EventRecord],
	) {
		for record in events {
			let RuntimeEvent::ComputeMining(event) = &record.event else { continue };
			match event {
				MiningEvent::DeltaSubmitted { job, worker, round, hash: delta, .. } => {
					let seen = self.rounds.entry((*job, *round)).or_default();
					seen.submitted.insert(worker.clone(), *delta);
					seen.first_submission.get_or_insert(number);
				}
				MiningEvent::DeltaAccepted { job, worker, round, .. } => {
					let seen = self.rounds.entry((*job, *round)).or_default();
					// Once the round closes no delta joins its aggregate.
					if seen.voted.is_empty() && !seen.accepted.contains(worker) {
						seen.accepted.push(worker.clone());
					}
				}
				MiningEvent::DeltaRejected { job, worker, round, .. } => {
					self.rounds.entry((*job, *round)).or_default().rejected.insert(worker.clone());
				}
				MiningEvent::RoundVoted { job, round, orchestrator, .. } => {
					self.rounds
						.entry((*job, *round))
						.or_default()
						.voted
						.insert(orchestrator.clone());
				}
				MiningEvent::RoundCompleted { job, round, checkpoint } => {
					self.rounds.entry((*job, *round)).or_default().completed =
						Some((*checkpoint, hash));
					self.checkpoints.insert(*checkpoint, (*job, *round));
				}
				_ => {}
			}
		}
	}
}

/// The checkpoint `job`'s `round` trains from, as far as `rounds` knows: the job's checkpoint
/// while the round is open, the job's base checkpoint for its first round, else the aggregate
/// that completed the round before.
pub(crate) fn base_of(
	rounds: &Rounds,
	job_id: JobId,
	job: &JobInfo<AccountId>,
	round: u32,
) -> Option<H256> {
	if round == job.round {
		return Some(job.checkpoint);
	}
	if round == job.spec.round {
		return Some(job.spec.base_checkpoint);
	}
	let previous = rounds.rounds.get(&(job_id, round.checked_sub(1)?))?;
	previous.completed.map(|(checkpoint, _)| checkpoint)
}

/// Loads checkpoint `hash` of `job`: from the store, as the job's initial checkpoint, or by
/// rebuilding it from the round that recorded it (see the module docs). A rebuilt or initial
/// checkpoint is stored.
pub(crate) async fn checkpoint(
	ctx: &Context,
	rounds: &Rounds,
	job_id: JobId,
	job: &JobInfo<AccountId>,
	hash: H256,
) -> Result<Checkpoint, WorkerError> {
	let model = job.spec.model;
	if let Some(found) = stored_checkpoint(ctx, model, hash)? {
		return Ok(found);
	}
	let initial = initial_checkpoint(model, job.spec.params.seed)?;
	if initial.hash() == hash.0 {
		ctx.shared.store.put(&initial.to_bytes())?;
		return Ok(initial);
	}
	let unavailable = WorkerError::CheckpointUnavailable;
	let Some(&(round_job, round)) = rounds.checkpoints.get(&hash) else {
		return Err(unavailable(format!(
			"checkpoint {hash:?} of job {job_id} is neither stored, initial nor the aggregate of a \
			 round this node saw"
		)));
	};
	let seen = rounds.rounds.get(&(round_job, round)).cloned().unwrap_or_default();
	let Some((_, completed_in)) = seen.completed else {
		return Err(unavailable(format!("round {round} of job {round_job} has no completion")));
	};
	// The round's base: the job's checkpoint just before the block that completed it.
	let parent = ctx.chain.parent(completed_in)?;
	let before = ctx.chain.job(parent, round_job)?.ok_or_else(|| {
		unavailable(format!("job {round_job} unknown before round {round} completed"))
	})?;
	let base = stored_checkpoint(ctx, model, before.checkpoint)?
		.or_else(|| (initial.hash() == before.checkpoint.0).then(|| initial.clone()))
		.ok_or_else(|| {
			unavailable(format!(
				"base {:?} of round {round} of job {round_job} is not stored",
				before.checkpoint
			))
		})?;
	let mut accepted = Vec::with_capacity(seen.accepted.len());
	for worker in &seen.accepted {
		let delta_hash = seen.submitted.get(worker).ok_or_else(|| {
			unavailable(format!("no submission seen for accepted worker {worker}"))
		})?;
		accepted.push((worker.clone(), *delta_hash));
	}
	let deltas = deltas_bytes(ctx, &accepted).await?;
	let rebuilt = tokio::task::spawn_blocking(move || aggregate(&base, &deltas))
		.await
		.map_err(WorkerError::task("aggregation"))??;
	if rebuilt.hash() != hash.0 {
		return Err(WorkerError::AggregateMismatch {
			job: round_job,
			round,
			actual: H256(rebuilt.hash()),
			recorded: hash,
		});
	}
	ctx.shared.store.put(&rebuilt.to_bytes())?;
	log::info!(target: LOG, "rebuilt checkpoint {hash:?} of job {round_job} round {round}");
	Ok(rebuilt)
}

fn stored_checkpoint(
	ctx: &Context,
	model: u32,
	hash: H256,
) -> Result<Option<Checkpoint>, WorkerError> {
	let Some(bytes) = ctx.shared.store.get(&hash.0)? else {
		return Ok(None);
	};
	let checkpoint = Checkpoint::from_bytes(model, &bytes)
		.map_err(|e| WorkerError::CorruptStore(format!("checkpoint {hash:?}: {e}")))?;
	Ok((checkpoint.hash() == hash.0).then_some(checkpoint))
}

/// The bytes of `worker`'s delta `hash`: from the store, or fetched from the worker's endpoint
/// and checked against the hash (then stored).
pub(crate) async fn delta_bytes(
	ctx: &Context,
	worker: &AccountId,
	hash: H256,
) -> Result<Vec<u8>, WorkerError> {
	if let Some(bytes) = ctx.shared.store.get(&hash.0)? {
		if gym_trainer::blake2_256(&bytes) == hash.0 {
			return Ok(bytes);
		}
	}
	let endpoint = endpoint_of(ctx, worker)?;
	let bytes = fetch_checked_delta(&endpoint, hash, FETCH_TIMEOUT).await?;
	ctx.shared.store.put(&bytes)?;
	Ok(bytes)
}

/// The bytes of each of `deltas` (a worker and its delta hash), in order, as
/// [`delta_bytes`] gets them, at most [`MAX_CONCURRENT_FETCHES`] fetched at once.
pub(crate) async fn deltas_bytes(
	ctx: &Context,
	deltas: &[(AccountId, H256)],
) -> Result<Vec<Vec<u8>>, WorkerError> {
	let mut bytes = Vec::with_capacity(deltas.len());
	for chunk in deltas.chunks(MAX_CONCURRENT_FETCHES) {
		let fetches: Vec<_> =
			chunk.iter().map(|(worker, hash)| delta_bytes(ctx, worker, *hash)).collect();
		bytes.extend(futures::future::try_join_all(fetches).await?);
	}
	Ok(bytes)
}

/// `worker`'s registered endpoint at the best block.
pub(crate) fn endpoint_of(ctx: &Context, worker: &AccountId) -> Result<String, WorkerError> {
	let (best, _) = ctx.chain.best();
	let info = ctx
		.chain
		.worker_info(best, worker)?
		.ok_or_else(|| WorkerError::NotAWorker(worker.clone()))?;
	endpoint_string(worker, info.endpoint.into_inner())
}

/// A registered endpoint as a string.
pub(crate) fn endpoint_string(worker: &AccountId, bytes: Vec<u8>) -> Result<String, WorkerError> {
	String::from_utf8(bytes).map_err(|_| WorkerError::BadEndpoint(worker.clone()))
}

/// `endpoint` failing with `reason`.
fn unreachable(endpoint: &str, reason: impl std::fmt::Display) -> WorkerError {
	WorkerError::Unreachable { endpoint: endpoint.into(), reason: reason.to_string() }
}

/// The largest answer `gym_getDelta` may send: the hex of [`MAX_DELTA_BYTES`] and room for the
/// JSON around it.
fn max_delta_answer() -> u32 {
	u32::try_from(2 * MAX_DELTA_BYTES + 64 * 1024).unwrap_or(u32::MAX)
}

/// A client for `endpoint` whose requests take at most `timeout` and whose answers are at most
/// `max_answer` bytes.
fn http_client(
	endpoint: &str,
	timeout: Duration,
	max_answer: u32,
) -> Result<jsonrpsee::http_client::HttpClient, WorkerError> {
	jsonrpsee::http_client::HttpClientBuilder::default()
		.request_timeout(timeout)
		.max_response_size(max_answer)
		.build(endpoint)
		.map_err(|e| unreachable(endpoint, e))
}

/// What a failed request to `endpoint` says about it: an answer that is too large or not a
/// JSON-RPC response is corrupt ([`WorkerError::BadPeerData`]); anything else (refused, timed
/// out, an HTTP status or a JSON-RPC error) leaves it unavailable ([`WorkerError::Unreachable`]).
fn request_failed(
	endpoint: &str,
	method: &str,
	error: jsonrpsee::core::ClientError,
) -> WorkerError {
	use jsonrpsee::{
		core::{http_helpers::HttpError, ClientError},
		http_client::transport::Error as Transport,
	};
	let malformed = match &error {
		ClientError::ParseError(_) | ClientError::InvalidRequestId(_) => true,
		ClientError::Transport(e) => matches!(
			e.downcast_ref::<Transport>(),
			Some(Transport::Http(HttpError::TooLarge | HttpError::Malformed))
		),
		_ => false,
	};
	if malformed {
		WorkerError::BadPeerData { endpoint: endpoint.into(), reason: format!("{method}: {error}") }
	} else {
		unreachable(endpoint, format!("{method}: {error}"))
	}
}

/// Fetches delta `hash` from `endpoint` within `timeout` and checks that the bytes hash to it
/// ([`WorkerError::BadPeerData`] if not).
pub(crate) async fn fetch_checked_delta(
	endpoint: &str,
	hash: H256,
	timeout: Duration,
) -> Result<Vec<u8>, WorkerError> {
	let bytes = fetch_delta_within(endpoint, hash, timeout, max_delta_answer()).await?;
	if gym_trainer::blake2_256(&bytes) != hash.0 {
		return Err(WorkerError::BadPeerData {
			endpoint: endpoint.into(),
			reason: format!("the bytes do not hash to {hash:?}"),
		});
	}
	Ok(bytes)
}

/// Fetches delta (or checkpoint) `hash` from `endpoint` with `gym_getDelta`, in one request of
/// at most `timeout` whose answer is at most `max_answer` bytes. The bytes are not checked
/// against the hash here.
async fn fetch_delta_within(
	endpoint: &str,
	hash: H256,
	timeout: Duration,
	max_answer: u32,
) -> Result<Vec<u8>, WorkerError> {
	use jsonrpsee::core::client::ClientT;
	let client = http_client(endpoint, timeout, max_answer)?;
	let answer: Option<String> = client
		.request("gym_getDelta", jsonrpsee::rpc_params![hash])
		.await
		.map_err(|e| request_failed(endpoint, "gym_getDelta", e))?;
	let hex = answer.ok_or_else(|| WorkerError::NotServed {
		endpoint: endpoint.into(),
		what: format!("{hash:?}"),
	})?;
	let bad = |reason: String| WorkerError::BadPeerData { endpoint: endpoint.into(), reason };
	if hex.len() > 2 * MAX_DELTA_BYTES + 2 {
		return Err(bad(format!("more than {MAX_DELTA_BYTES} bytes")));
	}
	super::from_hex(&hex).map_err(|e| bad(format!("not hex: {e}")))
}

/// Fetches the signed attestation report served at `endpoint` (`gym_attestation`).
pub(crate) async fn fetch_attestation(
	endpoint: &str,
) -> Result<super::SignedAttestation, WorkerError> {
	use jsonrpsee::core::client::ClientT;
	let client = http_client(endpoint, FETCH_TIMEOUT, max_delta_answer())?;
	let answer: Option<super::SignedAttestation> = client
		.request("gym_attestation", jsonrpsee::rpc_params![])
		.await
		.map_err(|e| request_failed(endpoint, "gym_attestation", e))?;
	answer.ok_or_else(|| WorkerError::NotServed {
		endpoint: endpoint.into(),
		what: "an attestation report".into(),
	})
}

/// Local stand-ins for workers' endpoints, well-behaved or not.
#[cfg(test)]
pub(crate) mod test_peers {
	use tokio::{
		io::{AsyncReadExt, AsyncWriteExt},
		net::TcpListener,
	};

	/// An endpoint that accepts connections and never answers (a tarpit).
	pub(crate) async fn tarpit() -> String {
		let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
		let endpoint = format!("http://{}", listener.local_addr().expect("bound"));
		tokio::spawn(async move {
			let mut held = Vec::new();
			while let Ok((socket, _)) = listener.accept().await {
				held.push(socket);
			}
		});
		endpoint
	}

	/// An endpoint nothing listens on (connections are refused).
	pub(crate) async fn closed() -> String {
		let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
		format!("http://{}", listener.local_addr().expect("bound"))
	}

	/// An endpoint that answers every request with HTTP `status` and `body`.
	pub(crate) async fn answering(status: &'static str, body: String) -> String {
		let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
		let endpoint = format!("http://{}", listener.local_addr().expect("bound"));
		let answer = format!(
			"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
			 connection: close\r\n\r\n{body}",
			body.len()
		);
		tokio::spawn(async move {
			while let Ok((mut socket, _)) = listener.accept().await {
				let answer = answer.clone();
				tokio::spawn(async move {
					read_request(&mut socket).await;
					let _ = socket.write_all(answer.as_bytes()).await;
					let _ = socket.shutdown().await;
				});
			}
		});
		endpoint
	}

	/// A JSON-RPC answer with `result` (JSON) to the first request of a client.
	pub(crate) fn result(result: &str) -> String {
		format!(r#"{{"jsonrpc":"2.0","id":0,"result":{result}}}"#)
	}

	/// Reads one HTTP request: its head and as many body bytes as its content-length says.
	async fn read_request(socket: &mut tokio::net::TcpStream) {
		let (mut request, mut chunk) = (Vec::new(), [0u8; 4096]);
		loop {
			match socket.read(&mut chunk).await {
				Ok(0) | Err(_) => return,
				Ok(n) => request.extend_from_slice(&chunk[..n]),
			}
			let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
			let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
			let length = head
				.lines()
				.find_map(|line| line.strip_prefix("content-length:"))
				.and_then(|n| n.trim().parse::<usize>().ok())
				.unwrap_or(0);
			if request.len() >= end + 4 + length {
				return;
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::{test_peers::*, *};
	use std::time::Instant;

	const TIMEOUT: Duration = Duration::from_millis(300);

	async fn fetch(endpoint: &str, hash: H256) -> Result<Vec<u8>, WorkerError> {
		fetch_checked_delta(endpoint, hash, TIMEOUT).await
	}

	fn corrupt(outcome: Result<Vec<u8>, WorkerError>) -> String {
		match outcome {
			Err(e @ WorkerError::BadPeerData { .. }) => {
				assert!(e.is_corrupt_peer_data());
				e.to_string()
			}
			other => panic!("expected corrupt data, got {other:?}"),
		}
	}

	fn unavailable(outcome: Result<Vec<u8>, WorkerError>) -> String {
		match outcome {
			Err(e @ (WorkerError::Unreachable { .. } | WorkerError::NotServed { .. })) => {
				assert!(!e.is_corrupt_peer_data() && e.is_retryable());
				e.to_string()
			}
			other => panic!("expected an unavailable endpoint, got {other:?}"),
		}
	}

	#[tokio::test]
	async fn an_endpoint_that_fails_to_answer_is_unavailable() {
		let hash = H256([7; 32]);
		unavailable(fetch(&closed().await, hash).await);
		let started = Instant::now();
		let why = unavailable(fetch(&tarpit().await, hash).await);
		assert!(why.contains("timeout"), "{why}");
		assert!(started.elapsed() < 3 * TIMEOUT, "{:?}", started.elapsed());
		unavailable(fetch(&answering("503 Service Unavailable", String::new()).await, hash).await);
		let error = r#"{"jsonrpc":"2.0","id":0,"error":{"code":-32603,"message":"busy"}}"#;
		unavailable(fetch(&answering("200 OK", error.into()).await, hash).await);
		let why = unavailable(fetch(&answering("200 OK", result("null")).await, hash).await);
		assert!(why.contains("does not serve"), "{why}");
	}

	#[tokio::test]
	async fn an_endpoint_that_answers_garbage_served_corrupt_data() {
		let bytes = b"a delta".to_vec();
		let hash = H256(gym_trainer::blake2_256(&bytes));
		let served = |hex: &str| answering("200 OK", result(&format!("\"{hex}\"")));
		// The right bytes pass.
		let good = served(&super::super::to_hex(&bytes)).await;
		assert_eq!(fetch(&good, hash).await.expect("served"), bytes);
		// Not hex, another hash's bytes, not a string, not JSON at all.
		assert!(corrupt(fetch(&served("0xzz").await, hash).await).contains("not hex"));
		let other = served(&super::super::to_hex(b"another delta")).await;
		assert!(corrupt(fetch(&other, hash).await).contains("do not hash"));
		corrupt(fetch(&answering("200 OK", result("42")).await, hash).await);
		corrupt(fetch(&answering("200 OK", "<html>oops</html>".into()).await, hash).await);
		corrupt(fetch(&answering("200 OK", "{\"jsonrpc\":".into()).await, hash).await);
		// Hex of more than MAX_DELTA_BYTES, within the answer's limit.
		let long = served(&"ab".repeat(MAX_DELTA_BYTES + 2)).await;
		assert!(corrupt(fetch(&long, hash).await).contains("more than"));
		// An answer over the limit is cut off, not read whole.
		let huge = "0".repeat(max_delta_answer() as usize + 1);
		let why = corrupt(fetch(&served(&huge).await, hash).await);
		assert!(why.contains("too big"), "{why}");
	}
}
