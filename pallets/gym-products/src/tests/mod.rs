//! Tests of the products pallet, one module per product. Every test runs
//! the pallet's invariants at its end (`ExtBuilder::build_and_execute`).

use crate::{mock::*, *};
use frame_support::BoundedVec;
use gym_primitives::{traits::TrainedModel, ModelId};
use sp_core::H256;
use sp_runtime::MultiSignature;

mod access;
mod inference;
mod marketplace;
mod registry;
mod subscriptions;
mod zoo;

/// The signed origin of `who`.
fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

/// A finished job's model: job 7, architecture 2, loss 1.25, validation
/// loss 1.5.
fn trained(owner: Option<AccountId>, premium: bool) -> TrainedModel<AccountId> {
	TrainedModel {
		job: 7,
		architecture: 2,
		checkpoint: H256::repeat_byte(9),
		round: 4,
		loss: 1_250_000,
		val_loss: 1_500_000,
		owner,
		premium,
	}
}

/// Registers a model as compute mining does and returns its id.
fn register(owner: Option<AccountId>, premium: bool) -> ModelId {
	<GymProducts as gym_primitives::traits::ModelRegistrar<AccountId>>::register_trained(trained(
		owner, premium,
	))
	.unwrap()
}

/// A settlement batch.
fn batch(
	receipts: Vec<SignedReceipt<AccountId, MultiSignature>>,
) -> BoundedVec<SignedReceipt<AccountId, MultiSignature>, ConstU32Receipts> {
	receipts.try_into().unwrap()
}

/// The bound of a settlement batch in the mock.
type ConstU32Receipts = <Test as Config>::MaxReceiptsPerSettlement;
