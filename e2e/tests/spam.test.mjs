// Issue 14, pool hygiene for the fee-less calls. Clearing results from an authority cost their
// sender nothing, and meter batches that are all accepted are refunded, so the pool is the only
// thing between a spammer and the blocks: thousands of invalid results and unpaid batches sent
// over RPC while a slot clears must all be refused with their reason, none may reach a block,
// blocks must keep coming on time, and the slot must still be cleared by the off-chain worker.
// What one valid authority or relay gets for free is bounded too: one result per slot, never
// replayed; a reading recorded once, and a batch that is not all accepted pays.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { randomAsU8a } from '@polkadot/util-crypto';
import { compactAddLength, u8aConcat, u8aToHex } from '@polkadot/util';
import { clearBook } from '../lib/auction.mjs';
import { authorityResultTx, resultPayload } from '../lib/clearing-authority.mjs';
import { Flood } from '../lib/flood.mjs';
import { generalExtensions, generalTransaction, transactionHash } from '../lib/general-tx.mjs';
import { slotClosingAfter } from '../lib/ledger.mjs';
import { justEndedSlot, signReading } from '../lib/meter.mjs';
import { submit, useNode, waitFor } from '../lib/node.mjs';
import { RawRpc, flood, validateAt } from '../lib/pool.mjs';
import { WTL } from '../lib/units.mjs';

const { ctx, test } = useNode();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
// Fresh accounts sign with ed25519: a quarter of sr25519's cost in wasm, so thousands are quick.
const throwaway = new Keyring({ type: 'ed25519', ss58Format: 42 });
const MWH = 1_000_000n; // 0.001 WTL/kWh in planck per Wh
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const yieldToEvents = () => new Promise((resolve) => setImmediate(resolve));

// What the flood sends, by class, and the pool's reason each must be refused for. The corrupted
// results of the slot being cleared are refused for a reason that follows the slot's phase
// (`corruptedVerdicts`). 5,800 in all, 250 a second: they span the slot's gate closure and the
// blocks that take the off-chain worker's result, even one or two blocks late.
const FLOOD = {
  unknownAuthority: { count: 500, refusal: 'BadSigner' }, // a result signed by a key that is no authority
  forgedSignature: { count: 400, refusal: 'BadProof' }, // the authority's key, another key's signature
  randomSignature: { count: 400, refusal: 'BadProof' }, // the authority's key, 64 random bytes
  otherPayload: { count: 400, refusal: 'BadProof' }, // the authority's signature over other bytes
  gateNotClosed: { count: 500, refusal: 'Future' }, // the authority's, for slots still open
  longPast: { count: 500, refusal: 'Stale' }, // the authority's, for slots that started long ago
  corruptedResult: { count: 700, refusal: null }, // the authority's, for the slot, changed
  unauthorizedGeneral: { count: 200, refusal: 'UnknownOrigin' }, // other calls sent fee-less
  bareUnsigned: { count: 100, refusal: 'NoUnsignedValidator' }, // the result call as a v4 unsigned one
  undecodable: { count: 100, refusal: 'Undecodable' }, // a general transaction of no call
  unpaidReadings: { count: 2_000, refusal: 'Payment' }, // meter batches from accounts without funds
};
const FLOOD_RATE_PER_SEC = 250;
// Copies of the worker's valid result sent while it waits in the pool for its block: with other
// extension bytes, and signed again by the authority.
const COPIES_REWRAPPED = 50;
const COPIES_RESIGNED = 10;
const FLOOD_IN_FLIGHT = 64;
// How long before the gate of the slot being cleared the flood starts.
const FLOOD_LEAD_MS = 7_000;
// Clock skew allowed between the pool's best block and the heads this client sees.
const PHASE_MARGIN_MS = 2_000;
// What the flood test leaves for the replay test: the slot and where its result was included.
let clearedSlot = null;

/** The four orders of tests/clearing.test.mjs, in `slot`: 120 Wh trade at 0.20, Ferdie marginal. */
async function placeCrossingBook(api, slot) {
  const book = [
    ['//Bob', 'Buy', 100n, 250n * MWH],
    ['//Ferdie', 'Buy', 80n, 200n * MWH],
    ['//Dave', 'Sell', 120n, 100n * MWH],
    ['//Eve', 'Sell', 100n, 220n * MWH],
  ];
  return Promise.all(book.map(async ([uri, side, energyWh, price]) => {
    const { events } = await submit(api, api.tx.orders.placeOrder(slot, side, energyWh, price), keyring.addFromUri(uri));
    const placed = events.map(({ event }) => event).find((e) => api.events.orders.OrderPlaced.is(e));
    return { id: placed.data.id.toBigInt(), side, energyWh, price };
  }));
}

/**
 * The split result of a book that trades inside `bookZone`, whose link is not congested, with
 * the market's `zones`: the hub price everywhere, the zone's volumes and marginal orders (each
 * side's highest id priced exactly at the price that trades), the other zones idle.
 */
function expectedResult(orders, zones, bookZone) {
  const { price, fills } = clearBook(orders);
  if (price === null) return 'NoTrade';
  const marginal = (side) => {
    const atPrice = orders.filter((o) => o.side === side && o.price === price && fills.get(o.id) > 0n);
    if (atPrice.length === 0) return null;
    const last = atPrice.reduce((a, b) => (b.id > a.id ? b : a));
    return { id: last.id, fillWh: fills.get(last.id) };
  };
  const traded = (side) => orders.filter((o) => o.side === side).reduce((sum, o) => sum + fills.get(o.id), 0n);
  const idle = { boughtWh: 0n, soldWh: 0n, marginalBid: null, marginalAsk: null };
  return {
    Trade: {
      hubPrice: price,
      zones: zones.map((zone) => (zone === bookZone
        ? { zone, price, boughtWh: traded('Buy'), soldWh: traded('Sell'), marginalBid: marginal('Buy'), marginalAsk: marginal('Sell') }
        : { zone, price, ...idle })),
    },
  };
}

/** A copy of the trading `result` that the book does not support, in one of six ways. */
function corrupt(result, k) {
  const trade = structuredClone(result.Trade);
  const [first] = trade.zones;
  switch (k % 6) {
    case 0: trade.hubPrice += BigInt(k + 1); trade.zones.forEach((z) => { z.price = trade.hubPrice; }); break;
    case 1: first.boughtWh += BigInt(k + 1); break;
    case 2: first.marginalBid = { ...first.marginalBid, fillWh: first.marginalBid.fillWh + 1n }; break;
    case 3: first.marginalBid = { ...first.marginalBid, id: first.marginalBid.id + BigInt(k + 1) }; break;
    case 4: return 'NoTrade';
    default: trade.zones.reverse(); break;
  }
  return { Trade: trade };
}

/** The refusals a corrupted result of the slot may get: by the slot's phase while it was in the pool's hands. */
function corruptedVerdicts({ sentAt, doneAt }, { gateSeenAt, clearedSeenAt }) {
  const from = sentAt - PHASE_MARGIN_MS;
  const to = doneAt + PHASE_MARGIN_MS;
  const allowed = [];
  if (from < gateSeenAt) allowed.push('Future'); // the gate had not closed
  if (from < clearedSeenAt && to >= gateSeenAt) allowed.push('Custom(0)'); // the result does not verify
  if (to >= clearedSeenAt) allowed.push('Stale'); // the slot is cleared already
  return allowed;
}

/**
 * The refusals a copy of the worker's valid result may get while the flood runs: its very bytes
 * are known to the pool; re-wrapped or signed again (new bytes, the same result) it is valid but
 * holds the tag the pool's copy holds, at no higher priority, until that copy is in a block and
 * the slot cleared.
 */
function copyVerdicts({ kind, sentAt, doneAt }, { clearedSeenAt }) {
  if (kind === 'sameBytes') return ['AlreadyImported'];
  const allowed = [];
  if (sentAt - PHASE_MARGIN_MS < clearedSeenAt) allowed.push('PriorityTooLow');
  if (doneAt + PHASE_MARGIN_MS >= clearedSeenAt) allowed.push('Stale');
  return allowed;
}

/**
 * Waits until the worker's result of `slot` is in the pool (or `untilMs`), then sends it again,
 * re-wrapped with tips (which a transaction without a signer does not pay, and which must buy it
 * nothing) and signed again by the authority. Resolves with flood records of kinds `sameBytes`,
 * `rewrappedValid` and `resignedValid`.
 */
async function copiesWhilePending(api, rpc, slot, untilMs) {
  const isResultOfSlot = (hex) => {
    const { method } = api.createType('Extrinsic', hex);
    return api.tx.clearing.submitResultAsAuthority.is(method) && method.args[0].toBigInt() === slot;
  };
  let pending;
  while (!pending && Date.now() < untilMs) {
    pending = (await rpc.pending()).find(isResultOfSlot);
    if (!pending) await sleep(200);
  }
  if (!pending) return [];
  const { method } = api.createType('Extrinsic', pending);
  const rewrapped = Array.from({ length: COPIES_REWRAPPED }, (_, k) => ({
    kind: 'rewrappedValid',
    hex: generalTransaction(api, method, generalExtensions(api, { ChargeTransactionPayment: BigInt(k + 1) * WTL })),
  }));
  const alice = keyring.addFromUri('//Alice');
  const resigned = Array.from({ length: COPIES_RESIGNED }, () => ({
    kind: 'resignedValid', hex: authorityResultTx(api, { slot, result: method.args[1], signer: alice }),
  }));
  return flood(rpc, [{ kind: 'sameBytes', hex: pending }, ...rewrapped, ...resigned], { ratePerSec: 1_000, maxInFlight: 8 });
}

/** Spreads the jobs of every class evenly over the whole flood. */
function interleave(byClass) {
  const placed = [];
  for (const jobs of byClass) jobs.forEach((job, i) => placed.push([(i + 0.5) / jobs.length, job]));
  return placed.sort((a, b) => a[0] - b[0]).map(([, job]) => job);
}

/** Builds `count` jobs of `kind` with `make(k)`, letting other work (orders in flight) run between them. */
async function jobsOf(kind, make) {
  const jobs = [];
  for (let k = 0; k < FLOOD[kind].count; k++) {
    jobs.push({ kind, hex: make(k) });
    if (k % 50 === 49) await yieldToEvents();
  }
  return jobs;
}

/** Every job of the flood but the corrupted results, which wait for the book's order ids. */
async function invalidJobs(api, { slot, result, currentSlot }) {
  const alice = keyring.addFromUri('//Alice');
  const strangers = Array.from({ length: 8 }, () => keyring.addFromSeed(randomAsU8a(32)));
  const otherChain = randomAsU8a(32);
  const call = (s, r, authority, signature) => api.tx.clearing.submitResultAsAuthority(s, r, u8aToHex(authority), u8aToHex(signature));
  const reading = signReading(keyring.addFromUri('//Bob//meter'), api.genesisHash.toU8a(), keyring.addFromUri('//Bob').address, currentSlot - 1n, 40, 0);
  const readingsCall = api.tx.metering.submitReadings([reading]).method;
  const signingOptions = {
    blockHash: api.genesisHash, genesisHash: api.genesisHash, era: 0, nonce: 0,
    runtimeVersion: api.runtimeVersion, signedExtensions: api.registry.signedExtensions,
  };
  const extensionBytes = u8aConcat(...generalExtensions(api).parts.map((part) => part.bytes));
  return [
    await jobsOf('unknownAuthority', (k) => authorityResultTx(api, { slot, result, signer: strangers[k % strangers.length] })),
    await jobsOf('forgedSignature', (k) => authorityResultTx(api, { slot, result, signer: strangers[k % strangers.length], authority: alice.publicKey })),
    await jobsOf('randomSignature', () => generalTransaction(api, call(slot, result, alice.publicKey, randomAsU8a(64)))),
    await jobsOf('otherPayload', (k) => {
      const payloads = [
        () => resultPayload(api, slot, result, otherChain),
        () => resultPayload(api, slot + 1n + BigInt(k), result),
        () => resultPayload(api, slot, result).subarray(15), // without the context
      ];
      return authorityResultTx(api, { slot, result, signer: alice, payload: payloads[k % payloads.length]() });
    }),
    await jobsOf('gateNotClosed', (k) => authorityResultTx(api, { slot: slot + 1n + BigInt(k % 40), result, signer: alice })),
    await jobsOf('longPast', (k) => authorityResultTx(api, { slot: currentSlot - 1n - BigInt(k), result, signer: alice })),
    await jobsOf('unauthorizedGeneral', (k) => generalTransaction(api, [
      () => api.tx.system.remark(u8aToHex(randomAsU8a(16))),
      () => api.tx.metering.submitReadings([{ ...reading, importedWh: BigInt(k) }]),
      () => api.tx.clearing.submitResult(slot + BigInt(k), result),
      () => api.tx.balances.transferKeepAlive(alice.address, BigInt(k + 1) * WTL),
    ][k % 4]())),
    await jobsOf('bareUnsigned', (k) => u8aToHex(compactAddLength(u8aConcat(
      new Uint8Array([4]), call(currentSlot - 1n - BigInt(k), result, alice.publicKey, randomAsU8a(64)).method.toU8a(),
    )))),
    await jobsOf('undecodable', (k) => u8aToHex(compactAddLength(u8aConcat(
      new Uint8Array([0x45, 0]), extensionBytes, new Uint8Array([0xfe, k & 0xff, k >> 8]), randomAsU8a(8),
    )))),
    await jobsOf('unpaidReadings', () => api.tx(readingsCall).sign(throwaway.addFromSeed(randomAsU8a(32)), signingOptions).toHex()),
  ];
}

/** Follows new heads and notes when each arrived, to tell which block the pool judged a job by. */
async function watchHeads(api) {
  const seenAt = new Map();
  const unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => {
    const number = header.number.toNumber();
    if (!seenAt.has(number)) seenAt.set(number, Date.now());
  });
  return { seenAt, stop: unsubscribe };
}

/** Blocks `from..=to`: hash, timestamp, raw and decoded extrinsics, events, when this client saw it. */
async function blocksBetween(api, rpc, from, to, seenAt) {
  const blocks = [];
  for (let number = from; number <= to; number++) {
    const hash = await api.rpc.chain.getBlockHash(number);
    const at = await api.at(hash);
    const [{ block }, raw, events, now] = await Promise.all([
      api.rpc.chain.getBlock(hash), rpc.extrinsics(hash), at.query.system.events(), at.query.timestamp.now(),
    ]);
    blocks.push({ number, hash, parentHash: block.header.parentHash, timeMs: now.toNumber(), seenAt: seenAt.get(number), extrinsics: block.extrinsics, raw, events });
  }
  return blocks;
}

/** The events of extrinsic `index` of a block. */
const eventsOf = (block, index) => block.events
  .filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index)
  .map(({ event }) => event);

/** `{ kind: { verdict: count } }` of the flood's records. */
function tally(records) {
  const byKind = {};
  for (const { kind, refused, accepted } of records) {
    const verdict = refused ?? `accepted ${accepted}`;
    byKind[kind] ??= {};
    byKind[kind][verdict] = (byKind[kind][verdict] ?? 0) + 1;
  }
  return byKind;
}

test('a hand-built general transaction is refused for what it says, not for its format', async () => {
  const { api, wsUrl } = ctx;
  const rpc = await RawRpc.connect(wsUrl);
  try {
    const stranger = keyring.addFromSeed(randomAsU8a(32));
    const { slot } = await slotClosingAfter(api, 0);
    const tx = authorityResultTx(api, { slot, result: 'NoTrade', signer: stranger });
    const verdict = await rpc.submit(tx);
    assert.equal(verdict.refused, 'BadSigner', `the pool decoded it and asked the authorization: ${verdict.message}`);
    // The same bytes again are not even looked at: the pool bans what it refused.
    assert.equal((await rpc.submit(tx)).refused, 'Banned');
  } finally {
    await rpc.disconnect();
  }
});

test('thousands of invalid fee-less results and unpaid batches never reach a block, and blocks keep coming', async () => {
  const { api, wsUrl } = ctx;
  const rpc = await RawRpc.connect(wsUrl);
  const heads = await watchHeads(api);
  try {
    const { slot, slotSecs, gate } = await slotClosingAfter(api, 35);
    const gateMs = Number(slot * slotSecs - gate) * 1000;
    const currentSlot = BigInt(Math.floor(Date.now() / 1000)) / slotSecs;
    const zones = (await api.query.participants.links()).map((link) => link.zone.toNumber());
    // The book goes in while the flood is built; the results the flood signs do not need it.
    const buildStart = Date.now();
    const placing = placeCrossingBook(api, slot);
    const provisional = expectedResult([
      { id: 0n, side: 'Buy', energyWh: 100n, price: 250n * MWH }, { id: 1n, side: 'Buy', energyWh: 80n, price: 200n * MWH },
      { id: 2n, side: 'Sell', energyWh: 120n, price: 100n * MWH }, { id: 3n, side: 'Sell', energyWh: 100n, price: 220n * MWH },
    ], zones, 0);
    const others = await invalidJobs(api, { slot, result: provisional, currentSlot });
    const result = expectedResult(await placing, zones, 0);
    const alice = keyring.addFromUri('//Alice');
    const corrupted = await jobsOf('corruptedResult', (k) => authorityResultTx(api, { slot, result: corrupt(result, k), signer: alice }));
    const jobs = interleave([...others, corrupted]);
    const builtMs = Date.now() - buildStart;

    const lead = gateMs - FLOOD_LEAD_MS - Date.now();
    if (lead > 0) await sleep(lead);
    const firstBlock = (await api.rpc.chain.getHeader()).number.toNumber();
    const startedAt = Date.now();
    const copying = copiesWhilePending(api, rpc, slot, gateMs + 20_000);
    const floodRecords = await flood(rpc, jobs, { ratePerSec: FLOOD_RATE_PER_SEC, maxInFlight: FLOOD_IN_FLIGHT });
    const floodMs = Date.now() - startedAt;
    const copyRecords = await copying;
    const records = [...floodRecords, ...copyRecords];
    let outcome;
    await waitFor(async () => (outcome = await api.query.clearing.outcomes(slot)).isSome, 60_000, 500);
    // Two more blocks: the intervals after the flood count too.
    const endOfFlood = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitFor(async () => (await api.rpc.chain.getHeader()).number.toNumber() >= endOfFlood + 2, 30_000, 200);
    const lastBlock = (await api.rpc.chain.getHeader()).number.toNumber();
    const blocks = await blocksBetween(api, rpc, firstBlock - 1, lastBlock, heads.seenAt);

    // When the slot's gate closed and when its result was included, as this client saw the heads.
    const gateBlock = blocks.find((b) => b.timeMs >= gateMs);
    const clearedBlock = blocks.find((b) => b.events.some(({ event }) => api.events.clearing.SlotCleared.is(event) && event.data.slot.toBigInt() === slot));
    assert.ok(gateBlock?.seenAt && clearedBlock?.seenAt, 'the gate closed and the slot was cleared while this test followed the heads');
    const timing = { gateSeenAt: gateBlock.seenAt, clearedSeenAt: clearedBlock.seenAt };
    console.log(`spam: orders placed and ${jobs.length} transactions built in ${builtMs} ms; flood from ${floodRecords[0].sentAt - timing.gateSeenAt} to ${floodRecords.at(-1).doneAt - timing.gateSeenAt} ms after the gate block was seen; the result's block ${timing.clearedSeenAt - timing.gateSeenAt} ms after it`);
    // The counts go in the log first, so that a failure shows them too.
    const byKind = tally(records);
    console.log(`spam: ${floodRecords.length} transactions in ${floodMs} ms (${Math.round(floodRecords.length / (floodMs / 1000))}/s) and ${copyRecords.length} copies of the valid result, slot ${slot}, gate closed in block ${gateBlock.number}, cleared in block ${clearedBlock.number}`);
    for (const [kind, verdicts] of Object.entries(byKind)) {
      console.log(`spam:   ${kind.padEnd(20)} ${Object.entries(verdicts).map(([v, n]) => `${v} ${n}`).join(', ')}`);
    }
    // What makes the test mean something: the valid result had to get through the flood.
    assert.ok(floodRecords[0].sentAt < timing.gateSeenAt, `the flood started before the gate closed (${timing.gateSeenAt - floodRecords[0].sentAt} ms)`);
    assert.ok(floodRecords.at(-1).doneAt > timing.clearedSeenAt, 'the flood went on past the block that took the result');
    assert.ok(copyRecords.length > 0, 'the worker\'s result was seen in the pool');

    // 1. Every job was refused, each class for its reason.
    for (const record of records) {
      const refusal = FLOOD[record.kind]?.refusal;
      const allowed = refusal ? [refusal]
        : record.kind === 'corruptedResult' ? corruptedVerdicts(record, timing) : copyVerdicts(record, timing);
      assert.ok(allowed.includes(record.refused), `${record.kind} ${record.hash}: ${record.refused ?? `accepted as ${record.accepted}`}, expected ${allowed.join(' or ')}`);
    }
    for (const [kind, { count }] of Object.entries(FLOOD)) assert.equal(records.filter((r) => r.kind === kind).length, count);

    // 2. None of them is in a block; the only result included is the worker's, once, and it succeeded.
    // (`sameBytes` is the worker's own transaction, sent again.)
    const sent = new Set(records.filter((r) => r.kind !== 'sameBytes').map((r) => r.hash));
    const included = blocks.flatMap((b) => b.raw.map(transactionHash)).filter((hash) => sent.has(hash));
    assert.deepEqual(included, [], 'no flooded transaction was included');
    const results = [];
    for (const block of blocks) {
      block.extrinsics.forEach((extrinsic, index) => {
        if (!api.tx.clearing.submitResultAsAuthority.is(extrinsic.method)) return;
        const events = eventsOf(block, index);
        const resultSlot = extrinsic.method.args[0].toBigInt();
        assert.ok(events.some((e) => api.events.system.ExtrinsicSuccess.is(e)), `result of slot ${resultSlot} in block ${block.number} succeeded`);
        assert.ok(!events.some((e) => api.events.system.ExtrinsicFailed.is(e)));
        assert.ok(events.some((e) => api.events.clearing.SlotCleared.is(e) && e.data.slot.toBigInt() === resultSlot), 'and cleared its slot');
        results.push({ slot: resultSlot, block, index });
      });
    }
    const slots = results.map((r) => r.slot);
    assert.equal(new Set(slots).size, slots.length, `at most one result a slot: ${slots.join(', ')}`);
    assert.deepEqual(slots, [slot], 'the slot being cleared got its result during the flood');

    // 3. The market kept working: the off-chain worker cleared the slot, with the result the rule gives.
    const cleared = clearedBlock.events.map(({ event }) => event).find((e) => api.events.clearing.SlotCleared.is(e));
    assert.ok(cleared.data.by.isAuthority, `cleared by the authority, not ${cleared.data.by.type}`);
    const resultType = api.tx.clearing.submitResultAsAuthority.meta.args[1].type.toString();
    assert.equal(outcome.unwrap().asSplit.toHex(), api.createType(resultType, result).toHex(), 'the result is the rule\'s');

    // 4. Blocks came on time throughout: one every Aura slot, none late by half a slot or more.
    const targetMs = api.consts.aura.slotDuration.toNumber();
    const intervals = blocks.slice(1).map((b, i) => b.timeMs - blocks[i].timeMs);
    assert.ok(blocks.every((b, i) => i === 0 || b.number === blocks[i - 1].number + 1));
    const maxInterval = Math.max(...intervals);
    assert.ok(maxInterval <= targetMs * 1.5, `block intervals ${intervals.join(', ')} ms, target ${targetMs}`);

    clearedSlot = { slot, result, slotStartMs: Number(slot * slotSecs) * 1000, ...results[0] };
    console.log(`spam: blocks ${blocks[0].number}..${lastBlock} scanned (${blocks.length}), none holds a flooded transaction; intervals ${intervals.join(', ')} ms, max ${maxInterval} (target ${targetMs})`);
  } finally {
    heads.stop();
    await rpc.disconnect();
  }
});

test('one result a slot: the worker\'s own result, replayed, re-wrapped or signed again, is refused', async () => {
  assert.ok(clearedSlot, 'the flood test cleared a slot');
  const { api, wsUrl } = ctx;
  const { slot, result, slotStartMs, block, index } = clearedSlot;
  const rpc = await RawRpc.connect(wsUrl);
  try {
    // The builder's layout is the worker's, byte for byte: what the flood sent was well formed.
    const workersTx = block.raw[index];
    const { method } = block.extrinsics[index];
    assert.equal(generalTransaction(api, method), workersTx);

    // On the block before it (gate closed, slot not cleared) the pool takes it at priority
    // MAX/2, under the slot's one tag, for the blocks left until the slot starts; wrapped with a
    // tip or a nonce it buys nothing more and still holds the same tag, so a pool keeps one.
    const parentSecs = Math.floor((await (await api.at(block.parentHash)).query.timestamp.now()).toNumber() / 1000);
    const tag = u8aToHex(u8aConcat(api.createType('Text', 'WattleClearing').toU8a(), api.createType('u64', slot).toU8a()));
    const validity = {
      ok: { priority: 2n ** 63n - 1n, requires: [], provides: [tag], longevity: BigInt(Math.floor((slotStartMs / 1000 - parentSecs) / 6) + 1) },
    };
    assert.deepEqual(await validateAt(api, workersTx, block.parentHash), validity);
    const tipped = generalTransaction(api, method, generalExtensions(api, { ChargeTransactionPayment: 10n ** 18n }));
    const renonced = generalTransaction(api, method, generalExtensions(api, { CheckNonce: 7 }));
    for (const variant of [tipped, renonced]) assert.deepEqual(await validateAt(api, variant, block.parentHash), validity);
    // There too, what the flood could not show at a fixed block: a changed result fails verification.
    const alice = keyring.addFromUri('//Alice');
    for (let k = 0; k < 6; k++) {
      const changed = authorityResultTx(api, { slot, result: corrupt(result, k), signer: alice });
      assert.deepEqual(await validateAt(api, changed, block.parentHash), { invalid: 'Custom(0)' }, `corruption ${k}`);
    }

    // Once the block is final the pool has forgotten the worker's transaction: every copy of the
    // result, the very bytes included, is judged again and refused as stale.
    await waitFor(async () => (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber() >= block.number, 60_000, 500);
    const copies = {
      'the included bytes': workersTx,
      'with a tip': tipped,
      'with a nonce': renonced,
      'signed again': authorityResultTx(api, { slot, result, signer: alice }),
    };
    const verdicts = {};
    for (const [name, hex] of Object.entries(copies)) verdicts[name] = (await rpc.submit(hex)).refused;
    assert.deepEqual(verdicts, Object.fromEntries(Object.keys(copies).map((name) => [name, 'Stale'])));
    console.log(`spam: slot ${slot}'s result, validity at block ${block.number - 1}: priority ${validity.ok.priority}, longevity ${validity.ok.longevity}, provides ${tag}; copies after block ${block.number}: ${Object.entries(verdicts).map(([n, v]) => `${n} ${v}`).join(', ')}`);
  } finally {
    await rpc.disconnect();
  }
});


/** Sends the signed `tx` and resolves with its events once it is in a block. */
function inBlock(tx) {
  return new Promise((resolve, reject) => {
    tx.send(({ status, events }) => {
      if (status.isInBlock) resolve(events.map(({ event }) => event));
    }).catch(reject);
  });
}

/** The fee a transaction's events say it paid. */
const feePaid = (api, events) => events.find((e) => api.events.transactionPayment.TransactionFeePaid.is(e)).data.actualFee.toBigInt();

test('a reading relayed twice is recorded once: the first batch is free, the duplicate pays', async () => {
  const { api, wsUrl } = ctx;
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob').address;
  const slot = await justEndedSlot(api);
  const reading = signReading(keyring.addFromUri('//Bob//meter'), api.genesisHash.toU8a(), bob, slot, 40, 7);
  const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  const first = await api.tx.metering.submitReadings([reading]).signAsync(alice, { nonce });
  const again = await api.tx.metering.submitReadings([reading]).signAsync(alice, { nonce: nonce + 1 });
  const [firstEvents, againEvents] = await Promise.all([inBlock(first), inBlock(again)]);

  assert.ok(firstEvents.some((e) => api.events.metering.ReadingRecorded.is(e)));
  assert.equal(feePaid(api, firstEvents), 0n, 'a batch of accepted readings is free');
  const rejected = againEvents.filter((e) => api.events.metering.ReadingRejected.is(e));
  assert.deepEqual(rejected.map((e) => e.data.reason.toString()), ['Duplicate']);
  const fee = feePaid(api, againEvents);
  assert.ok(fee > 0n, 'the batch with the duplicate pays');
  assert.equal((await api.query.settlement.positions(slot, bob)).unwrap().reading.unwrap().importedWh.toNumber(), 40);

  // The first batch's very bytes again: its nonce is spent.
  const rpc = await RawRpc.connect(wsUrl);
  try {
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitFor(async () => (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber() >= head, 60_000, 500);
    assert.equal((await rpc.submit(first.toHex())).refused, 'Stale');
  } finally {
    await rpc.disconnect();
  }
  console.log(`spam: a reading of slot ${slot} relayed twice: recorded for free, then Duplicate for ${fee} planck; the first batch replayed: Stale`);
});

test('reading batches from a funded account that relays for no zone are included, rejected and paid for', async () => {
  const { api } = ctx;
  const BATCHES = 60;
  const alice = keyring.addFromUri('//Alice');
  const sender = keyring.addFromSeed(randomAsU8a(32));
  await submit(api, api.tx.balances.transferKeepAlive(sender.address, 100n * WTL), alice);
  const before = (await api.query.system.account(sender.address)).data.free.toBigInt();
  const fromBlock = (await api.rpc.chain.getHeader()).number.toNumber();

  // Readings the meters really signed: only the relay is wrong.
  const slot = BigInt(Math.floor(Date.now() / 60_000)) - 1n;
  const readings = ['Bob', 'Charlie', 'Dave', 'Eve'].map((name, i) => signReading(
    keyring.addFromUri(`//${name}//meter`), api.genesisHash.toU8a(), keyring.addFromUri(`//${name}`).address, slot, 10 + i, 0,
  ));
  const sending = new Flood(api, { maxInFlight: 16 });
  await sending.sendAll(Array.from({ length: BATCHES }, () => [api.tx.metering.submitReadings(readings), sender]));
  assert.deepEqual(sending.refused, []);
  await waitFor(async () => (await api.query.system.account(sender.address)).nonce.toNumber() === BATCHES, 90_000, 500);

  const toBlock = (await api.rpc.chain.getHeader()).number.toNumber();
  const batches = [];
  for (let number = fromBlock + 1; number <= toBlock; number++) {
    const hash = await api.rpc.chain.getBlockHash(number);
    const [{ block }, events] = await Promise.all([api.rpc.chain.getBlock(hash), (await api.at(hash)).query.system.events()]);
    block.extrinsics.forEach((extrinsic, index) => {
      if (extrinsic.isSigned && extrinsic.signer.toString() === sender.address) batches.push(eventsOf({ events }, index));
    });
  }
  assert.equal(batches.length, BATCHES, 'every batch was included');
  let fees = 0n;
  for (const events of batches) {
    assert.ok(events.some((e) => api.events.system.ExtrinsicSuccess.is(e)));
    assert.ok(!events.some((e) => api.events.metering.ReadingRecorded.is(e)));
    const reasons = events.filter((e) => api.events.metering.ReadingRejected.is(e)).map((e) => e.data.reason.toString());
    assert.deepEqual(reasons, readings.map(() => 'NotRelayForZone'));
    const fee = feePaid(api, events);
    assert.ok(fee > 0n, 'a batch that is not all accepted pays');
    fees += fee;
  }
  const after = (await api.query.system.account(sender.address)).data.free.toBigInt();
  assert.equal(before - after, fees, 'its balance fell by the fees and nothing else');
  console.log(`spam: ${BATCHES} batches of ${readings.length} readings from a non-relay in blocks ${fromBlock + 1}..${toBlock}: all NotRelayForZone, fees ${fees} planck (${fees / BigInt(BATCHES)} a batch) = its balance's fall`);
});
