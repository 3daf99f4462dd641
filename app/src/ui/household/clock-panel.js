// The market clock: the slot being delivered, the next slot that takes orders and a countdown to
// its gate closure, and where the slots around now stand. The countdown ticks on the local clock
// (corrected by the chain's time at each block); the chain is only read on new blocks.
import { countdown, phaseOf, slotLabel, slotTimes } from '../../lib/clock.js';
import { card, fill, h } from '../dom.js';

const PHASE_WORDS = {
  NotOpen: 'not open yet',
  Open: 'open for orders',
  Clearing: 'gate closed, clearing',
  Delivery: 'being delivered',
  Metering: 'meters reporting',
  Settlement: 'settling or settled',
};

export function clockPanel(app) {
  const current = h('p', { class: 'big', id: 'clock-current' });
  const gate = h('p', { class: 'big', id: 'clock-gate', role: 'timer', 'aria-live': 'off' });
  const phases = h('ol', { class: 'phases', id: 'clock-phases' });
  const el = card('clock', 'Market clock', current, gate, phases);
  let status = null;
  let offset = 0;

  const render = () => {
    if (!status) return;
    const now = Date.now() / 1000 + offset;
    const { config } = app;
    const slot = Math.floor(now / config.slotSecs);
    const next = Math.max(status.firstOpenSlot, slot + 1);
    const open = phaseOf(next, now, config) === 'Open' ? next : next + 1;
    fill(current, `Now: slot ${slot} (${slotLabel(slot, config)}), ${PHASE_WORDS.Delivery}`);
    const left = slotTimes(open, config).gateClosure - now;
    fill(gate, h('span', {}, `Next open slot ${open} (${slotLabel(open, config)}): gate closes in `),
      h('strong', { id: 'gate-countdown', text: countdown(left) }));
    fill(phases, [slot - 2, slot - 1, slot, slot + 1, open].filter((s, i, all) => all.indexOf(s) === i)
      .map((s) => h('li', { 'data-slot': s }, h('span', { class: 'slot', text: `${s} · ${slotLabel(s, config)}` }),
        h('span', { class: `phase phase-${phaseOf(s, now, config)}`, text: PHASE_WORDS[phaseOf(s, now, config)] }))));
  };
  const timer = setInterval(render, 1000);

  return {
    el,
    stop: () => clearInterval(timer),
    refresh(ctx) {
      status = ctx.status;
      offset = status.nowSecs - ctx.receivedAt / 1000;
      render();
    },
  };
}
