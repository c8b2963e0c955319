//! Consensus and validators: BABE block production, GRANDPA finality, and
//! the NPoS validator set that `pallet-staking` elects on chain every era.
//!
//! - A **session** is one BABE epoch, as many slots as a GymEmission epoch has
//!   blocks (10 on dev, 600 on the testnet). With every slot filled the two
//!   line up exactly; a slot without a block moves the session ahead of the
//!   epoch by one block (BABE counts slots, GymEmission counts blocks).
//! - An **era** is [`pallet_gym_validators::Terms`]' `sessions_per_era`
//!   sessions: 2 on dev (2 minutes), 6 on the testnet (6 hours). The next
//!   era's validators are elected at the start of its last session by
//!   sequential Phragmén, on chain, within [`ElectionBounds`].
//! - **Payouts** come from the validators' share of emission
//!   ([`pallet_gym_validators`]); pallet-staking mints nothing of its own.
//! - **Slashes** (equivocations reported to GRANDPA or BABE, through
//!   `pallet-offences`) go to the treasury account, after the slash
//!   deferral, unless governance cancels them.
//! - **One bonding per account**: an account that stakes in
//!   `pallet-tiered-staking` cannot bond in `pallet-staking`
//!   ([`HasTieredStake`]), and a bonded stash or controller cannot tier-stake
//!   ([`HasStakingBond`]).

use frame_election_provider_support::{
	bounds::{ElectionBounds as Bounds, ElectionBoundsBuilder},
	onchain, SequentialPhragmen,
};
use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, Contains, Get},
	PalletId,
};
use gym_primitives::MILLISECS_PER_BLOCK;
use sp_runtime::{traits::OpaqueKeys, Perbill};

use super::TreasuryAccount;
use crate::{
	AccountId, Babe, Balance, Balances, Historical, Offences, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeHoldReason, Session, SessionKeys, Staking, TieredStaking, Timestamp,
};

/// BABE's epoch: as many slots as a GymEmission epoch has blocks (set at
/// genesis, never changed).
pub struct EpochDuration;
impl Get<u64> for EpochDuration {
	fn get() -> u64 {
		u64::from(pallet_gym_emission::EpochLength::<Runtime>::get().max(1))
	}
}

/// The BABE parameters of genesis: a primary VRF slot leader with probability
/// 1/4 per slot, and secondary (VRF) slots so that a slot without a primary
/// leader still gets a block: 6 s blocks, also with one validator.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: (1, 4),
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// The most validators (and BABE/GRANDPA authorities) a session can have.
pub const MAX_VALIDATORS: u32 = 100;

parameter_types! {
	/// An equivocation report stays valid in the pool for at most this many
	/// blocks: a bonding duration of the testnet (112 eras × 6 sessions × 600
	/// blocks) bounds the evidence's usefulness.
	pub const ReportLongevity: u64 = 112 * 6 * 600;
	/// Past GRANDPA set ids kept for equivocation proofs.
	pub const MaxSetIdSessionEntries: u64 = 112 * 6;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = frame_support::traits::ConstU64<MILLISECS_PER_BLOCK>;
	/// Sessions (pallet-session) trigger epoch changes.
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = Session;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = MaxExposurePageSize;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_babe::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = MaxExposurePageSize;
	type MaxSetIdSessionEntries = MaxSetIdSessionEntries;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	/// pallet-staking gives the author era points.
	type EventHandler = Staking;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	/// A validator is identified by its stash account.
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, Staking>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// A validator that equivocates is disabled for the rest of the era, up
	/// to a third of the set.
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = ();
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = pallet_staking::UnitIdentificationOf<Self>;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = Staking;
}

parameter_types! {
	/// At most this many voters (nominators and validators) and targets
	/// (validator candidates) take part in an election: the on-chain
	/// election runs in a block, so its work is bounded.
	pub ElectionBounds: Bounds = ElectionBoundsBuilder::default()
		.voters_count(1_000.into())
		.targets_count(MAX_VALIDATORS.saturating_mul(2).into())
		.build();
	/// At most this many backers count for one validator.
	pub const MaxBackersPerWinner: u32 = 256;
	/// Nominators paid per `payout_stakers` call (one page of an exposure).
	pub const MaxExposurePageSize: u32 = 64;
	/// Eras of payouts, exposures and slashing spans kept: 21 days of the
	/// testnet's 6-hour eras. Payouts older than this can no longer be
	/// claimed.
	pub const HistoryDepth: u32 = 84;
	/// The validators' share of emission is paid into this account.
	pub const ValidatorPotId: PalletId = PalletId(*b"gym/vals");
}

/// Sequential Phragmén, on chain.
pub struct OnChainSeqPhragmen;
impl onchain::Config for OnChainSeqPhragmen {
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = Staking;
	type WeightInfo = frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type MaxBackersPerWinner = MaxBackersPerWinner;
	type MaxWinnersPerPage = ConstU32<MAX_VALIDATORS>;
	type Bounds = ElectionBounds;
	type Sort = frame_support::traits::ConstBool<true>;
}

/// Accounts with tiered stake or GYM unbonding from it: pallet-staking
/// refuses them (unbonding GYM is still slashable here; a pallet-staking
/// hold over it would make those slashes fail).
pub struct HasTieredStake;
impl Contains<AccountId> for HasTieredStake {
	fn contains(who: &AccountId) -> bool {
		<TieredStaking as gym_primitives::traits::StakeTiers<AccountId>>::slashable_of(who) > 0
	}
}

/// Stashes and controllers of pallet-staking: pallet-tiered-staking refuses
/// them.
pub struct HasStakingBond;
impl Contains<AccountId> for HasStakingBond {
	fn contains(who: &AccountId) -> bool {
		pallet_staking::Bonded::<Runtime>::contains_key(who)
			|| pallet_staking::Ledger::<Runtime>::contains_key(who)
	}
}

impl pallet_staking::Config for Runtime {
	type OldCurrency = Balances;
	type Currency = Balances;
	type CurrencyBalance = Balance;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = Timestamp;
	/// 18-decimal balances scaled into the solver's u64 votes.
	type CurrencyToVote = sp_staking::currency_to_vote::U128CurrencyToVote;
	type ElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type GenesisElectionProvider = Self::ElectionProvider;
	type NominationsQuota = pallet_staking::FixedNominationsQuota<16>;
	type HistoryDepth = HistoryDepth;
	type RewardRemainder = pallet_gym_validators::RemainderToTreasury<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	/// Slashed GYM goes to the treasury (a transfer: no GYM is destroyed).
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	type Reward = pallet_gym_validators::PayFromPot<Runtime>;
	type SessionsPerEra = pallet_gym_validators::SessionsPerEraOf<Runtime>;
	type BondingDuration = pallet_gym_validators::BondingDurationOf<Runtime>;
	type SlashDeferDuration = pallet_gym_validators::SlashDeferDurationOf<Runtime>;
	/// Governance (Root: a passed referendum): cancels deferred slashes
	/// (Strategic), sets the validator count and staking limits (Economic).
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type SessionInterface = Self;
	type EraPayout = pallet_gym_validators::Pallet<Runtime>;
	type NextNewSession = Session;
	type MaxExposurePageSize = MaxExposurePageSize;
	type MaxValidatorSet = ConstU32<MAX_VALIDATORS>;
	/// No bags-list: voters and targets are read from pallet-staking's own
	/// maps, within [`ElectionBounds`].
	type VoterList = pallet_staking::UseNominatorsAndValidatorsMap<Self>;
	type TargetList = pallet_staking::UseValidatorsMap<Self>;
	type MaxUnlockingChunks = ConstU32<32>;
	type MaxControllersInDeprecationBatch = ConstU32<64>;
	type EventListeners = ();
	type Filter = HasTieredStake;
	type BenchmarkingConfig = StakingBenchmarkingConfig;
	type WeightInfo = pallet_staking::weights::SubstrateWeight<Runtime>;
}

/// pallet-staking's benchmark sizes: the election's own bounds.
pub struct StakingBenchmarkingConfig;
impl pallet_staking::BenchmarkingConfig for StakingBenchmarkingConfig {
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = ConstU32<1_000>;
}

impl pallet_gym_validators::Config for Runtime {
	type Currency = Balances;
	type Emission = crate::GymEmission;
	type PotId = ValidatorPotId;
	type Treasury = TreasuryAccount;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type WeightInfo = pallet_gym_validators::weights::SubstrateWeight<Runtime>;
}

/// Unsigned equivocation reports (GRANDPA, BABE) are created by the node as
/// bare extrinsics.
impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = crate::UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> crate::UncheckedExtrinsic {
		crate::UncheckedExtrinsic::new_bare(call)
	}
}
