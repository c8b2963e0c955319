//! JSON-RPC of `gym-node`: the standard `system_*`, `chain_*`, `state_*`,
//! `author_*` methods come from `sc-rpc`; this module adds
//! `system_accountNextIndex`, `payment_*` and GYM's own `gym_*` namespace.

use std::sync::Arc;

use gym_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::{core::RpcResult, proc_macros::rpc, RpcModule};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// Dependencies of the full node's RPC.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// Facts about the GYM token, as returned by `gym_tokenInfo`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// The `gym_*` JSON-RPC namespace. Amounts are decimal strings in planck.
#[rpc(server, namespace = "gym")]
pub trait GymApi {
	/// The GYM token's symbol, decimals, address format, hard cap and block time.
	#[method(name = "tokenInfo")]
	fn token_info(&self) -> RpcResult<TokenInfo>;
}

/// Implementation of [`GymApiServer`].
pub struct Gym;

impl GymApiServer for Gym {
	fn token_info(&self) -> RpcResult<TokenInfo> {
		Ok(TokenInfo {
			symbol: gym_primitives::TOKEN_SYMBOL.into(),
			decimals: gym_primitives::TOKEN_DECIMALS,
			ss58_format: gym_primitives::SS58_PREFIX,
			hard_cap: gym_primitives::HARD_CAP.to_string(),
			block_time_ms: gym_primitives::MILLISECS_PER_BLOCK,
		})
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
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	module.merge(Gym.into_rpc())?;
	Ok(module)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn token_info_reports_gym() {
		let info = Gym.token_info().unwrap();
		assert_eq!(info.symbol, "GYM");
		assert_eq!(info.decimals, 18);
		assert_eq!(info.hard_cap, "1000000000000000000000000000");
		assert_eq!(info.block_time_ms, 6000);
	}
}
