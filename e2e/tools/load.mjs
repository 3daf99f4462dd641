#!/usr/bin/env node
// A load test against a running node: N fresh households trade K orders each in one slot, and
// the script measures, from the chain, how the market keeps up: blocks and time to take the
// orders, the off-chain worker's clearing, the readings, and the settlement of every household,
// with the weight each block used.
//
//   node e2e/tools/load.mjs [--ws URL] [--households N] [--orders K]
//
// Households are `//Wattle//load//<i>` (meter `//Wattle//load//<i>//meter`), half consumers and
// half producers, funded by Alice, registered and approved by Alice (zone 0); a second run
// reuses them. Prints one line a phase and a summary; exits 1 if the slot is not settled.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { signReading } from '../lib/meter.mjs';
import { waitFor } from '../lib/node.mjs';
import { Sender, setupHouseholds } from './simulator.mjs';

function parseArgs(argv) {
  const options = { ws: 'ws://127.0.0.1:9944', households: 200, orders: 2 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ws') options.ws = argv[++i];
    else if (arg === '--households') options.households = Number(argv[++i]);
    else if (arg === '--orders') options.orders = Number(argv[++i]);
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

async function blockNumber(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

/** The weight (ref time, ps) each block in `from..=to` used, all classes together. */
async function blockWeights(api, from, to) {
  const weights = [];
  for (let n = from; n <= to; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const used = await (await api.at(hash)).query.system.blockWeight();
    const total = ['normal', 'operational', 'mandatory']
      .reduce((sum, cls) => sum + used[cls].refTime.toBigInt(), 0n);
    weights.push(total);
  }
  return weights;
}

export async function runLoad(api, { households = 200, orders = 2, log = console.log } = {}) {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const sender = new Sender(api);
  const maxBlock = api.consts.system.blockWeights.maxBlock.refTime.toBigInt();

  // Admission, skipping what an earlier run did (the simulator's setup, with these households).
  const specs = Array.from({ length: households }, (_, i) => ({
    key: `load-${i}`,
    name: `load household ${i}`,
    uri: `//Wattle//load//${i}`,
    meterUri: `//Wattle//load//${i}//meter`,
    role: i % 2 === 0 ? 'Consumer' : 'Producer',
    maxPowerW: 60_000,
    dev: false,
  }));
  const people = await setupHouseholds(api, sender, { specs, operator: alice, log });
  log(`admitted ${people.length} of ${households} households`);

  // Quotation: every household places `orders` orders in one slot, all at once.
  const config = await api.query.orders.configuration();
  const slotSecs = config.slotSecs.toNumber();
  const gate = config.gateClosureSecs.toNumber();
  const windowSecs = config.meteringWindowSecs.toNumber();
  let slot = Math.floor(Date.now() / 1000 / slotSecs) + 1;
  while (slot * slotSecs - gate - Date.now() / 1000 < 40) slot++;
  const firstBlock = await blockNumber(api);
  const started = Date.now();
  const placed = await Promise.allSettled(people.map(async (p, i) => {
    for (let k = 0; k < orders; k++) {
      const side = p.role === 'Consumer' ? 'Buy' : 'Sell';
      const price = 150_000_000n + BigInt(((i * 7 + k * 13) % 100)) * 1_000_000n;
      await sender.send(api.tx.orders.placeOrder(slot, side, 10n + BigInt(k), price), p.pair);
    }
  }));
  const refused = placed.filter((r) => r.status === 'rejected');
  const orderBlocks = (await blockNumber(api)) - firstBlock;
  log(`placed ${people.length * orders - refused.length * orders} orders in ${((Date.now() - started) / 1000).toFixed(1)} s over ${orderBlocks} blocks${refused.length ? ` (${refused.length} households refused: ${refused[0].reason.message})` : ''}`);

  // Matching: the off-chain worker's result.
  await waitFor(async () => (await api.query.clearing.outcomes(slot)).isSome, (slotSecs + 60) * 1000, 500);
  const clearedAt = Date.now() / 1000;
  const outcome = (await api.query.clearing.outcomes(slot)).unwrap();
  const trade = outcome.isCleared && outcome.asCleared.isTrade ? outcome.asCleared.asTrade : null;
  log(`cleared ${(clearedAt - (slot * slotSecs - gate)).toFixed(1)} s after gate closure: ${trade ? `${trade.volumeWh} Wh at ${trade.price} planck/Wh` : outcome.toString()}`);

  // Metering: every meter reports what it contracted, relayed by Alice in batches of 256.
  const slotEndMs = (slot + 1) * slotSecs * 1000;
  await waitFor(async () => (await api.query.timestamp.now()).toNumber() >= slotEndMs, (slotSecs + 60) * 1000, 500);
  const genesisHash = api.genesisHash.toU8a();
  const readings = people.map((p) => {
    const energy = BigInt(orders) * 10n + BigInt((orders * (orders - 1)) / 2);
    return p.role === 'Consumer'
      ? signReading(p.meter, genesisHash, p.pair.address, slot, energy, 0n)
      : signReading(p.meter, genesisHash, p.pair.address, slot, 0n, energy);
  });
  const batches = [];
  for (let i = 0; i < readings.length; i += 256) batches.push(api.tx.metering.submitReadings(readings.slice(i, i + 256)));
  const relayed = await Promise.allSettled(batches.map((batch) => sender.send(batch, alice)));
  log(`relayed ${readings.length} readings in ${batches.length} batches (${relayed.filter((r) => r.status === 'fulfilled').length} included)`);

  // Settlement: from the close of the metering window to SlotSettled.
  const settleFrom = await blockNumber(api);
  await waitFor(async () => {
    const next = await api.query.settlement.nextSlotToSettle();
    return next.isSome && next.unwrap().toNumber() > slot;
  }, 300_000, 500);
  const settledAt = Date.now() / 1000;
  const settleTo = await blockNumber(api);
  const totals = (await api.query.settlement.slotTotalsOf(slot)).unwrap();
  const weights = await blockWeights(api, settleFrom, settleTo);
  const heaviest = weights.reduce((a, b) => (a > b ? a : b), 0n);
  const summary = {
    households,
    orders: people.length * orders - refused.length * orders,
    orderBlocks,
    clearedAfterGateSecs: +(clearedAt - (slot * slotSecs - gate)).toFixed(1),
    settledParticipants: totals.participants.toNumber(),
    settledAfterWindowSecs: +(settledAt - ((slot + 1) * slotSecs + windowSecs)).toFixed(1),
    settlementBlocks: settleTo - settleFrom,
    heaviestBlockShare: Number((heaviest * 1000n) / maxBlock) / 10,
  };
  log(`settled ${summary.settledParticipants} households ${summary.settledAfterWindowSecs} s after the metering window; heaviest block ${summary.heaviestBlockShare}% of the block weight`);
  return summary;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.error('usage: load.mjs [--ws URL] [--households N] [--orders K]');
    process.exit(2);
  }
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(options.ws), noInitWarn: true });
  try {
    const summary = await runLoad(api, options);
    console.log(JSON.stringify(summary));
  } finally {
    await api.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => { console.error(error); process.exit(1); });
}
