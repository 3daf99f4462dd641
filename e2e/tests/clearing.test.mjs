// Steps 3 and 4 on a --dev node: orders placed over RPC are cleared by Alice's off-chain worker
// alone within the clearing window; the price, the volume and every fill match the rule computed
// here independently; the deposits stay in the escrow until settlement.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { clearBook, tradeOf } from '../lib/auction.mjs';
import { findEvent } from '../lib/blocks.mjs';
import { slotClosingAfter } from '../lib/ledger.mjs';
import { submit, useNode, waitFor } from '../lib/node.mjs';

const { ctx, test } = useNode();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const MWH = 1_000_000n; // 0.001 WTL/kWh in planck per Wh

test('the off-chain worker clears a slot at gate closure and the fills follow the rule', async () => {
  const { api } = ctx;
  const { slot, slotSecs } = await slotClosingAfter(api, 25);
  const book = [
    ['//Bob', 'Buy', 100n, 250n * MWH],
    ['//Ferdie', 'Buy', 80n, 200n * MWH],
    ['//Dave', 'Sell', 120n, 100n * MWH],
    ['//Eve', 'Sell', 100n, 220n * MWH],
  ];
  // Four different signers: the orders go out together and land in the same block or two, well
  // before gate closure.
  const placed = await Promise.all(book.map(async ([uri, side, energyWh, price]) => {
    const who = keyring.addFromUri(uri);
    const { events } = await submit(api, api.tx.orders.placeOrder(slot, side, energyWh, price), who);
    const event = events.map(({ event }) => event).find((e) => api.events.orders.OrderPlaced.is(e));
    return { id: event.data.id.toBigInt(), side, energyWh, price, who: who.address };
  }));
  const expected = clearBook(placed);
  // By hand: Bob takes 100 Wh of Dave's, Ferdie the other 20; Eve (0.22) is above Ferdie (0.20).
  // lo = max(0.10, 0.20), hi = min(0.25, 0.20, 0.22): the price is 0.20, Ferdie the marginal bid.
  assert.equal(expected.volumeWh, 120n);
  assert.equal(expected.price, 200n * MWH);

  // Wait for the result, which must come from the clearing authority, before the slot starts.
  let outcome;
  await waitFor(async () => {
    outcome = await api.query.clearing.outcomes(slot);
    return outcome.isSome;
  }, 120_000, 1_000);
  const nowSecs = Date.now() / 1000;
  assert.ok(nowSecs < Number(slot * slotSecs) + 6, 'cleared before delivery (within a block of the start)');
  const trade = tradeOf(outcome.unwrap());
  assert.ok(trade, 'the book crossed');
  assert.equal(trade.price, expected.price);
  assert.equal(trade.volumeWh, expected.volumeWh);
  assert.ok(trade.zones.every((zone) => zone.price === expected.price), 'one zone, one price');

  const cleared = await findEvent(api, (e) => api.events.clearing.SlotCleared.is(e) && e.data.slot.toBigInt() === slot);
  assert.ok(cleared, 'SlotCleared was emitted');
  assert.ok(cleared.data.by.isAuthority, `cleared by the off-chain worker, not ${cleared.data.by.type}`);
  assert.equal(cleared.data.price.toBigInt(), expected.price);

  // Contracts: every order's fill follows from the result; the runtime API serves each one, and
  // each household's deposit stays in the escrow until its slot is settled.
  const gridFee = (await api.query.participants.zones(0)).unwrap().tariffs.gridFee.toBigInt();
  const collateral = (await api.query.participants.zones(0)).unwrap().tariffs.sellerCollateral.toBigInt();
  const view = await api.call.marketApi.clearing(slot, 0);
  for (const order of placed) {
    const fill = view.fills.find((f) => f.id.toBigInt() === order.id);
    assert.equal(fill.fillWh.toBigInt(), expected.fills.get(order.id), `fill of order ${order.id}`);
    assert.equal(fill.owner.unwrap().toString(), order.who);
    const own = (await api.call.marketApi.position(slot, order.who)).orders.find((o) => o.id.toBigInt() === order.id);
    assert.equal(own.clearedWh.unwrap().toBigInt(), expected.fills.get(order.id));
    const deposit = order.side === 'Buy' ? order.energyWh * (order.price + gridFee) : order.energyWh * collateral;
    const record = (await api.query.settlement.positions(slot, order.who)).unwrap();
    assert.equal(record.deposit.toBigInt(), deposit, `deposit of ${order.who}`);
  }
});
