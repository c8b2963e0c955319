//! JSON-RPC of `gym-node`: the standard `system_*`, `chain_*`, `state_*`,
//! `author_*` methods come from `sc-rpc`; this module adds
//! `system_accountNextIndex`, `payment_*`, BABE's `babe_epochAuthorship` and
//! GYM's own `gym_*` namespace, one module per pallet:
//!
//! - [`emission`] serves `gym_tokenInfo`, `gym_emissionSchedule`,
//!   `gym_totalMinted`, `gym_epochBudget` and `gym_capReachedAt`;
//! - [`staking`] serves `gym_stakeInfo`;
//! - [`governance`] serves `gym_votingPower`;
//! - [`liquidity`] serves `gym_pools`, `gym_farms` and `gym_lpPosition`;
//! - [`stability`] serves `gym_minerEconomics`, `gym_prices`,
//!   `gym_transferTax`, `gym_fineTuningPrice` and `gym_buybacks`;
//! - [`revenue`] serves `gym_revenuePot`, `gym_pendingRevenue` and
//!   `gym_revenueHistory`;
//! - [`products`] serves `gym_model`, `gym_models`, `gym_hasAccess`,
//!   `gym_channel`, `gym_subscription`, `gym_zooMintPrice`,
//!   `gym_receiptPayload`, and, on a node started with `--serve-models`,
//!   `gym_infer`;
//! - [`mining`] serves `gym_workerInfo`, `gym_pendingRewards`, `gym_job`,
//!   `gym_epochInfo`, `gym_lossCurve`, and the worker's `gym_getDelta` and
//!   `gym_attestation`.
//!
//! `gym_*` methods take and return JSON; amounts are decimal strings in planck
//! (1 GYM = 10^18 planck) and enums their variant names. Every query of chain
//! state takes an optional block hash as its last parameter, as Substrate's own
//! RPCs do, and answers at the best block without one.
//!
//! `babe_epochAuthorship` lists, for each BABE key of this node's keystore, the
//! slots of the current epoch it may author (primary, secondary, secondary VRF).
//! It is an unsafe method: served on localhost by default, or everywhere with
//! `--rpc-methods unsafe`.

pub mod emission;
pub mod governance;
pub mod liquidity;
pub mod mining;
pub mod products;
pub mod revenue;
pub mod stability;
pub mod staking;

use std::sync::Arc;

use gym_runtime::{opaque::Block, AccountId, Balance, Hash, Nonce};
use jsonrpsee::{
	core::RpcResult,
	types::{error::ErrorObjectOwned, ErrorObject},
	RpcModule,
};
use pallet_compute_mining_runtime_api::ComputeMiningApi;
use pallet_gym_emission_runtime_api::GymEmissionApi;
use pallet_gym_governance_runtime_api::GovernanceApi;
use pallet_gym_liquidity_runtime_api::GymLiquidityApi;
use pallet_gym_products_runtime_api::GymProductsApi;
use pallet_gym_stability_runtime_api::GymStabilityApi;
use pallet_revenue_split_runtime_api::RevenueSplitApi;
use pallet_tiered_staking_runtime_api::TieredStakingApi;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_consensus::SelectChain;
use sp_consensus_babe::BabeApi;
use sp_keystore::KeystorePtr;

/// What `babe_epochAuthorship` needs.
pub struct BabeDeps {
	/// The handle that asks BABE's worker for epoch data.
	pub worker_handle: sc_consensus_babe::BabeWorkerHandle<Block>,
	/// The keystore whose BABE keys the slots are claimed with.
	pub keystore: KeystorePtr,
}

/// Dependencies of the full node's RPC.
pub struct FullDeps<C, P, SC> {
	/// The compute-mining worker's store and attestation report (`gym_getDelta`,
	/// `gym_attestation`).
	pub worker: Arc<crate::worker::Shared>,
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The fork choice, whose best block `babe_epochAuthorship` answers at.
	pub select_chain: SC,
	/// BABE's worker handle and the keystore.
	pub babe: BabeDeps,
	/// The inference provider (`gym_infer`), with `--serve-models`.
	pub models: Option<Arc<crate::worker::serve::ModelServer>>,
}

/// The handler of the `gym_*` queries of chain state: each pallet's module implements its
/// trait for it.
pub struct Gym<C> {
	client: Arc<C>,
}

impl<C> Gym<C> {
	/// A handler answering from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

/// JSON-RPC error code for bad parameters.
const INVALID_PARAMS: i32 = -32602;
/// JSON-RPC error code for a failed runtime call.
const RUNTIME_ERROR: i32 = -32000;

/// An error for bad parameters.
pub(crate) fn invalid_params(msg: impl Into<String>) -> ErrorObjectOwned {
	ErrorObject::owned(INVALID_PARAMS, msg.into(), None::<()>)
}

/// An error for a runtime call that failed.
pub(crate) fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, format!("runtime call failed: {e}"), None::<()>)
}

/// An error of the node itself (its worker store).
pub(crate) fn node_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, e.to_string(), None::<()>)
}

/// Calls the runtime API `call` at block `at` (the best block without one); a failure is a
/// [`runtime_error`].
pub(crate) fn query<C, R>(
	client: &C,
	at: Option<Hash>,
	call: impl FnOnce(&C::Api, Hash) -> Result<R, sp_api::ApiError>,
) -> RpcResult<R>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
{
	let at = at.unwrap_or_else(|| client.info().best_hash);
	call(&client.runtime_api(), at).map_err(runtime_error)
}

/// A hash as 0x-hex.
pub(crate) fn hex32(h: Hash) -> String {
	format!("{h:?}")
}

/// Builds the RPC module with every GYM-specific method.
pub fn create_full<C, P, SC>(
	deps: FullDeps<C, P, SC>,
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
		+ GovernanceApi<Block, AccountId>
		+ GymLiquidityApi<Block, AccountId>
		+ GymStabilityApi<Block, AccountId>
		+ GymProductsApi<Block, AccountId>
		+ BabeApi<Block>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
	SC: SelectChain<Block> + 'static,
{
	use emission::EmissionApiServer;
	use governance::GovernanceApiServer;
	use liquidity::LiquidityApiServer;
	use mining::{MiningApiServer, MiningWorker, MiningWorkerApiServer};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use products::{Inference, InferenceApiServer, ProductsApiServer};
	use revenue::RevenueApiServer;
	use sc_consensus_babe_rpc::{Babe, BabeApiServer};
	use stability::StabilityApiServer;
	use staking::StakingApiServer;
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, select_chain, babe, worker, models } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(
		Babe::new(client.clone(), babe.worker_handle, babe.keystore, select_chain).into_rpc(),
	)?;
	module.merge(EmissionApiServer::into_rpc(Gym::new(client.clone())))?;
	module.merge(StakingApiServer::into_rpc(Gym::new(client.clone())))?;
	module.merge(GovernanceApiServer::into_rpc(Gym::new(client.clone())))?;
	module.merge(RevenueApiServer::into_rpc(Gym::new(client.clone())))?;
	module.merge(LiquidityApiServer::into_rpc(Gym::new(client.clone())))?;
	module.merge(StabilityApiServer::into_rpc(Gym::new(client.clone())))?;
	module.merge(ProductsApiServer::into_rpc(Gym::new(client.clone())))?;
	module.merge(Inference::new(models).into_rpc())?;
	module.merge(MiningApiServer::into_rpc(Gym::new(client)))?;
	module.merge(MiningWorker::new(worker).into_rpc())?;
	Ok(module)
}
