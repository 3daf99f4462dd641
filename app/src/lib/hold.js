// What an order holds while it is open (docs/DESIGN.md, "Holds"): a bid holds
// energy * (price + grid fee), an ask energy * seller collateral. All BigInt planck.

/**
 * The hold of an order, with the formula in words.
 * side: 'Buy' | 'Sell'; energyWh, price (planck/Wh): BigInt; tariffs: { gridFee, sellerCollateral }.
 */
export function orderHold(side, energyWh, price, tariffs) {
  if (side === 'Buy') {
    return {
      hold: energyWh * (price + tariffs.gridFee),
      perWh: price + tariffs.gridFee,
      formula: 'energy × (price + grid fee)',
    };
  }
  if (side === 'Sell') {
    return {
      hold: energyWh * tariffs.sellerCollateral,
      perWh: tariffs.sellerCollateral,
      formula: 'energy × seller collateral',
    };
  }
  throw new Error(`unknown side ${side}`);
}
