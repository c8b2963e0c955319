//! The pallet's logic: calls' bodies, the epoch records, the queue, slashing,
//! the trait offered to `pallet-tiered-staking` and the runtime API's reads.

use super::*;
use codec::{Encode, MaxEncodedLen};
use frame_support::{
	ensure,
	pallet_prelude::{DispatchResult, Weight},
	traits::Get,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use gym_primitives::sketch::DeltaSketch;
use gym_primitives::staking::Right;
use gym_primitives::{
	mining::{self, Slot, SlotRange},
	staking::Tier,
	Balance, BlockNumber, HOURS,
};
use sp_core::H256;
use sp_runtime::{
	traits::{BlakeTwo256, Hash, Zero},
	DispatchError, Perbill, SaturatedConversion,
};

impl<T: Config> Pallet<T> {
	/// The current block number.
	pub(crate) fn now() -> BlockNumber {
		frame_system::Pallet::<T>::block_number().saturated_into()
	}

	/// The heartbeat slot of the current block.
	pub(crate) fn slot_now() -> Slot {
		mining::slot_of(Self::now(), T::HeartbeatSlot::get())
	}

	/// Heartbeat slots per hour.
	pub(crate) fn slots_per_hour() -> u32 {
		HOURS.checked_div(T::HeartbeatSlot::get()).unwrap_or(HOURS).max(1)
	}

	/// The heartbeat slots of `epoch`.
	pub(crate) fn epoch_slots(epoch: EpochIndex) -> SlotRange {
		mining::epoch_slots(
			T::Emission::epoch_start(epoch),
			T::Emission::epoch_end(epoch),
			T::HeartbeatSlot::get(),
		)
	}

	/// Fails unless `who` is Gold or above.
	pub(crate) fn ensure_orchestrator(who: &T::AccountId) -> DispatchResult {
		ensure!(T::Staking::has_right(who, Right::Orchestrate), Error::<T>::NotOrchestrator);
		Ok(())
	}

	/// Fails unless `who` is in the orchestrator set.
	pub(crate) fn ensure_in_set(who: &T::AccountId) -> DispatchResult {
		ensure!(
			Orchestrators::<T>::get().iter().any(|(m, _)| m == who),
			Error::<T>::NotInOrchestratorSet
		);
		Ok(())
	}

	pub(crate) fn do_join_set(who: &T::AccountId) -> DispatchResult {
		Self::ensure_orchestrator(who)?;
		ensure!(!Self::is_suspended(who), Error::<T>::OrchestratorSuspended);
		Suspended::<T>::remove(who);
		let mut set = Orchestrators::<T>::get();
		ensure!(!set.iter().any(|(m, _)| m == who), Error::<T>::AlreadyOrchestrator);
		let stake = T::Staking::stake_of(who);
		set.try_push((who.clone(), stake)).map_err(|_| Error::<T>::OrchestratorSetFull)?;
		Orchestrators::<T>::put(set);
		Self::deposit_event(Event::OrchestratorJoined { orchestrator: who.clone(), stake });
		Ok(())
	}

	pub(crate) fn do_leave_set(who: &T::AccountId) -> DispatchResult {
		let mut set = Orchestrators::<T>::get();
		let index =
			set.iter().position(|(m, _)| m == who).ok_or(Error::<T>::NotInOrchestratorSet)?;
		ensure!(Duties::<T>::get(who) == 0, Error::<T>::OrchestratorOnDuty);
		set.swap_remove(index);
		Orchestrators::<T>::put(set);
		Self::deposit_event(Event::OrchestratorLeft { orchestrator: who.clone() });
		Ok(())
	}

	/// Slashes orchestrator `who` `reason`'s fraction of its stake; its
	/// weight in the set follows the stake left, and below Gold it leaves
	/// the set.
	fn slash_orchestrator(who: &T::AccountId, reason: SlashReason) {
		// Nothing at stake: nothing to take.
		let amount: Balance =
			T::Staking::slash(who, reason.default_fraction(), reason).unwrap_or_default();
		TotalSlashed::<T>::mutate(|t| *t = t.saturating_add(amount));
		Self::deposit_event(Event::OrchestratorSlashed {
			orchestrator: who.clone(),
			reason,
			amount,
		});
		let mut set = Orchestrators::<T>::get();
		let Some(index) = set.iter().position(|(m, _)| m == who) else { return };
		if T::Staking::has_right(who, Right::Orchestrate) {
			if let Some((_, weight)) = set.get_mut(index) {
				*weight = (*weight).min(T::Staking::stake_of(who));
			}
		} else {
			set.swap_remove(index);
			Self::deposit_event(Event::OrchestratorLeft { orchestrator: who.clone() });
		}
		Orchestrators::<T>::put(set);
	}

	/// Draws the committee of `worker`'s delta for `job_id`'s `round`:
	/// `size` members of the orchestrator set other than the worker, by
	/// stake, from [`Config::Randomness`].
	fn draw_committee(
		job_id: JobId,
		worker: &T::AccountId,
		round: u32,
		size: u8,
	) -> Result<BoundedVec<T::AccountId, T::MaxValidations>, DispatchError> {
		use codec::{Decode, Encode};
		use frame_support::traits::Randomness;
		use sp_runtime::traits::{BlakeTwo256, Hash};
		let set = Orchestrators::<T>::get();
		let weights: alloc::vec::Vec<Balance> =
			set.iter().map(|(m, stake)| if m == worker { 0 } else { *stake }).collect();
		let (seed, _) = T::Randomness::random(&(b"gym/cmte", job_id, worker, round).encode());
		let drawn = mining::draw_weighted(&weights, usize::from(size), |i| {
			let h = BlakeTwo256::hash(&(seed, i).encode());
			u128::decode(&mut h.as_bytes()).unwrap_or_default()
		})
		.ok_or(Error::<T>::CommitteeUnavailable)?;
		let members: alloc::vec::Vec<T::AccountId> =
			drawn.into_iter().filter_map(|i| set.get(i).map(|(m, _)| m.clone())).collect();
		members.try_into().map_err(|_| Error::<T>::CommitteeUnavailable.into())
	}

	/// The block hook: draws the previous block's committees, closes the
	/// previous epoch in the first block of a new one.
	pub(crate) fn on_block(n: BlockNumberFor<T>) -> Weight {
		let n: BlockNumber = n.saturated_into();
		let (draws, rounds) = Self::draw_committees(n);
		let seats = Self::seat_workers(n);
		// The benchmark draws many deltas of one round: each further round
		// reads its job and its sketch book, and writes the book once.
		let books = SketchBook::<T::AccountId, T::MaxWorkersPerJob>::max_encoded_len();
		let per_round = T::DbWeight::get()
			.reads_writes(2, 1)
			.saturating_add(Weight::from_parts(0, u64::try_from(books).unwrap_or(u64::MAX)));
		Self::close_epoch(n)
			.saturating_add(T::WeightInfo::on_initialize_draws(draws))
			.saturating_add(per_round.saturating_mul(u64::from(rounds)))
			.saturating_add(T::WeightInfo::on_initialize_seats(seats))
	}

	/// Seats waiting workers in jobs with a free seat: at most
	/// `MaxSeatsPerBlock` steps. While the ring has had no more of the
	/// block's seats than the other jobs, a step first looks at the priority
	/// ring's job under [`PriorityCursor`] ([`Self::look_at_ring`]): a free
	/// seat there is taken; a job finished, or whose customer lost its
	/// priority access, leaves the ring (the step ends there); a full one
	/// moves the ring's cursor on. When the ring's job is full, or a whole
	/// turn of the ring found every job full in this block (or the ring is
	/// empty), the step looks at the next job after [`SeatCursor`] instead
	/// (round-robin over all jobs, so every job fills; a finished job counts
	/// as full). A job with a seat gets a waiting worker drawn from this
	/// block's randomness: a Silver-or-above one while any waits, otherwise
	/// any. Stops when nobody waits or a whole round-robin turn found every
	/// job full. Each step is O(1): at most one ring slot, one round-robin
	/// job and one seat. Returns the steps taken.
	pub(crate) fn seat_workers(n: BlockNumber) -> u32 {
		use codec::{Decode, Encode};
		use frame_support::traits::Randomness;
		use sp_runtime::traits::{BlakeTwo256, Hash};
		let jobs = NextJobId::<T>::get();
		if jobs == 0 || Waiting::<T>::get() == (0, 0) {
			return 0;
		}
		let (seed, _) = T::Randomness::random(&(b"gym/seat", n).encode());
		let mut cursor = SeatCursor::<T>::get();
		let mut ring = Ring {
			count: PriorityJobCount::<T>::get(),
			cursor: PriorityCursor::<T>::get(),
			full: 0,
		};
		let stored = ring;
		let (mut steps, mut full) = (0u32, 0u32);
		let (mut ring_seats, mut other_seats) = (0u32, 0u32);
		while steps < T::MaxSeatsPerBlock::get() && full < jobs {
			let (priority, normal) = Waiting::<T>::get();
			let (tier, waiting) = if priority > 0 { (true, priority) } else { (false, normal) };
			if waiting == 0 {
				break;
			}
			steps = steps.saturating_add(1);
			// The ring looks first only while it has had no more of this
			// block's seats than the round-robin: a full ring never takes
			// more than half of them (one more, when they are odd).
			let look = if ring_seats <= other_seats {
				Self::look_at_ring(&mut ring)
			} else {
				RingLook::Pass
			};
			let job = match look {
				RingLook::Seat(job) => {
					ring_seats = ring_seats.saturating_add(1);
					job
				}
				RingLook::Removed => continue,
				RingLook::Pass => {
					// `jobs` is positive: no remainder fails.
					let job = cursor.checked_rem(jobs).unwrap_or_default();
					cursor = job.saturating_add(1).checked_rem(jobs).unwrap_or_default();
					let free = Jobs::<T>::get(job)
						.is_some_and(|j| j.workers < T::MaxWorkersPerJob::get())
						&& !FinishedJobs::<T>::contains_key(job);
					if !free {
						full = full.saturating_add(1);
						continue;
					}
					full = 0;
					other_seats = other_seats.saturating_add(1);
					job
				}
			};
			let h = BlakeTwo256::hash(&(seed, steps).encode());
			let place = u32::decode(&mut h.as_bytes())
				.unwrap_or_default()
				.checked_rem(waiting)
				.unwrap_or_default();
			let seated = Queue::<T>::get(tier, place).map(|who| Self::do_assign(job, &who));
			debug_assert!(matches!(seated, Some(Ok(()))), "the queue names a waiting worker");
		}
		SeatCursor::<T>::put(cursor);
		if ring.count != stored.count {
			PriorityJobCount::<T>::put(ring.count);
		}
		if ring.cursor != stored.cursor {
			PriorityCursor::<T>::put(ring.cursor);
		}
		steps
	}

	/// Looks at the priority ring's job under its cursor, in O(1): a full
	/// job moves the cursor on and counts towards the turn
	/// ([`RingLook::Pass`]); a job gone, finished or whose customer has no
	/// priority access any more leaves the ring, the last slot moving into
	/// its own ([`RingLook::Removed`]); otherwise its seat is taken and the
	/// cursor moves on ([`RingLook::Seat`]). [`RingLook::Pass`] too when the
	/// ring is empty or was found full all the way round in this block.
	fn look_at_ring(ring: &mut Ring) -> RingLook {
		if ring.full >= ring.count {
			return RingLook::Pass;
		}
		// `ring.count` is positive: no remainder fails.
		let slot = ring.cursor.checked_rem(ring.count).unwrap_or_default();
		let entry = PriorityJobs::<T>::get(slot);
		let job = entry.and_then(Jobs::<T>::get);
		if job.as_ref().is_some_and(|j| j.workers >= T::MaxWorkersPerJob::get()) {
			// Full (finished or lapsed or not): it leaves once it has a seat.
			ring.cursor = slot.saturating_add(1).checked_rem(ring.count).unwrap_or_default();
			ring.full = ring.full.saturating_add(1);
			return RingLook::Pass;
		}
		let live = match (entry, &job) {
			(Some(id), Some(job)) => {
				!FinishedJobs::<T>::contains_key(id) && Self::has_priority_access(job)
			}
			_ => false,
		};
		match entry.filter(|_| live) {
			Some(id) => {
				ring.cursor = slot.saturating_add(1).checked_rem(ring.count).unwrap_or_default();
				ring.full = 0;
				RingLook::Seat(id)
			}
			None => {
				// The last slot moves into this one, which the cursor looks
				// at next.
				ring.count = ring.count.saturating_sub(1);
				let last = PriorityJobs::<T>::take(ring.count);
				if slot < ring.count {
					if let Some(last) = last {
						PriorityJobs::<T>::insert(slot, last);
					}
				}
				ring.cursor = slot;
				if let Some(JobOrigin::Customer(customer, _)) = job.map(|j| j.origin) {
					PriorityHolders::<T>::remove(customer);
				}
				if let Some(id) = entry {
					Self::deposit_event(Event::JobDeprioritised { job: id });
				}
				RingLook::Removed
			}
		}
	}

	/// Closes the previous epoch if `n` is the first block of a new one:
	/// fixes its budget, so that its difficulty is known. O(1).
	fn close_epoch(n: BlockNumber) -> Weight {
		let epoch = T::Emission::epoch_of(n);
		let Some(closed) = epoch.checked_sub(1) else {
			return T::WeightInfo::on_initialize_idle();
		};
		if T::Emission::epoch_end(closed).saturating_add(1) != n {
			return T::WeightInfo::on_initialize_idle();
		}
		// Read once and dropped: the epoch's work counts for its budget only.
		let samples = EpochWork::<T>::take(closed);
		Epochs::<T>::mutate_exists(closed, |entry| {
			if let Some(info) = entry {
				if info.unclaimed == 0 {
					// Every reward of the epoch fell back to zero.
					*entry = None;
					return;
				}
				// Fixed and set aside now: later schedule changes and later
				// epochs cannot take it, so every reward can be minted. No
				// more than the rewards add up to (difficulty pays each its
				// unadjusted reward when they fit): a reward never claimed
				// keeps only itself from the cap, not the epoch's slack.
				// With a work budget, no more than the verified work backs:
				// an idle network does not mint the schedule's full amount.
				let budget =
					T::Emission::promise_budget(closed, Self::work_bound(info.unadjusted, samples));
				info.budget = Some(budget);
				LastDifficulty::<T>::put(mining::difficulty(info.unadjusted, budget));
				Self::deposit_event(Event::EpochClosed {
					epoch: closed,
					budget,
					unadjusted: info.unadjusted,
				});
			}
		});
		T::WeightInfo::on_initialize_close()
	}

	/// What an epoch with Σ `unadjusted` rewards and `samples` of verified
	/// work may be promised at most: `min(Σ, samples × WorkBudget)`, or Σ
	/// with no work budget.
	pub(crate) fn work_bound(unadjusted: Balance, samples: u64) -> Balance {
		WorkBudget::<T>::get()
			.map_or(unadjusted, |rate| unadjusted.min(rate.saturating_mul(Balance::from(samples))))
	}

	pub(crate) fn do_register(
		who: &T::AccountId,
		hardware_hash: H256,
		class: GpuClass,
		attestation: H256,
		endpoint: alloc::vec::Vec<u8>,
	) -> DispatchResult {
		ensure!(T::Staking::has_right(who, Right::RegisterWorker), Error::<T>::BelowBronzeTier);
		ensure!(!Workers::<T>::contains_key(who), Error::<T>::AlreadyRegistered);
		ensure!(
			!HardwareOwners::<T>::contains_key(hardware_hash),
			Error::<T>::HardwareAlreadyRegistered
		);
		ensure!(!endpoint.is_empty(), Error::<T>::BadEndpoint);
		let endpoint: Endpoint = endpoint.try_into().map_err(|_| Error::<T>::BadEndpoint)?;
		let slot = Self::slot_now();
		let mut worker = WorkerInfo {
			hardware_hash,
			claimed_class: class,
			verified_class: None,
			attestation,
			endpoint,
			registered_at: Self::now(),
			last_heartbeat: slot,
			uncharged_from: slot.saturating_add(1),
			downtime: None,
			assignment: None,
			waiting: false,
			priority: false,
		};
		Self::join_queue(who, &mut worker);
		let mut activity = Self::roll_into_current_epoch(who);
		Self::count_online(&mut activity, &worker, slot);
		Self::refresh(who, &mut activity, Some(&worker));
		HardwareOwners::<T>::insert(hardware_hash, who);
		Workers::<T>::insert(who, worker);
		Activity::<T>::insert(who, activity);
		Self::deposit_event(Event::WorkerRegistered { worker: who.clone(), hardware_hash, class });
		Ok(())
	}

	pub(crate) fn do_heartbeat(who: &T::AccountId) -> DispatchResult {
		let mut worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let slot = Self::slot_now();
		ensure!(worker.last_heartbeat != slot, Error::<T>::HeartbeatAlreadySent);
		let (hours, _) = Self::missed_hours(&worker, slot);
		if hours > 0 {
			Self::slash(who, mining::downtime_slash(hours), SlashReason::Downtime, hours)?;
		}
		worker.last_heartbeat = slot;
		worker.uncharged_from = slot.saturating_add(1);
		// The seat of a finished job is given up here, lazily: finishing a
		// job does not loop over its workers.
		let finished = worker.assignment.filter(|job| FinishedJobs::<T>::contains_key(job));
		if let Some(job) = finished {
			Self::unassign(&mut worker);
			Self::deposit_event(Event::JobLeft { job, worker: who.clone() });
		}
		if worker.assignment.is_none() {
			Self::requeue(who, &mut worker);
		}
		let mut activity = Self::roll_into_current_epoch(who);
		Self::count_online(&mut activity, &worker, slot);
		Self::refresh(who, &mut activity, Some(&worker));
		Activity::<T>::insert(who, activity);
		Workers::<T>::insert(who, worker);
		Self::deposit_event(Event::Heartbeat { worker: who.clone(), slot });
		// A slash may have left the worker below Bronze.
		Self::deregister_if_unstaked(who);
		Ok(())
	}

	pub(crate) fn do_schedule_downtime(
		who: &T::AccountId,
		from: BlockNumber,
		to: BlockNumber,
	) -> DispatchResult {
		let mut worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		ensure!(
			from >= Self::now().saturating_add(T::DowntimeNotice::get()),
			Error::<T>::DowntimeTooSoon
		);
		ensure!(
			to.checked_sub(from).is_some_and(|len| len > 0 && len <= T::MaxDowntime::get()),
			Error::<T>::BadDowntime
		);
		let slot = Self::slot_now();
		if let Some(current) = worker.downtime {
			ensure!(!current.contains(slot), Error::<T>::DowntimeInProgress);
		}
		let len = T::HeartbeatSlot::get();
		let slots = SlotRange {
			start: mining::slot_of(from, len),
			end: mining::slot_of(to.saturating_sub(1), len).saturating_add(1),
		};
		worker.downtime = Some(slots);
		let mut activity = Self::roll_into_current_epoch(who);
		Self::refresh(who, &mut activity, Some(&worker));
		Activity::<T>::insert(who, activity);
		Workers::<T>::insert(who, worker);
		Self::deposit_event(Event::DowntimeScheduled { worker: who.clone(), slots });
		Ok(())
	}

	/// Removes `who`'s registration: its job, its place in the queue and its
	/// hardware hash. Its activity and rewards stay.
	/// A worker leaves: the downtime it owes (unscheduled hours since its
	/// last heartbeat) is charged first, so leaving does not wipe it.
	pub(crate) fn do_deregister(who: &T::AccountId) -> DispatchResult {
		let worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let (hours, _) = Self::missed_hours(&worker, Self::slot_now());
		if hours > 0 {
			Self::slash(who, mining::downtime_slash(hours), SlashReason::Downtime, hours)?;
		}
		Self::deregister(who, Deregistration::Voluntary);
		Ok(())
	}

	pub(crate) fn deregister(who: &T::AccountId, reason: Deregistration) {
		let Some(mut worker) = Workers::<T>::take(who) else { return };
		Self::leave_queue(who, &mut worker);
		Self::unassign(&mut worker);
		HardwareOwners::<T>::remove(worker.hardware_hash);
		Self::deposit_event(Event::WorkerDeregistered { worker: who.clone(), reason });
	}

	/// Deregisters `who` if a slash left it below Bronze.
	fn deregister_if_unstaked(who: &T::AccountId) {
		if Workers::<T>::contains_key(who) && !T::Staking::has_right(who, Right::RegisterWorker) {
			Self::deregister(who, Deregistration::StakeBelowBronze);
		}
	}

	pub(crate) fn do_create_job(origin: JobOrigin<T::AccountId>, spec: JobSpec) -> DispatchResult {
		ensure!(
			u32::from(spec.validations) >= u32::from(MinValidations::<T>::get())
				&& u32::from(spec.validations) <= T::MaxValidations::get()
				&& spec.params.steps > 0
				&& spec.params.batch_size > 0,
			Error::<T>::BadJobSpec
		);
		let limits = TrainingLimits::<T>::get();
		let params = spec.params;
		ensure!(params.steps <= limits.max_steps, Error::<T>::TooManySteps);
		ensure!(params.batch_size <= limits.max_batch_size, Error::<T>::BatchTooLarge);
		ensure!(
			u64::from(params.steps).saturating_mul(u64::from(params.batch_size))
				<= limits.max_samples,
			Error::<T>::TooManySamples
		);
		ensure!(
			(limits.min_learning_rate..=limits.max_learning_rate).contains(&params.learning_rate),
			Error::<T>::BadLearningRate
		);
		ensure!(params.weight_decay <= limits.max_weight_decay, Error::<T>::BadWeightDecay);
		ensure!(T::Models::contains(&spec.model), Error::<T>::UnknownModel);
		let id = NextJobId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::ArithmeticOverflow)?;
		if let JobOrigin::Customer(payer, price) = &origin {
			T::Revenue::pay_revenue(
				payer,
				gym_primitives::revenue::RevenueSource::FineTuning,
				*price,
			)?;
		}
		let info = JobInfo {
			origin: origin.clone(),
			spec,
			round: spec.round,
			checkpoint: spec.base_checkpoint,
			workers: 0,
			accepted: 0,
			created_at: Self::now(),
			closing: false,
			submit_until: Self::submit_deadline(),
			open: 0,
			sealed: 0,
			seal_mix: H256::zero(),
		};
		let prioritised = Self::has_priority_access(&info);
		Jobs::<T>::insert(id, info);
		NextJobId::<T>::put(next);
		let subscriber = match &origin {
			JobOrigin::Customer(customer, _) if prioritised => Some(customer.clone()),
			_ => None,
		};
		Self::deposit_event(Event::JobCreated { job: id, origin, spec });
		if let Some(customer) = subscriber {
			Self::prioritise(id, &customer);
		}
		Ok(())
	}

	/// Whether `job`'s customer has priority access now (never for a
	/// governance job).
	fn has_priority_access(job: &JobInfo<T::AccountId>) -> bool {
		match &job.origin {
			JobOrigin::Customer(who, _) => T::Priority::has_priority(who),
			JobOrigin::Governance => false,
		}
	}

	/// Puts `job_id`, `customer`'s (a subscriber's), in the priority ring
	/// if the ring has room and the customer holds no slot yet; otherwise
	/// it stays a normal job.
	fn prioritise(job_id: JobId, customer: &T::AccountId) {
		let count = PriorityJobCount::<T>::get();
		if count >= T::MaxPriorityJobs::get() || PriorityHolders::<T>::contains_key(customer) {
			return;
		}
		PriorityJobs::<T>::insert(count, job_id);
		PriorityJobCount::<T>::put(count.saturating_add(1));
		PriorityHolders::<T>::insert(customer, job_id);
		Self::deposit_event(Event::JobPrioritised { job: job_id });
	}

	/// Fails unless `origin` owns `job`: [`Config::GovernanceOrigin`] for a
	/// governance job, the signed customer for a customer's.
	fn ensure_job_owner(origin: T::RuntimeOrigin, job: &JobInfo<T::AccountId>) -> DispatchResult {
		match &job.origin {
			JobOrigin::Governance => {
				use frame_support::traits::EnsureOrigin;
				T::GovernanceOrigin::ensure_origin(origin)?;
			}
			JobOrigin::Customer(owner, _) => {
				let who = frame_system::ensure_signed(origin)?;
				ensure!(who == *owner, Error::<T>::NotJobOwner);
			}
		}
		Ok(())
	}

	pub(crate) fn do_end_job_after(
		origin: T::RuntimeOrigin,
		job_id: JobId,
		last_round: u32,
		premium: bool,
	) -> DispatchResult {
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		Self::ensure_job_owner(origin, &job)?;
		ensure!(!FinishedJobs::<T>::contains_key(job_id), Error::<T>::JobFinished);
		ensure!(last_round >= job.round, Error::<T>::RoundAlreadyCompleted);
		JobEnds::<T>::insert(job_id, JobEnd { last_round, premium });
		Self::deposit_event(Event::JobEndSet { job: job_id, last_round, premium });
		Ok(())
	}

	/// Seats the waiting `who` in `job_id`, which has a free seat (the
	/// block hook's [`Self::seat_workers`] chooses both).
	pub(crate) fn do_assign(job_id: JobId, who: &T::AccountId) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let mut worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		ensure!(worker.waiting, Error::<T>::NotWaiting);
		ensure!(job.workers < T::MaxWorkersPerJob::get(), Error::<T>::JobFull);
		job.workers = job.workers.saturating_add(1);
		Self::leave_queue(who, &mut worker);
		worker.assignment = Some(job_id);
		Jobs::<T>::insert(job_id, job);
		Workers::<T>::insert(who, worker);
		Self::deposit_event(Event::JobAssigned { job: job_id, worker: who.clone() });
		Ok(())
	}

	pub(crate) fn do_leave_job(who: &T::AccountId) -> DispatchResult {
		let mut worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let job = worker.assignment.ok_or(Error::<T>::NotAssignedWorker)?;
		Self::unassign(&mut worker);
		Self::join_queue(who, &mut worker);
		Workers::<T>::insert(who, worker);
		Self::deposit_event(Event::JobLeft { job, worker: who.clone() });
		Ok(())
	}

	/// `voter`'s vote of `class` in the check of `who`'s hardware, opening
	/// the check if none is open. Returns (voters, resolved).
	pub(crate) fn do_verify_hardware(
		voter: &T::AccountId,
		who: &T::AccountId,
		class: GpuClass,
	) -> Result<(u32, bool), DispatchError> {
		ensure!(voter != who, Error::<T>::SelfValidation);
		let worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let now = Self::now();
		let check = match HardwareChecks::<T>::get(who) {
			Some(mut check) => {
				ensure!(check.attestation == worker.attestation, Error::<T>::StaleHardwareCheck);
				ensure!(now <= check.vote.deadline, Error::<T>::HardwareCheckOver);
				let seat = check
					.vote
					.voters
					.iter_mut()
					.find(|(m, _, _)| m == voter)
					.ok_or(Error::<T>::NotAVoter)?;
				// Its weight must still be bonded: a voter that left the set
				// (and could have unstaked) or was suspended has no vote.
				Self::ensure_in_set(voter)?;
				ensure!(seat.2.is_none(), Error::<T>::AlreadyVoted);
				seat.2 = Some(class);
				Self::deposit_event(Event::HardwareVoted {
					worker: who.clone(),
					voter: voter.clone(),
					class,
				});
				check
			}
			None => {
				Self::ensure_in_set(voter)?;
				// A re-verification must disagree with the verified class,
				// so an honest set is never asked twice.
				ensure!(
					worker.verified_class != Some(class.min(worker.claimed_class)),
					Error::<T>::ClassAgrees
				);
				let vote = Self::open_set_vote(voter, who, class)?;
				Self::deposit_event(Event::HardwareCheckOpened {
					worker: who.clone(),
					opener: voter.clone(),
					class,
					deadline: vote.deadline,
				});
				HardwareCheck { attestation: worker.attestation, vote }
			}
		};
		// The vote holds the voter's stake until the check ends.
		Self::take_duty(voter);
		let voters = u32::try_from(check.vote.voters.len()).unwrap_or(u32::MAX);
		if check.vote.complete() {
			Self::resolve_hardware(who, check);
			return Ok((voters, true));
		}
		HardwareChecks::<T>::insert(who, check);
		Ok((voters, false))
	}

	/// Ends the check of `who`'s hardware after its deadline. Returns its
	/// number of voters.
	pub(crate) fn do_close_hardware_check(who: &T::AccountId) -> Result<u32, DispatchError> {
		let check = HardwareChecks::<T>::get(who).ok_or(Error::<T>::NoHardwareCheck)?;
		ensure!(Self::now() > check.vote.deadline, Error::<T>::HardwareCheckOpen);
		let voters = u32::try_from(check.vote.voters.len()).unwrap_or(u32::MAX);
		Self::resolve_hardware(who, check);
		Ok(voters)
	}

	/// Decides the check of `who`'s hardware: with a quorum of stake, the
	/// stake-weighted median class (never above the claimed class) becomes
	/// the worker's verified class if it is still registered with the
	/// attestation checked, and every voter of another class is slashed
	/// and suspended. Frees the voters.
	fn resolve_hardware(
		who: &T::AccountId,
		check: HardwareCheck<T::AccountId, T::MaxOrchestrators>,
	) {
		HardwareChecks::<T>::remove(who);
		Self::release_votes(&check.vote.voters);
		let Some(decided) = check.vote.decided(|class| *class) else {
			Self::deposit_event(Event::HardwareCheckResolved {
				worker: who.clone(),
				class: None,
				losers: 0,
			});
			return;
		};
		let losers: alloc::vec::Vec<&T::AccountId> = check
			.vote
			.voters
			.iter()
			.filter(|(_, _, vote)| vote.is_some_and(|v| v != decided))
			.map(|(m, _, _)| m)
			.collect();
		let until = Self::now().saturating_add(T::SuspensionPeriod::get());
		for loser in &losers {
			Self::slash_orchestrator(loser, SlashReason::FalseJudgement);
			Self::suspend(loser, until);
		}
		if let Some(mut worker) =
			Workers::<T>::get(who).filter(|w| w.attestation == check.attestation)
		{
			// A worker is never paid for more than it claims.
			let class = decided.min(worker.claimed_class);
			worker.verified_class = Some(class);
			let mut activity = Self::roll_into_current_epoch(who);
			Self::refresh(who, &mut activity, Some(&worker));
			Activity::<T>::insert(who, activity);
			Workers::<T>::insert(who, worker);
			Self::deposit_event(Event::HardwareVerified { worker: who.clone(), class });
		}
		Self::deposit_event(Event::HardwareCheckResolved {
			worker: who.clone(),
			class: Some(decided),
			losers: u32::try_from(losers.len()).unwrap_or(u32::MAX),
		});
	}

	/// Opens a vote of the set about `about` (a worker), `opener` voting
	/// `vote`: the voters are the set now, less `about`, each weighted by its
	/// stake in the set, until `DisputePeriod` blocks from now. The opener
	/// must hold a seat.
	fn open_set_vote<V: Copy>(
		opener: &T::AccountId,
		about: &T::AccountId,
		vote: V,
	) -> Result<SetVote<T::AccountId, V, T::MaxOrchestrators>, DispatchError> {
		let voters: alloc::vec::Vec<SetVoter<T::AccountId, V>> = Orchestrators::<T>::get()
			.into_iter()
			.filter(|(m, stake)| m != about && *stake > 0)
			.map(|(m, stake)| {
				let cast = (m == *opener).then_some(vote);
				(m, stake, cast)
			})
			.collect();
		ensure!(
			voters.iter().any(|(m, _, cast)| m == opener && cast.is_some()),
			Error::<T>::NotAVoter
		);
		Ok(SetVote {
			opener: opener.clone(),
			deadline: Self::now().saturating_add(T::DisputePeriod::get()),
			// The set's bound: cannot fail.
			voters: voters.try_into().map_err(|_| Error::<T>::OrchestratorSetFull)?,
		})
	}

	/// Frees the voters who voted in a vote of the set from their duty.
	fn release_votes<V>(voters: &[SetVoter<T::AccountId, V>]) {
		for (voter, _, vote) in voters {
			if vote.is_some() {
				Self::release_duty(voter);
			}
		}
	}

	/// The last block of a submission window opening now.
	fn submit_deadline() -> BlockNumber {
		Self::now().saturating_add(SubmitWindow::<T>::get())
	}

	pub(crate) fn do_submit_delta(
		who: &T::AccountId,
		job_id: JobId,
		seal: H256,
		claimed: Quality,
	) -> DispatchResult {
		let worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(!FinishedJobs::<T>::contains_key(job_id), Error::<T>::JobFinished);
		ensure!(worker.assignment == Some(job_id), Error::<T>::NotAssignedWorker);
		ensure!(claimed <= T::MaxQuality::get(), Error::<T>::ClaimedQualityTooHigh);
		ensure!(!job.closing, Error::<T>::RoundClosing);
		let now = Self::now();
		if let Some(previous) = Deltas::<T>::get(job_id, who) {
			if previous.status == DeltaStatus::Sealed && now > previous.reveal_deadline {
				// A seal never revealed is no delta: it goes.
				Self::drop_unrevealed(job_id, &mut job, who, &previous);
			} else {
				ensure!(previous.round != job.round, Error::<T>::DuplicateDelta);
				// Its judgement is still owed or may still be disputed: the
				// record must stay until it is final.
				ensure!(previous.status.is_final(), Error::<T>::DeltaNotFinal);
			}
		}
		if now > job.submit_until {
			// A round with no accepted delta and none left open (nothing
			// sealed in time, or nothing good) opens a new window rather
			// than stall the job. While one is open its bytes may be served
			// already: no new seal may join the round then.
			// Seals of the window that can no longer be revealed do not count.
			let reveals_over =
				now > job.submit_until.saturating_add(1).saturating_add(DisputeWindow::<T>::get());
			let live = if reveals_over { job.open.saturating_sub(job.sealed) } else { job.open };
			ensure!(job.accepted == 0 && live == 0, Error::<T>::SubmissionClosed);
			job.open = live;
			job.sealed = 0;
			job.submit_until = Self::submit_deadline();
			// Every delta of the last window is final: a new window is a new
			// seed, drawn after it.
			job.seal_mix = H256::zero();
			RoundSketches::<T>::remove((job_id, job.round));
		}
		let eligible =
			Orchestrators::<T>::get().iter().filter(|(m, stake)| m != who && *stake > 0).count();
		ensure!(eligible >= usize::from(job.spec.validations), Error::<T>::CommitteeUnavailable);
		OpenDeltas::<T>::mutate(who, |d| *d = d.saturating_add(1));
		job.open = job.open.saturating_add(1);
		job.sealed = job.sealed.saturating_add(1);
		job.seal_mix = <BlakeTwo256 as Hash>::hash(&(job.seal_mix, seal).encode());
		Deltas::<T>::insert(
			job_id,
			who,
			DeltaRecord {
				round: job.round,
				hash: seal,
				claimed,
				submitted_at: now,
				committee: BoundedVec::new(),
				commits: BoundedVec::new(),
				reports: BoundedVec::new(),
				// While sealed: the end of the submission window, and the
				// last block of the reveal.
				commit_deadline: job.submit_until,
				reveal_deadline: job
					.submit_until
					.saturating_add(1)
					.saturating_add(DisputeWindow::<T>::get()),
				dispute_deadline: 0,
				status: DeltaStatus::Sealed,
				sketch_seed: 0,
				sketch: DeltaSketch::default(),
			},
		);
		Self::deposit_event(Event::DeltaSealed {
			job: job_id,
			worker: who.clone(),
			round: job.round,
			seal,
			submit_until: job.submit_until,
		});
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Drops `who`'s sealed `delta`, never revealed: nothing is paid or
	/// slashed, and its stake is no longer held for it.
	fn drop_unrevealed(
		job_id: JobId,
		job: &mut JobInfo<T::AccountId>,
		who: &T::AccountId,
		delta: &DeltaRecordOf<T>,
	) {
		Self::delta_left(job_id, job, who, delta);
		Deltas::<T>::remove(job_id, who);
		Self::deposit_event(Event::DeltaUnrevealed {
			job: job_id,
			worker: who.clone(),
			round: delta.round,
		});
	}

	pub(crate) fn do_reveal_delta(who: &T::AccountId, job_id: JobId, hash: H256) -> DispatchResult {
		let mut delta = Deltas::<T>::get(job_id, who).ok_or(Error::<T>::NoDelta)?;
		ensure!(delta.status == DeltaStatus::Sealed, Error::<T>::NotSealed);
		let now = Self::now();
		ensure!(now > delta.commit_deadline, Error::<T>::SubmissionOpen);
		ensure!(now <= delta.reveal_deadline, Error::<T>::DeltaRevealOver);
		ensure!(delta_seal(&hash, who, job_id, delta.round) == delta.hash, Error::<T>::BadSeal);
		// A finished job's last round is over: only deltas of it (or
		// older), sealed before it completed, are still judged.
		if FinishedJobs::<T>::contains_key(job_id) {
			let open = Jobs::<T>::get(job_id).map_or(0, |j| j.round);
			ensure!(delta.round < open, Error::<T>::JobFinished);
		}
		// The first sealer of these bytes in the round owns them, for the
		// whole round (a dropped delta keeps them: its worker seals again).
		// Their owner's delta counts as sealed when it first sealed them: a
		// copier that saw them served after a window closed without a
		// result, and sealed first in the reopened one, is later.
		let sealed_at = RoundContents::<T>::mutate((job_id, delta.round, hash), |content| {
			let c = content.get_or_insert_with(|| RoundContent {
				sealed_at: delta.submitted_at,
				owner: who.clone(),
				open: 0,
			});
			c.open = c.open.saturating_add(1);
			if delta.submitted_at < c.sealed_at {
				c.sealed_at = delta.submitted_at;
				c.owner = who.clone();
			}
			if c.owner == *who {
				c.sealed_at
			} else {
				delta.submitted_at
			}
		});
		RoundSketches::<T>::try_mutate((job_id, delta.round), |book| {
			let book = book.get_or_insert_with(Default::default);
			book.open = book.open.saturating_add(1);
			book.reveals_until = book.reveals_until.max(delta.reveal_deadline);
			book.entries
				.try_push(SketchEntry {
					worker: who.clone(),
					sealed_at,
					sketch: DeltaSketch::default(),
					fixed_after: None,
				})
				.map_err(|_| Error::<T>::RoundFull)
		})?;
		let draw_at = now.saturating_add(1);
		PendingDraws::<T>::try_mutate(draw_at, |draws| draws.try_push((job_id, who.clone())))
			.map_err(|_| Error::<T>::DrawQueueFull)?;
		Jobs::<T>::mutate(job_id, |job| {
			if let Some(job) = job.as_mut().filter(|j| Self::counted_seal(j, &delta)) {
				job.sealed = job.sealed.saturating_sub(1);
			}
		});
		let commit_deadline = draw_at.saturating_add(T::CommitWindow::get());
		delta.hash = hash;
		delta.status = DeltaStatus::Pending;
		delta.commit_deadline = commit_deadline;
		delta.reveal_deadline = commit_deadline.saturating_add(T::RevealWindow::get());
		Self::deposit_event(Event::DeltaSubmitted {
			job: job_id,
			worker: who.clone(),
			round: delta.round,
			hash,
			claimed: delta.claimed,
		});
		Deltas::<T>::insert(job_id, who, delta);
		Ok(())
	}

	/// Draws the committees of the deltas submitted in the block before `n`
	/// (in `n`'s `on_initialize`). A delta whose committee cannot be drawn
	/// any more (the set shrank) is dropped as without quorum: the worker
	/// may submit again. Returns the number of draws and of the rounds
	/// whose sketch seed they read.
	pub(crate) fn draw_committees(n: BlockNumber) -> (u32, u32) {
		let draws = PendingDraws::<T>::take(n);
		let count = u32::try_from(draws.len()).unwrap_or(u32::MAX);
		// Each round's seed, read (or fixed) once per block.
		let mut seeds: alloc::vec::Vec<((JobId, u32), u64)> = alloc::vec::Vec::new();
		for (job_id, who) in draws {
			let Some(mut delta) = Deltas::<T>::get(job_id, &who) else { continue };
			if delta.status != DeltaStatus::Pending || !delta.committee.is_empty() {
				continue;
			}
			let job = Jobs::<T>::get(job_id);
			let size = job.as_ref().map_or(0, |job| job.spec.validations);
			match Self::draw_committee(job_id, &who, delta.round, size) {
				Ok(committee) => {
					for member in &committee {
						Self::take_duty(member);
					}
					let key = (job_id, delta.round);
					delta.sketch_seed = match seeds.iter().find(|(k, _)| *k == key) {
						Some((_, seed)) => *seed,
						None => {
							let seal_mix = job.map_or_else(H256::zero, |job| job.seal_mix);
							let seed = Self::sketch_seed(job_id, delta.round, seal_mix);
							seeds.push((key, seed));
							seed
						}
					};
					delta.committee = committee.clone();
					Self::deposit_event(Event::CommitteeDrawn {
						job: job_id,
						worker: who.clone(),
						round: delta.round,
						committee,
					});
					Deltas::<T>::insert(job_id, &who, delta);
				}
				Err(_) => {
					Self::delta_left_stored(job_id, &who, &delta);
					Deltas::<T>::remove(job_id, &who);
					Self::deposit_event(Event::DeltaNoQuorum {
						job: job_id,
						worker: who.clone(),
						round: delta.round,
						revealed: 0,
					});
				}
			}
		}
		(count, u32::try_from(seeds.len()).unwrap_or(u32::MAX))
	}

	/// The seed of `job_id`'s `round`'s sketches ([`SketchBook::seed`]):
	/// fixed by the round's first draw, after its submission window, from
	/// this block's randomness and the window's `seal_mix`, so no sealer
	/// knew it when it sealed.
	fn sketch_seed(job_id: JobId, round: u32, seal_mix: H256) -> u64 {
		use frame_support::traits::Randomness;
		let mut book = RoundSketches::<T>::get((job_id, round)).unwrap_or_default();
		if let Some(seed) = book.seed {
			return seed;
		}
		let (random, _) = T::Randomness::random(&(b"gym/sketch", job_id, round).encode());
		let fixed = <BlakeTwo256 as Hash>::hash(&(random, seal_mix).encode());
		let seed = gym_primitives::sketch::sketch_seed(&fixed.0);
		book.seed = Some(seed);
		RoundSketches::<T>::insert((job_id, round), book);
		seed
	}

	/// Applies `update` to `who`'s entry in `job_id`'s `round`'s
	/// [`SketchBook`], if both exist.
	fn update_sketch_entry(
		job_id: JobId,
		round: u32,
		who: &T::AccountId,
		update: impl FnOnce(&mut SketchEntry<T::AccountId>),
	) {
		RoundSketches::<T>::mutate((job_id, round), |book| {
			if let Some(entry) =
				book.as_mut().and_then(|b| b.entries.iter_mut().find(|e| e.worker == *who))
			{
				update(entry);
			}
		});
	}

	/// Whether every other delta of `delta`'s round sealed no later than it
	/// has a fixed sketch at `now`: only then can it be checked for a near
	/// copy.
	pub(crate) fn earlier_fixed(
		job_id: JobId,
		who: &T::AccountId,
		delta: &DeltaRecordOf<T>,
	) -> bool {
		let now = Self::now();
		RoundSketches::<T>::get((job_id, delta.round)).is_none_or(|book| {
			let sealed_at = Self::sealed_at(&book, who, delta);
			now > book.reveals_until
				&& book
					.entries
					.iter()
					.filter(|e| e.worker != *who && e.sealed_at <= sealed_at)
					.all(|e| e.fixed(now))
		})
	}

	/// The block `who`'s `delta` counts as sealed in for near copies: its
	/// entry's in `book` ([`SketchEntry::sealed_at`]).
	fn sealed_at(
		book: &SketchBook<T::AccountId, T::MaxWorkersPerJob>,
		who: &T::AccountId,
		delta: &DeltaRecordOf<T>,
	) -> BlockNumber {
		book.entries.iter().find(|e| e.worker == *who).map_or(delta.submitted_at, |e| e.sealed_at)
	}

	/// The worker of a delta of `delta`'s round sealed no later than it,
	/// by another worker, whose sketch is near `delta`'s, if any.
	fn near_original(
		job_id: JobId,
		who: &T::AccountId,
		delta: &DeltaRecordOf<T>,
	) -> Option<T::AccountId> {
		use gym_primitives::sketch::{near_copy, NEAR_COPY_COSINE};
		if delta.sketch.is_none() {
			return None;
		}
		let book = RoundSketches::<T>::get((job_id, delta.round))?;
		let sealed_at = Self::sealed_at(&book, who, delta);
		book.entries
			.into_iter()
			.find(|e| {
				e.worker != *who
					&& e.sealed_at <= sealed_at
					&& near_copy(&delta.sketch, &e.sketch, NEAR_COPY_COSINE)
			})
			.map(|e| e.worker)
	}

	/// `who`'s pending delta for `job_id`.
	fn pending_delta(job_id: JobId, who: &T::AccountId) -> Result<DeltaRecordOf<T>, DispatchError> {
		let delta = Deltas::<T>::get(job_id, who).ok_or(Error::<T>::NoDelta)?;
		ensure!(delta.status == DeltaStatus::Pending, Error::<T>::AlreadyJudged);
		Ok(delta)
	}

	pub(crate) fn do_commit(
		orchestrator: &T::AccountId,
		job_id: JobId,
		who: &T::AccountId,
		commitment: H256,
	) -> DispatchResult {
		let mut delta = Self::pending_delta(job_id, who)?;
		ensure!(delta.is_member(orchestrator), Error::<T>::NotInCommittee);
		ensure!(
			!delta.commits.iter().any(|(by, _)| by == orchestrator),
			Error::<T>::AlreadyCommitted
		);
		ensure!(Self::now() <= delta.commit_deadline, Error::<T>::CommitPhaseOver);
		delta
			.commits
			.try_push((orchestrator.clone(), commitment))
			.map_err(|_| Error::<T>::AlreadyCommitted)?;
		Deltas::<T>::insert(job_id, who, delta);
		Self::deposit_event(Event::ReportCommitted {
			job: job_id,
			worker: who.clone(),
			orchestrator: orchestrator.clone(),
		});
		Ok(())
	}

	pub(crate) fn do_reveal(
		orchestrator: &T::AccountId,
		job_id: JobId,
		who: &T::AccountId,
		report: ValidationReport,
		salt: H256,
	) -> DispatchResult {
		let mut delta = Self::pending_delta(job_id, who)?;
		let commitment = delta
			.commits
			.iter()
			.find(|(by, _)| by == orchestrator)
			.map(|(_, c)| *c)
			.ok_or(Error::<T>::NotCommitted)?;
		ensure!(
			!delta.reports.iter().any(|(by, _)| by == orchestrator),
			Error::<T>::AlreadyRevealed
		);
		let now = Self::now();
		ensure!(now <= delta.reveal_deadline, Error::<T>::RevealPhaseOver);
		ensure!(delta.reveals_open(now), Error::<T>::CommitPhaseOpen);
		ensure!(
			report_commitment(&report, &salt, orchestrator) == commitment,
			Error::<T>::BadReveal
		);
		delta
			.reports
			.try_push((orchestrator.clone(), report))
			.map_err(|_| Error::<T>::AlreadyRevealed)?;
		Self::deposit_event(Event::DeltaValidated {
			job: job_id,
			worker: who.clone(),
			orchestrator: orchestrator.clone(),
			report,
		});
		if delta.reports.len() == delta.committee.len() {
			Self::judge(job_id, who, &mut delta)?;
		}
		Deltas::<T>::insert(job_id, who, delta);
		Ok(())
	}

	pub(crate) fn do_close(job_id: JobId, who: &T::AccountId) -> DispatchResult {
		if let Some(sealed) =
			Deltas::<T>::get(job_id, who).filter(|d| d.status == DeltaStatus::Sealed)
		{
			ensure!(Self::now() > sealed.reveal_deadline, Error::<T>::RevealPhaseOpen);
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			Self::drop_unrevealed(job_id, &mut job, who, &sealed);
			Jobs::<T>::insert(job_id, job);
			return Ok(());
		}
		let mut delta = Self::pending_delta(job_id, who)?;
		ensure!(delta.closable(Self::now()), Error::<T>::RevealPhaseOpen);
		let members = u32::try_from(delta.committee.len()).unwrap_or(u32::MAX);
		let revealed = u32::try_from(delta.reports.len()).unwrap_or(u32::MAX);
		for member in &delta.committee {
			if !delta.reports.iter().any(|(by, _)| by == member) {
				Self::slash_orchestrator(member, SlashReason::MissedDuty);
			}
		}
		if mining::is_quorum(revealed, members) {
			Self::judge(job_id, who, &mut delta)?;
			Deltas::<T>::insert(job_id, who, delta);
		} else {
			Self::delta_left_stored(job_id, who, &delta);
			Deltas::<T>::remove(job_id, who);
			Self::deposit_event(Event::DeltaNoQuorum {
				job: job_id,
				worker: who.clone(),
				round: delta.round,
				revealed,
			});
		}
		Ok(())
	}

	/// Gives `who` one more duty ([`Duties`]).
	fn take_duty(who: &T::AccountId) {
		Duties::<T>::mutate(who, |d| *d = d.saturating_add(1));
	}

	/// Frees `who` of one duty; the entry goes at zero.
	fn release_duty(who: &T::AccountId) {
		Duties::<T>::mutate_exists(who, |d| {
			*d = d.and_then(|d| d.checked_sub(1)).filter(|d| *d > 0);
		});
	}

	/// Frees the committee of `who`'s `delta` from its duty and `who`'s
	/// stake from the hold of the delta ([`OpenDeltas`]). Only through
	/// [`Self::delta_left`].
	fn release_duties(who: &T::AccountId, delta: &DeltaRecordOf<T>) {
		OpenDeltas::<T>::mutate_exists(who, |d| {
			*d = d.and_then(|d| d.checked_sub(1)).filter(|d| *d > 0);
		});
		Self::release_each(&delta.committee);
	}

	/// Whether `delta` is a seal counted in `job`'s [`JobInfo::sealed`]:
	/// sealed in the current window of the open round.
	fn counted_seal(job: &JobInfo<T::AccountId>, delta: &DeltaRecordOf<T>) -> bool {
		delta.status == DeltaStatus::Sealed
			&& delta.round == job.round
			&& delta.commit_deadline == job.submit_until
	}

	/// `who`'s `delta` is final or dropped: its committee and `who`'s
	/// stake are free of it ([`Self::release_duties`]), and it is counted
	/// out of `job`'s open round's open deltas ([`JobInfo::open`]); a
	/// revealed delta's bytes are one delta less open ([`RoundContents`]).
	fn delta_left(
		job_id: JobId,
		job: &mut JobInfo<T::AccountId>,
		who: &T::AccountId,
		delta: &DeltaRecordOf<T>,
	) {
		Self::release_duties(who, delta);
		if delta.status == DeltaStatus::Sealed {
			if Self::counted_seal(job, delta) {
				job.open = job.open.saturating_sub(1);
				job.sealed = job.sealed.saturating_sub(1);
			}
			return;
		}
		if delta.round == job.round {
			job.open = job.open.saturating_sub(1);
		}
		// Its sketch is fixed (none if it leaves unjudged); the book is kept
		// like the owners of the bytes below.
		let old = delta.round.saturating_add(1) < job.round;
		let sketch = if delta.status.is_final() { delta.sketch } else { DeltaSketch::default() };
		RoundSketches::<T>::mutate_exists((job_id, delta.round), |book| {
			if let Some(b) = book {
				b.open = b.open.saturating_sub(1);
				if let Some(e) = b.entries.iter_mut().find(|e| e.worker == *who) {
					e.sketch = sketch;
					e.fixed_after = Some(0);
				}
			}
			if old {
				*book = book.take().filter(|b| b.open > 0);
			}
		});
		// The owner of the bytes is kept while the round or the next is open
		// (a seal may still come), then while a delta with them is open.
		RoundContents::<T>::mutate_exists((job_id, delta.round, delta.hash), |content| {
			if let Some(c) = content {
				c.open = c.open.saturating_sub(1);
			}
			if old {
				*content = content.take().filter(|c| c.open > 0);
			}
		});
	}

	/// [`Self::delta_left`] with its job read from and written to storage.
	fn delta_left_stored(job_id: JobId, who: &T::AccountId, delta: &DeltaRecordOf<T>) {
		Jobs::<T>::mutate(job_id, |job| match job {
			Some(job) => Self::delta_left(job_id, job, who, delta),
			None => Self::release_duties(who, delta),
		});
	}

	/// Judges `who`'s delta on its revealed reports: records the verdict,
	/// which takes effect when the delta is finalised after its dispute
	/// window. The committee keeps its duty until then: it answers for the
	/// verdict in a dispute.
	fn judge(job_id: JobId, who: &T::AccountId, delta: &mut DeltaRecordOf<T>) -> DispatchResult {
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let reports: alloc::vec::Vec<ValidationReport> =
			delta.reports.iter().map(|(_, r)| *r).collect();
		let verdict = Self::verdict(&job, delta, &reports).ok_or(Error::<T>::NoDelta)?;
		let dispute_deadline = Self::now().saturating_add(DisputeWindow::<T>::get());
		delta.status = DeltaStatus::Judged(verdict);
		delta.dispute_deadline = dispute_deadline;
		// Honest members measure the same sketch to the bit.
		delta.sketch = reports
			.iter()
			.map(|r| r.sketch)
			.find(|s| {
				reports.iter().filter(|r| r.sketch == *s).count().saturating_mul(2) > reports.len()
			})
			.unwrap_or_default();
		let sketch = delta.sketch;
		Self::update_sketch_entry(job_id, delta.round, who, |e| {
			e.sketch = sketch;
			e.fixed_after = Some(dispute_deadline);
		});
		Self::deposit_event(Event::DeltaJudged {
			job: job_id,
			worker: who.clone(),
			round: delta.round,
			verdict,
			dispute_deadline,
		});
		Ok(())
	}

	/// The verdict of `reports` on `delta` ([`verdict_of`] with the job's
	/// and the chain's parameters). `None` for no report.
	fn verdict(
		job: &JobInfo<T::AccountId>,
		delta: &DeltaRecordOf<T>,
		reports: &[ValidationReport],
	) -> Option<Verdict> {
		verdict_of(
			reports,
			delta.claimed,
			job.spec.variance_threshold,
			T::MaxQuality::get(),
			T::QualityTolerance::get(),
		)
	}

	/// Whether `who` is suspended now (it lost a dispute).
	pub(crate) fn is_suspended(who: &T::AccountId) -> bool {
		Suspended::<T>::get(who).is_some_and(|until| Self::now() < until)
	}

	/// Takes `who` out of the orchestrator set until `until`: it is no
	/// longer drawn, cannot dispute, and cannot join again before then. Its
	/// seats on deltas not yet final remain, and hold its stake
	/// ([`StakeFloor`]).
	fn suspend(who: &T::AccountId, until: BlockNumber) {
		Suspended::<T>::insert(who, until);
		let mut set = Orchestrators::<T>::get();
		if let Some(index) = set.iter().position(|(m, _)| m == who) {
			set.swap_remove(index);
			Orchestrators::<T>::put(set);
			Self::deposit_event(Event::OrchestratorLeft { orchestrator: who.clone() });
		}
		Self::deposit_event(Event::OrchestratorSuspended { orchestrator: who.clone(), until });
	}

	pub(crate) fn do_finalise(
		job_id: JobId,
		who: &T::AccountId,
	) -> Result<Option<u32>, DispatchError> {
		let mut delta = Deltas::<T>::get(job_id, who).ok_or(Error::<T>::NoDelta)?;
		let DeltaStatus::Judged(judged) = delta.status else {
			return Err(Error::<T>::NotJudged.into());
		};
		let now = Self::now();
		let (verdict, voters) = match Disputes::<T>::get(job_id, who) {
			Some(dispute) => {
				ensure!(now > dispute.deadline || dispute.complete(), Error::<T>::DisputeOpen);
				let voters = u32::try_from(dispute.voters.len()).unwrap_or(u32::MAX);
				let verdict = Self::resolve_dispute(job_id, who, &mut delta, judged, dispute)?;
				if !Self::earlier_fixed(job_id, who, &delta) {
					// Resolved now, final once the deltas sealed before it
					// have fixed sketches.
					Deltas::<T>::insert(job_id, who, delta);
					return Ok(Some(voters));
				}
				(verdict, Some(voters))
			}
			None => {
				ensure!(now > delta.dispute_deadline, Error::<T>::DisputeWindowOpen);
				ensure!(Self::earlier_fixed(job_id, who, &delta), Error::<T>::EarlierDeltaOpen);
				(judged, None)
			}
		};
		Self::apply_verdict(job_id, who, &mut delta, verdict)?;
		Ok(voters)
	}

	/// Makes `verdict` on `who`'s delta final: accepts or rejects it and
	/// frees its committee. A copy or near copy is rejected whatever its
	/// quality; otherwise an acceptance with quality 0 (no training-loss
	/// gain) is rejected as [`Rejection::NoGain`]: nothing is paid for it.
	fn apply_verdict(
		job_id: JobId,
		who: &T::AccountId,
		delta: &mut DeltaRecordOf<T>,
		verdict: Verdict,
	) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		// Bytes another worker sealed first in the round are a copy, whatever
		// their quality: only the first sealer is paid for them.
		let original = RoundContents::<T>::get((job_id, delta.round, delta.hash))
			.map(|c| c.owner)
			.filter(|owner| owner != who);
		let verdict = match (verdict, original) {
			(Verdict::Accept(_), Some(original)) => {
				Self::deposit_event(Event::DeltaCopied {
					job: job_id,
					worker: who.clone(),
					round: delta.round,
					original,
				});
				Verdict::Reject(Rejection::Copy)
			}
			(Verdict::Accept(quality), None) => match Self::near_original(job_id, who, delta) {
				Some(original) => {
					Self::deposit_event(Event::DeltaNearCopy {
						job: job_id,
						worker: who.clone(),
						round: delta.round,
						original,
					});
					Verdict::Reject(Rejection::NearCopy)
				}
				None if quality == 0 => Verdict::Reject(Rejection::NoGain),
				None => Verdict::Accept(quality),
			},
			(verdict, _) => verdict,
		};
		match verdict {
			Verdict::Accept(quality) => Self::accept_delta(&mut job, job_id, who, delta, quality),
			Verdict::Reject(why) => Self::reject_delta(&mut job, job_id, who, delta, why),
		}
		Self::delta_left(job_id, &mut job, who, delta);
		Jobs::<T>::insert(job_id, job);
		Deltas::<T>::insert(job_id, who, delta);
		Ok(())
	}

	pub(crate) fn do_dispute(
		disputer: &T::AccountId,
		job_id: JobId,
		who: &T::AccountId,
		report: ValidationReport,
	) -> DispatchResult {
		Self::ensure_in_set(disputer)?;
		ensure!(disputer != who, Error::<T>::SelfValidation);
		let delta = Deltas::<T>::get(job_id, who).ok_or(Error::<T>::NoDelta)?;
		let DeltaStatus::Judged(judged) = delta.status else {
			return Err(Error::<T>::NotJudged.into());
		};
		let now = Self::now();
		ensure!(now <= delta.dispute_deadline, Error::<T>::DisputeWindowOver);
		ensure!(!Disputes::<T>::contains_key(job_id, who), Error::<T>::AlreadyDisputed);
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let verdict = Self::verdict(&job, &delta, &[report]).ok_or(Error::<T>::NoDelta)?;
		// A sketch is disputed only by another sketch: no sketch (bytes
		// the disputer could not read) says nothing about the delta's.
		let other_sketch = !report.sketch.is_none() && report.sketch != delta.sketch;
		ensure!(
			!verdict.agrees(&judged, T::QualityTolerance::get()) || other_sketch,
			Error::<T>::VerdictAgrees
		);
		let dispute =
			Self::open_set_vote(disputer, who, DisputeVote { verdict, sketch: report.sketch })?;
		let deadline = dispute.deadline;
		Self::take_duty(disputer);
		Disputes::<T>::insert(job_id, who, dispute);
		// Its sketch may change until the dispute is resolved.
		Self::update_sketch_entry(job_id, delta.round, who, |e| e.fixed_after = None);
		Self::deposit_event(Event::DeltaDisputed {
			job: job_id,
			worker: who.clone(),
			disputer: disputer.clone(),
			verdict,
			deadline,
		});
		Ok(())
	}

	/// Records `voter`'s vote; resolves the dispute and finalises the delta
	/// if it was the last. Returns (voters, resolved).
	pub(crate) fn do_vote_dispute(
		voter: &T::AccountId,
		job_id: JobId,
		who: &T::AccountId,
		report: ValidationReport,
	) -> Result<(u32, bool), DispatchError> {
		let mut dispute = Disputes::<T>::get(job_id, who).ok_or(Error::<T>::NoDispute)?;
		ensure!(Self::now() <= dispute.deadline, Error::<T>::DisputeOver);
		let seat =
			dispute.voters.iter_mut().find(|(m, _, _)| m == voter).ok_or(Error::<T>::NotAVoter)?;
		// Its weight must still be bonded: a voter that left the set (and
		// could have unstaked) or was suspended has no vote.
		Self::ensure_in_set(voter)?;
		ensure!(seat.2.is_none(), Error::<T>::AlreadyVoted);
		let mut delta = Deltas::<T>::get(job_id, who).ok_or(Error::<T>::NoDelta)?;
		let DeltaStatus::Judged(judged) = delta.status else {
			return Err(Error::<T>::NotJudged.into());
		};
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let verdict = Self::verdict(&job, &delta, &[report]).ok_or(Error::<T>::NoDelta)?;
		seat.2 = Some(DisputeVote { verdict, sketch: report.sketch });
		Self::take_duty(voter);
		Self::deposit_event(Event::DisputeVoted {
			job: job_id,
			worker: who.clone(),
			voter: voter.clone(),
			verdict,
		});
		let voters = u32::try_from(dispute.voters.len()).unwrap_or(u32::MAX);
		if !dispute.complete() {
			Disputes::<T>::insert(job_id, who, dispute);
			return Ok((voters, false));
		}
		let verdict = Self::resolve_dispute(job_id, who, &mut delta, judged, dispute)?;
		if Self::earlier_fixed(job_id, who, &delta) {
			Self::apply_verdict(job_id, who, &mut delta, verdict)?;
		} else {
			// Resolved; finalised once the deltas sealed before it have
			// fixed sketches (`finalise_delta`).
			Deltas::<T>::insert(job_id, who, delta);
		}
		Ok((voters, true))
	}

	/// Resolves the dispute of `who`'s delta (judged `judged`): with a quorum
	/// of weight, the stake-weighted median verdict decides, and the sketch
	/// of more than half of the weight cast, if any, replaces the delta's;
	/// every voter and committee member who said otherwise is slashed and
	/// suspended. The delta's sketch is then fixed, and `delta` records the
	/// final verdict, as judged, not disputable again. Returns the final
	/// verdict; frees the voters.
	fn resolve_dispute(
		job_id: JobId,
		who: &T::AccountId,
		delta: &mut DeltaRecordOf<T>,
		judged: Verdict,
		dispute: Dispute<T::AccountId, T::MaxOrchestrators>,
	) -> Result<Verdict, DispatchError> {
		let verdict = Self::decide_dispute(job_id, who, delta, judged, dispute)?;
		delta.status = DeltaStatus::Judged(verdict);
		delta.dispute_deadline = 0;
		let sketch = delta.sketch;
		Self::update_sketch_entry(job_id, delta.round, who, |e| {
			e.sketch = sketch;
			e.fixed_after = Some(0);
		});
		Ok(verdict)
	}

	/// The decision of [`Self::resolve_dispute`]: slashes and suspends the
	/// losers, sets the delta's sketch if the voters decided one, returns
	/// the final verdict.
	fn decide_dispute(
		job_id: JobId,
		who: &T::AccountId,
		delta: &mut DeltaRecordOf<T>,
		judged: Verdict,
		dispute: Dispute<T::AccountId, T::MaxOrchestrators>,
	) -> Result<Verdict, DispatchError> {
		Disputes::<T>::remove(job_id, who);
		Self::release_votes(&dispute.voters);
		let decided = dispute.decided(|v| v.verdict.rank()).map(|v| v.verdict);
		let Some(decided) = decided else {
			// No quorum: the committee's verdict stands, no one is slashed.
			Self::deposit_event(Event::DisputeResolved {
				job: job_id,
				worker: who.clone(),
				overturned: false,
				verdict: judged,
				losers: 0,
			});
			return Ok(judged);
		};
		// The sketch of more than half of the weight cast, none left out:
		// a voter that could not read the bytes says nothing about it.
		let sketch = dispute.majority(|v| v.sketch).filter(|s| !s.is_none());
		let tolerance = T::QualityTolerance::get();
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let mut losers: alloc::vec::Vec<T::AccountId> = alloc::vec::Vec::new();
		let voted = dispute.voters.iter().filter_map(|(m, _, vote)| vote.map(|v| (m, v)));
		let reported = delta.reports.iter().filter_map(|(m, r)| {
			Self::verdict(&job, delta, &[*r])
				.map(|verdict| (m, DisputeVote { verdict, sketch: r.sketch }))
		});
		for (member, said) in voted.chain(reported) {
			let wrong = !said.verdict.agrees(&decided, tolerance)
				|| sketch.is_some_and(|s| !said.sketch.is_none() && s != said.sketch);
			if wrong && !losers.contains(member) {
				losers.push(member.clone());
			}
		}
		if let Some(sketch) = sketch {
			delta.sketch = sketch;
		}
		let until = Self::now().saturating_add(T::SuspensionPeriod::get());
		for loser in &losers {
			Self::slash_orchestrator(loser, SlashReason::FalseJudgement);
			Self::suspend(loser, until);
		}
		let overturned = !decided.agrees(&judged, tolerance);
		let verdict = if overturned { decided } else { judged };
		Self::deposit_event(Event::DisputeResolved {
			job: job_id,
			worker: who.clone(),
			overturned,
			verdict,
			losers: u32::try_from(losers.len()).unwrap_or(u32::MAX),
		});
		Ok(verdict)
	}

	/// Rejects `who`'s delta and returns the worker from the job to the
	/// queue. If the rejection [`slashes`](Rejection::slashes), fixes the 5%
	/// slash in [`PendingSlashes`] (as if slashed now, after the slashes
	/// already pending; `settle_slash` charges it); a delta with no gain
	/// ([`Rejection::NoGain`]) costs its worker the seat only. Without that,
	/// a worker could hold a seat indefinitely, for free, by sealing empty
	/// deltas, and make the committees evaluate them.
	fn reject_delta(
		job: &mut JobInfo<T::AccountId>,
		job_id: JobId,
		who: &T::AccountId,
		delta: &mut DeltaRecordOf<T>,
		why: Rejection,
	) {
		delta.status = DeltaStatus::Rejected(why);
		let pending = PendingSlashes::<T>::get(who);
		let slash = if why.slashes() {
			mining::INVALID_DELTA_SLASH
				.mul_floor(T::Staking::slashable_of(who).saturating_sub(pending))
		} else {
			0
		};
		if slash > 0 {
			PendingSlashes::<T>::insert(who, pending.saturating_add(slash));
		}
		Self::deposit_event(Event::DeltaRejected {
			job: job_id,
			worker: who.clone(),
			round: delta.round,
			why,
			slash,
		});
		if let Some(mut worker) = Workers::<T>::get(who) {
			if worker.assignment == Some(job_id) {
				Self::leave_job_counted(&mut worker, job);
				Self::join_queue(who, &mut worker);
				Workers::<T>::insert(who, worker);
			}
		}
	}

	/// Accepts `who`'s delta with `quality`: the job counts it and the
	/// worker's reward of the epoch uses its best quality.
	fn accept_delta(
		job: &mut JobInfo<T::AccountId>,
		job_id: JobId,
		who: &T::AccountId,
		delta: &mut DeltaRecordOf<T>,
		quality: Quality,
	) {
		delta.status = DeltaStatus::Accepted(quality);
		// The epoch's verified work: the samples the paid delta trained.
		let params = job.spec.params;
		let samples = u64::from(params.steps).saturating_mul(u64::from(params.batch_size));
		EpochWork::<T>::mutate(T::Emission::current_epoch(), |work| {
			*work = work.saturating_add(samples)
		});
		// A delta of the open round joins its aggregate until the round
		// closes; the committee of the round's first accepted delta decides
		// the round's checkpoint. An older delta is paid, not aggregated.
		if delta.round == job.round && !job.closing {
			job.accepted = job.accepted.saturating_add(1);
			Self::note_round_losses(job_id, job.round, delta);
			let drawn = RoundCommittees::<T>::get(job_id).is_some_and(|c| c.round == job.round);
			if !drawn {
				// The round's checkpoint is a duty: its members' stake stays
				// bonded until the round completes or expires.
				for member in &delta.committee {
					Self::take_duty(member);
				}
				RoundCommittees::<T>::insert(
					job_id,
					RoundCommittee {
						round: job.round,
						members: delta.committee.clone(),
						votes: BoundedVec::new(),
						deadline: Self::now().saturating_add(T::RoundPeriod::get()),
					},
				);
				Self::deposit_event(Event::RoundCommitteeDrawn {
					job: job_id,
					round: job.round,
					members: delta.committee.clone(),
				});
			}
		}
		let worker = Workers::<T>::get(who);
		let mut activity = Self::roll_into_current_epoch(who);
		let before = activity.quality;
		activity.quality = Some(before.map_or(quality, |q| q.max(quality)));
		// The work counts for the revenue split of the period that judged it:
		// what the epoch's better quality adds to the reward at full
		// availability (availability is known only once the epoch is over).
		let full = |q: Option<Quality>| {
			q.map_or(0, |q| {
				mining::unadjusted_reward(
					q,
					T::Staking::boost_of(who),
					mining::hardware_multiplier(worker.as_ref().and_then(|w| w.verified_class)),
					Perbill::one(),
				)
			})
		};
		let points = full(activity.quality).saturating_sub(full(before));
		if points > 0 {
			T::Revenue::note_contribution(who, points);
		}
		Self::refresh(who, &mut activity, worker.as_ref());
		Activity::<T>::insert(who, activity);
		Self::deposit_event(Event::DeltaAccepted {
			job: job_id,
			worker: who.clone(),
			round: delta.round,
			quality,
		});
	}

	/// Counts `delta`, accepted in `job_id`'s open `round`, in the round's
	/// point of the loss curve ([`RoundLosses`]): the lower of the best
	/// losses so far and the delta's medians of its (not corrupt) reports'
	/// losses.
	fn note_round_losses(job_id: JobId, round: u32, delta: &DeltaRecordOf<T>) {
		// A corrupt report measured nothing: only the others count.
		let reports = || delta.reports.iter().map(|(_, r)| r).filter(|r| !r.verdict.is_corrupt());
		// No report measured it (cannot happen for an accepted delta): no
		// point rather than a loss of 0.
		let median_of = |f: fn(&ValidationReport) -> mining::Micro| {
			mining::median(&mut reports().map(f).collect::<alloc::vec::Vec<_>>())
		};
		let (Some(loss), Some(val_loss)) =
			(median_of(|r| r.loss_after), median_of(|r| r.val_loss_after))
		else {
			return;
		};
		RoundLosses::<T>::mutate(job_id, |point| {
			let best = match point.take().filter(|p| p.round == round) {
				Some(p) => LossPoint {
					round,
					loss: p.loss.min(loss),
					val_loss: p.val_loss.min(val_loss),
					deltas: p.deltas.saturating_add(1),
				},
				None => LossPoint { round, loss, val_loss, deltas: 1 },
			};
			*point = Some(best);
		});
	}

	/// Writes `job_id`'s completed `round` to its loss curve ([`LossCurves`],
	/// dropping the oldest point when full) from its [`RoundLosses`], and
	/// returns the point (`None`: the round has none).
	pub(crate) fn complete_loss_curve(job_id: JobId, round: u32) -> Option<LossPoint> {
		let point = RoundLosses::<T>::take(job_id).filter(|p| p.round == round)?;
		LossCurves::<T>::mutate(job_id, |curve| {
			// Appended, the oldest point dropped when full.
			let _ = curve.force_insert_keep_right(curve.len(), point);
		});
		Some(point)
	}

	/// After `job` completed `round` with `checkpoint` and loss-curve point
	/// `point`: if the round is at or past the job's end ([`JobEnds`]),
	/// registers its model ([`Config::Registrar`]) and finishes the job.
	/// Without a point, or if the registry refuses the model, the job goes
	/// on unfinished (its end is kept, so its next completed round tries
	/// again) and the round stands: the vote is not lost.
	fn finish_if_last(
		job_id: JobId,
		job: &JobInfo<T::AccountId>,
		round: u32,
		checkpoint: H256,
		point: Option<LossPoint>,
	) {
		let Some(end) = JobEnds::<T>::get(job_id).filter(|end| end.last_round <= round) else {
			return;
		};
		let Some(point) = point else {
			Self::deposit_event(Event::JobFinishFailed { job: job_id, round });
			return;
		};
		let owner = match &job.origin {
			JobOrigin::Governance => None,
			JobOrigin::Customer(who, _) => Some(who.clone()),
		};
		let model = TrainedModel {
			job: job_id,
			architecture: job.spec.model,
			checkpoint,
			round,
			loss: point.loss,
			val_loss: point.val_loss,
			owner,
			premium: end.premium,
		};
		// A refusal leaves nothing of the registrar's writes behind.
		match frame_support::storage::with_storage_layer(|| T::Registrar::register_trained(model)) {
			Ok(model) => {
				FinishedJobs::<T>::insert(job_id, model);
				JobEnds::<T>::remove(job_id);
				Self::deposit_event(Event::JobFinished { job: job_id, model, checkpoint });
			}
			Err(_) => Self::deposit_event(Event::JobFinishFailed { job: job_id, round }),
		}
	}

	/// `job_id`'s validated loss curve: its last [`MAX_LOSS_POINTS`]
	/// completed rounds, oldest first (the runtime API's `loss_curve`).
	pub fn loss_curve(job_id: JobId) -> alloc::vec::Vec<LossPoint> {
		LossCurves::<T>::get(job_id).into_inner()
	}

	pub(crate) fn do_settle_slash(who: &T::AccountId) -> DispatchResult {
		let owed = PendingSlashes::<T>::take(who);
		ensure!(owed > 0, Error::<T>::NoPendingSlash);
		let amount = T::Staking::slash_amount(who, owed, SlashReason::InvalidDelta)?;
		Self::record_slash(who, SlashReason::InvalidDelta, 0, amount);
		Self::deregister_if_unstaked(who);
		if let Some(mut worker) = Workers::<T>::get(who).filter(|w| w.waiting) {
			// The queue class follows the stake that is left.
			Self::requeue(who, &mut worker);
			Workers::<T>::insert(who, worker);
		}
		Ok(())
	}

	pub(crate) fn do_vote_round(
		who: &T::AccountId,
		job_id: JobId,
		round: u32,
		accepted: u32,
		checkpoint: H256,
	) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(round == job.round, Error::<T>::WrongRound);
		let mut committee = RoundCommittees::<T>::get(job_id)
			.filter(|c| c.round == round)
			.ok_or(Error::<T>::NoRoundCommittee)?;
		ensure!(committee.members.iter().any(|m| m == who), Error::<T>::NotInCommittee);
		ensure!(Self::now() <= committee.deadline, Error::<T>::RoundOverdue);
		ensure!(!committee.votes.iter().any(|(by, _)| by == who), Error::<T>::AlreadyVoted);
		ensure!(accepted == job.accepted, Error::<T>::AcceptedMismatch);
		ensure!(job.accepted > 0, Error::<T>::NoAcceptedDelta);
		committee
			.votes
			.try_push((who.clone(), checkpoint))
			.map_err(|_| Error::<T>::AlreadyVoted)?;
		job.closing = true;
		Self::deposit_event(Event::RoundVoted {
			job: job_id,
			round,
			orchestrator: who.clone(),
			checkpoint,
		});
		let members = u32::try_from(committee.members.len()).unwrap_or(u32::MAX);
		let agreeing = committee.votes.iter().filter(|(_, c)| *c == checkpoint).count();
		if u32::try_from(agreeing).unwrap_or(u32::MAX) >= mining::two_thirds(members) {
			for (voter, vote) in &committee.votes {
				if *vote != checkpoint {
					Self::slash_orchestrator(voter, SlashReason::FalseJudgement);
				}
			}
			job.round = round.checked_add(1).ok_or(Error::<T>::ArithmeticOverflow)?;
			job.checkpoint = checkpoint;
			job.accepted = 0;
			job.closing = false;
			job.submit_until = Self::submit_deadline();
			job.open = 0;
			job.sealed = 0;
			job.seal_mix = H256::zero();
			Self::forget_contents(job_id, round, false);
			RoundCommittees::<T>::remove(job_id);
			Self::release_each(&committee.members);
			let point = Self::complete_loss_curve(job_id, round);
			Self::deposit_event(Event::RoundCompleted { job: job_id, round, checkpoint });
			Self::finish_if_last(job_id, &job, round, checkpoint, point);
		} else {
			RoundCommittees::<T>::insert(job_id, committee);
		}
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// At the end of `job_id`'s round `ended`: forgets the sketch book and
	/// the owners of the bytes of the round before it that no open delta
	/// holds (the others go when their last delta is final), and, if `carry`
	/// (the round expired:
	/// the next trains from the same checkpoint), hands the round's owners
	/// on to the next round. At most `MaxWorkersPerJob` entries each: about
	/// one a seated worker; any beyond stay, harmless.
	fn forget_contents(job_id: JobId, ended: u32, carry: bool) {
		let bound = T::MaxWorkersPerJob::get() as usize;
		if let Some(before) = ended.checked_sub(1) {
			RoundSketches::<T>::mutate_exists((job_id, before), |book| {
				*book = book.take().filter(|b| b.open > 0);
			});
			let idle: alloc::vec::Vec<H256> = RoundContents::<T>::iter_prefix((job_id, before))
				.take(bound)
				.filter(|(_, c)| c.open == 0)
				.map(|(hash, _)| hash)
				.collect();
			for hash in idle {
				RoundContents::<T>::remove((job_id, before, hash));
			}
		}
		if carry {
			let next = ended.saturating_add(1);
			let owners: alloc::vec::Vec<_> =
				RoundContents::<T>::iter_prefix((job_id, ended)).take(bound).collect();
			for (hash, c) in owners {
				RoundContents::<T>::insert(
					(job_id, next, hash),
					RoundContent { sealed_at: c.sealed_at, owner: c.owner, open: 0 },
				);
			}
		}
	}

	/// Frees each of `members` (a committee) of one duty.
	fn release_each(members: &[T::AccountId]) {
		for member in members {
			Self::release_duty(member);
		}
	}

	/// Expires `job_id`'s open `round` after its committee's deadline: the
	/// next round trains from the same checkpoint and the round's accepted
	/// deltas stay paid (not aggregated). No one is slashed: a worker that
	/// stops serving its accepted delta keeps honest members from
	/// aggregating, so absence is not evidence. Returns the committee's size.
	pub(crate) fn do_expire_round(job_id: JobId, round: u32) -> Result<u32, DispatchError> {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(round == job.round, Error::<T>::WrongRound);
		let committee = RoundCommittees::<T>::get(job_id)
			.filter(|c| c.round == round)
			.ok_or(Error::<T>::NoRoundCommittee)?;
		ensure!(Self::now() > committee.deadline, Error::<T>::RoundOpen);
		Self::release_each(&committee.members);
		job.round = round.checked_add(1).ok_or(Error::<T>::ArithmeticOverflow)?;
		job.accepted = 0;
		job.closing = false;
		job.submit_until = Self::submit_deadline();
		job.open = 0;
		job.sealed = 0;
		job.seal_mix = H256::zero();
		// Same checkpoint: the round's bytes stay their owners' in the next.
		Self::forget_contents(job_id, round, true);
		RoundCommittees::<T>::remove(job_id);
		// Not aggregated: the round adds no point to the loss curve.
		RoundLosses::<T>::remove(job_id);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::RoundExpired { job: job_id, round });
		Ok(u32::try_from(committee.members.len()).unwrap_or(u32::MAX))
	}

	pub(crate) fn do_claim(who: &T::AccountId) -> DispatchResult {
		// Verify first: a closed epoch's record about to be rolled counts.
		let rolls = Activity::<T>::get(who)
			.filter(|a| a.epoch != T::Emission::current_epoch())
			.is_some_and(|closed| Self::reward_of(&closed).is_some());
		ensure!(rolls || !Unclaimed::<T>::get(who).is_empty(), Error::<T>::NothingToClaim);
		let activity = Self::roll_into_current_epoch(who);
		Activity::<T>::insert(who, activity);
		let unclaimed = Unclaimed::<T>::take(who);
		let mut total: Balance = 0;
		for (epoch, amount) in unclaimed {
			// One reward that cannot be minted does not revert the others:
			// it is forfeited, with an event. (Promised budgets make this a
			// reward below the existential deposit of an emptied account.)
			match frame_support::storage::with_storage_layer(|| Self::pay(who, epoch, amount)) {
				Ok(paid) => total = total.saturating_add(paid),
				Err(_) => {
					Self::settle(epoch, 0);
					Self::deposit_event(Event::RewardUnmintable {
						worker: who.clone(),
						epoch,
						amount,
					});
				}
			}
		}
		Self::deposit_event(Event::RewardsClaimed { worker: who.clone(), amount: total });
		Ok(())
	}

	pub(crate) fn do_report_downtime(who: &T::AccountId) -> DispatchResult {
		let mut worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let (hours, next) = Self::missed_hours(&worker, Self::slot_now());
		ensure!(hours > 0, Error::<T>::NoDowntime);
		worker.uncharged_from = next;
		// An absent worker gives up its place and its seat (so that idle
		// workers cannot hold a job's seats); a heartbeat puts it back in
		// the queue.
		Self::leave_queue(who, &mut worker);
		Self::unassign(&mut worker);
		Workers::<T>::insert(who, worker);
		Self::slash(who, mining::downtime_slash(hours), SlashReason::Downtime, hours)?;
		Self::deregister_if_unstaked(who);
		Ok(())
	}

	pub(crate) fn do_report_malicious(who: &T::AccountId, evidence: H256) -> DispatchResult {
		// A worker that left is still reported while its GYM unbonds: the
		// slash reaches the stake and the unbonding GYM alike.
		ensure!(
			Workers::<T>::contains_key(who) || T::Staking::slashable_of(who) > 0,
			Error::<T>::NotWorker
		);
		// The slash is the one step that can fail: it goes first, then the
		// report is recorded.
		Self::slash(who, mining::MALICIOUS_SLASH, SlashReason::Malicious, 0)?;
		Self::deposit_event(Event::MaliciousReported { worker: who.clone(), evidence });
		Self::deregister(who, Deregistration::Malicious);
		Ok(())
	}

	/// What charging `who`'s unscheduled downtime now would slash (0 for an
	/// account that is not a registered worker).
	pub fn downtime_owed(who: &T::AccountId) -> Balance {
		let Some(worker) = Workers::<T>::get(who) else { return 0 };
		let (hours, _) = Self::missed_hours(&worker, Self::slot_now());
		if hours == 0 {
			return 0;
		}
		mining::downtime_slash(hours).mul_floor(T::Staking::slashable_of(who))
	}

	/// The full hours of unscheduled missed slots of `worker` up to `slot`
	/// and the slot the next charge counts from.
	fn missed_hours(worker: &WorkerInfo, slot: Slot) -> (u32, Slot) {
		let from = worker.uncharged_from.max(worker.last_heartbeat.saturating_add(1));
		mining::downtime_hours(from, slot, worker.downtime, Self::slots_per_hour())
	}

	/// Slashes `fraction` of `who`'s stake through staking, records it and
	/// emits [`Event::WorkerSlashed`].
	fn slash(
		who: &T::AccountId,
		fraction: Perbill,
		reason: SlashReason,
		hours: u32,
	) -> Result<Balance, DispatchError> {
		let amount = T::Staking::slash(who, fraction, reason)?;
		Self::record_slash(who, reason, hours, amount);
		Ok(amount)
	}

	/// Records `amount` slashed from `who` and emits [`Event::WorkerSlashed`].
	fn record_slash(who: &T::AccountId, reason: SlashReason, hours: u32, amount: Balance) {
		TotalSlashed::<T>::mutate(|t| *t = t.saturating_add(amount));
		Self::deposit_event(Event::WorkerSlashed { worker: who.clone(), reason, hours, amount });
	}

	/// Puts `worker` in the queue, in the priority queue if Silver or above.
	fn join_queue(who: &T::AccountId, worker: &mut WorkerInfo) {
		if worker.waiting {
			return;
		}
		worker.waiting = true;
		worker.priority = T::Staking::has_right(who, Right::PriorityQueue);
		let tier = worker.priority;
		Waiting::<T>::mutate(|(priority, normal)| {
			let count = if tier { priority } else { normal };
			Queue::<T>::insert(tier, *count, who);
			QueuePlace::<T>::insert(who, *count);
			*count = count.saturating_add(1);
		});
	}

	/// Takes `who` (its record `worker`) off the queue: the last worker of
	/// its tier takes its place (O(1)).
	fn leave_queue(who: &T::AccountId, worker: &mut WorkerInfo) {
		if !worker.waiting {
			return;
		}
		worker.waiting = false;
		let tier = worker.priority;
		let place = QueuePlace::<T>::take(who);
		Waiting::<T>::mutate(|(priority, normal)| {
			let count = if tier { priority } else { normal };
			*count = count.saturating_sub(1);
			let last = *count;
			let moved = Queue::<T>::take(tier, last);
			match (place, moved) {
				(Some(place), Some(moved)) if place != last => {
					QueuePlace::<T>::insert(&moved, place);
					Queue::<T>::insert(tier, place, moved);
				}
				_ => {}
			}
		});
		worker.priority = false;
	}

	/// Puts a waiting `who` back in the queue in the tier its stake gives
	/// now (an unassigned one joins it).
	fn requeue(who: &T::AccountId, worker: &mut WorkerInfo) {
		if worker.waiting && worker.priority == T::Staking::has_right(who, Right::PriorityQueue) {
			return;
		}
		Self::leave_queue(who, worker);
		Self::join_queue(who, worker);
	}

	/// Takes `worker` off its job (read from storage).
	fn unassign(worker: &mut WorkerInfo) {
		if let Some(job_id) = worker.assignment {
			if let Some(mut job) = Jobs::<T>::get(job_id) {
				Self::leave_job_counted(worker, &mut job);
				Jobs::<T>::insert(job_id, job);
			}
			worker.assignment = None;
		}
	}

	/// Takes `worker` off `job` (in memory).
	fn leave_job_counted(worker: &mut WorkerInfo, job: &mut JobInfo<T::AccountId>) {
		job.workers = job.workers.saturating_sub(1);
		worker.assignment = None;
	}

	/// Counts `slot` as online in `activity` unless it is scheduled downtime.
	fn count_online(activity: &mut EpochActivity, worker: &WorkerInfo, slot: Slot) {
		let scheduled = worker.downtime.is_some_and(|d| d.contains(slot));
		// A slot counts once: registering again, or beating again after a
		// re-registration, in a counted slot adds nothing.
		let counted = activity.last_online.is_some_and(|last| last >= slot);
		if !scheduled && !counted && Self::epoch_slots(activity.epoch).contains(slot) {
			activity.online = activity.online.saturating_add(1);
			activity.last_online = Some(slot);
		}
	}

	/// `who`'s activity record for the current epoch. Not a getter: a stored
	/// record of a closed epoch is first rolled into an unclaimed reward
	/// ([`Self::roll`]: it may mint the oldest unclaimed reward and emits
	/// events). The caller stores the returned record.
	pub(crate) fn roll_into_current_epoch(who: &T::AccountId) -> EpochActivity {
		let epoch = T::Emission::current_epoch();
		match Activity::<T>::get(who) {
			Some(activity) if activity.epoch == epoch => activity,
			Some(closed) => {
				Self::roll(who, closed);
				EpochActivity { epoch, ..Default::default() }
			}
			None => EpochActivity { epoch, ..Default::default() },
		}
	}

	/// The reward of a closed epoch's record after difficulty: what it is
	/// paid.
	fn reward_of(activity: &EpochActivity) -> Option<Balance> {
		if activity.unadjusted.is_zero() {
			return None;
		}
		let info = Epochs::<T>::get(activity.epoch)?;
		let budget = info.budget?;
		Some(mining::apply_difficulty(activity.unadjusted, info.unadjusted, budget))
	}

	/// Turns a closed epoch's record into an unclaimed reward, notes it as
	/// mining contribution, and pays the oldest unclaimed reward if the
	/// worker already keeps `MaxUnclaimedEpochs` of them.
	fn roll(who: &T::AccountId, closed: EpochActivity) {
		let Some(amount) = Self::reward_of(&closed) else { return };
		let mut unclaimed = Unclaimed::<T>::get(who);
		if unclaimed.is_full() {
			let (epoch, oldest) = unclaimed.remove(0);
			if Self::pay(who, epoch, oldest).is_err() {
				Self::deposit_event(Event::RewardUnmintable {
					worker: who.clone(),
					epoch,
					amount: oldest,
				});
				Self::settle(epoch, 0);
			}
		}
		// Cannot fail: one slot is free.
		let _ = unclaimed.try_push((closed.epoch, amount));
		Unclaimed::<T>::insert(who, unclaimed);
		let now = Self::now();
		Earned::<T>::mutate(who, |earned| {
			earned.get_or_insert_with(Default::default).add(now, amount)
		});
		NetworkEarned::<T>::mutate(|earned| earned.add(now, amount));
		Self::deposit_event(Event::RewardEarned {
			worker: who.clone(),
			epoch: closed.epoch,
			amount,
		});
	}

	/// Mints `amount` of `epoch`'s reward to `who` and updates the epoch's
	/// record. Returns the amount.
	fn pay(
		who: &T::AccountId,
		epoch: EpochIndex,
		amount: Balance,
	) -> Result<Balance, DispatchError> {
		if !amount.is_zero() {
			T::Emission::mint_reward(epoch, who, amount)?;
		}
		Self::settle(epoch, amount);
		Ok(amount)
	}

	/// Settles one unclaimed reward of `epoch`: `minted` of it was minted (0
	/// for a reward that cannot be minted). The epoch's record goes once its
	/// last reward is settled.
	fn settle(epoch: EpochIndex, minted: Balance) {
		Epochs::<T>::mutate_exists(epoch, |info| {
			if let Some(record) = info {
				record.minted = record.minted.saturating_add(minted);
				record.unclaimed = record.unclaimed.saturating_sub(1);
				if record.unclaimed == 0 {
					// The rest of its promise goes back to the cap's headroom.
					T::Emission::release_budget(epoch);
					*info = None;
				}
			}
		});
	}

	/// Recomputes `who`'s unadjusted reward in `activity` (its epoch must be
	/// the current one) and moves the epoch's Σ by the difference.
	pub(crate) fn refresh(
		who: &T::AccountId,
		activity: &mut EpochActivity,
		worker: Option<&WorkerInfo>,
	) {
		let new = match activity.quality {
			None => 0,
			Some(quality) => {
				// Availability is over all of the epoch's slots: scheduled
				// downtime is never online, so it lowers what the epoch pays
				// (reward × eligible / all slots) instead of being forgiven.
				let slots = mining::unscheduled(Self::epoch_slots(activity.epoch), None);
				mining::unadjusted_reward(
					quality,
					T::Staking::boost_of(who),
					mining::hardware_multiplier(worker.and_then(|w| w.verified_class)),
					mining::availability(activity.online, slots),
				)
			}
		};
		let old = activity.unadjusted;
		if new == old {
			return;
		}
		activity.unadjusted = new;
		Epochs::<T>::mutate(activity.epoch, |info| {
			let record = info.get_or_insert_with(Default::default);
			record.unadjusted = record.unadjusted.saturating_sub(old).saturating_add(new);
			if old.is_zero() {
				record.workers = record.workers.saturating_add(1);
				record.unclaimed = record.unclaimed.saturating_add(1);
			} else if new.is_zero() {
				record.workers = record.workers.saturating_sub(1);
				record.unclaimed = record.unclaimed.saturating_sub(1);
			}
		});
	}

	/// The mining parameters in force, for the runtime API.
	pub fn parameters() -> MiningParameters {
		MiningParameters {
			max_quality: T::MaxQuality::get(),
			quality_tolerance: T::QualityTolerance::get(),
			min_validations: MinValidations::<T>::get(),
			max_validations: T::MaxValidations::get(),
			heartbeat_slot: T::HeartbeatSlot::get(),
		}
	}

	/// `who`'s rewards, for the runtime API.
	pub fn pending_rewards(who: &T::AccountId) -> PendingRewards {
		let epoch = T::Emission::current_epoch();
		let unclaimed = Unclaimed::<T>::get(who);
		let mut claimable: Balance = unclaimed.iter().fold(0, |s, (_, a)| s.saturating_add(*a));
		let mut epochs = u32::try_from(unclaimed.len()).unwrap_or(u32::MAX);
		let mut current = EpochActivity::default();
		if let Some(activity) = Activity::<T>::get(who) {
			if activity.epoch == epoch {
				current = activity;
			} else if let Some(amount) = Self::reward_of(&activity) {
				claimable = claimable.saturating_add(amount);
				epochs = epochs.saturating_add(1);
			}
		}
		let earned = Earned::<T>::get(who).unwrap_or_default();
		PendingRewards {
			claimable,
			epochs,
			accruing: current.unadjusted,
			quality: current.quality,
			online_slots: current.online,
			earned_30d: earned.last_30_days(Self::now()),
			earned_total: earned.total,
		}
	}

	/// The invariants of this pallet (run by `try_state` and by tests).
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let (mut priority, mut normal) = (0u32, 0u32);
		for (who, worker) in Workers::<T>::iter() {
			if worker.assignment.is_some() {
				ensure!(
					T::Staking::tier_of(&who).is_some(),
					"a worker without a stake tier holds an assignment"
				);
			}
			ensure!(
				HardwareOwners::<T>::get(worker.hardware_hash).as_ref() == Some(&who),
				"a worker's hardware hash names another account"
			);
			ensure!(!(worker.waiting && worker.assignment.is_some()), "an assigned worker waits");
			let place = QueuePlace::<T>::get(&who);
			ensure!(
				place.and_then(|p| Queue::<T>::get(worker.priority, p)).as_ref()
					== worker.waiting.then_some(&who),
				"a waiting worker is not at its place in the queue, or another is"
			);
			if worker.waiting {
				if worker.priority {
					priority = priority.saturating_add(1);
				} else {
					normal = normal.saturating_add(1);
				}
			}
		}
		ensure!(Waiting::<T>::get() == (priority, normal), "queue counters are off");
		// Every revealed delta not final is in its round's sketch book, and
		// each book counts them.
		for ((job_id, round), book) in RoundSketches::<T>::iter() {
			let open = Deltas::<T>::iter_prefix(job_id)
				.filter(|(_, d)| {
					d.round == round && d.status != DeltaStatus::Sealed && !d.status.is_final()
				})
				.count();
			ensure!(
				u32::try_from(open).ok() == Some(book.open),
				"a sketch book miscounts its open deltas"
			);
		}
		for (job_id, who, d) in Deltas::<T>::iter() {
			if d.status != DeltaStatus::Sealed && !d.status.is_final() {
				ensure!(
					RoundSketches::<T>::get((job_id, d.round))
						.is_some_and(|b| b.entries.iter().any(|e| e.worker == who)),
					"an open delta is missing from its round's sketch book"
				);
			}
		}
		for (id, job) in Jobs::<T>::iter() {
			let seated = Workers::<T>::iter_values().filter(|w| w.assignment == Some(id)).count();
			ensure!(job.workers as usize == seated, "a job's worker count is off");
			ensure!(job.workers <= T::MaxWorkersPerJob::get(), "a job seats too many workers");
		}
		let earned =
			Earned::<T>::iter_values().fold(0, |sum: Balance, e| sum.saturating_add(e.total));
		ensure!(earned == NetworkEarned::<T>::get().total, "Σ Earned != NetworkEarned");
		let queued = u64::from(priority).saturating_add(u64::from(normal));
		ensure!(
			Queue::<T>::iter().count() as u64 == queued
				&& QueuePlace::<T>::iter().count() as u64 == queued,
			"the queue holds other workers than the waiting ones"
		);
		ensure!(
			Queue::<T>::iter().all(|(tier, place, _)| {
				let (p, n) = Waiting::<T>::get();
				place < if tier { p } else { n }
			}),
			"a queue place is past its tier's length"
		);
		ensure!(
			HardwareOwners::<T>::iter().all(|(_, who)| Workers::<T>::contains_key(who)),
			"a hardware hash names no worker"
		);
		let set = Orchestrators::<T>::get();
		for (i, (member, _)) in set.iter().enumerate() {
			ensure!(
				!set.iter().skip(i.saturating_add(1)).any(|(m, _)| m == member),
				"an orchestrator is in the set twice"
			);
			ensure!(!Self::is_suspended(member), "a suspended orchestrator is in the set");
		}
		let mut duties: alloc::collections::BTreeMap<T::AccountId, u32> = Default::default();
		let mut open: alloc::collections::BTreeMap<T::AccountId, u32> = Default::default();
		for (_, worker, delta) in Deltas::<T>::iter() {
			if !delta.status.is_final() {
				let d = open.entry(worker).or_default();
				*d = d.saturating_add(1);
				for member in &delta.committee {
					let d = duties.entry(member.clone()).or_default();
					*d = d.saturating_add(1);
				}
			}
		}
		for ((job, round, hash), content) in RoundContents::<T>::iter() {
			ensure!(
				Jobs::<T>::get(job).is_some_and(|j| round <= j.round.saturating_add(1)),
				"the owner of bytes of a round that has not opened"
			);
			let open = Deltas::<T>::iter_prefix_values(job)
				.filter(|d| d.round == round && d.hash == hash)
				.filter(|d| matches!(d.status, DeltaStatus::Pending | DeltaStatus::Judged(_)))
				.count();
			ensure!(content.open as usize == open, "a round's bytes count other open deltas");
		}
		for (id, job) in Jobs::<T>::iter() {
			let of_round = || Deltas::<T>::iter_prefix_values(id).filter(|d| d.round == job.round);
			let revealed = of_round()
				.filter(|d| matches!(d.status, DeltaStatus::Pending | DeltaStatus::Judged(_)))
				.count();
			let sealed = of_round()
				.filter(|d| {
					d.status == DeltaStatus::Sealed && d.commit_deadline == job.submit_until
				})
				.count();
			ensure!(job.sealed as usize == sealed, "a job's seals are miscounted");
			ensure!(
				job.open as usize == revealed.saturating_add(sealed),
				"a job's open deltas are miscounted"
			);
		}
		for (job, worker, dispute) in Disputes::<T>::iter() {
			ensure!(
				Deltas::<T>::get(job, worker)
					.is_some_and(|d| matches!(d.status, DeltaStatus::Judged(_))),
				"a dispute names no judged delta"
			);
			for (voter, _, vote) in &dispute.voters {
				if vote.is_some() {
					let d = duties.entry(voter.clone()).or_default();
					*d = d.saturating_add(1);
				}
			}
		}
		for (_, committee) in RoundCommittees::<T>::iter() {
			for member in &committee.members {
				let d = duties.entry(member.clone()).or_default();
				*d = d.saturating_add(1);
			}
		}
		for (worker, check) in HardwareChecks::<T>::iter() {
			ensure!(
				check.vote.voters.iter().all(|(m, _, _)| *m != worker),
				"a worker votes on its own hardware"
			);
			for (voter, _, vote) in &check.vote.voters {
				if vote.is_some() {
					let d = duties.entry(voter.clone()).or_default();
					*d = d.saturating_add(1);
				}
			}
		}
		ensure!(
			Duties::<T>::iter().all(|(who, d)| duties.get(&who).copied() == Some(d))
				&& duties.iter().all(|(who, d)| Duties::<T>::get(who) == *d),
			"duties are not the seats on unfinal deltas and open rounds and the votes of open set votes"
		);
		ensure!(
			OpenDeltas::<T>::iter().all(|(who, d)| open.get(&who).copied() == Some(d))
				&& open.iter().all(|(who, d)| OpenDeltas::<T>::get(who) == *d),
			"open deltas are not the workers' deltas not final"
		);
		let current = T::Emission::current_epoch();
		let mut sums: alloc::collections::BTreeMap<EpochIndex, Balance> = Default::default();
		for (_, activity) in Activity::<T>::iter() {
			let sum = sums.entry(activity.epoch).or_default();
			*sum = sum.saturating_add(activity.unadjusted);
		}
		for (epoch, info) in Epochs::<T>::iter() {
			if let Some(budget) = info.budget {
				ensure!(info.minted <= budget, "an epoch minted past its budget");
				ensure!(
					T::Emission::promised(epoch) == budget.saturating_sub(info.minted),
					"an epoch's promise is not its budget less what it minted"
				);
			} else {
				ensure!(epoch >= current, "a closed epoch has no budget");
			}
			// Records still in `Activity` are a lower bound of Σ (rolled
			// records have left).
			ensure!(
				sums.get(&epoch).copied().unwrap_or(0) <= info.unadjusted,
				"an epoch's Σ unadjusted is below its records"
			);
			if epoch == current {
				ensure!(
					sums.get(&epoch).copied().unwrap_or(0) == info.unadjusted,
					"the open epoch's Σ unadjusted is not the sum of its records"
				);
			}
		}
		ensure!(
			LastDifficulty::<T>::get() <= sp_runtime::FixedU128::from_u32(1),
			"the last difficulty is above 1"
		);
		// The priority ring: slots `0..count`, distinct customers' jobs.
		let count = PriorityJobCount::<T>::get();
		ensure!(count <= T::MaxPriorityJobs::get(), "the priority ring holds too many jobs");
		let mut ring: alloc::vec::Vec<JobId> = alloc::vec::Vec::new();
		for (slot, job) in PriorityJobs::<T>::iter() {
			ensure!(slot < count, "a priority slot is past the ring's count");
			ensure!(!ring.contains(&job), "a job is in the priority ring twice");
			let customer = match Jobs::<T>::get(job).map(|j| j.origin) {
				Some(JobOrigin::Customer(customer, _)) => customer,
				_ => return Err("the priority ring names no customer's job".into()),
			};
			ensure!(
				PriorityHolders::<T>::get(&customer) == Some(job),
				"a ring job's customer does not hold its slot"
			);
			ring.push(job);
		}
		ensure!(ring.len() as u64 == u64::from(count), "the priority ring misses a slot");
		ensure!(
			PriorityHolders::<T>::iter().count() as u64 == u64::from(count),
			"a priority holder without a ring slot"
		);
		for (job, _) in FinishedJobs::<T>::iter() {
			ensure!(Jobs::<T>::contains_key(job), "a finished job does not exist");
			ensure!(!JobEnds::<T>::contains_key(job), "a finished job has an end to reach");
		}
		// Each job's curve names completed rounds, oldest first.
		for (job_id, curve) in LossCurves::<T>::iter() {
			let round = Jobs::<T>::get(job_id).map_or(0, |j| j.round);
			ensure!(
				curve.windows(2).all(|w| matches!(w, [a, b] if a.round < b.round))
					&& curve.iter().all(|p| p.round < round),
				"a loss curve names a round not completed, or out of order"
			);
		}
		Ok(())
	}
}

impl<T: Config> StakeFloor<T::AccountId> for Pallet<T> {
	/// A registered worker keeps Bronze, a member of the orchestrator set the
	/// stake it joined with (less slashes); anyone keeps their pending slash.
	/// An orchestrator with a duty (a seat on a delta not final, a vote in an
	/// open dispute) keeps its whole stake, in the set or not: a member
	/// slashed out of the set cannot unstake before the disputes of its
	/// other verdicts are over. A worker with a delta not final keeps its
	/// whole stake, registered or not: the 5% of a rejection finds it.
	fn minimum_stake(who: &T::AccountId) -> Balance {
		if Duties::<T>::get(who) > 0 || OpenDeltas::<T>::get(who) > 0 {
			return T::Staking::stake_of(who);
		}
		let registered = if Workers::<T>::contains_key(who) { Tier::Bronze.minimum() } else { 0 };
		let orchestrating =
			Orchestrators::<T>::get().iter().find(|(m, _)| m == who).map_or(0, |(_, stake)| *stake);
		registered.max(orchestrating).max(PendingSlashes::<T>::get(who))
	}

	/// A duty, a delta not final, a pending slash or downtime owed holds
	/// every planck of the account, unbonding or not.
	fn holds_withdrawal(who: &T::AccountId) -> bool {
		Duties::<T>::get(who) > 0
			|| OpenDeltas::<T>::get(who) > 0
			|| PendingSlashes::<T>::get(who) > 0
			|| Self::downtime_owed(who) > 0
	}

	/// The invalid-delta slashes fixed and not charged, and what the
	/// downtime owed now would cost.
	fn pending_slash(who: &T::AccountId) -> Balance {
		PendingSlashes::<T>::get(who).saturating_add(Self::downtime_owed(who))
	}
}

impl<T: Config> MiningEarnings<T::AccountId> for Pallet<T> {
	fn earned_30d(who: &T::AccountId) -> Balance {
		Earned::<T>::get(who).map_or(0, |e| e.last_30_days(Self::now()))
	}

	fn network_earned_30d() -> Balance {
		NetworkEarned::<T>::get().last_30_days(Self::now())
	}
}

impl<T: Config> gym_primitives::prices::MiningOutlook for Pallet<T> {
	/// The blocks of the current epoch (every epoch is `EpochLength` long).
	fn epoch_blocks() -> BlockNumber {
		let epoch = T::Emission::current_epoch();
		T::Emission::epoch_end(epoch)
			.saturating_sub(T::Emission::epoch_start(epoch))
			.saturating_add(1)
	}

	/// [`LastDifficulty`]: that of the last closed epoch with rewards, 1
	/// before any.
	fn difficulty() -> sp_runtime::FixedU128 {
		LastDifficulty::<T>::get()
	}

	/// `1000 GYM × class multiplier`: quality 0, boost 1.0, full
	/// availability, the class verified.
	fn base_reward(class: GpuClass) -> Balance {
		mining::unadjusted_reward(
			0,
			sp_runtime::FixedU128::from_u32(1),
			class.multiplier(),
			Perbill::one(),
		)
	}
}

/// What the seating hook found at the priority ring's cursor.
enum RingLook {
	/// The ring's job has a free seat: seat a worker in it.
	Seat(JobId),
	/// The ring's job left the ring: the step is spent.
	Removed,
	/// The ring's job is full, or the ring has nothing to offer in this
	/// block: the step looks at the round-robin job.
	Pass,
}

/// The priority ring as the seating hook walks it in one block.
#[derive(Clone, Copy)]
struct Ring {
	/// The jobs in the ring ([`PriorityJobCount`]).
	count: u32,
	/// The slot looked at next ([`PriorityCursor`], modulo `count`).
	cursor: u32,
	/// The ring's jobs found full in a row in this block: a whole turn
	/// (`count`) ends the ring's part of the block.
	full: u32,
}
