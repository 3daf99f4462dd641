// The zone's households by status (participants.registry), with the operator's decisions:
// approve a pending one, suspend with a reason, reinstate a suspended one.
import { card, fill, h, money, shortAddress, table } from '../dom.js';

const STATUSES = ['Pending', 'Approved', 'Suspended'];

function actions(app, p, statusEl) {
  const tx = app.api.tx.participants;
  const act = (label, call, done) => h('button', {
    type: 'button', class: 'small', 'data-action': label.toLowerCase(), 'aria-label': `${label} ${p.address}`, text: label,
    onclick: (event) => app.sign(call(), statusEl, event.target, () => done),
  });
  const reason = h('input', { class: 'reason', 'aria-label': `Reason to suspend ${p.address}`, placeholder: 'reason', maxlength: 128 });
  const suspend = act('Suspend', () => tx.suspend(p.address, reason.value || 'suspended by the operator'), `Suspended ${shortAddress(p.address)}.`);
  if (p.status === 'Pending') return [act('Approve', () => tx.approve(p.address), `Approved ${shortAddress(p.address)}.`), reason, suspend];
  if (p.status === 'Approved') return [reason, suspend];
  return [act('Reinstate', () => tx.reinstate(p.address), `Reinstated ${shortAddress(p.address)}.`)];
}

function householdRow(app, p, statusEl, canAct) {
  return h('tr', { 'data-address': p.address, 'data-status': p.status },
    h('td', { class: 'addr' }, h('span', { text: app.names.get(p.address) ?? '' }), h('code', { text: p.address })),
    h('td', { text: p.role }), h('td', { class: 'num', text: `${p.maxPowerW} W` }),
    h('td', { class: 'num', text: String(p.reputation) }), h('td', {}, money(p.debt)),
    h('td', { text: p.reason || '' }), h('td', { class: 'actions' }, canAct ? actions(app, p, statusEl) : null));
}

export function householdsPanel(app) {
  const body = h('div');
  const statusEl = h('p', { id: 'households-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const el = card('households', 'Households of the zone', body, statusEl);
  return {
    el,
    render(zone, list) {
      const canAct = zone.operator === app.account?.address;
      fill(body, STATUSES.map((status) => {
        const rows = list.filter((p) => p.status === status).map((p) => householdRow(app, p, statusEl, canAct));
        return h('section', { class: 'group', 'data-group': status, 'aria-label': `${status} households` },
          h('h3', { text: `${status} (${rows.length})` }),
          rows.length ? h('div', { class: 'scroll' }, table(null, ['Household', 'Role', 'Connection', 'Reputation', 'Debt', 'Reason', 'Decision'], rows))
            : h('p', { class: 'muted', text: 'none' }));
      }));
    },
  };
}
