// The household view: clock, price chart, order book, order form, my orders, readings, bills and
// account. The positions store is brought up to date once per block, then the panels that show
// it are drawn from it.
import { createMine } from '../../chain/mine.js';
import { h } from '../dom.js';
import { accountPanel } from './account-panel.js';
import { billsPanel } from './bills-panel.js';
import { bookPanel } from './book-panel.js';
import { chartPanel } from './chart-panel.js';
import { clockPanel } from './clock-panel.js';
import { orderForm } from './order-form.js';
import { ordersPanel } from './orders-panel.js';
import { readingsPanel } from './readings-panel.js';

export function householdView(app) {
  app.mine = createMine(app.api, app.config);
  const live = [clockPanel(app), orderForm(app), bookPanel(app), chartPanel(app), accountPanel(app)];
  const fromMine = [ordersPanel(app), readingsPanel(app), billsPanel(app)];
  const [clock, form, book, chart, me] = live;
  const [orders, readings, bills] = fromMine;
  const el = h('div', { class: 'view', id: 'household-view', 'aria-labelledby': 'household-title' },
    h('h1', { id: 'household-title', class: 'view-title', text: 'Household' }),
    h('div', { class: 'grid' }, clock.el, form.el, book.el, chart.el, orders.el, me.el, readings.el, bills.el));
  return {
    el,
    async refresh(ctx) {
      await Promise.all([
        ...live.map((panel) => panel.refresh(ctx)),
        app.mine.update(ctx, app.account?.address ?? null).then(() => fromMine.forEach((panel) => panel.render(ctx))),
      ]);
    },
  };
}
