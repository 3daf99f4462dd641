import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeRegistry } from '@polkadot/types';
import { toPlain } from '../src/chain/plain.js';

const registry = new TypeRegistry();
registry.register({
  Clearing: { _enum: { Pending: 'Null', Traded: { price: 'u128', volumeWh: 'u64' }, NoTrade: 'Null' } },
  Role: { _enum: ['Consumer', 'Producer', 'Prosumer'] },
  View: { who: 'AccountId32', role: 'Role', debt: 'u128', imbalanceWh: 'i64', reading: 'Option<(u64, u64)>', clearing: 'Clearing', ids: 'Vec<u64>', settled: 'bool', key: '[u8; 4]' },
});

test('decoded SCALE values become plain JavaScript, BigInt for every integer', () => {
  const who = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
  const view = registry.createType('View', {
    who, role: 'Producer', debt: 2n ** 100n, imbalanceWh: -20, reading: [520, 0],
    clearing: { Traded: { price: 200_000_000, volumeWh: 500 } }, ids: [1, 2 ** 53 - 1], settled: true, key: '0x01020304',
  });
  assert.deepEqual(toPlain(view), {
    who, role: 'Producer', debt: 2n ** 100n, imbalanceWh: -20n, reading: [520n, 0n],
    clearing: { type: 'Traded', value: { price: 200_000_000n, volumeWh: 500n } }, ids: [1n, 2n ** 53n - 1n], settled: true, key: '0x01020304',
  });
  const empty = registry.createType('View', { clearing: 'Pending' });
  assert.equal(toPlain(empty).reading, null);
  assert.deepEqual(toPlain(empty).clearing, { type: 'Pending', value: null });
  assert.equal(toPlain(registry.createType('Option<u128>', null)), null);
});
