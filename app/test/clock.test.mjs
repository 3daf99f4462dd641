import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countdown, openSlots, phaseOf, settlementBacklog, slotTimes } from '../src/lib/clock.js';
import { describeDispatchError, describeThrown, docsText } from '../src/lib/errors.js';

const dev = { slotSecs: 60, gateClosureSecs: 20, maxSlotsAhead: 30, meteringWindowSecs: 30 };

test('a dev slot\'s timeline: open, clearing 20 s before, delivery, metering 30 s, settlement', () => {
  const slot = 1000;
  assert.deepEqual(slotTimes(slot, dev), { gateClosure: 59_980, start: 60_000, end: 60_060, meteringCloses: 60_090 });
  assert.equal(phaseOf(slot, 59_979, dev), 'Open');
  assert.equal(phaseOf(slot, 59_980, dev), 'Clearing');
  assert.equal(phaseOf(slot, 60_000, dev), 'Delivery');
  assert.equal(phaseOf(slot, 60_060, dev), 'Metering');
  assert.equal(phaseOf(slot, 60_090, dev), 'Settlement');
  assert.equal(phaseOf(slot, 60_000 - 31 * 60, dev), 'NotOpen');
});

test('open slots start after the gate of the next slot closes', () => {
  const slots = openSlots(59_990, dev);
  assert.equal(slots[0], 1001, 'slot 1000 is clearing at 59,990');
  assert.equal(slots.at(-1), 999 + 30);
  assert.equal(openSlots(59_970, dev)[0], 1000);
});

test('countdown and backlog', () => {
  assert.equal(countdown(65), '1:05');
  assert.equal(countdown(-3), '0:00');
  assert.equal(countdown(3725), '1:02:05');
  assert.deepEqual(settlementBacklog(60_090, 1000, dev), { lastClosed: 1000, backlog: 1 });
  assert.deepEqual(settlementBacklog(60_089, 1000, dev), { lastClosed: 999, backlog: 0 });
  assert.deepEqual(settlementBacklog(60_090 + 120, 999, dev), { lastClosed: 1002, backlog: 4 });
});

test('errors in words from the metadata docs', () => {
  const registry = {
    findMetaError: () => ({ section: 'orders', name: 'PriceTooHigh', docs: ['The limit price is above the market\'s `max_price`.'] }),
  };
  const moduleError = { isModule: true, asModule: {} };
  assert.deepEqual(describeDispatchError(registry, moduleError), {
    name: 'orders.PriceTooHigh', text: 'The limit price is above the market\'s max_price.',
  });
  assert.equal(docsText(['a `b`', ' c']), 'a b c');
  assert.equal(describeDispatchError(registry, { isBadOrigin: true }).name, 'BadOrigin');
  assert.match(describeThrown(new Error('1010: Invalid Transaction: Inability to pay some fees')), /cannot pay the transaction fee/);
});
