//! Chain specifications of GYM chain: `dev`, `dev-mining`, `local` and
//! `testnet`, built from the runtime's genesis presets, or any JSON file.

use gym_primitives::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL};
use sc_service::ChainType;

/// GYM chain's chain spec type (no extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

/// The properties wallets read through `system_properties`: token symbol,
/// decimals and SS58 address format.
pub fn properties() -> sc_chain_spec::Properties {
	let mut p = sc_chain_spec::Properties::new();
	p.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	p.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	p.insert("ss58Format".into(), SS58_PREFIX.into());
	p
}

fn wasm() -> Result<&'static [u8], String> {
	gym_runtime::WASM_BINARY.ok_or_else(|| "the runtime wasm was not built".to_string())
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id("gym")
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// The development chain: one validator (Alice), 10-block epochs.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"GYM Development",
		"gym_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// The id of the [`dev_mining_chain_spec`] chain.
pub const DEV_MINING_ID: &str = "gym_dev_mining";

/// The development chain with mining ready to run: Bob staked Gold as the
/// orchestrator, Charlie staked Bronze as the miner, and a governance job;
/// `gym-node --dev --chain dev-mining --miner --orchestrator` signs as them
/// when its keystore has no keys of its own (`scripts/dev.sh --miner
/// --orchestrator`).
pub fn dev_mining_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"GYM Development (mining)",
		DEV_MINING_ID,
		ChainType::Development,
		gym_runtime::genesis_config_presets::DEV_MINING_RUNTIME_PRESET,
	)
}

/// The local testnet: two validators (Alice and Bob), 600-block epochs.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"GYM Local Testnet",
		"gym_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// The test network: four validators (Alice, Bob, Charlie, Dave), 600-block
/// epochs. `chain-specs/testnet.json` and `testnet-raw.json` are generated
/// from it.
pub fn testnet_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"GYM Testnet",
		"gym_testnet",
		ChainType::Live,
		gym_runtime::genesis_config_presets::TESTNET_RUNTIME_PRESET,
	)
}

/// Loads `dev`, `dev-mining`, `local`, `testnet` or a chain spec JSON file, with an error that names
/// the file when it cannot be read.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development_chain_spec()?),
		"dev-mining" => Box::new(dev_mining_chain_spec()?),
		"" | "local" => Box::new(local_chain_spec()?),
		"testnet" => Box::new(testnet_chain_spec()?),
		path => {
			let file = std::path::PathBuf::from(path);
			if !file.is_file() {
				return Err(format!(
					"chain spec '{path}' is neither 'dev', 'local', 'testnet' nor a readable file"
				));
			}
			Box::new(
				ChainSpec::from_json_file(file)
					.map_err(|e| format!("chain spec file '{path}' is invalid: {e}"))?,
			)
		}
	})
}
