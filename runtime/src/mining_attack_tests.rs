//! Attacks on compute mining, played against the composed runtime (dev
//! genesis, real pallet configuration, blocks with BABE pre-digests): each
//! test is one scenario of `docs/mining.md`'s threat model, with the numbers
//! asserted. An attacker here has many accounts, plenty of GYM and good
//! timing, and less than a third of the orchestrators' stake.

use crate::{
	genesis_config_presets::tests::build,
	test_chain::{next_block, run_to_block},
	tests::check_invariants,
	AccountId, Balances, Runtime, RuntimeEvent, RuntimeOrigin, System, TieredStaking, GYM,
};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use gym_primitives::{
	mining::{DeltaVerdict, GpuClass, TrainingParams, ValidationReport, MICRO},
	staking::Tier,
};
use pallet_compute_mining::{
	delta_seal, report_commitment, DeltaStatus, Deltas, Error, Event, JobId, JobSpec, NextJobId,
	Rejection, Verdict, Workers,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring;

pub(crate) type Mining = pallet_compute_mining::Pallet<Runtime>;

pub(crate) fn account(n: u32) -> AccountId {
	let mut raw = [0u8; 32];
	raw[..4].copy_from_slice(&n.to_le_bytes());
	raw[31] = 0x42;
	AccountId::from(raw)
}

pub(crate) fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

pub(crate) fn balance(who: &AccountId) -> u128 {
	<Balances as Inspect<AccountId>>::balance(who)
}

fn staked(who: &AccountId) -> u128 {
	<TieredStaking as gym_primitives::traits::StakeTiers<AccountId>>::stake_of(who)
}

/// What a slash of `who` reaches: its stake and its unbonding GYM.
fn slashable(who: &AccountId) -> u128 {
	<TieredStaking as gym_primitives::traits::StakeTiers<AccountId>>::slashable_of(who)
}

/// Sends `amount` from Alice's genesis endowment to `who`.
pub(crate) fn fund(who: &AccountId, amount: u128) {
	let alice = Sr25519Keyring::Alice.to_account_id();
	assert_ok!(Balances::transfer_keep_alive(signed(&alice), who.clone().into(), amount));
}

/// A funded account that stakes `tier` (and 100 GYM for fees).
pub(crate) fn staker(n: u32, tier: Tier) -> AccountId {
	let who = account(n);
	fund(&who, tier.minimum() + 100 * GYM);
	assert_ok!(TieredStaking::stake(signed(&who), tier.minimum()));
	who
}

/// A Gold staker in the orchestrator set.
fn orchestrator(n: u32) -> AccountId {
	let who = staker(n, Tier::Gold);
	assert_ok!(Mining::join_orchestrators(signed(&who)));
	who
}

/// A Bronze worker claiming `class`, its hardware hash derived from `n`.
pub(crate) fn worker(n: u32, class: GpuClass) -> AccountId {
	tiered_worker(n, Tier::Bronze, class)
}

/// A worker staked at `tier` claiming `class`, its hardware hash derived
/// from `n`.
fn tiered_worker(n: u32, tier: Tier, class: GpuClass) -> AccountId {
	let who = staker(n, tier);
	assert_ok!(Mining::register_worker(
		signed(&who),
		H256::from_low_u64_be(u64::from(n)),
		class,
		H256::repeat_byte(7),
		b"http://attacker.example:9944".to_vec()
	));
	who
}

pub(crate) fn spec(validations: u8) -> JobSpec {
	JobSpec {
		model: 0,
		dataset: 0,
		validation_set: 1,
		base_checkpoint: H256::repeat_byte(1),
		round: 0,
		params: TrainingParams {
			steps: 100,
			batch_size: 32,
			learning_rate: 10_000,
			weight_decay: 100,
			seed: 7,
		},
		validations,
		variance_threshold: MICRO,
	}
}

/// A governance job asking `validations` reports per delta.
fn governance_job(validations: u8) -> JobId {
	let id = NextJobId::<Runtime>::get();
	assert_ok!(Mining::create_job(RuntimeOrigin::root(), spec(validations)));
	id
}

/// Produces blocks until the chain's hook has seated every one of
/// `workers` (nobody picks a job), and checks that they sit in `job`.
pub(crate) fn seated(job: JobId, workers: &[AccountId]) {
	let assignment = |w: &AccountId| Workers::<Runtime>::get(w).and_then(|w| w.assignment);
	for _ in 0..8 {
		if workers.iter().all(|w| assignment(w).is_some()) {
			break;
		}
		next_block();
	}
	for w in workers {
		assert_eq!(assignment(w), Some(job), "the chain seated every worker in the job");
	}
}

/// Seals each `(worker, hash, claimed)` delta for `job`'s open round now,
/// plays the round's submission window out, reveals every delta in the
/// first block after it, and produces the block that draws their
/// committees.
pub(crate) fn submitted(job: JobId, deltas: &[(AccountId, H256, u32)]) {
	let round = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().round;
	for (w, hash, claimed) in deltas {
		let seal = delta_seal(hash, w, job, round);
		assert_ok!(Mining::submit_delta(signed(w), job, seal, *claimed));
	}
	let until = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().submit_until;
	run_to_block(until + 1);
	for (w, hash, _) in deltas {
		assert_ok!(Mining::reveal_delta(signed(w), job, *hash));
	}
	// Nothing is drawn in the block of the reveal...
	assert!(deltas.iter().all(|(w, _, _)| committee(job, w).is_empty()));
	next_block();
}

fn committee(job: JobId, who: &AccountId) -> Vec<AccountId> {
	Deltas::<Runtime>::get(job, who).expect("a delta").committee.into_inner()
}

fn salt(who: &AccountId) -> H256 {
	<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(who.as_ref())
}

fn commit(by: &AccountId, job: JobId, who: &AccountId, report: &ValidationReport) {
	let commitment = report_commitment(report, &salt(by), by);
	assert_ok!(Mining::commit_report(signed(by), job, who.clone(), commitment));
}

fn reveal(by: &AccountId, job: JobId, who: &AccountId, report: ValidationReport) {
	assert_ok!(Mining::reveal_report(signed(by), job, who.clone(), report, salt(by)));
}

/// A report of a delta that trained nothing useful but claims the best:
/// loss down by 0.2 (quality 2.0 with the bonuses).
fn glowing() -> ValidationReport {
	ValidationReport {
		verdict: DeltaVerdict::Valid,
		loss_before: 3 * MICRO,
		loss_after: 3 * MICRO - 200_000,
		val_loss_before: 3 * MICRO,
		val_loss_after: 3 * MICRO - 1,
		grad_variance: 0,
		sketch: Default::default(),
	}
}

/// What an honest member reports for a delta nobody serves.
fn unavailable() -> ValidationReport {
	ValidationReport { verdict: DeltaVerdict::HashMismatch, ..Default::default() }
}

fn honest_report() -> ValidationReport {
	ValidationReport {
		verdict: DeltaVerdict::Valid,
		loss_before: 3 * MICRO,
		loss_after: 3 * MICRO - 10_000,
		val_loss_before: 3 * MICRO,
		val_loss_after: 3 * MICRO,
		grad_variance: 2 * MICRO,
		sketch: Default::default(),
	}
}

/// Runs past the dispute window of `who`'s judged delta and finalises it.
pub(crate) fn finalise(job: JobId, who: &AccountId) {
	let deadline = Deltas::<Runtime>::get(job, who).unwrap().dispute_deadline;
	if System::block_number() <= deadline {
		run_to_block(deadline + 1);
	}
	assert_ok!(Mining::finalise_delta(signed(who), job, who.clone()));
}

fn mining_events() -> Vec<Event<Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::ComputeMining(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Scenario 5 of the issue, and the free jobs of scenario 1: a job nobody
/// can finish, or that cannot train, is refused with a named error and
/// changes nothing; every job not from governance is paid for.
#[test]
fn junk_jobs_are_refused_and_no_job_is_free() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let attacker = orchestrator(1);
		let junk = |f: &dyn Fn(&mut JobSpec), e: Error<Runtime>| {
			let mut s = spec(3);
			f(&mut s);
			assert_noop!(Mining::create_job(signed(&attacker), s), e);
		};
		junk(
			&|s| {
				s.params.steps = 4_000_000_000;
				s.params.batch_size = 1_000_000
			},
			Error::TooManySteps,
		);
		junk(&|s| s.params.batch_size = 1_000_000, Error::BatchTooLarge);
		junk(&|s| s.params.learning_rate = 0, Error::BadLearningRate);
		junk(&|s| s.model = gym_primitives::mining::TRAINABLE_MODELS, Error::UnknownModel);
		junk(&|s| s.validations = 0, Error::BadJobSpec);
		// A Gold orchestrator pays for its own job like any customer.
		let (pot, before) = (pallet_revenue_split::Pot::<Runtime>::get(), balance(&attacker));
		assert_ok!(Mining::create_job(signed(&attacker), spec(3)));
		assert_eq!(before - balance(&attacker), 100 * GYM);
		// Into the revenue split (less the deposit that opens its account).
		let booked = pallet_revenue_split::Pot::<Runtime>::get() - pot;
		assert_eq!(booked, 100 * GYM - crate::EXISTENTIAL_DEPOSIT);
		check_invariants();
	});
}

/// Steering work: a farm pays for its own job and registers four Bronze
/// workers, in the same block as four honest Silver workers, hoping to
/// train its job with its own workers only. No call assigns work any more;
/// the chain's hook seats everyone in the next block: the Silver workers
/// first, jobs in turn. The farm's job trains with two honest workers and
/// two of its own, and its other two sit in the governance job.
#[test]
fn a_farm_cannot_choose_its_job_or_its_workers() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let network = governance_job(1);
		let farmer = staker(1, Tier::Bronze);
		fund(&farmer, 1_000 * GYM);
		let farm_job = NextJobId::<Runtime>::get();
		assert_ok!(Mining::create_job(signed(&farmer), spec(1)));
		let farm: Vec<AccountId> = (100..104).map(|n| worker(n, GpuClass::Other)).collect();
		let honest: Vec<AccountId> = (200..204)
			.map(|n| {
				let who = staker(n, Tier::Silver);
				assert_ok!(Mining::register_worker(
					signed(&who),
					H256::from_low_u64_be(u64::from(n)),
					GpuClass::Other,
					H256::repeat_byte(7),
					b"http://honest.example:9944".to_vec()
				));
				who
			})
			.collect();
		assert_eq!(pallet_compute_mining::Waiting::<Runtime>::get(), (4, 4));
		next_block();
		let seated: Vec<(JobId, AccountId)> = mining_events()
			.into_iter()
			.filter_map(|e| match e {
				Event::JobAssigned { job, worker } => Some((job, worker)),
				_ => None,
			})
			.collect();
		assert_eq!(seated.len(), 8);
		assert!(seated[..4].iter().all(|(_, w)| honest.contains(w)), "Silver first");
		let jobs: Vec<JobId> = seated.iter().map(|(j, _)| *j).collect();
		assert_eq!(jobs, [network, farm_job].repeat(4));
		let in_job = |job: JobId, of: &[AccountId]| {
			seated.iter().filter(|(j, w)| *j == job && of.contains(w)).count()
		};
		assert_eq!((in_job(farm_job, &farm), in_job(farm_job, &honest)), (2, 2));
		assert_eq!((in_job(network, &farm), in_job(network, &honest)), (2, 2));
		assert_eq!(pallet_compute_mining::Waiting::<Runtime>::get(), (0, 0));
		check_invariants();
	});
}

/// Scenario 1, the self-dealing farm, with 3 of 10 orchestrators' stake,
/// and the committee capture it leads to. Its Gold accounts may judge only
/// the deltas whose committee the chain drew them on, from randomness of the
/// block after the submission. Over 60 fake deltas of its own workers, its
/// seats follow its 30% of the stake; where it holds no majority the
/// committee rejects the delta. Where it does (the committee is captured),
/// an honest orchestrator disputes, the whole set votes by stake, and the
/// false acceptance is overturned: every fake delta ends rejected, its
/// worker owes 5%, and each attacker on a captured committee loses 5% of its
/// stake per lie and is suspended. The farm earns nothing.
#[test]
fn a_self_dealing_farm_is_rejected_and_its_captured_committees_overturned() {
	const DELTAS: u32 = 60;
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		pallet_compute_mining::MinValidations::<Runtime>::put(3);
		let attackers: Vec<AccountId> = (1..=3).map(orchestrator).collect();
		let honest: Vec<AccountId> = (11..=17).map(orchestrator).collect();
		let job = governance_job(3);
		let workers: Vec<AccountId> =
			(100..100 + DELTAS).map(|n| worker(n, GpuClass::H100)).collect();
		// The chain seats them (the farm cannot pick its job, only wait).
		seated(job, &workers);
		let fakes: Vec<_> =
			workers.iter().map(|w| (w.clone(), H256::repeat_byte(9), 2_000_000)).collect();
		submitted(job, &fakes);
		let (mut seats, mut captured) = (0u32, Vec::new());
		for w in &workers {
			let members = committee(job, w);
			assert_eq!(members.len(), 3);
			let mine = members.iter().filter(|m| attackers.contains(m)).count() as u32;
			seats += mine;
			// An attacker off the committee cannot report.
			for a in attackers.iter().filter(|a| !members.contains(a)) {
				assert_noop!(
					Mining::commit_report(signed(a), job, w.clone(), H256::zero()),
					Error::<Runtime>::NotInCommittee
				);
			}
			for m in &members {
				let report = if attackers.contains(m) { glowing() } else { unavailable() };
				commit(m, job, w, &report);
			}
			for m in &members {
				let report = if attackers.contains(m) { glowing() } else { unavailable() };
				reveal(m, job, w, report);
			}
			let status = Deltas::<Runtime>::get(job, w).unwrap().status;
			if mine >= 2 {
				assert!(matches!(status, DeltaStatus::Judged(Verdict::Accept(_))), "{status:?}");
				captured.push((w.clone(), members));
			} else {
				assert_eq!(status, DeltaStatus::Judged(Verdict::Reject(Rejection::Corrupt)));
			}
		}
		// 30% of 180 seats is 54; a majority of 3 seats drawn from 3 of 10
		// equal stakes has probability 22/120 = 18.3%, 11 of 60.
		println!(
			"attacker seats {seats} of {}, captured {} of {DELTAS}",
			DELTAS * 3,
			captured.len()
		);
		assert!((36..=72).contains(&seats), "{seats} seats");
		assert!((3..=20).contains(&captured.len()), "{} captured", captured.len());
		// Every captured judgement is disputed within its window, by an
		// honest member of its committee or, for a committee of attackers
		// only, by any honest orchestrator checking judgements.
		let stake0 = staked(&attackers[0]);
		let mut expected: Vec<u128> = attackers.iter().map(staked).collect();
		for (round, (w, members)) in captured.iter().enumerate() {
			let disputer =
				members.iter().find(|m| honest.contains(m)).unwrap_or(&honest[0]).clone();
			assert_ok!(Mining::dispute_delta(signed(&disputer), job, w.clone(), unavailable()));
			let voters = pallet_compute_mining::Disputes::<Runtime>::get(job, w).unwrap().voters;
			// The first dispute's snapshot holds the whole set; later ones
			// no longer hold the attackers, suspended (and below Gold).
			let in_snapshot = |a: &AccountId| voters.iter().any(|(v, _, _)| v == a);
			assert_eq!(attackers.iter().all(in_snapshot), round == 0);
			for (voter, _, vote) in voters.iter() {
				if vote.is_none() {
					let report = if attackers.contains(voter) { glowing() } else { unavailable() };
					assert_ok!(Mining::vote_dispute(signed(voter), job, w.clone(), report));
				}
			}
			assert!(mining_events().contains(&Event::DisputeResolved {
				job,
				worker: w.clone(),
				overturned: true,
				verdict: Verdict::Reject(Rejection::Corrupt),
				losers: attackers.iter().filter(|a| members.contains(a) || in_snapshot(a)).count()
					as u32,
			}));
			for (a, stake) in attackers.iter().zip(expected.iter_mut()) {
				if members.contains(a) || in_snapshot(a) {
					*stake -= *stake / 20;
				}
			}
		}
		for (a, stake) in attackers.iter().zip(&expected) {
			println!("attacker lost {} GYM", (stake0 - stake) / GYM);
			assert_eq!(staked(a), *stake);
			assert!(pallet_compute_mining::Suspended::<Runtime>::get(a).is_some());
			// Out of the set, but still seated on judgements not final: it
			// cannot take its stake away before they are.
			assert!(pallet_compute_mining::Duties::<Runtime>::get(a) > 0);
			assert!(TieredStaking::unstake(signed(a), GYM).is_err(), "its stake is held");
		}
		assert!(
			expected.iter().all(|s| *s <= stake0 - stake0 / 20),
			"each lost at least 2,500 GYM"
		);
		// The committees' honest rejections become final after the window,
		// and so do the overturned ones whose resolution waited for the
		// sketches of the deltas sealed with them.
		for w in &workers {
			if matches!(Deltas::<Runtime>::get(job, w).unwrap().status, DeltaStatus::Judged(_)) {
				finalise(job, w);
			}
		}
		for w in &workers {
			assert_eq!(
				Deltas::<Runtime>::get(job, w).unwrap().status,
				DeltaStatus::Rejected(Rejection::Corrupt)
			);
			assert_eq!(
				pallet_compute_mining::PendingSlashes::<Runtime>::get(w),
				Tier::Bronze.minimum() / 20
			);
			assert_eq!(pallet_compute_mining::Activity::<Runtime>::get(w).unwrap().quality, None);
		}
		assert!(honest.iter().all(|h| staked(h) == Tier::Gold.minimum()), "no honest slash");
		assert!(honest.iter().all(|h| pallet_compute_mining::Duties::<Runtime>::get(h) == 0));
		let rejected =
			mining_events().iter().filter(|e| matches!(e, Event::DeltaRejected { .. })).count()
				as u32;
		assert_eq!(rejected, DELTAS);
		check_invariants();
	});
}

/// Griefing an honest miner with a false dispute: the set upholds the
/// committee's acceptance, the miner is paid as judged, and the disputer
/// loses 5% of its stake (2,500 GYM) and its seat for a week.
#[test]
fn a_false_dispute_cannot_grief_an_honest_miner() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		pallet_compute_mining::MinValidations::<Runtime>::put(3);
		let attacker = orchestrator(1);
		let honest: Vec<AccountId> = (11..=13).map(orchestrator).collect();
		let job = governance_job(3);
		let w = worker(100, GpuClass::Other);
		seated(job, std::slice::from_ref(&w));
		submitted(job, &[(w.clone(), H256::repeat_byte(9), 0)]);
		let members = committee(job, &w);
		let report = |m: &AccountId| if *m == attacker { unavailable() } else { honest_report() };
		for m in &members {
			commit(m, job, &w, &report(m));
		}
		for m in &members {
			reveal(m, job, &w, report(m));
		}
		let DeltaStatus::Judged(verdict @ Verdict::Accept(quality)) =
			Deltas::<Runtime>::get(job, &w).unwrap().status
		else {
			panic!("the honest majority accepts");
		};
		let (stake, treasury) =
			(staked(&attacker), balance(&crate::configs::TreasuryAccount::get()));
		assert_ok!(Mining::dispute_delta(signed(&attacker), job, w.clone(), unavailable()));
		for h in &honest {
			assert_ok!(Mining::vote_dispute(signed(h), job, w.clone(), honest_report()));
		}
		assert!(mining_events().contains(&Event::DisputeResolved {
			job,
			worker: w.clone(),
			overturned: false,
			verdict,
			losers: 1,
		}));
		assert_eq!(stake - staked(&attacker), 2_500 * GYM, "5% of 50,000 GYM");
		assert_eq!(balance(&crate::configs::TreasuryAccount::get()), treasury + 2_500 * GYM);
		// Resolved within the round's reveal window: final once it is over.
		assert_eq!(Deltas::<Runtime>::get(job, &w).unwrap().status, DeltaStatus::Judged(verdict));
		let round = Deltas::<Runtime>::get(job, &w).unwrap().round;
		let reveals = pallet_compute_mining::RoundSketches::<Runtime>::get((job, round))
			.unwrap()
			.reveals_until;
		let suspended_at = System::block_number();
		run_to_block(reveals + 1);
		assert_ok!(Mining::finalise_delta(signed(&w), job, w.clone()));
		assert_eq!(Deltas::<Runtime>::get(job, &w).unwrap().status, DeltaStatus::Accepted(quality));
		assert_eq!(pallet_compute_mining::PendingSlashes::<Runtime>::get(&w), 0);
		assert!(pallet_compute_mining::Activity::<Runtime>::get(&w).unwrap().quality.is_some());
		// Suspended for a week: it cannot dispute again, nor re-join.
		let until = pallet_compute_mining::Suspended::<Runtime>::get(&attacker).unwrap();
		assert_eq!(until, suspended_at + 7 * gym_primitives::DAYS);
		check_invariants();
	});
}

/// Scenario 2, the round hijack: after an accepted delta, an attacker calls
/// `complete_round` with a garbage checkpoint. Off the round's committee it
/// is refused; on it, one vote of three carries nothing, the two honest
/// members' checkpoint completes the round, and the attacker loses 5% of its
/// stake (and, below Gold, its seat in the set). A late vote cannot touch
/// the next round.
#[test]
fn a_round_cannot_be_hijacked() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		pallet_compute_mining::MinValidations::<Runtime>::put(3);
		let attacker = orchestrator(1);
		let outsider = staker(2, Tier::Gold);
		let honest: Vec<AccountId> = (11..=12).map(orchestrator).collect();
		let job = governance_job(3);
		let w = worker(100, GpuClass::Other);
		seated(job, std::slice::from_ref(&w));
		submitted(job, &[(w.clone(), H256::repeat_byte(9), 0)]);
		let members = committee(job, &w);
		assert_eq!(members.len(), 3, "the whole set of three");
		for m in &members {
			commit(m, job, &w, &honest_report());
		}
		for m in &members {
			reveal(m, job, &w, honest_report());
		}
		finalise(job, &w);
		assert!(matches!(
			Deltas::<Runtime>::get(job, &w).unwrap().status,
			DeltaStatus::Accepted(_)
		));
		let garbage = H256::repeat_byte(0xee);
		let real = H256::repeat_byte(0xaa);
		assert_noop!(
			Mining::complete_round(signed(&outsider), job, 0, 1, garbage),
			Error::<Runtime>::NotInCommittee
		);
		let stake = staked(&attacker);
		assert_ok!(Mining::complete_round(signed(&attacker), job, 0, 1, garbage));
		assert_eq!(pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().round, 0);
		assert_ok!(Mining::complete_round(signed(&honest[0]), job, 0, 1, real));
		assert_eq!(pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().round, 0);
		assert_ok!(Mining::complete_round(signed(&honest[1]), job, 0, 1, real));
		let info = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap();
		assert_eq!((info.round, info.checkpoint), (1, real));
		assert_eq!(staked(&attacker), stake - stake / 20, "5% of 50,000 GYM");
		assert!(!pallet_compute_mining::Orchestrators::<Runtime>::get()
			.iter()
			.any(|(m, _)| *m == attacker));
		assert_noop!(
			Mining::complete_round(signed(&honest[0]), job, 0, 0, garbage),
			Error::<Runtime>::WrongRound
		);
		check_invariants();
	});
}

/// Escaping a committee seat: an orchestrator drawn for a delta it does not
/// mean to judge cannot leave the set or unstake the stake it joined with,
/// and when it lets the deadline pass it is charged like an hour of
/// downtime, 50 GYM of 50,000, into the treasury. A copied commitment does
/// not reveal.
#[test]
fn a_committee_seat_cannot_be_escaped() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let shirker = orchestrator(1);
		let honest = orchestrator(2);
		let job = governance_job(1);
		let w = worker(100, GpuClass::Other);
		seated(job, std::slice::from_ref(&w));
		// Draw until the shirker holds the one seat.
		let mut rounds = 0;
		loop {
			submitted(job, &[(w.clone(), H256::repeat_byte(9), 0)]);
			rounds += 1;
			if committee(job, &w) == vec![shirker.clone()] {
				break;
			}
			commit(&honest, job, &w, &honest_report());
			next_block();
			reveal(&honest, job, &w, honest_report());
			finalise(job, &w);
			assert_ok!(Mining::complete_round(
				signed(&honest),
				job,
				rounds - 1,
				1,
				H256::repeat_byte(rounds as u8)
			));
			assert!(rounds < 20, "the draw never seated the shirker");
		}
		assert_noop!(
			Mining::leave_orchestrators(signed(&shirker)),
			Error::<Runtime>::OrchestratorOnDuty
		);
		assert!(TieredStaking::unstake(signed(&shirker), GYM).is_err(), "its stake is held");
		// Copying the honest member's commitment buys nothing: it binds the member.
		assert_noop!(
			Mining::commit_report(signed(&honest), job, w.clone(), H256::zero()),
			Error::<Runtime>::NotInCommittee
		);
		let copied = report_commitment(&honest_report(), &salt(&honest), &honest);
		assert_ok!(Mining::commit_report(signed(&shirker), job, w.clone(), copied));
		assert_noop!(
			Mining::reveal_report(signed(&shirker), job, w.clone(), honest_report(), salt(&honest)),
			Error::<Runtime>::BadReveal
		);
		let deadline = Deltas::<Runtime>::get(job, &w).unwrap().reveal_deadline;
		run_to_block(deadline + 1);
		let (stake, treasury) =
			(staked(&shirker), balance(&crate::configs::TreasuryAccount::get()));
		assert_ok!(Mining::close_delta(signed(&honest), job, w.clone()));
		assert_eq!(stake - staked(&shirker), 50 * GYM, "0.1% of 50,000 GYM");
		assert_eq!(balance(&crate::configs::TreasuryAccount::get()), treasury + 50 * GYM);
		assert!(mining_events().contains(&Event::DeltaNoQuorum {
			job,
			worker: w.clone(),
			round: rounds - 1,
			revealed: 0
		}));
		// Below Gold now: out of the set, free to go.
		assert!(!pallet_compute_mining::Orchestrators::<Runtime>::get()
			.iter()
			.any(|(m, _)| *m == shirker));
		check_invariants();
	});
}

/// Scenario 3, the delta copy. An honest worker seals its delta. A copier
/// cannot use its seal (it binds the honest worker: no hash opens it for the
/// copier) and cannot have the bytes before the submission window ends
/// (`gym-node` serves them only after it). A colluder that has the bytes
/// anyway (the attacker trained once and seals the same bytes with two
/// workers) is judged on them, and rejected as a copy when final: 5% of its
/// 1,000 GYM, nothing paid. The first sealer is paid.
#[test]
fn a_copied_delta_is_paid_nothing_and_its_original_is_paid() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		for n in 11..=13 {
			orchestrator(n);
		}
		let job = governance_job(1);
		let honest = worker(100, GpuClass::Other);
		let (copier, colluder) = (worker(101, GpuClass::Other), worker(102, GpuClass::Other));
		seated(job, &[honest.clone(), copier.clone(), colluder.clone()]);
		let bytes = H256::repeat_byte(0x42);
		let seal = delta_seal(&bytes, &honest, job, 0);
		assert_ok!(Mining::submit_delta(signed(&honest), job, seal, 0));
		// The copier seals the honest seal as its own.
		assert_ok!(Mining::submit_delta(signed(&copier), job, seal, 0));
		next_block();
		assert_ok!(Mining::submit_delta(
			signed(&colluder),
			job,
			delta_seal(&bytes, &colluder, job, 0),
			0
		));
		let until = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().submit_until;
		run_to_block(until + 1);
		for hash in [bytes, seal] {
			assert_noop!(
				Mining::reveal_delta(signed(&copier), job, hash),
				Error::<Runtime>::BadSeal
			);
		}
		assert_ok!(Mining::reveal_delta(signed(&colluder), job, bytes));
		assert_ok!(Mining::reveal_delta(signed(&honest), job, bytes));
		next_block();
		for w in [&honest, &colluder] {
			let members = committee(job, w);
			commit(&members[0], job, w, &honest_report());
			reveal(&members[0], job, w, honest_report());
		}
		let stake = staked(&colluder);
		finalise(job, &colluder);
		finalise(job, &honest);
		assert_eq!(
			Deltas::<Runtime>::get(job, &colluder).unwrap().status,
			DeltaStatus::Rejected(Rejection::Copy)
		);
		assert!(mining_events().iter().any(|e| matches!(
			e,
			Event::DeltaCopied { worker, original, .. } if *worker == colluder && *original == honest
		)));
		assert_eq!(pallet_compute_mining::PendingSlashes::<Runtime>::get(&colluder), 50 * GYM);
		assert_eq!(stake, 1_000 * GYM);
		assert!(matches!(
			Deltas::<Runtime>::get(job, &honest).unwrap().status,
			DeltaStatus::Accepted(q) if q > 0
		));
		// The epoch's reward uses the best accepted quality of the worker.
		let quality = |w: &AccountId| {
			pallet_compute_mining::Activity::<Runtime>::get(w).and_then(|a| a.quality)
		};
		assert!(quality(&honest).is_some_and(|q| q > 0), "the first sealer is paid");
		assert_eq!(quality(&colluder), None, "the copy earns nothing");
		// The copier's seal is dropped unrevealed: nothing paid or slashed.
		let deadline = Deltas::<Runtime>::get(job, &copier).unwrap().reveal_deadline;
		run_to_block(deadline + 1);
		assert_ok!(Mining::close_delta(signed(&honest), job, copier.clone()));
		assert!(Deltas::<Runtime>::get(job, &copier).is_none());
		assert_eq!(pallet_compute_mining::PendingSlashes::<Runtime>::get(&copier), 0);
		check_invariants();
	});
}

/// On the local chain (600-block epochs, 3 reports a delta): three
/// orchestrators join the set, and governance creates a job asking 3
/// validations a delta.
pub(crate) fn local_job() -> JobId {
	run_to_block(1);
	assert_eq!(pallet_gym_emission::EpochLength::<Runtime>::get(), 600);
	for n in 11..=13 {
		orchestrator(n);
	}
	governance_job(3)
}

/// Produces blocks up to `to`; each of `online` sends its heartbeat in the
/// first block of every heartbeat slot (a minute, 10 blocks).
fn online_until(to: u32, online: &[AccountId]) {
	while System::block_number() < to {
		next_block();
		let now = System::block_number();
		if (now - 1).is_multiple_of(gym_primitives::MINUTES) {
			for w in online {
				assert_ok!(Mining::heartbeat(signed(w)));
			}
		}
	}
}

/// What a committee measures for a delta that trained nothing (all zero,
/// or noise that cancels out): the training loss did not fall. The gradient
/// variance is low and the validation loss one millionth better, the two
/// bonuses the lazy miner hopes to collect.
fn no_gain() -> ValidationReport {
	gain_of(0)
}

/// A report whose training loss fell by `gain` millionths (with the two
/// bonuses' conditions met, as in [`no_gain`]).
fn gain_of(gain: u64) -> ValidationReport {
	ValidationReport {
		verdict: DeltaVerdict::Valid,
		loss_before: 3 * MICRO,
		loss_after: 3 * MICRO - gain,
		val_loss_before: 3 * MICRO,
		val_loss_after: 3 * MICRO - 1,
		grad_variance: 0,
		sketch: Default::default(),
	}
}

/// The lazy miner, on the local chain (600-block epochs of 60 one-minute
/// slots, 3 reports a delta): a seated worker seals a delta that trains
/// nothing, online in every slot of the epoch, next to an honest worker
/// whose delta lowers the loss by 0.01. Honest committees report what
/// they measure: no training-loss gain for the lazy delta, so no bonus
/// either (quality 0), and it is rejected as `NoGain` when final. It earns
/// 0 GYM and is not slashed (its 1,000 GYM intact, nothing pending), but it
/// goes back to the queue (a seat is not held for free by sealing empty
/// deltas), and its delta does not join the round's aggregate. The
/// honest worker is paid 1000 × 1.1 (quality 0.1) × 1.0 (Bronze) × 1.0
/// (unverified) × 60/60 = 1,100 GYM, the epoch's whole Σ (difficulty 1).
/// A third worker nudges the weights by noise that happens to lower the
/// training loss by a hair, 0.004999 (under `MIN_LOSS_GAIN`): it is treated
/// as the lazy one.
#[test]
fn a_miner_that_trains_nothing_is_paid_nothing() {
	build(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let job = local_job();
		let lazy = worker(100, GpuClass::Other);
		let honest = worker(101, GpuClass::Other);
		let nudger = worker(102, GpuClass::Other);
		let workers = [lazy.clone(), honest.clone(), nudger.clone()];
		seated(job, &workers);
		let stake = staked(&lazy);
		assert_eq!(stake, 1_000 * GYM);
		// All seal in the round's window and reveal after it.
		let deltas = [
			(&lazy, H256::repeat_byte(0)),
			(&honest, H256::repeat_byte(1)),
			(&nudger, H256::repeat_byte(2)),
		];
		for (w, hash) in deltas {
			assert_ok!(Mining::submit_delta(signed(w), job, delta_seal(&hash, w, job, 0), 0));
		}
		let until = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().submit_until;
		online_until(until + 1, &workers);
		for (w, hash) in deltas {
			assert_ok!(Mining::reveal_delta(signed(w), job, hash));
		}
		online_until(System::block_number() + 1, &workers);
		let members = committee(job, &lazy);
		assert_eq!(members.len(), 3);
		for m in &members {
			commit(m, job, &lazy, &no_gain());
		}
		for m in &members {
			reveal(m, job, &lazy, no_gain());
		}
		let hair = gym_primitives::mining::MIN_LOSS_GAIN - 1;
		let members = committee(job, &nudger);
		for m in &members {
			commit(m, job, &nudger, &gain_of(hair));
		}
		for m in &members {
			reveal(m, job, &nudger, gain_of(hair));
		}
		judged_honestly(job, &honest);
		assert_eq!(
			Deltas::<Runtime>::get(job, &lazy).unwrap().status,
			DeltaStatus::Judged(Verdict::Accept(0))
		);
		let deadline = |w: &AccountId| Deltas::<Runtime>::get(job, w).unwrap().dispute_deadline;
		online_until(deadline(&lazy).max(deadline(&honest)).max(deadline(&nudger)) + 1, &workers);
		finalise(job, &lazy);
		finalise(job, &honest);
		finalise(job, &nudger);
		let status = |w: &AccountId| Deltas::<Runtime>::get(job, w).unwrap().status;
		assert_eq!(status(&lazy), DeltaStatus::Rejected(Rejection::NoGain));
		assert_eq!(status(&nudger), DeltaStatus::Rejected(Rejection::NoGain));
		assert_eq!(status(&honest), DeltaStatus::Accepted(100_000));
		assert!(mining_events().contains(&Event::DeltaRejected {
			job,
			worker: lazy.clone(),
			round: 0,
			why: Rejection::NoGain,
			slash: 0,
		}));
		// Not slashed, but unseated: both lose their seats to the queue, and
		// the job keeps the honest worker only. Only the honest delta is
		// aggregated.
		assert_eq!(pallet_compute_mining::PendingSlashes::<Runtime>::get(&lazy), 0);
		assert_eq!(staked(&lazy), stake);
		for w in [&lazy, &nudger] {
			let info = Workers::<Runtime>::get(w).unwrap();
			assert_eq!((info.assignment, info.waiting), (None, true));
		}
		assert_eq!(Workers::<Runtime>::get(&honest).unwrap().assignment, Some(job));
		let info = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap();
		assert_eq!((info.workers, info.accepted), (1, 1));
		// Online to the epoch's last slot: all 60 for both.
		online_until(600, &workers);
		let lazy_pending = Mining::pending_rewards(&lazy);
		assert_eq!(
			(lazy_pending.quality, lazy_pending.accruing, lazy_pending.online_slots),
			(None, 0, 60)
		);
		let honest_pending = Mining::pending_rewards(&honest);
		assert_eq!(
			(honest_pending.quality, honest_pending.accruing, honest_pending.online_slots),
			(Some(100_000), 1_100 * GYM, 60)
		);
		// The epoch closes: Σ 1,100 GYM, under the budget.
		run_to_block(601);
		let info = pallet_compute_mining::Epochs::<Runtime>::get(0).unwrap();
		assert_eq!((info.unadjusted, info.workers), (1_100 * GYM, 1));
		assert_noop!(Mining::claim_rewards(signed(&lazy)), Error::<Runtime>::NothingToClaim);
		assert_noop!(Mining::claim_rewards(signed(&nudger)), Error::<Runtime>::NothingToClaim);
		assert_eq!(staked(&nudger), stake);
		let before = balance(&honest);
		assert_ok!(Mining::claim_rewards(signed(&honest)));
		assert_eq!(balance(&honest) - before, 1_100 * GYM);
		assert_eq!(balance(&lazy), stake + 100 * GYM, "its stake and fee money, nothing more");
		check_invariants();
	});
}

/// `n` pseudo-random parameters for `stream`, in [-1, 1].
fn parameters(n: usize, stream: u8) -> Vec<f32> {
	(0..n)
		.map(|i| {
			let h = sp_io::hashing::blake2_256(&codec::Encode::encode(&(stream, i as u32)));
			(i16::from_le_bytes([h[0], h[1]]) as f32) / 32_768.0
		})
		.collect()
}

/// The cosine similarity of two parameter vectors.
fn cosine(a: &[f32], b: &[f32]) -> f64 {
	let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
	let norm = |v: &[f32]| v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
	dot / (norm(a) * norm(b))
}

/// Scenario 3 with noise: a farm trains once and submits the delta again
/// from its sybils, each copy with noise added so that its bytes (and hash)
/// differ. Honest deltas of one round are alike (same base, same data: the
/// trainer's `similarity` example measures cosines of 0.51 to 0.88), so the
/// honest worker here shares 0.85 of its direction with the farm's. Each
/// committee measures its delta's sketch with the round's seed; the copies
/// within `NEAR_COPY_COSINE` (0.95) of the original are rejected and
/// slashed, and only the original and the honest delta are paid. The limit
/// `docs/mining.md` names is asserted too: a copy with noise of half its
/// norm (cosine 0.89, which in the trainer's measurements keeps most of
/// its quality) is as far from the original as honest deltas can be, and
/// is paid.
#[test]
fn a_farm_that_trains_once_is_paid_once_for_its_near_copies() {
	use gym_primitives::sketch::delta_sketch;
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		for n in 11..=13 {
			orchestrator(n);
		}
		let job = governance_job(1);
		let original = worker(100, GpuClass::Other);
		let (sybil10, sybil25, sybil50) = (
			worker(101, GpuClass::Other),
			worker(102, GpuClass::Other),
			worker(103, GpuClass::Other),
		);
		let honest = worker(104, GpuClass::Other);
		seated(
			job,
			&[original.clone(), sybil10.clone(), sybil25.clone(), sybil50.clone(), honest.clone()],
		);
		const N: usize = 4_096;
		let trained = parameters(N, 1);
		let own = parameters(N, 2);
		// Each copy with noise of its own.
		let noisy = |share: f32, stream: u8| -> Vec<f32> {
			trained.iter().zip(parameters(N, stream)).map(|(t, n)| t + share * n).collect()
		};
		// Unit-free: the three vectors have about the same norm.
		let alike = 0.85f32;
		let honest_delta: Vec<f32> = trained
			.iter()
			.zip(&own)
			.map(|(t, o)| alike * t + (1.0 - alike * alike).sqrt() * o)
			.collect();
		let deltas: Vec<(&AccountId, Vec<f32>)> = vec![
			(&original, trained.clone()),
			(&sybil10, noisy(0.1, 3)),
			(&sybil25, noisy(0.25, 4)),
			(&sybil50, noisy(0.5, 5)),
			(&honest, honest_delta),
		];
		let cosines: Vec<f64> = deltas.iter().map(|(_, d)| cosine(&trained, d)).collect();
		assert!(cosines[1] > 0.99 && cosines[2] > 0.96 && cosines[3] < 0.9 && cosines[4] < 0.86);
		// The farm's original is sealed first; its copies and the honest
		// delta a block later (their bytes differ: so do their hashes).
		let hash = |n: usize| H256::repeat_byte(n as u8 + 1);
		for (n, (w, _)) in deltas.iter().enumerate() {
			if n == 1 {
				next_block();
			}
			let seal = delta_seal(&hash(n), w, job, 0);
			assert_ok!(Mining::submit_delta(signed(w), job, seal, 0));
		}
		let until = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().submit_until;
		run_to_block(until + 1);
		for (n, (w, _)) in deltas.iter().enumerate() {
			assert_ok!(Mining::reveal_delta(signed(w), job, hash(n)));
		}
		next_block();
		// One seed for the round, fixed after every seal.
		let seed = Deltas::<Runtime>::get(job, &original).unwrap().sketch_seed;
		for (w, delta) in &deltas {
			assert_eq!(Deltas::<Runtime>::get(job, *w).unwrap().sketch_seed, seed);
			let report = ValidationReport {
				sketch: delta_sketch(delta.iter().copied(), seed),
				..honest_report()
			};
			let member = committee(job, w)[0].clone();
			commit(&member, job, w, &report);
			reveal(&member, job, w, report);
		}
		let stake = staked(&sybil10);
		for (w, _) in &deltas {
			finalise(job, w);
		}
		let status = |w: &AccountId| Deltas::<Runtime>::get(job, w).unwrap().status;
		for copy in [&sybil10, &sybil25] {
			assert_eq!(status(copy), DeltaStatus::Rejected(Rejection::NearCopy));
			assert!(mining_events().iter().any(|e| matches!(
				e,
				Event::DeltaNearCopy { worker, original: o, .. } if worker == copy && *o == original
			)));
			assert_eq!(pallet_compute_mining::PendingSlashes::<Runtime>::get(copy), stake / 20);
		}
		assert_eq!(stake, 1_000 * GYM);
		let paid = |w: &AccountId| {
			pallet_compute_mining::Activity::<Runtime>::get(w).and_then(|a| a.quality).is_some()
		};
		assert!(paid(&original) && paid(&honest), "the original and the honest delta are paid");
		assert!(!paid(&sybil10) && !paid(&sybil25), "the near copies earn nothing");
		// The limit: half the norm in noise reads as independent work.
		assert!(matches!(status(&sybil50), DeltaStatus::Accepted(_)));
		assert!(paid(&sybil50));
		check_invariants();
	});
}

/// Scenario 4, hardware overclaim and downgrade: a worker's GPU class is the
/// orchestrator set's stake-weighted median vote, never one member's word.
/// The attacker (3 of 10 equal Gold stakes) vouches for its CPU worker as an
/// H100 and, at the same time, re-opens the check of an honest H100 to
/// push it down to 1.0x. The honest 70% vote what the attestations prove;
/// both checks go their way, and every attacker loses 5% of its stake per
/// check and its seat for a week.
#[test]
fn a_hardware_overclaim_or_downgrade_is_voted_down() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let attackers: Vec<AccountId> = (1..=3).map(orchestrator).collect();
		for h in 11..=17 {
			orchestrator(h);
		}
		let honest: Vec<AccountId> = pallet_compute_mining::Orchestrators::<Runtime>::get()
			.into_iter()
			.map(|(m, _)| m)
			.filter(|m| !attackers.contains(m))
			.collect();
		assert_eq!(honest.len(), 7);
		let (cpu, h100) = (worker(100, GpuClass::H100), worker(101, GpuClass::H100));
		let verify = |by: &AccountId, w: &AccountId, class| {
			assert_ok!(Mining::verify_hardware(signed(by), w.clone(), class));
		};
		// The honest H100 is verified first; the attackers abstain, which
		// only delays the decision to the deadline.
		for h in &honest {
			verify(h, &h100, GpuClass::H100);
		}
		let deadline =
			pallet_compute_mining::HardwareChecks::<Runtime>::get(&h100).unwrap().vote.deadline;
		run_to_block(deadline + 1);
		assert_ok!(Mining::close_hardware_check(signed(&h100), h100.clone()));
		let class_of = |w: &AccountId| {
			pallet_compute_mining::Workers::<Runtime>::get(w).unwrap().verified_class
		};
		assert_eq!(class_of(&h100), Some(GpuClass::H100));
		// No quorum yet: the 3 attackers could never verify anything alone.
		verify(&attackers[0], &cpu, GpuClass::H100);
		verify(&attackers[1], &h100, GpuClass::Other);
		for a in &attackers[1..] {
			verify(a, &cpu, GpuClass::H100);
		}
		for a in [&attackers[0], &attackers[2]] {
			verify(a, &h100, GpuClass::Other);
		}
		assert_eq!(class_of(&cpu), None);
		let (stake, treasury) =
			(staked(&attackers[0]), balance(&crate::configs::TreasuryAccount::get()));
		assert_eq!(stake, 50_000 * GYM);
		for h in &honest {
			verify(h, &cpu, GpuClass::Other);
			verify(h, &h100, GpuClass::H100);
		}
		assert_eq!(class_of(&cpu), Some(GpuClass::Other));
		assert_eq!(class_of(&h100), Some(GpuClass::H100));
		for w in [&cpu, &h100] {
			let class = class_of(w);
			assert!(mining_events().contains(&Event::HardwareCheckResolved {
				worker: w.clone(),
				class,
				losers: 3,
			}));
		}
		// 5% of 50,000, then 5% of the 47,500 left.
		for a in &attackers {
			assert_eq!(stake - staked(a), 2_500 * GYM + 2_375 * GYM);
			assert!(pallet_compute_mining::Suspended::<Runtime>::get(a).is_some());
			assert_noop!(
				Mining::verify_hardware(signed(a), h100.clone(), GpuClass::Other),
				Error::<Runtime>::NotInOrchestratorSet
			);
		}
		assert_eq!(
			balance(&crate::configs::TreasuryAccount::get()),
			treasury + 3 * (2_500 + 2_375) * GYM
		);
		// The honest set is not asked twice for a class it agreed on.
		assert_noop!(
			Mining::verify_hardware(signed(&honest[0]), cpu.clone(), GpuClass::Other),
			Error::<Runtime>::ClassAgrees
		);
		check_invariants();
	});
}

/// Exit before the slash: a worker whose delta its committee judged
/// corrupt sees the verdict on chain for the whole dispute window before
/// the 5% is fixed. It deregisters at once and tries to unstake; its whole
/// stake stays bonded until the delta is final, and the slash lands.
#[test]
fn a_worker_cannot_unstake_before_its_rejection_is_final() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		pallet_compute_mining::MinValidations::<Runtime>::put(3);
		let honest: Vec<AccountId> = (11..=13).map(orchestrator).collect();
		let job = governance_job(3);
		let w = worker(100, GpuClass::Other);
		seated(job, std::slice::from_ref(&w));
		submitted(job, &[(w.clone(), H256::repeat_byte(9), 2_000_000)]);
		let members = committee(job, &w);
		for m in &members {
			commit(m, job, &w, &unavailable());
		}
		for m in &members {
			reveal(m, job, &w, unavailable());
		}
		assert_eq!(
			Deltas::<Runtime>::get(job, &w).unwrap().status,
			DeltaStatus::Judged(Verdict::Reject(Rejection::Corrupt))
		);
		let stake = staked(&w);
		assert_eq!(stake, Tier::Bronze.minimum());
		assert_ok!(Mining::deregister_worker(signed(&w)));
		for amount in [stake, 1] {
			assert_noop!(
				TieredStaking::unstake(signed(&w), amount),
				pallet_tiered_staking::Error::<Runtime>::StakeRequired
			);
		}
		finalise(job, &w);
		let slash = stake / 20;
		assert_eq!(pallet_compute_mining::PendingSlashes::<Runtime>::get(&w), slash);
		assert_ok!(TieredStaking::unstake(signed(&w), stake - slash));
		assert_ok!(Mining::settle_slash(signed(&honest[0]), w.clone()));
		assert_eq!(staked(&w), 0);
		assert!(mining_events().iter().any(|e| matches!(
			e,
			Event::WorkerSlashed { worker, amount, .. } if *worker == w && *amount == slash
		)));
		check_invariants();
	});
}

/// A round stalled by its committee: the members drawn for a round's
/// checkpoint (the committee of its first accepted delta) stay away, which
/// used to freeze the job for good. Their stake stays bonded meanwhile.
/// After ten minutes anyone expires the round; the job goes on from the
/// same checkpoint and the accepted delta stays paid. Absence is not
/// slashed: a worker that stops serving its accepted delta would otherwise
/// have honest members slashed for not aggregating it.
#[test]
fn an_absent_round_committee_cannot_stall_a_job() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		pallet_compute_mining::MinValidations::<Runtime>::put(3);
		for n in 11..=16 {
			orchestrator(n);
		}
		let job = governance_job(3);
		let w = worker(100, GpuClass::Other);
		seated(job, std::slice::from_ref(&w));
		submitted(job, &[(w.clone(), H256::repeat_byte(9), 0)]);
		let members = committee(job, &w);
		for m in &members {
			commit(m, job, &w, &honest_report());
		}
		for m in &members {
			reveal(m, job, &w, honest_report());
		}
		finalise(job, &w);
		let round = pallet_compute_mining::RoundCommittees::<Runtime>::get(job).unwrap();
		assert_eq!(round.deadline, System::block_number() + 10 * gym_primitives::MINUTES);
		// Nobody votes the checkpoint.
		assert_noop!(Mining::expire_round(signed(&w), job, 0), Error::<Runtime>::RoundOpen);
		run_to_block(round.deadline + 1);
		let stakes: Vec<u128> = round.members.iter().map(staked).collect();
		for m in round.members.iter() {
			assert_noop!(
				TieredStaking::unstake(signed(m), 1),
				pallet_tiered_staking::Error::<Runtime>::StakeRequired
			);
		}
		assert_ok!(Mining::expire_round(signed(&w), job, 0));
		let info = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap();
		assert_eq!((info.round, info.checkpoint), (1, spec(3).base_checkpoint));
		for (m, before) in round.members.iter().zip(stakes) {
			assert_eq!(staked(m), before);
			assert_eq!(pallet_compute_mining::Duties::<Runtime>::get(m), 0);
		}
		assert!(matches!(
			Deltas::<Runtime>::get(job, &w).unwrap().status,
			DeltaStatus::Accepted(_)
		));
		// The worker trains the next round.
		let seal = delta_seal(&H256::repeat_byte(10), &w, job, 1);
		assert_ok!(Mining::submit_delta(signed(&w), job, seal, 0));
		check_invariants();
	});
}

/// Every member of `who`'s committee commits to, then reveals, the honest
/// report.
pub(crate) fn judged_honestly(job: JobId, who: &AccountId) {
	let members = committee(job, who);
	for m in &members {
		commit(m, job, who, &honest_report());
	}
	for m in &members {
		reveal(m, job, who, honest_report());
	}
}

/// Scenario 2 of issue 16, availability by re-registration, on the local
/// chain (600-block epochs of 60 one-minute slots): a worker online in one
/// slot re-registers five times in the epoch's last slot, and another
/// schedules away 59 of the next epoch's 60 slots and beats in the one
/// left. Each slot counts once, and scheduled downtime is not paid: the
/// first is paid for 2 slots of 60, the second for 1 of 60, not 100%.
#[test]
fn availability_cannot_be_bought_by_re_registering_or_scheduling_away() {
	build(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let job = local_job();
		let hopper = worker(100, GpuClass::Other);
		let away = worker(101, GpuClass::Other);
		seated(job, &[hopper.clone(), away.clone()]);
		// Blocks 611..1_201 are slots 61..=119 (and past): all of epoch 1
		// but its first slot.
		assert_ok!(Mining::schedule_downtime(signed(&away), 611, 1_201));
		submitted(job, &[(hopper.clone(), H256::repeat_byte(1), 0)]);
		judged_honestly(job, &hopper);
		finalise(job, &hopper);
		// The other worker is online through epoch 0 (a missed hour would
		// slash it below Bronze); the hopper is silent until the epoch's
		// last slot (blocks 591..=600), then re-registers five times in it.
		for slot in (System::block_number() / 10 + 1)..60u32 {
			run_to_block(slot * 10 + 1);
			assert_ok!(Mining::heartbeat(signed(&away)));
		}
		for _ in 0..5 {
			assert_ok!(Mining::deregister_worker(signed(&hopper)));
			assert_ok!(Mining::register_worker(
				signed(&hopper),
				H256::from_low_u64_be(100),
				GpuClass::Other,
				H256::repeat_byte(7),
				b"http://attacker.example:9944".to_vec()
			));
		}
		let pending = Mining::pending_rewards(&hopper);
		assert_eq!(pending.online_slots, 2, "slot 0 and slot 59, once each");
		let quality = pending.quality.expect("an accepted delta");
		// Bronze (1.0x), unverified hardware (1.0x), online `slots` of 60.
		let paid = |slots: u32| {
			gym_primitives::mining::unadjusted_reward(
				quality,
				sp_runtime::FixedU128::from_u32(1),
				sp_runtime::FixedU128::from_u32(1),
				gym_primitives::mining::availability(slots, 60),
			)
		};
		// Quality 0.1: 1,100 GYM at 100%, 36.67 GYM for 2 slots of 60.
		assert_eq!(paid(60), 1_100 * GYM);
		assert_eq!(pending.accruing, paid(2));
		assert!(paid(2) < 37 * GYM);
		// The other worker beats in epoch 1's one unscheduled slot and has
		// its delta accepted.
		// Nobody aggregated round 0 in time: it expires, the next trains
		// from the same checkpoint.
		assert_ok!(Mining::expire_round(signed(&away), job, 0));
		run_to_block(601);
		assert_ok!(Mining::heartbeat(signed(&away)));
		seated(job, std::slice::from_ref(&away));
		submitted(job, &[(away.clone(), H256::repeat_byte(2), 0)]);
		judged_honestly(job, &away);
		finalise(job, &away);
		let pending = Mining::pending_rewards(&away);
		assert_eq!(pending.online_slots, 1);
		assert_eq!(pending.accruing, paid(1), "59 slots scheduled away are not paid");
		check_invariants();
	});
}

/// Scenario 1 of issue 16, in part: leaving wiped the downtime owed. A
/// worker silent for an hour and a slot deregisters: the hour is charged
/// (0.1% of its 1,000 GYM) before it leaves, and below Bronze it cannot
/// register again until it stakes more.
#[test]
fn leaving_does_not_wipe_the_downtime_owed() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let silent = worker(100, GpuClass::Other);
		let stake = staked(&silent);
		assert_eq!(stake, 1_000 * GYM);
		// 61 slots (an hour is 60) without a heartbeat.
		run_to_block(1 + 61 * 10);
		assert_ok!(Mining::deregister_worker(signed(&silent)));
		assert_eq!(staked(&silent), stake - stake / 1_000, "the hour owed is charged");
		assert!(mining_events().iter().any(|e| matches!(
			e,
			Event::WorkerSlashed { worker, hours: 1, .. } if *worker == silent
		)));
		let again = Mining::register_worker(
			signed(&silent),
			H256::from_low_u64_be(100),
			GpuClass::Other,
			H256::repeat_byte(7),
			b"http://attacker.example:9944".to_vec(),
		);
		assert_noop!(again, Error::<Runtime>::BelowBronzeTier);
		check_invariants();
	});
}

/// Scenario 1 of issue 16: exit before the slash. A Gold worker that
/// governance is about to report as malicious deregisters and unstakes
/// everything first. Unstaking used to thaw the GYM at once and the report
/// then failed (`NotWorker`). Now the 45,000 GYM left after the 10% early
/// penalty unbond for the unbonding period (an hour on the dev chain, 28
/// days on the testnet), frozen, and the report still takes half of them.
#[test]
fn a_malicious_worker_cannot_exit_before_its_report() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let treasury = crate::configs::TreasuryAccount::get();
		let w = tiered_worker(100, Tier::Gold, GpuClass::Other);
		run_to_block(5);
		let before = balance(&treasury);
		assert_ok!(Mining::deregister_worker(signed(&w)));
		assert_ok!(TieredStaking::unstake(signed(&w), 50_000 * GYM));
		assert_eq!(balance(&treasury) - before, 5_000 * GYM, "the early penalty");
		let release_at = 5 + crate::genesis_config_presets::DEV_UNBONDING_PERIOD;
		let info = TieredStaking::stake_info(&w);
		assert_eq!((info.stake, info.tier), (0, None));
		assert_eq!(
			info.unbonding,
			vec![pallet_tiered_staking::UnbondingChunk {
				amount: 45_000 * GYM,
				release_at,
				staked_at: 1
			}]
		);
		// It cannot move the unbonding GYM...
		assert!(Balances::transfer_allow_death(
			signed(&w),
			account(9).into(),
			balance(&w) - 45_000 * GYM + 1
		)
		.is_err());
		// ...and governance's report reaches it: 50% of 45,000 GYM.
		assert_ok!(Mining::report_malicious(
			RuntimeOrigin::root(),
			w.clone(),
			H256::repeat_byte(1)
		));
		assert_eq!(balance(&treasury) - before, 5_000 * GYM + 22_500 * GYM);
		assert!(mining_events().iter().any(|e| matches!(
			e,
			Event::WorkerSlashed { worker, amount, .. } if *worker == w && *amount == 22_500 * GYM
		)));
		// The rest is released at its block, not before.
		run_to_block(release_at - 1);
		assert_noop!(
			TieredStaking::withdraw_unbonded(signed(&w)),
			pallet_tiered_staking::Error::<Runtime>::NothingToWithdraw
		);
		run_to_block(release_at);
		assert_ok!(TieredStaking::withdraw_unbonded(signed(&w)));
		assert_eq!(TieredStaking::stake_info(&w).unbonding, vec![]);
		check_invariants();
	});
}

/// Scenario 1 of issue 16: a worker keeps only Bronze bonded, unstakes the
/// other 9,000 GYM of its Silver stake, and submits a delta its committee
/// judges corrupt. The 5% is of everything a slash reaches (bonded and
/// unbonding: 455 GYM, not the 50 GYM of its bonded 1,000), and none of the
/// unbonding GYM leaves, even past its release, while the delta is open or
/// its slash is uncharged.
#[test]
fn unbonding_gym_backing_a_delta_is_held_and_slashed() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		pallet_compute_mining::MinValidations::<Runtime>::put(3);
		let honest: Vec<AccountId> = (11..=13).map(orchestrator).collect();
		let job = governance_job(3);
		let w = tiered_worker(100, Tier::Silver, GpuClass::Other);
		// Registered, it keeps Bronze bonded: 9,000 GYM may unbond (8,100
		// after the penalty).
		assert_ok!(TieredStaking::unstake(signed(&w), 9_000 * GYM));
		let unbonding = 8_100 * GYM;
		let release_at =
			System::block_number() + crate::genesis_config_presets::DEV_UNBONDING_PERIOD;
		seated(job, std::slice::from_ref(&w));
		submitted(job, &[(w.clone(), H256::repeat_byte(9), 2_000_000)]);
		for m in &committee(job, &w) {
			commit(m, job, &w, &unavailable());
		}
		for m in &committee(job, &w) {
			reveal(m, job, &w, unavailable());
		}
		// Past the release, the delta still open: held.
		run_to_block(release_at);
		let info = TieredStaking::stake_info(&w);
		assert!(info.withdraw_held);
		assert_eq!(info.withdrawable, 0);
		assert_noop!(
			TieredStaking::withdraw_unbonded(signed(&w)),
			pallet_tiered_staking::Error::<Runtime>::WithdrawHeld
		);
		finalise(job, &w);
		let slash = (1_000 * GYM + unbonding) / 20;
		assert_eq!(slash, 455 * GYM);
		assert_eq!(pallet_compute_mining::PendingSlashes::<Runtime>::get(&w), slash);
		// Final, the slash fixed and not charged: still held, and shown.
		let info = TieredStaking::stake_info(&w);
		assert!(info.pending_slash >= slash);
		assert_noop!(
			TieredStaking::withdraw_unbonded(signed(&w)),
			pallet_tiered_staking::Error::<Runtime>::WithdrawHeld
		);
		assert_ok!(Mining::settle_slash(signed(&honest[0]), w.clone()));
		// Charged from the bonded stake first; the unbonding GYM is whole.
		assert_eq!(staked(&w), 1_000 * GYM - slash);
		assert_eq!(slashable(&w), 1_000 * GYM - slash + unbonding);
		// Below Bronze, the slash deregistered it; nothing holds its GYM now.
		assert!(Workers::<Runtime>::get(&w).is_none());
		let info = TieredStaking::stake_info(&w);
		assert_eq!(
			(info.pending_slash, info.withdraw_held, info.withdrawable),
			(0, false, unbonding)
		);
		let frozen_before = slashable(&w);
		assert_ok!(TieredStaking::withdraw_unbonded(signed(&w)));
		assert_eq!(frozen_before - slashable(&w), unbonding);
		assert_eq!(TieredStaking::stake_info(&w).unbonding, vec![]);
		check_invariants();
	});
}

/// The runtime upgrade to storage version 1 of tiered staking: the ledgers
/// a running chain holds (the dev-mining genesis stakes, one with revenue
/// to claim) keep their stake, deposits, revenue and freezes, and gain an
/// empty unbonding list. With try-runtime, the migration's own pre- and
/// post-upgrade checks run as well.
#[test]
fn existing_stakes_survive_the_unbonding_upgrade() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	use pallet_tiered_staking::{migrations::v1::LedgerV0, Stakers};
	build(crate::genesis_config_presets::DEV_MINING_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let payer = account(7);
		fund(&payer, 100 * GYM);
		assert_ok!(
			<TieredStaking as gym_primitives::traits::StakeTiers<AccountId>>::distribute_to_stakers(
				&payer,
				90 * GYM
			)
		);
		let before: Vec<_> = Stakers::<Runtime>::iter().collect();
		// The genesis stakes (they count at once; version 0 had no waiting).
		assert!(before.len() >= 2);
		assert!(pallet_tiered_staking::Unrolled::<Runtime>::get().is_empty());
		let owed: Vec<_> =
			before.iter().map(|(who, _)| TieredStaking::claimable_rewards(who)).collect();
		assert!(owed.iter().all(|o| *o > 0));
		for (who, ledger) in &before {
			let old = LedgerV0::<<Runtime as pallet_tiered_staking::Config>::MaxDeposits> {
				stake: ledger.stake,
				deposits: ledger.deposits.clone(),
				reward_counter: ledger.reward_counter,
				unclaimed: ledger.unclaimed,
			};
			frame_support::storage::unhashed::put_raw(
				&Stakers::<Runtime>::hashed_key_for(who),
				&codec::Encode::encode(&old),
			);
		}
		StorageVersion::new(0).put::<TieredStaking>();
		#[cfg(feature = "try-runtime")]
		crate::Migrations::try_on_runtime_upgrade(true).expect("the migration's checks pass");
		#[cfg(not(feature = "try-runtime"))]
		crate::Migrations::on_runtime_upgrade();
		assert_eq!(TieredStaking::on_chain_storage_version(), 1);
		for ((who, ledger), owed) in before.iter().zip(owed) {
			assert_eq!(Stakers::<Runtime>::get(who).as_ref(), Some(ledger));
			assert_eq!(TieredStaking::claimable_rewards(who), owed);
		}
		check_invariants();
	});
}

/// Scenario 3 of issue 16, just-in-time staking: an honest staker holds
/// 10,000 GYM from the chain's first period; a whale stakes 500,000 GYM
/// (Diamond, 3x: 1,500,000 boosted) in the last block of period 2, after
/// 1,000 GYM of revenue came in. The split at the period's end used to give
/// the whale 99.2% of the stakers' share. Stake counts only once it has been
/// there a whole period: period 2's share is all the honest staker's, and
/// the whale shares from period 3 on, by weight.
#[test]
fn stake_added_just_before_the_split_shares_none_of_it() {
	use pallet_revenue_split::{History, RevenueSource};
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let honest = staker(1, Tier::Silver); // 12,000 boosted
		let whale = account(2);
		fund(&whale, 500_100 * GYM);
		let payer = account(3);
		fund(&payer, 3_000 * GYM);
		// Period 2 is blocks 21..=30 (10-block periods on the dev chain).
		run_to_block(21);
		assert_ok!(pallet_revenue_split::Pallet::<Runtime>::pay_revenue(
			signed(&payer),
			RevenueSource::InferenceFees,
			1_000 * GYM
		));
		run_to_block(30);
		assert_ok!(TieredStaking::stake(signed(&whale), 500_000 * GYM));
		let info = TieredStaking::stake_info(&whale);
		assert_eq!((info.tier, info.uncounted_stake), (Some(Tier::Diamond), 500_000 * GYM));
		assert_eq!(info.counts_from_epoch, Some(4));
		let before = TieredStaking::claimable_rewards(&honest);
		run_to_block(31);
		let share = History::<Runtime>::get(2).expect("period 2 closed").stakers;
		// 20% of the 1,000 GYM (less the pot account's existential deposit).
		assert!(share >= 199 * GYM, "{share}");
		assert_eq!(TieredStaking::claimable_rewards(&whale), 0);
		let honest_gain = TieredStaking::claimable_rewards(&honest) - before;
		// All of it, less the staking pot's existential deposit (this is its
		// first revenue) and rounding.
		let rest = share - honest_gain;
		assert!(rest < crate::EXISTENTIAL_DEPOSIT + 1_000_000, "{share} vs {honest_gain}");
		// Period 3, staked all of it: the whale shares 1,500,000 : 12,000.
		assert_ok!(pallet_revenue_split::Pallet::<Runtime>::pay_revenue(
			signed(&payer),
			RevenueSource::InferenceFees,
			1_000 * GYM
		));
		run_to_block(41);
		let share = History::<Runtime>::get(3).expect("period 3 closed").stakers;
		let whale_gain = TieredStaking::claimable_rewards(&whale);
		let expected = share * 1_500_000 / 1_512_000;
		assert!(expected - whale_gain < 1_000_000, "{expected} vs {whale_gain}");
		check_invariants();
	});
}

/// Scenario 4 of issue 16, claims that revert: a worker earns in an epoch,
/// the epoch closes, then governance cuts the emission schedule to a tenth.
/// The epoch's reward used to be re-priced at claim: more than the new
/// schedule allows the epoch, so every claim of the worker failed, for
/// good. The budget is fixed (promised) when the epoch closes: the claim
/// pays it in full.
#[test]
fn a_schedule_cut_after_an_epoch_closed_does_not_revert_its_claims() {
	use pallet_gym_emission::Pallet as Emission;
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		pallet_compute_mining::MinValidations::<Runtime>::put(3);
		for n in 11..=13 {
			orchestrator(n);
		}
		let job = governance_job(3);
		let w = worker(100, GpuClass::Other);
		seated(job, std::slice::from_ref(&w));
		submitted(job, &[(w.clone(), H256::repeat_byte(1), 0)]);
		judged_honestly(job, &w);
		finalise(job, &w);
		// Online in the epoch's one slot (10 blocks on the dev chain).
		assert_ok!(Mining::heartbeat(signed(&w)));
		let epoch = <Emission<Runtime> as gym_primitives::traits::EpochClock>::current_epoch();
		let accruing = Mining::pending_rewards(&w).accruing;
		assert!(accruing > 0);
		run_to_block(
			<Emission<Runtime> as gym_primitives::traits::EpochClock>::epoch_end(epoch) + 1,
		);
		let info = pallet_compute_mining::Epochs::<Runtime>::get(epoch).expect("closed");
		let budget = info.budget.expect("fixed at close");
		let reward = gym_primitives::mining::apply_difficulty(accruing, info.unadjusted, budget);
		assert!(reward > 0);
		assert_eq!(pallet_gym_emission::Promises::<Runtime>::get(epoch), Some(budget));
		// Governance cuts the schedule to a tenth: the epoch's schedule now
		// allows less than what it already minted and owes.
		let mut tenth = gym_primitives::emission::EmissionSchedule::gym();
		for phase in tenth.phases.iter_mut() {
			phase.total /= 10;
		}
		assert_ok!(Emission::<Runtime>::set_schedule(RuntimeOrigin::root(), tenth));
		let minted = pallet_gym_emission::EpochMinted::<Runtime>::get(epoch);
		assert!(Emission::<Runtime>::scheduled_epoch_emission(epoch) < minted + reward);
		let before = balance(&w);
		assert_ok!(Mining::claim_rewards(signed(&w)));
		assert_eq!(balance(&w) - before, reward);
		assert!(mining_events().iter().all(|e| !matches!(e, Event::RewardUnmintable { .. })));
		check_invariants();
	});
}

/// Every member of `job`'s round committee votes the same checkpoint until
/// the open round completes.
fn round_completed(job: JobId) {
	let info = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap();
	let members = pallet_compute_mining::RoundCommittees::<Runtime>::get(job).unwrap().members;
	let checkpoint = H256::from_low_u64_be(u64::from(info.round) + 1_000);
	for m in &members {
		if pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().round != info.round {
			break;
		}
		assert_ok!(Mining::complete_round(signed(m), job, info.round, info.accepted, checkpoint));
	}
	assert_eq!(pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().round, info.round + 1);
}

/// Dynamic emission tied to verified work, with the default work budget (1
/// GYM per verified training sample), on the local chain (600-block epochs
/// of 60 one-minute slots, 3 reports a delta). One Bronze worker on a small
/// job (10 steps × 32 = 320 samples a delta), online in every slot, has
/// deltas of quality 0.1 accepted: 1000 × 1.1 = 1,100 GYM of unadjusted
/// reward in each epoch, however many deltas. Epoch 0 verifies two deltas
/// (640 samples): it is promised min(1,100, 640) = 640 GYM. Epoch 1
/// verifies one (320 samples): 320 GYM. GymEmission mints in each epoch
/// the validators' 5% of its schedule and the worker's claim, so the second
/// epoch mints 320 GYM less than the first (the schedules of the two epochs
/// are equal); without the work budget both would have minted 1,100 GYM.
#[test]
fn minted_emission_falls_when_verified_work_falls() {
	use pallet_gym_emission::EpochMinted;
	type Emission = pallet_gym_emission::Pallet<Runtime>;
	build(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		assert_eq!(pallet_gym_emission::EpochLength::<Runtime>::get(), 600);
		assert_eq!(
			pallet_compute_mining::WorkBudget::<Runtime>::get(),
			Some(pallet_compute_mining::DEFAULT_WORK_BUDGET)
		);
		assert_eq!(pallet_compute_mining::DEFAULT_WORK_BUDGET, GYM);
		for n in 11..=13 {
			orchestrator(n);
		}
		let job = NextJobId::<Runtime>::get();
		let mut small = spec(3);
		small.params.steps = 10;
		assert_ok!(Mining::create_job(RuntimeOrigin::root(), small));
		let w = worker(100, GpuClass::Other);
		seated(job, std::slice::from_ref(&w));
		let online = std::slice::from_ref(&w);
		let mut delta = 0u8;
		// A delta sealed, revealed, judged, final and aggregated, the worker
		// online in every slot meanwhile.
		let mut accepted_delta = |w: &AccountId| {
			delta += 1;
			let hash = H256::repeat_byte(delta);
			let info = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap();
			let seal = delta_seal(&hash, w, job, info.round);
			assert_ok!(Mining::submit_delta(signed(w), job, seal, 0));
			let until = pallet_compute_mining::Jobs::<Runtime>::get(job).unwrap().submit_until;
			online_until(until + 1, online);
			assert_ok!(Mining::reveal_delta(signed(w), job, hash));
			online_until(System::block_number() + 1, online);
			judged_honestly(job, w);
			let deadline = Deltas::<Runtime>::get(job, w).unwrap().dispute_deadline;
			online_until(deadline + 1, online);
			assert_ok!(Mining::finalise_delta(signed(w), job, w.clone()));
			assert_eq!(
				Deltas::<Runtime>::get(job, w).unwrap().status,
				DeltaStatus::Accepted(100_000)
			);
			round_completed(job);
		};
		// Epoch 0: two deltas, 640 samples.
		accepted_delta(&w);
		accepted_delta(&w);
		assert_eq!(pallet_compute_mining::EpochWork::<Runtime>::get(0), 640);
		online_until(600, online);
		assert_eq!(Mining::pending_rewards(&w).accruing, 1_100 * GYM);
		online_until(601, online);
		assert!(!pallet_compute_mining::EpochWork::<Runtime>::contains_key(0));
		let info = pallet_compute_mining::Epochs::<Runtime>::get(0).unwrap();
		assert_eq!((info.unadjusted, info.budget), (1_100 * GYM, Some(640 * GYM)));
		let before = balance(&w);
		assert_ok!(Mining::claim_rewards(signed(&w)));
		assert_eq!(balance(&w) - before, 640 * GYM);
		// Epoch 1: one delta, 320 samples.
		accepted_delta(&w);
		assert_eq!(pallet_compute_mining::EpochWork::<Runtime>::get(1), 320);
		online_until(1_200, online);
		assert_eq!(Mining::pending_rewards(&w).accruing, 1_100 * GYM);
		online_until(1_201, online);
		let info = pallet_compute_mining::Epochs::<Runtime>::get(1).unwrap();
		assert_eq!((info.unadjusted, info.budget), (1_100 * GYM, Some(320 * GYM)));
		let before = balance(&w);
		assert_ok!(Mining::claim_rewards(signed(&w)));
		assert_eq!(balance(&w) - before, 320 * GYM);
		// Minted per epoch: the validators' 5% of the schedule and the claim.
		let share = |e| {
			sp_runtime::Perbill::from_percent(5).mul_floor(Emission::scheduled_epoch_emission(e))
		};
		assert_eq!(share(0), share(1));
		assert_eq!(EpochMinted::<Runtime>::get(0), share(0) + 640 * GYM);
		assert_eq!(EpochMinted::<Runtime>::get(1), share(1) + 320 * GYM);
		assert_eq!(EpochMinted::<Runtime>::get(0) - EpochMinted::<Runtime>::get(1), 320 * GYM);
		check_invariants();
	});
}

/// `set_work_budget` is an Economic proposal's call, not a Technical or a
/// Strategic one's.
#[test]
fn the_work_budget_is_set_by_economic_referenda() {
	use gym_primitives::governance::ProposalKind;
	use pallet_gym_governance::ProposalFilter;
	let call = crate::RuntimeCall::ComputeMining(pallet_compute_mining::Call::set_work_budget {
		rate: None,
	});
	let allows = |kind| crate::configs::governance::GymProposals::allows(kind, &call);
	assert!(allows(ProposalKind::Economic));
	assert!(!allows(ProposalKind::Technical));
	assert!(!allows(ProposalKind::Strategic));
}
