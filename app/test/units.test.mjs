import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatUnits, kwhToWh, parseUnits, planckPerWhToPrice, planckToWtl, priceToPlanckPerWh,
  whToKwh, wtlToPlanck, wtlText,
} from '../src/lib/units.js';
import { orderHold } from '../src/lib/hold.js';

test('kWh to Wh and back, exactly', () => {
  assert.equal(kwhToWh('0.5'), 500n);
  assert.equal(kwhToWh('1'), 1000n);
  assert.equal(kwhToWh('.001'), 1n);
  assert.equal(kwhToWh(' 12.345 '), 12345n);
  assert.equal(kwhToWh('1,000.5'), 1_000_500n);
  assert.equal(kwhToWh('18446744073709551.615'), 2n ** 64n - 1n, 'u64::MAX Wh');
  assert.equal(whToKwh(500n), '0.5');
  assert.equal(whToKwh(1n), '0.001');
  assert.equal(whToKwh(0n), '0');
  assert.equal(whToKwh(1_234_567n), '1,234.567');
  for (const wh of [0n, 1n, 999n, 1000n, 1001n, 123456789n]) assert.equal(kwhToWh(whToKwh(wh)), wh);
});

test('kWh finer than a Wh, signs and junk are refused with a reason', () => {
  assert.throws(() => kwhToWh('0.0005'), /at most 3 decimals/);
  assert.throws(() => kwhToWh('-1'), /must be a number/);
  assert.throws(() => kwhToWh(''), /Enter Energy in kWh/);
  assert.throws(() => kwhToWh('1e3'), /must be a number/);
  assert.throws(() => kwhToWh('.'), /must be a number/);
  assert.throws(() => kwhToWh('0,5'), /must be a number/, 'a decimal comma is not guessed at');
});

test('WTL/kWh to planck per Wh and back, exactly', () => {
  assert.equal(priceToPlanckPerWh('0.2'), 200_000_000n);
  assert.equal(priceToPlanckPerWh('0.25'), 250_000_000n);
  assert.equal(priceToPlanckPerWh('1'), 1_000_000_000n, '1 WTL/kWh = 10^9 planck/Wh');
  assert.equal(priceToPlanckPerWh('0.000000001'), 1n, 'the smallest price: 1 planck per Wh');
  assert.equal(priceToPlanckPerWh('10'), 10n * 10n ** 9n);
  assert.throws(() => priceToPlanckPerWh('0.0000000001'), /at most 9 decimals/);
  assert.equal(planckPerWhToPrice(250_000_000n), '0.25');
  assert.equal(planckPerWhToPrice(1n), '0.000000001');
  assert.equal(planckPerWhToPrice(30_000_000n), '0.03');
  // Prices far beyond 2^53 planck per Wh stay exact.
  const big = 2n ** 100n + 7n;
  assert.equal(priceToPlanckPerWh(planckPerWhToPrice(big).replace(/,/g, '')), big);
});

test('WTL with 12 decimals, BigInt all the way', () => {
  assert.equal(planckToWtl(10n ** 12n), '1');
  assert.equal(planckToWtl(1n), '0.000000000001');
  assert.equal(planckToWtl(140_000_000_000n), '0.14');
  assert.equal(planckToWtl(1_000_000n * 10n ** 12n), '1,000,000');
  assert.equal(planckToWtl(-20n * 10n ** 9n), '-0.02');
  assert.equal(wtlText(2n ** 64n), '18,446,744.073709551616 WTL', 'beyond 2^53 and u64');
  assert.equal(wtlToPlanck('1.5'), 1_500_000_000_000n);
  assert.equal(wtlToPlanck('0.000000000001'), 1n);
  assert.throws(() => wtlToPlanck('0.0000000000001'), /at most 12 decimals/);
  assert.equal(formatUnits(1500n, 3), '1.5');
  assert.equal(parseUnits('7', 0), 7n);
});

test('the hold shown before signing: bid energy × (price + grid fee), ask energy × collateral', () => {
  const tariffs = { gridFee: 30_000_000n, sellerCollateral: 100_000_000n };
  const bid = orderHold('Buy', kwhToWh('0.5'), priceToPlanckPerWh('0.25'), tariffs);
  assert.equal(bid.hold, 500n * 280_000_000n);
  assert.equal(planckToWtl(bid.hold), '0.14');
  const ask = orderHold('Sell', kwhToWh('2'), priceToPlanckPerWh('0.15'), tariffs);
  assert.equal(ask.hold, 2000n * 100_000_000n, 'an ask holds collateral, whatever its price');
  assert.equal(planckToWtl(ask.hold), '0.2');
  assert.throws(() => orderHold('Hold', 1n, 1n, tariffs), /unknown side/);
});
