#!/usr/bin/env node
// A community of households trading on a running node, slot after slot.
//
//   node e2e/tools/simulator.mjs [--ws URL] [--households N] [--slots K] [--day-minutes M]
//                                [--seed S] [--verbose]
//
// Households: the five dev households (Bob, Charlie, Dave, Eve, Ferdie) and, for N > 5, N - 5
// new ones, `//Wattle//household//<i>` with meter `//Wattle//household//<i>//meter`, in a mix
// of consumers, prosumers with rooftop PV and a few producers, funded (1,000 WTL), registered and
// approved by their zone's operator; a second run reuses them. Default N = 5. The new consumers
// live in zone 0 (the town, Alice's); on the dev chain the prosumers and producers live in zone 1
// (the suburb, `//Wattle//suburb`'s), whose tight link congests when its PV peaks at midday: the
// slot's line then shows the suburb's own price and the congestion rent.
//
// Each slot stands for a time of day on a compressed clock: one simulated day in M real minutes
// (default 96, so a one-minute dev slot is 15 simulated minutes). A household's load has a base,
// a morning and an evening peak; PV is a bell over daylight; producers also run a steady source
// (wind, CHP). A couple of slots ahead, every household places one order for its expected net
// position (a bid for a deficit, an ask for a surplus), priced between the zone's feed-in and
// retail tariffs. After the slot, every meter reports: a household with a contract follows it
// (its battery and flexible loads absorb the difference), one without draws from or spills to
// the grid what it forecast; a few % of noise, sometimes a larger deviation, and now and then a
// meter that does not report. Each zone's operator relays its signed readings in one batch per
// slot. Scale and
// noise come from a PRNG seeded with S (default 1) and the slot, so a run is reproducible.
//
// One line per slot once it is settled: orders, clearing price and volume, readings, and the
// settled totals. Runs until Ctrl-C, or until K slots it ordered for are settled; exits 0.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { signReading } from '../lib/meter.mjs';
import { submit } from '../lib/node.mjs';
import { WTL, kwh, wtl, wtlPerKwh } from '../lib/units.mjs';

export const DEV_HOUSEHOLDS = ['Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];
/** The dev chain's zones and the keys of their operators. */
export const TOWN = 0;
export const SUBURB = 1;
export const OPERATOR_URIS = new Map([[TOWN, '//Alice'], [SUBURB, '//Wattle//suburb']]);
/** Roles of the new households, in turn: half consumers, most of the rest prosumers. */
export const ROLE_MIX = ['Consumer', 'Prosumer', 'Consumer', 'Prosumer', 'Consumer', 'Prosumer', 'Producer', 'Consumer', 'Prosumer', 'Consumer'];
export const FUNDING = 1_000n * WTL;
const MIN_FREE = 100n * WTL;
const READINGS_PER_BATCH = 256;
const PRICE_STEP = 1_000_000n; // 0.001 WTL/kWh
/** Chances per household and slot: a larger deviation from the plan, and no reading at all. */
export const DEVIATION_CHANCE = 0.05;
export const MISSING_CHANCE = 0.01;

export function parseArgs(argv) {
  const options = { ws: 'ws://127.0.0.1:9944', households: 5, slots: Infinity, dayMinutes: 96, seed: 1, verbose: false };
  const positive = (name, value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number, not ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ws') options.ws = argv[++i];
    else if (arg === '--households') options.households = Math.floor(positive(arg, argv[++i]));
    else if (arg === '--slots') options.slots = Math.floor(positive(arg, argv[++i]));
    else if (arg === '--day-minutes') options.dayMinutes = positive(arg, argv[++i]);
    else if (arg === '--seed') options.seed = argv[++i];
    else if (arg === '--verbose' || arg === '-v') options.verbose = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Reproducible randomness: a PRNG per (seed, household, slot, purpose).

function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** mulberry32: a small, fast 32-bit PRNG; returns a function giving numbers in [0, 1). */
export function mulberry32(state) {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The PRNG for one purpose: the same keys always give the same sequence. */
export function rngFor(seed, ...keys) {
  return mulberry32(hash32([seed, ...keys].map(String).join('/')));
}

/** A standard normal draw (Box-Muller). */
export function gaussian(rand) {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;
/** The first few of a long list, so that admitting thousands of households stays one readable line. */
const listed = (items, shown = 8) => (items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`);

// ---------------------------------------------------------------------------------------------
// The day: clock and profiles.

/** Minutes after simulated midnight (0 <= m < 1440) at the start of `slot`. */
export function timeOfDay(slot, { slotSecs = 60, dayMinutes = 96 } = {}) {
  const realSecs = Number(slot) * slotSecs;
  const simMinutes = (realSecs / 60) * (1440 / dayMinutes);
  return ((simMinutes % 1440) + 1440) % 1440;
}

/** `minutes` as HH:MM. */
export function clock(minutes) {
  const m = Math.floor(minutes);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** A bell around `centre` (hours, wrapping at midnight) of width `width`, 1 at its peak. */
function bump(hour, centre, width) {
  let d = Math.abs(hour - centre);
  d = Math.min(d, 24 - d);
  return Math.exp(-0.5 * (d / width) ** 2);
}

/** A household's load over the day as a share of its evening peak: base, morning, noon, evening. */
export function loadShape(hour) {
  return Math.min(1, 0.18 + 0.45 * bump(hour, 7.5, 1.0) + 0.12 * bump(hour, 13, 2.5) + 0.82 * bump(hour, 19, 1.8));
}

/** PV output over the day as a share of its peak: a bell from 06:00 to 20:00, highest at 13:00. */
export function pvShape(hour) {
  if (hour <= 6 || hour >= 20) return 0;
  return Math.sin((Math.PI * (hour - 6)) / 14) ** 1.5;
}

/** How much sellers lean towards higher prices: 1 around 19:30, 0 at noon. */
export function eveningShape(hour) {
  return bump(hour, 19.5, 2.2);
}

/** Energy a connection of `maxPowerW` can carry in one slot, Wh (the runtime's limit). */
export function capacityWh(maxPowerW, slotSecs) {
  return Math.floor((maxPowerW * slotSecs) / 3600);
}

/** The household's scale factors, drawn once from the seed: shares of its connection. */
export function householdTraits(seed, key, role) {
  const rand = rngFor(seed, key, 'traits');
  const between = (lo, hi) => lo + (hi - lo) * rand();
  const peakLoad = between(0.3, 0.55);
  const pvPeak = between(0.45, 0.8);
  const baseOutput = between(0.12, 0.25);
  if (role === 'Consumer') return { peakLoad, pvPeak: 0, baseOutput: 0 };
  if (role === 'Producer') return { peakLoad: 0, pvPeak, baseOutput };
  return { peakLoad: peakLoad * 0.85, pvPeak, baseOutput: 0 };
}

/**
 * What `household` expects for `slot`: `{ minutes, loadWh, generationWh, netWh }` (net export,
 * negative for a deficit); each of load and generation within the connection's capacity.
 */
export function householdEnergy(household, slot, { seed = 1, slotSecs = 60, dayMinutes = 96 } = {}) {
  const minutes = timeOfDay(slot, { slotSecs, dayMinutes });
  const hour = minutes / 60;
  const rand = rngFor(seed, household.key, slot, 'energy');
  const cap = household.capacityWh;
  const { peakLoad, pvPeak, baseOutput } = household.traits;
  const load = cap * peakLoad * loadShape(hour) * (1 + 0.08 * gaussian(rand));
  const cloud = 0.7 + 0.3 * rand();
  const steady = baseOutput * (0.8 + 0.4 * rand());
  const generation = cap * (pvPeak * pvShape(hour) * cloud + steady);
  const loadWh = clamp(Math.round(load), 0, cap);
  const generationWh = clamp(Math.round(generation), 0, cap);
  return { minutes, loadWh, generationWh, netWh: generationWh - loadWh };
}

/**
 * The order for an expected net position, or null (none: balanced, or a side its role may not
 * take). Prices in planck per Wh between the feed-in tariff and the retail tariff less the grid
 * fee (what the grid would charge): buyers pay more the larger their deficit, sellers ask more
 * in the evening, plus noise; rounded to 0.001 WTL/kWh and within 1..=maxPrice.
 */
export function orderFor(household, energy, tariffs, { seed = 1, slot, maxPrice }) {
  const rand = rngFor(seed, household.key, slot, 'price');
  const cap = household.capacityWh;
  const feedIn = BigInt(tariffs.feedInPrice);
  let ceiling = BigInt(tariffs.retailPrice) - BigInt(tariffs.gridFee);
  if (ceiling <= feedIn) ceiling = BigInt(tariffs.retailPrice);
  const hour = energy.minutes / 60;
  let side;
  let energyWh;
  let share;
  if (energy.netWh < 0 && household.role !== 'Producer') {
    side = 'Buy';
    energyWh = Math.min(-energy.netWh, cap);
    share = 0.35 + 0.5 * Math.min(1, energyWh / (0.5 * cap)) + 0.06 * gaussian(rand);
  } else if (energy.netWh > 0 && household.role !== 'Consumer') {
    side = 'Sell';
    energyWh = Math.min(energy.netWh, cap);
    share = 0.1 + 0.35 * eveningShape(hour) + 0.06 * gaussian(rand);
  } else {
    return null;
  }
  const permille = BigInt(Math.round(clamp(share, 0.02, 0.98) * 1000));
  let price = feedIn + ((ceiling - feedIn) * permille) / 1000n;
  if (price >= PRICE_STEP) price = (price / PRICE_STEP) * PRICE_STEP;
  if (price < 1n) price = 1n;
  if (maxPrice !== undefined && price > BigInt(maxPrice)) price = BigInt(maxPrice);
  return { side, energyWh: BigInt(energyWh), price };
}

/**
 * What the household's meter reports for the slot, or null when the meter stays silent.
 * `contractedNetWh` (sold - bought, a number) when the household holds a contract: it follows
 * it; null when it holds none: it takes its expected net from the grid. Noise of about 3 %,
 * sometimes (DEVIATION_CHANCE) 15-40 % off; each value within the connection's capacity.
 */
export function meterReading(household, energy, contractedNetWh, { seed = 1, slot }) {
  const rand = rngFor(seed, household.key, slot, 'meter');
  if (rand() < MISSING_CHANCE) return null;
  const target = contractedNetWh ?? energy.netWh;
  let deviation = 0.03 * gaussian(rand);
  if (rand() < DEVIATION_CHANCE) deviation = (rand() < 0.5 ? -1 : 1) * (0.15 + 0.25 * rand());
  const actual = Math.round(target * (1 + deviation));
  const cap = household.capacityWh;
  return {
    importedWh: BigInt(clamp(-actual, 0, cap)),
    exportedWh: BigInt(clamp(actual, 0, cap)),
  };
}

/**
 * The households of a community of `n`: the dev ones first, then `//Wattle//household//<i>`, the
 * consumers in the town and the others in `pvZone` (the suburb by default).
 */
export function householdSpecs(n, { pvZone = SUBURB } = {}) {
  const specs = [];
  for (let i = 0; i < n; i++) {
    if (i < DEV_HOUSEHOLDS.length) {
      const name = DEV_HOUSEHOLDS[i];
      specs.push({ key: name, name, uri: `//${name}`, meterUri: `//${name}//meter`, dev: true });
    } else {
      const k = i - DEV_HOUSEHOLDS.length + 1;
      const role = ROLE_MIX[(k - 1) % ROLE_MIX.length];
      const maxPowerW = role === 'Consumer' ? 5_000 + 1_000 * (k % 4)
        : role === 'Prosumer' ? 8_000 + 1_000 * (k % 5)
          : 15_000 + 5_000 * (k % 3);
      const uri = `//Wattle//household//${k}`;
      const zone = role === 'Consumer' ? TOWN : pvZone;
      specs.push({ key: `household-${k}`, name: `household ${k}`, uri, meterUri: `${uri}//meter`, role, maxPowerW, zone, dev: false });
    }
  }
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Talking to the chain.

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not in a block within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends transactions with explicit nonces, counted per account, so that one account's
 * transactions can go out together. A transaction the pool refused (or that timed out) makes the
 * next one ask the chain again. At most `maxInFlight` transactions are watched at once: a node
 * serves at most 1,024 subscriptions a connection.
 */
export class Sender {
  constructor(api, { timeoutMs = 90_000, maxInFlight = 500 } = {}) {
    this.api = api;
    this.timeoutMs = timeoutMs;
    this.nonces = new Map();
    this.maxInFlight = maxInFlight;
    this.inFlight = 0;
    this.waiting = [];
  }

  nextNonce(address) {
    const chain = this.nonces.get(address)
      ?? this.api.rpc.system.accountNextIndex(address).then((n) => n.toNumber());
    this.nonces.set(address, chain.then((n) => n + 1));
    return chain;
  }

  async slot() {
    while (this.inFlight >= this.maxInFlight) await new Promise((resolve) => this.waiting.push(resolve));
    this.inFlight++;
  }

  release() {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  /** Resolves with `{ blockHash, events }` once in a block; rejects like `submit`. */
  async send(tx, signer, what = `${tx.method.section}.${tx.method.method}`) {
    let nonce;
    await this.slot();
    try {
      nonce = await this.nextNonce(signer.address);
      return await withTimeout(submit(this.api, tx, signer, { nonce }), this.timeoutMs, what);
    } catch (error) {
      if (!error.section) this.nonces.delete(signer.address);
      error.message = `${what}: ${error.message}`;
      throw error;
    } finally {
      this.release();
    }
  }
}

/**
 * The operator key of each zone of the chain that the simulator knows, Alice's for the town: a
 * chain without the suburb puts its households in the town.
 */
export async function zoneOperators(api, keyring) {
  const operators = new Map();
  for (const [zone, uri] of OPERATOR_URIS) {
    const pair = keyring.addFromUri(uri);
    const info = await api.query.participants.zones(zone);
    if (info.isSome && info.unwrap().operator.toString() === pair.address) operators.set(zone, pair);
  }
  return operators;
}

/**
 * Brings the community onto the chain: funds, registers and approves the new households that
 * need it (each operator's transactions together, with explicit nonces), and returns every
 * approved household with its keys, role, zone and connection as the chain has them. The
 * households are `householdSpecs(households)` unless `specs` are given (same shape); `operators`
 * maps each zone to its operator's key (Alice, who also funds, for zone 0).
 */
export async function setupHouseholds(api, sender, {
  households = 5, specs: given, seed = 1, operators, funding = FUNDING, minFree = MIN_FREE, log = console.log,
} = {}) {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const operatorOf = operators ?? await zoneOperators(api, keyring);
  const alice = operatorOf.get(TOWN);
  const pvZone = operatorOf.has(SUBURB) ? SUBURB : TOWN;
  const specs = (given ?? householdSpecs(households, { pvZone })).map((spec) => {
    // Specs may bring their key pairs: deriving each from its URI runs the dev phrase's key
    // stretching every time, which for thousands of households blocks the client for minutes.
    const pair = spec.pair ?? keyring.addFromUri(spec.uri);
    return { ...spec, pair, meter: spec.meter ?? keyring.addFromUri(spec.meterUri), address: pair.address };
  });
  // A few hundred keys a request: thousands of single queries at once overrun the node's RPC queue.
  const queryMany = async (query, addresses) => {
    const results = [];
    for (let i = 0; i < addresses.length; i += 500) results.push(...await query.multi(addresses.slice(i, i + 500)));
    return results;
  };
  const records = async () => (await queryMany(api.query.participants.registry, specs.map((s) => s.address)))
    .map((record) => (record.isSome ? record.unwrap() : null));
  const report = (label, results, list) => {
    results.forEach((r, i) => { if (r.status === 'rejected') log(`setup: ${label} ${list[i].name} failed: ${r.reason.message}`); });
  };

  let known = await records();
  const toRegister = specs.filter((s, i) => !s.dev && known[i] === null);
  if (toRegister.length > 0) {
    const funds = (await queryMany(api.query.system.account, toRegister.map((s) => s.address))).map((a) => a.data.free.toBigInt());
    const toFund = toRegister.filter((_, i) => funds[i] < minFree);
    if (toFund.length > 0) log(`setup: Alice funds ${plural(toFund.length, 'new household')} with ${wtl(funding)} WTL each`);
    report('funding', await Promise.allSettled(toFund.map((s) =>
      sender.send(api.tx.balances.transferKeepAlive(s.address, funding), alice, `fund ${s.name}`))), toFund);
    log(`setup: ${plural(toRegister.length, 'household')} register (${listed(toRegister.map((s) => `${s.name} ${s.role} ${s.maxPowerW / 1000} kW`))})`);
    report('registration of', await Promise.allSettled(toRegister.map((s) =>
      sender.send(api.tx.participants.register(s.role, s.zone ?? TOWN, s.meter.publicKey, s.maxPowerW), s.pair, `register ${s.name}`))), toRegister);
    known = await records();
  }
  const pending = specs.filter((_, i) => known[i]?.status.isPending);
  if (pending.length > 0) {
    log(`setup: their operators approve ${plural(pending.length, 'household')}`);
    const operatorFor = (s) => operatorOf.get(known[specs.indexOf(s)].zone.toNumber()) ?? alice;
    report('approval of', await Promise.allSettled(pending.map((s) =>
      sender.send(api.tx.participants.approve(s.address), operatorFor(s), `approve ${s.name}`))), pending);
    known = await records();
  }

  const slotSecs = (await api.query.orders.configuration()).slotSecs.toNumber();
  const ready = [];
  specs.forEach((s, i) => {
    const record = known[i];
    if (record === null) return log(`setup: ${s.name} is not registered; left out`);
    if (!record.status.isApproved) return log(`setup: ${s.name} is ${record.status.type}; left out`);
    if (record.meterKey.toHex() !== u8aToHex(s.meter.publicKey)) {
      return log(`setup: ${s.name}'s registered meter key is not ${s.meterUri}; left out`);
    }
    const role = record.role.type;
    const maxPowerW = record.maxPowerW.toNumber();
    ready.push({
      key: s.key, name: s.name, address: s.address, pair: s.pair, meter: s.meter,
      role, maxPowerW, zone: record.zone.toNumber(), capacityWh: capacityWh(maxPowerW, slotSecs),
      traits: householdTraits(seed, s.key, role),
    });
  });
  return ready;
}

/** A settled slot's totals as plain BigInts/numbers. */
function plainTotals(totals) {
  return {
    price: totals.price.toBigInt(),
    volumeWh: totals.volumeWh.toBigInt(),
    participants: totals.participants.toNumber(),
    shortfallWh: totals.shortfallWh.toBigInt(),
    surplusWh: totals.surplusWh.toBigInt(),
    gridFees: totals.gridFees.toBigInt(),
    imbalanceCharges: totals.imbalanceCharges.toBigInt(),
    imbalanceCredits: totals.imbalanceCredits.toBigInt(),
    penalties: totals.penalties.toBigInt(),
    missingReadings: totals.missingReadings.toNumber(),
    debt: totals.debt.toBigInt(),
  };
}

/** One line for a settled slot. */
export function slotLine(entry) {
  const bids = entry.placed.filter((o) => o.side === 'Buy');
  const asks = entry.placed.filter((o) => o.side === 'Sell');
  const sum = (list) => list.reduce((s, o) => s + o.energyWh, 0n);
  const parts = [`slot ${entry.slot} ${clock(entry.minutes)}`,
    `orders ${bids.length} buy ${sum(bids)} Wh, ${asks.length} sell ${sum(asks)} Wh${entry.failed ? `, ${entry.failed} failed` : ''}`];
  if (entry.voided) parts.push('voided');
  else if (!entry.cleared) parts.push('not cleared');
  else if (entry.cleared.volumeWh === 0n) parts.push('cleared: no trade');
  else parts.push(`cleared ${entry.cleared.volumeWh} Wh at ${wtlPerKwh(entry.cleared.price)} WTL/kWh`);
  if (entry.cleared?.split?.length) {
    const zones = entry.cleared.split.map((z) => `zone ${z.zone} at ${wtlPerKwh(z.price)} (${z.netExportWh > 0n ? 'export' : 'import'} ${kwh(z.netExportWh < 0n ? -z.netExportWh : z.netExportWh)} kWh, capped)`);
    parts.push(`split: ${zones.join(', ')}, congestion rent ${wtl(entry.cleared.congestionRent)} WTL`);
  }
  if (entry.readings) parts.push(`meters ${entry.readings.recorded} read, ${entry.readings.silent} silent${entry.readings.rejected ? `, ${entry.readings.rejected} rejected` : ''}`);
  else parts.push('no readings sent');
  const t = entry.totals;
  if (t) {
    parts.push(`settled ${t.participants} participants: shortfall ${kwh(t.shortfallWh)} kWh, surplus ${kwh(t.surplusWh)} kWh, `
      + `grid fees ${wtl(t.gridFees)} WTL, imbalance charges ${wtl(t.imbalanceCharges)} / credits ${wtl(t.imbalanceCredits)} WTL, `
      + `penalties ${wtl(t.penalties)} WTL (${t.missingReadings} missing), debt ${wtl(t.debt)} WTL`);
  }
  return parts.join(' | ');
}

/**
 * Runs the community on `api` until `options.slots` slots it ordered for are settled, or
 * `options.signal` aborts. Options: households (5), slots (Infinity), dayMinutes (96), seed (1),
 * leadSlots (2: how far ahead orders go), log (console.log), verbose (phase lines too).
 * Resolves with `{ households, slots }`: the households and, per slot ordered for, what was
 * placed, its clearing, its readings and its settled totals.
 */
export async function runSimulator(api, options = {}) {
  const opts = { households: 5, slots: Infinity, dayMinutes: 96, seed: 1, leadSlots: 2, log: console.log, verbose: false, ...options };
  const { log, seed, dayMinutes } = opts;
  const debug = opts.verbose ? log : () => {};
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const operators = await zoneOperators(api, keyring);
  const sender = new Sender(api);
  const config = await api.query.orders.configuration();
  const slotSecs = config.slotSecs.toNumber();
  const gateSecs = config.gateClosureSecs.toNumber();
  const windowSecs = config.meteringWindowSecs.toNumber();
  const minReputation = config.minReputation.toNumber();
  const maxPrice = config.maxPrice.toBigInt();
  const genesisHash = api.genesisHash.toU8a();
  const clockOptions = { seed, slotSecs, dayMinutes };
  const marginSecs = 12; // two blocks before gate closure
  const blockSecs = 6;

  const households = await setupHouseholds(api, sender, { households: opts.households, seed, operators, log });
  const tariffsOf = new Map();
  for (const zone of new Set(households.map((h) => h.zone))) {
    const t = (await api.query.participants.zones(zone)).unwrap().tariffs;
    tariffsOf.set(zone, {
      gridFee: t.gridFee.toBigInt(), retailPrice: t.retailPrice.toBigInt(), feedInPrice: t.feedInPrice.toBigInt(),
    });
  }
  const simMinutes = (slotSecs / 60) * (1440 / dayMinutes);
  log(`simulator: ${plural(households.length, 'household')} (${households.map((h) => `${h.name} ${h.role}`).join(', ')}); `
    + `a ${slotSecs} s slot is ${simMinutes} simulated minutes, a day ${dayMinutes} real minutes; seed ${seed}`);

  const slots = new Map();
  let planned = 0;
  let settled = 0;
  let stopping = false;
  const tasks = new Set();
  const track = (promise) => {
    const p = promise.catch((error) => log(`error: ${error.message}`)).finally(() => tasks.delete(p));
    tasks.add(p);
    return p;
  };

  async function placeOrder(entry, h) {
    const record = await api.query.participants.registry(h.address);
    if (record.isNone) return debug(`slot ${entry.slot}: ${h.name} is not registered`);
    const info = record.unwrap();
    if (!info.status.isApproved) return debug(`slot ${entry.slot}: ${h.name} is ${info.status.type}, no order`);
    if (info.reputation.toNumber() < minReputation) return log(`slot ${entry.slot}: ${h.name}'s reputation ${info.reputation} is below ${minReputation}, no order`);
    const debt = info.debt.toBigInt();
    if (debt > 0n) {
      const free = (await api.query.system.account(h.address)).data.free.toBigInt();
      if (free <= debt + WTL) return log(`slot ${entry.slot}: ${h.name} owes ${wtl(debt)} WTL and cannot repay, no order`);
      await sender.send(api.tx.participants.repayDebt(), h.pair, `${h.name} repays ${wtl(debt)} WTL`);
      log(`slot ${entry.slot}: ${h.name} repaid a debt of ${wtl(debt)} WTL`);
    }
    const energy = householdEnergy(h, entry.slot, clockOptions);
    const order = orderFor(h, energy, tariffsOf.get(h.zone), { seed, slot: entry.slot, maxPrice });
    if (order === null) return undefined;
    try {
      const { events } = await sender.send(api.tx.orders.placeOrder(entry.slot, order.side, order.energyWh, order.price), h.pair,
        `${h.name} ${order.side} ${order.energyWh} Wh for slot ${entry.slot}`);
      const placed = events.map(({ event }) => event).find((e) => api.events.orders.OrderPlaced.is(e));
      entry.placed.push({ ...order, who: h.address, id: placed.data.id.toBigInt() });
    } catch (error) {
      entry.failed++;
      log(`error: ${error.message}`);
    }
    return undefined;
  }

  function planSlot(slot) {
    const entry = { slot, minutes: timeOfDay(slot, clockOptions), placed: [], failed: 0, cleared: null, voided: false, readings: null, totals: null };
    slots.set(slot, entry);
    planned++;
    entry.placing = track(Promise.all(households.map((h) => placeOrder(entry, h).catch((error) => {
      entry.failed++;
      log(`error: ${h.name}, slot ${slot}: ${error.message}`);
    }))).then(() => debug(`slot ${slot} ${clock(entry.minutes)}: ${entry.placed.length} orders placed`)));
  }

  async function sendReadings(entry) {
    await entry.placing;
    const orderOf = new Map(entry.placed.map((o) => [o.who, o]));
    const readings = [];
    let silent = 0;
    await Promise.all(households.map(async (h) => {
      const order = orderOf.get(h.address);
      let contracted = null;
      if (order) {
        const own = (await api.call.marketApi.position(entry.slot, h.address)).orders.find((o) => o.id.eq(order.id));
        const fill = own && own.clearedWh.isSome ? Number(own.clearedWh.unwrap().toBigInt()) : 0;
        if (fill > 0) contracted = order.side === 'Buy' ? -fill : fill;
      }
      const reading = meterReading(h, householdEnergy(h, entry.slot, clockOptions), contracted, { seed, slot: entry.slot });
      if (reading === null) silent++;
      else readings.push({ h, reading });
    }));
    entry.readings = { sent: readings.length, recorded: 0, rejected: 0, silent };
    readings.sort((a, b) => a.h.key.localeCompare(b.h.key));
    const batches = [];
    for (const [zone, operator] of operators) {
      const signed = readings.filter(({ h }) => h.zone === zone).map(({ h, reading }) =>
        signReading(h.meter, genesisHash, h.address, entry.slot, reading.importedWh, reading.exportedWh));
      for (let i = 0; i < signed.length; i += READINGS_PER_BATCH) batches.push([operator, signed.slice(i, i + READINGS_PER_BATCH)]);
    }
    for (const [operator, batch] of batches) {
      const { events } = await sender.send(api.tx.metering.submitReadings(batch), operator, `readings of slot ${entry.slot}`);
      for (const { event } of events) {
        if (api.events.metering.ReadingRecorded.is(event)) entry.readings.recorded++;
        if (api.events.metering.ReadingRejected.is(event)) {
          entry.readings.rejected++;
          log(`slot ${entry.slot}: reading rejected: ${JSON.stringify(event.data.toHuman())}`);
        }
      }
    }
    debug(`slot ${entry.slot}: ${entry.readings.recorded} readings recorded, ${silent} meters silent`);
  }

  /** What time brings: orders for the coming slots, readings for the slot just ended. */
  function act(nowSecs) {
    const current = Math.floor(nowSecs / slotSecs);
    for (let s = current + 1; !stopping && s <= current + opts.leadSlots && planned < opts.slots; s++) {
      if (slots.has(s) || s * slotSecs - gateSecs - nowSecs < marginSecs) continue;
      planSlot(s);
    }
    for (const entry of slots.values()) {
      const end = (entry.slot + 1) * slotSecs;
      if (entry.readingsDue || nowSecs < end) continue;
      entry.readingsDue = true;
      if (nowSecs + blockSecs + 2 > end + windowSecs) {
        log(`slot ${entry.slot}: its metering window passed before the readings could go`);
        continue;
      }
      track(sendReadings(entry));
    }
  }

  return new Promise((resolve, reject) => {
    let unsubscribe = null;
    let queue = Promise.resolve();
    let lastBlock = null;
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      stopping = true;
      if (unsubscribe) unsubscribe();
      opts.signal?.removeEventListener('abort', finish);
      resolve({ households, slots: [...slots.values()] });
    };
    if (opts.signal?.aborted) { finish(); return; }
    opts.signal?.addEventListener('abort', finish);

    async function onBlock(number, hash) {
      const at = await api.at(hash);
      const [events, now] = await Promise.all([at.query.system.events(), at.query.timestamp.now()]);
      for (const { event } of events) {
        if (api.events.clearing.SlotCleared.is(event)) {
          const entry = slots.get(event.data.slot.toNumber());
          if (!entry) continue;
          entry.cleared = { ...entry.cleared, price: event.data.price.toBigInt(), volumeWh: event.data.volumeWh.toBigInt() };
          debug(`slot ${entry.slot}: cleared ${entry.cleared.volumeWh} Wh at ${wtlPerKwh(entry.cleared.price)} WTL/kWh`);
        } else if (api.events.clearing.MarketSplit?.is(event)) {
          const entry = slots.get(event.data.slot.toNumber());
          if (!entry) continue;
          entry.cleared = {
            ...entry.cleared,
            split: event.data.zones.filter((z) => !z.price.eq(event.data.hubPrice))
              .map((z) => ({ zone: z.zone.toNumber(), price: z.price.toBigInt(), netExportWh: z.soldWh.toBigInt() - z.boughtWh.toBigInt() })),
            congestionRent: event.data.congestionRent.toBigInt(),
          };
        } else if (api.events.clearing.SlotVoided.is(event)) {
          const entry = slots.get(event.data.slot.toNumber());
          if (entry) entry.voided = true;
        } else if (api.events.settlement.SlotSettled.is(event)) {
          const entry = slots.get(event.data.slot.toNumber());
          if (!entry || entry.totals) continue;
          const totals = await at.query.settlement.slotTotalsOf(entry.slot);
          entry.totals = totals.isSome ? plainTotals(totals.unwrap()) : {
            price: event.data.price.toBigInt(), volumeWh: event.data.volumeWh.toBigInt(), participants: event.data.participants.toNumber(),
            shortfallWh: 0n, surplusWh: 0n, gridFees: 0n, imbalanceCharges: 0n, imbalanceCredits: 0n, penalties: 0n, missingReadings: 0, debt: 0n,
          };
          log(slotLine(entry));
          settled++;
        }
      }
      return now.toNumber() / 1000;
    }

    async function onHead(header) {
      if (finished) return;
      const number = header.number.toNumber();
      if (lastBlock === null) lastBlock = number - 1;
      if (number <= lastBlock) return;
      let nowSecs = null;
      for (let n = lastBlock + 1; n <= number; n++) {
        const hash = n === number ? header.hash : await api.rpc.chain.getBlockHash(n);
        nowSecs = await onBlock(n, hash);
      }
      lastBlock = number;
      if (settled >= opts.slots) {
        await Promise.allSettled([...tasks]);
        await finish();
        return;
      }
      act(nowSecs);
    }

    api.rpc.chain.subscribeNewHeads((header) => {
      queue = queue.then(() => onHead(header)).catch((error) => log(`error: block ${header.number}: ${error.message}`));
    }).then((unsub) => {
      unsubscribe = unsub;
      if (finished) unsub();
    }, reject);
  });
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    options = { help: true, error: error.message };
  }
  if (options.help) {
    if (options.error) console.error(options.error);
    console.error('usage: simulator.mjs [--ws URL] [--households N] [--slots K] [--day-minutes M] [--seed S] [--verbose]');
    process.exit(2);
  }
  const api = await ApiPromise.create({ provider: new WsProvider(options.ws), noInitWarn: true });
  const controller = new AbortController();
  let interrupted = 0;
  const stop = () => {
    if (++interrupted > 1) process.exit(0);
    console.log('simulator: stopping');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const chain = await api.rpc.system.chain();
  console.log(`simulator: connected to ${chain} at ${options.ws}`);
  const log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  const { slots } = await runSimulator(api, { ...options, log, signal: controller.signal });
  console.log(`simulator: ${slots.filter((s) => s.totals).length} slots settled`);
  await api.disconnect();
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => { console.error(error.message); process.exit(1); });
}
