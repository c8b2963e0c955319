//! Genesis presets of GYM chain: `development` (one validator, Alice),
//! `dev-mining` (the development chain with a staked orchestrator, a staked
//! miner and a governance job: `scripts/dev.sh --miner --orchestrator`),
//! `local_testnet` (two validators, Alice and Bob) and `testnet` (four
//! validators, Alice, Bob, Charlie and Dave).
//!
//! All of them endow the six well-known development accounts (Alice, Bob,
//! Charlie, Dave, Eve, Ferdie) with [`DEV_ENDOWMENT`] each, and each genesis
//! validator's stash (`//Alice//stash`, ...) with [`STASH_ENDOWMENT`], of
//! which it bonds [`VALIDATOR_BOND`] in pallet-staking, and the treasury
//! account with the existential deposit; nothing else but the genesis pools'
//! GYM: Alice ([`POOL_PROVIDER`]) also receives [`POOL_PROVIDER_ENDOWMENT`],
//! which she puts into the GYM/wBNB and GYM/USDT pools (1,000,000 GYM each,
//! [`GENESIS_POOL_GYM`]) and their LP accounts' deposits, so she keeps
//! [`DEV_ENDOWMENT`] free like the others. Every dev account also holds
//! [`DEV_WBNB`] and [`DEV_USDT`] of the foreign assets, which the treasury
//! account owns (nobody can mint more until governance appoints an issuer).
//! A validator's session keys are its name's dev keys (`//Alice`: BABE
//! sr25519, GRANDPA ed25519), so `gym-node --alice` authors for
//! `//Alice//stash`.
//! Alice is the sudo key of the dev chains only: on `local_testnet` and
//! `testnet` there is no sudo key and a referendum is the only Root.
//! Governance periods are the seed's (5-day votes) except on the dev chains
//! ([`DEV_GOVERNANCE_PERIODS`]). `docs/tokenomics.md` lists the allocation.

use crate::{
	configs::liquidity::{
		POOL_ASSET_ACCOUNT_DEPOSIT, USDT, USDT_DECIMALS, USDT_MIN_BALANCE, USDT_UNIT, WBNB,
		WBNB_DECIMALS, WBNB_MIN_BALANCE, WBNB_UNIT,
	},
	AccountId, AssetConversionConfig, BabeConfig, Balance, BalancesConfig, ComputeMiningConfig,
	ForeignAssetsConfig, GymEmissionConfig, GymGovernanceConfig, GymLiquidityConfig,
	GymProductsConfig, GymStabilityConfig, GymValidatorsConfig, OracleFeedersConfig,
	RuntimeGenesisConfig, SessionConfig, SessionKeys, StakingConfig, SudoConfig,
	TieredStakingConfig,
};
use alloc::{vec, vec::Vec};
use frame_support::{build_struct_json_patch, traits::fungible::NativeOrWithId};
use gym_primitives::{governance::GovernancePeriods, liquidity, DEV_ENDOWMENT, GYM};
use pallet_staking::StakerStatus;
use serde_json::Value;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::{FixedU128, Perbill};

/// Epoch length of the dev chain: 10 blocks, so a whole epoch can be watched
/// in a minute.
pub const DEV_EPOCH_LENGTH: u32 = 10;

/// Blocks a round's deltas are sealed in on the dev chains: 2 (12 s).
pub const DEV_SUBMIT_WINDOW: u32 = 2;

/// Blocks a round's deltas are sealed in on local and test networks: 20
/// (two minutes).
pub const TESTNET_SUBMIT_WINDOW: u32 = 20;

/// Unbonding on the dev chains: an hour (600 blocks), the shortest the
/// runtime allows.
pub const DEV_UNBONDING_PERIOD: u32 = gym_primitives::HOURS;

/// Governance periods of the dev chains, so that a referendum can be
/// watched from proposal to enactment in two minutes: a proposal is tabled
/// within 5 blocks, voted on for 10 blocks (a minute) and enacted 5 blocks
/// after it passes; a 1x conviction vote stays locked 5 blocks more.
pub const DEV_GOVERNANCE_PERIODS: GovernancePeriods =
	GovernancePeriods { launch: 5, voting: 10, enactment: 5, vote_locking: 5, cooloff: 5 };

/// Epoch length of local and test networks: 600 blocks (one hour).
pub const TESTNET_EPOCH_LENGTH: u32 = 600;

/// What a genesis validator's stash bonds: 100,000 GYM.
pub const VALIDATOR_BOND: Balance = 100_000 * GYM;

/// What a genesis validator's stash holds: its bond and 1,000 GYM for fees.
pub const STASH_ENDOWMENT: Balance = VALIDATOR_BOND + 1_000 * GYM;

/// The smallest validator bond: 10,000 GYM (governance may change it).
pub const MIN_VALIDATOR_BOND: Balance = 10_000 * GYM;

/// The smallest nominator bond: 100 GYM (governance may change it).
pub const MIN_NOMINATOR_BOND: Balance = 100 * GYM;

/// The validators an election may choose at most, at genesis (governance
/// sets it with `staking.set_validator_count`).
pub const GENESIS_VALIDATOR_COUNT: u32 = 10;

/// The account that provides the genesis pools' liquidity: Alice.
pub const POOL_PROVIDER: Sr25519Keyring = Sr25519Keyring::Alice;

/// The GYM in each genesis pool: 1,000,000 GYM.
pub const GENESIS_POOL_GYM: Balance = 1_000_000 * GYM;

/// The wBNB in the genesis GYM/wBNB pool: 160 wBNB (1 wBNB = 6,250 GYM).
pub const GENESIS_POOL_WBNB: Balance = 160 * WBNB_UNIT;

/// The USDT in the genesis GYM/USDT pool: 100,000 USDT (1 GYM = 0.1 USDT).
pub const GENESIS_POOL_USDT: Balance = 100_000 * USDT_UNIT;

/// What [`POOL_PROVIDER`] receives at genesis beyond [`DEV_ENDOWMENT`]: the
/// GYM of both genesis pools and the deposits of their LP token accounts
/// (2,000,000.02 GYM).
pub const POOL_PROVIDER_ENDOWMENT: Balance = 2 * GENESIS_POOL_GYM + 2 * POOL_ASSET_ACCOUNT_DEPOSIT;

/// The wBNB each dev account holds at genesis: 1,000 wBNB.
pub const DEV_WBNB: Balance = 1_000 * WBNB_UNIT;

/// The USDT each dev account holds at genesis: 1,000,000 USDT.
pub const DEV_USDT: Balance = 1_000_000 * USDT_UNIT;

/// The accounts endowed at genesis on the dev and local chains: Alice..Ferdie.
pub fn dev_endowed_accounts() -> Vec<AccountId> {
	Sr25519Keyring::invulnerable().map(|k| k.to_account_id()).collect()
}

/// The price feeders of a chain with `validators` genesis validators: the
/// validators' names in order (`//Alice`, `//Bob`, ...), and at least
/// [`MIN_PRICE_FEEDERS`](gym_primitives::prices::MIN_PRICE_FEEDERS) of them,
/// so that prices have a median from genesis: Alice, Bob and Charlie on the
/// dev and local chains, Alice to Dave on the testnet.
pub fn genesis_price_feeders(validators: usize) -> Vec<AccountId> {
	let min = usize::try_from(gym_primitives::prices::MIN_PRICE_FEEDERS).unwrap_or(usize::MAX);
	Sr25519Keyring::invulnerable().take(validators.max(min)).map(|k| k.to_account_id()).collect()
}

/// A genesis validator: its stash account and its session keys.
pub struct Validator {
	/// The stash, which bonds [`VALIDATOR_BOND`].
	pub stash: AccountId,
	/// BABE and GRANDPA keys.
	pub keys: SessionKeys,
}

/// The genesis validator of a well-known dev name (`Alice` to `Ferdie`;
/// any other is Ferdie): stash `//<Name>//stash`, session keys `//<Name>`.
pub fn validator(name: Sr25519Keyring) -> Validator {
	use {Ed25519Keyring as Ed, Sr25519Keyring as Sr};
	let (stash, grandpa) = match name {
		Sr::Alice => (Sr::AliceStash, Ed::Alice),
		Sr::Bob => (Sr::BobStash, Ed::Bob),
		Sr::Charlie => (Sr::CharlieStash, Ed::Charlie),
		Sr::Dave => (Sr::DaveStash, Ed::Dave),
		Sr::Eve => (Sr::EveStash, Ed::Eve),
		_ => (Sr::FerdieStash, Ed::Ferdie),
	};
	Validator {
		stash: stash.to_account_id(),
		keys: SessionKeys { babe: name.public().into(), grandpa: grandpa.public().into() },
	}
}

/// The era terms of the dev chain: 2-session (2-minute) eras, bonds released
/// 4 eras (8 minutes) after unbonding, slashes applied after 2 eras.
pub const DEV_ERA_TERMS: pallet_gym_validators::EraTerms = pallet_gym_validators::EraTerms {
	sessions_per_era: 2,
	bonding_duration: 4,
	slash_defer_duration: 2,
};

/// Genesis of a chain whose validators are `validators`, with the given
/// endowed accounts, sudo key (none: governance is the only Root), epoch
/// length, validations per delta, era terms, unbonding period and
/// governance periods (none: the seed's).
// One argument per way the presets differ; a struct of them would only
// rename the arguments.
#[allow(clippy::too_many_arguments)]
fn testnet_genesis(
	validators: Vec<Validator>,
	endowed_accounts: Vec<AccountId>,
	sudo: Option<AccountId>,
	epoch_length: u32,
	min_validations: u8,
	submit_window: u32,
	terms: pallet_gym_validators::EraTerms,
	unbonding_period: u32,
	governance_periods: Option<GovernancePeriods>,
) -> Value {
	// Elections that choose fewer than half the genesis validators fail (the
	// set in force stays).
	let minimum_validator_count =
		u32::try_from(validators.len()).unwrap_or(u32::MAX).div_ceil(2).max(1);
	let provider = POOL_PROVIDER.to_account_id();
	let treasury = crate::configs::TreasuryAccount::get();
	let endowment = |k: &AccountId| {
		let pools = if *k == provider { POOL_PROVIDER_ENDOWMENT } else { 0 };
		(k.clone(), DEV_ENDOWMENT.saturating_add(pools))
	};
	let foreign_accounts: Vec<(u32, AccountId, Balance)> = endowed_accounts
		.iter()
		.flat_map(|k| [(WBNB, k.clone(), DEV_WBNB), (USDT, k.clone(), DEV_USDT)])
		.collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.map(endowment)
				.chain(validators.iter().map(|v| (v.stash.clone(), STASH_ENDOWMENT)))
				// The treasury account exists from genesis (pallet-treasury would
				// otherwise create it with GYM outside GymEmission's books).
				.chain(core::iter::once((
					crate::configs::TreasuryAccount::get(),
					crate::EXISTENTIAL_DEPOSIT
				)))
				// So does the products pallet's, which holds inference
				// deposits.
				.chain(core::iter::once((
					crate::configs::products::ProductsAccount::get(),
					crate::EXISTENTIAL_DEPOSIT
				)))
				.collect::<Vec<_>>(),
		},
		babe: BabeConfig { epoch_config: crate::configs::staking::BABE_GENESIS_EPOCH_CONFIG },
		session: SessionConfig {
			keys: validators
				.iter()
				.map(|v| (v.stash.clone(), v.stash.clone(), v.keys.clone()))
				.collect::<Vec<_>>(),
		},
		staking: StakingConfig {
			validator_count: GENESIS_VALIDATOR_COUNT,
			minimum_validator_count,
			stakers: validators
				.iter()
				.map(|v| (
					v.stash.clone(),
					v.stash.clone(),
					VALIDATOR_BOND,
					StakerStatus::Validator
				))
				.collect::<Vec<_>>(),
			min_validator_bond: MIN_VALIDATOR_BOND,
			min_nominator_bond: MIN_NOMINATOR_BOND,
			slash_reward_fraction: Perbill::from_percent(10),
		},
		gym_validators: GymValidatorsConfig {
			sessions_per_era: Some(terms.sessions_per_era),
			bonding_duration: Some(terms.bonding_duration),
			slash_defer_duration: Some(terms.slash_defer_duration),
		},
		sudo: SudoConfig { key: sudo },
		oracle_feeders: OracleFeedersConfig {
			members: frame_support::BoundedVec::truncate_from(genesis_price_feeders(
				validators.len()
			)),
		},
		gym_governance: GymGovernanceConfig { periods: governance_periods },
		gym_emission: GymEmissionConfig { epoch_length },
		compute_mining: ComputeMiningConfig { min_validations, submit_window },
		tiered_staking: TieredStakingConfig { unbonding_period },
		foreign_assets: ForeignAssetsConfig {
			assets: vec![
				(WBNB, treasury.clone(), true, WBNB_MIN_BALANCE),
				(USDT, treasury, true, USDT_MIN_BALANCE),
			],
			metadata: vec![
				(WBNB, b"Wrapped BNB".to_vec(), b"wBNB".to_vec(), WBNB_DECIMALS),
				(USDT, b"Tether USD".to_vec(), b"USDT".to_vec(), USDT_DECIMALS),
			],
			accounts: foreign_accounts,
		},
		// The seed's farms: 0 GYM-wBNB LP, 1 GYM-USDT LP, 2 GYM single stake.
		gym_liquidity: GymLiquidityConfig {
			farms: vec![
				(
					Some(WBNB),
					liquidity::GYM_WBNB_APR,
					Some((liquidity::GYM_WBNB_LAUNCH_APR, liquidity::GYM_WBNB_LAUNCH))
				),
				(Some(USDT), liquidity::GYM_USDT_APR, None),
				(None, liquidity::GYM_SINGLE_STAKE_APR, None),
			],
		},
		// LP token 0 is GYM/wBNB's, 1 is GYM/USDT's.
		asset_conversion: AssetConversionConfig {
			pools: vec![
				(
					NativeOrWithId::Native,
					NativeOrWithId::WithId(WBNB),
					provider.clone(),
					GENESIS_POOL_GYM,
					GENESIS_POOL_WBNB
				),
				(
					NativeOrWithId::Native,
					NativeOrWithId::WithId(USDT),
					provider.clone(),
					GENESIS_POOL_GYM,
					GENESIS_POOL_USDT
				),
			],
		},
		gym_stability: GymStabilityConfig {
			pricing: pallet_gym_stability::FineTuningPricing {
				usd: Some(FixedU128::from_u32(GENESIS_FINE_TUNING_USD)),
				gym: GENESIS_FINE_TUNING_GYM,
			},
			buyback: pallet_gym_stability::BuybackConfig {
				floor: FixedU128::from_rational(GENESIS_BUYBACK_FLOOR_CENTS.into(), 100),
				per_period: GENESIS_BUYBACK_USDT,
				max_slippage: Perbill::from_percent(2),
			},
		},
		gym_products: GymProductsConfig {
			subscription_price: GENESIS_SUBSCRIPTION_PRICE,
			zoo_mint_price: GENESIS_ZOO_MINT_PRICE,
		},
	})
}

/// A priority-access subscription costs 100 GYM per 30-day period.
pub const GENESIS_SUBSCRIPTION_PRICE: Balance = 100 * GYM;
/// A Zoo mint costs 100 GYM before the staking tier's discount.
pub const GENESIS_ZOO_MINT_PRICE: Balance = 100 * GYM;

/// A customer's fine-tuning job costs $10 in GYM at the oracle's price...
pub const GENESIS_FINE_TUNING_USD: u32 = 10;
/// ...or 100 GYM while the price is stale: $10 at the genesis pools' $0.10.
pub const GENESIS_FINE_TUNING_GYM: Balance = 100 * GYM;
/// The treasury buys back while GYM is under $0.05 (half the genesis pools'
/// price)...
pub const GENESIS_BUYBACK_FLOOR_CENTS: u32 = 5;
/// ...up to 1,000 USDT a period (an emission epoch).
pub const GENESIS_BUYBACK_USDT: Balance = 1_000 * USDT_UNIT;

/// The `development` preset: Alice alone authors and finalizes. One model is
/// registered ([`DEV_MODEL_ID`]), so the products can be tried before any
/// job has finished.
pub fn development_config_genesis() -> Value {
	let mut genesis = testnet_genesis(
		vec![validator(Sr25519Keyring::Alice)],
		dev_endowed_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		DEV_EPOCH_LENGTH,
		// One orchestrator validates on the dev chain.
		1,
		DEV_SUBMIT_WINDOW,
		DEV_ERA_TERMS,
		DEV_UNBONDING_PERIOD,
		Some(DEV_GOVERNANCE_PERIODS),
	);
	let models = vec![pallet_gym_products::GenesisModel::<AccountId> {
		architecture: 0,
		checkpoint: sp_core::H256(DEV_JOB_BASE_CHECKPOINT),
		owner: None,
		premium: true,
	}];
	if let Some(Value::Object(products)) = genesis.get_mut("gymProducts") {
		products.insert("models".into(), serde_json::to_value(models).unwrap_or_default());
	}
	genesis
}

/// The development chains' genesis model: the treasury's, premium, the
/// spiral MLP (architecture 0) at the dev-mining job's base checkpoint
/// ([`DEV_JOB_BASE_CHECKPOINT`], which every node rebuilds from
/// [`DEV_JOB_SEED`]).
pub const DEV_MODEL_ID: gym_primitives::ModelId = gym_primitives::products::FIRST_TRAINED_MODEL_ID;

/// The name of the development preset with mining ready to run.
pub const DEV_MINING_RUNTIME_PRESET: &str = "dev-mining";

/// The dev-mining chain's orchestrator, staked Gold at genesis: `//Bob`
/// (the `gymo` key `gym-node` uses on that chain when its keystore has
/// none).
pub const DEV_ORCHESTRATOR: Sr25519Keyring = Sr25519Keyring::Bob;

/// The dev-mining chain's miner, staked Bronze at genesis: `//Charlie` (the
/// `gymm` key `gym-node` uses on that chain when its keystore has none).
pub const DEV_MINER: Sr25519Keyring = Sr25519Keyring::Charlie;

/// Blocks a judgement may be disputed in on the dev-mining chain: 3 (18 s),
/// so that a newcomer sees a delta paid within two minutes (10 elsewhere).
pub const DEV_MINING_DISPUTE_WINDOW: u32 = 3;

/// The training seed of the dev-mining chain's governance job (model 0).
pub const DEV_JOB_SEED: u64 = 42;

/// The hash of `gym_trainer::initial_checkpoint(0, DEV_JOB_SEED)`, the base
/// checkpoint of the dev-mining chain's job (a test of `gym-node` checks
/// it against the trainer).
pub const DEV_JOB_BASE_CHECKPOINT: [u8; 32] = [
	8, 126, 82, 16, 222, 103, 78, 186, 183, 96, 12, 115, 240, 7, 53, 172, 168, 169, 194, 116, 190,
	113, 54, 38, 112, 133, 1, 82, 89, 182, 173, 159,
];

/// The `dev-mining` preset: the development chain, plus [`DEV_ORCHESTRATOR`]
/// staked Gold, [`DEV_MINER`] staked Bronze and one governance job of model
/// 0, and a 3-block dispute window, so that `gym-node --miner
/// --orchestrator` on it trains, judges and pays a delta with nobody's help (`scripts/dev.sh --miner
/// --orchestrator`).
pub fn dev_mining_config_genesis() -> Value {
	use gym_primitives::staking::Tier;
	let mut genesis = development_config_genesis();
	let mining = build_struct_json_patch!(RuntimeGenesisConfig {
		tiered_staking: TieredStakingConfig {
			stakes: vec![
				(DEV_ORCHESTRATOR.to_account_id(), Tier::Gold.minimum()),
				(DEV_MINER.to_account_id(), Tier::Bronze.minimum()),
			],
			unbonding_period: DEV_UNBONDING_PERIOD,
		},
		compute_mining: ComputeMiningConfig {
			min_validations: 1,
			submit_window: DEV_SUBMIT_WINDOW,
			dispute_window: DEV_MINING_DISPUTE_WINDOW,
			jobs: vec![(0, sp_core::H256(DEV_JOB_BASE_CHECKPOINT), DEV_JOB_SEED)],
		},
	});
	// The pallets' sections of the patch replace the development ones.
	if let (Value::Object(genesis), Value::Object(mining)) = (&mut genesis, mining) {
		genesis.extend(mining);
	}
	genesis
}

/// The `local_testnet` preset: Alice and Bob author and finalize.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![validator(Sr25519Keyring::Alice), validator(Sr25519Keyring::Bob)],
		dev_endowed_accounts(),
		None,
		TESTNET_EPOCH_LENGTH,
		3,
		TESTNET_SUBMIT_WINDOW,
		pallet_gym_validators::EraTerms::TESTNET,
		gym_primitives::staking::DEFAULT_UNBONDING_PERIOD,
		None,
	)
}

/// The name of the four-validator test network preset.
pub const TESTNET_RUNTIME_PRESET: &str = "testnet";

/// The `testnet` preset: Alice, Bob, Charlie and Dave author and finalize
/// (GRANDPA needs 3 of the 4 to finalize), 600-block epochs.
pub fn testnet_config_genesis() -> Value {
	testnet_genesis(
		vec![
			validator(Sr25519Keyring::Alice),
			validator(Sr25519Keyring::Bob),
			validator(Sr25519Keyring::Charlie),
			validator(Sr25519Keyring::Dave),
		],
		dev_endowed_accounts(),
		None,
		TESTNET_EPOCH_LENGTH,
		3,
		TESTNET_SUBMIT_WINDOW,
		pallet_gym_validators::EraTerms::TESTNET,
		gym_primitives::staking::DEFAULT_UNBONDING_PERIOD,
		None,
	)
}

/// The JSON of the preset `id`, if it exists.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		DEV_MINING_RUNTIME_PRESET => dev_mining_config_genesis(),
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
		PresetId::from(DEV_MINING_RUNTIME_PRESET),
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
	fn dev_mining_genesis_stakes_its_orchestrator_and_miner_and_has_a_job() {
		use gym_primitives::staking::Tier;
		use pallet_tiered_staking::StakeTiers;
		build(DEV_MINING_RUNTIME_PRESET).execute_with(|| {
			type Staking = pallet_tiered_staking::Pallet<Runtime>;
			let (orchestrator, miner) =
				(DEV_ORCHESTRATOR.to_account_id(), DEV_MINER.to_account_id());
			assert_eq!(Staking::tier_of(&orchestrator), Some(Tier::Gold));
			assert_eq!(Staking::tier_of(&miner), Some(Tier::Bronze));
			// The stakes are frozen in the endowments, not minted.
			use frame_support::traits::tokens::{Fortitude, Preservation};
			assert_eq!(<Balances as Inspect<AccountId>>::balance(&orchestrator), DEV_ENDOWMENT);
			assert_eq!(
				<Balances as Inspect<AccountId>>::reducible_balance(
					&orchestrator,
					Preservation::Expendable,
					Fortitude::Polite
				),
				DEV_ENDOWMENT - Tier::Gold.minimum()
			);
			let accounts = dev_endowed_accounts().len() as u128;
			assert_eq!(
				pallet_gym_emission::TotalMinted::<Runtime>::get(),
				DEV_ENDOWMENT * accounts
					+ POOL_PROVIDER_ENDOWMENT
					+ STASH_ENDOWMENT
					+ 2 * crate::EXISTENTIAL_DEPOSIT
			);
			let job = pallet_compute_mining::Jobs::<Runtime>::get(0).expect("the genesis job");
			assert_eq!(job.origin, pallet_compute_mining::JobOrigin::Governance);
			assert_eq!(job.spec.base_checkpoint.0, DEV_JOB_BASE_CHECKPOINT);
			assert_eq!((job.spec.model, job.spec.params.seed, job.spec.validations), (0, 42, 1));
			assert_eq!(pallet_compute_mining::NextJobId::<Runtime>::get(), 1);
			Staking::do_try_state().expect("staking invariants hold at genesis");
			crate::ComputeMining::do_try_state().expect("mining invariants hold at genesis");
		});
	}

	#[test]
	fn dev_genesis_endows_exactly_alice_to_ferdie() {
		build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
			let accounts = dev_endowed_accounts();
			assert_eq!(accounts.len(), 6);
			// Alice's extra GYM is in the genesis pools: she keeps the same free
			// balance as the others.
			for a in &accounts {
				assert_eq!(<Balances as Inspect<AccountId>>::balance(a), DEV_ENDOWMENT);
			}
			let stash = Sr25519Keyring::AliceStash.to_account_id();
			// The bond is held: the stash's free balance is what is left for fees.
			assert_eq!(<Balances as Inspect<AccountId>>::total_balance(&stash), STASH_ENDOWMENT);
			assert_eq!(
				<Balances as Inspect<AccountId>>::balance(&stash),
				STASH_ENDOWMENT - VALIDATOR_BOND
			);
			assert_eq!(
				<Balances as Inspect<AccountId>>::total_issuance(),
				DEV_ENDOWMENT * accounts.len() as u128
					+ POOL_PROVIDER_ENDOWMENT
					+ STASH_ENDOWMENT
					+ 2 * crate::EXISTENTIAL_DEPOSIT
			);
			assert_eq!(
				pallet_sudo::Key::<Runtime>::get(),
				Some(Sr25519Keyring::Alice.to_account_id())
			);
			assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), 1);
			assert_eq!(pallet_session::Validators::<Runtime>::get(), vec![stash.clone()]);
			assert_eq!(
				pallet_staking::Pallet::<Runtime>::ledger(stash.clone().into()).unwrap().active,
				VALIDATOR_BOND
			);
			assert_eq!(pallet_gym_validators::Terms::<Runtime>::get(), DEV_ERA_TERMS);
			assert_eq!(pallet_gym_governance::Periods::<Runtime>::get(), DEV_GOVERNANCE_PERIODS);
			assert_eq!(pallet_gym_emission::EpochLength::<Runtime>::get(), DEV_EPOCH_LENGTH);
			assert_eq!(pallet_compute_mining::MinValidations::<Runtime>::get(), 1);
			// Genesis endowments count as minted.
			assert_eq!(
				pallet_gym_emission::TotalMinted::<Runtime>::get(),
				DEV_ENDOWMENT * accounts.len() as u128
					+ POOL_PROVIDER_ENDOWMENT
					+ STASH_ENDOWMENT
					+ 2 * crate::EXISTENTIAL_DEPOSIT
			);
		});
	}

	/// Local and test networks have no sudo key: a referendum, with the
	/// seed's periods, is their only Root.
	#[test]
	fn only_dev_chains_have_sudo() {
		for id in preset_names() {
			let id: &str = id.as_ref();
			let dev =
				[sp_genesis_builder::DEV_RUNTIME_PRESET, DEV_MINING_RUNTIME_PRESET].contains(&id);
			build(id).execute_with(|| {
				let key = pallet_sudo::Key::<Runtime>::get();
				let periods = pallet_gym_governance::Periods::<Runtime>::get();
				if dev {
					assert_eq!(key, Some(Sr25519Keyring::Alice.to_account_id()), "{id}");
					assert_eq!(periods, DEV_GOVERNANCE_PERIODS, "{id}");
				} else {
					assert_eq!(key, None, "{id}");
					assert_eq!(periods, GovernancePeriods::SEED, "{id}");
				}
			});
		}
	}

	#[test]
	fn local_genesis_has_two_validators() {
		build(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), 2);
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
			let mut babe: Vec<sp_consensus_babe::AuthorityId> =
				pallet_babe::Authorities::<Runtime>::get()
					.into_iter()
					.map(|(id, _weight)| id)
					.collect();
			let mut expected: Vec<sp_consensus_babe::AuthorityId> = [
				Sr25519Keyring::Alice,
				Sr25519Keyring::Bob,
				Sr25519Keyring::Charlie,
				Sr25519Keyring::Dave,
			]
			.iter()
			.map(|k| k.public().into())
			.collect();
			babe.sort();
			expected.sort();
			assert_eq!(babe, expected);
			assert_eq!(pallet_gym_validators::Terms::<Runtime>::get().bonding_duration, 112);
			assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
			assert_eq!(pallet_gym_emission::EpochLength::<Runtime>::get(), TESTNET_EPOCH_LENGTH);
		});
	}

	/// Both genesis pools exist in every preset with the reserves Alice put
	/// in, her LP tokens are `isqrt(gym * other) - MintMinLiquidity`, the
	/// pool accounts hold the 1,000 locked LP units, and every dev account
	/// holds its wBNB and USDT.
	#[test]
	fn every_preset_has_both_genesis_pools_with_their_reserves() {
		use crate::{configs::liquidity::GymPaired, AssetConversion, ForeignAssets, PoolAssets};
		use frame_support::traits::fungibles::{
			metadata::Inspect as MetadataInspect, Inspect as AssetsInspect,
		};
		use pallet_asset_conversion::PoolLocator;
		use NativeOrWithId::{Native, WithId};
		// isqrt(10^24 * 160 * 10^18) and isqrt(10^24 * 10^11), by hand (Python's
		// math.isqrt).
		const WBNB_POOL_LP: Balance = 12_649_110_640_673_517_327_995;
		const USDT_POOL_LP: Balance = 316_227_766_016_837_933;
		const LOCKED_LP: Balance = 1_000;
		for id in preset_names() {
			let id: &str = id.as_ref();
			build(id).execute_with(|| {
				let alice = POOL_PROVIDER.to_account_id();
				assert_eq!(
					AssetConversion::get_reserves(Native, WithId(WBNB)).ok(),
					Some((1_000_000 * GYM, 160 * WBNB_UNIT)),
					"{id}"
				);
				assert_eq!(
					AssetConversion::get_reserves(Native, WithId(USDT)).ok(),
					Some((1_000_000 * GYM, 100_000 * USDT_UNIT)),
					"{id}"
				);
				for (asset, lp, minted) in [(WBNB, 0, WBNB_POOL_LP), (USDT, 1, USDT_POOL_LP)] {
					let pool_id = (Native, WithId(asset));
					let pool = pallet_asset_conversion::Pools::<Runtime>::get(&pool_id)
						.expect("genesis pool");
					assert_eq!(pool.lp_token, lp, "{id}");
					let pool_account = <GymPaired as PoolLocator<_, _, _>>::address(&pool_id)
						.expect("a pool id has an account");
					assert_eq!(PoolAssets::total_issuance(lp), minted, "{id}");
					assert_eq!(PoolAssets::balance(lp, &pool_account), LOCKED_LP, "{id}");
					assert_eq!(PoolAssets::balance(lp, &alice), minted - LOCKED_LP, "{id}");
				}
				assert_eq!(pallet_asset_conversion::NextPoolAssetId::<Runtime>::get(), Some(2));
				// The LP accounts' deposits are reserved from Alice.
				assert_eq!(
					pallet_balances::Pallet::<Runtime>::reserved_balance(&alice),
					2 * POOL_ASSET_ACCOUNT_DEPOSIT
				);
				// Alice put 160 wBNB and 100,000 USDT in; the others hold theirs.
				assert_eq!(ForeignAssets::balance(WBNB, &alice), 840 * WBNB_UNIT);
				assert_eq!(ForeignAssets::balance(USDT, &alice), 900_000 * USDT_UNIT);
				for a in dev_endowed_accounts().iter().filter(|a| **a != alice) {
					assert_eq!(ForeignAssets::balance(WBNB, a), DEV_WBNB, "{id}");
					assert_eq!(ForeignAssets::balance(USDT, a), DEV_USDT, "{id}");
				}
				assert_eq!(ForeignAssets::total_issuance(WBNB), 6 * DEV_WBNB);
				assert_eq!(ForeignAssets::total_issuance(USDT), 6 * DEV_USDT);
				assert_eq!(ForeignAssets::decimals(WBNB), 18);
				assert_eq!(ForeignAssets::decimals(USDT), 6);
				assert_eq!(ForeignAssets::symbol(WBNB), b"wBNB".to_vec());
				assert_eq!(ForeignAssets::symbol(USDT), b"USDT".to_vec());
				let details =
					pallet_assets::Asset::<Runtime, frame_support::instances::Instance1>::get(USDT)
						.expect("USDT exists");
				assert!(details.is_sufficient);
				assert_eq!(details.owner, crate::configs::TreasuryAccount::get());
				assert_eq!(details.issuer, crate::configs::TreasuryAccount::get());
			});
		}
	}

	#[test]
	fn unknown_preset_is_none() {
		assert!(get_preset(&PresetId::from("mainnet")).is_none());
	}
}
