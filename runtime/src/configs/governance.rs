//! Governance: referenda on `pallet-democracy` (with `pallet-preimage` and
//! `pallet-scheduler`), typed proposals and voting power from
//! `pallet-gym-governance`, and `pallet-treasury` on the treasury account.
//!
//! A passed referendum is the only Root of the local and test networks (no
//! sudo key there); dev chains keep Alice's sudo key for convenience. Root
//! is therefore what each proposal type's allow-list ([`GymProposals`])
//! lets a referendum do. `Balances::force_set_balance`,
//! `force_adjust_total_issuance` and `System::set_code` are on no list: GYM
//! is never minted outside GymEmission's books, and runtimes are upgraded by
//! `System::authorize_upgrade` (Strategic) and then anyone's
//! `apply_authorized_upgrade`.

use frame_support::{
	parameter_types,
	traits::{
		fungible::HoldConsideration,
		tokens::{PayFromAccount, UnityAssetBalanceConversion},
		ConstBool, ConstU32, EqualPrivilegeOnly, LinearStoragePrice, NeverEnsureOrigin,
	},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess};
use gym_primitives::{governance::ProposalKind, BlockNumber, GYM, MILLI_GYM};
use pallet_gym_governance::{EnsureProposer, ProposalFilter, VotingCurrency};
use sp_runtime::{traits::AccountIdLookup, Permill};

use super::{RuntimeBlockWeights, TreasuryAccount, TreasuryPalletId, GOVERNANCE_HORIZON};
use crate::{
	AccountId, Balance, Balances, GymGovernance, OriginCaller, Preimage, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, Treasury,
};

parameter_types! {
	/// A preimage costs 1 GYM plus 0.001 GYM per byte, held while it is
	/// stored.
	pub const PreimageBaseDeposit: Balance = GYM;
	/// See [`PreimageBaseDeposit`].
	pub const PreimageByteDeposit: Balance = MILLI_GYM;
	/// The hold reason of preimage deposits.
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Scheduled calls (enacted referenda) may use 80% of a block.
	pub MaximumSchedulerWeight: Weight = {
		let (max, share) = (RuntimeBlockWeights::get().max_block, sp_runtime::Perbill::from_percent(80));
		Weight::from_parts(share.mul_floor(max.ref_time()), share.mul_floor(max.proof_size()))
	};
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	/// Only Root schedules: democracy schedules enactments itself.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	/// A proposal's deposit: at least 1,000 GYM, reserved until it is
	/// tabled (and slashed to the treasury if governance cancels it).
	pub const MinimumDeposit: Balance = 1_000 * GYM;
	/// Unused: no origin may fast-track.
	pub const FastTrackVotingPeriod: BlockNumber = 3 * gym_primitives::HOURS;
}

impl pallet_democracy::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_democracy::weights::SubstrateWeight<Runtime>;
	type Scheduler = Scheduler;
	type Preimages = Preimage;
	/// Votes weigh the seed's voting power, locks are GYM locks.
	type Currency = VotingCurrency<Balances, GymGovernance>;
	type EnactmentPeriod = pallet_gym_governance::EnactmentPeriod<Runtime>;
	type LaunchPeriod = pallet_gym_governance::LaunchPeriod<Runtime>;
	type VotingPeriod = pallet_gym_governance::VotingPeriod<Runtime>;
	type VoteLockingPeriod = pallet_gym_governance::VoteLockingPeriod<Runtime>;
	type CooloffPeriod = pallet_gym_governance::CooloffPeriod<Runtime>;
	type MinimumDeposit = MinimumDeposit;
	type InstantAllowed = ConstBool<false>;
	type FastTrackVotingPeriod = FastTrackVotingPeriod;
	type MaxVotes = ConstU32<100>;
	type MaxProposals = ConstU32<100>;
	type MaxDeposits = ConstU32<100>;
	type MaxBlacklisted = ConstU32<100>;
	/// No council: no external proposals, fast tracks or vetoes.
	type ExternalOrigin = NeverEnsureOrigin<()>;
	type ExternalMajorityOrigin = NeverEnsureOrigin<()>;
	type ExternalDefaultOrigin = NeverEnsureOrigin<()>;
	/// Public proposals come only through `GymGovernance::propose`.
	type SubmitOrigin = EnsureProposer<AccountId>;
	type FastTrackOrigin = NeverEnsureOrigin<()>;
	type InstantOrigin = NeverEnsureOrigin<()>;
	type CancellationOrigin = EnsureRoot<AccountId>;
	type BlacklistOrigin = EnsureRoot<AccountId>;
	type CancelProposalOrigin = EnsureRoot<AccountId>;
	type VetoOrigin = NeverEnsureOrigin<AccountId>;
	type PalletsOrigin = OriginCaller;
	/// Slashed proposal deposits go to the treasury.
	type Slash = Treasury;
}

parameter_types! {
	/// The treasury's daily period (its approvals queue is unused: spends go
	/// through `spend` and `payout`).
	pub const SpendPeriod: BlockNumber = gym_primitives::DAYS;
	/// A spend may be paid out within 30 days of becoming valid.
	pub const PayoutPeriod: BlockNumber = 30 * gym_primitives::DAYS;
	/// The treasury burns nothing: GYM is burned only through GymEmission's
	/// books.
	pub const TreasuryBurn: Permill = Permill::zero();
	/// A referendum may spend up to the whole treasury.
	pub const MaxSpend: Balance = Balance::MAX;
}

/// Benchmark arguments of `pallet-treasury`: the native asset (`()`) and an
/// account from the seed.
#[cfg(feature = "runtime-benchmarks")]
pub struct TreasuryArguments;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_treasury::ArgumentsFactory<(), AccountId> for TreasuryArguments {
	fn create_asset_kind(_: u32) {}
	fn create_beneficiary(seed: [u8; 32]) -> AccountId {
		AccountId::new(seed)
	}
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = EnsureRoot<AccountId>;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	type Burn = TreasuryBurn;
	/// The treasury account that has received penalties and slashes since
	/// genesis (`gym/trsy`).
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	/// Spends are Strategic referenda (Root).
	type SpendOrigin = EnsureRootWithSuccess<AccountId, MaxSpend>;
	/// GYM only.
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = AccountIdLookup<AccountId, ()>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TreasuryArguments;
	type BlockNumberProvider = System;
}

/// The allow-list of each proposal type: what a referendum may do as Root.
///
/// | type      | calls |
/// |-----------|-------|
/// | Technical | `ComputeMining::{create_job, end_job_after, set_job_limits, report_malicious}` |
/// | Economic  | `GymEmission::set_schedule`, `ComputeMining::set_work_budget`, `RevenueSplit::{set_split, set_access_price}`, `TieredStaking::set_unbonding_period`, `GymValidators::{set_validator_share, set_era_terms}`, `Staking::{set_staking_configs, set_validator_count}`, `AssetConversion::set_pool_fee`, `GymLiquidity::{create_farm, set_target}`, `OracleFeeders::{add_member, remove_member, swap_member, reset_members}`, `GymStability::{set_pricing, set_buyback, set_brackets}`, `GymProducts::{set_subscription_price, set_zoo_price, set_zoo_discounts}` and the treasury's models (`GymProducts::{set_premium, list_model, delist_model, list_licence, delist_licence}`) |
/// | Strategic | `Treasury::{spend, void_spend}`, `System::{authorize_upgrade, remark_with_event}`, `GymGovernance::set_periods`, `Democracy::cancel_proposal`, `Staking::cancel_deferred_slash`, `ForeignAssets::{force_create, force_asset_status, force_set_metadata}`, `GymStability::order_buyback` |
///
/// Foreign assets are created, and their owner and issuer appointed, by
/// Strategic referenda only (`ForeignAssets` has no signed `create`).
/// `AssetConversion::create_pool_with_fee` is on no list: it charges the
/// setup fee to an account the referendum names.
/// Price feeders (`OracleFeeders`) are seated and unseated by Economic
/// referenda; `Oracle::feed_values` is on no list (Root's feed would count
/// as one more feeder in the median).
pub struct GymProposals;

impl ProposalFilter<RuntimeCall> for GymProposals {
	fn allows(kind: ProposalKind, call: &RuntimeCall) -> bool {
		use RuntimeCall as C;
		match kind {
			ProposalKind::Technical => matches!(
				call,
				C::ComputeMining(
					pallet_compute_mining::Call::create_job { .. }
						| pallet_compute_mining::Call::end_job_after { .. }
						| pallet_compute_mining::Call::set_job_limits { .. }
						| pallet_compute_mining::Call::report_malicious { .. }
				)
			),
			ProposalKind::Economic => matches!(
				call,
				C::GymEmission(pallet_gym_emission::Call::set_schedule { .. })
					| C::ComputeMining(pallet_compute_mining::Call::set_work_budget { .. })
					| C::RevenueSplit(
						pallet_revenue_split::Call::set_split { .. }
							| pallet_revenue_split::Call::set_access_price { .. }
					) | C::TieredStaking(pallet_tiered_staking::Call::set_unbonding_period { .. })
					| C::GymValidators(
						pallet_gym_validators::Call::set_validator_share { .. }
							| pallet_gym_validators::Call::set_era_terms { .. }
					) | C::Staking(
					pallet_staking::Call::set_staking_configs { .. }
						| pallet_staking::Call::set_validator_count { .. }
				) | C::AssetConversion(pallet_asset_conversion::Call::set_pool_fee { .. })
					| C::GymLiquidity(
						pallet_gym_liquidity::Call::create_farm { .. }
							| pallet_gym_liquidity::Call::set_target { .. }
					) | C::OracleFeeders(
					pallet_membership::Call::add_member { .. }
						| pallet_membership::Call::remove_member { .. }
						| pallet_membership::Call::swap_member { .. }
						| pallet_membership::Call::reset_members { .. }
				) | C::GymStability(
					pallet_gym_stability::Call::set_pricing { .. }
						| pallet_gym_stability::Call::set_buyback { .. }
						| pallet_gym_stability::Call::set_brackets { .. }
				) | C::GymProducts(
					pallet_gym_products::Call::set_subscription_price { .. }
						| pallet_gym_products::Call::set_zoo_price { .. }
						| pallet_gym_products::Call::set_zoo_discounts { .. }
						| pallet_gym_products::Call::set_premium { .. }
						| pallet_gym_products::Call::list_model { .. }
						| pallet_gym_products::Call::delist_model { .. }
						| pallet_gym_products::Call::list_licence { .. }
						| pallet_gym_products::Call::delist_licence { .. }
				)
			),
			ProposalKind::Strategic => matches!(
				call,
				C::Treasury(
					pallet_treasury::Call::spend { .. } | pallet_treasury::Call::void_spend { .. }
				) | C::System(
					frame_system::Call::authorize_upgrade { .. }
						| frame_system::Call::remark_with_event { .. }
				) | C::GymGovernance(pallet_gym_governance::Call::set_periods { .. })
					| C::Democracy(pallet_democracy::Call::cancel_proposal { .. })
					| C::Staking(pallet_staking::Call::cancel_deferred_slash { .. })
					| C::ForeignAssets(
						pallet_assets::Call::force_create { .. }
							| pallet_assets::Call::force_asset_status { .. }
							| pallet_assets::Call::force_set_metadata { .. }
					) | C::GymStability(pallet_gym_stability::Call::order_buyback { .. })
			),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn allowed_call() -> (ProposalKind, RuntimeCall) {
		(
			ProposalKind::Strategic,
			RuntimeCall::System(frame_system::Call::remark_with_event {
				remark: Default::default(),
			}),
		)
	}
}

impl pallet_gym_governance::Config for Runtime {
	type Stakes = crate::TieredStaking;
	/// No liquidity pools yet: the LP term counts 0.
	/// The GYM the farmed pools' LP tokens stand for.
	type Liquidity = crate::GymLiquidity;
	type Mining = crate::ComputeMining;
	type Proposals = GymProposals;
	type GovernanceHorizon = ConstU32<GOVERNANCE_HORIZON>;
	/// Three waiting proposals per account.
	type MaxProposalsPerAccount = ConstU32<3>;
	/// Governance itself (a Strategic referendum).
	type AdminOrigin = EnsureRoot<AccountId>;
	type WeightInfo = pallet_gym_governance::weights::SubstrateWeight<Runtime>;
}
