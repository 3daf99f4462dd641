// My meter's readings: recorded ones waiting for settlement (MarketApi.position.reading) and the
// ones settlement used (in each bill), with slots that had no reading marked.
import { phaseOf, slotLabel } from '../../lib/clock.js';
import { card, energy, fill, h, table } from '../dom.js';

function readingRow(p, now, config) {
  const cells = readingCells(p, now, config);
  return cells && h('tr', { 'data-slot': p.slot }, cells.map((c) => h('td', {}, c)));
}

function readingCells(p, now, config) {
  const label = `${p.slot} · ${slotLabel(p.slot, config)}`;
  if (p.bill) {
    const state = p.bill.readingMissing ? 'missing: the whole connection counted as drawn' : 'settled';
    return [label, energy(p.bill.importedWh), energy(p.bill.exportedWh), state];
  }
  if (p.reading) return [label, energy(p.reading.importedWh), energy(p.reading.exportedWh), 'recorded, not settled yet'];
  const phase = phaseOf(p.slot, now, config);
  if (phase === 'Metering' || phase === 'Settlement') return [label, '—', '—', 'waiting for the meter'];
  return null;
}

export function readingsPanel(app) {
  const body = h('div', { class: 'scroll' });
  const el = card('my-readings', 'My meter readings', body);
  return {
    el,
    render(ctx) {
      const rows = app.mine.list().map((p) => readingRow(p, ctx.status.nowSecs, app.config)).filter(Boolean);
      fill(body, rows.length
        ? table(null, ['Slot', 'Imported', 'Exported', 'State'], rows, { id: 'my-readings-table' })
        : h('p', { class: 'muted', text: 'No readings in the recent slots.' }));
    },
  };
}
