#!/usr/bin/env node
// A market report from the chain alone: every settled slot's totals as CSV and as a chart.
//
//   node e2e/tools/report.mjs [--ws URL] [--out DIR]
//
// Reads every `settlement.slotTotalsOf` entry (the runtime keeps them for 2,880 slots), sorts
// them by slot and writes DIR/market-report.csv (one row per settled slot; decimals written out
// exactly from the chain's integers; the price is empty for a slot without trade) and
// DIR/market-report.svg (clearing price as a line on the left axis, traded volume as bars and
// the imbalances, shortfall drawn from the grid and surplus spilled into it, as lines on the right
// axis; zone 0's retail and feed-in tariffs for reference). Where a congested link split a slot's
// market, the CSV also has each zone's price and the congestion rent (from `clearing.outcomes`,
// kept as long as the totals). DIR defaults to the current directory. Prints the two paths.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { tradeOf } from '../lib/auction.mjs';
import { kwh, wtl, wtlPerKwh } from '../lib/units.mjs';

export const CSV_COLUMNS = [
  'slot', 'start_utc', 'price_wtl_per_kwh', 'volume_kwh', 'participants', 'shortfall_kwh', 'surplus_kwh',
  'grid_fees_wtl', 'imbalance_charges_wtl', 'imbalance_credits_wtl', 'penalties_wtl', 'missing_readings', 'debt_wtl',
  'zone_prices_wtl_per_kwh', 'congestion_rent_wtl',
];

/** A split slot's zones priced off the hub, and its congestion rent `Σ (hub − zone) · export`. */
export function splitOf(trade) {
  const split = (trade?.zones ?? []).filter((z) => z.price !== trade.price);
  const rent = (trade?.zones ?? []).reduce((sum, z) => {
    const exported = z.soldWh - z.boughtWh;
    return sum + (exported > 0n ? (trade.price - z.price) * exported : (z.price - trade.price) * -exported);
  }, 0n);
  return { zones: split, congestionRent: rent };
}

function parseArgs(argv) {
  const options = { ws: 'ws://127.0.0.1:9944', out: '.' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ws') options.ws = argv[++i];
    else if (arg === '--out') options.out = argv[++i];
    else if (arg === '--help' || arg === '-h') options.help = true;
    else options.unknown = arg;
  }
  return options;
}

/** Every settled slot's totals, sorted by slot: BigInt amounts, numbers for counts. */
export async function readSlotTotals(api) {
  const outcomes = new Map((await api.query.clearing.outcomes.entries())
    .filter(([, value]) => value.isSome)
    .map(([key, value]) => [key.args[0].toBigInt(), splitOf(tradeOf(value.unwrap()))]));
  const entries = await api.query.settlement.slotTotalsOf.entries();
  const rows = entries.filter(([, value]) => value.isSome).map(([key, value]) => {
    const t = value.unwrap();
    return {
      slot: key.args[0].toBigInt(),
      price: t.price.toBigInt(),
      volumeWh: t.volumeWh.toBigInt(),
      participants: t.participants.toNumber(),
      shortfallWh: t.shortfallWh.toBigInt(),
      surplusWh: t.surplusWh.toBigInt(),
      gridFees: t.gridFees.toBigInt(),
      imbalanceCharges: t.imbalanceCharges.toBigInt(),
      imbalanceCredits: t.imbalanceCredits.toBigInt(),
      penalties: t.penalties.toBigInt(),
      missingReadings: t.missingReadings.toNumber(),
      debt: t.debt.toBigInt(),
      split: outcomes.get(key.args[0].toBigInt()) ?? { zones: [], congestionRent: 0n },
    };
  });
  return rows.sort((a, b) => (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0));
}

/** The UTC start of `slot` as 2026-01-31T12:34:00Z. */
export function slotStartUtc(slot, slotSecs) {
  return new Date(Number(BigInt(slot) * BigInt(slotSecs)) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The CSV: a header and one row per slot. */
export function toCsv(rows, slotSecs) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([
      r.slot, slotStartUtc(r.slot, slotSecs), r.volumeWh > 0n ? wtlPerKwh(r.price) : '', kwh(r.volumeWh), r.participants,
      kwh(r.shortfallWh), kwh(r.surplusWh), wtl(r.gridFees), wtl(r.imbalanceCharges), wtl(r.imbalanceCredits),
      wtl(r.penalties), r.missingReadings, wtl(r.debt),
      (r.split?.zones ?? []).map((z) => `${z.zone}=${wtlPerKwh(z.price)}`).join(' '), wtl(r.split?.congestionRent ?? 0n),
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// The chart, hand-written SVG.

const escapeXml = (text) => String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
const num = (x) => (Math.round(x * 10) / 10).toString();

/** Round axis ticks from 0 to at least `max`: { step, ticks, top, decimals }. */
export function niceTicks(max, count = 5) {
  const span = max > 0 ? max : 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 2.5, 5, 10].find((m) => span / (m * magnitude) <= count);
  const step = multiple * magnitude;
  const steps = Math.ceil(span / step - 1e-9);
  const decimals = Math.max(0, -Math.round(Math.log10(magnitude)) + (multiple === 2.5 ? 1 : 0) - (multiple === 10 ? 1 : 0));
  const ticks = Array.from({ length: steps + 1 }, (_, k) => ({ value: k * step, label: (k * step).toFixed(decimals) }));
  return { step, ticks, top: steps * step, decimals };
}

const X_TICK_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1440, 2880];

/**
 * The chart as an SVG document. `rows` as from readSlotTotals; options: chain (name for the
 * title), slotSecs, tariffs ({ retailPrice, feedInPrice } in planck per Wh, drawn for reference).
 */
export function toSvg(rows, { chain = 'Wattle', slotSecs = 60, tariffs = null, width = 1200, height = 620 } = {}) {
  const left = 90;
  const right = width - 90;
  const top = 120;
  const bottom = height - 80;
  const font = "font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\"";
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${font} font-size="12" fill="#111827">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);

  if (rows.length === 0) {
    const title = `Wattle market report: ${chain}, no settled slots yet`;
    out.push(`<title>${escapeXml(title)}</title>`);
    out.push(`<text x="${width / 2}" y="40" text-anchor="middle" font-size="20" font-weight="600">${escapeXml(title)}</text>`);
    out.push('</svg>');
    return `${out.join('\n')}\n`;
  }

  const first = rows[0].slot;
  const last = rows[rows.length - 1].slot;
  const n = Number(last - first) + 1;
  const traded = rows.filter((r) => r.volumeWh > 0n);
  const totalOf = (field) => rows.reduce((s, r) => s + r[field], 0n);
  const title = `Wattle market report: ${chain}, slots ${first}–${last}`;
  const startLabel = slotStartUtc(first, slotSecs).replace('T', ' ').slice(0, 16);
  const endLabel = slotStartUtc(last + 1n, slotSecs).replace('T', ' ').slice(0, 16);
  const subtitle = `${startLabel} – ${endLabel} UTC · ${rows.length} settled slots of ${slotSecs} s, ${traded.length} with trade · `
    + `traded ${kwh(totalOf('volumeWh'))} kWh, shortfall ${kwh(totalOf('shortfallWh'))} kWh, surplus ${kwh(totalOf('surplusWh'))} kWh`;
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<text x="${width / 2}" y="34" text-anchor="middle" font-size="20" font-weight="600">${escapeXml(title)}</text>`);
  out.push(`<text x="${width / 2}" y="58" text-anchor="middle" font-size="13" fill="#4b5563">${escapeXml(subtitle)}</text>`);

  // Scales.
  const priceOf = (planck) => Number(wtlPerKwh(planck));
  const kwhOf = (wh) => Number(wh) / 1000;
  const maxPrice = Math.max(0, ...traded.map((r) => priceOf(r.price)), ...(tariffs ? [priceOf(tariffs.retailPrice)] : []));
  const maxEnergy = Math.max(0, ...rows.map((r) => Math.max(kwhOf(r.volumeWh), kwhOf(r.shortfallWh), kwhOf(r.surplusWh))));
  const priceAxis = niceTicks(maxPrice > 0 ? maxPrice * 1.05 : 0.1);
  const energyAxis = niceTicks(maxEnergy > 0 ? maxEnergy * 1.05 : 0.1);
  const band = (right - left) / n;
  const xOf = (slot) => left + band * (Number(slot - first) + 0.5);
  const yPrice = (v) => bottom - (v / priceAxis.top) * (bottom - top);
  const yEnergy = (v) => bottom - (v / energyAxis.top) * (bottom - top);

  // Grid and axes.
  out.push('<g stroke="#e5e7eb" stroke-width="1">');
  for (const t of priceAxis.ticks) out.push(`<line x1="${left}" x2="${right}" y1="${num(yPrice(t.value))}" y2="${num(yPrice(t.value))}"/>`);
  out.push('</g>');
  out.push('<g font-size="12" fill="#374151">');
  for (const t of priceAxis.ticks) out.push(`<text x="${left - 8}" y="${num(yPrice(t.value) + 4)}" text-anchor="end">${t.label}</text>`);
  for (const t of energyAxis.ticks) out.push(`<text x="${right + 8}" y="${num(yEnergy(t.value) + 4)}">${t.label}</text>`);
  out.push('</g>');
  out.push('<g stroke="#6b7280" stroke-width="1">');
  for (const t of energyAxis.ticks) out.push(`<line x1="${right}" x2="${right + 5}" y1="${num(yEnergy(t.value))}" y2="${num(yEnergy(t.value))}"/>`);
  for (const t of priceAxis.ticks) out.push(`<line x1="${left - 5}" x2="${left}" y1="${num(yPrice(t.value))}" y2="${num(yPrice(t.value))}"/>`);
  out.push('</g>');
  const midY = (top + bottom) / 2;
  out.push(`<text transform="translate(${left - 62} ${midY}) rotate(-90)" text-anchor="middle" font-size="13" fill="#111827">clearing price (WTL/kWh)</text>`);
  out.push(`<text transform="translate(${right + 62} ${midY}) rotate(90)" text-anchor="middle" font-size="13" fill="#111827">energy per slot (kWh)</text>`);

  // X ticks: slot start times (UTC), at a round number of slots.
  const xStep = X_TICK_STEPS.find((s) => n / s <= 12) ?? Math.ceil(n / 12);
  const spansDays = slotStartUtc(first, slotSecs).slice(0, 10) !== slotStartUtc(last, slotSecs).slice(0, 10);
  out.push('<g font-size="12" fill="#374151">');
  const firstTick = ((first + BigInt(xStep) - 1n) / BigInt(xStep)) * BigInt(xStep);
  for (let s = firstTick; s <= last; s += BigInt(xStep)) {
    const x = num(xOf(s));
    const iso = slotStartUtc(s, slotSecs);
    const label = spansDays ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
    out.push(`<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 5}" stroke="#6b7280"/>`);
    out.push(`<text x="${x}" y="${bottom + 19}" text-anchor="middle">${label}</text>`);
    out.push(`<text x="${x}" y="${bottom + 33}" text-anchor="middle" font-size="10" fill="#6b7280">${s}</text>`);
  }
  out.push('</g>');
  out.push(`<text x="${(left + right) / 2}" y="${bottom + 58}" text-anchor="middle" font-size="13">slot start (UTC) and slot number</text>`);

  // Traded volume: bars on the right axis.
  const barWidth = band >= 3 ? band * 0.6 : band;
  out.push('<g fill="#93c5fd">');
  for (const r of traded) {
    const y = yEnergy(kwhOf(r.volumeWh));
    out.push(`<rect x="${num(xOf(r.slot) - barWidth / 2)}" y="${num(y)}" width="${num(Math.max(barWidth, 0.5))}" height="${num(bottom - y)}"><title>slot ${r.slot}: ${kwh(r.volumeWh)} kWh traded</title></rect>`);
  }
  out.push('</g>');

  // Tariffs for reference.
  if (tariffs) {
    for (const [name, planck] of [['retail', tariffs.retailPrice], ['feed-in', tariffs.feedInPrice]]) {
      const y = num(yPrice(priceOf(planck)));
      out.push(`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#9ca3af" stroke-dasharray="6 4"/>`);
      out.push(`<text x="${left + 6}" y="${num(Number(y) - 5)}" font-size="11" fill="#6b7280">zone 0 ${name} ${wtlPerKwh(planck)}</text>`);
    }
  }

  // Imbalances: lines on the right axis, one point per slot.
  // Narrow slots: solid thin lines, since dashes shorter than a slot only add noise.
  const markers = n <= 90;
  const dashes = band >= 4 ? ' stroke-dasharray="5 3"' : '';
  const lineWidth = band >= 4 ? 1.5 : 1;
  for (const [field, colour] of [['shortfallWh', '#dc2626'], ['surplusWh', '#16a34a']]) {
    const points = rows.map((r) => `${num(xOf(r.slot))},${num(yEnergy(kwhOf(r[field])))}`);
    out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="${lineWidth}"${dashes} stroke-opacity="0.9"/>`);
    if (markers) {
      out.push(`<g fill="${colour}">`);
      for (const r of rows) out.push(`<rect x="${num(xOf(r.slot) - 2.5)}" y="${num(yEnergy(kwhOf(r[field])) - 2.5)}" width="5" height="5"><title>slot ${r.slot}: ${field === 'shortfallWh' ? 'shortfall' : 'surplus'} ${kwh(r[field])} kWh</title></rect>`);
      out.push('</g>');
    }
  }

  // Clearing price: a line through consecutive traded slots; no point without trade.
  const runs = [];
  let run = [];
  let previous = null;
  for (const r of traded) {
    if (previous !== null && r.slot !== previous + 1n) { runs.push(run); run = []; }
    run.push(r);
    previous = r.slot;
  }
  if (run.length) runs.push(run);
  for (const segment of runs) {
    if (segment.length > 1) {
      const points = segment.map((r) => `${num(xOf(r.slot))},${num(yPrice(priceOf(r.price)))}`);
      out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="#111827" stroke-width="2.2" stroke-linejoin="round"/>`);
    }
  }
  out.push('<g fill="#111827">');
  for (const r of traded) {
    if (markers || runs.some((s) => s.length === 1 && s[0] === r)) {
      out.push(`<circle cx="${num(xOf(r.slot))}" cy="${num(yPrice(priceOf(r.price)))}" r="3.2"><title>slot ${r.slot}: ${wtlPerKwh(r.price)} WTL/kWh</title></circle>`);
    }
  }
  out.push('</g>');

  // Plot frame and legend.
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#6b7280"/>`);
  const legend = [
    ['line', '#111827', 'clearing price (left axis)'],
    ['bar', '#93c5fd', 'traded volume (right axis)'],
    ['dash', '#dc2626', 'shortfall: drawn from the grid beyond contracts'],
    ['dash', '#16a34a', 'surplus: spilled into the grid beyond contracts'],
  ];
  const itemWidths = legend.map(([, , label]) => 44 + label.length * 6.7);
  let x = (width - itemWidths.reduce((a, b) => a + b, 0)) / 2;
  const ly = 90;
  out.push('<g font-size="12">');
  legend.forEach(([kind, colour, label], i) => {
    if (kind === 'bar') out.push(`<rect x="${num(x)}" y="${ly - 6}" width="22" height="12" fill="${colour}"/>`);
    else if (kind === 'line') out.push(`<line x1="${num(x)}" x2="${num(x + 22)}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2.2"/><circle cx="${num(x + 11)}" cy="${ly}" r="3.2" fill="${colour}"/>`);
    else out.push(`<line x1="${num(x)}" x2="${num(x + 22)}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="1.5"${dashes}/>`);
    out.push(`<text x="${num(x + 28)}" y="${ly + 4}">${escapeXml(label)}</text>`);
    x += itemWidths[i];
  });
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Reads the chain and writes DIR/market-report.csv and .svg; returns their paths and the rows. */
export async function writeReport(api, outDir = '.') {
  const [rows, chain, config, zone] = await Promise.all([
    readSlotTotals(api),
    api.rpc.system.chain(),
    api.query.orders.configuration(),
    api.query.participants.zones(0),
  ]);
  const slotSecs = config.slotSecs.toNumber();
  const tariffs = zone.isSome
    ? { retailPrice: zone.unwrap().tariffs.retailPrice.toBigInt(), feedInPrice: zone.unwrap().tariffs.feedInPrice.toBigInt() }
    : null;
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const csvPath = join(dir, 'market-report.csv');
  const svgPath = join(dir, 'market-report.svg');
  writeFileSync(csvPath, toCsv(rows, slotSecs));
  writeFileSync(svgPath, toSvg(rows, { chain: chain.toString(), slotSecs, tariffs }));
  return { csvPath, svgPath, rows, chain: chain.toString() };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help || options.unknown) {
    if (options.unknown) console.error(`unknown argument ${options.unknown}`);
    console.error('usage: report.mjs [--ws URL] [--out DIR]');
    process.exit(2);
  }
  const provider = new WsProvider(options.ws, false);
  await provider.connect();
  const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
  try {
    const { csvPath, svgPath, rows } = await writeReport(api, options.out);
    console.log(`${rows.length} settled slots`);
    console.log(csvPath);
    console.log(svgPath);
  } finally {
    await api.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => { console.error(error.message ?? String(error)); process.exit(1); });
}

