//! The era terms of GYM's NPoS validators.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// At most this many sessions (GymEmission epochs) per era: 1,000 hours on
/// the testnet's one-hour epochs.
pub const MAX_SESSIONS_PER_ERA: u32 = 1_000;

/// At most this many eras of bonding: longer would only trap stake.
pub const MAX_BONDING_DURATION: u32 = 10_000;

/// How long eras last and how long a bond stays slashable after unbonding.
/// Governance sets them ([`crate::Pallet::set_era_terms`]); pallet-staking
/// reads them through [`crate::SessionsPerEraOf`], [`crate::BondingDurationOf`]
/// and [`crate::SlashDeferDurationOf`].
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct EraTerms {
	/// Sessions per era. A session is one BABE epoch, as long as a
	/// GymEmission epoch.
	pub sessions_per_era: u32,
	/// Eras an unbonded stake stays frozen, and slashable, before
	/// `withdraw_unbonded` releases it.
	pub bonding_duration: u32,
	/// Eras a slash waits before it is applied (governance may cancel it
	/// meanwhile). Below `bonding_duration`, so that the stake is still
	/// bonded when the slash lands.
	pub slash_defer_duration: u32,
}

impl EraTerms {
	/// The testnet's terms: 6-hour eras (6 one-hour epochs), 28 days of
	/// bonding (112 eras) and slashes applied after 27 days (108 eras).
	pub const TESTNET: Self =
		Self { sessions_per_era: 6, bonding_duration: 112, slash_defer_duration: 108 };

	/// Whether these terms can be put in force: at least one session per era,
	/// at most [`MAX_SESSIONS_PER_ERA`]; a bonding duration of 1 to
	/// [`MAX_BONDING_DURATION`] eras, and a slash deferral strictly shorter.
	pub fn is_valid(&self) -> bool {
		(1..=MAX_SESSIONS_PER_ERA).contains(&self.sessions_per_era)
			&& (1..=MAX_BONDING_DURATION).contains(&self.bonding_duration)
			&& self.slash_defer_duration < self.bonding_duration
	}
}

impl Default for EraTerms {
	fn default() -> Self {
		Self::TESTNET
	}
}
