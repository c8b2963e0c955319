//! NPoS validators in the composed runtime, on the dev genesis (Alice's
//! stash validates, 10-block sessions, 2-session eras, slashes deferred 2
//! eras): era payouts out of the validators' share of emission, the two
//! bondings kept apart, and equivocation reports (GRANDPA and BABE) that
//! slash after the deferral into the treasury, without changing the issuance.

use crate::{
	configs::TreasuryAccount,
	genesis_config_presets::{tests::build, VALIDATOR_BOND},
	test_chain::{pre_digest, run_to_block},
	AccountId, Babe, Balances, Grandpa, GymEmission, GymValidators, Historical, Runtime,
	RuntimeOrigin, Staking, System, TieredStaking, GYM, HARD_CAP,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Inspect, Get, KeyOwnerProofSystem},
};
use sp_consensus_babe::{digests::CompatibleDigestItem, Slot};
use sp_core::{Pair, H256};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::{traits::Header as _, DigestItem};

fn issuance() -> u128 {
	<Balances as Inspect<AccountId>>::total_issuance()
}

fn total_balance(who: &AccountId) -> u128 {
	<Balances as Inspect<AccountId>>::total_balance(who)
}

fn alice_stash() -> AccountId {
	Sr25519Keyring::AliceStash.to_account_id()
}

fn bonded(stash: &AccountId) -> u128 {
	pallet_staking::Pallet::<Runtime>::ledger(stash.clone().into()).map_or(0, |l| l.active)
}

fn check_books() {
	GymEmission::do_try_state().expect("emission invariants hold");
	GymValidators::do_try_state().expect("validator invariants hold");
	assert!(pallet_gym_emission::TotalMinted::<Runtime>::get() <= HARD_CAP);
}

#[test]
fn dev_eras_are_two_ten_block_sessions() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		assert_eq!(<crate::configs::staking::EpochDuration as Get<u64>>::get(), 10);
		run_to_block(10);
		assert_eq!(pallet_session::CurrentIndex::<Runtime>::get(), 0);
		run_to_block(11);
		assert_eq!(pallet_session::CurrentIndex::<Runtime>::get(), 1);
		run_to_block(21);
		assert_eq!(pallet_session::CurrentIndex::<Runtime>::get(), 2);
		assert_eq!(pallet_staking::ActiveEra::<Runtime>::get().map(|e| e.index), Some(1));
		run_to_block(41);
		assert_eq!(pallet_staking::ActiveEra::<Runtime>::get().map(|e| e.index), Some(2));
		// BABE's randomness-driven epochs and GymEmission's epochs line up.
		assert_eq!(pallet_babe::EpochIndex::<Runtime>::get(), 4);
		assert_eq!(<GymEmission as gym_primitives::traits::EpochClock>::current_epoch(), 4);
		check_books();
	});
}

#[test]
fn an_era_pays_its_validators_the_share_of_emission_and_mints_nothing_more() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		// Era 0 is sessions 0 and 1 (GymEmission epochs 0 and 1); era 1
		// starts in block 21.
		run_to_block(21);
		let share_0 = pallet_gym_emission::EpochMinted::<Runtime>::get(0);
		let share_1 = pallet_gym_emission::EpochMinted::<Runtime>::get(1);
		let budget_0 = GymEmission::scheduled_epoch_emission(0);
		// 5% of each epoch's budget, rounded down, and nothing else minted
		// (no miner worked).
		assert_eq!(share_0, sp_runtime::Perbill::from_percent(5).mul_floor(budget_0));
		assert!(share_1 > 0);
		// The pot's first mint keeps its existential deposit.
		let payout = pallet_staking::ErasValidatorReward::<Runtime>::get(0).expect("era 0 paid");
		assert_eq!(payout, share_0 + share_1 - crate::EXISTENTIAL_DEPOSIT);
		check_books();

		let stash = alice_stash();
		let before = total_balance(&stash);
		let issuance_before = issuance();
		let minted_before = pallet_gym_emission::TotalMinted::<Runtime>::get();
		let pot_before = total_balance(&GymValidators::pot());
		// Anyone may pay an era out.
		assert_ok!(Staking::payout_stakers(
			RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id()),
			stash.clone(),
			0
		));
		// Alice's stash authored every block: it takes the whole payout,
		// which moved from the pot. No GYM was created.
		assert_eq!(total_balance(&stash), before + payout);
		assert_eq!(total_balance(&GymValidators::pot()), pot_before - payout);
		assert_eq!(issuance(), issuance_before);
		assert_eq!(pallet_gym_emission::TotalMinted::<Runtime>::get(), minted_before);
		// Twice is refused.
		assert!(Staking::payout_stakers(
			RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id()),
			stash,
			0
		)
		.is_err());
		check_books();
	});
}

#[test]
fn one_account_bonds_in_one_staking_only() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1);
		let bob = Sr25519Keyring::Bob.to_account_id();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let bronze = gym_primitives::staking::Tier::Bronze.minimum();

		// A nominator's bond keeps it out of tiered staking.
		assert_ok!(Staking::bond(
			RuntimeOrigin::signed(bob.clone()),
			10_000 * GYM,
			pallet_staking::RewardDestination::Staked
		));
		assert_ok!(Staking::nominate(
			RuntimeOrigin::signed(bob.clone()),
			vec![sp_runtime::MultiAddress::Id(alice_stash())]
		));
		assert_noop!(
			TieredStaking::stake(RuntimeOrigin::signed(bob.clone()), bronze),
			pallet_tiered_staking::Error::<Runtime>::BondedElsewhere
		);

		// A tiered staker cannot bond, nominate or validate.
		assert_ok!(TieredStaking::stake(RuntimeOrigin::signed(charlie.clone()), bronze));
		assert_noop!(
			Staking::bond(
				RuntimeOrigin::signed(charlie.clone()),
				10_000 * GYM,
				pallet_staking::RewardDestination::Staked
			),
			pallet_staking::Error::<Runtime>::Restricted
		);
		assert_eq!(TieredStaking::stake_of(&charlie), bronze);
		assert_eq!(bonded(&charlie), 0);

		// Nor can it while its GYM unbonds: that GYM is still slashable
		// here, and a pallet-staking hold over it would make the slash fail
		// (and rebonding it would put one GYM in both stakings).
		assert_ok!(TieredStaking::unstake(RuntimeOrigin::signed(charlie.clone()), bronze));
		assert_eq!(TieredStaking::stake_of(&charlie), 0);
		assert_noop!(
			Staking::bond(
				RuntimeOrigin::signed(charlie.clone()),
				10_000 * GYM,
				pallet_staking::RewardDestination::Staked
			),
			pallet_staking::Error::<Runtime>::Restricted
		);
		let slashed = <TieredStaking as gym_primitives::traits::StakeTiers<AccountId>>::slash(
			&charlie,
			sp_runtime::Perbill::from_percent(50),
			gym_primitives::staking::SlashReason::Malicious,
		);
		assert_eq!(slashed, Ok(bronze * 9 / 10 / 2), "half of what unbonds after the penalty");
	});
}

fn grandpa_prevote_equivocation(
	set_id: u64,
	first: H256,
	second: H256,
) -> sp_consensus_grandpa::EquivocationProof<H256, u32> {
	let alice = Ed25519Keyring::Alice;
	let signed = |hash: H256| {
		let prevote = finality_grandpa::Prevote { target_hash: hash, target_number: 1u32 };
		let message = finality_grandpa::Message::Prevote(prevote.clone());
		let payload = sp_consensus_grandpa::localized_payload(1, set_id, &message);
		(prevote, alice.pair().sign(&payload).into())
	};
	sp_consensus_grandpa::EquivocationProof::new(
		set_id,
		sp_consensus_grandpa::Equivocation::Prevote(finality_grandpa::Equivocation {
			round_number: 1,
			identity: alice.public().into(),
			first: signed(first),
			second: signed(second),
		}),
	)
}

/// Runs to the era where a slash reported in era 0 applies (deferred 2
/// eras: pallet-staking applies it when era 0 + 2 + 1 starts, in block 61),
/// checking the stake is intact before.
fn slash_lands_after_the_deferral(slashed_fraction: sp_runtime::Perbill) {
	let stash = alice_stash();
	let treasury = TreasuryAccount::get();
	let treasury_before = total_balance(&treasury);
	let issuance_before = issuance();
	let minted_before = pallet_gym_emission::TotalMinted::<Runtime>::get();
	let free_before = <Balances as Inspect<AccountId>>::balance(&stash);
	run_to_block(60);
	assert_eq!(pallet_staking::ActiveEra::<Runtime>::get().map(|e| e.index), Some(2));
	assert_eq!(bonded(&stash), VALIDATOR_BOND, "the slash waits for its era");
	run_to_block(61);
	let slashed = slashed_fraction.mul_floor(VALIDATOR_BOND);
	assert_eq!(bonded(&stash), VALIDATOR_BOND - slashed);
	// An unsigned report's reporter is the author of the block that included
	// it (here Alice's stash itself, the only validator): it gets half of the
	// 10% slash reward fraction. The rest went to the treasury. Both are
	// transfers: the issuance grew by the epochs' validator shares only.
	let reporter_reward = <Balances as Inspect<AccountId>>::balance(&stash) - free_before;
	assert!(reporter_reward > 0 && reporter_reward <= slashed / 20, "{reporter_reward}");
	assert_eq!(total_balance(&treasury), treasury_before + slashed - reporter_reward);
	let minted = pallet_gym_emission::TotalMinted::<Runtime>::get() - minted_before;
	assert_eq!(issuance(), issuance_before + minted);
	check_books();
}

#[test]
fn a_grandpa_equivocation_is_slashed_into_the_treasury_after_the_deferral() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(5);
		let set_id = Grandpa::current_set_id();
		let key = (sp_consensus_grandpa::KEY_TYPE, Ed25519Keyring::Alice.public());
		let key_owner_proof = Historical::prove(key).expect("Alice's key is in the session");

		// Two votes for the same block are not an equivocation.
		let same = H256::repeat_byte(1);
		assert_noop!(
			Grandpa::report_equivocation_unsigned(
				RuntimeOrigin::none(),
				Box::new(grandpa_prevote_equivocation(set_id, same, same)),
				key_owner_proof.clone()
			),
			pallet_grandpa::Error::<Runtime>::InvalidEquivocationProof
		);
		// Votes of a set that does not exist yet.
		assert!(Grandpa::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(grandpa_prevote_equivocation(set_id + 5, same, H256::repeat_byte(2))),
			key_owner_proof.clone()
		)
		.is_err());

		assert_ok!(Grandpa::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(grandpa_prevote_equivocation(set_id, same, H256::repeat_byte(2))),
			key_owner_proof
		));
		// One offender of one validator: (3 · 1/1)² capped at 100%.
		slash_lands_after_the_deferral(sp_runtime::Perbill::one());
	});
}

/// Two different headers for the current block, in `slot`, both sealed by
/// Alice's BABE key.
fn babe_equivocation(slot: Slot) -> sp_consensus_babe::EquivocationProof<crate::Header> {
	let pair: sp_consensus_babe::AuthorityPair = Sr25519Keyring::Alice.pair().into();
	let current = System::block_number();
	let make_header = || {
		frame_support::storage::with_transaction(|| {
			let parent = System::parent_hash();
			System::set_block_number(current - 1);
			System::initialize(&current, &parent, &pre_digest(slot));
			let header = System::finalize();
			sp_runtime::TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(header))
		})
		.expect("a header")
	};
	let seal = |header: &mut crate::Header| {
		let signature = pair.sign(header.hash().as_ref());
		header.digest_mut().push(<DigestItem as CompatibleDigestItem>::babe_seal(signature));
	};
	let (mut first, mut second) = (make_header(), make_header());
	seal(&mut first);
	seal(&mut second);
	sp_consensus_babe::EquivocationProof {
		slot,
		offender: pair.public(),
		first_header: first,
		second_header: second,
	}
}

#[test]
fn a_babe_equivocation_is_slashed_into_the_treasury_after_the_deferral() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(5);
		let key = (sp_consensus_babe::KEY_TYPE, Sr25519Keyring::Alice.public());
		let key_owner_proof = Historical::prove(key).expect("Alice's key is in the session");
		let slot = pallet_babe::CurrentSlot::<Runtime>::get();

		// Headers of one slot claimed for another are refused.
		let mut wrong = babe_equivocation(slot);
		wrong.slot = slot + 1;
		assert!(Babe::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(wrong),
			key_owner_proof.clone()
		)
		.is_err());
		assert_eq!(pallet_offences::Reports::<Runtime>::iter().count(), 0);

		assert_ok!(Babe::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(babe_equivocation(slot)),
			key_owner_proof
		));
		assert_eq!(pallet_offences::Reports::<Runtime>::iter().count(), 1);
		slash_lands_after_the_deferral(sp_runtime::Perbill::one());
	});
}

#[test]
fn unbonding_after_an_equivocation_does_not_escape_its_slash() {
	// The four-validator testnet, with the dev chain's 10-block epochs and era
	// terms so that eras pass quickly; the other three keep eras going after
	// the offender leaves.
	build(crate::genesis_config_presets::TESTNET_RUNTIME_PRESET).execute_with(|| {
		pallet_gym_emission::EpochLength::<Runtime>::put(10);
		pallet_gym_validators::Terms::<Runtime>::put(crate::genesis_config_presets::DEV_ERA_TERMS);
		run_to_block(5);
		let stash = alice_stash();
		let set_id = Grandpa::current_set_id();
		let key = (sp_consensus_grandpa::KEY_TYPE, Ed25519Keyring::Alice.public());
		let key_owner_proof = Historical::prove(key).expect("Alice's key is in the session");
		assert_ok!(Grandpa::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(grandpa_prevote_equivocation(
				set_id,
				H256::repeat_byte(1),
				H256::repeat_byte(2)
			)),
			key_owner_proof
		));
		// The offender runs: stops validating and unbonds everything at once.
		assert_ok!(Staking::chill(RuntimeOrigin::signed(stash.clone())));
		assert_ok!(Staking::unbond(RuntimeOrigin::signed(stash.clone()), VALIDATOR_BOND));
		assert_eq!(bonded(&stash), 0);
		let unlocking = |s: &AccountId| {
			pallet_staking::Pallet::<Runtime>::ledger(s.clone().into())
				.map_or(0, |l| l.unlocking.iter().map(|c| c.value).sum::<u128>())
		};
		// Unbonded GYM stays held for the bonding duration (4 eras on dev), one
		// era longer than the slash waits (2 + 1): withdrawing before frees
		// nothing.
		run_to_block(60);
		assert_eq!(pallet_staking::ActiveEra::<Runtime>::get().map(|e| e.index), Some(2));
		let held_before = total_balance(&stash);
		assert_ok!(Staking::withdraw_unbonded(RuntimeOrigin::signed(stash.clone()), 0));
		assert_eq!(total_balance(&stash), held_before);
		assert_eq!(unlocking(&stash), VALIDATOR_BOND);
		// The slash lands on the unbonding GYM: one offender of four validators
		// is slashed (3 · 1/4)² = 56.25%.
		run_to_block(61);
		let slashed = VALIDATOR_BOND - unlocking(&stash);
		// (Per-billion rounding leaves it a fraction of a planck-GYM short.)
		assert_eq!((slashed + GYM / 1_000) / GYM, 56_250, "{slashed}");
		check_books();
		// After the bonding duration, only what is left can be withdrawn.
		run_to_block(81);
		// Withdrawing everything reaps the ledger, which must be given at least
		// the stash's number of slashing spans (an upper bound for its weight).
		assert_ok!(Staking::withdraw_unbonded(RuntimeOrigin::signed(stash.clone()), 10));
		assert_eq!(unlocking(&stash), 0);
		// (If the offender authored the block with the report, it was also
		// paid the reporter's reward: at most 5% of the slash.)
		let left = crate::genesis_config_presets::STASH_ENDOWMENT - slashed;
		let free = <Balances as Inspect<AccountId>>::balance(&stash);
		assert!(free >= left && free <= left + slashed / 20, "{free}");
		assert_eq!(total_balance(&stash), free);
	});
}
