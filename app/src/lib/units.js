// Exact conversions between what people type and read (kWh, WTL/kWh, WTL) and what the chain
// stores (Wh, planck per Wh, planck), on BigInt: no floats anywhere.
// 1 kWh = 1,000 Wh; 1 WTL = 10^12 planck; 1 WTL/kWh = 10^12 planck / 1,000 Wh = 10^9 planck/Wh.

/** Decimals of the token WTL. */
export const WTL_DECIMALS = 12;
/** 1 WTL in planck. */
export const WTL = 10n ** 12n;
/** Decimals of a kWh figure that still name whole Wh. */
export const KWH_DECIMALS = 3;
/** Decimals of a WTL/kWh price that still name whole planck per Wh. */
export const PRICE_DECIMALS = 9;

/**
 * Reads a non-negative decimal `text` as an integer scaled by 10^decimals, exactly:
 * parseUnits('0.25', 9) is 250000000n. Throws an Error saying why for anything else
 * (empty, not a number, a sign, more decimals than the unit can hold).
 */
export function parseUnits(text, decimals, unit = 'the amount') {
  const clean = String(text ?? '').trim().replace(/[\s_]/g, '').replace(/,(?=\d{3}(\D|$))/g, '');
  if (clean === '') throw new Error(`Enter ${unit}.`);
  const match = /^(\d*)(?:\.(\d*))?$/.exec(clean);
  if (!match || (match[1] === '' && !match[2])) throw new Error(`${unit} must be a number like 1.25.`);
  const [, whole, fraction = ''] = match;
  if (fraction.length > decimals) {
    throw new Error(`${unit} takes at most ${decimals} decimals.`);
  }
  return BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}

/**
 * `value / 10^decimals` written out exactly, trailing zeros dropped, with a thin grouping of
 * thousands when `group` is set: formatUnits(1500n, 3) is '1.5', formatUnits(-20n, 3) is '-0.02'.
 */
export function formatUnits(value, decimals, { group = false } = {}) {
  let v = BigInt(value);
  const negative = v < 0n;
  if (negative) v = -v;
  const scale = 10n ** BigInt(decimals);
  let whole = (v / scale).toString();
  if (group) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = decimals > 0 ? (v % scale).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** kWh typed by a person as whole Wh: kwhToWh('0.5') is 500n. */
export const kwhToWh = (text) => parseUnits(text, KWH_DECIMALS, 'Energy in kWh');
/** Wh as a kWh figure: whToKwh(1250n) is '1.25'. */
export const whToKwh = (wh) => formatUnits(wh, KWH_DECIMALS, { group: true });
/** A price in WTL/kWh as planck per Wh: priceToPlanckPerWh('0.2') is 200000000n. */
export const priceToPlanckPerWh = (text) => parseUnits(text, PRICE_DECIMALS, 'Price in WTL/kWh');
/** planck per Wh as WTL/kWh: planckPerWhToPrice(250000000n) is '0.25'. */
export const planckPerWhToPrice = (planckPerWh) => formatUnits(planckPerWh, PRICE_DECIMALS, { group: true });
/** WTL typed by a person as planck. */
export const wtlToPlanck = (text) => parseUnits(text, WTL_DECIMALS, 'The amount in WTL');
/** planck as WTL, every decimal kept: planckToWtl(1500000000000n) is '1.5'. */
export const planckToWtl = (planck) => formatUnits(planck, WTL_DECIMALS, { group: true });

/** An amount of planck for people: '1.5 WTL'. */
export const wtlText = (planck) => `${planckToWtl(planck)} WTL`;
/** A price for people: '0.25 WTL/kWh'. */
export const priceText = (planckPerWh) => `${planckPerWhToPrice(planckPerWh)} WTL/kWh`;
/** Energy for people: '0.5 kWh'. */
export const energyText = (wh) => `${whToKwh(wh)} kWh`;
