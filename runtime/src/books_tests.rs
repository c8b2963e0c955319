//! The books of GYM, played against the composed runtime: whatever signed
//! calls users send, in whatever order, no GYM is minted or destroyed
//! outside `pallet-gym-emission`'s books (`total issuance == TotalMinted −
//! TotalBurned`, minted ≤ the hard cap), and every pallet's invariants hold.

use crate::{
	genesis_config_presets::tests::build,
	test_chain::next_block,
	tests::{check_invariants, signed},
	AccountId, Balances, BalancesCall, Executive, Runtime, RuntimeCall, System, GYM,
};
use frame_support::traits::fungible::Inspect;
use gym_primitives::revenue::RevenueSource;
use proptest::prelude::*;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{DispatchError, MultiAddress};

/// The dev accounts the tests send from.
const SENDERS: [Sr25519Keyring; 6] = [
	Sr25519Keyring::Alice,
	Sr25519Keyring::Bob,
	Sr25519Keyring::Charlie,
	Sr25519Keyring::Dave,
	Sr25519Keyring::Eve,
	Sr25519Keyring::Ferdie,
];

/// Applies `call` from `signer` as a block would; returns its dispatch
/// outcome (`None` if the transaction was invalid: no fee, no effect).
fn apply(call: RuntimeCall, signer: Sr25519Keyring) -> Option<Result<(), DispatchError>> {
	let nonce = System::account_nonce(signer.to_account_id());
	let applied = Executive::apply_extrinsic(signed(call, signer, nonce)).ok()?;
	Some(applied)
}

fn issuance() -> u128 {
	<Balances as Inspect<AccountId>>::total_issuance()
}

/// A burn a user calls is refused: it would destroy GYM outside the books.
/// The refused transaction still pays its fee, which the books record.
#[test]
fn a_user_burn_is_refused_and_the_books_balance() {
	build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		next_block();
		let alice = Sr25519Keyring::Alice;
		let before = <Balances as Inspect<AccountId>>::balance(&alice.to_account_id());
		let burn = RuntimeCall::Balances(BalancesCall::burn { value: 10 * GYM, keep_alive: true });
		let outcome = apply(burn, alice).expect("a valid transaction");
		assert_eq!(
			outcome,
			Err(frame_system::Error::<Runtime>::CallFiltered.into()),
			"Balances::burn is not a user call"
		);
		let after = <Balances as Inspect<AccountId>>::balance(&alice.to_account_id());
		assert!(before - after < GYM, "only the fee was paid: {}", before - after);
		check_invariants();
	});
}

/// One step a user (or time) takes.
#[derive(Clone, Debug)]
enum Step {
	Transfer { from: usize, to: usize, amount: u128, keep_alive: bool },
	TransferAll { from: usize, to: usize, keep_alive: bool },
	Burn { who: usize, amount: u128, keep_alive: bool },
	Stake { who: usize, amount: u128 },
	Unstake { who: usize, amount: u128 },
	WithdrawUnbonded { who: usize },
	Rebond { who: usize, amount: u128 },
	ClaimStakerRewards { who: usize },
	PayRevenue { who: usize, amount: u128 },
	BurnForAccess { who: usize, model: u32, amount: u128 },
	ClaimMinerRevenue { who: usize },
	ClaimMiningRewards { who: usize },
	Blocks { n: u32 },
}

/// Amounts from dust to more than anyone holds.
fn amount() -> impl Strategy<Value = u128> {
	prop_oneof![
		0u128..1_000,
		(1u128..100_000).prop_map(|g| g * GYM),
		(1u128..1_000).prop_map(|g| g * GYM / 1_000),
		Just(u128::MAX),
	]
}

fn step() -> impl Strategy<Value = Step> {
	let who = 0..SENDERS.len();
	prop_oneof![
		(who.clone(), who.clone(), amount(), any::<bool>()).prop_map(
			|(from, to, amount, keep_alive)| Step::Transfer { from, to, amount, keep_alive }
		),
		(who.clone(), who.clone(), any::<bool>())
			.prop_map(|(from, to, keep_alive)| Step::TransferAll { from, to, keep_alive }),
		(who.clone(), amount(), any::<bool>()).prop_map(|(who, amount, keep_alive)| Step::Burn {
			who,
			amount,
			keep_alive
		}),
		(who.clone(), amount()).prop_map(|(who, amount)| Step::Stake { who, amount }),
		(who.clone(), amount()).prop_map(|(who, amount)| Step::Unstake { who, amount }),
		who.clone().prop_map(|who| Step::WithdrawUnbonded { who }),
		(who.clone(), amount()).prop_map(|(who, amount)| Step::Rebond { who, amount }),
		who.clone().prop_map(|who| Step::ClaimStakerRewards { who }),
		(who.clone(), amount()).prop_map(|(who, amount)| Step::PayRevenue { who, amount }),
		(who.clone(), 0u32..3, amount()).prop_map(|(who, model, amount)| Step::BurnForAccess {
			who,
			model,
			amount
		}),
		who.clone().prop_map(|who| Step::ClaimMinerRevenue { who }),
		who.prop_map(|who| Step::ClaimMiningRewards { who }),
		(1u32..25).prop_map(|n| Step::Blocks { n }),
	]
}

/// The call of a user step (`None` for time passing).
fn call_of(step: &Step) -> Option<(RuntimeCall, Sr25519Keyring)> {
	let to = |i: usize| MultiAddress::Id(SENDERS[i].to_account_id());
	Some(match *step {
		Step::Transfer { from, to: dest, amount, keep_alive } => (
			if keep_alive {
				RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
					dest: to(dest),
					value: amount,
				})
			} else {
				RuntimeCall::Balances(BalancesCall::transfer_allow_death {
					dest: to(dest),
					value: amount,
				})
			},
			SENDERS[from],
		),
		Step::TransferAll { from, to: dest, keep_alive } => (
			RuntimeCall::Balances(BalancesCall::transfer_all { dest: to(dest), keep_alive }),
			SENDERS[from],
		),
		Step::Burn { who, amount, keep_alive } => {
			(RuntimeCall::Balances(BalancesCall::burn { value: amount, keep_alive }), SENDERS[who])
		}
		Step::Stake { who, amount } => (
			RuntimeCall::TieredStaking(pallet_tiered_staking::Call::stake { amount }),
			SENDERS[who],
		),
		Step::Unstake { who, amount } => (
			RuntimeCall::TieredStaking(pallet_tiered_staking::Call::unstake { amount }),
			SENDERS[who],
		),
		Step::WithdrawUnbonded { who } => (
			RuntimeCall::TieredStaking(pallet_tiered_staking::Call::withdraw_unbonded {}),
			SENDERS[who],
		),
		Step::Rebond { who, amount } => (
			RuntimeCall::TieredStaking(pallet_tiered_staking::Call::rebond { amount }),
			SENDERS[who],
		),
		Step::ClaimStakerRewards { who } => (
			RuntimeCall::TieredStaking(pallet_tiered_staking::Call::claim_staker_rewards {}),
			SENDERS[who],
		),
		Step::PayRevenue { who, amount } => (
			RuntimeCall::RevenueSplit(pallet_revenue_split::Call::pay_revenue {
				source: RevenueSource::InferenceFees,
				amount,
			}),
			SENDERS[who],
		),
		Step::BurnForAccess { who, model, amount } => (
			RuntimeCall::RevenueSplit(pallet_revenue_split::Call::burn_for_access {
				model,
				amount,
			}),
			SENDERS[who],
		),
		Step::ClaimMinerRevenue { who } => (
			RuntimeCall::RevenueSplit(pallet_revenue_split::Call::claim_miner_revenue {}),
			SENDERS[who],
		),
		Step::ClaimMiningRewards { who } => (
			RuntimeCall::ComputeMining(pallet_compute_mining::Call::claim_rewards {}),
			SENDERS[who],
		),
		Step::Blocks { .. } => return None,
	})
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

	/// Random sequences of every user-facing call that moves GYM (the
	/// Balances calls included), across epoch boundaries (the dev chain's
	/// epochs are 10 blocks: emission mints, revenue periods close): the
	/// books balance after every step, and no burn a user calls succeeds.
	#[test]
	fn no_sequence_of_user_calls_breaks_the_books(steps in prop::collection::vec(step(), 1..40)) {
		build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
			next_block();
			// Unbonding for 20 blocks (below what genesis and governance may
			// set), so that withdrawals happen within a sequence.
			pallet_tiered_staking::UnbondingPeriod::<Runtime>::put(20);
			for step in &steps {
				let before = issuance();
				match call_of(step) {
					Some((call, signer)) => {
						let outcome = apply(call, signer);
						if matches!(step, Step::Burn { .. }) {
							prop_assert!(!matches!(outcome, Some(Ok(()))), "a user burn succeeded");
						}
					}
					None => {
						let Step::Blocks { n } = step else { unreachable!() };
						for _ in 0..*n {
							next_block();
						}
					}
				}
				check_invariants();
				if !matches!(step, Step::Blocks { .. }) {
					// A call mints nothing (only blocks' hooks and claims of
					// booked rewards do), and burns at most through the books.
					let minted_now = issuance() > before;
					let claims = matches!(
						step,
						Step::ClaimMiningRewards { .. } | Step::ClaimStakerRewards { .. }
					);
					prop_assert!(!minted_now || claims, "{step:?} minted");
				}
			}
			Ok(())
		})?;
	}
}
