// A whole market cycle on a --dev node, over RPC with @polkadot/api only: fresh households
// register and are approved, place crossing orders, Alice's off-chain worker clears the slot,
// signed readings are relayed, the runtime settles the slot, and every bill and balance change is
// checked to the planck against the rules computed here independently. Every admitted household
// is billed every slot, so the slots between approval and trading bill them too: silent, as if
// they had drawn their whole connection.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { clearBook, tradeOf } from '../lib/auction.mjs';
import { signReading } from '../lib/meter.mjs';
import { submit, useNode, waitFor } from '../lib/node.mjs';
import { betweenWalks, deposited, escrowAddress, ledgerBefore, slotClosingAfter, totalBalance, worthIn } from '../lib/ledger.mjs';
import { billsOf, operatorChange, settleParticipant, worthChange } from '../lib/settlement.mjs';

const { ctx, test } = useNode();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const WTL = 10n ** 12n;
const MWH = 1_000_000n; // 0.001 WTL/kWh in planck per Wh

/** Fresh households: role, their orders, and the reading their meter reports (null: none). */
const PLAN = {
  // Bought 300 Wh, drew 320: 20 Wh from the grid, within the tolerance.
  buyer: { role: 'Consumer', orders: [['Buy', 300n, 250n * MWH]], reading: [320n, 0n] },
  // Bought 100 of its 200 Wh and sent no reading: its meter counts as having drawn the whole
  // connection (1,000 Wh a minute at 60 kW) at retail, plus the penalty and a reputation loss.
  lateBuyer: { role: 'Consumer', orders: [['Buy', 200n, 220n * MWH]], reading: null },
  // Sold 400 Wh, delivered 350: 50 Wh short, at retail price.
  seller: { role: 'Producer', orders: [['Sell', 400n, 150n * MWH]], reading: [0n, 350n] },
  // No orders, spilled 40 Wh: paid at feed-in price.
  rooftop: { role: 'Prosumer', orders: [], reading: [0n, 40n] },
};

/** Calls a `market_*` RPC method; its JSON carries amounts of planck as decimal strings. */
const rpc = (api, method, ...params) => api._rpcCore.provider.send(`market_${method}`, params);

test('a slot goes from orders to settled bills, every planck accounted for', async () => {
  const { api } = ctx;
  const alice = keyring.addFromUri('//Alice');
  const run = `//e2e-cycle-${Date.now()}`;
  const households = Object.fromEntries(Object.entries(PLAN).map(([name, plan]) => [name, {
    ...plan,
    pair: keyring.addFromUri(`${run}-${name}`),
    meter: keyring.addFromUri(`${run}-${name}//meter`),
  }]));
  const all = Object.values(households);

  // Admission: Alice funds the households, they register, Alice (zone 0's operator) approves.
  let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(all.map((h) => submit(api, api.tx.balances.transferKeepAlive(h.pair.address, 100n * WTL), alice, { nonce: nonce++ })));
  await Promise.all(all.map((h) => submit(api, api.tx.participants.register(h.role, 0, h.meter.publicKey, 60_000), h.pair)));
  nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(all.map((h) => submit(api, api.tx.participants.approve(h.pair.address), alice, { nonce: nonce++ })));
  for (const h of all) {
    const record = (await api.query.participants.registry(h.pair.address)).unwrap();
    assert.equal(record.status.toString(), 'Approved');
  }

  // Quotation: a slot whose gate closes at least 25 s from now.
  const { slot, slotSecs, windowSecs } = await slotClosingAfter(api, 25);
  const placed = (await Promise.all(all.map(async (h) => {
    const orders = [];
    for (const [side, energyWh, price] of h.orders) {
      const { events } = await submit(api, api.tx.orders.placeOrder(slot, side, energyWh, price), h.pair);
      const event = events.map(({ event }) => event).find((e) => api.events.orders.OrderPlaced.is(e));
      orders.push({ id: event.data.id.toBigInt(), side, energyWh, price, who: h.pair.address });
    }
    return orders;
  }))).flat();
  const expected = clearBook(placed);
  assert.equal(expected.volumeWh, 400n, 'by hand: 300 Wh to the buyer, 100 to the late buyer');
  assert.equal(expected.price, 220n * MWH, 'by hand: lo = hi = 0.22, the late buyer\'s price');

  // The book as clients see it: depth by price level and the caller's own orders.
  const buyer = households.buyer.pair.address;
  const book = await rpc(api, 'orderBook', Number(slot), buyer, 10);
  assert.deepEqual(book.bids.map((l) => [l.price, l.energyWh, l.orders]), [['250000000', 300, 1], ['220000000', 200, 1]]);
  assert.deepEqual(book.asks.map((l) => [l.price, l.energyWh]), [['150000000', 400]]);
  assert.equal(book.own.length, 1);
  assert.equal(BigInt(book.own[0].held), 300n * (250n * MWH + (await api.query.participants.zones(0)).unwrap().tariffs.gridFee.toBigInt()));
  const viaApi = await api.call.marketApi.orderBook(slot, buyer, 10);
  assert.equal(viaApi.bids.length, 2, 'the runtime API gives the same book');
  assert.equal(viaApi.own[0].id.toBigInt(), BigInt(book.own[0].id));
  const status = await rpc(api, 'status');
  assert.ok(status.currentSlot < Number(slot) && status.firstOpenSlot <= Number(slot));
  assert.equal((await rpc(api, 'slot', Number(slot))).phase, 'Open');
  assert.equal((await rpc(api, 'config')).slotSecs, Number(slotSecs));

  // From here on the households send nothing: their balances, with what they deposited in the
  // escrow, change only by settlement.
  const everyone = [...all.map((h) => h.pair.address), alice.address];
  const worth = (at, a) => worthIn(at, slot, a);
  // Slots from `firstSettledSlot` to `slot` are settled while the test waits.
  const { worth: before, escrow: escrowBefore, deposits: depositsBefore, firstSettledSlot } = await ledgerBefore(api, slot, everyone);

  // Matching and contract: the off-chain worker's result, checked against the rule.
  let outcome;
  await waitFor(async () => (outcome = await api.query.clearing.outcomes(slot)).isSome, 120_000, 1_000);
  const trade = tradeOf(outcome.unwrap());
  assert.equal(trade.price, expected.price);
  assert.equal(trade.volumeWh, expected.volumeWh);
  const clearing = await rpc(api, 'clearing', Number(slot), 0);
  assert.deepEqual(clearing.clearing, { traded: { price: String(expected.price), volumeWh: Number(expected.volumeWh) } });
  for (const order of placed) {
    const fill = clearing.fills.find((f) => BigInt(f.id) === order.id);
    assert.equal(BigInt(fill.fillWh), expected.fills.get(order.id), `RPC fill of order ${order.id}`);
    assert.equal(fill.owner, order.who);
  }
  const clearingViaApi = await api.call.marketApi.clearing(slot, 0);
  assert.ok(clearingViaApi.clearing.isTraded);
  assert.equal(clearingViaApi.clearing.asTraded.price.toBigInt(), expected.price);

  // Metering: once the slot is over, Alice relays the meters' signed readings, fee-less.
  const slotEndMs = Number((slot + 1n) * slotSecs) * 1000;
  await waitFor(async () => (await api.query.timestamp.now()).toNumber() >= slotEndMs, 150_000, 1_000);
  const genesisHash = api.genesisHash.toU8a();
  const readings = all.filter((h) => h.reading).map((h) => signReading(h.meter, genesisHash, h.pair.address, slot, h.reading[0], h.reading[1]));
  const relay = await submit(api, api.tx.metering.submitReadings(readings), alice);
  const recorded = relay.events.filter(({ event }) => api.events.metering.ReadingRecorded.is(event));
  assert.equal(recorded.length, readings.length, 'every reading is recorded');
  // Alice's balance moves with every bill of her zone, so the fee is read from the relay's own
  // events rather than from her balance.
  const fees = relay.events.filter(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
  assert.ok(fees.every(({ event }) => event.data.actualFee.toBigInt() === 0n), 'a fully accepted batch is free');
  assert.deepEqual((await rpc(api, 'position', Number(slot), buyer)).reading, [320, 0]);

  // Settlement: after the metering window, on_idle settles the slot.
  const settledBy = Number((slot + 1n) * slotSecs + windowSecs) * 1000 + 60_000;
  await waitFor(async () => {
    const next = await api.query.settlement.nextSlotToSettle();
    return next.isSome && next.unwrap().toBigInt() > slot;
  }, Math.max(settledBy - Date.now(), 10_000), 1_000);
  const settled = await betweenWalks(api);
  assert.equal((await settled.query.settlement.nextSlotToSettle()).unwrap().toBigInt(), slot + 1n, 'no later slot settled yet');
  const billsBySlot = new Map();
  for (let k = firstSettledSlot; k <= slot; k++) billsBySlot.set(k, await billsOf(settled, k));

  const tariffs = (await api.query.participants.zones(0)).unwrap().tariffs;
  const rates = {
    retailPrice: tariffs.retailPrice.toBigInt(),
    feedInPrice: tariffs.feedInPrice.toBigInt(),
    missingReadingPenalty: tariffs.missingReadingPenalty.toBigInt(),
  };
  const gridFee = tariffs.gridFee.toBigInt();
  const capacityWh = 60_000n * slotSecs / 3600n;
  for (const h of all) {
    const address = h.pair.address;
    const own = placed.filter((o) => o.who === address);
    const boughtWh = own.filter((o) => o.side === 'Buy').reduce((s, o) => s + expected.fills.get(o.id), 0n);
    const soldWh = own.filter((o) => o.side === 'Sell').reduce((s, o) => s + expected.fills.get(o.id), 0n);
    const position = boughtWh + soldWh > 0n ? { boughtWh, soldWh, gridFee } : null;
    const reading = h.reading ? { importedWh: h.reading[0], exportedWh: h.reading[1] } : null;
    const rule = settleParticipant(position, reading, expected.price, rates, capacityWh);
    // Approved before `slot`: the slots in between bill it as silent, its whole connection.
    let earlier = 0n;
    for (let k = firstSettledSlot; k < slot; k++) {
      const silent = billsBySlot.get(k).get(address);
      if (!silent) continue;
      const substitute = settleParticipant(null, null, 0n, rates, capacityWh);
      assert.equal(silent.imbalanceCharge.toBigInt(), substitute.imbalanceCharge, `${h.role}'s silent slot ${k}`);
      assert.equal(silent.penalty.toBigInt(), substitute.penalty);
      assert.ok(silent.readingMissing.isTrue && silent.reputationChange.toNumber() === 0);
      earlier += worthChange(silent);
    }

    const bill = (await api.call.marketApi.position(slot, address)).bill.unwrap();
    const billJson = (await rpc(api, 'position', Number(slot), address)).bill;
    assert.equal(billJson.energyPaid, String(rule.energyPaid), 'the RPC serves the same bill');
    assert.equal(billJson.imbalanceCharge, String(rule.imbalanceCharge));
    assert.equal(bill.boughtWh.toBigInt(), boughtWh, `${h.role} bought`);
    assert.equal(bill.soldWh.toBigInt(), soldWh, `${h.role} sold`);
    for (const field of ['energyPaid', 'energyReceived', 'gridFee', 'imbalanceCharge', 'imbalanceCredit', 'penalty']) {
      assert.equal(bill[field].toBigInt(), rule[field], `${h.role}'s ${field}`);
    }
    assert.equal(bill.imbalanceWh.toBigInt(), rule.imbalanceWh, `${h.role}'s imbalance`);
    assert.equal(bill.readingMissing.isTrue, rule.readingMissing);
    assert.equal(bill.debt.toBigInt(), 0n, 'funded households pay everything');
    assert.equal(bill.importedWh.toBigInt(), rule.importedWh, `${h.role}'s metered import`);
    const change = (await worth(settled, address)) - before.get(address);
    assert.equal(change, earlier + rule.net, `${h.role}'s balance changed by exactly its bills`);
    const account = await settled.query.system.account(address);
    const deposit = api.consts.participants.registrationDeposit.toBigInt();
    assert.equal(account.data.reserved.toBigInt(), deposit, `${h.role}: only the registration is held`);
    assert.equal(await deposited(settled, slot, address), 0n, `${h.role}: the escrow paid its deposit back`);
  }
  // Alice operates the zone: every bill of every household in those slots, fresh or dev, went
  // through her balance.
  let operatorExpected = 0n;
  for (const bills of billsBySlot.values()) for (const bill of bills.values()) operatorExpected += operatorChange(bill);
  const aliceChange = (await totalBalance(settled, alice.address)) - before.get(alice.address);
  assert.equal(aliceChange, operatorExpected, 'the zone operator got the fees and charges, less the credits');

  // Credit evaluation, and a settled slot leaves nothing behind.
  const reputation = async (h) => (await api.query.participants.registry(h.pair.address)).unwrap().reputation.toNumber();
  assert.equal(await reputation(households.buyer), 501, 'within the tolerance');
  assert.equal(await reputation(households.lateBuyer), 450, 'missing reading');
  assert.equal(await reputation(households.seller), 490, 'imbalance beyond the tolerance');
  assert.equal(await reputation(households.rooftop), 500, 'no contract, no breach');
  assert.ok((await api.query.clearing.outcomes(slot)).isSome, 'the outcome stays with the bills it explains');
  assert.equal((await api.query.orders.books(slot)).placed.toNumber(), 0, 'the book is pruned');
  assert.equal((await api.query.orders.slotBook(slot, 0)).length, 0, 'its page is gone');
  for (const h of all) {
    const record = (await api.query.settlement.positions(slot, h.pair.address)).unwrap();
    assert.ok(record.bill.isSome, 'each household\'s record holds its bill');
    assert.equal(record.reading.isSome, h.reading !== null, 'and the reading it was settled on');
  }
  const escrow = await totalBalance(settled, escrowAddress());
  assert.equal(escrow, escrowBefore - depositsBefore, 'the escrow paid out what the slot deposited, no more');
  const totals = (await api.query.settlement.slotTotalsOf(slot)).unwrap();
  assert.equal(totals.volumeWh.toBigInt(), 400n);
  // The four fresh households and the five dev households of the genesis, all billed.
  const billed = billsBySlot.get(slot);
  assert.ok(all.every((h) => billed.has(h.pair.address)));
  assert.equal(billed.size, 9);
  assert.equal(totals.participants.toNumber(), billed.size);
  const settlement = await rpc(api, 'settlement', Number(slot));
  assert.equal(settlement.settled, true);
  assert.equal(settlement.totals.volumeWh, 400);
  assert.equal(settlement.totals.gridFees, String(400n * gridFee));
  assert.equal((await api.call.marketApi.settlement(slot)).totals.unwrap().participants.toNumber(), billed.size);
  const slotJson = await rpc(api, 'slot', Number(slot));
  assert.deepEqual([slotJson.settled, slotJson.clearing.traded.price], [true, String(expected.price)]);
  const slotViaApi = await api.call.marketApi.slot(slot);
  assert.ok(slotViaApi.settled.isTrue && slotViaApi.clearing.isTraded && slotViaApi.phase.isSettlement);
  const seller = await rpc(api, 'participant', households.seller.pair.address);
  assert.deepEqual([seller.role, seller.status, seller.reputation, seller.debt], ['Producer', 'Approved', 490, '0']);
  assert.equal((await api.call.marketApi.participant(households.seller.pair.address)).unwrap().reputation.toNumber(), 490);
});
