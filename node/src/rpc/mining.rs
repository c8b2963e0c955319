//! `gym_*` methods of compute mining (`pallet-compute-mining`), and those of this node's
//! compute-mining worker (`gym_getDelta`, `gym_attestation`), which serve its own store rather
//! than chain state.

use std::sync::Arc;

use super::{hex32, node_error, query, Gym};
use gym_primitives::mining::GpuClass;
use gym_runtime::{opaque::Block, AccountId, Hash};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_compute_mining_runtime_api::{ComputeMiningApi, JobOrigin};
use pallet_tiered_staking_runtime_api::TieredStakingApi;
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

/// A registered compute worker (`gym_workerInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerInfo {
	/// Hash of the worker's hardware identity, 0x-hex.
	pub hardware_hash: String,
	/// The GPU class the worker claims.
	pub claimed_class: GpuClass,
	/// The GPU class an orchestrator verified, or null.
	pub verified_class: Option<GpuClass>,
	/// Hash of the signed attestation report, 0x-hex.
	pub attestation: String,
	/// Where the worker serves deltas and its attestation report.
	pub endpoint: String,
	/// The block of registration.
	pub registered_at: u32,
	/// The heartbeat slot of the last heartbeat.
	pub last_heartbeat_slot: u32,
	/// Scheduled downtime as heartbeat slots `[start, end)`, or null.
	pub downtime_slots: Option<(u32, u32)>,
	/// The job the worker is assigned to, or null.
	pub assignment: Option<u32>,
	/// Whether it waits for a job, and in the priority queue.
	pub waiting: bool,
	/// Whether it waits in the priority queue (Silver or above).
	pub priority: bool,
	/// Slashes fixed and not yet charged, in planck: rejected deltas'
	/// 5% and what the unscheduled downtime since the last heartbeat
	/// would cost if reported now.
	pub pending_slash: String,
}

/// A worker's mining rewards (`gym_pendingRewards`), amounts in planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRewards {
	/// Claimable now with `ComputeMining.claim_rewards`.
	pub claimable: String,
	/// Closed epochs the claimable rewards come from.
	pub epochs: u32,
	/// The open epoch's unadjusted reward so far.
	pub accruing: String,
	/// The quality (millionths) the open epoch's reward uses, or null.
	pub quality: Option<u32>,
	/// Heartbeat slots online in the open epoch.
	pub online_slots: u32,
	/// Earned by mining over the last 30 days.
	pub earned30d: String,
	/// Earned by mining, ever.
	pub earned_total: String,
}

/// Who created a job, in JSON: `"governance"`, `"orchestrator"` or `"customer"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobCreator {
	/// Governance (training priorities).
	Governance,
	/// A customer who paid for fine-tuning.
	Customer,
}

/// A training job (`gym_job`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
	/// Who created it.
	pub origin: JobCreator,
	/// The customer who created it, or null for governance.
	pub creator: Option<AccountId>,
	/// The model trained.
	pub model: u32,
	/// The training dataset.
	pub dataset: u32,
	/// The validation set.
	pub validation_set: u32,
	/// Optimiser steps per round.
	pub steps: u32,
	/// Samples per step.
	pub batch_size: u32,
	/// Learning rate in millionths.
	pub learning_rate: u32,
	/// Weight decay in millionths.
	pub weight_decay: u32,
	/// Seed of data and initial weights.
	pub seed: u64,
	/// Validation reports a delta needs.
	pub validations: u8,
	/// Gradient-norm variance threshold (millionths) of the +5% bonus.
	pub variance_threshold: u64,
	/// The round now open.
	pub round: u32,
	/// The checkpoint the open round trains from, 0x-hex.
	pub checkpoint: String,
	/// Workers assigned.
	pub workers: u32,
	/// Deltas accepted in the open round.
	pub accepted: u32,
	/// The block of creation.
	pub created_at: u32,
	/// The last block in which the open round's deltas are sealed; their bytes are served and
	/// their hashes revealed after it.
	pub submit_until: u32,
}

/// One epoch's mining rewards (`gym_epochInfo`), amounts in planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochInfo {
	/// The budget fixed when the epoch closed, or null while open.
	pub budget: Option<String>,
	/// Σ of the workers' unadjusted rewards.
	pub unadjusted: String,
	/// `min(1, budget / Σ)` in millionths, or null while open.
	pub difficulty_micro: Option<u64>,
	/// Workers with a reward in the epoch.
	pub workers: u32,
	/// Rewards not yet claimed.
	pub unclaimed: u32,
	/// Minted as claimed rewards.
	pub minted: String,
}

/// One completed round of a job's validated loss curve (`gym_lossCurve`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LossPoint {
	/// The round completed.
	pub round: u32,
	/// The lowest training-batch loss an accepted delta of the round reached (each delta's
	/// median of its committee's reports), in millionths.
	pub loss_micro: u64,
	/// The lowest validation loss an accepted delta of the round reached, in millionths.
	pub val_loss_micro: u64,
	/// Deltas accepted in the round (aggregated into its checkpoint).
	pub deltas: u32,
}

/// The compute-mining methods of the `gym_*` namespace.
#[rpc(server, namespace = "gym")]
pub trait MiningApi {
	/// `account`'s compute-worker record, or null if it is not registered.
	#[method(name = "workerInfo")]
	fn worker_info(&self, account: AccountId, at: Option<Hash>) -> RpcResult<Option<WorkerInfo>>;

	/// `account`'s mining rewards: claimable now, accruing in the open epoch,
	/// and earned over 30 days and ever.
	#[method(name = "pendingRewards")]
	fn pending_rewards(&self, account: AccountId, at: Option<Hash>) -> RpcResult<PendingRewards>;

	/// Training job `job_id`, or null.
	#[method(name = "job")]
	fn job(&self, job_id: u32, at: Option<Hash>) -> RpcResult<Option<Job>>;

	/// Epoch `epoch`'s budget, Σ unadjusted rewards, difficulty and minted
	/// rewards; null for an epoch without rewards or fully claimed.
	#[method(name = "epochInfo")]
	fn epoch_info(&self, epoch: u32, at: Option<Hash>) -> RpcResult<Option<EpochInfo>>;

	/// Job `job_id`'s validated loss curve: a point per completed round, its last 64 rounds,
	/// oldest first; empty for an unknown job or one without a completed round.
	#[method(name = "lossCurve")]
	fn loss_curve(&self, job_id: u32, at: Option<Hash>) -> RpcResult<Vec<LossPoint>>;
}

impl<C> MiningApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ComputeMiningApi<Block, AccountId> + TieredStakingApi<Block, AccountId>,
{
	fn worker_info(&self, account: AccountId, at: Option<Hash>) -> RpcResult<Option<WorkerInfo>> {
		let (w, stake) = query(&*self.client, at, |api, at| {
			Ok((api.worker_info(at, account.clone())?, api.stake_info(at, account)?))
		})?;
		Ok(w.map(|w| WorkerInfo {
			hardware_hash: hex32(w.hardware_hash),
			claimed_class: w.claimed_class,
			verified_class: w.verified_class,
			attestation: hex32(w.attestation),
			endpoint: String::from_utf8_lossy(&w.endpoint).into_owned(),
			registered_at: w.registered_at,
			last_heartbeat_slot: w.last_heartbeat,
			downtime_slots: w.downtime.map(|d| (d.start, d.end)),
			assignment: w.assignment,
			waiting: w.waiting,
			priority: w.priority,
			pending_slash: stake.pending_slash.to_string(),
		}))
	}

	fn pending_rewards(&self, account: AccountId, at: Option<Hash>) -> RpcResult<PendingRewards> {
		let p = query(&*self.client, at, |api, at| api.pending_rewards(at, account))?;
		Ok(PendingRewards {
			claimable: p.claimable.to_string(),
			epochs: p.epochs,
			accruing: p.accruing.to_string(),
			quality: p.quality,
			online_slots: p.online_slots,
			earned30d: p.earned_30d.to_string(),
			earned_total: p.earned_total.to_string(),
		})
	}

	fn job(&self, job_id: u32, at: Option<Hash>) -> RpcResult<Option<Job>> {
		let j = query(&*self.client, at, |api, at| api.job(at, job_id))?;
		Ok(j.map(|j| {
			let (origin, creator) = match j.origin {
				JobOrigin::Governance => (JobCreator::Governance, None),
				JobOrigin::Customer(who, _) => (JobCreator::Customer, Some(who)),
			};
			let p = j.spec.params;
			Job {
				origin,
				creator,
				model: j.spec.model,
				dataset: j.spec.dataset,
				validation_set: j.spec.validation_set,
				steps: p.steps,
				batch_size: p.batch_size,
				learning_rate: p.learning_rate,
				weight_decay: p.weight_decay,
				seed: p.seed,
				validations: j.spec.validations,
				variance_threshold: j.spec.variance_threshold,
				round: j.round,
				checkpoint: hex32(j.checkpoint),
				workers: j.workers,
				accepted: j.accepted,
				created_at: j.created_at,
				submit_until: j.submit_until,
			}
		}))
	}

	fn epoch_info(&self, epoch: u32, at: Option<Hash>) -> RpcResult<Option<EpochInfo>> {
		let e = query(&*self.client, at, |api, at| api.epoch_info(at, epoch))?;
		Ok(e.map(|e| EpochInfo {
			budget: e.budget.map(|b| b.to_string()),
			unadjusted: e.unadjusted.to_string(),
			difficulty_micro: e.difficulty_micro(),
			workers: e.workers,
			unclaimed: e.unclaimed,
			minted: e.minted.to_string(),
		}))
	}

	fn loss_curve(&self, job_id: u32, at: Option<Hash>) -> RpcResult<Vec<LossPoint>> {
		let curve = query(&*self.client, at, |api, at| api.loss_curve(at, job_id))?;
		Ok(curve
			.into_iter()
			.map(|p| LossPoint {
				round: p.round,
				loss_micro: p.loss,
				val_loss_micro: p.val_loss,
				deltas: p.deltas,
			})
			.collect())
	}
}

/// The methods of this node's compute-mining worker in the `gym_*` namespace. They serve the
/// worker's own store, not chain state, so they take no block hash.
#[rpc(server, namespace = "gym")]
pub trait MiningWorkerApi {
	/// The bytes of a delta or checkpoint this node stores, by blake2-256 hash, as 0x-hex;
	/// null if unknown. At most `gym_trainer::MAX_CHECKPOINT_BYTES` (4 MiB) bytes: a checkpoint or a delta.
	#[method(name = "getDelta")]
	fn get_delta(&self, hash: Hash) -> RpcResult<Option<String>>;

	/// This miner's signed attestation report (hardware facts, class, benchmark, block-hash
	/// nonce, sr25519 signature by the worker key); null if it has none.
	#[method(name = "attestation")]
	fn attestation(&self) -> RpcResult<Option<crate::worker::SignedAttestation>>;
}

/// Implementation of [`MiningWorkerApiServer`].
pub struct MiningWorker {
	worker: Arc<crate::worker::Shared>,
}

impl MiningWorker {
	/// The worker methods, serving `worker`'s store and attestation report.
	pub fn new(worker: Arc<crate::worker::Shared>) -> Self {
		Self { worker }
	}
}

impl MiningWorkerApiServer for MiningWorker {
	fn get_delta(&self, hash: Hash) -> RpcResult<Option<String>> {
		if self.worker.is_embargoed(&hash.0) {
			return Err(node_error(
				"this delta is sealed: its bytes are served after its round's submission window",
			));
		}
		let bytes =
			self.worker.store.get(&hash.0).map_err(|e| node_error(format!("delta store: {e}")))?;
		Ok(bytes.map(|b| crate::worker::to_hex(&b)))
	}

	fn attestation(&self) -> RpcResult<Option<crate::worker::SignedAttestation>> {
		Ok(self.worker.attestation())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn gpu_classes_and_job_creators_are_their_names_in_json() {
		for class in GpuClass::ALL {
			let json = serde_json::to_value(class).unwrap();
			assert_eq!(json, serde_json::json!(format!("{class:?}")));
			assert_eq!(serde_json::from_value::<GpuClass>(json).unwrap(), class);
		}
		assert_eq!(serde_json::to_value(JobCreator::Governance).unwrap(), "governance");
		assert_eq!(serde_json::to_value(JobCreator::Customer).unwrap(), "customer");
	}

	#[test]
	fn a_loss_point_names_its_losses_in_millionths() {
		let point =
			LossPoint { round: 3, loss_micro: 2_490_000, val_loss_micro: 2_500_000, deltas: 2 };
		assert_eq!(
			serde_json::to_value(&point).unwrap(),
			serde_json::json!({
				"round": 3,
				"lossMicro": 2_490_000,
				"valLossMicro": 2_500_000,
				"deltas": 2,
			})
		);
	}
}
