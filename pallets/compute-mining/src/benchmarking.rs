//! Benchmarks of `pallet-compute-mining` (frame-benchmarking v2).
//!
//! Calls that look workers up take `n`, the number of other registered
//! workers, to show that their weight does not grow with it. Each call is
//! measured on its most expensive path: a heartbeat that charges downtime,
//! rolls a closed epoch's record and pays out the oldest of a full ledger of
//! unclaimed rewards; a judgement with the most reports; a claim of a full
//! ledger; a customer's paid job.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use gym_primitives::{
	mining::{TrainingParams, MICRO},
	staking::Tier,
	BlockNumber, GYM, HOURS,
};
use sp_core::H256;
use sp_runtime::SaturatedConversion;

/// A hash made of a number (hardware hashes of benchmark workers).
fn numbered(n: u64) -> H256 {
	let mut bytes = [0u8; 32];
	bytes[24..].copy_from_slice(&n.to_be_bytes());
	H256(bytes)
}

fn set_block<T: Config>(n: BlockNumber) {
	frame_system::Pallet::<T>::set_block_number(n.into());
}

/// `n` registered workers that are neither waiting nor assigned.
fn other_workers<T: Config>(n: u32) {
	for i in 0..n {
		let who: T::AccountId = account("other", i, 0);
		let hardware = numbered(u64::from(i) + 1_000_000);
		Workers::<T>::insert(
			&who,
			WorkerInfo {
				hardware_hash: hardware,
				claimed_class: GpuClass::Other,
				verified_class: None,
				attestation: H256::zero(),
				endpoint: Default::default(),
				registered_at: 0,
				last_heartbeat: 0,
				uncharged_from: 1,
				downtime: None,
				assignment: None,
				waiting: false,
				priority: false,
			},
		);
		HardwareOwners::<T>::insert(hardware, who);
	}
}

fn staked<T: Config>(name: &'static str, index: u32, tier: Tier) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Staking::fund_and_stake(&who, tier.minimum());
	who
}

fn registered<T: Config>(who: &T::AccountId, index: u32) -> Result<(), BenchmarkError> {
	Pallet::<T>::do_register(
		who,
		numbered(u64::from(index) + 1),
		GpuClass::H100,
		H256::repeat_byte(7),
		alloc::vec![b'e'; MAX_ENDPOINT_LEN as usize],
	)?;
	Ok(())
}

fn spec(validations: u8) -> JobSpec {
	JobSpec {
		model: 0,
		dataset: 0,
		validation_set: 1,
		base_checkpoint: H256::repeat_byte(1),
		round: 0,
		params: TrainingParams {
			steps: 100,
			batch_size: 32,
			learning_rate: 1_000,
			weight_decay: 10_000,
			seed: 42,
		},
		validations,
		variance_threshold: MICRO,
	}
}

/// A governance job requiring `validations` reports.
fn job<T: Config>(validations: u8) -> Result<JobId, BenchmarkError> {
	let id = NextJobId::<T>::get();
	Pallet::<T>::do_create_job(JobOrigin::Governance, spec(validations))?;
	Ok(id)
}

fn good_report() -> ValidationReport {
	ValidationReport {
		verdict: DeltaVerdict::Valid,
		loss_before: 3 * MICRO,
		loss_after: 3 * MICRO - 10_000,
		val_loss_before: 3 * MICRO,
		val_loss_after: 2 * MICRO,
		grad_variance: 0,
	}
}

/// `count` Gold orchestrators.
fn orchestrators<T: Config>(count: u32) -> alloc::vec::Vec<T::AccountId> {
	(0..count).map(|i| staked::<T>("orchestrator", i, Tier::Gold)).collect()
}

/// A worker assigned to a new job requiring `validations` reports, with a
/// delta accepted in the current epoch (so its reward is part of the
/// epoch's Σ), and the job's orchestrators.
fn productive_worker<T: Config>(
	validations: u8,
) -> Result<(T::AccountId, JobId, alloc::vec::Vec<T::AccountId>), BenchmarkError> {
	let who = staked::<T>("worker", 0, Tier::Diamond);
	registered::<T>(&who, 0)?;
	let orchestrators = orchestrators::<T>(validations.into());
	let job = job::<T>(validations)?;
	Pallet::<T>::do_assign(job, &who)?;
	Pallet::<T>::do_submit_delta(&who, job, H256::repeat_byte(1), 0)?;
	for orchestrator in &orchestrators {
		Pallet::<T>::do_validate(orchestrator, job, &who, H256::repeat_byte(1), good_report())?;
	}
	Ok((who, job, orchestrators))
}

/// The fewest reports a job may require.
fn min_validations<T: Config>() -> u8 {
	MinValidations::<T>::get().max(1)
}

/// The most reports a job may require.
fn max_validations<T: Config>() -> u8 {
	T::MaxValidations::get().min(u8::MAX.into()) as u8
}

/// Closes the current epoch (runs the hook of the next epoch's first block)
/// and moves to block `offset` of the next epoch.
fn close_epoch<T: Config>(offset: BlockNumber) {
	let epoch = T::Emission::current_epoch();
	let next = T::Emission::epoch_end(epoch).saturating_add(1);
	set_block::<T>(next);
	Pallet::<T>::on_block(next.into());
	set_block::<T>(next.saturating_add(offset));
}

/// Fills `who`'s unclaimed ledger with 1 GYM rewards of the closed epoch
/// `epoch`.
fn fill_ledger<T: Config>(who: &T::AccountId, epoch: EpochIndex, count: u32) {
	let entries: alloc::vec::Vec<_> = (0..count).map(|_| (epoch, GYM)).collect();
	Unclaimed::<T>::insert(who, BoundedVec::truncate_from(entries));
	Epochs::<T>::mutate(epoch, |info| {
		let info = info.get_or_insert_with(Default::default);
		info.unclaimed = info.unclaimed.saturating_add(count);
	});
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_worker(n: Linear<0, WEIGHT_WORKERS>) {
		other_workers::<T>(n);
		let caller: T::AccountId = whitelisted_caller();
		T::Staking::fund_and_stake(&caller, Tier::Silver.minimum());

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			H256::repeat_byte(9),
			GpuClass::H100,
			H256::repeat_byte(7),
			alloc::vec![b'e'; MAX_ENDPOINT_LEN as usize],
		);

		assert!(Workers::<T>::contains_key(&caller));
	}

	/// A heartbeat after more than an hour offline, in a later epoch: it
	/// charges the downtime, rolls the closed epoch's record into a full
	/// ledger (paying the oldest reward) and rejoins nothing (assigned).
	#[benchmark]
	fn heartbeat(n: Linear<0, WEIGHT_WORKERS>) -> Result<(), BenchmarkError> {
		other_workers::<T>(n);
		let (who, _, _) = productive_worker::<T>(min_validations::<T>())?;
		let epoch = T::Emission::current_epoch();
		fill_ledger::<T>(&who, epoch, T::MaxUnclaimedEpochs::get());
		close_epoch::<T>(HOURS.saturating_mul(2));
		let staked_before = T::Staking::boosted_stake(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(T::Staking::boosted_stake(&who) < staked_before);
		assert_eq!(Unclaimed::<T>::get(&who).len() as u32, T::MaxUnclaimedEpochs::get());
		Ok(())
	}

	#[benchmark]
	fn schedule_downtime() -> Result<(), BenchmarkError> {
		let (who, _, _) = productive_worker::<T>(min_validations::<T>())?;
		// One block of margin: the benchmark CLI moves block 0 to 1 between
		// the setup and the call.
		let from = Pallet::<T>::now().saturating_add(T::DowntimeNotice::get()).saturating_add(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), from, from.saturating_add(T::MaxDowntime::get()));

		assert!(Workers::<T>::get(&who).and_then(|w| w.downtime).is_some());
		Ok(())
	}

	#[benchmark]
	fn deregister_worker() -> Result<(), BenchmarkError> {
		let (who, job, _) = productive_worker::<T>(min_validations::<T>())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Workers::<T>::contains_key(&who));
		assert_eq!(Jobs::<T>::get(job).map(|j| j.workers), Some(0));
		Ok(())
	}

	/// A customer's job: the payment goes into the revenue split.
	#[benchmark]
	fn create_job() {
		let caller: T::AccountId = whitelisted_caller();
		T::Staking::fund_and_stake(&caller, T::FineTuningPrice::get().saturating_mul(4));
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), spec(max_validations::<T>()));

		assert_eq!(NextJobId::<T>::get(), 1);
	}

	#[benchmark]
	fn assign_job(n: Linear<0, WEIGHT_WORKERS>) -> Result<(), BenchmarkError> {
		other_workers::<T>(n);
		let orchestrator = staked::<T>("orchestrator", 0, Tier::Gold);
		let who = staked::<T>("worker", 0, Tier::Silver);
		registered::<T>(&who, 0)?;
		let job = job::<T>(min_validations::<T>())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(orchestrator), job, who.clone());

		assert_eq!(Workers::<T>::get(&who).and_then(|w| w.assignment), Some(job));
		Ok(())
	}

	#[benchmark]
	fn verify_hardware() -> Result<(), BenchmarkError> {
		let (who, _, orchestrators) = productive_worker::<T>(min_validations::<T>())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(orchestrators[0].clone()), who.clone(), GpuClass::H100);

		assert_eq!(Workers::<T>::get(&who).and_then(|w| w.verified_class), Some(GpuClass::H100));
		Ok(())
	}

	/// Replaces the worker's delta of the previous round.
	#[benchmark]
	fn submit_delta(n: Linear<0, WEIGHT_WORKERS>) -> Result<(), BenchmarkError> {
		other_workers::<T>(n);
		let (who, job, _) = productive_worker::<T>(min_validations::<T>())?;
		Pallet::<T>::do_complete_round(job, H256::repeat_byte(2))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), job, H256::repeat_byte(3), 100_000);

		assert_eq!(Deltas::<T>::get(job, &who).map(|d| d.round), Some(1));
		Ok(())
	}

	/// The last of the most reports a job can require: the delta is judged
	/// and accepted, and the worker's record of a closed epoch rolls.
	#[benchmark]
	fn validate_checkpoint(n: Linear<0, WEIGHT_WORKERS>) -> Result<(), BenchmarkError> {
		other_workers::<T>(n);
		let (who, job, orchestrators) = productive_worker::<T>(max_validations::<T>())?;
		close_epoch::<T>(1);
		Pallet::<T>::do_complete_round(job, H256::repeat_byte(2))?;
		Pallet::<T>::do_submit_delta(&who, job, H256::repeat_byte(5), 0)?;
		for orchestrator in &orchestrators[1..] {
			Pallet::<T>::do_validate(orchestrator, job, &who, H256::repeat_byte(5), good_report())?;
		}

		#[extrinsic_call]
		validate_checkpoint(
			RawOrigin::Signed(orchestrators[0].clone()),
			job,
			who.clone(),
			H256::repeat_byte(5),
			good_report(),
		);

		assert!(matches!(
			Deltas::<T>::get(job, &who).map(|d| d.status),
			Some(DeltaStatus::Accepted(_))
		));
		Ok(())
	}

	/// As `validate_checkpoint`, but the delta is judged corrupt: the worker
	/// is slashed, leaves its job and goes back to the queue.
	#[benchmark]
	fn validate_checkpoint_reject(n: Linear<0, WEIGHT_WORKERS>) -> Result<(), BenchmarkError> {
		other_workers::<T>(n);
		let (who, job, orchestrators) = productive_worker::<T>(max_validations::<T>())?;
		Pallet::<T>::do_complete_round(job, H256::repeat_byte(2))?;
		Pallet::<T>::do_submit_delta(&who, job, H256::repeat_byte(5), 0)?;
		let corrupt = ValidationReport { verdict: DeltaVerdict::WrongShape, ..Default::default() };
		for orchestrator in &orchestrators[1..] {
			Pallet::<T>::do_validate(orchestrator, job, &who, H256::repeat_byte(5), corrupt)?;
		}

		#[extrinsic_call]
		validate_checkpoint(
			RawOrigin::Signed(orchestrators[0].clone()),
			job,
			who.clone(),
			H256::repeat_byte(5),
			corrupt,
		);

		assert!(matches!(
			Deltas::<T>::get(job, &who).map(|d| d.status),
			Some(DeltaStatus::Rejected(_))
		));
		Ok(())
	}

	#[benchmark]
	fn complete_round() -> Result<(), BenchmarkError> {
		let (_, job, orchestrators) = productive_worker::<T>(min_validations::<T>())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(orchestrators[0].clone()), job, H256::repeat_byte(9));

		assert_eq!(Jobs::<T>::get(job).map(|j| j.round), Some(1));
		Ok(())
	}

	/// Claims `u` rewards of an earlier closed epoch, plus the record of the
	/// last epoch rolled now (each minted out of its own epoch's budget).
	#[benchmark]
	fn claim_rewards(
		u: Linear<1, { T::MaxUnclaimedEpochs::get() - 1 }>,
	) -> Result<(), BenchmarkError> {
		let earlier = T::Emission::current_epoch();
		close_epoch::<T>(1);
		let (who, _, _) = productive_worker::<T>(min_validations::<T>())?;
		fill_ledger::<T>(&who, earlier, u);
		close_epoch::<T>(1);
		assert_eq!(Unclaimed::<T>::get(&who).len() as u32, u);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Unclaimed::<T>::get(&who).is_empty());
		Ok(())
	}

	#[benchmark]
	fn report_downtime() -> Result<(), BenchmarkError> {
		let (who, _, _) = productive_worker::<T>(min_validations::<T>())?;
		let now = Pallet::<T>::now();
		set_block::<T>(now.saturating_add(HOURS.saturating_mul(2)));
		let reporter: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(reporter), who.clone());

		assert!(TotalSlashed::<T>::get() > 0);
		Ok(())
	}

	/// The pending slash leaves the worker below Bronze: it is charged and
	/// the worker deregistered, off its job.
	#[benchmark]
	fn settle_slash() -> Result<(), BenchmarkError> {
		let (who, job, _) = productive_worker::<T>(min_validations::<T>())?;
		let stake = T::Staking::stake_of(&who);
		PendingSlashes::<T>::insert(&who, stake - Tier::Bronze.minimum() + 1);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());

		assert_eq!(T::Staking::stake_of(&who), Tier::Bronze.minimum() - 1);
		assert!(!Workers::<T>::contains_key(&who));
		assert_eq!(Jobs::<T>::get(job).map(|j| j.workers), Some(0));
		Ok(())
	}

	#[benchmark]
	fn report_malicious() -> Result<(), BenchmarkError> {
		let (who, _, _) = productive_worker::<T>(min_validations::<T>())?;
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), H256::repeat_byte(6));

		assert!(!Workers::<T>::contains_key(&who));
		Ok(())
	}

	/// A block inside an epoch.
	#[benchmark]
	fn on_initialize_idle() {
		let epoch = T::Emission::current_epoch();
		let block = T::Emission::epoch_end(epoch).saturating_sub(1).max(2);

		#[block]
		{
			Pallet::<T>::on_block(block.saturated_into());
		}
	}

	/// The first block of an epoch, closing one with rewards.
	#[benchmark]
	fn on_initialize_close() -> Result<(), BenchmarkError> {
		let _ = productive_worker::<T>(min_validations::<T>())?;
		let epoch = T::Emission::current_epoch();
		let next = T::Emission::epoch_end(epoch).saturating_add(1);
		set_block::<T>(next);

		#[block]
		{
			Pallet::<T>::on_block(next.saturated_into());
		}

		assert!(Epochs::<T>::get(epoch).and_then(|i| i.budget).is_some());
		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
