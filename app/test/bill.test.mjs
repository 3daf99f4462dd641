import assert from 'node:assert/strict';
import { test } from 'node:test';
import { billAmounts, billEnergy, billLines, billPayment } from '../src/lib/bill.js';

const MWH = 1_000_000n; // 0.001 WTL/kWh in planck per Wh
const base = {
  price: 200n * MWH, boughtWh: 0n, soldWh: 0n, importedWh: 0n, exportedWh: 0n, readingMissing: false,
  energyPaid: 0n, energyReceived: 0n, gridFee: 0n, imbalanceWh: 0n, imbalanceCharge: 0n,
  imbalanceCredit: 0n, penalty: 0n, paidFromHold: 0n, paidFromBalance: 0n, debt: 0n,
  unpaidByOperator: 0n, reputationChange: 0,
};

test('a buyer who drew 20 Wh more than it bought: every line of the rule', () => {
  const bill = {
    ...base, boughtWh: 500n, importedWh: 520n, energyPaid: 500n * 200n * MWH, gridFee: 500n * 30n * MWH,
    imbalanceWh: -20n, imbalanceCharge: 20n * 300n * MWH, paidFromHold: 500n * 30n * MWH + 20n * 300n * MWH,
    reputationChange: 1,
  };
  const lines = billLines(bill);
  assert.deepEqual(lines.map((l) => l.key), ['energyPaid', 'energyReceived', 'gridFee', 'imbalanceCharge', 'imbalanceCredit', 'penalty', 'net']);
  const byKey = Object.fromEntries(lines.map((l) => [l.key, l]));
  assert.equal(byKey.energyPaid.amount, -100_000_000_000n);
  assert.equal(byKey.energyPaid.detail, '0.5 kWh × 0.2 WTL/kWh');
  assert.equal(byKey.gridFee.amount, -15_000_000_000n);
  assert.equal(byKey.gridFee.detail, '0.5 kWh × 0.03 WTL/kWh (grid fee)');
  assert.equal(byKey.imbalanceCharge.amount, -6_000_000_000n);
  assert.equal(byKey.imbalanceCharge.detail, '0.02 kWh × 0.3 WTL/kWh (retail price)');
  assert.equal(byKey.imbalanceCredit.amount, 0n);
  assert.equal(byKey.energyReceived.amount, 0n);
  assert.equal(byKey.net.amount, -121_000_000_000n);
  assert.equal(billAmounts(bill).net, -(bill.energyPaid + bill.gridFee + bill.imbalanceCharge));
  const energy = billEnergy(bill);
  assert.equal(energy.measuredNetWh, -520n);
  assert.equal(energy.contractedNetWh, -500n);
  assert.equal(energy.measuredNetWh - energy.contractedNetWh, bill.imbalanceWh, 'd = measured − contracted');
});

test('a seller who spilled beyond its contract is credited at feed-in', () => {
  const bill = {
    ...base, soldWh: 400n, exportedWh: 450n, energyReceived: 400n * 200n * MWH, imbalanceWh: 50n,
    imbalanceCredit: 50n * 80n * MWH,
  };
  const byKey = Object.fromEntries(billLines(bill).map((l) => [l.key, l]));
  assert.equal(byKey.energyReceived.amount, 80_000_000_000n);
  assert.equal(byKey.imbalanceCredit.amount, 4_000_000_000n);
  assert.equal(byKey.imbalanceCredit.detail, '0.05 kWh × 0.08 WTL/kWh (feed-in price)');
  assert.equal(byKey.net.amount, 84_000_000_000n);
});

test('a missing reading: the penalty line, and how it was paid, debt included', () => {
  const bill = {
    ...base, boughtWh: 100n, readingMissing: true, energyPaid: 100n * 200n * MWH, gridFee: 100n * 30n * MWH,
    imbalanceWh: 100n, imbalanceCredit: 100n * 80n * MWH, penalty: 10n ** 12n,
    paidFromHold: 3_000_000_000n, paidFromBalance: 989_000_000_000n, debt: 0n, reputationChange: -50,
  };
  const byKey = Object.fromEntries(billLines(bill).map((l) => [l.key, l]));
  assert.equal(byKey.penalty.amount, -(10n ** 12n));
  assert.equal(byKey.penalty.detail, 'no reading: flat penalty');
  assert.equal(byKey.net.amount, -20_000_000_000n - 3_000_000_000n + 8_000_000_000n - 10n ** 12n);
  const payment = billPayment({ ...bill, debt: 5n });
  assert.deepEqual(payment.map((p) => [p.key, p.amount]), [
    ['paidFromHold', 3_000_000_000n], ['paidFromBalance', 989_000_000_000n], ['debt', 5n], ['unpaidByOperator', 0n],
  ]);
});

test('a rate that does not divide evenly is not invented', () => {
  const bill = { ...base, boughtWh: 3n, gridFee: 10n, energyPaid: 3n * 200n * MWH };
  const byKey = Object.fromEntries(billLines(bill).map((l) => [l.key, l]));
  assert.equal(byKey.gridFee.detail, '0.003 kWh (grid fee)');
});
