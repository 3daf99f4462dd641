// Step 2 over RPC: orders are placed and cancelled, and their holds move to the planck.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { submit, useNode } from '../lib/node.mjs';

const { ctx, test } = useNode();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const PRICE = 200_000_000n; // 0.2 WTL/kWh in planck per Wh

async function openSlot(api) {
  const config = await api.query.orders.configuration();
  // Blocks carry wall-clock timestamps; the genesis state's timestamp is 0, so use the clock.
  const now = BigInt(Math.floor(Date.now() / 1000));
  // Three slots ahead is well before gate closure whatever the second within the current slot.
  return now / config.slotSecs.toBigInt() + 3n;
}

async function reserved(api, who) {
  return (await api.query.system.account(who)).data.reserved.toBigInt();
}

test('the dev market configuration is readable from the chain', async () => {
  const config = await ctx.api.query.orders.configuration();
  assert.equal(config.slotSecs.toNumber(), 60);
  assert.equal(config.gateClosureSecs.toNumber(), 20);
  assert.ok(config.maxPrice.toBigInt() > 0n);
});

test('a bid holds energy times price plus grid fee, and cancelling releases it exactly', async () => {
  const { api } = ctx;
  const bob = keyring.addFromUri('//Bob');
  const gridFee = (await api.query.participants.zones(0)).unwrap().tariffs.gridFee.toBigInt();
  const slot = await openSlot(api);
  const before = await reserved(api, bob.address);

  const placed = await submit(api, api.tx.orders.placeOrder(slot, 'Buy', 50, PRICE), bob);
  const event = placed.events.map(({ event }) => event).find((e) => api.events.orders.OrderPlaced.is(e));
  assert.ok(event, 'OrderPlaced is emitted');
  const { id, held } = event.data;
  assert.equal(held.toBigInt(), 50n * (PRICE + gridFee));
  assert.equal(await reserved(api, bob.address), before + 50n * (PRICE + gridFee));

  const order = (await api.query.orders.openOrders(id)).unwrap();
  assert.equal(order.owner.toString(), bob.address);
  assert.equal(order.slot.toBigInt(), slot);
  const page = await api.query.orders.slotBook(slot, order.page);
  assert.ok(page.some((entry) => entry.id.eq(id)), 'the order is listed in its slot book');

  const cancelled = await submit(api, api.tx.orders.cancelOrder(id), bob);
  assert.ok(cancelled.events.some(({ event }) => api.events.orders.OrderCancelled.is(event)));
  assert.equal(await reserved(api, bob.address), before);
  assert.ok((await api.query.orders.openOrders(id)).isNone);
});

test('a consumer cannot sell: RoleCannotSell, and nothing is held', async () => {
  const { api } = ctx;
  const charlie = keyring.addFromUri('//Charlie');
  const before = await reserved(api, charlie.address);
  await assert.rejects(
    submit(api, api.tx.orders.placeOrder(await openSlot(api), 'Sell', 10, PRICE), charlie),
    (error) => error.message.startsWith('orders.RoleCannotSell'),
  );
  assert.equal(await reserved(api, charlie.address), before);
});
