// Which meters have not reported for the last slots: for each approved household and each of the
// last METER_SLOTS slots that have ended, whether its reading arrived (MarketApi.position: the
// reading while the slot is being metered, the bill once it is settled; a settled slot without a
// bill had no reading either).
import { position } from '../../chain/market.js';
import { slotLabel } from '../../lib/clock.js';
import { card, fill, h, shortAddress, table } from '../dom.js';

/** How many ended slots are checked. */
export const METER_SLOTS = 4;

/** 'reported' | 'missing' | 'waiting' for one household and slot. */
function reportOf(p, settled) {
  if (p.bill) return p.bill.readingMissing ? 'missing' : 'reported';
  if (p.reading) return 'reported';
  return settled ? 'missing' : 'waiting';
}

const MARK = { reported: '✓ reported', missing: '✗ none', waiting: '… window open' };

export async function meterReports(api, households, slots, nextToSettle) {
  const rows = await Promise.all(households.map(async (hh) => {
    const reports = await Promise.all(slots.map(async (slot) => reportOf(await position(api, slot, hh.address), nextToSettle !== null && slot < nextToSettle)));
    return { ...hh, reports, silent: reports.every((r) => r === 'missing') };
  }));
  return rows;
}

export function metersPanel(app) {
  const summary = h('p', { id: 'meters-summary' });
  const body = h('div', { class: 'scroll' });
  const el = card('meters', 'Meter reports', summary, body);
  let shownSlot = null;
  return {
    el,
    async render(ctx, list, force) {
      if (!force && shownSlot === ctx.status.currentSlot && !(ctx.events ?? []).some((e) => e.section === 'metering' || e.method === 'SlotSettled')) return;
      shownSlot = ctx.status.currentSlot;
      const slots = Array.from({ length: METER_SLOTS }, (_, i) => ctx.status.currentSlot - 1 - i);
      const approved = list.filter((p) => p.status === 'Approved');
      const rows = await meterReports(app.api, approved, slots, ctx.status.nextSlotToSettle);
      const silent = rows.filter((r) => r.silent);
      fill(summary, silent.length
        ? `${silent.length} of ${rows.length} approved meters sent nothing for the last ${METER_SLOTS} slots: ${silent.map((r) => app.names.get(r.address) ?? shortAddress(r.address)).join(', ')}.`
        : `Every approved meter reported at least once in the last ${METER_SLOTS} slots.`);
      fill(body, table(null, ['Household', ...slots.map((s) => `${s} · ${slotLabel(s, app.config)}`)], rows.map((r) => h('tr', { 'data-address': r.address, class: r.silent ? 'silent' : null },
        h('th', { scope: 'row', text: app.names.get(r.address) ?? shortAddress(r.address) }),
        r.reports.map((rep) => h('td', { class: `report-${rep}`, text: MARK[rep] }))))));
    },
  };
}
