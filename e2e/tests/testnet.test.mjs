// scripts/testnet.sh: four validators from a generated raw chain spec with inserted keys produce
// and finalize blocks, and keep doing so with one validator down.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { freePort, nodeBinary, waitFor } from '../lib/node.mjs';

const run = promisify(execFile);
const script = new URL('../../scripts/testnet.sh', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wattle-testnet-'));
let rpcBase;
let api;

function isFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first of four consecutive free ports. */
async function freeRange() {
  for (;;) {
    const first = await freePort();
    if (first > 65_000) continue;
    const free = await Promise.all([1, 2, 3].map((offset) => isFree(first + offset)));
    if (free.every(Boolean)) return first;
  }
}

before(async () => {
  rpcBase = await freeRange();
  const env = { ...process.env, WATTLE_NODE: nodeBinary(), RPC_PORT: String(rpcBase), P2P_PORT: String(await freeRange()) };
  await run('bash', [script, 'start', dir], { env });
  const provider = new WsProvider(`ws://127.0.0.1:${rpcBase + 1}`);
  api = await ApiPromise.create({ provider, noInitWarn: true });
});

after(async () => {
  await api?.disconnect();
  await run('bash', [script, 'stop', dir]).catch(() => {});
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

async function finalizedNumber() {
  return (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
}

test('four validators produce and finalize blocks, and go on with one of them down', async (t) => {
  try {
    assert.equal((await api.rpc.system.chain()).toString(), 'Wattle Local Testnet');
    assert.equal((await api.query.aura.authorities()).length, 4);
    assert.equal((await api.query.clearing.authorities()).length, 4);
    await waitFor(async () => (await api.rpc.system.peers()).length >= 3, 60_000, 1_000);
    await waitFor(async () => (await finalizedNumber()) >= 3, 120_000, 1_000);

    // Dave goes down.
    process.kill(Number(readFileSync(join(dir, 'dave', 'pid'), 'utf8').trim()), 'SIGTERM');
    const finalizedAtStop = await finalizedNumber();
    const bestAtStop = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitFor(async () => (await api.rpc.chain.getHeader()).number.toNumber() >= bestAtStop + 4, 90_000, 1_000);
    await waitFor(async () => (await finalizedNumber()) >= finalizedAtStop + 3, 120_000, 1_000);
  } catch (error) {
    for (const name of ['alice', 'bob', 'charlie', 'dave']) {
      const log = readFileSync(join(dir, name, 'node.log'), 'utf8').split('\n').slice(-15).join('\n');
      t.diagnostic(`--- ${name} ---\n${log}`);
    }
    throw error;
  }
});
