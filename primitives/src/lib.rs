//! # GYM primitives
//!
//! The one home of the numbers every part of GYM chain agrees on: the token's
//! denomination, its hard cap, the block time and the calendar derived from it.
//! Pure constants and functions only — no storage, no FRAME — so the runtime,
//! the pallets, the node and the tests all read the same values.
//!
//! See `docs/tokenomics.md` for where each number comes from.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
// Runtime code never panics and never wraps: see `[workspace.lints]`.
#![cfg_attr(
	not(test),
	deny(
		clippy::arithmetic_side_effects,
		clippy::cast_possible_truncation,
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing
	)
)]

extern crate alloc;

pub mod emission;
pub mod governance;
pub mod liquidity;
pub mod mining;
pub mod prices;
pub mod products;
pub mod revenue;
pub mod sketch;
pub mod staking;
pub mod traits;

/// Balance of an account, in planck (1 GYM = 10^18 planck).
pub type Balance = u128;

/// Block number type of GYM chain.
pub type BlockNumber = u32;

/// An emission epoch's index: epoch `e` covers blocks
/// `[e * len + 1, (e + 1) * len]` (`pallet-gym-emission`'s `EpochLength`).
/// Revenue-split periods are the same epochs and use the same index.
pub type EpochIndex = u32;

/// Token symbol reported in the chain properties (`tokenSymbol`).
pub const TOKEN_SYMBOL: &str = "GYM";

/// Number of decimals of GYM (`tokenDecimals`).
pub const TOKEN_DECIMALS: u8 = 18;

/// SS58 address format of GYM chain accounts (`ss58Format`).
///
/// 7385 is not taken in the SS58 registry; addresses start with `g`-free
/// prefixes that are distinct from Polkadot (0), Kusama (2) and the generic
/// Substrate format (42).
pub const SS58_PREFIX: u16 = 7385;

/// One GYM in planck.
pub const GYM: Balance = 1_000_000_000_000_000_000;

/// One thousandth of a GYM.
pub const MILLI_GYM: Balance = GYM / 1_000;

/// One millionth of a GYM.
pub const MICRO_GYM: Balance = GYM / 1_000_000;

/// Hard cap on every GYM ever minted, genesis endowments included: 1,000,000,000 GYM.
pub const HARD_CAP: Balance = 1_000_000_000 * GYM;

/// Smallest balance an account may hold (below it the account is reaped).
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_GYM;

/// Target block time in milliseconds (6 s blocks).
pub const MILLISECS_PER_BLOCK: u64 = 6_000;

/// Aura slot duration: one block per slot.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

/// Blocks per minute at the target block time.
// The quotient (10) fits a block number: checked when this is compiled.
#[allow(clippy::cast_possible_truncation)]
pub const MINUTES: BlockNumber = {
	let per_minute = 60_000 / MILLISECS_PER_BLOCK;
	assert!(per_minute <= BlockNumber::MAX as u64);
	per_minute as BlockNumber
};
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;
/// Blocks per tokenomics month (30 days = 432,000 blocks).
pub const MONTH: BlockNumber = DAYS * 30;
/// Blocks per tokenomics year (12 months = 5,184,000 blocks).
pub const YEAR: BlockNumber = MONTH * 12;

/// Identifies a model (training jobs, the marketplace, access grants).
pub type ModelId = u32;

/// The balance every well-known development account (Alice..Ferdie) gets at
/// genesis on the dev and local chains: 1,000,000 GYM, enough for the Diamond
/// staking tier (500,000 GYM) with room for fees.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * GYM;

// Checked when this is compiled: the endowment reaches Diamond (500,000 GYM),
// and six dev accounts stay far below the cap.
const _: () = assert!(DEV_ENDOWMENT >= 500_000 * GYM);
const _: () = assert!(6 * DEV_ENDOWMENT < HARD_CAP);

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn calendar_matches_the_tokenomics_reading() {
		assert_eq!(MINUTES, 10);
		assert_eq!(DAYS, 14_400);
		assert_eq!(MONTH, 432_000);
		assert_eq!(YEAR, 5_184_000);
	}

	#[test]
	fn hard_cap_is_one_billion_gym_in_planck() {
		assert_eq!(HARD_CAP, 1_000_000_000_000_000_000_000_000_000);
		assert_eq!(GYM, 10u128.pow(TOKEN_DECIMALS as u32));
	}
}
