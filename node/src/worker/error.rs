//! The worker's errors. Each names what went wrong in one line (the worker logs it as one line
//! and never stops the node), and [`WorkerError::is_retryable`] keeps apart what a later block
//! may cure (an unreachable or misbehaving peer, a refused transaction, block state not there)
//! from what it will not (a missing or failing key, a corrupt local store, our own runtime's
//! data that does not decode, a failed training run).
//!
//! A peer that fails a fetch is either *unavailable* ([`WorkerError::Unreachable`],
//! [`WorkerError::NotServed`]: it may answer later) or served *corrupt* data
//! ([`WorkerError::BadPeerData`], [`WorkerError::is_corrupt_peer_data`]): the orchestrator
//! retries the first and reports the second at once.

use gym_runtime::AccountId;
use sp_core::{crypto::KeyTypeId, sr25519, H256};

/// Why a step of the worker failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
	/// A worker's endpoint could not be reached, or answered with an error. Retryable.
	#[error("{endpoint}: {reason}")]
	Unreachable {
		/// The endpoint asked.
		endpoint: String,
		/// What the transport or the remote node said.
		reason: String,
	},
	/// A worker's endpoint does not serve what was asked (yet). Retryable.
	#[error("{endpoint} does not serve {what}")]
	NotServed {
		/// The endpoint asked.
		endpoint: String,
		/// What was asked for.
		what: String,
	},
	/// A worker's endpoint served bytes that are not what it committed to (another hash, not
	/// hex, too many, an answer that is not JSON-RPC). Retryable: untrusted bytes are refused,
	/// the peer may serve the right ones later, and callers bound their attempts; an
	/// orchestrator measuring a delta reports it corrupt at once.
	#[error("{endpoint} served bad data: {reason}")]
	BadPeerData {
		/// The endpoint that served it.
		endpoint: String,
		/// What is wrong with it.
		reason: String,
	},
	/// The transaction pool refused a transaction (a stale nonce, a full pool, a birth block it
	/// does not know). Retryable.
	#[error("the transaction pool refused it: {0}")]
	PoolRefused(String),
	/// The client could not read a block or its state (unknown, not yet imported, pruned).
	/// Retryable.
	#[error("block state: {0}")]
	State(#[from] sp_blockchain::Error),
	/// A runtime API call failed at a block (no state for it, or the call itself failed).
	/// Retryable.
	#[error("runtime call: {0}")]
	RuntimeCall(sp_api::ApiError),
	/// Block `0` is not known to the client. Retryable.
	#[error("unknown block {0:?}")]
	UnknownBlock(H256),
	/// A checkpoint this node cannot load yet: neither stored, initial nor rebuildable from
	/// rounds it saw. Retryable; callers bound their attempts.
	#[error("{0}")]
	CheckpointUnavailable(String),

	/// The keystore failed to sign. Fatal.
	#[error("keystore: {0}")]
	Keystore(String),
	/// The keystore has no such key (removed while the node runs). Fatal.
	#[error("the keystore has no {key_type:?} key {public}")]
	MissingKey {
		/// The key type.
		key_type: KeyTypeId,
		/// The public key asked for.
		public: sr25519::Public,
	},
	/// Reading or writing the worker's store failed. Fatal.
	#[error("worker store: {0}")]
	Store(#[from] std::io::Error),
	/// A file of the worker's store is not what its name says. Fatal.
	#[error("corrupt worker store: {0}")]
	CorruptStore(String),
	/// Data of our own runtime (storage, metadata, a runtime API answer, an extrinsic) does not
	/// decode: this node and the runtime disagree. Fatal.
	#[error("undecodable {what}: {reason}")]
	RuntimeData {
		/// What was decoded.
		what: String,
		/// The decoder's complaint.
		reason: String,
	},
	/// `worker` is not registered (any more). Fatal for the step that needed it.
	#[error("{0} is not a registered worker")]
	NotAWorker(AccountId),
	/// `worker` registered an endpoint that is not UTF-8. Fatal.
	#[error("{0}'s registered endpoint is not UTF-8")]
	BadEndpoint(AccountId),
	/// The aggregate of a round's accepted deltas is not the checkpoint the chain recorded.
	/// Fatal for that checkpoint.
	#[error("the aggregate of round {round} of job {job} hashes to {actual:?}, the chain recorded {recorded:?}")]
	AggregateMismatch {
		/// The job.
		job: u32,
		/// The round.
		round: u32,
		/// The aggregate's hash.
		actual: H256,
		/// The hash the chain recorded.
		recorded: H256,
	},
	/// Training, evaluation, aggregation or the benchmark failed. Fatal.
	#[error(transparent)]
	Trainer(#[from] gym_trainer::TrainerError),
	/// A blocking task (training, evaluation, aggregation) panicked or was cancelled. Fatal.
	#[error("{task} task: {error}")]
	Task {
		/// What the task did.
		task: &'static str,
		/// How it ended.
		error: tokio::task::JoinError,
	},
}

impl WorkerError {
	/// Whether trying again on a later block may succeed.
	pub fn is_retryable(&self) -> bool {
		match self {
			WorkerError::Unreachable { .. }
			| WorkerError::NotServed { .. }
			| WorkerError::BadPeerData { .. }
			| WorkerError::PoolRefused(_)
			| WorkerError::State(_)
			| WorkerError::RuntimeCall(_)
			| WorkerError::UnknownBlock(_)
			| WorkerError::CheckpointUnavailable(_) => true,
			WorkerError::Keystore(_)
			| WorkerError::MissingKey { .. }
			| WorkerError::Store(_)
			| WorkerError::CorruptStore(_)
			| WorkerError::RuntimeData { .. }
			| WorkerError::NotAWorker(_)
			| WorkerError::BadEndpoint(_)
			| WorkerError::AggregateMismatch { .. }
			| WorkerError::Trainer(_)
			| WorkerError::Task { .. } => false,
		}
	}

	/// Whether a peer served data that is not what was asked for (too large, malformed, not
	/// hex, another hash), as opposed to being unavailable (unreachable, timed out, an error
	/// answer, nothing served).
	pub fn is_corrupt_peer_data(&self) -> bool {
		matches!(self, WorkerError::BadPeerData { .. })
	}

	/// A decoding failure of `what`, data of our own runtime.
	pub fn runtime_data(what: impl Into<String>, reason: impl std::fmt::Display) -> Self {
		WorkerError::RuntimeData { what: what.into(), reason: reason.to_string() }
	}

	/// A blocking `task` that did not finish.
	pub fn task(task: &'static str) -> impl FnOnce(tokio::task::JoinError) -> Self {
		move |error| WorkerError::Task { task, error }
	}
}

impl From<sp_api::ApiError> for WorkerError {
	/// A runtime answer or parameter that does not decode is our own runtime's data disagreeing
	/// with this node (fatal); anything else is the call failing at that block (retryable).
	fn from(error: sp_api::ApiError) -> Self {
		use sp_api::ApiError as E;
		if let E::FailedToDecodeReturnValue { function, .. }
		| E::FailedToConvertReturnValue { function, .. }
		| E::FailedToConvertParameter { function, .. } = &error
		{
			return WorkerError::runtime_data(format!("runtime API {function}"), &error);
		}
		WorkerError::RuntimeCall(error)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn network_and_pool_failures_are_retried_local_faults_are_not() {
		let unreachable =
			WorkerError::Unreachable { endpoint: "http://x".into(), reason: "refused".into() };
		assert!(unreachable.is_retryable());
		assert!(WorkerError::PoolRefused("stale".into()).is_retryable());
		assert!(WorkerError::UnknownBlock(H256::zero()).is_retryable());
		let missing = WorkerError::MissingKey {
			key_type: KeyTypeId(*b"gymm"),
			public: sr25519::Public::from_raw([0; 32]),
		};
		assert!(!missing.is_retryable());
		assert!(!WorkerError::Store(std::io::Error::other("disk")).is_retryable());
		assert!(!WorkerError::runtime_data("System::Events", "eof").is_retryable());
	}

	#[test]
	fn undecodable_runtime_answers_are_fatal_failed_calls_are_not() {
		let undecodable = sp_api::ApiError::FailedToDecodeReturnValue {
			function: "ComputeMiningApi_job",
			error: codec::Error::from("eof"),
			raw: vec![],
		};
		assert!(!WorkerError::from(undecodable).is_retryable());
		let unknown = sp_api::ApiError::UnknownBlock("0x00".into());
		assert!(WorkerError::from(unknown).is_retryable());
	}
}
