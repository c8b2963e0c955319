// What every @polkadot/api test file needs: a dev gym-node of its own on free loopback
// ports, an ApiPromise connected to it, and helpers to send a signed call and find its events.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';

/** One GYM in planck. */
export const GYM = 10n ** 18n;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function nodeBinary() {
  const candidates = [
    process.env.GYM_NODE_BIN,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'release/gym-node'),
    join(repo, 'target/release/gym-node'),
  ].filter(Boolean);
  const bin = candidates.find((p) => existsSync(p));
  assert.ok(bin, `gym-node not found in ${candidates.join(', ')}: build it first`);
  return bin;
}

function freePort() {
  return new Promise((res) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * Starts `gym-node --dev --tmp` (and `extra` arguments) and connects to it. Resolves with the
 * API, its provider (for `gym_*` methods), the node's log path and `stop()`, which disconnects
 * and stops the node.
 */
export async function startDevNode(extra = []) {
  const [rpc, p2p, prom] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'gym-js-'));
  const logPath = join(dir, 'node.log');
  const log = openSync(logPath, 'w');
  const node = spawn(nodeBinary(), [
    '--dev', '--tmp', '--no-telemetry', '--no-mdns',
    '--rpc-port', String(rpc), '--port', String(p2p), '--prometheus-port', String(prom),
    ...extra,
  ], { stdio: ['ignore', log, log] });
  const provider = new WsProvider(`ws://127.0.0.1:${rpc}`, 500);
  const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false });
  await api.isReady;
  const stop = async () => {
    await api.disconnect();
    node.kill('SIGINT');
  };
  return { api, provider, logPath, stop };
}

/** Signs and sends `tx`, resolves with its events and block hash once it is in a block. */
export function send(tx, signer) {
  return new Promise((res, rej) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isInBlock) res({ events, dispatchError, blockHash: status.asInBlock });
      if (status.isInvalid || status.isDropped) rej(new Error(`transaction ${status.type}`));
    }).catch(rej);
  });
}

/** The event `section.method` among `events`; fails the test if there is none. */
export function find(events, section, method) {
  const found = events.find(({ event }) => event.section === section && event.method === method);
  assert.ok(found, `no ${section}.${method} in ${events.map(({ event }) => `${event.section}.${event.method}`)}`);
  return found.event;
}
