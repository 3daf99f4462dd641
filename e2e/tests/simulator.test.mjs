// The simulator and the market report on a --dev node: eight households (the five dev ones and
// three new ones it funds, registers and has approved) trade for a couple of slots, are metered
// and settled; the report's CSV has every settled slot, its totals add up to the households'
// bills, and its chart is a readable SVG document.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as plainTest } from 'node:test';
import { useNode } from '../lib/node.mjs';
import { kwh, wtl, wtlPerKwh } from '../lib/units.mjs';
import { CSV_COLUMNS, writeReport } from '../tools/report.mjs';
import {
  capacityWh, householdEnergy, householdSpecs, householdTraits, meterReading, orderFor, runSimulator, timeOfDay,
} from '../tools/simulator.mjs';

const { ctx, test } = useNode();
const HOUSEHOLDS = 8;
const SLOTS = 2;
const TARIFFS = { gridFee: 30_000_000n, retailPrice: 300_000_000n, feedInPrice: 80_000_000n };

plainTest('profiles: within the connection, within the tariffs, the same for the same seed', () => {
  const specs = householdSpecs(12).filter((s) => !s.dev);
  assert.deepEqual(specs.map((s) => s.role).slice(0, 7), ['Consumer', 'Prosumer', 'Consumer', 'Prosumer', 'Consumer', 'Prosumer', 'Producer']);
  const households = specs.map((s) => ({ ...s, capacityWh: capacityWh(s.maxPowerW, 60), traits: householdTraits(7, s.key, s.role) }));
  let bids = 0;
  let asks = 0;
  for (let slot = 30_000_000; slot < 30_000_000 + 96; slot++) {
    for (const h of households) {
      const energy = householdEnergy(h, slot, { seed: 7 });
      assert.deepEqual(energy, householdEnergy(h, slot, { seed: 7 }), 'reproducible');
      assert.ok(energy.loadWh >= 0 && energy.loadWh <= h.capacityWh && energy.generationWh >= 0 && energy.generationWh <= h.capacityWh);
      const order = orderFor(h, energy, TARIFFS, { seed: 7, slot, maxPrice: 10_000_000_000n });
      if (order) {
        assert.ok(order.energyWh > 0n && order.energyWh <= BigInt(h.capacityWh), 'within the connection');
        assert.ok(order.price >= TARIFFS.feedInPrice && order.price <= TARIFFS.retailPrice, 'between feed-in and retail');
        assert.ok(order.side === 'Buy' ? h.role !== 'Producer' : h.role !== 'Consumer', 'within the role');
        if (order.side === 'Buy') bids++; else asks++;
      }
      const reading = meterReading(h, energy, null, { seed: 7, slot });
      if (reading) assert.ok(reading.importedWh <= BigInt(h.capacityWh) && reading.exportedWh <= BigInt(h.capacityWh));
    }
  }
  assert.ok(bids > 0 && asks > 0, 'a day has both sides');
  assert.equal(timeOfDay(0), 0);
  assert.equal(timeOfDay(4), 60, 'a one-minute slot is 15 simulated minutes');
  assert.equal(timeOfDay(96), 0, 'a day is 96 slots');
});

test(`${HOUSEHOLDS} simulated households trade for ${SLOTS} slots; the report matches the bills`, async () => {
  const { api } = ctx;
  const lines = [];
  const guard = new AbortController();
  const timer = setTimeout(() => guard.abort(), 6 * 60_000);
  const started = Date.now();
  const { households, slots } = await runSimulator(api, {
    households: HOUSEHOLDS, slots: SLOTS, seed: 42, log: (line) => lines.push(line), signal: guard.signal,
  }).finally(() => clearTimeout(timer));
  console.log(`simulator: ${((Date.now() - started) / 1000).toFixed(0)} s\n${lines.join('\n')}`);

  assert.equal(households.length, HOUSEHOLDS, 'every household is registered and approved');
  const settled = slots.filter((s) => s.totals);
  assert.equal(settled.length, SLOTS, 'the slots it ordered for are settled');
  for (const s of settled) {
    assert.equal(s.failed, 0, `slot ${s.slot}: every order was accepted`);
    assert.ok(s.placed.length >= HOUSEHOLDS / 2, `slot ${s.slot}: most households ordered`);
    assert.ok(s.readings.recorded > 0 && s.readings.rejected === 0, `slot ${s.slot}: readings recorded`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'wattle-report-'));
  try {
    const { csvPath, svgPath, chain } = await writeReport(api, dir);
    const [header, ...csvLines] = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
    assert.deepEqual(header.split(','), CSV_COLUMNS);
    const rows = csvLines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [CSV_COLUMNS[i], v])));

    // A row per settled slot: contiguous from the first settled slot, up to the last one.
    const slotNumbers = rows.map((r) => BigInt(r.slot));
    slotNumbers.forEach((slot, i) => { if (i > 0) assert.equal(slot, slotNumbers[i - 1] + 1n, 'no settled slot left out'); });
    const next = (await api.query.settlement.nextSlotToSettle()).unwrap().toBigInt();
    assert.ok(slotNumbers[slotNumbers.length - 1] < next, 'only settled slots');
    assert.ok(slotNumbers[slotNumbers.length - 1] >= next - 2n, 'up to the last settled slot');
    assert.ok((await api.query.settlement.slotTotalsOf(slotNumbers[0] - 1n)).isNone, 'from the first settled slot');
    for (const s of settled) assert.ok(slotNumbers.includes(BigInt(s.slot)), `slot ${s.slot} is in the report`);

    // At least one slot traded, at a price between the zone's feed-in and retail tariffs.
    const tariffs = (await api.query.participants.zones(0)).unwrap().tariffs;
    const feedIn = tariffs.feedInPrice.toBigInt();
    const retail = tariffs.retailPrice.toBigInt();
    const traded = settled.filter((s) => s.totals.volumeWh > 0n);
    assert.ok(traded.length > 0, 'a simulated slot traded');
    for (const s of traded) {
      assert.ok(s.totals.price >= feedIn && s.totals.price <= retail, `slot ${s.slot}: price ${wtlPerKwh(s.totals.price)}`);
      const row = rows.find((r) => r.slot === String(s.slot));
      assert.equal(row.price_wtl_per_kwh, wtlPerKwh(s.totals.price));
      assert.ok(Number(row.volume_kwh) > 0);
    }

    // Each row is the chain's totals of its slot, and the totals are the sums of its bills.
    for (const row of rows) {
      const slot = BigInt(row.slot);
      const totals = (await api.query.settlement.slotTotalsOf(slot)).unwrap();
      const bills = (await api.query.settlement.positions.entries(slot)).map(([, record]) => record.unwrap().bill.unwrap());
      const sum = (field) => bills.reduce((s, b) => s + b[field].toBigInt(), 0n);
      const where = `slot ${slot}`;
      assert.equal(sum('boughtWh'), totals.volumeWh.toBigInt(), `${where}: volume = energy bought`);
      assert.equal(sum('soldWh'), totals.volumeWh.toBigInt(), `${where}: volume = energy sold`);
      assert.equal(sum('gridFee'), totals.gridFees.toBigInt(), `${where}: grid fees`);
      assert.equal(sum('imbalanceCharge'), totals.imbalanceCharges.toBigInt(), `${where}: imbalance charges`);
      assert.equal(sum('imbalanceCredit'), totals.imbalanceCredits.toBigInt(), `${where}: imbalance credits`);
      assert.equal(sum('penalty'), totals.penalties.toBigInt(), `${where}: penalties`);
      assert.equal(sum('debt'), totals.debt.toBigInt(), `${where}: debt`);
      assert.equal(bills.length, totals.participants.toNumber(), `${where}: participants`);
      const imbalance = bills.map((b) => b.imbalanceWh.toBigInt());
      assert.equal(imbalance.filter((d) => d < 0n).reduce((s, d) => s - d, 0n), totals.shortfallWh.toBigInt(), `${where}: shortfall`);
      assert.equal(imbalance.filter((d) => d > 0n).reduce((s, d) => s + d, 0n), totals.surplusWh.toBigInt(), `${where}: surplus`);

      assert.equal(row.volume_kwh, kwh(totals.volumeWh.toBigInt()), `${where}: CSV volume`);
      assert.equal(row.grid_fees_wtl, wtl(totals.gridFees.toBigInt()), `${where}: CSV grid fees`);
      assert.equal(row.participants, String(totals.participants.toNumber()), `${where}: CSV participants`);
      assert.equal(row.shortfall_kwh, kwh(totals.shortfallWh.toBigInt()), `${where}: CSV shortfall`);
      assert.equal(row.price_wtl_per_kwh, totals.volumeWh.toBigInt() > 0n ? wtlPerKwh(totals.price.toBigInt()) : '');
    }

    // The chart: an SVG document with its title, every element closed.
    const svg = readFileSync(svgPath, 'utf8');
    assert.ok(svg.startsWith('<svg'), 'an SVG document');
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    const title = `Wattle market report: ${chain}, slots ${slotNumbers[0]}–${slotNumbers[slotNumbers.length - 1]}`;
    assert.ok(svg.includes(`<title>${title}</title>`), 'titled with the chain and the slot range');
    const open = [];
    for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^<>]*?(\/?)>/g)) {
      if (closing) assert.equal(open.pop(), name, `</${name}> closes what is open`);
      else if (!selfClosing) open.push(name);
    }
    assert.deepEqual(open, [], 'every element is closed');
    for (const part of ['clearing price (WTL/kWh)', 'energy per slot (kWh)', 'traded volume', 'shortfall', 'surplus']) {
      assert.ok(svg.includes(part), `the chart shows ${part}`);
    }
    assert.ok(svg.includes('<polyline') || svg.includes('<circle'), 'price points');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
