//! The pallet's logic: calls' bodies, the epoch records, the queue, slashing,
//! the trait offered to `pallet-tiered-staking` and the runtime API's reads.

use super::*;
use frame_support::{
	ensure,
	pallet_prelude::{DispatchResult, Weight},
	traits::Get,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use gym_primitives::staking::Right;
use gym_primitives::{
	mining::{self, DeltaJudgement, Slot, SlotRange},
	staking::Tier,
	Balance, BlockNumber, HOURS,
};
use sp_core::H256;
use sp_runtime::{traits::Zero, DispatchError, Perbill, SaturatedConversion};

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

	/// Closes the previous epoch in the first block of a new one: fixes its
	/// budget, so that its difficulty is known. O(1).
	pub(crate) fn on_block(n: BlockNumberFor<T>) -> Weight {
		let n: BlockNumber = n.saturated_into();
		let epoch = T::Emission::epoch_of(n);
		let Some(closed) = epoch.checked_sub(1) else {
			return T::WeightInfo::on_initialize_idle();
		};
		if T::Emission::epoch_end(closed).saturating_add(1) != n {
			return T::WeightInfo::on_initialize_idle();
		}
		Epochs::<T>::mutate_exists(closed, |entry| {
			if let Some(info) = entry {
				let budget = T::Emission::remaining_budget(closed);
				info.budget = Some(budget);
				Self::deposit_event(Event::EpochClosed {
					epoch: closed,
					budget,
					unadjusted: info.unadjusted,
				});
				if info.unclaimed == 0 {
					// Every reward of the epoch fell back to zero.
					*entry = None;
				}
			}
		});
		T::WeightInfo::on_initialize_close()
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
		if worker.assignment.is_none() {
			if worker.waiting {
				Self::leave_queue(&mut worker);
			}
			Self::join_queue(who, &mut worker);
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
	pub(crate) fn deregister(who: &T::AccountId, reason: Deregistration) {
		let Some(mut worker) = Workers::<T>::take(who) else { return };
		Self::leave_queue(&mut worker);
		Self::leave_job(&mut worker);
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
		Jobs::<T>::insert(
			id,
			JobInfo {
				origin: origin.clone(),
				spec,
				round: spec.round,
				checkpoint: spec.base_checkpoint,
				workers: 0,
				accepted: 0,
				created_at: Self::now(),
			},
		);
		NextJobId::<T>::put(next);
		Self::deposit_event(Event::JobCreated { job: id, origin, spec });
		Ok(())
	}

	pub(crate) fn do_assign(job_id: JobId, who: &T::AccountId) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let mut worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		ensure!(worker.waiting, Error::<T>::NotWaiting);
		ensure!(worker.priority || Waiting::<T>::get().0 == 0, Error::<T>::PriorityWorkerWaiting);
		job.workers = job.workers.checked_add(1).ok_or(Error::<T>::ArithmeticOverflow)?;
		Self::leave_queue(&mut worker);
		worker.assignment = Some(job_id);
		Jobs::<T>::insert(job_id, job);
		Workers::<T>::insert(who, worker);
		Self::deposit_event(Event::JobAssigned { job: job_id, worker: who.clone() });
		Ok(())
	}

	pub(crate) fn do_verify_hardware(who: &T::AccountId, class: GpuClass) -> DispatchResult {
		let mut worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		worker.verified_class = Some(class);
		let mut activity = Self::roll_into_current_epoch(who);
		Self::refresh(who, &mut activity, Some(&worker));
		Activity::<T>::insert(who, activity);
		Workers::<T>::insert(who, worker);
		Self::deposit_event(Event::HardwareVerified { worker: who.clone(), class });
		Ok(())
	}

	pub(crate) fn do_submit_delta(
		who: &T::AccountId,
		job_id: JobId,
		hash: H256,
		claimed: Quality,
	) -> DispatchResult {
		let worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(worker.assignment == Some(job_id), Error::<T>::NotAssignedWorker);
		ensure!(claimed <= T::MaxQuality::get(), Error::<T>::ClaimedQualityTooHigh);
		if let Some(previous) = Deltas::<T>::get(job_id, who) {
			ensure!(previous.round != job.round, Error::<T>::DuplicateDelta);
		}
		Deltas::<T>::insert(
			job_id,
			who,
			DeltaRecord {
				round: job.round,
				hash,
				claimed,
				submitted_at: Self::now(),
				reports: BoundedVec::new(),
				status: DeltaStatus::Pending,
			},
		);
		Self::deposit_event(Event::DeltaSubmitted {
			job: job_id,
			worker: who.clone(),
			round: job.round,
			hash,
			claimed,
		});
		Ok(())
	}

	/// A validation report on `who`'s delta: recorded, and once the job's
	/// number of reports is in, the delta is judged and accepted or rejected.
	pub(crate) fn do_validate(
		orchestrator: &T::AccountId,
		job_id: JobId,
		who: &T::AccountId,
		hash: H256,
		report: ValidationReport,
	) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let mut delta = Self::record_report(orchestrator, &job, job_id, who, hash, report)?;
		if delta.reports.len() >= usize::from(job.spec.validations) {
			match Self::judge_delta(&job, &delta)? {
				Ok(quality) => Self::accept_delta(&mut job, job_id, who, &mut delta, quality),
				Err(why) => Self::reject_delta(&mut job, job_id, who, &mut delta, why),
			}
		}
		Deltas::<T>::insert(job_id, who, delta);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Checks `orchestrator`'s report on `who`'s pending delta of `job` and
	/// adds it to the delta's reports (emitting [`Event::DeltaValidated`]).
	/// Returns the delta with the report; the caller stores it.
	fn record_report(
		orchestrator: &T::AccountId,
		job: &JobInfo<T::AccountId>,
		job_id: JobId,
		who: &T::AccountId,
		hash: H256,
		report: ValidationReport,
	) -> Result<DeltaRecordOf<T>, DispatchError> {
		ensure!(orchestrator != who, Error::<T>::SelfValidation);
		let mut delta = Deltas::<T>::get(job_id, who).ok_or(Error::<T>::NoDelta)?;
		ensure!(delta.hash == hash, Error::<T>::DeltaHashMismatch);
		ensure!(delta.round == job.round, Error::<T>::StaleRound);
		ensure!(delta.status == DeltaStatus::Pending, Error::<T>::AlreadyJudged);
		ensure!(
			!delta.reports.iter().any(|(by, _)| by == orchestrator),
			Error::<T>::DuplicateReport
		);
		delta
			.reports
			.try_push((orchestrator.clone(), report))
			.map_err(|_| Error::<T>::AlreadyJudged)?;
		Self::deposit_event(Event::DeltaValidated {
			job: job_id,
			worker: who.clone(),
			orchestrator: orchestrator.clone(),
			report,
		});
		Ok(delta)
	}

	/// The verdict on a delta with all its reports: the validated quality,
	/// or why it is rejected (judged corrupt, or claimed more than the
	/// validated quality plus the tolerance). Reads and writes nothing.
	fn judge_delta(
		job: &JobInfo<T::AccountId>,
		delta: &DeltaRecordOf<T>,
	) -> Result<Result<Quality, Rejection>, DispatchError> {
		let reports: alloc::vec::Vec<ValidationReport> =
			delta.reports.iter().map(|(_, r)| *r).collect();
		let mut scratch = alloc::vec![0; reports.len()];
		let judgement = mining::judge(
			&reports,
			job.spec.variance_threshold,
			T::MaxQuality::get(),
			&mut scratch,
		)
		.ok_or(Error::<T>::NoDelta)?;
		Ok(match judgement {
			DeltaJudgement::Corrupt => Err(Rejection::Corrupt),
			DeltaJudgement::Quality(validated)
				if mining::overclaimed(delta.claimed, validated, T::QualityTolerance::get()) =>
			{
				Err(Rejection::Overclaimed { claimed: delta.claimed, validated })
			}
			DeltaJudgement::Quality(quality) => Ok(quality),
		})
	}

	/// Rejects `who`'s delta: fixes the 5% slash in [`PendingSlashes`] (as
	/// if slashed now, after the slashes already pending; `settle_slash`
	/// charges it) and returns the worker from the job to the queue.
	fn reject_delta(
		job: &mut JobInfo<T::AccountId>,
		job_id: JobId,
		who: &T::AccountId,
		delta: &mut DeltaRecordOf<T>,
		why: Rejection,
	) {
		delta.status = DeltaStatus::Rejected(why);
		let pending = PendingSlashes::<T>::get(who);
		let slash = mining::INVALID_DELTA_SLASH
			.mul_floor(T::Staking::stake_of(who).saturating_sub(pending));
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
		job.accepted = job.accepted.saturating_add(1);
		let worker = Workers::<T>::get(who);
		let mut activity = Self::roll_into_current_epoch(who);
		activity.quality = Some(activity.quality.map_or(quality, |q| q.max(quality)));
		Self::refresh(who, &mut activity, worker.as_ref());
		Activity::<T>::insert(who, activity);
		Self::deposit_event(Event::DeltaAccepted {
			job: job_id,
			worker: who.clone(),
			round: delta.round,
			quality,
		});
	}

	pub(crate) fn do_settle_slash(who: &T::AccountId) -> DispatchResult {
		let owed = PendingSlashes::<T>::take(who);
		ensure!(owed > 0, Error::<T>::NoPendingSlash);
		let amount = T::Staking::slash_amount(who, owed, SlashReason::InvalidDelta)?;
		Self::record_slash(who, SlashReason::InvalidDelta, 0, amount);
		Self::deregister_if_unstaked(who);
		if let Some(mut worker) = Workers::<T>::get(who).filter(|w| w.waiting) {
			// The queue class follows the stake that is left.
			Self::leave_queue(&mut worker);
			Self::join_queue(who, &mut worker);
			Workers::<T>::insert(who, worker);
		}
		Ok(())
	}

	pub(crate) fn do_complete_round(job_id: JobId, checkpoint: H256) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.accepted > 0, Error::<T>::NoAcceptedDelta);
		let round = job.round;
		job.round = round.checked_add(1).ok_or(Error::<T>::ArithmeticOverflow)?;
		job.checkpoint = checkpoint;
		job.accepted = 0;
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::RoundCompleted { job: job_id, round, checkpoint });
		Ok(())
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
			total = total.saturating_add(Self::pay(who, epoch, amount)?);
		}
		Self::deposit_event(Event::RewardsClaimed { worker: who.clone(), amount: total });
		Ok(())
	}

	pub(crate) fn do_report_downtime(who: &T::AccountId) -> DispatchResult {
		let mut worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let (hours, next) = Self::missed_hours(&worker, Self::slot_now());
		ensure!(hours > 0, Error::<T>::NoDowntime);
		worker.uncharged_from = next;
		Self::leave_queue(&mut worker);
		Workers::<T>::insert(who, worker);
		Self::slash(who, mining::downtime_slash(hours), SlashReason::Downtime, hours)?;
		Self::deregister_if_unstaked(who);
		Ok(())
	}

	pub(crate) fn do_report_malicious(who: &T::AccountId, evidence: H256) -> DispatchResult {
		ensure!(Workers::<T>::contains_key(who), Error::<T>::NotWorker);
		// The slash is the one step that can fail: it goes first, then the
		// report is recorded.
		Self::slash(who, mining::MALICIOUS_SLASH, SlashReason::Malicious, 0)?;
		Self::deposit_event(Event::MaliciousReported { worker: who.clone(), evidence });
		Self::deregister(who, Deregistration::Malicious);
		Ok(())
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
		Waiting::<T>::mutate(|(priority, normal)| {
			let count = if worker.priority { priority } else { normal };
			*count = count.saturating_add(1);
		});
	}

	/// Takes `worker` off the queue.
	fn leave_queue(worker: &mut WorkerInfo) {
		if !worker.waiting {
			return;
		}
		worker.waiting = false;
		Waiting::<T>::mutate(|(priority, normal)| {
			let count = if worker.priority { priority } else { normal };
			*count = count.saturating_sub(1);
		});
		worker.priority = false;
	}

	/// Takes `worker` off its job (read from storage).
	fn leave_job(worker: &mut WorkerInfo) {
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
		if !scheduled && Self::epoch_slots(activity.epoch).contains(slot) {
			activity.online = activity.online.saturating_add(1);
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
		T::Revenue::note_contribution(who, amount);
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
				let eligible = mining::unscheduled(
					Self::epoch_slots(activity.epoch),
					worker.and_then(|w| w.downtime),
				);
				mining::unadjusted_reward(
					quality,
					T::Staking::boost_of(who),
					mining::hardware_multiplier(worker.and_then(|w| w.verified_class)),
					mining::availability(activity.online, eligible),
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

	/// GYM `who` earned by mining over the last 30 days (governance weight).
	pub fn contribution_30d(who: &T::AccountId) -> Balance {
		Earned::<T>::get(who).map_or(0, |e| e.last_30_days(Self::now()))
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
			if worker.waiting {
				if worker.priority {
					priority = priority.saturating_add(1);
				} else {
					normal = normal.saturating_add(1);
				}
			}
		}
		ensure!(Waiting::<T>::get() == (priority, normal), "queue counters are off");
		ensure!(
			HardwareOwners::<T>::iter().all(|(_, who)| Workers::<T>::contains_key(who)),
			"a hardware hash names no worker"
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
		Ok(())
	}
}

impl<T: Config> StakeFloor<T::AccountId> for Pallet<T> {
	/// A registered worker keeps Bronze; anyone keeps their pending slash.
	fn minimum_stake(who: &T::AccountId) -> Balance {
		let registered = if Workers::<T>::contains_key(who) { Tier::Bronze.minimum() } else { 0 };
		registered.max(PendingSlashes::<T>::get(who))
	}
}
