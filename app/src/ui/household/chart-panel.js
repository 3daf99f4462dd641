// Clearing price and traded volume of recent slots: a uPlot chart (price as a line, volume as
// bars) with the same figures in a table below it for screen readers and exact reading. Settled
// slots come from their totals (final, read once); cleared ones from MarketApi.slot.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { slotStatus, settlementOf } from '../../chain/market.js';
import { touches } from '../../chain/events.js';
import { slotLabel } from '../../lib/clock.js';
import { planckPerWhToPrice, whToKwh } from '../../lib/units.js';
import { card, energy, fill, h, price, table } from '../dom.js';

/** How many slots the chart spans, up to the slot being delivered. */
export const CHART_SLOTS = 24;

/** A slot's point: { slot, price, volumeWh, final, kind } (price null when nothing traded). */
async function readPoint(api, slot, nextToSettle) {
  if (nextToSettle !== null && slot < nextToSettle) {
    const { totals } = await settlementOf(api, slot);
    if (totals) return { slot, price: totals.volumeWh > 0n ? totals.price : null, volumeWh: totals.volumeWh, final: true, kind: 'Settled' };
  }
  const s = await slotStatus(api, slot);
  const traded = s.clearing.kind === 'Traded';
  return { slot, price: traded ? s.clearing.price : null, volumeWh: traded ? s.clearing.volumeWh : 0n, final: false, kind: s.clearing.kind };
}

export function chartPanel(app) {
  const plotBox = h('div', { class: 'plot', role: 'img', 'aria-label': 'Clearing price and volume of recent slots' });
  const tableBox = h('div', { class: 'scroll', id: 'chart-table' });
  const el = card('chart', 'Clearing price and volume', plotBox, h('h3', { text: 'Recent slots' }), tableBox);
  const points = new Map();
  let plot = null;

  const draw = (list) => {
    const data = [
      list.map((p) => p.slot * app.config.slotSecs),
      list.map((p) => (p.price === null ? null : Number(planckPerWhToPrice(p.price).replace(/,/g, '')))),
      list.map((p) => Number(whToKwh(p.volumeWh).replace(/,/g, ''))),
    ];
    const width = Math.max(260, plotBox.clientWidth || 320);
    if (!plot) plot = new uPlot(plotOptions(width), data, plotBox);
    else {
      plot.setSize({ width, height: 220 });
      plot.setData(data);
    }
  };

  const render = () => {
    const list = [...points.values()].sort((a, b) => a.slot - b.slot);
    draw(list);
    fill(tableBox, table(null, ['Slot', 'Price', 'Volume', 'State'], [...list].reverse().map((p) => h('tr', { 'data-slot': p.slot },
      h('th', { scope: 'row', text: `${p.slot} · ${slotLabel(p.slot, app.config)}` }),
      h('td', { class: 'price' }, p.price === null ? '—' : price(p.price)),
      h('td', { class: 'volume' }, energy(p.volumeWh)),
      h('td', { text: p.kind === 'Traded' ? 'cleared' : p.kind.toLowerCase() })))));
  };

  return {
    el,
    async refresh(ctx) {
      if (!(ctx.initial || ctx.slotChanged || touches(ctx, 'clearing', 'settlement'))) return;
      const last = ctx.status.currentSlot + 1;
      const wanted = Array.from({ length: CHART_SLOTS }, (_, i) => last - CHART_SLOTS + 1 + i).filter((slot) => slot >= 0);
      for (const slot of points.keys()) if (slot < wanted[0]) points.delete(slot);
      const stale = wanted.filter((slot) => !points.get(slot)?.final);
      const read = await Promise.all(stale.map((slot) => readPoint(app.api, slot, ctx.status.nextSlotToSettle)));
      for (const p of read) points.set(p.slot, p);
      render();
    },
  };
}

function plotOptions(width) {
  return {
    width,
    height: 220,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, price: { auto: true }, kwh: { auto: true, range: (u, min, max) => [0, Math.max(1, max)] } },
    series: [
      {},
      { label: 'Price (WTL/kWh)', scale: 'price', stroke: '#b45309', width: 2, spanGaps: false, points: { show: true, size: 6 } },
      { label: 'Volume (kWh)', scale: 'kwh', stroke: '#0f766e', fill: 'rgba(15,118,110,0.25)', paths: uPlot.paths.bars({ size: [0.6, 40] }), points: { show: false } },
    ],
    axes: [
      {},
      { scale: 'price', label: 'WTL/kWh', size: 60 },
      { scale: 'kwh', side: 1, label: 'kWh', grid: { show: false }, size: 50 },
    ],
  };
}
