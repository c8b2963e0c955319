//! Genesis presets of GYM chain: `development` (one validator, Alice),
//! `local_testnet` (two validators, Alice and Bob) and `testnet` (four
//! validators, Alice, Bob, Charlie and Dave).
//!
//! All three endow exactly the six well-known development accounts (Alice, Bob,
//! Charlie, Dave, Eve, Ferdie) with [`DEV_ENDOWMENT`] each and nothing else;
//! Alice is the sudo key. `docs/tokenomics.md` lists the allocation.

use crate::{
	AccountId, BalancesConfig, ComputeMiningConfig, GymEmissionConfig, RuntimeGenesisConfig,
	SudoConfig,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use gym_primitives::DEV_ENDOWMENT;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Epoch length of the dev chain: 10 blocks, so a whole epoch can be watched
/// in a minute.
pub const DEV_EPOCH_LENGTH: u32 = 10;

/// Epoch length of local and test networks: 600 blocks (one hour).
pub const TESTNET_EPOCH_LENGTH: u32 = 600;

/// The accounts endowed at genesis on the dev and local chains: Alice..Ferdie.
pub fn dev_endowed_accounts() -> Vec<AccountId> {
	Sr25519Keyring::invulnerable().map(|k| k.to_account_id()).collect()
}

fn authority(k: (Sr25519Keyring, Ed25519Keyring)) -> (AuraId, GrandpaId) {
	(k.0.public().into(), k.1.public().into())
}

/// Genesis of a chain whose validators are `initial_authorities`, with the
/// given endowed accounts and sudo key.
fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	epoch_length: u32,
	min_validations: u8,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|k| (k, DEV_ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		gym_emission: GymEmissionConfig { epoch_length },
		compute_mining: ComputeMiningConfig { min_validations },
	})
}

/// The `development` preset: Alice alone authors and finalizes.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority((Sr25519Keyring::Alice, Ed25519Keyring::Alice))],
		dev_endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		DEV_EPOCH_LENGTH,
		// One orchestrator validates on the dev chain.
		1,
	)
}

/// The `local_testnet` preset: Alice and Bob author and finalize.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority((Sr25519Keyring::Alice, Ed25519Keyring::Alice)),
			authority((Sr25519Keyring::Bob, Ed25519Keyring::Bob)),
		],
		dev_endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		TESTNET_EPOCH_LENGTH,
		3,
	)
}

/// The name of the four-validator test network preset.
pub const TESTNET_RUNTIME_PRESET: &str = "testnet";

/// The `testnet` preset: Alice, Bob, Charlie and Dave author and finalize
/// (GRANDPA needs 3 of the 4 to finalize), 600-block epochs.
pub fn testnet_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority((Sr25519Keyring::Alice, Ed25519Keyring::Alice)),
			authority((Sr25519Keyring::Bob, Ed25519Keyring::Bob)),
			authority((Sr25519Keyring::Charlie, Ed25519Keyring::Charlie)),
			authority((Sr25519Keyring::Dave, Ed25519Keyring::Dave)),
		],
		dev_endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		TESTNET_EPOCH_LENGTH,
		3,
	)
}

/// The JSON of the preset `id`, if it exists.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		TESTNET_RUNTIME_PRESET => testnet_config_genesis(),
		_ => return None,
	};
	// A `serde_json::Value` always serialises.
	serde_json::to_vec(&patch).ok()
}

/// The names of all presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(TESTNET_RUNTIME_PRESET),
	]
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use crate::{Balances, Runtime};
	use frame_support::traits::fungible::Inspect;
	use gym_primitives::HARD_CAP;
	use sp_runtime::BuildStorage;

	/// The externalities of the genesis preset `id`.
	pub(crate) fn build(id: &str) -> sp_io::TestExternalities {
		let json = get_preset(&PresetId::from(id)).expect("preset exists");
		let patch: Value = serde_json::from_slice(&json).unwrap();
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		json_merge(&mut config, patch);
		let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
		config.build_storage().unwrap().into()
	}

	fn json_merge(a: &mut Value, b: Value) {
		match (a, b) {
			(Value::Object(a), Value::Object(b)) => {
				for (k, v) in b {
					json_merge(a.entry(k).or_insert(Value::Null), v);
				}
			}
			(a, b) => *a = b,
		}
	}

	#[test]
	fn every_preset_builds_and_stays_under_the_hard_cap() {
		for id in preset_names() {
			let id: &str = id.as_ref();
			build(id).execute_with(|| {
				let issuance = <Balances as Inspect<AccountId>>::total_issuance();
				assert!(issuance > 0, "{id}: nothing endowed");
				assert!(issuance <= HARD_CAP, "{id}: genesis issuance {issuance} over the cap");
				crate::GymEmission::do_try_state().expect("emission invariants hold at genesis");
			});
		}
	}

	#[test]
	fn dev_genesis_endows_exactly_alice_to_ferdie() {
		build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
			let accounts = dev_endowed_accounts();
			assert_eq!(accounts.len(), 6);
			for a in &accounts {
				assert_eq!(<Balances as Inspect<AccountId>>::balance(a), DEV_ENDOWMENT);
			}
			assert_eq!(
				<Balances as Inspect<AccountId>>::total_issuance(),
				DEV_ENDOWMENT * accounts.len() as u128
			);
			assert_eq!(
				pallet_sudo::Key::<Runtime>::get(),
				Some(Sr25519Keyring::Alice.to_account_id())
			);
			assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
			assert_eq!(pallet_gym_emission::EpochLength::<Runtime>::get(), DEV_EPOCH_LENGTH);
			assert_eq!(pallet_compute_mining::MinValidations::<Runtime>::get(), 1);
			// Genesis endowments count as minted.
			assert_eq!(
				pallet_gym_emission::TotalMinted::<Runtime>::get(),
				DEV_ENDOWMENT * accounts.len() as u128
			);
		});
	}

	#[test]
	fn local_genesis_has_two_validators() {
		build(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 2);
			assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 2);
			assert_eq!(pallet_gym_emission::EpochLength::<Runtime>::get(), TESTNET_EPOCH_LENGTH);
		});
	}

	#[test]
	fn testnet_genesis_has_four_validators() {
		build(TESTNET_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(pallet_compute_mining::MinValidations::<Runtime>::get(), 3);
		});
		build(TESTNET_RUNTIME_PRESET).execute_with(|| {
			let aura = pallet_aura::Authorities::<Runtime>::get();
			let expected: Vec<AuraId> = [
				Sr25519Keyring::Alice,
				Sr25519Keyring::Bob,
				Sr25519Keyring::Charlie,
				Sr25519Keyring::Dave,
			]
			.iter()
			.map(|k| k.public().into())
			.collect();
			assert_eq!(aura.into_inner(), expected);
			assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
			assert_eq!(pallet_gym_emission::EpochLength::<Runtime>::get(), TESTNET_EPOCH_LENGTH);
		});
	}

	#[test]
	fn unknown_preset_is_none() {
		assert!(get_preset(&PresetId::from("mainnet")).is_none());
	}
}
