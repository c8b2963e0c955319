//! Tests of `pallet-compute-mining`, named after the behaviour they check.
//! Every test ends with the invariants of all four GYM pallets.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectFreeze};
use gym_primitives::{
	mining::{self, MICRO},
	sketch::{DeltaSketch, SKETCH_DIM},
	staking::Tier,
	Balance, GYM,
};
use pallet_tiered_staking::{FreezeReason, StakeTiers};
use sp_core::H256;
use sp_runtime::{traits::BadOrigin, Perbill};

// ---- helpers ---------------------------------------------------------------

fn stake(who: AccountId, tier: Tier) {
	assert_ok!(TieredStaking::stake(RuntimeOrigin::signed(who), tier.minimum()));
}

fn hw(n: u128) -> H256 {
	H256::from_low_u64_be(n as u64 + 1_000)
}

fn register(who: AccountId, class: GpuClass) {
	assert_ok!(ComputeMining::register_worker(
		RuntimeOrigin::signed(who),
		hw(who),
		class,
		H256::repeat_byte(7),
		b"http://127.0.0.1:9944".to_vec()
	));
}

fn worker(who: AccountId, tier: Tier, class: GpuClass) {
	stake(who, tier);
	register(who, class);
}

fn spec(validations: u8) -> JobSpec {
	JobSpec {
		model: 0,
		dataset: 0,
		validation_set: 1,
		base_checkpoint: H256::repeat_byte(1),
		round: 0,
		params: mining::TrainingParams {
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

fn create_job(validations: u8) -> JobId {
	let id = NextJobId::<Test>::get();
	assert_ok!(ComputeMining::create_job(RuntimeOrigin::root(), spec(validations)));
	id
}

/// Seats the waiting `who` in `job` now, unless the block hook already did.
fn seat(job: JobId, who: AccountId) {
	if Workers::<Test>::get(who).and_then(|w| w.assignment) != Some(job) {
		assert_ok!(ComputeMining::do_assign(job, &who));
	}
}

/// The orchestrator set, a job asking `validations` reports a delta, and
/// Silver workers 1 and 2 seated in it.
/// Two seated workers (3 validations a delta) seal the same bytes, worker 1
/// at block 1 and worker 2 at block 2, and reveal them at block 22 in
/// `reveal_order`.
fn same_bytes_sealed_by_both(reveal_order: [AccountId; 2]) -> JobId {
	let job = two_seated_workers(3);
	seal(1, job, delta(5), 0);
	run_to_block(2);
	seal(2, job, delta(5), 0);
	run_to_block(22);
	for who in reveal_order {
		assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(who), job, delta(5)));
	}
	job
}

fn two_seated_workers(validations: u8) -> JobId {
	orchestrators();
	let job = create_job(validations);
	worker(1, Tier::Silver, GpuClass::Other);
	worker(2, Tier::Silver, GpuClass::Other);
	seat(job, 1);
	seat(job, 2);
	job
}

fn delta(n: u8) -> H256 {
	H256::repeat_byte(n)
}

/// Submits a delta and draws its committee at once, as the next block's
/// `on_initialize` would (tests that need block-exact times keep their
/// block).
fn submit(who: AccountId, job: JobId, hash: H256, claimed: Quality) {
	seal(who, job, hash, claimed);
	// As if the round's submission window had ended in the block before
	// (for this reveal only): the sealing tests below play the window block
	// by block.
	let before = System::block_number() as u32 - 1;
	let until = Jobs::<Test>::get(job).unwrap().submit_until;
	Deltas::<Test>::mutate(job, who, |d| {
		let d = d.as_mut().unwrap();
		d.commit_deadline = before;
		// ...and its reveal window ended with this block.
		d.reveal_deadline = System::block_number() as u32;
	});
	Jobs::<Test>::mutate(job, |j| j.as_mut().unwrap().submit_until = before);
	assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(who), job, hash));
	Jobs::<Test>::mutate(job, |j| j.as_mut().unwrap().submit_until = until);
	draw_now();
}

/// The seal of `who`'s delta `hash` for `job`'s open round.
fn seal_of(who: AccountId, job: JobId, hash: H256) -> H256 {
	delta_seal(&hash, &who, job, Jobs::<Test>::get(job).unwrap().round)
}

/// Seals `who`'s delta `hash` for `job`.
fn seal(who: AccountId, job: JobId, hash: H256, claimed: Quality) {
	let seal = seal_of(who, job, hash);
	assert_ok!(ComputeMining::submit_delta(RuntimeOrigin::signed(who), job, seal, claimed));
}

/// Draws the committees of the deltas submitted in this block now.
fn draw_now() {
	let _ = ComputeMining::draw_committees(System::block_number() as u32 + 1);
}

/// The committee of `who`'s delta for `job`.
fn committee(job: JobId, who: AccountId) -> Vec<AccountId> {
	Deltas::<Test>::get(job, who).unwrap().committee.into_inner()
}

fn salt() -> H256 {
	H256::repeat_byte(0x5a)
}

fn commit(by: AccountId, job: JobId, who: AccountId, r: ValidationReport) {
	let commitment = report_commitment(&r, &salt(), &by);
	assert_ok!(ComputeMining::commit_report(RuntimeOrigin::signed(by), job, who, commitment));
}

fn reveal(by: AccountId, job: JobId, who: AccountId, r: ValidationReport) {
	assert_ok!(ComputeMining::reveal_report(RuntimeOrigin::signed(by), job, who, r, salt()));
}

std::thread_local! {
	/// Reports committed by [`validate`] and not yet revealed.
	static SEALED: core::cell::RefCell<Vec<(JobId, AccountId, AccountId, ValidationReport)>> =
		const { core::cell::RefCell::new(Vec::new()) };
}

/// The next member of the committee of `who`'s delta commits to `r`; the
/// commit that completes the committee's commits reveals every report, in
/// commit order (the last reveal judges the delta).
fn validate(job: JobId, who: AccountId, r: ValidationReport) {
	let delta = Deltas::<Test>::get(job, who).unwrap();
	let by = *delta
		.committee
		.iter()
		.find(|m| !delta.commits.iter().any(|(c, _)| c == *m))
		.expect("a member left to commit");
	commit(by, job, who, r);
	SEALED.with(|s| s.borrow_mut().push((job, who, by, r)));
	if delta.commits.len() + 1 == delta.committee.len() {
		let sealed: Vec<_> = SEALED.with(|s| {
			let mut s = s.borrow_mut();
			let (mine, rest): (Vec<_>, Vec<_>) =
				s.drain(..).partition(|(j, w, _, _)| *j == job && *w == who);
			*s = rest;
			mine
		});
		for (_, _, by, r) in sealed {
			reveal(by, job, who, r);
		}
		if DisputeWindow::<Test>::get() == 0 {
			finalise_ready(job, who);
		}
	}
}

std::thread_local! {
	/// Judged deltas [`finalise_ready`] could not finalise yet.
	static UNFINALISED: core::cell::RefCell<Vec<(JobId, AccountId)>> =
		const { core::cell::RefCell::new(Vec::new()) };
}

/// Finalises, as the next block would, `who`'s judged delta for `job` and
/// every judged delta left waiting, as soon as the deltas sealed before
/// each have fixed sketches (without a dispute window, `DisputeWindow` 0),
/// and comes back to this block.
fn finalise_ready(job: JobId, who: AccountId) {
	let now = System::block_number();
	System::set_block_number(now + 1);
	UNFINALISED.with(|u| {
		let mut waiting = u.borrow_mut();
		waiting.push((job, who));
		loop {
			let ready = waiting.iter().position(|(j, w)| {
				Deltas::<Test>::get(j, w).is_some_and(|d| {
					matches!(d.status, DeltaStatus::Judged(_))
						&& ComputeMining::earlier_fixed(*j, w, &d)
				})
			});
			let Some(index) = ready else { break };
			let (j, w) = waiting.swap_remove(index);
			assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), j, w));
		}
		waiting.retain(|(j, w)| {
			Deltas::<Test>::get(j, w).is_some_and(|d| matches!(d.status, DeltaStatus::Judged(_)))
		});
	});
	System::set_block_number(now);
}

/// Finalises `who`'s judged delta as the next block would, without a dispute
/// window (`DisputeWindow` 0), and comes back to this block: tests not about
/// disputes keep their block-exact times.
fn finalise_next_block(job: JobId, who: AccountId) {
	let now = System::block_number();
	System::set_block_number(now + 1);
	assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, who));
	System::set_block_number(now);
}

/// Every member of `job`'s round committee votes `checkpoint` until the
/// round completes.
fn complete(job: JobId, checkpoint: H256) {
	let info = Jobs::<Test>::get(job).unwrap();
	let members = RoundCommittees::<Test>::get(job).unwrap().members;
	for m in members {
		if Jobs::<Test>::get(job).unwrap().round != info.round {
			break;
		}
		assert_ok!(ComputeMining::complete_round(
			RuntimeOrigin::signed(m),
			job,
			info.round,
			info.accepted,
			checkpoint
		));
	}
	assert_eq!(Jobs::<Test>::get(job).unwrap().round, info.round + 1);
}

/// A report with training loss `before → after` (in GYM-style millionths),
/// a validation loss that improved or not, and a gradient variance below the
/// test job's threshold (1.0) or not.
fn report(before: u64, after: u64, val_improved: bool, low_variance: bool) -> ValidationReport {
	ValidationReport {
		verdict: DeltaVerdict::Valid,
		loss_before: before,
		loss_after: after,
		val_loss_before: 3 * MICRO,
		val_loss_after: if val_improved { 3 * MICRO - 1 } else { 3 * MICRO },
		grad_variance: if low_variance { MICRO / 2 } else { 2 * MICRO },
		sketch: Default::default(),
	}
}

/// A report whose quality is exactly `q` (from the loss alone, q ≥ 0).
fn report_of_quality(q: Quality) -> ValidationReport {
	report(3 * MICRO, 3 * MICRO - u64::from(q) / 10, false, false)
}

fn corrupt(verdict: DeltaVerdict) -> ValidationReport {
	ValidationReport { verdict, ..Default::default() }
}

fn heartbeat(who: AccountId) {
	assert_ok!(ComputeMining::heartbeat(RuntimeOrigin::signed(who)));
}

/// For `epochs` epochs from epoch 0: `who` (seated in `job`) has a delta of
/// quality 0.1 accepted, its round completes, and it beats in every slot up
/// to the epoch's end: 1,100 GYM of unadjusted reward (Bronze) an epoch. A
/// heartbeat in the next epoch's first slot rolls the record.
fn one_delta_an_epoch(job: JobId, who: AccountId, epochs: u64) {
	for epoch in 0..epochs {
		submit(who, job, delta(epoch as u8 + 1), 0);
		validate(job, who, report_of_quality(100_000));
		complete(job, delta(100));
		while System::block_number() < epoch * EPOCH + 91 {
			next_slot();
			heartbeat(who);
		}
		run_to_epoch(epoch + 1);
		heartbeat(who);
	}
}

fn claim(who: AccountId) -> Balance {
	let before = balance(who);
	assert_ok!(ComputeMining::claim_rewards(RuntimeOrigin::signed(who)));
	balance(who) - before
}

/// `who`'s bonded stake (the tier's; unbonding GYM not included).
fn staked(who: AccountId) -> Balance {
	<TieredStaking as StakeTiers<AccountId>>::stake_of(&who)
}

/// What a slash of `who` reaches: its stake and its unbonding GYM, all frozen.
fn frozen(who: AccountId) -> Balance {
	Balances::balance_frozen(&FreezeReason::Staked.into(), &who)
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::ComputeMining(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn slashed_by_events() -> Balance {
	events()
		.iter()
		.map(|e| match e {
			Event::WorkerSlashed { amount, .. } => *amount,
			_ => 0,
		})
		.sum()
}

/// Stakes Gold for `o` and joins the orchestrator set.
fn orchestrator(o: AccountId) {
	stake(o, Tier::Gold);
	assert_ok!(ComputeMining::join_orchestrators(RuntimeOrigin::signed(o)));
}

/// Orchestrators 11, 12, 13, 14, 15 (Gold, in the set).
fn orchestrators() {
	(11..=15).for_each(orchestrator);
}

fn status(job: JobId, who: AccountId) -> DeltaStatus {
	Deltas::<Test>::get(job, who).unwrap().status
}

// ---- registration ------------------------------------------------------------

#[test]
fn registering_needs_bronze_and_unique_hardware() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ComputeMining::register_worker(
				RuntimeOrigin::signed(1),
				hw(1),
				GpuClass::H100,
				H256::zero(),
				b"x".to_vec()
			),
			Error::<Test>::BelowBronzeTier
		);
		worker(1, Tier::Bronze, GpuClass::H100);
		let info = Workers::<Test>::get(1).unwrap();
		assert_eq!(info.claimed_class, GpuClass::H100);
		assert_eq!(info.verified_class, None);
		assert!(info.waiting && !info.priority);
		assert_eq!(Waiting::<Test>::get(), (0, 1));
		// The sybil rule: the same hardware cannot back a second worker.
		stake(2, Tier::Silver);
		assert_noop!(
			ComputeMining::register_worker(
				RuntimeOrigin::signed(2),
				hw(1),
				GpuClass::H100,
				H256::zero(),
				b"x".to_vec()
			),
			Error::<Test>::HardwareAlreadyRegistered
		);
		assert_noop!(
			ComputeMining::register_worker(
				RuntimeOrigin::signed(1),
				hw(9),
				GpuClass::H100,
				H256::zero(),
				b"x".to_vec()
			),
			Error::<Test>::AlreadyRegistered
		);
		for bad in [vec![], vec![b'a'; MAX_ENDPOINT_LEN as usize + 1]] {
			assert_noop!(
				ComputeMining::register_worker(
					RuntimeOrigin::signed(2),
					hw(2),
					GpuClass::Other,
					H256::zero(),
					bad
				),
				Error::<Test>::BadEndpoint
			);
		}
		// The longest endpoint fits.
		assert_ok!(ComputeMining::register_worker(
			RuntimeOrigin::signed(2),
			hw(2),
			GpuClass::Other,
			H256::zero(),
			vec![b'a'; MAX_ENDPOINT_LEN as usize]
		));
		assert_eq!(Waiting::<Test>::get(), (1, 1));
	});
}

#[test]
fn a_registered_worker_keeps_bronze_until_it_deregisters() {
	ExtBuilder::default().build_and_execute(|| {
		stake(1, Tier::Silver);
		register(1, GpuClass::Other);
		let keep = Tier::Bronze.minimum();
		assert_noop!(
			TieredStaking::unstake(RuntimeOrigin::signed(1), Tier::Silver.minimum() - keep + 1),
			pallet_tiered_staking::Error::<Test>::StakeRequired
		);
		assert_ok!(TieredStaking::unstake(RuntimeOrigin::signed(1), Tier::Silver.minimum() - keep));
		assert_ok!(ComputeMining::deregister_worker(RuntimeOrigin::signed(1)));
		assert!(HardwareOwners::<Test>::get(hw(1)).is_none());
		assert_eq!(Waiting::<Test>::get(), (0, 0));
		assert_ok!(TieredStaking::unstake(RuntimeOrigin::signed(1), keep));
		assert_noop!(
			ComputeMining::deregister_worker(RuntimeOrigin::signed(1)),
			Error::<Test>::NotWorker
		);
	});
}

// ---- jobs and the queue ------------------------------------------------------

#[test]
fn jobs_come_from_governance_and_paying_customers_only() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let governance = create_job(3);
		assert_eq!(Jobs::<Test>::get(governance).unwrap().origin, JobOrigin::Governance);
		// An orchestrator pays like any customer: no free jobs for itself.
		let (pot, eleven) = (pallet_revenue_split::Pot::<Test>::get(), balance(11));
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(11), spec(3)));
		assert_eq!(Jobs::<Test>::get(1).unwrap().origin, JobOrigin::Customer(11, PRICE));
		assert_eq!(balance(11), eleven - PRICE);
		// A customer pays the price into the revenue split as fine-tuning.
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(CUSTOMER), spec(3)));
		assert_eq!(Jobs::<Test>::get(2).unwrap().origin, JobOrigin::Customer(CUSTOMER, PRICE));
		assert_eq!(pallet_revenue_split::Pot::<Test>::get(), pot + 2 * PRICE);
		assert_eq!(balance(CUSTOMER), 10_000 * GYM - PRICE);
		let job = Jobs::<Test>::get(2).unwrap();
		assert_eq!((job.round, job.checkpoint, job.closing), (0, H256::repeat_byte(1), false));
	});
}

#[test]
fn job_parameters_stay_within_the_governance_limits() {
	ExtBuilder::default().build_and_execute(|| {
		let refuse = |s: JobSpec, e: Error<Test>| {
			assert_noop!(ComputeMining::create_job(RuntimeOrigin::root(), s), e);
		};
		let with = |f: &dyn Fn(&mut mining::TrainingParams)| {
			let mut s = spec(3);
			f(&mut s.params);
			s
		};
		// The issue's junk job: 4·10⁹ steps of 10⁶ samples.
		refuse(
			with(&|p| {
				p.steps = 4_000_000_000;
				p.batch_size = 1_000_000
			}),
			Error::<Test>::TooManySteps,
		);
		refuse(with(&|p| p.batch_size = 257), Error::<Test>::BatchTooLarge);
		refuse(
			with(&|p| {
				p.steps = 1_000;
				p.batch_size = 65
			}),
			Error::<Test>::TooManySamples,
		);
		refuse(with(&|p| p.learning_rate = 0), Error::<Test>::BadLearningRate);
		refuse(with(&|p| p.learning_rate = 100_001), Error::<Test>::BadLearningRate);
		refuse(with(&|p| p.weight_decay = 1_000_001), Error::<Test>::BadWeightDecay);
		// At the limits it is accepted.
		assert_ok!(ComputeMining::create_job(
			RuntimeOrigin::root(),
			with(&|p| {
				p.steps = 250;
				p.batch_size = 256;
				p.learning_rate = 100_000
			})
		));
		// Governance moves the limits; incoherent limits are refused.
		let limits = JobLimits { max_steps: 10, ..Default::default() };
		assert_noop!(ComputeMining::set_job_limits(RuntimeOrigin::signed(1), limits), BadOrigin);
		for bad in [
			JobLimits { max_steps: 0, ..Default::default() },
			JobLimits { min_learning_rate: 0, ..Default::default() },
			JobLimits { min_learning_rate: 10, max_learning_rate: 9, ..Default::default() },
		] {
			assert_noop!(
				ComputeMining::set_job_limits(RuntimeOrigin::root(), bad),
				Error::<Test>::BadJobLimits
			);
		}
		assert_ok!(ComputeMining::set_job_limits(RuntimeOrigin::root(), limits));
		assert!(events().contains(&Event::JobLimitsSet { limits }));
		refuse(spec(3), Error::<Test>::TooManySteps);
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::root(), with(&|p| p.steps = 10)));
	});
}

#[test]
fn the_chain_seats_silver_and_above_first_and_fills_jobs_round_robin() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let (a, b) = (create_job(3), create_job(3));
		worker(1, Tier::Bronze, GpuClass::Other);
		worker(2, Tier::Silver, GpuClass::Other);
		worker(3, Tier::Diamond, GpuClass::Other);
		worker(4, Tier::Bronze, GpuClass::Other);
		assert_eq!(Waiting::<Test>::get(), (2, 2));
		// Each waiting worker has a place in its tier.
		let place = |w: AccountId| QueuePlace::<Test>::get(w);
		assert_eq!((place(2), place(3)), (Some(0), Some(1)));
		assert_eq!(Queue::<Test>::get(false, place(4).unwrap()), Some(4));
		// One block, at most `MaxSeatsPerBlock` (8) steps: jobs a, b, a, b.
		run_to_block(System::block_number() + 1);
		let seated: Vec<(JobId, AccountId)> = events()
			.into_iter()
			.filter_map(|e| match e {
				Event::JobAssigned { job, worker } => Some((job, worker)),
				_ => None,
			})
			.collect();
		assert_eq!(seated.len(), 4);
		assert_eq!(seated.iter().map(|(j, _)| *j).collect::<Vec<_>>(), vec![a, b, a, b]);
		// Both Silver-and-above workers before either Bronze one.
		let mut first: Vec<AccountId> = seated[..2].iter().map(|(_, w)| *w).collect();
		first.sort();
		assert_eq!(first, vec![2, 3]);
		assert_eq!(Waiting::<Test>::get(), (0, 0));
		assert_eq!(QueuePlace::<Test>::iter().count() + Queue::<Test>::iter().count(), 0);
		assert_eq!(Jobs::<Test>::get(a).unwrap().workers, 2);
		assert_eq!(Jobs::<Test>::get(b).unwrap().workers, 2);
		// Nobody picks its job: the call that did is gone, and the hook's
		// draw among equals comes from randomness.
		assert_noop!(ComputeMining::do_assign(a, &1), Error::<Test>::NotWaiting);
	});
}

#[test]
fn a_full_job_seats_nobody_and_a_freed_seat_is_taken_again() {
	ExtBuilder::default().build_and_execute(|| {
		MaxWorkersPerJob::set(2);
		orchestrators();
		let job = create_job(3);
		for w in 1..=3 {
			worker(w, Tier::Bronze, GpuClass::Other);
		}
		run_to_block(System::block_number() + 1);
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 2);
		assert_eq!(Waiting::<Test>::get(), (0, 1));
		let waiting = Queue::<Test>::get(false, 0).unwrap();
		assert_noop!(ComputeMining::do_assign(job, &waiting), Error::<Test>::JobFull);
		// A whole turn over full jobs stops the hook at once.
		assert_eq!(ComputeMining::seat_workers(System::block_number() as u32), 1);
		// A seated worker leaves: the waiting one takes the seat, and the
		// one that left waits.
		let left = (1..=3).find(|w| *w != waiting).unwrap();
		assert_ok!(ComputeMining::leave_job(RuntimeOrigin::signed(left)));
		assert_eq!(Waiting::<Test>::get(), (0, 2));
		run_to_block(System::block_number() + 1);
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 2);
		assert_eq!(Waiting::<Test>::get(), (0, 1));
		// Deregistering a waiting worker frees its place for the last one.
		let still = Queue::<Test>::get(false, 0).unwrap();
		assert_ok!(ComputeMining::deregister_worker(RuntimeOrigin::signed(still)));
		assert_eq!(Waiting::<Test>::get(), (0, 0));
		assert_eq!(Queue::<Test>::iter().count(), 0);
	});
}

#[test]
fn the_draw_among_equals_follows_the_randomness() {
	// The same queue, seated under two seeds, seats different workers.
	let first_seated = |seed: u64| {
		let mut first = 0;
		ExtBuilder::default().build_and_execute(|| {
			RandomSeed::set(seed);
			MaxWorkersPerJob::set(1);
			orchestrators();
			let job = create_job(3);
			for w in 1..=8 {
				worker(w, Tier::Bronze, GpuClass::Other);
			}
			run_to_block(System::block_number() + 1);
			assert_eq!(Waiting::<Test>::get(), (0, 7));
			first =
				(1..=8).find(|w| Workers::<Test>::get(w).unwrap().assignment == Some(job)).unwrap();
		});
		first
	};
	let picks: std::collections::BTreeSet<AccountId> = (0..8).map(first_seated).collect();
	assert!(picks.len() > 1, "eight seeds all seated {picks:?}");
}

// ---- deltas and validation ---------------------------------------------------

#[test]
fn a_worker_may_leave_its_job_for_the_queue() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let job = create_job(3);
		worker(1, Tier::Silver, GpuClass::Other);
		assert_noop!(
			ComputeMining::leave_job(RuntimeOrigin::signed(1)),
			Error::<Test>::NotAssignedWorker
		);
		assert_noop!(ComputeMining::leave_job(RuntimeOrigin::signed(2)), Error::<Test>::NotWorker);
		seat(job, 1);
		submit(1, job, delta(1), 0);
		assert_ok!(ComputeMining::leave_job(RuntimeOrigin::signed(1)));
		assert!(events().contains(&Event::JobLeft { job, worker: 1 }));
		let info = Workers::<Test>::get(1).unwrap();
		assert_eq!((info.assignment, info.waiting, info.priority), (None, true, true));
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 0);
		assert_eq!(Waiting::<Test>::get(), (1, 0));
		// Its delta is still judged; it cannot submit for the job any more.
		(0..3).for_each(|_| validate(job, 1, report_of_quality(100_000)));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
		assert_noop!(
			ComputeMining::submit_delta(RuntimeOrigin::signed(1), job, delta(2), 0),
			Error::<Test>::NotAssignedWorker
		);
	});
}

#[test]
fn only_the_assigned_worker_submits_one_delta_per_round() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let job = create_job(3);
		let other = create_job(3);
		worker(1, Tier::Silver, GpuClass::Other);
		worker(2, Tier::Silver, GpuClass::Other);
		seat(job, 1);
		let submit_err = |who, job, q, e: Error<Test>| {
			assert_noop!(
				ComputeMining::submit_delta(RuntimeOrigin::signed(who), job, delta(1), q),
				e
			);
		};
		submit_err(2, job, 0, Error::<Test>::NotAssignedWorker);
		submit_err(1, other, 0, Error::<Test>::NotAssignedWorker);
		submit_err(1, 77, 0, Error::<Test>::UnknownJob);
		submit_err(5, job, 0, Error::<Test>::NotWorker);
		submit_err(1, job, 2_000_001, Error::<Test>::ClaimedQualityTooHigh);
		submit(1, job, delta(1), 100_000);
		submit_err(1, job, 0, Error::<Test>::DuplicateDelta);
	});
}

#[test]
fn only_the_drawn_committee_reports_by_commit_then_reveal() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let job = create_job(3);
		worker(1, Tier::Silver, GpuClass::Other);
		seat(job, 1);
		// The delta is sealed in the round's window (20 blocks from the
		// job's creation in block 1); nothing is shown, nothing drawn.
		assert_eq!(Jobs::<Test>::get(job).unwrap().submit_until, 21);
		seal(1, job, delta(1), 0);
		assert_eq!(status(job, 1), DeltaStatus::Sealed);
		assert!(events().contains(&Event::DeltaSealed {
			job,
			worker: 1,
			round: 0,
			seal: seal_of(1, job, delta(1)),
			submit_until: 21
		}));
		let reveal_delta = |hash| ComputeMining::reveal_delta(RuntimeOrigin::signed(1), job, hash);
		assert_noop!(reveal_delta(delta(1)), Error::<Test>::SubmissionOpen);
		run_to_block(21);
		assert_noop!(reveal_delta(delta(1)), Error::<Test>::SubmissionOpen);
		run_to_block(22);
		// Only the sealed bytes' hash opens the seal.
		assert_noop!(reveal_delta(delta(2)), Error::<Test>::BadSeal);
		assert_ok!(reveal_delta(delta(1)));
		assert_noop!(reveal_delta(delta(1)), Error::<Test>::NotSealed);
		assert!(events().contains(&Event::DeltaSubmitted {
			job,
			worker: 1,
			round: 0,
			hash: delta(1),
			claimed: 0
		}));
		// The committee is drawn in the next block, not by the reveal.
		assert!(committee(job, 1).is_empty());
		run_to_block(23);
		let members = committee(job, 1);
		assert_eq!(members.len(), 3);
		assert!(events().contains(&Event::CommitteeDrawn {
			job,
			worker: 1,
			round: 0,
			committee: members.clone().try_into().unwrap()
		}));
		let outsider = (11..=15).find(|o| !members.contains(o)).unwrap();
		let r = report_of_quality(100_000);
		let commitment = |by| report_commitment(&r, &salt(), &by);
		let commit_err = |by, who, c, e: Error<Test>| {
			assert_noop!(ComputeMining::commit_report(RuntimeOrigin::signed(by), job, who, c), e);
		};
		commit_err(outsider, 1, commitment(outsider), Error::<Test>::NotInCommittee);
		commit_err(members[0], 2, commitment(members[0]), Error::<Test>::NoDelta);
		// Reveals wait for every commit (or the commit deadline).
		commit(members[0], job, 1, r);
		commit_err(members[0], 1, commitment(members[0]), Error::<Test>::AlreadyCommitted);
		assert_noop!(
			ComputeMining::reveal_report(RuntimeOrigin::signed(members[0]), job, 1, r, salt()),
			Error::<Test>::CommitPhaseOpen
		);
		assert_noop!(
			ComputeMining::reveal_report(RuntimeOrigin::signed(members[1]), job, 1, r, salt()),
			Error::<Test>::NotCommitted
		);
		// A member who copies another's commitment cannot reveal it: the
		// commitment binds the member.
		assert_ok!(ComputeMining::commit_report(
			RuntimeOrigin::signed(members[1]),
			job,
			1,
			commitment(members[0])
		));
		commit(members[2], job, 1, r);
		assert_noop!(
			ComputeMining::reveal_report(RuntimeOrigin::signed(members[1]), job, 1, r, salt()),
			Error::<Test>::BadReveal
		);
		let lie = report_of_quality(900_000);
		assert_noop!(
			ComputeMining::reveal_report(RuntimeOrigin::signed(members[0]), job, 1, lie, salt()),
			Error::<Test>::BadReveal
		);
		reveal(members[0], job, 1, r);
		assert_noop!(
			ComputeMining::reveal_report(RuntimeOrigin::signed(members[0]), job, 1, r, salt()),
			Error::<Test>::AlreadyRevealed
		);
		reveal(members[2], job, 1, r);
		// Two of three revealed: pending until the last or the deadline.
		assert_eq!(status(job, 1), DeltaStatus::Pending);
		assert_noop!(
			ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1),
			Error::<Test>::RevealPhaseOpen
		);
		let d = Deltas::<Test>::get(job, 1).unwrap();
		assert_eq!((d.commit_deadline, d.reveal_deadline), (23 + 5, 23 + 5 + 5));
		run_to_block(34);
		// The member who cannot reveal is charged like an hour of downtime;
		// the two reports are a quorum and judge the delta.
		let before = staked(members[1]);
		let closed = ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1).unwrap();
		assert_eq!(closed.pays_fee, frame_support::dispatch::Pays::No);
		assert_eq!(status(job, 1), DeltaStatus::Judged(Verdict::Accept(100_000)));
		// The committee answers for its verdict until it is final.
		assert!(members.iter().all(|m| Duties::<Test>::get(m) == 1));
		finalise_next_block(job, 1);
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
		let missed = Perbill::from_parts(1_000_000) * before;
		assert_eq!(staked(members[1]), before - missed);
		assert!(events().contains(&Event::OrchestratorSlashed {
			orchestrator: members[1],
			reason: SlashReason::MissedDuty,
			amount: missed
		}));
		assert_eq!(TotalSlashed::<Test>::get(), missed);
		// The delta's seats are free; its committee now holds the round's
		// checkpoint duty (the round's first accepted delta).
		assert!(members.iter().all(|m| Duties::<Test>::get(m) == 1));
		assert_eq!(RoundCommittees::<Test>::get(job).unwrap().members.to_vec(), members);
		assert_noop!(
			ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1),
			Error::<Test>::AlreadyJudged
		);
		assert_noop!(
			ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 1),
			Error::<Test>::NotJudged
		);
	});
}

/// Delta copies: a worker that seals the bytes another sealed first in the
/// round (it could only have them from that worker: bytes are served after
/// the window) is judged on them like any delta, and rejected as a copy
/// when final: 5% of its stake, nothing paid. The first sealer is paid,
/// whichever of the two reveals first.
#[test]
fn a_copied_delta_is_rejected_and_the_first_sealer_is_paid() {
	ExtBuilder::default().build_and_execute(|| {
		// Judgements are final two blocks later; reveals take blocks 22-24.
		DisputeWindow::<Test>::put(2);
		// The copier reveals first; the first sealer still owns the bytes.
		let job = same_bytes_sealed_by_both([2, 1]);
		let content = RoundContents::<Test>::get((job, 0, delta(5))).unwrap();
		assert_eq!(content, RoundContent { sealed_at: 1, owner: 1, open: 2 });
		assert_eq!(Jobs::<Test>::get(job).unwrap().open, 2);
		run_to_block(23);
		let good = report_of_quality(100_000);
		for who in [1, 2] {
			(0..3).for_each(|_| validate(job, who, good));
			assert_eq!(status(job, who), DeltaStatus::Judged(Verdict::Accept(100_000)));
		}
		let stake = staked(2);
		run_to_block(u64::from(Deltas::<Test>::get(job, 2).unwrap().dispute_deadline) + 1);
		assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 2));
		assert_eq!(status(job, 2), DeltaStatus::Rejected(Rejection::Copy));
		assert!(events().contains(&Event::DeltaCopied { job, worker: 2, round: 0, original: 1 }));
		assert_eq!(PendingSlashes::<Test>::get(2), stake / 20);
		assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 1));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
		assert_eq!(Jobs::<Test>::get(job).unwrap().accepted, 1);
		// Both final; the round keeps the bytes' owner until the next round
		// ends.
		assert_eq!(Jobs::<Test>::get(job).unwrap().open, 0);
		assert!(RoundContents::<Test>::get((job, 0, delta(5))).is_some());
		complete(job, delta(9));
		assert!(RoundContents::<Test>::get((job, 0, delta(5))).is_some());
	});
}

/// A sketch of its own direction for each `n` (independent of the others:
/// cosine ≈ 0).
fn sketch(n: u8) -> DeltaSketch {
	let mut s = [0i8; SKETCH_DIM];
	for (j, c) in s.iter_mut().enumerate() {
		*c = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&[
			n,
			j as u8,
			(j >> 8) as u8,
		])
		.0[0] as i8;
	}
	DeltaSketch(s)
}

/// `s` nudged a little: a near copy's sketch (cosine ≈ 0.99).
fn nudged(s: DeltaSketch) -> DeltaSketch {
	let mut out = s.0;
	for (j, c) in out.iter_mut().enumerate() {
		*c = c.saturating_add(if j % 2 == 0 { 8 } else { -8 });
	}
	DeltaSketch(out)
}

/// `r` with sketch `s`.
fn sketched(r: ValidationReport, s: DeltaSketch) -> ValidationReport {
	ValidationReport { sketch: s, ..r }
}

/// A third Silver worker seated in `job`.
fn third_worker(job: JobId) {
	worker(3, Tier::Silver, GpuClass::Other);
	seat(job, 3);
}

#[test]
fn a_near_copy_is_rejected_and_the_first_sealer_is_paid() {
	ExtBuilder::default().build_and_execute(|| {
		use gym_primitives::sketch::{near_copy, NEAR_COPY_COSINE};
		assert!(near_copy(&sketch(1), &nudged(sketch(1)), NEAR_COPY_COSINE));
		assert!(!near_copy(&sketch(1), &sketch(2), NEAR_COPY_COSINE));
		DisputeWindow::<Test>::put(2);
		let job = two_seated_workers(3);
		third_worker(job);
		// Worker 1 trains; its sybil 2 seals the same work with noise a
		// block later; worker 3 trains on its own in the same block as 2.
		seal(1, job, delta(1), 0);
		run_to_block(2);
		seal(2, job, delta(2), 0);
		seal(3, job, delta(3), 0);
		run_to_block(22);
		for who in [1, 2, 3] {
			assert_ok!(ComputeMining::reveal_delta(
				RuntimeOrigin::signed(who),
				job,
				delta(who as u8)
			));
		}
		run_to_block(23);
		// Every delta of the round is measured with one seed, fixed after
		// the window.
		let seed = Deltas::<Test>::get(job, 1).unwrap().sketch_seed;
		assert_ne!(seed, 0);
		assert!([2, 3].iter().all(|w| Deltas::<Test>::get(job, w).unwrap().sketch_seed == seed));
		assert_eq!(RoundSketches::<Test>::get((job, 0)).unwrap().seed, Some(seed));
		let good = report_of_quality(100_000);
		for (who, s) in [(1, sketch(1)), (2, nudged(sketch(1))), (3, sketch(3))] {
			(0..3).for_each(|_| validate(job, who, sketched(good, s)));
			assert_eq!(status(job, who), DeltaStatus::Judged(Verdict::Accept(100_000)));
			assert_eq!(Deltas::<Test>::get(job, who).unwrap().sketch, s);
		}
		let stake = staked(2);
		run_to_block(u64::from(Deltas::<Test>::get(job, 3).unwrap().dispute_deadline) + 1);
		for who in [2, 3, 1] {
			assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, who));
		}
		assert_eq!(status(job, 2), DeltaStatus::Rejected(Rejection::NearCopy));
		assert!(events().contains(&Event::DeltaNearCopy { job, worker: 2, round: 0, original: 1 }));
		assert_eq!(PendingSlashes::<Test>::get(2), stake / 20);
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
		assert_eq!(status(job, 3), DeltaStatus::Accepted(100_000));
		assert_eq!(Jobs::<Test>::get(job).unwrap().accepted, 2);
		// The book stays while the round or the next is open.
		complete(job, delta(9));
		assert!(RoundSketches::<Test>::get((job, 0)).is_some());
		complete_next_round(job);
		assert!(RoundSketches::<Test>::get((job, 0)).is_none());
	});
}

/// Completes `job`'s open round with one accepted delta of worker 1.
fn complete_next_round(job: JobId) {
	let round = Jobs::<Test>::get(job).unwrap().round;
	let n = 40 + round as u8;
	submit(1, job, delta(n), 0);
	(0..3).for_each(|_| validate(job, 1, sketched(report_of_quality(100_000), sketch(n))));
	run_to_block(u64::from(Deltas::<Test>::get(job, 1).unwrap().dispute_deadline) + 1);
	assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 1));
	complete(job, delta(n));
}

#[test]
fn near_copies_sealed_in_one_block_are_both_rejected() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		let job = two_seated_workers(1);
		submit(1, job, delta(1), 0);
		submit(2, job, delta(2), 0);
		validate(job, 1, sketched(report_of_quality(100_000), sketch(1)));
		validate(job, 2, sketched(report_of_quality(100_000), nudged(sketch(1))));
		for who in [1, 2] {
			assert_eq!(status(job, who), DeltaStatus::Rejected(Rejection::NearCopy));
		}
		assert_eq!(Jobs::<Test>::get(job).unwrap().accepted, 0);
	});
}

/// The farm reveals its copy first and holds back its original: the copy
/// cannot be paid before the original's sketch is fixed.
#[test]
fn a_copy_is_not_paid_before_the_deltas_sealed_before_it_have_fixed_sketches() {
	ExtBuilder::default().build_and_execute(|| {
		DisputeWindow::<Test>::put(2);
		let job = two_seated_workers(3);
		seal(1, job, delta(1), 0);
		run_to_block(2);
		seal(2, job, delta(2), 0);
		run_to_block(22);
		assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(2), job, delta(2)));
		run_to_block(23);
		let good = report_of_quality(100_000);
		(0..3).for_each(|_| validate(job, 2, sketched(good, nudged(sketch(1)))));
		// The original is revealed at the last moment; its committee takes
		// its time.
		run_to_block(24);
		assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(1), job, delta(1)));
		run_to_block(u64::from(Deltas::<Test>::get(job, 2).unwrap().dispute_deadline) + 1);
		assert_noop!(
			ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 2),
			Error::<Test>::EarlierDeltaOpen
		);
		(0..3).for_each(|_| validate(job, 1, sketched(good, sketch(1))));
		// Judged: its sketch is fixed once its own dispute window is over.
		assert_noop!(
			ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 2),
			Error::<Test>::EarlierDeltaOpen
		);
		run_to_block(u64::from(Deltas::<Test>::get(job, 1).unwrap().dispute_deadline) + 1);
		assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 2));
		assert_eq!(status(job, 2), DeltaStatus::Rejected(Rejection::NearCopy));
		// The original waits for nobody sealed before it.
		assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 1));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
	});
}

/// An attacker seals junk early and captures its committee, which reports
/// the sketch of an honest delta sealed later, to frame it as a copy. An
/// honest member disputes the sketch (the verdicts agree); the set restores
/// the true sketch, slashes the liars, and the honest delta is paid.
#[test]
fn a_captured_committee_cannot_frame_an_honest_delta_as_a_copy() {
	ExtBuilder::default().build_and_execute(|| {
		DisputeWindow::<Test>::put(5);
		let job = two_seated_workers(3);
		// Worker 2 is the attacker's, worker 1 honest.
		seal(2, job, delta(2), 0);
		run_to_block(2);
		seal(1, job, delta(1), 0);
		run_to_block(22);
		for who in [1, 2] {
			assert_ok!(ComputeMining::reveal_delta(
				RuntimeOrigin::signed(who),
				job,
				delta(who as u8)
			));
		}
		run_to_block(23);
		let good = report_of_quality(100_000);
		let members = committee(job, 2);
		let (liars, honest) = (&members[..2], members[2]);
		(0..2).for_each(|_| validate(job, 2, sketched(good, sketch(1))));
		validate(job, 2, sketched(good, sketch(2)));
		// The honest delta's own window is short: it is due before the
		// dispute is over.
		DisputeWindow::<Test>::put(1);
		(0..3).for_each(|_| validate(job, 1, sketched(good, sketch(1))));
		assert_eq!(Deltas::<Test>::get(job, 2).unwrap().sketch, sketch(1));
		// The verdict agrees: only a different sketch may be disputed.
		let dispute2 = |by, r| ComputeMining::dispute_delta(RuntimeOrigin::signed(by), job, 2, r);
		assert_noop!(dispute2(honest, sketched(good, sketch(1))), Error::<Test>::VerdictAgrees);
		assert_ok!(dispute2(honest, sketched(good, sketch(2))));
		// The honest delta waits for the disputed sketch.
		run_to_block(u64::from(Deltas::<Test>::get(job, 1).unwrap().dispute_deadline) + 1);
		assert_noop!(
			ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, 1),
			Error::<Test>::EarlierDeltaOpen
		);
		let stakes: Vec<Balance> = (11..=15).map(staked).collect();
		for o in 11..=15u128 {
			if o == honest {
				continue;
			}
			let s = if liars.contains(&o) { sketch(1) } else { sketch(2) };
			assert_ok!(ComputeMining::vote_dispute(
				RuntimeOrigin::signed(o),
				job,
				2,
				sketched(good, s)
			));
		}
		assert!(events().contains(&Event::DisputeResolved {
			job,
			worker: 2,
			overturned: false,
			verdict: Verdict::Accept(100_000),
			losers: 2,
		}));
		assert_eq!(Deltas::<Test>::get(job, 2).unwrap().sketch, sketch(2));
		// The round's reveal window (sealed with a 5-block window) is over.
		run_to_block(28);
		let slash = Perbill::from_percent(5) * Tier::Gold.minimum();
		for (o, before) in (11..=15).zip(&stakes) {
			let lost = if liars.contains(&o) { slash } else { 0 };
			assert_eq!(staked(o), before - lost, "orchestrator {o}");
		}
		// The resolved delta waited for the reveal window too.
		assert_eq!(status(job, 2), DeltaStatus::Judged(Verdict::Accept(100_000)));
		for who in [1, 2] {
			assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, who));
		}
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
		assert_eq!(status(job, 2), DeltaStatus::Accepted(100_000));
	});
}

/// The late copier: once an honest delta is revealed its bytes are served,
/// so no seal may join its round while it is open (a round reopens only
/// with nothing open and nothing accepted). If the honest delta is dropped
/// (no quorum: its committee stayed away), the window reopens, but the
/// bytes stay the honest worker's for the round: a copier that seals them
/// now is rejected as a copy, and the honest worker, sealing them again,
/// is still their owner.
#[test]
fn a_late_copier_cannot_seal_into_an_open_round_nor_take_dropped_bytes() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		seal(1, job, delta(5), 0);
		run_to_block(22);
		assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(1), job, delta(5)));
		run_to_block(23);
		// The honest delta is open: the round takes no seal.
		assert_noop!(
			ComputeMining::submit_delta(
				RuntimeOrigin::signed(2),
				job,
				seal_of(2, job, delta(5)),
				0
			),
			Error::<Test>::SubmissionClosed
		);
		// Its committee stays away: no quorum, dropped.
		let deadline = Deltas::<Test>::get(job, 1).unwrap().reveal_deadline;
		run_to_block(u64::from(deadline) + 1);
		assert_ok!(ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1));
		assert!(Deltas::<Test>::get(job, 1).is_none());
		// (The absent members fell below Gold and left; two more join.)
		orchestrator(16);
		orchestrator(17);
		// The round reopens; the copier seals first this time.
		seal(2, job, delta(5), 0);
		run_to_block(u64::from(deadline) + 2);
		seal(1, job, delta(5), 0);
		let until = Jobs::<Test>::get(job).unwrap().submit_until;
		run_to_block(u64::from(until) + 1);
		for who in [2, 1] {
			assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(who), job, delta(5)));
		}
		assert_eq!(
			RoundContents::<Test>::get((job, 0, delta(5))),
			Some(RoundContent { sealed_at: 1, owner: 1, open: 2 })
		);
		run_to_block(u64::from(until) + 2);
		let good = report_of_quality(100_000);
		for who in [2, 1] {
			(0..3).for_each(|_| validate(job, who, good));
		}
		assert_eq!(status(job, 2), DeltaStatus::Rejected(Rejection::Copy));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
	});
}

/// The same with a near copy: the thief seals the dropped bytes plus noise
/// first in the reopened window, the honest worker seals its bytes again
/// later. The honest worker's first seal still counts: the copy is the
/// near copy, not the original.
#[test]
fn a_thief_cannot_take_the_first_seal_of_dropped_bytes_with_a_near_copy() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		seal(1, job, delta(5), 0);
		run_to_block(22);
		assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(1), job, delta(5)));
		let deadline = Deltas::<Test>::get(job, 1).unwrap().reveal_deadline;
		run_to_block(u64::from(deadline) + 1);
		assert_ok!(ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1));
		orchestrator(16);
		orchestrator(17);
		seal(2, job, delta(6), 0);
		run_to_block(u64::from(deadline) + 2);
		seal(1, job, delta(5), 0);
		let until = Jobs::<Test>::get(job).unwrap().submit_until;
		run_to_block(u64::from(until) + 1);
		for (who, bytes) in [(2, delta(6)), (1, delta(5))] {
			assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(who), job, bytes));
		}
		let book = RoundSketches::<Test>::get((job, 0)).unwrap();
		let sealed_at = |w| book.entries.iter().find(|e| e.worker == w).unwrap().sealed_at;
		assert_eq!((sealed_at(1), sealed_at(2)), (1, deadline + 1));
		run_to_block(u64::from(until) + 2);
		let good = report_of_quality(100_000);
		(0..3).for_each(|_| validate(job, 2, sketched(good, nudged(sketch(5)))));
		(0..3).for_each(|_| validate(job, 1, sketched(good, sketch(5))));
		assert_eq!(status(job, 2), DeltaStatus::Rejected(Rejection::NearCopy));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
	});
}

/// A member that could not read a delta reports no sketch: that is no
/// ground for a dispute of the sketch, and no sketch decides a dispute.
#[test]
fn no_sketch_neither_disputes_nor_decides_a_sketch() {
	ExtBuilder::default().build_and_execute(|| {
		let truth = sketched(report_of_quality(100_000), sketch(1));
		let members = judged(0, truth, truth);
		// Past the round's reveal window: a resolved dispute is final.
		run_to_block(System::block_number() + 1);
		assert_eq!(Deltas::<Test>::get(0, 1).unwrap().sketch, sketch(1));
		let others: Vec<AccountId> = (11..=15).filter(|o| !members.contains(o)).collect();
		// Bytes it could not fetch: a rejection (as the verdict, it
		// disagrees) but no sketch.
		let unread = corrupt(DeltaVerdict::HashMismatch);
		// Same verdict, no sketch: nothing to dispute.
		assert_noop!(dispute(others[0], report_of_quality(100_000)), Error::<Test>::VerdictAgrees);
		// A real disagreement on the verdict opens it; every other voter
		// could not read the bytes either.
		assert_ok!(dispute(others[0], unread));
		// One committee member lost the bytes too: 3 of 5 say "corrupt, no
		// sketch".
		vote(members[0], unread);
		vote(members[1], truth);
		vote(members[2], truth);
		vote(others[1], unread);
		assert_eq!(status(0, 1), DeltaStatus::Rejected(Rejection::Corrupt));
		// The verdict is decided, but no sketch was: the delta keeps its
		// committee's, not "none".
		assert_eq!(Deltas::<Test>::get(0, 1).unwrap().sketch, sketch(1));
	});
}

/// A sealed delta never revealed is dropped after its reveal window, by
/// anyone, for free: nothing is paid or slashed, and the worker's stake is
/// no longer held for it. A worker that seals again drops it itself.
#[test]
fn an_unrevealed_seal_is_dropped_unpaid_and_unslashed() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		seal(1, job, delta(1), 0);
		seal(2, job, delta(2), 0);
		assert_eq!(OpenDeltas::<Test>::get(1), 1);
		// Reveals: block 22 only (and `DisputeWindow` more blocks: 0 here).
		run_to_block(22);
		assert_noop!(
			ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1),
			Error::<Test>::RevealPhaseOpen
		);
		run_to_block(23);
		assert_noop!(
			ComputeMining::reveal_delta(RuntimeOrigin::signed(1), job, delta(1)),
			Error::<Test>::DeltaRevealOver
		);
		let stake = staked(1);
		let closed = ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1).unwrap();
		assert_eq!(closed.pays_fee, frame_support::dispatch::Pays::No);
		assert!(events().contains(&Event::DeltaUnrevealed { job, worker: 1, round: 0 }));
		assert!(Deltas::<Test>::get(job, 1).is_none());
		assert_eq!((OpenDeltas::<Test>::get(1), PendingSlashes::<Test>::get(1)), (0, 0));
		assert_eq!(staked(1), stake);
		// Nothing was accepted in the round: a new seal opens a new window,
		// and drops the worker's own expired seal.
		seal(2, job, delta(3), 0);
		assert!(events().contains(&Event::DeltaUnrevealed { job, worker: 2, round: 0 }));
		assert_eq!(Jobs::<Test>::get(job).unwrap().submit_until, 23 + 20);
		assert_eq!(OpenDeltas::<Test>::get(2), 1);
		seal(1, job, delta(4), 0);
		assert_noop!(
			ComputeMining::submit_delta(RuntimeOrigin::signed(1), job, delta(5), 0),
			Error::<Test>::DuplicateDelta
		);
	});
}

/// A seal never revealed cannot stall its job: once it can no longer be
/// revealed, it does not count, and the next seal opens a new window (the
/// stale seal is dropped whenever anyone closes it, or its worker seals
/// again).
#[test]
fn an_unrevealed_seal_does_not_stall_the_round() {
	ExtBuilder::default().build_and_execute(|| {
		DisputeWindow::<Test>::put(2);
		let job = two_seated_workers(3);
		seal(1, job, delta(1), 0);
		// Worker 1 could still reveal (blocks 22 to 24): the round is closed.
		run_to_block(24);
		assert_noop!(
			ComputeMining::submit_delta(
				RuntimeOrigin::signed(2),
				job,
				seal_of(2, job, delta(2)),
				0
			),
			Error::<Test>::SubmissionClosed
		);
		run_to_block(25);
		seal(2, job, delta(2), 0);
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!((info.submit_until, info.open, info.sealed), (25 + 20, 1, 1));
		// The stale seal is still closable, and counts nowhere.
		assert_ok!(ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1));
		assert_eq!(Jobs::<Test>::get(job).unwrap().open, 1);
	});
}

/// A round with an accepted delta does not reopen: its window is over.
#[test]
fn a_round_with_an_accepted_delta_takes_no_late_seal() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		let job = two_seated_workers(1);
		submit(1, job, delta(1), 0);
		// Judged and, with no dispute window here, final.
		validate(job, 1, report_of_quality(100_000));
		assert_eq!(Jobs::<Test>::get(job).unwrap().accepted, 1);
		run_to_block(22);
		assert_noop!(
			ComputeMining::submit_delta(
				RuntimeOrigin::signed(2),
				job,
				seal_of(2, job, delta(2)),
				0
			),
			Error::<Test>::SubmissionClosed
		);
	});
}

#[test]
fn a_delta_without_quorum_is_neither_paid_nor_slashed_and_can_be_resubmitted() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let job = create_job(3);
		worker(1, Tier::Silver, GpuClass::Other);
		seat(job, 1);
		submit(1, job, delta(1), 0);
		let members = committee(job, 1);
		commit(members[0], job, 1, report_of_quality(100_000));
		// Nobody else commits; after the commit deadline the one reveal is
		// not a quorum of three.
		run_to_block(8);
		reveal(members[0], job, 1, report_of_quality(100_000));
		run_to_block(13);
		let stakes: Vec<Balance> = members.iter().map(|m| staked(*m)).collect();
		assert_ok!(ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1));
		assert!(events().contains(&Event::DeltaNoQuorum { job, worker: 1, round: 0, revealed: 1 }));
		assert!(Deltas::<Test>::get(job, 1).is_none());
		assert_eq!(PendingSlashes::<Test>::get(1), 0);
		assert_eq!(staked(members[0]), stakes[0], "the member who revealed keeps its stake");
		assert!(staked(members[1]) < stakes[1] && staked(members[2]) < stakes[2]);
		// The worker gets its round back.
		submit(1, job, delta(2), 0);
		assert_eq!(Deltas::<Test>::get(job, 1).unwrap().round, 0);
	});
}

#[test]
fn committees_never_seat_the_worker_and_need_enough_orchestrators() {
	ExtBuilder::default().build_and_execute(|| {
		// Platinum: the missed-duty slashes of the draws below keep them
		// above Gold, in the set.
		let platinum = |o| {
			stake(o, Tier::Platinum);
			assert_ok!(ComputeMining::join_orchestrators(RuntimeOrigin::signed(o)));
		};
		platinum(11);
		platinum(12);
		let job = create_job(3);
		worker(1, Tier::Silver, GpuClass::Other);
		seat(job, 1);
		assert_noop!(
			ComputeMining::submit_delta(RuntimeOrigin::signed(1), job, delta(1), 0),
			Error::<Test>::CommitteeUnavailable
		);
		platinum(13);
		// A Gold worker in the set is never on its own committee.
		stake(14, Tier::Gold);
		register(14, GpuClass::Other);
		assert_ok!(ComputeMining::join_orchestrators(RuntimeOrigin::signed(14)));
		seat(job, 14);
		for seed in 0..20 {
			RandomSeed::set(seed);
			submit(14, job, delta(seed as u8), 0);
			let members = committee(job, 14);
			let mut sorted = members.clone();
			sorted.sort();
			assert_eq!(sorted, vec![11, 12, 13], "seed {seed}");
			// Clear the way for the next draw without judging.
			run_to_block(System::block_number() + 12);
			assert_ok!(ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 14));
		}
		// A member on duty cannot leave; a free one can.
		submit(1, job, delta(1), 0);
		let members = committee(job, 1);
		assert_noop!(
			ComputeMining::leave_orchestrators(RuntimeOrigin::signed(members[0])),
			Error::<Test>::OrchestratorOnDuty
		);
	});
}

#[test]
fn the_orchestrator_set_holds_its_members_stake() {
	ExtBuilder::default().build_and_execute(|| {
		stake(11, Tier::Silver);
		assert_noop!(
			ComputeMining::join_orchestrators(RuntimeOrigin::signed(11)),
			Error::<Test>::NotOrchestrator
		);
		stake(12, Tier::Gold);
		assert_ok!(ComputeMining::join_orchestrators(RuntimeOrigin::signed(12)));
		assert!(events().contains(&Event::OrchestratorJoined {
			orchestrator: 12,
			stake: Tier::Gold.minimum()
		}));
		assert_noop!(
			ComputeMining::join_orchestrators(RuntimeOrigin::signed(12)),
			Error::<Test>::AlreadyOrchestrator
		);
		// Its stake cannot leave while it is a member.
		assert_eq!(ComputeMining::minimum_stake(&12), Tier::Gold.minimum());
		assert!(TieredStaking::unstake(RuntimeOrigin::signed(12), GYM).is_err());
		assert_ok!(ComputeMining::leave_orchestrators(RuntimeOrigin::signed(12)));
		assert!(events().contains(&Event::OrchestratorLeft { orchestrator: 12 }));
		assert_eq!(ComputeMining::minimum_stake(&12), 0);
		assert_noop!(
			ComputeMining::leave_orchestrators(RuntimeOrigin::signed(12)),
			Error::<Test>::NotInOrchestratorSet
		);
		// Verifying hardware takes a member, and never raises the class
		// above the claim.
		worker(1, Tier::Bronze, GpuClass::Rtx4070);
		assert_noop!(
			ComputeMining::verify_hardware(RuntimeOrigin::signed(12), 1, GpuClass::H100),
			Error::<Test>::NotInOrchestratorSet
		);
		assert_ok!(ComputeMining::join_orchestrators(RuntimeOrigin::signed(12)));
		assert_ok!(ComputeMining::verify_hardware(RuntimeOrigin::signed(12), 1, GpuClass::H100));
		assert_eq!(Workers::<Test>::get(1).unwrap().verified_class, Some(GpuClass::Rtx4070));
	});
}

#[test]
fn a_round_completes_when_two_thirds_of_its_committee_agree() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		submit(1, job, delta(1), 0);
		// No accepted delta, no round committee.
		assert_noop!(
			ComputeMining::complete_round(RuntimeOrigin::signed(11), job, 0, 0, delta(9)),
			Error::<Test>::NoRoundCommittee
		);
		(0..3).for_each(|_| validate(job, 1, report_of_quality(100_000)));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
		let members = RoundCommittees::<Test>::get(job).unwrap().members.into_inner();
		assert_eq!(members, committee(job, 1), "the first accepted delta's committee");
		let outsider = (11..=15).find(|o| !members.contains(o)).unwrap();
		let vote = |by, round, accepted, c| {
			ComputeMining::complete_round(RuntimeOrigin::signed(by), job, round, accepted, c)
		};
		assert_noop!(vote(outsider, 0, 1, delta(9)), Error::<Test>::NotInCommittee);
		assert_noop!(vote(1, 0, 1, delta(9)), Error::<Test>::NotInCommittee);
		assert_noop!(vote(members[0], 1, 1, delta(9)), Error::<Test>::WrongRound);
		assert_noop!(vote(members[0], 0, 2, delta(9)), Error::<Test>::AcceptedMismatch);
		// The first vote closes the round to new deltas.
		assert_ok!(vote(members[0], 0, 1, delta(9)));
		assert!(Jobs::<Test>::get(job).unwrap().closing);
		assert_noop!(vote(members[0], 0, 1, delta(9)), Error::<Test>::AlreadyVoted);
		assert_noop!(
			ComputeMining::submit_delta(RuntimeOrigin::signed(2), job, delta(2), 0),
			Error::<Test>::RoundClosing
		);
		// A dissenting vote does not carry; two agreeing of three do, and
		// the dissenter is slashed 5%.
		let dissenter_stake = staked(members[1]);
		assert_ok!(vote(members[1], 0, 1, delta(8)));
		assert_eq!(Jobs::<Test>::get(job).unwrap().round, 0);
		assert_ok!(vote(members[2], 0, 1, delta(9)));
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!(
			(info.round, info.checkpoint, info.accepted, info.closing),
			(1, delta(9), 0, false)
		);
		assert!(events().contains(&Event::RoundCompleted { job, round: 0, checkpoint: delta(9) }));
		let slash = dissenter_stake / 20;
		assert_eq!(staked(members[1]), dissenter_stake - slash);
		assert!(events().contains(&Event::OrchestratorSlashed {
			orchestrator: members[1],
			reason: SlashReason::FalseJudgement,
			amount: slash
		}));
		// 47,500 GYM is below Gold: the dissenter left the set.
		assert!(!Orchestrators::<Test>::get().iter().any(|(m, _)| *m == members[1]));
		// A late vote names a closed round.
		assert_noop!(vote(outsider, 0, 1, delta(9)), Error::<Test>::WrongRound);
		// A new round takes new deltas.
		submit(2, job, delta(2), 0);
	});
}

#[test]
fn the_final_quality_is_the_median_of_one_three_four_and_five_reports() {
	for (reports, expected) in [
		(vec![300_000], 300_000),
		(vec![500_000, 100_000, 300_000], 300_000),
		(vec![400_000, 100_000, 200_000, 1_000_000], 300_000),
		(vec![0, 900_000, 200_000, 100_000, 700_000], 200_000),
	] {
		ExtBuilder::default().min_validations(1).build_and_execute(|| {
			orchestrators();
			let job = create_job(reports.len() as u8);
			worker(1, Tier::Silver, GpuClass::Other);
			seat(job, 1);
			submit(1, job, delta(1), 0);
			for q in &reports {
				assert_eq!(status(job, 1), DeltaStatus::Pending);
				validate(job, 1, report_of_quality(*q));
			}
			assert_eq!(status(job, 1), DeltaStatus::Accepted(expected), "{reports:?}");
			assert_eq!(Activity::<Test>::get(1).unwrap().quality, Some(expected));
		});
	}
}

#[test]
fn a_corrupt_delta_costs_five_percent_and_the_assignment() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let job = create_job(3);
		worker(1, Tier::Silver, GpuClass::Other);
		seat(job, 1);
		submit(1, job, delta(1), 0);
		let treasury = balance(TREASURY);
		validate(job, 1, corrupt(DeltaVerdict::HashMismatch));
		validate(job, 1, report_of_quality(100_000));
		validate(job, 1, corrupt(DeltaVerdict::WrongShape));
		assert_eq!(status(job, 1), DeltaStatus::Rejected(Rejection::Corrupt));
		// The judgement fixes the slash; it is charged when settled.
		let slash = Tier::Silver.minimum() / 20;
		assert!(events().contains(&Event::DeltaRejected {
			job,
			worker: 1,
			round: 0,
			why: Rejection::Corrupt,
			slash
		}));
		assert_eq!(PendingSlashes::<Test>::get(1), slash);
		assert_eq!(staked(1), Tier::Silver.minimum());
		assert_eq!(TotalSlashed::<Test>::get(), 0);
		// Back in the queue, off the job.
		let info = Workers::<Test>::get(1).unwrap();
		assert_eq!((info.assignment, info.waiting, info.priority), (None, true, true));
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 0);
		assert_eq!(Activity::<Test>::get(1).unwrap().quality, None);

		// Anyone settles it, for free.
		let settled = ComputeMining::settle_slash(RuntimeOrigin::signed(99), 1).unwrap();
		assert_eq!(settled.pays_fee, frame_support::dispatch::Pays::No);
		assert_eq!(staked(1), Tier::Silver.minimum() - slash);
		assert_eq!(balance(TREASURY), treasury + slash);
		assert_eq!(PendingSlashes::<Test>::get(1), 0);
		assert_eq!(TotalSlashed::<Test>::get(), slash);
		assert_eq!(slashed_by_events(), slash);
		// 9,500 GYM is no longer Silver: the normal queue.
		let info = Workers::<Test>::get(1).unwrap();
		assert_eq!((info.assignment, info.waiting, info.priority), (None, true, false));
		assert_eq!(Waiting::<Test>::get(), (0, 1));
		assert_noop!(
			ComputeMining::settle_slash(RuntimeOrigin::signed(99), 1),
			Error::<Test>::NoPendingSlash
		);
	});
}

#[test]
fn a_pending_slash_holds_the_stake_and_outlives_the_registration() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		orchestrators();
		let job = create_job(1);
		worker(1, Tier::Gold, GpuClass::Other);
		let stake0 = staked(1);
		seat(job, 1);
		submit(1, job, delta(1), 0);
		validate(job, 1, corrupt(DeltaVerdict::WrongShape));
		let first = stake0 / 20;
		assert_eq!(PendingSlashes::<Test>::get(1), first);
		// A second rejection counts 5% of what the first leaves.
		let job2 = create_job(1);
		seat(job2, 1);
		submit(1, job2, delta(2), 0);
		validate(job2, 1, corrupt(DeltaVerdict::WrongShape));
		let second = (stake0 - first) / 20;
		assert_eq!(PendingSlashes::<Test>::get(1), first + second);
		// Leaving does not escape it: the stake cannot go below it.
		assert_ok!(ComputeMining::deregister_worker(RuntimeOrigin::signed(1)));
		assert_noop!(
			TieredStaking::unstake(RuntimeOrigin::signed(1), stake0 - first - second + 1),
			pallet_tiered_staking::Error::<Test>::StakeRequired
		);
		assert_ok!(TieredStaking::unstake(RuntimeOrigin::signed(1), stake0 - first - second));
		assert_eq!(staked(1), first + second);
		assert_ok!(ComputeMining::settle_slash(RuntimeOrigin::signed(2), 1));
		assert_eq!(staked(1), 0);
		assert_eq!(TotalSlashed::<Test>::get(), first + second);
		assert_eq!(slashed_by_events(), first + second);
	});
}

#[test]
fn overclaiming_beyond_the_tolerance_is_an_invalid_delta() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		let job = two_seated_workers(1);
		// Validated 0.30: claiming 0.35 is within the 0.05 tolerance...
		submit(1, job, delta(1), 350_000);
		validate(job, 1, report_of_quality(300_000));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(300_000));
		// ...0.35 + 1 millionth is not.
		submit(2, job, delta(2), 350_001);
		validate(job, 2, report_of_quality(300_000));
		assert_eq!(
			status(job, 2),
			DeltaStatus::Rejected(Rejection::Overclaimed { claimed: 350_001, validated: 300_000 })
		);
		assert_eq!(PendingSlashes::<Test>::get(2), Tier::Silver.minimum() / 20);
		assert_ok!(ComputeMining::settle_slash(RuntimeOrigin::signed(3), 2));
		assert_eq!(staked(2), Tier::Silver.minimum() * 95 / 100);
		assert_eq!(staked(1), Tier::Silver.minimum());
		assert_eq!(PendingSlashes::<Test>::get(1), 0);
	});
}

/// A delta that trained nothing (all zero, or noise) does not lower the
/// training loss. Its reports still see a low gradient variance and a
/// validation loss one millionth better, but the bonuses add to a real gain
/// only: quality 0, and once final it is rejected as `NoGain`. Not paid, not
/// aggregated, not slashed; its worker goes back to the queue (a seat is not
/// held for free by sealing empty deltas) and is paid when it is seated again
/// and does better.
#[test]
fn a_delta_with_no_training_gain_is_rejected_unpaid_and_unslashed() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		submit(1, job, delta(1), 0);
		submit(2, job, delta(2), 0);
		let no_gain = report(3 * MICRO, 3 * MICRO, true, true);
		(0..3).for_each(|_| validate(job, 1, no_gain));
		assert_eq!(status(job, 1), DeltaStatus::Judged(Verdict::Accept(0)));
		// Final once worker 2's delta, sealed in the same block, is judged.
		(0..3).for_each(|_| validate(job, 2, report_of_quality(100_000)));
		assert_eq!(status(job, 1), DeltaStatus::Rejected(Rejection::NoGain));
		assert!(events().contains(&Event::DeltaRejected {
			job,
			worker: 1,
			round: 0,
			why: Rejection::NoGain,
			slash: 0
		}));
		assert_eq!(status(job, 2), DeltaStatus::Accepted(100_000));
		// Not slashed: nothing pending, the stake whole.
		assert_eq!(PendingSlashes::<Test>::get(1), 0);
		assert_eq!(staked(1), Tier::Silver.minimum());
		assert_eq!(TotalSlashed::<Test>::get(), 0);
		// Back in the queue: the seat is free for another worker.
		let info = Workers::<Test>::get(1).unwrap();
		assert_eq!((info.assignment, info.waiting), (None, true));
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 1);
		// Not aggregated: the round counts worker 2's delta only, and its
		// committee decides the checkpoint.
		assert_eq!(Jobs::<Test>::get(job).unwrap().accepted, 1);
		assert_eq!(RoundCommittees::<Test>::get(job).unwrap().members, committee(job, 2));
		complete(job, delta(9));
		// Not paid: no quality for the epoch, nothing accrues though it is
		// online in every slot, nothing to claim once the epoch closes.
		for _ in 1..10 {
			next_slot();
			heartbeat(1);
			heartbeat(2);
		}
		let pending = ComputeMining::pending_rewards(&1);
		assert_eq!((pending.quality, pending.accruing, pending.online_slots), (None, 0, 10));
		run_to_epoch(1);
		assert_noop!(
			ComputeMining::claim_rewards(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToClaim
		);
		// Worker 2: Silver 1.2, quality 0.1, online 10/10: 1000 × 1.1 × 1.2.
		assert_eq!(claim(2), 1_320 * GYM);
		// The block hook seated it again (the job's seat was free); this
		// round it trains for real, and is paid for it.
		assert_eq!(Workers::<Test>::get(1).unwrap().assignment, Some(job));
		submit(1, job, delta(3), 0);
		(0..3).for_each(|_| validate(job, 1, report_of_quality(100_000)));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
		assert_eq!(ComputeMining::pending_rewards(&1).quality, Some(100_000));
	});
}

/// Copies keep their precedence: a copy of a delta with no gain is a copy
/// (slashed, off the job), not a delta with no gain.
#[test]
fn a_copy_of_a_delta_with_no_gain_is_still_a_copy() {
	ExtBuilder::default().build_and_execute(|| {
		DisputeWindow::<Test>::put(2);
		let job = same_bytes_sealed_by_both([1, 2]);
		run_to_block(23);
		let no_gain = report(3 * MICRO, 3 * MICRO + 1, true, true);
		for who in [1, 2] {
			(0..3).for_each(|_| validate(job, who, no_gain));
			assert_eq!(status(job, who), DeltaStatus::Judged(Verdict::Accept(0)));
		}
		run_to_block(u64::from(Deltas::<Test>::get(job, 2).unwrap().dispute_deadline) + 1);
		for who in [1, 2] {
			assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), job, who));
		}
		assert_eq!(status(job, 1), DeltaStatus::Rejected(Rejection::NoGain));
		assert_eq!(status(job, 2), DeltaStatus::Rejected(Rejection::Copy));
		assert_eq!(PendingSlashes::<Test>::get(1), 0);
		assert_eq!(PendingSlashes::<Test>::get(2), Tier::Silver.minimum() / 20);
		// Both off the job: worker 1 unslashed, worker 2 slashed.
		assert_eq!(Workers::<Test>::get(1).unwrap().assignment, None);
		assert_eq!(Workers::<Test>::get(2).unwrap().assignment, None);
		assert_eq!(Jobs::<Test>::get(job).unwrap().accepted, 0);
	});
}

// ---- rewards -----------------------------------------------------------------

/// Three workers in epoch 0, hand-computed (budget 7,716 GYM > Σ: difficulty 1):
/// - 1: Bronze 1.0, H100 verified 1.5, online 10/10, quality 0.1 + 0.05 + 0.15
///   = 0.3 → 1000 × 1.3 × 1.0 × 1.5 × 1.0 = 1,950 GYM;
/// - 2: Silver 1.2, claims A100 but unverified 1.0, online 5/10, quality 0.1
///   → 1000 × 1.1 × 1.2 × 1.0 × 0.5 = 660 GYM;
/// - 3: Gold 1.5, A6000 verified 1.1, 5 slots scheduled away and online in
///   the other 5, quality 0.2 → 1000 × 1.2 × 1.5 × 1.1 × 0.5 = 990 GYM
///   (scheduled downtime is not slashed, but it is not paid either).
#[test]
fn rewards_follow_the_formula_with_difficulty_one() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		orchestrator(11);
		worker(1, Tier::Bronze, GpuClass::H100);
		worker(2, Tier::Silver, GpuClass::A100);
		worker(3, Tier::Gold, GpuClass::A6000);
		assert_ok!(ComputeMining::verify_hardware(RuntimeOrigin::signed(11), 1, GpuClass::H100));
		assert_ok!(ComputeMining::verify_hardware(RuntimeOrigin::signed(11), 3, GpuClass::A6000));
		assert_noop!(
			ComputeMining::verify_hardware(RuntimeOrigin::signed(1), 3, GpuClass::H100),
			Error::<Test>::NotInOrchestratorSet
		);
		// Blocks 51..=100 are slots 5..=9.
		assert_noop!(
			ComputeMining::schedule_downtime(RuntimeOrigin::signed(3), 20, 101),
			Error::<Test>::DowntimeTooSoon
		);
		assert_noop!(
			ComputeMining::schedule_downtime(RuntimeOrigin::signed(3), 51, 51),
			Error::<Test>::BadDowntime
		);
		assert_noop!(
			ComputeMining::schedule_downtime(RuntimeOrigin::signed(3), 51, 1_052),
			Error::<Test>::BadDowntime
		);
		assert_ok!(ComputeMining::schedule_downtime(RuntimeOrigin::signed(3), 51, 101));
		let job = create_job(1);
		for w in [3, 2, 1] {
			seat(job, w);
		}
		submit(1, job, delta(1), 0);
		submit(2, job, delta(2), 0);
		submit(3, job, delta(3), 0);
		validate(job, 1, report(3 * MICRO, 3 * MICRO - 10_000, true, true));
		validate(job, 2, report_of_quality(100_000));
		validate(job, 3, report(3 * MICRO, 3 * MICRO - 20_000, false, false));
		assert_noop!(
			ComputeMining::heartbeat(RuntimeOrigin::signed(1)),
			Error::<Test>::HeartbeatAlreadySent
		);
		for slot in 1..10 {
			next_slot();
			heartbeat(1);
			if slot < 5 {
				heartbeat(2);
				heartbeat(3);
			}
		}
		let pending = ComputeMining::pending_rewards(&1);
		assert_eq!(
			(pending.accruing, pending.online_slots, pending.quality),
			(1_950 * GYM, 10, Some(300_000))
		);
		assert_noop!(
			ComputeMining::claim_rewards(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToClaim
		);

		run_to_epoch(1);
		let budget = GymEmission::scheduled_epoch_emission(0);
		assert!(budget > 3_600 * GYM);
		let info = Epochs::<Test>::get(0).unwrap();
		// Promised what the rewards add up to, not the whole schedule budget:
		// the rest stays with the cap's headroom.
		assert_eq!(
			(info.budget, info.unadjusted, info.workers),
			(Some(3_600 * GYM), 3_600 * GYM, 3)
		);
		assert_eq!(info.difficulty_micro(), Some(MICRO));
		assert_eq!(ComputeMining::pending_rewards(&2).claimable, 660 * GYM);
		let issuance_before = issuance();
		assert_eq!(claim(1), 1_950 * GYM);
		assert_eq!(claim(2), 660 * GYM);
		assert_eq!(claim(3), 990 * GYM);
		assert_eq!(issuance(), issuance_before + 3_600 * GYM);
		assert_eq!(pallet_gym_emission::EpochMinted::<Test>::get(0), 3_600 * GYM);
		// Fully claimed: the epoch's record is gone.
		assert!(Epochs::<Test>::get(0).is_none());
		// The GYM earned is each worker's mining contribution.
		assert_eq!(<ComputeMining as MiningEarnings<AccountId>>::earned_30d(&1), 1_950 * GYM);
		assert_eq!(<ComputeMining as MiningEarnings<AccountId>>::network_earned_30d(), 3_600 * GYM);
		assert_eq!(pallet_revenue_split::MinerPoints::<Test>::get(1).unwrap().1, 1_950 * GYM);
	});
}

/// Five Diamond workers (3.0x) on verified H100s (1.5x), always online:
/// four at quality 2.0 (1000 × 3 × 3 × 1.5 = 13,500 GYM) and one at 0.5
/// (6,750 GYM). Σ = 60,750 GYM > budget: each is paid unadjusted × budget /
/// Σ, i.e. 2/9 and 1/9 of the budget, rounded down.
#[test]
fn difficulty_scales_rewards_into_the_epoch_budget() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		orchestrator(11);
		let job = create_job(1);
		for w in 1..=5 {
			worker(w, Tier::Diamond, GpuClass::H100);
			assert_ok!(ComputeMining::verify_hardware(
				RuntimeOrigin::signed(11),
				w,
				GpuClass::H100
			));
			seat(job, w);
			submit(w, job, delta(w as u8), 0);
			let q = if w == 5 { 500_000 } else { 2_000_000 };
			validate(job, w, report_of_quality(q));
		}
		for _ in 1..10 {
			next_slot();
			(1..=5).for_each(heartbeat);
		}
		run_to_epoch(1);
		let budget = GymEmission::scheduled_epoch_emission(0);
		let info = Epochs::<Test>::get(0).unwrap();
		assert_eq!(info.unadjusted, 60_750 * GYM);
		assert!(budget < info.unadjusted);
		let mut minted = 0;
		for w in 1..=4 {
			let paid = claim(w);
			assert_eq!(paid, budget * 2 / 9);
			minted += paid;
		}
		let paid = claim(5);
		assert_eq!(paid, budget / 9);
		minted += paid;
		// Rounding leaves less than a planck per worker unminted.
		assert!(budget - minted < 5);
		assert_eq!(pallet_gym_emission::EpochMinted::<Test>::get(0), minted);
	});
}

#[test]
fn rewards_of_several_epochs_are_claimed_at_once_and_the_oldest_paid_when_full() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		orchestrator(11);
		let job = create_job(1);
		worker(1, Tier::Bronze, GpuClass::Other);
		seat(job, 1);
		// Seven epochs, each with a delta of quality 0.1 and every slot
		// online: 1,100 GYM each.
		one_delta_an_epoch(job, 1, 7);
		// Seven closed epochs, at most four kept: the three oldest were paid
		// out when the fifth, sixth and seventh rolled.
		assert_eq!(Unclaimed::<Test>::get(1).len(), 4);
		let staked_and_free = balance(1);
		assert_eq!(staked_and_free, ENDOWMENT + 3_300 * GYM);
		assert_eq!(claim(1), 4_400 * GYM);
		assert_eq!(Earned::<Test>::get(1).unwrap().total, 7_700 * GYM);
		assert_noop!(
			ComputeMining::claim_rewards(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToClaim
		);
	});
}

// ---- slashing ------------------------------------------------------------------

#[test]
fn downtime_is_charged_per_full_hour_once() {
	ExtBuilder::default().build_and_execute(|| {
		worker(1, Tier::Silver, GpuClass::Other);
		let stake0 = staked(1);
		// Registered in slot 0. Slots 1..=89 missed at block 901 (slot 90):
		// 89 slots, one full hour (60 slots).
		run_to_block(901);
		assert_ok!(ComputeMining::report_downtime(RuntimeOrigin::signed(2), 1));
		let one_hour = Perbill::from_parts(1_000_000) * stake0;
		assert_eq!(staked(1), stake0 - one_hour);
		// Taken off the queue until its next heartbeat.
		assert!(!Workers::<Test>::get(1).unwrap().waiting);
		assert_noop!(
			ComputeMining::report_downtime(RuntimeOrigin::signed(2), 1),
			Error::<Test>::NoDowntime
		);
		// 29 slots were left over; 31 more make the second hour, charged by
		// the heartbeat that ends the gap: never the first hour again.
		run_to_block(1211);
		let stake1 = staked(1);
		heartbeat(1);
		assert_eq!(staked(1), stake1 - Perbill::from_parts(1_000_000) * stake1);
		assert!(Workers::<Test>::get(1).unwrap().waiting);
		assert_eq!(TotalSlashed::<Test>::get(), slashed_by_events());
		assert_noop!(
			ComputeMining::report_downtime(RuntimeOrigin::signed(2), 1),
			Error::<Test>::NoDowntime
		);
	});
}

#[test]
fn scheduled_downtime_is_not_charged() {
	ExtBuilder::default().build_and_execute(|| {
		worker(1, Tier::Silver, GpuClass::Other);
		// Slots 3..=62 (blocks 31..=630) scheduled: 60 slots.
		assert_ok!(ComputeMining::schedule_downtime(RuntimeOrigin::signed(1), 31, 631));
		run_to_block(701);
		// Missed slots 1..=69: 69 − 60 scheduled = 9 unscheduled.
		assert_noop!(
			ComputeMining::report_downtime(RuntimeOrigin::signed(2), 1),
			Error::<Test>::NoDowntime
		);
		run_to_block(1_211);
		// 120 − 60 = 60 unscheduled: one hour.
		let stake0 = staked(1);
		assert_ok!(ComputeMining::report_downtime(RuntimeOrigin::signed(2), 1));
		assert_eq!(staked(1), stake0 - Perbill::from_parts(1_000_000) * stake0);
	});
}

#[test]
fn a_malicious_worker_loses_half_its_stake_and_its_registration() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let job = create_job(3);
		worker(1, Tier::Gold, GpuClass::H100);
		seat(job, 1);
		assert_noop!(
			ComputeMining::report_malicious(RuntimeOrigin::signed(11), 1, H256::zero()),
			BadOrigin
		);
		assert_ok!(ComputeMining::report_malicious(
			RuntimeOrigin::root(),
			1,
			H256::repeat_byte(66)
		));
		assert_eq!(staked(1), Tier::Gold.minimum() / 2);
		assert!(Workers::<Test>::get(1).is_none());
		assert!(HardwareOwners::<Test>::get(hw(1)).is_none());
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 0);
		// The report is recorded once the slash went through, then the
		// worker is deregistered.
		let events = events();
		let reported = events
			.iter()
			.position(|e| {
				*e == Event::MaliciousReported { worker: 1, evidence: H256::repeat_byte(66) }
			})
			.expect("the report is recorded");
		let slashed = events
			.iter()
			.position(|e| matches!(e, Event::WorkerSlashed { worker: 1, .. }))
			.expect("the worker is slashed");
		let deregistered = events
			.iter()
			.position(|e| {
				*e == Event::WorkerDeregistered { worker: 1, reason: Deregistration::Malicious }
			})
			.expect("the worker is deregistered");
		assert!(slashed < reported && reported < deregistered);
		// Deregistered, it is still reported while it has GYM to slash: its
		// stake and what it unbonds.
		assert_ok!(TieredStaking::unstake(RuntimeOrigin::signed(1), Tier::Gold.minimum() / 4));
		let left = frozen(1);
		assert_ok!(ComputeMining::report_malicious(RuntimeOrigin::root(), 1, H256::zero()));
		assert_eq!(frozen(1), left - left / 2);
		// An account with nothing slashable is not.
		assert_noop!(
			ComputeMining::report_malicious(RuntimeOrigin::root(), 77, H256::zero()),
			Error::<Test>::NotWorker
		);
	});
}

#[test]
fn a_slash_below_bronze_deregisters_the_worker() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let job = create_job(3);
		worker(1, Tier::Bronze, GpuClass::Other);
		seat(job, 1);
		submit(1, job, delta(1), 0);
		for _ in 11..=13 {
			validate(job, 1, corrupt(DeltaVerdict::Undecodable));
		}
		assert!(Workers::<Test>::get(1).is_some());
		assert_ok!(ComputeMining::settle_slash(RuntimeOrigin::signed(2), 1));
		assert_eq!(staked(1), Tier::Bronze.minimum() * 95 / 100);
		assert!(Workers::<Test>::get(1).is_none());
		assert!(events().contains(&Event::WorkerDeregistered {
			worker: 1,
			reason: Deregistration::StakeBelowBronze
		}));
	});
}

// ---- cost: many workers ------------------------------------------------------------

/// 1,000 workers over 20 epochs, with tiers, verified GPU classes,
/// availabilities and qualities that vary by worker and epoch: the sum minted
/// never exceeds the budgets, and each worker is paid exactly its formula
/// share, computed here from the primitives (rounding dust accounted).
#[test]
fn a_thousand_workers_over_twenty_epochs_are_paid_their_formula_share() {
	const WORKERS: u128 = 1_000;
	const EPOCHS: u64 = 20;
	ExtBuilder::default().accounts(WORKERS + 20).min_validations(1).build_and_execute(|| {
		CheckEveryBlock::set(false);
		let orchestrator = WORKERS + 1;
		self::orchestrator(orchestrator);
		let job = create_job(1);
		let tiers = [Tier::Bronze, Tier::Silver, Tier::Gold, Tier::Platinum, Tier::Diamond];
		for w in 1..=WORKERS {
			let class = GpuClass::ALL[(w % 7) as usize];
			worker(w, tiers[(w % 5) as usize], class);
			if w % 3 == 0 {
				assert_ok!(ComputeMining::verify_hardware(
					RuntimeOrigin::signed(orchestrator),
					w,
					class
				));
			}
		}
		// Priority workers first.
		for w in (1..=WORKERS).filter(|w| w % 5 != 0) {
			seat(job, w);
		}
		for w in (1..=WORKERS).filter(|w| w % 5 == 0) {
			seat(job, w);
		}
		let balances_before: Vec<Balance> = (1..=WORKERS).map(balance).collect();
		let mut expected = vec![0u128; WORKERS as usize];
		let mut total_budget = 0u128;
		for epoch in 0..EPOCHS {
			let mut unadjusted = vec![0u128; WORKERS as usize];
			let mut quality = vec![None; WORKERS as usize];
			// Workers with (w + epoch) % 4 != 0 deliver a delta this epoch.
			for w in 1..=WORKERS {
				if (w as u64 + epoch).is_multiple_of(4) {
					continue;
				}
				// Qualities from the smallest paid one (a gain of MIN_LOSS_GAIN) to 2.0.
				let q =
					50_000 + ((w as u32 * 7_919 + epoch as u32 * 104_729) % 1_950_001) / 10 * 10;
				let hash = H256::from_low_u64_be((epoch << 32) | w as u64);
				submit(w, job, hash, 0);
				validate(job, w, report_of_quality(q));
				quality[(w - 1) as usize] = Some(q);
			}
			complete(job, H256::from_low_u64_be(epoch));
			// Online slots: the first slot's heartbeat (or registration) and
			// then w % 10 more of the 9 remaining.
			let mut online = vec![0u32; WORKERS as usize];
			if epoch == 0 {
				online.iter_mut().for_each(|o| *o = 1);
			}
			for slot in 1..10u32 {
				next_slot();
				for w in 1..=WORKERS {
					let first = epoch > 0 && slot == 1;
					if first || (w as u32 % 10) >= slot {
						heartbeat(w);
						online[(w - 1) as usize] += 1;
					}
				}
			}
			for w in 1..=WORKERS {
				if let Some(q) = quality[(w - 1) as usize] {
					let class = GpuClass::ALL[(w % 7) as usize];
					unadjusted[(w - 1) as usize] = mining::unadjusted_reward(
						q,
						TieredStaking::boost_of(&w),
						mining::hardware_multiplier((w % 3 == 0).then_some(class)),
						mining::availability(online[(w - 1) as usize], 10),
					);
				}
			}
			run_to_epoch(epoch + 1);
			check_invariants();
			let budget = GymEmission::scheduled_epoch_emission(epoch as u32);
			let total: Balance = unadjusted.iter().sum();
			assert_eq!(Epochs::<Test>::get(epoch as u32).unwrap().unadjusted, total);
			assert_eq!(Epochs::<Test>::get(epoch as u32).unwrap().budget, Some(budget));
			total_budget += budget;
			for (e, u) in expected.iter_mut().zip(&unadjusted) {
				*e += mining::apply_difficulty(*u, total, budget);
			}
			// Every other epoch, the even workers claim.
			if epoch % 2 == 1 {
				for w in (2..=WORKERS).step_by(2) {
					let _ = ComputeMining::claim_rewards(RuntimeOrigin::signed(w));
				}
			}
		}
		// The first slot of epoch 20 rolls the last records; everyone claims.
		next_slot();
		for w in 1..=WORKERS {
			heartbeat(w);
			let _ = ComputeMining::claim_rewards(RuntimeOrigin::signed(w));
		}
		let mut minted = 0;
		for w in 1..=WORKERS {
			let got = balance(w) - balances_before[(w - 1) as usize];
			assert_eq!(got, expected[(w - 1) as usize], "worker {w}");
			minted += got;
		}
		assert!(minted <= total_budget);
		let emission_minted: Balance =
			(0..EPOCHS as u32).map(pallet_gym_emission::EpochMinted::<Test>::get).sum();
		assert_eq!(emission_minted, minted);
		// Difficulty was below 1 (many workers): the budgets were paid out
		// but for rounding dust, less than one planck per worker per epoch.
		assert!(total_budget - minted < WORKERS * EPOCHS as u128);
	});
}

// ---- disputes ----------------------------------------------------------------

/// A job of 3 validations with worker 1's delta (claiming `claimed`) judged
/// by its committee: the first two members reveal `majority`, the third
/// `minority`. Returns the committee, in that order. The dispute window is
/// 5 blocks.
fn judged(
	claimed: Quality,
	majority: ValidationReport,
	minority: ValidationReport,
) -> Vec<AccountId> {
	DisputeWindow::<Test>::put(5);
	orchestrators();
	let job = create_job(3);
	assert_eq!(job, 0);
	worker(1, Tier::Silver, GpuClass::Other);
	seat(job, 1);
	submit(1, job, delta(1), claimed);
	let members = committee(job, 1);
	for (m, r) in members.iter().zip([majority, majority, minority]) {
		commit(*m, job, 1, r);
	}
	for (m, r) in members.iter().zip([majority, majority, minority]) {
		reveal(*m, job, 1, r);
	}
	members
}

fn dispute(by: AccountId, r: ValidationReport) -> sp_runtime::DispatchResult {
	ComputeMining::dispute_delta(RuntimeOrigin::signed(by), 0, 1, r)
}

fn vote(by: AccountId, r: ValidationReport) {
	assert_ok!(ComputeMining::vote_dispute(RuntimeOrigin::signed(by), 0, 1, r));
}

#[test]
fn a_captured_committee_is_overturned_by_the_set_and_its_liars_slashed() {
	ExtBuilder::default().build_and_execute(|| {
		// Two members say a corrupt delta is worth +100%; the third tells
		// the truth.
		let truth = corrupt(DeltaVerdict::HashMismatch);
		let members = judged(1_000_000, report_of_quality(1_000_000), truth);
		let (liars, honest) = (&members[..2], members[2]);
		let judged_at = System::block_number() as u32;
		assert_eq!(status(0, 1), DeltaStatus::Judged(Verdict::Accept(1_000_000)));
		assert!(events().contains(&Event::DeltaJudged {
			job: 0,
			worker: 1,
			round: 0,
			verdict: Verdict::Accept(1_000_000),
			dispute_deadline: judged_at + 5,
		}));
		// Nothing is paid yet, and the worker cannot move on to a new delta
		// that would overwrite the judged one.
		assert_eq!(Activity::<Test>::get(1).unwrap().quality, None);
		assert_noop!(
			ComputeMining::finalise_delta(RuntimeOrigin::signed(99), 0, 1),
			Error::<Test>::DisputeWindowOpen
		);
		// Only a set member whose own verdict disagrees may dispute.
		assert_noop!(dispute(99, truth), Error::<Test>::NotInOrchestratorSet);
		assert_noop!(dispute(liars[0], report_of_quality(1_000_000)), Error::<Test>::VerdictAgrees);
		run_to_block(u64::from(judged_at + 3));
		assert_ok!(dispute(honest, truth));
		assert_noop!(dispute(honest, truth), Error::<Test>::AlreadyDisputed);
		let d = Disputes::<Test>::get(0, 1).unwrap();
		assert_eq!(d.voters.len(), 5);
		assert_eq!(d.deadline, judged_at + 3 + 5);
		// The dispute holds the delta final-less past its window.
		run_to_block(u64::from(judged_at + 6));
		assert_noop!(
			ComputeMining::finalise_delta(RuntimeOrigin::signed(99), 0, 1),
			Error::<Test>::DisputeOpen
		);
		assert_noop!(
			ComputeMining::vote_dispute(RuntimeOrigin::signed(99), 0, 1, truth),
			Error::<Test>::NotAVoter
		);
		let others: Vec<AccountId> = (11..=15).filter(|o| !members.contains(o)).collect();
		let stakes: Vec<Balance> = (11..=15).map(staked).collect();
		let worker_stake = staked(1);
		for liar in liars {
			vote(*liar, report_of_quality(1_000_000));
		}
		vote(others[0], truth);
		assert_noop!(
			ComputeMining::vote_dispute(RuntimeOrigin::signed(others[0]), 0, 1, truth),
			Error::<Test>::AlreadyVoted
		);
		// The last vote resolves: 3 Gold stakes against 2.
		vote(others[1], truth);
		assert!(Disputes::<Test>::get(0, 1).is_none());
		assert_eq!(status(0, 1), DeltaStatus::Rejected(Rejection::Corrupt));
		assert!(events().contains(&Event::DisputeResolved {
			job: 0,
			worker: 1,
			overturned: true,
			verdict: Verdict::Reject(Rejection::Corrupt),
			losers: 2,
		}));
		let slash = Perbill::from_percent(5) * Tier::Gold.minimum();
		for (o, before) in (11..=15).zip(&stakes) {
			if liars.contains(&o) {
				assert_eq!(staked(o), before - slash, "liar {o} loses 5%");
				assert!(events().contains(&Event::OrchestratorSuspended {
					orchestrator: o,
					until: judged_at + 6 + SUSPENSION,
				}));
				// Below Gold, it left the set; it may not come back while
				// suspended, even with the stake topped up.
				assert!(!Orchestrators::<Test>::get().iter().any(|(m, _)| *m == o));
				stake(o, Tier::Silver);
				assert_noop!(
					ComputeMining::join_orchestrators(RuntimeOrigin::signed(o)),
					Error::<Test>::OrchestratorSuspended
				);
			} else {
				assert_eq!(staked(o), *before, "honest {o} keeps its stake");
			}
			assert_eq!(Duties::<Test>::get(o), 0);
		}
		// The worker is slashed as for a corrupt delta, and paid nothing.
		assert_eq!(PendingSlashes::<Test>::get(1), Perbill::from_percent(5) * worker_stake);
		assert_eq!(Activity::<Test>::get(1).unwrap().quality, None);
		assert_eq!(TotalSlashed::<Test>::get(), 2 * slash);
		// After the suspension a liar may join again.
		run_to_block(u64::from(judged_at + 6 + SUSPENSION));
		assert_ok!(ComputeMining::join_orchestrators(RuntimeOrigin::signed(liars[0])));
	});
}

#[test]
fn a_false_dispute_costs_the_disputer_and_the_verdict_stands() {
	ExtBuilder::default().build_and_execute(|| {
		let truth = report_of_quality(200_000);
		let members = judged(200_000, truth, truth);
		let judged_at = System::block_number() as u32;
		let others: Vec<AccountId> = (11..=15).filter(|o| !members.contains(o)).collect();
		let liar = others[0];
		// Platinum: 5% leaves it above Gold, yet it leaves the set.
		stake(liar, Tier::Platinum);
		assert_ok!(dispute(liar, corrupt(DeltaVerdict::HashMismatch)));
		assert_eq!(Duties::<Test>::get(liar), 1, "the disputer's stake is its bond");
		assert_noop!(
			ComputeMining::leave_orchestrators(RuntimeOrigin::signed(liar)),
			Error::<Test>::OrchestratorOnDuty
		);
		// Three of the five vote the truth, one abstains: the dispute
		// resolves at its deadline, by whoever finalises.
		vote(members[0], truth);
		vote(members[1], truth);
		vote(members[2], truth);
		run_to_block(u64::from(judged_at + 6));
		let stake = staked(liar);
		let post = ComputeMining::finalise_delta(RuntimeOrigin::signed(99), 0, 1).unwrap();
		assert_eq!(post.pays_fee, frame_support::dispatch::Pays::No);
		assert!(events().contains(&Event::DisputeResolved {
			job: 0,
			worker: 1,
			overturned: false,
			verdict: Verdict::Accept(200_000),
			losers: 1,
		}));
		assert_eq!(staked(liar), stake - Perbill::from_percent(5) * stake);
		assert!(staked(liar) > Tier::Gold.minimum());
		assert!(!Orchestrators::<Test>::get().iter().any(|(m, _)| *m == liar));
		assert!(events().contains(&Event::OrchestratorLeft { orchestrator: liar }));
		// Out of the set it is never drawn, and it cannot dispute.
		assert_noop!(
			dispute(liar, corrupt(DeltaVerdict::HashMismatch)),
			Error::<Test>::NotInOrchestratorSet
		);
		assert_noop!(
			ComputeMining::join_orchestrators(RuntimeOrigin::signed(liar)),
			Error::<Test>::OrchestratorSuspended
		);
		assert_eq!(status(0, 1), DeltaStatus::Accepted(200_000));
		assert_eq!(Activity::<Test>::get(1).unwrap().quality, Some(200_000));
		assert_eq!(PendingSlashes::<Test>::get(1), 0);
		for m in &members {
			assert_eq!(staked(*m), Tier::Gold.minimum());
		}
	});
}

#[test]
fn a_dispute_without_a_quorum_of_stake_leaves_the_verdict_and_slashes_no_one() {
	ExtBuilder::default().build_and_execute(|| {
		let truth = report_of_quality(200_000);
		let members = judged(200_000, truth, truth);
		let judged_at = System::block_number() as u32;
		let liar = (11..=15).find(|o| !members.contains(o)).unwrap();
		assert_ok!(dispute(liar, corrupt(DeltaVerdict::HashMismatch)));
		vote(members[0], truth);
		// 2 of 5 equal stakes voted: no quorum.
		run_to_block(u64::from(judged_at + 6));
		assert_noop!(
			ComputeMining::vote_dispute(RuntimeOrigin::signed(members[1]), 0, 1, truth),
			Error::<Test>::DisputeOver
		);
		assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), 0, 1));
		assert!(events().contains(&Event::DisputeResolved {
			job: 0,
			worker: 1,
			overturned: false,
			verdict: Verdict::Accept(200_000),
			losers: 0,
		}));
		assert_eq!(TotalSlashed::<Test>::get(), 0);
		assert_eq!(status(0, 1), DeltaStatus::Accepted(200_000));
		// Only the round's checkpoint duty of the committee remains.
		assert!((11..=15).all(|o| Duties::<Test>::get(o) == u32::from(members.contains(&o))));
	});
}

#[test]
fn a_judged_delta_is_final_only_after_its_window_and_blocks_the_next_one() {
	ExtBuilder::default().build_and_execute(|| {
		let truth = report_of_quality(200_000);
		let members = judged(200_000, truth, truth);
		let judged_at = System::block_number() as u32;
		// The worker cannot replace its judged delta, even in a later round.
		let job = Jobs::<Test>::get(0).unwrap();
		Jobs::<Test>::insert(0, JobInfo { round: job.round + 1, ..job });
		assert_noop!(
			ComputeMining::submit_delta(RuntimeOrigin::signed(1), 0, delta(2), 0),
			Error::<Test>::DeltaNotFinal
		);
		Jobs::<Test>::insert(0, job);
		run_to_block(u64::from(judged_at + 5));
		assert_noop!(
			ComputeMining::finalise_delta(RuntimeOrigin::signed(99), 0, 1),
			Error::<Test>::DisputeWindowOpen
		);
		run_to_block(u64::from(judged_at + 6));
		let outsider = (11..=15).find(|o| !members.contains(o)).unwrap();
		assert_noop!(
			dispute(outsider, corrupt(DeltaVerdict::HashMismatch)),
			Error::<Test>::DisputeWindowOver
		);
		assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), 0, 1));
		assert_eq!(status(0, 1), DeltaStatus::Accepted(200_000));
		// Final: the delta's seats are free, but as the round's first
		// accepted delta its committee owes the round's checkpoint; once the
		// round completes the members are free to leave.
		assert!(members.iter().all(|m| Duties::<Test>::get(m) == 1));
		assert_noop!(
			ComputeMining::leave_orchestrators(RuntimeOrigin::signed(members[0])),
			Error::<Test>::OrchestratorOnDuty
		);
		complete(0, H256::repeat_byte(2));
		assert!(members.iter().all(|m| Duties::<Test>::get(m) == 0));
		assert_ok!(ComputeMining::leave_orchestrators(RuntimeOrigin::signed(members[0])));
	});
}

#[test]
fn a_worker_cannot_take_its_stake_out_before_its_delta_is_final() {
	ExtBuilder::default().build_and_execute(|| {
		// The committee rejects worker 1's delta as corrupt; the verdict is
		// public for the whole dispute window before it is final.
		let truth = corrupt(DeltaVerdict::HashMismatch);
		judged(200_000, truth, truth);
		let judged_at = System::block_number() as u32;
		let stake = staked(1);
		assert_eq!(stake, Tier::Silver.minimum());
		assert_eq!(OpenDeltas::<Test>::get(1), 1);
		// It leaves the network at once and tries to take everything out,
		// or anything above Bronze, before the 5% lands.
		assert_ok!(ComputeMining::deregister_worker(RuntimeOrigin::signed(1)));
		for amount in [stake, stake - Tier::Bronze.minimum(), 1] {
			assert_noop!(
				TieredStaking::unstake(RuntimeOrigin::signed(1), amount),
				pallet_tiered_staking::Error::<Test>::StakeRequired
			);
		}
		run_to_block(u64::from(judged_at + 6));
		assert_ok!(ComputeMining::finalise_delta(RuntimeOrigin::signed(99), 0, 1));
		assert_eq!(OpenDeltas::<Test>::get(1), 0);
		let slash = Perbill::from_percent(5) * stake;
		assert_eq!(PendingSlashes::<Test>::get(1), slash);
		// Final: everything but the slash may go, and the slash is charged
		// from what is left.
		assert_noop!(
			TieredStaking::unstake(RuntimeOrigin::signed(1), stake - slash + 1),
			pallet_tiered_staking::Error::<Test>::StakeRequired
		);
		assert_ok!(TieredStaking::unstake(RuntimeOrigin::signed(1), stake - slash));
		assert_ok!(ComputeMining::settle_slash(RuntimeOrigin::signed(99), 1));
		assert_eq!(staked(1), 0);
		assert_eq!(slashed_by_events(), slash);
	});
}

#[test]
fn a_dropped_delta_frees_the_workers_stake() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		let job = create_job(3);
		worker(1, Tier::Silver, GpuClass::Other);
		seat(job, 1);
		submit(1, job, delta(1), 0);
		assert_eq!(OpenDeltas::<Test>::get(1), 1);
		let delta = Deltas::<Test>::get(job, 1).unwrap();
		// No one reports: at the deadline the delta is dropped without
		// quorum, and the worker's stake is its own again.
		run_to_block(u64::from(delta.reveal_deadline) + 1);
		assert_ok!(ComputeMining::close_delta(RuntimeOrigin::signed(99), job, 1));
		assert!(Deltas::<Test>::get(job, 1).is_none());
		assert_eq!(OpenDeltas::<Test>::get(1), 0);
		assert_ok!(ComputeMining::deregister_worker(RuntimeOrigin::signed(1)));
		assert_ok!(TieredStaking::unstake(RuntimeOrigin::signed(1), staked(1)));
	});
}

// ---- hardware checks ---------------------------------------------------------

fn verify(by: AccountId, who: AccountId, class: GpuClass) -> sp_runtime::DispatchResult {
	ComputeMining::verify_hardware(RuntimeOrigin::signed(by), who, class)
		.map(|_| ())
		.map_err(|e| e.error)
}

fn verified(who: AccountId) -> Option<GpuClass> {
	Workers::<Test>::get(who).unwrap().verified_class
}

#[test]
fn the_set_decides_a_workers_class_and_slashes_the_voters_who_lied() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		// Worker 1 claims an H100; its attestation proves a CPU. Two of five
		// equal stakes vouch for the H100.
		worker(1, Tier::Bronze, GpuClass::H100);
		assert_noop!(verify(99, 1, GpuClass::H100), Error::<Test>::NotInOrchestratorSet);
		assert_noop!(verify(11, 2, GpuClass::H100), Error::<Test>::NotWorker);
		assert_ok!(verify(11, 1, GpuClass::H100));
		let opened_at = System::block_number() as u32;
		assert!(events().contains(&Event::HardwareCheckOpened {
			worker: 1,
			opener: 11,
			class: GpuClass::H100,
			deadline: opened_at + DISPUTE_PERIOD,
		}));
		assert_noop!(verify(11, 1, GpuClass::H100), Error::<Test>::AlreadyVoted);
		assert_noop!(verify(1, 1, GpuClass::H100), Error::<Test>::SelfValidation);
		// A Gold account that joins after the check opened has no vote.
		orchestrator(16);
		assert_noop!(verify(16, 1, GpuClass::H100), Error::<Test>::NotAVoter);
		assert_ok!(verify(12, 1, GpuClass::H100));
		// A vote holds the voter's stake until the check ends.
		assert_eq!(ComputeMining::minimum_stake(&12), staked(12));
		assert_eq!(verified(1), None);
		for honest in 13..=15 {
			assert_ok!(verify(honest, 1, GpuClass::Other));
		}
		// The last vote decides: 3 Gold stakes against 2.
		assert!(HardwareChecks::<Test>::get(1).is_none());
		assert_eq!(verified(1), Some(GpuClass::Other));
		assert!(events().contains(&Event::HardwareCheckResolved {
			worker: 1,
			class: Some(GpuClass::Other),
			losers: 2,
		}));
		let slash = Perbill::from_percent(5) * Tier::Gold.minimum();
		for liar in [11, 12] {
			assert_eq!(staked(liar), Tier::Gold.minimum() - slash);
			assert!(ComputeMining::is_suspended(&liar));
			assert!(!Orchestrators::<Test>::get().iter().any(|(m, _)| *m == liar));
		}
		for honest in 13..=15 {
			assert_eq!(staked(honest), Tier::Gold.minimum());
		}
		assert!((11..=16).all(|o| Duties::<Test>::get(o) == 0));
		assert_eq!(TotalSlashed::<Test>::get(), 2 * slash);
		// The set agrees now: the same class opens nothing.
		assert_noop!(verify(13, 1, GpuClass::Other), Error::<Test>::ClassAgrees);
	});
}

#[test]
fn a_false_re_verification_fails_and_one_without_quorum_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		worker(1, Tier::Bronze, GpuClass::H100);
		for o in 11..=15 {
			assert_ok!(verify(o, 1, GpuClass::H100));
		}
		assert_eq!(verified(1), Some(GpuClass::H100));
		// 11 tries to downgrade the honest H100 (which would raise everyone
		// else's share of the budget). Only it votes: no quorum, nothing
		// changes and no one is slashed.
		assert_ok!(verify(11, 1, GpuClass::Other));
		let deadline = HardwareChecks::<Test>::get(1).unwrap().vote.deadline;
		assert_noop!(
			ComputeMining::close_hardware_check(RuntimeOrigin::signed(99), 1),
			Error::<Test>::HardwareCheckOpen
		);
		run_to_block(u64::from(deadline) + 1);
		assert_noop!(verify(12, 1, GpuClass::H100), Error::<Test>::HardwareCheckOver);
		assert_ok!(ComputeMining::close_hardware_check(RuntimeOrigin::signed(99), 1));
		assert!(events().contains(&Event::HardwareCheckResolved {
			worker: 1,
			class: None,
			losers: 0,
		}));
		assert_eq!(verified(1), Some(GpuClass::H100));
		assert_eq!(TotalSlashed::<Test>::get(), 0);
		assert_noop!(
			ComputeMining::close_hardware_check(RuntimeOrigin::signed(99), 1),
			Error::<Test>::NoHardwareCheck
		);
		// Again, and the honest set answers: it loses 5% and its seat. A
		// voter that left the set since has no vote (its stake is free).
		assert_ok!(verify(11, 1, GpuClass::Other));
		assert_ok!(ComputeMining::leave_orchestrators(RuntimeOrigin::signed(14)));
		assert_noop!(verify(14, 1, GpuClass::H100), Error::<Test>::NotInOrchestratorSet);
		assert_ok!(verify(12, 1, GpuClass::H100));
		assert_ok!(verify(13, 1, GpuClass::H100));
		let deadline = HardwareChecks::<Test>::get(1).unwrap().vote.deadline;
		run_to_block(u64::from(deadline) + 1);
		assert_ok!(ComputeMining::close_hardware_check(RuntimeOrigin::signed(99), 1));
		assert_eq!(verified(1), Some(GpuClass::H100));
		assert_eq!(
			staked(11),
			Tier::Gold.minimum() - Perbill::from_percent(5) * Tier::Gold.minimum()
		);
		assert!(ComputeMining::is_suspended(&11));
	});
}

#[test]
fn a_check_applies_only_to_the_registration_it_checked() {
	ExtBuilder::default().build_and_execute(|| {
		orchestrators();
		worker(1, Tier::Bronze, GpuClass::H100);
		for o in 11..=13 {
			assert_ok!(verify(o, 1, GpuClass::H100));
		}
		// The worker registers again with another attestation report.
		assert_ok!(ComputeMining::deregister_worker(RuntimeOrigin::signed(1)));
		assert_ok!(ComputeMining::register_worker(
			RuntimeOrigin::signed(1),
			hw(1),
			GpuClass::H100,
			H256::repeat_byte(8),
			b"http://127.0.0.1:9944".to_vec()
		));
		assert_noop!(verify(14, 1, GpuClass::H100), Error::<Test>::StaleHardwareCheck);
		let deadline = HardwareChecks::<Test>::get(1).unwrap().vote.deadline;
		run_to_block(u64::from(deadline) + 1);
		assert_ok!(ComputeMining::close_hardware_check(RuntimeOrigin::signed(99), 1));
		// Decided, but for the old report: the new registration is not
		// verified and can be checked afresh.
		assert_eq!(verified(1), None);
		assert_ok!(verify(14, 1, GpuClass::H100));
		assert!(HardwareChecks::<Test>::get(1).is_some());
	});
}

// ---- round deadline ------------------------------------------------------------

#[test]
fn a_round_whose_committee_does_not_agree_in_time_expires_unharmed() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		submit(1, job, delta(1), 100_000);
		draw_now();
		(0..3).for_each(|_| validate(job, 1, report_of_quality(100_000)));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
		let committee = RoundCommittees::<Test>::get(job).unwrap();
		assert_eq!(committee.deadline, System::block_number() as u32 + 1 + ROUND_PERIOD);
		// One member votes; the two others stay away.
		assert_ok!(ComputeMining::complete_round(
			RuntimeOrigin::signed(committee.members[0]),
			job,
			0,
			1,
			H256::repeat_byte(2)
		));
		assert_noop!(
			ComputeMining::expire_round(RuntimeOrigin::signed(99), job, 0),
			Error::<Test>::RoundOpen
		);
		run_to_block(u64::from(committee.deadline) + 1);
		assert_noop!(
			ComputeMining::expire_round(RuntimeOrigin::signed(99), job, 1),
			Error::<Test>::WrongRound
		);
		// Past the deadline a late vote cannot race the expiry.
		assert_noop!(
			ComputeMining::complete_round(
				RuntimeOrigin::signed(committee.members[1]),
				job,
				0,
				1,
				H256::repeat_byte(2)
			),
			Error::<Test>::RoundOverdue
		);
		let stakes: Vec<Balance> = committee.members.iter().map(|m| staked(*m)).collect();
		// Until the round ends, its members hold its duty.
		assert!(committee.members.iter().all(|m| Duties::<Test>::get(m) == 1));
		assert!(RoundLosses::<Test>::get(job).is_some_and(|p| p.round == 0 && p.deltas == 1));
		assert_ok!(ComputeMining::expire_round(RuntimeOrigin::signed(99), job, 0));
		assert!(events().contains(&Event::RoundExpired { job, round: 0 }));
		// Nothing aggregated: no point on the loss curve.
		assert!(RoundLosses::<Test>::get(job).is_none());
		assert!(ComputeMining::loss_curve(job).is_empty());
		// The next round trains from the same checkpoint; the job's workers
		// stay on it, and worker 1's accepted delta stays paid.
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!((info.round, info.checkpoint, info.accepted), (1, spec(3).base_checkpoint, 0));
		assert!(!info.closing);
		assert!(RoundCommittees::<Test>::get(job).is_none());
		assert_eq!(Workers::<Test>::get(2).unwrap().assignment, Some(job));
		assert_eq!(Activity::<Test>::get(1).unwrap().quality, Some(100_000));
		// No one is slashed (absence proves nothing: the bytes to aggregate
		// may not have been served), and every member is free again.
		for (m, before) in committee.members.iter().zip(&stakes) {
			assert_eq!(staked(*m), *before);
			assert_eq!(Duties::<Test>::get(m), 0);
		}
		submit(2, job, delta(2), 0);
		assert_noop!(
			ComputeMining::expire_round(RuntimeOrigin::signed(99), job, 0),
			Error::<Test>::WrongRound
		);
	});
}

/// Near the cap, every closed epoch used to be promised the same headroom:
/// two epochs of 1,100 GYM each with 1,650 GYM left under the cap, and the
/// claim of both reverted for good (the second mint passed the cap). Now
/// each epoch is promised at most what its rewards add up to, within what
/// the earlier promises leave: 1,100 GYM for the first, the 550 left for the
/// second. The claim pays 1,650 GYM and reaches the cap exactly.
#[test]
fn near_the_cap_a_claim_pays_what_its_epochs_were_promised() {
	use pallet_gym_emission::{GenesisIssuance, Promised, TotalMinted};
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		orchestrator(11);
		let job = create_job(1);
		worker(1, Tier::Bronze, GpuClass::Other);
		seat(job, 1);
		// Minted by earlier epochs (booked as genesis here): 1,650 GYM left.
		let left = 1_650 * GYM;
		let gap = gym_primitives::HARD_CAP - TotalMinted::<Test>::get() - left;
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<AccountId>>::mint_into(
			&999_999, gap
		));
		TotalMinted::<Test>::mutate(|m| *m += gap);
		GenesisIssuance::<Test>::mutate(|m| *m += gap);
		one_delta_an_epoch(job, 1, 2);
		assert_eq!(Epochs::<Test>::get(0).unwrap().budget, Some(1_100 * GYM));
		assert_eq!(Epochs::<Test>::get(1).unwrap().budget, Some(550 * GYM), "what is left");
		assert_eq!(Promised::<Test>::get(), left);
		// Both rolled: 1,100 GYM for epoch 0, 550 for epoch 1.
		assert_eq!(claim(1), 1_650 * GYM);
		assert_eq!(Promised::<Test>::get(), 0);
		assert_eq!(TotalMinted::<Test>::get(), gym_primitives::HARD_CAP);
	});
}

/// A reward that cannot be minted is forfeited with an event; the other
/// rewards of the claim are paid (one bad epoch used to revert them all).
#[test]
fn a_reward_that_cannot_be_minted_is_forfeited_and_the_others_paid() {
	use pallet_gym_emission::{Promised, Promises};
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		orchestrator(11);
		let job = create_job(1);
		worker(1, Tier::Bronze, GpuClass::Other);
		seat(job, 1);
		one_delta_an_epoch(job, 1, 2);
		// Epoch 0's promise is lost (played: nothing left of it).
		let lost = Promises::<Test>::get(0).unwrap();
		Promises::<Test>::insert(0, 0);
		Promised::<Test>::mutate(|p| *p -= lost);
		assert_eq!(claim(1), 1_100 * GYM);
		assert!(events().contains(&Event::RewardUnmintable {
			worker: 1,
			epoch: 0,
			amount: 1_100 * GYM
		}));
		assert!(Epochs::<Test>::get(0).is_none());
	});
}

/// A miner's points for the revenue split's miners' share belong to the
/// period that judged its work: they are noted when the delta is accepted
/// (what the epoch's better quality adds to the reward at full
/// availability), not when the epoch record happens to roll later.
#[test]
fn an_accepted_delta_counts_for_the_revenue_period_that_judged_it() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		orchestrator(11);
		let job = create_job(1);
		worker(1, Tier::Bronze, GpuClass::Other);
		seat(job, 1);
		assert_eq!(RevenueSplit::pending_revenue(&1).period_points, 0);
		submit(1, job, delta(1), 0);
		validate(job, 1, report_of_quality(100_000));
		// Quality 0.1, Bronze (1.0x), unverified hardware: 1,100 GYM of points.
		assert_eq!(RevenueSplit::pending_revenue(&1).period_points, 1_100 * GYM);
		assert!(Activity::<Test>::get(1).is_some_and(|a| a.epoch == 0));
	});
}

// ---- work budget, loss curves, outlook ----------------------------------------

/// Worker 1 (Bronze, unverified, quality 0.1, online in every slot: 1,100
/// GYM unadjusted) has one delta of the test job accepted in epoch 0 with
/// the work budget at `rate`; epoch 1 starts. Returns the epoch's record.
fn one_delta_under_work_budget(rate: Option<Balance>) -> EpochInfo {
	assert_ok!(ComputeMining::set_work_budget(RuntimeOrigin::root(), rate));
	System::assert_last_event(Event::WorkBudgetSet { rate }.into());
	orchestrator(11);
	let job = create_job(1);
	worker(1, Tier::Bronze, GpuClass::Other);
	seat(job, 1);
	assert_eq!(EpochWork::<Test>::get(0), 0);
	submit(1, job, delta(1), 0);
	validate(job, 1, report_of_quality(100_000));
	assert_eq!(status(job, 1), DeltaStatus::Accepted(100_000));
	// 100 steps × 32 samples.
	assert_eq!(EpochWork::<Test>::get(0), 3_200);
	while System::block_number() < 91 {
		next_slot();
		heartbeat(1);
	}
	assert_eq!(ComputeMining::pending_rewards(&1).accruing, 1_100 * GYM);
	assert!(GymEmission::scheduled_epoch_emission(0) > 1_100 * GYM);
	run_to_epoch(1);
	// Used at the close, then dropped.
	assert!(!EpochWork::<Test>::contains_key(0));
	Epochs::<Test>::get(0).unwrap()
}

#[test]
fn the_default_work_budget_is_one_gym_per_verified_sample() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(WorkBudget::<Test>::get(), Some(GYM));
		assert_eq!(DEFAULT_WORK_BUDGET, GYM);
	});
}

/// At 0.25 GYM per verified sample, epoch 0's 3,200 samples back 800 GYM:
/// it is promised min(schedule 7,716, Σ 1,100, 800) = 800 GYM exactly,
/// its difficulty is 800 / 1,100, and the worker is paid 800 GYM.
#[test]
fn the_work_budget_bounds_the_promise_to_samples_times_rate() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		let info = one_delta_under_work_budget(Some(GYM / 4));
		assert_eq!((info.budget, info.unadjusted), (Some(800 * GYM), 1_100 * GYM));
		assert!(events().contains(&Event::EpochClosed {
			epoch: 0,
			budget: 800 * GYM,
			unadjusted: 1_100 * GYM
		}));
		assert_eq!(pallet_gym_emission::Promises::<Test>::get(0), Some(800 * GYM));
		// 800 / 1,100 = 0.727272…
		assert_eq!(info.difficulty_micro(), Some(727_272));
		assert_eq!(LastDifficulty::<Test>::get(), mining::difficulty(1_100 * GYM, 800 * GYM));
		assert_eq!(claim(1), 800 * GYM);
		assert_eq!(pallet_gym_emission::EpochMinted::<Test>::get(0), 800 * GYM);
	});
}

/// With no work budget the old rule holds: the epoch is promised its Σ
/// unadjusted (1,100 GYM, under the schedule) and pays it in full.
#[test]
fn without_a_work_budget_the_promise_is_the_rewards_sum() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		let info = one_delta_under_work_budget(None);
		assert_eq!((info.budget, info.unadjusted), (Some(1_100 * GYM), 1_100 * GYM));
		assert_eq!(LastDifficulty::<Test>::get(), sp_runtime::FixedU128::from_u32(1));
		assert_eq!(claim(1), 1_100 * GYM);
	});
}

/// The default, 1 GYM a sample, backs 3,200 GYM for the delta: more than
/// its 1,100 GYM, which is paid in full.
#[test]
fn the_default_work_budget_pays_a_full_test_job_delta_in_full() {
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		let info = one_delta_under_work_budget(Some(GYM));
		assert_eq!(info.budget, Some(1_100 * GYM));
		assert_eq!(claim(1), 1_100 * GYM);
	});
}

#[test]
fn only_governance_sets_the_work_budget() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ComputeMining::set_work_budget(RuntimeOrigin::signed(1), Some(GYM / 4)),
			BadOrigin
		);
		assert_noop!(ComputeMining::set_work_budget(RuntimeOrigin::signed(1), None), BadOrigin);
		assert_eq!(WorkBudget::<Test>::get(), Some(GYM));
		assert_ok!(ComputeMining::set_work_budget(RuntimeOrigin::root(), None));
		assert_eq!(WorkBudget::<Test>::get(), None);
	});
}

/// A report of training loss 3.0 → `after` and validation loss 3.0 →
/// `val_after`.
fn losses(after: u64, val_after: u64) -> ValidationReport {
	ValidationReport {
		loss_after: after,
		val_loss_after: val_after,
		..report(3 * MICRO, after, false, false)
	}
}

/// Round 0 accepts two deltas (3 reports each): worker 1's reports say
/// loss 2.990, 2.970, 2.980 (median 2.980) and validation loss 2.995,
/// 2.990, 2.999 (median 2.995); worker 2's say 2.960 and 2.998 thrice.
/// The round's point takes the best of each: (2.960, 2.995, 2 deltas).
/// Round 1 accepts worker 1's delta alone, 2.950 and 2.990 thrice:
/// (2.950, 2.990, 1 delta).
#[test]
fn each_completed_round_adds_its_best_validated_losses_to_the_curve() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		assert!(ComputeMining::loss_curve(job).is_empty());
		submit(1, job, delta(1), 0);
		submit(2, job, delta(2), 0);
		validate(job, 1, losses(2_990_000, 2_995_000));
		validate(job, 1, losses(2_970_000, 2_990_000));
		validate(job, 1, losses(2_980_000, 2_999_000));
		(0..3).for_each(|_| validate(job, 2, losses(2_960_000, 2_998_000)));
		assert_eq!(status(job, 1), DeltaStatus::Accepted(350_000));
		assert_eq!(status(job, 2), DeltaStatus::Accepted(550_000));
		// Nothing on the curve before the round completes.
		assert!(ComputeMining::loss_curve(job).is_empty());
		complete(job, delta(100));
		let round_0 = LossPoint { round: 0, loss: 2_960_000, val_loss: 2_995_000, deltas: 2 };
		assert_eq!(ComputeMining::loss_curve(job), vec![round_0]);
		assert!(RoundLosses::<Test>::get(job).is_none());

		submit(1, job, delta(3), 0);
		(0..3).for_each(|_| validate(job, 1, losses(2_950_000, 2_990_000)));
		complete(job, delta(101));
		let round_1 = LossPoint { round: 1, loss: 2_950_000, val_loss: 2_990_000, deltas: 1 };
		assert_eq!(ComputeMining::loss_curve(job), vec![round_0, round_1]);
	});
}

/// The curve keeps the last 64 rounds: the 65th drops round 0.
#[test]
fn the_loss_curve_keeps_the_last_sixty_four_rounds() {
	ExtBuilder::default().build_and_execute(|| {
		let job = create_job(3);
		for round in 0..65u32 {
			let point =
				LossPoint { round, loss: u64::from(round), val_loss: u64::from(round), deltas: 1 };
			RoundLosses::<Test>::insert(job, point);
			ComputeMining::complete_loss_curve(job, round);
			Jobs::<Test>::mutate(job, |j| j.as_mut().unwrap().round = round + 1);
		}
		let curve = ComputeMining::loss_curve(job);
		assert_eq!(curve.len(), MAX_LOSS_POINTS as usize);
		assert_eq!((curve[0].round, curve[63].round), (1, 64));
	});
}

/// Epoch blocks from the emission clock (100 in the mock), the difficulty
/// of the last closed epoch with rewards (1 before any, 800 / 1,100 after
/// the work-budgeted epoch 0, unchanged by an epoch without rewards), and
/// `1000 GYM × class multiplier` as the base reward.
#[test]
fn the_mining_outlook_reads_the_clock_the_last_difficulty_and_the_base_reward() {
	use gym_primitives::prices::MiningOutlook;
	use sp_runtime::FixedU128;
	type Outlook = ComputeMining;
	ExtBuilder::default().min_validations(1).build_and_execute(|| {
		assert_eq!(<Outlook as MiningOutlook>::epoch_blocks(), 100);
		assert_eq!(<Outlook as MiningOutlook>::difficulty(), FixedU128::from_u32(1));
		assert_eq!(<Outlook as MiningOutlook>::base_reward(GpuClass::Other), 1_000 * GYM);
		assert_eq!(<Outlook as MiningOutlook>::base_reward(GpuClass::A6000), 1_100 * GYM);
		assert_eq!(<Outlook as MiningOutlook>::base_reward(GpuClass::A100), 1_300 * GYM);
		assert_eq!(<Outlook as MiningOutlook>::base_reward(GpuClass::H100), 1_500 * GYM);
		one_delta_under_work_budget(Some(GYM / 4));
		let difficulty = FixedU128::from_inner(727_272_727_272_727_272);
		assert_eq!(<Outlook as MiningOutlook>::difficulty(), difficulty);
		assert_eq!(<Outlook as MiningOutlook>::epoch_blocks(), 100);
		run_to_epoch(2);
		assert_eq!(<Outlook as MiningOutlook>::difficulty(), difficulty);
	});
}

mod job_end;
