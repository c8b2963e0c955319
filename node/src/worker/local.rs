//! The miner's training thread: a [`Session`] of the job the miner is assigned to, trained step
//! after step without waiting for the chain.
//!
//! Each optimizer step averages the mini-batches [`Session::accumulation`] says: one for the
//! job's `steps` on a round's checkpoint, then more the longer the round lasts.
//!
//! The block loop steers it with commands, read between two mini-batches: *rebase* onto a new
//! round's checkpoint, *cut* the round's delta (answered on a oneshot channel, which the block
//! loop polls without waiting), *uncut* a delta that was never sent, or *restart* from the base.
//! It reads the thread's progress from
//! atomics, never waiting for it either. Dropping the [`LocalTrainer`] stops the thread after its
//! current step.
//!
//! The thread and its compute pool run at a lower CPU priority ([`TRAINING_NICE`]), so that on a
//! machine that also validates, authors blocks or judges deltas, those come first and training
//! takes the rest.

use super::LOG;
use gym_trainer::{Checkpoint, RoundOutcome, Session, TrainConfig, TrainerError};
use pallet_compute_mining_runtime_api::JobId;
use sp_core::H256;
use std::{
	sync::{
		atomic::{AtomicU32, AtomicU64, Ordering},
		mpsc, Arc, Mutex,
	},
	time::{Duration, Instant},
};
use tokio::sync::oneshot;

/// The nice value of the training threads (Linux; 0 is the default, 19 the lowest priority):
/// the lowest, so that they take only the CPU time nothing else on the machine wants.
pub(crate) const TRAINING_NICE: i32 = 19;

/// A cut's outcome.
pub(crate) type CutResult = Result<RoundOutcome, TrainerError>;

enum Command {
	Rebase { base: Checkpoint, batch_seed: u64 },
	Cut { reply: oneshot::Sender<CutResult> },
	Uncut,
	Restart,
}

/// What the thread reports.
#[derive(Default)]
struct Progress {
	/// Optimizer steps in all.
	steps: AtomicU64,
	/// Time spent in optimizer steps in all, in nanoseconds.
	training_nanos: AtomicU64,
	/// The last mini-batch loss (`f32` bits).
	last_loss: AtomicU32,
	/// Rebases taken.
	rebases: AtomicU64,
	/// Steps since the last rebase taken (or the start).
	steps_on_base: AtomicU32,
	/// Why the thread stopped, if it failed.
	error: Mutex<Option<String>>,
}

/// The training thread of one job (see the module docs).
pub(crate) struct LocalTrainer {
	/// The job.
	pub job: JobId,
	/// The job's round the session trains for (an expired round leaves the checkpoint as it
	/// was, so the round tells the rounds apart).
	pub round: u32,
	/// The checkpoint the session trains on (once the thread has taken the last rebase).
	pub base: H256,
	/// The round of the last cut delta, until the next rebase.
	pub cut_round: Option<u32>,
	/// Rebases sent.
	rebases: u64,
	commands: mpsc::Sender<Command>,
	progress: Arc<Progress>,
	thread: std::thread::JoinHandle<()>,
	/// Steps and training time already counted ([`LocalTrainer::take_new`]).
	counted: (u64, u64),
}

impl LocalTrainer {
	/// Starts training `job` (model `model`, dataset seed `data_seed`) from `base`, whose hash
	/// is `hash`, with `cfg`'s hyper-parameters and batch seed, on `threads` threads.
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn start(
		job: JobId,
		round: u32,
		hash: H256,
		model: u32,
		data_seed: u64,
		base: Checkpoint,
		cfg: TrainConfig,
		threads: usize,
	) -> std::io::Result<Self> {
		let (commands, rx) = mpsc::channel();
		let progress = Arc::new(Progress::default());
		let shared = progress.clone();
		let thread =
			std::thread::Builder::new().name(format!("gym-train-{job}")).spawn(move || {
				lower_priority();
				let pool = rayon::ThreadPoolBuilder::new()
					.num_threads(threads.max(1))
					.thread_name(|i| format!("gym-train-pool-{i}"))
					.start_handler(|_| lower_priority())
					.build();
				let progress = shared.clone();
				let work = move || train(model, data_seed, base, cfg, &rx, &progress);
				let ended = match pool {
					Ok(pool) => pool.install(work),
					Err(_) => work(),
				};
				if let Err(e) = ended {
					if let Ok(mut error) = shared.error.lock() {
						*error = Some(e.to_string());
					}
				}
			})?;
		Ok(LocalTrainer {
			job,
			round,
			base: hash,
			cut_round: None,
			rebases: 0,
			commands,
			progress,
			thread,
			counted: (0, 0),
		})
	}

	/// Moves the session onto `base` (hash `hash`), the checkpoint of `round`, with the round's
	/// `batch_seed`.
	pub(crate) fn rebase(&mut self, round: u32, hash: H256, base: Checkpoint, batch_seed: u64) {
		if self.commands.send(Command::Rebase { base, batch_seed }).is_ok() {
			self.rebases += 1;
		}
		self.round = round;
		self.base = hash;
		self.cut_round = None;
	}

	/// Asks for the delta of `round`, cut against the session's base (with at least one step
	/// since the last cut, maybe none on this base: the progress carried over counts); the
	/// answer comes on the returned channel.
	pub(crate) fn cut(&mut self, round: u32) -> oneshot::Receiver<CutResult> {
		let (reply, answer) = oneshot::channel();
		// A stopped thread drops `reply`: the answer is then an error.
		let _ = self.commands.send(Command::Cut { reply });
		self.cut_round = Some(round);
		answer
	}

	/// Forgets the last cut, whose delta the chain never took: its progress goes into the next.
	pub(crate) fn uncut(&mut self) {
		let _ = self.commands.send(Command::Uncut);
		self.cut_round = None;
	}

	/// Drops the session's progress since its base ([`Session::restart`]), the last cut with it.
	pub(crate) fn restart(&mut self) {
		let _ = self.commands.send(Command::Restart);
		self.cut_round = None;
	}

	/// Steps on the session's current base: 0 until the thread has taken the last rebase.
	pub(crate) fn steps_on_base(&self) -> u32 {
		if self.progress.rebases.load(Ordering::Acquire) == self.rebases {
			self.progress.steps_on_base.load(Ordering::Acquire)
		} else {
			0
		}
	}

	/// Steps and training time since the last call, and the last mini-batch loss.
	pub(crate) fn take_new(&mut self) -> (u64, Duration, f32) {
		let steps = self.progress.steps.load(Ordering::Acquire);
		let nanos = self.progress.training_nanos.load(Ordering::Acquire);
		let (old_steps, old_nanos) = core::mem::replace(&mut self.counted, (steps, nanos));
		let loss = f32::from_bits(self.progress.last_loss.load(Ordering::Acquire));
		(
			steps.saturating_sub(old_steps),
			Duration::from_nanos(nanos.saturating_sub(old_nanos)),
			loss,
		)
	}

	/// Why the thread stopped, once it has: it failed (or panicked).
	pub(crate) fn failure(&self) -> Option<String> {
		if !self.thread.is_finished() {
			return None;
		}
		let error = self.progress.error.lock().ok().and_then(|e| e.clone());
		Some(error.unwrap_or_else(|| "the training thread stopped".into()))
	}
}

/// The thread's loop: commands between steps, until the [`LocalTrainer`] is dropped.
fn train(
	model: u32,
	data_seed: u64,
	base: Checkpoint,
	cfg: TrainConfig,
	commands: &mpsc::Receiver<Command>,
	progress: &Progress,
) -> Result<(), TrainerError> {
	let mut session = Session::new(model, data_seed, base, &cfg, Vec::new())?;
	// One mini-batch (or, with `whole`, a whole step), timed as training.
	let work = |session: &mut Session, whole: bool| -> Result<(), TrainerError> {
		let started = Instant::now();
		let loss = if whole { Some(session.step()?) } else { session.work()? };
		let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
		progress.training_nanos.fetch_add(nanos, Ordering::AcqRel);
		if let Some(loss) = loss {
			progress.steps.fetch_add(1, Ordering::AcqRel);
			progress.steps_on_base.store(session.steps_on_base(), Ordering::Release);
			progress.last_loss.store(loss.to_bits(), Ordering::Release);
		}
		Ok(())
	};
	loop {
		loop {
			match commands.try_recv() {
				Ok(Command::Rebase { base, batch_seed }) => {
					session.rebase(base, batch_seed)?;
					progress.steps_on_base.store(0, Ordering::Release);
					progress.rebases.fetch_add(1, Ordering::AcqRel);
				}
				Ok(Command::Cut { reply }) => {
					if session.steps_since_cut() == 0 {
						work(&mut session, true)?;
					}
					let outcome = session.cut();
					if let Err(e) = &outcome {
						log::warn!(target: LOG, "miner: cutting the delta: {e}");
					}
					let _ = reply.send(outcome);
				}
				Ok(Command::Uncut) => session.uncut(),
				Ok(Command::Restart) => {
					session.restart()?;
					progress.steps_on_base.store(0, Ordering::Release);
				}
				Err(mpsc::TryRecvError::Empty) => break,
				Err(mpsc::TryRecvError::Disconnected) => return Ok(()),
			}
		}
		work(&mut session, false)?;
	}
}

/// Lowers the calling thread's CPU priority to [`TRAINING_NICE`] (Linux: the nice value is per
/// thread, and threads it spawns inherit it). If refused, it stays.
fn lower_priority() {
	#[cfg(target_os = "linux")]
	if let Err(e) = rustix::process::setpriority_process(None, TRAINING_NICE) {
		log::debug!(target: LOG, "miner: lowering the training thread's priority: {e}");
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use gym_trainer::initial_checkpoint;

	fn trainer() -> LocalTrainer {
		let base = initial_checkpoint(0, 3).unwrap();
		let cfg = TrainConfig { batch_size: 8, seed: 1, ..TrainConfig::default() };
		LocalTrainer::start(3, 0, H256(base.hash()), 0, 3, base, cfg, 1).unwrap()
	}

	/// Waits (10 ms polls, 10 s at most) until `done` holds.
	fn wait(what: &str, mut done: impl FnMut() -> bool) {
		let until = Instant::now() + Duration::from_secs(10);
		while !done() {
			assert!(Instant::now() < until, "timed out waiting for {what}");
			std::thread::sleep(Duration::from_millis(10));
		}
	}

	#[test]
	fn the_thread_trains_until_cut_and_goes_on_after_it() {
		let mut t = trainer();
		wait("steps", || t.steps_on_base() >= 20);
		let mut answer = t.cut(0);
		let outcome = loop {
			match answer.try_recv() {
				Ok(outcome) => break outcome.unwrap(),
				Err(oneshot::error::TryRecvError::Empty) => {
					std::thread::sleep(Duration::from_millis(5))
				}
				Err(e) => panic!("{e}"),
			}
		};
		assert!(outcome.steps >= 20);
		assert!(outcome.report.loss_after < outcome.report.loss_before);
		// It trains on after the cut, and its steps and time are counted once.
		let (steps, time, loss) = t.take_new();
		assert!(steps >= 20 && time > Duration::ZERO && loss.is_finite());
		wait("more steps", || t.take_new().0 > 0);
		assert!(t.failure().is_none());
	}

	#[test]
	fn a_rebase_moves_the_session_and_restarts_the_count() {
		let mut t = trainer();
		wait("steps", || t.steps_on_base() >= 5);
		let next = initial_checkpoint(0, 4).unwrap();
		let hash = H256(next.hash());
		t.cut_round = Some(0);
		t.rebase(1, hash, next, 2);
		assert_eq!((t.round, t.base, t.cut_round, t.rebases), (1, hash, None, 1));
		wait("the thread to take it", || t.progress.rebases.load(Ordering::Acquire) == 1);
		wait("steps on the new base", || t.steps_on_base() >= 3);
		// Until the thread has taken the last rebase, the count is 0, never the old base's.
		t.rebases = 2;
		assert_eq!(t.steps_on_base(), 0);
	}

	#[test]
	fn a_failed_session_reports_why() {
		// Model 1's checkpoint for a model-0 job.
		let base = initial_checkpoint(1, 3).unwrap();
		let t = LocalTrainer::start(3, 0, H256(base.hash()), 0, 3, base, TrainConfig::default(), 1)
			.unwrap();
		wait("the thread to stop", || t.thread.is_finished());
		let why = t.failure().unwrap();
		assert!(why.contains("model 1"), "{why}");
	}
}
