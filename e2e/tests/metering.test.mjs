// Step 6 over RPC: readings signed by `//<Name>//meter` keys are relayed through Alice (the dev
// zone's operator and oracle), recorded once, and forged ones are rejected with their reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { justEndedSlot, signReading } from '../lib/meter.mjs';
import { useNode } from '../lib/node.mjs';
import { relayReadings } from '../tools/meter-gateway.mjs';

const { ctx, test } = useNode();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });


test('readings signed by the meters are relayed by Alice and recorded once', async () => {
  const { api } = ctx;
  const alice = keyring.addFromUri('//Alice');
  const slot = await justEndedSlot(api);
  const events = await relayReadings(api, alice, slot, ['Bob:40:7', 'Charlie:25:0']);
  assert.deepEqual(events.map((e) => e.method), ['ReadingRecorded', 'ReadingRecorded']);
  const bob = keyring.addFromUri('//Bob').address;
  const reading = (await api.query.settlement.positions(slot, bob)).unwrap().reading.unwrap();
  assert.equal(reading.importedWh.toNumber(), 40);
  assert.equal(reading.exportedWh.toNumber(), 7);

  const again = await relayReadings(api, alice, slot, ['Bob:41:7']);
  assert.equal(again[0].method, 'ReadingRejected');
  assert.equal(again[0].data.reason.toString(), 'Duplicate');
  assert.equal((await api.query.settlement.positions(slot, bob)).unwrap().reading.unwrap().importedWh.toNumber(), 40);
});

test('a reading signed by another meter is rejected as BadSignature and not recorded', async () => {
  const { api } = ctx;
  const alice = keyring.addFromUri('//Alice');
  const slot = await justEndedSlot(api);
  const eve = keyring.addFromUri('//Eve').address;
  const forged = signReading(keyring.addFromUri('//Ferdie//meter'), api.genesisHash.toU8a(), eve, slot, 5, 0);
  const events = await new Promise((resolve, reject) => {
    api.tx.metering.submitReadings([forged]).signAndSend(alice, ({ status, events }) => {
      if (status.isInBlock) resolve(events.map(({ event }) => event).filter((e) => e.section === 'metering'));
    }).catch(reject);
  });
  assert.equal(events.length, 1);
  assert.equal(events[0].method, 'ReadingRejected');
  assert.equal(events[0].data.reason.toString(), 'BadSignature');
  assert.ok((await api.query.settlement.positions(slot, eve)).isNone);
});

test('the meter-gateway command relays a reading from the command line', async () => {
  const { api, wsUrl } = ctx;
  const slot = await justEndedSlot(api);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['tools/meter-gateway.mjs', '--ws', wsUrl, '--oracle', '//Alice', '--slot', String(slot), 'Dave:0:55'],
    { cwd: new URL('..', import.meta.url).pathname },
  );
  assert.match(stdout, /ReadingRecorded/);
  const dave = keyring.addFromUri('//Dave').address;
  assert.equal((await api.query.settlement.positions(slot, dave)).unwrap().reading.unwrap().exportedWh.toNumber(), 55);
});
