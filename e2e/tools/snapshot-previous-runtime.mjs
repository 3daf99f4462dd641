// Makes runtime/tests/fixtures/previous-runtime-state.json: the state of a dev chain that ran the
// previous release's runtime (e2e/fixtures) with a market in it, for the runtime's migration
// test. It starts that chain, lets a household register without approval, places orders that
// stay open in a later slot and orders that trade and settle, relays readings, stops the node
// once a traded slot is settled and the open orders still wait, and exports the state of the best
// block (`wattle-node export-state`) without the runtime's code.
//
//   node e2e/tools/snapshot-previous-runtime.mjs [OUT]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { signReading } from '../lib/meter.mjs';
import { nodeBinary, startNode, submit, waitFor } from '../lib/node.mjs';
import { devSpecWithRuntime, fixtureRuntime } from '../lib/runtimes.mjs';

const out = process.argv[2] ?? new URL('../../runtime/tests/fixtures/previous-runtime-state.json', import.meta.url).pathname;
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const [alice, bob, dave, newcomer] = ['//Alice', '//Bob', '//Dave', '//Wattle//snapshot//newcomer'].map((uri) => keyring.addFromUri(uri));
const basePath = mkdtempSync(join(tmpdir(), 'wattle-snapshot-'));
const spec = await devSpecWithRuntime(fixtureRuntime('wattle-runtime-spec100.compact.compressed.wasm'));
const node = await startNode({ basePath, args: ['--chain', spec, '--alice', '--validator', '--force-authoring', '--node-key', '0'.repeat(63) + '1'] });
const { api } = node;

await submit(api, api.tx.balances.transferKeepAlive(newcomer.address, 50n * 10n ** 12n), alice);
const meter = keyring.addFromUri('//Wattle//snapshot//newcomer//meter');
await submit(api, api.tx.participants.register('Consumer', 0, meter.publicKey, 5_000), newcomer);

const slotSecs = BigInt((await api.query.orders.configuration()).slotSecs.toNumber());
let traded = BigInt(Math.floor(Date.now() / 1000)) / slotSecs + 1n;
while (Number(traded * slotSecs - 20n) - Date.now() / 1000 < 15) traded++;
const open = traded + 3n;
for (const [slot, buy, sell] of [[traded, 100, 100], [open, 50, 40]]) {
  await Promise.all([
    submit(api, api.tx.orders.placeOrder(slot, 'Buy', buy, 250_000_000n), bob),
    submit(api, api.tx.orders.placeOrder(slot, 'Sell', sell, 150_000_000n), dave),
  ]);
}
await waitFor(async () => (await api.query.timestamp.now()).toNumber() >= Number((traded + 1n) * slotSecs) * 1000, 180_000, 1_000);
const readings = [[bob, '//Bob//meter', 100, 0], [dave, '//Dave//meter', 0, 90]].map(([who, uri, imported, exported]) =>
  signReading(keyring.addFromUri(uri), api.genesisHash.toU8a(), who.address, traded, imported, exported));
await submit(api, api.tx.metering.submitReadings(readings), alice);
await waitFor(async () => (await api.query.settlement.nextSlotToSettle()).unwrap().toBigInt() > traded, 150_000, 1_000);
const best = (await api.rpc.chain.getHeader()).number.toNumber();
await node.stop();

const { stdout } = await promisify(execFile)(nodeBinary(), ['export-state', '--chain', spec, '--base-path', basePath, String(best)], { maxBuffer: 256 * 1024 * 1024 });
const state = JSON.parse(stdout).genesis.raw.top;
delete state['0x3a636f6465'];
writeFileSync(out, `${JSON.stringify({ block: best, tradedSlot: Number(traded), openSlot: Number(open), top: state }, null, 1)}\n`);
rmSync(basePath, { recursive: true, force: true });
console.log(`state of block #${best} (slot ${traded} settled, slot ${open} open): ${Object.keys(state).length} keys in ${out}`);
