//! # The traits GYM pallets offer each other
//!
//! Pallets depend on these traits, not on each other's crates, as
//! pallet-staking and nomination-pools meet through `sp-staking`. The runtime
//! wires each trait to the pallet that implements it:
//!
//! | trait | implemented by | used by |
//! |---|---|---|
//! | [`EpochClock`] | `pallet-gym-emission` | compute mining, revenue split |
//! | [`RewardMinter`] | `pallet-gym-emission` | compute mining |
//! | [`BurnTracker`] | `pallet-gym-emission` | revenue split |
//! | [`StakeTiers`] | `pallet-tiered-staking` | compute mining, revenue split, governance |
//! | [`StakeFloor`] | `pallet-compute-mining` | tiered staking |
//! | [`RevenueIntake`], [`MiningContribution`] | `pallet-revenue-split` | compute mining |
//! | [`ModelRegistry`] | `pallet-gym-products` (trained models); [`ModelIdsBelow`] (architectures) | revenue split; compute mining |
//! | [`ModelRegistrar`] | `pallet-gym-products` | compute mining (a finished job) |
//! | [`PriorityAccess`] | `pallet-gym-products` (subscriptions) | compute mining (the job queue) |
//! | [`AccessTokens`] | `pallet-revenue-split` (`burn_for_access`) | `pallet-gym-products` (premium access) |
//! | [`MiningEarnings`] | `pallet-compute-mining` | governance |
//! | [`LiquidityGym`] | `()` (0) until liquidity pools land | governance |
//!
//! A trait hands out only what its user needs: reading the epoch clock
//! ([`EpochClock`]) is apart from minting rewards ([`RewardMinter`]).

use crate::{
	mining::Micro,
	revenue::RevenueSource,
	staking::{Right, SlashReason, Tier},
	Balance, BlockNumber, EpochIndex, ModelId,
};
use core::marker::PhantomData;
use sp_arithmetic::{FixedU128, Perbill};
use sp_core::H256;
use sp_runtime::{traits::Get, DispatchError, DispatchResult};

/// The emission epochs: which epoch a block belongs to and where an epoch
/// ends. Reading the clock grants nothing else.
pub trait EpochClock {
	/// The epoch that contains `block` (block 0 belongs to epoch 0).
	fn epoch_of(block: BlockNumber) -> EpochIndex;
	/// The epoch of the current block.
	fn current_epoch() -> EpochIndex;
	/// The last block of epoch `epoch`.
	fn epoch_end(epoch: EpochIndex) -> BlockNumber;
	/// The first block of epoch `epoch` (block 1 for epoch 0).
	fn epoch_start(epoch: EpochIndex) -> BlockNumber {
		epoch.checked_sub(1).map_or(1, |previous| Self::epoch_end(previous).saturating_add(1))
	}
}

/// How a pallet mints GYM rewards: only out of an epoch's budget, never past
/// the hard cap.
pub trait RewardMinter<AccountId> {
	/// What may still be minted for `epoch`: its promise's rest once
	/// promised ([`RewardMinter::promise_budget`]); otherwise its schedule
	/// emission minus what was minted for it, clamped to what the hard cap
	/// leaves beyond every promise.
	fn remaining_budget(epoch: EpochIndex) -> Balance;
	/// Mints `amount` to `to` out of `epoch`'s budget (its promise, if it has
	/// one). Fails with a named error, minting nothing, for a future epoch,
	/// past the budget or past the cap.
	fn mint_reward(epoch: EpochIndex, to: &AccountId, amount: Balance) -> DispatchResult;
	/// Fixes what the closed `epoch` may still mint, [`Self::remaining_budget`]
	/// now but at most `at_most` (what its rewards can add up to), and sets it
	/// aside: later schedule changes and later epochs cannot take it, and the
	/// promises together never pass the cap. Returns it (the rest of the
	/// promise if `epoch` already has one).
	fn promise_budget(epoch: EpochIndex, at_most: Balance) -> Balance;
	/// Drops `epoch`'s promise: what it did not mint goes back to the cap's
	/// headroom. Nothing for an epoch without one.
	fn release_budget(epoch: EpochIndex);
	/// What `epoch`'s promise has not minted yet (0 without one).
	fn promised(epoch: EpochIndex) -> Balance;
}

/// How pallets report GYM they burned by the rules of the spec.
pub trait BurnTracker {
	/// Records that `amount` GYM left the total issuance.
	fn note_burned(amount: Balance);
}

/// The least stake another pallet requires an account to keep (a registered
/// compute worker keeps Bronze, and any slash still to be charged). `()`
/// requires nothing.
pub trait StakeFloor<AccountId> {
	/// The least stake `who` must keep: unstaking below it fails. Slashes are
	/// not bound by it.
	fn minimum_stake(who: &AccountId) -> Balance;
	/// Whether `who`'s GYM backs work not yet final (a delta, a committee
	/// seat, a dispute vote, a slash still to be charged): while it does,
	/// none of it is withdrawn, unbonding or not.
	fn holds_withdrawal(_who: &AccountId) -> bool {
		false
	}
	/// Slashes fixed and not yet charged against `who`, in planck (shown to
	/// the staker; charged by the pallet that fixed them).
	fn pending_slash(_who: &AccountId) -> Balance {
		0
	}
}

impl<AccountId> StakeFloor<AccountId> for () {
	fn minimum_stake(_: &AccountId) -> Balance {
		0
	}
}

/// What other pallets ask of staking, and the ways they act on it.
pub trait StakeTiers<AccountId> {
	/// The tier of `who`'s current stake, `None` below Bronze.
	fn tier_of(who: &AccountId) -> Option<Tier>;
	/// The reward boost of `who`'s tier: 1.0, 1.2, 1.5, 2.0 or 3.0; 0 without
	/// a tier.
	fn boost_of(who: &AccountId) -> FixedU128;
	/// `who`'s stake times its boost, rounded down (0 below Bronze).
	fn boosted_stake(who: &AccountId) -> Balance;
	/// The sum of every staker's boosted stake.
	fn total_boosted_stake() -> Balance;
	/// Whether `who`'s tier grants `right`.
	fn has_right(who: &AccountId, right: Right) -> bool;
	/// Slashes `fraction` of `who`'s slashable GYM at this moment (its stake
	/// and the GYM it is unbonding, [`StakeTiers::slashable_of`]), rounded
	/// down, newest deposits first, then the unbonding GYM released last,
	/// and moves it to the slash destination. Returns the slashed amount (0,
	/// changing nothing, for an account without any). Fails, changing
	/// nothing, if the GYM cannot be moved.
	fn slash(
		who: &AccountId,
		fraction: Perbill,
		reason: SlashReason,
	) -> Result<Balance, DispatchError>;
	/// As [`StakeTiers::slash`], but slashes `amount` (at most everything
	/// slashable): a slash fixed earlier and charged now.
	fn slash_amount(
		who: &AccountId,
		amount: Balance,
		reason: SlashReason,
	) -> Result<Balance, DispatchError>;
	/// `who`'s stake (bonded; 0 for an account without one).
	fn stake_of(who: &AccountId) -> Balance;
	/// The sum of every staker's stake (bonded, not unbonding).
	fn total_stake() -> Balance;
	/// What a slash of `who` reaches: its stake and the GYM it is unbonding.
	fn slashable_of(who: &AccountId) -> Balance;
	/// Moves `amount` from `from` (kept alive) to the stakers and shares it
	/// among them by boosted stake, in O(1). Fails, moving nothing, when no
	/// stake is boosted.
	fn distribute_to_stakers(from: &AccountId, amount: Balance) -> DispatchResult;
	/// Benchmarks only: funds `who` and stakes `amount` for it, as the
	/// other pallets' benchmarks need stakers. Does nothing by default.
	#[cfg(feature = "runtime-benchmarks")]
	fn fund_and_stake(_who: &AccountId, _amount: Balance) {}
}

/// How a pallet pays revenue in for a payer (compute mining: the payment of
/// a fine-tuning job).
pub trait RevenueIntake<AccountId> {
	/// Moves `amount` from `payer` (kept alive) into the revenue pot as
	/// revenue from `source`; fails moving nothing.
	fn pay_revenue(payer: &AccountId, source: RevenueSource, amount: Balance) -> DispatchResult;
}

/// How compute mining reports a miner's contribution to the revenue split.
pub trait MiningContribution<AccountId> {
	/// Adds `points` to `who`'s contribution in the current period.
	fn note_contribution(who: &AccountId, points: u128);
}

/// GYM earned by compute mining over the last 30 days: governance's
/// mining contribution.
pub trait MiningEarnings<AccountId> {
	/// What `who` earned by mining over the 30 days up to today.
	fn earned_30d(who: &AccountId) -> Balance;
	/// What every worker together earned over the same 30 days.
	fn network_earned_30d() -> Balance;
}

/// The GYM side of liquidity positions: governance's LP term. `()` counts
/// nothing, until liquidity pools land.
pub trait LiquidityGym<AccountId> {
	/// The GYM `who`'s liquidity tokens stand for (free, frozen or farmed).
	fn gym_in_lp(who: &AccountId) -> Balance;
	/// The GYM every liquidity position together stands for.
	fn total_gym_in_lp() -> Balance;
	/// Freezes `who`'s liquidity tokens in place while a vote of its stands,
	/// so that the LP its vote counted cannot vote again from another
	/// account. Nothing by default.
	fn freeze_for_vote(_who: &AccountId) {}
	/// Thaws what [`LiquidityGym::freeze_for_vote`] froze, once `who`'s
	/// votes lock nothing. Nothing by default.
	fn thaw_after_vote(_who: &AccountId) {}
}

impl<AccountId> LiquidityGym<AccountId> for () {
	fn gym_in_lp(_: &AccountId) -> Balance {
		0
	}
	fn total_gym_in_lp() -> Balance {
		0
	}
}

/// A GYM-paired liquidity pool as the farms see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolState {
	/// The id of the pool's liquidity token.
	pub lp_token: u32,
	/// GYM in the pool, in planck.
	pub gym: Balance,
	/// The other asset in the pool, in its own smallest unit.
	pub other: Balance,
	/// Liquidity tokens in existence (the pool's own locked minimum
	/// included).
	pub lp_supply: Balance,
}

/// The GYM-paired liquidity pools (`pallet-asset-conversion` in the
/// runtime), by the id of the asset paired with GYM.
pub trait GymPools {
	/// The GYM/`pair` pool, or `None` when there is none.
	fn pool(pair: u32) -> Option<PoolState>;
}

/// The price a customer pays for a fine-tuning job, in planck: a fixed
/// GYM price, or a USD price charged at the oracle's GYM price.
pub trait FineTuningPrice {
	/// The price of a job created now. It may deposit an event (a USD price
	/// that fell back to the fixed GYM price for want of a fresh feed).
	fn fine_tuning_price() -> Balance;
}

impl<const N: Balance> FineTuningPrice for sp_runtime::traits::ConstU128<N> {
	fn fine_tuning_price() -> Balance {
		N
	}
}

/// Which model ids exist: the architectures compute mining can train (ids
/// below [`crate::products::FIRST_TRAINED_MODEL_ID`]), or the trained models
/// of the registry, which access tokens are sold for.
pub trait ModelRegistry {
	/// Whether `model` is a known model.
	fn contains(model: &ModelId) -> bool;
}

/// A [`ModelRegistry`] that knows every model id below `N`: the
/// architectures a job may train (`gym_trainer::MODEL_IDS`).
pub struct ModelIdsBelow<N>(PhantomData<N>);

impl<N: Get<u32>> ModelRegistry for ModelIdsBelow<N> {
	fn contains(model: &ModelId) -> bool {
		*model < N::get()
	}
}

/// A model whose training job finished: what compute mining hands the
/// registry. Every field is what the job's committee voted and its
/// validators measured, none is what the job's owner claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainedModel<AccountId> {
	/// The job that trained it.
	pub job: u32,
	/// The architecture trained (the job spec's model).
	pub architecture: ModelId,
	/// The hash of the final checkpoint: the aggregate of the last round.
	pub checkpoint: H256,
	/// The last round trained.
	pub round: u32,
	/// The last round's best median training-batch loss, in millionths.
	pub loss: Micro,
	/// The last round's best median validation loss, in millionths.
	pub val_loss: Micro,
	/// The customer who paid for the job, or `None` for a governance job
	/// (the model belongs to the treasury).
	pub owner: Option<AccountId>,
	/// Whether calls to the model need access (a licence, a subscription or
	/// an access grant).
	pub premium: bool,
}

/// How compute mining registers the model of a finished job.
pub trait ModelRegistrar<AccountId> {
	/// Registers `model` and returns its new id; fails, registering nothing,
	/// when the registry is full.
	fn register_trained(model: TrainedModel<AccountId>) -> Result<ModelId, DispatchError>;
}

impl<AccountId> ModelRegistrar<AccountId> for () {
	fn register_trained(_: TrainedModel<AccountId>) -> Result<ModelId, DispatchError> {
		Err(DispatchError::Other("no model registry"))
	}
}

/// Who has priority access (a live subscription): compute mining seats the
/// workers of their fine-tuning jobs first.
pub trait PriorityAccess<AccountId> {
	/// Whether `who` has priority access now.
	fn has_priority(who: &AccountId) -> bool;
}

impl<AccountId> PriorityAccess<AccountId> for () {
	fn has_priority(_: &AccountId) -> bool {
		false
	}
}

/// Access to a model bought by burning GYM (revenue split's
/// `burn_for_access`), one of the ways to hold access to a premium model.
pub trait AccessTokens<AccountId> {
	/// When `who`'s access to `model` bought this way ends (it holds in the
	/// blocks before it), if it has not ended.
	fn access_expiry(who: &AccountId, model: ModelId) -> Option<BlockNumber>;
}

impl<AccountId> AccessTokens<AccountId> for () {
	fn access_expiry(_: &AccountId, _: ModelId) -> Option<BlockNumber> {
		None
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::traits::ConstU32;

	#[test]
	fn model_ids_below_knows_exactly_the_ids_below_its_bound() {
		assert!(ModelIdsBelow::<ConstU32<16>>::contains(&0));
		assert!(ModelIdsBelow::<ConstU32<16>>::contains(&15));
		assert!(!ModelIdsBelow::<ConstU32<16>>::contains(&16));
		assert!(!ModelIdsBelow::<ConstU32<0>>::contains(&0));
	}
}
