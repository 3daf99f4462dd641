// The signed-in household's positions, slot by slot (MarketApi.position): its orders and their
// fills, its readings and its bills. Loaded for a window of slots when the account changes, then
// kept current from the events of each block; nothing is polled.
import { position } from './market.js';
import { eventsOf } from './events.js';

/** How many settled slots' bills to keep in view. */
export const BILL_SLOTS = 12;

export function createMine(api, config) {
  const positions = new Map();
  let who = null;

  const load = async (slots) => {
    const loaded = await Promise.all(slots.map((slot) => position(api, slot, who)));
    for (const p of loaded) {
      const empty = p.orders.length === 0 && !p.reading && !p.bill && p.boughtWh === 0n && p.soldWh === 0n;
      if (empty) positions.delete(p.slot);
      else positions.set(p.slot, p);
    }
  };

  /** The slots to scan: recent settled ones for bills, and every slot not settled yet. */
  const windowOf = (status) => {
    const settledUpTo = status.nextSlotToSettle ?? status.currentSlot;
    const from = Math.max(0, settledUpTo - BILL_SLOTS);
    const to = status.currentSlot + config.maxSlotsAhead;
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  };

  /** Which slots this block's events (or clock) may have changed for `who`. */
  const touched = (ctx) => {
    const slots = new Set();
    const mineEvent = (e) => e.data.who === who || e.data.participant === who;
    for (const e of [...eventsOf(ctx, 'orders'), ...eventsOf(ctx, 'metering'), ...eventsOf(ctx, 'settlement', 'Settled')]) {
      if (mineEvent(e)) slots.add(e.data.slot);
    }
    for (const e of [...eventsOf(ctx, 'clearing'), ...eventsOf(ctx, 'settlement', 'SlotSettled')]) {
      if (positions.has(e.data.slot)) slots.add(e.data.slot);
    }
    if (ctx.slotChanged) for (const slot of positions.keys()) if (!positions.get(slot).bill) slots.add(slot);
    return [...slots];
  };

  return {
    positions,
    /** Brings the positions up to date with a refresh context; true if anything was read. */
    async update(ctx, account) {
      if (account !== who || ctx.initial || ctx.accountChanged) {
        who = account;
        positions.clear();
        if (who) await load(windowOf(ctx.status));
        return true;
      }
      if (!who) return false;
      const slots = touched(ctx);
      if (slots.length) await load(slots);
      const oldest = (ctx.status.nextSlotToSettle ?? 0) - BILL_SLOTS;
      for (const slot of positions.keys()) if (slot < oldest) positions.delete(slot);
      return slots.length > 0;
    },
    /** Positions sorted by slot, newest first. */
    list: () => [...positions.values()].sort((a, b) => b.slot - a.slot),
  };
}
