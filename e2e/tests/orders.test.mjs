// Step 2 over RPC: orders are placed and cancelled, and their deposits move in and out of the
// market's escrow to the planck.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { submit, useNode } from '../lib/node.mjs';
import { worthChange } from '../lib/settlement.mjs';

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

async function free(api, who) {
  return (await api.query.system.account(who)).data.free.toBigInt();
}

/**
 * What the bills settled in block `hash` moved on `who`'s free balance: Bob is billed every
 * slot, and a walk may settle one of his silent slots in the very block of a call.
 */
async function billedIn(api, hash, who) {
  const at = await api.at(hash);
  let moved = 0n;
  for (const { event } of await at.query.system.events()) {
    if (!api.events.settlement.Settled.is(event) || event.data.who.toString() !== who) continue;
    const record = (await at.query.settlement.positions(event.data.slot, who)).unwrap();
    moved += worthChange(record.bill.unwrap()) + record.deposit.toBigInt();
  }
  return moved;
}

/** What `who`'s orders of `slot` have deposited in the escrow. */
async function deposited(api, slot, who) {
  const record = await api.query.settlement.positions(slot, who);
  return record.isNone ? 0n : record.unwrap().deposit.toBigInt();
}

test('the dev market configuration is readable from the chain', async () => {
  const config = await ctx.api.query.orders.configuration();
  assert.equal(config.slotSecs.toNumber(), 60);
  assert.equal(config.gateClosureSecs.toNumber(), 20);
  assert.ok(config.maxPrice.toBigInt() > 0n);
});

test('a bid deposits energy times price plus grid fee, and cancelling pays it back exactly', async () => {
  const { api } = ctx;
  const bob = keyring.addFromUri('//Bob');
  const gridFee = (await api.query.participants.zones(0)).unwrap().tariffs.gridFee.toBigInt();
  const slot = await openSlot(api);
  const deposit = 50n * (PRICE + gridFee);

  const placed = await submit(api, api.tx.orders.placeOrder(slot, 'Buy', 50, PRICE), bob);
  const event = placed.events.map(({ event }) => event).find((e) => api.events.orders.OrderPlaced.is(e));
  assert.ok(event, 'OrderPlaced is emitted');
  const { id, held } = event.data;
  assert.equal(held.toBigInt(), deposit);
  assert.equal(await deposited(api, slot, bob.address), deposit);
  // The id is the slot and the order's place in it.
  assert.equal(id.toBigInt() >> 20n, slot);

  const record = (await api.query.settlement.positions(slot, bob.address)).unwrap();
  assert.ok(record.orders.some((order) => order.id.eq(id)), 'the order is in Bob\'s record');
  const page = await api.query.orders.slotBook(slot, Number((id.toBigInt() & 0xfffffn) / 512n));
  const line = page.find((entry) => entry.order.id.eq(id));
  assert.equal(line.owner.toString(), bob.address, 'the order is listed in its slot book');

  const cancelled = await submit(api, api.tx.orders.cancelOrder(id), bob);
  const fee = cancelled.events.map(({ event }) => event)
    .find((e) => api.events.transactionPayment.TransactionFeePaid.is(e)).data.actualFee.toBigInt();
  assert.ok(cancelled.events.some(({ event }) => api.events.orders.OrderCancelled.is(event)));
  const { parentHash } = await api.rpc.chain.getHeader(cancelled.blockHash);
  const freeBefore = await free(await api.at(parentHash), bob.address);
  const freeAfter = await free(await api.at(cancelled.blockHash), bob.address);
  const billed = await billedIn(api, cancelled.blockHash, bob.address);
  assert.equal(freeAfter, freeBefore + deposit - fee + billed, 'the deposit came back whole');
  assert.equal(await deposited(api, slot, bob.address), 0n);
  // The cancelled order stays in Bob's record with no energy, so that it keeps counting against
  // his orders in the slot (placing and cancelling cannot use up the slot's shared order count).
  const after = (await api.query.settlement.positions(slot, bob.address)).unwrap();
  const kept = after.orders.find((order) => order.id.eq(id));
  assert.ok(kept, 'the cancelled order still counts in Bob\'s record');
  assert.equal(kept.energyWh.toNumber(), 0, 'and has no energy left');
});

test('a consumer cannot sell: RoleCannotSell, and nothing is deposited', async () => {
  const { api } = ctx;
  const charlie = keyring.addFromUri('//Charlie');
  const slot = await openSlot(api);
  await assert.rejects(
    submit(api, api.tx.orders.placeOrder(slot, 'Sell', 10, PRICE), charlie),
    (error) => error.message.startsWith('orders.RoleCannotSell'),
  );
  assert.equal(await deposited(api, slot, charlie.address), 0n);
});

test('a day-ahead profile goes in one placeOrders call', async () => {
  const { api } = ctx;
  const eve = keyring.addFromUri('//Eve');
  const first = await openSlot(api);
  const profile = [0n, 1n, 2n, 3n].map((k) => ({ slot: first + k, side: k % 2n ? 'Sell' : 'Buy', energyWh: 10n + k, price: PRICE }));
  const { events } = await submit(api, api.tx.orders.placeOrders(profile), eve);
  const placed = events.filter(({ event }) => api.events.orders.OrderPlaced.is(event));
  assert.equal(placed.length, 4);
  for (const spec of profile) {
    const record = (await api.query.settlement.positions(spec.slot, eve.address)).unwrap();
    assert.equal(record.orders[0].energyWh.toBigInt(), spec.energyWh);
  }
});
