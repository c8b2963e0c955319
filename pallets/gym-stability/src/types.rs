//! The types of the stability pallet: the buyback's settings and history,
//! and what a transfer call moves.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use gym_primitives::{prices::UsdPrice, Balance, BlockNumber};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, Perbill};

/// The treasury buyback's settings (governance sets them, Economic).
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
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct BuybackConfig {
	/// Buy back while the oracle's GYM price (US dollars per GYM) is under
	/// this; zero turns the periodic buyback off.
	pub floor: UsdPrice,
	/// The most USDT (in its smallest unit, 6 decimals) the treasury spends
	/// per period (one emission epoch).
	pub per_period: Balance,
	/// The largest shortfall accepted against what the oracle price says the
	/// USDT buys: the swap's guarded minimum output.
	pub max_slippage: Perbill,
}

/// Why a buyback bought.
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
pub enum BuybackKind {
	/// The period's buyback under the floor.
	Periodic,
	/// A one-off buyback a Strategic referendum ordered.
	Ordered,
}

/// Why the period's buyback did not buy although the price was under the
/// floor.
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
pub enum SkipReason {
	/// The treasury holds no USDT.
	NoFunds,
	/// The pool pays less than the guarded minimum (its price is off the
	/// oracle's by more than the slippage allowed).
	PoolOffOracle,
	/// The swap or the burn failed otherwise (no pool, the treasury's USDT
	/// would fall under its minimum balance).
	SwapFailed,
}

/// One buyback, as the history keeps it.
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
pub struct BuybackRecord {
	/// The block it happened in.
	pub block: BlockNumber,
	/// Periodic or ordered.
	pub kind: BuybackKind,
	/// USDT spent, in its smallest unit.
	pub usdt_in: Balance,
	/// GYM bought and burned, in planck.
	pub gym_burned: Balance,
	/// The oracle's GYM price it was guarded by.
	pub gym_usd: UsdPrice,
	/// The guarded minimum output, in planck.
	pub min_out: Balance,
}

/// What a transfer call moves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Moved {
	/// Exactly this many planck of the sender's free GYM.
	Exact(Balance),
	/// Everything the sender can move (`transfer_all`).
	All,
	/// GYM's worth in another form (liquidity tokens: the GYM they stand
	/// for), in planck. Taxed like GYM; only the tax comes out of the
	/// sender's free GYM.
	Value(Balance),
}

/// A transfer call, as the tax sees it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Transfer<AccountId> {
	/// Who receives the GYM.
	pub dest: AccountId,
	/// How much moves.
	pub moved: Moved,
	/// Whether the sender's account must stay alive (`keep_alive`).
	pub keep_alive: bool,
}

/// The runtime's calls that move a user's free GYM, so that the tax sees
/// every one of them.
pub trait TaxedCalls<Call, AccountId> {
	/// The transfer `call` makes, if it moves free GYM (or GYM's worth)
	/// from its signer.
	fn transfer(call: &Call) -> Option<Transfer<AccountId>>;
	/// Whether `call` signed by `who` would hand GYM's worth to another
	/// account by a route the tax does not price (a swap or a withdrawal
	/// paid to someone else): such a transaction is invalid.
	fn refused(_call: &Call, _who: &AccountId) -> bool {
		false
	}
	/// What [`Self::transfer`] costs beyond the benchmarked tax charge for
	/// `call` (reading a pool to value liquidity tokens).
	fn extra_weight(_call: &Call) -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

/// The USDT side of the buyback: the GYM/USDT pool and the treasury's USDT.
pub trait StableSwap<AccountId> {
	/// `who`'s USDT, in its smallest unit.
	fn stable_balance(who: &AccountId) -> Balance;
	/// The GYM (planck) the pool pays now for `usdt_in`, fee included;
	/// `None` without a pool.
	fn quote_gym(usdt_in: Balance) -> Option<Balance>;
	/// Swaps exactly `usdt_in` of `who`'s USDT for GYM paid to `who`, for at
	/// least `min_out` planck; changes nothing on error. Returns the GYM
	/// bought.
	fn buy_gym(
		who: &AccountId,
		usdt_in: Balance,
		min_out: Balance,
	) -> Result<Balance, DispatchError>;
	/// Gives `who` `amount` USDT (benchmarks only).
	#[cfg(feature = "runtime-benchmarks")]
	fn fund(who: &AccountId, amount: Balance);
}

/// The fine-tuning price governance set.
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
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct FineTuningPricing {
	/// The price in US dollars, charged in GYM at the oracle's price; `None`
	/// charges [`Self::gym`].
	pub usd: Option<UsdPrice>,
	/// The fixed price in GYM (planck): the price without a USD price, and
	/// the fallback while the GYM price is stale.
	pub gym: Balance,
}
