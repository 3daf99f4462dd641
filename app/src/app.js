// The app's core: connects to the node, learns the market's config and the accounts on offer,
// and once per block (a system.events subscription) reads the market status and hands the
// block's events to the visible view, which re-reads only what those events touch.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { loadAccounts } from './chain/accounts.js';
import { plainEvents, touches } from './chain/events.js';
import { marketConfig, marketStatus, participant, zone } from './chain/market.js';
import { ChainError, send } from './chain/submit.js';
import { fill, h } from './ui/dom.js';
import { serial } from './ui/serial.js';

/** Connects and returns the app's shared state. */
export async function connect(wsUrl, onState) {
  const provider = new WsProvider(wsUrl, 2_500);
  provider.on('disconnected', () => onState('disconnected, reconnecting…'));
  provider.on('connected', () => onState('connected'));
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  const [config, accounts, chain] = await Promise.all([marketConfig(api), loadAccounts(api), api.rpc.system.chain()]);
  const names = new Map(accounts.map((a) => [a.address, a.name]));
  return { api, wsUrl, config, accounts, names, chain: chain.toString(), account: null, participant: null, tariffs: null, status: null };
}

/** Reads the signed-in account's record and its zone's tariffs (zone 0's when unregistered). */
export async function loadStanding(app) {
  const address = app.account?.address;
  app.participant = address ? await participant(app.api, address) : null;
  const z = await zone(app.api, app.participant?.zone ?? 0);
  app.tariffs = z?.tariffs ?? null;
  app.zoneOperator = z?.operator ?? null;
}

/**
 * Signs `tx` as the current account, writing progress and the outcome (or the chain's words for
 * a refusal) into `statusEl`, with `button` disabled meanwhile. `okText(events)` words success.
 */
export async function sign(app, tx, statusEl, button, okText) {
  if (!app.account) return fill(statusEl, h('span', { class: 'error', text: 'Choose an account first.' }));
  if (button) button.disabled = true;
  try {
    const { events } = await send(app.api, tx, app.account, (text) => fill(statusEl, text));
    fill(statusEl, h('span', { class: 'ok', text: okText(events) }));
  } catch (error) {
    const name = error instanceof ChainError ? h('span', { class: 'muted', text: ` (${error.chainName})` }) : null;
    fill(statusEl, h('span', { class: 'error', 'data-error': error.chainName ?? '' }, `Refused: ${error.message}`), name);
  } finally {
    if (button) button.disabled = false;
  }
}

/** Subscribes to each block's events and refreshes `views()` (the visible ones) with them. */
export async function follow(app, views) {
  let last = null;
  const refresh = serial(async (ctx) => {
    if (ctx.accountChanged || touches(ctx, 'participants', 'settlement')) await loadStanding(app);
    await Promise.all(views().map((view) => view.refresh(ctx)));
  }, (error) => console.error('refresh failed', error?.stack ?? error));
  app.refresh = (extra = {}) => app.status && refresh({ status: app.status, receivedAt: app.receivedAt, events: [], ...extra });
  await app.api.query.system.events(async (records) => {
    const receivedAt = Date.now();
    const status = await marketStatus(app.api);
    // Before the first block with a timestamp the market's clock reads 0: nothing to show yet.
    if (status.nowSecs === 0) return;
    const slotChanged = last !== null && status.currentSlot !== last.currentSlot;
    const initial = last === null;
    last = status;
    Object.assign(app, { status, receivedAt });
    refresh({ status, receivedAt, events: plainEvents(records), slotChanged, initial, accountChanged: initial });
  });
}
