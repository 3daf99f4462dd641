// My standing: role, admission status, zone and tariffs, reputation, debt (with repayDebt) and
// balance. The balance is a storage subscription; the record is re-read when a block brings
// participants or settlement events.
import { priceText } from '../../lib/units.js';
import { card, fill, h, money } from '../dom.js';

function tariffList(tariffs) {
  if (!tariffs) return null;
  return h('dl', { class: 'pairs', id: 'my-tariffs' },
    h('dt', { text: 'Grid fee' }), h('dd', { text: priceText(tariffs.gridFee) }),
    h('dt', { text: 'Retail (drawn beyond contract)' }), h('dd', { text: priceText(tariffs.retailPrice) }),
    h('dt', { text: 'Feed-in (spilled beyond contract)' }), h('dd', { text: priceText(tariffs.feedInPrice) }),
    h('dt', { text: 'Seller collateral' }), h('dd', { text: priceText(tariffs.sellerCollateral) }),
    h('dt', { text: 'Missing reading penalty' }), h('dd', {}, money(tariffs.missingReadingPenalty)));
}

function standing(app, p, balance, repay) {
  if (!app.account) return h('p', { text: 'Choose an account above.' });
  if (!p) return h('p', { id: 'not-registered', text: 'This account is not a registered household. Registration (role, zone, meter key) is done with participants.register; the zone operator then approves it.' });
  return h('dl', { class: 'pairs' },
    h('dt', { text: 'Role' }), h('dd', { id: 'my-role', text: p.role }),
    h('dt', { text: 'Status' }), h('dd', { id: 'my-status', text: p.status }),
    h('dt', { text: 'Zone' }), h('dd', { text: String(p.zone) }),
    h('dt', { text: 'Connection' }), h('dd', { text: `${p.maxPowerW} W` }),
    h('dt', { text: 'Reputation' }), h('dd', { id: 'my-reputation', text: `${p.reputation} of 1000 (trading needs ${app.config.minReputation})` }),
    h('dt', { text: 'Debt' }), h('dd', { id: 'my-debt' }, money(p.debt), p.debt > 0n ? repay : null),
    h('dt', { text: 'Free balance' }), h('dd', { id: 'my-free' }, balance ? money(balance.free) : '…'),
    h('dt', { text: 'Held' }), h('dd', { id: 'my-held' }, balance ? money(balance.reserved) : '…'));
}

export function accountPanel(app) {
  const body = h('div');
  const status = h('p', { id: 'account-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const el = card('me', 'My account', body, h('h3', { text: 'Tariffs of my zone' }), h('div', { id: 'tariffs-box' }), status);
  let balance = null;
  let unsubscribe = null;
  let watching = null;
  const repay = h('button', {
    type: 'button', class: 'small', id: 'repay-debt', text: 'Repay debt',
    onclick: () => app.sign(app.api.tx.participants.repayDebt(), status, repay, () => 'Debt repaid as far as the free balance allows.'),
  });
  const render = () => {
    fill(body, standing(app, app.participant, balance, repay));
    fill(el.querySelector('#tariffs-box'), tariffList(app.tariffs));
  };
  const watch = async (address) => {
    if (unsubscribe) unsubscribe();
    unsubscribe = null;
    balance = null;
    watching = address;
    if (!address) return;
    unsubscribe = await app.api.query.system.account(address, ({ data }) => {
      balance = { free: data.free.toBigInt(), reserved: data.reserved.toBigInt() };
      render();
    });
  };
  return {
    el,
    async refresh() {
      if (app.account?.address !== watching) await watch(app.account?.address);
      render();
    },
  };
}
