// GYM chain's pools and farms through @polkadot/api, as a liquidity provider would use them
// from polkadot.js apps: Dave adds liquidity to GYM/USDT, stakes his LP tokens in the GYM-USDT
// farm, a period passes, and the farm's rate is the hand-computed 200% APR of his stake's value;
// after the next period he claims what `gym_lpPosition` said. He swaps USDT for GYM at the
// runtime API's quote, unstakes and removes his liquidity.
//
// The dev chain's farm periods are its 10-block emission epochs (a minute).

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { GYM, startDevNode, send, find } from './chain.mjs';

const USDT = 2;
const USDT_UNIT = 10n ** 6n;
const USDT_LP = 1;
const USDT_FARM = 1;
const PERIOD = 10;
const APR_YEAR = 5_256_000n;

let api;
let provider;
let stop;

before(async () => {
  ({ api, provider, stop } = await startDevNode());
}, { timeout: 120_000 });

after(async () => {
  await stop?.();
});

const native = 'Native';
const usdt = { WithId: USDT };

/** The bytes of `parts` (arrays or Uint8Arrays) one after the other, as 0x-hex (raw bytes for
 * `state_call`: a Uint8Array would be read as length-prefixed). */
function u8aConcat(...parts) {
  return `0x${Buffer.from(parts.flatMap((p) => Array.from(p))).toString('hex')}`;
}

/** SCALE of `NativeOrWithId<u32>`: 0x00, or 0x01 and the id. */
function assetKind(kind) {
  return kind === native ? [0] : [1, ...api.createType('u32', kind.WithId).toU8a()];
}

/** `state_call` of `method` with `data`, at block `at` or the best block. (An explicit
 * `undefined` block would be sent as the zero hash.) */
function stateCall(method, data, at) {
  return at === undefined ? api.rpc.state.call(method, data) : api.rpc.state.call(method, data, at);
}

/** `AssetConversionApi_quote_price_exact_tokens_for_tokens` at `at`, as the runtime answers it. */
async function quoteExactIn(from, to, amount, at) {
  const args = u8aConcat(assetKind(from), assetKind(to), api.createType('u128', amount).toU8a(), [1]);
  const out = await stateCall('AssetConversionApi_quote_price_exact_tokens_for_tokens', args, at);
  return api.createType('Option<u128>', out).unwrap().toBigInt();
}

/** `AssetConversionApi_get_reserves(Native, USDT)` at `at`. */
async function reserves(at) {
  const out = await stateCall('AssetConversionApi_get_reserves', u8aConcat(assetKind(native), assetKind(usdt)), at);
  const [gym, other] = api.createType('Option<(u128, u128)>', out).unwrap();
  return [gym.toBigInt(), other.toBigInt()];
}

async function blockNumber(hash) {
  return (await api.rpc.chain.getHeader(hash)).number.toNumber();
}

/** The hash of block `n`, once its child is the best block (so that it is on the best chain). */
async function hashOf(n) {
  await blockAtLeast(n + 1);
  const hash = await api.rpc.chain.getBlockHash(n);
  assert.ok(!hash.isEmpty, `no block ${n}`);
  return hash;
}

/** Resolves once the best block is numbered `n` or more. */
function blockAtLeast(n) {
  return new Promise((res, rej) => {
    let unsub;
    let done = false;
    api.rpc.chain.subscribeNewHeads((h) => {
      if (!done && h.number.toNumber() >= n) {
        done = true;
        unsub?.();
        res();
      }
    }).then((u) => {
      unsub = u;
      if (done) u();
    }).catch(rej);
  });
}

/** The first block of the farm period after the one `block` is in. */
function nextPeriodStart(block) {
  return Math.floor((block - 1) / PERIOD + 1) * PERIOD + 1;
}

test('add liquidity, farm the LP at the target APR, claim, swap at the quote, remove', { timeout: 420_000 }, async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 7385 });
  const [dave, charlie] = ['//Dave', '//Charlie'].map((s) => keyring.addFromUri(s));

  // Revenue fills the farms' pot: 15% of it at the end of the period.
  let { dispatchError } = await send(api.tx.revenueSplit.payRevenue('InferenceFees', 10_000n * GYM), charlie);
  assert.equal(dispatchError, undefined);

  // Dave adds 10,000 GYM and 1,000 USDT, the pool's price (10 GYM per USDT).
  let events;
  ({ events, dispatchError } = await send(
    api.tx.assetConversion.addLiquidity(native, usdt, 10_000n * GYM, 1_000n * USDT_UNIT, 10_000n * GYM, 1_000n * USDT_UNIT, dave.address),
    dave,
  ));
  assert.equal(dispatchError, undefined);
  const added = find(events, 'assetConversion', 'LiquidityAdded');
  const lp = added.data.lpTokenMinted.toBigInt();
  assert.equal(added.data.lpToken.toNumber(), USDT_LP);
  assert.equal((await api.query.poolAssets.account(USDT_LP, dave.address)).unwrap().balance.toBigInt(), lp);

  // He stakes all of it in the GYM-USDT farm: frozen in place.
  let blockHash;
  ({ events, dispatchError, blockHash } = await send(api.tx.gymLiquidity.stake(USDT_FARM, lp), dave));
  assert.equal(dispatchError, undefined);
  assert.equal(find(events, 'gymLiquidity', 'Staked').data.amount.toBigInt(), lp);
  ({ dispatchError } = await send(api.tx.poolAssets.transfer(USDT_LP, charlie.address, 1), dave));
  const { section, name } = api.registry.findMetaError(dispatchError.asModule);
  assert.equal(`${section}.${name}`, 'poolAssets.BalanceLow');

  // The first whole period he is staked, and the period after it, whose rate is set for it.
  const staked = await blockNumber(blockHash);
  const whole = nextPeriodStart(staked);
  const rated = whole + PERIOD;
  const rateBlock = await hashOf(rated);
  const parent = (await api.rpc.chain.getHeader(rateBlock)).parentHash;
  // By hand: his LP is worth twice the GYM it stands for at the reserves the hook saw, and the
  // farm asks 200% of that for 10 blocks of a 5,256,000-block year; the pot holds far more.
  const [gymReserve] = await reserves(parent);
  const supply = (await (await api.at(parent)).query.poolAssets.asset(USDT_LP)).unwrap().supply.toBigInt();
  const value = 2n * (lp * gymReserve / supply);
  const need = value * 20_000n * BigInt(PERIOD) / (10_000n * APR_YEAR);
  const rate = need / BigInt(PERIOD);
  const rateEvents = (await (await api.at(rateBlock)).query.system.events())
    .filter(({ event }) => event.section === 'gymLiquidity' && event.method === 'RateSet'
      && event.data.farm.toNumber() === USDT_FARM);
  assert.equal(rateEvents.length, 1);
  const set = rateEvents[0].event.data;
  assert.equal(set.value.toBigInt(), value);
  assert.equal(set.targetApr.toNumber(), 20_000);
  assert.equal(set.rate.toBigInt(), rate);
  const farms = await provider.send('gym_farms', [rateBlock.toHex()]);
  const farm = farms.farms[USDT_FARM];
  assert.equal(farm.asset.kind, 'lp');
  assert.equal(farm.asset.lpToken, USDT_LP);
  assert.equal(BigInt(farm.rewardRate), rate);
  assert.equal(farm.targetAprBps, 20_000);
  assert.ok(20_000 - farm.currentAprBps <= 1, `current APR ${farm.currentAprBps}`);
  assert.ok(BigInt(farms.pot.free) > 0n);

  // A period later his position holds that period's pay on top of what the part-period
  // before paid him: the accumulator's step per LP unit is rounded down to 10^-18 GYM, and his
  // claimable GYM is his LP times the accumulator, rounded down (so the difference of two
  // readings is the step's pay or one planck more).
  const paidBlock = await hashOf(rated + PERIOD);
  const step = rate * BigInt(PERIOD) * GYM / lp;
  const pay = step * lp / GYM;
  const position = async (at) => (await provider.send('gym_lpPosition', [dave.address, at.toHex()]))
    .find((p) => p.farm === USDT_FARM);
  const [before, now] = [await position(rateBlock), await position(paidBlock)];
  assert.equal(BigInt(now.staked), lp);
  const gained = BigInt(now.claimable) - BigInt(before.claimable);
  assert.ok(gained === pay || gained === pay + 1n, `${gained} for ${pay}`);
  assert.ok(BigInt(now.lpGym) > 9_999n * GYM);
  ({ events, dispatchError } = await send(api.tx.gymLiquidity.claim(USDT_FARM), dave));
  assert.equal(dispatchError, undefined);
  assert.ok(find(events, 'gymLiquidity', 'Claimed').data.amount.toBigInt() >= BigInt(now.claimable));

  // gym_pools agrees with the runtime API's reserves.
  const pools = await provider.send('gym_pools', []);
  const pool = pools.find((p) => p.pair === USDT);
  const [gymNow, usdtNow] = await reserves();
  assert.equal(BigInt(pool.gymReserve), gymNow);
  assert.equal(BigInt(pool.pairReserve), usdtNow);
  assert.equal(BigInt(pool.pricePerGym), usdtNow * GYM / gymNow);

  // A swap of 100 USDT for GYM pays the runtime API's quote (nothing else trades meanwhile).
  const quote = await quoteExactIn(usdt, native, 100n * USDT_UNIT);
  assert.ok(quote > 900n * GYM && quote < 1_000n * GYM, `quote ${quote}`);
  ({ events, dispatchError } = await send(
    api.tx.assetConversion.swapExactTokensForTokens([usdt, native], 100n * USDT_UNIT, quote, dave.address, true),
    dave,
  ));
  assert.equal(dispatchError, undefined);
  assert.equal(find(events, 'assetConversion', 'SwapExecuted').data.amountOut.toBigInt(), quote);

  // Unstaked, his LP burns for both sides of the pool again.
  ({ dispatchError } = await send(api.tx.gymLiquidity.unstake(USDT_FARM, lp), dave));
  assert.equal(dispatchError, undefined);
  ({ events, dispatchError } = await send(
    api.tx.assetConversion.removeLiquidity(native, usdt, lp, 1n, 1n, dave.address),
    dave,
  ));
  assert.equal(dispatchError, undefined);
  const removed = find(events, 'assetConversion', 'LiquidityRemoved');
  assert.equal(removed.data.lpTokenBurned.toBigInt(), lp);
  assert.ok(removed.data.amount1.toBigInt() > 9_000n * GYM);
  assert.equal((await api.query.poolAssets.account(USDT_LP, dave.address)).isNone, true);
});
