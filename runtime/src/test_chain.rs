//! Block production for runtime tests: every block runs every pallet's hooks
//! with a BABE pre-digest, as a node would, so that sessions, eras, epochs
//! and committee draws happen on their real schedule.

use crate::{AllPalletsWithSystem, RuntimeOrigin, System, Timestamp, MILLISECS_PER_BLOCK};
use codec::Encode;
use frame_support::{
	assert_ok,
	traits::{OnFinalize, OnInitialize},
};
use sp_consensus_babe::{
	digests::{PreDigest, SecondaryPlainPreDigest},
	Slot, BABE_ENGINE_ID,
};
use sp_runtime::{Digest, DigestItem};

/// The slot of block 0 (any value: BABE counts epochs from block 1's slot).
pub(crate) const SLOT_OFFSET: u64 = 1_000;

/// A secondary-slot pre-digest of validator 0 for `slot`.
pub(crate) fn pre_digest(slot: Slot) -> Digest {
	let pre = PreDigest::SecondaryPlain(SecondaryPlainPreDigest { authority_index: 0, slot });
	Digest { logs: vec![DigestItem::PreRuntime(BABE_ENGINE_ID, pre.encode())] }
}

/// Closes the current block and opens the next one, authored by validator
/// 0 in the slot after the last: every slot has a block.
pub(crate) fn next_block() {
	let current = System::block_number();
	if current > 0 {
		AllPalletsWithSystem::on_finalize(current);
	}
	let parent = if current > 0 { System::finalize().hash() } else { System::parent_hash() };
	let n = current + 1;
	let slot = Slot::from(SLOT_OFFSET + u64::from(n));
	System::initialize(&n, &parent, &pre_digest(slot));
	AllPalletsWithSystem::on_initialize(n);
	assert_ok!(Timestamp::set(RuntimeOrigin::none(), u64::from(slot) * MILLISECS_PER_BLOCK));
}

/// Produces blocks up to `n`.
pub(crate) fn run_to_block(n: u32) {
	while System::block_number() < n {
		next_block();
	}
}
