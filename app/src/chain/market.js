// Reads the market through its public interfaces: the MarketApi runtime API (api.call.marketApi),
// the participants pallet's zone and registry, and settlement's slot totals. Every value comes
// back plain (BigInt planck and Wh, Number slots and seconds).
import { num, toPlain } from './plain.js';

/** A slot argument, checked: a wrong one names the read that asked for it. */
function slotArg(read, slot) {
  if (!Number.isSafeInteger(slot) || slot < 0) throw new Error(`${read}: ${slot} is not a slot`);
  return slot;
}

/** The market's timeline and limits. */
export async function marketConfig(api) {
  const c = toPlain(await api.call.marketApi.config());
  return {
    slotSecs: num(c.slotSecs),
    gateClosureSecs: num(c.gateClosureSecs),
    maxSlotsAhead: num(c.maxSlotsAhead),
    meteringWindowSecs: num(c.meteringWindowSecs),
    onChainClearingLimit: num(c.onChainClearingLimit),
    imbalanceToleranceWh: c.imbalanceToleranceWh,
    minReputation: num(c.minReputation),
    maxPrice: c.maxPrice,
  };
}

/** The chain's time and slots now. */
export async function marketStatus(api, at) {
  const s = toPlain(at ? await (await api.at(at)).call.marketApi.status() : await api.call.marketApi.status());
  return {
    nowSecs: num(s.nowSecs),
    currentSlot: num(s.currentSlot),
    firstOpenSlot: num(s.firstOpenSlot),
    nextSlotToSettle: s.nextSlotToSettle === null ? null : num(s.nextSlotToSettle),
  };
}

/** A slot's clearing as { kind, price, volumeWh }: kind Pending|Traded|NoTrade|Voided|Settled. */
export function clearingOf(clearing) {
  if (typeof clearing === 'string') return { kind: clearing, price: null, volumeWh: null };
  return { kind: clearing.type, price: clearing.value?.price ?? null, volumeWh: clearing.value?.volumeWh ?? null };
}

/** Where a slot stands. */
export async function slotStatus(api, slot) {
  const s = toPlain(await api.call.marketApi.slot(slotArg('slotStatus', slot)));
  return { slot, phase: s.phase, orders: num(s.orders), clearing: clearingOf(s.clearing), settled: s.settled };
}

/** A slot's book: depth by level, best first, and `who`'s own orders. */
export async function orderBook(api, slot, who, maxLevels = 10) {
  const b = toPlain(await api.call.marketApi.orderBook(slotArg('orderBook', slot), who ?? null, maxLevels));
  const level = (l) => ({ price: l.price, energyWh: l.energyWh, orders: num(l.orders) });
  return { slot, bids: b.bids.map(level), asks: b.asks.map(level), own: b.own.map(orderView) };
}

const orderView = (o) => ({ id: o.id, side: o.side, energyWh: o.energyWh, price: o.price, held: o.held, clearedWh: o.clearedWh });

/** `who`'s orders, contracted energy, reading and bill in `slot`. */
export async function position(api, slot, who) {
  const p = toPlain(await api.call.marketApi.position(slotArg('position', slot), who));
  const reading = p.reading ? { importedWh: p.reading[0], exportedWh: p.reading[1] } : null;
  return { slot, orders: p.orders.map(orderView), boughtWh: p.boughtWh, soldWh: p.soldWh, reading, bill: p.bill };
}

/** A participant's record, or null. */
export async function participant(api, who) {
  const p = toPlain(await api.call.marketApi.participant(who));
  return p && { ...p, zone: num(p.zone), maxPowerW: num(p.maxPowerW), reputation: num(p.reputation) };
}

/** A slot's settlement and totals. */
export async function settlementOf(api, slot) {
  const s = toPlain(await api.call.marketApi.settlement(slotArg('settlementOf', slot)));
  return { slot, settled: s.settled, inProgress: s.inProgress, totals: s.totals };
}

/** A zone's operator and tariffs (participants.zones), or null. */
export async function zone(api, zoneId) {
  const z = toPlain(await api.query.participants.zones(zoneId));
  return z && { id: zoneId, operator: z.operator, tariffs: z.tariffs };
}

/** The zone an account operates (participants.operatorZone), or null. */
export async function operatorZone(api, who) {
  const z = toPlain(await api.query.participants.operatorZone(who));
  return z === null ? null : num(z);
}

/** Every registered household of a zone, with its suspension reason if any. */
export async function households(api, zoneId) {
  const entries = await api.query.participants.registry.entries();
  const list = entries
    .map(([key, value]) => ({ address: key.args[0].toString(), ...toPlain(value) }))
    .filter((p) => num(p.zone) === zoneId)
    .map((p) => ({ ...p, zone: num(p.zone), maxPowerW: num(p.maxPowerW), reputation: num(p.reputation) }));
  const reasons = await Promise.all(list.map((p) => (p.status === 'Suspended'
    ? api.query.participants.suspensionReasons(p.address).then((r) => (r.isSome ? r.unwrap().toUtf8() : ''))
    : '')));
  return list.map((p, i) => ({ ...p, reason: reasons[i] })).sort((a, b) => a.address.localeCompare(b.address));
}
