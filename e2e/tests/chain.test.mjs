// The foundation: a dev node produces and finalizes blocks, shows WTL, and includes a transfer.
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { submit, useNode, waitFor } from '../lib/node.mjs';

const { ctx, test } = useNode();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });

test('chain properties show the WTL token with 12 decimals', async () => {
  const properties = await ctx.api.rpc.system.properties();
  assert.deepEqual(properties.tokenSymbol.unwrap().map(String), ['WTL']);
  assert.deepEqual(properties.tokenDecimals.unwrap().map((d) => d.toNumber()), [12]);
  assert.equal(properties.ss58Format.unwrap().toNumber(), 42);
  assert.equal(ctx.api.registry.chainDecimals[0], 12);
  assert.equal(ctx.api.registry.chainTokens[0], 'WTL');
});

test('the runtime exposes the pallets of the interface contract', async () => {
  const pallets = ctx.api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
  for (const name of ['System', 'Timestamp', 'Aura', 'Grandpa', 'Balances', 'TransactionPayment', 'Sudo',
    'Validators', 'Session', 'Participants', 'Orders', 'Clearing', 'Metering', 'Settlement']) {
    assert.ok(pallets.includes(name), `pallet ${name} missing from ${pallets}`);
  }
  assert.equal(ctx.api.runtimeVersion.specName.toString(), 'wattle');
});

test('Aura produces blocks and GRANDPA finalizes them', async () => {
  await waitFor(async () => (await ctx.api.rpc.chain.getHeader()).number.toNumber() >= 3, 60_000);
  await waitFor(async () => {
    const finalized = await ctx.api.rpc.chain.getFinalizedHead();
    return (await ctx.api.rpc.chain.getHeader(finalized)).number.toNumber() >= 2;
  }, 60_000);
});

test('a balance transfer from Alice is included and its event decodes', async () => {
  const alice = keyring.addFromUri('//Alice');
  const dest = keyring.addFromUri(`//e2e-transfer-${Date.now()}`);
  const amount = 5n * 10n ** 12n; // 5 WTL
  const { events, blockHash } = await submit(
    ctx.api,
    ctx.api.tx.balances.transferKeepAlive(dest.address, amount),
    alice,
  );
  const transfer = events.find(({ event }) => ctx.api.events.balances.Transfer.is(event));
  assert.ok(transfer, `no Balances.Transfer among ${events.map(({ event }) => `${event.section}.${event.method}`)}`);
  const [from, to, value] = transfer.event.data;
  assert.equal(from.toString(), alice.address);
  assert.equal(to.toString(), dest.address);
  assert.equal(value.toBigInt(), amount);
  const account = await (await ctx.api.at(blockHash)).query.system.account(dest.address);
  assert.equal(account.data.free.toBigInt(), amount);
});

const documented = (docs) => docs.length > 0 && docs.map(String).join(' ').trim().length > 0;

test('every call, event, error and storage item of the market pallets is documented', async () => {
  const { api } = ctx;
  for (const name of ['Validators', 'Participants', 'Orders', 'Clearing', 'Metering', 'Settlement']) {
    const pallet = api.runtimeMetadata.asLatest.pallets.find((p) => p.name.toString() === name);
    for (const [kind, lookup] of [['call', pallet.calls], ['event', pallet.events], ['error', pallet.errors]]) {
      const type = api.registry.lookup.getSiType(lookup.unwrap().type);
      for (const variant of type.def.asVariant.variants) {
        assert.ok(documented(variant.docs), `${name} ${kind} ${variant.name} has docs`);
      }
    }
    // Metering keeps no storage of its own: readings go into settlement's household records.
    const items = pallet.storage.isSome ? pallet.storage.unwrap().items : [];
    assert.ok(items.length > 0 || name === 'Metering', `${name} has storage`);
    for (const item of items) {
      assert.ok(documented(item.docs), `${name} storage ${item.name} has docs`);
    }
    for (const constant of pallet.constants) {
      assert.ok(documented(constant.docs), `${name} constant ${constant.name} has docs`);
    }
  }
});

test('the runtime API MarketApi is in the metadata, documented, and decodes', async () => {
  const { api } = ctx;
  const market = api.runtimeMetadata.asLatest.apis.find((a) => a.name.toString() === 'MarketApi');
  assert.ok(market, 'MarketApi is in the metadata');
  assert.ok(documented(market.docs));
  const methods = market.methods.map((m) => m.name.toString());
  assert.deepEqual(methods.sort(), ['clearing', 'config', 'order_book', 'participant', 'position', 'settlement', 'slot', 'status', 'zones']);
  for (const method of market.methods) assert.ok(documented(method.docs), `MarketApi.${method.name} has docs`);
  const config = await api.call.marketApi.config();
  assert.equal(config.slotSecs.toNumber(), (await api.query.orders.configuration()).slotSecs.toNumber());
  const status = await api.call.marketApi.status();
  assert.ok(status.currentSlot.toNumber() > 0);
});
