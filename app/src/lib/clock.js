// The market's clock as docs/DESIGN.md defines it, from MarketConfig (seconds and slots as
// numbers: they stay far below 2^53).

/** Unix seconds of slot `slot`'s gate closure, start, end and metering close. */
export function slotTimes(slot, config) {
  const start = slot * config.slotSecs;
  return {
    gateClosure: start - config.gateClosureSecs,
    start,
    end: start + config.slotSecs,
    meteringCloses: start + config.slotSecs + config.meteringWindowSecs,
  };
}

/** The phase of `slot` at `nowSecs`, with the names of SlotPhase. */
export function phaseOf(slot, nowSecs, config) {
  const t = slotTimes(slot, config);
  if (nowSecs >= t.meteringCloses) return 'Settlement';
  if (nowSecs >= t.end) return 'Metering';
  if (nowSecs >= t.start) return 'Delivery';
  if (nowSecs >= t.gateClosure) return 'Clearing';
  const current = Math.floor(nowSecs / config.slotSecs);
  return slot - current > config.maxSlotsAhead ? 'NotOpen' : 'Open';
}

/** Seconds as 'm:ss' (or 'h:mm:ss'); negative values read as 0:00. */
export function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The slots that take orders at `nowSecs`, earliest first. */
export function openSlots(nowSecs, config) {
  const current = Math.floor(nowSecs / config.slotSecs);
  const slots = [];
  for (let slot = current + 1; slot <= current + config.maxSlotsAhead; slot++) {
    if (phaseOf(slot, nowSecs, config) === 'Open') slots.push(slot);
  }
  return slots;
}

/**
 * Settlement's backlog: slots whose metering window has closed and that are not settled yet,
 * counted from `nextToSettle` (null: nothing to settle yet).
 */
export function settlementBacklog(nowSecs, nextToSettle, config) {
  const lastClosed = Math.floor((nowSecs - config.meteringWindowSecs) / config.slotSecs) - 1;
  if (nextToSettle === null || nextToSettle === undefined) return { lastClosed, backlog: 0 };
  return { lastClosed, backlog: Math.max(0, lastClosed - nextToSettle + 1) };
}

/** A slot's start as local wall time, 'HH:MM' (or with seconds for sub-minute slots). */
export function slotLabel(slot, config) {
  const date = new Date(slot * config.slotSecs * 1000);
  const hh = String(date.getHours()).padStart(2, '0');
  const mm = String(date.getMinutes()).padStart(2, '0');
  return `${hh}:${mm}`;
}
