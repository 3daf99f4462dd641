// Order book depth of the next open slots (MarketApi.orderBook): bids highest first, asks lowest
// first, per price level, re-read when a block brings orders events or the slot turns.
import { orderBook } from '../../chain/market.js';
import { touches } from '../../chain/events.js';
import { openSlots, slotLabel } from '../../lib/clock.js';
import { card, energy, fill, h, price, table } from '../dom.js';

/** How many open slots the book shows. */
export const BOOK_SLOTS = 3;

function sideTable(caption, levels) {
  if (levels.length === 0) return h('p', { class: 'muted', text: `${caption}: none` });
  return table(caption, ['Price', 'Energy', 'Orders'], levels.map((l) => h('tr', { 'data-price': l.price.toString() },
    h('td', {}, price(l.price)), h('td', {}, energy(l.energyWh)), h('td', { class: 'num', text: String(l.orders) }))));
}

function bookView(book, config) {
  return h('article', { class: 'book', 'data-slot': book.slot, 'aria-label': `Order book of slot ${book.slot}` },
    h('h3', { text: `Slot ${book.slot} · ${slotLabel(book.slot, config)}` }),
    h('div', { class: 'sides' },
      h('div', { class: 'bids' }, sideTable('Bids (buy)', book.bids)),
      h('div', { class: 'asks' }, sideTable('Asks (sell)', book.asks))));
}

export function bookPanel(app) {
  const body = h('div', { class: 'books' });
  const el = card('book', 'Order book', body);
  let shown = [];
  return {
    el,
    async refresh(ctx) {
      const slots = openSlots(ctx.status.nowSecs, app.config).slice(0, BOOK_SLOTS);
      const turned = slots.join() !== shown.join();
      if (!(ctx.initial || ctx.accountChanged || turned || touches(ctx, 'orders', 'clearing'))) return;
      shown = slots;
      const books = await Promise.all(slots.map((slot) => orderBook(app.api, slot, app.account?.address)));
      fill(body, books.map((b) => bookView(b, app.config)));
    },
  };
}
