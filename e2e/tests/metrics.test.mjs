// The node's Prometheus endpoint carries the market's figures next to Substrate's: the clock,
// how far settlement lags, the next slot's orders and the last settled slot's totals, each equal
// to what the chain holds at the same block.
import assert from 'node:assert/strict';
import { freePort, startNode, waitFor } from '../lib/node.mjs';
import { after, test } from 'node:test';

let node;
after(async () => { if (node) await node.stop(); });

/** The `wattle_market_*` samples of the endpoint, by name. */
async function marketMetrics(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const samples = new Map();
  for (const line of text.split('\n')) {
    // Substrate labels every sample with the chain: wattle_market_current_slot{chain="wattle_dev"} 7
    const match = /^(wattle_market_[a-z_]+)(?:\{[^}]*\})? (\d+)$/.exec(line);
    if (match) samples.set(match[1], BigInt(match[2]));
  }
  return { text, samples };
}

test('Prometheus serves the market figures the chain holds', { timeout: 240_000 }, async () => {
  const port = await freePort();
  node = await startNode({ args: ['--dev'], prometheusPort: port });
  const { api } = node;
  // The dev households are billed every slot: wait for a settled one.
  await waitFor(async () => {
    const next = await api.query.settlement.nextSlotToSettle();
    return next.isSome && (await api.query.settlement.slotTotalsOf(next.unwrap().toBigInt() - 1n)).isSome;
  }, 180_000, 1_000);

  // The endpoint follows the best block; compare it with the chain once both show one block.
  let samples;
  await waitFor(async () => {
    const before = (await api.rpc.chain.getHeader()).hash.toHex();
    ({ samples } = await marketMetrics(port));
    const at = await api.at(before);
    const next = (await at.query.settlement.nextSlotToSettle()).unwrap().toBigInt();
    const totals = (await at.query.settlement.slotTotalsOf(next - 1n)).unwrap();
    const now = (await at.query.timestamp.now()).toBigInt() / 1000n / 60n;
    const same = samples.get('wattle_market_next_slot_to_settle') === next
      && samples.get('wattle_market_current_slot') === now
      && samples.get('wattle_market_settled_participants') === BigInt(totals.participants.toNumber())
      && samples.get('wattle_market_settled_missing_readings') === BigInt(totals.missingReadings.toNumber())
      && samples.get('wattle_market_settled_penalties_planck') === totals.penalties.toBigInt();
    return same && (await api.rpc.chain.getHeader()).hash.toHex() === before;
  }, 60_000, 500);
  assert.equal(samples.get('wattle_market_settled_participants'), 5n, 'the five dev households, billed silent');
  assert.ok(samples.get('wattle_market_settlement_lag_slots') <= 2n, 'settlement keeps up');
  assert.ok(samples.has('wattle_market_next_slot_orders'));
  const { text } = await marketMetrics(port);
  assert.match(text, /# HELP wattle_market_settlement_lag_slots /);
  assert.match(text, /wattle_market_current_slot\{chain="wattle_dev"\}/);
  assert.match(text, /substrate_block_height\{status="best"/, 'next to Substrate\'s own');
});
