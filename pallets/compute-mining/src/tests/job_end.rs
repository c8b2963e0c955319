//! Jobs end after a last round set by their owner and register their model;
//! subscribers' jobs are seated first (the priority ring).

use super::*;

/// The orchestrator set, a job `CUSTOMER` paid for (3 validations a delta)
/// and Silver workers 1 and 2 seated in it.
fn customer_job_with_two_workers() -> JobId {
	orchestrators();
	let job = NextJobId::<Test>::get();
	assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(CUSTOMER), spec(3)));
	worker(1, Tier::Silver, GpuClass::Other);
	worker(2, Tier::Silver, GpuClass::Other);
	seat(job, 1);
	seat(job, 2);
	job
}

/// `job`'s open round completes with worker 1's delta `n` accepted on three
/// reports of training loss 2.98 and validation loss 2.995, and `checkpoint`
/// voted.
fn complete_with_worker_one(job: JobId, n: u8, checkpoint: H256) {
	submit(1, job, delta(n), 0);
	(0..3).for_each(|_| validate(job, 1, losses(2_980_000, 2_995_000)));
	complete(job, checkpoint);
}

/// The jobs seated in, in order, by the `JobAssigned` events so far.
fn seated_jobs() -> Vec<JobId> {
	events()
		.into_iter()
		.filter_map(|e| match e {
			Event::JobAssigned { job, .. } => Some(job),
			_ => None,
		})
		.collect()
}

/// The jobs in the priority ring, by slot.
fn ring() -> Vec<JobId> {
	(0..PriorityJobCount::<Test>::get())
		.map(|slot| PriorityJobs::<Test>::get(slot).expect("the ring fills its slots"))
		.collect()
}

/// Round 0 is not the last: nothing happens. Round 1's reports say training
/// loss 2.950, 2.940, 2.960 (median 2.950) and validation loss 2.990,
/// 2.992, 2.985 (median 2.990): the model registered is the checkpoint its
/// committee voted, with those losses, for the treasury (a governance job),
/// not premium. A customer's job ending after round 0 registers a premium
/// model the customer owns.
#[test]
fn a_job_ends_after_its_last_round_and_registers_its_model() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		assert_ok!(ComputeMining::end_job_after(RuntimeOrigin::root(), job, 1, false));
		System::assert_last_event(Event::JobEndSet { job, last_round: 1, premium: false }.into());
		assert_eq!(JobEnds::<Test>::get(job), Some(JobEnd { last_round: 1, premium: false }));

		complete_with_worker_one(job, 1, delta(100));
		assert_eq!(FinishedJobs::<Test>::get(job), None);
		assert!(TestRegistrar::registered().is_empty());

		submit(1, job, delta(2), 0);
		validate(job, 1, losses(2_950_000, 2_990_000));
		validate(job, 1, losses(2_940_000, 2_992_000));
		validate(job, 1, losses(2_960_000, 2_985_000));
		complete(job, delta(101));
		let point = LossPoint { round: 1, loss: 2_950_000, val_loss: 2_990_000, deltas: 1 };
		assert_eq!(ComputeMining::loss_curve(job).last(), Some(&point));
		assert_eq!(
			TestRegistrar::registered(),
			vec![TrainedModel {
				job,
				architecture: 0,
				checkpoint: delta(101),
				round: 1,
				loss: 2_950_000,
				val_loss: 2_990_000,
				owner: None,
				premium: false,
			}]
		);
		assert_eq!(FinishedJobs::<Test>::get(job), Some(FIRST_MODEL));
		assert_eq!(FIRST_MODEL, 65_536);
		assert_eq!(JobEnds::<Test>::get(job), None);
		assert!(events().contains(&Event::RoundCompleted {
			job,
			round: 1,
			checkpoint: delta(101)
		}));
		System::assert_last_event(
			Event::JobFinished { job, model: FIRST_MODEL, checkpoint: delta(101) }.into(),
		);
	});
	ExtBuilder::default().build_and_execute(|| {
		let job = customer_job_with_two_workers();
		assert_ok!(ComputeMining::end_job_after(RuntimeOrigin::signed(CUSTOMER), job, 0, true));
		complete_with_worker_one(job, 3, delta(102));
		assert_eq!(
			TestRegistrar::registered(),
			vec![TrainedModel {
				job,
				architecture: 0,
				checkpoint: delta(102),
				round: 0,
				loss: 2_980_000,
				val_loss: 2_995_000,
				owner: Some(CUSTOMER),
				premium: true,
			}]
		);
		System::assert_last_event(
			Event::JobFinished { job, model: FIRST_MODEL, checkpoint: delta(102) }.into(),
		);
	});
}

/// Governance ends its jobs, a customer its own; anyone else is refused,
/// and the owner may move the end.
#[test]
fn only_the_jobs_owner_may_end_it() {
	ExtBuilder::default().build_and_execute(|| {
		let governance = create_job(3);
		let customer = NextJobId::<Test>::get();
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(CUSTOMER), spec(3)));
		let end = |origin, job| ComputeMining::end_job_after(origin, job, 3, false);
		// A governance job: not the customer, not a stranger.
		assert_noop!(end(RuntimeOrigin::signed(CUSTOMER), governance), BadOrigin);
		assert_noop!(end(RuntimeOrigin::signed(1), governance), BadOrigin);
		// A customer's job: not governance, not a stranger.
		assert_noop!(end(RuntimeOrigin::root(), customer), BadOrigin);
		assert_noop!(end(RuntimeOrigin::signed(1), customer), Error::<Test>::NotJobOwner);
		assert_noop!(end(RuntimeOrigin::root(), 9), Error::<Test>::UnknownJob);
		assert_ok!(end(RuntimeOrigin::root(), governance));
		assert_ok!(end(RuntimeOrigin::signed(CUSTOMER), customer));
		System::assert_last_event(
			Event::JobEndSet { job: customer, last_round: 3, premium: false }.into(),
		);
		// Called again, it moves the end.
		assert_ok!(ComputeMining::end_job_after(
			RuntimeOrigin::signed(CUSTOMER),
			customer,
			5,
			true
		));
		assert_eq!(JobEnds::<Test>::get(customer), Some(JobEnd { last_round: 5, premium: true }));
		assert_eq!(
			JobEnds::<Test>::get(governance),
			Some(JobEnd { last_round: 3, premium: false })
		);
	});
}

/// With rounds 0 and 1 completed, round 1 cannot be the last; the open
/// round 2 can. Once finished, the end does not move.
#[test]
fn an_end_before_the_open_round_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		complete_with_worker_one(job, 1, delta(100));
		complete_with_worker_one(job, 2, delta(101));
		assert_eq!(Jobs::<Test>::get(job).unwrap().round, 2);
		for last in [0, 1] {
			assert_noop!(
				ComputeMining::end_job_after(RuntimeOrigin::root(), job, last, false),
				Error::<Test>::RoundAlreadyCompleted
			);
		}
		assert_ok!(ComputeMining::end_job_after(RuntimeOrigin::root(), job, 2, false));
		complete_with_worker_one(job, 3, delta(102));
		assert_eq!(FinishedJobs::<Test>::get(job), Some(FIRST_MODEL));
		assert_noop!(
			ComputeMining::end_job_after(RuntimeOrigin::root(), job, 5, false),
			Error::<Test>::JobFinished
		);
	});
}

/// Worker 2 seals in round 0, the last, before it completes: its delta is
/// still revealed after the window, judged and paid (not aggregated). No
/// one seals again, and a waiting worker is not seated in the finished job.
#[test]
fn a_finished_job_takes_no_new_delta_and_seats_nobody() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		assert_ok!(ComputeMining::end_job_after(RuntimeOrigin::root(), job, 0, false));
		seal(2, job, delta(7), 0);
		complete_with_worker_one(job, 1, delta(100));
		assert_eq!(FinishedJobs::<Test>::get(job), Some(FIRST_MODEL));
		for who in [1, 2] {
			let seal = seal_of(who, job, delta(8));
			assert_noop!(
				ComputeMining::submit_delta(RuntimeOrigin::signed(who), job, seal, 0),
				Error::<Test>::JobFinished
			);
		}
		// The seal of the last round: revealed at block 22 (its window
		// ended at 21), judged and paid.
		assert_eq!(Deltas::<Test>::get(job, 2).unwrap().commit_deadline, 21);
		run_to_block(22);
		assert_ok!(ComputeMining::reveal_delta(RuntimeOrigin::signed(2), job, delta(7)));
		draw_now();
		(0..3).for_each(|_| validate(job, 2, report_of_quality(100_000)));
		assert_eq!(status(job, 2), DeltaStatus::Accepted(100_000));
		assert!(events().contains(&Event::DeltaAccepted {
			job,
			worker: 2,
			round: 0,
			quality: 100_000
		}));
		// Paid, not aggregated: the job's open round counts nothing.
		assert_eq!(Jobs::<Test>::get(job).unwrap().accepted, 0);
		// A waiting worker: the only job is finished, one step finds it
		// full.
		worker(3, Tier::Bronze, GpuClass::Other);
		run_to_block(23);
		assert_eq!(Workers::<Test>::get(3).unwrap().assignment, None);
		assert_eq!(Waiting::<Test>::get(), (0, 1));
		assert_eq!(ComputeMining::seat_workers(23), 1);
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 2);
	});
}

/// The registry refuses the model of round 0, the last: the round still
/// completes (checkpoint, loss curve) and the job goes on with its end;
/// round 1 completes with the registry taking models and finishes it.
#[test]
fn a_full_registry_does_not_lose_the_vote() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		assert_ok!(ComputeMining::end_job_after(RuntimeOrigin::root(), job, 0, true));
		TestRegistrar::set_full(true);
		complete_with_worker_one(job, 1, delta(100));
		System::assert_last_event(Event::JobFinishFailed { job, round: 0 }.into());
		let info = Jobs::<Test>::get(job).unwrap();
		assert_eq!((info.round, info.checkpoint), (1, delta(100)));
		assert!(events().contains(&Event::RoundCompleted {
			job,
			round: 0,
			checkpoint: delta(100)
		}));
		assert_eq!(ComputeMining::loss_curve(job).len(), 1);
		assert_eq!(FinishedJobs::<Test>::get(job), None);
		assert_eq!(JobEnds::<Test>::get(job), Some(JobEnd { last_round: 0, premium: true }));
		assert!(TestRegistrar::registered().is_empty());

		TestRegistrar::set_full(false);
		complete_with_worker_one(job, 2, delta(101));
		let model = TestRegistrar::registered();
		assert_eq!(model.len(), 1);
		assert_eq!((model[0].round, model[0].checkpoint, model[0].premium), (1, delta(101), true));
		assert_eq!(FinishedJobs::<Test>::get(job), Some(FIRST_MODEL));
		System::assert_last_event(
			Event::JobFinished { job, model: FIRST_MODEL, checkpoint: delta(101) }.into(),
		);
	});
}

/// Worker 1's heartbeat after its job finished takes it off the job and
/// into the priority queue (Silver); the next block seats it in a new job.
#[test]
fn a_worker_of_a_finished_job_is_requeued_at_its_heartbeat() {
	ExtBuilder::default().build_and_execute(|| {
		let job = two_seated_workers(3);
		assert_ok!(ComputeMining::end_job_after(RuntimeOrigin::root(), job, 0, false));
		complete_with_worker_one(job, 1, delta(100));
		assert_eq!(FinishedJobs::<Test>::get(job), Some(FIRST_MODEL));
		// Finishing loops over no worker: both are still seated.
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 2);
		next_slot();
		heartbeat(1);
		System::assert_last_event(Event::Heartbeat { worker: 1, slot: 1 }.into());
		assert!(events().contains(&Event::JobLeft { job, worker: 1 }));
		let info = Workers::<Test>::get(1).unwrap();
		assert_eq!((info.assignment, info.waiting, info.priority), (None, true, true));
		assert_eq!(Waiting::<Test>::get(), (1, 0));
		assert_eq!(Jobs::<Test>::get(job).unwrap().workers, 1);
		assert_eq!(Workers::<Test>::get(2).unwrap().assignment, Some(job));
		// Not seated in the finished job again; a new job takes it.
		run_to_block(System::block_number() + 1);
		assert_eq!(Workers::<Test>::get(1).unwrap().assignment, None);
		let next = create_job(3);
		run_to_block(System::block_number() + 1);
		assert_eq!(Workers::<Test>::get(1).unwrap().assignment, Some(next));
	});
}

/// Jobs a and b (governance) come before the subscriber's c; each seats 2.
/// Three waiting workers: c's two seats are filled first, then the
/// round-robin goes on at a. Without the ring it would be a, b, c.
#[test]
fn a_subscribers_job_is_seated_before_older_jobs() {
	ExtBuilder::default().build_and_execute(|| {
		MaxWorkersPerJob::set(2);
		let (a, _b) = (create_job(3), create_job(3));
		TestPriority::subscribe(CUSTOMER);
		let c = NextJobId::<Test>::get();
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(CUSTOMER), spec(3)));
		System::assert_last_event(Event::JobPrioritised { job: c }.into());
		assert!(events().contains(&Event::JobCreated {
			job: c,
			origin: JobOrigin::Customer(CUSTOMER, PRICE),
			spec: spec(3)
		}));
		assert_eq!(ring(), vec![c]);
		for w in 1..=3 {
			worker(w, Tier::Bronze, GpuClass::Other);
		}
		run_to_block(System::block_number() + 1);
		// The ring's job first, then the round-robin's, then the ring's
		// again: the ring never takes more than every other seat.
		assert_eq!(seated_jobs(), vec![c, a, c]);
		assert_eq!(Jobs::<Test>::get(c).unwrap().workers, 2);
		assert_eq!(Waiting::<Test>::get(), (0, 0));
		// A full job stays in the ring.
		assert_eq!(ring(), vec![c]);
	});
}

/// Two subscribers' jobs c and d in the ring; c's customer's subscription
/// lapses: the hook's first step drops c from the ring (d moves into its
/// slot), the second seats worker 1 in d. c is a normal job from then on.
#[test]
fn a_lapsed_subscription_leaves_the_ring() {
	ExtBuilder::default().build_and_execute(|| {
		let a = create_job(3);
		TestPriority::subscribe(CUSTOMER);
		TestPriority::subscribe(20);
		let (c, d) = (a + 1, a + 2);
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(CUSTOMER), spec(3)));
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(20), spec(3)));
		assert_eq!(ring(), vec![c, d]);
		TestPriority::lapse(CUSTOMER);
		worker(1, Tier::Bronze, GpuClass::Other);
		run_to_block(System::block_number() + 1);
		assert!(events().contains(&Event::JobDeprioritised { job: c }));
		assert_eq!(ring(), vec![d]);
		assert_eq!(PriorityJobs::<Test>::get(1), None);
		assert_eq!(seated_jobs(), vec![d]);
		// d's customer lapses too: the ring empties and the round-robin
		// seats the next worker in job a.
		TestPriority::lapse(20);
		worker(2, Tier::Bronze, GpuClass::Other);
		run_to_block(System::block_number() + 1);
		assert!(events().contains(&Event::JobDeprioritised { job: d }));
		assert!(ring().is_empty());
		assert_eq!(seated_jobs(), vec![d, a]);
	});
}

/// The ring holds 4 jobs in the test runtime, one per subscriber: a
/// subscriber's second job is a normal one (created, not prioritised), so
/// one account cannot fill the ring, and a fifth subscriber's job finds it
/// full. Governance's jobs and those of customers without a subscription
/// never enter it. Once a subscriber's ring job leaves, its next job may
/// enter.
#[test]
fn a_full_ring_creates_a_normal_job() {
	ExtBuilder::default().build_and_execute(|| {
		let subscribers = [CUSTOMER, 17, 18, 19];
		for who in subscribers {
			TestPriority::subscribe(who);
		}
		let governance = create_job(3);
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(20), spec(3)));
		System::assert_last_event(
			Event::JobCreated {
				job: governance + 1,
				origin: JobOrigin::Customer(20, PRICE),
				spec: spec(3),
			}
			.into(),
		);
		let first = NextJobId::<Test>::get();
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(CUSTOMER), spec(3)));
		System::assert_last_event(Event::JobPrioritised { job: first }.into());
		// The same subscriber's second job: a normal one.
		let second = NextJobId::<Test>::get();
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(CUSTOMER), spec(3)));
		System::assert_last_event(
			Event::JobCreated {
				job: second,
				origin: JobOrigin::Customer(CUSTOMER, PRICE),
				spec: spec(3),
			}
			.into(),
		);
		assert_eq!(PriorityHolders::<Test>::get(CUSTOMER), Some(first));
		for who in [17, 18, 19] {
			let job = NextJobId::<Test>::get();
			assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(who), spec(3)));
			System::assert_last_event(Event::JobPrioritised { job }.into());
		}
		assert_eq!(ring(), vec![first, second + 1, second + 2, second + 3]);
		assert_eq!(PriorityJobCount::<Test>::get(), MAX_PRIORITY_JOBS);
		// A fifth subscriber finds the ring full.
		TestPriority::subscribe(20);
		let fifth = NextJobId::<Test>::get();
		assert_ok!(ComputeMining::create_job(RuntimeOrigin::signed(20), spec(3)));
		System::assert_last_event(
			Event::JobCreated { job: fifth, origin: JobOrigin::Customer(20, PRICE), spec: spec(3) }
				.into(),
		);
		assert_eq!(balance(CUSTOMER), 10_000 * GYM - 2 * PRICE);
		// CUSTOMER's subscription lapses: its job leaves the ring at the
		// hook's first look, and with it its hold on a slot.
		TestPriority::lapse(CUSTOMER);
		worker(1, Tier::Bronze, GpuClass::Other);
		run_to_block(System::block_number() + 1);
		assert!(events().contains(&Event::JobDeprioritised { job: first }));
		assert_eq!(PriorityHolders::<Test>::get(CUSTOMER), None);
		assert_eq!(PriorityJobCount::<Test>::get(), MAX_PRIORITY_JOBS - 1);
	});
}
