//! # GYM compute mining math
//!
//! Pure functions and plain types of the seed's "Compute Mining", "Quality
//! Metrics", "Hardware Tier" and "Slashing Conditions": how a validation
//! report becomes a quality, how reports are combined, what a worker earns in
//! an epoch, how the difficulty scales rewards into the epoch's budget, and
//! how unscheduled downtime is counted. `pallet-compute-mining`, its runtime
//! API, the node's worker and the tests all use these.
//!
//! ## Units
//!
//! Measurements (losses, gradient-norm variance) are fixed point in
//! millionths ([`Micro`]): `1.25` is `1_250_000`. A quality is a bonus in
//! millionths ([`Quality`]): `1_000_000` is +100%, i.e. a reward factor of
//! `1 + quality = 2.0`.
//!
//! ## The reward of one worker in one epoch
//!
//! ```text
//! unadjusted = 1000 GYM × (1 + quality) × stake_boost × hardware × availability
//! paid       = unadjusted × min(1, epoch budget / Σ unadjusted of every worker)
//! ```
//!
//! computed step by step, each step rounded down ([`unadjusted_reward`],
//! [`apply_difficulty`]), so that the sum paid never exceeds the budget.

use crate::{Balance, BlockNumber, GYM};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::One, FixedPointNumber, FixedU128,
	Perbill, Rounding,
};

/// A measurement in millionths: `1_000_000` is 1.0.
pub type Micro = u64;

/// One unit in [`Micro`].
pub const MICRO: Micro = 1_000_000;

/// A delta's quality bonus in millionths: `100_000` is +10%.
pub type Quality = u32;

/// The base reward of a worker with a validated delta in one epoch: 1,000 GYM.
pub const BASE_REWARD: Balance = 1_000 * GYM;

/// Quality per unit of training-loss improvement: a loss drop of 0.01 is
/// +10% quality.
pub const QUALITY_PER_LOSS: u64 = 10;

/// Bonus when the gradient-norm variance is under the job's threshold: +5%,
/// added to a training-loss gain only.
pub const LOW_VARIANCE_BONUS: Quality = 50_000;

/// Bonus when the validation loss improved: +15%, added to a training-loss
/// gain only.
pub const VALIDATION_BONUS: Quality = 150_000;

/// The default cap on a delta's quality: 2.0 (+200%).
pub const DEFAULT_MAX_QUALITY: Quality = 2_000_000;

/// Downtime slash: 0.1% of the stake per full hour of unscheduled missed
/// heartbeats.
pub const DOWNTIME_SLASH_PER_HOUR: Perbill = Perbill::from_parts(1_000_000);

/// Invalid-delta slash: 5% of the stake.
pub const INVALID_DELTA_SLASH: Perbill = Perbill::from_percent(5);

/// Malicious-behaviour slash: 50% of the stake.
pub const MALICIOUS_SLASH: Perbill = Perbill::from_percent(50);

/// Jobs may train the models `0..TRAINABLE_MODELS`: those `gym-trainer`
/// ships (0: spiral perceptron, 1: character-level perceptron, 2: byte-level
/// transformer language model, 3: that network fine-tuned by GSPO on sums,
/// whose reports carry one minus a mean reward as their losses), so every
/// honest orchestrator can evaluate every delta. (Until the model registry:
/// a job on a model no node knows would leave its committees unable to
/// report, and charge them for it.)
pub const TRAINABLE_MODELS: crate::ModelId = 4;

/// Slash of a committee member who did not report by the deadline: 0.1% of
/// its stake, as for an hour of downtime.
pub const MISSED_DUTY_SLASH: Perbill = DOWNTIME_SLASH_PER_HOUR;

/// Slash of an orchestrator on the losing side of a judgement: 5% of its
/// stake.
pub const FALSE_JUDGEMENT_SLASH: Perbill = Perbill::from_percent(5);

/// GPU classes of the seed's hardware tiers.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum GpuClass {
	/// Anything else, CPUs included: 1.0x.
	#[default]
	Other,
	/// NVIDIA RTX 4070: 1.1x.
	Rtx4070,
	/// NVIDIA RTX A6000: 1.1x.
	A6000,
	/// NVIDIA RTX 4080: 1.3x.
	Rtx4080,
	/// NVIDIA A100: 1.3x.
	A100,
	/// NVIDIA RTX 4090: 1.5x.
	Rtx4090,
	/// NVIDIA H100: 1.5x.
	H100,
}

impl GpuClass {
	/// Every class, lowest multiplier first.
	pub const ALL: [GpuClass; 7] = [
		GpuClass::Other,
		GpuClass::Rtx4070,
		GpuClass::A6000,
		GpuClass::Rtx4080,
		GpuClass::A100,
		GpuClass::Rtx4090,
		GpuClass::H100,
	];

	/// The reward multiplier of a verified GPU of this class.
	pub fn multiplier(self) -> FixedU128 {
		match self {
			GpuClass::Rtx4090 | GpuClass::H100 => FixedU128::from_rational(15, 10),
			GpuClass::Rtx4080 | GpuClass::A100 => FixedU128::from_rational(13, 10),
			GpuClass::Rtx4070 | GpuClass::A6000 => FixedU128::from_rational(11, 10),
			GpuClass::Other => FixedU128::one(),
		}
	}
}

/// The hardware multiplier of a worker: its class's while an orchestrator has
/// verified it, 1.0 while unverified.
pub fn hardware_multiplier(verified: Option<GpuClass>) -> FixedU128 {
	verified.map_or(FixedU128::one(), GpuClass::multiplier)
}

/// What an orchestrator found when it fetched and checked a delta.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum DeltaVerdict {
	/// The delta was fetched, hashes to the submitted hash and fits the model.
	#[default]
	Valid,
	/// The served bytes do not hash to the submitted hash (or nothing was
	/// served).
	HashMismatch,
	/// The bytes are not a delta (not safetensors, non-finite values).
	Undecodable,
	/// The tensors do not match the model's parameters.
	WrongShape,
}

impl DeltaVerdict {
	/// Whether the verdict says the delta is corrupt.
	pub fn is_corrupt(self) -> bool {
		self != DeltaVerdict::Valid
	}
}

/// One orchestrator's measurement of a delta, on the job's training batch and
/// held-out validation set, in millionths.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct ValidationReport {
	/// Whether the delta could be checked at all.
	pub verdict: DeltaVerdict,
	/// Training-batch loss of the base checkpoint.
	pub loss_before: Micro,
	/// Training-batch loss with the delta applied.
	pub loss_after: Micro,
	/// Validation loss of the base checkpoint.
	pub val_loss_before: Micro,
	/// Validation loss with the delta applied.
	pub val_loss_after: Micro,
	/// Variance of the gradient norms measured on the training batch.
	pub grad_variance: Micro,
	/// The delta's sketch for the round's seed ([`crate::sketch`]): how the
	/// chain finds near copies. None (all zero) for a corrupt delta.
	pub sketch: crate::sketch::DeltaSketch,
}

/// The training-loss gain a delta is paid for: 0.005 (quality +5%, the
/// default quality tolerance), or a tenth of the loss if that is smaller
/// ([`min_gain`]). A tiny random perturbation of the weights lowers the loss
/// by a hair half of the time; without a floor such a delta, which trains
/// nothing, would take the bonuses and the base reward.
pub const MIN_LOSS_GAIN: Micro = 5_000;

/// The smallest paid gain on a loss of `loss_before`: [`MIN_LOSS_GAIN`], or
/// a tenth of the loss when the loss is under 0.05. A nearly solved task
/// (the spiral at a loss of 0.007) still pays honest progress, which is small
/// in absolute terms there, while noise cannot take a tenth off a loss near
/// its minimum (the first-order gain of a random direction vanishes and the
/// curvature raises the loss).
pub fn min_gain(loss_before: Micro) -> Micro {
	MIN_LOSS_GAIN.min(loss_before / 10)
}

/// The quality one report gives a delta: `10 × (loss_before − loss_after)`,
/// `+ 0.05` if the gradient variance is under `variance_threshold`, `+ 0.15`
/// if the validation loss improved, capped at `max_quality`. The bonuses add
/// to a real gain only: a delta that did not lower the training loss by at
/// least [`min_gain`] gives 0, as does a corrupt verdict, so a delta that
/// trains nothing (all zero, or noise) earns nothing.
pub fn report_quality(
	report: &ValidationReport,
	variance_threshold: Micro,
	max_quality: Quality,
) -> Quality {
	let gained = report.loss_before.saturating_sub(report.loss_after);
	if report.verdict.is_corrupt() || gained == 0 || gained < min_gain(report.loss_before) {
		return 0;
	}
	let gain =
		report.loss_before.saturating_sub(report.loss_after).saturating_mul(QUALITY_PER_LOSS);
	let mut quality = u32::try_from(gain).unwrap_or(u32::MAX);
	if report.grad_variance < variance_threshold {
		quality = quality.saturating_add(LOW_VARIANCE_BONUS);
	}
	if report.val_loss_after < report.val_loss_before {
		quality = quality.saturating_add(VALIDATION_BONUS);
	}
	quality.min(max_quality)
}

/// The median of `values` (sorted in place): the middle value of an odd
/// count, the mean of the two middle values (rounded down) of an even count,
/// `None` for no values.
pub fn median<T: sp_arithmetic::traits::BaseArithmetic + Copy>(values: &mut [T]) -> Option<T> {
	values.sort_unstable();
	let mid = values.len().checked_div(2)?;
	let high = *values.get(mid)?;
	if values.len().checked_rem(2) == Some(1) {
		return Some(high);
	}
	let low = *values.get(mid.checked_sub(1)?)?;
	// The mean of two values rounded down, without overflow: low ≤ high.
	Some(low.saturating_add(high.saturating_sub(low).checked_div(&T::from(2u8))?))
}

/// The final judgement of a delta from its reports.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DeltaJudgement {
	/// More than half of the reports say the delta is corrupt.
	Corrupt,
	/// The median quality over every report (corrupt reports count as 0).
	Quality(Quality),
}

/// Judges a delta: corrupt if more than half of the reports say so (the
/// median verdict), otherwise the median of the reports' qualities. `None`
/// for no reports.
pub fn judge(
	reports: &[ValidationReport],
	variance_threshold: Micro,
	max_quality: Quality,
	scratch: &mut [Quality],
) -> Option<DeltaJudgement> {
	if reports.is_empty() || scratch.len() < reports.len() {
		return None;
	}
	let corrupt = reports.iter().filter(|r| r.verdict.is_corrupt()).count();
	if corrupt.saturating_mul(2) > reports.len() {
		return Some(DeltaJudgement::Corrupt);
	}
	let qualities = scratch.get_mut(..reports.len())?;
	for (q, report) in qualities.iter_mut().zip(reports) {
		*q = report_quality(report, variance_threshold, max_quality);
	}
	median(qualities).map(DeltaJudgement::Quality)
}

/// Whether a miner's claimed quality exceeds the validated one by more than
/// `tolerance` (an invalid delta).
pub fn overclaimed(claimed: Quality, validated: Quality, tolerance: Quality) -> bool {
	claimed > validated.saturating_add(tolerance)
}

/// A worker's availability in an epoch: the share of the epoch's heartbeat
/// slots outside its scheduled downtime (`eligible`) in which it was online.
/// An epoch entirely scheduled away gives 0.
pub fn availability(online: u32, eligible: u32) -> Perbill {
	if eligible == 0 {
		return Perbill::zero();
	}
	Perbill::from_rational(online.min(eligible), eligible)
}

/// A worker's unadjusted reward for an epoch:
/// `1000 GYM × (1 + quality) × boost × hardware × availability`, each
/// multiplication rounded down in that order.
pub fn unadjusted_reward(
	quality: Quality,
	boost: FixedU128,
	hardware: FixedU128,
	availability: Perbill,
) -> Balance {
	// BASE_REWARD is a multiple of 10^6, so this step is exact.
	const BASE_PER_MICRO: Balance = BASE_REWARD / MICRO as Balance;
	let with_quality =
		BASE_PER_MICRO.saturating_mul(u128::from(MICRO).saturating_add(u128::from(quality)));
	let boosted = boost.saturating_mul_int(with_quality);
	let on_hardware = hardware.saturating_mul_int(boosted);
	availability.mul_floor(on_hardware)
}

/// What a worker with `unadjusted` is paid when the epoch's unadjusted
/// rewards add up to `total` and its budget is `budget`:
/// `unadjusted × min(1, budget / total)`, rounded down. Σ paid ≤ budget.
pub fn apply_difficulty(unadjusted: Balance, total: Balance, budget: Balance) -> Balance {
	if total <= budget {
		return unadjusted;
	}
	multiply_by_rational_with_rounding(unadjusted, budget, total, Rounding::Down).unwrap_or(0)
}

/// The difficulty of an epoch, `min(1, budget / total)` (1 with no rewards).
pub fn difficulty(total: Balance, budget: Balance) -> FixedU128 {
	if total <= budget {
		return FixedU128::one();
	}
	FixedU128::checked_from_rational(budget, total).unwrap_or_default()
}

/// A heartbeat slot: slot `s` covers blocks `s × len + 1 ..= (s + 1) × len`.
pub type Slot = u32;

/// The heartbeat slot of `block` with slots of `slot_len` blocks.
pub fn slot_of(block: BlockNumber, slot_len: BlockNumber) -> Slot {
	block.saturating_sub(1).checked_div(slot_len.max(1)).unwrap_or_default()
}

/// A half-open range of slots `[start, end)`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct SlotRange {
	/// The first slot.
	pub start: Slot,
	/// The first slot after the range.
	pub end: Slot,
}

impl SlotRange {
	/// The number of slots.
	pub fn len(&self) -> u32 {
		self.end.saturating_sub(self.start)
	}

	/// Whether the range is empty.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}

	/// Whether `slot` is in the range.
	pub fn contains(&self, slot: Slot) -> bool {
		self.start <= slot && slot < self.end
	}

	/// The number of slots in both ranges.
	pub fn overlap(&self, other: &SlotRange) -> u32 {
		self.end.min(other.end).saturating_sub(self.start.max(other.start))
	}
}

/// The heartbeat slots of the epoch whose blocks are `first ..= last`.
pub fn epoch_slots(first: BlockNumber, last: BlockNumber, slot_len: BlockNumber) -> SlotRange {
	SlotRange { start: slot_of(first, slot_len), end: slot_of(last, slot_len).saturating_add(1) }
}

/// Slots in `range` a worker missed without having scheduled them.
pub fn unscheduled(range: SlotRange, downtime: Option<SlotRange>) -> u32 {
	range.len().saturating_sub(downtime.map_or(0, |d| range.overlap(&d)))
}

/// Downtime to charge for the missed slots `[from, now)`: the full hours of
/// unscheduled missed slots (`slots_per_hour` slots each) and the slot from
/// which the next charge counts. The returned slot `next` satisfies
/// `unscheduled([from, next)) = hours × slots_per_hour` and
/// `unscheduled([next, now)) < slots_per_hour`, so no hour is charged twice
/// and no missed slot is forgiven.
pub fn downtime_hours(
	from: Slot,
	now: Slot,
	downtime: Option<SlotRange>,
	slots_per_hour: u32,
) -> (u32, Slot) {
	let slots_per_hour = slots_per_hour.max(1);
	let missed = unscheduled(SlotRange { start: from, end: now }, downtime);
	let hours = missed.checked_div(slots_per_hour).unwrap_or_default();
	if hours == 0 {
		return (0, from);
	}
	let need = hours.saturating_mul(slots_per_hour);
	let mut next = from.saturating_add(need);
	if let Some(d) = downtime {
		// The scheduled slots between `from` and `next` are skipped over.
		let skipped_from = d.start.max(from);
		if d.end > from && skipped_from < next {
			next = next.saturating_add(d.end.saturating_sub(skipped_from));
		}
	}
	(hours, next.min(now))
}

/// The fraction of stake a downtime slash of `hours` takes: 0.1% per hour, at
/// most 100%.
pub fn downtime_slash(hours: u32) -> Perbill {
	Perbill::from_parts(DOWNTIME_SLASH_PER_HOUR.deconstruct().saturating_mul(hours))
}

/// Draws `k` distinct indices of `weights`, each draw with probability
/// proportional to the weights not yet drawn (sampling without replacement).
/// `random(i)` is the `i`-th uniform random number of the draw. A zero weight
/// is never drawn. `None` if fewer than `k` weights are positive. O(k·n).
pub fn draw_weighted(
	weights: &[u128],
	k: usize,
	mut random: impl FnMut(u32) -> u128,
) -> Option<alloc::vec::Vec<usize>> {
	let mut left: alloc::vec::Vec<u128> = weights.to_vec();
	let mut total = left.iter().fold(0u128, |s, w| s.saturating_add(*w));
	let mut drawn = alloc::vec::Vec::with_capacity(k);
	for draw in 0..k {
		let pick = random(u32::try_from(draw).unwrap_or(u32::MAX)).checked_rem(total)?;
		let mut cumulative = 0u128;
		let index = left.iter().position(|w| {
			cumulative = cumulative.saturating_add(*w);
			*w > 0 && pick < cumulative
		})?;
		let weight = left.get_mut(index)?;
		total = total.saturating_sub(*weight);
		*weight = 0;
		drawn.push(index);
	}
	Some(drawn)
}

/// The votes that carry a committee of `members`: two thirds, rounded up.
pub fn two_thirds(members: u32) -> u32 {
	members.saturating_mul(2).saturating_add(2).checked_div(3).unwrap_or_default()
}

/// The stake-weighted median of `votes` (each a value and its weight): the
/// smallest value such that the votes at or below it hold at least half of
/// the weight cast. `None` if no weight was cast. Sorts `votes` in place.
/// O(v log v).
///
/// If more than half of the weight votes values in a range, the median lies
/// in that range: a minority cannot move it outside what the majority said.
pub fn weighted_median<V: Ord + Copy>(votes: &mut [(V, u128)]) -> Option<V> {
	votes.sort_by_key(|(value, _)| *value);
	let cast = votes.iter().fold(0u128, |s, (_, w)| s.saturating_add(*w));
	if cast == 0 {
		return None;
	}
	let mut cumulative = 0u128;
	votes.iter().find_map(|(value, weight)| {
		cumulative = cumulative.saturating_add(*weight);
		(*weight > 0 && cumulative.saturating_mul(2) >= cast).then_some(*value)
	})
}

/// Whether voters holding `cast` of a dispute's `total` weight are a quorum:
/// more than half.
pub fn is_weight_quorum(cast: u128, total: u128) -> bool {
	cast > 0 && cast.saturating_mul(2) > total
}

/// Whether `revealed` reports of a committee of `members` are a quorum: more
/// than half.
pub fn is_quorum(revealed: u32, members: u32) -> bool {
	revealed > 0 && revealed.saturating_mul(2) > members
}

/// Training hyper-parameters of a job.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct TrainingParams {
	/// Optimiser steps per round.
	pub steps: u32,
	/// Samples per step.
	pub batch_size: u32,
	/// AdamW learning rate, in millionths.
	pub learning_rate: u32,
	/// AdamW weight decay, in millionths.
	pub weight_decay: u32,
	/// Seed of the dataset and of the initial weights.
	pub seed: u64,
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn a_weighted_median_follows_the_majority_of_weight() {
		// A 3-weight liar cannot pull the median off 7 agreeing weights.
		let mut votes = [(10u32, 3u128), (5, 2), (5, 3), (5, 2)];
		assert_eq!(weighted_median(&mut votes), Some(5));
		let mut votes = [(1u32, 1u128), (2, 1), (3, 1)];
		assert_eq!(weighted_median(&mut votes), Some(2));
		// Exactly half at or below a value: the lower one.
		let mut votes = [(1u32, 5u128), (9, 5)];
		assert_eq!(weighted_median(&mut votes), Some(1));
		// Zero weight never decides.
		let mut votes = [(1u32, 0u128), (9, 5)];
		assert_eq!(weighted_median(&mut votes), Some(9));
		let mut none: [(u32, u128); 1] = [(1, 0)];
		assert_eq!(weighted_median(&mut none), None);
		assert!(is_weight_quorum(51, 100));
		assert!(!is_weight_quorum(50, 100));
		assert!(!is_weight_quorum(0, 0));
	}

	proptest! {
		#[test]
		fn a_weight_majority_pins_the_median(
			honest in 1u32..1000, liars in proptest::collection::vec((0u32..2000, 0u128..100), 0..8),
			majority in 1u128..10_000,
		) {
			let minority: u128 = liars.iter().map(|(_, w)| *w).sum();
			prop_assume!(majority > minority);
			let mut votes = liars.clone();
			votes.push((honest, majority));
			prop_assert_eq!(weighted_median(&mut votes), Some(honest));
		}
	}

	fn report(
		before: Micro,
		after: Micro,
		val_improved: bool,
		variance: Micro,
	) -> ValidationReport {
		ValidationReport {
			verdict: DeltaVerdict::Valid,
			loss_before: before,
			loss_after: after,
			val_loss_before: 2 * MICRO,
			val_loss_after: if val_improved { 2 * MICRO - 1 } else { 2 * MICRO },
			grad_variance: variance,
			sketch: Default::default(),
		}
	}

	#[test]
	fn quality_follows_the_formula() {
		// Loss 2.50 → 2.49: −0.01 loss is +10%.
		assert_eq!(report_quality(&report(2_500_000, 2_490_000, false, 10), 5, 2_000_000), 100_000);
		// + 5% for low variance, + 15% for a better validation loss.
		assert_eq!(report_quality(&report(2_500_000, 2_490_000, true, 4), 5, 2_000_000), 300_000);
		// A loss that did not fall gives 0: the bonuses add to a real gain only.
		assert_eq!(report_quality(&report(2_000_000, 2_100_000, true, 10), 5, 2_000_000), 0);
		assert_eq!(report_quality(&report(2_000_000, 2_000_000, true, 0), 5, 2_000_000), 0);
		// A gain under 0.005 is noise: 0. The smallest paid gain, 0.005, takes the bonuses:
		// 5% + 5% + 15%.
		assert_eq!(report_quality(&report(2_000_000, 1_999_999, true, 0), 5, 2_000_000), 0);
		assert_eq!(report_quality(&report(2_000_000, 1_995_001, true, 0), 5, 2_000_000), 0);
		assert_eq!(report_quality(&report(2_000_000, 1_995_000, true, 0), 5, 2_000_000), 250_000);
		// Under a loss of 0.05 the floor is a tenth of the loss: the spiral's round 1 on the dev
		// chain, 0.0074 → 0.0042, is paid 10 × 0.0032 + 5% + 15%; 0.0074 → 0.0067 is not.
		assert_eq!(min_gain(7_400), 740);
		assert_eq!(report_quality(&report(7_400, 4_200, true, 0), 5, 2_000_000), 232_000);
		assert_eq!(report_quality(&report(7_400, 6_700, true, 0), 5, 2_000_000), 0);
		assert_eq!(report_quality(&report(7_400, 6_660, true, 0), 5, 2_000_000), 207_400);
		// A loss of 0 cannot fall.
		assert_eq!(report_quality(&report(0, 0, true, 0), 5, 2_000_000), 0);
		// Capped: −1.0 loss would be +1000%.
		assert_eq!(report_quality(&report(3_000_000, 2_000_000, true, 0), 5, 2_000_000), 2_000_000);
		// Corrupt verdicts give 0.
		let mut corrupt = report(3_000_000, 2_000_000, true, 0);
		corrupt.verdict = DeltaVerdict::WrongShape;
		assert_eq!(report_quality(&corrupt, 5, 2_000_000), 0);
	}

	#[test]
	fn median_of_one_three_four_and_five() {
		assert_eq!(median::<Quality>(&mut []), None);
		assert_eq!(median::<Quality>(&mut [7]), Some(7));
		assert_eq!(median::<Quality>(&mut [9, 1, 5]), Some(5));
		// Even counts take the mean of the middle two, rounded down.
		assert_eq!(median::<Quality>(&mut [10, 1, 4, 100]), Some(7));
		assert_eq!(median(&mut [u32::MAX, u32::MAX, 0, 0]), Some(u32::MAX / 2));
		assert_eq!(median::<Quality>(&mut [50, 40, 10, 30, 20]), Some(30));
		// Losses (`Micro`, u64) the same way.
		assert_eq!(median(&mut [u64::MAX, u64::MAX, 0, 0]), Some(u64::MAX / 2));
		assert_eq!(median::<Micro>(&mut [2_980_000, 2_960_000]), Some(2_970_000));
	}

	#[test]
	fn judgement_takes_the_majority_verdict_and_the_median_quality() {
		let good = report(2_500_000, 2_490_000, false, 10);
		let mut bad = good;
		bad.verdict = DeltaVerdict::HashMismatch;
		let mut scratch = [0; 5];
		let j = |r: &[ValidationReport], s: &mut [Quality]| judge(r, 5, 2_000_000, s);
		assert_eq!(j(&[], &mut scratch), None);
		assert_eq!(j(&[good], &mut scratch), Some(DeltaJudgement::Quality(100_000)));
		assert_eq!(j(&[bad], &mut scratch), Some(DeltaJudgement::Corrupt));
		// 1 corrupt of 3: the median of (0, 0.1, 0.1) is 0.1.
		assert_eq!(j(&[bad, good, good], &mut scratch), Some(DeltaJudgement::Quality(100_000)));
		// 2 of 4 is not a majority: the median of (0, 0, 0.1, 0.1) is 0.05.
		assert_eq!(j(&[bad, bad, good, good], &mut scratch), Some(DeltaJudgement::Quality(50_000)));
		assert_eq!(j(&[bad, bad, bad, good, good], &mut scratch), Some(DeltaJudgement::Corrupt));
		// Too small a scratch buffer.
		assert_eq!(j(&[good, good], &mut [0; 1]), None);
	}

	#[test]
	fn quorums() {
		assert_eq!((1..=7).map(two_thirds).collect::<Vec<_>>(), vec![1, 2, 2, 3, 4, 4, 5]);
		assert!(is_quorum(1, 1) && !is_quorum(0, 1));
		assert!(is_quorum(2, 3) && !is_quorum(1, 3) && !is_quorum(2, 4) && is_quorum(3, 4));
	}

	#[test]
	fn weighted_draws_are_distinct_and_skip_zero_weights() {
		let weights = [5u128, 0, 1, 3];
		let drawn = draw_weighted(&weights, 3, |i| u128::from(i) * 7 + 2).unwrap();
		let mut sorted = drawn.clone();
		sorted.sort();
		assert_eq!(sorted, vec![0, 2, 3], "every positive weight once, never index 1");
		assert_eq!(draw_weighted(&weights, 4, u128::from), None);
		assert_eq!(draw_weighted(&[], 1, |_| 0), None);
		assert_eq!(draw_weighted(&weights, 0, |_| 0), Some(vec![]));
		// pick 5 lands in the second positive weight's range [5, 6): index 2.
		assert_eq!(draw_weighted(&weights, 1, |_| 5), Some(vec![2]));
	}

	proptest! {
		/// A member's chance of a seat follows its stake: over many draws of
		/// one seat, 30% of the stake takes about 30% of the seats.
		#[test]
		fn seats_follow_stake(seed in any::<u64>()) {
			let weights = [300u128, 350, 350];
			let mut state = seed | 1;
			let mut next = || {
				// xorshift64*
				state ^= state >> 12;
				state ^= state << 25;
				state ^= state >> 27;
				u128::from(state.wrapping_mul(0x2545_F491_4F6C_DD1D))
			};
			// 30,000 draws: 9,000 expected, σ ≈ 79. The band is ±5σ (a false
			// alarm about once in 1.7 million cases; ±3.3σ failed CI once)
			// and still refuses equal chances (10,000).
			let mut first = 0u32;
			for _ in 0..30_000 {
				if draw_weighted(&weights, 1, |_| next()).unwrap() == vec![0] {
					first += 1;
				}
			}
			prop_assert!((8_600..9_400).contains(&first), "{first} of 30,000 draws");
		}
	}

	#[test]
	fn hardware_multipliers_match_the_seed() {
		let m = |c: GpuClass| c.multiplier();
		assert_eq!(m(GpuClass::H100), FixedU128::from_rational(3, 2));
		assert_eq!(m(GpuClass::Rtx4090), FixedU128::from_rational(3, 2));
		assert_eq!(m(GpuClass::A100), FixedU128::from_rational(13, 10));
		assert_eq!(m(GpuClass::Rtx4080), FixedU128::from_rational(13, 10));
		assert_eq!(m(GpuClass::A6000), FixedU128::from_rational(11, 10));
		assert_eq!(m(GpuClass::Rtx4070), FixedU128::from_rational(11, 10));
		assert_eq!(m(GpuClass::Other), FixedU128::one());
		assert_eq!(hardware_multiplier(None), FixedU128::one());
		assert_eq!(hardware_multiplier(Some(GpuClass::H100)), FixedU128::from_rational(3, 2));
	}

	#[test]
	fn unadjusted_reward_by_hand() {
		let one = FixedU128::one();
		// Quality 0, everything 1.0: 1,000 GYM.
		assert_eq!(unadjusted_reward(0, one, one, Perbill::one()), 1_000 * GYM);
		// Quality +30%, Gold boost 1.5, H100 1.5, 50% available:
		// 1000 × 1.3 × 1.5 × 1.5 × 0.5 = 1,462.5 GYM.
		let r = unadjusted_reward(
			300_000,
			FixedU128::from_rational(3, 2),
			GpuClass::H100.multiplier(),
			Perbill::from_percent(50),
		);
		assert_eq!(r, 1_462_500 * GYM / 1_000);
		// Silver 1.2, A6000 1.1, 2 of 3 slots: 1000 × 1.2 × 1.1 × 2/3 = 880 GYM,
		// rounded down by Perbill (666,666,667 parts per billion... rounded).
		let two_thirds = availability(2, 3);
		let r = unadjusted_reward(
			0,
			FixedU128::from_rational(6, 5),
			GpuClass::A6000.multiplier(),
			two_thirds,
		);
		assert_eq!(r, two_thirds.mul_floor(1_320 * GYM));
		assert!(r.abs_diff(880 * GYM) < GYM / 1_000_000);
		// No availability, no reward.
		assert_eq!(unadjusted_reward(2_000_000, one, one, availability(0, 60)), 0);
	}

	#[test]
	fn difficulty_scales_into_the_budget() {
		assert_eq!(apply_difficulty(100, 300, 300), 100);
		assert_eq!(apply_difficulty(100, 300, 1_000), 100);
		assert_eq!(difficulty(300, 1_000), FixedU128::one());
		// Budget 150 for 300 of rewards: half each.
		assert_eq!(apply_difficulty(100, 300, 150), 50);
		assert_eq!(difficulty(300, 150), FixedU128::from_rational(1, 2));
		// Rounded down: 100 × 100 / 300 = 33.3.
		assert_eq!(apply_difficulty(100, 300, 100), 33);
		assert_eq!(difficulty(0, 0), FixedU128::one());
	}

	#[test]
	fn availability_ignores_scheduled_slots() {
		assert_eq!(availability(30, 60), Perbill::from_percent(50));
		assert_eq!(availability(60, 60), Perbill::one());
		assert_eq!(availability(70, 60), Perbill::one());
		assert_eq!(availability(0, 0), Perbill::zero());
		let epoch = epoch_slots(601, 1_200, 10);
		assert_eq!(epoch, SlotRange { start: 60, end: 120 });
		assert_eq!(unscheduled(epoch, Some(SlotRange { start: 110, end: 200 })), 50);
		assert_eq!(unscheduled(epoch, None), 60);
		// The dev chain's 10-block epochs are one slot each.
		assert_eq!(epoch_slots(11, 20, 10).len(), 1);
	}

	#[test]
	fn downtime_counts_full_unscheduled_hours_once() {
		// 130 slots missed, 60 per hour: 2 hours, 10 slots left for later.
		assert_eq!(downtime_hours(0, 130, None, 60), (2, 120));
		// 59 slots: nothing yet, counting still starts at 0.
		assert_eq!(downtime_hours(0, 59, None, 60), (0, 0));
		// A scheduled window of 30 slots inside: 100 unscheduled → 1 hour,
		// the window is skipped over.
		let w = SlotRange { start: 20, end: 50 };
		assert_eq!(downtime_hours(0, 130, Some(w), 60), (1, 90));
		assert_eq!(downtime_hours(90, 130, Some(w), 60), (0, 90));
		assert_eq!(downtime_slash(2), Perbill::from_parts(2_000_000));
		assert_eq!(downtime_slash(2_000), Perbill::one());
	}

	proptest! {
		#[test]
		fn downtime_never_charges_twice_nor_forgives(
			from in 0u32..1_000,
			len in 0u32..1_000,
			ws in 0u32..2_000,
			wl in 0u32..500,
			with_window in any::<bool>(),
			per_hour in 1u32..100,
		) {
			let now = from + len;
			let window = with_window.then_some(SlotRange { start: ws, end: ws + wl });
			let (hours, next) = downtime_hours(from, now, window, per_hour);
			prop_assert!(from <= next && next <= now);
			let charged = unscheduled(SlotRange { start: from, end: next }, window);
			prop_assert_eq!(charged, hours * per_hour);
			let left = unscheduled(SlotRange { start: next, end: now }, window);
			prop_assert!(left < per_hour);
		}

		#[test]
		fn difficulty_never_pays_past_the_budget(
			rewards in proptest::collection::vec(0u128..1_000_000_000_000_000, 1..50),
			budget in 0u128..10_000_000_000_000_000,
		) {
			// Amounts below 10^16 planck keep the exact products below 2^128.
			let total: Balance = rewards.iter().sum();
			let paid: Balance = rewards.iter().map(|r| apply_difficulty(*r, total, budget)).sum();
			let payable = budget.min(total);
			prop_assert!(paid <= payable);
			// Each is paid exactly its share, rounded down.
			for r in &rewards {
				let p = apply_difficulty(*r, total, budget);
				prop_assert!(p * total <= r * payable);
				prop_assert!((p + 1) * total > r * payable);
			}
			// Rounding leaves less than one planck per worker.
			prop_assert!(payable - paid < rewards.len() as u128);
		}

		#[test]
		fn quality_never_exceeds_the_cap(
			before in any::<u64>(), after in any::<u64>(), variance in any::<u64>(),
			threshold in any::<u64>(), cap in 0u32..5_000_000,
		) {
			let r = ValidationReport {
				verdict: DeltaVerdict::Valid,
				loss_before: before,
				loss_after: after,
				val_loss_before: after,
				val_loss_after: before,
				grad_variance: variance,
				sketch: Default::default(),
			};
			prop_assert!(report_quality(&r, threshold, cap) <= cap);
		}

		#[test]
		fn no_training_gain_gives_no_quality(
			before in any::<u64>(), worse in any::<u64>(), variance in any::<u64>(),
			threshold in any::<u64>(), val_before in any::<u64>(), val_after in any::<u64>(),
		) {
			let r = ValidationReport {
				verdict: DeltaVerdict::Valid,
				loss_before: before,
				loss_after: before.saturating_add(worse),
				val_loss_before: val_before,
				val_loss_after: val_after,
				grad_variance: variance,
				sketch: Default::default(),
			};
			prop_assert_eq!(report_quality(&r, threshold, DEFAULT_MAX_QUALITY), 0);
		}
	}
}
