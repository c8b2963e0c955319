//! The answers of `pallet-gym-governance`'s runtime API.

use codec::{Decode, Encode};
use gym_primitives::{Balance, BlockNumber};
use scale_info::TypeInfo;

/// What a vote of one account may weigh now, term by term
/// ([`crate::Pallet::voting_power_info`]; the `gym_votingPower` RPC).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VotingPowerInfo {
	/// The most a vote or a delegation of the account may weigh now, before
	/// conviction: `staked + lp_gym × 0.5 + mined_30d × 0.3`, each term
	/// rounded down.
	pub power: Balance,
	/// Its stake in `pallet-tiered-staking` (bonded; unbonding GYM does not
	/// count).
	pub staked: Balance,
	/// The GYM its liquidity positions stand for (0 until pools land).
	pub lp_gym: Balance,
	/// The GYM it earned by compute mining over the last 30 days.
	pub mined_30d: Balance,
	/// Every account's power together: what public referenda's
	/// super-majority threshold is measured against.
	pub electorate: Balance,
	/// The block the answer describes.
	pub now: BlockNumber,
}
