// scripts/testnet.sh: four validators from a generated raw chain spec with inserted keys produce
// and finalize blocks; with one down they go on; with two down blocks go on but finality stalls,
// and nothing finalized is ever reverted; once both are back (one killed outright and restarted
// from its database) finality resumes and they catch up; a non-validating RPC node follows.
// Four clearing authorities' off-chain workers clear the same slot: one result is accepted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { submit, waitFor } from '../lib/node.mjs';
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

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });

test('four off-chain workers clear a slot: exactly one result is accepted, the same on every node', (t) => withLogs(t, async () => {
  await waitFor(async () => (await api.rpc.system.peers()).length >= 3, 60_000, 1_000);
  const bob = keyring.addFromUri('//Bob');
  const dave = keyring.addFromUri('//Dave');
  const config = await api.query.orders.configuration();
  const slotSecs = BigInt(config.slotSecs.toNumber());
  const gate = BigInt(config.gateClosureSecs.toNumber());
  let slot = BigInt(Math.floor(Date.now() / 1000)) / slotSecs + 1n;
  while (Number(slot * slotSecs - gate) - Date.now() / 1000 < 25) slot++;
  const placed = await Promise.all([
    submit(api, api.tx.orders.placeOrder(slot, 'Buy', 100, 250_000_000n), bob),
    submit(api, api.tx.orders.placeOrder(slot, 'Sell', 100, 150_000_000n), dave),
  ]);
  const from = Math.min(...await Promise.all(placed.map(async ({ blockHash }) => (await api.rpc.chain.getHeader(blockHash)).number.toNumber())));
  let outcome;
  await waitFor(async () => (outcome = await api.query.clearing.outcomes(slot)).isSome, 120_000, 1_000);
  // Let the other workers' results reach the pool and blocks, if they were to.
  await sleep(15_000);
  const to = await bestNumber(api);
  let cleared = 0;
  for (let n = from; n <= to; n++) {
    const at = await api.at(await api.rpc.chain.getBlockHash(n));
    for (const { event } of await at.query.system.events()) {
      if (event.section === 'clearing' && event.method === 'SlotCleared' && event.data.slot.toBigInt() === slot) cleared++;
    }
  }
  assert.equal(cleared, 1, 'one result accepted for the slot');
  for (const index of [1, 2, 3]) {
    const other = await net.connect(index);
    assert.equal((await other.query.clearing.outcomes(slot)).toHex(), outcome.toHex(), `${net.names[index]} holds the same outcome`);
  }
  const submitted = net.names.slice(0, 4).filter((name) => net.log(name).includes(`submitted the result of slot ${slot}`));
  assert.ok(submitted.length >= 1);
  t.diagnostic(`off-chain workers that got their result into their pool: ${submitted.join(', ')}`);
  // A second result, the same one signed by anybody, is refused on chain with its reason.
  await assert.rejects(
    submit(api, api.tx.clearing.submitResult(slot, outcome.unwrap().asSplit), keyring.addFromUri('//Eve')),
    (error) => /clearing\.(AlreadyCleared|SlotStarted)/.test(error.message),
  );
}));

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
