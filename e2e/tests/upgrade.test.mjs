// A forkless runtime upgrade while the market trades: a dev chain started from the previous
// release's runtime (spec 100, e2e/fixtures) gets today's runtime through sudo's
// `system.setCode`. The orders placed before the upgrade clear and settle after it, the
// participants' storage migration runs once (every household gains `billedFrom`, the pallet's
// storage version goes 0 -> 1), and the chain goes on finalizing the same blocks: no fork.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { xxhashAsU8a } from '@polkadot/util-crypto';
import { tradeOf } from '../lib/auction.mjs';
import { signReading } from '../lib/meter.mjs';
import { startNode, submit, waitFor } from '../lib/node.mjs';
import { currentRuntime, devSpecWithRuntime, fixtureRuntime } from '../lib/runtimes.mjs';
import { settleParticipant } from '../lib/settlement.mjs';
import { test, after } from 'node:test';

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const PREVIOUS = 'wattle-runtime-spec100.compact.compressed.wasm';
let node;
after(async () => { if (node) await node.stop(); });

/** The raw key of a pallet's on-chain storage version. */
const storageVersionKey = (pallet) =>
  u8aToHex(new Uint8Array([...xxhashAsU8a(pallet, 128), ...xxhashAsU8a(':__STORAGE_VERSION__:', 128)]));

async function storageVersion(api, pallet) {
  const raw = await api.rpc.state.getStorage(storageVersionKey(pallet));
  return raw.isSome ? raw.unwrap().toU8a(true)[0] : 0;
}

test('the runtime is upgraded without a fork while a slot trades, and its migration runs once', { timeout: 420_000 }, async () => {
  const spec = await devSpecWithRuntime(fixtureRuntime(PREVIOUS));
  node = await startNode({ args: ['--chain', spec, '--alice', '--validator', '--force-authoring', '--node-key', '0'.repeat(63) + '1'] });
  const { api } = node;
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const dave = keyring.addFromUri('//Dave');
  const charlie = keyring.addFromUri('//Charlie');
  assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), 100);
  assert.equal(await storageVersion(api, 'Participants'), 0, 'the previous release had no storage version');

  // Bob buys 100 Wh from Dave in a slot whose gate closes after the upgrade.
  const config = await api.query.orders.configuration();
  const slotSecs = BigInt(config.slotSecs.toNumber());
  const gate = BigInt(config.gateClosureSecs.toNumber());
  let slot = BigInt(Math.floor(Date.now() / 1000)) / slotSecs + 1n;
  while (Number(slot * slotSecs - gate) - Date.now() / 1000 < 25) slot++;
  await Promise.all([
    submit(api, api.tx.orders.placeOrder(slot, 'Buy', 100, 250_000_000n), bob),
    submit(api, api.tx.orders.placeOrder(slot, 'Sell', 100, 150_000_000n), dave),
  ]);

  // The upgrade: setCode weighs a whole block, so sudo dispatches it without its weight.
  const code = await currentRuntime();
  const setCode = api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode(code), { refTime: 0, proofSize: 0 });
  const upgraded = await submit(api, setCode, alice);
  // That block's events were written by the old runtime but, its `:code` being new already,
  // read with the new metadata; the code itself tells whether setCode went through.
  const storedCode = await api.rpc.state.getStorage('0x3a636f6465', upgraded.blockHash);
  assert.equal(storedCode.unwrap().toHex(), code, 'the new runtime is the chain\'s code');
  const upgradeBlock = (await api.rpc.chain.getHeader(upgraded.blockHash)).number.toNumber();
  await waitFor(async () => (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber() === 102, 60_000, 1_000);
  // @polkadot/api follows the upgrade by itself: it reads the new metadata.
  await waitFor(async () => api.runtimeVersion.specVersion.toNumber() === 102, 30_000, 500);
  // The block that sets the code runs the old runtime; the next one runs the new runtime's
  // migrations first, and records the upgrade.
  await waitFor(async () => (await api.query.system.lastRuntimeUpgrade()).unwrap().specVersion.toNumber() === 102, 30_000, 1_000);

  // The migration ran in the first block of the new runtime: version 1, and each household
  // billed from the slot after the upgrade.
  assert.equal(await storageVersion(api, 'Participants'), 2);
  assert.equal(await storageVersion(api, 'Orders'), 1);
  assert.equal(await storageVersion(api, 'Settlement'), 1);
  // Every zone is linked to the hub, unbounded: the market clears at one price as before.
  const links = await api.query.participants.links();
  assert.deepEqual(links.map((link) => link.zone.toNumber()), [0, 1]);
  assert.ok(links.every((link) => link.exportCapWh.toBigInt() === 2n ** 64n - 1n && link.importCapWh.toBigInt() === 2n ** 64n - 1n));
  // Migrations run before the block's timestamp is set: the clock reads the upgrade block's.
  // Read raw: Polkadot-JS decodes that one block's storage with the wrong metadata (see above).
  const setCodeNow = await api.rpc.state.getStorage(api.query.timestamp.now.key(), upgraded.blockHash);
  const migratedAt = Number(api.createType('u64', setCodeNow.unwrap()).toBigInt() / 1000n / slotSecs);
  for (const who of [bob, charlie, dave]) {
    const p = (await api.query.participants.registry(who.address)).unwrap();
    assert.equal(p.billedFrom.unwrap().toNumber(), migratedAt + 1, 'billed from the slot after the migration');
  }

  // The slot placed under the old runtime clears, meters and settles under the new one.
  let outcome;
  await waitFor(async () => (outcome = await api.query.clearing.outcomes(slot)).isSome, 150_000, 1_000);
  const trade = tradeOf(outcome.unwrap());
  assert.equal(trade.volumeWh, 100n);
  const price = trade.price;
  await waitFor(async () => (await api.query.timestamp.now()).toNumber() >= Number((slot + 1n) * slotSecs) * 1000, 120_000, 1_000);
  const readings = [[bob, 100n, 0n], [dave, 0n, 100n]].map(([who, imported, exported]) =>
    signReading(keyring.addFromUri(`${who === bob ? '//Bob' : '//Dave'}//meter`), api.genesisHash.toU8a(), who.address, slot, imported, exported));
  await submit(api, api.tx.metering.submitReadings(readings), alice);
  await waitFor(async () => {
    const next = await api.query.settlement.nextSlotToSettle();
    return next.isSome && next.unwrap().toBigInt() > slot;
  }, 150_000, 1_000);
  const gridFee = (await api.query.participants.zones(0)).unwrap().tariffs.gridFee.toBigInt();
  const rule = settleParticipant({ boughtWh: 100n, soldWh: 0n, gridFee }, { importedWh: 100n, exportedWh: 0n }, price, {}, 0n);
  const bobBill = (await api.query.settlement.positions(slot, bob.address)).unwrap().bill.unwrap();
  assert.equal(bobBill.energyPaid.toBigInt(), rule.energyPaid);
  assert.equal(bobBill.gridFee.toBigInt(), rule.gridFee);
  assert.equal((await api.query.settlement.positions(slot, dave.address)).unwrap().bill.unwrap().energyReceived.toBigInt(), 100n * price);
  // Charlie sent nothing: billed from the slot after the migration, not before it.
  const charlieBill = async (k) => (await api.query.settlement.positions(k, charlie.address)).isSome;
  if (slot >= BigInt(migratedAt + 1)) assert.ok(await charlieBill(slot));
  assert.equal(await charlieBill(BigInt(migratedAt)), false, 'not billed for the slot of the upgrade');

  // No fork: the upgrade's block is final and finality went on past it.
  await waitFor(async () => {
    const head = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
    return head.number.toNumber() > upgradeBlock + 2;
  }, 60_000, 1_000);
  assert.equal((await api.rpc.chain.getBlockHash(upgradeBlock)).toHex(), upgraded.blockHash.toHex());
});
