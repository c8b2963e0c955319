// The revenue products through @polkadot/api, as a customer, the treasury and an inference
// provider use them on the dev chain (`gym-node --dev --serve-models`): the genesis model
// (65,536, the treasury's, premium) is read with `gym_model`; a referendum's call (sudo here)
// lists a licence; Bob buys it (5% to revenue) and a bid below the price is refused with the
// pallet's named error; Bob deposits with Dave's inference service (this node, `//Dave`),
// signs receipts of the bytes `gym_receiptPayload` gives and calls the model with
// `gym_infer`; the provider settles them (20% to revenue); Charlie's Zoo mint is discounted
// by his staking tier.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex, hexToU8a } from '@polkadot/util';
import { GYM, startDevNode, send, find } from './chain.mjs';

let api;
let provider;
let stop;
let logPath;

before(async () => {
  ({ api, provider, stop, logPath } = await startDevNode(['--serve-models']));
}, { timeout: 120_000 });

after(async () => {
  await stop?.();
});

const rpc = (method, ...params) => provider.send(method, params);
const MODEL = 65_536;
const CENT = GYM / 100n;

test('a licence is sold, inference is paid by signed receipts and settled, the Zoo discounts by tier', { timeout: 300_000 }, async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 7385 });
  const [alice, bob, charlie, dave] = ['//Alice', '//Bob', '//Charlie', '//Dave']
    .map((s) => keyring.addFromUri(s));

  // The registry: the genesis model, the treasury's, premium, no job behind it.
  const model = await rpc('gym_model', MODEL);
  assert.equal(model.id, MODEL);
  assert.equal(model.architecture, 0);
  assert.equal(model.job, null);
  assert.equal(model.premium, true);
  assert.deepEqual((await rpc('gym_models', MODEL, 10)).map((m) => m.id), [MODEL]);
  assert.equal(await rpc('gym_model', MODEL + 1), null);
  assert.equal((await rpc('gym_hasAccess', bob.address, MODEL)).hasAccess, false);

  // The treasury's licence: 10 GYM for a day. Only governance may list it.
  let { events } = await send(
    api.tx.sudo.sudo(api.tx.gymProducts.listLicence(MODEL, 10n * GYM, 14_400)), alice);
  assert.equal(find(events, 'sudo', 'Sudid').data.sudoResult.isOk, true);
  let dispatchError;
  ({ dispatchError } = await send(api.tx.gymProducts.buyLicence(MODEL, 9n * GYM, 14_400), bob));
  assert.ok(dispatchError?.isModule, `expected a module error, got ${dispatchError}`);
  const { section, name } = api.registry.findMetaError(dispatchError.asModule);
  assert.equal(`${section}.${name}`, 'gymProducts.PriceAboveLimit');
  ({ events } = await send(api.tx.gymProducts.buyLicence(MODEL, 10n * GYM, 14_400), bob));
  const sold = find(events, 'gymProducts', 'LicenceSold');
  assert.equal(sold.data.fee.toBigInt(), GYM / 2n);
  const access = await rpc('gym_hasAccess', bob.address, MODEL);
  assert.equal(access.hasAccess, true);
  assert.equal(access.expiresAt, sold.data.expiresAt.toNumber());

  // Dave's service: this node registered him at its first blocks. Bob deposits 1 GYM.
  for (let i = 0; i < 30 && (await api.query.gymProducts.providers(dave.address)).isNone; i += 1) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  const info = (await api.query.gymProducts.providers(dave.address)).unwrap();
  assert.equal(info.pricePerCall.toBigInt(), CENT);
  ({ events } = await send(api.tx.gymProducts.deposit(dave.address, GYM), bob));
  find(events, 'gymProducts', 'Deposited');
  const channel = await rpc('gym_channel', bob.address, dave.address);
  assert.equal(channel.deposit, GYM.toString());

  // Two calls, each paid by a receipt of the running total, signed as `gym_receiptPayload`
  // says. The spiral MLP answers logits and a class for a point.
  const receipt = async (cumulative) => {
    const payload = await rpc('gym_receiptPayload', bob.address, dave.address, cumulative.toString());
    assert.equal(hexToU8a(payload).length, 124);
    return { customer: bob.address, nonce: channel.nonce, cumulative: cumulative.toString(), signature: u8aToHex(bob.sign(hexToU8a(payload))) };
  };
  const point = { features: [0.5, -0.25] };
  const first = await rpc('gym_infer', MODEL, point, await receipt(CENT));
  assert.equal(first.model, MODEL);
  assert.equal(first.cumulative, CENT.toString());
  const { logits, class: cls } = first.output;
  assert.ok(Array.isArray(logits) && logits.length >= 2, JSON.stringify(first));
  assert.equal(cls, logits.indexOf(Math.max(...logits)));
  // Not twice for one receipt; the same point answers the same with the next one.
  await assert.rejects(rpc('gym_infer', MODEL, point, await receipt(CENT)), /needs at least/);
  const second = await rpc('gym_infer', MODEL, point, await receipt(2n * CENT));
  assert.deepEqual(second.output, first.output);

  // The provider settles the newest receipt (every 5 blocks): 80% to Dave, 20% to revenue.
  let settled;
  for (let i = 0; i < 60 && !settled; i += 1) {
    const c = await rpc('gym_channel', bob.address, dave.address);
    if (c.settled === (2n * CENT).toString()) settled = c;
    else await new Promise((r) => setTimeout(r, 1000));
  }
  assert.ok(settled, `no settlement; node log: ${logPath}`);
  const pot = await rpc('gym_revenuePot');
  const history = await rpc('gym_revenueHistory', 720);
  const inference = [pot.income, ...history.map((r) => r.income)]
    .reduce((sum, income) => sum + BigInt(income.inferenceFees), 0n);
  assert.equal(inference, (2n * CENT) / 5n);

  // The Zoo: 100 GYM, Charlie stakes Silver (10,000 GYM) and pays 10% less.
  assert.equal(await rpc('gym_zooMintPrice', charlie.address), (100n * GYM).toString());
  await send(api.tx.tieredStaking.stake(10_000n * GYM), charlie);
  assert.equal(await rpc('gym_zooMintPrice', charlie.address), (90n * GYM).toString());
  ({ events } = await send(api.tx.gymProducts.mintZoo(90n * GYM), charlie));
  const minted = find(events, 'gymProducts', 'ZooMinted');
  assert.equal(minted.data.price.toBigInt(), 90n * GYM);
  assert.equal(minted.data.tier.toString(), 'Silver');
});
