//! Benchmarks of `pallet-compute-mining` (frame-benchmarking v2).
//!
//! Calls that look workers up take `n`, the number of other registered
//! workers, to show that their weight does not grow with it; calls that read
//! the orchestrator set take `n`, its size; committee calls take `v`, the
//! committee's size. Each call is measured on its most expensive path: a
//! heartbeat that charges downtime, rolls a closed epoch's record, pays
//! out the oldest of a full ledger of unclaimed rewards and leaves a finished
//! job; the reveal that judges a delta; a close that slashes every member;
//! the round vote that slashes every dissenter and finishes the job; a claim
//! of a full ledger; a customer's paid job; seating steps that each read a
//! full job of a full priority ring before seating.

// Benchmark setup runs only in benchmark builds, on sizes bounded by the
// pallet's constants: a failure there fails the benchmark, never a block.
#![allow(
	clippy::arithmetic_side_effects,
	clippy::cast_possible_truncation,
	clippy::type_complexity
)]

use super::*;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use gym_primitives::traits::FineTuningPrice as _;
use gym_primitives::{
	mining::{self, TrainingParams, MICRO},
	sketch::{DeltaSketch, SKETCH_DIM},
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

/// A sketch of its own direction for `n` (independent of the others).
fn bench_sketch(n: u32) -> DeltaSketch {
	let mut sketch = [0i8; SKETCH_DIM];
	for (j, c) in sketch.iter_mut().enumerate() {
		let h = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(
			&(n, j as u32).encode(),
		);
		*c = h.0[0] as i8;
	}
	DeltaSketch(sketch)
}

/// Fills `job`'s open round's sketch book with fixed, independent sketches
/// of other workers sealed at block 0, leaving `room` entries free: the
/// near-copy check of a delta then reads them all.
fn full_book<T: Config>(job: JobId, room: u32) {
	let round = Jobs::<T>::get(job).map(|j| j.round).unwrap_or_default();
	let mut book = RoundSketches::<T>::get((job, round)).unwrap_or_default();
	let fill = T::MaxWorkersPerJob::get().saturating_sub(room);
	let mut i = 0u32;
	while (book.entries.len() as u32) < fill {
		let entry = SketchEntry {
			worker: account::<T::AccountId>("booked", i, 0),
			sealed_at: 0,
			sketch: bench_sketch(i.saturating_add(1_000)),
			fixed_after: Some(0),
		};
		if book.entries.try_push(entry).is_err() {
			break;
		}
		i = i.saturating_add(1);
	}
	RoundSketches::<T>::insert((job, round), book);
}

fn good_report() -> ValidationReport {
	ValidationReport {
		verdict: DeltaVerdict::Valid,
		loss_before: 3 * MICRO,
		loss_after: 3 * MICRO - 10_000,
		val_loss_before: 3 * MICRO,
		val_loss_after: 2 * MICRO,
		grad_variance: 0,
		sketch: bench_sketch(0),
	}
}

/// `count` Gold orchestrators in the orchestrator set.
fn orchestrators<T: Config>(count: u32) -> alloc::vec::Vec<T::AccountId> {
	orchestrators_from::<T>(0, count)
}

/// `count` Gold orchestrators in the orchestrator set, numbered from `first`.
fn orchestrators_from<T: Config>(first: u32, count: u32) -> alloc::vec::Vec<T::AccountId> {
	(first..first.saturating_add(count))
		.map(|i| {
			let who = staked::<T>("orchestrator", i, Tier::Gold);
			// Cannot fail: Gold, not a member, `count` fits the set.
			let _ = Pallet::<T>::do_join_set(&who);
			who
		})
		.collect()
}

fn salt() -> H256 {
	H256::repeat_byte(0x5a)
}

/// Makes `job`'s open round (and its round committee's) round 1, with the
/// owners of `MaxWorkersPerJob` deltas' bytes of round 0 to forget and of
/// round 1 to hand on when it ends: the worst case of a round's end.
fn round_one_with_contents<T: Config>(job: JobId) {
	Jobs::<T>::mutate(job, |j| {
		if let Some(j) = j {
			j.round = 1;
		}
	});
	RoundCommittees::<T>::mutate(job, |c| {
		if let Some(c) = c {
			c.round = 1;
		}
	});
	for round in [0, 1] {
		// With the job's own (its productive worker's delta's bytes).
		let own = RoundContents::<T>::iter_prefix((job, round)).count() as u32;
		for i in own..T::MaxWorkersPerJob::get() {
			let owner: T::AccountId = account("owner", i, 0);
			RoundContents::<T>::insert(
				(job, round, numbered(u64::from(i))),
				RoundContent { sealed_at: 0, owner, open: 0 },
			);
		}
	}
}

/// Seals `who`'s delta `hash` for `job`, in the round's submission window.
fn sealed<T: Config>(who: &T::AccountId, job: JobId, hash: H256) -> Result<(), BenchmarkError> {
	let round = Jobs::<T>::get(job).map(|j| j.round).ok_or(BenchmarkError::Weightless)?;
	Pallet::<T>::do_submit_delta(who, job, delta_seal(&hash, who, job, round), 0)?;
	Ok(())
}

/// Moves past the submission window of `who`'s sealed delta.
fn past_submission<T: Config>(job: JobId, who: &T::AccountId) {
	let until = Deltas::<T>::get(job, who).map(|d| d.commit_deadline).unwrap_or_default();
	if Pallet::<T>::now() <= until {
		set_block::<T>(until.saturating_add(1));
	}
}

/// Seals and reveals `who`'s delta `hash` for `job` and draws its
/// committee.
fn submitted<T: Config>(
	who: &T::AccountId,
	job: JobId,
	hash: H256,
) -> Result<alloc::vec::Vec<T::AccountId>, BenchmarkError> {
	sealed::<T>(who, job, hash)?;
	past_submission::<T>(job, who);
	full_book::<T>(job, 1);
	Pallet::<T>::do_reveal_delta(who, job, hash)?;
	let _ = Pallet::<T>::draw_committees(Pallet::<T>::now().saturating_add(1));
	Ok(Deltas::<T>::get(job, who).map(|d| d.committee.into_inner()).unwrap_or_default())
}

/// Every member of `members` commits to `report` on `who`'s delta.
fn commit_all<T: Config>(
	members: &[T::AccountId],
	job: JobId,
	who: &T::AccountId,
	report: ValidationReport,
) -> Result<(), BenchmarkError> {
	for m in members {
		Pallet::<T>::do_commit(m, job, who, report_commitment(&report, &salt(), m))?;
	}
	Ok(())
}

/// Every member of `members` reveals `report` on `who`'s delta.
fn reveal_all<T: Config>(
	members: &[T::AccountId],
	job: JobId,
	who: &T::AccountId,
	report: ValidationReport,
) -> Result<(), BenchmarkError> {
	for m in members {
		Pallet::<T>::do_reveal(m, job, who, report, salt())?;
	}
	Ok(())
}

/// A worker assigned to a new job requiring `validations` reports, with a
/// delta accepted in the current epoch (so its reward is part of the
/// epoch's Σ), and the job's committee, drawn from a set of `validations`
/// orchestrators.
fn productive_worker<T: Config>(
	validations: u8,
) -> Result<(T::AccountId, JobId, alloc::vec::Vec<T::AccountId>), BenchmarkError> {
	let who = staked::<T>("worker", 0, Tier::Diamond);
	registered::<T>(&who, 0)?;
	orchestrators::<T>(validations.into());
	let job = job::<T>(validations)?;
	Pallet::<T>::do_assign(job, &who)?;
	let members = submitted::<T>(&who, job, H256::repeat_byte(1))?;
	commit_all::<T>(&members, job, &who, good_report())?;
	reveal_all::<T>(&members, job, &who, good_report())?;
	finalised::<T>(job, &who)?;
	Ok((who, job, members))
}

/// Runs past the dispute window of `who`'s judged delta and finalises it,
/// with a heartbeat first: the window may end in a later epoch, in which the
/// worker must be online to earn.
fn finalised<T: Config>(job: JobId, who: &T::AccountId) -> Result<(), BenchmarkError> {
	past_dispute_window::<T>(job, who);
	// Fails only if the worker already sent one in this slot.
	let _ = Pallet::<T>::do_heartbeat(who);
	Pallet::<T>::do_finalise(job, who)?;
	Ok(())
}

/// Moves to the first block after the dispute window of `who`'s delta.
fn past_dispute_window<T: Config>(job: JobId, who: &T::AccountId) {
	let deadline = Deltas::<T>::get(job, who).map(|d| d.dispute_deadline).unwrap_or_default();
	if Pallet::<T>::now() <= deadline {
		set_block::<T>(deadline.saturating_add(1));
	}
}

/// Completes `job`'s open round, then has `who`'s next delta judged by its
/// committee, every member revealing `report`. Returns the committee.
fn judged_delta<T: Config>(
	who: &T::AccountId,
	job: JobId,
	report: ValidationReport,
) -> Result<alloc::vec::Vec<T::AccountId>, BenchmarkError> {
	complete::<T>(job)?;
	let members = submitted::<T>(who, job, H256::repeat_byte(5))?;
	commit_all::<T>(&members, job, who, report)?;
	reveal_all::<T>(&members, job, who, report)?;
	Ok(members)
}

fn corrupt_report() -> ValidationReport {
	ValidationReport { verdict: DeltaVerdict::WrongShape, ..Default::default() }
}

/// A worker's next delta judged (accepted) by a committee of one, drawn
/// from a set of `v` orchestrators; returns the worker, the job, the
/// committee member and the rest of the set.
fn judged_by_one<T: Config>(
	v: u32,
) -> Result<(T::AccountId, JobId, T::AccountId, alloc::vec::Vec<T::AccountId>), BenchmarkError> {
	MinValidations::<T>::put(1);
	let (who, job, _) = productive_worker::<T>(1)?;
	orchestrators_from::<T>(1, v.saturating_sub(1));
	let members = judged_delta::<T>(&who, job, good_report())?;
	let member = members.first().cloned().ok_or(BenchmarkError::Weightless)?;
	let others =
		Orchestrators::<T>::get().into_iter().map(|(m, _)| m).filter(|m| *m != member).collect();
	Ok((who, job, member, others))
}

/// A registered worker claiming an H100, not verified, and a set of `n`
/// orchestrators.
fn hardware_voters<T: Config>(n: u32) -> (T::AccountId, alloc::vec::Vec<T::AccountId>) {
	let who = staked::<T>("worker", 0, Tier::Bronze);
	// Cannot fail: Bronze, its hardware hash unused.
	let _ = registered::<T>(&who, 0);
	(who, orchestrators::<T>(n))
}

/// Completes `job`'s open round by the votes of its committee.
fn complete<T: Config>(job: JobId) -> Result<(), BenchmarkError> {
	let info = Jobs::<T>::get(job).ok_or(BenchmarkError::Weightless)?;
	// Setups that move past epochs move past the round's deadline too: the
	// round is given until now.
	let now = Pallet::<T>::now();
	RoundCommittees::<T>::mutate(job, |c| {
		if let Some(c) = c {
			c.deadline = c.deadline.max(now);
		}
	});
	let committee = RoundCommittees::<T>::get(job).ok_or(BenchmarkError::Weightless)?;
	for m in committee.members {
		if Jobs::<T>::get(job).map(|j| j.round) != Some(info.round) {
			break;
		}
		Pallet::<T>::do_vote_round(&m, job, info.round, info.accepted, H256::repeat_byte(2))?;
	}
	Ok(())
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
	/// ledger (paying the oldest reward), and takes the worker off its
	/// finished job and back into the queue.
	#[benchmark]
	fn heartbeat(n: Linear<0, WEIGHT_WORKERS>) -> Result<(), BenchmarkError> {
		other_workers::<T>(n);
		let (who, job, _) = productive_worker::<T>(min_validations::<T>())?;
		FinishedJobs::<T>::insert(job, 65_536);
		let epoch = T::Emission::current_epoch();
		fill_ledger::<T>(&who, epoch, T::MaxUnclaimedEpochs::get());
		close_epoch::<T>(HOURS.saturating_mul(2));
		let staked_before = T::Staking::boosted_stake(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(T::Staking::boosted_stake(&who) < staked_before);
		assert_eq!(Unclaimed::<T>::get(&who).len() as u32, T::MaxUnclaimedEpochs::get());
		assert!(Workers::<T>::get(&who).is_some_and(|w| w.waiting && w.assignment.is_none()));
		assert_eq!(Jobs::<T>::get(job).map(|j| j.workers), Some(0));
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
		T::Staking::fund_and_stake(
			&caller,
			T::FineTuningPrice::fine_tuning_price().saturating_mul(4),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), spec(max_validations::<T>()));

		assert_eq!(NextJobId::<T>::get(), 1);
	}

	/// An assigned worker leaves its job for the priority queue.
	#[benchmark]
	fn leave_job() -> Result<(), BenchmarkError> {
		let (who, job, _) = productive_worker::<T>(min_validations::<T>())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Jobs::<T>::get(job).map(|j| j.workers), Some(0));
		assert!(Workers::<T>::get(&who).is_some_and(|w| w.waiting && w.assignment.is_none()));
		Ok(())
	}

	#[benchmark]
	fn verify_hardware(n: Linear<2, { T::MaxOrchestrators::get() }>) -> Result<(), BenchmarkError> {
		let (who, set) = hardware_voters::<T>(n);
		let opener = set.first().cloned().ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(opener), who.clone(), GpuClass::H100);

		assert_eq!(HardwareChecks::<T>::get(&who).map(|c| c.vote.voters.len() as u32), Some(n));
		Ok(())
	}

	/// Ends a check of `v` voters at its deadline (`close_hardware_check`):
	/// one voter holding most of the stake votes the true class, every
	/// other voter but the last (who abstains) another, and each of them is
	/// slashed and suspended. (`verify_hardware` is charged this and a
	/// vote.)
	#[benchmark]
	fn resolve_hardware(
		v: Linear<3, { T::MaxOrchestrators::get() }>,
	) -> Result<(), BenchmarkError> {
		let who = staked::<T>("worker", 0, Tier::Bronze);
		registered::<T>(&who, 0)?;
		let whale: T::AccountId = account("whale", 0, 0);
		T::Staking::fund_and_stake(&whale, Tier::Gold.minimum().saturating_mul(v.into()));
		Pallet::<T>::do_join_set(&whale)?;
		let others = orchestrators::<T>(v.saturating_sub(1));
		Pallet::<T>::do_verify_hardware(&whale, &who, GpuClass::H100)?;
		let (_, voting) = others.split_last().ok_or(BenchmarkError::Weightless)?;
		for m in voting {
			Pallet::<T>::do_verify_hardware(m, &who, GpuClass::Other)?;
		}
		let deadline = HardwareChecks::<T>::get(&who).map(|c| c.vote.deadline).unwrap_or_default();
		set_block::<T>(deadline.saturating_add(1));
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		close_hardware_check(RawOrigin::Signed(caller), who.clone());

		assert_eq!(Workers::<T>::get(&who).and_then(|w| w.verified_class), Some(GpuClass::H100));
		assert!(voting.iter().all(Suspended::<T>::contains_key));
		Ok(())
	}

	/// Replaces the worker's delta of the previous round, with `n`
	/// orchestrators in the set (it counts those who can judge) and a queue
	/// of draws all but full.
	#[benchmark]
	fn submit_delta(n: Linear<1, { T::MaxOrchestrators::get() }>) -> Result<(), BenchmarkError> {
		let (who, job, _) = productive_worker::<T>(min_validations::<T>())?;
		complete::<T>(job)?;
		let more = n.saturating_sub(min_validations::<T>().into());
		for i in 0..more {
			let extra = staked::<T>("extra", i, Tier::Gold);
			Pallet::<T>::do_join_set(&extra)?;
		}
		// The round's window has passed with no accepted delta: the seal
		// opens a new one.
		let until = Jobs::<T>::get(job).map(|j| j.submit_until).unwrap_or_default();
		set_block::<T>(until.saturating_add(1));

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), job, H256::repeat_byte(3), 100_000);

		let delta = Deltas::<T>::get(job, &who).ok_or(BenchmarkError::Weightless)?;
		assert_eq!((delta.round, delta.status), (1, DeltaStatus::Sealed));
		Ok(())
	}

	/// A worker reveals its sealed delta: the bytes were revealed in the
	/// round already by another worker (a copy: the record of the round's
	/// bytes is updated), and the queue of draws is all but full.
	#[benchmark]
	fn reveal_delta() -> Result<(), BenchmarkError> {
		let (first, job, _) = productive_worker::<T>(min_validations::<T>())?;
		complete::<T>(job)?;
		let hash = H256::repeat_byte(3);
		let who = staked::<T>("copier", 0, Tier::Diamond);
		registered::<T>(&who, 1)?;
		Pallet::<T>::do_assign(job, &who)?;
		// The copier seals first: its reveal takes the bytes over.
		sealed::<T>(&who, job, hash)?;
		set_block::<T>(Pallet::<T>::now().saturating_add(1));
		sealed::<T>(&first, job, hash)?;
		past_submission::<T>(job, &who);
		full_book::<T>(job, 2);
		Pallet::<T>::do_reveal_delta(&first, job, hash)?;
		let draw_at = Pallet::<T>::now().saturating_add(1);
		let queued: alloc::vec::Vec<_> = (1..T::MaxDrawsPerBlock::get())
			.map(|i| (job, account::<T::AccountId>("queued", i, 0)))
			.collect();
		PendingDraws::<T>::insert(draw_at, BoundedVec::truncate_from(queued));

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), job, hash);

		let content = RoundContents::<T>::get((job, 1, hash)).ok_or(BenchmarkError::Weightless)?;
		assert_eq!(content.owner, who);
		assert_eq!(Jobs::<T>::get(job).map(|j| j.open), Some(2));
		Ok(())
	}

	/// A member commits.
	#[benchmark]
	fn commit_report() -> Result<(), BenchmarkError> {
		let (who, job, _) = productive_worker::<T>(max_validations::<T>())?;
		complete::<T>(job)?;
		let members = submitted::<T>(&who, job, H256::repeat_byte(5))?;
		let member = members.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let commitment = report_commitment(&good_report(), &salt(), &member);

		#[extrinsic_call]
		_(RawOrigin::Signed(member), job, who.clone(), commitment);

		assert_eq!(Deltas::<T>::get(job, &who).map(|d| d.commits.len()), Some(1));
		Ok(())
	}

	/// The last reveal of a committee of `v`: the delta is judged and
	/// accepted, the worker's record of a closed epoch rolls, and the round
	/// gets its committee.
	#[benchmark]
	fn reveal_report(v: Linear<1, { T::MaxValidations::get() }>) -> Result<(), BenchmarkError> {
		MinValidations::<T>::put(1);
		let (who, job, _) = productive_worker::<T>(v as u8)?;
		close_epoch::<T>(1);
		complete::<T>(job)?;
		let members = submitted::<T>(&who, job, H256::repeat_byte(5))?;
		commit_all::<T>(&members, job, &who, good_report())?;
		let (last, others) = members.split_last().ok_or(BenchmarkError::Weightless)?;
		reveal_all::<T>(others, job, &who, good_report())?;

		#[extrinsic_call]
		reveal_report(RawOrigin::Signed(last.clone()), job, who.clone(), good_report(), salt());

		assert!(matches!(
			Deltas::<T>::get(job, &who).map(|d| d.status),
			Some(DeltaStatus::Judged(Verdict::Accept(_)))
		));
		Ok(())
	}

	/// As `reveal_report`, but the delta is judged corrupt: the worker owes
	/// its slash, leaves its job and goes back to the queue.
	#[benchmark]
	fn reveal_report_reject(
		v: Linear<1, { T::MaxValidations::get() }>,
	) -> Result<(), BenchmarkError> {
		MinValidations::<T>::put(1);
		let (who, job, _) = productive_worker::<T>(v as u8)?;
		complete::<T>(job)?;
		let members = submitted::<T>(&who, job, H256::repeat_byte(5))?;
		let corrupt = ValidationReport { verdict: DeltaVerdict::WrongShape, ..Default::default() };
		commit_all::<T>(&members, job, &who, corrupt)?;
		let (last, others) = members.split_last().ok_or(BenchmarkError::Weightless)?;
		reveal_all::<T>(others, job, &who, corrupt)?;

		#[extrinsic_call]
		reveal_report(RawOrigin::Signed(last.clone()), job, who.clone(), corrupt, salt());

		assert!(matches!(
			Deltas::<T>::get(job, &who).map(|d| d.status),
			Some(DeltaStatus::Judged(Verdict::Reject(_)))
		));
		Ok(())
	}

	/// Finalises an accepted delta of the open round after its window: the
	/// round's committee is fixed, and the worker's record of a closed epoch
	/// rolls into a full ledger, paying the oldest reward.
	#[benchmark]
	fn finalise_delta_accept() -> Result<(), BenchmarkError> {
		MinValidations::<T>::put(1);
		let (who, job, _) = productive_worker::<T>(max_validations::<T>())?;
		fill_ledger::<T>(&who, T::Emission::current_epoch(), T::MaxUnclaimedEpochs::get());
		close_epoch::<T>(1);
		judged_delta::<T>(&who, job, good_report())?;
		past_dispute_window::<T>(job, &who);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		finalise_delta(RawOrigin::Signed(caller), job, who.clone());

		assert!(matches!(
			Deltas::<T>::get(job, &who).map(|d| d.status),
			Some(DeltaStatus::Accepted(_))
		));
		assert!(RoundCommittees::<T>::contains_key(job));
		Ok(())
	}

	/// Finalises a rejected delta: the worker owes its slash, leaves its job
	/// and goes back to the queue.
	#[benchmark]
	fn finalise_delta_reject() -> Result<(), BenchmarkError> {
		MinValidations::<T>::put(1);
		let (who, job, _) = productive_worker::<T>(max_validations::<T>())?;
		judged_delta::<T>(&who, job, corrupt_report())?;
		past_dispute_window::<T>(job, &who);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		finalise_delta(RawOrigin::Signed(caller), job, who.clone());

		assert!(matches!(
			Deltas::<T>::get(job, &who).map(|d| d.status),
			Some(DeltaStatus::Rejected(_))
		));
		assert!(PendingSlashes::<T>::get(&who) > 0);
		Ok(())
	}

	/// Opens a dispute with a set of `n`: the snapshot copies the set.
	#[benchmark]
	fn dispute_delta(n: Linear<2, { T::MaxOrchestrators::get() }>) -> Result<(), BenchmarkError> {
		let (who, job, _, others) = judged_by_one::<T>(n)?;
		let disputer = others.first().cloned().ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(disputer), job, who.clone(), corrupt_report());

		assert_eq!(Disputes::<T>::get(job, &who).map(|d| d.voters.len() as u32), Some(n));
		Ok(())
	}

	/// A vote that does not end a dispute of `v` voters.
	#[benchmark]
	fn vote_dispute(v: Linear<3, { T::MaxOrchestrators::get() }>) -> Result<(), BenchmarkError> {
		let (who, job, member, others) = judged_by_one::<T>(v)?;
		let (disputer, rest) = others.split_first().ok_or(BenchmarkError::Weightless)?;
		Pallet::<T>::do_dispute(disputer, job, &who, corrupt_report())?;
		// Everyone but the committee member and the measured voter votes.
		let (voter, rest) = rest.split_last().ok_or(BenchmarkError::Weightless)?;
		for m in rest {
			Pallet::<T>::do_vote_dispute(m, job, &who, corrupt_report())?;
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(voter.clone()), job, who.clone(), corrupt_report());

		let dispute = Disputes::<T>::get(job, &who).ok_or(BenchmarkError::Weightless)?;
		assert!(dispute.voters.iter().any(|(m, _, vote)| *m == member && vote.is_none()));
		Ok(())
	}

	/// Resolves a dispute of `v` voters at its deadline (`finalise_delta`):
	/// the committee's acceptance is overturned, and the committee member
	/// and every voter who voted with it, just under half of the stake, are
	/// slashed and suspended. (The call is charged this and a finalisation.)
	#[benchmark]
	fn resolve_dispute(v: Linear<3, { T::MaxOrchestrators::get() }>) -> Result<(), BenchmarkError> {
		let (who, job, member, others) = judged_by_one::<T>(v)?;
		let (disputer, rest) = others.split_first().ok_or(BenchmarkError::Weightless)?;
		Pallet::<T>::do_dispute(disputer, job, &who, corrupt_report())?;
		// With the disputer, a majority of the v equal stakes says corrupt;
		// the rest vote with the committee member, who abstains.
		let honest = (v / 2) as usize;
		for (i, m) in rest.iter().enumerate() {
			let report = if i < honest { corrupt_report() } else { good_report() };
			Pallet::<T>::do_vote_dispute(m, job, &who, report)?;
		}
		let deadline = Disputes::<T>::get(job, &who).map(|d| d.deadline).unwrap_or_default();
		// Past the round's reveal window too: the delta is then final.
		let round = Deltas::<T>::get(job, &who).map(|d| d.round).unwrap_or_default();
		let reveals = RoundSketches::<T>::get((job, round)).map_or(0, |b| b.reveals_until);
		set_block::<T>(deadline.max(reveals).saturating_add(1));
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		finalise_delta(RawOrigin::Signed(caller), job, who.clone());

		assert!(matches!(
			Deltas::<T>::get(job, &who).map(|d| d.status),
			Some(DeltaStatus::Rejected(_))
		));
		assert!(Suspended::<T>::contains_key(&member));
		Ok(())
	}

	/// Expires a round after its deadline: the `v` members of its
	/// committee are freed of its duty.
	#[benchmark]
	fn expire_round(v: Linear<1, { T::MaxValidations::get() }>) -> Result<(), BenchmarkError> {
		MinValidations::<T>::put(1);
		let (_, job, members) = productive_worker::<T>(v as u8)?;
		round_one_with_contents::<T>(job);
		let committee = RoundCommittees::<T>::get(job).ok_or(BenchmarkError::Weightless)?;
		set_block::<T>(committee.deadline.saturating_add(1));
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job, 1);

		assert_eq!(Jobs::<T>::get(job).map(|j| j.round), Some(2));
		assert_eq!(RoundContents::<T>::iter_prefix((job, 0)).count(), 0);
		let handed_on = RoundContents::<T>::iter_prefix((job, 2)).count() as u32;
		assert_eq!(handed_on, T::MaxWorkersPerJob::get());
		assert!(members.len() as u32 == v && members.iter().all(|m| Duties::<T>::get(m) == 0));
		Ok(())
	}

	/// A close after the deadline with no report: every one of the `v`
	/// members is slashed and the delta dropped. (A close that judges adds
	/// at most a judging reveal's weight; the call is charged both.)
	#[benchmark]
	fn close_delta(v: Linear<1, { T::MaxValidations::get() }>) -> Result<(), BenchmarkError> {
		MinValidations::<T>::put(1);
		let (who, job, _) = productive_worker::<T>(v as u8)?;
		complete::<T>(job)?;
		let members = submitted::<T>(&who, job, H256::repeat_byte(5))?;
		let deadline = Deltas::<T>::get(job, &who).map(|d| d.reveal_deadline).unwrap_or_default();
		set_block::<T>(deadline.saturating_add(1));
		let before = TotalSlashed::<T>::get();
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job, who.clone());

		assert!(Deltas::<T>::get(job, &who).is_none());
		assert!(members.len() as u32 == v && TotalSlashed::<T>::get() > before);
		Ok(())
	}

	/// The vote that completes a round of a committee of `v`, slashes
	/// every dissenter, adds the round to a full loss curve and, the round
	/// being the job's last, registers its model.
	#[benchmark]
	fn complete_round(v: Linear<1, { T::MaxValidations::get() }>) -> Result<(), BenchmarkError> {
		MinValidations::<T>::put(1);
		let (_, job, members) = productive_worker::<T>(v as u8)?;
		round_one_with_contents::<T>(job);
		RoundLosses::<T>::mutate(job, |point| {
			if let Some(point) = point {
				point.round = 1;
			}
		});
		let old = LossPoint { round: 0, ..Default::default() };
		LossCurves::<T>::insert(
			job,
			LossCurve::truncate_from(alloc::vec![old; MAX_LOSS_POINTS as usize]),
		);
		JobEnds::<T>::insert(job, JobEnd { last_round: 1, premium: true });
		let agree = mining::two_thirds(v) as usize;
		let dissent = members.len().saturating_sub(agree);
		for m in members.iter().take(dissent) {
			Pallet::<T>::do_vote_round(m, job, 1, 1, H256::repeat_byte(8))?;
		}
		for m in members.iter().skip(dissent).take(agree.saturating_sub(1)) {
			Pallet::<T>::do_vote_round(m, job, 1, 1, H256::repeat_byte(9))?;
		}
		let last = members.last().cloned().ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(last), job, 1, 1, H256::repeat_byte(9));

		assert_eq!(Jobs::<T>::get(job).map(|j| j.round), Some(2));
		assert_eq!(RoundContents::<T>::iter_prefix((job, 0)).count(), 0);
		assert_eq!(LossCurves::<T>::get(job).last().map(|p| p.round), Some(1));
		// The test runtime's registry takes it; the runtime's may refuse it
		// (the round completes all the same).
		#[cfg(test)]
		assert!(FinishedJobs::<T>::contains_key(job));
		Ok(())
	}

	/// A customer moves the end of its job.
	#[benchmark]
	fn end_job_after() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let job = job::<T>(min_validations::<T>())?;
		Jobs::<T>::mutate(job, |j| {
			if let Some(j) = j {
				j.origin = JobOrigin::Customer(caller.clone(), 0);
			}
		});
		JobEnds::<T>::insert(job, JobEnd { last_round: 1, premium: false });

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job, 5, true);

		assert_eq!(JobEnds::<T>::get(job), Some(JobEnd { last_round: 5, premium: true }));
		Ok(())
	}

	/// Joins a set of `n`.
	#[benchmark]
	fn join_orchestrators(
		n: Linear<0, { T::MaxOrchestrators::get() - 1 }>,
	) -> Result<(), BenchmarkError> {
		orchestrators::<T>(n);
		let caller: T::AccountId = whitelisted_caller();
		T::Staking::fund_and_stake(&caller, Tier::Gold.minimum());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_eq!(Orchestrators::<T>::get().len() as u32, n + 1);
		Ok(())
	}

	/// The last member of a set of `n` leaves.
	#[benchmark]
	fn leave_orchestrators(
		n: Linear<1, { T::MaxOrchestrators::get() }>,
	) -> Result<(), BenchmarkError> {
		let members = orchestrators::<T>(n);
		let last = members.last().cloned().ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(last));

		assert_eq!(Orchestrators::<T>::get().len() as u32, n - 1);
		Ok(())
	}

	#[benchmark]
	fn set_job_limits() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let limits = JobLimits { max_steps: 10, ..Default::default() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, limits);

		assert_eq!(TrainingLimits::<T>::get(), limits);
		Ok(())
	}

	#[benchmark]
	fn set_work_budget() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		// 0.5 GYM per sample: not the default.
		let rate = Some(500_000_000_000_000_000);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, rate);

		assert_eq!(WorkBudget::<T>::get(), rate);
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

	/// Draws `d` committees of the most members from the largest set.
	#[benchmark]
	fn on_initialize_draws(
		d: Linear<0, { T::MaxDrawsPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		let members = max_validations::<T>();
		orchestrators::<T>(T::MaxOrchestrators::get());
		let mut open = job::<T>(members)?;
		let mut drawn = alloc::vec::Vec::new();
		for i in 0..d {
			let who = staked::<T>("drawn", i, Tier::Bronze);
			registered::<T>(&who, i.saturating_add(10))?;
			if Jobs::<T>::get(open).is_some_and(|j| j.workers >= T::MaxWorkersPerJob::get()) {
				open = job::<T>(members)?;
			}
			Pallet::<T>::do_assign(open, &who)?;
			sealed::<T>(&who, open, H256::repeat_byte(3))?;
			drawn.push((open, who));
		}
		// Every delta revealed in one block (each job's window ends at the
		// same block: they were all created in this one).
		let until = Jobs::<T>::get(open).map(|j| j.submit_until).unwrap_or_default();
		set_block::<T>(until.saturating_add(1));
		for (job, who) in &drawn {
			Pallet::<T>::do_reveal_delta(who, *job, H256::repeat_byte(3))?;
		}
		let at = Pallet::<T>::now().saturating_add(1);

		#[block]
		{
			let _ = Pallet::<T>::draw_committees(at);
		}

		assert!(PendingDraws::<T>::get(at).is_empty());
		Ok(())
	}

	/// `s` steps of the seating hook, each looking first at a full job of a
	/// full priority ring (while the block's turn of the ring lasts), then
	/// seating a waiting worker drawn from the priority tier in the next
	/// round-robin job, a new one each step.
	#[benchmark]
	fn on_initialize_seats(
		s: Linear<0, { T::MaxSeatsPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		let ring = T::MaxPriorityJobs::get();
		for slot in 0..ring {
			let job = job::<T>(min_validations::<T>())?;
			Jobs::<T>::mutate(job, |j| {
				if let Some(j) = j {
					j.origin = JobOrigin::Customer(account("subscriber", slot, 0), 0);
					j.workers = T::MaxWorkersPerJob::get();
				}
			});
			PriorityJobs::<T>::insert(slot, job);
		}
		PriorityJobCount::<T>::put(ring);
		let first = NextJobId::<T>::get();
		for _ in 0..s {
			job::<T>(min_validations::<T>())?;
		}
		SeatCursor::<T>::put(first);
		for i in 0..s {
			let who = staked::<T>("seated", i, Tier::Silver);
			registered::<T>(&who, i.saturating_add(10))?;
		}
		let at = Pallet::<T>::now().saturating_add(1);
		let steps;

		#[block]
		{
			steps = Pallet::<T>::seat_workers(at);
		}

		assert_eq!(steps, s);
		for job in first..first.saturating_add(s) {
			assert_eq!(Jobs::<T>::get(job).map(|j| j.workers), Some(1));
		}
		assert_eq!(Waiting::<T>::get(), (0, 0));
		assert_eq!(PriorityJobCount::<T>::get(), ring);
		Ok(())
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
