// scripts/testnet.sh: four validators from a generated raw chain spec with inserted keys produce
// and finalize blocks; with one down they go on; with two down blocks go on but finality stalls,
// and nothing finalized is ever reverted; once both are back (one killed outright and restarted
// from its database) finality resumes and they catch up; a non-validating RPC node follows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../lib/node.mjs';
import { bestNumber, finalizedNumber, startTestnet } from '../lib/testnet.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let net;
let api;

before(async () => {
  net = await startTestnet({ nodes: 5 });
  api = await net.connect(0);
});

after(async () => { await net?.stop(); });

/** Runs `fn`, printing every node's log tail if it fails. */
async function withLogs(t, fn) {
  try {
    await fn();
  } catch (error) {
    t.diagnostic(net.logs());
    throw error;
  }
}

test('four validators produce and finalize blocks, and go on with one of them down', (t) => withLogs(t, async () => {
  assert.equal((await api.rpc.system.chain()).toString(), 'Wattle Local Testnet');
  assert.equal((await api.query.aura.authorities()).length, 4);
  assert.equal((await api.query.clearing.authorities()).length, 4);
  await waitFor(async () => (await api.rpc.system.peers()).length >= 3, 60_000, 1_000);
  await waitFor(async () => (await finalizedNumber(api)) >= 3, 120_000, 1_000);

  // Dave goes down.
  process.kill(net.pid('dave'), 'SIGTERM');
  const finalizedAtStop = await finalizedNumber(api);
  const bestAtStop = await bestNumber(api);
  await waitFor(async () => (await bestNumber(api)) >= bestAtStop + 4, 90_000, 1_000);
  await waitFor(async () => (await finalizedNumber(api)) >= finalizedAtStop + 3, 120_000, 1_000);
}));

test('two down stall finality without reverting it; both back, finality resumes and they catch up', (t) => withLogs(t, async () => {
  // Bob is killed outright, Dave is still down: two of four validators are left, GRANDPA needs three.
  process.kill(net.pid('bob'), 'SIGKILL');
  await sleep(12_000); // votes already cast may still finalize a block or two
  const stalled = await finalizedNumber(api);
  const stalledHash = (await api.rpc.chain.getFinalizedHead()).toHex();
  const bestAtStall = await bestNumber(api);
  // Alice and Charlie still author in their Aura slots.
  await waitFor(async () => (await bestNumber(api)) >= bestAtStall + 3, 120_000, 1_000);
  assert.equal(await finalizedNumber(api), stalled, 'two of four validators do not finalize');

  const back = Date.now();
  await net.restart('bob', 1);
  await net.restart('dave', 3);
  await waitFor(async () => (await finalizedNumber(api)) >= stalled + 3, 180_000, 1_000);
  const resumedSecs = (Date.now() - back) / 1000;
  assert.equal((await api.rpc.chain.getBlockHash(stalled)).toHex(), stalledHash, 'the finalized block stays');

  // Bob kept his database through SIGKILL: he catches up to the network's best block.
  const bob = await net.connect(1);
  await waitFor(async () => (await bestNumber(bob)) >= (await bestNumber(api)) - 1, 120_000, 1_000);
  const caughtUpSecs = (Date.now() - back) / 1000;
  t.diagnostic(`finality resumed ${resumedSecs.toFixed(0)} s after both were back; Bob caught up in ${caughtUpSecs.toFixed(0)} s`);
}));

test('a non-validating RPC node follows the chain and its finality', (t) => withLogs(t, async () => {
  await net.follow('rpc', 4);
  const started = Date.now();
  const rpc = await net.connect(4);
  await waitFor(async () => (await finalizedNumber(rpc)) >= (await finalizedNumber(api)) - 1
    && (await bestNumber(rpc)) >= (await bestNumber(api)) - 1, 120_000, 1_000);
  assert.equal((await rpc.rpc.system.nodeRoles())[0].toString(), 'Full');
  t.diagnostic(`the RPC node synced in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}));
