// My orders and their fills, slot by slot, from the household's positions; an order of a slot
// that still takes orders can be cancelled (its whole hold is released).
import { phaseOf, slotLabel } from '../../lib/clock.js';
import { card, energy, fill, h, money, price, table } from '../dom.js';

function fillCell(order, phase) {
  if (order.clearedWh !== null) return energy(order.clearedWh);
  return h('span', { class: 'muted', text: phase === 'Open' ? 'open' : 'clearing…' });
}

function orderRow(app, p, order, phase) {
  const cancel = phase === 'Open' && order.clearedWh === null
    ? h('button', {
      type: 'button', class: 'small', 'data-order': order.id.toString(), 'aria-label': `Cancel order ${order.id}`,
      text: 'Cancel', onclick: (event) => app.sign(app.api.tx.orders.cancelOrder(order.id), app.ordersStatus, event.target,
        () => `Order ${order.id} cancelled; its hold is released.`),
    })
    : null;
  return h('tr', { 'data-order': order.id.toString(), 'data-slot': p.slot },
    h('td', { text: `${p.slot} · ${slotLabel(p.slot, app.config)}` }),
    h('td', { text: order.id.toString() }),
    h('td', { text: order.side === 'Buy' ? 'buy' : 'sell' }),
    h('td', {}, energy(order.energyWh)), h('td', {}, price(order.price)), h('td', {}, money(order.held)),
    h('td', { class: 'fill' }, fillCell(order, phase)), h('td', {}, cancel));
}

function positionNote(p) {
  if (p.bill) return null;
  if (p.boughtWh === 0n && p.soldWh === 0n) return null;
  return h('li', { 'data-slot': p.slot }, `Slot ${p.slot}: contracted to buy `, energy(p.boughtWh), ' and to sell ', energy(p.soldWh));
}

export function ordersPanel(app) {
  const body = h('div', { class: 'scroll' });
  const contracts = h('ul', { class: 'plain', id: 'my-contracts' });
  app.ordersStatus = h('p', { id: 'orders-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const el = card('my-orders', 'My orders and fills', body, contracts, app.ordersStatus);
  return {
    el,
    render(ctx) {
      const now = ctx.status.nowSecs;
      const list = app.mine.list().filter((p) => p.orders.length > 0);
      const rows = list.flatMap((p) => p.orders.map((o) => orderRow(app, p, o, phaseOf(p.slot, now, app.config))));
      fill(body, rows.length
        ? table(null, ['Slot', 'Id', 'Side', 'Energy', 'Limit', 'Held', 'Filled', ''], rows, { id: 'my-orders-table' })
        : h('p', { class: 'muted', text: 'No open or contracted orders.' }));
      fill(contracts, app.mine.list().map(positionNote));
    },
  };
}
