// Exact decimal formatting of the chain's integers (BigInt), without floats: WTL from planck,
// WTL/kWh from planck per Wh, kWh from Wh.

/** 1 WTL in planck. */
export const WTL = 10n ** 12n;

/**
 * `value / 10^decimals` written out exactly, trailing zeros dropped: formatUnits(1500n, 3) is
 * '1.5', formatUnits(-20n, 3) is '-0.02', formatUnits(0n, 12) is '0'.
 */
export function formatUnits(value, decimals) {
  let v = BigInt(value);
  const negative = v < 0n;
  if (negative) v = -v;
  const scale = 10n ** BigInt(decimals);
  const whole = v / scale;
  const fraction = (v % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A price in planck per Wh as WTL/kWh (1 WTL/kWh = 10^9 planck/Wh). */
export const wtlPerKwh = (planckPerWh) => formatUnits(planckPerWh, 9);
/** An amount in planck as WTL. */
export const wtl = (planck) => formatUnits(planck, 12);
/** Energy in Wh as kWh. */
export const kwh = (wh) => formatUnits(wh, 3);
