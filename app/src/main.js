// Entry point: the page's frame (header with connection, account and view switch), then the
// household and operator views once connected. The node is ?ws=URL (default ws://127.0.0.1:9944);
// ?account=NAME_OR_ADDRESS picks the account to start with; #/household or #/operator the view.
import './style.css';
import { connect, follow, loadStanding, sign } from './app.js';
import { fill, h } from './ui/dom.js';
import { householdView } from './ui/household/view.js';
import { operatorView } from './ui/operator/view.js';

const params = new URLSearchParams(window.location.search);
const wsUrl = params.get('ws') || 'ws://127.0.0.1:9944';

function header() {
  const state = h('span', { id: 'connection', role: 'status', 'aria-live': 'polite', text: `connecting to ${wsUrl}…` });
  const select = h('select', { id: 'account', name: 'account', disabled: true });
  const nav = h('nav', { 'aria-label': 'Views' },
    h('a', { href: '#/household', id: 'nav-household', text: 'Household' }),
    h('a', { href: '#/operator', id: 'nav-operator', text: 'Operator' }));
  const el = h('header', { class: 'top' },
    h('p', { class: 'brand' }, h('strong', { text: 'Wattle' }), ' ', h('span', { class: 'muted', text: 'local energy market' })),
    nav, h('div', { class: 'who' }, h('label', { for: 'account', text: 'Account' }), select), state);
  return { el, state, select, nav };
}

function accountOptions(select, accounts, wanted) {
  fill(select, accounts.map((a) => h('option', { value: a.address, text: `${a.name}${a.note ? ` (${a.note})` : ''}` })));
  const pick = accounts.find((a) => a.name.toLowerCase() === wanted?.toLowerCase() || a.address === wanted)
    ?? accounts.find((a) => a.name === 'Bob') ?? accounts[0];
  if (pick) select.value = pick.address;
  select.disabled = accounts.length === 0;
  return pick ?? null;
}

function route(views, nav) {
  const name = window.location.hash === '#/operator' ? 'operator' : 'household';
  for (const [key, view] of Object.entries(views)) view.el.hidden = key !== name;
  for (const a of nav.querySelectorAll('a')) {
    if (a.id === `nav-${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  return name;
}

async function start() {
  const top = header();
  const main = h('main', { id: 'main' });
  document.body.replaceChildren(top.el, main);
  const app = await connect(wsUrl, (text) => fill(top.state, text));
  fill(top.state, `connected to ${app.chain} at ${wsUrl}`);
  app.sign = (tx, statusEl, button, okText) => sign(app, tx, statusEl, button, okText);
  app.account = accountOptions(top.select, app.accounts, params.get('account'));
  if (app.accounts.length === 0) fill(top.state, 'No accounts: install a Polkadot{.js}-compatible extension (or use a dev chain).');
  await loadStanding(app);
  const views = { household: householdView(app), operator: operatorView(app) };
  main.append(views.household.el, views.operator.el);
  let current = route(views, top.nav);
  window.addEventListener('hashchange', () => {
    current = route(views, top.nav);
    app.refresh({ initial: true });
  });
  top.select.addEventListener('change', () => {
    app.account = app.accounts.find((a) => a.address === top.select.value) ?? null;
    app.refresh({ accountChanged: true, initial: true });
  });
  await follow(app, () => [views[current]]);
}

start().catch((error) => {
  document.body.append(h('p', { class: 'error', role: 'alert', text: `Wattle could not start: ${error.message}` }));
  console.error(error);
});
