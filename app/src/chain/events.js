// The events of a block as plain objects: { section, method, data } with named, plain fields
// (orders.OrderPlaced → { id, who, slot, side, energyWh, price, held }).
import { stringCamelCase } from '@polkadot/util';
import { num, toPlain } from './plain.js';

/** Plain events from the records of system.events. */
export function plainEvents(records) {
  return records.map(({ event }) => {
    const names = event.data.names ?? [];
    const data = Object.fromEntries(names.map((name, i) => [stringCamelCase(name), toPlain(event.data[i])]));
    if (data.slot !== undefined && data.slot !== null) data.slot = num(data.slot);
    return { section: event.section, method: event.method, data };
  });
}

/** The events of `section` (and `method`, if given) in a refresh context. */
export function eventsOf(ctx, section, method) {
  return (ctx.events ?? []).filter((e) => e.section === section && (!method || e.method === method));
}

/** Whether any event of the given sections is in the context. */
export const touches = (ctx, ...sections) => (ctx.events ?? []).some((e) => sections.includes(e.section));
