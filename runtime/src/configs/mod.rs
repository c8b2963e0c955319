//! Configuration of every pallet in the GYM runtime; consensus and NPoS
//! validators are in [`staking`], referenda and the treasury in
//! [`governance`], foreign assets and GYM-paired pools in [`liquidity`],
//! price feeders and the oracle in [`prices`].

pub mod governance;
pub mod liquidity;
pub mod prices;
pub mod products;
pub mod stability;
pub mod staking;

pub use prices::OraclePrices;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, ConstU8, Get, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, Weight,
	},
	PalletId,
};
use frame_system::limits::{BlockLength, BlockWeights};
use gym_primitives::{MICRO_GYM, SS58_PREFIX};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::{
	traits::{AccountIdConversion, One},
	Perbill,
};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Babe, Balance, Balances, Block, BlockNumber, ComputeMining, GymEmission, Hash,
	Nonce, PalletInfo, RevenueSplit, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason,
	RuntimeHoldReason, RuntimeOrigin, RuntimeTask, System, TieredStaking, EXISTENTIAL_DEPOSIT,
	SLOT_DURATION, VERSION,
};

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	/// Number of recent block hashes kept (mortal transactions may refer to them).
	pub const BlockHashCount: BlockNumber = 2400;
	/// The runtime version.
	pub const Version: RuntimeVersion = VERSION;
	/// 2 seconds of compute in a 6 second block.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// At most 5 MiB of block body.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |m| *m = NORMAL_DISPATCH_RATIO.mul_floor(*m))
		.build();
	/// SS58 address format of GYM accounts.
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

/// The calls anyone but root may dispatch: all but `Balances::burn`, which
/// would destroy GYM outside GymEmission's books (`TotalBurned`), and
/// `Democracy::delegate`. GYM is burned by the rules of the spec only: the
/// revenue split's burn share, `burn_for_access`, the dust of reaped
/// accounts, all booked. A delegation keeps the weight it was made with in
/// every later referendum, after the delegator's stake has unbonded and
/// left the electorate: power without stake, which the seed's formula
/// does not grant. Votes are checked against the voter's power each time.
pub struct BookedCalls;

impl frame_support::traits::Contains<RuntimeCall> for BookedCalls {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(
			call,
			RuntimeCall::Balances(pallet_balances::Call::burn { .. })
				| RuntimeCall::Democracy(pallet_democracy::Call::delegate { .. })
		)
	}
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	/// Refuses user burns and democracy delegations ([`BookedCalls`]).
	type BaseCallFilter = BookedCalls;
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores its state in ParityDB.
	type DbWeight = ParityDbWeight;
	/// Measured for this runtime: ParityDB, fees paid into the revenue pot.
	type ExtensionsWeightInfo = crate::weights::frame_system_extensions::WeightInfo<Runtime>;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	/// A reaped account's transfer-tax window goes with it.
	type OnKilledAccount = crate::GymStability;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the unix epoch.
	type Moment = u64;
	type OnTimestampSet = Babe;
	/// BABE's slot is twice the minimum period: 6 s blocks.
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	/// Dust of reaped accounts (below the existential deposit) is burned and
	/// recorded in `GymEmission::TotalBurned`.
	type DustRemoval = GymEmission;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fee multiplier: constant (no congestion pricing yet).
	pub FeeMultiplier: Multiplier = Multiplier::one();
	/// 10^8 planck per unit of weight: the base fee of any transaction is about
	/// 0.01 GYM, above the existential deposit, so even the first fee can
	/// open the revenue pot's account.
	pub const WeightFeeFactor: Balance = 100_000_000;
	/// 1 micro-GYM per byte of transaction.
	pub const LengthFeeFactor: Balance = MICRO_GYM;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees (and tips) are revenue: they go into `RevenueSplit`'s pot.
	type OnChargeTransaction = FungibleAdapter<Balances, RevenueSplit>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = ConstantMultiplier<Balance, WeightFeeFactor>;
	type LengthToFee = ConstantMultiplier<Balance, LengthFeeFactor>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	/// Measured for this runtime: the fee goes into the revenue split's pot.
	type WeightInfo = crate::weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_gym_emission::Config for Runtime {
	type Currency = Balances;
	/// Root: a passed referendum (and sudo on dev chains).
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type WeightInfo = pallet_gym_emission::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The treasury (`pallet-treasury`): receives early-unstake penalties,
	/// slashes and slashed proposal deposits. Its account is derived from
	/// `gym/trsy`.
	pub const TreasuryPalletId: PalletId = PalletId(*b"gym/trsy");
	/// The treasury's account id.
	pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();
}

impl pallet_tiered_staking::Config for Runtime {
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	/// Penalties and slashes go to the treasury.
	type SlashDestination = TreasuryAccount;
	/// Up to 32 separately aged deposits per staker; later ones merge.
	type MaxDeposits = ConstU32<32>;
	/// A registered compute worker keeps Bronze.
	type StakeFloor = ComputeMining;
	/// pallet-staking's stashes and controllers cannot tier-stake.
	type BondedElsewhere = staking::HasStakingBond;
	/// Up to 16 unbonding chunks per staker; later unstakes merge into the
	/// last at the later release.
	type MaxUnbonding = ConstU32<16>;
	/// Unbonding lasts at least an hour (the dev chains' period); 28 days on
	/// local and test networks, from genesis.
	type MinUnbondingPeriod = ConstU32<{ gym_primitives::HOURS }>;
	type SlashHorizon = MiningSlashHorizon;
	type GovernanceHorizon = ConstU32<GOVERNANCE_HORIZON>;
	/// Root: a passed referendum (and sudo on dev chains).
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	/// Revenue periods are GymEmission's epochs (the revenue split's periods).
	type Clock = GymEmission;
	type WeightInfo = pallet_tiered_staking::weights::SubstrateWeight<Runtime>;
}

/// The longest a governance decision may take, from a proposal to its
/// enactment: 14 days. Governance's voting and enactment periods must fit in
/// it, so that a slash governance decides (`report_malicious`) still finds
/// GYM unstaked when it was proposed: the default unbonding period (28
/// days) outlasts it, which `TieredStaking`'s `integrity_test` checks.
pub const GOVERNANCE_HORIZON: BlockNumber = 14 * gym_primitives::DAYS;

/// The longest compute mining's judgements lag the work they judge, once
/// the worker's stake is no longer held by an open delta or duty: a delta's
/// commit and reveal windows, a dispute's vote, a round's checkpoint period
/// and a dispute window (10 blocks by default) more. 140 blocks, under the
/// shortest unbonding (an hour), which `integrity_test` checks.
pub struct MiningSlashHorizon;
impl Get<BlockNumber> for MiningSlashHorizon {
	fn get() -> BlockNumber {
		use pallet_compute_mining::Config as Mining;
		let commit: BlockNumber = <Runtime as Mining>::CommitWindow::get();
		let reveal: BlockNumber = <Runtime as Mining>::RevealWindow::get();
		let dispute: BlockNumber = <Runtime as Mining>::DisputePeriod::get();
		let round: BlockNumber = <Runtime as Mining>::RoundPeriod::get();
		commit
			.saturating_add(reveal)
			.saturating_add(dispute.saturating_mul(2))
			.saturating_add(round)
	}
}

parameter_types! {
	/// The development fund: receives 15% of revenue. Account derived from
	/// `gym/devf`.
	pub const DevelopmentFundPalletId: PalletId = PalletId(*b"gym/devf");
	/// The development fund's account id.
	pub DevelopmentFundAccount: AccountId =
		DevelopmentFundPalletId::get().into_account_truncating();
	/// The liquidity providers' pot: receives 15% of revenue, from which
	/// `pallet-gym-liquidity` pays the farms. Account derived from `gym/lqty`.
	pub const LiquidityPotPalletId: PalletId = PalletId(*b"gym/lqty");
	/// The liquidity pot's account id.
	pub LiquidityPotAccount: AccountId = LiquidityPotPalletId::get().into_account_truncating();
}

impl pallet_revenue_split::Config for Runtime {
	type Currency = Balances;
	type Emission = GymEmission;
	/// 20% to stakers by boosted stake.
	type Stakers = pallet_revenue_split::ToStakers<TieredStaking>;
	type LiquidityProviders = pallet_revenue_split::ToAccount<LiquidityPotAccount, Balances>;
	type DevelopmentFund = pallet_revenue_split::ToAccount<DevelopmentFundAccount, Balances>;
	/// Access is sold for the trained models of the registry
	/// (`GymProducts`), not for architectures.
	type Models = crate::GymProducts;
	/// Root: a passed referendum (and sudo on dev chains).
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	/// 720 periods: 30 days of one-hour epochs (2 hours on the dev chain).
	type MaxHistory = ConstU32<720>;
	type WeightInfo = pallet_revenue_split::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TieredStaking;
}

impl pallet_compute_mining::Config for Runtime {
	type Staking = TieredStaking;
	type Emission = GymEmission;
	type Revenue = RevenueSplit;
	/// The architectures `gym-trainer` ships, which every orchestrator can
	/// evaluate.
	type Models = gym_primitives::traits::ModelIdsBelow<
		ConstU32<{ gym_primitives::mining::TRAINABLE_MODELS }>,
	>;
	/// Root: a passed referendum (and sudo on dev chains).
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	/// One heartbeat a minute: 60 slots an hour, 60 per 600-block epoch
	/// (one per 10-block epoch on the dev chain).
	type HeartbeatSlot = ConstU32<{ gym_primitives::MINUTES }>;
	/// Downtime is announced at least an hour ahead...
	type DowntimeNotice = ConstU32<{ gym_primitives::HOURS }>;
	/// ...and lasts at most a day.
	type MaxDowntime = ConstU32<{ gym_primitives::DAYS }>;
	/// A job may require up to 7 validation reports.
	type MaxValidations = ConstU32<7>;
	/// Rewards of up to 16 closed epochs wait for a claim.
	type MaxUnclaimedEpochs = ConstU32<16>;
	/// Quality is capped at 2.0 (+200%).
	type MaxQuality = ConstU32<{ gym_primitives::mining::DEFAULT_MAX_QUALITY }>;
	/// A miner may overstate its quality by 0.05 before it is an invalid delta.
	type QualityTolerance = ConstU32<50_000>;
	/// A customer's fine-tuning job costs the governance-set price
	/// (`GymStability::Pricing`: US dollars at the oracle's GYM price, or the
	/// fixed GYM price while that is stale), paid to the revenue split.
	type FineTuningPrice = crate::GymStability;
	/// A finished job's model goes to the registry.
	type Registrar = crate::GymProducts;
	/// Subscribers' jobs are seated first...
	type Priority = crate::GymProducts;
	/// ...at most 64 of them at a time.
	type MaxPriorityJobs = ConstU32<64>;
	/// The BABE VRF output of the block before the draw (see
	/// [`BlockRandomness`]).
	type Randomness = BlockRandomness;
	/// At most 64 orchestrators judge.
	type MaxOrchestrators = ConstU32<64>;
	/// A committee commits within a minute of the delta's submission...
	type CommitWindow = ConstU32<{ gym_primitives::MINUTES }>;
	/// ...and reveals within the next minute.
	type RevealWindow = ConstU32<{ gym_primitives::MINUTES }>;
	/// A block draws the committees of up to 1,024 deltas of the block before.
	type MaxDrawsPerBlock = ConstU32<1_024>;
	/// A job seats at most 64 workers...
	type MaxWorkersPerJob = ConstU32<64>;
	/// ...and a block seats at most 32 waiting workers, round-robin over
	/// jobs.
	type MaxSeatsPerBlock = ConstU32<32>;
	/// The orchestrator set votes on a dispute for a minute (a judgement
	/// may be disputed for `DisputeWindow` blocks, from genesis: a minute
	/// on the testnet).
	type DisputePeriod = ConstU32<{ gym_primitives::MINUTES }>;
	/// A round's committee has ten minutes to agree on its checkpoint
	/// (honest nodes vote within `--round-timeout`, 30 blocks); then anyone
	/// may expire the round.
	type RoundPeriod = ConstU32<{ 10 * gym_primitives::MINUTES }>;
	/// The losing side of a dispute is suspended for a week.
	type SuspensionPeriod = ConstU32<{ 7 * gym_primitives::DAYS }>;
	type WeightInfo = pallet_compute_mining::weights::SubstrateWeight<Runtime>;
}

/// Randomness for committee draws: the VRF output of the parent block's
/// BABE author. Committees are drawn in the block after the deltas'
/// submission, so the VRF is that of the block that included the delta,
/// which its sender could not know when it signed (only that block's author
/// could, and it can at most leave a transaction out). A block without a VRF
/// output (none on this chain: every BABE slot, primary or secondary, carries
/// one) falls back to the randomness of one epoch ago. The subject is mixed
/// in either way.
pub struct BlockRandomness;

impl frame_support::traits::Randomness<Hash, BlockNumber> for BlockRandomness {
	fn random(subject: &[u8]) -> (Hash, BlockNumber) {
		use sp_runtime::traits::Hash as _;
		let (vrf, at) = pallet_babe::ParentBlockRandomness::<Runtime>::random(subject);
		match vrf {
			Some(random) => (random, at),
			None => {
				let (random, at) =
					pallet_babe::RandomnessFromOneEpochAgo::<Runtime>::random(subject);
				(sp_runtime::traits::BlakeTwo256::hash_of(&(random, subject)), at)
			}
		}
	}
}
