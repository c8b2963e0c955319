//! `gym_*` methods of the revenue products (`pallet-gym-products`): the model registry, access
//! to premium models, payment channels, subscriptions, the Zoo's price, the bytes of a receipt,
//! and, on a node started with `--serve-models`, `gym_infer`.

use super::{node_error, query, Gym};
use crate::worker::serve::{InferAnswer, InferReceipt, ModelServer, ServeError};
use gym_primitives::ModelId;
use gym_runtime::{opaque::Block, AccountId, Balance, Hash};
use gym_trainer::InferInput;
use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
	types::{error::ErrorObjectOwned, ErrorObject},
};
use pallet_gym_products_runtime_api::{GymProductsApi, ModelEntry};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use std::sync::Arc;

/// A registered model (`gym_model`, `gym_models`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
	/// Its id (65,536 and up).
	pub id: ModelId,
	/// The registry's entry: job (null for a genesis model), architecture, checkpoint hash,
	/// last round, its losses in millionths, owner, premium, block of registration.
	#[serde(flatten)]
	pub entry: ModelEntry<AccountId>,
}

/// An account's access to a model (`gym_hasAccess`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessInfo {
	/// Whether the account may call the model now.
	pub has_access: bool,
	/// The first block without access; null without access, or with access for good (a model
	/// that is not premium, or the account's own).
	pub expires_at: Option<u32>,
}

/// A customer's payment channel with a provider (`gym_channel`), amounts in planck.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelInfo {
	/// The channel's nonce: receipts must name it.
	pub nonce: u32,
	/// Everything deposited on it.
	pub deposit: String,
	/// The newest settled receipt's total.
	pub settled: String,
	/// Deposited and not settled.
	pub unsettled: String,
	/// The block from which the customer may withdraw, once it asked to.
	pub unlock_at: Option<u32>,
}

/// The products methods of the `gym_*` namespace that read chain state.
#[rpc(server, namespace = "gym")]
pub trait ProductsApi {
	/// The registered model `model_id`, or null.
	#[method(name = "model")]
	fn model(&self, model_id: ModelId, at: Option<Hash>) -> RpcResult<Option<ModelInfo>>;

	/// Up to `count` registered models (at most 100) from id `from` on, in id order.
	#[method(name = "models")]
	fn models(&self, from: ModelId, count: u32, at: Option<Hash>) -> RpcResult<Vec<ModelInfo>>;

	/// Whether `account` may call model `model_id` now (it is not premium; or the account owns
	/// it, holds a licence, a subscription, or access bought with `burn_for_access`), and
	/// until when.
	#[method(name = "hasAccess")]
	fn has_access(
		&self,
		account: AccountId,
		model_id: ModelId,
		at: Option<Hash>,
	) -> RpcResult<AccessInfo>;

	/// `customer`'s open payment channel with `provider`, or null.
	#[method(name = "channel")]
	fn channel(
		&self,
		customer: AccountId,
		provider: AccountId,
		at: Option<Hash>,
	) -> RpcResult<Option<ChannelInfo>>;

	/// The first block after `account`'s live subscription, or null.
	#[method(name = "subscription")]
	fn subscription(&self, account: AccountId, at: Option<Hash>) -> RpcResult<Option<u32>>;

	/// What a Zoo mint costs `account` now, its staking tier's discount applied, in planck ("0":
	/// the Zoo is closed).
	#[method(name = "zooMintPrice")]
	fn zoo_mint_price(&self, account: AccountId, at: Option<Hash>) -> RpcResult<String>;

	/// The bytes `customer` signs (0x-hex) for a receipt owing `cumulative` planck in total on
	/// its open channel with `provider`, or null without one.
	#[method(name = "receiptPayload")]
	fn receipt_payload(
		&self,
		customer: AccountId,
		provider: AccountId,
		cumulative: String,
		at: Option<Hash>,
	) -> RpcResult<Option<String>>;
}

impl<C> ProductsApiServer for Gym<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: GymProductsApi<Block, AccountId>,
{
	fn model(&self, model_id: ModelId, at: Option<Hash>) -> RpcResult<Option<ModelInfo>> {
		let entry = query(&*self.client, at, |api, at| api.model(at, model_id))?;
		Ok(entry.map(|entry| ModelInfo { id: model_id, entry }))
	}

	fn models(&self, from: ModelId, count: u32, at: Option<Hash>) -> RpcResult<Vec<ModelInfo>> {
		let models = query(&*self.client, at, |api, at| api.models(at, from, count))?;
		Ok(models.into_iter().map(|(id, entry)| ModelInfo { id, entry }).collect())
	}

	fn has_access(
		&self,
		account: AccountId,
		model_id: ModelId,
		at: Option<Hash>,
	) -> RpcResult<AccessInfo> {
		let expiry = query(&*self.client, at, |api, at| api.access_expiry(at, account, model_id))?;
		Ok(AccessInfo {
			has_access: expiry.is_some(),
			expires_at: expiry.filter(|e| *e != u32::MAX),
		})
	}

	fn channel(
		&self,
		customer: AccountId,
		provider: AccountId,
		at: Option<Hash>,
	) -> RpcResult<Option<ChannelInfo>> {
		let channel = query(&*self.client, at, |api, at| api.channel(at, customer, provider))?;
		Ok(channel.map(|c| ChannelInfo {
			nonce: c.nonce,
			deposit: c.deposit.to_string(),
			settled: c.settled.to_string(),
			unsettled: c.unsettled().to_string(),
			unlock_at: c.unlock_at,
		}))
	}

	fn subscription(&self, account: AccountId, at: Option<Hash>) -> RpcResult<Option<u32>> {
		query(&*self.client, at, |api, at| api.subscription(at, account))
	}

	fn zoo_mint_price(&self, account: AccountId, at: Option<Hash>) -> RpcResult<String> {
		Ok(query(&*self.client, at, |api, at| api.zoo_price(at, account))?.to_string())
	}

	fn receipt_payload(
		&self,
		customer: AccountId,
		provider: AccountId,
		cumulative: String,
		at: Option<Hash>,
	) -> RpcResult<Option<String>> {
		let cumulative: Balance =
			cumulative.parse().map_err(|e| super::invalid_params(format!("cumulative: {e}")))?;
		let bytes = query(&*self.client, at, |api, at| {
			api.receipt_payload(at, customer, provider, cumulative)
		})?;
		Ok(bytes.map(|b| crate::worker::to_hex(&b)))
	}
}

/// `gym_infer`, served by a node started with `--serve-models`.
#[rpc(server, namespace = "gym")]
pub trait InferenceApi {
	/// Runs registered model `model_id` on `input` (`{"text": ...}` or `{"features": [...]}`),
	/// paid by `receipt` (`{customer, nonce, cumulative, signature}`: the customer's signature
	/// of `gym_receiptPayload(customer, provider, cumulative)`), and answers
	/// `{model, output, cumulative, provider}`.
	#[method(name = "infer")]
	async fn infer(
		&self,
		model_id: ModelId,
		input: InferInput,
		receipt: InferReceipt,
	) -> RpcResult<InferAnswer>;
}

/// The handler of `gym_infer`: the node's inference provider, if it serves models.
pub struct Inference {
	server: Option<Arc<ModelServer>>,
}

impl Inference {
	/// `gym_infer` answered by `server` (refused without one).
	pub fn new(server: Option<Arc<ModelServer>>) -> Self {
		Inference { server }
	}
}

/// JSON-RPC error code of a refused inference call (the message says why).
const INFERENCE_REFUSED: i32 = -32010;

fn refused(e: ServeError) -> ErrorObjectOwned {
	match e {
		ServeError::Node(reason) => node_error(reason),
		other => ErrorObject::owned(INFERENCE_REFUSED, other.to_string(), None::<()>),
	}
}

#[async_trait]
impl InferenceApiServer for Inference {
	async fn infer(
		&self,
		model_id: ModelId,
		input: InferInput,
		receipt: InferReceipt,
	) -> RpcResult<InferAnswer> {
		let server = self.server.as_ref().ok_or_else(|| {
			ErrorObject::owned(
				INFERENCE_REFUSED,
				"this node does not serve models (start it with --serve-models)",
				None::<()>,
			)
		})?;
		server.infer(model_id, input, receipt).await.map_err(refused)
	}
}
