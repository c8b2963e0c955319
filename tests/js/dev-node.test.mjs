// GYM chain through @polkadot/api (the library polkadot.js apps is built on):
// a dev node's properties, metadata and constants; a signed call of each GYM
// pallet with its events decoded; a module error decoded by name; and a
// `gym_*` RPC method.
//
// Run by scripts/test.sh (`npm test` in tests/js); needs a built gym-node
// ($GYM_NODE_BIN, or $CARGO_TARGET_DIR/release/gym-node, or target/release).

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { GYM, startDevNode, send, find } from './chain.mjs';

let api;
let provider;
let stop;

before(async () => {
  ({ api, provider, stop } = await startDevNode());
}, { timeout: 120_000 });

after(async () => {
  await stop?.();
});

test('chain properties, metadata and constants describe GYM', { timeout: 60_000 }, async () => {
  const props = await api.rpc.system.properties();
  assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'GYM');
  assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 18);
  assert.equal(props.ss58Format.unwrap().toNumber(), 7385);

  const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
  for (const name of ['System', 'Balances', 'GymEmission', 'TieredStaking', 'RevenueSplit', 'ComputeMining']) {
    assert.ok(pallets.includes(name), `${name} in ${pallets}`);
  }
  assert.equal(api.consts.balances.existentialDeposit.toBigInt(), GYM / 1000n);
  assert.equal(api.consts.tieredStaking.maxDeposits.toNumber(), 32);
  assert.equal(api.consts.revenueSplit.maxHistory.toNumber(), 720);
  assert.equal(api.consts.computeMining.maxValidations.toNumber(), 7);
  assert.equal(api.consts.computeMining.heartbeatSlot.toNumber(), 10);
  // Judgements are final after a minute's dispute window (set at genesis); disputes are voted
  // for a minute; a round's deltas are sealed for 2 blocks on the dev chain.
  assert.equal((await api.query.computeMining.disputeWindow()).toNumber(), 10);
  assert.equal(api.consts.computeMining.disputePeriod.toNumber(), 10);
  assert.equal((await api.query.computeMining.submitWindow()).toNumber(), 2);
  // The seed's call names, the committee's and the disputes', as polkadot.js shows them.
  for (const call of [
    'registerWorker', 'leaveJob', 'submitDelta', 'revealDelta', 'joinOrchestrators', 'commitReport', 'revealReport',
    'closeDelta', 'completeRound', 'claimRewards', 'finaliseDelta', 'disputeDelta', 'voteDispute',
  ]) {
    assert.equal(typeof api.tx.computeMining[call], 'function', call);
  }
  // NPoS with BABE, as the apps' staking, session and BABE pages read it: Alice's stash
  // validates in the one-validator dev set, 10-block BABE epochs.
  for (const name of ['Babe', 'Grandpa', 'Session', 'Historical', 'Staking', 'Offences', 'GymValidators']) {
    assert.ok(pallets.includes(name), `${name} in ${pallets}`);
  }
  assert.equal(api.consts.babe.epochDuration.toNumber(), 10);
  const validators = (await api.query.session.validators()).map((v) => v.toString());
  const aliceStash = new Keyring({ type: 'sr25519', ss58Format: 7385 }).addFromUri('//Alice//stash').address;
  assert.deepEqual(validators, [aliceStash]);
  // Elections have room for ten (GENESIS_VALIDATOR_COUNT); one stands.
  assert.equal((await api.query.staking.validatorCount()).toNumber(), 10);
  assert.ok((await api.query.staking.bonded(aliceStash)).isSome, 'the stash is bonded');
  assert.ok((await api.query.babe.authorities()).length === 1, 'one BABE authority');
});

test('a signed call of each GYM pallet, its events and a module error decoded', { timeout: 180_000 }, async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 7385 });
  const [alice, bob, charlie] = ['//Alice', '//Bob', '//Charlie'].map((s) => keyring.addFromUri(s));

  // Bob, Charlie and Alice each send theirs in turn; the three go on side by side (each
  // account's nonce is its own), so the calls take three blocks, not six.
  const bobs = async () => {
    // TieredStaking: 10,000 GYM is Silver.
    let { events, dispatchError } = await send(api.tx.tieredStaking.stake(10_000n * GYM), bob);
    assert.equal(dispatchError, undefined);
    assert.equal(find(events, 'tieredStaking', 'Staked').data.amount.toBigInt(), 10_000n * GYM);
    assert.equal(find(events, 'tieredStaking', 'TierChanged').data.to.unwrap().toString(), 'Silver');

    // ComputeMining: Bob (Silver) registers as a worker; gym_workerInfo sees it.
    ({ events, dispatchError } = await send(
      api.tx.computeMining.registerWorker(`0x${'11'.repeat(32)}`, 'Rtx4090', `0x${'22'.repeat(32)}`, 'http://127.0.0.1:1/'),
      bob,
    ));
    assert.equal(dispatchError, undefined);
    assert.equal(find(events, 'computeMining', 'WorkerRegistered').data['class'].toString(), 'Rtx4090');
    const worker = await provider.send('gym_workerInfo', [bob.address]);
    assert.equal(worker.claimedClass, 'Rtx4090');
    assert.equal(worker.verifiedClass, null);
    assert.equal(worker.waiting, true);
    assert.equal(worker.priority, true);

    // A module error, decoded by name from the metadata.
    ({ dispatchError } = await send(api.tx.tieredStaking.unstake(20_000n * GYM), bob));
    assert.ok(dispatchError?.isModule, `expected a module error, got ${dispatchError}`);
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    assert.equal(`${section}.${name}`, 'tieredStaking.NotEnoughStaked');
  };
  const charlies = async () => {
    // RevenueSplit: inference fees paid in, access bought by burning.
    let { events, dispatchError } = await send(api.tx.revenueSplit.payRevenue('InferenceFees', 25n * GYM), charlie);
    assert.equal(dispatchError, undefined);
    const paid = find(events, 'revenueSplit', 'RevenuePaid');
    assert.equal(paid.data.source.toString(), 'InferenceFees');
    assert.equal(paid.data.amount.toBigInt(), 25n * GYM);
    // The dev chain's genesis model (65,536) is premium.
    ({ events } = await send(api.tx.revenueSplit.burnForAccess(65_536, GYM), charlie));
    const bought = find(events, 'revenueSplit', 'AccessBought');
    assert.equal(bought.data.model.toNumber(), 65_536);
    const access = await provider.send('gym_hasAccess', [charlie.address, 65_536]);
    assert.equal(access.hasAccess, true);
    assert.equal(access.expiresAt, bought.data.expiresAt.toNumber());
  };
  const alices = async () => {
    // GymEmission: governance (sudo until governance lands) re-sets the schedule.
    const schedule = await api.query.gymEmission.schedule();
    const { events } = await send(api.tx.sudo.sudo(api.tx.gymEmission.setSchedule(schedule)), alice);
    assert.equal(find(events, 'sudo', 'Sudid').data.sudoResult.isOk, true);
    find(events, 'gymEmission', 'ScheduleUpdated');
  };
  await Promise.all([bobs(), charlies(), alices()]);

  // A gym_ RPC method over the same connection.
  const pot = await provider.send('gym_revenuePot', []);
  assert.equal(typeof pot.pot, 'string');
  assert.ok(BigInt(pot.pot) >= 0n);
});
