// Prices and risk controls through @polkadot/api, as feeders, a customer, a GPU owner and a
// token holder would use them: Alice, Bob and Charlie (the dev chain's feeders) post prices;
// Dave pays a dollar-priced fine-tuning job in GYM at the median price; `gym_minerEconomics`
// answers with numbers computed here by hand; Bob's large transfer pays the progressive tax,
// which the fee estimate showed before he signed.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { GYM, startDevNode, send, find } from './chain.mjs';

/** FixedU128's one (18 decimals). */
const ONE = 10n ** 18n;

let api;
let provider;
let stop;

before(async () => {
  ({ api, provider, stop } = await startDevNode());
}, { timeout: 120_000 });

after(async () => {
  await stop?.();
});

/** `mils` thousandths of a dollar, as a FixedU128's inner value. */
const mils = (m) => (BigInt(m) * ONE) / 1000n;

/** A FixedU128 inner value as the RPC prints it: 18 decimals. */
function usd(inner) {
  const sign = inner < 0n ? '-' : '';
  const abs = inner < 0n ? -inner : inner;
  return `${sign}${abs / ONE}.${(abs % ONE).toString().padStart(18, '0')}`;
}

/** FixedU128's `a × b` (`saturating_mul`): rounded down. */
function mul(a, b) {
  return (a * b) / ONE;
}

const rpc = (method, ...params) => provider.send(method, params);

test('feeders post prices, a job is charged in GYM at the dollar price, mining economics and the transfer tax add up', { timeout: 300_000 }, async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 7385 });
  const [alice, bob, charlie, dave, ferdie] = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Ferdie']
    .map((s) => keyring.addFromUri(s));

  // Stale before anyone feeds: no price, and a job costs the fixed 100 GYM.
  assert.equal((await rpc('gym_prices')).find((p) => p.key === 'GymUsd').usd, null);
  const fixed = await rpc('gym_fineTuningPrice');
  assert.equal(fixed.gym, (100n * GYM).toString());
  assert.equal(fixed.fellBackFromUsd, '10.000000000000000000');

  // Three feeders: GYM at $0.24, $0.25 and $0.30 (median $0.25); a kWh at $0.15; an H100 hour
  // at $2. Feeding is free (Pays::No).
  const gymFeeds = [240, 250, 300];
  for (const [i, feeder] of [alice, bob, charlie].entries()) {
    const values = [
      [{ GymUsd: null }, mils(gymFeeds[i])],
      [{ KwhUsd: null }, mils(150)],
      [{ GpuHourUsd: 'H100' }, 2n * ONE],
    ];
    const { events, dispatchError } = await send(api.tx.oracle.feedValues(values), feeder);
    assert.equal(dispatchError, undefined);
    find(events, 'oracle', 'NewFeedData');
  }
  const prices = await rpc('gym_prices');
  assert.equal(prices.find((p) => p.key === 'GymUsd').usd, '0.250000000000000000');
  assert.equal(prices.find((p) => p.key === 'KwhUsd').usd, '0.150000000000000000');
  assert.equal(prices.find((p) => p.key.GpuHourUsd === 'H100').usd, '2.000000000000000000');
  assert.equal(prices.find((p) => p.key.GpuHourUsd === 'A100').usd, null);

  // Dave's job: $10 at $0.25 is 40 GYM, paid to the revenue split as fine-tuning revenue.
  const quoted = await rpc('gym_fineTuningPrice');
  assert.deepEqual(quoted, { gym: (40n * GYM).toString(), fellBackFromUsd: null });
  const spec = {
    model: 0,
    dataset: 0,
    validationSet: 1,
    baseCheckpoint: `0x${'01'.repeat(32)}`,
    round: 0,
    params: { steps: 100, batchSize: 32, learningRate: 10_000, weightDecay: 100, seed: 7 },
    validations: 1,
    varianceThreshold: 1_000_000,
  };
  const { events: jobEvents, dispatchError: jobError } = await send(api.tx.computeMining.createJob(spec), dave);
  assert.equal(jobError, undefined);
  const origin = find(jobEvents, 'computeMining', 'JobCreated').data.origin;
  assert.ok(origin.isCustomer, origin.toString());
  const [payer, price] = origin.asCustomer;
  assert.equal(payer.toString(), dave.address);
  assert.equal(price.toBigInt(), 40n * GYM);

  // Mining economics of an H100 at 700 W, by hand. A dev epoch is 10 blocks of 6 s: 1/60 hour
  // (rounded down in FixedU128). No epoch has closed with rewards: difficulty 1, so 1,000 GYM ×
  // 1.5; worth 1,500 × $0.25; electricity 0.7 kW × hours × $0.15; rent hours × $2.
  const e = await rpc('gym_minerEconomics', 'H100', 700);
  const hours = (60_000n * ONE) / 3_600_000n;
  const value = 375n * ONE;
  const power = mul(mils(150), mul(mils(700), hours));
  const rent = mul(2n * ONE, hours);
  assert.equal(hours, 16_666_666_666_666_666n);
  // 0.7 × 0.016666666666666666 = 0.011666666666666666 (rounded down), × 0.15.
  assert.equal(power, 1_749_999_999_999_999n);
  assert.equal(rent, 33_333_333_333_333_332n);
  assert.deepEqual(e, {
    gpuClass: 'H100',
    watts: 700,
    epochBlocks: 10,
    epochHours: usd(hours),
    difficulty: '1.000000000000000000',
    gymPerEpoch: (1_500n * GYM).toString(),
    gymUsd: '0.250000000000000000',
    usdPerEpoch: usd(value),
    electricityUsd: usd(power),
    gpuHourUsd: usd(rent),
    netUsd: usd(value - power - rent),
  });
  assert.equal(e.netUsd, '374.964916666666666669');

  // Bob sends 100,000 GYM to Ferdie. The brackets are shares of the issuance read this hour:
  // 1% of the slice from 0.1% to 0.5%, 2% to 1%, 5% above.
  const base = (await api.query.gymStability.taxBase()).toBigInt();
  const amount = 100_000n * GYM;
  const slice = (from, to) => (amount < from ? 0n : (amount < to ? amount : to) - from);
  const [t1, t2, t3] = [base / 1000n, (base * 5n) / 1000n, base / 100n];
  const tax = slice(t1, t2) / 100n + (slice(t2, t3) * 2n) / 100n + ((amount - t3) * 5n) / 100n;
  assert.equal((await rpc('gym_transferTax', bob.address, amount.toString())).tax, tax.toString());
  const tx = api.tx.balances.transferKeepAlive(ferdie.address, amount);
  const { partialFee } = await tx.paymentInfo(bob);
  const { events, dispatchError } = await send(tx, bob);
  assert.equal(dispatchError, undefined);
  const taxed = find(events, 'gymStability', 'TransferTaxed').data;
  assert.equal(taxed.tax.toBigInt(), tax);
  assert.equal(taxed.amount.toBigInt(), amount);
  // What the wallet showed before signing: the tax plus the fee, which is at most the estimate
  // (the weight of the refund it did not need went back).
  const fee = find(events, 'transactionPayment', 'TransactionFeePaid').data.actualFee.toBigInt();
  const estimatedFee = partialFee.toBigInt() - tax;
  assert.ok(fee <= estimatedFee && estimatedFee - fee < GYM / 10n, `fee ${fee}, estimate ${estimatedFee}`);
  const window = await rpc('gym_transferTax', bob.address, '0');
  assert.deepEqual(window, { tax: '0', windowVolume: amount.toString() });
});
