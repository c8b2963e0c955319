//! JSON-RPC of `gym-node`: the standard `system_*`, `chain_*`, `state_*`,
//! `author_*` methods come from `sc-rpc`; this module adds
//! `system_accountNextIndex`, `payment_*` and GYM's own `gym_*` namespace.
//!
//! `gym_*` methods take and return JSON; amounts are decimal strings in planck
//! (1 GYM = 10^18 planck). They answer at the best block.

use std::sync::Arc;

use gym_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObjectOwned, ErrorObject},
	RpcModule,
};
use pallet_compute_mining_runtime_api::ComputeMiningApi;
use pallet_gym_emission_runtime_api::{GymEmissionApi, MAX_SCHEDULE_POINTS};
use pallet_revenue_split_runtime_api::RevenueSplitApi;
use pallet_tiered_staking_runtime_api::TieredStakingApi;
use sc_transaction_pool_api::TransactionPool;
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// A registered compute worker (`gym_workerInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerInfo {
	/// Hash of the worker's hardware identity, 0x-hex.
	pub hardware_hash: String,
	/// The GPU class the worker claims (`H100`, `Rtx4090`, ..., `Other`).
	pub claimed_class: String,
	/// The GPU class an orchestrator verified, or null.
	pub verified_class: Option<String>,
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

/// A training job (`gym_job`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
	/// `governance`, `orchestrator` or `customer`.
	pub origin: String,
	/// The orchestrator or customer who created it, or null.
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

fn hex32(h: sp_core::H256) -> String {
	format!("{h:?}")
}

/// Dependencies of the full node's RPC.
pub struct FullDeps<C, P> {
	/// The compute-mining worker's store and attestation report (`gym_getDelta`,
	/// `gym_attestation`).
	pub worker: Arc<crate::worker::Shared>,
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// Facts about the GYM token, as returned by `gym_tokenInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
	/// Token symbol: `GYM`.
	pub symbol: String,
	/// Decimals: 18.
	pub decimals: u8,
	/// SS58 address format.
	pub ss58_format: u16,
	/// Hard cap on all GYM ever minted, in planck, as a decimal string.
	pub hard_cap: String,
	/// Target block time in milliseconds.
	pub block_time_ms: u64,
}

/// One point of the emission curve (`gym_emissionSchedule`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchedulePoint {
	/// Block number.
	pub block: u32,
	/// Planck the schedule mints at this block (cap applied).
	pub per_block: String,
	/// Planck minted by this block under the schedule, genesis included.
	pub cumulative: String,
}

/// Minted and burned totals (`gym_totalMinted`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
	/// Everything ever minted, genesis included.
	pub total_minted: String,
	/// Everything ever burned by the rules of the spec.
	pub total_burned: String,
	/// Issuance at genesis.
	pub genesis: String,
	/// What the hard cap still allows to be minted.
	pub remaining_under_cap: String,
}

/// One epoch's budget (`gym_epochBudget`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochBudget {
	/// Epoch index.
	pub epoch: u32,
	/// First block of the epoch.
	pub first_block: u32,
	/// Last block of the epoch.
	pub last_block: u32,
	/// The schedule's emission over the epoch.
	pub scheduled: String,
	/// Minted for the epoch so far.
	pub minted: String,
	/// What may still be minted for it (cap applied).
	pub remaining: String,
}

/// One account's staking position (`gym_stakeInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StakeInfo {
	/// Planck staked (frozen in the account).
	pub stake: String,
	/// `Bronze` .. `Diamond`, or null below 1,000 GYM.
	pub tier: Option<String>,
	/// The tier's reward boost in per mille (1000 = 1.0x); 0 without a tier.
	pub boost_per_mille: u32,
	/// Stake times boost, rounded down: the weight of the staker-revenue share.
	pub boosted_stake: String,
	/// Block of the oldest deposit still staked, or null.
	pub oldest_staked_at: Option<u32>,
	/// Stake-weighted mean age of the deposits, in blocks.
	pub weighted_age_blocks: u32,
	/// Staker revenue claimable now.
	pub pending_rewards: String,
	/// The early-unstake penalty of unstaking everything now.
	pub penalty_if_unstaked_now: String,
	/// The block the answer describes.
	pub at_block: u32,
}

/// Revenue per source, in planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevenueBySource {
	/// Inference fees paid by gateways.
	pub inference_fees: String,
	/// Fine-tuning job payments.
	pub fine_tuning: String,
	/// Model marketplace fees.
	pub marketplace_fees: String,
	/// Priority-access subscriptions.
	pub subscriptions: String,
	/// The chain's transaction fees and tips.
	pub transaction_fees: String,
	/// The sum of the above.
	pub total: String,
}

impl From<gym_primitives::revenue::RevenueBySource> for RevenueBySource {
	fn from(r: gym_primitives::revenue::RevenueBySource) -> Self {
		Self {
			inference_fees: r.inference_fees.to_string(),
			fine_tuning: r.fine_tuning.to_string(),
			marketplace_fees: r.marketplace_fees.to_string(),
			subscriptions: r.subscriptions.to_string(),
			transaction_fees: r.transaction_fees.to_string(),
			total: r.total().to_string(),
		}
	}
}

/// The revenue pot now (`gym_revenuePot`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevenuePot {
	/// The period (mining epoch) collecting revenue.
	pub period: u32,
	/// Its last block: the pot is split in the next one.
	pub period_end: u32,
	/// Undistributed revenue, in planck.
	pub pot: String,
	/// Revenue received so far in this period.
	pub income: RevenueBySource,
	/// Miner revenue of closed periods not yet claimed, in planck.
	pub owed_to_miners: String,
	/// The miners' total contribution so far in this period.
	pub period_points: String,
}

/// One account's miner revenue (`gym_pendingRevenue`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRevenue {
	/// Claimable now with `RevenueSplit.claim_miner_revenue`, in planck.
	pub claimable: String,
	/// The account's contribution in the open period.
	pub period_points: String,
}

/// An account's access to a model (`gym_hasAccess`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessInfo {
	/// Whether the account may use the model now.
	pub has_access: bool,
	/// The first block without access, or null if never bought.
	pub expires_at: Option<u32>,
}

/// One closed distribution period (`gym_revenueHistory`), amounts in planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodRevenue {
	/// The period (mining epoch) index.
	pub period: u32,
	/// Revenue received in the period.
	pub income: RevenueBySource,
	/// The pot split at its end (income plus what earlier periods carried).
	pub pot: String,
	/// Set aside for the period's miners.
	pub miners: String,
	/// Shared among stakers.
	pub stakers: String,
	/// Paid to liquidity providers.
	pub liquidity_providers: String,
	/// Paid to the development fund.
	pub development_fund: String,
	/// Burned.
	pub burned: String,
	/// Left in the pot for the next period.
	pub carried: String,
}

impl From<pallet_revenue_split_runtime_api::PeriodRevenue> for PeriodRevenue {
	fn from(r: pallet_revenue_split_runtime_api::PeriodRevenue) -> Self {
		Self {
			period: r.period,
			income: r.income.into(),
			pot: r.pot.to_string(),
			miners: r.miners.to_string(),
			stakers: r.stakers.to_string(),
			liquidity_providers: r.liquidity_providers.to_string(),
			development_fund: r.development_fund.to_string(),
			burned: r.burned.to_string(),
			carried: r.carried.to_string(),
		}
	}
}

/// The `gym_*` JSON-RPC namespace.
#[rpc(server, namespace = "gym")]
pub trait GymApi {
	/// The GYM token's symbol, decimals, address format, hard cap and block time.
	#[method(name = "tokenInfo")]
	fn token_info(&self) -> RpcResult<TokenInfo>;

	/// `points` evenly spaced blocks from `from_block` to `to_block`, both
	/// included, with the schedule's per-block and cumulative emission.
	#[method(name = "emissionSchedule")]
	fn emission_schedule(
		&self,
		from_block: u32,
		to_block: u32,
		points: u32,
	) -> RpcResult<Vec<SchedulePoint>>;

	/// Everything minted (genesis included) and burned so far.
	#[method(name = "totalMinted")]
	fn total_minted(&self) -> RpcResult<Totals>;

	/// The budget of epoch `epoch`.
	#[method(name = "epochBudget")]
	fn epoch_budget(&self, epoch: u32) -> RpcResult<EpochBudget>;

	/// The block at which the schedule reaches the hard cap, or null.
	#[method(name = "capReachedAt")]
	fn cap_reached_at(&self) -> RpcResult<Option<u32>>;

	/// `account`'s stake, tier, boost, deposit age, claimable staker revenue
	/// and the penalty of unstaking everything now. `account` is an SS58
	/// address.
	#[method(name = "stakeInfo")]
	fn stake_info(&self, account: AccountId) -> RpcResult<StakeInfo>;

	/// The revenue pot, the open period and what is owed to miners.
	#[method(name = "revenuePot")]
	fn revenue_pot(&self) -> RpcResult<RevenuePot>;

	/// `account`'s miner revenue: claimable now, and its contribution in the
	/// open period.
	#[method(name = "pendingRevenue")]
	fn pending_revenue(&self, account: AccountId) -> RpcResult<PendingRevenue>;

	/// Whether `account` may use model `model_id` now (access bought with
	/// `RevenueSplit.burn_for_access`), and until when.
	#[method(name = "hasAccess")]
	fn has_access(&self, account: AccountId, model_id: u32) -> RpcResult<AccessInfo>;

	/// The last `periods` closed periods, newest first: income and where the
	/// pot went.
	#[method(name = "revenueHistory")]
	fn revenue_history(&self, periods: u32) -> RpcResult<Vec<PeriodRevenue>>;

	/// `account`'s compute-worker record, or null if it is not registered.
	#[method(name = "workerInfo")]
	fn worker_info(&self, account: AccountId) -> RpcResult<Option<WorkerInfo>>;

	/// `account`'s mining rewards: claimable now, accruing in the open epoch,
	/// and earned over 30 days and ever.
	#[method(name = "pendingRewards")]
	fn pending_rewards(&self, account: AccountId) -> RpcResult<PendingRewards>;

	/// Training job `job_id`, or null.
	#[method(name = "job")]
	fn job(&self, job_id: u32) -> RpcResult<Option<Job>>;

	/// Epoch `epoch`'s budget, Σ unadjusted rewards, difficulty and minted
	/// rewards; null for an epoch without rewards or fully claimed.
	#[method(name = "epochInfo")]
	fn epoch_info(&self, epoch: u32) -> RpcResult<Option<EpochInfo>>;

	/// The bytes of a delta or checkpoint this node stores, by blake2-256 hash, as 0x-hex;
	/// null if unknown. At most `gym_trainer::MAX_DELTA_BYTES` (4 MiB) bytes.
	#[method(name = "getDelta")]
	fn get_delta(&self, hash: sp_core::H256) -> RpcResult<Option<String>>;

	/// This miner's signed attestation report (hardware facts, class, benchmark, block-hash
	/// nonce, sr25519 signature by the worker key); null if it has none.
	#[method(name = "attestation")]
	fn attestation(&self) -> RpcResult<Option<crate::worker::SignedAttestation>>;
}

/// Implementation of [`GymApiServer`].
pub struct Gym<C> {
	client: Arc<C>,
	worker: Arc<crate::worker::Shared>,
}

impl<C> Gym<C> {
	/// A `gym_*` RPC handler answering from `client`, serving deltas and the attestation report
	/// of `worker`.
	pub fn new(client: Arc<C>, worker: Arc<crate::worker::Shared>) -> Self {
		Self { client, worker }
	}
}

/// JSON-RPC error code for bad parameters.
const INVALID_PARAMS: i32 = -32602;
/// JSON-RPC error code for a failed runtime call.
const RUNTIME_ERROR: i32 = -32000;

fn invalid_params(msg: impl Into<String>) -> ErrorObjectOwned {
	ErrorObject::owned(INVALID_PARAMS, msg.into(), None::<()>)
}

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, format!("runtime call failed: {e}"), None::<()>)
}

impl<C> GymApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: GymEmissionApi<Block>
		+ TieredStakingApi<Block, AccountId>
		+ RevenueSplitApi<Block, AccountId>
		+ ComputeMiningApi<Block, AccountId>,
{
	fn token_info(&self) -> RpcResult<TokenInfo> {
		Ok(TokenInfo {
			symbol: gym_primitives::TOKEN_SYMBOL.into(),
			decimals: gym_primitives::TOKEN_DECIMALS,
			ss58_format: gym_primitives::SS58_PREFIX,
			hard_cap: gym_primitives::HARD_CAP.to_string(),
			block_time_ms: gym_primitives::MILLISECS_PER_BLOCK,
		})
	}

	fn emission_schedule(
		&self,
		from_block: u32,
		to_block: u32,
		points: u32,
	) -> RpcResult<Vec<SchedulePoint>> {
		if from_block > to_block {
			return Err(invalid_params(format!(
				"from_block ({from_block}) is after to_block ({to_block})"
			)));
		}
		if points == 0 || points > MAX_SCHEDULE_POINTS {
			return Err(invalid_params(format!(
				"points must be between 1 and {MAX_SCHEDULE_POINTS}, got {points}"
			)));
		}
		let best = self.client.info().best_hash;
		let pts = self
			.client
			.runtime_api()
			.schedule_points(best, from_block, to_block, points)
			.map_err(runtime_error)?;
		Ok(pts
			.into_iter()
			.map(|p| SchedulePoint {
				block: p.block,
				per_block: p.per_block.to_string(),
				cumulative: p.cumulative.to_string(),
			})
			.collect())
	}

	fn total_minted(&self) -> RpcResult<Totals> {
		let best = self.client.info().best_hash;
		let t = self.client.runtime_api().totals(best).map_err(runtime_error)?;
		Ok(Totals {
			total_minted: t.minted.to_string(),
			total_burned: t.burned.to_string(),
			genesis: t.genesis.to_string(),
			remaining_under_cap: gym_primitives::HARD_CAP.saturating_sub(t.minted).to_string(),
		})
	}

	fn epoch_budget(&self, epoch: u32) -> RpcResult<EpochBudget> {
		let best = self.client.info().best_hash;
		let b = self.client.runtime_api().epoch_budget(best, epoch).map_err(runtime_error)?;
		Ok(EpochBudget {
			epoch: b.epoch,
			first_block: b.first_block,
			last_block: b.last_block,
			scheduled: b.scheduled.to_string(),
			minted: b.minted.to_string(),
			remaining: b.remaining.to_string(),
		})
	}

	fn cap_reached_at(&self) -> RpcResult<Option<u32>> {
		let best = self.client.info().best_hash;
		self.client.runtime_api().cap_reached_at(best).map_err(runtime_error)
	}

	fn stake_info(&self, account: AccountId) -> RpcResult<StakeInfo> {
		let best = self.client.info().best_hash;
		let i = self.client.runtime_api().stake_info(best, account).map_err(runtime_error)?;
		Ok(StakeInfo {
			stake: i.stake.to_string(),
			tier: i.tier.map(|t| format!("{t:?}")),
			boost_per_mille: i.boost_per_mille,
			boosted_stake: i.boosted_stake.to_string(),
			oldest_staked_at: i.oldest_staked_at,
			weighted_age_blocks: i.weighted_age_blocks,
			pending_rewards: i.pending_rewards.to_string(),
			penalty_if_unstaked_now: i.penalty_if_unstaked_now.to_string(),
			at_block: i.now,
		})
	}

	fn revenue_pot(&self) -> RpcResult<RevenuePot> {
		let best = self.client.info().best_hash;
		let p = self.client.runtime_api().revenue_pot(best).map_err(runtime_error)?;
		Ok(RevenuePot {
			period: p.period,
			period_end: p.period_end,
			pot: p.pot.to_string(),
			income: p.income.into(),
			owed_to_miners: p.owed_to_miners.to_string(),
			period_points: p.period_points.to_string(),
		})
	}

	fn pending_revenue(&self, account: AccountId) -> RpcResult<PendingRevenue> {
		let best = self.client.info().best_hash;
		let p = self.client.runtime_api().pending_revenue(best, account).map_err(runtime_error)?;
		Ok(PendingRevenue {
			claimable: p.claimable.to_string(),
			period_points: p.period_points.to_string(),
		})
	}

	fn has_access(&self, account: AccountId, model_id: u32) -> RpcResult<AccessInfo> {
		let best = self.client.info().best_hash;
		let a = self.client.runtime_api().access(best, account, model_id).map_err(runtime_error)?;
		Ok(AccessInfo { has_access: a.has_access, expires_at: a.expires_at })
	}

	fn revenue_history(&self, periods: u32) -> RpcResult<Vec<PeriodRevenue>> {
		let best = self.client.info().best_hash;
		let h = self.client.runtime_api().revenue_history(best, periods).map_err(runtime_error)?;
		Ok(h.into_iter().map(Into::into).collect())
	}

	fn worker_info(&self, account: AccountId) -> RpcResult<Option<WorkerInfo>> {
		let best = self.client.info().best_hash;
		let w = self.client.runtime_api().worker_info(best, account).map_err(runtime_error)?;
		Ok(w.map(|w| WorkerInfo {
			hardware_hash: hex32(w.hardware_hash),
			claimed_class: format!("{:?}", w.claimed_class),
			verified_class: w.verified_class.map(|c| format!("{c:?}")),
			attestation: hex32(w.attestation),
			endpoint: String::from_utf8_lossy(&w.endpoint).into_owned(),
			registered_at: w.registered_at,
			last_heartbeat_slot: w.last_heartbeat,
			downtime_slots: w.downtime.map(|d| (d.start, d.end)),
			assignment: w.assignment,
			waiting: w.waiting,
			priority: w.priority,
		}))
	}

	fn pending_rewards(&self, account: AccountId) -> RpcResult<PendingRewards> {
		let best = self.client.info().best_hash;
		let p = self.client.runtime_api().pending_rewards(best, account).map_err(runtime_error)?;
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

	fn job(&self, job_id: u32) -> RpcResult<Option<Job>> {
		use pallet_compute_mining_runtime_api::JobOrigin;
		let best = self.client.info().best_hash;
		let j = self.client.runtime_api().job(best, job_id).map_err(runtime_error)?;
		Ok(j.map(|j| {
			let (origin, creator) = match j.origin {
				JobOrigin::Governance => ("governance", None),
				JobOrigin::Orchestrator(who) => ("orchestrator", Some(who)),
				JobOrigin::Customer(who, _) => ("customer", Some(who)),
			};
			let p = j.spec.params;
			Job {
				origin: origin.into(),
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
			}
		}))
	}

	fn epoch_info(&self, epoch: u32) -> RpcResult<Option<EpochInfo>> {
		let best = self.client.info().best_hash;
		let e = self.client.runtime_api().epoch_info(best, epoch).map_err(runtime_error)?;
		Ok(e.map(|e| EpochInfo {
			budget: e.budget.map(|b| b.to_string()),
			unadjusted: e.unadjusted.to_string(),
			difficulty_micro: e.difficulty_micro(),
			workers: e.workers,
			unclaimed: e.unclaimed,
			minted: e.minted.to_string(),
		}))
	}

	fn get_delta(&self, hash: sp_core::H256) -> RpcResult<Option<String>> {
		let bytes = self.worker.store.get(&hash.0).map_err(|e| {
			ErrorObject::owned(RUNTIME_ERROR, format!("delta store: {e}"), None::<()>)
		})?;
		Ok(bytes.map(|b| format!("0x{}", hex::encode(b))))
	}

	fn attestation(&self) -> RpcResult<Option<crate::worker::SignedAttestation>> {
		Ok(self.worker.attestation())
	}
}

/// Builds the RPC module with every GYM-specific method.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ GymEmissionApi<Block>
		+ TieredStakingApi<Block, AccountId>
		+ RevenueSplitApi<Block, AccountId>
		+ ComputeMiningApi<Block, AccountId>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, worker } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Gym::new(client, worker).into_rpc())?;
	Ok(module)
}
