// What the chain's blocks say about load: the weight each block used (all dispatch classes), an
// idle block's weight, and the market events of each block as they arrive.

/** The weight (ref time, ps) block `hash` used, all classes together. */
export async function weightAt(api, hash) {
  const used = await (await api.at(hash)).query.system.blockWeight();
  return ['normal', 'operational', 'mandatory'].reduce((sum, cls) => sum + used[cls].refTime.toBigInt(), 0n);
}

/** The weight of each block in `from..=to`. */
export async function blockWeights(api, from, to) {
  const weights = [];
  for (let n = from; n <= to; n++) weights.push(await weightAt(api, await api.rpc.chain.getBlockHash(n)));
  return weights;
}

/** What a block weighs with nothing to do: the least of the last `count` blocks' weights. */
export async function idleWeight(api, count = 5) {
  const head = (await api.rpc.chain.getHeader()).number.toNumber();
  const weights = await blockWeights(api, Math.max(1, head - count + 1), head);
  return weights.reduce((a, b) => (a < b ? a : b));
}

/**
 * Follows new blocks and calls `onBlock({ number, timeMs, events, weight })` for each, in order.
 * Returns a function that stops following.
 */
export async function followBlocks(api, onBlock) {
  let chain = Promise.resolve();
  const unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => {
    chain = chain.then(async () => {
      const at = await api.at(header.hash);
      const [events, now, weight] = await Promise.all([
        at.query.system.events(), at.query.timestamp.now(), weightAt(api, header.hash),
      ]);
      await onBlock({ number: header.number.toNumber(), timeMs: now.toNumber(), events, weight });
    }).catch((error) => console.error(`following blocks: ${error.message}`));
  });
  return () => { unsubscribe(); return chain; };
}

/** The market events of one block, by kind: `{ cleared, voided, settled }` slot numbers. */
export function marketEvents(api, events) {
  const found = { cleared: [], voided: [], settled: [] };
  for (const { event } of events) {
    if (api.events.clearing.SlotCleared.is(event)) found.cleared.push(event.data.slot.toNumber());
    else if (api.events.clearing.SlotVoided.is(event)) found.voided.push(event.data.slot.toNumber());
    else if (api.events.settlement.SlotSettled.is(event)) found.settled.push(event.data.slot.toNumber());
  }
  return found;
}

/** The most recent event among the last `depth` blocks that satisfies `predicate`. */
export async function findEvent(api, predicate, depth = 40) {
  let hash = await api.rpc.chain.getBlockHash();
  for (let i = 0; i < depth; i++) {
    const events = await (await api.at(hash)).query.system.events();
    const found = events.map(({ event }) => event).find(predicate);
    if (found) return found;
    const header = await api.rpc.chain.getHeader(hash);
    if (header.number.toNumber() === 0) break;
    hash = header.parentHash;
  }
  return undefined;
}
