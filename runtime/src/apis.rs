//! Runtime API implementations: what the node, polkadot.js apps and wallets
//! call into the runtime for.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	traits::fungible::NativeOrWithId,
	weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_version::RuntimeVersion;

use super::{
	AccountId, AssetConversion, Babe, Balance, Block, BlockNumber, ComputeMining, Executive,
	Grandpa, GymEmission, GymGovernance, GymLiquidity, GymProducts, GymStability, Historical,
	InherentDataExt, Nonce, RevenueSplit, Runtime, RuntimeCall, RuntimeGenesisConfig, SessionKeys,
	System, TieredStaking, TransactionPayment, VERSION,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_babe::BabeApi<Block> for Runtime {
		fn configuration() -> sp_consensus_babe::BabeConfiguration {
			let epoch_config = Babe::epoch_config()
				.unwrap_or(crate::configs::staking::BABE_GENESIS_EPOCH_CONFIG);
			sp_consensus_babe::BabeConfiguration {
				slot_duration: Babe::slot_duration(),
				epoch_length: <crate::configs::staking::EpochDuration as frame_support::traits::Get<u64>>::get(),
				c: epoch_config.c,
				authorities: Babe::authorities().to_vec(),
				randomness: Babe::randomness(),
				allowed_slots: epoch_config.allowed_slots,
			}
		}

		fn current_epoch_start() -> sp_consensus_babe::Slot {
			Babe::current_epoch_start()
		}

		fn current_epoch() -> sp_consensus_babe::Epoch {
			Babe::current_epoch()
		}

		fn next_epoch() -> sp_consensus_babe::Epoch {
			Babe::next_epoch()
		}

		fn generate_key_ownership_proof(
			_slot: sp_consensus_babe::Slot,
			authority_id: sp_consensus_babe::AuthorityId,
		) -> Option<sp_consensus_babe::OpaqueKeyOwnershipProof> {
			use codec::Encode;
			use frame_support::traits::KeyOwnerProofSystem;

			Historical::prove((sp_consensus_babe::KEY_TYPE, authority_id))
				.map(|p| p.encode())
				.map(sp_consensus_babe::OpaqueKeyOwnershipProof::new)
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			equivocation_proof: sp_consensus_babe::EquivocationProof<<Block as BlockT>::Header>,
			key_owner_proof: sp_consensus_babe::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			let key_owner_proof = key_owner_proof.decode()?;

			Babe::submit_unsigned_equivocation_report(
				equivocation_proof,
				key_owner_proof,
			)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			let key_owner_proof = key_owner_proof.decode()?;

			Grandpa::submit_unsigned_equivocation_report(
				equivocation_proof,
				key_owner_proof,
			)
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			use codec::Encode;
			use frame_support::traits::KeyOwnerProofSystem;

			Historical::prove((sp_consensus_grandpa::KEY_TYPE, authority_id))
				.map(|p| p.encode())
				.map(sp_consensus_grandpa::OpaqueKeyOwnershipProof::new)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			// The partial fee a wallet shows before signing includes the
			// transfer tax the transaction would pay now.
			let tax = crate::configs::stability::transfer_tax_of(&uxt);
			let mut info = TransactionPayment::query_info(uxt, len);
			info.partial_fee = info.partial_fee.saturating_add(tax);
			info
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_gym_emission_runtime_api::GymEmissionApi<Block> for Runtime {
		fn schedule_points(
			from: BlockNumber,
			to: BlockNumber,
			points: u32,
		) -> Vec<pallet_gym_emission_runtime_api::SchedulePoint> {
			GymEmission::schedule_points(from, to, points)
		}

		fn totals() -> pallet_gym_emission_runtime_api::EmissionTotals {
			GymEmission::totals()
		}

		fn epoch_budget(epoch: u32) -> pallet_gym_emission_runtime_api::EpochBudget {
			GymEmission::epoch_budget(epoch)
		}

		fn cap_reached_at() -> Option<BlockNumber> {
			GymEmission::cap_reached_at()
		}
	}

	impl pallet_tiered_staking_runtime_api::TieredStakingApi<Block, AccountId> for Runtime {
		fn stake_info(who: AccountId) -> pallet_tiered_staking_runtime_api::StakeInfo {
			TieredStaking::stake_info(&who)
		}
	}

	impl pallet_gym_governance_runtime_api::GovernanceApi<Block, AccountId> for Runtime {
		fn voting_power(who: AccountId) -> pallet_gym_governance_runtime_api::VotingPowerInfo {
			GymGovernance::voting_power_info(&who)
		}
	}

	impl pallet_compute_mining_runtime_api::ComputeMiningApi<Block, AccountId> for Runtime {
		fn worker_info(who: AccountId) -> Option<pallet_compute_mining_runtime_api::WorkerInfo> {
			pallet_compute_mining::Workers::<Runtime>::get(&who)
		}

		fn pending_rewards(who: AccountId) -> pallet_compute_mining_runtime_api::PendingRewards {
			ComputeMining::pending_rewards(&who)
		}

		fn job(
			job: pallet_compute_mining_runtime_api::JobId,
		) -> Option<pallet_compute_mining_runtime_api::JobInfo<AccountId>> {
			pallet_compute_mining::Jobs::<Runtime>::get(job)
		}

		fn epoch_info(
			epoch: gym_primitives::EpochIndex,
		) -> Option<pallet_compute_mining_runtime_api::EpochInfo> {
			pallet_compute_mining::Epochs::<Runtime>::get(epoch)
		}

		fn parameters() -> pallet_compute_mining_runtime_api::MiningParameters {
			ComputeMining::parameters()
		}

		fn loss_curve(
			job: pallet_compute_mining_runtime_api::JobId,
		) -> Vec<pallet_compute_mining_runtime_api::LossPoint> {
			ComputeMining::loss_curve(job)
		}
	}

	impl pallet_revenue_split_runtime_api::RevenueSplitApi<Block, AccountId> for Runtime {
		fn revenue_pot() -> pallet_revenue_split_runtime_api::RevenuePot {
			RevenueSplit::revenue_pot()
		}

		fn pending_revenue(who: AccountId) -> pallet_revenue_split_runtime_api::PendingRevenue {
			RevenueSplit::pending_revenue(&who)
		}

		fn access(who: AccountId, model: gym_primitives::ModelId) -> pallet_revenue_split_runtime_api::AccessInfo {
			RevenueSplit::access(&who, model)
		}

		fn revenue_history(periods: u32) -> Vec<pallet_revenue_split_runtime_api::PeriodRevenue> {
			RevenueSplit::revenue_history(periods)
		}
	}

	impl pallet_gym_liquidity_runtime_api::GymLiquidityApi<Block, AccountId> for Runtime {
		fn pools() -> Vec<pallet_gym_liquidity::PoolView> {
			GymLiquidity::pools()
		}

		fn farms_pot() -> pallet_gym_liquidity::PotView {
			GymLiquidity::pot()
		}

		fn farms() -> Vec<pallet_gym_liquidity::FarmView> {
			GymLiquidity::farms()
		}

		fn lp_position(who: AccountId) -> Vec<pallet_gym_liquidity::Position> {
			GymLiquidity::positions(&who)
		}
	}

	impl pallet_gym_stability_runtime_api::GymStabilityApi<Block, AccountId> for Runtime {
		fn miner_economics(
			class: gym_primitives::mining::GpuClass,
			watts: u32,
		) -> gym_primitives::prices::MinerEconomics {
			GymStability::miner_economics(class, watts)
		}

		fn prices() -> Vec<(gym_primitives::prices::PriceKey, Option<gym_primitives::prices::UsdPrice>)> {
			GymStability::prices()
		}

		fn transfer_tax(who: AccountId, amount: Balance) -> (Balance, Balance) {
			(GymStability::tax_on(&who, amount), GymStability::volume_of(&who))
		}

		fn fine_tuning_price() -> (Balance, Option<gym_primitives::prices::UsdPrice>) {
			GymStability::quote_fine_tuning()
		}

		fn buybacks() -> (Vec<pallet_gym_stability::BuybackRecord>, pallet_gym_stability::BuybackConfig) {
			(GymStability::buybacks(), pallet_gym_stability::Buyback::<Runtime>::get())
		}
	}

	impl pallet_gym_products_runtime_api::GymProductsApi<Block, AccountId> for Runtime {
		fn model(id: gym_primitives::ModelId) -> Option<pallet_gym_products::ModelEntry<AccountId>> {
			GymProducts::model(id)
		}

		fn models(
			from: gym_primitives::ModelId,
			count: u32,
		) -> Vec<(gym_primitives::ModelId, pallet_gym_products::ModelEntry<AccountId>)> {
			GymProducts::models(from, count)
		}

		fn channel(customer: AccountId, provider: AccountId) -> Option<pallet_gym_products::Channel> {
			GymProducts::channel(&customer, &provider)
		}

		fn has_access(who: AccountId, model: gym_primitives::ModelId) -> bool {
			GymProducts::has_access(&who, model)
		}

		fn access_expiry(who: AccountId, model: gym_primitives::ModelId) -> Option<BlockNumber> {
			GymProducts::access_expiry(&who, model)
		}

		fn subscription(who: AccountId) -> Option<BlockNumber> {
			GymProducts::subscription(&who)
		}

		fn zoo_price(who: AccountId) -> Balance {
			GymProducts::zoo_price(&who)
		}

		fn genesis_hash() -> [u8; 32] {
			GymProducts::genesis_hash()
		}

		fn receipt_payload(customer: AccountId, provider: AccountId, cumulative: Balance) -> Option<Vec<u8>> {
			GymProducts::receipt_payload(&customer, &provider, cumulative)
		}
	}

	impl pallet_asset_conversion::AssetConversionApi<Block, Balance, NativeOrWithId<u32>> for Runtime {
		fn quote_price_exact_tokens_for_tokens(
			asset1: NativeOrWithId<u32>,
			asset2: NativeOrWithId<u32>,
			amount: Balance,
			include_fee: bool,
		) -> Option<Balance> {
			AssetConversion::quote_price_exact_tokens_for_tokens(asset1, asset2, amount, include_fee)
		}

		fn quote_price_tokens_for_exact_tokens(
			asset1: NativeOrWithId<u32>,
			asset2: NativeOrWithId<u32>,
			amount: Balance,
			include_fee: bool,
		) -> Option<Balance> {
			AssetConversion::quote_price_tokens_for_exact_tokens(asset1, asset2, amount, include_fee)
		}

		fn get_reserves(
			asset1: NativeOrWithId<u32>,
			asset2: NativeOrWithId<u32>,
		) -> Option<(Balance, Balance)> {
			AssetConversion::get_reserves(asset1, asset2).ok()
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::{BenchmarkList, Benchmarking};
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::{
				extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench,
			};
			use super::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			(list, AllPalletsWithSystem::storage_info())
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::{BenchmarkBatch, Benchmarking};
			use frame_support::traits::{TrackedStorageKey, WhitelistedStorageKeys};
			use frame_system_benchmarking::{
				extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench,
			};
			use super::*;

			impl frame_system_benchmarking::Config for Runtime {}
			impl pallet_transaction_payment::BenchmarkConfig for Runtime {}

			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}
}
