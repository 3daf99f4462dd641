// A few DOM helpers: h() builds elements, and the amount helpers write exact figures with their
// raw integer in a data attribute (data-planck, data-wh), so what a person reads and what the
// chain holds can be compared.
import { energyText, priceText, wtlText } from '../lib/units.js';

/**
 * h('button', { class: 'x', onclick, 'aria-label': '…' }, 'text', child…): an element. Props
 * starting with `on` are listeners, `text` sets textContent, the rest are attributes (false and
 * null ones are left out).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** An amount of planck: '0.14 WTL', with data-planck. `signed` writes + for positive. */
export function money(planck, { signed = false } = {}) {
  const text = wtlText(planck);
  return h('span', { class: 'num', 'data-planck': planck.toString(), text: signed && planck > 0n ? `+${text}` : text.replace(/^-/, '−') });
}

/** A price in planck per Wh as WTL/kWh, with data-planck-per-wh. */
export const price = (planckPerWh) => h('span', { class: 'num', 'data-planck-per-wh': planckPerWh.toString(), text: priceText(planckPerWh) });

/** Energy in Wh as kWh, with data-wh. */
export const energy = (wh) => h('span', { class: 'num', 'data-wh': wh.toString(), text: energyText(wh) });

/** A short account label: name if known, else the address's ends. */
export function shortAddress(address, names = new Map()) {
  return names.get(address) ?? `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A card: a <section> with a heading, labelled by it. */
export function card(id, title, ...body) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title`, text: title }), ...body);
}

/** A table with a caption, column headers and rows of cells (nodes or text). */
export function table(caption, headers, rows, props = {}) {
  return h('table', props,
    caption ? h('caption', { text: caption }) : null,
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.map((cells) => (cells instanceof HTMLElement ? cells : h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

/** A line of status text in a polite live region. */
export function statusLine(id) {
  return h('p', { id, class: 'status', role: 'status', 'aria-live': 'polite' });
}
