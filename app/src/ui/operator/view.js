// The operator view: the zone the signed-in account operates (participants.operatorZone, or zone
// 0 to look at), its households by status with approve / suspend / reinstate, its tariffs, the
// meters that have not reported, and settlement's progress.
import { households, operatorZone, zone } from '../../chain/market.js';
import { touches } from '../../chain/events.js';
import { fill, h } from '../dom.js';
import { householdsPanel } from './households-panel.js';
import { metersPanel } from './meters-panel.js';
import { settlementPanel } from './settlement-panel.js';
import { tariffsPanel } from './tariffs-panel.js';

export function operatorView(app) {
  const note = h('p', { id: 'operator-zone', role: 'status' });
  const list = householdsPanel(app);
  const tariffs = tariffsPanel(app);
  const meters = metersPanel(app);
  const settlement = settlementPanel(app);
  const el = h('div', { class: 'view', id: 'operator-view', 'aria-labelledby': 'operator-title' },
    h('h1', { id: 'operator-title', class: 'view-title', text: 'Grid operator' }), note,
    h('div', { class: 'grid' }, list.el, tariffs.el, meters.el, settlement.el));
  let cache = null;
  return {
    el,
    async refresh(ctx) {
      const fresh = ctx.initial || ctx.accountChanged || touches(ctx, 'participants', 'settlement') || !cache;
      if (fresh) {
        const own = app.account ? await operatorZone(app.api, app.account.address) : null;
        const z = await zone(app.api, own ?? 0);
        cache = { own, zone: z, list: z ? await households(app.api, z.id) : [] };
      }
      const { own, zone: z, list: all } = cache;
      fill(note, own === null
        ? 'This account operates no zone: zone 0 is shown, read only. Choose its operator to decide.'
        : `You operate zone ${own}.`);
      if (!z) return;
      if (fresh) list.render(z, all);
      tariffs.render(z);
      await Promise.all([meters.render(ctx, all, fresh), settlement.render(ctx)]);
    },
  };
}
