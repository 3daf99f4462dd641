#!/usr/bin/env node
// A load test against a running node: N fresh households trade in each of S consecutive slots
// (orders, clearing, readings, settlement), and the script measures from the chain what that
// costs and whether every phase keeps up: each slot must get every household's order and reading,
// be cleared before it starts and be settled before the next slot's metering window closes. The
// slots overlap as they do on a live chain: while slot s is delivered, the orders of s+2 arrive,
// the readings of s-1 and the settlement of s-2.
//
//   node e2e/tools/load.mjs [--ws URL] [--households N] [--slots S] [--day-ahead]
//
// The figure it is built for is the charged weight per household-slot: every block's weight (all
// classes) from the first order to the last slot's SlotSettled, less an idle block's, divided by
// N x S. With --day-ahead each household sends its S orders in one `placeOrders` call instead of
// one `placeOrder` per slot. Households are `//Wattle//load//<i>`, half consumers and half
// producers, admitted by Alice (zone 0); a second run reuses them. Exits 1 if a phase fell behind.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { parseArgs } from 'node:util';
import { followBlocks, idleWeight, marketEvents } from '../lib/blocks.mjs';
import { Flood } from '../lib/flood.mjs';
import { signReading } from '../lib/meter.mjs';
import { Sender, setupHouseholds } from './simulator.mjs';

const ENERGY_WH = 10n;
const BID = 250_000_000n;
const ASK = 150_000_000n;
// Enough for the registration deposit (10 WTL), the fees and the bills of a run, the silent
// slots between approval and the first orders included (1.3 WTL each at 60 kW: the connection
// at retail plus the penalty); Alice's 1,000,000 WTL admit tens of thousands of load households
// at this rate.
const FUNDING = 30n * 10n ** 12n;
const MIN_FREE = 25n * 10n ** 12n;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The households' specs, their key pairs derived from one `//Wattle//load` pair. */
function loadSpecs(keyring, households) {
  const base = keyring.addFromUri('//Wattle//load');
  return Array.from({ length: households }, (_, i) => ({
    key: `load-${i}`,
    name: `load household ${i}`,
    uri: `//Wattle//load//${i}`,
    meterUri: `//Wattle//load//${i}//meter`,
    pair: base.derive(`//${i}`),
    meter: base.derive(`//${i}//meter`),
    role: i % 2 === 0 ? 'Consumer' : 'Producer',
    maxPowerW: 60_000,
    dev: false,
  }));
}

const sideOf = (p) => (p.role === 'Consumer' ? { side: 'Buy', price: BID } : { side: 'Sell', price: ASK });

/** The slots' timeline in unix milliseconds, from the chain's market configuration. */
function timeline(config, slot) {
  const secs = config.slotSecs;
  return {
    gate: (slot * secs - config.gateClosureSecs) * 1000,
    start: slot * secs * 1000,
    end: (slot + 1) * secs * 1000,
    meteringCloses: ((slot + 1) * secs + config.meteringWindowSecs) * 1000,
  };
}

/** Every household's orders: one call per household and slot, or one day-ahead call each. */
function orderJobs(api, people, slots, dayAhead) {
  if (dayAhead) {
    return people.map((p) => [api.tx.orders.placeOrders(slots.map((slot) => ({ slot, energyWh: ENERGY_WH, ...sideOf(p) }))), p.pair]);
  }
  return slots.flatMap((slot) => people.map((p) => {
    const { side, price } = sideOf(p);
    return [api.tx.orders.placeOrder(slot, side, ENERGY_WH, price), p.pair];
  }));
}

// A transaction's priority is its tip plus one, times how many like it fit in a block: a batch of
// 256 readings (60 ms of weight) ranks below a single order (1.5 ms), and in a block full of
// orders the readings would wait past their 30-s window. A relay tips a thousand planck (10^-9
// WTL) a batch to go first, as any Substrate transaction that must not wait does.
const RELAY_TIP = 1_000n;

/** Each meter reports what its household contracted, signed; Alice relays 256 a batch, tipped. */
function readingJobs(api, people, slot, alice) {
  const genesisHash = api.genesisHash.toU8a();
  const readings = people.map((p) => (p.role === 'Consumer'
    ? signReading(p.meter, genesisHash, p.pair.address, slot, ENERGY_WH, 0n)
    : signReading(p.meter, genesisHash, p.pair.address, slot, 0n, ENERGY_WH)));
  const jobs = [];
  for (let i = 0; i < readings.length; i += 256) {
    jobs.push([api.tx.metering.submitReadings(readings.slice(i, i + 256)), alice, { tip: RELAY_TIP }]);
  }
  return jobs;
}

/** Records every block's weight, the orders and readings each slot got, and when it was cleared and settled. */
function tracker(api) {
  const state = { blocks: [], cleared: new Map(), settled: new Map(), orders: new Map(), readings: new Map(), rejected: new Map() };
  const count = (map, slot) => map.set(slot, (map.get(slot) ?? 0) + 1);
  state.onBlock = ({ number, timeMs, events, weight }) => {
    state.blocks.push({ number, timeMs, weight });
    for (const { event } of events) {
      if (api.events.orders.OrderPlaced.is(event)) count(state.orders, event.data.slot.toNumber());
      else if (api.events.metering.ReadingRecorded.is(event)) count(state.readings, event.data.slot.toNumber());
      else if (api.events.metering.ReadingRejected.is(event)) count(state.rejected, event.data.slot.toNumber());
    }
    const found = marketEvents(api, events);
    for (const slot of [...found.cleared, ...found.voided]) state.cleared.set(slot, { timeMs, voided: found.voided.includes(slot) });
    for (const slot of found.settled) state.settled.set(slot, { timeMs, number });
  };
  return state;
}

/** Sends each slot's orders two slots ahead and its readings once it has ended. */
async function drive(api, { people, slots, dayAhead, config, alice, flood, log }) {
  if (dayAhead) {
    await flood.sendAll(orderJobs(api, people, slots, true));
    log(`sent ${people.length} day-ahead profiles of ${slots.length} orders`);
  }
  const last = slots[slots.length - 1];
  for (let slot = slots[0] - 2; slot <= last + 1; slot++) {
    const wait = timeline(config, slot).start + 1_000 - Date.now();
    if (wait > 0) await sleep(wait);
    // Readings first: their window closes 30 s into the slot, the orders' gate 100 s later.
    const ended = slot - 1;
    if (slots.includes(ended)) {
      await flood.sendAll(readingJobs(api, people, ended, alice));
      log(`slot ${ended}: ${people.length} readings sent`);
    }
    const ordersFor = slot + 2;
    if (!dayAhead && slots.includes(ordersFor)) {
      await flood.sendAll(orderJobs(api, people, [ordersFor], false));
      log(`slot ${ordersFor}: ${people.length} orders sent`);
    }
  }
}

/** The figures of a finished run. */
function summarize({ state, idle: before, firstBlock, slots, config, households, dayAhead, maxBlock }) {
  const lastSettled = state.settled.get(slots[slots.length - 1]);
  const span = state.blocks.filter((b) => b.number >= firstBlock && b.number <= lastSettled.number);
  let idle = before;
  // The run has quiet blocks between its phases; the lightest block of all shows what a block
  // weighs with nothing to do (timestamp, hooks).
  idle = span.reduce((least, b) => (b.weight < least ? b.weight : least), idle);
  const extra = span.reduce((sum, b) => sum + (b.weight > idle ? b.weight - idle : 0n), 0n);
  const perHouseholdSlotNs = extra / BigInt(households * slots.length) / 1000n;
  const perSlot = slots.map((slot) => {
    const times = timeline(config, slot);
    const cleared = state.cleared.get(slot);
    const settled = state.settled.get(slot);
    return {
      slot,
      orders: state.orders.get(slot) ?? 0,
      readings: state.readings.get(slot) ?? 0,
      readingsRejected: state.rejected.get(slot) ?? 0,
      clearedSecsBeforeStart: cleared ? (times.start - cleared.timeMs) / 1000 : null,
      voided: cleared?.voided ?? null,
      settledSecsAfterWindow: settled ? (settled.timeMs - times.meteringCloses) / 1000 : null,
      keptUp: !!cleared && !cleared.voided && cleared.timeMs < times.start
        && !!settled && settled.timeMs < timeline(config, slot + 1).meteringCloses
        && state.orders.get(slot) === households && state.readings.get(slot) === households,
    };
  });
  const heaviest = span.reduce((a, b) => (a > b.weight ? a : b.weight), 0n);
  return {
    households, slots: slots.length, dayAhead, blocks: span.length,
    weightPerHouseholdSlotMs: Number(perHouseholdSlotNs) / 1e6,
    idleBlockMs: Number(idle / 1_000_000n) / 1000,
    heaviestBlockShare: Number((heaviest * 1000n) / maxBlock) / 10,
    perSlot,
    keptUp: perSlot.every((s) => s.keptUp),
  };
}

const started = Date.now();
const stamped = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);

export async function runLoad(api, { households = 200, slots: count = 1, dayAhead = false, log = stamped } = {}) {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const people = await setupHouseholds(api, new Sender(api), {
    specs: loadSpecs(keyring, households), operators: new Map([[0, alice]]), funding: FUNDING, minFree: MIN_FREE, log,
  });
  log(`admitted ${people.length} of ${households} households`);
  const raw = await api.query.orders.configuration();
  const config = {
    slotSecs: raw.slotSecs.toNumber(), gateClosureSecs: raw.gateClosureSecs.toNumber(), meteringWindowSecs: raw.meteringWindowSecs.toNumber(),
  };
  // The first slot whose orders can still go out two slots ahead of it.
  const first = Math.floor(Date.now() / 1000 / config.slotSecs) + 3;
  const slots = Array.from({ length: count }, (_, k) => first + k);
  // Measured after the households' admission, whose blocks are anything but idle.
  const idle = await idleWeight(api);
  const firstBlock = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
  const state = tracker(api);
  const stop = await followBlocks(api, state.onBlock);
  const flood = new Flood(api);
  try {
    await drive(api, { people, slots, dayAhead, config, alice, flood, log });
    const deadline = timeline(config, slots[slots.length - 1] + 2).meteringCloses + 30_000;
    while (!state.settled.has(slots[slots.length - 1]) && Date.now() < deadline) await sleep(500);
  } finally {
    await stop();
  }
  if (flood.refused.length) log(`${flood.refused.length} transactions refused by the pool, first: ${flood.refused[0]}`);
  if (!state.settled.has(slots[slots.length - 1])) throw new Error('the last slot was not settled in time');
  const maxBlock = api.consts.system.blockWeights.maxBlock.refTime.toBigInt();
  return summarize({ state, idle, firstBlock, slots, config, households: people.length, dayAhead, maxBlock });
}

async function main() {
  const { values } = parseArgs({
    options: {
      ws: { type: 'string', default: 'ws://127.0.0.1:9944' },
      households: { type: 'string', default: '200' },
      slots: { type: 'string', default: '1' },
      'day-ahead': { type: 'boolean', default: false },
    },
  });
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(values.ws), noInitWarn: true });
  try {
    const summary = await runLoad(api, {
      households: Number(values.households), slots: Number(values.slots), dayAhead: values['day-ahead'],
    });
    for (const s of summary.perSlot) console.log(JSON.stringify(s));
    console.log(JSON.stringify({ ...summary, perSlot: undefined }));
    if (!summary.keptUp) process.exitCode = 1;
  } finally {
    await api.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => { console.error(error); process.exit(1); });
}
