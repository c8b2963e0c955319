//! Runtime API of `pallet-compute-mining`. It answers with the records the
//! pallet keeps for workers, jobs and epochs ([`pallet_compute_mining::types`]):
//! what a miner's node, an orchestrator or an explorer reads is what the
//! pallet wrote.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
// `decl_runtime_apis!` states the `Block` bound of its traits twice.
#![allow(clippy::multiple_bound_locations)]
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

use alloc::vec::Vec;
use codec::Codec;
use gym_primitives::EpochIndex;

pub use pallet_compute_mining::{
	Endpoint, EpochInfo, JobId, JobInfo, JobOrigin, JobSpec, LossPoint, MiningParameters,
	PendingRewards, WorkerInfo, MAX_ENDPOINT_LEN, MAX_LOSS_POINTS,
};

sp_api::decl_runtime_apis! {
	/// Queries of GYM compute mining.
	pub trait ComputeMiningApi<AccountId: Codec> {
		/// `who`'s worker record, `None` if not registered.
		fn worker_info(who: AccountId) -> Option<WorkerInfo>;
		/// `who`'s rewards: claimable now and accruing.
		fn pending_rewards(who: AccountId) -> PendingRewards;
		/// A job, `None` if unknown.
		fn job(job: JobId) -> Option<JobInfo<AccountId>>;
		/// An epoch's budget, Σ unadjusted rewards and minted rewards; `None`
		/// for an epoch without rewards (or pruned once fully claimed).
		fn epoch_info(epoch: EpochIndex) -> Option<EpochInfo>;
		/// The mining parameters in force: the quality cap and tolerance
		/// the chain judges with, the bounds on validations, the heartbeat
		/// slot.
		fn parameters() -> MiningParameters;
		/// `job`'s validated loss curve: a point per completed round (the
		/// best losses of its accepted deltas, as their committees measured
		/// them), its last `MAX_LOSS_POINTS` rounds, oldest first; empty for
		/// an unknown job or one without a completed round.
		fn loss_curve(job: JobId) -> Vec<LossPoint>;
	}
}
