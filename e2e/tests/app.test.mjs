// The web app (app/) in a real browser: Debian's Chromium, driven by playwright-core, against the
// built app served on 127.0.0.1 and a --dev node of its own. A household (Bob) places an order
// through the form and sees it in the book, a refused order shows the chain's docs in words, the
// operator (Alice) approves a fresh registration, the slot clears and its price is on the chart,
// and after settlement Bob's bill shows every amount the chain holds. Screenshots of each view go
// to $WATTLE_APP_SCREENSHOTS (default: a new folder under the system's temp folder).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { chromium } from 'playwright-core';
import { serveApp } from '../../app/serve.mjs';
import { signReading } from '../lib/meter.mjs';
import { startNode, submit, waitFor } from '../lib/node.mjs';
import { settleParticipant } from '../lib/settlement.mjs';
import { formatUnits, wtl } from '../lib/units.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '..', '..', 'app', 'dist');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const WTL = 10n ** 12n;
const MWH = 1_000_000n; // 0.001 WTL/kWh in planck per Wh
const names = ['Alice', 'Bob', 'Dave'];
const [alice, bob, dave] = names.map((n) => keyring.addFromUri(`//${n}`));

const ctx = { offsite: [], pageErrors: [] };

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), `the app is not built: run (cd app && npm run build) first (looked in ${DIST})`);
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: scripts/setup.sh installs Debian's chromium`);
  ctx.out = process.env.WATTLE_APP_SCREENSHOTS || mkdtempSync(join(tmpdir(), 'wattle-app-test-'));
  mkdirSync(ctx.out, { recursive: true });
  Object.assign(ctx, await startNode());
  ctx.server = await serveApp({ dir: DIST });
  ctx.userData = mkdtempSync(join(tmpdir(), 'wattle-chromium-'));
  ctx.browser = await chromium.launchPersistentContext(ctx.userData, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 1000 },
  });
  // Everything the page loads must come from this machine's loopback.
  await ctx.browser.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || route.request().url().startsWith('data:')) return route.continue();
    ctx.offsite.push(route.request().url());
    return route.abort();
  });
  ctx.page = ctx.browser.pages()[0] ?? await ctx.browser.newPage();
  ctx.page.on('pageerror', (error) => ctx.pageErrors.push(String(error)));
  ctx.page.on('console', (message) => { if (message.type() === 'error') ctx.pageErrors.push(message.text()); });
});

after(async () => {
  await ctx.browser?.close().catch(() => {});
  await ctx.server?.close().catch(() => {});
  await ctx.stop?.();
  if (ctx.userData) rmSync(ctx.userData, { recursive: true, force: true, maxRetries: 5 });
  console.log(`app screenshots: ${ctx.out}`);
});

/** A slot whose gate closes at least `leadSecs` from now. */
function slotAhead(config, leadSecs) {
  let slot = Math.floor(Date.now() / 1000 / config.slotSecs) + 1;
  while (slot * config.slotSecs - config.gateClosureSecs - Date.now() / 1000 < leadSecs) slot++;
  return slot;
}

/** Fresh household registered (pending) from @polkadot/api, funded by Alice. */
async function registerFresh(api) {
  const seed = `//e2e-app-${Date.now()}`;
  const fresh = keyring.addFromUri(seed);
  const meter = keyring.addFromUri(`${seed}//meter`);
  await submit(api, api.tx.balances.transferKeepAlive(fresh.address, 50n * WTL), alice);
  await submit(api, api.tx.participants.register('Consumer', 0, meter.publicKey, 5_000), fresh);
  return fresh;
}

const shot = (name, target = ctx.page) => target.screenshot({ path: join(ctx.out, `${name}.png`), fullPage: target === ctx.page });
const planckIn = async (locator) => BigInt(await locator.getAttribute('data-planck'));

async function openApp(account, view) {
  const url = `${ctx.server.url}?ws=${encodeURIComponent(ctx.wsUrl)}&account=${account}#/${view}`;
  await ctx.page.goto(url);
  await ctx.page.waitForFunction(() => /^connected/.test(document.querySelector('#connection')?.textContent ?? ''), null, { timeout: 30_000 });
}

async function switchAccount(name, view) {
  await ctx.page.selectOption('#account', keyring.addFromUri(`//${name}`).address);
  await ctx.page.evaluate((v) => { window.location.hash = `#/${v}`; }, view);
}

async function placeOrderInForm(page, slot, side, kwh, priceWtlPerKwh) {
  await page.locator(`#order-slot option[value="${slot}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.selectOption('#order-slot', String(slot));
  await page.check(side === 'Buy' ? '#order-buy' : '#order-sell');
  await page.fill('#order-kwh', kwh);
  await page.fill('#order-price', priceWtlPerKwh);
}

test('a household trades and reads its bill, an operator approves, in Chromium', { timeout: 420_000 }, async () => {
  const { api } = ctx;
  const config = (await api.call.marketApi.config()).toJSON();
  const tariffs = (await api.query.participants.zones(0)).unwrap().tariffs;
  const slot = slotAhead(config, 45);
  // Meanwhile, from @polkadot/api: a counter-order from Dave, and a fresh registration.
  const [fresh] = await Promise.all([registerFresh(api), openApp('Bob', 'household'),
    submit(api, api.tx.orders.placeOrder(slot, 'Sell', 100n, 150n * MWH), dave)]);
  await orderThroughTheForm(api, slot, tariffs.gridFee.toBigInt());
  await refusedOrder(api, slot);
  await approveInOperatorView(api, fresh);
  const price = await priceOnTheChart(api, slot, config);
  await billAfterSettlement(api, slot, config, price, tariffs);
  assert.deepEqual(ctx.offsite, [], 'the page loaded nothing from outside 127.0.0.1');
  assert.deepEqual(ctx.pageErrors.filter((e) => !/WebSocket|ERR_CONNECTION/.test(e)), [], 'no errors in the page');
});

/** Bob places a bid through the form, sees its hold before signing, then it in the book. */
async function orderThroughTheForm(api, slot, gridFee) {
  const { page } = ctx;
  await placeOrderInForm(page, slot, 'Buy', '0.1', '0.25');
  assert.equal(await planckIn(page.locator('#order-hold [data-planck]')), 100n * (250n * MWH + gridFee), 'hold = energy × (price + grid fee)');
  assert.match(await page.textContent('#order-preview'), /100 Wh at 250000000 planck\/Wh/);
  await page.click('#order-submit');
  await page.locator('#order-result .ok').waitFor({ timeout: 40_000 });
  const book = page.locator(`#book article[data-slot="${slot}"]`);
  const bid = book.locator(`.bids tr[data-price="${250n * MWH}"]`);
  await bid.waitFor({ timeout: 20_000 });
  assert.equal(await bid.locator('[data-wh]').getAttribute('data-wh'), '100');
  await book.locator(`.asks tr[data-price="${150n * MWH}"]`).waitFor({ timeout: 20_000 });
  const chainBook = await api.call.marketApi.orderBook(slot, bob.address, 10);
  assert.equal(chainBook.own.length, 1, 'the chain has Bob\'s one order');
  await page.locator(`#my-orders-table tr[data-order="${chainBook.own[0].id.toString()}"]`).waitFor({ timeout: 20_000 });
}

/** An order priced above max_price is refused in the words of PriceTooHigh's docs. */
async function refusedOrder(api, slot) {
  const { page } = ctx;
  const maxPrice = (await api.call.marketApi.config()).maxPrice.toBigInt();
  await placeOrderInForm(page, slot, 'Buy', '0.05', formatUnits(maxPrice + 1n, 9));
  await page.click('#order-submit');
  await page.locator('#order-result .error').waitFor({ timeout: 40_000 });
  const docs = api.errors.orders.PriceTooHigh.meta.docs.map(String).join(' ').replace(/`/g, '').trim();
  assert.ok((await page.textContent('#order-result')).includes(docs), `the error reads "${docs}"`);
  assert.equal(await page.getAttribute('#order-result .error', 'data-error'), 'orders.PriceTooHigh');
  await shot('app-household-order');
}

/** Alice approves the fresh registration in the operator view. */
async function approveInOperatorView(api, fresh) {
  const { page } = ctx;
  await switchAccount('Alice', 'operator');
  const row = page.locator(`#households tr[data-address="${fresh.address}"][data-status="Pending"]`);
  await row.waitFor({ timeout: 30_000 });
  await shot('app-operator');
  await row.locator('button[data-action="approve"]').click();
  await page.locator(`#households tr[data-address="${fresh.address}"][data-status="Approved"]`).waitFor({ timeout: 40_000 });
  assert.equal((await api.query.participants.registry(fresh.address)).unwrap().status.toString(), 'Approved');
}

/** The slot clears: its price is on Bob's chart, as the chain has it. Returns the price. */
async function priceOnTheChart(api, slot, config) {
  const { page } = ctx;
  await switchAccount('Bob', 'household');
  const point = page.locator(`#chart-table tr[data-slot="${slot}"] td.price [data-planck-per-wh]`);
  await point.waitFor({ timeout: Math.max(10_000, (slot * config.slotSecs + 40) * 1000 - Date.now()) });
  const cleared = (await api.call.marketApi.slot(slot)).clearing;
  const price = cleared.isTraded ? cleared.asTraded.price.toBigInt() : (await api.query.settlement.slotTotalsOf(slot)).unwrap().price.toBigInt();
  assert.equal(price, 200n * MWH, 'by the rule: midway between the ask 0.15 and the bid 0.25');
  assert.equal(BigInt(await point.getAttribute('data-planck-per-wh')), price);
  assert.equal((await point.textContent()).trim(), '0.2 WTL/kWh');
  await shot('app-household-chart');
  return price;
}

/**
 * After the slot, Bob's and Dave's meters report (relayed by Alice); the slot settles and Bob's
 * bill and reading in the page carry every amount the chain holds.
 */
async function billAfterSettlement(api, slot, config, price, tariffs) {
  const { page } = ctx;
  await waitFor(async () => (await api.query.timestamp.now()).toNumber() >= (slot + 1) * config.slotSecs * 1000, 120_000, 1_000);
  const genesis = api.genesisHash.toU8a();
  await submit(api, api.tx.metering.submitReadings([
    signReading(keyring.addFromUri('//Bob//meter'), genesis, bob.address, slot, 120, 0),
    signReading(keyring.addFromUri('//Dave//meter'), genesis, dave.address, slot, 0, 100),
  ]), alice);
  const billEl = page.locator(`#my-bills article[data-slot="${slot}"]`);
  await billEl.waitFor({ timeout: Math.max(10_000, ((slot + 1) * config.slotSecs + config.meteringWindowSecs + 60) * 1000 - Date.now()) });
  await checkBill(api, billEl, slot, price, tariffs);
  const reading = page.locator(`#my-readings-table tr[data-slot="${slot}"]`);
  assert.deepEqual(await reading.locator('[data-wh]').evaluateAll((els) => els.map((e) => e.dataset.wh)), ['120', '0'], 'Bob\'s reading');
  await billEl.scrollIntoViewIfNeeded();
  await shot('app-household-bill', billEl);
  await shot('app-household');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ctx.out, 'app-household-phone.png') });
}

/** The bill as settlement stores it: settlement.bills, or the bill of settlement.positions. */
async function storedBill(api, slot, who) {
  if (api.query.settlement.bills) return (await api.query.settlement.bills(slot, who)).unwrap();
  return (await api.query.settlement.positions(slot, who)).unwrap().bill.unwrap();
}

/** Every line of Bob's bill in the page against the chain's bill (and the rule). */
async function checkBill(api, billEl, slot, price, tariffs) {
  const chain = (await api.call.marketApi.position(slot, bob.address)).bill.unwrap();
  const stored = await storedBill(api, slot, bob.address);
  assert.equal(stored.toHex(), chain.toHex(), 'MarketApi serves the stored bill');
  const rule = settleParticipant({ boughtWh: 100n, soldWh: 0n, gridFee: tariffs.gridFee.toBigInt() }, { importedWh: 120n, exportedWh: 0n }, price, {
    retailPrice: tariffs.retailPrice.toBigInt(), feedInPrice: tariffs.feedInPrice.toBigInt(), missingReadingPenalty: tariffs.missingReadingPenalty.toBigInt(),
  });
  const sign = { energyPaid: -1n, energyReceived: 1n, gridFee: -1n, imbalanceCharge: -1n, imbalanceCredit: 1n, penalty: -1n };
  for (const [key, s] of Object.entries(sign)) {
    const cell = billEl.locator(`tr[data-line="${key}"] [data-planck]`);
    const shown = await planckIn(cell);
    assert.equal(shown, s * chain[key].toBigInt(), `bill line ${key}`);
    assert.equal(chain[key].toBigInt(), rule[key], `the chain's ${key} follows the rule`);
    const text = (await cell.textContent()).trim();
    assert.equal(text.replace('−', '-').replace(/^\+/, '').replace(/,/g, ''), `${wtl(shown)} WTL`, `${key} reads exactly`);
  }
  assert.equal(await planckIn(billEl.locator('tr[data-line="net"] [data-planck]')), rule.net);
  for (const key of ['paidFromHold', 'paidFromBalance', 'debt', 'unpaidByOperator']) {
    assert.equal(await planckIn(billEl.locator(`dd[data-line="${key}"] [data-planck]`)), chain[key].toBigInt(), `bill ${key}`);
  }
  assert.equal(await billEl.locator('dd[data-line="importedWh"] [data-wh]').getAttribute('data-wh'), chain.importedWh.toString());
  assert.equal(await billEl.locator('dd[data-line="exportedWh"] [data-wh]').getAttribute('data-wh'), chain.exportedWh.toString());
  assert.equal(await billEl.locator('dd[data-line="imbalanceWh"]').getAttribute('data-wh'), chain.imbalanceWh.toString());
  assert.equal(chain.imbalanceWh.toNumber(), -20);
  assert.equal((await billEl.locator('dd[data-line="reputationChange"]').textContent()).trim(), `+${chain.reputationChange.toNumber()}`);
}
