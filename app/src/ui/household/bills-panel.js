// My bills: every settled slot's bill with every line of the settlement rule, how it was paid,
// the meter's figures it used, and the reputation it earned or lost.
import { billEnergy, billLines, billPayment } from '../../lib/bill.js';
import { slotLabel } from '../../lib/clock.js';
import { card, energy, fill, h, money, table } from '../dom.js';

function billTable(p) {
  const rows = billLines(p.bill).map((line) => h('tr', { 'data-line': line.key, class: line.key === 'net' ? 'total' : null },
    h('th', { scope: 'row', text: line.label }), h('td', { text: line.detail }), h('td', { class: 'amount' }, money(line.amount, { signed: true }))));
  return table('Lines of the settlement rule', ['Line', 'How', 'Amount'], rows, { class: 'bill-lines' });
}

function paymentList(bill) {
  return h('dl', { class: 'pairs' }, billPayment(bill).flatMap((p) => [h('dt', { text: p.label }), h('dd', { 'data-line': p.key }, money(p.amount))]),
    h('dt', { text: 'Reputation' }), h('dd', { 'data-line': 'reputationChange', text: `${p0(bill.reputationChange)}` }));
}

const p0 = (n) => (Number(n) > 0 ? `+${n}` : `${n}`);

function meterList(bill) {
  const e = billEnergy(bill);
  return h('dl', { class: 'pairs' },
    h('dt', { text: 'Meter imported' }), h('dd', { 'data-line': 'importedWh' }, energy(e.importedWh)),
    h('dt', { text: 'Meter exported' }), h('dd', { 'data-line': 'exportedWh' }, energy(e.exportedWh)),
    h('dt', { text: 'Contracted: bought / sold' }), h('dd', {}, energy(bill.boughtWh), ' / ', energy(bill.soldWh)),
    h('dt', { text: 'Imbalance (measured − contracted net export)' }), h('dd', { 'data-line': 'imbalanceWh', 'data-wh': e.imbalanceWh.toString(), text: `${e.imbalanceWh} Wh` }));
}

function billView(p, config) {
  return h('article', { class: 'bill', 'data-slot': p.slot, 'aria-labelledby': `bill-${p.slot}` },
    h('h3', { id: `bill-${p.slot}`, text: `Slot ${p.slot} · ${slotLabel(p.slot, config)}` }),
    billTable(p), h('div', { class: 'bill-side' }, meterList(p.bill), paymentList(p.bill)));
}

export function billsPanel(app) {
  const body = h('div', { class: 'bills' });
  const el = card('my-bills', 'My bills', body);
  return {
    el,
    render() {
      const bills = app.mine.list().filter((p) => p.bill);
      fill(body, bills.length ? bills.map((p) => billView(p, app.config)) : h('p', { class: 'muted', text: 'No settled bills in the recent slots.' }));
    },
  };
}
