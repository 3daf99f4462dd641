// The clearing rule of docs/DESIGN.md, written again independently of the Rust crate so that
// end-to-end tests check the chain against the rule rather than against itself.
// Orders: { id: bigint, side: 'Buy'|'Sell', energyWh: bigint, price: bigint }.

/** Returns { price, volumeWh, fills: Map<id, fillWh> }; price is null when nothing trades. */
export function clearBook(orders) {
  const bids = orders.filter((o) => o.side === 'Buy')
    .sort((a, b) => (a.price === b.price ? cmp(a.id, b.id) : cmp(b.price, a.price)));
  const asks = orders.filter((o) => o.side === 'Sell')
    .sort((a, b) => (a.price === b.price ? cmp(a.id, b.id) : cmp(a.price, b.price)));
  const fills = new Map(orders.map((o) => [o.id, 0n]));
  let i = 0;
  let j = 0;
  let volumeWh = 0n;
  while (i < bids.length && j < asks.length && bids[i].price >= asks[j].price) {
    const bid = bids[i];
    const ask = asks[j];
    const qty = min(bid.energyWh - fills.get(bid.id), ask.energyWh - fills.get(ask.id));
    fills.set(bid.id, fills.get(bid.id) + qty);
    fills.set(ask.id, fills.get(ask.id) + qty);
    volumeWh += qty;
    if (fills.get(bid.id) === bid.energyWh) i++;
    if (fills.get(ask.id) === ask.energyWh) j++;
  }
  if (volumeWh === 0n) return { price: null, volumeWh, fills };
  const filled = (o) => fills.get(o.id) > 0n;
  const short = (o) => fills.get(o.id) < o.energyWh;
  const lo = maxOf([...asks.filter(filled), ...bids.filter(short)].map((o) => o.price));
  const hi = minOf([...bids.filter(filled), ...asks.filter(short)].map((o) => o.price));
  return { price: lo + (hi - lo) / 2n, volumeWh, fills };
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const min = (a, b) => (a < b ? a : b);
const maxOf = (xs) => xs.reduce((a, b) => (b > a ? b : a));
const minOf = (xs) => xs.reduce((a, b) => (b < a ? b : a));

/**
 * What a stored clearing outcome (`clearing.outcomes(slot)`, unwrapped) says traded:
 * { price, volumeWh, zones: [{ zone, price, boughtWh, soldWh }] } with the hub price, or null
 * without trade. Reads a split result and the one-price results of runtimes before market
 * splitting (spec 101 and earlier), whose `zones` is empty.
 */
export function tradeOf(outcome) {
  if (outcome.isSplit && outcome.asSplit.isTrade) {
    const trade = outcome.asSplit.asTrade;
    const zones = trade.zones.map((z) => ({
      zone: z.zone.toNumber(), price: z.price.toBigInt(), boughtWh: z.boughtWh.toBigInt(), soldWh: z.soldWh.toBigInt(),
    }));
    return { price: trade.hubPrice.toBigInt(), volumeWh: zones.reduce((sum, z) => sum + z.boughtWh, 0n), zones };
  }
  if (outcome.isCleared && outcome.asCleared.isTrade) {
    const trade = outcome.asCleared.asTrade;
    return { price: trade.price.toBigInt(), volumeWh: trade.volumeWh.toBigInt(), zones: [] };
  }
  return null;
}
