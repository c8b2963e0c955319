//! What the worker reads from the chain (runtime APIs, storage, a block's events) and how it
//! writes to it: signed `ComputeMining` extrinsics built in the node, signed with a key from the
//! node's keystore and submitted to the node's own transaction pool.

use crate::service::FullClient;
use codec::{Decode, Encode};
use gym_runtime::{
	opaque::Block, AccountId, Balance, BlockNumber, Nonce, Runtime, RuntimeCall, RuntimeEvent,
	UncheckedExtrinsic,
};
use pallet_compute_mining_runtime_api::{
	ComputeMiningApi, JobId, JobInfo, MiningParameters, PendingRewards, WorkerInfo,
};
use pallet_gym_stability_runtime_api::GymStabilityApi;
use pallet_tiered_staking_runtime_api::{StakeInfo, TieredStakingApi};
use sc_client_api::StorageProvider;
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::KeyTypeId, sr25519, storage::StorageKey, H256};
use sp_keystore::{Keystore, KeystorePtr};
use sp_runtime::{
	generic::{Era, Preamble},
	MultiAddress, OpaqueExtrinsic,
};
use std::{collections::HashMap, sync::Arc};
use substrate_frame_rpc_system::AccountNonceApi;

use super::error::WorkerError;

/// Key type of a miner's key in the node keystore (`gym-node key insert --key-type gymm`).
pub const MINER_KEY: KeyTypeId = KeyTypeId(*b"gymm");
/// Key type of an orchestrator's key in the node keystore (`--key-type gymo`).
pub const ORCHESTRATOR_KEY: KeyTypeId = KeyTypeId(*b"gymo");
/// Key type of an inference provider's key in the node keystore (`--key-type gymp`): the
/// account `gym-node --serve-models` is paid to.
pub const PROVIDER_KEY: KeyTypeId = KeyTypeId(*b"gymp");

/// Blocks a worker transaction stays valid for (its mortal era).
const TX_MORTALITY: u64 = 64;
/// Blocks after which a nonce tracked locally but not reached on chain is given up (the
/// transactions that used it were dropped).
const NONCE_RESET_BLOCKS: BlockNumber = 20;

/// The node's transaction pool.
pub type Pool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// An event as `System::Events` stores it.
pub type EventRecord = frame_system::EventRecord<RuntimeEvent, H256>;

/// A worker's delta record in `ComputeMining::Deltas`.
pub type DeltaRecordOf = pallet_compute_mining::DeltaRecordOf<Runtime>;

/// A job's round committee in `ComputeMining::RoundCommittees`.
pub type RoundCommitteeOf = pallet_compute_mining::RoundCommittee<
	AccountId,
	<Runtime as pallet_compute_mining::Config>::MaxValidations,
>;

/// A dispute of a delta's judgement in `ComputeMining::Disputes`.
pub type DisputeOf = pallet_compute_mining::Dispute<
	AccountId,
	<Runtime as pallet_compute_mining::Config>::MaxOrchestrators,
>;

/// A check of a worker's GPU class in `ComputeMining::HardwareChecks`.
pub type HardwareCheckOf = pallet_compute_mining::HardwareCheck<
	AccountId,
	<Runtime as pallet_compute_mining::Config>::MaxOrchestrators,
>;

/// The account of an sr25519 key.
pub fn account_of(public: &sr25519::Public) -> AccountId {
	AccountId::from(*public)
}

/// The chain as the worker sees it: the client, the transaction pool and the keystore.
pub struct Chain {
	client: Arc<FullClient>,
	pool: Arc<Pool>,
	keystore: KeystorePtr,
	/// Per account: the next nonce to use and the block it was last raised at.
	nonces: std::sync::Mutex<HashMap<AccountId, (Nonce, BlockNumber)>>,
	/// The storage key of `System::Events` ([`events_key`]).
	events_key: Option<Vec<u8>>,
}

impl Chain {
	/// The chain of `client`, submitting to `pool` and signing with `keystore`.
	pub fn new(client: Arc<FullClient>, pool: Arc<Pool>, keystore: KeystorePtr) -> Self {
		Chain { client, pool, keystore, nonces: Default::default(), events_key: events_key() }
	}

	/// The client.
	pub fn client(&self) -> &Arc<FullClient> {
		&self.client
	}

	/// The first sr25519 key of `key_type` in the keystore.
	pub fn key(&self, key_type: KeyTypeId) -> Option<sr25519::Public> {
		self.keystore.sr25519_public_keys(key_type).into_iter().next()
	}

	/// Signs `message` with the keystore's `public` key of `key_type`.
	pub fn sign(
		&self,
		key_type: KeyTypeId,
		public: &sr25519::Public,
		message: &[u8],
	) -> Result<sr25519::Signature, WorkerError> {
		self.keystore
			.sr25519_sign(key_type, public, message)
			.map_err(|e| WorkerError::Keystore(e.to_string()))?
			.ok_or(WorkerError::MissingKey { key_type, public: *public })
	}

	/// The best block: (hash, number).
	pub fn best(&self) -> (H256, BlockNumber) {
		let info = self.client.info();
		(info.best_hash, info.best_number)
	}

	/// The parent of block `hash`.
	pub fn parent(&self, hash: H256) -> Result<H256, WorkerError> {
		self.client.header(hash)?.map(|h| h.parent_hash).ok_or(WorkerError::UnknownBlock(hash))
	}

	/// The version of the runtime at block `at`.
	fn runtime_version(&self, at: H256) -> Result<sc_executor::RuntimeVersion, WorkerError> {
		Ok(self.client.runtime_version_at(at, sp_api::CallContext::Offchain)?)
	}

	/// The mining parameters of the runtime at block `at` (`ComputeMiningApi::parameters`):
	/// the quality cap and tolerance the chain judges with, the heartbeat slot. Read from the
	/// live runtime, so a runtime upgrade that changes them is followed.
	pub fn mining_parameters(&self, at: H256) -> Result<MiningParameters, WorkerError> {
		Ok(self.client.runtime_api().parameters(at)?)
	}

	/// What a verified GPU of `class` drawing `watts` earns and costs per epoch at block `at`
	/// (`GymStabilityApi::miner_economics`, as `gym_minerEconomics` serves it).
	pub fn miner_economics(
		&self,
		at: H256,
		class: gym_primitives::mining::GpuClass,
		watts: u32,
	) -> Result<gym_primitives::prices::MinerEconomics, WorkerError> {
		Ok(self.client.runtime_api().miner_economics(at, class, watts)?)
	}

	/// `who`'s worker record at block `at`.
	pub fn worker_info(
		&self,
		at: H256,
		who: &AccountId,
	) -> Result<Option<WorkerInfo>, WorkerError> {
		Ok(self.client.runtime_api().worker_info(at, who.clone())?)
	}

	/// Job `job` at block `at`.
	pub fn job(&self, at: H256, job: JobId) -> Result<Option<JobInfo<AccountId>>, WorkerError> {
		Ok(self.client.runtime_api().job(at, job)?)
	}

	/// `who`'s mining rewards at block `at`.
	pub fn pending_rewards(
		&self,
		at: H256,
		who: &AccountId,
	) -> Result<PendingRewards, WorkerError> {
		Ok(self.client.runtime_api().pending_rewards(at, who.clone())?)
	}

	/// `who`'s stake at block `at`.
	pub fn stake_info(&self, at: H256, who: &AccountId) -> Result<StakeInfo, WorkerError> {
		Ok(self.client.runtime_api().stake_info(at, who.clone())?)
	}

	/// `who`'s latest delta record for `job` at block `at` (`ComputeMining::Deltas`).
	pub fn delta_record(
		&self,
		at: H256,
		job: JobId,
		who: &AccountId,
	) -> Result<Option<DeltaRecordOf>, WorkerError> {
		let key = pallet_compute_mining::Deltas::<Runtime>::hashed_key_for(job, who);
		self.decode_storage(at, key, "ComputeMining::Deltas")
	}

	/// The open dispute of `worker`'s delta for `job` at block `at` (`ComputeMining::Disputes`).
	pub fn dispute(
		&self,
		at: H256,
		job: JobId,
		worker: &AccountId,
	) -> Result<Option<DisputeOf>, WorkerError> {
		let key = pallet_compute_mining::Disputes::<Runtime>::hashed_key_for(job, worker);
		self.decode_storage(at, key, "ComputeMining::Disputes")
	}

	/// The open check of `worker`'s GPU class at block `at` (`ComputeMining::HardwareChecks`).
	pub fn hardware_check(
		&self,
		at: H256,
		worker: &AccountId,
	) -> Result<Option<HardwareCheckOf>, WorkerError> {
		let key = pallet_compute_mining::HardwareChecks::<Runtime>::hashed_key_for(worker);
		self.decode_storage(at, key, "ComputeMining::HardwareChecks")
	}

	/// Whether `who` is suspended at block `at` (it lost a dispute): it cannot dispute, is not
	/// drawn and votes in no new dispute (`ComputeMining::Suspended`).
	pub fn is_suspended(&self, at: H256, who: &AccountId) -> Result<bool, WorkerError> {
		let key = pallet_compute_mining::Suspended::<Runtime>::hashed_key_for(who);
		let until: Option<BlockNumber> =
			self.decode_storage(at, key, "ComputeMining::Suspended")?;
		let number = self.client.number(at)?.ok_or(WorkerError::UnknownBlock(at))?;
		// A call in the block after `at` sees the suspension if it lasts past that block.
		Ok(until.is_some_and(|until| number.saturating_add(1) < until))
	}

	/// The orchestrator set at block `at` (`ComputeMining::Orchestrators`): each member with
	/// the stake it joined with.
	pub fn orchestrators(&self, at: H256) -> Result<Vec<(AccountId, Balance)>, WorkerError> {
		let key = pallet_compute_mining::Orchestrators::<Runtime>::hashed_key().to_vec();
		Ok(self.decode_storage(at, key, "ComputeMining::Orchestrators")?.unwrap_or_default())
	}

	/// `job`'s round committee at block `at` (`ComputeMining::RoundCommittees`).
	pub fn round_committee(
		&self,
		at: H256,
		job: JobId,
	) -> Result<Option<RoundCommitteeOf>, WorkerError> {
		let key = pallet_compute_mining::RoundCommittees::<Runtime>::hashed_key_for(job);
		self.decode_storage(at, key, "ComputeMining::RoundCommittees")
	}

	/// Whether `who` is a registered inference provider at block `at` (`GymProducts::Providers`).
	pub fn provider_registered(&self, at: H256, who: &AccountId) -> Result<bool, WorkerError> {
		let key = pallet_gym_products::Providers::<Runtime>::hashed_key_for(who);
		Ok(self.client.storage(at, &StorageKey(key))?.is_some())
	}

	/// The signer of each extrinsic of block `at`, by index: `None` for an unsigned one.
	pub fn extrinsic_signers(&self, at: H256) -> Result<Vec<Option<AccountId>>, WorkerError> {
		let body = self.client.body(at)?.ok_or(WorkerError::UnknownBlock(at))?;
		body.iter()
			.map(|opaque| {
				// An opaque extrinsic encodes as the runtime's, length prefix included.
				let xt = UncheckedExtrinsic::decode(&mut &opaque.encode()[..])
					.map_err(|e| WorkerError::runtime_data("a block's extrinsic", e))?;
				Ok(match xt.preamble {
					Preamble::Signed(MultiAddress::Id(who), ..) => Some(who),
					_ => None,
				})
			})
			.collect()
	}

	/// The events of block `at` (`System::Events`).
	pub fn events(&self, at: H256) -> Result<Vec<EventRecord>, WorkerError> {
		let key = self.events_key.clone().ok_or_else(|| {
			WorkerError::runtime_data("System::Events", "frame-system has no Events storage")
		})?;
		Ok(self.decode_storage(at, key, "System::Events")?.unwrap_or_default())
	}

	/// The value at `key` of block `at`'s state, decoded as `what`.
	fn decode_storage<T: Decode>(
		&self,
		at: H256,
		key: Vec<u8>,
		what: &str,
	) -> Result<Option<T>, WorkerError> {
		let Some(data) = self.client.storage(at, &StorageKey(key))? else {
			return Ok(None);
		};
		T::decode(&mut &data.0[..]).map(Some).map_err(|e| WorkerError::runtime_data(what, e))
	}

	/// Signs `call` with the keystore's `public` key of `key_type` and submits it to the pool at
	/// the best block. The nonce is the account's on-chain nonce or, when this node has already
	/// sent transactions not yet included, the next one after them.
	pub async fn submit(
		&self,
		key_type: KeyTypeId,
		public: &sr25519::Public,
		call: RuntimeCall,
	) -> Result<(), WorkerError> {
		let info = self.client.info();
		let (best_hash, best_number, genesis) =
			(info.best_hash, info.best_number, info.genesis_hash);
		// The era starts at the finalized block while it is recent: the pool validates a
		// transaction in the view of every block it follows, and a view of a block older than
		// the best one does not know the best one's hash (`AncientBirthBlock`).
		let (birth_hash, birth_number) =
			if u64::from(best_number.saturating_sub(info.finalized_number)) < TX_MORTALITY / 2 {
				(info.finalized_hash, info.finalized_number)
			} else {
				(best_hash, best_number)
			};
		let account = account_of(public);
		let on_chain = self.client.runtime_api().account_nonce(best_hash, account.clone())?;
		let nonce = self.next_nonce(&account, on_chain, best_number);

		// The runtime version of the best block, not the one compiled into this node: they
		// differ after a runtime upgrade.
		let version = self.runtime_version(best_hash)?;
		let era = Era::mortal(TX_MORTALITY, u64::from(birth_number));
		let payload =
			gym_runtime::signed_payload(call, nonce, era, 0, birth_hash, genesis, &version);
		let signature = payload.using_encoded(|bytes| self.sign(key_type, public, bytes))?;
		let (call, tx_ext, _) = payload.deconstruct();
		let xt =
			UncheckedExtrinsic::new_signed(call, account.clone().into(), signature.into(), tx_ext);
		let opaque = OpaqueExtrinsic::try_from_encoded_extrinsic(&xt.encode())
			.map_err(|e| WorkerError::runtime_data("our own extrinsic", e))?;
		if let Err(e) = self.pool.submit_one(best_hash, TransactionSource::Local, opaque).await {
			// Start again from the on-chain nonce next time.
			self.nonces.lock().map(|mut n| n.remove(&account)).ok();
			return Err(WorkerError::PoolRefused(e.to_string()));
		}
		Ok(())
	}

	/// The nonce to use now, and the one after it remembered.
	fn next_nonce(&self, account: &AccountId, on_chain: Nonce, now: BlockNumber) -> Nonce {
		let Ok(mut nonces) = self.nonces.lock() else { return on_chain };
		let entry = nonces.entry(account.clone()).or_insert((on_chain, now));
		let stale = entry.0 > on_chain && now.saturating_sub(entry.1) > NONCE_RESET_BLOCKS;
		if entry.0 < on_chain || stale {
			*entry = (on_chain, now);
		}
		let nonce = entry.0;
		*entry = (nonce.saturating_add(1), now);
		nonce
	}
}

/// The storage key of `System::Events`. frame-system keeps that item private (`pub(super)`), so
/// there is no `Events::<Runtime>::hashed_key()` to call; the key comes from the pallet's own
/// storage info instead, which FRAME derives from the same definition.
fn events_key() -> Option<Vec<u8>> {
	use frame_support::traits::StorageInfoTrait;
	frame_system::Pallet::<Runtime>::storage_info()
		.into_iter()
		.find(|info| info.storage_name == b"Events")
		.map(|info| info.prefix)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn events_key_is_system_events() {
		// What FRAME's storage_prefix gives for the pallet `System` and the item `Events`.
		let expected =
			[sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Events")].concat();
		assert_eq!(events_key(), Some(expected));
	}
}
