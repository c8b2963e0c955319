//! The farms' records and the answers of the pallet's views.

// parity-scale-codec's `Encode` derive casts the index of a data-carrying
// variant (`FarmAsset::Lp`) `as u8`.
#![allow(clippy::cast_possible_truncation)]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use gym_primitives::{liquidity::AprBps, Balance, BlockNumber};
use scale_info::TypeInfo;
use sp_runtime::FixedU128;

/// A farm's index.
pub type FarmId = u32;

/// A farm of the genesis config: `(pair, apr, launch)`, the GYM/`pair`
/// pool's LP tokens (`None`: GYM single stake), the target APR in basis
/// points, and an optional higher launch APR with the block it ends at.
pub type GenesisFarm = (Option<u32>, AprBps, Option<(AprBps, BlockNumber)>);

/// What a farm's stakers stake.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum FarmAsset {
	/// GYM itself (single stake), frozen in the staker's free balance.
	Gym,
	/// The liquidity token of the GYM/`pair` pool, frozen in place.
	Lp {
		/// The asset paired with GYM (a `ForeignAssets` id).
		pair: u32,
		/// The pool's liquidity token (a `PoolAssets` id).
		token: u32,
	},
}

/// A target APR that may start higher for a while (the seed's GYM-BNB
/// launch months).
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct TargetApr {
	/// The target, in basis points a year.
	pub apr: AprBps,
	/// A higher target in force before a block: `(apr, until)`, `until`
	/// excluded.
	pub launch: Option<(AprBps, BlockNumber)>,
}

impl TargetApr {
	/// The target in force at `now`.
	pub fn at(&self, now: BlockNumber) -> AprBps {
		match self.launch {
			Some((launch, until)) if now < until => launch,
			_ => self.apr,
		}
	}
}

/// A farm: what it pays, to whom, and what its stakers are owed.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Farm {
	/// What is staked.
	pub asset: FarmAsset,
	/// The target APR.
	pub target: TargetApr,
	/// Staked now, in the asset's smallest unit.
	pub total_staked: Balance,
	/// GYM paid per staked unit since the farm began (the accumulator).
	pub per_share: FixedU128,
	/// GYM paid per block this period, shared by the stakers.
	pub rate: Balance,
	/// GYM set aside in the pot for the rest of this period, not yet paid
	/// out into `per_share`.
	pub reserved: Balance,
	/// GYM paid out into `per_share` and not yet claimed: what the stakers
	/// are owed (at least what their claims add up to).
	pub unpaid: Balance,
	/// The block `per_share` was last brought up to.
	pub last_update: BlockNumber,
	/// The first block of this period.
	pub period_start: BlockNumber,
	/// Σ staked × blocks since `period_start`: the period's average stake is
	/// what the next period's rate is set for.
	pub stake_blocks: u128,
}

/// One staker's position in a farm.
#[derive(
	Clone,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Stake {
	/// Staked, in the asset's smallest unit.
	pub amount: Balance,
	/// The farm's `per_share` when this position was last settled.
	pub paid_per_share: FixedU128,
	/// GYM earned and not claimed.
	pub unclaimed: Balance,
}

/// A GYM-paired pool as the views report it (the `gym_pools` RPC).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PoolView {
	/// The asset paired with GYM.
	pub pair: u32,
	/// The pool's liquidity token.
	pub lp_token: u32,
	/// GYM in the pool, in planck.
	pub gym_reserve: Balance,
	/// The other asset in the pool, in its smallest unit.
	pub other_reserve: Balance,
	/// Liquidity tokens in existence.
	pub lp_supply: Balance,
}

/// The farms pot as the views report it (the `gym_farms` RPC).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PotView {
	/// GYM in the pot account, in planck.
	pub balance: Balance,
	/// GYM owed to stakers (paid out, not claimed).
	pub owed: Balance,
	/// GYM set aside for the rest of the farms' periods.
	pub reserved: Balance,
	/// GYM the next period's rates may use: the rest, less the existential
	/// deposit.
	pub free: Balance,
}

/// A farm as the views report it (the `gym_farms` RPC).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct FarmView {
	/// The farm.
	pub id: FarmId,
	/// What is staked.
	pub asset: FarmAsset,
	/// Staked now, in the asset's smallest unit.
	pub total_staked: Balance,
	/// What is staked now is worth, in GYM (an LP token at twice its GYM).
	pub staked_value: Balance,
	/// GYM paid per block this period.
	pub rate: Balance,
	/// The APR the rate gives on the value staked now, in basis points.
	pub current_apr: AprBps,
	/// The target APR in force now, in basis points.
	pub target_apr: AprBps,
	/// GYM set aside for the rest of this period.
	pub reserved: Balance,
	/// GYM owed to the farm's stakers.
	pub unpaid: Balance,
}

/// One account's positions (the `gym_lpPosition` RPC).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Position {
	/// The farm.
	pub farm: FarmId,
	/// What is staked.
	pub asset: FarmAsset,
	/// The account's balance of the asset (LP: free, frozen or farmed).
	pub balance: Balance,
	/// Staked in the farm.
	pub staked: Balance,
	/// GYM it could claim now.
	pub claimable: Balance,
	/// The GYM its LP tokens stand for (0 for the GYM farm).
	pub lp_gym: Balance,
}
