// Settlement's progress: the next slot to settle, whether its walk is under way, the backlog of
// slots whose metering window has closed, and the totals of the last settled slot.
import { settlementOf } from '../../chain/market.js';
import { settlementBacklog, slotLabel } from '../../lib/clock.js';
import { card, energy, fill, h, money, price } from '../dom.js';

function totalsList(t) {
  return h('dl', { class: 'pairs', id: 'settled-totals' },
    h('dt', { text: 'Price' }), h('dd', {}, t.volumeWh > 0n ? price(t.price) : 'no trade'),
    h('dt', { text: 'Volume' }), h('dd', {}, energy(t.volumeWh)),
    h('dt', { text: 'Participants' }), h('dd', { text: String(t.participants) }),
    h('dt', { text: 'Shortfall / surplus' }), h('dd', {}, energy(t.shortfallWh), ' / ', energy(t.surplusWh)),
    h('dt', { text: 'Grid fees' }), h('dd', {}, money(t.gridFees)),
    h('dt', { text: 'Imbalance charges / credits' }), h('dd', {}, money(t.imbalanceCharges), ' / ', money(t.imbalanceCredits)),
    h('dt', { text: 'Penalties' }), h('dd', {}, money(t.penalties), ` (${t.missingReadings} missing readings)`),
    h('dt', { text: 'New debt' }), h('dd', {}, money(t.debt)));
}

export function settlementPanel(app) {
  const body = h('div');
  const el = card('settlement', 'Settlement', body);
  return {
    el,
    async render(ctx) {
      const { status } = ctx;
      const next = status.nextSlotToSettle;
      const { backlog, lastClosed } = settlementBacklog(status.nowSecs, next, app.config);
      const [current, last] = await Promise.all([
        next === null ? null : settlementOf(app.api, next),
        next === null ? null : settlementOf(app.api, next - 1),
      ]);
      fill(body, h('dl', { class: 'pairs' },
        h('dt', { text: 'Next slot to settle' }), h('dd', { id: 'next-to-settle', text: next === null ? '—' : `${next} · ${slotLabel(next, app.config)}${current?.inProgress ? ' (under way)' : ''}` }),
        h('dt', { text: 'Metering closed up to' }), h('dd', { text: `${lastClosed} · ${slotLabel(lastClosed, app.config)}` }),
        h('dt', { text: 'Backlog' }), h('dd', { id: 'settlement-backlog', text: `${backlog} slot${backlog === 1 ? '' : 's'} waiting` })),
      last?.totals ? [h('h3', { text: `Last settled: slot ${last.slot}` }), totalsList(last.totals)] : null);
    },
  };
}
