// Step 5 at grid level on a --dev node: the suburb (zone 1, operated by //Wattle//suburb) sells
// cheap PV to the town (zone 0, Alice's) through a link its operator limits to 60 Wh for one
// slot. The off-chain worker's result splits the market: the suburb at its own price, the town
// at the hub's. Polkadot-JS and the `market_*` RPC show the zones' prices and flows, and
// settlement pays each zone its price and the congestion rent to the suburb's operator, every
// planck accounted for. Once cleared, the suburb's link fails to half its cap for the slot: its
// operator curtails it, the suburb's seller keeps its share of the contracts, the town's stand, and
// the operator is paid the hub price for the energy it supplies at the hub instead. The book is the crate's worked example (x10 Wh, prices in
// 0.1 WTL/kWh), whose prices the LP oracle of `pallets/double-auction/tests/lp_oracle.rs`
// confirms as the welfare optimum's duals.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { tradeOf } from '../lib/auction.mjs';
import { findEvent } from '../lib/blocks.mjs';
import { betweenWalks, escrowAddress, ledgerBefore, slotClosingAfter, totalBalance, worthIn } from '../lib/ledger.mjs';
import { signReading } from '../lib/meter.mjs';
import { submit, useNode, waitFor } from '../lib/node.mjs';
import { billsOf, operatorChange, worthChange } from '../lib/settlement.mjs';

const { ctx, test } = useNode();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const WTL = 10n ** 12n;
const DWH = 100_000_000n; // 0.1 WTL/kWh in planck per Wh
const TOWN = 0;
const SUBURB = 1;
/** What the suburb's failing link still carries out of the zone, Wh (it cleared 60). */
const CUT_EXPORT_WH = 30n;

/** The households and their orders (`placed` below keeps this order). */
const PLAN = [
  { name: 'sunny', zone: SUBURB, role: 'Prosumer', orders: [['Sell', 100n, 2n * DWH], ['Sell', 100n, 4n * DWH]], reading: [0n, 70n] },
  { name: 'neighbour', zone: SUBURB, role: 'Consumer', orders: [['Buy', 40n, 3n * DWH]], reading: [40n, 0n] },
  { name: 'factory', zone: TOWN, role: 'Consumer', orders: [['Buy', 200n, 8n * DWH]], reading: [160n, 0n] },
  { name: 'plant', zone: TOWN, role: 'Producer', orders: [['Sell', 100n, 7n * DWH]], reading: [0n, 100n] },
];

/** Calls a `market_*` RPC method; its JSON carries amounts of planck as decimal strings. */
const rpc = (api, method, ...params) => api._rpcCore.provider.send(`market_${method}`, params);

test('a congested link splits a slot into zone prices that settle to the planck', async () => {
  const { api } = ctx;
  const alice = keyring.addFromUri('//Alice');
  const suburb = keyring.addFromUri('//Wattle//suburb');
  const run = `//e2e-zones-${Date.now()}`;
  const households = PLAN.map((plan) => ({
    ...plan,
    pair: keyring.addFromUri(`${run}-${plan.name}`),
    meter: keyring.addFromUri(`${run}-${plan.name}//meter`),
  }));
  const operatorOf = (zone) => (zone === SUBURB ? suburb : alice);

  // The dev preset's suburb: its own operator, a tight link by default.
  const links = await api.query.participants.links();
  assert.deepEqual(links.map((link) => link.zone.toNumber()), [TOWN, SUBURB]);
  assert.equal(links[1].exportCapWh.toNumber(), 150);
  assert.equal((await api.query.participants.zones(SUBURB)).unwrap().operator.toString(), suburb.address);

  // Admission: funded by Alice, registered in their zones with 60 kW connections (1 kWh a
  // one-minute slot), approved by their zone's operator.
  let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(households.map((h) => submit(api, api.tx.balances.transferKeepAlive(h.pair.address, 100n * WTL), alice, { nonce: nonce++ })));
  await Promise.all(households.map((h) => submit(api, api.tx.participants.register(h.role, h.zone, h.meter.publicKey, 60_000), h.pair)));
  for (const zone of [TOWN, SUBURB]) {
    const operator = operatorOf(zone);
    let next = (await api.rpc.system.accountNextIndex(operator.address)).toNumber();
    await Promise.all(households.filter((h) => h.zone === zone)
      .map((h) => submit(api, api.tx.participants.approve(h.pair.address), operator, { nonce: next++ })));
  }

  // Quotation, and the suburb's operator limits its link for this slot alone. Everything is
  // sent at once with explicit nonces, so the quotation takes one block however loaded the
  // machine is (placed one by one, seven blocks could run past the gate). No two orders share a
  // price, so their ids' order does not matter to the result.
  const { slot, slotSecs, windowSecs } = await slotClosingAfter(api, 40);
  let suburbNonce = (await api.rpc.system.accountNextIndex(suburb.address)).toNumber();
  const aboveDefault = assert.rejects(
    submit(api, api.tx.participants.limitLink(slot, 151, 0), suburb, { nonce: suburbNonce++ }),
    /participants\.AboveDefaultCaps/,
  );
  const limited = submit(api, api.tx.participants.limitLink(slot, 60, 60), suburb, { nonce: suburbNonce++ });
  const nonces = await Promise.all(households.map(async (h) => (await api.rpc.system.accountNextIndex(h.pair.address)).toNumber()));
  const placing = households.flatMap((h, i) => h.orders.map(async ([side, energyWh, price], k) => {
    const nonce = nonces[i] + k;
    const { events } = await submit(api, api.tx.orders.placeOrder(slot, side, energyWh, price), h.pair, { nonce });
    const event = events.map(({ event }) => event).find((e) => api.events.orders.OrderPlaced.is(e));
    return { id: event.data.id.toBigInt(), side, energyWh, price, who: h.pair.address, zone: h.zone, rank: i * 10 + k };
  }));
  await Promise.all([aboveDefault, limited]);
  const placed = (await Promise.all(placing)).sort((a, b) => a.rank - b.rank);
  const before = await rpc(api, 'zones', Number(slot));
  assert.deepEqual(before.zones.map((z) => [z.zone, z.exportCapWh, z.importCapWh, z.price]), [[TOWN, null, null, null], [SUBURB, 60, 60, null]]);

  // Matching: the suburb exports its cap, 60 Wh; as one market it would export 200.
  let outcome;
  await waitFor(async () => (outcome = await api.query.clearing.outcomes(slot)).isSome, 120_000, 1_000);
  const trade = tradeOf(outcome.unwrap());
  const [town, sub] = trade.zones;

  // The link fails before the slot ends: the operator cuts its export to 30 Wh. A cut above the
  // cleared flow cuts nothing and is refused.
  let cutNonce = (await api.rpc.system.accountNextIndex(suburb.address)).toNumber();
  const cutsNothing = assert.rejects(
    submit(api, api.tx.settlement.curtailLink(slot, SUBURB, 60, 60), suburb, { nonce: cutNonce++ }),
    /settlement\.NothingToCurtail/,
  );
  const cut = await submit(api, api.tx.settlement.curtailLink(slot, SUBURB, CUT_EXPORT_WH, 60), suburb, { nonce: cutNonce++ });
  await cutsNothing;
  const curtailed = cut.events.map(({ event }) => event).find((e) => api.events.settlement.LinkCurtailed.is(e));
  assert.deepEqual([curtailed.data.side.toString(), curtailed.data.shedWh.toBigInt(), curtailed.data.paidNow.toBigInt()], ['Sell', 30n, 0n]);

  // From here on the households and operators send nothing that costs a fee (the cut's fees are
  // paid): their worth changes only by settlement.
  const everyone = [...households.map((h) => h.pair.address), alice.address, suburb.address];
  const worth = (at, a) => worthIn(at, slot, a);
  const { worth: worthBefore, escrow: escrowBefore, deposits: depositsBefore, firstSettledSlot } = await ledgerBefore(api, slot, everyone);
  assert.equal(trade.price, 8n * DWH, 'the hub at the town\'s price: its bid at 0.8 is left short');
  assert.deepEqual([town.price, town.boughtWh, town.soldWh], [8n * DWH, 160n, 100n]);
  // The suburb's fills allow [0.2, 0.3]: its price is the midpoint, 0.25 (in the crate's unscaled
  // example, [2, 3] rounds down to 2).
  const suburbPrice = 25n * DWH / 10n;
  assert.deepEqual([sub.price, sub.boughtWh, sub.soldWh], [suburbPrice, 40n, 100n], 'the suburb split from the hub');
  // The rent is paid on the 30 Wh the link still carries; the other 30 the operator supplies at
  // the hub, paid at the hub price.
  const rent = (8n * DWH - suburbPrice) * CUT_EXPORT_WH;
  const hubSupply = 8n * DWH * (60n - CUT_EXPORT_WH);
  const zones = await rpc(api, 'zones', Number(slot));
  assert.equal(zones.hubPrice, String(8n * DWH));
  assert.equal(zones.congestionRent, String(rent));
  assert.deepEqual(zones.zones.map((z) => [z.zone, z.price, z.netExportWh, z.congestionRent, z.curtailedCapsWh, z.shedWh]),
    [[TOWN, String(8n * DWH), -60, '0', null, 0], [SUBURB, String(suburbPrice), 60, String(rent), [30, 60], 30]]);
  const viaApi = await api.call.marketApi.zones(slot);
  assert.equal(viaApi.zones[1].price.unwrap().toBigInt(), suburbPrice, 'Polkadot-JS decodes the zones from the metadata');
  const fills = new Map((await rpc(api, 'clearing', Number(slot), 0)).fills.map((f) => [BigInt(f.id), BigInt(f.fillWh)]));
  assert.deepEqual(placed.map((o) => fills.get(o.id)), [100n, 0n, 40n, 160n, 100n]);
  // Sunny, the suburb's one seller, keeps all that the cut leaves of the suburb's sales.
  const soldAfterCut = new Map([[households[0].pair.address, 100n - (60n - CUT_EXPORT_WH)]]);

  // Metering: each zone's operator relays its meters' readings, fee-less.
  await waitFor(async () => (await api.query.timestamp.now()).toNumber() >= Number((slot + 1n) * slotSecs) * 1000, 150_000, 1_000);
  for (const zone of [TOWN, SUBURB]) {
    const readings = households.filter((h) => h.zone === zone)
      .map((h) => signReading(h.meter, api.genesisHash.toU8a(), h.pair.address, slot, h.reading[0], h.reading[1]));
    const relay = await submit(api, api.tx.metering.submitReadings(readings), operatorOf(zone));
    assert.equal(relay.events.filter(({ event }) => api.events.metering.ReadingRecorded.is(event)).length, readings.length);
  }

  // Settlement: each zone's price, and the rent to the suburb's operator.
  const settledBy = Number((slot + 1n) * slotSecs + windowSecs) * 1000 + 60_000;
  await waitFor(async () => {
    const next = await api.query.settlement.nextSlotToSettle();
    return next.isSome && next.unwrap().toBigInt() > slot;
  }, Math.max(settledBy - Date.now(), 10_000), 1_000);
  const settled = await betweenWalks(api);
  assert.equal((await settled.query.settlement.nextSlotToSettle()).unwrap().toBigInt(), slot + 1n, 'no later slot settled yet');
  const billsBySlot = new Map();
  for (let k = firstSettledSlot; k <= slot; k++) billsBySlot.set(k, await billsOf(settled, k));
  const gridFee = (await api.query.participants.zones(TOWN)).unwrap().tariffs.gridFee.toBigInt();
  for (const h of households) {
    const bill = billsBySlot.get(slot).get(h.pair.address);
    const own = placed.filter((o) => o.who === h.pair.address);
    const boughtWh = own.filter((o) => o.side === 'Buy').reduce((s, o) => s + fills.get(o.id), 0n);
    const soldWh = soldAfterCut.get(h.pair.address) ?? own.filter((o) => o.side === 'Sell').reduce((s, o) => s + fills.get(o.id), 0n);
    const price = h.zone === SUBURB ? sub.price : town.price;
    assert.equal(bill.price.toBigInt(), price, `${h.name} settles at its zone's price`);
    assert.deepEqual([bill.boughtWh.toBigInt(), bill.soldWh.toBigInt()], [boughtWh, soldWh]);
    assert.equal(bill.energyPaid.toBigInt(), boughtWh * price);
    assert.equal(bill.energyReceived.toBigInt(), soldWh * price);
    assert.equal(bill.gridFee.toBigInt(), boughtWh * gridFee);
    assert.equal(bill.imbalanceWh.toBigInt(), 0n, `${h.name} delivered its contract`);
    let change = 0n;
    for (const bills of billsBySlot.values()) if (bills.has(h.pair.address)) change += worthChange(bills.get(h.pair.address));
    assert.equal((await worth(settled, h.pair.address)) - worthBefore.get(h.pair.address), change, `${h.name}'s balance changed by exactly its bills`);
  }
  // Each operator got its zone's bills; the suburb's also the rent and the hub supply, paid out
  // of the escrow.
  const zoneOf = async (address) => (await settled.query.participants.registry(address)).unwrap().zone.toNumber();
  const expectedChange = new Map([[alice.address, 0n], [suburb.address, rent + hubSupply]]);
  for (const bills of billsBySlot.values()) {
    for (const [address, bill] of bills) {
      const operator = operatorOf(await zoneOf(address)).address;
      expectedChange.set(operator, expectedChange.get(operator) + operatorChange(bill));
    }
  }
  for (const [operator, expected] of expectedChange) {
    assert.equal((await totalBalance(settled, operator)) - worthBefore.get(operator), expected, `operator ${operator}`);
  }
  const rentPaid = await findEvent(api, settlementEventOf(api, 'CongestionRentPaid', slot));
  assert.ok(rentPaid, 'CongestionRentPaid was emitted');
  assert.deepEqual([rentPaid.data.zone.toNumber(), rentPaid.data.operator.toString(), rentPaid.data.amount.toBigInt()], [SUBURB, suburb.address, rent]);
  const supplyPaid = await findEvent(api, settlementEventOf(api, 'HubSupplyPaid', slot));
  assert.ok(supplyPaid, 'HubSupplyPaid was emitted');
  assert.deepEqual([supplyPaid.data.shedWh.toBigInt(), supplyPaid.data.amount.toBigInt()], [30n, hubSupply]);
  assert.equal(await totalBalance(settled, escrowAddress()), escrowBefore - depositsBefore, 'the escrow ends the slot as it began');
});

/** Whether an event is settlement's event `name` of `slot`. */
function settlementEventOf(api, name, slot) {
  return (e) => api.events.settlement[name].is(e) && e.data.slot.toBigInt() === slot;
}
