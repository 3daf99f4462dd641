// Placing an order: slot, buy or sell, energy in kWh and limit price in WTL/kWh, converted
// exactly to Wh and planck per Wh, with the hold it will take shown before signing. The chain
// decides; what it refuses is shown in the words of its metadata docs.
import { openSlots, slotLabel } from '../../lib/clock.js';
import { orderHold } from '../../lib/hold.js';
import { kwhToWh, planckToWtl, priceText, priceToPlanckPerWh } from '../../lib/units.js';
import { card, fill, h, money } from '../dom.js';

function fields() {
  return {
    slot: h('select', { id: 'order-slot', name: 'slot', required: true }),
    buy: h('input', { type: 'radio', name: 'side', id: 'order-buy', value: 'Buy', checked: true }),
    sell: h('input', { type: 'radio', name: 'side', id: 'order-sell', value: 'Sell' }),
    kwh: h('input', { id: 'order-kwh', name: 'kwh', inputmode: 'decimal', autocomplete: 'off', required: true, 'aria-describedby': 'order-preview' }),
    price: h('input', { id: 'order-price', name: 'price', inputmode: 'decimal', autocomplete: 'off', required: true, 'aria-describedby': 'order-preview' }),
    preview: h('p', { id: 'order-preview', class: 'preview', 'aria-live': 'polite' }),
    submit: h('button', { type: 'submit', id: 'order-submit', text: 'Sign and place order' }),
    result: h('p', { id: 'order-result', class: 'status', role: 'status', 'aria-live': 'polite' }),
  };
}

function layout(f) {
  return h('form', { id: 'order-form', novalidate: true },
    h('label', { for: 'order-slot', text: 'Delivery slot' }), f.slot,
    h('fieldset', {}, h('legend', { text: 'Side' }),
      h('label', {}, f.buy, ' Buy'), h('label', {}, f.sell, ' Sell')),
    h('label', { for: 'order-kwh', text: 'Energy (kWh)' }), f.kwh,
    h('label', { for: 'order-price', text: 'Limit price (WTL/kWh)' }), f.price,
    f.preview, f.submit, f.result);
}

/** The order the form describes, or { error } saying what is wrong with it. */
function readOrder(f, tariffs) {
  const side = f.sell.checked ? 'Sell' : 'Buy';
  try {
    const energyWh = kwhToWh(f.kwh.value);
    const price = priceToPlanckPerWh(f.price.value);
    const slot = Number(f.slot.value);
    const hold = tariffs ? orderHold(side, energyWh, price, tariffs) : null;
    return { slot, side, energyWh, price, hold };
  } catch (error) {
    return { error: error.message };
  }
}

function showPreview(f, order, tariffs) {
  if (f.kwh.value === '' && f.price.value === '') return fill(f.preview, 'Enter energy and price to see the hold.');
  if (order.error) return fill(f.preview, h('span', { class: 'error', text: order.error }));
  const rate = order.side === 'Buy' ? `${priceText(order.price)} + grid fee ${priceText(tariffs.gridFee)}` : `collateral ${priceText(tariffs.sellerCollateral)}`;
  return fill(f.preview, `${order.energyWh} Wh at ${order.price} planck/Wh. Hold: `,
    h('strong', { id: 'order-hold' }, money(order.hold.hold)),
    ` = ${order.energyWh} Wh × (${rate}), ${order.hold.formula}.`);
}

export function orderForm(app) {
  const f = fields();
  const form = layout(f);
  const el = card('place', 'Place an order', form);
  const preview = () => showPreview(f, readOrder(f, app.tariffs), app.tariffs);
  for (const input of [f.kwh, f.price, f.buy, f.sell]) input.addEventListener('input', preview);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const order = readOrder(f, app.tariffs);
    if (order.error) return fill(f.result, h('span', { class: 'error', text: order.error }));
    const tx = app.api.tx.orders.placeOrder(order.slot, order.side, order.energyWh, order.price);
    return app.sign(tx, f.result, f.submit, (events) => placedText(events, order));
  });
  return { el, refresh: (ctx) => { fillSlots(f.slot, ctx.status, app.config); roleSides(f, app.participant); preview(); } };
}

function placedText(events, order) {
  const placed = events.find(({ event }) => event.section === 'orders' && event.method === 'OrderPlaced');
  const id = placed ? placed.event.data[0].toString() : '?';
  return `Order ${id} placed for slot ${order.slot}: ${planckToWtl(order.hold.hold)} WTL held.`;
}

function fillSlots(select, status, config) {
  const slots = openSlots(status.nowSecs, config).filter((s) => s >= status.firstOpenSlot);
  const keep = select.value;
  if ([...select.options].map((o) => o.value).join() === slots.join()) return;
  fill(select, slots.map((s) => h('option', { value: s, text: `${s} · ${slotLabel(s, config)}` })));
  if (slots.includes(Number(keep))) select.value = keep;
}

function roleSides(f, participant) {
  const role = participant?.role;
  f.buy.disabled = role === 'Producer';
  f.sell.disabled = role === 'Consumer';
  if (f.buy.disabled) f.sell.checked = true;
  if (f.sell.disabled) f.buy.checked = true;
}
