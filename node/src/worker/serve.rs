//! The inference provider (`gym-node --serve-models`): answers `gym_infer` with registered
//! models it can load, against signed cumulative receipts, and settles those receipts on chain.
//!
//! A call names a model, an input and a receipt: the customer's signature over
//! [`ReceiptPayload`] (this chain's genesis hash, this provider, the customer, the channel's
//! nonce and the cumulative amount owed). Before it runs the model the provider checks, at its
//! best block, that:
//!
//! 1. the model is registered, and, if it is premium, that the customer has access
//!    (`GymProductsApi::has_access`: its owner, a licence, a subscription or an access grant);
//! 2. the customer has an open channel with this provider, on the receipt's nonce, whose
//!    deposit covers the receipt;
//! 3. the receipt owes at least one more call's price (`--inference-price`) than the last
//!    one this provider accepted (or than the channel's settled total);
//! 4. the signature verifies, as the runtime verifies it (raw or polkadot.js-wrapped bytes).
//!
//! Calls are answered one at a time, so two calls cannot spend the same receipt. Only the newest
//! receipt per customer is kept (in memory and in `receipts.scale` in the worker's store), and
//! every `--settle-every` blocks, or at once for a channel whose customer asked for its deposit
//! back, the provider submits them with `GymProducts::settle_receipts` (at most 32 a
//! transaction), signed with the keystore's `gymp` key.
//!
//! Checkpoints come from the worker's store: a node that followed the model's job (an
//! orchestrator stores every aggregate it votes for) has it. The development chains' genesis
//! model is the dev-mining job's initial checkpoint, which any node rebuilds.

use super::{
	chain::{Chain, PROVIDER_KEY},
	error::WorkerError,
	Shared, LOG,
};
use crate::service::FullClient;
use codec::{Decode, Encode};
use gym_primitives::{products::ReceiptPayload, ModelId};
use gym_runtime::{AccountId, Balance, BlockNumber, Runtime, RuntimeCall};
use gym_trainer::{infer, Checkpoint, InferInput, InferOutput};
use pallet_gym_products_runtime_api::{GymProductsApi, ModelEntry};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{sr25519, H256};
use sp_keystore::{Keystore, KeystorePtr};
use sp_runtime::{traits::Verify, BoundedVec, MultiSignature};
use std::{
	collections::{BTreeMap, HashMap},
	sync::Arc,
};

/// At most this many models are kept loaded.
const MAX_LOADED_MODELS: usize = 8;
/// A settlement not included after this many blocks is submitted again.
const RESUBMIT_AFTER: BlockNumber = 10;
/// At most this many receipts per settlement (the runtime's `MaxReceiptsPerSettlement`).
const RECEIPTS_PER_SETTLEMENT: usize = 32;

/// Why a `gym_infer` call was refused. One line each; the RPC maps them to JSON-RPC errors.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
	/// The node has no `gymp` key to be paid with.
	#[error("this node has no provider key (gym-node key insert --key-type gymp)")]
	NoProviderKey,
	/// No registered model has this id.
	#[error("model {0} is not registered")]
	UnknownModel(ModelId),
	/// The model is registered but this node cannot load it.
	#[error("model {model} is not served by this node: {reason}")]
	NotServed {
		/// The model.
		model: ModelId,
		/// Why.
		reason: String,
	},
	/// The model is premium and the customer has no access to it.
	#[error("{customer} has no access to premium model {model}")]
	NoAccess {
		/// The customer.
		customer: AccountId,
		/// The model.
		model: ModelId,
	},
	/// The customer has no open channel with this provider.
	#[error("{0} has no open channel with this provider: deposit first")]
	NoChannel(AccountId),
	/// The customer asked for its deposit back: the channel takes no new call.
	#[error("{0} asked for its deposit back: this channel takes no new call")]
	Withdrawing(AccountId),
	/// The receipt names another nonce than the channel's.
	#[error("the receipt's nonce is {got}, the channel's is {expected}")]
	StaleNonce {
		/// The channel's nonce.
		expected: u32,
		/// The receipt's.
		got: u32,
	},
	/// The receipt owes more than the channel's deposit.
	#[error("the receipt owes {cumulative}, more than the deposit of {deposit}")]
	OverDeposit {
		/// The receipt's total.
		cumulative: Balance,
		/// The channel's deposit.
		deposit: Balance,
	},
	/// The receipt does not pay for this call.
	#[error("the receipt owes {cumulative}; this call needs at least {least}")]
	TooLittle {
		/// The receipt's total.
		cumulative: Balance,
		/// The least total that pays for this call.
		least: Balance,
	},
	/// The receipt's signature does not verify.
	#[error("the receipt's signature does not verify for {0}")]
	BadSignature(AccountId),
	/// A receipt field does not parse.
	#[error("bad receipt: {0}")]
	BadReceipt(String),
	/// The input does not suit the model.
	#[error("{0}")]
	BadInput(gym_trainer::TrainerError),
	/// The chain or the node failed.
	#[error("{0}")]
	Node(String),
}

impl From<sp_api::ApiError> for ServeError {
	fn from(e: sp_api::ApiError) -> Self {
		ServeError::Node(format!("runtime call: {e}"))
	}
}

/// A customer's receipt as `gym_infer` takes it.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InferReceipt {
	/// The customer (SS58).
	pub customer: AccountId,
	/// The channel's nonce.
	pub nonce: u32,
	/// Everything owed on the channel so far, in planck (a decimal string).
	pub cumulative: String,
	/// The signature, 0x-hex: 64 bytes of sr25519, or a SCALE `MultiSignature`.
	pub signature: String,
}

/// What `gym_infer` answers.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InferAnswer {
	/// The model called.
	pub model: ModelId,
	/// Its output.
	pub output: InferOutput,
	/// The receipt's total this answer was paid with, in planck.
	pub cumulative: String,
	/// The provider paid (SS58).
	pub provider: AccountId,
}

/// The newest receipt a customer signed on one channel.
#[derive(Clone, Debug, Encode, Decode)]
struct Accepted {
	nonce: u32,
	cumulative: Balance,
	signature: MultiSignature,
	/// The block a settlement of it was last submitted in.
	submitted: Option<BlockNumber>,
}

#[derive(Default)]
struct State {
	models: HashMap<ModelId, Arc<Checkpoint>>,
	receipts: BTreeMap<AccountId, Accepted>,
	registered: bool,
	/// The block this provider's registration was last submitted in.
	registering: Option<BlockNumber>,
}

/// The inference provider, shared by the RPC (`gym_infer`) and the worker task (settlement).
pub struct ModelServer {
	client: Arc<FullClient>,
	shared: Arc<Shared>,
	keystore: KeystorePtr,
	price: Balance,
	settle_every: BlockNumber,
	state: tokio::sync::Mutex<State>,
}

impl ModelServer {
	/// A provider charging `price` planck a call, settling every `settle_every` blocks, with the
	/// receipts saved in `shared`'s store.
	pub fn new(
		client: Arc<FullClient>,
		shared: Arc<Shared>,
		keystore: KeystorePtr,
		price: Balance,
		settle_every: BlockNumber,
	) -> Self {
		let receipts = shared
			.store
			.load_receipts()
			.and_then(|bytes| BTreeMap::<AccountId, Accepted>::decode(&mut &bytes[..]).ok())
			.unwrap_or_default();
		let state = State { receipts, ..Default::default() };
		ModelServer {
			client,
			shared,
			keystore,
			price,
			settle_every: settle_every.max(1),
			state: tokio::sync::Mutex::new(state),
		}
	}

	/// The provider's key: the keystore's first `gymp` key.
	fn key(&self) -> Option<sr25519::Public> {
		self.keystore.sr25519_public_keys(PROVIDER_KEY).into_iter().next()
	}

	/// Runs `model` on `input`, paid by `receipt` (see the module docs).
	pub async fn infer(
		&self,
		model: ModelId,
		input: InferInput,
		receipt: InferReceipt,
	) -> Result<InferAnswer, ServeError> {
		let provider = AccountId::from(self.key().ok_or(ServeError::NoProviderKey)?);
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		let entry = api.model(best, model)?.ok_or(ServeError::UnknownModel(model))?;
		let customer = receipt.customer.clone();
		if entry.premium && !api.has_access(best, customer.clone(), model)? {
			return Err(ServeError::NoAccess { customer, model });
		}
		let channel = api
			.channel(best, customer.clone(), provider.clone())?
			.ok_or_else(|| ServeError::NoChannel(customer.clone()))?;
		if channel.unlock_at.is_some() {
			return Err(ServeError::Withdrawing(customer));
		}
		if receipt.nonce != channel.nonce {
			return Err(ServeError::StaleNonce { expected: channel.nonce, got: receipt.nonce });
		}
		let cumulative: Balance = receipt
			.cumulative
			.parse()
			.map_err(|e| ServeError::BadReceipt(format!("cumulative: {e}")))?;
		if cumulative > channel.deposit {
			return Err(ServeError::OverDeposit { cumulative, deposit: channel.deposit });
		}
		let signature = parse_signature(&receipt.signature)?;
		let payload = ReceiptPayload {
			genesis_hash: api.genesis_hash(best)?,
			provider: provider.clone(),
			customer: customer.clone(),
			nonce: channel.nonce,
			cumulative,
		};
		if !signature.verify(&payload.signing_bytes()[..], &customer)
			&& !signature.verify(&payload.wrapped_signing_bytes()[..], &customer)
		{
			return Err(ServeError::BadSignature(customer));
		}
		// One call at a time from here: the receipt is checked against the last accepted one
		// and replaces it only once the answer is ready.
		let mut state = self.state.lock().await;
		let paid = state
			.receipts
			.get(&customer)
			.filter(|a| a.nonce == channel.nonce)
			.map_or(0, |a| a.cumulative)
			.max(channel.settled);
		let least = paid.saturating_add(self.price);
		if cumulative < least {
			return Err(ServeError::TooLittle { cumulative, least });
		}
		let checkpoint = self.load(&mut state, model, &entry)?;
		let output = tokio::task::spawn_blocking(move || infer(&checkpoint, &input))
			.await
			.map_err(|e| ServeError::Node(format!("inference task: {e}")))?
			.map_err(ServeError::BadInput)?;
		state.receipts.insert(
			customer,
			Accepted { nonce: channel.nonce, cumulative, signature, submitted: None },
		);
		self.save(&state);
		Ok(InferAnswer { model, output, cumulative: cumulative.to_string(), provider })
	}

	/// `model`'s checkpoint: loaded, from the store, or (a genesis model) rebuilt as the
	/// development chains' initial checkpoint.
	fn load(
		&self,
		state: &mut State,
		model: ModelId,
		entry: &ModelEntry<AccountId>,
	) -> Result<Arc<Checkpoint>, ServeError> {
		if let Some(found) = state.models.get(&model) {
			return Ok(found.clone());
		}
		let not_served = |reason: String| ServeError::NotServed { model, reason };
		let hash = entry.checkpoint.0;
		let stored = self
			.shared
			.store
			.get(&hash)
			.map_err(|e| not_served(format!("store: {e}")))?
			.map(|bytes| Checkpoint::from_bytes(entry.architecture, &bytes))
			.transpose()
			.map_err(|e| not_served(format!("stored checkpoint: {e}")))?;
		let checkpoint = match stored {
			Some(cp) => cp,
			None if entry.job.is_none() => gym_trainer::initial_checkpoint(
				entry.architecture,
				gym_runtime::genesis_config_presets::DEV_JOB_SEED,
			)
			.map_err(|e| not_served(e.to_string()))?,
			None => {
				return Err(not_served(format!(
					"checkpoint {:?} is not stored (this node did not follow job {:?})",
					entry.checkpoint, entry.job
				)))
			}
		};
		if checkpoint.hash() != hash {
			return Err(not_served(format!("no checkpoint hashing to {:?}", entry.checkpoint)));
		}
		if state.models.len() >= MAX_LOADED_MODELS {
			if let Some(evicted) = state.models.keys().next().copied() {
				state.models.remove(&evicted);
			}
		}
		let checkpoint = Arc::new(checkpoint);
		state.models.insert(model, checkpoint.clone());
		log::info!(target: LOG, "serving model {model} (checkpoint {:?})", entry.checkpoint);
		Ok(checkpoint)
	}

	fn save(&self, state: &State) {
		if let Err(e) = self.shared.store.save_receipts(&state.receipts.encode()) {
			log::warn!(target: LOG, "receipts not saved: {e}");
		}
	}

	/// The provider's step at each new best block `number`: registers the provider once, and
	/// settles the receipts that are due (every `settle_every` blocks, or at once for a channel
	/// whose customer asked for its deposit back).
	pub(crate) async fn on_block(
		&self,
		chain: &Chain,
		at: H256,
		number: BlockNumber,
		endpoint: &str,
	) -> Result<(), WorkerError> {
		let Some(public) = self.key() else {
			return Ok(());
		};
		let provider = AccountId::from(public);
		let mut state = self.state.lock().await;
		if !state.registered {
			if chain.provider_registered(at, &provider)? {
				state.registered = true;
			} else if state.registering.is_none_or(|s| number.saturating_sub(s) >= RESUBMIT_AFTER) {
				let call = RuntimeCall::GymProducts(pallet_gym_products::Call::register_provider {
					price_per_call: self.price,
					endpoint: endpoint.as_bytes().to_vec(),
				});
				state.registering = Some(number);
				chain.submit(PROVIDER_KEY, &public, call).await?;
				log::info!(target: LOG, "registering as inference provider {provider}");
			}
		}
		let api = self.client.runtime_api();
		let due = number.is_multiple_of(self.settle_every);
		// Each customer's channel now; a receipt whose channel closed or was settled is dropped.
		let mut channels = Vec::new();
		let mut closed = Vec::new();
		// A channel closed under a pending settlement made that whole batch fail: the others
		// are submitted again at once.
		let mut failed = false;
		for (customer, accepted) in state.receipts.iter() {
			let channel = api.channel(at, customer.clone(), provider.clone())?;
			match channel.filter(|c| c.nonce == accepted.nonce) {
				Some(c) if accepted.cumulative > c.settled => channels.push((customer.clone(), c)),
				Some(_) => closed.push(customer.clone()),
				None => {
					failed |= accepted.submitted.is_some();
					closed.push(customer.clone());
				}
			}
		}
		for customer in closed {
			state.receipts.remove(&customer);
		}
		let mut batch = Vec::new();
		for (customer, channel) in channels {
			let Some(accepted) = state.receipts.get_mut(&customer) else { continue };
			if failed {
				accepted.submitted = None;
			}
			if accepted.cumulative > channel.deposit {
				// Accepted against a deposit a reorg took away: it would make its batch fail.
				log::warn!(
					target: LOG,
					"{customer}'s receipt of {} exceeds its deposit of {}: held",
					accepted.cumulative,
					channel.deposit
				);
				continue;
			}
			let pending =
				accepted.submitted.is_some_and(|s| number.saturating_sub(s) < RESUBMIT_AFTER);
			if !pending && (due || failed || channel.unlock_at.is_some()) {
				batch.push(customer);
			}
		}
		for chunk in batch.chunks(RECEIPTS_PER_SETTLEMENT) {
			let receipts: Vec<_> = chunk
				.iter()
				.filter_map(|customer| {
					let a = state.receipts.get(customer)?;
					Some(pallet_gym_products::SignedReceipt {
						customer: customer.clone(),
						nonce: a.nonce,
						cumulative: a.cumulative,
						signature: a.signature.clone(),
					})
				})
				.collect();
			let call =
				RuntimeCall::GymProducts(pallet_gym_products::Call::<Runtime>::settle_receipts {
					receipts: BoundedVec::truncate_from(receipts),
				});
			chain.submit(PROVIDER_KEY, &public, call).await?;
			for customer in chunk {
				if let Some(a) = state.receipts.get_mut(customer) {
					a.submitted = Some(number);
				}
			}
			log::info!(target: LOG, "settling the receipts of {} customer(s)", chunk.len());
		}
		self.save(&state);
		Ok(())
	}
}

/// A receipt signature from 0x-hex: 64 bytes are sr25519, anything else a SCALE
/// `MultiSignature` (its variant byte first).
fn parse_signature(hex: &str) -> Result<MultiSignature, ServeError> {
	let bytes =
		super::from_hex(hex).map_err(|e| ServeError::BadReceipt(format!("signature: {e}")))?;
	if let Ok(raw) = <[u8; 64]>::try_from(bytes.as_slice()) {
		return Ok(MultiSignature::Sr25519(sr25519::Signature::from_raw(raw)));
	}
	MultiSignature::decode(&mut &bytes[..])
		.map_err(|e| ServeError::BadReceipt(format!("signature: {e}")))
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	#[test]
	fn a_receipt_signature_is_read_raw_or_as_a_multisignature() {
		let pair = sr25519::Pair::from_string("//Charlie", None).unwrap();
		let payload = ReceiptPayload {
			genesis_hash: [1; 32],
			provider: AccountId::new([2; 32]),
			customer: AccountId::from(pair.public()),
			nonce: 0,
			cumulative: 10,
		};
		let signature = pair.sign(&payload.signing_bytes());
		let raw = super::super::to_hex(&signature.0);
		let multi = super::super::to_hex(&MultiSignature::Sr25519(signature).encode());
		for hex in [raw, multi] {
			let parsed = parse_signature(&hex).unwrap();
			assert!(parsed.verify(&payload.signing_bytes()[..], &payload.customer));
			let mut other = payload.clone();
			other.cumulative = 11;
			assert!(!parsed.verify(&other.signing_bytes()[..], &payload.customer));
		}
		assert!(matches!(parse_signature("0x1234"), Err(ServeError::BadReceipt(_))));
		assert!(matches!(parse_signature("zz"), Err(ServeError::BadReceipt(_))));
	}
}
