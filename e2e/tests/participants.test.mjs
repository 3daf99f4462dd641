// Step 1 over RPC: a fresh household registers, its zone operator (Alice) approves it, and the
// record, the deposit hold and the events are read back with @polkadot/api.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { submit, useNode } from '../lib/node.mjs';

const { ctx, test } = useNode();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const WTL = 10n ** 12n;

function eventsOf(api, events, section) {
  return events.filter(({ event }) => event.section === section).map(({ event }) => event);
}

test('the dev preset admits zone 0 and the five households', async () => {
  const { api } = ctx;
  const zone = (await api.query.participants.zones(0)).unwrap();
  assert.equal(zone.operator.toString(), keyring.addFromUri('//Alice').address);
  const expected = { Bob: 'Prosumer', Charlie: 'Consumer', Dave: 'Producer', Eve: 'Prosumer', Ferdie: 'Consumer' };
  for (const [name, role] of Object.entries(expected)) {
    const record = (await api.query.participants.registry(keyring.addFromUri(`//${name}`).address)).unwrap();
    assert.equal(record.role.toString(), role, name);
    assert.equal(record.status.toString(), 'Approved', name);
    assert.equal(record.meterKey.toHex(), u8aToHex(keyring.addFromUri(`//${name}//meter`).publicKey), name);
  }
});

test('a fresh household registers, is approved by its operator, and reads its record back', async () => {
  const { api } = ctx;
  const alice = keyring.addFromUri('//Alice');
  const household = keyring.addFromUri(`//e2e-household-${Date.now()}`);
  const meter = keyring.addFromUri(`//e2e-household-${Date.now()}//meter`);
  await submit(api, api.tx.balances.transferKeepAlive(household.address, 100n * WTL), alice);

  const deposit = api.consts.participants.registrationDeposit.toBigInt();
  const { events } = await submit(
    api,
    api.tx.participants.register('Prosumer', 0, meter.publicKey, 7_000),
    household,
  );
  const [registered] = eventsOf(api, events, 'participants');
  assert.equal(registered.method, 'Registered');
  assert.equal(registered.data.who.toString(), household.address);
  assert.equal(registered.data.deposit.toBigInt(), deposit);

  let record = (await api.query.participants.registry(household.address)).unwrap();
  assert.equal(record.status.toString(), 'Pending');
  assert.equal(record.maxPowerW.toNumber(), 7_000);
  assert.equal(record.reputation.toNumber(), 500);
  const account = await api.query.system.account(household.address);
  assert.equal(account.data.reserved.toBigInt(), deposit, 'the deposit is held');

  const approval = await submit(api, api.tx.participants.approve(household.address), alice);
  const [approved] = eventsOf(api, approval.events, 'participants');
  assert.equal(approved.method, 'Approved');
  record = (await api.query.participants.registry(household.address)).unwrap();
  assert.equal(record.status.toString(), 'Approved');
});

test('approval by anyone but the zone operator fails with NotZoneOperator and changes nothing', async () => {
  const { api } = ctx;
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const household = keyring.addFromUri(`//e2e-pending-${Date.now()}`);
  await submit(api, api.tx.balances.transferKeepAlive(household.address, 100n * WTL), alice);
  await submit(api, api.tx.participants.register('Consumer', 0, keyring.addFromUri(`//e2e-pending-${Date.now()}//meter`).publicKey, 3_000), household);
  await assert.rejects(
    submit(api, api.tx.participants.approve(household.address), bob),
    (error) => error.message.startsWith('participants.NotZoneOperator'),
  );
  const record = (await api.query.participants.registry(household.address)).unwrap();
  assert.equal(record.status.toString(), 'Pending');
});
