//! # The GYM emission schedule
//!
//! Pure functions that say how many planck the chain may mint up to, and at,
//! any block. There is no storage here: the emission pallet, the runtime API,
//! the node's schedule table/plot and the tests all call these same functions,
//! so this module is the one home of the emission curve.
//!
//! ## Calendar
//!
//! A month is [`MONTH`] = 432,000 blocks (30 days of 6 s blocks) and a year is
//! 12 months = [`YEAR`](crate::YEAR) = 5,184,000 blocks. Month 1 starts at block 1: month
//! `m` spans the blocks `[(m - 1) * 432,000 + 1, m * 432,000]`, so year `y`
//! ends at block `y * 5,184,000`. Block 0 (genesis) mints nothing.
//!
//! ## Phases
//!
//! The schedule is a sequence of phases. Each phase's total is spread evenly
//! over its blocks:
//!
//! | phase | months  | blocks                  | total        | per month     |
//! |-------|---------|-------------------------|--------------|---------------|
//! | 1     | 1–3     | 1 – 1,296,000           | 100,000,000  | 33,333,333.3… |
//! | 2     | 4–6     | 1,296,001 – 2,592,000   | 75,000,000   | 25,000,000    |
//! | 3     | 7–12    | 2,592,001 – 5,184,000   | 300,000,000  | 50,000,000    |
//! | 4     | 13–24   | year 2                  | 480,000,000  | 40,000,000    |
//! | 5     | 25–36   | year 3                  | 360,000,000  | 30,000,000    |
//! | 6     | 37–48   | year 4                  | 240,000,000  | 20,000,000    |
//! | 7     | 49–60   | year 5                  | 120,000,000  | 10,000,000    |
//! | tail  | 61 –    | 25,920,001 onwards      | unbounded    | 10,000,000    |
//!
//! (amounts in GYM; 1 GYM = 10^18 planck.) Before halvings and the cap the
//! phases add up to 475,000,000 GYM at the end of year 1 and
//! 1,675,000,000 GYM at the end of year 5 — more than the
//! [`HARD_CAP`], so the cap, not the tail, ends emission on GYM chain.
//!
//! ## Halvings
//!
//! Every `halving_interval` = 10,000,000 blocks the emission is halved: the
//! amount of block `b` is divided by `2^h` with `h = b / 10,000,000` (integer
//! division). Block 9,999,999 is the last full-rate block, block 10,000,000
//! (in month 24) already emits half. From `h = 128` on nothing is emitted (the
//! shift would empty a `u128` anyway).
//!
//! ## Exactness
//!
//! Rates are never summed block by block. For a phase of `L` blocks and total
//! `T`, `F(k) = floor(T * k / L)` is what the phase has emitted after `k` of
//! its blocks, so `F(L) = T` exactly. The tail is one phase without an end,
//! `F(k) = floor(tail * k / blocks_per_month)` for any `k`; before halvings
//! this is exactly the same as treating each tail month as its own phase of
//! `blocks_per_month` blocks and total `tail_per_month`, since
//! `floor(tail * (q * M + r) / M) = q * tail + floor(tail * r / M)`.
//!
//! Cutting the phases at the halving boundaries gives segments (phase ×
//! halving era), and
//!
//! ```text
//! cumulative(b) = Σ over segments s intersecting [1, b] of
//!                 (F_s(k_end) − F_s(k_start)) >> h_s
//! per_block(b)  = cumulative(b) − cumulative(b − 1)
//! ```
//!
//! where `k_start`/`k_end` are the phase offsets of the segment's clipped
//! start (exclusive) and end (inclusive). The rounding of each block's amount
//! is therefore settled by the closed form: every un-halved phase total is
//! exact to the planck — `cumulative(3 * MONTH)` is exactly 100,000,000 GYM,
//! `cumulative(6 * MONTH)` 175,000,000 GYM and `cumulative(YEAR)`
//! 475,000,000 GYM — and the per-block amounts of any range always add up to
//! the difference of the cumulative values at its ends.
//!
//! Some numbers of the GYM schedule:
//!
//! * block 1 emits `floor(100,000,000 GYM / 1,296,000)` =
//!   77,160,493,827,160,493,827 planck (≈ 77.16 GYM);
//! * the halving at block 10,000,000 trims year 2 by 17,037,083.3 GYM, so the
//!   cumulative emission at the end of year 2 is
//!   937,962,916,666,666,666,666,666,666 planck (≈ 937,962,916.67 GYM);
//! * months 25–36 emit 15,000,000 GYM each (30,000,000 halved).
//!
//! ## Hard cap
//!
//! Everything ever minted, genesis endowments included, stays within
//! [`HARD_CAP`] = 1,000,000,000 GYM: [`capped_cumulative`] clamps the
//! schedule to `HARD_CAP − genesis`, and [`epoch_budget`] clamps an epoch's
//! share to what is left under the cap. With a genesis of the six dev
//! accounts' 6 × [`DEV_ENDOWMENT`](crate::DEV_ENDOWMENT) = 6,000,000 GYM the
//! cap is
//! reached at block 11,981,869 (month 28, year 3); see [`cap_reached_at`].
//! With no genesis at all it would be block 12,154,669 (month 29).
//!
//! ## Parameters
//!
//! The numbers above are [`EmissionSchedule::gym`]; governance may replace
//! them, so they are data ([`EmissionSchedule`]) checked by
//! [`EmissionSchedule::validate`], not constants. The functions here never
//! panic, whatever the parameters: they saturate, and blocks beyond
//! `u32::MAX` emit nothing. For a schedule that passes `validate` no
//! intermediate value comes near `u128::MAX`, so nothing saturates and every
//! result is exact.

use crate::{Balance, BlockNumber, GYM, HARD_CAP, MONTH};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Number of finite phases in an [`EmissionSchedule`] (the tail comes after them).
pub const PHASES: usize = 7;

/// Longest phase [`EmissionSchedule::validate`] accepts: 120 months (10 years).
pub const MAX_PHASE_MONTHS: u32 = 120;

/// Longest month [`EmissionSchedule::validate`] accepts: 10 × [`MONTH`] = 4,320,000 blocks.
///
/// With 7 phases of at most 120 months of at most this many blocks the finite
/// phases end by block 3,628,800,000, inside the `u32` block range.
pub const MAX_BLOCKS_PER_MONTH: BlockNumber = 10 * MONTH;

/// Largest sum of the phase totals [`EmissionSchedule::validate`] accepts:
/// 10 × [`HARD_CAP`] = 10,000,000,000 GYM.
pub const MAX_PHASE_TOTALS: Balance = 10 * HARD_CAP;

/// Halving eras from which on nothing is emitted (a `u128` shifted by 128 is empty).
pub const MAX_HALVINGS: u32 = 128;

/// One finite phase of the schedule: `total` planck spread evenly over
/// `months` months.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Phase {
	/// Length of the phase in months (of [`EmissionSchedule::blocks_per_month`] blocks).
	pub months: u32,
	/// Planck emitted over the whole phase, before halvings and the cap.
	pub total: Balance,
}

/// The parameters of the emission curve. See the [module docs](self) for the
/// reading, and [`EmissionSchedule::gym`] for GYM chain's values.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EmissionSchedule {
	/// The finite phases, in order, starting at block 1.
	pub phases: [Phase; PHASES],
	/// Planck per month after the last phase, forever (before halvings and the cap).
	pub tail_per_month: Balance,
	/// Blocks per halving era: block `b` emits `1 / 2^(b / halving_interval)`
	/// of its rate. `0` (rejected by `validate`) is read as "never halve".
	pub halving_interval: BlockNumber,
	/// Blocks per month. `0` (rejected by `validate`) is read as "emit nothing".
	pub blocks_per_month: BlockNumber,
}

impl EmissionSchedule {
	/// GYM chain's schedule: 100M GYM over months 1–3, 75M over months 4–6,
	/// 50M a month in months 7–12, then 40M, 30M, 20M and 10M a month in
	/// years 2 to 5, and a tail of 10M a month; halving every 10,000,000
	/// blocks; 432,000-block months.
	pub const fn gym() -> Self {
		const M: Balance = 1_000_000 * GYM;
		EmissionSchedule {
			phases: [
				Phase { months: 3, total: 100 * M },
				Phase { months: 3, total: 75 * M },
				Phase { months: 6, total: 6 * 50 * M },
				Phase { months: 12, total: 12 * 40 * M },
				Phase { months: 12, total: 12 * 30 * M },
				Phase { months: 12, total: 12 * 20 * M },
				Phase { months: 12, total: 12 * 10 * M },
			],
			tail_per_month: 10 * M,
			halving_interval: 10_000_000,
			blocks_per_month: MONTH,
		}
	}

	/// Checks the bounds governance must respect, in this order:
	///
	/// * `1 <= blocks_per_month <= MAX_BLOCKS_PER_MONTH` (10 × 432,000);
	/// * `halving_interval >= blocks_per_month`;
	/// * every phase has `1 <= months <= MAX_PHASE_MONTHS` (120) and
	///   `total <= HARD_CAP`, checked phase by phase;
	/// * `tail_per_month <= HARD_CAP`;
	/// * the phase totals add up to at most `MAX_PHASE_TOTALS` (10 × `HARD_CAP`).
	///
	/// The first violated bound is returned.
	pub fn validate(&self) -> Result<(), ScheduleError> {
		if self.blocks_per_month == 0 {
			return Err(ScheduleError::BlocksPerMonthZero);
		}
		if self.blocks_per_month > MAX_BLOCKS_PER_MONTH {
			return Err(ScheduleError::BlocksPerMonthTooLarge);
		}
		if self.halving_interval < self.blocks_per_month {
			return Err(ScheduleError::HalvingIntervalTooShort);
		}
		let mut sum: Balance = 0;
		for (index, phase) in self.phases.iter().enumerate() {
			let phase_index = u8::try_from(index).unwrap_or(u8::MAX);
			if phase.months == 0 {
				return Err(ScheduleError::PhaseEmpty { phase: phase_index });
			}
			if phase.months > MAX_PHASE_MONTHS {
				return Err(ScheduleError::PhaseTooLong { phase: phase_index });
			}
			if phase.total > HARD_CAP {
				return Err(ScheduleError::PhaseTotalAboveHardCap { phase: phase_index });
			}
			sum = sum.saturating_add(phase.total);
		}
		if self.tail_per_month > HARD_CAP {
			return Err(ScheduleError::TailAboveHardCap);
		}
		if sum > MAX_PHASE_TOTALS {
			return Err(ScheduleError::PhaseTotalsTooLarge);
		}
		Ok(())
	}

	/// The month (1-based) of `block` in this schedule's calendar; 0 for block 0.
	///
	/// Month `m` spans `[(m - 1) * blocks_per_month + 1, m * blocks_per_month]`.
	/// Returns 0 when `blocks_per_month` is 0.
	pub fn month_of(&self, block: BlockNumber) -> u32 {
		month_in(block, self.blocks_per_month)
	}

	/// First and last block of month `month` (1-based) in this schedule's
	/// calendar, or `None` for month 0, for `blocks_per_month == 0`, or when
	/// the month does not start within the `u32` block range. The last block
	/// is clamped to `u32::MAX`.
	pub fn month_blocks(&self, month: u32) -> Option<(BlockNumber, BlockNumber)> {
		let bpm = u64::from(self.blocks_per_month);
		if month == 0 || bpm == 0 {
			return None;
		}
		let first = u64::from(month).saturating_sub(1).saturating_mul(bpm).saturating_add(1);
		let last = u64::from(month).saturating_mul(bpm);
		let first = BlockNumber::try_from(first).ok()?;
		let last = BlockNumber::try_from(last).unwrap_or(BlockNumber::MAX);
		Some((first, last))
	}
}

impl Default for EmissionSchedule {
	/// [`EmissionSchedule::gym`].
	fn default() -> Self {
		Self::gym()
	}
}

/// The month (1-based) of `block` in GYM chain's calendar of
/// [`MONTH`] = 432,000-block months; 0 for block 0 (genesis).
///
/// Blocks 1..=432,000 are month 1, block 432,001 starts month 2, and so on.
pub fn month_of(block: BlockNumber) -> u32 {
	month_in(block, MONTH)
}

fn month_in(block: BlockNumber, blocks_per_month: BlockNumber) -> u32 {
	if block == 0 {
		return 0;
	}
	block.saturating_sub(1).checked_div(blocks_per_month).map(|m| m.saturating_add(1)).unwrap_or(0)
}

/// The halving era of `block`: `block / halving_interval`, so the amount of
/// `block` is divided by `2^era` (0 when `halving_interval` is 0).
pub fn halving_era(schedule: &EmissionSchedule, block: BlockNumber) -> u32 {
	block.checked_div(schedule.halving_interval).unwrap_or(0)
}

/// Which phase of `schedule` `block` belongs to: [`SchedulePhase::Genesis`]
/// for block 0, [`SchedulePhase::Phase`] for the finite phases (empty phases
/// are skipped) and [`SchedulePhase::Tail`] after them.
pub fn schedule_phase_of(schedule: &EmissionSchedule, block: BlockNumber) -> SchedulePhase {
	if block == 0 {
		return SchedulePhase::Genesis;
	}
	let block = u64::from(block);
	let bpm = u64::from(schedule.blocks_per_month);
	let mut end: u64 = 0;
	for (index, phase) in schedule.phases.iter().enumerate() {
		end = end.saturating_add(u64::from(phase.months).saturating_mul(bpm));
		if block <= end {
			return SchedulePhase::Phase(u8::try_from(index).unwrap_or(u8::MAX));
		}
	}
	SchedulePhase::Tail
}

/// Planck the schedule emits over blocks `1..=block` (0 for block 0), before
/// the hard cap: the exact closed form of the [module docs](self).
///
/// Never decreases in `block`.
pub fn cumulative(schedule: &EmissionSchedule, block: BlockNumber) -> Balance {
	cumulative_u64(schedule, u64::from(block))
}

/// Planck the schedule emits at `block` alone, before the hard cap:
/// `cumulative(block) − cumulative(block − 1)` (0 for block 0).
pub fn per_block(schedule: &EmissionSchedule, block: BlockNumber) -> Balance {
	match block.checked_sub(1) {
		Some(previous) => {
			cumulative(schedule, block).saturating_sub(cumulative(schedule, previous))
		}
		None => 0,
	}
}

/// Planck the schedule emits over the blocks `(after, upto]`, before the hard
/// cap: `cumulative(upto) − cumulative(after)`, 0 when `upto <= after`.
///
/// Takes `u64` block numbers so callers can pass epoch arithmetic without
/// overflow; blocks beyond `u32::MAX` emit nothing.
pub fn emission_between(schedule: &EmissionSchedule, after: u64, upto: u64) -> Balance {
	if upto <= after {
		return 0;
	}
	cumulative_u64(schedule, upto).saturating_sub(cumulative_u64(schedule, after))
}

/// Planck the schedule emits in month `month` (1-based) of its calendar,
/// before the hard cap (0 for month 0). Handy for a monthly table or plot.
pub fn month_emission(schedule: &EmissionSchedule, month: u32) -> Balance {
	let bpm = u64::from(schedule.blocks_per_month);
	let Some(previous) = month.checked_sub(1) else { return 0 };
	let after = u64::from(previous).saturating_mul(bpm);
	let upto = u64::from(month).saturating_mul(bpm);
	emission_between(schedule, after, upto)
}

/// What the chain may have minted over blocks `1..=block` given `genesis`
/// planck minted at genesis: `min(cumulative(block), HARD_CAP − genesis)`
/// (0 when `genesis >= HARD_CAP`).
///
/// `genesis + capped_cumulative(..)` never exceeds [`HARD_CAP`].
pub fn capped_cumulative(
	schedule: &EmissionSchedule,
	block: BlockNumber,
	genesis: Balance,
) -> Balance {
	cumulative(schedule, block).min(HARD_CAP.saturating_sub(genesis))
}

/// What the chain may mint at `block` alone given `genesis` planck minted at
/// genesis: `capped_cumulative(block) − capped_cumulative(block − 1)`. Zero
/// once the cap is reached.
pub fn capped_per_block(
	schedule: &EmissionSchedule,
	block: BlockNumber,
	genesis: Balance,
) -> Balance {
	match block.checked_sub(1) {
		Some(previous) => capped_cumulative(schedule, block, genesis)
			.saturating_sub(capped_cumulative(schedule, previous, genesis)),
		None => 0,
	}
}

/// Budget of epoch `epoch_index` (0-based) of `epoch_length` blocks.
///
/// Epoch `e` covers the blocks `[e * epoch_length + 1, (e + 1) * epoch_length]`;
/// its budget is what the schedule emits over them,
/// `cumulative((e + 1) * len) − cumulative(e * len)`, clamped to
/// `HARD_CAP − already_minted_total` (everything minted so far, genesis
/// included). Blocks beyond `u32::MAX` emit nothing; an `epoch_length` of 0
/// gives 0. Never panics or overflows.
pub fn epoch_budget(
	schedule: &EmissionSchedule,
	epoch_index: u64,
	epoch_length: BlockNumber,
	already_minted_total: Balance,
) -> Balance {
	let length = u64::from(epoch_length);
	let after = epoch_index.saturating_mul(length);
	let upto = epoch_index.saturating_add(1).saturating_mul(length);
	emission_between(schedule, after, upto).min(HARD_CAP.saturating_sub(already_minted_total))
}

/// The first block `b` with `genesis + cumulative(b) >= HARD_CAP`, i.e. the
/// block at which the hard cap is reached (block 0 if `genesis` alone
/// reaches it), or `None` if that does not happen within the `u32` block
/// range. A binary search over the monotone [`cumulative`].
///
/// For [`EmissionSchedule::gym`] and the dev accounts' 6,000,000 GYM this is
/// block 11,981,869, in month 28 (year 3).
pub fn cap_reached_at(schedule: &EmissionSchedule, genesis: Balance) -> Option<BlockNumber> {
	// The schedule's share of the cap.
	let room = HARD_CAP.saturating_sub(genesis);
	if room == 0 {
		return Some(0);
	}
	let reached = |block: BlockNumber| cumulative(schedule, block) >= room;
	if !reached(BlockNumber::MAX) {
		return None;
	}
	// Invariant: `!reached(low)` (cumulative(0) = 0 < room) and `reached(high)`.
	let (mut low, mut high): (BlockNumber, BlockNumber) = (0, BlockNumber::MAX);
	while high.saturating_sub(low) > 1 {
		let middle = low.saturating_add(high.saturating_sub(low) / 2);
		if reached(middle) {
			high = middle;
		} else {
			low = middle;
		}
	}
	Some(high)
}

/// `cumulative` for a `u64` block number; blocks beyond `u32::MAX` emit nothing.
fn cumulative_u64(schedule: &EmissionSchedule, block: u64) -> Balance {
	let block = block.min(u64::from(BlockNumber::MAX));
	let bpm = u64::from(schedule.blocks_per_month);
	let interval = u64::from(schedule.halving_interval);
	let mut total: Balance = 0;
	// Blocks before the current phase; the phase covers `(start, start + length]`.
	let mut start: u64 = 0;
	for phase in schedule.phases.iter() {
		if block <= start {
			return total;
		}
		let length = u64::from(phase.months).saturating_mul(bpm);
		let end = start.saturating_add(length).min(block);
		let emitted = halved_sum(interval, start, end, |k| mul_div_floor(phase.total, k, length));
		total = total.saturating_add(emitted);
		start = start.saturating_add(length);
	}
	if block > start {
		let tail = schedule.tail_per_month;
		let emitted = halved_sum(interval, start, block, |k| mul_div_floor(tail, k, bpm));
		total = total.saturating_add(emitted);
	}
	total
}

/// Σ over the halving eras intersecting the blocks `(start, end]` of a phase
/// starting after block `start` of `(F(k_last) − F(k_first − 1)) >> era`,
/// where `F(k)` is what the phase emits over its first `k` blocks.
fn halved_sum(interval: u64, start: u64, end: u64, f: impl Fn(u64) -> Balance) -> Balance {
	let mut sum: Balance = 0;
	let mut first = start.saturating_add(1);
	while first <= end {
		let era = first.checked_div(interval).unwrap_or(0);
		if era >= u64::from(MAX_HALVINGS) {
			// Eras only grow from here on: nothing more is emitted.
			break;
		}
		let era_last = match interval {
			0 => u64::MAX,
			_ => era.saturating_add(1).saturating_mul(interval).saturating_sub(1),
		};
		let last = era_last.min(end);
		let amount = f(last.saturating_sub(start))
			.saturating_sub(f(first.saturating_sub(1).saturating_sub(start)));
		let shift = u32::try_from(era).unwrap_or(u32::MAX);
		sum = sum.saturating_add(amount.checked_shr(shift).unwrap_or(0));
		if last == u64::MAX {
			break;
		}
		// `last >= first` (`era_last >= first` by the choice of `era`), so this
		// strictly advances.
		first = last.saturating_add(1);
	}
	sum
}

/// `floor(a * k / l)`, exact whenever the result fits in a `u128` (it
/// saturates otherwise); 0 when `l` is 0.
///
/// With `a = q * l + r`: `a * k / l = q * k + r * k / l`, and `r * k` fits
/// since `r < l <= u64::MAX` and `k <= u64::MAX`.
fn mul_div_floor(a: Balance, k: u64, l: u64) -> Balance {
	let (k, l) = (u128::from(k), u128::from(l));
	let (Some(q), Some(r)) = (a.checked_div(l), a.checked_rem(l)) else { return 0 };
	q.saturating_mul(k).saturating_add(r.saturating_mul(k).checked_div(l).unwrap_or(0))
}

pub use scale_enums::{ScheduleError, SchedulePhase};

/// The enums of this module with data-carrying variants. parity-scale-codec's
/// `Encode` derive writes such a variant's index as `index as u8` without
/// allowing clippy's `cast_possible_truncation` (its `Decode` derive allows
/// it), so only this module allows the lint; it holds nothing else.
#[allow(clippy::cast_possible_truncation)]
mod scale_enums {
	use super::*;

	/// Why [`EmissionSchedule::validate`] rejected a schedule.
	///
	/// `phase` fields are 0-based indices into [`EmissionSchedule::phases`].
	#[derive(
		Clone,
		Copy,
		PartialEq,
		Eq,
		Debug,
		Encode,
		Decode,
		DecodeWithMemTracking,
		MaxEncodedLen,
		TypeInfo,
	)]
	pub enum ScheduleError {
		/// `blocks_per_month` is 0.
		BlocksPerMonthZero,
		/// `blocks_per_month` is above [`MAX_BLOCKS_PER_MONTH`].
		BlocksPerMonthTooLarge,
		/// `halving_interval` is shorter than `blocks_per_month`.
		HalvingIntervalTooShort,
		/// A phase has 0 months.
		PhaseEmpty {
			/// Index of the offending phase.
			phase: u8,
		},
		/// A phase is longer than [`MAX_PHASE_MONTHS`].
		PhaseTooLong {
			/// Index of the offending phase.
			phase: u8,
		},
		/// A phase total is above [`HARD_CAP`].
		PhaseTotalAboveHardCap {
			/// Index of the offending phase.
			phase: u8,
		},
		/// `tail_per_month` is above [`HARD_CAP`].
		TailAboveHardCap,
		/// The phase totals add up to more than [`MAX_PHASE_TOTALS`].
		PhaseTotalsTooLarge,
	}

	/// Where a block sits in the schedule (see [`schedule_phase_of`]).
	#[derive(
		Clone,
		Copy,
		PartialEq,
		Eq,
		Debug,
		Encode,
		Decode,
		DecodeWithMemTracking,
		MaxEncodedLen,
		TypeInfo,
	)]
	pub enum SchedulePhase {
		/// Block 0, which emits nothing.
		Genesis,
		/// One of the finite phases; 0-based index into [`EmissionSchedule::phases`].
		Phase(u8),
		/// After the finite phases: `tail_per_month` per month, forever.
		Tail,
	}
}

/// Most points one schedule query returns (`gym_emissionSchedule`).
pub const MAX_SCHEDULE_POINTS: u32 = 1_000;

/// `points` evenly spaced blocks from `from` to `to`, both included (at most
/// [`MAX_SCHEDULE_POINTS`]; empty if `from > to` or `points == 0`): the one
/// definition of the spacing, shared by the runtime API and tests.
pub fn sample_blocks(from: BlockNumber, to: BlockNumber, points: u32) -> Vec<BlockNumber> {
	let Some(span) = to.checked_sub(from) else { return Vec::new() };
	if points == 0 {
		return Vec::new();
	}
	// `span + 1` blocks exist; computed in u64, as `u32::MAX + 1` wraps in u32.
	let span = u64::from(span);
	let points = u64::from(points.min(MAX_SCHEDULE_POINTS)).min(span.saturating_add(1));
	let steps = points.saturating_sub(1);
	(0..points)
		.map(|i| {
			let offset = span.saturating_mul(i).checked_div(steps).unwrap_or_default();
			from.saturating_add(BlockNumber::try_from(offset).unwrap_or(BlockNumber::MAX))
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn samples_include_both_ends_evenly() {
		assert_eq!(sample_blocks(0, 100, 5), vec![0, 25, 50, 75, 100]);
		assert_eq!(sample_blocks(7, 7, 3), vec![7]);
		assert_eq!(sample_blocks(1, 3, 10), vec![1, 2, 3]);
		assert!(sample_blocks(5, 4, 3).is_empty());
		assert!(sample_blocks(0, 10, 0).is_empty());
		assert_eq!(sample_blocks(0, u32::MAX, 2), vec![0, u32::MAX]);
		assert_eq!(sample_blocks(0, u32::MAX, 5000).len(), MAX_SCHEDULE_POINTS as usize);
	}
	use crate::{DEV_ENDOWMENT, YEAR};
	use proptest::prelude::*;

	const M_GYM: Balance = 1_000_000 * GYM;
	const DEV_GENESIS: Balance = 6 * DEV_ENDOWMENT;

	fn gym() -> EmissionSchedule {
		EmissionSchedule::gym()
	}

	/// Block-by-block reference over a small range: Σ per_block.
	fn sum_per_block(s: &EmissionSchedule, after: BlockNumber, upto: BlockNumber) -> Balance {
		(after + 1..=upto).map(|b| per_block(s, b)).sum()
	}

	#[test]
	fn gym_schedule_is_valid_and_default() {
		assert_eq!(gym().validate(), Ok(()));
		assert_eq!(EmissionSchedule::default(), gym());
		let sum: Balance = gym().phases.iter().map(|p| p.total).sum();
		assert_eq!(sum, 1_675 * M_GYM);
	}

	#[test]
	fn genesis_block_emits_nothing() {
		assert_eq!(cumulative(&gym(), 0), 0);
		assert_eq!(per_block(&gym(), 0), 0);
		assert_eq!(capped_per_block(&gym(), 0, DEV_GENESIS), 0);
		assert_eq!(month_of(0), 0);
		assert_eq!(schedule_phase_of(&gym(), 0), SchedulePhase::Genesis);
	}

	#[test]
	fn first_block() {
		// floor(100,000,000 * 10^18 / 1,296,000) = floor(10^26 / 1,296,000).
		let expected: Balance = 77_160_493_827_160_493_827;
		assert_eq!(expected, 100 * M_GYM / (3 * MONTH as Balance));
		assert_eq!(per_block(&gym(), 1), expected);
		assert_eq!(cumulative(&gym(), 1), expected);
		assert_eq!(month_of(1), 1);
		assert_eq!(schedule_phase_of(&gym(), 1), SchedulePhase::Phase(0));
	}

	#[test]
	fn phase_totals_are_exact_to_the_planck() {
		let s = gym();
		assert_eq!(cumulative(&s, 3 * MONTH), 100 * M_GYM);
		assert_eq!(cumulative(&s, 6 * MONTH), 175 * M_GYM);
		assert_eq!(cumulative(&s, YEAR), 475 * M_GYM);
		assert_eq!(schedule_phase_of(&s, 3 * MONTH), SchedulePhase::Phase(0));
		assert_eq!(schedule_phase_of(&s, 3 * MONTH + 1), SchedulePhase::Phase(1));
		assert_eq!(schedule_phase_of(&s, YEAR), SchedulePhase::Phase(2));
		assert_eq!(schedule_phase_of(&s, YEAR + 1), SchedulePhase::Phase(3));
		assert_eq!(schedule_phase_of(&s, 5 * YEAR), SchedulePhase::Phase(6));
		assert_eq!(schedule_phase_of(&s, 5 * YEAR + 1), SchedulePhase::Tail);
		// Month 7..12 each emit exactly 50M.
		for month in 7..=12 {
			assert_eq!(month_emission(&s, month), 50 * M_GYM, "month {month}");
		}
	}

	#[test]
	fn first_block_of_year_two() {
		let s = gym();
		// The last block of phase 3 takes the rounding remainder:
		// 300M GYM / 2,592,000 = 115,740,740,740,740,740,740.74… planck.
		assert_eq!(per_block(&s, YEAR), 115_740_740_740_740_740_741);
		// 40M GYM / 432,000 = 92,592,592,592,592,592,592.59… planck.
		assert_eq!(per_block(&s, YEAR + 1), 92_592_592_592_592_592_592);
		assert_eq!(cumulative(&s, YEAR + 1), 475 * M_GYM + 92_592_592_592_592_592_592);
		assert_eq!(month_of(YEAR), 12);
		assert_eq!(month_of(YEAR + 1), 13);
	}

	#[test]
	fn first_halving_at_block_ten_million() {
		let s = gym();
		assert_eq!(month_of(10_000_000), 24);
		assert_eq!(halving_era(&s, 9_999_999), 0);
		assert_eq!(halving_era(&s, 10_000_000), 1);
		// Year 2 so far: 475M + 40M * (9,999,999 − 5,184,000) / 432,000, floored.
		let before = 475 * M_GYM + 40 * M_GYM * (9_999_999 - YEAR) as Balance / MONTH as Balance;
		assert_eq!(cumulative(&s, 9_999_999), before);
		assert_eq!(before, 920_925_833_333_333_333_333_333_333);
		assert_eq!(per_block(&s, 9_999_999), 92_592_592_592_592_592_593);
		// From block 10,000,000 on the era-1 segment is halved as a whole:
		// (F(k) − F(4,815,999)) >> 1, with F the year-2 phase's F.
		assert_eq!(per_block(&s, 10_000_000), 46_296_296_296_296_296_296);
		assert_eq!(per_block(&s, 10_000_001), 46_296_296_296_296_296_296);
		assert_eq!(per_block(&s, 10_000_002), 46_296_296_296_296_296_297);
		assert_eq!(cumulative(&s, 10_000_001), 920_925_925_925_925_925_925_925_925);
	}

	#[test]
	fn end_of_year_two() {
		let s = gym();
		// 475M + 40M * 4,815,999 / 432,000 (era 0) + (40M * 368,001 / 432,000) / 2 (era 1).
		let era0 = 40 * M_GYM * (10_000_000 - 1 - YEAR) as Balance / MONTH as Balance;
		let f_end = 480 * M_GYM;
		let era1 = (f_end - era0) / 2;
		let expected = 475 * M_GYM + era0 + era1;
		assert_eq!(expected, 937_962_916_666_666_666_666_666_666);
		assert_eq!(cumulative(&s, 2 * YEAR), expected);
		// Months 25..=36 (year 3): 30M halved, exactly 15M each.
		for month in 25..=36 {
			assert_eq!(month_emission(&s, month), 15 * M_GYM, "month {month}");
		}
	}

	#[test]
	fn cap_with_dev_genesis_is_reached_in_month_28() {
		let s = gym();
		let room = HARD_CAP - DEV_GENESIS;
		let block = cap_reached_at(&s, DEV_GENESIS).expect("the schedule exceeds the cap");
		let month = month_of(block);
		println!("cap reached with 6M GYM genesis at block {block}, month {month}");
		assert_eq!(block, 11_981_869);
		assert_eq!(month, 28);
		assert!((25..=36).contains(&month), "year 3");
		// Hand check: after year 2 there are 994M − 937,962,916.67M GYM = 56,037,083.33 GYM
		// left, at 15M GYM a month: 3.7358 months into year 3, i.e. month 28.
		assert!(cumulative(&s, block) >= room);
		assert!(cumulative(&s, block - 1) < room);
		assert_eq!(cumulative(&s, block - 1), room - 1);
		assert_eq!(capped_cumulative(&s, block, DEV_GENESIS), room);
		assert_eq!(capped_cumulative(&s, block - 1, DEV_GENESIS), room - 1);
		// The cap block gets the one planck left, then nothing.
		assert_eq!(capped_per_block(&s, block, DEV_GENESIS), 1);
		assert_eq!(capped_per_block(&s, block + 1, DEV_GENESIS), 0);
		for b in [block, block + 1, 2 * block, 3 * YEAR, 5 * YEAR, BlockNumber::MAX] {
			assert!(capped_cumulative(&s, b, DEV_GENESIS) <= room);
			assert_eq!(capped_cumulative(&s, b, DEV_GENESIS), room);
		}
		// Without genesis the cap is reached a month later.
		assert_eq!(cap_reached_at(&s, 0), Some(12_154_669));
		assert_eq!(month_of(12_154_669), 29);
	}

	#[test]
	fn cap_reached_edge_cases() {
		let s = gym();
		assert_eq!(cap_reached_at(&s, HARD_CAP), Some(0));
		assert_eq!(cap_reached_at(&s, Balance::MAX), Some(0));
		assert_eq!(cap_reached_at(&s, HARD_CAP - 1), Some(1));
		// A schedule that never reaches the cap.
		let mut small = s;
		for phase in small.phases.iter_mut() {
			phase.total = GYM;
		}
		small.tail_per_month = 0;
		assert_eq!(small.validate(), Ok(()));
		assert_eq!(cap_reached_at(&small, 0), None);
		// 3 GYM in year 1, ≈ 0.96 GYM in year 2 (halved from block 10,000,000), 0.5 GYM in
		// year 3, ≈ 0.47 GYM in year 4 (halved again from block 20,000,000), 0.25 GYM in year 5.
		assert_eq!(cumulative(&small, BlockNumber::MAX), 5_179_012_201_003_086_418);
	}

	#[test]
	fn far_future() {
		let s = gym();
		let last = BlockNumber::MAX;
		assert_eq!(month_of(last), 9_943);
		assert_eq!(schedule_phase_of(&s, last), SchedulePhase::Tail);
		// Era 429: the tail (≈ 2.3 · 10^19 planck a block) is shifted to nothing.
		assert_eq!(halving_era(&s, last), 429);
		assert_eq!(per_block(&s, last), 0);
		let total = cumulative(&s, last);
		assert_eq!(total, 1_340_925_862_268_518_518_518_518_476);
		assert!(total < 2 * HARD_CAP);
		// Per-block amounts in the tail keep halving and are sane.
		let tail_rate = 10 * M_GYM / MONTH as Balance;
		let b = 5 * YEAR + 1; // era 2
		assert_eq!(halving_era(&s, b), 2);
		assert!(per_block(&s, b) <= tail_rate / 4 + 1);
		assert!(per_block(&s, b) >= tail_rate / 4);
		// Clamped emission is zero long after the cap.
		assert_eq!(capped_per_block(&s, last, DEV_GENESIS), 0);
		assert_eq!(capped_per_block(&s, 3 * YEAR, DEV_GENESIS), 0);
		assert_eq!(capped_cumulative(&s, last, DEV_GENESIS), HARD_CAP - DEV_GENESIS);
	}

	#[test]
	fn epoch_budgets() {
		let s = gym();
		// Epoch length 600: epoch 0 is blocks 1..=600 = floor(10^26 * 600 / 1,296,000).
		let e0 = epoch_budget(&s, 0, 600, DEV_GENESIS);
		assert_eq!(e0, 46_296_296_296_296_296_296_296);
		assert_eq!(e0, 100 * M_GYM * 600 / (3 * MONTH as Balance));
		assert_eq!(epoch_budget(&s, 1, 600, DEV_GENESIS), 46_296_296_296_296_296_296_296);
		assert_eq!(
			epoch_budget(&s, 0, 600, DEV_GENESIS) + epoch_budget(&s, 1, 600, DEV_GENESIS),
			cumulative(&s, 1_200)
		);
		// 2,160 epochs of 600 blocks are phase 1: epoch 2,159 ends at block 1,296,000.
		let last_of_phase1 = epoch_budget(&s, 2_159, 600, DEV_GENESIS);
		assert_eq!(last_of_phase1, 100 * M_GYM - cumulative(&s, 3 * MONTH - 600));
		// Epoch length 10: epoch 999,999 is blocks 9,999,991..=10,000,000, across the halving.
		let across = epoch_budget(&s, 999_999, 10, DEV_GENESIS);
		assert_eq!(across, 879_629_629_629_629_629_629);
		assert_eq!(across, sum_per_block(&s, 9_999_990, 10_000_000));
		assert_eq!(epoch_budget(&s, 1_000_000, 10, DEV_GENESIS), 462_962_962_962_962_962_963);
		// The cap clamps the budget to what is left.
		assert_eq!(epoch_budget(&s, 0, 600, HARD_CAP - 5), 5);
		assert_eq!(epoch_budget(&s, 0, 600, HARD_CAP), 0);
		assert_eq!(epoch_budget(&s, 0, 600, Balance::MAX), 0);
		// Degenerate inputs never panic.
		assert_eq!(epoch_budget(&s, 0, 0, 0), 0);
		assert_eq!(epoch_budget(&s, u64::MAX, 600, 0), 0);
		assert_eq!(epoch_budget(&s, u64::MAX, BlockNumber::MAX, 0), 0);
		assert_eq!(epoch_budget(&s, 1, BlockNumber::MAX, 0), 0);
		// One epoch spanning every block: the whole schedule (≈ 1.34B GYM), clamped to the cap.
		assert!(cumulative(&s, BlockNumber::MAX) > HARD_CAP);
		assert_eq!(epoch_budget(&s, 0, BlockNumber::MAX, 0), HARD_CAP);
		assert_eq!(epoch_budget(&s, 0, BlockNumber::MAX, HARD_CAP - 10 * M_GYM), 10 * M_GYM);
		// The epoch holding u32::MAX is clamped to it.
		let len = 1_000;
		let e = u64::from(BlockNumber::MAX) / len;
		assert_eq!(
			epoch_budget(&s, e, len as BlockNumber, 0),
			emission_between(&s, e * len, u64::from(BlockNumber::MAX))
		);
	}

	#[test]
	fn month_helpers() {
		let s = gym();
		assert_eq!(month_of(MONTH), 1);
		assert_eq!(month_of(MONTH + 1), 2);
		assert_eq!(s.month_of(2 * MONTH), 2);
		assert_eq!(s.month_blocks(1), Some((1, MONTH)));
		assert_eq!(s.month_blocks(13), Some((YEAR + 1, YEAR + MONTH)));
		assert_eq!(s.month_blocks(0), None);
		assert_eq!(s.month_blocks(9_943), Some((9_942 * MONTH + 1, BlockNumber::MAX)));
		assert_eq!(s.month_blocks(9_944), None);
		assert_eq!(month_emission(&s, 0), 0);
		assert_eq!(month_emission(&s, 4), 25 * M_GYM);
		// Month 24 holds the first halving.
		let m24 = month_emission(&s, 24);
		assert_eq!(m24, cumulative(&s, 2 * YEAR) - cumulative(&s, 23 * MONTH));
		assert!(m24 < 40 * M_GYM && m24 > 20 * M_GYM);
		assert_eq!(month_emission(&s, u32::MAX), 0);
	}

	#[test]
	fn validate_rejects_bad_parameters() {
		let ok = gym();
		let with = |f: &dyn Fn(&mut EmissionSchedule)| {
			let mut s = ok;
			f(&mut s);
			s.validate()
		};
		assert_eq!(with(&|s| s.blocks_per_month = 0), Err(ScheduleError::BlocksPerMonthZero));
		assert_eq!(
			with(&|s| s.blocks_per_month = MAX_BLOCKS_PER_MONTH + 1),
			Err(ScheduleError::BlocksPerMonthTooLarge)
		);
		assert_eq!(
			with(&|s| {
				s.blocks_per_month = MAX_BLOCKS_PER_MONTH;
				s.halving_interval = MAX_BLOCKS_PER_MONTH;
			}),
			Ok(())
		);
		assert_eq!(
			with(&|s| s.halving_interval = MONTH - 1),
			Err(ScheduleError::HalvingIntervalTooShort)
		);
		assert_eq!(with(&|s| s.halving_interval = 0), Err(ScheduleError::HalvingIntervalTooShort));
		assert_eq!(with(&|s| s.phases[2].months = 0), Err(ScheduleError::PhaseEmpty { phase: 2 }));
		assert_eq!(
			with(&|s| s.phases[6].months = MAX_PHASE_MONTHS + 1),
			Err(ScheduleError::PhaseTooLong { phase: 6 })
		);
		assert_eq!(with(&|s| s.phases[6].months = MAX_PHASE_MONTHS), Ok(()));
		assert_eq!(
			with(&|s| s.phases[0].total = HARD_CAP + 1),
			Err(ScheduleError::PhaseTotalAboveHardCap { phase: 0 })
		);
		assert_eq!(
			with(&|s| s.tail_per_month = HARD_CAP + 1),
			Err(ScheduleError::TailAboveHardCap)
		);
		assert_eq!(
			with(&|s| s.phases.iter_mut().for_each(|p| p.total = HARD_CAP)),
			Ok(()),
			"7 × HARD_CAP is within 10 × HARD_CAP"
		);
		assert_eq!(
			with(&|s| {
				s.phases.iter_mut().for_each(|p| p.total = HARD_CAP);
				s.phases.iter_mut().for_each(|p| p.months = 1);
			}),
			Ok(())
		);
		// The sum bound is unreachable with 7 phases each ≤ HARD_CAP; it guards
		// a larger PHASES.
		assert!(PHASES as Balance * HARD_CAP <= MAX_PHASE_TOTALS);
	}

	#[test]
	fn codec_round_trip_and_max_len() {
		use codec::{Decode, Encode, MaxEncodedLen};
		let s = gym();
		let bytes = s.encode();
		assert_eq!(bytes.len(), EmissionSchedule::max_encoded_len());
		assert_eq!(bytes.len(), 7 * (4 + 16) + 16 + 4 + 4);
		assert_eq!(EmissionSchedule::decode(&mut &bytes[..]), Ok(s));
		let e = ScheduleError::PhaseTooLong { phase: 3 };
		assert_eq!(ScheduleError::decode(&mut &e.encode()[..]), Ok(e));
	}

	#[test]
	fn degenerate_schedules_never_panic() {
		let mut s = gym();
		s.blocks_per_month = 0;
		assert_eq!(cumulative(&s, BlockNumber::MAX), 0);
		assert_eq!(month_of(5), 1);
		assert_eq!(s.month_of(5), 0);
		assert_eq!(cap_reached_at(&s, 0), None);
		let mut s = gym();
		s.halving_interval = 0; // read as "never halve"
		assert_eq!(halving_era(&s, BlockNumber::MAX), 0);
		assert_eq!(cumulative(&s, 5 * YEAR), 1_675 * M_GYM);
		let mut s = gym();
		s.halving_interval = 1;
		s.blocks_per_month = 1;
		s.phases.iter_mut().for_each(|p| {
			p.months = u32::MAX;
			p.total = Balance::MAX;
		});
		s.tail_per_month = Balance::MAX;
		let _ = cumulative(&s, BlockNumber::MAX);
		let _ = per_block(&s, BlockNumber::MAX);
		let _ = cap_reached_at(&s, 0);
		let _ = epoch_budget(&s, u64::MAX, BlockNumber::MAX, 0);
		assert_eq!(schedule_phase_of(&s, BlockNumber::MAX), SchedulePhase::Phase(0));
		let mut s = gym();
		s.halving_interval = BlockNumber::MAX;
		s.tail_per_month = Balance::MAX;
		s.phases.iter_mut().for_each(|p| p.total = Balance::MAX);
		assert_eq!(cumulative(&s, BlockNumber::MAX), Balance::MAX);
		assert_eq!(mul_div_floor(Balance::MAX, u64::MAX, u64::MAX), Balance::MAX);
		assert_eq!(mul_div_floor(Balance::MAX, u64::MAX, 1), Balance::MAX);
		assert_eq!(mul_div_floor(7, 3, 0), 0);
	}

	/// A random schedule within `validate`'s bounds, with short months so
	/// that the random ranges below cross phase and era boundaries often.
	fn valid_schedule() -> impl Strategy<Value = EmissionSchedule> {
		(proptest::array::uniform7((1u32..=6, 0..=HARD_CAP)), 0..=HARD_CAP, 1u32..=2_000, 1u32..=20)
			.prop_map(|(phases, tail, bpm, interval_months)| EmissionSchedule {
				phases: phases.map(|(months, total)| Phase { months, total }),
				tail_per_month: tail,
				halving_interval: bpm * interval_months,
				blocks_per_month: bpm,
			})
	}

	/// Interesting places of the GYM schedule to start a random range at.
	fn gym_block() -> impl Strategy<Value = BlockNumber> {
		prop_oneof![
			0..=20_000u32,
			(3 * MONTH - 5_000)..=(3 * MONTH + 5_000),
			(YEAR - 5_000)..=(YEAR + 5_000),
			(10_000_000u32 - 5_000)..=(10_000_000 + 5_000),
			(11_981_869u32 - 5_000)..=(11_981_869 + 5_000),
			(20_000_000u32 - 5_000)..=(20_000_000 + 5_000),
			any::<u32>(),
			(BlockNumber::MAX - 5_000)..=BlockNumber::MAX,
		]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(256))]

		#[test]
		fn per_block_sums_to_cumulative(a in gym_block(), len in 0u32..=5_000) {
			let s = gym();
			let b = a.saturating_add(len);
			prop_assert_eq!(sum_per_block(&s, a, b), cumulative(&s, b) - cumulative(&s, a));
		}

		#[test]
		fn per_block_sums_to_cumulative_any_valid_schedule(
			s in valid_schedule(),
			a in 0u32..=100_000,
			len in 0u32..=3_000,
		) {
			prop_assert_eq!(s.validate(), Ok(()));
			let b = a + len;
			prop_assert_eq!(sum_per_block(&s, a, b), cumulative(&s, b) - cumulative(&s, a));
		}

		#[test]
		fn un_halved_phase_totals_are_exact(s in valid_schedule()) {
			let mut s = s;
			s.halving_interval = BlockNumber::MAX;
			let mut end = 0u32;
			let mut expected: Balance = 0;
			for phase in s.phases {
				end += phase.months * s.blocks_per_month;
				expected += phase.total;
				prop_assert_eq!(cumulative(&s, end), expected);
			}
			// Every tail month emits exactly `tail_per_month`.
			let month = s.month_of(end) + 3;
			prop_assert_eq!(month_emission(&s, month), s.tail_per_month);
		}

		#[test]
		fn cumulative_never_decreases(a in any::<u32>(), b in any::<u32>()) {
			let s = gym();
			let (a, b) = (a.min(b), a.max(b));
			prop_assert!(cumulative(&s, a) <= cumulative(&s, b));
		}

		#[test]
		fn cumulative_never_decreases_any_valid_schedule(
			s in valid_schedule(),
			a in any::<u32>(),
			b in any::<u32>(),
		) {
			let (a, b) = (a.min(b), a.max(b));
			prop_assert!(cumulative(&s, a) <= cumulative(&s, b));
			prop_assert!(cumulative(&s, a / 1_000) <= cumulative(&s, b / 1_000));
		}

		#[test]
		fn capped_cumulative_stays_under_the_cap(
			block in any::<u32>(),
			genesis in prop_oneof![0..=HARD_CAP, Just(DEV_GENESIS), any::<u128>()],
		) {
			let s = gym();
			let capped = capped_cumulative(&s, block, genesis);
			prop_assert!(capped <= HARD_CAP.saturating_sub(genesis));
			prop_assert!(capped <= cumulative(&s, block));
			if genesis < HARD_CAP {
				prop_assert!(genesis + capped <= HARD_CAP);
			}
		}

		#[test]
		fn cap_reached_at_is_the_first_block_over(genesis in 0..=HARD_CAP) {
			let s = gym();
			let block = cap_reached_at(&s, genesis);
			prop_assert!(block.is_some());
			let block = block.unwrap_or_default();
			prop_assert!(genesis + cumulative(&s, block) >= HARD_CAP);
			if block > 0 {
				prop_assert!(genesis + cumulative(&s, block - 1) < HARD_CAP);
			}
		}

		#[test]
		fn epoch_budgets_add_up_to_the_schedule(
			first in 0u64..=10_000,
			count in 1u64..=50,
			len in 1u32..=1_000,
		) {
			let s = gym();
			// Up to block 10,050,000: below the cap block 11,981,869 of the dev
			// genesis, so no clamp binds.
			let after = first * u64::from(len);
			let upto = (first + count) * u64::from(len);
			let mut minted = DEV_GENESIS + emission_between(&s, 0, after);
			let mut sum: Balance = 0;
			for e in first..first + count {
				let budget = epoch_budget(&s, e, len, minted);
				minted += budget;
				sum += budget;
			}
			prop_assert_eq!(sum, emission_between(&s, after, upto));
			let (after, upto) = (after as BlockNumber, upto as BlockNumber);
			prop_assert_eq!(sum, cumulative(&s, upto) - cumulative(&s, after));
		}

		#[test]
		fn epoch_budget_respects_the_cap(
			e in any::<u64>(),
			len in any::<u32>(),
			minted in any::<u128>(),
		) {
			let s = gym();
			prop_assert!(epoch_budget(&s, e, len, minted) <= HARD_CAP.saturating_sub(minted));
		}
	}
}
