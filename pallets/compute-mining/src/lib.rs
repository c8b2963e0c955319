//! # GYM compute mining pallet
//!
//! GPU owners (workers) train models for jobs, orchestrators measure the
//! quality of their work, and the chain pays each worker its share of the
//! epoch's emission budget and slashes those who cheat or vanish. The seed's
//! `MiningPool` and `Orchestrator` contracts, "Compute Mining", "Quality
//! Metrics", "Hardware Tier" and "Slashing Conditions", as one pallet.
//!
//! ## Actors
//!
//! - **Workers** stake Bronze or more with `pallet-tiered-staking` and
//!   [`register_worker`](Pallet::register_worker) with a hardware hash (one
//!   worker per hardware hash: the sybil rule), a claimed GPU class, the hash
//!   of a signed attestation report and the endpoint where they serve deltas.
//!   While registered their stake cannot be unstaked below Bronze
//!   ([`StakeFloor`]). They send a
//!   [`heartbeat`](Pallet::heartbeat) once per heartbeat slot
//!   ([`Config::HeartbeatSlot`] blocks), may
//!   [`schedule_downtime`](Pallet::schedule_downtime) in advance, train the
//!   job the chain seats them in and [`submit_delta`](Pallet::submit_delta),
//!   or [`leave_job`](Pallet::leave_job) for the queue. The block hook seats
//!   waiting workers ([`Queue`]) in jobs with a free seat
//!   ([`Config::MaxWorkersPerJob`]), subscribers' jobs first (see *Priority
//!   ring*), then round-robin over jobs, Silver-or-above workers first, the
//!   choice among equals drawn from on-chain randomness.
//! - **Orchestrators** (Gold tier or above) [`create_job`](Pallet::create_job)
//!   (so do governance, for training priorities, and customers who pay
//!   [`Config::FineTuningPrice`] into the revenue split),
//!   [`verify_hardware`](Pallet::verify_hardware), measure each delta
//!   ([`commit_report`](Pallet::commit_report), then
//!   [`reveal_report`](Pallet::reveal_report)), and record the aggregate of a round's accepted deltas with
//!   [`complete_round`](Pallet::complete_round).
//! - **Job owners** (governance, or the customer who paid) end a job after
//!   a last round with [`end_job_after`](Pallet::end_job_after): its model
//!   is registered with the registry (see *Job end*).
//!
//! ## Quality
//!
//! Quality is measured by orchestrators, never trusted from the miner: each
//! [`ValidationReport`] carries the losses before and after the delta on the
//! job's training batch and validation set and the gradient-norm variance.
//! Once a delta has the job's number of reports (at least
//! [`MinValidations`]), it is judged ([`gym_primitives::mining::judge`]): if
//! more than half of the reports say it is corrupt, or the miner claimed more
//! than the median quality plus [`Config::QualityTolerance`], it is rejected
//! and its worker slashed 5%; otherwise it is accepted with the median
//! quality. A quality comes only from a training-loss gain (the bonuses add
//! to a gain, never replace it), and a delta whose final quality is 0 is
//! rejected as [`Rejection::NoGain`] when finalised: not paid, not
//! aggregated, not slashed, and its worker goes back to the queue.
//!
//! ## Rewards
//!
//! Per epoch of `pallet-gym-emission`, a worker with an accepted delta earns
//! `1000 GYM × (1 + quality) × availability × stake boost × hardware ×
//! difficulty` (see [`gym_primitives::mining`]), with its best quality of the
//! epoch, its online share of the epoch's heartbeat slots outside its
//! scheduled downtime, and its verified GPU class. The unadjusted reward is
//! recomputed, in O(1), whenever one of its inputs changes (a heartbeat, an
//! accepted delta, a hardware verification, a scheduled downtime), and the
//! epoch's running sum Σ follows it. Each accepted delta also adds the
//! samples it trained (`steps × batch_size` of its job) to the epoch's
//! verified work ([`EpochWork`]). When the epoch closes, its budget is fixed:
//! what the schedule leaves, at most Σ and at most the verified work × the
//! governance rate [`WorkBudget`] (1 GYM per sample by default,
//! [`set_work_budget`](Pallet::set_work_budget)), so an idle network mints
//! less than the schedule; and `difficulty = min(1, budget / Σ)`
//! ([`LastDifficulty`] keeps the last one). The worker's next call (or
//! anyone validating its work) moves the epoch's record into its unclaimed
//! rewards, and [`claim_rewards`](Pallet::claim_rewards) mints them through
//! `pallet-gym-emission`'s [`RewardMinter`], out of each epoch's budget.
//! The GYM earned is the worker's mining contribution: reported to the
//! revenue split ([`MiningContribution`]) and kept per day for 30 days
//! ([`Earned`], and [`NetworkEarned`] for every worker together): the
//! mining contribution governance's voting power counts ([`MiningEarnings`]).
//!
//! ## Loss curves
//!
//! When a round completes, the best losses its accepted deltas reached (each
//! delta's median of its committee's `loss_after` and `val_loss_after`) are
//! added to the job's [`LossCurves`] (its last [`MAX_LOSS_POINTS`] rounds): a
//! read-only feed of validated training progress, with no feeder but the
//! committees (runtime API `loss_curve`, RPC `gym_lossCurve`).
//!
//! ## Job end
//!
//! A job trains round after round until its owner (governance for a
//! governance job, the paying customer for a customer's)
//! [`end_job_after`](Pallet::end_job_after) a last round ([`JobEnds`]),
//! which it may move as long as the job is not finished. The vote that
//! completes the first round at or after it hands the model to
//! [`Config::Registrar`]: the checkpoint voted, the round, the losses of
//! the round's point of the loss curve, the owner (`None`: the treasury's)
//! and whether calls need access. Registered, the job is finished
//! ([`FinishedJobs`], [`Event::JobFinished`]); refused (a full registry),
//! the round still completes, the job goes on and its next completed round
//! tries again ([`Event::JobFinishFailed`]): a vote is never lost. A finished
//! job takes no new delta ([`Error::JobFinished`]), while the deltas already
//! sealed or revealed are judged and paid as before; the hook seats nobody
//! in it, and each of its workers goes back to the queue at its next
//! heartbeat (lazily, in O(1)).
//!
//! ## Priority ring
//!
//! A customer with priority access ([`Config::Priority`], a live
//! subscription) puts the job it creates in the priority ring
//! ([`PriorityJobs`], at most [`Config::MaxPriorityJobs`]; a job created
//! while it is full is a normal one). Each step of the seating hook looks
//! first at the ring's job under [`PriorityCursor`]: a full one moves the
//! cursor on, and the step looks at the round-robin job instead; otherwise
//! a job finished, or whose customer's access lapsed, leaves the ring (the
//! last slot moves into its own), and a free seat is filled. Once a whole
//! turn of the ring found every job full in a block, the rest of the
//! block's steps are round-robin only. Jumping the queue costs a period's subscription;
//! filling the ring costs `MaxPriorityJobs` job prices and only reorders
//! seating: every step still seats a worker wherever a seat is free.
//!
//! ## Slashing (through `pallet-tiered-staking`)
//!
//! - Downtime: 0.1% of the stake per full hour of unscheduled missed
//!   heartbeat slots, charged on the worker's next heartbeat or by anyone
//!   with [`report_downtime`](Pallet::report_downtime), each hour once.
//! - Invalid delta: 5% of the stake at the judgement (see Quality). The
//!   judgement fixes the amount in [`PendingSlashes`] and anyone charges it
//!   with [`settle_slash`](Pallet::settle_slash) (free when it settles
//!   something; the orchestrators of `gym-node` do it): a judging report
//!   costs no more than an accepting one, so a block holds as many. Until it
//!   is charged the stake cannot be unstaked below it.
//! - Malicious: 50% and deregistration, by [`Config::GovernanceOrigin`] with
//!   [`report_malicious`](Pallet::report_malicious).
//!
//! A slash that leaves a worker below Bronze deregisters it.
//!
//! ## Cost
//!
//! No call or hook iterates over workers, jobs or epochs: Σ is a running
//! sum, the priority queue is two counters, the priority ring a count and a
//! cursor (each hook step looks at one ring slot), claims loop over at most
//! [`Config::MaxUnclaimedEpochs`] records and judgements over at most
//! [`Config::MaxValidations`] reports.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - every closed epoch minted at most its budget, and Σ of its records is
//!   its Σ unadjusted;
//! - every worker holding an assignment has a stake tier, and every
//!   hardware hash names its worker;
//! - the queue counters count the waiting workers;
//! - [`TotalSlashed`] is what the slash events say;
//! - Σ of every worker's [`Earned`] total is [`NetworkEarned`]'s;
//! - the priority ring fills slots `0..`[`PriorityJobCount`] with distinct
//!   customers' jobs, at most [`Config::MaxPriorityJobs`];
//! - a finished job exists and has no end left to reach.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
// Runtime code never panics and never wraps: see `[workspace.lints]`.
#![cfg_attr(
	not(test),
	deny(
		clippy::arithmetic_side_effects,
		clippy::cast_possible_truncation,
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing
	)
)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use gym_primitives::mining::{DeltaVerdict, GpuClass, Quality, ValidationReport};
pub use gym_primitives::{
	staking::SlashReason,
	traits::{
		EpochClock, MiningContribution, MiningEarnings, ModelRegistrar, ModelRegistry,
		PriorityAccess, RevenueIntake, RewardMinter, StakeFloor, StakeTiers, TrainedModel,
	},
	EpochIndex,
};
pub use types::*;
pub use weights::WeightInfo;

/// A delta record as the pallet stores it for runtime `T`.
pub type DeltaRecordOf<T> =
	DeltaRecord<<T as frame_system::Config>::AccountId, <T as Config>::MaxValidations>;

/// The number of workers the call weights are charged at: the top of the
/// range the benchmarks measure (component `n`). The pallet never iterates
/// over workers; the benchmarks show flat weights in `n`.
pub const WEIGHT_WORKERS: u32 = 1_000;

// FRAME's pallet macro expands to code that uses `expect` (storage prefixes,
// pallet info) and parity-scale-codec's `Encode` derive casts the index of
// data-carrying variants (events, calls, errors) `as u8`: both are allowed in
// this module only. The pallet's logic lives in `impls.rs`, under every lint.
#[frame_support::pallet]
#[allow(clippy::expect_used, clippy::cast_possible_truncation)]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use gym_primitives::{mining::SlotRange, traits::FineTuningPrice as _, Balance, BlockNumber};
	use sp_core::H256;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Stake tiers, boosts and slashing (`pallet-tiered-staking`).
		type Staking: StakeTiers<Self::AccountId>;
		/// Epochs and reward minting (`pallet-gym-emission`).
		type Emission: EpochClock + RewardMinter<Self::AccountId>;
		/// Fine-tuning payments and mining contribution
		/// (`pallet-revenue-split`).
		type Revenue: RevenueIntake<Self::AccountId> + MiningContribution<Self::AccountId>;
		/// The architectures jobs may train (`ModelIdsBelow`: the models
		/// `gym-trainer` ships), not the trained models of the registry: a
		/// job's spec names one of them.
		type Models: ModelRegistry;
		/// Registers the model of a finished job (`pallet-gym-products`):
		/// the checkpoint its committee voted last, with the losses its
		/// validators measured, owned by the job's customer (the treasury's
		/// for a governance job).
		type Registrar: ModelRegistrar<Self::AccountId>;
		/// Who has priority access (a live subscription,
		/// `pallet-gym-products`): the fine-tuning jobs they create go into
		/// the priority ring ([`PriorityJobs`]), whose seats the block hook
		/// fills first, as long as the access lasts.
		type Priority: PriorityAccess<Self::AccountId>;
		/// Most jobs the priority ring holds ([`PriorityJobs`]); a
		/// subscriber's job created while it is full is a normal one.
		#[pallet::constant]
		type MaxPriorityJobs: Get<u32>;
		/// Governance: creates jobs for free and reports malicious workers.
		/// Root until governance lands.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Blocks per heartbeat slot. Must be positive.
		#[pallet::constant]
		type HeartbeatSlot: Get<BlockNumber>;
		/// How many blocks ahead downtime must be scheduled.
		#[pallet::constant]
		type DowntimeNotice: Get<BlockNumber>;
		/// The longest downtime that can be scheduled, in blocks.
		#[pallet::constant]
		type MaxDowntime: Get<BlockNumber>;
		/// Most validation reports a job may require. Must be positive.
		#[pallet::constant]
		type MaxValidations: Get<u32>;
		/// Most closed epochs a worker's unclaimed rewards keep apart; when a
		/// further one closes, the oldest is paid out. Must be positive.
		#[pallet::constant]
		type MaxUnclaimedEpochs: Get<u32>;
		/// The cap on a delta's quality (2.0 = 2,000,000).
		#[pallet::constant]
		type MaxQuality: Get<Quality>;
		/// How far a miner's claimed quality may exceed the validated one.
		#[pallet::constant]
		type QualityTolerance: Get<Quality>;
		/// What a customer pays (to the revenue split, as fine-tuning
		/// revenue) to create a job: a fixed GYM price (`ConstU128`), or one
		/// that follows a price feed.
		type FineTuningPrice: gym_primitives::traits::FineTuningPrice;
		/// Randomness no miner or orchestrator can choose, that committees
		/// are drawn from: the runtime gives the BABE VRF output of the block
		/// that includes the draw.
		type Randomness: frame_support::traits::Randomness<H256, BlockNumberFor<Self>>;
		/// Most members of the orchestrator set. Must be positive.
		#[pallet::constant]
		type MaxOrchestrators: Get<u32>;
		/// Blocks after a delta's submission in which its committee commits
		/// to its reports.
		#[pallet::constant]
		type CommitWindow: Get<BlockNumber>;
		/// Blocks after the commit deadline in which the committee reveals.
		#[pallet::constant]
		type RevealWindow: Get<BlockNumber>;
		/// Most deltas one block may submit: the next block draws their
		/// committees. Must be positive.
		#[pallet::constant]
		type MaxDrawsPerBlock: Get<u32>;
		/// Blocks the orchestrator set has to vote on a dispute or a
		/// hardware check.
		#[pallet::constant]
		type DisputePeriod: Get<BlockNumber>;
		/// Blocks a round has to complete once its committee is drawn (at
		/// its first accepted delta); after them anyone may expire it.
		#[pallet::constant]
		type RoundPeriod: Get<BlockNumber>;
		/// Blocks an orchestrator on the losing side of a dispute is
		/// suspended for: not drawn, cannot dispute or re-join.
		#[pallet::constant]
		type SuspensionPeriod: Get<BlockNumber>;
		/// Most workers one job seats. Must be positive.
		#[pallet::constant]
		type MaxWorkersPerJob: Get<u32>;
		/// Most steps the block hook takes seating waiting workers (each
		/// looks at one job and seats at most one worker). Must be positive.
		#[pallet::constant]
		type MaxSeatsPerBlock: Get<u32>;
		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;
	}

	/// The default of [`MinValidations`]: 3.
	#[pallet::type_value]
	pub fn DefaultMinValidations() -> u8 {
		3
	}

	/// Validation reports every job must require at least (3 by default, 1
	/// on the dev chain), from genesis.
	#[pallet::storage]
	pub type MinValidations<T> = StorageValue<_, u8, ValueQuery, DefaultMinValidations>;

	/// Registered workers.
	#[pallet::storage]
	pub type Workers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, WorkerInfo, OptionQuery>;

	/// The worker each hardware hash backs (the sybil rule).
	#[pallet::storage]
	pub type HardwareOwners<T: Config> = StorageMap<_, Identity, H256, T::AccountId, OptionQuery>;

	/// How many workers wait in the assignment queue: (priority, normal),
	/// the lengths of the two tiers of [`Queue`].
	#[pallet::storage]
	pub type Waiting<T> = StorageValue<_, (u32, u32), ValueQuery>;

	/// The workers waiting for a job, by tier (`true`: Silver or above) and
	/// place `0..len`, where [`Waiting`] gives each tier's length. The block
	/// hook seats them in jobs; leaving moves the tier's last worker into
	/// the free place.
	#[pallet::storage]
	pub type Queue<T: Config> =
		StorageDoubleMap<_, Twox64Concat, bool, Twox64Concat, u32, T::AccountId, OptionQuery>;

	/// Each waiting worker's place in its tier of [`Queue`].
	#[pallet::storage]
	pub type QueuePlace<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, OptionQuery>;

	/// The default of [`DisputeWindow`]: 10 blocks (a minute).
	#[pallet::type_value]
	pub fn DefaultDisputeWindow() -> BlockNumber {
		10
	}

	/// Blocks after a judgement in which an orchestrator may dispute it;
	/// the verdict takes effect after them (from genesis: 10 by default, 3
	/// on the dev-mining chain). A sealed delta may be revealed in the
	/// first block after its round's submission window and this many more.
	#[pallet::storage]
	pub type DisputeWindow<T> = StorageValue<_, BlockNumber, ValueQuery, DefaultDisputeWindow>;

	/// The default of [`SubmitWindow`]: 20 blocks (two minutes).
	#[pallet::type_value]
	pub fn DefaultSubmitWindow() -> BlockNumber {
		20
	}

	/// Blocks from a round's opening in which its deltas are sealed (from
	/// genesis: 20 by default, 2 on the dev chains).
	#[pallet::storage]
	pub type SubmitWindow<T> = StorageValue<_, BlockNumber, ValueQuery, DefaultSubmitWindow>;

	/// Per job, round and delta hash (the bytes): the first worker that
	/// sealed those bytes in the round, the only one paid for them, and the
	/// revealed deltas with them not final. Kept while the round or the next
	/// is open, then while such a delta is not final; a round that expires
	/// hands its owners on to the next (same checkpoint).
	#[pallet::storage]
	pub type RoundContents<T: Config> = StorageNMap<
		_,
		(NMapKey<Twox64Concat, JobId>, NMapKey<Twox64Concat, u32>, NMapKey<Identity, H256>),
		RoundContent<T::AccountId>,
		OptionQuery,
	>;

	/// Per job and round: the sketches of its revealed deltas and their seed
	/// ([`SketchBook`]), how near copies are found. Kept while the round or
	/// the next is open, then while a delta of it is not final; a window
	/// that reopens starts a new book.
	#[pallet::storage]
	pub type RoundSketches<T: Config> = StorageMap<
		_,
		Twox64Concat,
		(JobId, u32),
		SketchBook<T::AccountId, T::MaxWorkersPerJob>,
		OptionQuery,
	>;

	/// The job the block hook looks at first for a free seat (round-robin
	/// over all jobs).
	#[pallet::storage]
	pub type SeatCursor<T> = StorageValue<_, JobId, ValueQuery>;

	/// The id the next job gets.
	#[pallet::storage]
	pub type NextJobId<T> = StorageValue<_, JobId, ValueQuery>;

	/// Jobs.
	#[pallet::storage]
	pub type Jobs<T: Config> =
		StorageMap<_, Twox64Concat, JobId, JobInfo<T::AccountId>, OptionQuery>;

	/// Each worker's latest delta for a job.
	#[pallet::storage]
	pub type Deltas<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		JobId,
		Blake2_128Concat,
		T::AccountId,
		DeltaRecord<T::AccountId, T::MaxValidations>,
		OptionQuery,
	>;

	/// Each worker's activity in the last epoch it was active in.
	#[pallet::storage]
	pub type Activity<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, EpochActivity, OptionQuery>;

	/// Rewards of closed epochs not yet claimed: (epoch, amount), oldest
	/// first.
	#[pallet::storage]
	pub type Unclaimed<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<(EpochIndex, Balance), T::MaxUnclaimedEpochs>,
		ValueQuery,
	>;

	/// Epochs with rewards, until every reward is claimed.
	#[pallet::storage]
	pub type Epochs<T> = StorageMap<_, Twox64Concat, EpochIndex, EpochInfo, OptionQuery>;

	/// GYM earned by mining, per worker.
	#[pallet::storage]
	pub type Earned<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Contribution, OptionQuery>;

	/// GYM earned by mining, every worker together: Σ [`Earned`], kept per
	/// day the same way (governance's electorate counts its last 30 days).
	#[pallet::storage]
	pub type NetworkEarned<T> = StorageValue<_, Contribution, ValueQuery>;

	/// Every planck slashed by this pallet, ever.
	#[pallet::storage]
	pub type TotalSlashed<T> = StorageValue<_, Balance, ValueQuery>;

	/// Invalid-delta slashes judged and not yet charged, per account: 5% of
	/// the stake (less what was already pending) at each judgement. Charged
	/// by [`Pallet::settle_slash`]; until then the account cannot unstake
	/// below it ([`StakeFloor`]).
	#[pallet::storage]
	pub type PendingSlashes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Balance, ValueQuery>;

	/// The active orchestrator set: each member with the stake it joined
	/// with, which weighs its chance of a committee seat and which it cannot
	/// unstake while a member ([`StakeFloor`]).
	#[pallet::storage]
	pub type Orchestrators<T: Config> =
		StorageValue<_, BoundedVec<(T::AccountId, Balance), T::MaxOrchestrators>, ValueQuery>;

	/// Duties an orchestrator holds: seats on committees of deltas not yet
	/// final and on round committees of open rounds, and votes cast in open
	/// disputes and hardware checks. While it holds one it cannot leave the
	/// set, and its whole stake stays bonded ([`StakeFloor`]).
	#[pallet::storage]
	pub type Duties<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Deltas whose committees the block draws in its `on_initialize`: those
	/// submitted in the block before.
	#[pallet::storage]
	pub type PendingDraws<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumber,
		BoundedVec<(JobId, T::AccountId), T::MaxDrawsPerBlock>,
		ValueQuery,
	>;

	/// The bounds of every job's training parameters, set by governance.
	#[pallet::storage]
	pub type TrainingLimits<T> = StorageValue<_, JobLimits, ValueQuery>;

	/// Each job's round committee: the committee of the open round's first
	/// accepted delta, with its checkpoint votes.
	#[pallet::storage]
	pub type RoundCommittees<T: Config> = StorageMap<
		_,
		Twox64Concat,
		JobId,
		RoundCommittee<T::AccountId, T::MaxValidations>,
		OptionQuery,
	>;

	/// Open disputes of judgements, by job and worker.
	#[pallet::storage]
	pub type Disputes<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		JobId,
		Blake2_128Concat,
		T::AccountId,
		Dispute<T::AccountId, T::MaxOrchestrators>,
		OptionQuery,
	>;

	/// Orchestrators on the losing side of a dispute, taken out of the set,
	/// and the first block they may join it again in.
	#[pallet::storage]
	pub type Suspended<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumber, OptionQuery>;

	/// Open checks of workers' GPU classes by the orchestrator set.
	#[pallet::storage]
	pub type HardwareChecks<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		HardwareCheck<T::AccountId, T::MaxOrchestrators>,
		OptionQuery,
	>;

	/// Per worker, how many of its deltas are submitted and not final
	/// (pending or judged). While any is, its whole stake stays bonded
	/// ([`StakeFloor`]), registered or not, so that the slash of a rejection
	/// finds it.
	#[pallet::storage]
	pub type OpenDeltas<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Training samples (`steps × batch_size` of the job) of every delta
	/// accepted, and so paid, in each epoch: the epoch's verified work.
	/// Removed when the epoch closes.
	#[pallet::storage]
	pub type EpochWork<T> = StorageMap<_, Twox64Concat, EpochIndex, u64, ValueQuery>;

	/// The default of [`WorkBudget`]: [`DEFAULT_WORK_BUDGET`] (1 GYM per
	/// verified sample).
	#[pallet::type_value]
	pub fn DefaultWorkBudget() -> Option<Balance> {
		Some(DEFAULT_WORK_BUDGET)
	}

	/// Planck of epoch budget per verified training sample ([`EpochWork`]),
	/// set by governance: an epoch closes with at most `samples × rate` of
	/// budget, so an idle network does not mint the schedule's full amount.
	/// `None`: off (the budget is bounded by the schedule and Σ unadjusted
	/// only).
	#[pallet::storage]
	pub type WorkBudget<T> = StorageValue<_, Option<Balance>, ValueQuery, DefaultWorkBudget>;

	/// The default of [`LastDifficulty`]: 1.
	#[pallet::type_value]
	pub fn DefaultDifficulty() -> sp_runtime::FixedU128 {
		sp_runtime::FixedU128::from_u32(1)
	}

	/// The difficulty (`min(1, budget / Σ unadjusted)`) of the last closed
	/// epoch with rewards; 1 before any.
	#[pallet::storage]
	pub type LastDifficulty<T> =
		StorageValue<_, sp_runtime::FixedU128, ValueQuery, DefaultDifficulty>;

	/// Each job's validated loss curve: a point per completed round, the
	/// last [`MAX_LOSS_POINTS`] rounds, oldest first. A read-only feed of
	/// the training progress the committees measured.
	#[pallet::storage]
	pub type LossCurves<T> = StorageMap<_, Twox64Concat, JobId, LossCurve, ValueQuery>;

	/// Per job, the open round's point of its loss curve so far: the best
	/// losses of the deltas accepted in it. Written to [`LossCurves`] when
	/// the round completes, dropped when it completes or expires.
	#[pallet::storage]
	pub type RoundLosses<T> = StorageMap<_, Twox64Concat, JobId, LossPoint, OptionQuery>;

	/// Where each job ends, as its owner set it
	/// ([`end_job_after`](Pallet::end_job_after)): the first round completed
	/// at or after `last_round` finishes the job. Removed when it finishes.
	#[pallet::storage]
	pub type JobEnds<T> = StorageMap<_, Twox64Concat, JobId, JobEnd, OptionQuery>;

	/// Finished jobs, each with the id its model was registered under
	/// ([`Config::Registrar`]). A finished job takes no new delta and seats
	/// nobody; its workers go back to the queue at their next heartbeat.
	#[pallet::storage]
	pub type FinishedJobs<T> =
		StorageMap<_, Twox64Concat, JobId, gym_primitives::ModelId, OptionQuery>;

	/// The priority ring: subscribers' jobs ([`Config::Priority`]) by slot
	/// `0..`[`PriorityJobCount`], whose seats the block hook fills before
	/// any other job's. A job leaves it (the last slot moves into its own)
	/// when the hook finds it finished or its customer's access lapsed.
	#[pallet::storage]
	pub type PriorityJobs<T> = StorageMap<_, Twox64Concat, u32, JobId, OptionQuery>;

	/// How many jobs the priority ring holds (at most
	/// [`Config::MaxPriorityJobs`]).
	#[pallet::storage]
	pub type PriorityJobCount<T> = StorageValue<_, u32, ValueQuery>;

	/// The slot of the priority ring the block hook looks at first
	/// (round-robin over the ring; taken modulo [`PriorityJobCount`]).
	#[pallet::storage]
	pub type PriorityCursor<T> = StorageValue<_, u32, ValueQuery>;

	/// The customer of each job in the priority ring, with that job: a
	/// customer holds at most one slot, so filling the ring takes as many
	/// subscriptions as slots.
	#[pallet::storage]
	pub type PriorityHolders<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, JobId, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// [`MinValidations`]; 0 keeps the default of 3.
		pub min_validations: u8,
		/// [`SubmitWindow`]; 0 keeps the default of 20 blocks.
		pub submit_window: BlockNumber,
		/// [`DisputeWindow`]; 0 keeps the default of 10 blocks.
		pub dispute_window: BlockNumber,
		/// Governance jobs of the genesis, each (model, base checkpoint,
		/// training seed), with [`GENESIS_JOB_PARAMS`] and
		/// [`MinValidations`] reports a delta: the development chain's job
		/// that its own miner trains.
		pub jobs: alloc::vec::Vec<(gym_primitives::ModelId, H256, u64)>,
		/// Ties the configuration to the runtime; holds nothing.
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.min_validations > 0 {
				MinValidations::<T>::put(self.min_validations);
			}
			if self.submit_window > 0 {
				SubmitWindow::<T>::put(self.submit_window);
			}
			if self.dispute_window > 0 {
				DisputeWindow::<T>::put(self.dispute_window);
			}
			for (model, base_checkpoint, seed) in &self.jobs {
				let spec = JobSpec {
					model: *model,
					dataset: 0,
					validation_set: 1,
					base_checkpoint: *base_checkpoint,
					round: 0,
					params: gym_primitives::mining::TrainingParams {
						seed: *seed,
						..GENESIS_JOB_PARAMS
					},
					validations: MinValidations::<T>::get(),
					variance_threshold: gym_primitives::mining::MICRO,
				};
				Pallet::<T>::do_create_job(JobOrigin::Governance, spec)
					.expect("a genesis job is within the training limits");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `worker` registered.
		WorkerRegistered {
			/// The worker.
			worker: T::AccountId,
			/// The hash of the worker's hardware identity.
			hardware_hash: H256,
			/// The GPU class it claims.
			class: GpuClass,
		},
		/// `worker` left or was removed.
		WorkerDeregistered {
			/// The worker.
			worker: T::AccountId,
			/// Why it left.
			reason: Deregistration,
		},
		/// `worker` sent a heartbeat in `slot`.
		Heartbeat {
			/// The worker.
			worker: T::AccountId,
			/// The slot of the heartbeat.
			slot: u32,
		},
		/// `worker` scheduled downtime for slots `[start, end)`.
		DowntimeScheduled {
			/// The worker.
			worker: T::AccountId,
			/// The scheduled slots.
			slots: SlotRange,
		},
		/// Job `job` was created.
		JobCreated {
			/// The job.
			job: JobId,
			/// Who created it.
			origin: JobOrigin<T::AccountId>,
			/// What it trains.
			spec: JobSpec,
		},
		/// `worker` was assigned to `job`.
		JobAssigned {
			/// The job.
			job: JobId,
			/// The worker assigned.
			worker: T::AccountId,
		},
		/// `worker` left `job` and waits in the queue again.
		JobLeft {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
		},
		/// `job`'s `round` passed its deadline without two thirds of its
		/// committee agreeing: the next round trains from the same
		/// checkpoint.
		RoundExpired {
			/// The job.
			job: JobId,
			/// The expired round.
			round: u32,
		},
		/// The orchestrator set decided `worker`'s GPU class (never above
		/// the class it claims): its rewards use it from now on.
		HardwareVerified {
			/// The worker.
			worker: T::AccountId,
			/// The verified GPU class.
			class: GpuClass,
		},
		/// `opener` opened the orchestrator set's check of `worker`'s GPU
		/// class, voting `class`; the set votes until `deadline`.
		HardwareCheckOpened {
			/// The worker.
			worker: T::AccountId,
			/// The orchestrator that opened it.
			opener: T::AccountId,
			/// Its vote.
			class: GpuClass,
			/// The last block a voter may vote in.
			deadline: BlockNumber,
		},
		/// `voter` voted `class` in the check of `worker`'s GPU class.
		HardwareVoted {
			/// The worker.
			worker: T::AccountId,
			/// The voter.
			voter: T::AccountId,
			/// The class its check of the attestation proves.
			class: GpuClass,
		},
		/// The check of `worker`'s GPU class ended: `class` is the
		/// stake-weighted median vote, `None` without a quorum of stake (the
		/// worker's class does not change). `losers` voted another class and
		/// were slashed and suspended.
		HardwareCheckResolved {
			/// The worker.
			worker: T::AccountId,
			/// The decided class.
			class: Option<GpuClass>,
			/// Voters on the losing side.
			losers: u32,
		},
		/// `worker` sealed a delta for `job`'s `round`: only its seal is
		/// known until it reveals the delta's hash after `submit_until`.
		DeltaSealed {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round the delta is for.
			round: u32,
			/// [`delta_seal`] of the delta's hash, the worker, job and round.
			seal: H256,
			/// The last block of the round's submission window.
			submit_until: BlockNumber,
		},
		/// A sealed delta was not revealed in time and is dropped: nothing
		/// is paid or slashed.
		DeltaUnrevealed {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round the delta was for.
			round: u32,
		},
		/// `worker`'s delta has the bytes `original` sealed first in the
		/// round: it is rejected as a copy when finalised.
		DeltaCopied {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round.
			round: u32,
			/// The first worker to seal those bytes.
			original: T::AccountId,
		},
		/// `worker`'s delta is a near copy of the delta `original` sealed
		/// no later in the round (their sketches are within
		/// `NEAR_COPY_COSINE`): it is rejected as a copy.
		DeltaNearCopy {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round.
			round: u32,
			/// The worker of the delta it is near.
			original: T::AccountId,
		},
		/// `worker` revealed its sealed delta for `job`'s `round`; its
		/// committee is drawn in the next block.
		DeltaSubmitted {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round the delta is for.
			round: u32,
			/// The delta's blake2-256 hash.
			hash: H256,
			/// The quality the miner claims (millionths).
			claimed: Quality,
		},
		/// The committee of `worker`'s delta for `job`'s `round` was drawn
		/// (in the block after its submission, from that block's VRF).
		CommitteeDrawn {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round of the delta.
			round: u32,
			/// The orchestrators drawn to judge it: the only ones who may
			/// report.
			committee: BoundedVec<T::AccountId, T::MaxValidations>,
		},
		/// `orchestrator` committed to its report on `worker`'s delta.
		ReportCommitted {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The committee member.
			orchestrator: T::AccountId,
		},
		/// `worker`'s delta had no quorum of reports by its deadline: it is
		/// neither accepted nor slashed, and the worker may submit again.
		DeltaNoQuorum {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round of the delta.
			round: u32,
			/// Reports revealed.
			revealed: u32,
		},
		/// `orchestrator` joined the orchestrator set with `stake`.
		OrchestratorJoined {
			/// The orchestrator.
			orchestrator: T::AccountId,
			/// The stake it joined with (its weight in committee draws).
			stake: Balance,
		},
		/// `orchestrator` left the orchestrator set.
		OrchestratorLeft {
			/// The orchestrator.
			orchestrator: T::AccountId,
		},
		/// `orchestrator` was slashed `amount` for `reason`.
		OrchestratorSlashed {
			/// The orchestrator.
			orchestrator: T::AccountId,
			/// Why: a missed report, or the losing side of a vote.
			reason: SlashReason,
			/// The amount slashed, in planck.
			amount: Balance,
		},
		/// The committee of `job`'s `round` was fixed: it decides the round's
		/// checkpoint.
		RoundCommitteeDrawn {
			/// The job.
			job: JobId,
			/// The round.
			round: u32,
			/// The members.
			members: BoundedVec<T::AccountId, T::MaxValidations>,
		},
		/// `orchestrator` voted `checkpoint` for `job`'s `round`.
		RoundVoted {
			/// The job.
			job: JobId,
			/// The round.
			round: u32,
			/// The member.
			orchestrator: T::AccountId,
			/// The checkpoint it computed.
			checkpoint: H256,
		},
		/// `worker`'s delta was judged by its committee: `verdict` takes
		/// effect when the delta is finalised, after `dispute_deadline` (or
		/// a dispute).
		DeltaJudged {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round of the delta.
			round: u32,
			/// The committee's verdict.
			verdict: Verdict,
			/// The last block it may be disputed in.
			dispute_deadline: BlockNumber,
		},
		/// `disputer` disputed the judgement of `worker`'s delta: the
		/// orchestrator set votes until `deadline`.
		DeltaDisputed {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The orchestrator that disputed.
			disputer: T::AccountId,
			/// The verdict of its report.
			verdict: Verdict,
			/// The last block a voter may vote in.
			deadline: BlockNumber,
		},
		/// `voter` voted `verdict` in the dispute of `worker`'s delta.
		DisputeVoted {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The voter.
			voter: T::AccountId,
			/// The verdict of its report.
			verdict: Verdict,
		},
		/// The dispute of `worker`'s delta was resolved: `verdict` is final.
		DisputeResolved {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// Whether the committee's verdict was overturned.
			overturned: bool,
			/// The final verdict.
			verdict: Verdict,
			/// Orchestrators on the losing side (slashed and suspended).
			losers: u32,
		},
		/// `orchestrator` lost a dispute: out of the set, it may not join
		/// again before `until`.
		OrchestratorSuspended {
			/// The orchestrator.
			orchestrator: T::AccountId,
			/// The first block it is active again in.
			until: BlockNumber,
		},
		/// Governance set the bounds of jobs' training parameters.
		JobLimitsSet {
			/// The new limits.
			limits: JobLimits,
		},
		/// `orchestrator` revealed its report on `worker`'s delta.
		DeltaValidated {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The orchestrator.
			orchestrator: T::AccountId,
			/// The orchestrator's report.
			report: ValidationReport,
		},
		/// `worker`'s delta was accepted with `quality`.
		DeltaAccepted {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round of the delta.
			round: u32,
			/// The validated quality (millionths).
			quality: Quality,
		},
		/// `worker`'s delta was rejected; `slash` is added to its
		/// [`PendingSlashes`] (0 for a rejection that does not
		/// [`slash`](Rejection::slashes)).
		DeltaRejected {
			/// The job.
			job: JobId,
			/// The worker.
			worker: T::AccountId,
			/// The round of the delta.
			round: u32,
			/// Why it was rejected.
			why: Rejection,
			/// The slash fixed for it, in planck.
			slash: Balance,
		},
		/// `job` completed `round`; the next round trains from `checkpoint`.
		RoundCompleted {
			/// The job.
			job: JobId,
			/// The round completed.
			round: u32,
			/// The aggregate checkpoint the next round trains from.
			checkpoint: H256,
		},
		/// `worker` was slashed `amount` for `reason` (`hours` of downtime
		/// for a downtime slash).
		WorkerSlashed {
			/// The worker.
			worker: T::AccountId,
			/// Why it was slashed.
			reason: SlashReason,
			/// Hours of downtime charged (0 for other reasons).
			hours: u32,
			/// The amount slashed, in planck.
			amount: Balance,
		},
		/// Governance reported `worker` malicious with `evidence`.
		MaliciousReported {
			/// The worker.
			worker: T::AccountId,
			/// The hash of the evidence.
			evidence: H256,
		},
		/// `worker`'s reward for `epoch` is fixed: `amount` after difficulty.
		RewardEarned {
			/// The worker.
			worker: T::AccountId,
			/// The epoch.
			epoch: EpochIndex,
			/// The reward after difficulty, in planck.
			amount: Balance,
		},
		/// `worker` was paid `amount` of mining rewards.
		RewardsClaimed {
			/// The worker.
			worker: T::AccountId,
			/// The amount minted, in planck.
			amount: Balance,
		},
		/// `worker`'s `amount` for `epoch` could not be minted and is
		/// forfeited (its account cannot take it, or the epoch has no budget
		/// left); its other rewards are paid.
		RewardUnmintable {
			/// The worker.
			worker: T::AccountId,
			/// The epoch.
			epoch: EpochIndex,
			/// The reward that could not be minted, in planck.
			amount: Balance,
		},
		/// Governance set the epoch budget per verified training sample
		/// (`None`: no work bound).
		WorkBudgetSet {
			/// Planck per sample, or `None`.
			rate: Option<Balance>,
		},
		/// `epoch` closed with this budget and Σ unadjusted rewards.
		EpochClosed {
			/// The epoch.
			epoch: EpochIndex,
			/// The epoch's emission budget, in planck.
			budget: Balance,
			/// Σ of the workers' unadjusted rewards, in planck.
			unadjusted: Balance,
		},
		/// `job`'s owner set where it ends: the first round completed at or
		/// after `last_round` finishes it.
		JobEndSet {
			/// The job.
			job: JobId,
			/// The last round it trains.
			last_round: u32,
			/// Whether its model will need access.
			premium: bool,
		},
		/// `job` finished: its model was registered as `model`, trained to
		/// `checkpoint` (the aggregate its committee voted last).
		JobFinished {
			/// The job.
			job: JobId,
			/// The id of the registered model.
			model: gym_primitives::ModelId,
			/// The final checkpoint.
			checkpoint: H256,
		},
		/// `job` completed `round`, at or after its last, but its model could
		/// not be registered (the registry refused it, or the round has no
		/// validated losses): the round stands, the job goes on, and its next
		/// completed round tries again.
		JobFinishFailed {
			/// The job.
			job: JobId,
			/// The round completed.
			round: u32,
		},
		/// `job`, a subscriber's, joined the priority ring: its seats are
		/// filled first.
		JobPrioritised {
			/// The job.
			job: JobId,
		},
		/// `job` left the priority ring: it finished, or its customer's
		/// priority access lapsed.
		JobDeprioritised {
			/// The job.
			job: JobId,
		},
	}

	/// Why a worker left.
	#[derive(
		Clone,
		Copy,
		Debug,
		PartialEq,
		Eq,
		Encode,
		Decode,
		DecodeWithMemTracking,
		MaxEncodedLen,
		TypeInfo,
	)]
	pub enum Deregistration {
		/// The worker deregistered itself.
		Voluntary,
		/// A slash left its stake below Bronze.
		StakeBelowBronze,
		/// Governance found it malicious.
		Malicious,
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account's stake is below Bronze.
		BelowBronzeTier,
		/// The account's stake is below Gold: it may not orchestrate.
		NotOrchestrator,
		/// The account is already a registered worker.
		AlreadyRegistered,
		/// Another worker registered this hardware hash.
		HardwareAlreadyRegistered,
		/// The endpoint is longer than 256 bytes or empty.
		BadEndpoint,
		/// The account is not a registered worker.
		NotWorker,
		/// The worker already sent a heartbeat in this slot.
		HeartbeatAlreadySent,
		/// Downtime must start at least `DowntimeNotice` blocks ahead.
		DowntimeTooSoon,
		/// Downtime must end after it starts and last at most `MaxDowntime`.
		BadDowntime,
		/// The worker's scheduled downtime is under way.
		DowntimeInProgress,
		/// No full hour of unscheduled downtime to charge.
		NoDowntime,
		/// The job spec requires fewer reports than `MinValidations`, more
		/// than `MaxValidations`, or trains for no step or on empty batches.
		BadJobSpec,
		/// The job's model is unknown.
		UnknownModel,
		/// No job has this id.
		UnknownJob,
		/// The worker is not waiting for a job (it is assigned, or was taken
		/// off the queue for downtime: a heartbeat puts it back).
		NotWaiting,
		/// The job seats `MaxWorkersPerJob` workers already.
		JobFull,
		/// The round's submission window is over (and a delta of the round
		/// was accepted, or is still open): wait for the next round.
		SubmissionClosed,
		/// The worker's delta is not sealed (none, or already revealed).
		NotSealed,
		/// The round's submission window is still open: no bytes or hash
		/// are shown before it ends.
		SubmissionOpen,
		/// The sealed delta's reveal window is over.
		DeltaRevealOver,
		/// The hash does not open the seal.
		BadSeal,
		/// The round has `MaxWorkersPerJob` revealed deltas already.
		RoundFull,
		/// A delta of the round sealed no later than this one has no fixed
		/// sketch yet (its committee or its dispute is still out): this one
		/// cannot be checked for a near copy before it is.
		EarlierDeltaOpen,
		/// The worker is not assigned to this job.
		NotAssignedWorker,
		/// The claimed quality is above `MaxQuality`.
		ClaimedQualityTooHigh,
		/// The worker already submitted a delta in this round.
		DuplicateDelta,
		/// The worker has no delta for this job.
		NoDelta,
		/// The hash is not the submitted delta's.
		DeltaHashMismatch,
		/// The delta belongs to a round that is over.
		StaleRound,
		/// The delta was already judged.
		AlreadyJudged,
		/// This orchestrator already reported on the delta.
		DuplicateReport,
		/// Orchestrators may not judge their own work.
		SelfValidation,
		/// The round has no accepted delta to aggregate.
		NoAcceptedDelta,
		/// There are no rewards to claim.
		NothingToClaim,
		/// The account has no pending slash.
		NoPendingSlash,
		/// A counter would overflow.
		ArithmeticOverflow,
		/// The job's steps exceed the limit.
		TooManySteps,
		/// The job's batch size exceeds the limit.
		BatchTooLarge,
		/// The job's steps × batch size exceed the sample limit.
		TooManySamples,
		/// The job's learning rate is outside the limits.
		BadLearningRate,
		/// The job's weight decay exceeds the limit.
		BadWeightDecay,
		/// The limits are incoherent (a zero bound, an empty range).
		BadJobLimits,
		/// The account is already in the orchestrator set.
		AlreadyOrchestrator,
		/// The account is not in the orchestrator set.
		NotInOrchestratorSet,
		/// The orchestrator set is full.
		OrchestratorSetFull,
		/// The orchestrator sits on a committee that has not judged yet.
		OrchestratorOnDuty,
		/// Fewer orchestrators than the job's validations can judge the
		/// delta.
		CommitteeUnavailable,
		/// This block's deltas fill the next block's committee draws: submit
		/// in the next block.
		DrawQueueFull,
		/// The caller is not on the committee.
		NotInCommittee,
		/// The member already committed.
		AlreadyCommitted,
		/// The commit deadline passed.
		CommitPhaseOver,
		/// The member did not commit.
		NotCommitted,
		/// The member already revealed.
		AlreadyRevealed,
		/// Reveals open when every member committed or the commit deadline
		/// passed.
		CommitPhaseOpen,
		/// The reveal deadline passed.
		RevealPhaseOver,
		/// The report and salt do not match the commitment.
		BadReveal,
		/// The delta cannot be closed before its deadline.
		RevealPhaseOpen,
		/// The round named is not the job's open round.
		WrongRound,
		/// The open round is closing: no delta joins it any more.
		RoundClosing,
		/// The round has no committee yet (no accepted delta).
		NoRoundCommittee,
		/// The vote counts another number of accepted deltas than the chain.
		AcceptedMismatch,
		/// The member already voted.
		AlreadyVoted,
		/// The worker's previous delta on the job is not final yet.
		DeltaNotFinal,
		/// The delta is not awaiting finalisation (not judged, or already
		/// final).
		NotJudged,
		/// The delta's dispute window is still open.
		DisputeWindowOpen,
		/// The delta's dispute window is over.
		DisputeWindowOver,
		/// The delta's dispute is still being voted on.
		DisputeOpen,
		/// The delta's dispute voting is over.
		DisputeOver,
		/// The judgement is already disputed.
		AlreadyDisputed,
		/// The report agrees with the judgement (its verdict within the
		/// tolerance, the same sketch): nothing to dispute.
		VerdictAgrees,
		/// The orchestrator lost a dispute and is suspended.
		OrchestratorSuspended,
		/// The caller is not a voter of the dispute.
		NotAVoter,
		/// The delta has no open dispute.
		NoDispute,
		/// The round's deadline has not passed.
		RoundOpen,
		/// The round's deadline passed: it can only expire.
		RoundOverdue,
		/// The class voted is the worker's verified class: nothing to check.
		ClassAgrees,
		/// The worker has no open hardware check.
		NoHardwareCheck,
		/// The hardware check's voting is over.
		HardwareCheckOver,
		/// The hardware check's voting is still open.
		HardwareCheckOpen,
		/// The worker registered again since the check opened: its
		/// attestation report is another one.
		StaleHardwareCheck,
		/// The caller is not the customer who paid for the job (a
		/// governance job is ended by governance).
		NotJobOwner,
		/// The job finished: it takes no new delta, and its end cannot move.
		JobFinished,
		/// The job's last round would be a round it already completed.
		RoundAlreadyCompleted,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Closes the previous epoch in the first block of a new one (O(1)),
		/// draws the committees of the previous block's deltas (at most
		/// `MaxDrawsPerBlock`) and seats waiting workers in jobs (at most
		/// `MaxSeatsPerBlock` steps).
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::on_block(n)
		}

		fn integrity_test() {
			assert!(T::HeartbeatSlot::get() > 0, "HeartbeatSlot must be positive");
			assert!(T::MaxValidations::get() > 0, "MaxValidations must be positive");
			assert!(T::MaxUnclaimedEpochs::get() > 0, "MaxUnclaimedEpochs must be positive");
			assert!(T::MaxOrchestrators::get() > 0, "MaxOrchestrators must be positive");
			assert!(T::MaxDrawsPerBlock::get() > 0, "MaxDrawsPerBlock must be positive");
			assert!(T::RoundPeriod::get() > 0, "RoundPeriod must be positive");
			assert!(T::MaxWorkersPerJob::get() > 0, "MaxWorkersPerJob must be positive");
			assert!(T::MaxSeatsPerBlock::get() > 0, "MaxSeatsPerBlock must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller (Bronze or above) as a worker with its
		/// hardware hash, claimed GPU class, attestation report hash and
		/// endpoint. Counts as its first heartbeat and puts it in the queue.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_worker(WEIGHT_WORKERS))]
		pub fn register_worker(
			origin: OriginFor<T>,
			hardware_hash: H256,
			gpu_class: GpuClass,
			attestation_report_hash: H256,
			endpoint: alloc::vec::Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(&who, hardware_hash, gpu_class, attestation_report_hash, endpoint)
		}

		/// Marks the caller online for the current heartbeat slot, charging
		/// any full hour of unscheduled downtime since its last heartbeat.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::heartbeat(WEIGHT_WORKERS))]
		pub fn heartbeat(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_heartbeat(&who)
		}

		/// Schedules downtime for blocks `[from, to)`, at least
		/// `DowntimeNotice` blocks ahead and at most `MaxDowntime` long; it
		/// replaces a window that has not started.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::schedule_downtime())]
		pub fn schedule_downtime(
			origin: OriginFor<T>,
			from: BlockNumber,
			to: BlockNumber,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_schedule_downtime(&who, from, to)
		}

		/// Deregisters the caller: the downtime it owes (unscheduled hours
		/// since its last heartbeat, 0.1% of its stake each) is charged
		/// first; it leaves its job and the queue, and its hardware hash is
		/// free again. Rewards earned stay claimable.
		#[pallet::call_index(3)]
		// Charged as a deregistration and a downtime report's slash.
		#[pallet::weight(
			T::WeightInfo::deregister_worker().saturating_add(T::WeightInfo::report_downtime())
		)]
		pub fn deregister_worker(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister(&who)
		}

		/// Creates a job within the [`TrainingLimits`]: free for governance
		/// (the network's training priorities); any signed account pays
		/// `FineTuningPrice` into the revenue split as fine-tuning revenue.
		/// A customer with priority access ([`Config::Priority`]) puts its
		/// job in the priority ring while the ring has room.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::create_job())]
		pub fn create_job(origin: OriginFor<T>, spec: JobSpec) -> DispatchResult {
			let job_origin = match T::GovernanceOrigin::try_origin(origin) {
				Ok(_) => JobOrigin::Governance,
				Err(origin) => {
					let who = ensure_signed(origin)?;
					JobOrigin::Customer(who, T::FineTuningPrice::fine_tuning_price())
				}
			};
			Self::do_create_job(job_origin, spec)
		}

		/// Votes `gpu_class`, the class the caller's check of `worker`'s
		/// signed attestation report proves, in the orchestrator set's check
		/// of `worker`'s hardware. With no check open, a member of the set
		/// (other than the worker) opens one: for a worker not verified yet,
		/// or to re-verify one whose verified class differs from
		/// `gpu_class`. Its voters are the set (less the worker), weighted
		/// by stake, for `DisputePeriod` blocks. The last vote, or
		/// `close_hardware_check` after the deadline, decides: with more
		/// than half of the stake voting, the stake-weighted median class,
		/// never above the class the worker claims; every voter of another
		/// class is slashed 5% and suspended.
		#[pallet::call_index(6)]
		#[pallet::weight(
			T::WeightInfo::verify_hardware(T::MaxOrchestrators::get())
				.saturating_add(T::WeightInfo::resolve_hardware(T::MaxOrchestrators::get()))
		)]
		pub fn verify_hardware(
			origin: OriginFor<T>,
			worker: T::AccountId,
			gpu_class: GpuClass,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (voters, resolved) = Self::do_verify_hardware(&who, &worker, gpu_class)?;
			let mut weight = T::WeightInfo::verify_hardware(voters);
			if resolved {
				weight = weight.saturating_add(T::WeightInfo::resolve_hardware(voters));
			}
			Ok(Some(weight).into())
		}

		/// Seals the caller's delta for `job_id`'s open round: `seal` is
		/// [`delta_seal`] of the delta's hash, the caller, the job and the
		/// round, and `claimed_quality` the quality it claims. Only the job's
		/// seated workers, one delta per round, within the round's
		/// submission window (`JobInfo::submit_until`; a round with no
		/// accepted delta opens a new window). The worker reveals the hash
		/// after the window ([`Pallet::reveal_delta`]) and serves the bytes
		/// only then, so no one can seal a copy in time. A finished job
		/// ([`FinishedJobs`]) takes no new delta.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::submit_delta(T::MaxOrchestrators::get()))]
		pub fn submit_delta(
			origin: OriginFor<T>,
			job_id: JobId,
			seal: H256,
			claimed_quality: Quality,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_delta(&who, job_id, seal, claimed_quality)
		}

		/// Reveals `delta_hash`, the blake2-256 of the bytes the caller sealed
		/// for `job_id`, in the first block after the round's submission window
		/// or the [`DisputeWindow`] blocks after it. The next block draws the
		/// delta's committee: `validations` members of the orchestrator set,
		/// by stake, never the worker, from the VRF output of this block,
		/// which the caller could not know when it signed. Bytes another
		/// worker sealed first in the round make the delta a copy.
		#[pallet::call_index(25)]
		#[pallet::weight(
			// The caller pays for the committee draw its delta costs the
			// next block's `on_initialize`.
			T::WeightInfo::reveal_delta().saturating_add(
				T::WeightInfo::on_initialize_draws(1)
					.saturating_sub(T::WeightInfo::on_initialize_draws(0))
			)
		)]
		pub fn reveal_delta(
			origin: OriginFor<T>,
			job_id: JobId,
			delta_hash: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal_delta(&who, job_id, delta_hash)
		}

		/// Commits a committee member to its report on `worker`'s delta:
		/// `commitment` is [`report_commitment`] of the report, a secret salt
		/// and the member. Until the commit deadline.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::commit_report())]
		pub fn commit_report(
			origin: OriginFor<T>,
			job_id: JobId,
			worker: T::AccountId,
			commitment: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit(&who, job_id, &worker, commitment)
		}

		/// Votes `checkpoint`, the aggregate of the `accepted` deltas accepted
		/// in `job_id`'s open `round`, as the checkpoint the next round
		/// trains from. Round committee members only. Two thirds of the
		/// committee naming one checkpoint complete the round; members who
		/// voted another are slashed 5%. A round completed at or after the
		/// job's end ([`JobEnds`]) finishes the job and registers its model.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::complete_round(T::MaxValidations::get()))]
		pub fn complete_round(
			origin: OriginFor<T>,
			job_id: JobId,
			round: u32,
			accepted: u32,
			checkpoint: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_vote_round(&who, job_id, round, accepted, checkpoint)
		}

		/// Mints the caller's rewards of every closed epoch.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::claim_rewards(T::MaxUnclaimedEpochs::get()))]
		pub fn claim_rewards(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(&who)
		}

		/// Charges `worker`'s full hours of unscheduled downtime since its
		/// last heartbeat (0.1% of its stake each) and takes it off the
		/// assignment queue until its next heartbeat. Anyone may call.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::report_downtime())]
		pub fn report_downtime(origin: OriginFor<T>, worker: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_report_downtime(&worker)
		}

		/// Slashes `worker` 50% and deregisters it for malicious behaviour
		/// proven by `evidence_hash`. Governance only.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::report_malicious())]
		pub fn report_malicious(
			origin: OriginFor<T>,
			worker: T::AccountId,
			evidence_hash: H256,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_report_malicious(&worker, evidence_hash)
		}

		/// Reveals the report a committee member committed to. Once every
		/// member has revealed, the delta is judged on the median of the
		/// reports (accepted, or rejected and 5% of the worker's stake added
		/// to its [`PendingSlashes`]).
		#[pallet::call_index(14)]
		#[pallet::weight(
			T::WeightInfo::reveal_report(T::MaxValidations::get())
				.max(T::WeightInfo::reveal_report_reject(T::MaxValidations::get()))
		)]
		pub fn reveal_report(
			origin: OriginFor<T>,
			job_id: JobId,
			worker: T::AccountId,
			report: ValidationReport,
			salt: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal(&who, job_id, &worker, report, salt)
		}

		/// Closes `worker`'s delta after its deadline: judged on the revealed
		/// reports if they are a quorum (more than half the committee), else
		/// dropped without slash so that the worker may submit again. Members
		/// who did not reveal are slashed 0.1%. Anyone may call; free when it
		/// closes the delta.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::close_delta(T::MaxValidations::get()).saturating_add(
			T::WeightInfo::reveal_report(T::MaxValidations::get())
				.max(T::WeightInfo::reveal_report_reject(T::MaxValidations::get()))
		))]
		pub fn close_delta(
			origin: OriginFor<T>,
			job_id: JobId,
			worker: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_close(job_id, &worker)?;
			Ok(Pays::No.into())
		}

		/// Joins the orchestrator set (Gold tier or above) with the caller's
		/// stake, which weighs its committee seats and stays bonded while it
		/// is a member.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::join_orchestrators(T::MaxOrchestrators::get()))]
		pub fn join_orchestrators(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_join_set(&who)
		}

		/// Leaves the orchestrator set; not while on a committee that has
		/// not judged.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::leave_orchestrators(T::MaxOrchestrators::get()))]
		pub fn leave_orchestrators(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_leave_set(&who)
		}

		/// Sets the bounds of jobs' training parameters. Governance only.
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::set_job_limits())]
		pub fn set_job_limits(origin: OriginFor<T>, limits: JobLimits) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(limits.is_valid(), Error::<T>::BadJobLimits);
			TrainingLimits::<T>::put(limits);
			Self::deposit_event(Event::JobLimitsSet { limits });
			Ok(())
		}

		/// Sets the epoch budget per verified training sample ([`WorkBudget`]):
		/// from the next epoch that closes, its budget is at most its
		/// [`EpochWork`] × `rate`. `None` removes the bound. Governance only.
		#[pallet::call_index(26)]
		#[pallet::weight(T::WeightInfo::set_work_budget())]
		pub fn set_work_budget(origin: OriginFor<T>, rate: Option<Balance>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			WorkBudget::<T>::put(rate);
			Self::deposit_event(Event::WorkBudgetSet { rate });
			Ok(())
		}

		/// Sets where `job` ends: the first round completed at or after
		/// `last_round` (the open round or a later one) finishes it, and its
		/// model is registered with its final checkpoint, `premium` or not
		/// ([`Config::Registrar`]). Called again, it moves the end. A
		/// governance job's end is set by [`Config::GovernanceOrigin`], a
		/// customer's by the customer who paid for it.
		#[pallet::call_index(27)]
		#[pallet::weight(T::WeightInfo::end_job_after())]
		pub fn end_job_after(
			origin: OriginFor<T>,
			job: JobId,
			last_round: u32,
			premium: bool,
		) -> DispatchResult {
			Self::do_end_job_after(origin, job, last_round, premium)
		}

		/// Takes the caller off the job it is assigned to and back into the
		/// queue. A delta it submitted is still judged (and paid or slashed).
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::leave_job())]
		pub fn leave_job(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_leave_job(&who)
		}

		/// Makes the judgement of `worker`'s delta take effect once no one can
		/// dispute it any more: after its dispute window, or after its
		/// dispute's voting, which it then resolves. Accepted: the worker's
		/// reward counts it and the round aggregates it. Accepted with quality
		/// 0: rejected as [`Rejection::NoGain`], neither paid nor slashed.
		/// Otherwise rejected: 5% of the worker's stake is added to its
		/// [`PendingSlashes`]. Anyone may call; free when it finalises the
		/// delta.
		#[pallet::call_index(20)]
		#[pallet::weight(
			T::WeightInfo::finalise_delta_accept()
				.max(T::WeightInfo::finalise_delta_reject())
				.saturating_add(T::WeightInfo::resolve_dispute(T::MaxOrchestrators::get()))
		)]
		pub fn finalise_delta(
			origin: OriginFor<T>,
			job_id: JobId,
			worker: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let voters = Self::do_finalise(job_id, &worker)?;
			let finalise =
				T::WeightInfo::finalise_delta_accept().max(T::WeightInfo::finalise_delta_reject());
			let weight = match voters {
				Some(v) => finalise.saturating_add(T::WeightInfo::resolve_dispute(v)),
				None => finalise,
			};
			Ok(frame_support::dispatch::PostDispatchInfo {
				actual_weight: Some(weight),
				pays_fee: Pays::No,
			})
		}

		/// Disputes the judgement of `worker`'s delta, within its dispute
		/// window, with the caller's own `report`, whose verdict must
		/// disagree with the committee's. A member of the orchestrator set
		/// not suspended, other than the worker. The whole set (less
		/// suspended members and the worker) votes, weighted by stake; the
		/// caller's stake is its bond: it stays bonded until the dispute is
		/// resolved and is slashed 5% if the caller loses.
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::dispute_delta(T::MaxOrchestrators::get()))]
		pub fn dispute_delta(
			origin: OriginFor<T>,
			job_id: JobId,
			worker: T::AccountId,
			report: ValidationReport,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_dispute(&who, job_id, &worker, report)
		}

		/// Votes the verdict of the caller's own `report` in the dispute of
		/// `worker`'s delta. Voters of the dispute only, until its deadline.
		/// The last vote resolves the dispute: the stake-weighted median
		/// verdict decides, and every voter and committee member who said
		/// otherwise is slashed 5% and suspended.
		#[pallet::call_index(22)]
		#[pallet::weight(
			T::WeightInfo::vote_dispute(T::MaxOrchestrators::get())
				.saturating_add(T::WeightInfo::resolve_dispute(T::MaxOrchestrators::get()))
				.saturating_add(
					T::WeightInfo::finalise_delta_accept()
						.max(T::WeightInfo::finalise_delta_reject())
				)
		)]
		pub fn vote_dispute(
			origin: OriginFor<T>,
			job_id: JobId,
			worker: T::AccountId,
			report: ValidationReport,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (voters, resolved) = Self::do_vote_dispute(&who, job_id, &worker, report)?;
			let mut weight = T::WeightInfo::vote_dispute(voters);
			if resolved {
				weight =
					weight.saturating_add(T::WeightInfo::resolve_dispute(voters)).saturating_add(
						T::WeightInfo::finalise_delta_accept()
							.max(T::WeightInfo::finalise_delta_reject()),
					);
			}
			Ok(Some(weight).into())
		}

		/// Ends the check of `worker`'s hardware after its deadline (see
		/// `verify_hardware`). Anyone may call; free when it ends the check.
		#[pallet::call_index(23)]
		#[pallet::weight(T::WeightInfo::resolve_hardware(T::MaxOrchestrators::get()))]
		pub fn close_hardware_check(
			origin: OriginFor<T>,
			worker: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let voters = Self::do_close_hardware_check(&worker)?;
			Ok(frame_support::dispatch::PostDispatchInfo {
				actual_weight: Some(T::WeightInfo::resolve_hardware(voters)),
				pays_fee: Pays::No,
			})
		}

		/// Expires `job_id`'s open `round` once its committee's deadline
		/// passed without the round completing: the next round trains from
		/// the same checkpoint, so the job's workers go on unharmed; the
		/// round's accepted deltas stay paid. No one is slashed: a worker
		/// that stops serving its accepted delta keeps honest members from
		/// aggregating, so absence proves nothing. Anyone may call; free
		/// when it expires the round.
		#[pallet::call_index(24)]
		#[pallet::weight(T::WeightInfo::expire_round(T::MaxValidations::get()))]
		pub fn expire_round(
			origin: OriginFor<T>,
			job_id: JobId,
			round: u32,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let members = Self::do_expire_round(job_id, round)?;
			Ok(frame_support::dispatch::PostDispatchInfo {
				actual_weight: Some(T::WeightInfo::expire_round(members)),
				pays_fee: Pays::No,
			})
		}

		/// Charges `worker`'s [`PendingSlashes`] (its rejected deltas' 5%
		/// slashes) to its stake; a worker left below Bronze is deregistered.
		/// Anyone may call; free when it charges something.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::settle_slash())]
		pub fn settle_slash(
			origin: OriginFor<T>,
			worker: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_settle_slash(&worker)?;
			Ok(Pays::No.into())
		}
	}
}
