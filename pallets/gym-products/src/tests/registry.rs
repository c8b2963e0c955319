//! The model registry: ids, owners, the cap, premium.

use super::*;
use frame_support::{assert_noop, assert_ok};
use gym_primitives::traits::{ModelRegistrar, ModelRegistry};
use sp_runtime::DispatchError;

#[test]
fn models_are_numbered_from_65536_and_governance_jobs_belong_to_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(GymProducts::next_model_id(), 65_536);
		assert_eq!(register(Some(bob()), true), 65_536);
		System::assert_last_event(
			Event::ModelRegistered {
				model: 65_536,
				job: Some(7),
				architecture: 2,
				checkpoint: H256::repeat_byte(9),
				loss: 1_250_000,
				val_loss: 1_500_000,
				owner: bob(),
				premium: true,
			}
			.into(),
		);
		run_to(5);
		assert_eq!(register(None, false), 65_537);
		assert_eq!(
			GymProducts::model(65_537),
			Some(ModelEntry {
				job: Some(7),
				architecture: 2,
				checkpoint: H256::repeat_byte(9),
				round: 4,
				loss: 1_250_000,
				val_loss: 1_500_000,
				owner: TREASURY,
				premium: false,
				registered_at: 5,
			})
		);
		assert_eq!(ModelCount::<Test>::get(), 2);
		assert_eq!(NextModelId::<Test>::get(), 65_538);
		assert!(<GymProducts as ModelRegistry>::contains(&65_536));
		assert!(<GymProducts as ModelRegistry>::contains(&65_537));
		assert!(!<GymProducts as ModelRegistry>::contains(&65_538));
		// Architecture ids are not trained models.
		assert!(!<GymProducts as ModelRegistry>::contains(&2));
	});
}

#[test]
fn the_registry_refuses_models_past_max_models() {
	ExtBuilder::default().build_and_execute(|| {
		for i in 0..MAX_MODELS {
			assert_eq!(register(Some(bob()), false), 65_536 + i);
		}
		assert_noop!(
			<GymProducts as ModelRegistrar<AccountId>>::register_trained(trained(None, false)),
			Error::<Test>::TooManyModels
		);
		assert_eq!(ModelCount::<Test>::get(), MAX_MODELS);
	});
}

#[test]
fn only_the_owner_sets_premium() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(Some(bob()), true);
		assert_noop!(
			GymProducts::set_premium(signed(&charlie()), model, false),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			GymProducts::set_premium(RuntimeOrigin::root(), model, false),
			DispatchError::BadOrigin
		);
		assert_noop!(
			GymProducts::set_premium(signed(&bob()), 65_999, false),
			Error::<Test>::UnknownModel
		);
		assert_ok!(GymProducts::set_premium(signed(&bob()), model, false));
		System::assert_last_event(Event::PremiumSet { model, premium: false }.into());
		assert_eq!(GymProducts::model(model).map(|m| m.premium), Some(false));
	});
}

#[test]
fn governance_acts_for_the_treasurys_models() {
	ExtBuilder::default().build_and_execute(|| {
		let model = register(None, false);
		// Not a user, and not the treasury account's own signature either.
		assert_noop!(
			GymProducts::set_premium(signed(&bob()), model, true),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			GymProducts::set_premium(signed(&TREASURY), model, true),
			Error::<Test>::NotOwner
		);
		assert_ok!(GymProducts::set_premium(RuntimeOrigin::root(), model, true));
		assert_eq!(GymProducts::model(model).map(|m| m.premium), Some(true));
	});
}

#[test]
fn models_are_read_in_pages_in_id_order() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..3 {
			register(Some(bob()), false);
		}
		let ids = |from, count| -> Vec<ModelId> {
			GymProducts::models(from, count).into_iter().map(|(id, _)| id).collect()
		};
		assert_eq!(ids(0, 2), vec![65_536, 65_537]);
		assert_eq!(ids(65_537, 100), vec![65_537, 65_538]);
		assert_eq!(ids(65_539, 100), Vec::<ModelId>::new());
		assert_eq!(ids(0, 0), Vec::<ModelId>::new());
		assert_eq!(GymProducts::model(65_539), None);
	});
}

#[test]
fn genesis_registers_its_models_in_order_with_unmeasured_losses() {
	let models = vec![
		crate::GenesisModel {
			architecture: 0,
			checkpoint: H256::repeat_byte(1),
			owner: None,
			premium: true,
		},
		crate::GenesisModel {
			architecture: 3,
			checkpoint: H256::repeat_byte(2),
			owner: Some(bob()),
			premium: false,
		},
	];
	ExtBuilder::default().models(models).build_and_execute(|| {
		let first = GymProducts::model(65_536).expect("the first genesis model");
		assert_eq!((first.job, first.architecture, first.premium), (None, 0, true));
		assert_eq!(first.owner, TREASURY);
		assert_eq!((first.loss, first.val_loss), (u64::MAX, u64::MAX));
		let second = GymProducts::model(65_537).expect("the second genesis model");
		assert_eq!((second.job, second.architecture, second.owner), (None, 3, bob()));
		assert_eq!(GymProducts::next_model_id(), 65_538);
		assert_eq!(ModelCount::<Test>::get(), 2);
		// The next trained model follows them.
		assert_eq!(register(None, false), 65_538);
	});
}
